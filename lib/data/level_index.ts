/**
 * {@linkcode LevelIndex}: the displayed quantity at any (side, price) after any row of a tape,
 * by binary search, without a book. The replay tier needs it when our order reaches the
 * exchange (to know how much is displayed ahead of it) and when it takes liquidity. Built once
 * per tape (one pass, one array of row numbers grouped by level) and shared by every episode.
 *
 * @module
 */
import { EVENT, type Tape } from "./tape.ts";

const cache = new WeakMap<Tape, LevelIndex>();

/**
 * Quantity lookups into a tape's history of levels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "./csv.ts";
 * import { LevelIndex } from "./level_index.ts";
 * import { BID } from "./tape.ts";
 * const p = new CsvParser("t.csv");
 * ["ts,type,side,price,qty", "0,snapshot,bid,9.99,5", "0,snapshot,ask,10.01,5",
 *   "5,update,bid,9.99,2", "6,update,bid,9.98,4"].forEach((l, i) => p.push(l, i + 1));
 * const tape = p.finish();
 * const idx = LevelIndex.of(tape);
 * assert.equal(idx.qtyAt(BID, 999, 2), 5); // after the snapshot
 * assert.equal(idx.qtyAt(BID, 999, 3), 2);
 * assert.equal(idx.qtyAt(BID, 998, 3), 0);
 * ```
 */
export class LevelIndex {
  readonly #keys: Float64Array;
  readonly #offsets: Int32Array;
  readonly #rows: Int32Array;
  readonly #clears: Int32Array;
  readonly #after: Float64Array;

  /** The (memoized) index of `tape`. */
  static of(tape: Tape): LevelIndex {
    let idx = cache.get(tape);
    if (!idx) {
      idx = new LevelIndex(tape);
      cache.set(tape, idx);
    }
    return idx;
  }

  /** Builds the index of `tape` (prefer {@linkcode LevelIndex.of}). */
  constructor(tape: Tape) {
    const c = tape.columns;
    const n = tape.length;
    const counts = new Map<number, number>();
    let clears = 0;
    for (let i = 0; i < n; i++) {
      const a = c.levelAfter[i];
      if (a === a) {
        const key = c.price[i] * 2 + c.side[i];
        counts.set(key, (counts.get(key) ?? 0) + 1);
      } else if (c.kind[i] === EVENT.CLEAR) clears++;
    }
    const keys = Float64Array.from(counts.keys()).sort();
    const offsets = new Int32Array(keys.length + 1);
    const slot = new Map<number, number>();
    for (let k = 0; k < keys.length; k++) {
      offsets[k + 1] = offsets[k] + counts.get(keys[k])!;
      slot.set(keys[k], offsets[k]);
    }
    const rows = new Int32Array(offsets[keys.length]);
    const clearRows = new Int32Array(clears);
    clears = 0;
    for (let i = 0; i < n; i++) {
      const a = c.levelAfter[i];
      if (a === a) {
        const key = c.price[i] * 2 + c.side[i];
        const s = slot.get(key)!;
        rows[s] = i;
        slot.set(key, s + 1);
      } else if (c.kind[i] === EVENT.CLEAR) clearRows[clears++] = i;
    }
    this.#keys = keys;
    this.#offsets = offsets;
    this.#rows = rows;
    this.#clears = clearRows;
    this.#after = c.levelAfter;
  }

  /** Displayed quantity at (`side`, `price` in ticks) after row `row` (0: none; −1: before any). */
  qtyAt(side: number, price: number, row: number): number {
    const key = price * 2 + side;
    const keys = this.#keys;
    let lo = 0, hi = keys.length - 1, k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = keys[mid];
      if (v < key) lo = mid + 1;
      else if (v > key) hi = mid - 1;
      else {
        k = mid;
        break;
      }
    }
    if (k < 0) return 0;
    const rows = this.#rows;
    let a = this.#offsets[k], b = this.#offsets[k + 1] - 1, j = -1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      if (rows[mid] <= row) {
        j = mid;
        a = mid + 1;
      } else b = mid - 1;
    }
    if (j < 0) return 0;
    const r = rows[j];
    // a CLEAR after the level's last change empties it
    const cl = this.#clears;
    let lo2 = 0, hi2 = cl.length - 1, last = -1;
    while (lo2 <= hi2) {
      const mid = (lo2 + hi2) >>> 1;
      if (cl[mid] <= row) {
        last = cl[mid];
        lo2 = mid + 1;
      } else hi2 = mid - 1;
    }
    return last > r ? 0 : this.#after[r];
  }
}
