/**
 * A recording of one simulated market: every execution (who took liquidity from whom) and
 * every change of the best quotes, in growable typed-array columns. The book tier's market
 * writes it when given one; markouts and market statistics read it.
 *
 * Units: times in seconds of market time, prices in ticks, quantities in lots.
 *
 * @module
 */

/** Who sent the aggressive side of an execution ({@linkcode MarketTape.aggressor}). */
export const FLOW_TYPE = {
  /** An uninformed background market order. */
  UNINFORMED: 1,
  /** An informed trader. */
  INFORMED: 2,
  /** The agent (its order crossed on arrival). */
  AGENT: 3,
} as const;

/** Who owned the resting side of an execution ({@linkcode MarketTape.maker}). */
export const MAKER = {
  /** A background liquidity provider. */
  BACKGROUND: 0,
  /** The agent. */
  AGENT: 1,
} as const;

function growF(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

function growU(a: Uint8Array, n: number): Uint8Array {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}

/**
 * Execution and quote columns of one market. Appending allocates only when a column
 * doubles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FLOW_TYPE, MAKER, MarketTape } from "./tape.ts";
 * const tape = new MarketTape();
 * tape.quote(0, 99, 100, 5, 5);
 * tape.trade(1, 100, 2, 1, FLOW_TYPE.UNINFORMED, MAKER.BACKGROUND, 1);
 * tape.quote(1, 99, 101, 5, 3);
 * assert.equal(tape.trades, 1);
 * assert.equal(tape.midAt(0.5), 99.5);
 * assert.equal(tape.midAt(2), 100);
 * ```
 */
export class MarketTape {
  /** Number of executions recorded. */
  trades = 0;
  /** Execution time, s. */
  tradeTime: Float64Array = new Float64Array(1024);
  /** Execution price, ticks. */
  price: Float64Array = new Float64Array(1024);
  /** Lots executed. */
  qty: Float64Array = new Float64Array(1024);
  /** Aggressor side: 0 buy, 1 sell. */
  side: Uint8Array = new Uint8Array(1024);
  /** Aggressor type, {@linkcode FLOW_TYPE}. */
  aggressor: Uint8Array = new Uint8Array(1024);
  /** Resting owner, {@linkcode MAKER}. */
  maker: Uint8Array = new Uint8Array(1024);
  /** Sequence number of the aggressive order (executions of one order share it). */
  order: Float64Array = new Float64Array(1024);

  /** Number of quote records. */
  quotes = 0;
  /** Quote time, s. */
  quoteTime: Float64Array = new Float64Array(1024);
  /** Best bid, ticks (NaN: empty side). */
  bid: Float64Array = new Float64Array(1024);
  /** Best ask, ticks (NaN: empty side). */
  ask: Float64Array = new Float64Array(1024);
  /** Lots at the best bid. */
  bidQty: Float64Array = new Float64Array(1024);
  /** Lots at the best ask. */
  askQty: Float64Array = new Float64Array(1024);
  /** The simulator's reference price at the record, ticks (NaN when unknown: real data). */
  reference: Float64Array = new Float64Array(1024);

  /** Forgets everything recorded (keeps the memory). */
  clear(): void {
    this.trades = 0;
    this.quotes = 0;
  }

  /** Appends one execution. */
  trade(
    time: number,
    price: number,
    qty: number,
    aggressorSide: number,
    aggressor: number,
    maker: number,
    order: number,
  ): void {
    const n = this.trades;
    if (n === this.price.length) {
      const m = n * 2;
      this.tradeTime = growF(this.tradeTime, m);
      this.price = growF(this.price, m);
      this.qty = growF(this.qty, m);
      this.side = growU(this.side, m);
      this.aggressor = growU(this.aggressor, m);
      this.maker = growU(this.maker, m);
      this.order = growF(this.order, m);
    }
    this.tradeTime[n] = time;
    this.price[n] = price;
    this.qty[n] = qty;
    this.side[n] = aggressorSide;
    this.aggressor[n] = aggressor;
    this.maker[n] = maker;
    this.order[n] = order;
    this.trades = n + 1;
  }

  /**
   * Appends the best quotes as of `time` (and the simulator's reference price, NaN when
   * unknown) when the quotes differ from the last record.
   */
  quote(
    time: number,
    bid: number,
    ask: number,
    bidQty: number,
    askQty: number,
    reference = NaN,
  ): void {
    const n = this.quotes;
    if (n > 0) {
      const k = n - 1;
      if (
        same(this.bid[k], bid) && same(this.ask[k], ask) && this.bidQty[k] === bidQty &&
        this.askQty[k] === askQty
      ) return;
      if (this.quoteTime[k] === time) {
        this.bid[k] = bid;
        this.ask[k] = ask;
        this.bidQty[k] = bidQty;
        this.askQty[k] = askQty;
        this.reference[k] = reference;
        return;
      }
    }
    if (n === this.bid.length) {
      const m = n * 2;
      this.quoteTime = growF(this.quoteTime, m);
      this.bid = growF(this.bid, m);
      this.ask = growF(this.ask, m);
      this.bidQty = growF(this.bidQty, m);
      this.askQty = growF(this.askQty, m);
      this.reference = growF(this.reference, m);
    }
    this.quoteTime[n] = time;
    this.bid[n] = bid;
    this.ask[n] = ask;
    this.bidQty[n] = bidQty;
    this.askQty[n] = askQty;
    this.reference[n] = reference;
    this.quotes = n + 1;
  }

  /** Index of the last quote record at or before `time` (−1 when none). */
  quoteIndexAt(time: number): number {
    let lo = 0;
    let hi = this.quotes - 1;
    if (hi < 0 || this.quoteTime[0] > time) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.quoteTime[mid] <= time) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Mid (ticks) in force at `time`: the last quote record at or before it with both sides
   * present (NaN when none).
   */
  midAt(time: number): number {
    for (let k = this.quoteIndexAt(time); k >= 0; k--) {
      const b = this.bid[k];
      const a = this.ask[k];
      if (b === b && a === a) return (a + b) / 2;
    }
    return NaN;
  }

  /** The reference price in force at `time`, ticks (NaN when none was recorded). */
  referenceAt(time: number): number {
    const k = this.quoteIndexAt(time);
    return k < 0 ? NaN : this.reference[k];
  }

  /** Time of the last record (trade or quote), s (NaN when empty). */
  get endTime(): number {
    const a = this.trades > 0 ? this.tradeTime[this.trades - 1] : -Infinity;
    const b = this.quotes > 0 ? this.quoteTime[this.quotes - 1] : -Infinity;
    const m = a > b ? a : b;
    return m === -Infinity ? NaN : m;
  }
}

function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
