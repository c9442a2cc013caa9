/**
 * Views of a tape for analysis and calibration, in the units people use (price units,
 * instrument units, seconds): the trades with their aggressor side, and the best quotes each
 * time they change. Each view allocates its own typed arrays once (not for hot loops).
 *
 * @module
 */
import { ASK } from "../book/order_book.ts";
import { EVENT, isTradeKind, type Tape } from "./tape.ts";

/** The trades of a tape (one entry per trade print or execution). */
export interface TradeView {
  /** Row of each trade in the tape. */
  row: Int32Array;
  /** Exchange time, seconds since the tape's origin. */
  time: Float64Array;
  /** Local receive time, seconds since the tape's origin (= time without a local clock). */
  localTime: Float64Array;
  /** Price, price units (dollars, USDT). */
  price: Float64Array;
  /** Quantity, instrument units (shares, BTC). */
  qty: Float64Array;
  /** Aggressor side: +1 a buyer lifted an ask, −1 a seller hit a bid. */
  sign: Int8Array;
  /** 1 for an execution against hidden liquidity (LOBSTER type 5). */
  hidden: Uint8Array;
}

/**
 * The trades of `tape` from its book start on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "./csv.ts";
 * import { tradeView } from "./views.ts";
 * const p = new CsvParser("t.csv");
 * ["ts,type,side,price,qty", "0,snapshot,bid,9.99,5", "0,snapshot,ask,10.01,5",
 *   "1000000000,trade,buy,10.01,2", "2000000000,trade,sell,9.99,1"]
 *   .forEach((l, i) => p.push(l, i + 1));
 * const t = tradeView(p.finish());
 * assert.deepEqual([...t.sign], [1, -1]);
 * assert.deepEqual([...t.price], [10.01, 9.99]);
 * assert.deepEqual([...t.time], [1, 2]);
 * ```
 */
export function tradeView(tape: Tape): TradeView {
  const c = tape.columns;
  const rows: number[] = [];
  for (let i = tape.meta.bookStart; i < tape.length; i++) if (isTradeKind(c.kind[i])) rows.push(i);
  const n = rows.length;
  const out: TradeView = {
    row: Int32Array.from(rows),
    time: new Float64Array(n),
    localTime: new Float64Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    sign: new Int8Array(n),
    hidden: new Uint8Array(n),
  };
  const tick = tape.meta.tickSize, step = tape.meta.qtyStep;
  rows.forEach((r, k) => {
    out.time[k] = c.ts[r] / 1e9;
    out.localTime[k] = c.localTs[r] / 1e9;
    out.price[k] = Number((c.price[r] * tick).toPrecision(15));
    out.qty[k] = Number((c.qty[r] * step).toPrecision(15));
    out.sign[k] = c.side[r] === ASK ? 1 : -1;
    out.hidden[k] = c.kind[r] === EVENT.HIDDEN_EXECUTE ? 1 : 0;
  });
  return out;
}

/** The best quotes of a tape, one entry each time a best price or quantity changes. */
export interface QuoteView {
  /** Row after which the quotes hold. */
  row: Int32Array;
  /** Exchange time, seconds since the tape's origin. */
  time: Float64Array;
  /** Best bid, price units (NaN: the side is empty). */
  bid: Float64Array;
  /** Best ask, price units (NaN: empty). */
  ask: Float64Array;
  /** Quantity at the best bid, instrument units. */
  bidQty: Float64Array;
  /** Quantity at the best ask, instrument units. */
  askQty: Float64Array;
}

/**
 * The book's best quotes from its book start on, at the end of each timestamp (a batch of
 * updates sharing one exchange time is one change), each time they change. The venue's own
 * best-quote messages are not used here (they are `EVENT.BEST_QUOTE` rows).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "./csv.ts";
 * import { quoteView } from "./views.ts";
 * const p = new CsvParser("t.csv");
 * ["ts,type,side,price,qty", "0,snapshot,bid,9.99,5", "0,snapshot,ask,10.01,5",
 *   "1000000000,update,bid,9.99,3", "1000000000,update,bid,10.00,1"]
 *   .forEach((l, i) => p.push(l, i + 1));
 * const q = quoteView(p.finish());
 * assert.deepEqual([...q.bid], [9.99, 10]);
 * assert.deepEqual([...q.bidQty], [5, 1]);
 * ```
 */
export function quoteView(tape: Tape): QuoteView {
  const c = tape.columns;
  const rows: number[] = [];
  let pb = NaN, pa = NaN, pbq = NaN, paq = NaN;
  for (let i = tape.meta.bookStart; i < tape.length; i++) {
    if (i + 1 < tape.length && c.ts[i + 1] === c.ts[i]) continue; // not the end of its time
    const b = c.bestBid[i], a = c.bestAsk[i], bq = c.bidQty[i], aq = c.askQty[i];
    if (Object.is(b, pb) && Object.is(a, pa) && bq === pbq && aq === paq) continue;
    rows.push(i);
    pb = b;
    pa = a;
    pbq = bq;
    paq = aq;
  }
  const n = rows.length;
  const out: QuoteView = {
    row: Int32Array.from(rows),
    time: new Float64Array(n),
    bid: new Float64Array(n),
    ask: new Float64Array(n),
    bidQty: new Float64Array(n),
    askQty: new Float64Array(n),
  };
  const tick = tape.meta.tickSize, step = tape.meta.qtyStep;
  rows.forEach((r, k) => {
    out.time[k] = c.ts[r] / 1e9;
    out.bid[k] = Number((c.bestBid[r] * tick).toPrecision(15));
    out.ask[k] = Number((c.bestAsk[r] * tick).toPrecision(15));
    out.bidQty[k] = Number((c.bidQty[r] * step).toPrecision(15));
    out.askQty[k] = Number((c.askQty[r] * step).toPrecision(15));
  });
  return out;
}
