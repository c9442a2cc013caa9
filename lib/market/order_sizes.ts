/**
 * Sizes of background orders, in lots.
 *
 * Market orders ("selective liquidity taking", Farmer, Gillemot, Lillo, Mike & Sen 2004,
 * "What really causes large price changes?"): a desired size V is drawn from the law `law`
 * (`size_law.ts`): by default a discretised Pareto (Lomax) law with mean `marketMean` lots and
 * tail P(V > x) ~ x^(−`marketTail`) (the trade-size tail exponent of about 1.5 of Gopikrishnan
 * et al. 2000), or a log-normal law of mean `marketMean` whose log has standard deviation
 * `marketLogSd`, or a mixture of log-normal `components`; the trader then looks at the depth Q
 * at the opposite best quote and, with probability 1 − `sweepProbability`, takes at most Q
 * (so most market orders are smaller than the touch and many clear it exactly, as measured
 * on the LSE), else sends V whatever the depth (and walks the book).
 * Sizes thus scale with the depth: thin books get small orders.
 *
 * Limit orders: 1 + Poisson(`limitMean` − 1) lots, or, with `limitComponents`, max(1,
 * round(X)) lots with X from a mixture of log-normals (a component of tiny σ: a round lot).
 *
 * Assumes: sizes independent of sign, time and of each other; limit sizes independent of the
 * distance from the touch. Ignores: iceberg orders, the size–sign dependence of metaorders,
 * round-lot clustering of market orders beyond what a mixture component makes. Units: lots.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Rng } from "../rng/rng.ts";
import type { Infer } from "../validation.ts";
import { createSizeLaw, LogNormalMixtureSizeLaw, SIZE_LAWS, type SizeLaw } from "./size_law.ts";

/**
 * The laws of limit-order sizes, by name: `poisson` (1 + Poisson(`limitMean` − 1) lots, the
 * default) or `lognormal-mix` (`limitComponents`).
 */
export const LIMIT_SIZE_LAWS = ["poisson", "lognormal-mix"] as const;

/** One component of a log-normal mixture of sizes (`size_law.ts`). */
const componentSchema = z.strictObject({
  /** Share of the orders. */
  weight: z.number().gt(0).max(1),
  /** Median size, lots. */
  median: z.number().min(0.01).max(1e7),
  /** Standard deviation of the log (down to 10⁻⁴: a point mass such as a round lot). */
  logSd: z.number().min(1e-4).max(5),
});

/**
 * Schema of the order-size model.
 *
 * @ignore
 */
export const orderSizeConfigSchema = z.strictObject({
  /** Law of the desired market-order size (`size_law.ts`; absent: `lomax`). */
  law: z.enum(SIZE_LAWS).optional(),
  /** Mean desired size of a market order, lots (before the cap at the touch depth). */
  marketMean: z.number().min(1).max(1e6).default(4),
  /** Tail exponent ζ of the desired market-order size, P(V > x) ~ x^(−ζ); ζ > 1 (`lomax`). */
  marketTail: z.number().min(1.1).max(20).default(1.5),
  /** Standard deviation σ of the log of the desired size (`lognormal`; absent: 1). */
  marketLogSd: z.number().min(0.01).max(5).optional(),
  /**
   * The components of the `lognormal-mix` law: each a share of the orders, a median (lots)
   * and the standard deviation of the log (a tiny one: a round lot); `marketMean` is then the
   * mixture's mean (the calibration writes it), which the cancellation hazards and the
   * fundamental read.
   */
  components: z.array(componentSchema).min(1).max(8).optional(),
  /** Probability that a market order ignores the touch depth and may walk the book. */
  sweepProbability: z.number().min(0).max(1).default(0.1),
  /** Largest market order, lots. */
  marketMax: z.number().int().min(1).max(1e7).default(1_000),
  /** Mean limit-order size, lots (1 + Poisson(mean − 1); with `limitComponents`, their mean). */
  limitMean: z.number().min(1).max(1e6).default(3),
  /**
   * Limit-order sizes from a mixture of log-normals instead of the Poisson law (absent: the
   * Poisson): max(1, round(X)) lots, X drawn as a `lognormal-mix` market size is. A component
   * of tiny σ is a round lot (half of AMZN's limit orders are exactly 100 shares).
   */
  limitComponents: z.array(componentSchema).min(1).max(8).optional(),
}).refine((c) => c.law !== "lognormal-mix" || c.components !== undefined, {
  message: "a list of components (the lognormal-mix law has no default)",
  path: ["components"],
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
  /** The desired (uncapped) size of a market order, lots (≥ 1): what it would take of any depth. */
  desiredSize(rng: Rng): number;
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
  readonly #law: SizeLaw;
  readonly #sweep: number;
  readonly #max: number;
  readonly #lmean: number;
  readonly #lexp: number;
  readonly #limitLaw: SizeLaw | undefined;

  /** Creates the model from its config; `law` replaces the config's law of desired sizes. */
  constructor(cfg: OrderSizeConfig, law: SizeLaw = createSizeLaw(cfg)) {
    this.marketMean = cfg.marketMean;
    this.#law = law;
    this.#sweep = cfg.sweepProbability;
    this.#max = cfg.marketMax;
    this.#lmean = cfg.limitMean - 1;
    this.#lexp = Math.exp(-(cfg.limitMean - 1));
    this.#limitLaw = cfg.limitComponents === undefined
      ? undefined
      : new LogNormalMixtureSizeLaw(cfg.limitComponents);
  }

  /** The desired (uncapped) size, drawn from the law, at most `marketMax`. */
  desiredSize(rng: Rng): number {
    const v = this.#law.draw(rng);
    return v < this.#max ? v : this.#max;
  }

  marketSize(touchDepth: number, rng: Rng): number {
    const v = this.desiredSize(rng);
    if (touchDepth >= 1 && v > touchDepth && rng.next() >= this.#sweep) return touchDepth;
    return v;
  }

  limitSize(rng: Rng): number {
    if (this.#limitLaw !== undefined) return this.#limitLaw.draw(rng);
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
