/**
 * The result files of a comparison across markets (`deno task compare --markets A,B,…`),
 * written into one directory as one set, atomically:
 *
 * - `index.html`: the summary matrix (every agent against each market's best rival) with a
 *   link to each market's full report;
 * - `matrix.json`, `matrix.csv`, `matrix.txt`: the same matrix as data and text;
 * - `markets/NN-name/`: each market's own comparison files (results.json, episodes.csv,
 *   summary.csv, paired.csv, report.html), exactly those of a single-market run;
 * - `plotly.js`: one copy, loaded by every report.
 *
 * Every file is a function of the run only: the same run gives the same bytes.
 *
 * @module
 */
import { stringify } from "npm:csv-stringify@6.9.0/sync";
import { writeOutputSet } from "../output_dir.ts";
import { plotlySource } from "../viz/plotly_source.ts";
import { escapeHtml } from "../viz/display.ts";
import { reportPage, type TableCell } from "../viz/report_page.ts";
import { COMPARE_FILES, COMPARE_OUTPUT_KIND, pairedCsv, reportJson } from "./files.ts";
import { roundNumber } from "./format.ts";
import {
  type CompareMarketsRun,
  marketsMatrixText,
  MATRIX_METRICS,
  type MatrixCell,
} from "./markets_compare.ts";
import { episodesCsv, summaryCsv } from "./output.ts";
import { compareReportHtml } from "./report.ts";

/** Names of the top-level files of a comparison across markets. */
export const MARKETS_FILES = {
  html: "index.html",
  json: "matrix.json",
  csv: "matrix.csv",
  text: "matrix.txt",
  plotly: "plotly.js",
  markets: "markets",
} as const;

/**
 * The folder (under `markets/`) of market `index` (0-based) called `name`: its 1-based
 * position, two digits, then the name with every character outside `[A-Za-z0-9._+-]`
 * replaced by `_` (a replay market's file path becomes one folder name).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { marketFolder } from "./markets_files.ts";
 * assert.equal(marketFolder(0, "btcusdt+high-latency"), "01-btcusdt+high-latency");
 * assert.equal(marketFolder(11, "replay:data/real/a b.gz"), "12-replay_data_real_a_b.gz");
 * ```
 */
export function marketFolder(index: number, name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._+-]/g, "_").replace(/^\.+/, "_").slice(0, 80);
  return `${String(index + 1).padStart(2, "0")}-${safe}`;
}

const LABELS: Record<string, string> = { totalPnl: "Total P&L ($)", sharpe: "Sharpe" };

/** The matrix as one JSON document: markets (with their folders), best rivals, cells. */
export function marketsMatrixJson(run: CompareMarketsRun): string {
  const doc = {
    markets: run.markets.map((m, i) => ({
      name: m.name,
      description: m.description,
      source: m.source,
      folder: `${MARKETS_FILES.markets}/${marketFolder(i, m.name)}`,
      bestRival: run.bestRival[i],
      evaluationEpisodes: run.runs[i].backtest?.seeds.length ?? 0,
    })),
    metrics: MATRIX_METRICS,
    matrix: run.matrix,
  };
  return JSON.stringify(doc, (_k, v) => (typeof v === "number" ? roundNumber(v) : v), 2) + "\n";
}

/** The matrix as CSV: one row per metric, agent and market. */
export function marketsMatrixCsv(run: CompareMarketsRun): string {
  const rows: (string | number)[][] = [[
    "metric",
    "agent",
    "market",
    "rival",
    "meanDiff",
    "ci95_lo",
    "ci95_hi",
    "tTestP",
    "verdict",
  ]];
  const r = (x: number) => roundNumber(x) ?? "";
  for (const metric of MATRIX_METRICS) {
    for (const [id, cells] of Object.entries(run.matrix[metric])) {
      cells.forEach((c, m) => {
        if (c === null) return;
        rows.push([
          metric,
          id,
          run.markets[m].name,
          c.rival,
          r(c.meanDiff),
          r(c.ci95[0]),
          r(c.ci95[1]),
          r(c.tTestP),
          c.verdict,
        ]);
      });
    }
  }
  return stringify(rows);
}

function cellOf(c: MatrixCell | null): TableCell {
  if (c === null) return { text: "best rival", tone: "muted", sort: null };
  const f = (x: number) => String(roundNumber(x, 3));
  return {
    text: `${f(c.meanDiff)} ${c.verdict === "win" ? "W" : c.verdict === "loss" ? "L" : "="}`,
    sub: `[${f(c.ci95[0])}, ${f(c.ci95[1])}] p=${f(c.tTestP)}`,
    sort: c.meanDiff,
    tone: c.verdict === "win" ? "good" : c.verdict === "loss" ? "bad" : undefined,
  };
}

/** The index page: what was run, the matrix per metric, links to each market's report. */
export function marketsIndexHtml(run: CompareMarketsRun): string {
  const links = run.markets.map((m, i) => {
    const href = `${MARKETS_FILES.markets}/${marketFolder(i, m.name)}/${COMPARE_FILES.html}`;
    return `<li><a href="${escapeHtml(href)}">${escapeHtml(m.name)}</a>: ${
      escapeHtml(m.description)
    } (best rival: ${escapeHtml(run.bestRival[i] ?? "none")})${
      (run.runs[i].report.realism ?? []).map((l) => `<br>${escapeHtml(l)}`).join("")
    }</li>`;
  }).join("\n");
  return reportPage("ALPE comparison across markets", [
    ...MATRIX_METRICS.map((metric) => ({
      table: {
        caption: `Δ ${LABELS[metric]} against each market's best rival (agent − rival)`,
        columns: ["agent", ...run.markets.map((m, i) => `${m.name} (vs ${run.bestRival[i]})`)],
        rows: Object.entries(run.matrix[metric]).map(([id, cells]) => [
          id,
          ...cells.map(cellOf),
        ]),
      },
    })),
    {
      text: "W: the 95% bootstrap CI of the paired difference (same seeds) is above 0; L: " +
        "below 0; =: it contains 0. The best rival of a market is the rival with the highest " +
        "mean P&L on its evaluation seeds, which favours the rival.",
      note: true,
    },
    { section: "Each market's report" },
    { html: `<ul>\n${links}\n</ul>` },
  ], {
    intro: [
      `${run.markets.length} markets, the same agents on the same evaluation seeds in each ` +
      "(common random numbers); each market's calibrated rivals are tuned on seeds disjoint " +
      "from the evaluation seeds.",
    ],
    plotly: { src: MARKETS_FILES.plotly },
    toc: false,
  });
}

/**
 * All files of a comparison across markets, by relative path (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCompareMarkets } from "./markets_compare.ts";
 * import { compareMarketsOutputFiles } from "./markets_files.ts";
 * const run = await runCompareMarkets({
 *   markets: ["default", "default+coarse-tick"],
 *   overrides: { tier: "model", duration: 10 },
 *   agents: ["touch", "glft"],
 *   episodes: 2,
 *   calibrationEpisodes: 2,
 *   workers: 0,
 * });
 * const files = compareMarketsOutputFiles(run);
 * assert.ok("markets/02-default+coarse-tick/report.html" in files);
 * assert.ok(String(files["markets/01-default/report.html"]).includes("../../plotly.js"));
 * assert.equal(JSON.parse(String(files["matrix.json"])).markets.length, 2);
 * ```
 */
export function compareMarketsOutputFiles(
  run: CompareMarketsRun,
): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {};
  files[MARKETS_FILES.html] = marketsIndexHtml(run);
  files[MARKETS_FILES.json] = marketsMatrixJson(run);
  files[MARKETS_FILES.csv] = marketsMatrixCsv(run);
  files[MARKETS_FILES.text] = marketsMatrixText(run) + "\n";
  files[MARKETS_FILES.plotly] = plotlySource();
  run.runs.forEach((r, i) => {
    const dir = `${MARKETS_FILES.markets}/${marketFolder(i, run.markets[i].name)}`;
    files[`${dir}/${COMPARE_FILES.json}`] = reportJson(r);
    const bt = r.backtest;
    if (bt) {
      files[`${dir}/${COMPARE_FILES.episodes}`] = episodesCsv(bt.agents, bt.seeds);
      files[`${dir}/${COMPARE_FILES.summary}`] = summaryCsv(bt.agents);
    }
    files[`${dir}/${COMPARE_FILES.paired}`] = pairedCsv(r);
    files[`${dir}/${COMPARE_FILES.html}`] = compareReportHtml(r, {
      title: `ALPE agent comparison: ${run.markets[i].name}`,
      plotly: { src: `../../${MARKETS_FILES.plotly}` },
    });
  });
  return files;
}

/**
 * Writes {@linkcode compareMarketsOutputFiles} into `dir` as one set, atomically; it is a
 * comparison's output set (the same kind as a single-market run's), so a previous comparison
 * in `dir` is replaced only with `replace`. Returns the paths written.
 */
export function writeCompareMarketsOutputs(
  run: CompareMarketsRun,
  dir: string,
  options: { replace?: boolean; field?: string; replaceHint?: string } = {},
): Promise<string[]> {
  return writeOutputSet(dir, compareMarketsOutputFiles(run), {
    kind: COMPARE_OUTPUT_KIND,
    knownFiles: [...Object.values(COMPARE_FILES), ...Object.values(MARKETS_FILES)],
    replace: options.replace,
    field: options.field,
    replaceHint: options.replaceHint,
  });
}
