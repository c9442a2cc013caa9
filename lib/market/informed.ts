/**
 * Informed flow: traders who know a latent fundamental price and arbitrage the book
 * against it. An informed trader arrives (at a Poisson rate the caller owns); when the
 * fundamental differs from the book's mid by more than `thresholdTicks`, the trader sends a
 * market order for exactly the liquidity that is mispriced, i.e. every ask priced strictly
 * below the fundamental (a buy) or every bid priced strictly above it (a sell). This anchors
 * the mid to the fundamental (the background flow re-fills the book around the new quotes)
 * and is the source of adverse selection for a market maker whose quotes go stale.
 *
 * @module
 */
import { ASK, BID, type OrderBook } from "../book/order_book.ts";
import { ValidationError } from "../errors.ts";

/** Largest number of price levels one informed order may sweep. */
export const MAX_SWEEP_TICKS = 1_000;

/**
 * Informed arbitrageur over one order book.
 *
 * @example
 * ```ts
 * import { ASK, BID, OrderBook } from "../book/order_book.ts";
 * import { InformedFlow } from "./informed.ts";
 * const book = new OrderBook();
 * book.addLimit(1, BID, 99, 5, 0);
 * book.addLimit(2, ASK, 101, 5, 0);
 * book.addLimit(3, ASK, 102, 5, 0);
 * const informed = new InformedFlow(1);
 * informed.arrive(book, 102.5, 1); // +10: buys the asks at 101 and 102
 * book.bestAsk(); // NaN
 * ```
 */
export class InformedFlow {
  /** Trigger: |fundamental − mid| must exceed this many ticks. */
  readonly thresholdTicks: number;
  /** Arrivals since the last reset. */
  arrivals = 0;
  /** Arrivals that traded since the last reset. */
  trades = 0;
  /** Signed lots traded since the last reset (+ bought). */
  signedVolume = 0;

  /** Creates the flow with trigger `thresholdTicks` (≥ 0). */
  constructor(thresholdTicks: number) {
    if (typeof thresholdTicks !== "number" || !(thresholdTicks >= 0 && thresholdTicks <= 1000)) {
      throw new ValidationError("flow.informedThreshold", thresholdTicks, "a number in [0, 1000]");
    }
    this.thresholdTicks = thresholdTicks;
  }

  /** Zeroes the counters. */
  reset(): void {
    this.arrivals = 0;
    this.trades = 0;
    this.signedVolume = 0;
  }

  /**
   * One informed arrival at `timeNs` with the fundamental at `fundamentalTicks`: trades the
   * mispriced liquidity if the gap exceeds the threshold. Returns the signed lots traded
   * (+ bought, − sold, 0 when idle). `aggressorId` is reported to the book's sink.
   */
  arrive(book: OrderBook, fundamentalTicks: number, timeNs: number, aggressorId = -1): number {
    this.arrivals++;
    const bid = book.bestBid();
    const ask = book.bestAsk();
    let mid: number;
    if (bid === bid && ask === ask) mid = (bid + ask) / 2;
    else if (ask === ask) mid = ask;
    else if (bid === bid) mid = bid;
    else return 0;
    const gap = fundamentalTicks - mid;
    if (gap > this.thresholdTicks && ask === ask) {
      // buy every ask priced strictly below the fundamental
      const limit = Math.ceil(fundamentalTicks) - 1;
      let qty = 0;
      const stop = Math.min(limit, ask + MAX_SWEEP_TICKS - 1);
      for (let p = ask; p <= stop; p++) qty += book.levelQty(ASK, p);
      if (qty <= 0) return 0;
      const filled = book.market(BID, qty, timeNs, aggressorId);
      this.trades++;
      this.signedVolume += filled;
      return filled;
    }
    if (-gap > this.thresholdTicks && bid === bid) {
      const limit = Math.floor(fundamentalTicks) + 1;
      let qty = 0;
      const stop = Math.max(limit, bid - MAX_SWEEP_TICKS + 1, 1);
      for (let p = bid; p >= stop; p--) qty += book.levelQty(BID, p);
      if (qty <= 0) return 0;
      const filled = book.market(ASK, qty, timeNs, aggressorId);
      this.trades++;
      this.signedVolume -= filled;
      return filled === 0 ? 0 : -filled;
    }
    return 0;
  }
}
