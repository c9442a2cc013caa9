/**
 * Trains the PPO market maker.
 *
 *     deno task train [--timesteps N] [--seed S] [--out DIR] [--force] [--envs N]
 *                     [--tier book|model|replay] [--data FILE…] [--window SEC]
 *                     [--config FILE.json] [--preset NAME|FILE] [--workers N] [--env-workers N]
 *     deno task train --resume DIR [--timesteps N] [--out DIR2] [--force] [--workers N]
 *
 * Shows a progress bar on a terminal (quiet otherwise), appends one JSON line per update
 * to `<out>/metrics.jsonl` and checkpoints every `checkpointEvery` updates (and at the
 * end) into `<out>`, durably. A fresh run into a directory that holds a run is refused unless
 * `--force`; `--resume DIR` continues the run checkpointed in DIR exactly (optionally to a
 * larger `--timesteps`). The shipped model is reproduced by
 * `deno task train --markets btcusdt-lump,btcusdt-lump+high-latency,btcusdt-lump+adverse-selection --seed 4 --config data/configs/ppo_shipped.json --out data/models/ppo --force`.
 *
 * With `--tier replay --data FILE…` the envs replay recorded tapes, on the earlier windows of
 * each tape only (the later ones are held out for `deno task compare --tier replay`); the
 * window list is part of the env config, so the checkpoint records it and compare checks it.
 * `--config` holds a training config (`{"env": …, "ppo": …}`) or just a market (an env
 * config, as `deno task compare --config` takes it).
 *
 * @module
 */
import cliProgress from "npm:cli-progress@3.12.0";
import { tuneBaseAgent } from "../lib/backtest/fair_params.ts";
import { replayTrainingConfig } from "../lib/backtest/replay_plan.ts";
import { envConfigSchema } from "../lib/env/config.ts";
import { ValidationError } from "../lib/errors.ts";
import { MAX_SEED } from "../lib/rng/rng.ts";
import { DEFAULT_STAGES, type TrainConfigInput } from "../lib/rl/config.ts";
import { marketCurriculum } from "../lib/rl/curriculum.ts";
import { type EnvConfigInput, parseEnvConfig } from "../lib/env/config.ts";
import { marketRealismCaveats, type MarketSpec, resolveMarket } from "../lib/env/markets.ts";
import { checkOutDir, PpoTrainer, RESUME_OR_FORCE, type TrainProgress } from "../lib/rl/trainer.ts";
import { defineCli, FlagError, flags, readJsonObject, runCli, type Values } from "./_cli.ts";
import { REPLAY_CLI_FLAGS, replayConfigFromFlags } from "./_replay_flags.ts";

const RUN_ONLY = ["seed", "envs", "tier", "config", "data", "window", "preset", "markets"] as const;

/** The command line of `deno task train`. */
export const trainCli = defineCli({
  name: "train",
  summary: "Trains the PPO market maker (lib/rl) and checkpoints it durably; a killed run " +
    "continues exactly with --resume. Outputs: DIR/checkpoint.json, model.json, " +
    "weights-U.bin, optimizer-U.bin, episode-U.bin (the checkpoint of update U) and " +
    "metrics.jsonl (one line per update); see docs/training.md.",
  flags: {
    timesteps: flags.int({
      min: 1,
      max: 1e10,
      help: "environment steps in total (with --resume: extend the run to N)",
      defaultText: "1000000",
    }),
    seed: flags.int({
      min: 0,
      max: MAX_SEED,
      help: "root seed of every random draw",
      defaultText: "0",
    }),
    out: flags.string({
      help: "output directory (with --resume: the resumed DIR)",
      meta: "DIR",
      expected: "a directory path",
      defaultText: "out/ppo",
    }),
    force: flags.boolean({ help: "a fresh run may replace the training run already in --out" }),
    resume: flags.string({
      help: "continue the run checkpointed in DIR exactly where it stopped",
      meta: "DIR",
      expected: "a directory path",
    }),
    envs: flags.int({ min: 1, max: 1024, help: "environments per rollout", defaultText: "16" }),
    tier: flags.choice(["book", "model", "replay"] as const, {
      help: "environment tier",
      defaultText: "book",
    }),
    ...REPLAY_CLI_FLAGS,
    markets: flags.list({
      help: "train across markets (domain randomization): market names (presets, " +
        "PRESET+variant stress variants); episode batches cycle through them, calm to " +
        "stressed (variants in the last stage only); the first is the residual base's market",
      defaultText: "none",
    }),
    preset: flags.string({
      help: "train in a calibrated market: a preset name (data/presets/NAME.json) or file; " +
        "the --config file's env keys override it",
      meta: "NAME|FILE",
      expected: "a preset name or file",
    }),
    config: flags.inFile({
      help: "a JSON training config (lib/rl/config.ts) or a market (env config); flags " +
        "override it",
    }),
    workers: flags.int({
      min: 1,
      max: 64,
      help: "threads for the gradients; the results do not depend on it",
      defaultText: "the cores, at most 4",
    }),
    "env-workers": flags.int({
      min: 1,
      max: 64,
      help: "threads stepping the envs (a ParallelVecEnv over shared memory when above 1); " +
        "the results do not depend on it",
      defaultText: "1",
    }),
  },
  notes:
    "The shipped model: deno task train --markets btcusdt-lump,btcusdt-lump+high-latency,btcusdt-lump+adverse-selection --seed 4 --config data/configs/ppo_shipped.json --out data/models/ppo --force",
  check(values, given) {
    if (given.has("resume")) {
      for (const f of RUN_ONLY) {
        if (given.has(f)) {
          throw new FlagError(
            `--${f}`,
            (values as Record<string, unknown>)[f],
            "no value with --resume (the saved config applies)",
          );
        }
      }
    }
  },
  async preflight(values, given) {
    // The output directory, before any work (tapes, calibration).
    const out = values.out ?? values.resume ?? "out/ppo";
    if (!given.has("resume") || (values.out !== undefined && values.out !== values.resume)) {
      await asFlag(checkOutDir(out, values.force));
    }
  },
});

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "-";
}

/** Rethrows a library error about `outDir` or `totalTimesteps` as one about its flag. */
function asFlag<T>(p: Promise<T>): Promise<T> {
  return p.catch((err) => {
    if (err instanceof ValidationError && err.field === "outDir") {
      const advice = `pass --resume ${err.value} to continue it, or --force to replace it`;
      throw new ValidationError("--out", err.value, err.expected.replace(RESUME_OR_FORCE, advice));
    }
    if (err instanceof ValidationError && err.field === "totalTimesteps") {
      throw new ValidationError("--timesteps", err.value, err.expected);
    }
    throw err;
  });
}

/** A `--config` file: a training config, or an env config only (a market). */
function asTrainConfig(input: Record<string, unknown>): TrainConfigInput {
  const keys = Object.keys(input);
  const envKeys = Object.keys(envConfigSchema.shape);
  if (keys.length > 0 && keys.every((k) => envKeys.includes(k))) {
    return { env: input as TrainConfigInput["env"] };
  }
  return input as TrainConfigInput;
}

async function main(values: Values<typeof trainCli.spec.flags>): Promise<void> {
  const tty = Deno.stdout.isTerminal();
  let bar: cliProgress.SingleBar | undefined;
  const onUpdate = (p: TrainProgress) => {
    bar?.update(Math.min(p.timesteps, bar.getTotal()), {
      fps: p.fps.toFixed(0),
      ret: fmt(p.episodeReturn, 2),
      ent: fmt(p.entropy, 2),
      kl: fmt(p.approxKl, 4),
      clip: fmt(p.clipFraction, 2),
      ev: fmt(p.explainedVariance, 2),
      stage: p.stage,
    });
  };
  const threads = values.workers;
  const envWorkers = values["env-workers"];
  let trainer: PpoTrainer;
  let outDir: string;
  if (values.resume !== undefined) {
    outDir = values.out ?? values.resume;
    trainer = await asFlag(
      PpoTrainer.resume(values.resume, {
        outDir,
        force: values.force,
        onUpdate,
        threads,
        envWorkers,
      }, values.timesteps),
    );
  } else {
    const input: TrainConfigInput = values.config === undefined
      ? {}
      : asTrainConfig(await readJsonObject("--config", values.config));
    if (values.markets !== undefined) {
      if (values.preset !== undefined || values.tier !== undefined) {
        throw new FlagError("--markets", values.markets.join(","), "no --preset or --tier with it");
      }
      const resolved = [];
      for (const name of values.markets) resolved.push(await resolveMarket(name, "--markets"));
      const base = resolved.filter((m) => !m.name.includes("+"));
      const stressed = resolved.filter((m) => m.name.includes("+"));
      if (base.length === 0) {
        throw new FlagError(
          "--markets",
          values.markets.join(","),
          "at least one market without a +variant",
        );
      }
      // the --config file's env keys override every market
      const fileEnv = (input.env ?? {}) as Record<string, unknown>;
      const withFile = (m: { config: unknown }) =>
        ({ ...(m.config as Record<string, unknown>), ...fileEnv }) as EnvConfigInput;
      input.env = withFile(base[0]) as TrainConfigInput["env"];
      input.marketNames = [...base, ...stressed].map((m) => m.name);
      input.curriculum = { stages: marketCurriculum(base.map(withFile), stressed.map(withFile)) };
    }
    let presetMarket: MarketSpec | undefined;
    if (values.preset !== undefined) {
      // a calibrated market: the preset's config, under the file's own env keys
      const market = presetMarket = await resolveMarket(values.preset, "--preset");
      input.env = { ...market.config, ...(input.env ?? {}) } as TrainConfigInput["env"];
      // the default curriculum picks regimes of the library's three; a calibrated market has
      // its own (one): keep the curriculum's latency and impact stages only
      if (input.curriculum === undefined && market.config.regimes.names.length < 3) {
        input.curriculum = {
          stages: DEFAULT_STAGES.map((st) => {
            const { regimes: _, ...env } = st.env as Record<string, unknown>;
            return { ...st, env } as typeof st;
          }),
        };
      }
    }
    if (values.timesteps !== undefined) input.totalTimesteps = values.timesteps;
    if (values.seed !== undefined) input.seed = values.seed;
    if (values.envs !== undefined) input.ppo = { ...input.ppo, numEnvs: values.envs };
    const replay = await replayConfigFromFlags(values.tier ?? "book", values);
    if (replay) input.env = replayTrainingConfig({ ...input.env, ...replay });
    else if (values.tier !== undefined) input.env = { ...input.env, tier: values.tier };
    // how far the market it trains in matches its tape: said before the training, not after
    if (presetMarket !== undefined && !replay) {
      const env = parseEnvConfig(input.env as EnvConfigInput);
      for (const line of marketRealismCaveats(presetMarket, env)) console.error(line);
    }
    outDir = values.out ?? "out/ppo";
    trainer = await asFlag(
      PpoTrainer.create(input, {
        outDir,
        force: values.force,
        onUpdate,
        threads,
        envWorkers,
        tuneBase: tuneBaseAgent,
      }),
    );
  }
  const cfg = trainer.config;
  if (tty) {
    bar = new cliProgress.SingleBar({
      format: "{bar} {percentage}% {value}/{total} | {fps} steps/s | ret {ret} | ent {ent} | " +
        "kl {kl} | clip {clip} | ev {ev} | {stage} | eta {eta_formatted}",
      hideCursor: true,
    }, cliProgress.Presets.shades_classic);
    bar.start(cfg.totalTimesteps, trainer.timesteps, {
      fps: "-",
      ret: "-",
      ent: "-",
      kl: "-",
      clip: "-",
      ev: "-",
      stage: "-",
    });
  }
  const t0 = performance.now();
  const start = trainer.timesteps;
  try {
    const last = await trainer.train();
    bar?.stop();
    const secs = (performance.now() - t0) / 1000;
    const total = trainer.seconds.rollout + trainer.seconds.update;
    const done = trainer.timesteps - start;
    console.log(
      `trained ${done} timesteps in ${secs.toFixed(1)} s (${(done / secs).toFixed(0)} ` +
        `timesteps/s on ${trainer.learner.threads} gradient thread(s); rollout ` +
        `${(100 * trainer.seconds.rollout / total).toFixed(0)} %, update ` +
        `${(100 * trainer.seconds.update / total).toFixed(0)} %); update ${trainer.update} of ` +
        `${trainer.totalUpdates}, episode return ${fmt(last?.episodeReturn ?? NaN, 2)}, P&L ${
          fmt(last?.episodePnl ?? NaN, 2)
        }; checkpoint in ${outDir}`,
    );
  } finally {
    bar?.stop();
    trainer.dispose();
  }
}

if (import.meta.main) await runCli(trainCli, main);
