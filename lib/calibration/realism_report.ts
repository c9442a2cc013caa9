/**
 * The realism report as figures and an offline HTML page: one figure per fact, the real and
 * the simulated statistic overlaid with their 95 % bands (bootstrap standard errors), and a
 * table of distances, tolerances and verdicts. Built with lib/viz (shared Plotly delivery
 * and colours: real data first, the simulation second).
 *
 * @module
 */
import { htmlPage, type PageBlock } from "../viz/page.ts";
import { intervalLinesFigure, metricBarsFigure } from "../viz/stats_figures.ts";
import type { Figure } from "../viz/types.ts";
import type { FactResult, RealismResult } from "./realism.ts";
import { describeSeeds, type RealismSeedsResult } from "./realism_seeds.ts";

const LOG_X = new Set([
  "interArrival",
  "orderSize",
  "signAutocorrelation",
  "priceResponse",
  "signaturePlot",
  "volumeVolatility",
  "midChanges",
  "spreadByTradeAge",
]);
/** Histograms over log-spaced bins, and buckets of a time, whose first bin starts at 0. */
const LOG_BINS = new Set(["interArrival", "orderSize", "midChanges", "spreadByTradeAge"]);
/**
 * Shares over decades: the mid's changes hold most intervals in the first bin (no change) and
 * the rest in bins a hundred times smaller.
 */
const LOG_Y = new Set(["midChanges"]);
/** Curves whose zero means nothing: a variance per second, a ratio to a mean. */
const NO_ZERO_LINE = new Set(["signaturePlot", "spreadByTradeAge"]);

/** The figure of one fact: real and simulated, each with its 95 % band. */
export function factFigure(f: FactResult, labels = { real: "real", sim: "simulated" }): Figure {
  const verdict = f.pass === null ? "not judged" : f.pass ? "pass" : "fail";
  const title = `${f.title} — ${verdict} (distance ${fmt(f.distance)}, tolerance ${
    fmt(f.tolerance)
  })`;
  if (f.kind === "scalar") {
    return metricBarsFigure([
      band(labels.real, f.real[0], f.realSe[0]),
      band(labels.sim, f.sim[0], f.simSe[0]),
    ], { title, valueTitle: f.unit });
  }
  let x = f.x;
  if (LOG_BINS.has(f.name)) {
    // bin centres (geometric) for a log axis; the first bin starts at 0
    x = f.x.map((lo, i) => {
      const hi = i + 1 < f.x.length ? f.x[i + 1] : lo * 10 ** 0.25;
      return lo === 0 ? hi / 2 : Math.sqrt(lo * hi);
    });
  }
  const logY = LOG_Y.has(f.name);
  // on a log axis an empty bin is left out, and a band reaching zero stops a decade below
  const positive = (v: number, floor: number) => v > 0 ? v : logY ? floor : v;
  const series = (name: string, y: number[], se: number[]) => ({
    name,
    x,
    y: y.map((v) => positive(v, NaN)),
    lo: y.map((v, i) => positive(v - 1.96 * (se[i] || 0), v > 0 ? v / 10 : NaN)),
    hi: y.map((v, i) => positive(v + 1.96 * (se[i] || 0), NaN)),
  });
  return intervalLinesFigure([
    series(labels.real, f.real, f.realSe),
    series(labels.sim, f.sim, f.simSe),
  ], {
    title,
    xTitle: f.xLabel,
    yTitle: f.unit,
    logX: LOG_X.has(f.name),
    logY,
    zeroLine: f.kind !== "distribution" && !NO_ZERO_LINE.has(f.name),
  });
}

function band(name: string, v: number, se: number) {
  const s = Number.isFinite(se) ? se : 0;
  return { name, value: v, lo: v - 1.96 * s, hi: v + 1.96 * s };
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/** A table cell of a distance or tolerance: three significant digits, "n/a" when not finite. */
function cell(x: number): number | string {
  return Number.isFinite(x) ? Number(x.toPrecision(3)) : "n/a";
}

/** The table rows of a comparison: fact, distance kind, distance, tolerance, verdict, note. */
export function realismTableRows(result: RealismResult): (string | number)[][] {
  return result.facts.map((f) => [
    f.name,
    f.distanceKind,
    cell(f.distance),
    cell(f.tolerance),
    f.pass === null ? "not judged" : f.pass ? "pass" : "FAIL",
    f.note ?? "",
  ]);
}

/** What the page says about the run. */
export interface RealismReportInfo {
  /** Page title. */
  title: string;
  /** The preset (name and source). */
  preset: string;
  /** The real data compared against. */
  data: string[];
  /** Extra lines (settings, seeds). */
  notes?: string[];
  /**
   * The warnings of the preset's calibration (its provenance's `warnings`: a fit that fell
   * back, a value set to its model's bound, moments left outside their tolerances), shown
   * above the facts: what the simulated market is, before how it compares.
   */
  calibrationWarnings?: string[];
}

/**
 * The HTML page of a comparison (offline, plotly.js inlined once; the same result gives the
 * same bytes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareRecords } from "./realism.ts";
 * import { realismHtml } from "./realism_report.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const a = simulateRecords({ duration: 60 }, { seconds: 240, seed: 1 });
 * const r = compareRecords(a, a, { blockSeconds: 30, resamples: 20 });
 * const html = realismHtml(r, {
 *   title: "Realism",
 *   preset: "default",
 *   data: ["sim"],
 *   calibrationWarnings: ["flow.cancellation.depletion: fitted 114.5, set to its bound 100"],
 * });
 * assert.ok(html.includes("Spread distribution") && html.includes("alpe-figure-12"));
 * assert.ok(html.includes("Calibration warning (in the preset provenance): flow.cancellation"));
 * ```
 */
export function realismHtml(result: RealismResult, info: RealismReportInfo): string {
  const judged = result.facts.filter((f) => f.pass !== null);
  const passed = judged.filter((f) => f.pass).length;
  const blocks: PageBlock[] = [
    {
      text:
        `Preset ${info.preset} against ${info.data.join(", ")}: ${passed} of ${judged.length} ` +
        `facts judged pass (${result.facts.length - judged.length} not judged). ${
          samplesText(result)
        }`,
    },
    ...contextBlocks(info),
    {
      table: {
        columns: ["fact", "distance", "value", "tolerance (95 %)", "verdict", "note"],
        rows: realismTableRows(result),
        caption: "Distances and tolerances (see docs/realism.md)",
      },
    },
    { text: DISTANCES_TEXT },
    ...figureBlocks(result),
  ];
  return htmlPage(blocks, info.title, { footer: FOOTER });
}

/** The table rows of a comparison over seeds: fact, distance, passed, medians, verdicts. */
export function realismSeedsTableRows(r: RealismSeedsResult): (string | number)[][] {
  return r.facts.map((f) => [
    f.name,
    f.distanceKind,
    `${f.passed} of ${f.judged}`,
    cell(f.medianDistance),
    cell(f.medianTolerance),
    f.pass.map((p) => p === null ? "–" : p ? "pass" : "FAIL").join(" "),
  ]);
}

/**
 * The HTML page of a comparison over several seeds: how often each fact passed, its median
 * distance and tolerance, each seed's verdict, and the figures of the first seed (offline;
 * the same result gives the same bytes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareRecords } from "./realism.ts";
 * import { combineSeeds } from "./realism_seeds.ts";
 * import { realismSeedsHtml } from "./realism_report.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const a = simulateRecords({ duration: 60 }, { seconds: 240, seed: 1 });
 * const b = simulateRecords({ duration: 60 }, { seconds: 240, seed: 2 });
 * const runs = [compareRecords(a, b, { blockSeconds: 30, resamples: 20 })];
 * runs.push(compareRecords(a, a, { blockSeconds: 30, resamples: 20 }));
 * const html = realismSeedsHtml(combineSeeds([2, 1], runs), {
 *   title: "Realism", preset: "default", data: ["sim"],
 * });
 * assert.ok(html.includes("over 2 simulation seeds") && html.includes("alpe-figure-12"));
 * ```
 */
export function realismSeedsHtml(r: RealismSeedsResult, info: RealismReportInfo): string {
  const mean = r.meanPassed.toFixed(2);
  const judged = r.judged.every((j) => j === r.judged[0])
    ? String(r.judged[0])
    : r.judged.join(", ");
  const blocks: PageBlock[] = [
    {
      text: `Preset ${info.preset} against ${info.data.join(", ")} over ${r.seeds.length} ` +
        `simulation seeds (${describeSeeds(r.seeds)}): ${mean} facts pass ` +
        `on average (per seed: ${r.passed.join(", ")}, of ${judged} judged). Each seed is a ` +
        `whole comparison, its own simulation and bootstrap; under the null a fact fails on ` +
        `about 5 % of the seeds on average, but the seeds share the real data, so their ` +
        `verdicts are not independent: an unusual tape fails a fact on most seeds. ${
          samplesText(r.runs[0])
        }`,
    },
    ...contextBlocks(info),
    {
      table: {
        columns: ["fact", "distance", "passed", "median value", "median tolerance", "per seed"],
        rows: realismSeedsTableRows(r),
        caption: "Verdicts over the seeds (see docs/realism.md)",
      },
    },
    { text: DISTANCES_TEXT },
    { heading: `Figures of the first seed (${r.seeds[0]})` },
    ...figureBlocks(r.runs[0]),
  ];
  return htmlPage(blocks, info.title, { footer: FOOTER });
}

const FOOTER = "ALPE realism report — the same statistics on recorded and simulated order books.";

const DISTANCES_TEXT =
  "Distances: KS = Kolmogorov–Smirnov between the two distributions; relative = |sim − " +
  "real| / |real|; studentized-sup = the largest |sim − real| over the lags in units of " +
  "the combined bootstrap standard error. The tolerance is the 95 % quantile of the same " +
  "distance between bootstrap replicates of the two samples, each centred on its own " +
  "estimate: what sampling error alone produces. Bands are ±1.96 standard errors.";

/** What both samples held, in words. */
function samplesText(result: RealismResult): string {
  return `Real data: ${result.seconds.real.toFixed(0)} s in ${result.blocks.real} blocks; ` +
    `simulation: ${result.seconds.sim.toFixed(0)} s in ${result.blocks.sim} blocks of ${
      result.blockSeconds.toFixed(1)
    } s; ${result.resamples} bootstrap replicates.`;
}

/** The report's notes and the preset's calibration warnings. */
function contextBlocks(info: RealismReportInfo): PageBlock[] {
  return [
    ...(info.notes ?? []).map((text) => ({ text })),
    ...(info.calibrationWarnings ?? []).map((w) => ({
      text: `Calibration warning (in the preset provenance): ${w}`,
    })),
  ];
}

/** A heading and a figure for each fact. */
function figureBlocks(result: RealismResult): PageBlock[] {
  const blocks: PageBlock[] = [];
  for (const f of result.facts) {
    blocks.push({ heading: f.title });
    blocks.push({ figure: factFigure(f), caption: f.note ?? "" });
  }
  return blocks;
}
