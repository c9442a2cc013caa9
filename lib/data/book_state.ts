/**
 * The derived book-state columns of a tape (those marked `derived` in `TAPE_COLUMNS`):
 * replaying the events in order through an {@linkcode L2Book} gives, after every event, the
 * best quotes and their quantities, the top-5 depth imbalance, the quantity at the event's
 * level before and after it, the cumulative traded volume by aggressor side, for L3 events
 * the row of the referenced order's `ADD`, and for depth-limited files the deepest visible
 * price. A replay reads these instead of keeping a book per episode: the recorded market
 * does not depend on our orders, so its states are computed once per tape.
 *
 * @module
 */
import { L2Book } from "./l2_book.ts";
import { ASK, BID, EVENT, TAPE_COLUMNS, type TapeColumnName, type TapeColumns } from "./tape.ts";
import type { SourceColumns } from "./builder.ts";

/** Levels per side in the `imbalance` column. */
export const TAPE_IMBALANCE_LEVELS = 5;

/**
 * Computes every derived column from the source columns (`length` rows, prices in ticks).
 * `depthLevels` > 0 marks a depth-limited source (the visible-price columns are filled).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TapeBuilder } from "./builder.ts";
 * import { deriveBookColumns } from "./book_state.ts";
 * import { ASK, BID, EVENT } from "./tape.ts";
 * const b = new TapeBuilder();
 * b.push(0, 0, EVENT.LEVEL, BID, 0, 99, 5, -1);
 * b.push(0, 0, EVENT.LEVEL, ASK, 0, 101, 2, -1);
 * b.push(1, 1, EVENT.TRADE, ASK, 0, 101, 2, -1); // a buyer lifts the ask
 * b.push(2, 2, EVENT.LEVEL, ASK, 0, 101, 0, -1);
 * const cols = deriveBookColumns(b.finish(), 4, 0);
 * assert.equal(cols.bestAsk[1], 101);
 * assert.equal(cols.cumBuy[2], 2);
 * assert.ok(Number.isNaN(cols.bestAsk[3]));
 * assert.equal(cols.levelBefore[3], 2);
 * ```
 */
export function deriveBookColumns(
  src: SourceColumns,
  length: number,
  depthLevels: number,
): TapeColumns {
  const n = length;
  const out = { ...src } as Record<TapeColumnName, Float64Array | Int32Array | Uint8Array>;
  const f = () => new Float64Array(n);
  const bestBid = f(), bestAsk = f(), bidQty = f(), askQty = f(), imbalance = f();
  const levelBefore = f(), levelAfter = f(), cumBuy = f(), cumSell = f();
  const visibleBid = f(), visibleAsk = f();
  const addIndex = new Int32Array(n);
  const book = new L2Book();
  const adds = new Map<number, number>();
  const { kind, side, price, qty, orderId } = src;
  let buy = 0, sell = 0;
  for (let i = 0; i < n; i++) {
    const k = kind[i];
    const s = side[i];
    const p = price[i];
    const q = qty[i];
    let before = NaN, after = NaN;
    addIndex[i] = -1;
    switch (k) {
      case EVENT.LEVEL:
        after = q > 0 ? q : 0;
        before = book.set(s, p, after);
        break;
      case EVENT.ADD:
        before = book.get(s, p);
        after = book.add(s, p, q);
        adds.set(orderId[i], i);
        addIndex[i] = i;
        break;
      case EVENT.EXECUTE:
      case EVENT.CANCEL:
      case EVENT.DELETE:
        before = book.get(s, p);
        after = book.add(s, p, -q);
        addIndex[i] = adds.get(orderId[i]) ?? -1;
        break;
      case EVENT.CLEAR:
        book.clear();
        break;
    }
    if (k === EVENT.EXECUTE || k === EVENT.HIDDEN_EXECUTE || k === EVENT.TRADE) {
      if (s === ASK) buy += q;
      else sell += q;
    }
    levelBefore[i] = before;
    levelAfter[i] = after;
    cumBuy[i] = buy;
    cumSell[i] = sell;
    bestBid[i] = book.best(BID);
    bestAsk[i] = book.best(ASK);
    bidQty[i] = book.bestQty(BID);
    askQty[i] = book.bestQty(ASK);
    const db = book.depthQty(BID, TAPE_IMBALANCE_LEVELS);
    const da = book.depthQty(ASK, TAPE_IMBALANCE_LEVELS);
    imbalance[i] = db + da > 0 ? (db - da) / (db + da) : 0;
    if (depthLevels > 0) {
      visibleBid[i] = book.depth(BID) >= depthLevels
        ? book.levelPrice(BID, depthLevels - 1)
        : -Infinity;
      visibleAsk[i] = book.depth(ASK) >= depthLevels
        ? book.levelPrice(ASK, depthLevels - 1)
        : Infinity;
    } else {
      visibleBid[i] = NaN;
      visibleAsk[i] = NaN;
    }
  }
  Object.assign(out, {
    bestBid,
    bestAsk,
    bidQty,
    askQty,
    imbalance,
    levelBefore,
    levelAfter,
    cumBuy,
    cumSell,
    addIndex,
    visibleBid,
    visibleAsk,
  });
  for (const name of Object.keys(TAPE_COLUMNS) as TapeColumnName[]) {
    if (!(name in out)) throw new Error(`deriveBookColumns: column ${name} missing`);
  }
  return out as unknown as TapeColumns;
}
