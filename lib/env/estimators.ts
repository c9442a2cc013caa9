/**
 * Online estimators for the observation, in vector form over N environments (typed
 * arrays, no allocation per update): an EWMA volatility estimate of the mid and an
 * EWMA of signed market-order flow.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";

/** Default half-life of the volatility EWMA, seconds. */
export const VOL_HALF_LIFE_S = 10;
/** Default half-life of the trade-flow EWMAs, seconds. */
export const FLOW_HALF_LIFE_S = 5;

/**
 * EWMA weight of one update every `dt` seconds for a given half-life (s):
 * α = 1 − 2^(−dt/halfLife), so an observation's weight halves every `halfLife` seconds.
 */
export function ewmaAlpha(dt: number, halfLife: number): number {
  if (!(dt > 0)) throw new ValidationError("dt", dt, "an interval > 0 s");
  if (!(halfLife > 0)) throw new ValidationError("halfLife", halfLife, "a half-life > 0 s");
  return 1 - Math.pow(2, -dt / halfLife);
}

/**
 * EWMA volatility of the mid in dollars per √second, for N envs: each update with a
 * mid change Δ over `dt` seconds sets v ← (1 − α)·v + α·Δ²/dt and σ̂ = √v.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VolatilityEstimator } from "./estimators.ts";
 * const est = new VolatilityEstimator(2, 0.1); // 2 envs, dt = 0.1 s, half-life 10 s
 * est.reset(0, 0.013); // start at the nominal σ
 * const sigma = est.update(0, 0.004); // σ̂ of env 0 after a 0.004 $ move in 0.1 s
 * const a = est.alpha;
 * assert.ok(Math.abs(sigma - Math.sqrt((1 - a) * 0.013 ** 2 + a * 0.004 ** 2 / 0.1)) < 1e-15);
 * assert.equal(est.sigma[0], sigma);
 * ```
 */
export class VolatilityEstimator {
  /** σ̂ per env, dollars per √second. */
  readonly sigma: Float64Array;
  /** Variance per second per env, $²/s. */
  readonly variance: Float64Array;
  /** EWMA weight of one update. */
  readonly alpha: number;
  readonly #invDt: number;

  /**
   * Estimator for `numEnvs` envs updated every `dt` seconds, writing σ̂ into `sigma` (e.g. a
   * VecEnv's `view.sigma`; a new array by default).
   */
  constructor(
    numEnvs: number,
    dt: number,
    halfLife: number = VOL_HALF_LIFE_S,
    sigma: Float64Array = new Float64Array(numEnvs),
  ) {
    if (sigma.length !== numEnvs) {
      throw new ValidationError("sigma.length", sigma.length, `${numEnvs}`);
    }
    this.alpha = ewmaAlpha(dt, halfLife);
    this.#invDt = 1 / dt;
    this.sigma = sigma;
    this.variance = new Float64Array(numEnvs);
  }

  /** Sets env `i`'s estimate to `sigma0` ($/√s). */
  reset(i: number, sigma0: number): void {
    this.sigma[i] = sigma0;
    this.variance[i] = sigma0 * sigma0;
  }

  /** Updates env `i` with a mid change `dMid` (dollars) over one step; returns σ̂. */
  update(i: number, dMid: number): number {
    const v = this.variance[i] + this.alpha * (dMid * dMid * this.#invDt - this.variance[i]);
    this.variance[i] = v;
    return (this.sigma[i] = Math.sqrt(v));
  }
}

/**
 * EWMA of signed market-order volume (buys positive) and of total volume, for N envs;
 * `ratio[i]` = signed / total ∈ [-1, 1] (0 while no volume has been seen).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FlowEstimator } from "./estimators.ts";
 * const f = new FlowEstimator(1, 0.1);
 * assert.equal(f.update(0, 3, 1), 0.5); // 3 lots bought, 1 sold: (3 − 1)/(3 + 1)
 * assert.equal(f.ratio[0], 0.5);
 * ```
 */
export class FlowEstimator {
  /** EWMA of signed volume. */
  readonly signed: Float64Array;
  /** EWMA of total volume. */
  readonly total: Float64Array;
  /** signed / total per env. */
  readonly ratio: Float64Array;
  /** EWMA weight of one update. */
  readonly alpha: number;

  /** Estimator for `numEnvs` envs updated every `dt` seconds. */
  constructor(numEnvs: number, dt: number, halfLife: number = FLOW_HALF_LIFE_S) {
    this.alpha = ewmaAlpha(dt, halfLife);
    this.signed = new Float64Array(numEnvs);
    this.total = new Float64Array(numEnvs);
    this.ratio = new Float64Array(numEnvs);
  }

  /** Clears env `i`. */
  reset(i: number): void {
    this.signed[i] = 0;
    this.total[i] = 0;
    this.ratio[i] = 0;
  }

  /** Updates env `i` with this step's bought and sold volume; returns the ratio. */
  update(i: number, buyVolume: number, sellVolume: number): number {
    const a = this.alpha;
    const s = this.signed[i] + a * (buyVolume - sellVolume - this.signed[i]);
    const t = this.total[i] + a * (buyVolume + sellVolume - this.total[i]);
    this.signed[i] = s;
    this.total[i] = t;
    return (this.ratio[i] = t > 0 ? s / t : 0);
  }
}
