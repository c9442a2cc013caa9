/**
 * Midprice models of the model tier (mbt_gym's `MidpriceModel`): how the fundamental moves
 * over one step, given the regime's volatility.
 *
 * Assumes: increments independent of everything else in the market (no drift, no
 * mean reversion, no jumps) and of the agent's own trades (impact is a separate model).
 * Units: prices in dollars, σ in dollars per √second, dt in seconds. Each built-in model
 * draws exactly one uniform per step from the stream it is given, so the composed model
 * tier's draws line up with its fused kernel's.
 *
 * - `"gaussian"`: arithmetic Brownian motion, S + σ·√dt·Φ⁻¹(u), exact for any dt; Φ⁻¹ is
 *   Acklam's approximation (relative error below 1.2·10⁻⁹) of `normalFromUniform`.
 * - `"binomial"`: S ± σ·√dt with probability ½ each (down iff u < ½), the mid of
 *   Avellaneda & Stoikov's (2008) simulation; same variance, bounded increments.
 *
 * @module
 */
import type { UniformSource } from "../rng/rng.ts";
import { ValidationError } from "../errors.ts";
import { normalFromUniform } from "./price_process.ts";

/** One step of the fundamental (see the module doc). */
export interface MidpriceModel {
  /** The model's name. */
  readonly kind: string;
  /**
   * The price after `dt` seconds from `price` with volatility `sigma` ($/√s), drawing from
   * `draw`.
   */
  next(price: number, sigma: number, dt: number, draw: UniformSource): number;
}

/** Built-in midprice models. */
export type MidpriceKind = "gaussian" | "binomial";

/**
 * The built-in midprice model `kind`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createMidpriceModel } from "./midprice.ts";
 * const binomial = createMidpriceModel("binomial");
 * assert.equal(binomial.next(100, 2, 0.01, () => 0.7), 100.2); // up: +σ·√dt
 * const gaussian = createMidpriceModel("gaussian");
 * assert.ok(Math.abs(gaussian.next(100, 2, 0.01, () => 0.5)) - 100 < 1e-6); // Φ⁻¹(½) ≈ 0
 * ```
 */
export function createMidpriceModel(kind: MidpriceKind): MidpriceModel {
  switch (kind) {
    case "gaussian":
      return {
        kind,
        next: (price, sigma, dt, draw) => price + sigma * Math.sqrt(dt) * normalFromUniform(draw()),
      };
    case "binomial":
      return {
        kind,
        next: (price, sigma, dt, draw) => price + sigma * Math.sqrt(dt) * (draw() < 0.5 ? -1 : 1),
      };
    default:
      throw new ValidationError("model.priceModel", kind, '"gaussian" or "binomial"');
  }
}
