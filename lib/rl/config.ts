/**
 * Training configuration (validated with `npm:zod`): PPO hyperparameters, the base
 * environment, the curriculum, the run length, seed and checkpoint cadence. Errors are
 * {@linkcode ValidationError}s naming the offending field as a dotted path.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { ValidationError } from "../errors.ts";
import { MAX_SEED } from "../rng/rng.ts";
import { type Infer, type InferInput, parseWith } from "../validation.ts";

/**
 * PPO hyperparameters.
 *
 * @ignore
 */
export const ppoConfigSchema = z.strictObject({
  /** Environments stepped in lockstep per rollout. */
  numEnvs: z.number().int().min(1).max(1024).default(16),
  /** Steps per environment per rollout (batch = numEnvs · nSteps). */
  nSteps: z.number().int().min(2).max(16_384).default(256),
  /** Passes over the batch per update. */
  epochs: z.number().int().min(1).max(100).default(10),
  /** Minibatch size (samples per gradient step); the batch is split into equal parts. */
  minibatchSize: z.number().int().min(8).max(1_048_576).default(1024),
  /** Discount factor γ. */
  gamma: z.number().min(0).max(1).default(0.99),
  /** GAE λ. */
  gaeLambda: z.number().min(0).max(1).default(0.95),
  /** Clip range ε of the probability ratio. */
  clipRange: z.number().gt(0).max(1).default(0.2),
  /** Clip range of the value update around the old value (0 disables value clipping). */
  clipRangeValue: z.number().min(0).max(100).default(0.2),
  /** Entropy bonus coefficient. */
  entCoef: z.number().min(0).max(1).default(0.001),
  /** Value loss coefficient. */
  vfCoef: z.number().min(0).max(10).default(0.5),
  /** Global gradient-norm clip. */
  maxGradNorm: z.number().gt(0).max(1e6).default(0.5),
  /** Adam learning rate at the start. */
  learningRate: z.number().gt(0).max(1).default(1e-3),
  /** Anneal the learning rate linearly to 0 over the run. */
  annealLr: z.boolean().default(true),
  /** Adam ε. */
  adamEps: z.number().gt(0).max(1).default(1e-5),
  /** Stop the epoch loop once an epoch's mean approximate KL exceeds this (null: never). */
  targetKl: z.number().gt(0).max(10).nullable().default(0.03),
  /** Append the analytic Avellaneda–Stoikov quote offsets to the policy input. */
  asFeatures: z.boolean().default(false),
  /** Hidden layer widths of both actor and critic. */
  hiddenSizes: z.array(z.number().int().min(1).max(1024)).min(1).max(8).default([64, 64]),
  /** Initial log standard deviation of the Gaussian policy (normalized action space). */
  initLogStd: z.number().min(-5).max(2).default(-1),
  /** Normalize observations by a running mean and variance. */
  normalizeObs: z.boolean().default(true),
  /** Clip normalized observations to ± this. */
  obsClip: z.number().gt(0).max(1e6).default(10),
  /** Scale rewards by the running std of discounted returns. */
  normalizeReward: z.boolean().default(true),
  /** Clip scaled rewards to ± this. */
  rewardClip: z.number().gt(0).max(1e6).default(10),
});

/**
 * One curriculum stage.
 *
 * @ignore
 */
export const stageConfigSchema = z.strictObject({
  /** Stage name, e.g. "calm". */
  name: z.string().min(1),
  /** The stage applies while timesteps / totalTimesteps < until (the last stage: 1). */
  until: z.number().gt(0).max(1),
  /** Overrides deep-merged onto the base `env` (objects merge, arrays and values replace). */
  env: z.record(z.string(), z.unknown()).default({}),
  /**
   * Domain randomization: whole markets (env configs, e.g. resolved presets and their stress
   * variants) that replace the base `env` during this stage, one per episode batch in turn
   * (batch b trades in `markets[b mod markets.length]`), with the stage's `env` overrides
   * merged on top. Every market must have the base env's episode length. Empty: the base env.
   */
  markets: z.array(z.record(z.string(), z.unknown())).max(64).default([]),
});

const ZERO_RATES = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
const NO_LATENCY = {
  order: { kind: "constant", ms: 0 },
  cancel: { kind: "constant", ms: 0 },
  marketData: { kind: "constant", ms: 0 },
};

/**
 * The default curriculum, calm to stressed:
 * 1. `calm` (first 20 % of timesteps): calm regime only (no switching), no latency, no impact;
 * 2. `normal` (to 50 %): normal regime only, half the default latency, half the default
 *    Almgren–Chriss impact;
 * 3. `full` (to the end): the base env (regime switching from the stationary law, default
 *    latency and impact).
 */
export const DEFAULT_STAGES: StageConfigInput[] = [
  {
    name: "calm",
    until: 0.2,
    env: {
      regimes: { initial: 0, rates: ZERO_RATES },
      latency: NO_LATENCY,
      impact: { model: "none" },
    },
  },
  {
    name: "normal",
    until: 0.5,
    env: {
      regimes: { initial: 1, rates: ZERO_RATES },
      latency: {
        order: { kind: "constant", ms: 2.5 },
        cancel: { kind: "constant", ms: 2.5 },
        marketData: { kind: "constant", ms: 1 },
      },
      impact: { model: "almgren-chriss", permanent: 1e-5, temporary: 1e-5 },
    },
  },
  { name: "full", until: 1, env: {} },
];

/**
 * Parameters of the residual policy's base market maker (units as lib/agents).
 *
 * @ignore
 */
export const residualParamsSchema = z.strictObject({
  /** Risk aversion γ, 1/$ per lot. */
  gamma: z.number().positive().max(1e6),
  /** Fill intensity at the mid, fills/s. */
  A: z.number().positive().max(1e6),
  /** Intensity decay, 1/$. */
  k: z.number().positive().max(1e6),
  /** Mid volatility, $/√s. */
  sigma: z.number().positive().max(1e6),
});

/**
 * Residual-policy settings (see lib/rl/residual.ts).
 *
 * @ignore
 */
export const residualConfigSchema = z.strictObject({
  /**
   * Act as a correction to Avellaneda–Stoikov quotes: the policy's action 0 reproduces the
   * AS quotes (see lib/rl/residual.ts); off, the action maps onto the whole action box.
   */
  enabled: z.boolean().default(true),
  /**
   * The analytic market maker whose quotes the policy corrects. GLFT by default: chosen
   * over AS on validation seeds (root 12345 of `deno task ablation`), not on the seeds the
   * README reports.
   */
  base: z.enum(["avellaneda-stoikov", "glft"]).default("glft"),
  /** The largest correction of each quote offset, ticks (at action ±1). */
  offsetTicks: z.number().gt(0).max(10_000).default(4),
  /**
   * Calibration episodes for the AS parameters, on training-only seeds, when `params` is
   * null (A, k, σ fit from fills, γ tuned like `deno task compare` tunes its AS rival).
   */
  calibrationEpisodes: z.number().int().min(1).max(10_000).default(16),
  /** The AS parameters (null: calibrated at the start of training, then stored here). */
  params: residualParamsSchema.nullable().default(null),
});

/**
 * A training run: seed, length, env, PPO, curriculum, residual policy, checkpoints.
 *
 * @ignore
 */
export const trainConfigSchema = z.strictObject({
  /** Root seed of every random draw (weights, sampling, shuffles, env seeds). */
  seed: z.number().int().min(0).max(MAX_SEED).default(0),
  /** Environment steps to train for (summed over environments). */
  totalTimesteps: z.number().int().min(1).max(1e10).default(1_000_000),
  /** Base environment (an `EnvConfigInput`; tier "book" by default). */
  env: z.record(z.string(), z.unknown()).default({}),
  /** PPO hyperparameters. */
  ppo: ppoConfigSchema.prefault({}),
  /** Curriculum over market regimes. */
  curriculum: z.strictObject({
    /** Use the stages; when false the base env is used throughout. */
    enabled: z.boolean().default(true),
    /** Stages in order; `until` strictly increasing, the last one 1. */
    stages: z.array(stageConfigSchema).min(1).max(16).prefault(DEFAULT_STAGES),
  }).prefault({}),
  /** Residual policy over Avellaneda–Stoikov quotes. */
  residual: residualConfigSchema.prefault({}),
  /**
   * Names of the markets the run trains in (e.g. presets and stress variants given to
   * `deno task train --markets`), for reports; the configs themselves are in `env` and the
   * curriculum's stage `markets`.
   */
  marketNames: z.array(z.string().min(1)).max(64).default([]),
  /** Write a checkpoint every this many updates (and at the end). */
  checkpointEvery: z.number().int().min(1).max(1_000_000).default(10),
});

/** Parameters of the residual policy's base market maker. */
export type ResidualAsParams = Infer<typeof residualParamsSchema>;
/** Residual-policy settings. */
export type ResidualConfig = Infer<typeof residualConfigSchema>;
/** PPO hyperparameters (see the field docs of `ppoConfigSchema`). */
export type PpoConfig = Infer<typeof ppoConfigSchema>;
/** One curriculum stage. */
export type StageConfig = Infer<typeof stageConfigSchema>;
/** One curriculum stage as written (omitted fields take their defaults). */
export type StageConfigInput = InferInput<typeof stageConfigSchema>;
/** A resolved training configuration. */
export type TrainConfig = Infer<typeof trainConfigSchema>;
/** A partial training configuration; omitted fields take their defaults. */
export type TrainConfigInput = InferInput<typeof trainConfigSchema>;

/**
 * Deep merge for config overrides: plain objects merge, everything else replaces; an object
 * with a `kind` different from the base's (a tagged union such as a latency spec) replaces.
 */
export function mergeConfig(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    // A tagged union (a latency spec, a model choice) with another `kind` replaces whole.
    out[k] = isPlainObject(v) && isPlainObject(b) && (!("kind" in v) || b.kind === v.kind)
      ? mergeConfig(b, v)
      : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Validates `input`, fills defaults and checks the env of every curriculum stage.
 * Throws a {@linkcode ValidationError} naming the first bad field, e.g.
 * `ppo.clipRange` or `curriculum.stages.0.env.latency.order.ms`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrainConfig } from "./config.ts";
 * const cfg = parseTrainConfig({ totalTimesteps: 100_000, ppo: { numEnvs: 8 } });
 * assert.equal(cfg.ppo.numEnvs, 8);
 * assert.equal(cfg.ppo.gamma, 0.99); // a default
 * assert.throws(() => parseTrainConfig({ ppo: { clipRange: 2 } }), /ppo\.clipRange/);
 * ```
 */
export function parseTrainConfig(input: TrainConfigInput = {}): TrainConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ValidationError("(config)", input, "a JSON object");
  }
  const cfg = parseWith(trainConfigSchema, input);
  const batch = cfg.ppo.numEnvs * cfg.ppo.nSteps;
  if (cfg.ppo.minibatchSize > batch || batch % cfg.ppo.minibatchSize !== 0) {
    throw new ValidationError(
      "ppo.minibatchSize",
      cfg.ppo.minibatchSize,
      `a divisor of numEnvs·nSteps (${batch})`,
    );
  }
  prefixed("env", () => parseEnvConfig(cfg.env as EnvConfigInput));
  const stages = cfg.curriculum.stages;
  for (let i = 0; i < stages.length; i++) {
    const prev = i === 0 ? 0 : stages[i - 1].until;
    if (stages[i].until <= prev) {
      throw new ValidationError(
        `curriculum.stages.${i}.until`,
        stages[i].until,
        `a value > ${prev}`,
      );
    }
    prefixed(
      `curriculum.stages.${i}.env`,
      () => parseEnvConfig(mergeConfig(cfg.env, stages[i].env) as EnvConfigInput),
    );
    const steps = Math.round(
      parseEnvConfig(cfg.env as EnvConfigInput).duration /
        parseEnvConfig(cfg.env as EnvConfigInput).dt,
    );
    stages[i].markets.forEach((m, j) => {
      const field = `curriculum.stages.${i}.markets.${j}`;
      let env: ReturnType<typeof parseEnvConfig> | undefined;
      prefixed(
        field,
        () => (env = parseEnvConfig(mergeConfig(m, stages[i].env) as EnvConfigInput)),
      );
      if (Math.round(env!.duration / env!.dt) !== steps) {
        throw new ValidationError(
          `${field}.duration`,
          env!.duration,
          `the base env's episode length (${steps} steps)`,
        );
      }
    });
  }
  const last = stages[stages.length - 1];
  if (last.until !== 1) {
    throw new ValidationError(`curriculum.stages.${stages.length - 1}.until`, last.until, "1");
  }
  return cfg;
}

function prefixed(prefix: string, f: () => unknown): void {
  try {
    f();
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new ValidationError(`${prefix}.${err.field}`, err.value, err.expected);
    }
    throw err;
  }
}
