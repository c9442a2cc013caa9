/**
 * The summary of a sweep: plain-text tables per market (as `deno task compare` prints),
 * a market × agent matrix, CSV files and a self-contained offline HTML page with figures
 * per market and agent.
 *
 * @module
 */
import { stringify } from "npm:csv-stringify@6.9.0/sync";
import { flattenMetrics } from "../analytics/mod.ts";
import { PAIRED_METRICS } from "../backtest/compare.ts";
import {
  formatEstimate,
  formatNumber,
  formatP,
  roundNumber,
  TABLE_METRICS,
  textTable,
} from "../backtest/format.ts";
import {
  cumulative,
  distributionFigure,
  equityCurvesFigure,
  type Figure,
  htmlPage,
  metricBarsFigure,
  type PageBlock,
} from "../viz/mod.ts";
import type { CellResult, SweepResult } from "./merge.ts";

const HEADLINE = 4;

function cellsOf(r: SweepResult, market: string): CellResult[] {
  return r.cells.filter((c) => c.market === market);
}

/** The metric table of one market (headline metrics) as plain text. */
export function marketTableText(r: SweepResult, market: string): string {
  const metrics = TABLE_METRICS.slice(0, HEADLINE);
  const rows = cellsOf(r, market).map((c) =>
    c.status === "ok"
      ? [c.agent, ...metrics.map((m) => formatEstimate(c.aggregate[m.key], m.scale))]
      : [c.agent, `failed: ${c.error ?? ""}`.slice(0, 60), ...metrics.slice(1).map(() => "-")]
  );
  return textTable(["agent", ...metrics.map((m) => m.label)], rows);
}

/** Paired tests of one market against the baseline as plain text ("" when none). */
export function marketPairedText(r: SweepResult, market: string): string {
  const row = r.paired[market];
  if (!row || Object.keys(row).length === 0) return "";
  const rows = Object.entries(row).map(([agent, tests]) => {
    const cells = [agent];
    for (const key of PAIRED_METRICS) {
      const c = tests[key];
      cells.push(
        `${formatNumber(c.meanDiff)} [${formatNumber(c.ci95[0])}, ${formatNumber(c.ci95[1])}]`,
        formatP(c.tTestP),
      );
    }
    return cells;
  });
  return textTable(["agent", "ΔTotal P&L ($)", "p (t)", "ΔSharpe", "p (t)"], rows);
}

/** A market × agent matrix of one metric's means (rows: agents). */
export function matrixText(r: SweepResult, key = "totalPnl", scale = 1): string {
  const markets = r.plan.markets.map((m) => m.name);
  const agents = r.plan.variants.map((v) => v.label);
  const rows = agents.map((a) => [
    a,
    ...markets.map((m) => {
      const c = r.cells.find((x) => x.market === m && x.agent === a);
      if (!c) return "";
      if (c.status !== "ok") return "failed";
      return formatNumber((c.aggregate[key]?.mean ?? NaN) * scale);
    }),
  ]);
  return textTable(["agent", ...markets], rows);
}

/** Every table of the sweep as plain text (what `deno task sweep` prints). */
export function sweepTablesText(r: SweepResult): string {
  const parts: string[] = [];
  for (const m of r.plan.markets) {
    parts.push(`== market ${m.name} (${m.config.tier} tier, ${m.config.duration} s episodes)`);
    parts.push(marketTableText(r, m.name));
    const paired = marketPairedText(r, m.name);
    if (paired) {
      parts.push(`\nPaired tests vs ${r.baseline} (Δ = agent − ${r.baseline}):\n${paired}`);
    }
    parts.push("");
  }
  if (r.plan.markets.length > 1) {
    parts.push("== mean total P&L per episode ($), agent × market");
    parts.push(matrixText(r, "totalPnl"));
    parts.push("");
    parts.push("== mean Sharpe (annualized), agent × market");
    parts.push(matrixText(r, "sharpe"));
    parts.push("");
  }
  for (const line of heldOutWarnings(r)) parts.push(line);
  if (r.failures.length) {
    parts.push(`== ${r.failures.length} failed job(s)`);
    for (const f of r.failures) parts.push(`${f.title}: ${f.error.name}: ${f.error.message}`);
  }
  return parts.join("\n").trimEnd();
}

/** One warning per PPO cell whose evaluation seeds include some of its training seeds. */
export function heldOutWarnings(r: SweepResult): string[] {
  return r.cells
    .filter((c) => (c.heldOut?.evaluationSeedsSeenInTraining ?? 0) > 0)
    .map((c) =>
      `warning: ${c.agent} in ${c.market}: ${c.heldOut!.evaluationSeedsSeenInTraining} of ` +
      `${c.episodes.length} evaluation seeds were used in its training (choose another root seed)`
    );
}

function num(x: number): string | number {
  const v = roundNumber(x);
  return v === null ? "" : v;
}

/** Per-episode metrics as CSV: market, agent, episode, seed, then every metric. */
export function sweepEpisodesCsv(r: SweepResult): string {
  const keys: string[] = [];
  const seen = new Set<string>();
  const flat = r.cells.map((c) => c.episodes.map((e) => flattenMetrics(e)));
  for (const rows of flat) {
    for (const row of rows) {
      for (const k of Object.keys(row)) if (!seen.has(k)) (seen.add(k), keys.push(k));
    }
  }
  const seeds = r.plan.seeds.evaluation;
  const out: (string | number)[][] = [["market", "agent", "episode", "seed", ...keys]];
  r.cells.forEach((c, i) => {
    flat[i].forEach((row, e) => {
      out.push([c.market, c.agent, e, seeds[e], ...keys.map((k) => (k in row ? num(row[k]) : ""))]);
    });
  });
  return stringify(out);
}

/** Aggregates as CSV: one row per market, agent and metric. */
export function sweepSummaryCsv(r: SweepResult): string {
  const out: (string | number)[][] = [[
    "market",
    "agent",
    "status",
    "metric",
    "mean",
    "ci95_lo",
    "ci95_hi",
    "std",
    "n",
  ]];
  for (const c of r.cells) {
    if (c.status !== "ok") {
      out.push([c.market, c.agent, "failed", "", "", "", "", "", ""]);
      continue;
    }
    for (const [k, s] of Object.entries(c.aggregate)) {
      out.push([
        c.market,
        c.agent,
        "ok",
        k,
        num(s.mean),
        num(s.ci95[0]),
        num(s.ci95[1]),
        num(s.std),
        s.n,
      ]);
    }
  }
  return stringify(out);
}

/** Paired tests as CSV: market, agent, baseline, metric, n, mean difference, CI, p-values. */
export function sweepPairedCsv(r: SweepResult): string {
  const out: (string | number)[][] = [[
    "market",
    "agent",
    "baseline",
    "metric",
    "n",
    "meanDiff",
    "ci95_lo",
    "ci95_hi",
    "tTestP",
    "wilcoxonP",
    "permutationP",
  ]];
  for (const [market, row] of Object.entries(r.paired)) {
    for (const [agent, tests] of Object.entries(row)) {
      for (const [metric, c] of Object.entries(tests)) {
        out.push([
          market,
          agent,
          r.baseline ?? "",
          metric,
          c.n,
          num(c.meanDiff),
          num(c.ci95[0]),
          num(c.ci95[1]),
          num(c.tTestP),
          num(c.wilcoxonP),
          num(c.permutationP),
        ]);
      }
    }
  }
  return stringify(out);
}

function heatmap(r: SweepResult, key: string, label: string, scale: number): Figure {
  const markets = r.plan.markets.map((m) => m.name);
  const agents = r.plan.variants.map((v) => v.label);
  const z = agents.map((a) =>
    markets.map((m) => {
      const c = r.cells.find((x) => x.market === m && x.agent === a);
      const v = c?.status === "ok" ? (c.aggregate[key]?.mean ?? NaN) * scale : NaN;
      return Number.isFinite(v) ? v : null;
    })
  );
  return {
    data: [{
      type: "heatmap",
      x: markets,
      y: agents,
      z,
      colorscale: "RdBu",
      zmid: 0,
      hovertemplate: "%{y} in %{x}: %{z:.4g}<extra></extra>",
    }],
    layout: {
      title: { text: `${label}: mean per agent and market` },
      height: Math.max(320, 40 * agents.length + 160),
      margin: { l: 220, r: 40, t: 60, b: 80 },
    },
  };
}

function meanCurve(c: CellResult): Float64Array {
  const n = c.curves.time.length;
  const out = new Float64Array(n);
  for (const p of c.curves.pnl) for (let j = 0; j < n; j++) out[j] += p[j];
  for (let j = 0; j < n; j++) out[j] /= Math.max(1, c.curves.pnl.length);
  return out;
}

/** The self-contained HTML report (offline: plotly.js inlined). */
export function sweepReportHtml(r: SweepResult): string {
  const blocks: PageBlock[] = [];
  const pre = (text: string) =>
    `<pre>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</pre>`;
  if (r.plan.markets.length > 1) {
    blocks.push({ heading: "All markets" });
    blocks.push({ figure: heatmap(r, "totalPnl", "Total P&L per episode ($)", 1) });
    blocks.push({ figure: heatmap(r, "sharpe", "Sharpe (annualized)", 1) });
  }
  for (const m of r.plan.markets) {
    const cells = cellsOf(r, m.name).filter((c) => c.status === "ok");
    blocks.push({ heading: `Market ${m.name}` });
    blocks.push({ html: pre(marketTableText(r, m.name)) });
    const paired = marketPairedText(r, m.name);
    if (paired) blocks.push({ html: pre(`Paired tests vs ${r.baseline}:\n${paired}`) });
    if (cells.length === 0) continue;
    for (const metric of TABLE_METRICS.slice(0, 2)) {
      blocks.push({
        figure: metricBarsFigure(
          cells.map((c) => {
            const s = c.aggregate[metric.key];
            return {
              name: c.agent,
              value: (s?.mean ?? NaN) * metric.scale,
              lo: (s?.ci95[0] ?? NaN) * metric.scale,
              hi: (s?.ci95[1] ?? NaN) * metric.scale,
            };
          }),
          { title: `${m.name}: ${metric.label}, mean and 95% CI`, valueTitle: metric.label },
        ),
      });
    }
    if (cells[0].curves.time.length > 0) {
      blocks.push({
        figure: equityCurvesFigure(
          cells.map((c) => ({ name: c.agent, values: meanCurve(c), x: c.curves.time })),
          { title: `${m.name}: mean P&L within an episode`, xTitle: "time (s)", yTitle: "P&L ($)" },
        ),
      });
    }
    blocks.push({
      figure: equityCurvesFigure(
        cells.map((c) => ({
          name: c.agent,
          values: cumulative(c.episodes.map((e) => e.totalPnl)),
        })),
        { title: `${m.name}: cumulative P&L over evaluation episodes`, xTitle: "episode" },
      ),
    });
    blocks.push({
      figure: distributionFigure(
        cells.map((c) => ({ name: c.agent, values: c.episodes.map((e) => e.totalPnl) })),
        { title: `${m.name}: total P&L per episode`, valueTitle: "P&L per episode ($)" },
      ),
    });
  }
  const warnings = heldOutWarnings(r);
  if (warnings.length) {
    blocks.push({ heading: "Held-out check" });
    blocks.push({ html: pre(warnings.join("\n")) });
  }
  if (r.failures.length) {
    blocks.push({ heading: "Failed jobs" });
    blocks.push({
      html: pre(
        r.failures.map((f) => `${f.title}: ${f.error.name}: ${f.error.message}`).join("\n"),
      ),
    });
  }
  const s = r.plan.spec;
  return htmlPage(blocks, `ALPE sweep ${s.name}`, {
    intro: `${r.plan.markets.length} market(s) × ${r.plan.variants.length} agent variant(s), ` +
      `${s.episodes} evaluation episodes each (root seed ${s.seed}); ${r.plan.jobs.length} jobs.`,
  });
}
