/**
 * Arithmetic Brownian motion for the mid/fundamental price: dS = σ dW, with σ in
 * dollars per √second (the caller applies the regime multiplier).
 *
 * @module
 */
import { requireFinite } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import type { PriceProcess } from "./types.ts";

/**
 * Creates an arithmetic Brownian motion. `advance(dt, σ, rng)` adds σ·√dt·Z with
 * Z ~ N(0, 1) drawn from `rng` (exact for any dt).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPriceProcess } from "./price_process.ts";
 * import { Rng } from "../rng/rng.ts";
 * const p = createPriceProcess();
 * p.reset(100);
 * const z = new Rng("price").normal(); // the draw `advance` will make
 * assert.equal(p.advance(0.1, 0.013, new Rng("price")), 100 + 0.013 * Math.sqrt(0.1) * z);
 * ```
 */
export function createPriceProcess(): PriceProcess {
  return new ArithmeticBrownianMotion();
}

class ArithmeticBrownianMotion implements PriceProcess {
  #price = 0;

  get price(): number {
    return this.#price;
  }

  reset(price0: number): void {
    this.#price = requireFinite("price0", price0);
  }

  advance(dt: number, sigma: number, rng: Rng): number {
    this.#price += sigma * Math.sqrt(dt) * rng.normal();
    return this.#price;
  }
}

const A1 = -3.969683028665376e1, A2 = 2.209460984245205e2, A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2, A5 = -3.066479806614716e1, A6 = 2.506628277459239;
const B1 = -5.447609879822406e1, B2 = 1.615858368580409e2, B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1, B5 = -1.328068155288572e1;
const C1 = -7.784894002430293e-3, C2 = -3.223964580411365e-1, C3 = -2.400758277161838;
const C4 = -2.549732539343734, C5 = 4.374664141464968, C6 = 2.938163982698783;
const D1 = 7.784695709041462e-3, D2 = 3.224671290700398e-1, D3 = 2.445134137142996;
const D4 = 3.754408661907416;
const P_LOW = 0.02425;

/**
 * The standard normal quantile Φ⁻¹(u) by Acklam's rational approximation (relative
 * error below 1.2e-9), for u in [0, 1): one uniform gives one normal draw, which is
 * cheaper than the polar method in hot loops. u is shifted by 2⁻³³ so that u = 0 (a
 * 32-bit generator's smallest output) maps to a finite value (≈ −6.34).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalFromUniform } from "./price_process.ts";
 * assert.equal(normalFromUniform(0.5 - 2 ** -33), 0);
 * assert.ok(Math.abs(normalFromUniform(0.975) - 1.959964) < 1e-6);
 * assert.ok(Math.abs(normalFromUniform(0) - -6.338) < 1e-3);
 * ```
 */
export function normalFromUniform(u: number): number {
  const p = u + 1.1641532182693481e-10;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) /
      ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  }
  if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    return (((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * q /
      (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1);
  }
  const q = Math.sqrt(-2 * Math.log(1 - p));
  return -(((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) /
    ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
}
