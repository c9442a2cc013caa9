/**
 * One step of the moment matching's market-order rate knob (`docs/calibration.md`, "The
 * market-order rate knob scales the whole market-order intensity").
 *
 * The knob is the scale of the market orders' baseline μ (their self-excitation scaled alike).
 * With branching ratio n and a share q of arrivals that never trade, a scale k gives the
 * realised rate r = (1 − q)·k·μ₀ / (1 − (1 − q)·k·n); the step solves the measured r for
 * 1 − q = r / (k(μ₀ + r·n)) and returns the scale that gives back the fitted process,
 * k·(μ₀ + r·n)/r (a fixed point: it reads the simulated rate, not the tape's). Without
 * self-excitation, or without a fitted baseline, it is the plain ratio k·r_tape / r_sim.
 *
 * The fixed point assumes the realised rate answers the baseline as the Hawkes process does.
 * Where something else thins the arrivals — the spread-dependent intensity, whose thinning
 * follows the spread that the rate itself sets (`thinned`) — it can point away from the tape's
 * rate, and did run off (AMZN with `--spread-intensity`: 0.47, 1.2, 3.8, 12, 310 orders/s
 * against the tape's 0.35). There a step away from the tape's rate takes the plain ratio
 * instead. Elsewhere the fixed point is kept as it is (its steps away are small, and the
 * shipped presets depend on them).
 *
 * Units: the knob in orders per second (the baseline), rates in orders per second.
 *
 * @module
 */

/**
 * The next value of the market-order rate knob `v` after a simulation whose realised rate was
 * `sim` against the tape's `re` (orders per second), for a fitted baseline `mu0` and branching
 * ratio `branching`; `thinned`: the arrivals are thinned by the spread-dependent intensity.
 * Within [10⁻⁴, 10⁵].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { orderRateStep } from "./rate_knob.ts";
 * // no self-excitation: the plain ratio
 * assert.equal(orderRateStep(2, 1, 1.5, 2, 0, false), 3);
 * // the fixed point may step away from the tape's rate (1.2 ≥ 0.35, yet it rises) …
 * assert.ok(orderRateStep(1, 0.47, 0.35, 1, 0.8, false) > 1);
 * // … which a thinned market does not take
 * assert.ok(orderRateStep(1, 0.47, 0.35, 1, 0.8, true) < 1);
 * ```
 */
export function orderRateStep(
  v: number,
  sim: number,
  re: number,
  mu0: number,
  branching: number,
  thinned: boolean,
): number {
  const ratio = Math.min(1e5, Math.max(1e-4, v * (re / sim)));
  if (!(branching > 0 && sim > 0 && mu0 > 0)) return ratio;
  const fixed = Math.min(1e5, Math.max(1e-4, v * (mu0 + sim * branching) / sim));
  return !thinned || (fixed - v) * (re - sim) >= 0 ? fixed : ratio;
}
