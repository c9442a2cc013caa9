/**
 * Risk-adjusted ratios with empyrical's conventions (see /shared/REFERENCES.md):
 *
 * - Sharpe = mean(r − r_f) / std(r, ddof = 1) · √ppy.
 * - Downside risk = √mean(min(r − r_req, 0)²) · √ppy, the mean taken over **all**
 *   observations; Sortino = mean(r − r_req) · ppy / downside risk.
 * - Annualized return of additive P&L returns = mean(r) · ppy (the arithmetic
 *   annualization: ALPE's returns are P&L over a fixed capital base, not compounded
 *   wealth, and compounding millions of 1-second periods would be meaningless).
 * - Calmar = annualized return / |max drawdown|, both as fractions of the capital base.
 *
 * `r_f` and `r_req` are per-period rates (default 0). Undefined ratios are NaN, never
 * ±Infinity: fewer than 2 returns, zero volatility (Sharpe), zero downside risk
 * (Sortino; empyrical would return +inf), or no drawdown (Calmar, as empyrical).
 *
 * @module
 */
import { meanOf, sampleStdOf } from "./_stats.ts";

/**
 * Annualized Sharpe ratio: mean(r − riskFree) / std(r, ddof = 1) · √periodsPerYear.
 * NaN with fewer than 2 returns or zero standard deviation.
 *
 * @example
 * ```ts
 * import { sharpeRatio } from "./ratios.ts";
 * // mean 0.01, sample std √((0.01² + 0.01² + 0)/2) = 0.01 ⇒ 1 per period, × √252 ≈ 15.87
 * sharpeRatio([0.02, 0, 0.01], 252);
 * ```
 */
export function sharpeRatio(
  returns: ArrayLike<number>,
  periodsPerYear: number,
  riskFree = 0,
): number {
  if (returns.length < 2) return NaN;
  const sd = sampleStdOf(returns);
  if (!(sd > 0)) return NaN;
  return (meanOf(returns) - riskFree) / sd * Math.sqrt(periodsPerYear);
}

/** Annualized downside risk: √mean(min(r − requiredReturn, 0)²) · √periodsPerYear. NaN if empty. */
export function downsideRisk(
  returns: ArrayLike<number>,
  periodsPerYear: number,
  requiredReturn = 0,
): number {
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
  returns: ArrayLike<number>,
  periodsPerYear: number,
  requiredReturn = 0,
): number {
  if (returns.length < 2) return NaN;
  const dr = downsideRisk(returns, periodsPerYear, requiredReturn);
  if (!(dr > 0)) return NaN;
  return (meanOf(returns) - requiredReturn) * periodsPerYear / dr;
}

/** Arithmetic annualized return of additive returns: mean(r) · periodsPerYear. NaN if empty. */
export function annualizedReturn(returns: ArrayLike<number>, periodsPerYear: number): number {
  return meanOf(returns) * periodsPerYear;
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
