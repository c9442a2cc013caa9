/**
 * Win rate and profit factor of a series of per-period P&L changes (or returns: only
 * signs and ratios matter), with quantstats' conventions.
 *
 * @module
 */

/**
 * Share of winning periods among the periods with non-zero P&L (quantstats'
 * `win_rate`): #{x > 0} / #{x ≠ 0}. NaN when every period is flat.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { winRate } from "./pnl_stats.ts";
 * assert.equal(winRate([1, 0, -2, 3, 0]), 2 / 3); // flat periods do not count
 * ```
 */
export function winRate(pnl: ArrayLike<number>): number {
  let wins = 0, nonZero = 0;
  for (let i = 0; i < pnl.length; i++) {
    const x = pnl[i];
    if (x > 0) wins++;
    if (x !== 0 && !Number.isNaN(x)) nonZero++;
  }
  return nonZero === 0 ? NaN : wins / nonZero;
}

/**
 * Profit factor: gross profits / gross losses = Σ max(x, 0) / Σ max(−x, 0).
 * NaN when there are no losses (undefined ratios are NaN in ALPE, never Infinity).
 */
export function profitFactor(pnl: ArrayLike<number>): number {
  let gains = 0, losses = 0;
  for (let i = 0; i < pnl.length; i++) {
    const x = pnl[i];
    if (x > 0) gains += x;
    else if (x < 0) losses -= x;
  }
  return losses > 0 ? gains / losses : NaN;
}
