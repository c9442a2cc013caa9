/**
 * `deno task compare`: every market-making agent on the same evaluation episodes of the
 * simulator (common random numbers), with fair, calibrated parameters for
 * Avellaneda–Stoikov and GLFT, a metric table with 95 % CIs, paired tests against
 * Avellaneda–Stoikov, and result files (results.json, CSVs, report.html, optionally
 * steps.arrow) in `--out`.
 *
 * With `--json`, stdout holds exactly one JSON object (the report); progress and logs go to
 * stderr. A bad flag prints one line naming it and its allowed values, and exits with 2.
 *
 * @module
 */
import { AGENT_IDS } from "../lib/agents/registry.ts";
import { ValidationError } from "../lib/errors.ts";
import { MAX_SEED } from "../lib/rng/mod.ts";
import {
  createProgress,
  DEFAULT_CALIBRATION_EPISODES,
  DEFAULT_EPISODES,
  legendText,
  metricTablesText,
  pairedTableText,
  reportJson,
  runCompare,
  validateAgentIds,
  writeCompareOutputs,
} from "../lib/backtest/mod.ts";
import { MAX_WORKERS } from "../lib/backtest/pool.ts";
import { intFlag, numberFlag, parseFlags, runMain } from "./_cli.ts";
import { REPLAY_FLAGS, REPLAY_HELP, replayConfigFromFlags } from "./_replay_flags.ts";

const OPTIONS = {
  episodes: { type: "string" },
  seed: { type: "string" },
  agents: { type: "string" },
  duration: { type: "string" },
  price: { type: "string" },
  volatility: { type: "string" },
  tier: { type: "string" },
  workers: { type: "string" },
  "calibration-episodes": { type: "string" },
  out: { type: "string" },
  model: { type: "string" },
  arrow: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  ...REPLAY_FLAGS,
} as const;

const ALLOWED = Object.keys(OPTIONS).map((k) => `--${k}`).join(", ");

const HELP = `deno task compare [flags]

Runs every agent on the same evaluation episodes (common random numbers) and reports
means with 95% bootstrap CIs, paired tests vs avellaneda-stoikov, and result files.

Flags:
  --episodes N              evaluation episodes per agent, 1-100000 (default ${DEFAULT_EPISODES})
  --seed S                  root seed, 0-${MAX_SEED} (default 0); episode e uses childSeed(S, e)
  --agents a,b              comma-separated subset of ${AGENT_IDS.join(", ")} (default: all)
  --duration SEC            episode length in seconds, 10-500 (default 300)
  --price USD               initial mid price, 50-200 (default 100)
  --volatility X            daily volatility of returns, 0.01-0.1 (default 0.02)
  --tier book|model|replay  simulator tier (default book: the L3 order-book simulator); replay:
                            recorded order books, later windows evaluate, earlier ones tune
${REPLAY_HELP}
  --workers N               worker threads, 0-${MAX_WORKERS} (0: in-process; default min(cores, jobs));
                            never changes the results
  --calibration-episodes N  episodes for calibrating A, k, sigma and tuning gamma of
                            avellaneda-stoikov and glft, on seeds disjoint from the
                            evaluation seeds (default ${DEFAULT_CALIBRATION_EPISODES})
  --out DIR                 output directory (default out/compare): results.json, episodes.csv,
                            summary.csv, paired.csv, report.html
  --model DIR               trained PPO model directory (default data/models/ppo; a named
                            directory must hold a model)
  --arrow                   also write per-step records to DIR/steps.arrow (Apache Arrow IPC)
  --json                    print exactly one JSON object (the report) on stdout
  -h, --help                this help
`;

/**
 * Joins `--flag -1` into `--flag=-1` for string flags, so a negative number reaches the
 * range check (and its message) instead of being taken for a flag.
 */
function joinNegativeValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : "";
    const spec = (OPTIONS as Record<string, { type: string }>)[name];
    if (spec?.type === "string" && /^-[\d.]/.test(args[i + 1] ?? "")) {
      out.push(`${args[i]}=${args[i + 1]}`);
      i++;
    } else {
      out.push(args[i]);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseFlags(joinNegativeValues(Deno.args), OPTIONS, ALLOWED);
  if (values.help) {
    console.log(HELP);
    return;
  }
  const tier = values.tier ?? "book";
  if (tier !== "book" && tier !== "model" && tier !== "replay") {
    throw new ValidationError("--tier", tier, 'one of "book", "model", "replay"');
  }
  if (tier === "replay" && values.duration !== undefined) {
    throw new ValidationError("--duration", values.duration, "--window SEC with --tier replay");
  }
  const replayConfig = await replayConfigFromFlags(tier, values);
  const episodes = intFlag("episodes", values.episodes, DEFAULT_EPISODES, 1, 100_000);
  const seed = intFlag("seed", values.seed, 0, 0, MAX_SEED);
  const duration = numberFlag("duration", values.duration, 300, 10, 500);
  const price = numberFlag("price", values.price, 100, 50, 200);
  const volatility = numberFlag("volatility", values.volatility, 0.02, 0.01, 0.1);
  const workers = values.workers === undefined
    ? undefined
    : intFlag("workers", values.workers, 0, 0, MAX_WORKERS);
  const calibrationEpisodes = intFlag(
    "calibration-episodes",
    values["calibration-episodes"],
    DEFAULT_CALIBRATION_EPISODES,
    1,
    100_000,
  );
  const agents = values.agents === undefined ? [...AGENT_IDS] : validateAgentIds(
    values.agents.split(",").map((s) => s.trim()).filter((s) => s !== ""),
    "--agents",
  );
  const out = values.out ?? "out/compare";
  if (out.trim() === "") throw new ValidationError("--out", out, "a directory path");

  const model = values.model ?? "data/models/ppo";
  if (model.trim() === "") throw new ValidationError("--model", model, "a directory path");
  // The default model may be missing (ppo is then reported unavailable); one asked for by
  // name must exist, or the run would silently leave out the agent the user wanted.
  if (
    values.model !== undefined && agents.includes("ppo") &&
    !(await isFile(`${model}/checkpoint.json`))
  ) {
    throw new ValidationError(
      "--model",
      model,
      "a directory with a trained model (checkpoint.json)",
    );
  }

  const t0 = performance.now();
  const log = (line: string) => console.error(line);
  const bar = createProgress("compare", { unit: "episodes" });
  let run;
  try {
    run = await runCompare({
      config: replayConfig ?? { tier, duration, initialPrice: price, volatility },
      episodes,
      seed,
      agents,
      workers,
      calibrationEpisodes,
      ppoDir: model,
      recordSteps: values.arrow ?? false,
      onProgress: (done, total) => bar.update(done, total),
      log,
    });
  } finally {
    bar.stop();
  }
  const written = await writeCompareOutputs(run, out, { arrow: values.arrow ?? false });
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
  console.log(`\nWrote ${written.join(", ")} in ${seconds} s.`);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

if (import.meta.main) await runMain(main);
