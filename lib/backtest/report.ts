/**
 * The comparison report: plain-text tables for the terminal, and an HTML report that reads
 * well — sortable tables that fit the page, the calibrated parameters, one sample episode
 * per agent (quotes, mid, fills, inventory), spread capture against inventory P&L,
 * markouts, per-seed paired differences, distributions as small multiples (one axis per
 * agent, so one wide agent does not flatten the others), and all metrics as a forest of
 * 95 % CIs. Every agent has one colour throughout ({@linkcode agentColor}).
 *
 * The report's sections are built once, as {@linkcode ReportBlock}s
 * ({@linkcode compareReportBlocks}): `report.html` renders them with `reportPage`, and the
 * dashboard's comparison mode renders the same blocks in the browser.
 *
 * @module
 */
import {
  agentColor,
  attributionFigure,
  type AttributionRow,
  cumulative,
  equityCurvesFigure,
  forestFigure,
  gammaScoresFigure,
  inventoryMultiplesFigure,
  markoutCurveFigure,
  pairedDifferencesFigure,
  type ReportBlock,
  reportPage,
  sampleEpisodeFigure,
  smallMultiplesFigure,
  type SortableTable,
  type TableCell,
} from "../viz/mod.ts";
import { bootstrapMeanCI, type MetricSummary, pnlAttribution } from "../analytics/mod.ts";
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
  const rest = TABLE_METRICS.length - HEADLINE;
  // as few tables as fit COLUMNS_PER_TABLE, their columns shared out evenly
  const per = Math.ceil(rest / Math.ceil(rest / COLUMNS_PER_TABLE));
  for (let from = HEADLINE; from < TABLE_METRICS.length; from += per) {
    const to = Math.min(from + per, TABLE_METRICS.length);
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
    "Total P&L and Max DD in USD per episode; Avg |Inv| in lots and in units of the asset " +
    "(shares, BTC); P&L/MAP in USD per lot of mean absolute position; VaR95/CVaR95 in basis " +
    "points of the capital base per period (negative = loss); win rate, fill ratio and Ann. " +
    "vol in %.",
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
  const held = heldOut(run);
  if (held) {
    lines.push(
      `PPO held-out check: ${held.evaluationSeedsSeenInTraining} of ${cfg.episodes} evaluation ` +
        `seeds among the model's ${held.trainingSeeds} training seeds` +
        (held.evaluationSeedsSeenInTraining === 0 ? " (all held out)" : " (NOT held out)") +
        (held.marketSeenInTraining === false
          ? "; this market is held out (not one it trained in)."
          : held.marketSeenInTraining
          ? "; it trained in this market."
          : "."),
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

function heldOut(run: CompareRun) {
  return run.report.seeds.ppoHeldOut as
    | {
      trainingSeeds: number;
      evaluationSeedsSeenInTraining: number;
      marketSeenInTraining?: boolean;
      trainingMarkets?: string[];
    }
    | null
    | undefined;
}

// ---------------------------------------------------------------------------------------
// HTML report

/** A `mean` cell with its CI as a second line, sorting by the mean. */
function estimateCell(s: MetricSummary | undefined, scale = 1): TableCell {
  if (!s || !Number.isFinite(s.mean)) return { text: "n/a", sort: null, tone: "muted" };
  return {
    text: formatNumber(s.mean * scale),
    sub: `[${formatNumber(s.ci95[0] * scale)}, ${formatNumber(s.ci95[1] * scale)}]`,
    sort: s.mean * scale,
  };
}

function agentCell(id: string): TableCell {
  return { text: id, swatch: agentColor(id), sort: id };
}

/** Rows of the metric table: one per agent, columns `TABLE_METRICS[from, to)`. */
function metricTable(run: CompareRun, from: number, to: number, caption: string): SortableTable {
  const ids = (run.report.config.agents as string[]) ?? run.ran;
  const metrics = TABLE_METRICS.slice(from, to);
  return {
    caption,
    columns: ["agent", ...metrics.map((m) => m.label)],
    columnTitles: [undefined, ...metrics.map((m) => m.unit)],
    rows: ids.map((id) => {
      const a = run.backtest?.agents.find((x) => x.id === id);
      if (!a) {
        return [
          agentCell(id),
          ...metrics.map(() => ({ text: "unavailable", sort: null, tone: "muted" as const })),
        ];
      }
      return [agentCell(id), ...metrics.map((m) => estimateCell(a.aggregate[m.key], m.scale))];
    }),
  };
}

function pTone(lo: number, hi: number): TableCell["tone"] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return "muted";
  return lo > 0 ? "good" : hi < 0 ? "bad" : undefined;
}

function pairedTable(run: CompareRun): SortableTable {
  const columns = ["agent"];
  const labels: Record<string, string> = { totalPnl: "Total P&L ($)", sharpe: "Sharpe" };
  for (const key of PAIRED_METRICS) {
    const l = labels[key] ?? key;
    columns.push(`Δ${l}`, "p (t)", "p (Wilcoxon)", "p (sign-flip)");
  }
  return {
    caption: `Paired by evaluation seed: Δ = agent − ${BASELINE_AGENT} (mean, 95% CI); green: ` +
      "the CI is above 0, red: below 0",
    columns,
    rows: Object.entries(run.paired).map(([id, tests]) => [
      agentCell(id),
      ...PAIRED_METRICS.flatMap((key): TableCell[] => {
        const c = tests[key];
        return [
          {
            text: formatNumber(c.meanDiff),
            sub: `[${formatNumber(c.ci95[0])}, ${formatNumber(c.ci95[1])}]`,
            sort: Number.isFinite(c.meanDiff) ? c.meanDiff : null,
            tone: pTone(c.ci95[0], c.ci95[1]),
          },
          { text: formatP(c.tTestP), sort: Number.isFinite(c.tTestP) ? c.tTestP : null },
          { text: formatP(c.wilcoxonP), sort: Number.isFinite(c.wilcoxonP) ? c.wilcoxonP : null },
          {
            text: formatP(c.permutationP),
            sort: Number.isFinite(c.permutationP) ? c.permutationP : null,
          },
        ];
      }),
    ]),
  };
}

function numCell(v: number, digits = 4): TableCell {
  return Number.isFinite(v)
    ? { text: Number(v.toPrecision(digits)).toString(), sort: v }
    : { text: "n/a", sort: null, tone: "muted" };
}

function calibrationBlocks(run: CompareRun): ReportBlock[] {
  const fair = run.fair;
  const tuned = Object.keys(fair?.agents ?? {}).filter((id) => run.ran.includes(id));
  if (!fair || tuned.length === 0) {
    return [{ text: "No agent with a tuning grid ran, so nothing was tuned.", note: true }];
  }
  const blocks: ReportBlock[] = [{
    text: `Chosen on ${fair.seeds.length} calibration seeds, disjoint from the evaluation ` +
      "seeds, by one procedure for every non-learned agent: the fill intensity A·e^(−kδ) of " +
      "a quote δ dollars from the mid and the mid's volatility σ are fitted by experiment (for " +
      "the agents that take them), then each agent's declared grid is searched for the point " +
      "with the highest mean total P&L per episode ($).",
  }];
  const cal = fair.calibration;
  if (cal) {
    blocks.push({
      table: {
        caption: "Calibrated market parameters",
        columns: ["parameter", "value", "unit", "source"],
        rows: [
          [
            "A",
            numCell(cal.A),
            "fills per second at the mid",
            cal.intensityFitted ? "fitted" : "model-tier prior (too few fills)",
          ],
          ["k", numCell(cal.k), "1/$", cal.intensityFitted ? "fitted" : "model-tier prior"],
          ["σ", numCell(cal.sigma), "$/√s", cal.sigmaFitted ? "fitted" : "config"],
          ["fills observed", numCell(cal.fills, 6), "fills", ""],
        ],
      },
    });
  }
  const fmtParams = (p: Record<string, number>) =>
    Object.entries(p).map(([k, v]) => `${k} = ${Number(v.toPrecision(4))}`).join(", ");
  blocks.push({
    table: {
      caption: "Tuned agent parameters",
      columns: ["agent", "parameters used", "objective at the chosen point", "grid searched"],
      rows: tuned.map((id) => {
        const t = fair.agents[id];
        const grid = Object.entries(t.grid).map(([k, vs]) =>
          `${k}: ${vs[0]} … ${vs[vs.length - 1]} (${vs.length})`
        ).join("; ");
        return [agentCell(id), fmtParams(t.params), numCell(t.score), grid];
      }),
    },
  });
  // The objective along each agent's first grid parameter (best over the others).
  const series = tuned.map((id) => {
    const t = fair.agents[id];
    const name = Object.keys(t.grid)[0];
    const values = t.grid[name] ?? [];
    const best = values.map((v) =>
      Math.max(
        ...t.scores.filter((s) => s.point[name] === v && Number.isFinite(s.score)).map((s) =>
          s.score
        ),
      )
    );
    return {
      name: id,
      param: name,
      gamma: values,
      score: best.map((b) => (Number.isFinite(b) ? b : NaN)),
      chosen: t.params[name],
    };
  }).filter((s) => s.gamma.length > 1);
  for (const param of [...new Set(series.map((s) => s.param))]) {
    const mine = series.filter((s) => s.param === param);
    const positive = mine.every((s) => s.gamma.every((g) => g > 0));
    const wide = mine.some((s) => s.gamma[s.gamma.length - 1] / s.gamma[0] > 20);
    blocks.push({
      figure: gammaScoresFigure(mine, {
        title: `Tuning on the calibration seeds: objective against ${param}`,
        xTitle: param,
        logX: positive && wide,
        yTitle: "mean total P&L per episode ($)",
      }),
    });
  }
  blocks.push({
    text: "A chosen value at the edge of its grid would mean the grid is too narrow.",
    note: true,
  });
  return blocks;
}

function sampleBlocks(run: CompareRun, agents: readonly AgentBacktest[]): ReportBlock[] {
  const seed = run.backtest?.seeds[0];
  const blocks: ReportBlock[] = [{
    text: `Evaluation episode 0 (seed ${seed}) of every agent: the same market, so the ` +
      "panels differ only by what each agent did. Top: the mid, our bid and ask quotes (step " +
      "lines) and our fills (▲ we bought, ▼ we sold, sized by lots); middle: inventory; " +
      "bottom: P&L. The background is shaded by volatility regime (green: calm, white: " +
      "normal, red: stressed). The first 60 s are shown; drag to pan, double-click to see the " +
      "whole episode.",
  }];
  const names = run.backtest?.config.regimes.names;
  for (const a of agents) {
    if (!a.sample) continue;
    blocks.push({
      figure: sampleEpisodeFigure(a.id, a.sample, {
        title: `${a.id}: episode 0 (seed ${a.sample.seed}), final P&L ${
          formatNumber(a.sample.pnl[a.sample.steps - 1])
        } $`,
        regimeNames: names,
        tickSize: a.sample.tickSize,
      }),
    });
  }
  return blocks;
}

function ci(values: readonly number[], seed: string) {
  const finite = values.filter(Number.isFinite);
  const c = bootstrapMeanCI(finite, { seed });
  return { value: c.mean, lo: c.lo, hi: c.hi };
}

function attributionBlocks(run: CompareRun, agents: readonly AgentBacktest[]): ReportBlock[] {
  const lot = run.backtest?.config.lotSize ?? 1;
  const root = run.report.seeds.root;
  const rows: AttributionRow[] = agents.map((a) => {
    const parts = a.episodes.map((m) => pnlAttribution(m, lot));
    const est = (key: string, f: (p: (typeof parts)[number]) => number) => ({
      name: a.id,
      ...ci(parts.map(f), `${root}:${a.id}:attribution:${key}`),
    });
    return {
      name: a.id,
      spread: est("spread", (p) => p.spreadCapture),
      inventory: est("inventory", (p) => p.inventoryPnl),
      impact: est("impact", (p) => -p.impactCost),
      total: est("total", (p) => p.total),
    };
  });
  const cell = (e: { value: number; lo: number; hi: number }): TableCell =>
    Number.isFinite(e.value)
      ? {
        text: formatNumber(e.value),
        sub: `[${formatNumber(e.lo)}, ${formatNumber(e.hi)}]`,
        sort: e.value,
      }
      : { text: "n/a", sort: null, tone: "muted" };
  return [
    {
      text: "Total P&L = spread capture (the edge of each fill against the mid before its " +
        "step, × lots × lot size) + inventory P&L (what price moves did to the position held) − " +
        "impact cost, exactly, per episode. A strategy that earns its spread but gives it back " +
        "on inventory is adversely selected or holds too much.",
    },
    { figure: attributionFigure(rows) },
    {
      table: {
        caption: "P&L attribution, $ per episode (mean, 95% CI)",
        columns: ["agent", "spread capture", "inventory P&L", "− impact cost", "total P&L"],
        rows: rows.map((r) => [
          agentCell(r.name),
          cell(r.spread),
          cell(r.inventory),
          cell(r.impact),
          cell(r.total),
        ]),
      },
    },
  ];
}

function markoutBlocks(run: CompareRun, agents: readonly AgentBacktest[]): ReportBlock[] {
  const tick = run.backtest?.config.tickSize ?? 0.01;
  const root = run.report.seeds.root;
  const keys = Object.keys(agents[0]?.episodes[0]?.markouts ?? {});
  if (keys.length === 0) return [];
  const horizons = keys.map((k) => Number(k.replace(/s$/, "")));
  const series = agents.map((a) => {
    const est = keys.map((k) =>
      ci(a.episodes.map((m) => m.markouts[k] / tick), `${root}:${a.id}:markout:${k}`)
    );
    return {
      name: a.id,
      x: horizons,
      y: est.map((e) => e.value),
      lo: est.map((e) => e.lo),
      hi: est.map((e) => e.hi),
    };
  });
  return [
    {
      text: "The markout of a fill at horizon h compares the mid h seconds after the fill's " +
        "step with the fill price, signed so that positive is good for the market maker " +
        "(volume-weighted per episode, then the mean across episodes with its 95% CI). A curve " +
        "that falls with h is adverse selection: the price keeps moving against our fills.",
    },
    {
      figure: markoutCurveFigure(series, {
        title: "Markouts of each agent's fills (ticks per share, mean and 95% CI)",
        logX: true,
      }),
    },
  ];
}

function pairedDiffBlocks(run: CompareRun, agents: readonly AgentBacktest[]): ReportBlock[] {
  const base = agents.find((a) => a.id === BASELINE_AGENT);
  if (!base) return [];
  const others = agents.filter((a) => a.id !== BASELINE_AGENT && run.paired[a.id]);
  if (others.length === 0) return [];
  const seeds = run.backtest?.seeds ?? [];
  const labels: Record<string, string> = { totalPnl: "total P&L ($)", sharpe: "Sharpe" };
  return [
    {
      text: "Each bar is one evaluation seed: the agent's value minus avellaneda-stoikov's on " +
        "the same market. The dashed line is the mean difference, the band its 95% CI, the " +
        "dotted line zero. A mean far from zero that rests on a few seeds shows here.",
    },
    ...PAIRED_METRICS.map((key): ReportBlock => ({
      figure: pairedDifferencesFigure(
        others.map((a) => {
          const c = run.paired[a.id][key];
          const get = (m: object) => (m as Record<string, number>)[key];
          return {
            name: a.id,
            diffs: a.episodes.map((m, i) => get(m) - get(base.episodes[i])),
            seeds,
            mean: c.meanDiff,
            lo: c.ci95[0],
            hi: c.ci95[1],
          };
        }),
        { baseline: BASELINE_AGENT, metric: labels[key] ?? key },
      ),
    })),
  ];
}

function distributionBlocks(agents: readonly AgentBacktest[]): ReportBlock[] {
  const panel = (key: string, label: string, scale = 1): ReportBlock => ({
    figure: smallMultiplesFigure(
      agents.map((a) => ({
        name: a.id,
        values: a.episodes.map((m) => (m as unknown as Record<string, number>)[key] * scale),
      })),
      { title: `${label} per episode`, valueTitle: label },
    ),
  });
  return [
    {
      text: "One panel per agent, each on its own axis: the agents' scales differ by orders of " +
        "magnitude, and one shared axis would flatten all but the widest. The dashed line is " +
        "the mean; compare means across agents in the tables and the forest plot below.",
    },
    panel("totalPnl", "Total P&L ($)"),
    panel("sharpe", "Sharpe (annualized)"),
    panel("maxDrawdown", "Max drawdown ($)"),
  ];
}

function meanCurve(a: AgentBacktest): Float64Array {
  const n = a.curves.time.length;
  const out = new Float64Array(n);
  for (const c of a.curves.pnl) for (let j = 0; j < n; j++) out[j] += c[j];
  for (let j = 0; j < n; j++) out[j] /= Math.max(1, a.curves.pnl.length);
  return out;
}

/**
 * The report's sections as blocks (headings, text, sortable tables, figures), shared by
 * `report.html` and the dashboard's comparison mode.
 */
export function compareReportBlocks(run: CompareRun): ReportBlock[] {
  const agents = run.backtest?.agents ?? [];
  const blocks: ReportBlock[] = [
    { section: "Metrics" },
    { table: metricTable(run, 0, HEADLINE, "Headline metrics: mean per episode [95% CI]") },
    {
      table: metricTable(
        run,
        HEADLINE,
        TABLE_METRICS.length,
        "Risk and execution: mean per episode [95% CI]",
      ),
    },
    { text: "Click a column header to sort; hover it for the unit.", note: true },
  ];
  if (Object.keys(run.paired).length > 0) {
    blocks.push({ section: `Paired tests against ${BASELINE_AGENT}` });
    blocks.push({ table: pairedTable(run) });
  }
  for (const line of legendText(run).split("\n")) blocks.push({ text: line, note: true });
  blocks.push({ section: "Calibrated parameters" }, ...calibrationBlocks(run));
  if (agents.length > 0) {
    blocks.push({ section: "A sample episode" }, ...sampleBlocks(run, agents));
    blocks.push(
      { section: "Spread capture vs inventory P&L" },
      ...attributionBlocks(run, agents),
    );
    const markouts = markoutBlocks(run, agents);
    if (markouts.length) blocks.push({ section: "Markouts" }, ...markouts);
    const paired = pairedDiffBlocks(run, agents);
    if (paired.length) blocks.push({ section: "Per-seed paired differences" }, ...paired);
    blocks.push({ section: "Distributions across episodes" }, ...distributionBlocks(agents));
    blocks.push(
      { section: "Inventory" },
      {
        figure: inventoryMultiplesFigure(
          agents.map((a) => ({ name: a.id, lots: a.inventory.lots, counts: a.inventory.counts })),
        ),
      },
    );
    blocks.push(
      { section: "Equity curves" },
      {
        figure: equityCurvesFigure(
          agents.map((a) => ({ name: a.id, values: meanCurve(a), x: a.curves.time })),
          {
            title: "Mean P&L within an episode (across evaluation episodes)",
            xTitle: "time (s)",
            yTitle: "P&L ($)",
          },
        ),
      },
      {
        figure: equityCurvesFigure(
          agents.map((a) => ({
            name: a.id,
            values: cumulative(a.episodes.map((m) => m.totalPnl)),
          })),
          { title: "Cumulative P&L over consecutive evaluation episodes", xTitle: "episode" },
        ),
      },
    );
    blocks.push(
      { section: "Every metric with its 95% CI" },
      {
        figure: forestFigure(
          TABLE_METRICS.map((m) => ({
            title: m.label,
            estimates: agents.map((a) => {
              const s = a.aggregate[m.key];
              return {
                name: a.id,
                value: (s?.mean ?? NaN) * m.scale,
                lo: (s?.ci95[0] ?? NaN) * m.scale,
                hi: (s?.ci95[1] ?? NaN) * m.scale,
              };
            }),
          })),
        ),
      },
    );
  }
  const unavailable = Object.entries(run.unavailable);
  if (unavailable.length > 0) {
    blocks.push({ section: "Unavailable agents" });
    for (const [id, reason] of unavailable) blocks.push({ text: `${id}: ${reason}` });
  }
  return blocks;
}

/** The report's introduction: what was run, on which market, with which seeds. */
export function compareReportIntro(run: CompareRun): string[] {
  const c = run.report.config;
  const env = run.backtest?.config;
  const market = env
    ? `${c.tier} tier, ${env.duration} s episodes, initial price $${env.initialPrice}, daily ` +
      `volatility ${env.volatility}, tick $${env.tickSize}, lot ${env.lotSize} units of the asset`
    : `${c.tier} tier`;
  const lines = [
    `${c.episodes} evaluation episodes per agent (${market}); root seed ` +
    `${run.report.seeds.root}. Every agent trades the same ${c.episodes} markets (common ` +
    "random numbers), so differences between agents are paired.",
  ];
  const held = heldOut(run);
  if (held) {
    lines.push(
      held.evaluationSeedsSeenInTraining === 0
        ? `PPO: none of the evaluation seeds was used in its training (${held.trainingSeeds} ` +
          "training seeds checked)."
        : `PPO: ${held.evaluationSeedsSeenInTraining} evaluation seeds were used in its ` +
          "training — its results here are NOT held out.",
    );
    if (held.marketSeenInTraining !== undefined) {
      lines.push(
        held.marketSeenInTraining
          ? "PPO trained in this market (on other seeds)."
          : "This market is held out for PPO: it never trained in it" +
            (held.trainingMarkets?.length
              ? ` (it trained in ${held.trainingMarkets.join(", ")}).`
              : "."),
      );
    }
  }
  // the market's realism verdict: how far its results can be trusted
  for (const line of run.report.realism ?? []) lines.push(line);
  return lines;
}

/** Options of {@linkcode compareReportHtml}. */
export interface CompareReportOptions {
  /** Page title (default "ALPE agent comparison"). */
  title?: string;
  /**
   * `"inline"` (default): plotly.js inlined, one self-contained file (~4.9 MB). `{ src }`:
   * loaded from a script file next to the report (what `writeCompareOutputs` does: one shared
   * `plotly.js` per output folder).
   */
  plotly?: "inline" | { src: string };
}

/**
 * The HTML report of a comparison (offline; deterministic: the same run gives the same
 * bytes).
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
 * const html = compareReportHtml(run, { plotly: { src: "plotly.js" } }); // e.g. out/compare/report.html
 * assert.ok(html.startsWith("<!DOCTYPE html>"));
 * assert.ok(html.includes("static-spread"));
 * ```
 */
export function compareReportHtml(
  run: CompareRun,
  options: CompareReportOptions | string = {},
): string {
  const opts = typeof options === "string" ? { title: options } : options;
  return reportPage(opts.title ?? "ALPE agent comparison", compareReportBlocks(run), {
    intro: compareReportIntro(run),
    plotly: opts.plotly ?? "inline",
  });
}
