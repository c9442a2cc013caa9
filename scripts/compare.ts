/**
 * `deno task compare`: every market-making agent on the same evaluation episodes of the
 * simulator (common random numbers), with fair, calibrated parameters for
 * Avellaneda–Stoikov and GLFT, a metric table with 95 % CIs, paired tests against
 * Avellaneda–Stoikov, and result files (results.json, CSVs, report.html, optionally
 * steps.arrow) in `--out`. With `--markets A,B,…`, one comparison per market (presets, their
 * stress variants, `replay:FILE`) and a summary matrix of every agent against each market's
 * best rival (lib/backtest/markets_compare.ts); the files are those of
 * lib/backtest/markets_files.ts.
 *
 * With `--json`, stdout holds exactly one JSON object (the report); progress and logs go to
 * stderr. A bad flag prints one line naming it and its allowed values, and exits with 2,
 * before any work starts (`--out` included: a file, an unwritable place, or a directory
 * holding a previous comparison without `--force`). The files are written as one set
 * (lib/output_dir.ts): a kill leaves the previous set or the new one, never a mix. Every
 * backtest job (the tuning's and the evaluation's) is saved beside `--out` in
 * `OUT.partial-FINGERPRINT/` (one directory per set of arguments) as it finishes: the same
 * command run again after an interruption runs only the jobs left and writes the
 * uninterrupted run's files; the directory is removed once they are written.
 *
 * @module
 */
import { AGENT_IDS, agentDefinition } from "../lib/agents/registry.ts";
import { ValidationError } from "../lib/errors.ts";
import { codeVersion, dataDigests, modelFiles } from "../lib/sweep/version.ts";
import {
  openProgressStore,
  otherProgressDirs,
  type ProgressDir,
  progressDirFor,
  removeProgress,
} from "../lib/progress_store.ts";
import type { JobResult } from "../lib/backtest/types.ts";
import { MAX_SEED } from "../lib/rng/mod.ts";
import {
  COMPARE_FILES,
  COMPARE_OUTPUT_KIND,
  createProgress,
  DEFAULT_CALIBRATION_EPISODES,
  DEFAULT_EPISODES,
  DEFAULT_PPO_DIR,
  DEFAULT_RIVALS,
  legendText,
  MARKETS_FILES,
  marketsMatrixJson,
  marketsMatrixText,
  metricTablesText,
  pairedTableText,
  reportJson,
  runCompare,
  runCompareMarkets,
  writeCompareMarketsOutputs,
  writeCompareOutputs,
} from "../lib/backtest/mod.ts";
import { MAX_WORKERS } from "../lib/backtest/pool.ts";
import { defineCli, FlagError, flags, readJsonObject, runCli, type Values } from "./_cli.ts";
import { type EnvConfigInput, parseEnvConfig } from "../lib/env/config.ts";
import { REPLAY_CLI_FLAGS, replayConfigFromFlags } from "./_replay_flags.ts";
import { DEFAULT_MARKET, marketRealismCaveats, resolveMarket } from "../lib/env/markets.ts";
import { replayPlan } from "../lib/backtest/replay_plan.ts";

/** The command line of `deno task compare` (exported for the CLI tests). */
export const compareCli = defineCli({
  name: "compare",
  summary: "Runs every agent on the same evaluation episodes (common random numbers) and " +
    "reports means with 95% bootstrap CIs, paired tests vs avellaneda-stoikov, and result " +
    "files (results.json, episodes.csv, summary.csv, paired.csv, report.html, optionally " +
    "steps.arrow), written as one set.",
  flags: {
    episodes: flags.int({
      min: 1,
      max: 100_000,
      default: DEFAULT_EPISODES,
      help: "evaluation episodes per agent",
    }),
    seed: flags.int({
      min: 0,
      max: MAX_SEED,
      default: 0,
      help: "root seed; episode e uses childSeed(S, e)",
      meta: "S",
    }),
    agents: flags.list({
      choices: AGENT_IDS,
      help: "agents to compare",
      defaultText: "all",
    }),
    duration: flags.number({
      min: 10,
      max: 500,
      defaultText: "the market's",
      help: "episode length in seconds",
      meta: "SEC",
    }),
    price: flags.number({
      min: 50,
      max: 200,
      defaultText: "the market's",
      help: "initial mid price",
      meta: "USD",
    }),
    volatility: flags.number({
      min: 0.01,
      max: 0.1,
      defaultText: "the market's",
      help: "daily volatility of returns",
    }),
    tier: flags.choice(["book", "model", "replay"], {
      default: "book",
      help: "simulator tier (book: the L3 order-book simulator; replay: recorded order books, " +
        "the later windows of each tape evaluate, the earlier ones tune; see --data)",
    }),
    config: flags.inFile({
      help: "market configuration, a JSON object as lib/env/config.ts (flow models, " +
        "latencies, tick, fees, regimes, …; see docs/models.md); --tier, --duration, --price " +
        "and --volatility, when given, override it (not with --tier replay)",
    }),
    preset: flags.string({
      defaultText: DEFAULT_MARKET,
      help: "a calibrated market: a preset name (data/presets/NAME.json), a preset file or " +
        "NAME+variant (see docs/calibration.md); --tier, --duration, --price and --volatility, " +
        "when given, override it",
      meta: "P",
      expected: "a preset name or file",
    }),
    ...REPLAY_CLI_FLAGS,
    markets: flags.list({
      help: "compare on several markets (preset names or files, NAME+variant stress variants, " +
        "replay:FILE, default): one comparison per market and a summary matrix of every agent " +
        "against each market's best rival; --duration, --price and --volatility, when given, " +
        "apply to every simulated market",
    }),
    rivals: flags.list({
      choices: AGENT_IDS,
      help: "with --markets: the rivals of the summary matrix (the best of them by mean P&L in " +
        "each market)",
      defaultText: DEFAULT_RIVALS.join(","),
    }),
    workers: flags.int({
      min: 0,
      max: MAX_WORKERS,
      help: "worker threads (0: in-process); never changes the results",
      defaultText: "min(cores, jobs)",
    }),
    "calibration-episodes": flags.int({
      min: 1,
      max: 100_000,
      default: DEFAULT_CALIBRATION_EPISODES,
      help: "episodes for calibrating A, k, sigma and tuning gamma of avellaneda-stoikov and " +
        "glft, on seeds disjoint from the evaluation seeds",
    }),
    out: flags.outDir({
      kind: COMPARE_OUTPUT_KIND,
      knownFiles: [...Object.values(COMPARE_FILES), ...Object.values(MARKETS_FILES)],
      default: "out/compare",
      replaceDefault: true,
      help: "output directory, written as one set; the default is replaced by each run, " +
        "another directory holding a previous comparison only with --force",
    }),
    force: flags.boolean({ help: "replace the previous comparison in --out" }),
    model: flags.string({
      default: DEFAULT_PPO_DIR,
      meta: "DIR",
      expected: "a directory path",
      help: "trained PPO model directory (one named here must hold a model; the default may " +
        "be absent: ppo is then reported unavailable)",
    }),
    arrow: flags.boolean({ help: "also write per-step records to DIR/steps.arrow (Arrow IPC)" }),
    json: flags.boolean({
      help: "print exactly one JSON object on stdout (the report; with --markets, the matrix)",
    }),
  },
  preflight: async (values, given) => {
    if (values.markets !== undefined) {
      for (const flag of ["tier", "preset", "config", "data", "window", "arrow"] as const) {
        if (given.has(flag)) {
          throw new ValidationError(
            `--${flag}`,
            String(values[flag]),
            "no --" + flag + " with --markets (each market names its own tier and data)",
          );
        }
      }
      const specs = [];
      for (const name of values.markets) specs.push(await resolveMarket(name, "--markets"));
      for (const m of specs) {
        if (m.config.tier === "replay" && given.has("duration")) {
          throw new ValidationError(
            "--duration",
            values.duration,
            "no --duration with a replay market",
          );
        }
        const cfg = parseEnvConfig(
          { ...m.config, ...marketOverrides(values, given) } as EnvConfigInput,
        );
        if (cfg.tier === "replay") {
          // enough windows for evaluation and calibration, before any market runs
          try {
            replayPlan(cfg, values.seed, values.episodes, values["calibration-episodes"]);
          } catch (err) {
            if (!(err instanceof ValidationError)) throw err;
            throw new ValidationError("--markets", m.name, `a market that can run: ${err.message}`);
          }
        }
      }
    } else if (values.rivals !== undefined) {
      throw new ValidationError("--rivals", values.rivals.join(","), "--markets A,B,… with it");
    }
    if (values.tier === "replay" && given.has("duration")) {
      throw new ValidationError("--duration", values.duration, "--window SEC with --tier replay");
    }
    if (values.preset !== undefined) {
      if (values.config !== undefined) {
        throw new ValidationError("--preset", values.preset, "either --preset or --config");
      }
      if (values.tier === "replay") {
        throw new ValidationError("--preset", values.preset, "a simulator tier (book or model)");
      }
      await marketConfig(values, given); // named errors, before any work
    }
    if (values.config !== undefined) {
      if (values.tier === "replay") {
        throw new ValidationError("--config", values.config, "a simulator tier (book or model)");
      }
      await marketConfig(values, given); // named errors, before any work
    }
    // The default model may be missing (ppo is then reported unavailable); one asked for by
    // name must exist, or the run would silently leave out the agent the user wanted.
    const agents = values.agents ?? AGENT_IDS;
    if (
      given.has("model") && agents.includes("ppo") &&
      !(await isFile(`${values.model}/checkpoint.json`))
    ) {
      throw new ValidationError(
        "--model",
        values.model,
        "a directory with a trained model (checkpoint.json)",
      );
    }
  },
});

/** Parsed flags of `deno task compare`. */
export type CompareFlags = Values<typeof compareCli.spec.flags>;

async function main(values: CompareFlags, given: ReadonlySet<string>): Promise<void> {
  if (values.markets !== undefined) return await mainMarkets(values, given);
  const out = values.out;

  // recorded tapes: loaded (and cached) before any work; a bad file fails here
  const replayConfig = await replayConfigFromFlags(values.tier, values);
  const t0 = performance.now();
  const log = (line: string) => console.error(line);
  const bar = createProgress("compare", { unit: "episodes" });
  const simulated = replayConfig ? undefined : await market(values, given);
  const progress = await openJobProgress(values);
  let run;
  try {
    run = await runCompare({
      config: replayConfig ?? simulated!.config,
      realism: simulated?.realism,
      episodes: values.episodes,
      seed: values.seed,
      agents: values.agents ?? [...AGENT_IDS],
      workers: values.workers,
      calibrationEpisodes: values["calibration-episodes"],
      ppoDir: values.model,
      recordSteps: values.arrow,
      onProgress: (done, total) => bar.update(done, total),
      progress,
      log,
    });
  } finally {
    bar.stop();
  }
  const written = await writeCompareOutputs(run, out, {
    arrow: values.arrow,
    replace: values.force || !given.has("out"),
    field: "--out",
    replaceHint: "pass --force",
  });
  removeProgress(progress.dir); // the files now hold every job's result
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  if (values.json) {
    await Deno.stdout.write(new TextEncoder().encode(reportJson(run)));
    log(`wrote ${written.join(", ")} (${seconds} s)`);
    return;
  }
  console.log(metricTablesText(run));
  const paired = pairedTableText(run);
  if (paired) console.log(`\nPaired tests vs avellaneda-stoikov (Δ = agent − AS):\n${paired}`);
  console.log(`\n${legendText(run)}`);
  if (run.report.realism) console.log(`\n${run.report.realism.join("\n")}`);
  console.log(`\nWrote ${written.join(", ")} in ${seconds} s.`);
}

/**
 * Opens this comparison's progress directory beside `--out` (`OUT.partial-FINGERPRINT`,
 * `progressDirFor`), where its finished backtest jobs are kept, each named by the hash of its
 * content (`runJobs`). Its key is every flag that shapes a result (all but `--out`, `--force`,
 * `--json` and `--workers`, which changes no result) and the checksum of every file a job names
 * by path: the files of the learned agents' models (`modelFiles`), the tapes of the replay
 * tier and of `replay:` markets, the `--config` file; and the code's version (`codeVersion`:
 * jobs saved before the library changed are not loaded by the changed one). Runs with other
 * arguments or code have other directories: they are named, never used or deleted.
 */
async function openJobProgress(values: CompareFlags): Promise<ProgressDir<JobResult>> {
  const { out: _out, force: _force, json: _json, workers: _workers, ...shaping } = values;
  const paths: string[] = [];
  for (const id of values.agents ?? AGENT_IDS) {
    if (agentDefinition(id).kind !== "learned") continue;
    const dir = values.model ?? agentDefinition(id).modelDir ?? DEFAULT_PPO_DIR;
    // a missing model is reported by the comparison as unavailable; it has no files
    paths.push(...await modelFiles(dir, "--model").catch(() => []));
  }
  for (const d of values.data ?? []) {
    for (const f of d.split(",")) if (f.trim()) paths.push(f.trim());
  }
  for (const m of values.markets ?? []) if (m.startsWith("replay:")) paths.push(m.slice(7));
  if (values.config !== undefined) paths.push(values.config);
  const files = await dataDigests(paths);
  const key = { command: "compare", flags: shaping, files, code: await codeVersion() };
  const dir = progressDirFor(values.out, key);
  const store = openProgressStore<JobResult>(dir, key);
  const saved = store.names().length;
  if (saved > 0) {
    console.error(`resuming: ${saved} backtest jobs saved by an earlier run in ${dir}`);
  }
  for (const other of otherProgressDirs(values.out, dir)) {
    console.error(
      `note: ${other} holds an unfinished comparison with other arguments or code (kept)`,
    );
  }
  return store;
}

/** The flags that apply to every market of `--markets`, only where given. */
function marketOverrides(values: CompareFlags, given: ReadonlySet<string>): EnvConfigInput {
  const o: Record<string, unknown> = {};
  if (given.has("duration")) o.duration = values.duration;
  if (given.has("price")) o.initialPrice = values.price;
  if (given.has("volatility")) o.volatility = values.volatility;
  return o as EnvConfigInput;
}

/** `--markets A,B,…`: one comparison per market, the summary matrix, one output set. */
async function mainMarkets(values: CompareFlags, given: ReadonlySet<string>): Promise<void> {
  const t0 = performance.now();
  const log = (line: string) => console.error(line);
  const markets = values.markets!;
  const progress = await openJobProgress(values);
  const bar = createProgress("compare", { unit: "episodes" });
  let run;
  try {
    run = await runCompareMarkets({
      markets,
      overrides: marketOverrides(values, given),
      rivals: values.rivals,
      episodes: values.episodes,
      seed: values.seed,
      agents: values.agents ?? [...AGENT_IDS],
      workers: values.workers,
      calibrationEpisodes: values["calibration-episodes"],
      ppoDir: values.model,
      onProgress: (m, done, total) => bar.update(m * total + done, markets.length * total),
      progress,
      log,
    });
  } finally {
    bar.stop();
  }
  const written = await writeCompareMarketsOutputs(run, values.out, {
    replace: values.force || !given.has("out"),
    field: "--out",
    replaceHint: "pass --force",
  });
  removeProgress(progress.dir); // the files now hold every job's result
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  if (values.json) {
    await Deno.stdout.write(new TextEncoder().encode(marketsMatrixJson(run)));
  } else {
    run.runs.forEach((r, i) => {
      console.log(`\n== ${run.markets[i].name}: ${run.markets[i].description}\n`);
      console.log(metricTablesText(r));
    });
    console.log(`\n${marketsMatrixText(run)}`);
  }
  log(
    `wrote ${written.length} files under ${values.out} (index.html, matrix.*, markets/) in ${seconds} s`,
  );
}

/**
 * The environment configuration: the `--config` file (validated, errors naming `--config`
 * and the field) with the tier, duration, price and volatility flags given on the command
 * line on top; without a file, those flags (at their defaults when not given).
 */
async function marketConfig(
  values: CompareFlags,
  given: ReadonlySet<string>,
): Promise<EnvConfigInput> {
  return (await market(values, given)).config;
}

/**
 * The market of a single comparison: its configuration ({@linkcode marketConfig}) and what
 * its preset's realism verdict says of it (empty without a preset or a verdict).
 */
async function market(
  values: CompareFlags,
  given: ReadonlySet<string>,
): Promise<{ config: EnvConfigInput; realism: string[] }> {
  const fromFlags: Record<string, unknown> = {
    tier: values.tier,
    duration: values.duration,
    initialPrice: values.price,
    volatility: values.volatility,
  };
  // No market named: the default market (a preset), under the flags given.
  const preset = values.config === undefined ? values.preset ?? DEFAULT_MARKET : undefined;
  const spec = preset !== undefined ? await resolveMarket(preset, "--preset") : undefined;
  const file: Record<string, unknown> = spec !== undefined
    ? spec.config as unknown as Record<string, unknown>
    : await readJsonObject("--config", values.config!);
  const input: Record<string, unknown> = { ...file };
  const flagNames = {
    tier: "tier",
    duration: "duration",
    initialPrice: "price",
    volatility: "volatility",
  };
  for (const [key, flag] of Object.entries(flagNames)) {
    if (given.has(flag) || !(key in file)) input[key] = fromFlags[key];
  }
  const flag = preset !== undefined ? "--preset" : "--config";
  const source = preset ?? values.config;
  let parsed;
  try {
    parsed = parseEnvConfig(input as EnvConfigInput);
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new FlagError(
        flag,
        source,
        `a valid market configuration`,
        `${flag}: ${source}: ${err.message}`,
      );
    }
    throw err;
  }
  const realism = spec !== undefined ? marketRealismCaveats(spec, parsed) : [];
  return { config: input as EnvConfigInput, realism };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

if (import.meta.main) await runCli(compareCli, main);
