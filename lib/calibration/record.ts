/**
 * One representation of a market for calibration and realism: a {@linkcode MarketRecord}
 * holds market orders, passive fills, best quotes and the observation model, in ticks, lots
 * and seconds, whether it comes from a recorded tape ({@linkcode recordFromTape}) or from a
 * simulation ({@linkcode recordFromMarketTape}). Every statistic of the realism report is
 * computed from records only, so a real and a simulated market are measured the same way.
 *
 * - Market orders: executions that share an exchange time and an aggressor side are one
 *   order (a LOBSTER market order that walks the book, a Binance taker order filled by
 *   several makers; in the simulator, the executions of one aggressive order).
 * - Passive fills: every execution against a displayed resting order (LOBSTER hidden
 *   executions are market orders but not passive fills of displayed liquidity), with a flag
 *   for fills at the touch (the order's first price level).
 * - Quotes: the best bid and ask with their quantities, each time they change.
 * - Segments: the time intervals over which the record is known (a tape's book span,
 *   without its gaps; a simulated episode). Statistics never pair times across segments.
 * - `quoteInterval`: the resolution at which the book is observed (0 for an event-by-event
 *   feed such as LOBSTER; 0.1 s for Binance's 100-ms depth stream). Statistics read the mid
 *   on that grid, so a simulation can be observed the way the real feed was.
 * - `timeResolution`: the resolution of the record's clock (LOBSTER's nanoseconds, Binance's
 *   milliseconds). A simulation observed on a coarser clock sees its times floored to it, and
 *   its executions that share a clock tick and an aggressor side become one market order, as
 *   on the tape: two buys 0.3 ms apart are one order on a millisecond clock.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { changesLevel, EVENT, FLAG, isTradeKind, type Tape } from "../data/tape.ts";
import type { MarketTape } from "../market/tape.ts";

/** The average prices of `sums` (Σ price × lots) over `lots`, order by order. */
function averagePrices(sums: Col, lots: Col): Float64Array {
  const out = sums.done();
  for (let i = 0; i < out.length; i++) out[i] /= lots.a[i];
  return out;
}

/** Growable typed columns. */
class Col {
  a: Float64Array;
  n = 0;
  constructor(cap = 1024) {
    this.a = new Float64Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Float64Array {
    return this.a.slice(0, this.n);
  }
}

/** A market, real or simulated, as the statistics see it (see the module doc). */
export interface MarketRecord {
  /** Where it comes from (a tape name, "simulation"). */
  source: string;
  /** Intervals [start, end] (s) over which the record is known, sorted, disjoint. */
  segments: [number, number][];
  /** Book observation resolution, seconds (0: every event). */
  quoteInterval: number;
  /** Resolution of the record's clock, seconds (0 or absent: exact times). */
  timeResolution?: number;
  /** Market orders: time (s). */
  moTime: Float64Array;
  /** Market orders: sign (+1 buy, −1 sell). */
  moSign: Float64Array;
  /** Market orders: lots executed. */
  moQty: Float64Array;
  /** Market orders: lots at the opposite best quote just before the order (NaN: unknown). */
  moDepth: Float64Array;
  /** Market orders: number of distinct prices executed (> 1: it walked the book). */
  moLevels: Float64Array;
  /**
   * Market orders: volume-weighted average price of their executions, ticks (a LOBSTER
   * order's hidden executions included).
   */
  moPrice: Float64Array;
  /** Passive fills: time (s). */
  fillTime: Float64Array;
  /** Passive fills: price (ticks). */
  fillPrice: Float64Array;
  /** Passive fills: lots. */
  fillQty: Float64Array;
  /** Passive fills: side of the resting order, +1 bid (the maker bought), −1 ask. */
  fillSide: Float64Array;
  /** Passive fills: 1 when at the order's first (touch) price, else 0. */
  fillAtTouch: Float64Array;
  /** Quotes: time (s), one record each time a best price or quantity changes. */
  qTime: Float64Array;
  /** Best bid (ticks, NaN: empty side). */
  bid: Float64Array;
  /** Best ask (ticks, NaN: empty side). */
  ask: Float64Array;
  /** Lots at the best bid. */
  bidQty: Float64Array;
  /** Lots at the best ask. */
  askQty: Float64Array;
}

/** Options of {@linkcode recordFromTape}. */
export interface TapeRecordOptions {
  /** Lot size in instrument units (default the tape's `lotSuggestion`). */
  lotSize?: number;
  /** Keep only times at or after this (s since the tape's origin). */
  from?: number;
  /** Keep only times before this (s since the tape's origin). */
  to?: number;
  /** Book observation resolution, s (default: detected, {@linkcode detectQuoteInterval}). */
  quoteInterval?: number;
  /** Clock resolution, s (default: detected from the trades, {@linkcode timeResolution}). */
  timeResolution?: number;
}

/**
 * The clock resolution of event times (s): 0.001 when every gap between consecutive times is
 * a whole number of milliseconds (a feed stamped in ms, such as Binance's trades), 1e-6 for
 * microseconds, else 0 (finer: treated as exact). Gaps are compared with a tolerance of 1 %
 * of the resolution, for times stored as floating-point seconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeResolution } from "./record.ts";
 * assert.equal(timeResolution([1.001, 1.001, 1.004, 2.5]), 0.001);
 * assert.equal(timeResolution([1.0001, 1.0004]), 1e-6);
 * assert.equal(timeResolution([1.0000001234, 1.0004]), 0);
 * ```
 */
export function timeResolution(times: ArrayLike<number>): number {
  for (const res of [1e-3, 1e-6]) {
    let ok = true;
    for (let m = 1; m < times.length && ok; m++) {
      const g = (times[m] - times[m - 1]) / res;
      if (Math.abs(g - Math.round(g)) > 0.01) ok = false;
    }
    if (ok && times.length > 1) return res;
  }
  return 0;
}

/**
 * The book's observation resolution of a tape: when book updates arrive in batches (the
 * 10th percentile of the gaps between distinct update times is at least half their median,
 * and the median is at least 10 ms), the median gap rounded to the millisecond; else 0
 * (event by event).
 */
export function detectQuoteInterval(tape: Tape): number {
  const c = tape.columns;
  const gaps: number[] = [];
  let last = NaN;
  for (let i = tape.meta.bookStart; i < tape.length && gaps.length < 200_000; i++) {
    const k = c.kind[i];
    // book updates only: not trades, best quotes, halts or crosses
    if (!changesLevel(k) || isTradeKind(k)) continue;
    if (c.flags[i] & FLAG.SNAPSHOT) continue;
    const t = c.ts[i];
    if (t !== last) {
      if (last === last) gaps.push((t - last) / 1e9);
      last = t;
    }
  }
  if (gaps.length < 20) return 0;
  gaps.sort((a, b) => a - b);
  const med = gaps[gaps.length >> 1];
  const p10 = gaps[Math.floor(gaps.length * 0.1)];
  return med >= 0.01 && p10 >= 0.5 * med ? Math.round(med * 1000) / 1000 : 0;
}

/**
 * The record of a recorded tape (see the module doc): times in seconds since the tape's
 * origin, prices in ticks, quantities in lots of `lotSize` instrument units. Trades before
 * the book start are left out. Throws a `ValidationError` when the window holds no book.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "../data/csv.ts";
 * import { recordFromTape } from "./record.ts";
 * const p = new CsvParser("t.csv");
 * ["ts,type,side,price,qty", "0,snapshot,bid,9.99,5", "0,snapshot,ask,10.01,5",
 *   "1000000000,trade,buy,10.01,2", "1000000000,trade,buy,10.02,1",
 *   "2000000000,update,ask,10.01,3", "3000000000,trade,sell,9.99,1"]
 *   .forEach((l, i) => p.push(l, i + 1));
 * const r = recordFromTape(p.finish(), { lotSize: 1 });
 * assert.deepEqual([...r.moSign], [1, -1]); // the two buys at t = 1 s are one order
 * assert.deepEqual([...r.moQty], [3, 1]);
 * assert.deepEqual([...r.moLevels], [2, 1]);
 * assert.deepEqual([...r.fillAtTouch], [1, 0, 1]);
 * ```
 */
export function recordFromTape(tape: Tape, options: TapeRecordOptions = {}): MarketRecord {
  const c = tape.columns;
  const lot = options.lotSize ?? tape.meta.lotSuggestion;
  if (!(lot > 0) || !Number.isFinite(lot)) {
    throw new ValidationError("lotSize", lot, "a positive lot size in instrument units");
  }
  const perLot = tape.meta.qtyStep / lot; // lots per qty unit
  const fromNs = (options.from ?? -Infinity) * 1e9;
  const toNs = (options.to ?? Infinity) * 1e9;
  const start = tape.meta.bookStart;
  const moT = new Col(), moS = new Col(), moQ = new Col(), moD = new Col(), moL = new Col();
  const moP = new Col(); // Σ price × lots until the end, then the average
  const fT = new Col(), fP = new Col(), fQ = new Col(), fS = new Col(), fA = new Col();
  const qT = new Col(), qB = new Col(), qA = new Col(), qBq = new Col(), qAq = new Col();
  let pb = NaN, pa = NaN, pbq = NaN, paq = NaN;
  let groupTs = NaN, groupSide = -1, firstPrice = NaN, lastPrice = NaN;
  let first = -1, lastRow = -1;
  for (let i = start; i < tape.length; i++) {
    const ts = c.ts[i];
    if (ts < fromNs) continue;
    if (ts >= toNs) break;
    if (first < 0) first = i;
    lastRow = i;
    const k = c.kind[i];
    if (isTradeKind(k)) {
      const aggr = c.side[i] === 1 ? 1 : -1; // resting ask: a buyer
      const px = c.price[i];
      const q = c.qty[i] * perLot;
      if (ts !== groupTs || aggr !== groupSide) {
        groupTs = ts;
        groupSide = aggr;
        firstPrice = px;
        lastPrice = px;
        moT.push(ts / 1e9);
        moS.push(aggr);
        moQ.push(q);
        const r = i - 1;
        const depth = r >= 0 ? (aggr > 0 ? c.askQty[r] : c.bidQty[r]) * perLot : NaN;
        moD.push(depth === depth ? depth : NaN);
        moL.push(1);
        moP.push(px * q);
      } else {
        moQ.a[moQ.n - 1] += q;
        moP.a[moP.n - 1] += px * q;
        if (px !== lastPrice) {
          moL.a[moL.n - 1] += 1;
          lastPrice = px;
        }
      }
      if (k !== EVENT.HIDDEN_EXECUTE) {
        fT.push(ts / 1e9);
        fP.push(px);
        fQ.push(q);
        fS.push(aggr > 0 ? -1 : 1);
        fA.push(px === firstPrice ? 1 : 0);
      }
    }
    if (k === EVENT.BEST_QUOTE) continue;
    if (i + 1 < tape.length && c.ts[i + 1] === ts) continue; // the end of its time only
    const b = c.bestBid[i], a = c.bestAsk[i];
    const bq = c.bidQty[i] * perLot, aq = c.askQty[i] * perLot;
    if (Object.is(b, pb) && Object.is(a, pa) && bq === pbq && aq === paq) continue;
    qT.push(ts / 1e9);
    qB.push(b);
    qA.push(a);
    qBq.push(bq);
    qAq.push(aq);
    pb = b;
    pa = a;
    pbq = bq;
    paq = aq;
  }
  if (first < 0 || qT.n === 0) {
    // say where the book is, in the seconds --from and --to count
    const at = (i: number) => Number((c.ts[i] / 1e9).toFixed(3));
    const span = tape.length > tape.meta.bookStart
      ? ` (its book spans ${at(tape.meta.bookStart)}–${at(tape.length - 1)} s)`
      : "";
    throw new ValidationError(
      "window",
      [options.from ?? null, options.to ?? null],
      `a time window holding part of the book of ${tape.meta.name}${span}`,
    );
  }
  // segments: the span without the tape's gaps
  const t0 = c.ts[first] / 1e9, t1 = c.ts[lastRow] / 1e9;
  let segments: [number, number][] = [[t0, t1]];
  for (const g of tape.meta.gaps) {
    const a = g.fromTs / 1e9, b = g.toTs / 1e9;
    segments = segments.flatMap(([s, e]): [number, number][] => {
      if (b <= s || a >= e) return [[s, e]];
      const out: [number, number][] = [];
      if (a > s) out.push([s, a]);
      if (b < e) out.push([b, e]);
      return out;
    });
  }
  const moTimes = moT.done();
  return {
    source: tape.meta.name,
    segments,
    quoteInterval: options.quoteInterval ?? detectQuoteInterval(tape),
    timeResolution: options.timeResolution ?? timeResolution(moTimes),
    moTime: moTimes,
    moSign: moS.done(),
    moQty: moQ.done(),
    moDepth: moD.done(),
    moLevels: moL.done(),
    moPrice: averagePrices(moP, moQ),
    fillTime: fT.done(),
    fillPrice: fP.done(),
    fillQty: fQ.done(),
    fillSide: fS.done(),
    fillAtTouch: fA.done(),
    qTime: qT.done(),
    bid: qB.done(),
    ask: qA.done(),
    bidQty: qBq.done(),
    askQty: qAq.done(),
  };
}

/**
 * The tick of a clock of `resolution` s (> 0) that time `t` (s) falls in, ⌊t / resolution⌋,
 * a time within 10⁻⁶ tick of a tick counting as on it (t / resolution carries rounding error
 * of that order for large t).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clockTick } from "./record.ts";
 * assert.equal(clockTick(86_055.627, 0.001), 86_055_627); // 86055626.99999999 by division
 * assert.equal(clockTick(1.0007, 0.001), 1_000);
 * ```
 */
export function clockTick(t: number, resolution: number): number {
  const x = t / resolution, r = Math.round(x);
  return Math.abs(x - r) < 1e-6 ? r : Math.floor(x);
}

/**
 * The record of one simulated episode's {@linkcode MarketTape} over [`start`, `end`] s
 * (executions of one aggressive order share its `order` number; every execution is a
 * passive fill of a displayed order). `quoteInterval` is the observation resolution the
 * statistics will use (to observe a simulation like a batched feed); `timeResolution` (s, 0:
 * exact) the clock it is observed on: every time is floored to it, and executions that share
 * a clock tick and an aggressor side are one market order, as on a tape with that clock.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FLOW_TYPE, MAKER, MarketTape } from "../market/tape.ts";
 * import { recordFromMarketTape } from "./record.ts";
 * const t = new MarketTape();
 * t.quote(0, 99, 100, 5, 2);
 * t.trade(1, 100, 2, 0, FLOW_TYPE.UNINFORMED, MAKER.BACKGROUND, 7);
 * t.trade(1, 101, 1, 0, FLOW_TYPE.UNINFORMED, MAKER.BACKGROUND, 7);
 * t.quote(1, 99, 102, 5, 4);
 * const r = recordFromMarketTape(t, 0, 10);
 * assert.deepEqual([...r.moQty], [3]);
 * assert.deepEqual([...r.moDepth], [2]);
 * assert.deepEqual([...r.fillAtTouch], [1, 0]);
 * ```
 */
export function recordFromMarketTape(
  tape: MarketTape,
  start: number,
  end: number,
  quoteInterval = 0,
  source = "simulation",
  timeResolution = 0,
): MarketRecord {
  if (!(end > start)) throw new ValidationError("end", end, `a time after start (${start})`);
  if (!(timeResolution >= 0) || !Number.isFinite(timeResolution)) {
    throw new ValidationError("timeResolution", timeResolution, "a clock resolution >= 0 s");
  }
  const res = timeResolution;
  const clock = (t: number) => res > 0 ? clockTick(t, res) * res : t;
  const moT = new Col(), moS = new Col(), moQ = new Col(), moD = new Col(), moL = new Col();
  const moP = new Col(); // Σ price × lots until the end, then the average
  const fT = new Col(), fP = new Col(), fQ = new Col(), fS = new Col(), fA = new Col();
  let lastOrder = NaN, firstPrice = NaN, lastPrice = NaN, lastTick = NaN, lastSign = 0;
  for (let k = 0; k < tape.trades; k++) {
    const t = tape.tradeTime[k];
    if (t < start || t > end) continue;
    const sign = tape.side[k] === 0 ? 1 : -1;
    const px = tape.price[k];
    const q = tape.qty[k];
    const tick = clock(t);
    // a new order, unless the clock cannot tell it from the previous one (same tick and side)
    if (tape.order[k] !== lastOrder && !(res > 0 && tick === lastTick && sign === lastSign)) {
      firstPrice = px;
      lastPrice = px;
      moT.push(tick);
      moS.push(sign);
      moQ.push(q);
      // the quote in force just before the order (records at its own time are after it)
      let j = tape.quoteIndexAt(t);
      while (j > 0 && tape.quoteTime[j] >= t) j--;
      moD.push(j >= 0 ? (sign > 0 ? tape.askQty[j] : tape.bidQty[j]) : NaN);
      moL.push(1);
      moP.push(px * q);
    } else {
      moQ.a[moQ.n - 1] += q;
      moP.a[moP.n - 1] += px * q;
      if (px !== lastPrice) {
        moL.a[moL.n - 1] += 1;
        lastPrice = px;
      }
    }
    lastOrder = tape.order[k];
    lastTick = tick;
    lastSign = sign;
    fT.push(tick);
    fP.push(px);
    fQ.push(q);
    fS.push(sign > 0 ? -1 : 1);
    fA.push(px === firstPrice ? 1 : 0);
  }
  const k0 = Math.max(0, tape.quoteIndexAt(start));
  const n = tape.quotes - k0;
  const slice = (a: Float64Array) => a.slice(k0, k0 + Math.max(0, n));
  const qTime = slice(tape.quoteTime);
  if (res > 0) { for (let i = 0; i < qTime.length; i++) qTime[i] = clock(qTime[i]); }
  if (qTime.length > 0 && qTime[0] < start) qTime[0] = start;
  return {
    source,
    segments: [[start, end]],
    quoteInterval,
    timeResolution: res,
    moTime: moT.done(),
    moSign: moS.done(),
    moQty: moQ.done(),
    moDepth: moD.done(),
    moLevels: moL.done(),
    moPrice: averagePrices(moP, moQ),
    fillTime: fT.done(),
    fillPrice: fP.done(),
    fillQty: fQ.done(),
    fillSide: fS.done(),
    fillAtTouch: fA.done(),
    qTime,
    bid: slice(tape.bid),
    ask: slice(tape.ask),
    bidQty: slice(tape.bidQty),
    askQty: slice(tape.askQty),
  };
}

/**
 * Index of the last quote record at or before `t` in `r` (−1 when none), by binary search
 * from `lo`.
 */
export function quoteIndexAt(r: MarketRecord, t: number, lo = 0): number {
  const q = r.qTime;
  let a = Math.max(0, lo), b = q.length - 1;
  if (b < 0 || q[0] > t) return -1;
  if (q[a] > t) a = 0;
  while (a < b) {
    const m = (a + b + 1) >> 1;
    if (q[m] <= t) a = m;
    else b = m - 1;
  }
  return a;
}

/**
 * The time-weighted mean spread (ticks) of `r` over [`t0`, `t1`) and the seconds it covers
 * (the time with both sides quoted, from the first quote on): `[mean, seconds]`, the mean NaN
 * when no time is covered. Quotes as recorded, at every change (not on a batched feed's grid).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type MarketRecord, timeWeightedSpread } from "./record.ts";
 * const r = {
 *   qTime: Float64Array.of(0, 10), bid: Float64Array.of(100, 100), ask: Float64Array.of(102, 106),
 * } as unknown as MarketRecord;
 * assert.deepEqual(timeWeightedSpread(r, 5, 15), [4, 10]); // 2 ticks for 5 s, then 6 for 5 s
 * assert.deepEqual(timeWeightedSpread(r, -10, 10), [2, 10]); // nothing known before 0
 * ```
 */
export function timeWeightedSpread(r: MarketRecord, t0: number, t1: number): [number, number] {
  let k = quoteIndexAt(r, t0);
  let t = t0;
  if (k < 0) {
    if (r.qTime.length === 0 || r.qTime[0] >= t1) return [NaN, 0];
    k = 0;
    t = r.qTime[0];
  }
  let sw = 0, tw = 0;
  for (;;) {
    const next = k + 1 < r.qTime.length ? Math.min(r.qTime[k + 1], t1) : t1;
    const s = r.ask[k] - r.bid[k];
    if (s > 0) {
      sw += s * (next - t);
      tw += next - t;
    }
    if (next >= t1) break;
    k++;
    t = next;
  }
  return [tw > 0 ? sw / tw : NaN, tw];
}

/**
 * The mid (ticks) in force at `t` as the record's observer sees it: on a batched feed
 * (`quoteInterval` q > 0) the book as of the last grid time ⌊t/q⌋·q; NaN when a side is
 * empty or nothing is known yet.
 */
export function midAt(r: MarketRecord, t: number): number {
  const q = r.quoteInterval;
  const at = q > 0 ? Math.floor(t / q + 1e-9) * q : t;
  const k = quoteIndexAt(r, at);
  if (k < 0) return NaN;
  const b = r.bid[k], a = r.ask[k];
  return b === b && a === a && a > b ? (a + b) / 2 : NaN;
}

/** Total length of a record's segments, seconds. */
export function recordSeconds(r: MarketRecord): number {
  let s = 0;
  for (const [a, b] of r.segments) s += b - a;
  return s;
}
