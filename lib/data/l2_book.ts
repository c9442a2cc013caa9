/**
 * A small L2 (market-by-price) book: per side, the displayed quantity at each price, kept in
 * sorted typed arrays with the best price at the end (bids ascending, asks descending), so
 * that changes near the touch — most of a feed — move few elements. Used by the loaders
 * (reconstruction checks) and by `deriveBookColumns`; not by the replay's hot loop.
 *
 * Prices in ticks, quantities in any consistent unit; a level whose quantity reaches 0 (or
 * below) is removed.
 *
 * @module
 */
import { ASK, BID } from "./tape.ts";

class Side {
  px: Float64Array;
  qty: Float64Array;
  n = 0;
  /** +1 for bids (ascending, best = max), −1 for asks (descending, best = min). */
  readonly dir: number;
  constructor(dir: number, cap: number) {
    this.dir = dir;
    this.px = new Float64Array(cap);
    this.qty = new Float64Array(cap);
  }
  /** Index of `price`, or −(insertion point) − 1 when absent. */
  find(price: number): number {
    const key = price * this.dir;
    const px = this.px;
    const dir = this.dir;
    // fast path: at or near the best (the end)
    let lo = 0, hi = this.n - 1;
    if (hi >= 0) {
      const b = px[hi] * dir;
      if (key === b) return hi;
      if (key > b) return -(hi + 1) - 1;
    }
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = px[mid] * dir;
      if (v < key) lo = mid + 1;
      else if (v > key) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }
  insertAt(i: number, price: number, qty: number): void {
    if (this.n === this.px.length) {
      const p = new Float64Array(this.n * 2);
      p.set(this.px);
      this.px = p;
      const q = new Float64Array(this.n * 2);
      q.set(this.qty);
      this.qty = q;
    }
    if (i < this.n) {
      this.px.copyWithin(i + 1, i, this.n);
      this.qty.copyWithin(i + 1, i, this.n);
    }
    this.px[i] = price;
    this.qty[i] = qty;
    this.n++;
  }
  removeAt(i: number): void {
    if (i < this.n - 1) {
      this.px.copyWithin(i, i + 1, this.n);
      this.qty.copyWithin(i, i + 1, this.n);
    }
    this.n--;
  }
}

/**
 * An L2 book.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { L2Book } from "./l2_book.ts";
 * import { ASK, BID } from "./tape.ts";
 * const book = new L2Book();
 * book.set(BID, 100, 5);
 * book.set(BID, 101, 2);
 * book.set(ASK, 103, 4);
 * assert.equal(book.best(BID), 101);
 * assert.equal(book.add(BID, 101, -2), 0); // level removed
 * assert.equal(book.best(BID), 100);
 * assert.equal(book.levelPrice(ASK, 0), 103);
 * ```
 */
export class L2Book {
  readonly #sides: [Side, Side];

  /** An empty book with room for `capacity` levels per side (it grows). */
  constructor(capacity = 1024) {
    this.#sides = [new Side(1, capacity), new Side(-1, capacity)];
  }

  /** Removes every level. */
  clear(): void {
    this.#sides[BID].n = 0;
    this.#sides[ASK].n = 0;
  }

  /** Number of levels on `side`. */
  depth(side: number): number {
    return this.#sides[side].n;
  }

  /** Displayed quantity at (`side`, `price`), 0 when there is no level. */
  get(side: number, price: number): number {
    const s = this.#sides[side];
    const i = s.find(price);
    return i >= 0 ? s.qty[i] : 0;
  }

  /** Sets the quantity at (`side`, `price`) (≤ 0 removes the level); returns the previous one. */
  set(side: number, price: number, qty: number): number {
    const s = this.#sides[side];
    const i = s.find(price);
    if (i >= 0) {
      const prev = s.qty[i];
      if (qty > 0) s.qty[i] = qty;
      else s.removeAt(i);
      return prev;
    }
    if (qty > 0) s.insertAt(-i - 1, price, qty);
    return 0;
  }

  /** Adds `delta` to the quantity at (`side`, `price`); returns the new quantity (≥ 0). */
  add(side: number, price: number, delta: number): number {
    const s = this.#sides[side];
    const i = s.find(price);
    if (i >= 0) {
      const q = s.qty[i] + delta;
      if (q > 0) {
        s.qty[i] = q;
        return q;
      }
      s.removeAt(i);
      return 0;
    }
    if (delta > 0) {
      s.insertAt(-i - 1, price, delta);
      return delta;
    }
    return 0;
  }

  /** Best price of `side`, NaN when empty. */
  best(side: number): number {
    const s = this.#sides[side];
    return s.n > 0 ? s.px[s.n - 1] : NaN;
  }

  /** Quantity at the best price of `side`, 0 when empty. */
  bestQty(side: number): number {
    const s = this.#sides[side];
    return s.n > 0 ? s.qty[s.n - 1] : 0;
  }

  /** Price of the `k`-th best level (0 = best) of `side`, NaN when there are not that many. */
  levelPrice(side: number, k: number): number {
    const s = this.#sides[side];
    return k < s.n ? s.px[s.n - 1 - k] : NaN;
  }

  /** Quantity of the `k`-th best level of `side`, 0 when there are not that many. */
  levelQty(side: number, k: number): number {
    const s = this.#sides[side];
    return k < s.n ? s.qty[s.n - 1 - k] : 0;
  }

  /** Total quantity over the best `levels` levels of `side`. */
  depthQty(side: number, levels: number): number {
    const s = this.#sides[side];
    let sum = 0;
    const stop = Math.max(0, s.n - levels);
    for (let i = s.n - 1; i >= stop; i--) sum += s.qty[i];
    return sum;
  }

  /**
   * Removes every level of `side` strictly better than `price` (bids above, asks below);
   * returns how many were removed. Used when a snapshot or a depth-limited file shows
   * that levels the book still holds are gone.
   */
  removeBetterThan(side: number, price: number): number {
    const s = this.#sides[side];
    let removed = 0;
    while (s.n > 0 && (s.px[s.n - 1] - price) * s.dir > 0) {
      s.n--;
      removed++;
    }
    return removed;
  }
}
