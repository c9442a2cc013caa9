/**
 * Historical tail risk. Sign convention: VaR and CVaR are reported as **return
 * quantiles** (as empyrical's `value_at_risk`), so a loss is negative: a 95 % VaR of
 * −0.002 means 5 % of periods lost at least 0.2 % of the capital base.
 *
 * @module
 */
import { requireUnitOpen } from "./_stats.ts";
import { quantileSorted } from "./percentile.ts";

/** Default tail level α: 0.05, i.e. the 95 % VaR. */
export const DEFAULT_VAR_LEVEL = 0.05;

function sortedCopy(returns: ArrayLike<number>): Float64Array | undefined {
  const s = Float64Array.from(returns);
  for (let i = 0; i < s.length; i++) if (Number.isNaN(s[i])) return undefined;
  return s.sort();
}

/**
 * Historical value at risk: the α-quantile of the returns with numpy's linear
 * interpolation (`np.percentile(r, 100α)`). NaN when empty or any value is NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { valueAtRisk } from "./tail.ts";
 * const v = valueAtRisk([-0.04, -0.01, 0.02, 0.03], 0.05);
 * assert.ok(Math.abs(v - -0.0355) < 1e-12); // −0.04 + 0.15·0.03: a 3.55% loss
 * ```
 */
export function valueAtRisk(returns: ArrayLike<number>, alpha = DEFAULT_VAR_LEVEL): number {
  requireUnitOpen("alpha", alpha);
  const s = sortedCopy(returns);
  return s ? quantileSorted(s, alpha) : NaN;
}

/**
 * Historical conditional VaR (expected shortfall): the mean of the returns at or
 * below the α-VaR. NaN when empty or any value is NaN.
 */
export function conditionalValueAtRisk(
  returns: ArrayLike<number>,
  alpha = DEFAULT_VAR_LEVEL,
): number {
  requireUnitOpen("alpha", alpha);
  const s = sortedCopy(returns);
  if (!s || s.length === 0) return NaN;
  const v = quantileSorted(s, alpha);
  let sum = 0, n = 0;
  for (let i = 0; i < s.length && s[i] <= v; i++) {
    sum += s[i];
    n++;
  }
  return sum / n;
}
