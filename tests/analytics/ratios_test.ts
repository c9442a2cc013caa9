import assert from "node:assert/strict";
import {
  annualizedReturn,
  annualVolatility,
  calmarRatio,
  downsideRisk,
  sharpeRatio,
  sortinoRatio,
} from "../../lib/analytics/ratios.ts";
import { maxDrawdown, maxDrawdownOfReturns } from "../../lib/analytics/drawdown.ts";
import { conditionalValueAtRisk, valueAtRisk } from "../../lib/analytics/tail.ts";
import { profitFactor, winRate } from "../../lib/analytics/pnl_stats.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

// empyrical's test fixture `mixed_returns` (its leading NaN dropped: empyrical uses nanmean/nanstd)
const MIXED = [1, 10, -4, 2, 3, 2, 1, -10].map((x) => x / 100);
const NEGATIVE = [0, -6, -7, -1, -9, -2, -6, -8, -5].map((x) => x / 100);

Deno.test("sharpeRatio: hand value and empyrical's test value", () => {
  // [0.02, 0, 0.01]: mean 0.01; deviations 0.01, −0.01, 0 → var = 0.0002/2 = 0.0001, sd 0.01
  close(sharpeRatio([0.02, 0, 0.01], 1), 1);
  close(sharpeRatio([0.02, 0, 0.01], 252), Math.sqrt(252));
  // risk-free 0.005 per period: (0.01 − 0.005)/0.01 = 0.5
  close(sharpeRatio([0.02, 0, 0.01], 1, 0.005), 0.5);
  // empyrical test_sharpe_ratio: sharpe_ratio(mixed_returns, 0.0) == 1.7238613961706866 (daily)
  close(sharpeRatio(MIXED, 252), 1.7238613961706866, 1e-10);
});

Deno.test("sharpeRatio: undefined cases are NaN", () => {
  assert.ok(Number.isNaN(sharpeRatio([0.01], 252)));
  assert.ok(Number.isNaN(sharpeRatio([], 252)));
  assert.ok(Number.isNaN(sharpeRatio([0.01, 0.01, 0.01], 252)));
});

Deno.test("downsideRisk and sortinoRatio: empyrical definitions and test values", () => {
  // [0.02, −0.01, 0.03, −0.03]: min(r, 0)² = 0, 1e-4, 0, 9e-4 → mean over all 4 = 2.5e-4
  // downside = √2.5e-4 = 0.015811…; mean r = 0.0025 → Sortino (ppy 1) = 0.0025/0.015811 = 0.158114
  const r = [0.02, -0.01, 0.03, -0.03];
  close(downsideRisk(r, 1), Math.sqrt(2.5e-4));
  close(sortinoRatio(r, 1), 0.0025 / Math.sqrt(2.5e-4));
  // annualized: mean·ppy / (√2.5e-4·√ppy) = √ppy × the above
  close(sortinoRatio(r, 252), Math.sqrt(252) * 0.0025 / Math.sqrt(2.5e-4), 1e-10);
  // required return 0.01: r − 0.01 = 0.01, −0.02, 0.02, −0.04 → squares of negatives 4e-4, 16e-4
  // mean = 5e-4; Sortino = (0.0025 − 0.01)/√5e-4
  close(sortinoRatio(r, 1, 0.01), -0.0075 / Math.sqrt(5e-4));
  // empyrical test_downside_risk: downside_risk(mixed_returns, 0.0, DAILY) = 0.6044832503882965
  close(downsideRisk(MIXED, 252), 0.6044832503882965, 1e-12);
  // empyrical test_sortino: sortino_ratio(mixed_returns, 0.0, DAILY) = 2.605531251673693
  close(sortinoRatio(MIXED, 252), 2.605531251673693, 1e-10);
  // no downside → NaN (empyrical: +inf), documented
  assert.ok(Number.isNaN(sortinoRatio([0.01, 0.02], 252)));
  // all-negative returns: finite and negative
  assert.ok(sortinoRatio(NEGATIVE, 252) < 0);
});

Deno.test("annualizedReturn (empyrical's compounded annual return) and calmarRatio", () => {
  // growth 1.001 · 0.998 · 1.004 over 3 of 252 periods a year → ^(252/3) − 1
  close(annualizedReturn([0.001, -0.002, 0.004], 252), (1.001 * 0.998 * 1.004) ** 84 - 1);
  // NaN returns are dropped: the same as without them
  close(annualizedReturn([0.001, NaN, -0.002, 0.004], 252), (1.001 * 0.998 * 1.004) ** 84 - 1);
  // wealth wiped out: undefined
  assert.ok(Number.isNaN(annualizedReturn([-1, 0.1], 252)));
  close(annualVolatility([0.02, 0, 0.01, NaN], 252), 0.01 * Math.sqrt(252));
  // 0.252 / |−0.1| = 2.52
  close(calmarRatio(0.252, -0.1), 2.52);
  assert.ok(Number.isNaN(calmarRatio(0.252, 0))); // no drawdown → NaN (as empyrical)
});

Deno.test("ratios and drawdowns drop NaN returns as empyrical does", () => {
  const r = [0.01, -0.02, 0.03, 0.005];
  const withNaN = [0.01, NaN, -0.02, 0.03, NaN, 0.005];
  assert.equal(sharpeRatio(withNaN, 252), sharpeRatio(r, 252));
  assert.equal(sortinoRatio(withNaN, 252), sortinoRatio(r, 252));
  assert.equal(maxDrawdown([1, NaN, -2, 3]), maxDrawdown([1, -2, 3]));
  assert.equal(maxDrawdownOfReturns(withNaN), maxDrawdownOfReturns(r));
});

Deno.test("maxDrawdown: known curves", () => {
  // P&L [3, 1, −1, 5, 4] from 0: peaks 3, 3, 3, 5, 5 → drawdowns 0, −2, −4, 0, −1 → −4
  assert.equal(maxDrawdown([3, 1, -1, 5, 4]), -4);
  // a curve that only falls: peak is the starting 0 → −5
  assert.equal(maxDrawdown([-1, -3, -5, -2]), -5);
  assert.equal(maxDrawdown([1, 2, 3]), 0);
  assert.equal(maxDrawdown([]), 0);
  // starting level 10: [8, 12, 7] → −2 then 12 → 7 = −5
  assert.equal(maxDrawdown([8, 12, 7], 10), -5);
});

Deno.test("maxDrawdownOfReturns: empyrical's compounded max_drawdown", () => {
  // empyrical test_max_drawdown: mixed_returns → −0.1 (the final −10 % from a new peak)
  close(maxDrawdownOfReturns(MIXED), -0.1, 1e-12);
  // negative_returns → cum_returns(negative_returns).min() = Π(1 + r) − 1 (monotone fall)
  let w = 1;
  for (const r of NEGATIVE) w *= 1 + r;
  close(maxDrawdownOfReturns(NEGATIVE), w - 1, 1e-12);
  // [0.1, −0.5, 0.2]: wealth 1.1, 0.55, 0.66 → 0.55/1.1 − 1 = −0.5
  close(maxDrawdownOfReturns([0.1, -0.5, 0.2]), -0.5);
  assert.equal(maxDrawdownOfReturns([0.01, 0.02]), 0);
});

Deno.test("valueAtRisk and CVaR: numpy percentile, returns at or below it", () => {
  // sorted [−0.04, −0.01, 0.02, 0.03]; h = 3·0.05 = 0.15 → −0.04 + 0.15·0.03 = −0.0355
  close(valueAtRisk([0.02, -0.04, 0.03, -0.01], 0.05), -0.0355);
  // only −0.04 is ≤ −0.0355
  close(conditionalValueAtRisk([0.02, -0.04, 0.03, -0.01], 0.05), -0.04);
  // α = 0.5: h = 1.5 → −0.01 + 0.5·0.03 = 0.005; returns ≤ 0.005: −0.04, −0.01 → mean −0.025
  close(valueAtRisk([0.02, -0.04, 0.03, -0.01], 0.5), 0.005);
  close(conditionalValueAtRisk([0.02, -0.04, 0.03, -0.01], 0.5), -0.025);
  // mixed_returns: sorted [−0.10, −0.04, 0.01, …]; h = 7·0.05 = 0.35 → −0.1 + 0.35·0.06 = −0.079
  close(valueAtRisk(MIXED), -0.079);
  close(conditionalValueAtRisk(MIXED), -0.1);
  // ties at the quantile are included ("at or below")
  close(conditionalValueAtRisk([-1, -1, -1, 5], 0.05), -1);
  assert.ok(Number.isNaN(valueAtRisk([])));
  assert.ok(Number.isNaN(conditionalValueAtRisk([])));
});

Deno.test("winRate and profitFactor: quantstats conventions", () => {
  // non-zero: 1, −2, 3 → 2 wins of 3
  close(winRate([1, 0, -2, 3, 0]), 2 / 3);
  assert.ok(Number.isNaN(winRate([0, 0])));
  // gross profits 1 + 3 = 4, gross losses 2 → 2
  close(profitFactor([1, 0, -2, 3, 0]), 2);
  close(profitFactor([-1, -1, 0.5]), 0.25);
  assert.ok(Number.isNaN(profitFactor([1, 2]))); // no losses → NaN (documented)
});
