/**
 * Trains the PPO market maker.
 *
 *     deno task train [--timesteps N] [--seed S] [--out DIR] [--resume DIR] [--envs N]
 *                     [--tier book|model|replay] [--data FILE…] [--window SEC]
 *                     [--config FILE.json] [--preset NAME|FILE]
 *
 * With `--tier replay --data FILE…` the envs replay recorded tapes, on the earlier windows of
 * each tape only (the later ones are held out for `deno task compare --tier replay`); the
 * window list is part of the env config, so the checkpoint records it and compare checks it.
 *
 * `--config` holds a training config (`{"env": …, "ppo": …}`) or just a market (an env
 * config, as `deno task compare --config` takes it). `--preset NAME|FILE` trains in a calibrated
 * market (`data/presets/NAME.json` or a preset file, resolved by `resolveMarket`); with
 * `--config` too, the preset is the market and the file's `env` keys override it.
 *
 * Shows a progress bar on a terminal (quiet otherwise), appends one JSON line per update
 * to `<out>/metrics.jsonl` and checkpoints every `checkpointEvery` updates (and at the
 * end) into `<out>`. `--resume DIR` continues the run checkpointed in DIR (optionally to a
 * larger `--timesteps`). The shipped model is reproduced by
 * `deno task train --seed 1 --out data/models/ppo`.
 *
 * @module
 */
import cliProgress from "npm:cli-progress@3.12.0";
import { tuneBaseAgent } from "../lib/backtest/fair_params.ts";
import { ValidationError } from "../lib/errors.ts";
import { DEFAULT_STAGES, type TrainConfigInput } from "../lib/rl/config.ts";
import { envConfigSchema } from "../lib/env/config.ts";
import { resolveMarket } from "../lib/env/markets.ts";
import { PpoTrainer, type TrainProgress } from "../lib/rl/trainer.ts";
import { intFlag, parseFlags, runMain } from "./_cli.ts";
import { REPLAY_FLAGS, replayConfigFromFlags } from "./_replay_flags.ts";
import { replayTrainingConfig } from "../lib/backtest/replay_plan.ts";

const FLAGS =
  "--timesteps, --seed, --out, --resume, --envs, --tier, --data, --window, --config, --preset";

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "-";
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    timesteps: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    resume: { type: "string" },
    envs: { type: "string" },
    tier: { type: "string" },
    ...REPLAY_FLAGS,
    config: { type: "string" },
    preset: { type: "string" },
  }, FLAGS);
  const tty = Deno.stdout.isTerminal();
  let bar: cliProgress.SingleBar | undefined;
  const onUpdate = (p: TrainProgress) => {
    const payload = {
      fps: p.fps.toFixed(0),
      ret: fmt(p.episodeReturn, 2),
      ent: fmt(p.entropy, 2),
      kl: fmt(p.approxKl, 4),
      clip: fmt(p.clipFraction, 2),
      ev: fmt(p.explainedVariance, 2),
      stage: p.stage,
    };
    if (!bar) return;
    bar.update(Math.min(p.timesteps, bar.getTotal()), payload);
  };
  const timesteps = values.timesteps === undefined
    ? undefined
    : intFlag("timesteps", values.timesteps, 0, 1, 1e10);
  let trainer: PpoTrainer;
  let outDir: string;
  if (values.resume !== undefined) {
    for (const f of ["seed", "envs", "tier", "config", "data", "window", "preset"] as const) {
      if (values[f] !== undefined) {
        throw new ValidationError(
          `--${f}`,
          values[f],
          "no value with --resume (the saved config applies)",
        );
      }
    }
    outDir = values.out ?? values.resume;
    trainer = await PpoTrainer.resume(values.resume, { outDir, onUpdate }, timesteps);
  } else {
    let input: TrainConfigInput = {};
    if (values.config !== undefined) {
      try {
        input = JSON.parse(await Deno.readTextFile(values.config));
      } catch (err) {
        throw new ValidationError(
          "--config",
          values.config,
          `a readable JSON file (${(err as Error).message})`,
        );
      }
      input = asTrainConfig(input);
    }
    if (values.preset !== undefined) {
      // a calibrated market: the preset's config, under the file's own env keys
      const market = await resolveMarket(values.preset, "--preset");
      input = {
        ...input,
        env: { ...market.config, ...(input.env ?? {}) } as TrainConfigInput["env"],
      };
      // the default curriculum picks regimes 0 and 1 of the library's three; a calibrated
      // market has its own (one): keep the curriculum's latency and impact stages only
      if (input.curriculum === undefined && market.config.regimes.names.length < 3) {
        input.curriculum = {
          stages: DEFAULT_STAGES.map((st) => {
            const { regimes: _, ...env } = st.env as Record<string, unknown>;
            return { ...st, env } as typeof st;
          }),
        };
      }
    }
    if (timesteps !== undefined) input.totalTimesteps = timesteps;
    if (values.seed !== undefined) input.seed = intFlag("seed", values.seed, 0, 0, 0xffffffff);
    if (values.envs !== undefined) {
      input.ppo = { ...input.ppo, numEnvs: intFlag("envs", values.envs, 16, 1, 1024) };
    }
    if (values.tier !== undefined) {
      if (values.tier !== "book" && values.tier !== "model" && values.tier !== "replay") {
        throw new ValidationError("--tier", values.tier, `"book", "model" or "replay"`);
      }
      const replay = await replayConfigFromFlags(values.tier, values);
      input.env = replay
        ? replayTrainingConfig({ ...input.env, ...replay })
        : { ...input.env, tier: values.tier };
    } else if (values.data !== undefined || values.window !== undefined) {
      throw new ValidationError(values.data ? "--data" : "--window", "", "only with --tier replay");
    }
    outDir = values.out ?? "out/ppo";
    trainer = await PpoTrainer.create(input, { outDir, onUpdate, tuneBase: tuneBaseAgent });
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
  const last = await trainer.train();
  bar?.stop();
  const secs = (performance.now() - t0) / 1000;
  const total = trainer.seconds.rollout + trainer.seconds.update;
  console.log(
    `trained ${trainer.timesteps - start} timesteps in ${secs.toFixed(1)} s ` +
      `(${((trainer.timesteps - start) / secs).toFixed(0)} timesteps/s; rollout ` +
      `${(100 * trainer.seconds.rollout / total).toFixed(0)} %, update ` +
      `${(100 * trainer.seconds.update / total).toFixed(0)} %); update ${trainer.update}, ` +
      `episode return ${fmt(last?.episodeReturn ?? NaN, 2)}, P&L ${
        fmt(last?.episodePnl ?? NaN, 2)
      }; ` +
      `checkpoint in ${outDir}`,
  );
  trainer.dispose();
}

/**
 * A `--config` file may hold a training config (`{ "env": {…}, "ppo": {…}, … }`) or just a
 * market, i.e. an env config (`{ "flow": {…}, "tickSize": …, … }`, as `compare --config`
 * takes): the two have no top-level key in common, so a file with env keys only is the
 * market to train in.
 */
function asTrainConfig(input: unknown): TrainConfigInput {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new ValidationError("--config", input, "a JSON object (a training or market config)");
  }
  const keys = Object.keys(input);
  const envKeys = Object.keys(envConfigSchema.shape);
  if (keys.length > 0 && keys.every((k) => envKeys.includes(k))) {
    return { env: input as TrainConfigInput["env"] };
  }
  return input as TrainConfigInput;
}

if (import.meta.main) await runMain(main);
