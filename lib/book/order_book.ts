/**
 * An L3 limit order book with price-time priority, built for simulation speed.
 *
 * Layout (no allocation per event once warmed up):
 * - orders live in a pool of typed-array columns (id, price, qty, side, owner, time,
 *   prev/next links, level), recycled through a free list, grown by doubling;
 * - ids map to pool slots through an open-addressing Int32 hash (linear probing,
 *   backward-shift deletion, load ≤ 1/2), so cancel by id is O(1);
 * - each price level is an intrusive doubly-linked FIFO of its orders plus its total qty;
 * - each side keeps its live levels in a sorted Int32Array of keys (key = price for bids,
 *   −price for asks, ascending, so the best level is always the last entry). Flow
 *   concentrates near the touch, so inserts, removals and look-ups touch the tail of the
 *   array; far levels cost a binary search and a `copyWithin`. Any price in
 *   [1, 2^31 − 1] works, with no window to recenter.
 *
 * Sizes are integer lots up to {@linkcode MAX_ORDER_QTY} (2^25) and the book holds at most
 * {@linkcode MAX_LIVE_ORDERS} (2^28) orders, so every level total, queue position and depth
 * stays an exact integer (at most 2^53) although the columns are float64.
 *
 * @module
 */
import { formatValue, OrderBookError } from "../errors.ts";

/** Buy side. */
export const BID = 0;
/** Sell side. */
export const ASK = 1;
/** A side of the book: {@linkcode BID} (0) or {@linkcode ASK} (1). */
export type Side = 0 | 1;

/** Highest price, id and owner the book accepts (2^31 − 1). */
export const MAX_INT32 = 0x7fffffff;

/**
 * Most orders a book holds at once (2^28, the largest `capacity`): a limit order that would
 * rest in a full book is rejected. At 2^28 orders the pools take about 16 GiB.
 */
export const MAX_LIVE_ORDERS = 2 ** 28;

/**
 * Largest order size in lots (2^25 = 33,554,432), for limit and market orders, modifications
 * and reductions. Quantities are float64 (typed-array columns); the bound keeps every sum
 * the book forms an exact integer: a level's total, a queue position, a depth or the book's
 * resting total is a sum of at most {@linkcode MAX_LIVE_ORDERS} live sizes, so it is at most
 * 2^28 · 2^25 = 2^53, and every integer up to 2^53 is exact in float64. (The cumulative
 * counters `addedQty`, `tradedQty`, `cancelledQty` are exact while they stay below 2^53
 * lots: 2^28 orders of the largest size.) A market needing larger orders uses a larger
 * lot.
 */
export const MAX_ORDER_QTY = 2 ** 25;

/**
 * Receives every execution. Called synchronously during matching with primitives only
 * (no allocation). By the time it is called the fill is fully applied (a resting order
 * filled to 0 is already gone, an emptied level is already removed), so the sink may
 * read the book; it must not mutate it (doing so throws an {@linkcode OrderBookError}):
 * queue the reaction and apply it after the book call returns.
 */
export interface ExecutionSink {
  /**
   * One fill: `qty` lots of resting order `restingId` (owned by `restingOwner`) traded at
   * the resting order's price `priceTicks` against aggressor `aggressorId` on side
   * `aggressorSide`, at `timeNs`; `restingRemaining` lots of the resting order are left.
   */
  onExecution(
    restingId: number,
    restingOwner: number,
    aggressorId: number,
    aggressorSide: Side,
    priceTicks: number,
    qty: number,
    timeNs: number,
    restingRemaining: number,
  ): void;
}

/** Options of {@linkcode OrderBook}. */
export interface OrderBookOptions {
  /** Initial capacity in live orders (the pools grow by doubling); default 1024. */
  capacity?: number;
}

/** A level-2 snapshot in preallocated typed arrays; see {@linkcode createL2Snapshot}. */
export interface L2Snapshot {
  /** Bid prices (ticks), best first; NaN past `bidLevels`. */
  bidPrice: Float64Array;
  /** Bid quantities (lots), best first; 0 past `bidLevels`. */
  bidQty: Float64Array;
  /** Ask prices (ticks), best first; NaN past `askLevels`. */
  askPrice: Float64Array;
  /** Ask quantities (lots), best first; 0 past `askLevels`. */
  askQty: Float64Array;
  /** Number of bid levels filled by the last {@linkcode OrderBook.l2} call. */
  bidLevels: number;
  /** Number of ask levels filled by the last {@linkcode OrderBook.l2} call. */
  askLevels: number;
}

/** Allocates an {@linkcode L2Snapshot} able to hold `levels` price levels per side. */
export function createL2Snapshot(levels: number): L2Snapshot {
  if (!Number.isInteger(levels) || levels < 1 || levels > 1 << 24) {
    throw new OrderBookError("levels", levels, "an integer in [1, 16777216]");
  }
  return {
    bidPrice: new Float64Array(levels).fill(NaN),
    bidQty: new Float64Array(levels),
    askPrice: new Float64Array(levels).fill(NaN),
    askQty: new Float64Array(levels),
    bidLevels: 0,
    askLevels: 0,
  };
}

const EMPTY = -1;
const NONE = -1;
/** Knuth's multiplicative hash constant 2654435761 as a signed 32-bit integer. */
const GOLDEN = -1640531535;
const LINEAR_SCAN = 8;

function growI32(a: Int32Array, cap: number, used: number): Int32Array<ArrayBuffer> {
  const n = new Int32Array(cap);
  n.set(a.subarray(0, used));
  return n;
}
function growF64(a: Float64Array, cap: number, used: number): Float64Array<ArrayBuffer> {
  const n = new Float64Array(cap);
  n.set(a.subarray(0, used));
  return n;
}
function badId(id: number): boolean {
  return !Number.isInteger(id) || id < 0 || id > MAX_INT32;
}
function badPrice(p: number): boolean {
  return !Number.isInteger(p) || p < 1 || p > MAX_INT32;
}
function badQty(q: number): boolean {
  return !Number.isInteger(q) || q < 1 || q > MAX_ORDER_QTY;
}
function checkSide(side: number): void {
  if (side !== 0 && side !== 1) throw new OrderBookError("side", side, "0 (BID) or 1 (ASK)");
}
function checkTime(t: number): void {
  if (typeof t !== "number" || !Number.isFinite(t)) {
    throw new OrderBookError("timeNs", t, "a finite number of nanoseconds");
  }
}
function checkQty(field: string, q: number): void {
  if (badQty(q)) {
    throw new OrderBookError(field, q, `an integer number of lots in [1, ${MAX_ORDER_QTY}]`);
  }
}
function checkPrice(p: number): void {
  if (badPrice(p)) throw new OrderBookError("priceTicks", p, "an integer in [1, 2147483647]");
}
function checkQueryPrice(p: number): void {
  if (!Number.isInteger(p)) throw new OrderBookError("priceTicks", p, "an integer");
}
function checkLevels(n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new OrderBookError("levels", n, "a non-negative integer");
  }
}

/**
 * L3 limit order book with price-time priority: integer prices (ticks), integer
 * quantities (lots), non-negative integer ids. Every execution is reported to
 * {@linkcode OrderBook.sink}. Bad input throws an {@linkcode OrderBookError} naming the
 * field and the value, and leaves the book unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ASK, BID, OrderBook } from "./order_book.ts";
 * const book = new OrderBook();
 * book.addLimit(1, BID, 99, 5, 0);
 * book.addLimit(2, ASK, 101, 3, 1);
 * book.addLimit(3, ASK, 101, 4, 2);
 * assert.equal(book.queueAhead(3), 3); // order 2's 3 lots are ahead
 * assert.equal(book.market(BID, 5, 3), 5); // all of order 2, then 2 lots of order 3
 * assert.equal(book.has(2), false);
 * assert.equal(book.orderQty(3), 2);
 * assert.equal(book.mid(), 100);
 * ```
 */
export class OrderBook {
  /** Receives every execution; `null` to drop them. */
  sink: ExecutionSink | null = null;

  // order pool
  #cap = 0;
  #oId = new Int32Array(0);
  #oPrice = new Int32Array(0);
  #oQty = new Float64Array(0);
  #oTime = new Float64Array(0);
  #oSide = new Uint8Array(0);
  #oOwner = new Int32Array(0);
  #oPrev = new Int32Array(0);
  #oNext = new Int32Array(0);
  #oLevel = new Int32Array(0);
  #oFree = NONE;
  #oUsed = 0;
  #count = 0;

  // id -> slot hash
  #hKey = new Int32Array(0);
  #hVal = new Int32Array(0);
  #hMask = 0;
  #hShift = 32;

  // level pool
  #lCap = 0;
  #lPrice = new Int32Array(0);
  #lQty = new Float64Array(0);
  #lHead = new Int32Array(0);
  #lTail = new Int32Array(0);
  #lCount = new Int32Array(0);
  #lFree = NONE;
  #lUsed = 0;

  // sorted levels per side: key ascending, best last
  #bKey = new Int32Array(0);
  #bLvl = new Int32Array(0);
  #nb = 0;
  #aKey = new Int32Array(0);
  #aLvl = new Int32Array(0);
  #na = 0;

  #added = 0;
  #traded = 0;
  #cancelled = 0;
  #matching = false;

  /** Creates an empty book; `options.capacity` is the initial number of live orders. */
  constructor(options: OrderBookOptions = {}) {
    const cap = options.capacity ?? 1024;
    if (!Number.isInteger(cap) || cap < 1 || cap > MAX_LIVE_ORDERS) {
      throw new OrderBookError("capacity", cap, `an integer in [1, ${MAX_LIVE_ORDERS}]`);
    }
    this.#allocOrders(cap);
    this.#allocLevels(64);
  }

  // ---------------------------------------------------------------- allocation

  #allocOrders(cap: number): void {
    const old = this.#cap;
    this.#oId = growI32(this.#oId, cap, old);
    this.#oPrice = growI32(this.#oPrice, cap, old);
    this.#oQty = growF64(this.#oQty, cap, old);
    this.#oTime = growF64(this.#oTime, cap, old);
    const side = new Uint8Array(cap);
    side.set(this.#oSide.subarray(0, old));
    this.#oSide = side;
    this.#oOwner = growI32(this.#oOwner, cap, old);
    this.#oPrev = growI32(this.#oPrev, cap, old);
    this.#oNext = growI32(this.#oNext, cap, old);
    this.#oLevel = growI32(this.#oLevel, cap, old);
    this.#cap = cap;
    // hash table: power of two, at least 2 × capacity
    let size = 16;
    while (size < cap * 2) size *= 2;
    const oldKey = this.#hKey;
    const oldVal = this.#hVal;
    this.#hKey = new Int32Array(size).fill(EMPTY);
    this.#hVal = new Int32Array(size);
    this.#hMask = size - 1;
    this.#hShift = 32 - Math.log2(size);
    for (let i = 0; i < oldKey.length; i++) {
      if (oldKey[i] !== EMPTY) this.#hInsert(oldKey[i], oldVal[i]);
    }
  }

  #allocLevels(cap: number): void {
    const old = this.#lCap;
    this.#lPrice = growI32(this.#lPrice, cap, old);
    this.#lQty = growF64(this.#lQty, cap, old);
    this.#lHead = growI32(this.#lHead, cap, old);
    this.#lTail = growI32(this.#lTail, cap, old);
    this.#lCount = growI32(this.#lCount, cap, old);
    this.#bKey = growI32(this.#bKey, cap, old);
    this.#bLvl = growI32(this.#bLvl, cap, old);
    this.#aKey = growI32(this.#aKey, cap, old);
    this.#aLvl = growI32(this.#aLvl, cap, old);
    this.#lCap = cap;
  }

  /** Empties the book and resets the counters, keeping the allocated memory. */
  clear(): void {
    this.#guard();
    this.#hKey.fill(EMPTY);
    this.#oFree = NONE;
    this.#oUsed = 0;
    this.#count = 0;
    this.#lFree = NONE;
    this.#lUsed = 0;
    this.#nb = 0;
    this.#na = 0;
    this.#added = 0;
    this.#traded = 0;
    this.#cancelled = 0;
  }

  // ---------------------------------------------------------------- id hash

  #hInsert(id: number, slot: number): void {
    const key = this.#hKey;
    const mask = this.#hMask;
    let i = Math.imul(id, GOLDEN) >>> this.#hShift;
    while (key[i] !== EMPTY) i = (i + 1) & mask;
    key[i] = id;
    this.#hVal[i] = slot;
  }

  /** Index in the hash table of `id`, or −1. */
  #hFind(id: number): number {
    const key = this.#hKey;
    const mask = this.#hMask;
    let i = Math.imul(id, GOLDEN) >>> this.#hShift;
    for (;;) {
      const k = key[i];
      if (k === id) return i;
      if (k === EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  /** Removes hash entry `i` by backward-shift deletion. */
  #hDeleteAt(i: number): void {
    const key = this.#hKey;
    const val = this.#hVal;
    const mask = this.#hMask;
    const shift = this.#hShift;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = key[j];
      if (k === EMPTY) break;
      const h = Math.imul(k, GOLDEN) >>> shift;
      // entry j may move to the hole i unless its home h lies cyclically in (i, j]
      const stay = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (!stay) {
        key[i] = k;
        val[i] = val[j];
        i = j;
      }
    }
    key[i] = EMPTY;
  }

  #liveSlot(id: number): number {
    if (badId(id)) throw new OrderBookError("id", id, "an integer in [0, 2147483647]");
    const i = this.#hFind(id);
    if (i < 0) throw new OrderBookError("id", id, "the id of a live order");
    return this.#hVal[i];
  }

  #guard(): void {
    if (this.#matching) {
      throw new OrderBookError(
        "book",
        "matching",
        "no mutation of the book from inside ExecutionSink.onExecution",
      );
    }
  }

  // ---------------------------------------------------------------- levels

  /**
   * Position of `k` in the sorted keys of `side` if present, else `-(insertion point) - 1`.
   * Scans from the best end first (flow sits near the touch), then bisects.
   */
  #search(side: number, k: number): number {
    const keys = side === BID ? this.#bKey : this.#aKey;
    const n = side === BID ? this.#nb : this.#na;
    let i = n - 1;
    const stop = n > LINEAR_SCAN ? n - LINEAR_SCAN : 0;
    for (; i >= stop; i--) {
      const v = keys[i];
      if (v === k) return i;
      if (v < k) return -(i + 1) - 1;
    }
    if (stop === 0) return -1; // insertion point 0
    let lo = 0;
    let hi = stop; // keys[stop] > k
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = keys[mid];
      if (v === k) return mid;
      if (v < k) lo = mid + 1;
      else hi = mid;
    }
    return -lo - 1;
  }

  /** Level slot at `price` on `side`, creating it if needed. */
  #levelFor(side: number, price: number): number {
    const k = side === BID ? price : -price;
    const pos = this.#search(side, k);
    if (pos >= 0) return side === BID ? this.#bLvl[pos] : this.#aLvl[pos];
    const ins = -pos - 1;
    let lv = this.#lFree;
    if (lv !== NONE) {
      this.#lFree = this.#lHead[lv];
    } else {
      if (this.#lUsed === this.#lCap) this.#allocLevels(this.#lCap * 2);
      lv = this.#lUsed++;
    }
    this.#lPrice[lv] = price;
    this.#lQty[lv] = 0;
    this.#lHead[lv] = NONE;
    this.#lTail[lv] = NONE;
    this.#lCount[lv] = 0;
    if (side === BID) {
      const n = this.#nb;
      const keys = this.#bKey;
      const lvls = this.#bLvl;
      if (ins < n) {
        keys.copyWithin(ins + 1, ins, n);
        lvls.copyWithin(ins + 1, ins, n);
      }
      keys[ins] = k;
      lvls[ins] = lv;
      this.#nb = n + 1;
    } else {
      const n = this.#na;
      const keys = this.#aKey;
      const lvls = this.#aLvl;
      if (ins < n) {
        keys.copyWithin(ins + 1, ins, n);
        lvls.copyWithin(ins + 1, ins, n);
      }
      keys[ins] = k;
      lvls[ins] = lv;
      this.#na = n + 1;
    }
    return lv;
  }

  /** Removes the (empty) level `lv` of `side` from the sorted array and frees it. */
  #dropLevel(side: number, lv: number): void {
    const price = this.#lPrice[lv];
    if (side === BID) {
      const n = this.#nb - 1;
      if (this.#bLvl[n] !== lv) {
        const pos = this.#search(BID, price);
        this.#bKey.copyWithin(pos, pos + 1, n + 1);
        this.#bLvl.copyWithin(pos, pos + 1, n + 1);
      }
      this.#nb = n;
    } else {
      const n = this.#na - 1;
      if (this.#aLvl[n] !== lv) {
        const pos = this.#search(ASK, -price);
        this.#aKey.copyWithin(pos, pos + 1, n + 1);
        this.#aLvl.copyWithin(pos, pos + 1, n + 1);
      }
      this.#na = n;
    }
    this.#lHead[lv] = this.#lFree;
    this.#lFree = lv;
  }

  /** Level slot at `price` on `side`, or −1. */
  #levelAt(side: number, price: number): number {
    const pos = this.#search(side, side === BID ? price : -price);
    if (pos < 0) return -1;
    return side === BID ? this.#bLvl[pos] : this.#aLvl[pos];
  }

  // ---------------------------------------------------------------- core

  /**
   * Matches an aggressor on `side` up to `qty` lots against the opposite side while its
   * best level key is ≥ `threshold` (−key of the aggressor's limit, or −Infinity).
   * Returns the lots left unfilled.
   */
  #match(side: number, threshold: number, qty: number, aggId: number, time: number): number {
    const opp = side ^ 1;
    const oQty = this.#oQty;
    const oNext = this.#oNext;
    const lHead = this.#lHead;
    const lQty = this.#lQty;
    const keys = opp === BID ? this.#bKey : this.#aKey;
    const lvls = opp === BID ? this.#bLvl : this.#aLvl;
    let rem = qty;
    let n = opp === BID ? this.#nb : this.#na;
    this.#matching = true;
    try {
      while (rem > 0 && n > 0 && keys[n - 1] >= threshold) {
        const lv = lvls[n - 1];
        const price = this.#lPrice[lv];
        const s = lHead[lv];
        const q = oQty[s];
        const f = q < rem ? q : rem;
        const left = q - f;
        rem -= f;
        lQty[lv] -= f;
        this.#traded += f;
        const rid = this.#oId[s];
        const rown = this.#oOwner[s];
        if (left === 0) {
          const nx = oNext[s];
          lHead[lv] = nx;
          if (nx === NONE) {
            // level emptied: it is the best, pop it
            n--;
            if (opp === BID) this.#nb = n;
            else this.#na = n;
            lHead[lv] = this.#lFree;
            this.#lFree = lv;
          } else {
            this.#oPrev[nx] = NONE;
            this.#lCount[lv]--;
          }
          this.#hDeleteAt(this.#hFind(rid));
          oNext[s] = this.#oFree;
          this.#oFree = s;
          this.#count--;
        } else {
          oQty[s] = left;
        }
        const sink = this.sink;
        if (sink !== null) {
          sink.onExecution(rid, rown, aggId, side as Side, price, f, time, left);
        }
      }
    } finally {
      this.#matching = false;
    }
    return rem;
  }

  /** Appends a new resting order (id not live, no cross) at the back of its level. */
  #rest(id: number, side: number, price: number, qty: number, time: number, owner: number): void {
    let s = this.#oFree;
    if (s !== NONE) {
      this.#oFree = this.#oNext[s];
    } else {
      if (this.#oUsed === this.#cap) {
        this.#allocOrders(Math.min(this.#cap * 2, MAX_LIVE_ORDERS));
      }
      s = this.#oUsed++;
    }
    const lv = this.#levelFor(side, price);
    this.#oId[s] = id;
    this.#oPrice[s] = price;
    this.#oQty[s] = qty;
    this.#oTime[s] = time;
    this.#oSide[s] = side;
    this.#oOwner[s] = owner;
    this.#oLevel[s] = lv;
    this.#oNext[s] = NONE;
    const tail = this.#lTail[lv];
    this.#oPrev[s] = tail;
    if (tail === NONE) this.#lHead[lv] = s;
    else this.#oNext[tail] = s;
    this.#lTail[lv] = s;
    this.#lCount[lv]++;
    this.#lQty[lv] += qty;
    this.#hInsert(id, s);
    this.#count++;
    this.#added += qty;
  }

  /** Unlinks order slot `s` (hash entry `hi`) from its level and frees it. */
  #remove(s: number, hi: number): void {
    const lv = this.#oLevel[s];
    const prev = this.#oPrev[s];
    const next = this.#oNext[s];
    if (prev === NONE) this.#lHead[lv] = next;
    else this.#oNext[prev] = next;
    if (next === NONE) this.#lTail[lv] = prev;
    else this.#oPrev[next] = prev;
    this.#lQty[lv] -= this.#oQty[s];
    if (--this.#lCount[lv] === 0) this.#dropLevel(this.#oSide[s], lv);
    this.#hDeleteAt(hi);
    this.#oNext[s] = this.#oFree;
    this.#oFree = s;
    this.#count--;
  }

  // ---------------------------------------------------------------- operations

  /**
   * Adds a limit order. Its marketable part matches first (possibly partially, at the
   * resting orders' prices); the remainder rests at the back of its price level.
   * Returns the lots left resting (0: fully filled, nothing rests).
   */
  addLimit(
    id: number,
    side: Side,
    priceTicks: number,
    qty: number,
    timeNs: number,
    owner = 0,
  ): number {
    this.#guard();
    if (badId(id)) throw new OrderBookError("id", id, "an integer in [0, 2147483647]");
    checkSide(side);
    checkPrice(priceTicks);
    checkQty("qty", qty);
    checkTime(timeNs);
    if (!Number.isInteger(owner) || owner < -0x80000000 || owner > MAX_INT32) {
      throw new OrderBookError("owner", owner, "a 32-bit integer");
    }
    if (this.#hFind(id) >= 0) {
      throw new OrderBookError("id", id, "an id not already live in the book");
    }
    if (this.#count >= MAX_LIVE_ORDERS) {
      throw new OrderBookError(
        "orderCount",
        this.#count,
        `fewer than ${MAX_LIVE_ORDERS} live orders (the book is full)`,
      );
    }
    let rem = qty;
    const threshold = side === BID ? -priceTicks : priceTicks;
    const oppN = side === BID ? this.#na : this.#nb;
    if (oppN > 0 && (side === BID ? this.#aKey : this.#bKey)[oppN - 1] >= threshold) {
      rem = this.#match(side, threshold, qty, id, timeNs);
    }
    if (rem > 0) this.#rest(id, side, priceTicks, rem, timeNs, owner);
    return rem;
  }

  /**
   * Market order of `qty` lots by an aggressor on `side` (BID = buy), filled against the
   * opposite side in price-time priority; the unfilled rest is dropped. Returns the lots
   * filled. `aggressorId` (default −1) is only reported to the sink.
   */
  market(side: Side, qty: number, timeNs: number, aggressorId = -1): number {
    this.#guard();
    checkSide(side);
    checkQty("qty", qty);
    checkTime(timeNs);
    if (!Number.isInteger(aggressorId) || aggressorId < -1 || aggressorId > MAX_INT32) {
      throw new OrderBookError("aggressorId", aggressorId, "an integer in [-1, 2147483647]");
    }
    return qty - this.#match(side, -Infinity, qty, aggressorId, timeNs);
  }

  /** Cancels live order `id`; returns the lots removed. */
  cancel(id: number): number {
    this.#guard();
    if (badId(id)) throw new OrderBookError("id", id, "an integer in [0, 2147483647]");
    const hi = this.#hFind(id);
    if (hi < 0) throw new OrderBookError("id", id, "the id of a live order");
    const s = this.#hVal[hi];
    const q = this.#oQty[s];
    this.#cancelled += q;
    this.#remove(s, hi);
    return q;
  }

  /**
   * Reduces live order `id` by `by` lots, keeping its queue priority; reducing by its
   * whole size or more removes it. Returns the lots removed.
   */
  reduce(id: number, by: number): number {
    this.#guard();
    const s = this.#liveSlot(id);
    checkQty("by", by);
    const q = this.#oQty[s];
    if (by >= q) {
      this.#cancelled += q;
      this.#remove(s, this.#hFind(id));
      return q;
    }
    this.#oQty[s] = q - by;
    this.#lQty[this.#oLevel[s]] -= by;
    this.#cancelled += by;
    return by;
  }

  /**
   * Modifies live order `id` to `qty` lots at `priceTicks`. Same price and a size not
   * above the current one keeps priority (a {@linkcode OrderBook.reduce}). A size
   * increase or a price change loses priority: the order is cancelled and re-entered at
   * `timeNs` at the back of its new level, and may cross (it then matches as aggressor
   * with its own id and owner). Returns the lots resting after.
   */
  modify(id: number, priceTicks: number, qty: number, timeNs: number): number {
    this.#guard();
    const s = this.#liveSlot(id);
    checkPrice(priceTicks);
    checkQty("qty", qty);
    checkTime(timeNs);
    const q = this.#oQty[s];
    if (priceTicks === this.#oPrice[s] && qty <= q) {
      if (qty < q) {
        this.#oQty[s] = qty;
        this.#lQty[this.#oLevel[s]] -= q - qty;
        this.#cancelled += q - qty;
      }
      return qty;
    }
    const side = this.#oSide[s];
    const owner = this.#oOwner[s];
    this.#cancelled += q;
    this.#remove(s, this.#hFind(id));
    let rem = qty;
    const threshold = side === BID ? -priceTicks : priceTicks;
    const oppN = side === BID ? this.#na : this.#nb;
    if (oppN > 0 && (side === BID ? this.#aKey : this.#bKey)[oppN - 1] >= threshold) {
      rem = this.#match(side, threshold, qty, id, timeNs);
    }
    if (rem > 0) this.#rest(id, side, priceTicks, rem, timeNs, owner);
    return rem;
  }

  // ---------------------------------------------------------------- order queries

  /** True when `id` is a live resting order. */
  has(id: number): boolean {
    return !badId(id) && this.#hFind(id) >= 0;
  }

  /** Lots resting for live order `id`. */
  orderQty(id: number): number {
    return this.#oQty[this.#liveSlot(id)];
  }

  /** Price (ticks) of live order `id`. */
  orderPrice(id: number): number {
    return this.#oPrice[this.#liveSlot(id)];
  }

  /** Side of live order `id`. */
  orderSide(id: number): Side {
    return this.#oSide[this.#liveSlot(id)] as Side;
  }

  /** Owner of live order `id`. */
  orderOwner(id: number): number {
    return this.#oOwner[this.#liveSlot(id)];
  }

  /** Time (ns) at which live order `id` took its current queue position. */
  orderTime(id: number): number {
    return this.#oTime[this.#liveSlot(id)];
  }

  /**
   * Lots ahead of live order `id` in its level's FIFO (exact). Walks the queue from the
   * order towards both ends at once, so it costs O(min(orders ahead, orders behind)):
   * the sum ahead is either counted directly or is level qty − own qty − qty behind.
   */
  queueAhead(id: number): number {
    return this.#aheadOf(this.#liveSlot(id));
  }

  #aheadOf(s: number): number {
    const prev = this.#oPrev;
    const next = this.#oNext;
    const qty = this.#oQty;
    let p = prev[s];
    let nx = next[s];
    let ahead = 0;
    let behind = 0;
    for (;;) {
      if (p === NONE) return ahead;
      if (nx === NONE) return this.#lQty[this.#oLevel[s]] - qty[s] - behind;
      ahead += qty[p];
      behind += qty[nx];
      p = prev[p];
      nx = next[nx];
    }
  }

  /**
   * Share of its level's lots that are ahead of live order `id`, in [0, 1): the
   * {@linkcode OrderBook.queueAhead} lots over the level's lots, with one id lookup and no
   * level search (the queue position the book tier's cancellation model and observation use).
   */
  queueShare(id: number): number {
    const s = this.#liveSlot(id);
    const level = this.#lQty[this.#oLevel[s]];
    return level > 0 ? this.#aheadOf(s) / level : 0;
  }

  /**
   * Queue position of live order `id` with one id lookup: writes the lots ahead of it into
   * `out[0]` and the lots at its level (its own included) into `out[1]`; returns `out[0]`.
   */
  queuePosition(id: number, out: Float64Array): number {
    const s = this.#liveSlot(id);
    const ahead = this.#aheadOf(s);
    out[0] = ahead;
    out[1] = this.#lQty[this.#oLevel[s]];
    return ahead;
  }

  /** Number of orders ahead of live order `id` in its level's FIFO. */
  ordersAhead(id: number): number {
    const s = this.#liveSlot(id);
    const prev = this.#oPrev;
    let n = 0;
    for (let p = prev[s]; p !== NONE; p = prev[p]) n++;
    return n;
  }

  // ---------------------------------------------------------------- market data

  /** Best bid (ticks), NaN when there are no bids. */
  bestBid(): number {
    return this.#nb > 0 ? this.#bKey[this.#nb - 1] : NaN;
  }

  /** Best ask (ticks), NaN when there are no asks. */
  bestAsk(): number {
    return this.#na > 0 ? -this.#aKey[this.#na - 1] : NaN;
  }

  /** Mid price (ticks), NaN when a side is empty. */
  mid(): number {
    return (this.bestBid() + this.bestAsk()) / 2;
  }

  /** Best ask − best bid (ticks), NaN when a side is empty. */
  spread(): number {
    return this.bestAsk() - this.bestBid();
  }

  /**
   * Microprice (ticks): the best prices weighted by the opposite touch sizes,
   * (bid·askQty + ask·bidQty)/(bidQty + askQty); NaN when a side is empty.
   */
  microprice(): number {
    if (this.#nb === 0 || this.#na === 0) return NaN;
    const bl = this.#bLvl[this.#nb - 1];
    const al = this.#aLvl[this.#na - 1];
    const bq = this.#lQty[bl];
    const aq = this.#lQty[al];
    return (this.#lPrice[bl] * aq + this.#lPrice[al] * bq) / (bq + aq);
  }

  /** Lots at the best level of `side` (0 when that side is empty). */
  bestQty(side: Side): number {
    checkSide(side);
    const n = side === BID ? this.#nb : this.#na;
    if (n === 0) return 0;
    return this.#lQty[side === BID ? this.#bLvl[n - 1] : this.#aLvl[n - 1]];
  }

  /**
   * Lots resting at `priceTicks` on `side`; 0 when there is no such level (including any
   * integer price outside [1, 2^31 − 1]). A non-integer price throws.
   */
  levelQty(side: Side, priceTicks: number): number {
    checkSide(side);
    checkQueryPrice(priceTicks);
    const lv = badPrice(priceTicks) ? -1 : this.#levelAt(side, priceTicks);
    return lv < 0 ? 0 : this.#lQty[lv];
  }

  /**
   * Id of the `k`-th order (0 = front of the queue) at the best level of `side`, or −1 when
   * there is no such order. O(k).
   */
  bestOrderId(side: Side, k: number): number {
    checkSide(side);
    const n = side === BID ? this.#nb : this.#na;
    if (n === 0 || !(k >= 0)) return -1;
    const lv = side === BID ? this.#bLvl[n - 1] : this.#aLvl[n - 1];
    const next = this.#oNext;
    let s = this.#lHead[lv];
    for (let i = 0; i < k && s !== NONE; i++) s = next[s];
    return s === NONE ? -1 : this.#oId[s];
  }

  /** Number of orders at the best level of `side` (0 when that side is empty). O(1). */
  bestOrders(side: Side): number {
    checkSide(side);
    const n = side === BID ? this.#nb : this.#na;
    if (n === 0) return 0;
    return this.#lCount[side === BID ? this.#bLvl[n - 1] : this.#aLvl[n - 1]];
  }

  /** Number of orders resting at `priceTicks` on `side` (0 when there is no such level). */
  levelOrders(side: Side, priceTicks: number): number {
    checkSide(side);
    checkQueryPrice(priceTicks);
    const lv = badPrice(priceTicks) ? -1 : this.#levelAt(side, priceTicks);
    return lv < 0 ? 0 : this.#lCount[lv];
  }

  /**
   * Writes the ids of the orders resting at `priceTicks` on `side` into `out`, front of the
   * queue first (at most `out.length` of them), and returns the number of orders at that
   * level (0 when there is none). O(orders written).
   */
  levelOrderIds(side: Side, priceTicks: number, out: Int32Array): number {
    checkSide(side);
    checkQueryPrice(priceTicks);
    const lv = badPrice(priceTicks) ? -1 : this.#levelAt(side, priceTicks);
    if (lv < 0) return 0;
    const next = this.#oNext;
    let k = 0;
    for (let s = this.#lHead[lv]; s !== NONE && k < out.length; s = next[s]) {
      out[k++] = this.#oId[s];
    }
    return this.#lCount[lv];
  }

  /**
   * Lots on `side` at prices at least as good as `priceTicks` (bids ≥ it, asks ≤ it):
   * what a market order on the other side could take without going past that price.
   * O(levels inside the price). `priceTicks` may be any integer or ±Infinity.
   */
  depthTo(side: Side, priceTicks: number): number {
    checkSide(side);
    if (!Number.isInteger(priceTicks) && Math.abs(priceTicks) !== Infinity) {
      throw new OrderBookError("priceTicks", priceTicks, "an integer or ±Infinity");
    }
    const n = side === BID ? this.#nb : this.#na;
    const keys = side === BID ? this.#bKey : this.#aKey;
    const lvls = side === BID ? this.#bLvl : this.#aLvl;
    const k = side === BID ? priceTicks : -priceTicks;
    let sum = 0;
    for (let i = n - 1; i >= 0 && keys[i] >= k; i--) sum += this.#lQty[lvls[i]];
    return sum;
  }

  /** Number of non-empty price levels on `side`. */
  levelCount(side: Side): number {
    checkSide(side);
    return side === BID ? this.#nb : this.#na;
  }

  /** Lots in the best `levels` price levels of `side`. */
  depth(side: Side, levels: number): number {
    checkSide(side);
    checkLevels(levels);
    const n = side === BID ? this.#nb : this.#na;
    const lvls = side === BID ? this.#bLvl : this.#aLvl;
    const stop = levels >= n ? 0 : n - levels;
    let sum = 0;
    for (let i = n - 1; i >= stop; i--) sum += this.#lQty[lvls[i]];
    return sum;
  }

  /** (bidDepth − askDepth)/(bidDepth + askDepth) over the best `levels` levels; 0 when empty. */
  imbalance(levels: number): number {
    const b = this.depth(BID, levels);
    const a = this.depth(ASK, levels);
    return b + a === 0 ? 0 : (b - a) / (b + a);
  }

  /**
   * Fills `out` with the best `levels` levels of each side (capped by the snapshot's
   * size), best first; entries past the filled levels get price NaN and qty 0. Returns the
   * number of levels filled (the larger of the two sides).
   */
  l2(levels: number, out: L2Snapshot): number {
    checkLevels(levels);
    const m = Math.min(levels, out.bidPrice.length, out.askPrice.length);
    const lPrice = this.#lPrice;
    const lQty = this.#lQty;
    let nb = 0;
    for (let i = this.#nb - 1; i >= 0 && nb < m; i--, nb++) {
      const lv = this.#bLvl[i];
      out.bidPrice[nb] = lPrice[lv];
      out.bidQty[nb] = lQty[lv];
    }
    for (let j = nb; j < m; j++) {
      out.bidPrice[j] = NaN;
      out.bidQty[j] = 0;
    }
    let na = 0;
    for (let i = this.#na - 1; i >= 0 && na < m; i--, na++) {
      const lv = this.#aLvl[i];
      out.askPrice[na] = lPrice[lv];
      out.askQty[na] = lQty[lv];
    }
    for (let j = na; j < m; j++) {
      out.askPrice[j] = NaN;
      out.askQty[j] = 0;
    }
    out.bidLevels = nb;
    out.askLevels = na;
    return nb > na ? nb : na;
  }

  // ---------------------------------------------------------------- counters

  /** Number of live resting orders. */
  get orderCount(): number {
    return this.#count;
  }

  /** Lots that entered the book as resting orders (conservation: added = resting + traded + cancelled). */
  get addedQty(): number {
    return this.#added;
  }

  /** Lots of resting orders executed. */
  get tradedQty(): number {
    return this.#traded;
  }

  /** Lots removed by cancel, reduce and modify. */
  get cancelledQty(): number {
    return this.#cancelled;
  }

  /** Lots resting in the book (sum over all orders), O(levels). */
  restingQty(): number {
    let sum = 0;
    for (let i = 0; i < this.#nb; i++) sum += this.#lQty[this.#bLvl[i]];
    for (let i = 0; i < this.#na; i++) sum += this.#lQty[this.#aLvl[i]];
    return sum;
  }

  /** A short description, for debugging. */
  toString(): string {
    return `OrderBook(${this.#count} orders, bid ${formatValue(this.bestBid())} / ask ${
      formatValue(this.bestAsk())
    })`;
  }
}
