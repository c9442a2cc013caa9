/**
 * Fill-probability models of the model tier (mbt_gym's `FillProbabilityModel`): the chance
 * that a quote at depth δ from the mid is filled within one step.
 *
 * The exponential model (Avellaneda & Stoikov 2008, §2.5): market orders reach a quote at
 * depth δ dollars with Poisson intensity λ(δ) = A·f·e^(−k·δ), A in fills per second (the
 * intensity at the mid), k per dollar, f the regime's flow multiplier. Per step of dt
 * seconds the quote fills with probability p = min(1, λ·dt) (rule "linear", the paper's) or
 * 1 − e^(−λ·dt) (rule "exact": at least one arrival). A fill is always of the whole quote.
 * Assumes: arrivals independent of the price path, of queue position and of the quote's
 * size; a negative δ (a quote through the mid) fills with λ > A. Ignores: partial fills,
 * queue priority, adverse selection beyond what the midprice model does.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";

/** The per-step fill probability of a quote (see the module doc). */
export interface FillProbabilityModel {
  /**
   * Probability in [0, 1] that a quote `delta` dollars from the mid (negative: through it)
   * fills within `dt` seconds, with the regime's flow multiplier `flowMultiplier`.
   */
  probability(delta: number, dt: number, flowMultiplier: number): number;
}

/** Parameters of {@linkcode exponentialFillModel}. */
export interface ExponentialFillParams {
  /** Intensity at the mid, fills per second. */
  A: number;
  /** Decay per dollar of depth. */
  k: number;
  /** "linear": min(1, λ·dt); "exact": 1 − e^(−λ·dt). */
  rule: "linear" | "exact";
}

/**
 * Per-step fill probability of a quote with intensity `lambda` (fills/s) over `dt`:
 * `min(1, λ·dt)` for the "linear" rule, `1 − e^(−λ·dt)` for the "exact" rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fillProbability } from "./fill_probability.ts";
 * assert.equal(fillProbability(30, 0.1, true), 1); // the linear rule clamps at 1
 * assert.ok(fillProbability(30, 0.1, false) < 1);
 * ```
 */
export function fillProbability(lambda: number, dt: number, linear: boolean): number {
  const x = lambda * dt;
  return linear ? (x < 1 ? x : 1) : -Math.expm1(-x);
}

/**
 * The exponential fill model λ(δ) = A·f·e^(−k·δ).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exponentialFillModel } from "./fill_probability.ts";
 * const m = exponentialFillModel({ A: 140, k: 1.5, rule: "linear" });
 * assert.equal(m.probability(0, 0.005, 1), 0.7000000000000001); // A·dt at the mid
 * ```
 */
export function exponentialFillModel(params: ExponentialFillParams): FillProbabilityModel {
  const { A, k, rule } = params;
  if (!(A > 0) || !Number.isFinite(A)) throw new ValidationError("model.A", A, "a rate > 0");
  if (!(k > 0) || !Number.isFinite(k)) throw new ValidationError("model.k", k, "a decay > 0");
  const linear = rule === "linear";
  return {
    probability: (delta, dt, flowMultiplier) =>
      fillProbability(A * flowMultiplier * Math.exp(-k * delta), dt, linear),
  };
}
