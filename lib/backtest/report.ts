/**
 * The comparison report: plain-text tables for the terminal and a self-contained offline
 * HTML page (plotly.js inlined by lib/viz's `htmlPage`) with equity curves, P&L
 * distributions, inventory histograms and metric bars with 95 % CI error bars.
 *
 * @module
 */
import {
  cumulative,
  distributionFigure,
  equityCurvesFigure,
  type Figure,
  htmlPage,
  metricBarsFigure,
  type PageBlock,
  type Trace,
} from "../viz/mod.ts";
import type { MetricSummary } from "../analytics/mod.ts";
import { BASELINE_AGENT, type CompareRun, PAIRED_METRICS } from "./compare.ts";
import { formatEstimate, formatNumber, formatP, TABLE_METRICS, textTable } from "./format.ts";
import type { AgentBacktest } from "./runner.ts";

const HEADLINE = 4;

function tableRows(run: CompareRun, from: number, to: number): string[][] {
  const ids = (run.report.config.agents as string[]) ?? run.ran;
  return ids.map((id) => {
    const a = run.backtest?.agents.find((x) => x.id === id);
    if (!a) {
      return [id, ...TABLE_METRICS.slice(from, to).map((_, j) => (j === 0 ? "unavailable" : "-"))];
    }
    return [
      id,
      ...TABLE_METRICS.slice(from, to).map((m) => formatEstimate(a.aggregate[m.key], m.scale)),
    ];
  });
}

/** Columns per table after the headline one (keeps each table within ~160 characters). */
const COLUMNS_PER_TABLE = 6;

/** The metric tables (headline metrics, then the rest in tables of a few columns) as plain text. */
export function metricTablesText(run: CompareRun): string {
  const header = (
    from: number,
    to: number,
  ) => ["agent", ...TABLE_METRICS.slice(from, to).map((m) => m.label)];
  const tables = [textTable(header(0, HEADLINE), tableRows(run, 0, HEADLINE))];
  for (let from = HEADLINE; from < TABLE_METRICS.length; from += COLUMNS_PER_TABLE) {
    const to = Math.min(from + COLUMNS_PER_TABLE, TABLE_METRICS.length);
    tables.push("", textTable(header(from, to), tableRows(run, from, to)));
  }
  return [
    ...tables,
    ...Object.entries(run.unavailable).map(([id, reason]) =>
      `\n${reason.includes(id) ? reason : `${id}: ${reason}`}`
    ),
  ].join("\n");
}

function pairedRows(run: CompareRun): string[][] {
  const rows: string[][] = [];
  for (const [id, tests] of Object.entries(run.paired)) {
    const cells = [id];
    for (const key of PAIRED_METRICS) {
      const c = tests[key];
      cells.push(
        `${formatNumber(c.meanDiff)} [${formatNumber(c.ci95[0])}, ${formatNumber(c.ci95[1])}]`,
        formatP(c.tTestP),
        formatP(c.wilcoxonP),
      );
    }
    rows.push(cells);
  }
  return rows;
}

const PAIRED_HEADER = [
  "agent",
  "ΔTotal P&L ($)",
  "p (t)",
  "p (Wilcoxon)",
  "ΔSharpe",
  "p (t)",
  "p (Wilcoxon)",
];

/** Paired tests against the baseline as plain text ("" when there are none). */
export function pairedTableText(run: CompareRun): string {
  const rows = pairedRows(run);
  if (rows.length === 0) return "";
  return textTable(PAIRED_HEADER, rows);
}

/** The legend printed under the tables: units, period, CIs and seeds. */
export function legendText(run: CompareRun): string {
  const u = run.report.units;
  const cfg = run.report.config;
  const seeds = run.report.seeds;
  const lines = [
    `Means over ${cfg.episodes} episodes of ${u.episode} (${cfg.tier} tier), with ${u.ci95}.`,
    `Period = ${u.periodSeconds} s of market time; returns = ΔP&L per period / capital base ` +
    `$${formatNumber(u.capitalBaseUsd as number)} (${u.capitalBase}); Sharpe, Sortino, Calmar ` +
    `annualized with ${formatNumber(u.periodsPerYear as number)} periods/year.`,
    "Sharpe (pooled), Sortino (pooled) and Ann. vol: all episodes' period returns pooled into " +
    "one series (the Sharpe has the sign of the mean P&L), CIs from a cluster bootstrap over " +
    "episodes; Ep. Sharpe: mean/std of episode P&L (per-episode view, not annualized); " +
    "Sharpe (ep. mean) and the other ratios: means of per-episode values.",
    "Total P&L and Max DD in USD per episode; Avg |Inv| in lots and shares; P&L/MAP in USD per " +
    "lot of mean absolute position; VaR95/CVaR95 in basis points of the capital base per period " +
    "(negative = loss); win rate, fill ratio and Ann. vol in %.",
    `Seeds: root ${seeds.root}; evaluation childSeed(root, e), e < ${cfg.episodes}, the same ` +
    `for every agent; ${
      (seeds.calibration as number[]).length
    } disjoint calibration seeds to calibrate A, k, σ and tune every agent with a tuning grid ` +
    `(${Object.keys(run.fair?.agents ?? {}).join(", ") || "none"}).`,
  ];
  const windows = seeds.replayWindows as
    | { total: number; evaluation: string[]; calibration: string[]; learnedHeldOut: unknown }
    | undefined;
  if (windows) {
    // recorded data: the seeds select windows (see lib/backtest/replay_plan.ts)
    lines[lines.length - 1] = `Windows: ${windows.evaluation.length} of the tapes' ` +
      `${windows.total} windows evaluate (the later part of each tape, the same for every ` +
      `agent); ${windows.calibration.length} earlier, disjoint windows tune every agent with a ` +
      `tuning grid (${Object.keys(run.fair?.agents ?? {}).join(", ") || "none"}).`;
    const lh = windows.learnedHeldOut as
      | { trainedOn: string; trainingWindows: number; evaluationWindowsSeenInTraining: number }
      | null;
    if (lh) {
      lines.push(
        lh.trainedOn === "replay"
          ? `Learned-agent held-out check: ${lh.evaluationWindowsSeenInTraining} of ` +
            `${windows.evaluation.length} evaluation windows overlap its ` +
            `${lh.trainingWindows} training windows.`
          : "Learned agent: trained on simulated markets only (no recorded window seen).",
      );
    }
  }
  const held = seeds.ppoHeldOut as
    | { trainingSeeds: number; evaluationSeedsSeenInTraining: number }
    | null
    | undefined;
  if (held) {
    lines.push(
      `PPO held-out check: ${held.evaluationSeedsSeenInTraining} of ${cfg.episodes} evaluation ` +
        `seeds among the model's ${held.trainingSeeds} training seeds` +
        (held.evaluationSeedsSeenInTraining === 0 ? " (all held out)." : " (NOT held out)."),
    );
  }
  if (Object.keys(run.paired).length > 0) {
    lines.push(
      `Paired tests vs ${BASELINE_AGENT}: Δ = agent − ${BASELINE_AGENT} per evaluation seed, ` +
        "mean with 95% bootstrap CI; two-sided paired t-test and Wilcoxon signed-rank p-values.",
    );
  }
  return lines.join("\n");
}

function inventoryFigure(agents: readonly AgentBacktest[]): Figure {
  const data: Trace[] = agents.map((a) => {
    const total = a.inventory.counts.reduce((s, c) => s + c, 0) || 1;
    let lo = 0, hi = a.inventory.lots.length - 1;
    while (lo < hi && a.inventory.counts[lo] === 0) lo++;
    while (hi > lo && a.inventory.counts[hi] === 0) hi--;
    return {
      type: "bar",
      name: a.id,
      x: a.inventory.lots.slice(lo, hi + 1),
      y: a.inventory.counts.slice(lo, hi + 1).map((c) => c / total),
      opacity: 0.6,
    };
  });
  return {
    data,
    layout: {
      title: { text: "Inventory distribution (share of steps, all episodes)" },
      height: 420,
      barmode: "overlay",
      xaxis: { title: { text: "inventory (lots)" } },
      yaxis: { title: { text: "share of steps" } },
      legend: { orientation: "h", x: 0, y: -0.15 },
    },
  };
}

function meanCurve(a: AgentBacktest): Float64Array {
  const n = a.curves.time.length;
  const out = new Float64Array(n);
  for (const c of a.curves.pnl) for (let j = 0; j < n; j++) out[j] += c[j];
  for (let j = 0; j < n; j++) out[j] /= Math.max(1, a.curves.pnl.length);
  return out;
}

function bars(agents: readonly AgentBacktest[], key: string, label: string, scale: number): Figure {
  return metricBarsFigure(
    agents.map((a) => {
      const s: MetricSummary | undefined = a.aggregate[key];
      return {
        name: a.id,
        value: (s?.mean ?? NaN) * scale,
        lo: (s?.ci95[0] ?? NaN) * scale,
        hi: (s?.ci95[1] ?? NaN) * scale,
      };
    }),
    { title: `${label}: mean and 95% CI`, valueTitle: label },
  );
}

/**
 * The self-contained HTML report of a comparison (offline: plotly.js is inlined).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareReportHtml } from "./report.ts";
 * import { runCompare } from "./compare.ts";
 * const run = await runCompare({
 *   config: { tier: "model", duration: 10 },
 *   agents: ["static-spread", "touch"],
 *   episodes: 2,
 *   workers: 0,
 * });
 * const html = compareReportHtml(run); // write it to e.g. out/compare/report.html
 * assert.ok(html.startsWith("<!DOCTYPE html>"));
 * assert.ok(html.includes("static-spread"));
 * ```
 */
export function compareReportHtml(run: CompareRun, title = "ALPE agent comparison"): string {
  const agents = run.backtest?.agents ?? [];
  const blocks: PageBlock[] = [];
  const preText = (text: string) =>
    `<pre>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</pre>`;
  blocks.push({ heading: "Metrics (mean [95% CI])" });
  blocks.push({ html: preText(metricTablesText(run)) });
  const paired = pairedTableText(run);
  if (paired) {
    blocks.push({ heading: `Paired tests vs ${BASELINE_AGENT}` });
    blocks.push({ html: preText(paired) });
  }
  blocks.push({ text: legendText(run) });
  if (agents.length > 0) {
    blocks.push({ heading: "Equity curves" });
    blocks.push({
      figure: equityCurvesFigure(
        agents.map((a) => ({ name: a.id, values: meanCurve(a), x: a.curves.time })),
        {
          title: "Mean P&L within an episode (across evaluation episodes)",
          xTitle: "time (s)",
          yTitle: "P&L ($)",
        },
      ),
    });
    blocks.push({
      figure: equityCurvesFigure(
        agents.map((a) => ({ name: a.id, values: cumulative(a.episodes.map((m) => m.totalPnl)) })),
        { title: "Cumulative P&L over consecutive evaluation episodes", xTitle: "episode" },
      ),
    });
    blocks.push({ heading: "P&L distributions" });
    blocks.push({
      figure: distributionFigure(
        agents.map((a) => ({ name: a.id, values: a.episodes.map((m) => m.totalPnl) })),
        { title: "Total P&L per episode", valueTitle: "P&L per episode ($)" },
      ),
    });
    blocks.push({ heading: "Inventory" });
    blocks.push({ figure: inventoryFigure(agents) });
    blocks.push({ heading: "Metrics with 95% confidence intervals" });
    for (const m of TABLE_METRICS) blocks.push({ figure: bars(agents, m.key, m.label, m.scale) });
  }
  const unavailable = Object.entries(run.unavailable);
  if (unavailable.length > 0) {
    blocks.push({ heading: "Unavailable agents" });
    for (const [id, reason] of unavailable) blocks.push({ text: `${id}: ${reason}` });
  }
  return htmlPage(blocks, title, {
    intro:
      `${run.report.config.episodes} evaluation episodes per agent, ${run.report.config.tier} tier, root seed ${run.report.seeds.root}.`,
  });
}
