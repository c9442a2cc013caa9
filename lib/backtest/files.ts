/**
 * A comparison's result files, written into one directory as a set, atomically.
 *
 * @module
 */
import { stringify } from "npm:csv-stringify@6.9.0/sync";
import type { CompareRun } from "./compare.ts";
import { roundNumber } from "./format.ts";
import { episodesCsv, stepsArrow, summaryCsv } from "./output.ts";
import { compareReportHtml } from "./report.ts";
import { writeOutputSet } from "../output_dir.ts";
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

/** Options of {@linkcode writeCompareOutputs}. */
export interface CompareOutputOptions {
  /** Also write steps.arrow (needs a run with `recordSteps`). */
  arrow?: boolean;
  /** Replace a previous comparison's output set in `dir` (default false: refuse). */
  replace?: boolean;
  /** Field named by errors about `dir` (default `"dir"`; the script passes `"--out"`). */
  field?: string;
  /** How to ask for a replacement, in the refusal (default "pass replace: true"). */
  replaceHint?: string;
}

/** The kind of output set {@linkcode writeCompareOutputs} writes (see lib/output_dir.ts). */
export const COMPARE_OUTPUT_KIND = "compare";

/**
 * The result files of a comparison, by name: results.json (the report, exactly what
 * `--json` prints), episodes.csv, summary.csv, paired.csv, report.html with the plotly.js it
 * loads (one copy per folder) and, with `arrow`,
 * steps.arrow. Every file is a function of the run only: the same run gives the same bytes.
 */
export function compareOutputFiles(
  run: CompareRun,
  options: { arrow?: boolean } = {},
): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {};
  files[COMPARE_FILES.json] = reportJson(run);
  const bt = run.backtest;
  if (bt) {
    files[COMPARE_FILES.episodes] = episodesCsv(bt.agents, bt.seeds);
    files[COMPARE_FILES.summary] = summaryCsv(bt.agents);
  }
  files[COMPARE_FILES.paired] = pairedCsv(run);
  // One copy of plotly.js per output folder, loaded by the report (not inlined: 4.9 MB).
  files[COMPARE_FILES.plotly] = plotlySource();
  files[COMPARE_FILES.html] = compareReportHtml(run, { plotly: { src: COMPARE_FILES.plotly } });
  if (options.arrow && bt) {
    files[COMPARE_FILES.arrow] = stepsArrow(
      bt.agents.map((a) => ({ id: a.id, records: a.records ?? [] })),
    );
  }
  return files;
}

/**
 * Writes the files of {@linkcode compareOutputFiles} into `dir` as one set, atomically
 * (`writeOutputSet` of lib/output_dir.ts: a kill leaves the previous set or the new one,
 * never a mix). A previous comparison in `dir` is replaced only with `replace`; a directory
 * holding anything else is refused. Returns the paths written.
 */
export function writeCompareOutputs(
  run: CompareRun,
  dir: string,
  options: CompareOutputOptions = {},
): Promise<string[]> {
  return writeOutputSet(dir, compareOutputFiles(run, options), {
    kind: COMPARE_OUTPUT_KIND,
    knownFiles: Object.values(COMPARE_FILES),
    replace: options.replace,
    field: options.field,
    replaceHint: options.replaceHint,
  });
}

/** The report as one line of JSON plus a newline (byte-identical for the same run). */
export function reportJson(run: CompareRun): string {
  return JSON.stringify(run.report) + "\n";
}
