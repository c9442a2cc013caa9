/**
 * Fit of the market-order timing model (`lib/market/order_timing.ts`) to a record: how much
 * likelier a market order is at a narrow spread than at a wide one.
 *
 * With N market orders, n_s of them sent at a spread of s ticks (the spread just before the
 * order) and T_s the time the spread spent at s, a market-order intensity proportional to
 * a(s) = min(1, (s₀/s)^γ) gives the multinomial likelihood
 * ℓ(s₀, γ) = Σ_s n_s·log(T_s·a(s)) − N·log Σ_s T_s·a(s), maximised over γ for each s₀ on a
 * grid (then refined), with standard errors from the inverse of the numerical Hessian of −ℓ
 * in (s₀, γ). Spreads of `maxSpread` ticks and more are pooled in one bin.
 *
 * The fit reads a(s) as the send probability of the timing model; in the simulation the
 * traders who wait send when the spread narrows, so the simulated ratio is a(s) times the
 * waiting traders' pressure, not a(s) itself (an approximation, stated in the provenance).
 *
 * @module
 */
import { createOrderTimingModel, orderTimingConfigSchema } from "../market/order_timing.ts";
import { derived, type Estimate, fitted, unidentified } from "./estimate.ts";
import { minimizeGoldenSection } from "./optimize.ts";
import { type MarketRecord, quoteIndexAt } from "./record.ts";

/** Market orders and time by spread (index s: spread s ticks; the last bin pools the rest). */
export interface SpreadCounts {
  /** Market orders sent at each spread. */
  orders: Float64Array;
  /** Seconds spent at each spread. */
  seconds: Float64Array;
}

/** The fitted timing model. */
export interface TimingFit {
  /** s₀, ticks. */
  scale: number;
  /** Its standard error. */
  scaleSe: number;
  /** γ. */
  exponent: number;
  /** Its standard error. */
  exponentSe: number;
  /** Market orders used. */
  orders: number;
  /** Mean spread at the orders over the time-weighted mean spread. */
  ratio: number;
}

/**
 * Counts market orders and time by spread (spreads ≥ `maxSpread` pooled; index 0 unused).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spreadCounts } from "./fit_timing.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const [r] = simulateRecords({ duration: 60 }, { seconds: 60, seed: 1 });
 * const c = spreadCounts([r]);
 * const total = c.seconds.reduce((a, b) => a + b, 0);
 * assert.ok(Math.abs(total - 60) < 1e-6); // the whole episode, one spread at a time
 * assert.ok(c.orders.reduce((a, b) => a + b, 0) > 0);
 * ```
 */
export function spreadCounts(records: readonly MarketRecord[], maxSpread = 40): SpreadCounts {
  const orders = new Float64Array(maxSpread + 1);
  const seconds = new Float64Array(maxSpread + 1);
  const bin = (s: number) => (s >= maxSpread ? maxSpread : s);
  for (const r of records) {
    for (const [a, b] of r.segments) {
      let k = Math.max(0, quoteIndexAt(r, a));
      for (; k < r.qTime.length && r.qTime[k] < b; k++) {
        const t0 = Math.max(a, r.qTime[k]);
        const t1 = Math.min(b, k + 1 < r.qTime.length ? r.qTime[k + 1] : b);
        const s = r.ask[k] - r.bid[k];
        if (s >= 1 && t1 > t0) seconds[bin(s)] += t1 - t0;
      }
    }
    let h = 0;
    for (let i = 0; i < r.moTime.length; i++) {
      const k = quoteIndexAt(r, r.moTime[i] - 1e-9, h);
      if (k < 0) continue;
      h = k;
      const s = r.ask[k] - r.bid[k];
      if (s >= 1) orders[bin(s)]++;
    }
  }
  return { orders, seconds };
}

/**
 * Mean spread just before the market orders over the time-weighted mean spread (< 1: orders
 * are sent at narrower spreads than the spread's average).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spreadRatio } from "./fit_timing.ts";
 * // half the time at 1 and 3 ticks (mean 2), every order at 1 tick
 * const c = { orders: Float64Array.of(0, 10, 0, 0), seconds: Float64Array.of(0, 1, 0, 1) };
 * assert.equal(spreadRatio(c), 0.5);
 * ```
 */
export function spreadRatio(c: SpreadCounts): number {
  let n = 0, sumN = 0, sumT = 0, wT = 0;
  for (let s = 1; s < c.orders.length; s++) {
    n += c.orders[s];
    sumN += s * c.orders[s];
    sumT += s * c.seconds[s];
    wT += c.seconds[s];
  }
  return (sumN / n) / (sumT / wT);
}

/**
 * The multinomial log-likelihood ℓ(s₀, γ) of the module doc.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timingLogLikelihood } from "./fit_timing.ts";
 * // orders at 1 and 2 ticks in proportion to T_s·(1/s): γ = 1 beats γ = 0
 * const c = { orders: Float64Array.of(0, 20, 10), seconds: Float64Array.of(0, 1, 1) };
 * assert.ok(timingLogLikelihood(c, 1, 1) > timingLogLikelihood(c, 1, 0));
 * ```
 */
export function timingLogLikelihood(c: SpreadCounts, scale: number, exponent: number): number {
  let ll = 0, n = 0, z = 0;
  for (let s = 1; s < c.orders.length; s++) {
    if (!(c.seconds[s] > 0)) continue;
    const la = s > scale ? exponent * Math.log(scale / s) : 0;
    z += c.seconds[s] * Math.exp(la);
    n += c.orders[s];
    if (c.orders[s] > 0) ll += c.orders[s] * (Math.log(c.seconds[s]) + la);
  }
  return ll - n * Math.log(z);
}

function maxGamma(c: SpreadCounts, scale: number): number {
  // golden section on [0, 10] (ℓ is concave in γ: a log-sum-exp)
  return minimizeGoldenSection((g) => -timingLogLikelihood(c, scale, g), 0, 10, {
    maxIterations: 80,
  });
}

/**
 * Fits (s₀, γ) by maximum likelihood (see the module doc); `null` with fewer than 100
 * market orders.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitTiming } from "./fit_timing.ts";
 * // T_s = 1 for s = 1..20; orders ∝ min(1, (3/s)²)
 * const seconds = new Float64Array(21).fill(1);
 * seconds[0] = 0;
 * const orders = Float64Array.from(seconds, (t, s) => s ? 1e5 * Math.min(1, (3 / s) ** 2) : 0);
 * const f = fitTiming({ orders, seconds })!;
 * assert.ok(Math.abs(f.exponent - 2) < 0.05 && Math.abs(f.scale - 3) < 0.1);
 * ```
 */
export function fitTiming(c: SpreadCounts): TimingFit | null {
  let n = 0, wT = 0;
  for (let s = 1; s < c.orders.length; s++) {
    n += c.orders[s];
    wT += c.seconds[s];
  }
  if (n < 100 || !(wT > 0)) return null;
  const top = c.orders.length - 1;
  let best = -Infinity, s0 = 1;
  for (let k = 0; k <= 4 * (top - 1); k++) {
    const scale = 1 + k / 4;
    const ll = timingLogLikelihood(c, scale, maxGamma(c, scale));
    if (ll > best) {
      best = ll;
      s0 = scale;
    }
  }
  for (let step = 0.125; step > 1e-4; step /= 2) { // refine s₀ by pattern search
    for (const x of [s0 - step, s0 + step]) {
      if (x < 1 || x > top) continue;
      const ll = timingLogLikelihood(c, x, maxGamma(c, x));
      if (ll > best) {
        best = ll;
        s0 = x;
      }
    }
  }
  const gamma = maxGamma(c, s0);
  // standard errors: inverse of the numerical Hessian of −ℓ
  const h1 = 1e-3 * Math.max(1, s0), h2 = 1e-3 * Math.max(1, gamma);
  const f = (a: number, b: number) => -timingLogLikelihood(c, Math.max(1, a), b);
  const f0 = f(s0, gamma);
  const haa = (f(s0 + h1, gamma) - 2 * f0 + f(s0 - h1, gamma)) / (h1 * h1);
  const hbb = (f(s0, gamma + h2) - 2 * f0 + f(s0, gamma - h2)) / (h2 * h2);
  const hab = (f(s0 + h1, gamma + h2) - f(s0 + h1, gamma - h2) - f(s0 - h1, gamma + h2) +
    f(s0 - h1, gamma - h2)) / (4 * h1 * h2);
  const det = haa * hbb - hab * hab;
  const ok = det > 0 && haa > 0;
  return {
    scale: s0,
    scaleSe: ok ? Math.sqrt(hbb / det) : NaN,
    exponent: gamma,
    exponentSe: ok ? Math.sqrt(haa / det) : NaN,
    orders: n,
    ratio: spreadRatio(c),
  };
}

/**
 * The timing fit's estimates, written into `est` under `flow.timing.*`: the scale s₀ and the
 * exponent γ (fitted), the retry rate (not identified: the library's default) and, where the
 * market orders' Hawkes kernel has a component faster than 1/s, the burst window 1/β of the
 * slowest such (`betas`: the kernel's decays, per second).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Estimate } from "./estimate.ts";
 * import { timingEstimates } from "./fit_timing.ts";
 * const est: Record<string, Estimate> = {};
 * const fit = { scale: 8, scaleSe: 1, exponent: 1.5, exponentSe: 0.2, orders: 500, ratio: 0.8 };
 * timingEstimates(fit, [0.07, 14, 200], est);
 * assert.equal(est["flow.timing.exponent"].value, 1.5);
 * assert.equal(est["flow.timing.burstMs"].value, 1_000 / 14);
 * assert.equal(est["flow.timing.retryRate"].status, "not identified");
 * ```
 */
export function timingEstimates(
  timing: TimingFit,
  betas: readonly number[],
  est: Record<string, Estimate>,
): void {
  const how = "multinomial maximum likelihood of the spreads at market orders given the " +
    "time at each spread, a(s) = min(1, (s0/s)^gamma) (fit_timing.ts)";
  est["flow.timing.scale"] = fitted(timing.scale, timing.scaleSe, "ticks", how);
  est["flow.timing.exponent"] = fitted(timing.exponent, timing.exponentSe, "exponent", how);
  est["flow.timing.retryRate"] = unidentified(
    orderTimingConfigSchema.parse({}).retryRate,
    "per second",
    "not identified: the tape shows when orders are sent, not when their senders looked " +
      "(library default kept)",
  );
  const fast = betas.filter((b) => b > 1);
  if (fast.length === 0) return;
  est["flow.timing.burstMs"] = derived(
    1_000 / Math.min(...fast),
    NaN,
    "ms",
    "1/β of the slowest market-order Hawkes kernel faster than 1/s: an order that soon " +
      "after the last one is likely its reaction (a burst) and is sent whatever the spread",
  );
}

/**
 * Σ_s T_s·a(s) / Σ_s T_s: the intensity timing's send probability a(s) over the time at s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sendShareOf } from "./fit_timing.ts";
 * // as long at 1 tick (a = 1) as at 4 ticks (a = (2/4)^1 = 0.5)
 * const counts = { seconds: new Float64Array([0, 10, 0, 0, 10]), orders: new Float64Array(5) };
 * assert.equal(sendShareOf(counts, 2, 1), 0.75);
 * ```
 */
export function sendShareOf(c: SpreadCounts, scale: number, exponent: number): number {
  const a = createOrderTimingModel(
    orderTimingConfigSchema.parse({ kind: "intensity", scale, exponent }),
  );
  let t = 0, ta = 0;
  for (let s = 1; s < c.seconds.length; s++) {
    t += c.seconds[s];
    ta += c.seconds[s] * a.sendProbability(s, Infinity);
  }
  return t > 0 ? ta / t : 1;
}
