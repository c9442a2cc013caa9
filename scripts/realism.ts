/**
 * `deno task realism`: simulates a preset (book tier) and compares it with recorded order
 * books fact by fact — spread, depth in market orders, inter-arrival times, sign
 * autocorrelation, return autocorrelation, kurtosis at 1, 10 and 60 s, volatility clustering,
 * the signature plot, the price response and the markout of passive fills — each with a
 * distance, a tolerance from the sampling error of both samples, and a verdict. Writes
 * `report.html` (a figure per fact, real and simulated overlaid) and `summary.json`
 * (`{facts: {NAME: {real, sim, distance, tolerance, pass}}}`) as one set (lib/output_dir.ts).
 * See docs/realism.md.
 *
 *     deno task realism --preset P --data FILE… [--json] [--out DIR] [--force] [--seed S]
 *                       [--seeds N] [--seconds SEC] [--episode SEC] [--from SEC] [--to SEC]
 *                       [--block SEC] [--resamples N] [--agent none|touch] [--null]
 *
 * With `--seeds N` it runs the comparison on the N simulation seeds S … S + N − 1 and reports
 * how often each fact passed, its median distance and tolerance, and each seed's verdict.
 * Each seed's verdicts are saved beside `--out` in `OUT.partial-FINGERPRINT/` (one directory
 * per set of arguments) as they are done: the same command run again after an interruption
 * runs only the seeds left and writes the uninterrupted run's report; the directory is
 * removed once it is written.
 *
 * @module
 */
import { loadTape } from "../lib/data/load.ts";
import type { Tape } from "../lib/data/tape.ts";
import { type MarketSpec, resolveMarket } from "../lib/env/markets.ts";
import { realismSummary, runRealism, type RunRealismOptions } from "../lib/calibration/realism.ts";
import { realismHtml, realismSeedsHtml } from "../lib/calibration/realism_report.ts";
import {
  describeSeeds,
  type RealismSeedsResult,
  realismSeedsSummary,
  realismVerdict,
  runRealismSeedsOn,
  seedRange,
} from "../lib/calibration/realism_seeds.ts";
import { checkOutputFile, writeFileAtomic, writeOutputSet } from "../lib/output_dir.ts";
import { sha256File } from "../lib/data/io.ts";
import { codeVersion, dataDigests } from "../lib/sweep/version.ts";
import {
  openProgressStore,
  otherProgressDirs,
  type ProgressDir,
  progressDirFor,
  removeProgress,
} from "../lib/progress_store.ts";
import type { RealismResult } from "../lib/calibration/realism.ts";
import { baseName, realismVerdictPath } from "../lib/env/preset_realism.ts";
import { MAX_SEED } from "../lib/rng/rng.ts";
import { defaultWorkers, MAX_WORKERS } from "../lib/backtest/pool.ts";
import { defineCli, FlagError, flags, runCli, type Values } from "./_cli.ts";

/** Kind of the output set (lib/output_dir.ts). */
export const REALISM_OUTPUT_KIND = "realism";

/** The command line of `deno task realism` (exported for the CLI tests). */
export const realismCli = defineCli({
  name: "realism",
  summary: "Simulates a preset and compares its stylized facts with recorded order books " +
    "(report.html with a figure per fact, summary.json; see docs/realism.md).",
  flags: {
    preset: flags.string({
      help: "the market: a preset name (data/presets/NAME.json), a preset file, default, or " +
        "NAME+variant",
      meta: "P",
      expected: "a preset name or file",
    }),
    data: flags.multiple({
      help: "recorded tape to compare with (LOBSTER, Binance raw feed, CSV), FILE[,FILE…]",
      meta: "FILE",
    }),
    out: flags.outDir({
      kind: REALISM_OUTPUT_KIND,
      knownFiles: ["report.html", "summary.json"],
      default: "out/realism",
      replaceDefault: true,
      help: "output directory (report.html, summary.json), written as one set; the default " +
        "is replaced by each run, another directory only with --force",
    }),
    force: flags.boolean({ help: "replace a previous report in --out" }),
    json: flags.boolean({ help: "print the JSON summary on stdout" }),
    seed: flags.int({
      min: 0,
      max: MAX_SEED,
      default: 0,
      help: "seed of the simulation (the first, with --seeds)",
      meta: "S",
    }),
    seeds: flags.int({
      min: 1,
      max: 1_000,
      default: 1,
      help:
        "number of simulation seeds from --seed; more than 1: how often each fact passes over them",
      meta: "N",
    }),
    workers: flags.int({
      min: 1,
      max: MAX_WORKERS,
      help: "threads that run the seeds of --seeds; never changes the results",
      defaultText: "min(cores, seeds)",
      meta: "N",
    }),
    seconds: flags.number({
      min: 60,
      max: 1e6,
      help: "simulated seconds (default: the real data's length, at least 3,600)",
      meta: "SEC",
    }),
    episode: flags.number({
      min: 10,
      max: 86_400,
      help: "length of a simulated episode (default: max(preset duration, 4 blocks, 1,200 s))",
      meta: "SEC",
    }),
    from: flags.number({
      min: 0,
      max: 1e9,
      help: "window start of the tapes, s since their origin",
      meta: "SEC",
    }),
    to: flags.number({
      min: 0,
      max: 1e9,
      help: "window end of the tapes, s since their origin",
      meta: "SEC",
    }),
    block: flags.number({
      min: 1,
      max: 86_400,
      help: "bootstrap block length (default: the real span / 20, in [10, 600] s)",
      meta: "SEC",
    }),
    resamples: flags.int({ min: 10, max: 100_000, default: 400, help: "bootstrap replicates" }),
    verdict: flags.boolean({
      help: "with --seeds N: also write the preset's realism verdict, realism/NAME.json beside " +
        "its file, which compare and the dashboard show next to results in that market (an " +
        "existing one only with --force; docs/realism.md)",
    }),
    agent: flags.choice(["none", "touch"], {
      default: "none",
      help:
        "none: the background flow alone; touch: a passive agent with one lot at the best bid and ask",
    }),
    null: flags.boolean({
      help: "the null: compare the preset with its own simulation, as long as the tapes and " +
        "observed as they were, in their place — how many facts a market that is the model " +
        "passes on such a tape (docs/realism.md)",
    }),
  },
  check: (v) => {
    seedRange(v.seed, v.seeds, "--seeds"); // the last seed within the generator's range
    if (v.from !== undefined && v.to !== undefined && !(v.to > v.from)) {
      throw new FlagError("--to", v.to, `a time after --from (${v.from})`);
    }
    if (v.verdict && v.seeds < 2) {
      throw new FlagError(
        "--seeds",
        v.seeds,
        "at least 2 with --verdict (how often each fact passes)",
      );
    }
    if (v.verdict && v.null) {
      throw new FlagError("--null", true, "no --verdict (a verdict is of the tapes)");
    }
    if (v.verdict && v.agent !== "none") {
      throw new FlagError("--agent", v.agent, "none with --verdict (the market's own flow)");
    }
  },
  // required flags and the preset: checked before any work
  preflight: async (v) => {
    if (v.preset === undefined) throw new FlagError("--preset", "", "a preset name or file");
    if (v.data.length === 0) throw new FlagError("--data", "", "at least one recorded tape");
    const market = await resolveMarket(v.preset, "--preset", { realism: false });
    if (v.verdict) {
      const { path } = verdictTarget(v.preset, market);
      await checkOutputFile(path, {
        replace: v.force,
        field: "--verdict",
        replaceHint: "pass --force",
      });
    }
  },
});

/**
 * The preset name and verdict file of `--verdict`: the market must be a preset file as it is
 * (no stress variant), whose verdict is `realism/NAME.json` beside it.
 */
function verdictTarget(preset: string, market: MarketSpec): { name: string; path: string } {
  if (!market.source.endsWith(".json") || (market.variants?.length ?? 0) > 0) {
    throw new FlagError(
      "--preset",
      preset,
      "a preset name or file, without a variant, with --verdict",
    );
  }
  const name = baseName(market.source).slice(0, -".json".length);
  return { name, path: realismVerdictPath(market.source) };
}

/** The command line that measures the verdict again (the flags given, in a fixed order). */
function verdictCommand(v: RealismFlags, given: ReadonlySet<string>, paths: string[]): string {
  const parts = ["deno task realism", `--preset ${v.preset}`, ...paths.map((p) => `--data ${p}`)];
  parts.push(`--seed ${v.seed}`, `--seeds ${v.seeds}`);
  for (const f of ["seconds", "episode", "from", "to", "block", "resamples"] as const) {
    if (given.has(f)) parts.push(`--${f} ${v[f]}`);
  }
  return [...parts, "--verdict"].join(" ");
}

type RealismFlags = Values<typeof realismCli.spec.flags>;

async function main(v: RealismFlags, given: ReadonlySet<string>): Promise<void> {
  const t0 = performance.now();
  const market = await resolveMarket(v.preset!, "--preset", { realism: false });
  if (market.config.tier === "replay") {
    throw new FlagError("--preset", v.preset, "a simulated market (not replay:…)");
  }
  const paths = v.data.flatMap((d) => d.split(",")).filter((d) => d !== "");
  const tapes: Tape[] = [];
  for (const p of paths) tapes.push(await loadTape(p));
  console.error(`simulating ${v.preset} and measuring ${paths.join(", ")}…`);
  // what the preset's calibration warned about travels with every report on it
  const warned = market.provenance?.warnings;
  const calibrationWarnings = Array.isArray(warned) ? warned.map(String) : [];
  const notes = unitNotes(market.provenance?.instrument, market.config, tapes);
  if (v.null) {
    notes.unshift(
      `The null: ${v.preset} compared with its own simulation, as long as ${
        paths.join(", ")
      } and observed as it was, in its place — what a market that is the model passes ` +
        "(docs/realism.md).",
    );
  }
  const l: Loaded = { market, paths, tapes, calibrationWarnings, notes };
  const progress = v.seeds > 1 ? await openSeedProgress(v, l) : undefined;
  const report = v.seeds > 1 ? await seedsReport(v, l, progress) : oneSeedReport(v, l);
  if (v.verdict && report.seeds) {
    const target = verdictTarget(v.preset!, market);
    const sha256: string[] = [];
    for (const p of paths) sha256.push(await sha256File(p));
    const verdict = realismVerdict(report.seeds, {
      preset: target.name,
      presetSha256: await sha256File(market.source),
      data: paths,
      sha256,
      command: verdictCommand(v, given, paths),
    });
    await writeFileAtomic(target.path, toJson(verdict), {
      replace: v.force,
      field: "--verdict",
      replaceHint: "pass --force",
    });
    console.error(`wrote the verdict ${target.path}`);
  }
  await publish(v, given, l, t0, report);
  if (progress) removeProgress(progress.dir); // the report now holds every seed's verdicts
}

/**
 * Opens this run's progress directory beside `--out` (`OUT.partial-FINGERPRINT`,
 * `progressDirFor`), where the verdicts of `--seeds N` are kept seed by seed (`seed-S`), so
 * that the same command run again after an interruption runs only the seeds left. Its key is
 * what shapes a seed's verdicts: the market's whole configuration, the tapes' checksums and
 * the comparison's options (not `--seed`/`--seeds`: a run over more seeds keeps those done), and
 * the code's version (`codeVersion`: seeds saved before the library changed are not loaded by the
 * changed one). Runs with other arguments or code have other directories: they are named, never
 * used or deleted.
 */
async function openSeedProgress(v: RealismFlags, l: Loaded): Promise<ProgressDir<RealismResult>> {
  const files = await dataDigests(l.paths);
  const key = {
    command: "realism",
    market: l.market.config,
    files,
    options: runOptions(v),
    code: await codeVersion(),
  };
  const dir = progressDirFor(v.out, key);
  const store = openProgressStore<RealismResult>(dir, key);
  const saved = store.names().length;
  if (saved > 0) console.error(`resuming: ${saved} seeds saved by an earlier run in ${dir}`);
  for (const other of otherProgressDirs(v.out, dir)) {
    console.error(
      `note: ${other} holds an unfinished realism run with other arguments or code (kept)`,
    );
  }
  return store;
}

/** The comparison's options from the flags (the seed aside). */
function runOptions(v: RealismFlags): RunRealismOptions {
  return {
    seconds: v.seconds,
    episodeSeconds: v.episode,
    from: v.from,
    to: v.to,
    blockSeconds: v.block,
    resamples: v.resamples,
    agent: v.agent as "none" | "touch",
    ...(v.null ? { null: true } : {}),
  };
}

/** JSON with non-finite numbers written as null, and a final newline. */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, x) => typeof x === "number" && !Number.isFinite(x) ? null : x,
    2,
  ) +
    "\n";
}

/** What {@linkcode main} has read before the runs. */
interface Loaded {
  market: Awaited<ReturnType<typeof resolveMarket>>;
  paths: string[];
  tapes: Tape[];
  calibrationWarnings: string[];
  notes: string[];
}

/** A report to write: its summary, its page, and the table printed without --json. */
interface Report {
  json: string;
  html: string;
  table: string[];
  /** The comparison over seeds (with --seeds N). */
  seeds?: RealismSeedsResult;
}

/** The fields every summary starts with. */
function summaryHead(v: RealismFlags, l: Loaded): Record<string, unknown> {
  return {
    preset: v.preset,
    presetSource: l.market.source,
    ...(v.null ? { null: true } : {}),
    calibrationWarnings: l.calibrationWarnings,
    notes: l.notes,
    data: l.paths,
  };
}

/** Formats a distance or tolerance for the printed table. */
function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(3) : "n/a";
}

/** One seed: the comparison fact by fact. */
function oneSeedReport(v: RealismFlags, l: Loaded): Report {
  const run = runRealism(l.market.config, l.tapes, { ...runOptions(v), seed: v.seed });
  const json = toJson({
    ...summaryHead(v, l),
    seed: v.seed,
    agent: v.agent,
    ...realismSummary(run.result),
  });
  const html = realismHtml(run.result, {
    title: `${v.null ? "Null: " : ""}Realism: ${v.preset} against ${
      l.tapes.map((t) => t.meta.name).join(", ")
    }`,
    preset: `${v.preset} (${l.market.source})`,
    data: l.paths,
    notes: [`Simulation seed ${v.seed}, agent: ${v.agent}.`, ...l.notes],
    calibrationWarnings: l.calibrationWarnings,
  });
  const table = ["fact                        distance        value  tolerance  verdict"];
  for (const x of run.result.facts) {
    const verdict = x.pass === null ? "not judged" : x.pass ? "pass" : "FAIL";
    table.push(
      `${x.name.padEnd(27)} ${x.distanceKind.padEnd(16)} ${fmt(x.distance).padStart(6)} ${
        fmt(x.tolerance).padStart(10)
      }  ${verdict}${x.note ? `  (${x.note})` : ""}`,
    );
  }
  return { json, html, table };
}

/** `--seeds N`: the comparison on N seeds, how often each fact passed. */
async function seedsReport(
  v: RealismFlags,
  l: Loaded,
  progress?: ProgressDir<RealismResult>,
): Promise<Report> {
  const seeds = seedRange(v.seed, v.seeds, "--seeds");
  const r = await runRealismSeedsOn(l.market.config, l.tapes, seeds, runOptions(v), {
    workers: v.workers ?? defaultWorkers(seeds.length),
    onSeed: (seed, result) => {
      const judged = result.facts.filter((f) => f.pass !== null);
      console.error(`  seed ${seed}: ${judged.filter((f) => f.pass).length} of ${judged.length}`);
    },
    progress,
  });
  const json = toJson({ ...summaryHead(v, l), agent: v.agent, ...realismSeedsSummary(r) });
  const html = realismSeedsHtml(r, {
    title: `${v.null ? "Null: " : ""}Realism over ${seeds.length} seeds: ${v.preset} against ${
      l.tapes.map((t) => t.meta.name).join(", ")
    }`,
    preset: `${v.preset} (${l.market.source})`,
    data: l.paths,
    notes: [`Simulation seeds ${describeSeeds(seeds)}, agent: ${v.agent}.`, ...l.notes],
    calibrationWarnings: l.calibrationWarnings,
  });
  const table = [
    "fact                        distance          passed  median value  median tolerance",
  ];
  for (const x of r.facts) {
    table.push(
      `${x.name.padEnd(27)} ${x.distanceKind.padEnd(16)} ${
        `${x.passed} of ${x.judged}`.padStart(8)
      } ${fmt(x.medianDistance).padStart(13)} ${fmt(x.medianTolerance).padStart(17)}`,
    );
  }
  table.push(
    `\n${r.meanPassed.toFixed(2)} judged facts pass on average over seeds ${
      describeSeeds(seeds)
    } (per seed: ${r.passed.join(", ")}).`,
  );
  return { json, html, table, seeds: r };
}

/**
 * Writes the report's set to --out, then prints its summary (--json) or its table with the
 * calibration's warnings and the notes.
 */
async function publish(
  v: RealismFlags,
  given: ReadonlySet<string>,
  l: Loaded,
  t0: number,
  report: Report,
): Promise<void> {
  await writeOutputSet(v.out, { "report.html": report.html, "summary.json": report.json }, {
    kind: REALISM_OUTPUT_KIND,
    replace: v.force || !given.has("out"),
    field: "--out",
    replaceHint: "pass --force",
  });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (v.json) {
    await Deno.stdout.write(new TextEncoder().encode(report.json));
    console.error(`wrote ${v.out}/report.html, summary.json (${secs} s)`);
    return;
  }
  for (const line of report.table) console.log(line);
  for (const w of l.calibrationWarnings) console.log(`calibration warning: ${w}`);
  for (const n of l.notes) console.log(`note: ${n}`);
  console.log(`\nWrote ${v.out}/report.html and summary.json in ${secs} s.`);
}

/**
 * Notes on units where the data are not the preset's instrument: prices are compared in each
 * market's own ticks, sizes in the preset's lots (of the data's instrument).
 */
function unitNotes(
  instrument: unknown,
  config: { tickSize: number; lotSize: number },
  tapes: readonly Tape[],
): string[] {
  const out: string[] = [];
  for (const t of tapes) {
    const other = typeof instrument === "string" && instrument !== t.meta.instrument;
    const tick = t.meta.tickSize !== config.tickSize;
    if (!other && !tick) continue;
    out.push(
      `${t.meta.name} is ${
        other ? `${t.meta.instrument}, not the preset's ${instrument}` : "another tick"
      }` +
        `${tick ? ` (tick ${t.meta.tickSize} against the preset's ${config.tickSize})` : ""}: ` +
        `prices are compared in each market's ticks, sizes in the preset's lots of ${config.lotSize} ` +
        `units of ${t.meta.instrument}`,
    );
  }
  return out;
}

if (import.meta.main) await runCli(realismCli, main);
