/**
 * Calibration of the fill-intensity model λ(δ) = A·e^(−kδ) and of the mid-price
 * volatility σ from what a market maker observes: how long it quoted at which depth,
 * how often it was filled, and how the mid moved.
 *
 * Units: depth δ in dollars from the mid, time in seconds, so A is in fills per second,
 * k in 1/$ and σ in $/√s (the conventions of the model tier and the AS/GLFT agents).
 *
 * @module
 */
import { linearRegression } from "npm:simple-statistics@7.12.1";
import { ValidationError } from "../errors.ts";

/** Fills observed for quotes resting in one depth bucket. */
export interface IntensityBucket {
  /** Representative depth from the mid, $ (the exposure-weighted mean depth). */
  depth: number;
  /** Total time quotes were exposed at this depth, seconds. */
  exposure: number;
  /** Number of quoting intervals (steps) at this depth. */
  trials: number;
  /** Number of fills (fill events; one per filled unit-size quote). */
  fills: number;
}

/**
 * How a bucket's intensity is estimated:
 * - `"rate"`: λ̂ = fills / exposure, right when fills form a Poisson process over the exposure
 *   (or the env fills with probability λ·dt per step, the AS paper's rule);
 * - `"bernoulli"`: each trial is a step of length `dt` that fills at most once with
 *   probability 1 − e^(−λ·dt) (a unit quote that is gone once filled, or the model tier's
 *   "exact" rule), so λ̂ = −ln(1 − p̂)/dt with p̂ = fills / trials (p̂ = 1 is capped at
 *   (trials − ½)/trials).
 */
export type IntensityEstimator = "rate" | "bernoulli";

/** Options of {@linkcode fitIntensity}. */
export interface FitIntensityOptions {
  /** Per-bucket estimator (default "rate"). */
  estimator?: IntensityEstimator;
  /** Step length in seconds, required by the "bernoulli" estimator. */
  dt?: number;
  /**
   * Regression weights: `"fills"` (default) weights each bucket by the inverse of the
   * (delta-method) variance of ln λ̂, ≈ its fill count; `"none"` is ordinary least squares
   * (simple-statistics' `linearRegression`).
   */
  weighting?: "fills" | "none";
  /** Buckets with fewer fills than this are left out (default 1: at least one fill). */
  minFillsPerBucket?: number;
}

/** Result of {@linkcode fitIntensity}. */
export interface IntensityFit {
  /** Intensity at the mid, fills/s. */
  A: number;
  /** Decay of the intensity, 1/$ (may be ≤ 0 when the data show no decay). */
  k: number;
  /**
   * Standard error of k, 1/$. With `"fills"` weighting it follows from the Poisson counts
   * (known variances); with `"none"` from the residuals (Infinity with only two buckets).
   */
  kStdErr: number;
  /** Standard error of ln A (same conventions as `kStdErr`). */
  lnAStdErr: number;
  /** Buckets that entered the regression. */
  bucketsUsed: number;
  /** Fills in those buckets. */
  fills: number;
}

/**
 * Fits ln λ(δ) = ln A − k·δ across depth buckets by (weighted) linear regression of the
 * per-bucket log intensity on depth. Buckets with no exposure, or fewer fills than
 * `minFillsPerBucket` (ln 0 is undefined), are left out. Returns `null` when fewer than
 * two buckets at distinct depths remain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitIntensity } from "./calibration.ts";
 * // Exact rates λ = 2·e^(−30δ) at δ = 0, 0.05, 0.1 over 100 s of exposure each.
 * const b = [0, 0.05, 0.1].map((d) => ({
 *   depth: d, exposure: 100, trials: 1000, fills: 200 * Math.exp(-30 * d),
 * }));
 * const fit = fitIntensity(b);
 * assert.ok(fit !== null);
 * assert.ok(Math.abs(fit.A - 2) < 1e-9 && Math.abs(fit.k - 30) < 1e-9);
 * ```
 */
export function fitIntensity(
  buckets: readonly IntensityBucket[],
  options: FitIntensityOptions = {},
): IntensityFit | null {
  const estimator = options.estimator ?? "rate";
  const weighting = options.weighting ?? "fills";
  const minFills = Math.max(options.minFillsPerBucket ?? 1, Number.MIN_VALUE);
  const dt = options.dt ?? NaN;
  if (estimator === "bernoulli" && !(dt > 0 && dt < Infinity)) {
    throw new ValidationError(
      "dt",
      options.dt,
      "a positive step length (s) for the bernoulli estimator",
    );
  }
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  let fills = 0;
  for (const b of buckets) {
    if (!(b.fills >= minFills) || !Number.isFinite(b.depth)) continue;
    let lnRate: number;
    let w: number;
    if (estimator === "rate") {
      if (!(b.exposure > 0)) continue;
      lnRate = Math.log(b.fills / b.exposure);
      w = b.fills; // Var(ln λ̂) ≈ 1 / fills for Poisson counts
    } else {
      if (!(b.trials > 0) || b.fills > b.trials) continue;
      const p = b.fills < b.trials ? b.fills / b.trials : (b.trials - 0.5) / b.trials;
      const l1p = Math.log1p(-p); // ln(1 − p) < 0
      lnRate = Math.log(-l1p / dt);
      // Delta method: Var(ln λ̂) = p / (n·(1 − p)·ln²(1 − p)); → 1/fills as p → 0.
      w = b.trials * (1 - p) * l1p * l1p / p;
    }
    xs.push(b.depth);
    ys.push(lnRate);
    ws.push(weighting === "fills" ? w : 1);
    fills += b.fills;
  }
  const n = xs.length;
  if (n < 2) return null;
  let sw = 0, swx = 0;
  for (let i = 0; i < n; i++) {
    sw += ws[i];
    swx += ws[i] * xs[i];
  }
  const xbar = swx / sw;
  let sxx = 0, swx2 = 0;
  for (let i = 0; i < n; i++) {
    sxx += ws[i] * (xs[i] - xbar) ** 2;
    swx2 += ws[i] * xs[i] * xs[i];
  }
  if (!(sxx > 0)) return null; // all depths equal
  let slope: number, intercept: number, kVar: number, lnAVar: number;
  if (weighting === "fills") {
    let sxy = 0, swy = 0;
    for (let i = 0; i < n; i++) {
      sxy += ws[i] * (xs[i] - xbar) * ys[i];
      swy += ws[i] * ys[i];
    }
    slope = sxy / sxx;
    intercept = (swy - slope * swx) / sw;
    kVar = 1 / sxx;
    lnAVar = swx2 / (sw * sxx);
  } else {
    const line = linearRegression(xs.map((x, i) => [x, ys[i]]));
    slope = line.m;
    intercept = line.b;
    let rss = 0;
    for (let i = 0; i < n; i++) rss += (ys[i] - (intercept + slope * xs[i])) ** 2;
    const s2 = n > 2 ? rss / (n - 2) : Infinity;
    kVar = s2 / sxx;
    lnAVar = s2 * swx2 / (sw * sxx);
  }
  return {
    A: Math.exp(intercept),
    k: -slope,
    kStdErr: Math.sqrt(kVar),
    lnAStdErr: Math.sqrt(lnAVar),
    bucketsUsed: n,
    fills,
  };
}

/**
 * Realized volatility of a mid-price path sampled every `dt` seconds:
 * σ̂ = √(Σ Δmid² / Σ Δt), in $/√s (no drift removed). Pairs with a non-finite end are
 * skipped; returns `null` when no pair is usable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateSigma } from "./calibration.ts";
 * const sigma = estimateSigma([100, 100.02, 100, 100.02], 4); // √(3·0.0004 / 12)
 * assert.ok(sigma !== null && Math.abs(sigma - 0.01) < 1e-12);
 * ```
 */
export function estimateSigma(mids: ArrayLike<number>, dt: number): number | null {
  let ss = 0, t = 0;
  for (let i = 1; i < mids.length; i++) {
    const d = mids[i] - mids[i - 1];
    if (!Number.isFinite(d)) continue;
    ss += d * d;
    t += dt;
  }
  return t > 0 ? Math.sqrt(ss / t) : null;
}

/** Fallback values of the calibrated parameters. */
export interface CalibrationPrior {
  /** Fill intensity at the mid, fills/s. */
  A: number;
  /** Intensity decay, 1/$. */
  k: number;
  /** Mid volatility, $/√s. */
  sigma: number;
}

/** Options of {@linkcode Calibrator}. */
export interface CalibratorOptions {
  /** Values returned until enough data have been seen (positive, finite). */
  prior: CalibrationPrior;
  /**
   * Width w of a depth bucket, $ (default 0.01, one cent). Bucket b holds depths in
   * [(b − ½)·w, (b + ½)·w), so depths on a grid of multiples of w fall mid-bucket.
   */
  bucketWidth?: number;
  /** Number of depth buckets; deeper quotes go to the last one (default 25). */
  numBuckets?: number;
  /** A and k stay at the prior until at least this many fills in total (default 50). */
  minFills?: number;
  /** … and at least this many buckets hold `minFillsPerBucket` fills (default 3). */
  minBuckets?: number;
  /** Fills a bucket needs to enter the fit (default 5). */
  minFillsPerBucket?: number;
  /** σ stays at the prior until this many mid changes were observed (default 30). */
  minSigmaSamples?: number;
  /** Per-bucket estimator (default "rate"); "bernoulli" also needs `dt`. */
  estimator?: IntensityEstimator;
  /** Step length, s, for the "bernoulli" estimator. */
  dt?: number;
}

/** The calibrator's current parameters; every number is finite and positive. */
export interface CalibrationEstimate extends CalibrationPrior {
  /** True when A and k come from the data (false: the prior). */
  intensityFitted: boolean;
  /** True when σ comes from the data (false: the prior). */
  sigmaFitted: boolean;
  /** Fills observed so far (all buckets). */
  fills: number;
  /** Mid changes observed so far. */
  sigmaSamples: number;
  /** Standard error of k when fitted, else Infinity. */
  kStdErr: number;
}

/**
 * Online calibrator of A, k (fills by depth) and σ (mid changes) with warm-up: it returns
 * the prior until enough data have arrived (see {@linkcode CalibratorOptions} for the
 * thresholds) and also whenever a fit is degenerate (k ≤ 0, a non-finite value, σ̂ = 0),
 * so its parameters are never NaN or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Calibrator } from "./calibration.ts";
 * const cal = new Calibrator({ prior: { A: 2, k: 30, sigma: 0.013 } });
 * cal.observeQuote(0.02, 0.1, 1); // a quote 2 cents deep, exposed 0.1 s, filled once
 * cal.observeMidChange(0.01, 0.1);
 * const est = cal.estimate();
 * assert.deepEqual([est.A, est.k, est.sigma], [2, 30, 0.013]); // still the prior: too little data
 * assert.equal(est.intensityFitted, false);
 * ```
 */
export class Calibrator {
  readonly #prior: CalibrationPrior;
  readonly #width: number;
  readonly #nb: number;
  readonly #minFills: number;
  readonly #minBuckets: number;
  readonly #minPerBucket: number;
  readonly #minSigma: number;
  readonly #estimator: IntensityEstimator;
  readonly #dt: number | undefined;
  readonly #exposure: Float64Array;
  readonly #depthTime: Float64Array;
  readonly #trials: Float64Array;
  readonly #fills: Float64Array;
  #totalFills = 0;
  #ss = 0;
  #time = 0;
  #samples = 0;

  /** Creates a calibrator; throws a ValidationError naming a bad option. */
  constructor(options: CalibratorOptions) {
    const p = options.prior;
    for (const key of ["A", "k", "sigma"] as const) {
      const v = p?.[key];
      if (!(typeof v === "number" && v > 0 && v < Infinity)) {
        throw new ValidationError(`prior.${key}`, v, "a positive finite number");
      }
    }
    this.#prior = { A: p.A, k: p.k, sigma: p.sigma };
    this.#width = positive("bucketWidth", options.bucketWidth ?? 0.01);
    this.#nb = intAtLeast("numBuckets", options.numBuckets ?? 25, 2);
    this.#minFills = intAtLeast("minFills", options.minFills ?? 50, 0);
    this.#minBuckets = intAtLeast("minBuckets", options.minBuckets ?? 3, 2);
    this.#minPerBucket = intAtLeast("minFillsPerBucket", options.minFillsPerBucket ?? 5, 1);
    this.#minSigma = intAtLeast("minSigmaSamples", options.minSigmaSamples ?? 30, 1);
    this.#estimator = options.estimator ?? "rate";
    if (this.#estimator !== "rate" && this.#estimator !== "bernoulli") {
      throw new ValidationError("estimator", this.#estimator, '"rate" or "bernoulli"');
    }
    if (this.#estimator === "bernoulli") this.#dt = positive("dt", options.dt ?? NaN);
    this.#exposure = new Float64Array(this.#nb);
    this.#depthTime = new Float64Array(this.#nb);
    this.#trials = new Float64Array(this.#nb);
    this.#fills = new Float64Array(this.#nb);
  }

  /** The prior values. */
  get prior(): Readonly<CalibrationPrior> {
    return this.#prior;
  }

  /** Forgets all observations. */
  reset(): void {
    this.#exposure.fill(0);
    this.#depthTime.fill(0);
    this.#trials.fill(0);
    this.#fills.fill(0);
    this.#totalFills = 0;
    this.#ss = 0;
    this.#time = 0;
    this.#samples = 0;
  }

  /**
   * Records one quoting interval: a quote `depth` dollars from the mid, exposed for
   * `seconds`, that was filled `fills` times (0 or 1 for a unit quote). Non-finite or
   * negative inputs are ignored; negative depths count as 0. Allocation-free.
   */
  observeQuote(depth: number, seconds: number, fills: number): void {
    if (!(seconds > 0 && seconds < Infinity) || !(fills >= 0 && fills < Infinity)) return;
    if (Number.isNaN(depth)) return;
    const d = depth > 0 ? depth : 0;
    let b = Math.round(d / this.#width);
    if (!(b < this.#nb)) b = this.#nb - 1;
    this.#exposure[b] += seconds;
    this.#depthTime[b] += d * seconds;
    this.#trials[b] += 1;
    this.#fills[b] += fills;
    this.#totalFills += fills;
  }

  /** Records a mid change `deltaMid` ($) over `seconds`; non-finite input is ignored. */
  observeMidChange(deltaMid: number, seconds: number): void {
    if (!Number.isFinite(deltaMid) || !(seconds > 0 && seconds < Infinity)) return;
    this.#ss += deltaMid * deltaMid;
    this.#time += seconds;
    this.#samples++;
  }

  /** The per-bucket statistics so far (buckets never quoted are left out). */
  buckets(): IntensityBucket[] {
    const out: IntensityBucket[] = [];
    for (let b = 0; b < this.#nb; b++) {
      if (this.#trials[b] === 0) continue;
      out.push({
        depth: this.#depthTime[b] / this.#exposure[b],
        exposure: this.#exposure[b],
        trials: this.#trials[b],
        fills: this.#fills[b],
      });
    }
    return out;
  }

  /** The current parameters: fitted where the warm-up thresholds are met, else the prior. */
  estimate(): CalibrationEstimate {
    let A = this.#prior.A, k = this.#prior.k, sigma = this.#prior.sigma;
    let intensityFitted = false, sigmaFitted = false, kStdErr = Infinity;
    if (this.#totalFills >= this.#minFills) {
      let ready = 0;
      for (let b = 0; b < this.#nb; b++) if (this.#fills[b] >= this.#minPerBucket) ready++;
      if (ready >= this.#minBuckets) {
        const fit = fitIntensity(this.buckets(), {
          estimator: this.#estimator,
          dt: this.#dt,
          minFillsPerBucket: this.#minPerBucket,
        });
        if (fit && fit.k > 0 && fit.k < Infinity && fit.A > 0 && fit.A < Infinity) {
          A = fit.A;
          k = fit.k;
          kStdErr = fit.kStdErr;
          intensityFitted = true;
        }
      }
    }
    if (this.#samples >= this.#minSigma && this.#time > 0) {
      const s = Math.sqrt(this.#ss / this.#time);
      if (s > 0 && s < Infinity) {
        sigma = s;
        sigmaFitted = true;
      }
    }
    return {
      A,
      k,
      sigma,
      intensityFitted,
      sigmaFitted,
      fills: this.#totalFills,
      sigmaSamples: this.#samples,
      kStdErr,
    };
  }
}

function positive(field: string, v: number): number {
  if (!(typeof v === "number" && v > 0 && v < Infinity)) {
    throw new ValidationError(field, v, "a positive finite number");
  }
  return v;
}

function intAtLeast(field: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min || v > 1e9) {
    throw new ValidationError(field, v, `an integer in [${min}, 1000000000]`);
  }
  return v;
}
