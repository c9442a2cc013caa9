/**
 * Percentile bootstrap confidence interval of a mean (Efron's percentile method):
 * draw `resamples` samples of size n with replacement, take each sample's mean, and
 * report the (1 − level)/2 and (1 + level)/2 quantiles of those means (numpy linear
 * interpolation). Seeded with ALPE's {@linkcode Rng}: the same values and seed give a
 * bit-identical interval. Allocates one Float64Array of `resamples` means per call and
 * nothing per resample.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { Rng } from "../rng/rng.ts";
import { requireUnitOpen } from "./_stats.ts";
import { quantileSorted } from "./percentile.ts";

/** Default number of bootstrap resamples. */
export const DEFAULT_RESAMPLES = 2_000;

/** Options of {@linkcode bootstrapMeanCI}. */
export interface BootstrapOptions {
  /** Number of resamples (default 2,000). */
  resamples?: number;
  /** Confidence level in (0, 1) (default 0.95). */
  level?: number;
  /** Seed of the resampling generator (default 0). */
  seed?: number | string;
}

/** A point estimate with its confidence interval. */
export interface MeanCI {
  /** Sample mean. */
  mean: number;
  /** Lower bound. */
  lo: number;
  /** Upper bound. */
  hi: number;
}

/** A source of uniform doubles in [0, 1) (ALPE's {@linkcode Rng} is one). */
export interface RandomSource {
  /** A uniform double in [0, 1). */
  next(): number;
}

/** The seeded generator used for bootstrap resampling under `seed`. */
export function bootstrapRng(seed: number | string): RandomSource {
  return new Rng(`alpe-bootstrap:${seed}`);
}

/**
 * Fills `out` with the means of `out.length` bootstrap resamples of `values` drawn with
 * `rng`. Allocation-free; `values` must be non-empty.
 */
export function bootstrapMeansInto(
  values: ArrayLike<number>,
  out: Float64Array,
  rng: RandomSource,
): Float64Array {
  const n = values.length;
  if (n === 0) throw new ValidationError("values.length", 0, "at least 1 value");
  for (let b = 0; b < out.length; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rng.next() * n)];
    out[b] = s / n;
  }
  return out;
}

/**
 * Percentile CI from a buffer of bootstrap means (sorted in place).
 * Returns `[lo, hi]` at `level`.
 */
export function percentileInterval(means: Float64Array, level: number): [number, number] {
  requireUnitOpen("level", level);
  means.sort();
  const a = (1 - level) / 2;
  return [quantileSorted(means, a), quantileSorted(means, 1 - a)];
}

/** Validates a resample count (an integer in [1, 10,000,000]). */
export function validateResamples(resamples: number, field = "resamples"): number {
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > 10_000_000) {
    throw new ValidationError(field, resamples, "an integer in [1, 10000000]");
  }
  return resamples;
}

/**
 * Percentile bootstrap CI of the mean of `values`. Empty input gives NaNs; a single
 * value gives a zero-width interval.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootstrapMeanCI } from "./bootstrap.ts";
 * const ci = bootstrapMeanCI([1.2, 0.4, 2.2, -0.3, 1.0, 0.8], { seed: 7 });
 * assert.ok(Math.abs(ci.mean - 0.88333) < 1e-5);
 * assert.ok(ci.lo <= ci.mean && ci.mean <= ci.hi);
 * assert.deepEqual(bootstrapMeanCI([1.2, 0.4, 2.2, -0.3, 1.0, 0.8], { seed: 7 }), ci); // seeded
 * ```
 */
export function bootstrapMeanCI(values: ArrayLike<number>, opts: BootstrapOptions = {}): MeanCI {
  const resamples = validateResamples(opts.resamples ?? DEFAULT_RESAMPLES);
  const level = requireUnitOpen("level", opts.level ?? 0.95);
  const n = values.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  const means = bootstrapMeansInto(
    values,
    new Float64Array(resamples),
    bootstrapRng(opts.seed ?? 0),
  );
  const [lo, hi] = percentileInterval(means, level);
  return { mean, lo, hi };
}
