/**
 * Sizes of background orders, in lots.
 *
 * Market orders ("selective liquidity taking", Farmer, Gillemot, Lillo, Mike & Sen 2004,
 * "What really causes large price changes?"): a desired size V is drawn from a discretised
 * Pareto (Lomax) law with mean `marketMean` lots and tail P(V > x) ~ x^(−`marketTail`) (the
 * trade-size tail exponent of about 1.5 of Gopikrishnan et al. 2000); the trader then looks
 * at the depth Q at the opposite best quote and, with probability 1 − `sweepProbability`,
 * takes at most Q (so most market orders are smaller than the touch and many clear it
 * exactly, as measured on the LSE), else sends V whatever the depth (and walks the book).
 * Sizes thus scale with the depth: thin books get small orders.
 *
 * Limit orders: 1 + Poisson(`limitMean` − 1) lots.
 *
 * Assumes: sizes independent of sign, time and of each other. Ignores: round-lot clustering,
 * iceberg orders, the size–sign dependence of metaorders. Units: lots.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Rng } from "../rng/rng.ts";
import type { Infer } from "../validation.ts";

/**
 * Schema of the order-size model.
 *
 * @ignore
 */
export const orderSizeConfigSchema = z.strictObject({
  /** Mean desired size of a market order, lots (before the cap at the touch depth). */
  marketMean: z.number().min(1).max(1e6).default(4),
  /** Tail exponent ζ of the desired market-order size, P(V > x) ~ x^(−ζ); ζ > 1. */
  marketTail: z.number().min(1.1).max(20).default(1.5),
  /** Probability that a market order ignores the touch depth and may walk the book. */
  sweepProbability: z.number().min(0).max(1).default(0.1),
  /** Largest market order, lots. */
  marketMax: z.number().int().min(1).max(1e7).default(1_000),
  /** Mean limit-order size, lots (1 + Poisson(mean − 1)). */
  limitMean: z.number().min(1).max(1e6).default(3),
});

/** The order-size model (see the schema's field docs). */
export type OrderSizeConfig = Infer<typeof orderSizeConfigSchema>;

/** Draws sizes of background orders. */
export interface OrderSizeModel {
  /**
   * Size (lots, ≥ 1) of a market order that sees `touchDepth` lots at the opposite best
   * quote (0 when that side is empty).
   */
  marketSize(touchDepth: number, rng: Rng): number;
  /** Size (lots, ≥ 1) of a limit order. */
  limitSize(rng: Rng): number;
  /** Mean desired (uncapped) market-order size, lots. */
  readonly marketMean: number;
}

/**
 * The default size model (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { orderSizeConfigSchema, TouchRelativeSizes } from "./order_sizes.ts";
 * import { Rng } from "../rng/rng.ts";
 * const sizes = new TouchRelativeSizes(orderSizeConfigSchema.parse({ sweepProbability: 0 }));
 * const rng = new Rng(1);
 * for (let i = 0; i < 100; i++) assert.ok(sizes.marketSize(7, rng) <= 7);
 * ```
 */
export class TouchRelativeSizes implements OrderSizeModel {
  readonly marketMean: number;
  readonly #tail: number;
  readonly #scale: number;
  readonly #sweep: number;
  readonly #max: number;
  readonly #lmean: number;
  readonly #lexp: number;

  /** Creates the model from its config. */
  constructor(cfg: OrderSizeConfig) {
    this.marketMean = cfg.marketMean;
    this.#tail = cfg.marketTail;
    // Lomax: X = λ(U^(−1/ζ) − 1), E[X] = λ/(ζ − 1); V = 1 + ⌊X⌋ has mean ≈ 1/2 + E[X]
    this.#scale = Math.max(1e-9, (cfg.marketMean - 0.5) * (cfg.marketTail - 1));
    this.#sweep = cfg.sweepProbability;
    this.#max = cfg.marketMax;
    this.#lmean = cfg.limitMean - 1;
    this.#lexp = Math.exp(-(cfg.limitMean - 1));
  }

  /** The desired (uncapped) size: 1 + ⌊Lomax⌋, at most `marketMax`. */
  desiredSize(rng: Rng): number {
    const x = this.#scale * (Math.pow(1 - rng.next(), -1 / this.#tail) - 1);
    const v = 1 + Math.floor(x);
    return v < this.#max ? v : this.#max;
  }

  marketSize(touchDepth: number, rng: Rng): number {
    const v = this.desiredSize(rng);
    if (touchDepth >= 1 && v > touchDepth && rng.next() >= this.#sweep) return touchDepth;
    return v;
  }

  limitSize(rng: Rng): number {
    const m = this.#lmean;
    if (m <= 0) return 1;
    if (m >= 10) return 1 + rng.poisson(m);
    let k = 0;
    let p = this.#lexp;
    let cdf = p;
    const u = rng.next();
    while (u > cdf && k < 1000) {
      k++;
      p *= m / k;
      cdf += p;
    }
    return 1 + k;
  }
}

/** Creates the default size model from its config. */
export function createOrderSizeModel(cfg: OrderSizeConfig): OrderSizeModel {
  return new TouchRelativeSizes(cfg);
}
