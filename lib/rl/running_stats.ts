/**
 * Running statistics for PPO's normalizations: a parallel-update running mean and
 * variance (Chan et al.), observation normalization and reward scaling by the running
 * standard deviation of discounted returns (as Gymnasium's `NormalizeObservation` /
 * `NormalizeReward`). Both are saved with the model.
 *
 * @module
 */

/** Serialized state of a {@linkcode RunningMeanStd}. */
export interface RunningMeanStdState {
  /** Number of samples seen (starts at a tiny ε). */
  count: number;
  /** Mean per dimension. */
  mean: number[];
  /** Population variance per dimension. */
  var: number[];
}

/**
 * Running mean and variance of `dim`-wide vectors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunningMeanStd } from "./running_stats.ts";
 * const rms = new RunningMeanStd(1);
 * rms.update(Float64Array.of(1, 2, 3), 3);
 * // The prior count of 1e-4 (mean 0, variance 1) barely moves the estimates.
 * assert.ok(Math.abs(rms.mean[0] - 2) < 1e-3);
 * assert.ok(Math.abs(rms.var[0] - 2 / 3) < 1e-3);
 * ```
 */
export class RunningMeanStd {
  /** Width of each sample. */
  readonly dim: number;
  /** Mean per dimension. */
  readonly mean: Float64Array;
  /** Variance per dimension. */
  readonly var: Float64Array;
  /** Samples seen. */
  count = 1e-4;
  readonly #bMean: Float64Array;
  readonly #bVar: Float64Array;

  /** Starts at mean 0, variance 1. */
  constructor(dim: number) {
    this.dim = dim;
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
    this.#bMean = new Float64Array(dim);
    this.#bVar = new Float64Array(dim);
  }

  /** Adds `rows` samples (row-major, `dim` each) from `x`. */
  update(x: ArrayLike<number>, rows: number): void {
    const d = this.dim;
    const bm = this.#bMean, bv = this.#bVar;
    bm.fill(0);
    bv.fill(0);
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) bm[j] += x[r * d + j];
    for (let j = 0; j < d; j++) bm[j] /= rows;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) {
        const e = x[r * d + j] - bm[j];
        bv[j] += e * e;
      }
    }
    const tot = this.count + rows;
    for (let j = 0; j < d; j++) {
      const delta = bm[j] - this.mean[j];
      const m2 = this.var[j] * this.count + bv[j] + delta * delta * this.count * rows / tot;
      this.mean[j] += delta * rows / tot;
      this.var[j] = m2 / tot;
    }
    this.count = tot;
  }

  /** A JSON-safe copy of the state. */
  toJSON(): RunningMeanStdState {
    return { count: this.count, mean: [...this.mean], var: [...this.var] };
  }

  /** Restores a state written by `toJSON` (lengths must equal `dim`). */
  load(state: RunningMeanStdState): void {
    if (state.mean.length !== this.dim || state.var.length !== this.dim) {
      throw new RangeError(`expected ${this.dim} entries, got ${state.mean.length}`);
    }
    this.count = state.count;
    this.mean.set(state.mean);
    this.var.set(state.var);
  }
}

/**
 * Writes `(x − mean) / √(var + 1e-8)`, clipped to ±`clip`, for `rows` rows of `x` into
 * `out` (which may be `x`).
 */
export function normalizeRows(
  rms: RunningMeanStd,
  x: ArrayLike<number>,
  rows: number,
  clip: number,
  out: Float64Array | Float32Array,
): void {
  const d = rms.dim;
  for (let j = 0; j < d; j++) {
    const m = rms.mean[j];
    const s = 1 / Math.sqrt(rms.var[j] + 1e-8);
    for (let r = 0; r < rows; r++) {
      const v = (x[r * d + j] - m) * s;
      out[r * d + j] = v > clip ? clip : v < -clip ? -clip : v;
    }
  }
}

/**
 * Scales rewards by the running standard deviation of each env's discounted return
 * `R ← γ·R + r` (reset to 0 when an episode ends), then clips to ±`clip`.
 */
export class RewardScaler {
  /** Running statistics of the discounted returns. */
  readonly rms: RunningMeanStd = new RunningMeanStd(1);
  readonly #returns: Float64Array;
  readonly #gamma: number;
  readonly #clip: number;

  /** A scaler for `numEnvs` environments. */
  constructor(numEnvs: number, gamma: number, clip: number) {
    this.#returns = new Float64Array(numEnvs);
    this.#gamma = gamma;
    this.#clip = clip;
  }

  /** The discounted return of each env (a copy, for checkpoints). */
  returns(): number[] {
    return [...this.#returns];
  }

  /** Restores the discounted returns saved by {@linkcode RewardScaler.returns}. */
  loadReturns(r: readonly number[]): void {
    if (r.length !== this.#returns.length) {
      throw new RangeError(`expected ${this.#returns.length} returns, got ${r.length}`);
    }
    this.#returns.set(r);
  }

  /**
   * Updates the return statistics with this step's `rewards` and writes the scaled
   * rewards to `out`; `done[i] = 1` ends env i's return after this step.
   */
  scale(rewards: ArrayLike<number>, done: ArrayLike<number>, out: Float32Array | Float64Array) {
    const n = this.#returns.length;
    for (let i = 0; i < n; i++) this.#returns[i] = this.#returns[i] * this.#gamma + rewards[i];
    this.rms.update(this.#returns, n);
    const s = 1 / Math.sqrt(this.rms.var[0] + 1e-8);
    const c = this.#clip;
    for (let i = 0; i < n; i++) {
      const v = rewards[i] * s;
      out[i] = v > c ? c : v < -c ? -c : v;
      if (done[i]) this.#returns[i] = 0;
    }
  }
}
