/**
 * Latency arbitrageurs ("snipers", Budish, Cramton & Shim 2015; Aquilina, Budish & O'Neill
 * 2022): fast traders who see the value V of the fundamental model (the public reference
 * price P plus the news the liquidity providers have not priced yet) and race to take the
 * quotes it left stale before liquidity requotes. A quote is stale when it is on the wrong
 * side of V by at least `threshold` ticks: an ask at or below V − threshold, a bid at or
 * above V + threshold. While one is, a sniper arrives at the constant hazard `rate` (per
 * second; the inverse of the time the fastest of them needs to see the move and reach the
 * book) and sends an immediate-or-cancel order for every stale lot, up to `maxLots` (with
 * `sizes: "drawn"`, up to a size drawn from the market orders' law of desired sizes, as a
 * trader whose size does not depend on what the book leaves: `order_sizes.ts`; the other
 * sizings, a log-normal budget or share of what is stale: `FAST_TRADER_SIZES` in
 * `informed.ts`); when no
 * quote is stale, none arrives. Unlike the informed arrivals of `informed.ts` (a share of
 * the market-order arrivals, whatever the book), the snipers' intensity depends on the gap
 * between the value and the quotes: they come in bursts after a move and pick the book off
 * until the price has caught up.
 *
 * The race (a stale quote at a fixed gap, requoted after an exponential delay of rate κ, a
 * sniper at rate λ): the quote is taken before it is requoted with probability λ / (λ + κ)
 * ({@linkcode snipeProbability}), and a maker filled by a sniper loses the gap.
 *
 * Assumes: snipers see V exactly, need no edge beyond `threshold`, never post limit orders
 * and do not compete (the first to arrive takes everything stale). Ignores: their latency
 * distribution beyond the exponential race, their inventory, partial information. Units:
 * ticks, lots, seconds.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ASK, BID, type OrderBook } from "../book/order_book.ts";
import type { Infer } from "../validation.ts";
import { fastTraderSizeFields, fastTraderSizing, MAX_SWEEP_TICKS } from "./informed.ts";

/**
 * Schema of the snipers.
 *
 * @ignore
 */
export const sniperConfigSchema = z.strictObject({
  /** Arrivals per second while a quote is stale (0: no snipers). */
  rate: z.number().min(0).max(1e6).default(0),
  /** Smallest edge, ticks between V and a quote, for a sniper to take it. */
  threshold: z.number().min(0).max(1e6).default(1),
  /** Largest sniper order, lots. */
  maxLots: z.number().min(1).max(1e9).default(100),
  ...fastTraderSizeFields,
});

/** The snipers (see the schema's field docs). */
export type SniperConfig = Infer<typeof sniperConfigSchema>;

/** Latency arbitrageurs: an intensity that depends on the book and the value, and an order. */
export interface SniperModel {
  /** Arrivals per second while a quote is stale (0: none, and the flow never asks). */
  readonly rate: number;
  /**
   * Whether each arrival's size is capped by a desired size the flow draws from its size
   * model (passed to {@linkcode SniperModel.arrive} as `cap`).
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
  /** Arrivals per second when the book's best quotes are `bid`, `ask` and the value `value`. */
  intensity(bid: number, ask: number, value: number): number;
  /**
   * One sniper arrival at `timeNs` with value `valueTicks`: takes the stale quotes of
   * `book` (reporting `aggressorId` to the book's sink) and returns the signed lots traded
   * (+ bought, − sold, 0 when nothing is stale any more), at most `cap` lots and `share`
   * of the stale lots (rounded, at least one).
   */
  arrive(
    book: OrderBook,
    valueTicks: number,
    timeNs: number,
    aggressorId: number,
    cap?: number,
    share?: number,
  ): number;
}

/**
 * Probability that a stale quote is taken by a sniper arriving at rate `rate` before
 * liquidity requotes it after an exponential delay of rate `requoteRate` (both per second).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { snipeProbability } from "./snipers.ts";
 * assert.equal(snipeProbability(3, 1), 0.75);
 * assert.equal(snipeProbability(0, 1), 0);
 * ```
 */
export function snipeProbability(rate: number, requoteRate: number): number {
  return rate + requoteRate > 0 ? rate / (rate + requoteRate) : 0;
}

/**
 * The default snipers (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ASK, BID, OrderBook } from "../book/order_book.ts";
 * import { Snipers, sniperConfigSchema } from "./snipers.ts";
 * const book = new OrderBook();
 * book.addLimit(1, BID, 99, 5, 0);
 * book.addLimit(2, ASK, 101, 5, 0);
 * book.addLimit(3, ASK, 102, 5, 0);
 * const s = new Snipers(sniperConfigSchema.parse({ rate: 50, threshold: 1 }));
 * assert.equal(s.intensity(99, 101, 101.5), 0); // edge 0.5 < 1: nothing stale
 * assert.equal(s.intensity(99, 101, 102.5), 50); // the ask at 101 is 1.5 below V
 * assert.equal(s.arrive(book, 102.5, 1, -1), 5); // takes 101, not 102 (edge 0.5)
 * assert.equal(book.bestAsk(), 102);
 * assert.equal(s.arrive(book, 97.5, 2, -1), -5); // V fell below the bid: sells it
 * ```
 */
export class Snipers implements SniperModel {
  readonly rate: number;
  readonly drawsSize: boolean;
  /** The budget of a dispersed trader (see the interface); undefined otherwise. */
  readonly budget?: (z: number) => number;
  /** The share of a trader with shared sizes (see the interface); undefined otherwise. */
  readonly stake?: (z: number) => number;
  /** Arrivals since the last reset. */
  arrivals = 0;
  /** Signed lots traded since the last reset (+ bought). */
  signedVolume = 0;
  readonly #rate: number;
  readonly #thr: number;
  readonly #max: number;

  /** Creates the snipers from their config. */
  constructor(cfg: SniperConfig) {
    this.rate = cfg.rate;
    this.drawsSize = cfg.sizes === "drawn";
    const sizing = fastTraderSizing(cfg);
    this.budget = sizing.budget;
    this.stake = sizing.stake;
    this.#rate = cfg.rate;
    this.#thr = cfg.threshold;
    this.#max = sizing.maxLots;
  }

  /** Zeroes the counters. */
  reset(): void {
    this.arrivals = 0;
    this.signedVolume = 0;
  }

  intensity(bid: number, ask: number, value: number): number {
    const r = this.#rate;
    if (r === 0) return 0;
    return value - ask >= this.#thr || bid - value >= this.#thr ? r : 0;
  }

  arrive(
    book: OrderBook,
    valueTicks: number,
    timeNs: number,
    aggressorId: number,
    cap = Infinity,
    share = 1,
  ): number {
    this.arrivals++;
    const thr = this.#thr;
    const max = cap < this.#max ? cap : this.#max;
    const ask = book.bestAsk();
    if (ask === ask && valueTicks - ask >= thr) {
      const limit = Math.min(Math.floor(valueTicks - thr), ask + MAX_SWEEP_TICKS - 1);
      let qty = book.depthTo(ASK, limit);
      if (share < 1) qty = Math.max(1, Math.round(qty * share));
      if (qty > max) qty = max;
      if (qty <= 0) return 0;
      const filled = book.market(BID, qty, timeNs, aggressorId);
      this.signedVolume += filled;
      return filled;
    }
    const bid = book.bestBid();
    if (bid === bid && bid - valueTicks >= thr) {
      const limit = Math.max(Math.ceil(valueTicks + thr), bid - MAX_SWEEP_TICKS + 1);
      let qty = book.depthTo(BID, limit);
      if (share < 1) qty = Math.max(1, Math.round(qty * share));
      if (qty > max) qty = max;
      if (qty <= 0) return 0;
      const filled = book.market(ASK, qty, timeNs, aggressorId);
      this.signedVolume -= filled;
      return filled === 0 ? 0 : -filled;
    }
    return 0;
  }
}

/** Creates the snipers of `cfg`. */
export function createSniperModel(cfg: SniperConfig): Snipers {
  return new Snipers(cfg);
}
