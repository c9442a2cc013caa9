/**
 * Market-order arrival models of the model tier (mbt_gym's `ArrivalModel`; the book tier's
 * point processes are in `arrivals.ts`): how many background market orders arrive on each
 * side during one step (they feed the TRADE_FLOW observation; the
 * agent's fills come from the fill-probability model).
 *
 * The Poisson model: buys and sells arrive as independent Poisson processes of intensity
 * A·f each (A fills per second, the same intensity as a quote at the mid; f the regime's
 * flow multiplier), unit size. Per step both counts come from one uniform: the buy count by
 * inversion of u, the sell count by inversion of the residual uniform (u − F(b − 1)) / p(b),
 * which is uniform and independent of the buy count. Exact up to the uniform's 32-bit
 * resolution. Assumes: stationary, memoryless flow, independent of the price and of the
 * agent; ignores sizes, clustering (see the Hawkes models of the book tier) and impact.
 *
 * @module
 */
import type { UniformSource } from "../rng/rng.ts";
import { ValidationError } from "../errors.ts";

/** Buy and sell counts of one step. */
export interface MarketOrderCounts {
  /** Market buy orders. */
  buys: number;
  /** Market sell orders. */
  sells: number;
}

/** Background market-order counts per step (see the module doc). */
export interface MarketOrderArrivalModel {
  /**
   * Writes into `out` the counts of one step of `dt` seconds with the regime's flow
   * multiplier `flowMultiplier`, drawing from `draw`.
   */
  counts(dt: number, flowMultiplier: number, draw: UniformSource, out: MarketOrderCounts): void;
}

/** Largest count a single step reports (a cap on the inversion loop). */
export const MAX_MARKET_ORDERS_PER_STEP = 1000;

/**
 * Inverts the Poisson(`mean`) distribution at `u` (p0 = e^(−mean)), by sequential search.
 * Returns the count.
 */
export function poissonInverse(u: number, mean: number, p0: number): number {
  let k = 0, p = p0, cdf = p0;
  while (u > cdf && k < MAX_MARKET_ORDERS_PER_STEP) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/**
 * Poisson arrivals of intensity `A` per second per side (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { poissonMarketOrders } from "./model_arrivals.ts";
 * const m = poissonMarketOrders(2);
 * const out = { buys: 0, sells: 0 };
 * m.counts(0.1, 1, () => 0.1, out); // u below e^(−0.2): no buy, residual 0.12: no sell
 * assert.deepEqual(out, { buys: 0, sells: 0 });
 * ```
 */
export function poissonMarketOrders(A: number): MarketOrderArrivalModel {
  if (!(A > 0) || !Number.isFinite(A)) throw new ValidationError("model.A", A, "a rate > 0");
  return {
    counts(dt, flowMultiplier, draw, out) {
      const mean = A * flowMultiplier * dt;
      const p0 = Math.exp(-mean);
      let u = draw();
      let buys = 0, p = p0, cdf = p0;
      while (u > cdf && buys < MAX_MARKET_ORDERS_PER_STEP) {
        buys++;
        p *= mean / buys;
        cdf += p;
      }
      u = (u - (cdf - p)) / p;
      out.buys = buys;
      out.sells = poissonInverse(u, mean, p0);
    },
  };
}
