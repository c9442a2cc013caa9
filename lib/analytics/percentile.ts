/**
 * Quantiles with numpy's default "linear" method (Hyndman & Fan type 7), which is
 * what empyrical's `value_at_risk` uses through `np.percentile`. Note that
 * `simple-statistics`' `quantile` uses a different rule, hence this module.
 *
 * For sorted values x₀ ≤ … ≤ x_{n−1} and p ∈ [0, 1]: h = (n − 1)·p, j = ⌊h⌋, g = h − j,
 * Q(p) = x_j + g·(x_{j+1} − x_j).
 *
 * @module
 */
import { ValidationError } from "../errors.ts";

/**
 * The p-quantile (p ∈ [0, 1]) of already ascending-sorted values, numpy "linear"
 * interpolation (including numpy's lerp detail: for g ≥ 0.5 it computes
 * x_{j+1} − (x_{j+1} − x_j)·(1 − g), so results match numpy bit for bit). NaN when empty.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new ValidationError("p", p, "a number in [0, 1]");
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const j = Math.floor(h);
  if (j >= n - 1) return sorted[n - 1];
  const g = h - j;
  const a = sorted[j], b = sorted[j + 1];
  const d = b - a;
  return g >= 0.5 ? b - d * (1 - g) : a + d * g;
}

/**
 * The p-quantile (p ∈ [0, 1]) of `values` with numpy's linear interpolation.
 * Sorts a copy; NaN when empty or when any value is NaN (as numpy).
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  const s = Float64Array.from(values);
  for (let i = 0; i < s.length; i++) if (Number.isNaN(s[i])) return NaN;
  s.sort();
  return quantileSorted(s, p);
}

/**
 * numpy's `np.percentile(values, q)` for q ∈ [0, 100] (linear interpolation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { percentile } from "./percentile.ts";
 * assert.equal(percentile([1, 2, 3, 4], 5), 1.15); // h = 3·0.05 = 0.15, 1 + 0.15·(2 − 1)
 * assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
 * ```
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new ValidationError("q", q, "a number in [0, 100]");
  return quantile(values, q / 100);
}

/**
 * The empirical distribution's q-quantile without interpolation: the finite `values` sorted,
 * the one at index ⌊q·n⌋ (at most n − 1); NaN when there are none. (Not numpy's "lower",
 * whose index is ⌊q·(n − 1)⌋: the calibration's sizes and lumps have always used this one.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { empiricalQuantile } from "./percentile.ts";
 * assert.equal(empiricalQuantile([5, 1, NaN, 3, 2, 4], 0.9), 5);
 * assert.equal(empiricalQuantile([5, 1, 3, 2, 4], 0.5), 3);
 * assert.ok(Number.isNaN(empiricalQuantile([], 0.5)));
 * ```
 */
export function empiricalQuantile(values: readonly number[], q: number): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.floor(q * v.length))] : NaN;
}
