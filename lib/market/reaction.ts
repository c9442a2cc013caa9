/**
 * Liquidity that reacts: background orders left on the wrong side of the reference price
 * after it moved (a bid at or above P + `tolerance`, an ask at or below P − `tolerance`)
 * are stale. Each stale order's owner notices after its own reaction delay, drawn from
 * `latency` (independently per order), and then, if the order is still stale, re-posts it
 * at a new price from the placement model (probability `reprice`, keeping its size and
 * losing its queue position) or cancels it. Until then it can be taken by anyone, which is
 * how informed traders and lucky uninformed ones pick off stale quotes (latency arbitrage,
 * Budish, Cramton & Shim 2015).
 *
 * With `follow` set, liquidity also follows the price on the side it moved away from: when
 * a side's best quote is more than `follow` ticks behind the reference price (a best bid
 * below P − follow, a best ask above P + follow), its orders within the placement's
 * distances of that best quote are stale too, and their owners requote (or cancel) them the
 * same way: market makers quote both sides around the price, so the book moves as a whole
 * (a one-tick market whose price moves by many ticks keeps its one-tick spread). A re-posted
 * order draws its distance from the placement model, so it can land behind again: less than
 * a tick behind (one whole tick further than the price calls for), its side looks again, each
 * order after its own delay, until its best quote is within `follow` ticks (at most 16 times
 * in a row, and only while the opposite best quote leaves room for such a price); further
 * back, it waits for the best quotes to change. Unset (the default), only orders the price
 * moved through are stale.
 *
 * Assumes: owners watch the reference price, not the book; every owner is equally fast (one
 * delay distribution). Ignores: owners who cancel before the price moves (predictive
 * quoting), messaging limits. Units: ticks; the latency in milliseconds.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Side } from "../book/order_book.ts";
import type { Rng } from "../rng/rng.ts";
import type { Infer } from "../validation.ts";
import { createLatencyModel, latencySpecSchema } from "./latency.ts";
import type { LatencyModel } from "./types.ts";

/**
 * Schema of the stale-order reaction model.
 *
 * @ignore
 */
export const reactionConfigSchema = z.strictObject({
  /** Delay between an order going stale and its owner acting on it. */
  latency: latencySpecSchema.default({ kind: "exponential", meanMs: 50 }),
  /** How far through the reference price (ticks) an order must be to count as stale. */
  tolerance: z.number().min(0).max(1_000).default(0),
  /** Probability that a stale order is re-posted at a new price rather than cancelled. */
  reprice: z.number().min(0).max(1).default(0.5),
  /**
   * Ticks a side's best quote may lag behind the reference price before that side's orders
   * are requoted too (liquidity follows the price on both sides); unset: never.
   */
  follow: z.number().min(0).max(1_000).optional(),
});

/** The stale-order reaction model (see the schema's field docs). */
export type ReactionConfig = Infer<typeof reactionConfigSchema>;

/** How background liquidity reacts to price moves. */
export interface ReactionModel {
  /** Orders on `side` at prices at least this good are stale (a bid ≥ it, an ask ≤ it), ticks. */
  staleFrom(side: Side, reference: number): number;
  /**
   * Orders on `side` priced strictly worse than this (a bid below it, an ask above it) are
   * stale when the side's best quote is too: the price moved away from them (optional; NaN
   * or absent: never).
   */
  behindFrom?(side: Side, reference: number): number;
  /** One owner's reaction delay, nanoseconds. */
  delayNs(rng: Rng): number;
  /** Probability that a stale order is re-posted rather than cancelled. */
  readonly repriceProbability: number;
}

/**
 * The default reaction model (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ASK, BID } from "../book/order_book.ts";
 * import { reactionConfigSchema, StaleQuoteReaction } from "./reaction.ts";
 * const r = new StaleQuoteReaction(reactionConfigSchema.parse({}));
 * assert.equal(r.staleFrom(BID, 100.4), 101); // bids at 101 and above are above the price
 * assert.equal(r.staleFrom(ASK, 100.4), 100); // asks at 100 and below
 * assert.ok(Number.isNaN(r.behindFrom(BID, 100.4))); // no following by default
 * const f = new StaleQuoteReaction(reactionConfigSchema.parse({ follow: 2 }));
 * assert.equal(f.behindFrom(BID, 100.4), 98.4); // a best bid below 98.4 lags the price
 * ```
 */
export class StaleQuoteReaction implements ReactionModel {
  readonly repriceProbability: number;
  readonly #tol: number;
  readonly #follow: number;
  readonly #lat: LatencyModel;

  /** Creates the model from its config. */
  constructor(cfg: ReactionConfig) {
    this.repriceProbability = cfg.reprice;
    this.#tol = cfg.tolerance;
    this.#follow = cfg.follow ?? NaN;
    this.#lat = createLatencyModel(cfg.latency);
  }

  staleFrom(side: Side, reference: number): number {
    return side === 0 ? Math.ceil(reference + this.#tol) : Math.floor(reference - this.#tol);
  }

  behindFrom(side: Side, reference: number): number {
    return side === 0 ? reference - this.#follow : reference + this.#follow;
  }

  delayNs(rng: Rng): number {
    return this.#lat.sample(rng);
  }
}

/** Creates the reaction model of `cfg`. */
export function createReactionModel(cfg: ReactionConfig): ReactionModel {
  return new StaleQuoteReaction(cfg);
}
