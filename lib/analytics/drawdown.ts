/**
 * Maximum drawdown. Sign convention (empyrical's): drawdowns are **non-positive**;
 * −0.25 means a 25 % fall from the running peak; 0 means no drawdown.
 *
 * @module
 */

/**
 * Max drawdown of an additive equity (P&L) curve, in the curve's units (dollars):
 * min over t of (curve[t] − max(start, curve[0..t])). The running peak starts at
 * `start` (default 0: the P&L before the first step), so an episode whose P&L only
 * falls from the start has drawdown equal to its lowest P&L. 0 for an empty curve.
 * Non-finite points are skipped (empyrical drops NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maxDrawdown } from "./drawdown.ts";
 * // peaks 0, 3, 3, 3, 5; troughs: 3 → −1 is the largest fall
 * assert.equal(maxDrawdown([3, 1, -1, 5, 4]), -4);
 * ```
 */
export function maxDrawdown(curve: ArrayLike<number>, start = 0): number {
  let peak = start, mdd = 0;
  for (let i = 0; i < curve.length; i++) {
    const v = curve[i];
    if (!Number.isFinite(v)) continue;
    if (v > peak) peak = v;
    const dd = v - peak;
    if (dd < mdd) mdd = dd;
  }
  return mdd;
}

/**
 * empyrical's `max_drawdown` of compounded returns: wealth w_t = Π(1 + r_i) starting
 * at 1, result = min over t of (w_t / max(1, w_0..w_t) − 1), a non-positive fraction.
 */
export function maxDrawdownOfReturns(returns: ArrayLike<number>): number {
  let w = 1, peak = 1, mdd = 0;
  for (let i = 0; i < returns.length; i++) {
    if (!Number.isFinite(returns[i])) continue; // NaN returns are dropped, as in empyrical
    w *= 1 + returns[i];
    if (w > peak) peak = w;
    const dd = w / peak - 1;
    if (dd < mdd) mdd = dd;
  }
  return mdd;
}
