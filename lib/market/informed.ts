/**
 * Informed traders: they know the value V of the fundamental model (the public reference
 * price P plus the private news not yet revealed) and trade on that private information. A
 * share `share` of the market-order arrivals is informed (Kyle 1985 and Glosten & Milgrom
 * 1985: a market maker loses to them and must earn it back from the uninformed flow). When
 * V > P, an informed arrival buys every ask priced at least `threshold` ticks below V (an
 * immediate-or-cancel buy limit at V − threshold), up to `maxLots` (other sizings, a size
 * drawn from the market orders' law, a log-normal budget or share: {@linkcode FAST_TRADER_SIZES});
 * when V < P it sells every
 * bid at least `threshold` above V; otherwise, or when no quote is that far off, it does
 * nothing. Its order is a market event like any other: it moves the reference price through
 * the impact model, and the liquidity providers cannot tell it from an uninformed one.
 *
 * Trading only in the direction of the private news keeps the informed signs independent
 * of the public order flow, so the liquidity providers' forecast stays unbiased and the
 * reference price a martingale; informed traders still take any stale quote on their side.
 *
 * Assumes: informed traders see V exactly and at once, and never post limit orders.
 * Ignores: their inventory and risk, competition between them, strategic splitting, the race
 * to stale quotes after a move (the snipers of `snipers.ts`). Units: ticks, lots.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ASK, BID, MAX_ORDER_QTY, type OrderBook } from "../book/order_book.ts";
import type { Infer } from "../validation.ts";

/**
 * How a fast trader (informed trader or sniper) sizes its order: `stale`, every lot its edge
 * allows up to its `maxLots`; `drawn`, at most a desired size drawn for each arrival from the
 * market orders' size law; `dispersed`, at most a budget drawn for each arrival, log-normal
 * with mean `maxLots` and log-sd `sizeSigma` ({@linkcode dispersedCap}); `share`, a share of
 * the lots its edge allows drawn for each arrival, log-normal with median `shareMedian` and
 * log-sd `sizeSigma`, at most all of them ({@linkcode stakeShare}), with no cap at `maxLots`.
 */
export const FAST_TRADER_SIZES = ["stale", "drawn", "dispersed", "share"] as const;

/**
 * The share of the stale lots a fast trader with `sizes: "share"` takes on one arrival:
 * min(1, median · exp(σz)), `z` a standard normal draw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stakeShare } from "./informed.ts";
 * assert.equal(stakeShare(0.05, 3, 0), 0.05); // the median
 * assert.equal(stakeShare(0.05, 3, 2), 1); // at most everything stale
 * assert.ok(stakeShare(0.05, 3, -2) < 0.0002);
 * ```
 */
export function stakeShare(median: number, sigma: number, z: number): number {
  const v = median * Math.exp(sigma * z);
  return v < 1 ? v : 1;
}

/**
 * A fast trader's budget for one arrival with `sizes: "dispersed"`: log-normal with mean
 * `meanLots` and log-sd `sigma`, `z` a standard normal draw, rounded to whole lots (at least
 * one): meanLots · exp(σz − σ²/2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dispersedCap } from "./informed.ts";
 * assert.equal(dispersedCap(100, 0, 1.3), 100); // σ = 0: the mean itself
 * assert.equal(dispersedCap(100, 1, 0), Math.round(100 * Math.exp(-0.5))); // the median
 * assert.equal(dispersedCap(100, 2, -9), 1); // at least one lot
 * ```
 */
export function dispersedCap(meanLots: number, sigma: number, z: number): number {
  const v = Math.round(meanLots * Math.exp(sigma * z - 0.5 * sigma * sigma));
  return v > 1 ? v : 1;
}

/**
 * The size fields of a fast trader's schema (the informed traders' and the snipers'): how it
 * sizes its order (see {@linkcode FAST_TRADER_SIZES}) and the laws' parameters.
 *
 * @ignore
 */
export const fastTraderSizeFields = {
  /**
   * An order's size: `stale` (absent), every lot its edge allows up to `maxLots`; `drawn`, at
   * most a desired size drawn for each arrival from the market orders' size law; `dispersed`,
   * at most a budget drawn for each arrival, log-normal with mean `maxLots` and log-sd
   * `sizeSigma`; `share`, a share of the lots its edge allows (median `shareMedian`, log-sd
   * `sizeSigma`).
   */
  sizes: z.enum(FAST_TRADER_SIZES).optional(),
  /**
   * With `sizes: "dispersed"`, the log-sd of each arrival's budget (mean `maxLots`); with
   * `sizes: "share"`, of its share of the stale lots.
   */
  sizeSigma: z.number().min(0).max(5).optional(),
  /** With `sizes: "share"`, the median share of the stale lots an arrival takes. */
  shareMedian: z.number().positive().max(1).optional(),
};

/** How a fast trader sizes its orders ({@linkcode fastTraderSizing}). */
export interface FastTraderSizing {
  /** With `dispersed` sizes, the budget in lots for a standard normal draw z. */
  budget?: (z: number) => number;
  /** With `share` sizes, the share of the stale lots for a standard normal draw z. */
  stake?: (z: number) => number;
  /** The most lots one order may take: `maxLots`, or the book's limit when a law caps it. */
  maxLots: number;
}

/**
 * The sizing of a fast trader of config `cfg` (see {@linkcode FAST_TRADER_SIZES}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fastTraderSizing } from "./informed.ts";
 * assert.equal(fastTraderSizing({ maxLots: 20 }).budget, undefined); // stale: maxLots caps
 * const d = fastTraderSizing({ maxLots: 20, sizes: "dispersed", sizeSigma: 0 });
 * assert.equal(d.budget!(1.3), 20);
 * const s = fastTraderSizing({ maxLots: 20, sizes: "share", shareMedian: 0.1, sizeSigma: 1 });
 * assert.equal(s.stake!(0), 0.1);
 * assert.ok(s.maxLots > 20); // the share, not maxLots, decides
 * ```
 */
export function fastTraderSizing(cfg: {
  maxLots: number;
  sizes?: typeof FAST_TRADER_SIZES[number];
  sizeSigma?: number;
  shareMedian?: number;
}): FastTraderSizing {
  const sigma = cfg.sizeSigma ?? 1;
  if (cfg.sizes === "dispersed") {
    const mean = cfg.maxLots;
    return { budget: (z) => dispersedCap(mean, sigma, z), maxLots: MAX_ORDER_QTY };
  }
  if (cfg.sizes === "share") {
    const median = cfg.shareMedian ?? 1;
    return { stake: (z) => stakeShare(median, sigma, z), maxLots: MAX_ORDER_QTY };
  }
  return { maxLots: cfg.maxLots };
}

/** Largest number of price levels one informed order may sweep. */
export const MAX_SWEEP_TICKS = 1_000;

/**
 * Schema of the informed traders.
 *
 * @ignore
 */
export const informedConfigSchema = z.strictObject({
  /** Share of market-order arrivals that are informed (each trades only with an edge). */
  share: z.number().min(0).max(1).default(0.1),
  /** Smallest edge, ticks between V and a quote, for an informed trader to take it. */
  threshold: z.number().min(0).max(1_000).default(0.5),
  /** Largest informed order, lots. */
  maxLots: z.number().min(1).max(1e7).default(20),
  ...fastTraderSizeFields,
});

/** The informed traders (see the schema's field docs). */
export type InformedConfig = Infer<typeof informedConfigSchema>;

/** An informed trader's decision and order. */
export interface InformedModel {
  /** Share of market-order arrivals that are informed, in [0, 1]. */
  readonly share: number;
  /**
   * Whether each arrival's size is capped by a desired size the flow draws from its size
   * model (passed to {@linkcode InformedModel.arrive} as `cap`).
   */
  readonly drawsSize?: boolean;
  /**
   * With dispersed sizes, each arrival's budget in lots for a standard normal draw `z` that
   * the flow makes (passed to `arrive` as `cap`); absent: no budget.
   */
  budget?(z: number): number;
  /**
   * With shared sizes, the share of the stale lots an arrival takes for a standard normal
   * draw `z` that the flow makes (passed to `arrive` as `share`); absent: all of them.
   */
  stake?(z: number): number;
  /**
   * One informed arrival at `timeNs` with value `valueTicks` and public reference price
   * `referenceTicks`: sends its order to `book` (reporting `aggressorId` to the book's sink)
   * and returns the signed lots traded (+ bought, − sold, 0 when it abstains), at most `cap`
   * lots and `share` of the lots beyond its edge (rounded, at least one).
   */
  arrive(
    book: OrderBook,
    valueTicks: number,
    referenceTicks: number,
    timeNs: number,
    aggressorId: number,
    cap?: number,
    share?: number,
  ): number;
}

/**
 * The default informed trader (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ASK, BID, OrderBook } from "../book/order_book.ts";
 * import { InformedTrader, informedConfigSchema } from "./informed.ts";
 * const book = new OrderBook();
 * book.addLimit(1, BID, 99, 5, 0);
 * book.addLimit(2, ASK, 101, 5, 0);
 * book.addLimit(3, ASK, 102, 5, 0);
 * const informed = new InformedTrader(informedConfigSchema.parse({ threshold: 0.5 }));
 * // private news: V = 102.4 above the public price 100
 * assert.equal(informed.arrive(book, 102.4, 100, 1, -1), 5); // buys 101 (edge 1.4), not 102
 * assert.equal(book.bestAsk(), 102);
 * assert.equal(informed.arrive(book, 99.2, 100, 2, -1), 0); // V < P, but no bid above 99.7
 * ```
 */
export class InformedTrader implements InformedModel {
  readonly share: number;
  readonly drawsSize: boolean;
  /** The budget of a dispersed trader (see the interface); undefined otherwise. */
  readonly budget?: (z: number) => number;
  /** The share of a trader with shared sizes (see the interface); undefined otherwise. */
  readonly stake?: (z: number) => number;
  /** Arrivals since the last reset. */
  arrivals = 0;
  /** Arrivals that traded since the last reset. */
  trades = 0;
  /** Signed lots traded since the last reset (+ bought). */
  signedVolume = 0;
  readonly #thr: number;
  readonly #max: number;

  /** Creates the trader from its config. */
  constructor(cfg: InformedConfig) {
    this.share = cfg.share;
    this.drawsSize = cfg.sizes === "drawn";
    const sizing = fastTraderSizing(cfg);
    this.budget = sizing.budget;
    this.stake = sizing.stake;
    this.#thr = cfg.threshold;
    this.#max = sizing.maxLots;
  }

  /** Zeroes the counters. */
  reset(): void {
    this.arrivals = 0;
    this.trades = 0;
    this.signedVolume = 0;
  }

  arrive(
    book: OrderBook,
    valueTicks: number,
    referenceTicks: number,
    timeNs: number,
    aggressorId: number,
    cap = Infinity,
    share = 1,
  ): number {
    this.arrivals++;
    const max = cap < this.#max ? cap : this.#max;
    const bid = book.bestBid();
    const ask = book.bestAsk();
    const thr = this.#thr;
    const up = valueTicks > referenceTicks;
    if (up && ask === ask && valueTicks - ask >= thr) {
      // every ask at or below V − threshold
      const limit = Math.min(Math.floor(valueTicks - thr), ask + MAX_SWEEP_TICKS - 1);
      let qty = book.depthTo(ASK, limit);
      if (share < 1) qty = Math.max(1, Math.round(qty * share));
      if (qty > max) qty = max;
      if (qty <= 0) return 0;
      const filled = book.market(BID, qty, timeNs, aggressorId);
      this.trades++;
      this.signedVolume += filled;
      return filled;
    }
    if (!up && valueTicks < referenceTicks && bid === bid && bid - valueTicks >= thr) {
      const limit = Math.max(Math.ceil(valueTicks + thr), bid - MAX_SWEEP_TICKS + 1);
      let qty = book.depthTo(BID, limit);
      if (share < 1) qty = Math.max(1, Math.round(qty * share));
      if (qty > max) qty = max;
      if (qty <= 0) return 0;
      const filled = book.market(ASK, qty, timeNs, aggressorId);
      this.trades++;
      this.signedVolume -= filled;
      return filled === 0 ? 0 : -filled;
    }
    return 0;
  }
}

/** Creates the informed trader of `cfg`. */
export function createInformedModel(cfg: InformedConfig): InformedTrader {
  return new InformedTrader(cfg);
}
