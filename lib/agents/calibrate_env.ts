/**
 * Calibration by experiment: run a simple quoting policy over a grid of depths on a
 * {@linkcode VecEnv} with given (training) seeds and fit A, k and σ from what the agent
 * observed. Used to give the model-based agents (Avellaneda–Stoikov, GLFT) fair
 * parameters on the book tier, where they are not known in closed form.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { validateSeed } from "../rng/mod.ts";
import { sigmaPerSqrtSecond } from "../env/config.ts";
import { ACT, ACT_DIM, type VecEnv } from "../env/types.ts";
import {
  type CalibrationEstimate,
  type CalibrationPrior,
  Calibrator,
  type IntensityBucket,
  type IntensityEstimator,
} from "./calibration.ts";

/** Default grid of quote offsets, ticks from the observed mid. */
export const DEFAULT_CALIBRATION_DEPTHS_TICKS: readonly number[] = Object.freeze([
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  8,
  10,
]);

/** Options of {@linkcode calibrateFromEnv}. */
export interface CalibrateFromEnvOptions {
  /**
   * Offsets to quote, ticks (default {@linkcode DEFAULT_CALIBRATION_DEPTHS_TICKS}, those
   * above the config's maxOffsetTicks dropped). Both sides quote the same offset, 1 lot.
   */
  depthsTicks?: readonly number[];
  /** Steps each depth is held before moving to the next one (default 10). */
  holdSteps?: number;
  /** Largest number of environments stepped at once (default 64); seeds run in batches. */
  maxBatch?: number;
  /** Prior returned where the data do not suffice (default: the config's model A, k, σ). */
  prior?: CalibrationPrior;
  /**
   * Per-step fill estimator (default: "rate" for the model tier with the "linear" fill
   * rule, else "bernoulli" — a 1-lot quote fills at most once per step).
   */
  estimator?: IntensityEstimator;
  /** Depth bucket width, $ (default: half a tick). */
  bucketWidth?: number;
}

/** Result of {@linkcode calibrateFromEnv}: the estimate plus the data behind it. */
export interface EnvCalibration extends CalibrationEstimate {
  /** Per-bucket statistics (depth in $ from the observed mid at quoting time). */
  buckets: IntensityBucket[];
  /** Environment steps run (summed over environments). */
  steps: number;
}

/**
 * Runs one episode per seed in which env i quotes 1 lot on both sides at offset
 * `depthsTicks[(⌊t / holdSteps⌋ + i) mod G]` at step t (a staggered sweep, so every depth
 * is sampled at every phase of the episode). After each step, for each side that had a
 * quote (`columns.bidQuote` / `askQuote` finite), it records the quote's actual depth from
 * the mid observed when quoting (the book tier rounds offsets away from the mid to whole
 * ticks) and the lots filled; the change of the observed mid between steps feeds σ. Then
 * it fits A, k, σ with a {@linkcode Calibrator} (thresholds at their defaults, so the
 * result falls back to the prior when the runs are too short).
 *
 * Units: A in fills/s, k in 1/$, σ in $/√s.
 *
 * @param makeEnv builds a VecEnv with `numEnvs` environments (all with the same config)
 * @param seeds training seeds, one episode each
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { calibrateFromEnv } from "./calibrate_env.ts";
 * import { makeVecEnv } from "../env/make.ts";
 * const cal = calibrateFromEnv((n) => makeVecEnv({ tier: "model", duration: 60 }, n), [1, 2, 3, 4]);
 * assert.ok(cal.intensityFitted && cal.sigmaFitted); // enough fills: not the prior
 * assert.ok(cal.k > 15 && cal.k < 45); // the model tier's k is 30 per dollar
 * ```
 */
export function calibrateFromEnv(
  makeEnv: (numEnvs: number) => VecEnv,
  seeds: readonly number[],
  options: CalibrateFromEnvOptions = {},
): EnvCalibration {
  if (!Array.isArray(seeds) || seeds.length === 0) {
    throw new ValidationError("seeds", seeds, "a non-empty array of seeds");
  }
  seeds.forEach((s, i) => validateSeed(s, `seeds[${i}]`));
  const holdSteps = options.holdSteps ?? 10;
  if (!Number.isInteger(holdSteps) || holdSteps < 1 || holdSteps > 1e6) {
    throw new ValidationError("holdSteps", holdSteps, "an integer in [1, 1000000]");
  }
  const maxBatch = options.maxBatch ?? 64;
  if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > 100_000) {
    throw new ValidationError("maxBatch", maxBatch, "an integer in [1, 100000]");
  }
  const envs = new Map<number, VecEnv>();
  const envFor = (n: number): VecEnv => {
    let e = envs.get(n);
    if (!e) {
      e = makeEnv(n);
      envs.set(n, e);
    }
    return e;
  };
  const first = envFor(Math.min(maxBatch, seeds.length));
  const cfg = first.config;
  const depths = (options.depthsTicks ?? DEFAULT_CALIBRATION_DEPTHS_TICKS)
    .filter((d) => d <= cfg.maxOffsetTicks);
  depths.forEach((d, i) => {
    if (!(d >= 0 && d < Infinity)) {
      throw new ValidationError(`depthsTicks[${i}]`, d, "a finite offset >= 0 (ticks)");
    }
  });
  if (depths.length < 2) {
    throw new ValidationError(
      "depthsTicks",
      options.depthsTicks,
      "at least two offsets <= maxOffsetTicks",
    );
  }
  const estimator: IntensityEstimator = options.estimator ??
    (cfg.tier === "model" && cfg.model.fillRule === "linear" ? "rate" : "bernoulli");
  const prior: CalibrationPrior = options.prior ?? {
    A: cfg.model.A,
    k: cfg.model.k,
    sigma: sigmaPerSqrtSecond(cfg),
  };
  const maxDepth = Math.max(...depths) * cfg.tickSize;
  const width = options.bucketWidth ?? cfg.tickSize / 2;
  const cal = new Calibrator({
    prior,
    bucketWidth: width,
    numBuckets: Math.max(2, Math.ceil(maxDepth / width) + 3),
    estimator,
    dt: cfg.dt,
  });
  const dt = cfg.dt;
  let steps = 0;
  for (let start = 0; start < seeds.length; start += maxBatch) {
    const batch = seeds.slice(start, start + maxBatch);
    const n = batch.length;
    const env = envFor(n);
    const actions = new Float64Array(n * ACT_DIM);
    const prevMid = new Float64Array(n);
    env.reset(batch);
    const view = env.view;
    const cols = env.columns;
    let done = false;
    for (let t = 0; !done; t++) {
      const phase = Math.floor(t / holdSteps);
      for (let i = 0; i < n; i++) {
        const off = depths[(phase + i) % depths.length];
        const o = i * ACT_DIM;
        actions[o + ACT.BID_OFFSET] = off;
        actions[o + ACT.ASK_OFFSET] = off;
        actions[o + ACT.BID_SIZE] = 1;
        actions[o + ACT.ASK_SIZE] = 1;
        prevMid[i] = view.mid[i];
      }
      env.step(actions);
      steps += n;
      done = true;
      for (let i = 0; i < n; i++) {
        const m0 = prevMid[i];
        const bq = cols.bidQuote[i];
        if (Number.isFinite(bq)) cal.observeQuote(m0 - bq, dt, cols.bidFilled[i]);
        const aq = cols.askQuote[i];
        if (Number.isFinite(aq)) cal.observeQuote(aq - m0, dt, cols.askFilled[i]);
        cal.observeMidChange(view.mid[i] - m0, dt);
        if (env.terminated[i] === 0 && env.truncated[i] === 0) done = false;
      }
    }
  }
  return { ...cal.estimate(), buckets: cal.buckets(), steps };
}
