/**
 * Writes a comparison's result files into one directory.
 *
 * @module
 */
import { stringify } from "npm:csv-stringify@6.9.0/sync";
import type { CompareRun } from "./compare.ts";
import { roundNumber } from "./format.ts";
import { episodesCsv, stepsArrow, summaryCsv } from "./output.ts";
import { compareReportHtml } from "./report.ts";
import { plotlySource } from "../viz/plotly_source.ts";

/** Names of the files {@linkcode writeCompareOutputs} writes. */
export const COMPARE_FILES = {
  json: "results.json",
  episodes: "episodes.csv",
  summary: "summary.csv",
  paired: "paired.csv",
  html: "report.html",
  plotly: "plotly.js",
  arrow: "steps.arrow",
} as const;

/** The paired tests as CSV: agent, baseline, metric, n, meanDiff, CI, p-values. */
export function pairedCsv(run: CompareRun): string {
  const rows: (string | number)[][] = [[
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
  const r = (x: number) => roundNumber(x) ?? "";
  for (const [id, tests] of Object.entries(run.paired)) {
    for (const [metric, c] of Object.entries(tests)) {
      rows.push([
        id,
        run.report.comparisons.baseline,
        metric,
        c.n,
        r(c.meanDiff),
        r(c.ci95[0]),
        r(c.ci95[1]),
        r(c.tTestP),
        r(c.wilcoxonP),
        r(c.permutationP),
      ]);
    }
  }
  return stringify(rows);
}

/**
 * Writes results.json (the report, exactly what `--json` prints), episodes.csv,
 * summary.csv, paired.csv, report.html and, with `arrow`, steps.arrow (which needs a run
 * with `recordSteps`). Returns the paths written.
 */
export async function writeCompareOutputs(
  run: CompareRun,
  dir: string,
  options: { arrow?: boolean } = {},
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const path = (name: string) => `${dir.replace(/\/+$/, "")}/${name}`;
  const written: string[] = [];
  const write = async (name: string, text: string | Uint8Array) => {
    const p = path(name);
    if (typeof text === "string") await Deno.writeTextFile(p, text);
    else await Deno.writeFile(p, text);
    written.push(p);
  };
  await write(COMPARE_FILES.json, reportJson(run));
  const bt = run.backtest;
  if (bt) {
    await write(COMPARE_FILES.episodes, episodesCsv(bt.agents, bt.seeds));
    await write(COMPARE_FILES.summary, summaryCsv(bt.agents));
  }
  await write(COMPARE_FILES.paired, pairedCsv(run));
  // One copy of plotly.js per output folder, shared by the report (not inlined: 11 MB).
  await writeIfChanged(path(COMPARE_FILES.plotly), plotlySource());
  written.push(path(COMPARE_FILES.plotly));
  await write(
    COMPARE_FILES.html,
    compareReportHtml(run, { plotly: { src: COMPARE_FILES.plotly } }),
  );
  if (options.arrow && bt) {
    await write(
      COMPARE_FILES.arrow,
      stepsArrow(bt.agents.map((a) => ({ id: a.id, records: a.records ?? [] }))),
    );
  }
  return written;
}

/** Writes `text` to `path` unless the file already holds exactly that text. */
async function writeIfChanged(path: string, text: string): Promise<void> {
  try {
    if ((await Deno.readTextFile(path)) === text) return;
  } catch {
    // missing or unreadable: write it
  }
  await Deno.writeTextFile(path, text);
}

/** The report as one line of JSON plus a newline (byte-identical for the same run). */
export function reportJson(run: CompareRun): string {
  return JSON.stringify(run.report) + "\n";
}
