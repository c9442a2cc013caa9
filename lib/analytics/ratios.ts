/**
 * Risk-adjusted ratios with empyrical's conventions (see /shared/REFERENCES.md):
 *
 * - Sharpe = mean(r − r_f) / std(r, ddof = 1) · √ppy.
 * - Downside risk = √mean(min(r − r_req, 0)²) · √ppy, the mean taken over **all**
 *   observations; Sortino = mean(r − r_req) · ppy / downside risk.
 * - Annual return (empyrical's `annual_return`): the compounded growth Π(1 + r) raised to
 *   the power ppy / n, minus 1. For intraday episodes this extrapolates seconds to a year
 *   and gives very large numbers: compare them between agents only.
 * - Annual volatility = std(r, ddof = 1) · √ppy.
 * - Calmar = annual return / |max drawdown|, both as fractions of the capital base.
 *
 * As in empyrical, non-finite returns (NaN) are dropped before any statistic. `r_f` and
 * `r_req` are per-period rates (default 0). Undefined ratios are NaN, never ±Infinity:
 * fewer than 2 returns, zero volatility (Sharpe), zero downside risk (Sortino; empyrical
 * would return +inf), or no drawdown (Calmar, as empyrical).
 *
 * @module
 */
import { finiteValues, meanOf, sampleStdOf } from "./_stats.ts";

/** `returns` without its non-finite values (a no-copy pass-through when all are finite). */
function dropNonFinite(returns: ArrayLike<number>): ArrayLike<number> {
  for (let i = 0; i < returns.length; i++) {
    if (!Number.isFinite(returns[i])) return finiteValues(returns);
  }
  return returns;
}

/**
 * Annualized Sharpe ratio: mean(r − riskFree) / std(r, ddof = 1) · √periodsPerYear.
 * NaN with fewer than 2 returns or zero standard deviation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharpeRatio } from "./ratios.ts";
 * // mean 0.01, sample std √((0.01² + 0.01² + 0)/2) = 0.01 ⇒ 1 per period, × √252 ≈ 15.87
 * assert.ok(Math.abs(sharpeRatio([0.02, 0, 0.01], 252) - Math.sqrt(252)) < 1e-9);
 * // NaN returns are dropped, as in empyrical
 * assert.equal(sharpeRatio([0.02, NaN, 0, 0.01], 252), sharpeRatio([0.02, 0, 0.01], 252));
 * ```
 */
export function sharpeRatio(
  returnsIn: ArrayLike<number>,
  periodsPerYear: number,
  riskFree = 0,
): number {
  const returns = dropNonFinite(returnsIn);
  if (returns.length < 2) return NaN;
  const sd = sampleStdOf(returns);
  if (!(sd > 0)) return NaN;
  return (meanOf(returns) - riskFree) / sd * Math.sqrt(periodsPerYear);
}

/** Annualized downside risk: √mean(min(r − requiredReturn, 0)²) · √periodsPerYear. NaN if empty. */
export function downsideRisk(
  returnsIn: ArrayLike<number>,
  periodsPerYear: number,
  requiredReturn = 0,
): number {
  const returns = dropNonFinite(returnsIn);
  const n = returns.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i] - requiredReturn;
    if (d < 0) s += d * d;
  }
  return Math.sqrt(s / n) * Math.sqrt(periodsPerYear);
}

/**
 * Annualized Sortino ratio: mean(r − requiredReturn) · ppy / downside risk. NaN with
 * fewer than 2 returns or zero downside risk.
 */
export function sortinoRatio(
  returnsIn: ArrayLike<number>,
  periodsPerYear: number,
  requiredReturn = 0,
): number {
  const returns = dropNonFinite(returnsIn);
  if (returns.length < 2) return NaN;
  const dr = downsideRisk(returns, periodsPerYear, requiredReturn);
  if (!(dr > 0)) return NaN;
  return (meanOf(returns) - requiredReturn) * periodsPerYear / dr;
}

/**
 * empyrical's annual return: (Π(1 + r))^(periodsPerYear / n) − 1 over the finite returns.
 * NaN when empty or when the compounded wealth is not positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { annualizedReturn } from "./ratios.ts";
 * // two periods of +10% with 2 periods a year: 1.21^(2/2) − 1
 * assert.ok(Math.abs(annualizedReturn([0.1, 0.1], 2) - 0.21) < 1e-12);
 * ```
 */
export function annualizedReturn(returnsIn: ArrayLike<number>, periodsPerYear: number): number {
  const returns = dropNonFinite(returnsIn);
  const n = returns.length;
  if (n === 0) return NaN;
  let logWealth = 0;
  for (let i = 0; i < n; i++) logWealth += Math.log1p(returns[i]);
  if (!Number.isFinite(logWealth)) return NaN;
  return Math.expm1(logWealth * periodsPerYear / n);
}

/**
 * Annual volatility (empyrical's `annual_volatility`): std(r, ddof = 1) · √periodsPerYear over
 * the finite returns; NaN with fewer than 2.
 */
export function annualVolatility(returnsIn: ArrayLike<number>, periodsPerYear: number): number {
  const returns = dropNonFinite(returnsIn);
  return returns.length < 2 ? NaN : sampleStdOf(returns) * Math.sqrt(periodsPerYear);
}

/**
 * Calmar ratio: annualized return / |maxDrawdownFraction|, where `maxDrawdownFraction`
 * is the (non-positive) max drawdown in the same units as the returns (a fraction of
 * the capital base). NaN when there is no drawdown or the result is not finite.
 */
export function calmarRatio(annualReturn: number, maxDrawdownFraction: number): number {
  if (!(maxDrawdownFraction < 0)) return NaN;
  const c = annualReturn / Math.abs(maxDrawdownFraction);
  return Number.isFinite(c) ? c : NaN;
}
