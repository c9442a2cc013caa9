/**
 * Trains the PPO market maker.
 *
 *     deno task train [--timesteps N] [--seed S] [--out DIR] [--force] [--envs N]
 *                     [--tier book|model] [--config FILE.json] [--workers N]
 *     deno task train --resume DIR [--timesteps N] [--out DIR2] [--workers N]
 *
 * Shows a progress bar on a terminal (quiet otherwise), appends one JSON line per update
 * to `<out>/metrics.jsonl` and checkpoints every `checkpointEvery` updates (and at the
 * end) into `<out>`, durably. A fresh run into a directory that holds a run is refused unless
 * `--force`; `--resume DIR` continues the run checkpointed in DIR exactly (optionally to a
 * larger `--timesteps`). The shipped model is reproduced by
 * `deno task train --seed 1 --out data/models/ppo --force`.
 *
 * @module
 */
import cliProgress from "npm:cli-progress@3.12.0";
import { tuneBaseAgent } from "../lib/backtest/fair_params.ts";
import { ValidationError } from "../lib/errors.ts";
import type { TrainConfigInput } from "../lib/rl/config.ts";
import { PpoTrainer, RESUME_OR_FORCE, type TrainProgress } from "../lib/rl/trainer.ts";
import { intFlag, parseFlags, runMain } from "./_cli.ts";

const FLAGS =
  "--timesteps, --seed, --out, --force, --resume, --envs, --tier, --config, --workers, --help";

const HELP = `Trains the PPO market maker (lib/rl) and checkpoints it.

usage: deno task train [--timesteps N] [--seed S] [--out DIR] [--force] [--envs N]
                       [--tier book|model] [--config FILE.json] [--workers N]
       deno task train --resume DIR [--timesteps N] [--out DIR2] [--force] [--workers N]

  --timesteps N    environment steps in total (default 1000000; with --resume: extend the
                   run to N)
  --seed S         root seed of every random draw (default 0)
  --out DIR        output directory (default out/ppo; with --resume: the resumed DIR)
  --force          a fresh run may replace the training run already in --out
  --resume DIR     continue the run checkpointed in DIR exactly where it stopped
  --envs N         environments per rollout (default 16)
  --tier T         environment tier: book (default) or model
  --config FILE    a JSON training config (see lib/rl/config.ts); flags override it
  --workers N      threads for the gradients (default: the cores, at most 4); the results
                   do not depend on it
  --help           this text

The shipped model: deno task train --seed 1 --out data/models/ppo --force
Outputs: DIR/checkpoint.json, model.json, weights-U.bin, optimizer-U.bin, episode-U.bin
(the checkpoint of update U) and metrics.jsonl (one line per update). See docs/training.md.`;

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

async function readConfig(path: string): Promise<TrainConfigInput> {
  let value: unknown;
  try {
    value = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new ValidationError("--config", path, `a readable JSON file (${(err as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError("--config", value, `a JSON object in ${path}`);
  }
  return value as TrainConfigInput;
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    timesteps: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    force: { type: "boolean" },
    resume: { type: "string" },
    envs: { type: "string" },
    tier: { type: "string" },
    config: { type: "string" },
    workers: { type: "string" },
    help: { type: "boolean" },
  }, FLAGS);
  if (values.help) {
    console.log(HELP);
    return;
  }
  for (const f of ["out", "resume", "config"] as const) {
    const v = values[f];
    if (v !== undefined && v.trim() === "") {
      throw new ValidationError(`--${f}`, v, f === "config" ? "a file path" : "a directory path");
    }
  }
  const timesteps = values.timesteps === undefined
    ? undefined
    : intFlag("timesteps", values.timesteps, 0, 1, 1e10);
  const threads = values.workers === undefined
    ? undefined
    : intFlag("workers", values.workers, 1, 1, 64);
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
  let trainer: PpoTrainer;
  let outDir: string;
  if (values.resume !== undefined) {
    for (const f of ["seed", "envs", "tier", "config"] as const) {
      if (values[f] !== undefined) {
        throw new ValidationError(
          `--${f}`,
          values[f],
          "no value with --resume (the saved config applies)",
        );
      }
    }
    outDir = values.out ?? values.resume;
    trainer = await asFlag(
      PpoTrainer.resume(values.resume, {
        outDir,
        force: values.force ?? false,
        onUpdate,
        threads,
      }, timesteps),
    );
  } else {
    const input: TrainConfigInput = values.config === undefined
      ? {}
      : await readConfig(values.config);
    if (timesteps !== undefined) input.totalTimesteps = timesteps;
    if (values.seed !== undefined) input.seed = intFlag("seed", values.seed, 0, 0, 0xffffffff);
    if (values.envs !== undefined) {
      input.ppo = { ...input.ppo, numEnvs: intFlag("envs", values.envs, 16, 1, 1024) };
    }
    if (values.tier !== undefined) {
      if (values.tier !== "book" && values.tier !== "model") {
        throw new ValidationError("--tier", values.tier, `"book" or "model"`);
      }
      input.env = { ...input.env, tier: values.tier };
    }
    outDir = values.out ?? "out/ppo";
    trainer = await asFlag(
      PpoTrainer.create(input, {
        outDir,
        force: values.force ?? false,
        onUpdate,
        threads,
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

if (import.meta.main) await runMain(main);
