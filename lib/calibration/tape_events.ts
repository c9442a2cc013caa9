/**
 * The order-flow events a calibration fits the book tier's models to, read from a recorded
 * tape: limit-order arrivals and cancellations (with their distance from the touch), and
 * the exposure of resting liquidity to cancellation.
 *
 * - **L3 tapes** (LOBSTER, with order ids): an `ADD` is one limit order; `CANCEL` / `DELETE`
 *   one cancellation. Orders at the best level are followed one by one in their FIFO queue
 *   (the quantity of orders added before they came into view is tracked as one block ahead
 *   of them, reduced by executions and cancellations of unknown ids), so that every
 *   cancellation of a followed order has its queue position x (the share of the level ahead
 *   of it) and the level's size Q, and every followed order's time at risk is integrated:
 *   exactly what the likelihood of a queue-position hazard needs. An order stops being
 *   followed when its level leaves the best (a level-N file stops reporting it): it is
 *   censored there, not counted as cancelled.
 * - **L2 tapes** (Binance diff depth, CSV updates): a level's quantity change within one
 *   update, plus what traded at that level since the previous update, is net limit-order
 *   volume when positive and cancelled volume when negative. Several orders in one 100-ms
 *   batch are one event: rates counted this way are lower bounds, and limit sizes upper
 *   bounds (said in the provenance). A decrease at a level that the market moved through
 *   (a bid at or above the new best ask) is a **stale** removal — the reaction model's job,
 *   not the cancellation hazard's — and is counted apart. Resting volume is integrated per
 *   distance from the touch, for per-lot hazards.
 *
 * Units: seconds since the tape's origin, ticks, lots.
 *
 * @module
 */
import { maxOf } from "../analytics/extent.ts";
import { ASK, BID, EVENT, FLAG, isTradeKind, type Tape } from "../data/tape.ts";

/** Growable column. */
class Col {
  a = new Float64Array(1024);
  n = 0;
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

/** Limit-order arrivals or cancellations. */
export interface OrderEvents {
  /** Time, s. */
  time: Float64Array;
  /** Side: 0 bid, 1 ask. */
  side: Float64Array;
  /**
   * Ticks behind the same side's best quote before the event (0: at the touch; negative:
   * inside the spread, improving it).
   */
  distance: Float64Array;
  /** Lots. */
  qty: Float64Array;
}

/** Cancellations of followed orders at the touch, with their covariates (L3 tapes). */
export interface QueueCancels {
  /** Share of the level ahead of each cancelled order, in [0, 1). */
  ahead: Float64Array;
  /** Lots at its level just before. */
  levelQty: Float64Array;
  /** Order-seconds of followed orders at risk. */
  exposure: number;
  /** ∫ x dt over followed orders (x: share ahead). */
  exposureX: number;
  /** Quantities ∫ e^(−Q/v) dt and ∫ x·e^(−Q/v) dt need v: exposure split by level size. */
  byLevel: { qty: Float64Array; exposure: Float64Array; exposureX: Float64Array };
}

/** Per-lot cancellation hazards of resting volume (L2 tapes). */
export interface VolumeHazards {
  /** Lots cancelled at the touch (not stale). */
  touchCancelled: number;
  /** Lot-seconds resting at the touch. */
  touchExposure: number;
  /** Lots cancelled 1 … `depth` ticks behind the touch. */
  awayCancelled: number;
  /** Lot-seconds resting 1 … `depth` ticks behind the touch. */
  awayExposure: number;
  /** Lots removed because the market moved through them (stale). */
  staleRemoved: number;
  /** Levels behind the touch counted as "away". */
  depth: number;
  /** ∫ e^(−Q/v) dt at the touch needs v: exposure time by touch size (lots). */
  touchBySize: { qty: Float64Array; seconds: Float64Array };
}

/** What {@linkcode tapeEvents} reads from a tape. */
export interface TapeEvents {
  /** True when the tape carries order ids (one event = one order). */
  orderLevel: boolean;
  /** Span of the book read, s. */
  span: [number, number];
  /** Limit-order arrivals. */
  limits: OrderEvents;
  /** Cancellations (L2: not stale). */
  cancels: OrderEvents;
  /** Queue-position cancellation data (L3 only). */
  queue: QueueCancels | null;
  /** Per-lot hazards of resting volume (L2 only). */
  volume: VolumeHazards | null;
  /** Levels a depth-limited file shows (0: full depth). */
  depthLevels: number;
}

/** Options of {@linkcode tapeEvents}. */
export interface TapeEventOptions {
  /** Lot size, instrument units (default the tape's lot suggestion). */
  lotSize?: number;
  /** Window start, s since the origin. */
  from?: number;
  /** Window end, s since the origin. */
  to?: number;
  /** Ticks behind the touch counted for L2 "away" hazards (default 20). */
  depth?: number;
}

/**
 * Reads the limit-order and cancellation events of `tape` (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "../data/csv.ts";
 * import { tapeEvents } from "./tape_events.ts";
 * const p = new CsvParser("t.csv");
 * ["ts,type,side,price,qty", "0,snapshot,bid,9.99,5", "0,snapshot,ask,10.01,5",
 *   "1000000000,update,bid,9.99,8", "2000000000,update,bid,9.99,6",
 *   "3000000000,trade,sell,9.99,2", "3100000000,update,bid,9.99,4"]
 *   .forEach((l, i) => p.push(l, i + 1));
 * const ev = tapeEvents(p.finish(), { lotSize: 1 });
 * assert.deepEqual([...ev.limits.qty], [3]); // 5 → 8
 * assert.deepEqual([...ev.cancels.qty], [2]); // 8 → 6; the later 6 → 4 was the trade
 * ```
 */
export function tapeEvents(tape: Tape, options: TapeEventOptions = {}): TapeEvents {
  const lot = options.lotSize ?? tape.meta.lotSuggestion;
  const perLot = tape.meta.qtyStep / lot;
  const fromNs = (options.from ?? -Infinity) * 1e9;
  const toNs = (options.to ?? Infinity) * 1e9;
  return tape.meta.hasOrderIds
    ? l3Events(tape, perLot, fromNs, toNs)
    : l2Events(tape, perLot, fromNs, toNs, options.depth ?? 20);
}

function spanOf(tape: Tape, fromNs: number, toNs: number): [number, number] {
  const c = tape.columns;
  let a = NaN, b = NaN;
  for (let i = tape.meta.bookStart; i < tape.length; i++) {
    const t = c.ts[i];
    if (t < fromNs) continue;
    if (t >= toNs) break;
    if (a !== a) a = t;
    b = t;
  }
  return [a / 1e9, b / 1e9];
}

interface Followed {
  id: number;
  qty: number;
}

function l3Events(tape: Tape, perLot: number, fromNs: number, toNs: number): TapeEvents {
  const c = tape.columns;
  const lim = [new Col(), new Col(), new Col(), new Col()];
  const can = [new Col(), new Col(), new Col(), new Col()];
  const qAhead = new Col(), qLevel = new Col();
  // exposure by level size (lots, rounded) for the depletion term
  const expByQ = new Map<number, [number, number]>(); // Q → [∫dt, ∫x dt]
  let exposure = 0, exposureX = 0;
  const best = [NaN, NaN];
  const unknown = [0, 0]; // lots of orders at the best level not followed (all ahead)
  const queues: Followed[][] = [[], []];
  let lastT = NaN;
  const accrue = (t: number) => {
    if (lastT === lastT && t > lastT) {
      const dt = t - lastT;
      for (const s of [BID, ASK]) {
        const q = queues[s];
        if (q.length === 0) continue;
        let total = unknown[s];
        for (const o of q) total += o.qty;
        let ahead = unknown[s];
        const key = Math.round(total);
        let slot = expByQ.get(key);
        if (!slot) expByQ.set(key, slot = [0, 0]);
        for (const o of q) {
          const x = total > 0 ? ahead / total : 0;
          exposure += dt;
          exposureX += x * dt;
          slot[0] += dt;
          slot[1] += x * dt;
          ahead += o.qty;
        }
      }
    }
    lastT = t;
  };
  const reset = (s: number, price: number, qty: number) => {
    best[s] = price;
    unknown[s] = qty;
    queues[s] = [];
  };
  for (let i = tape.meta.bookStart; i < tape.length; i++) {
    const ts = c.ts[i];
    if (ts >= toNs) break;
    const inWindow = ts >= fromNs;
    const t = ts / 1e9;
    if (inWindow) accrue(t);
    const k = c.kind[i];
    const s = c.side[i];
    const price = c.price[i];
    const qty = c.qty[i] * perLot;
    const prevBest = i > 0 ? (s === BID ? c.bestBid[i - 1] : c.bestAsk[i - 1]) : NaN;
    const prevMidOk = prevBest === prevBest;
    if (k === EVENT.ADD && inWindow) {
      lim[0].push(t);
      lim[1].push(s);
      lim[2].push(prevMidOk ? (s === BID ? prevBest - price : price - prevBest) : NaN);
      lim[3].push(qty);
    }
    if ((k === EVENT.CANCEL || k === EVENT.DELETE) && inWindow) {
      can[0].push(t);
      can[1].push(s);
      can[2].push(prevMidOk ? (s === BID ? prevBest - price : price - prevBest) : NaN);
      can[3].push(qty);
    }
    // follow the queues at the best levels
    if (k === EVENT.ADD && s <= 1) {
      if (price === best[s]) queues[s].push({ id: c.orderId[i], qty });
      else if (!(best[s] === best[s]) || (s === BID ? price > best[s] : price < best[s])) {
        reset(s, price, 0);
        queues[s].push({ id: c.orderId[i], qty });
      }
    } else if (
      (k === EVENT.CANCEL || k === EVENT.DELETE || k === EVENT.EXECUTE) && price === best[s]
    ) {
      const q = queues[s];
      const j = q.findIndex((o) => o.id === c.orderId[i]);
      if (j >= 0) {
        if (k !== EVENT.EXECUTE && inWindow) {
          let total = unknown[s];
          for (const o of q) total += o.qty;
          let ahead = unknown[s];
          for (let m = 0; m < j; m++) ahead += q[m].qty;
          qAhead.push(total > 0 ? ahead / total : 0);
          qLevel.push(total);
        }
        q[j].qty -= qty;
        if (k === EVENT.DELETE || q[j].qty <= 1e-12) q.splice(j, 1);
      } else unknown[s] = Math.max(0, unknown[s] - qty);
    }
    // whatever happened, the best level after the event is authoritative
    for (const side of [BID, ASK]) {
      const b = side === BID ? c.bestBid[i] : c.bestAsk[i];
      const bq = (side === BID ? c.bidQty[i] : c.askQty[i]) * perLot;
      if (!(b === b)) {
        if (best[side] === best[side]) reset(side, NaN, 0);
        continue;
      }
      if (b !== best[side]) reset(side, b, bq);
      else {
        let total = unknown[side];
        for (const o of queues[side]) total += o.qty;
        if (Math.abs(total - bq) > 1e-9) {
          // a level revealed from beyond, a hidden change: re-anchor the unknown block
          const known = total - unknown[side];
          if (bq >= known) unknown[side] = bq - known;
          else reset(side, b, bq);
        }
      }
    }
    if (c.flags[i] & FLAG.REVEALED) {
      // the level came from beyond the file's depth: its orders are unknown
      const side = s;
      const b = side === BID ? c.bestBid[i] : c.bestAsk[i];
      if (b === price && queues[side].length === 0) {
        unknown[side] = (side === BID ? c.bidQty[i] : c.askQty[i]) * perLot;
      }
    }
  }
  const keys = [...expByQ.keys()].sort((a, b) => a - b);
  return {
    orderLevel: true,
    span: spanOf(tape, fromNs, toNs),
    limits: done(lim),
    cancels: done(can),
    queue: {
      ahead: qAhead.done(),
      levelQty: qLevel.done(),
      exposure,
      exposureX,
      byLevel: {
        qty: Float64Array.from(keys),
        exposure: Float64Array.from(keys, (q) => expByQ.get(q)![0]),
        exposureX: Float64Array.from(keys, (q) => expByQ.get(q)![1]),
      },
    },
    volume: null,
    depthLevels: tape.meta.depthLevels,
  };
}

function done(cols: Col[]): OrderEvents {
  return {
    time: cols[0].done(),
    side: cols[1].done(),
    distance: cols[2].done(),
    qty: cols[3].done(),
  };
}

function l2Events(
  tape: Tape,
  perLot: number,
  fromNs: number,
  toNs: number,
  depth: number,
): TapeEvents {
  const c = tape.columns;
  const lim = [new Col(), new Col(), new Col(), new Col()];
  const can = [new Col(), new Col(), new Col(), new Col()];
  const traded = new Map<number, number>(); // price*2+side → lots traded since the last update
  const book = [new Map<number, number>(), new Map<number, number>()];
  let touchC = 0, touchE = 0, awayC = 0, awayE = 0, stale = 0;
  const bySize = new Map<number, number>();
  let lastT = NaN;
  let batchStart = -1;
  const accrue = (t: number, row: number) => {
    if (lastT === lastT && t > lastT && row >= 0) {
      const dt = t - lastT;
      const bb = c.bestBid[row], ba = c.bestAsk[row];
      if (bb === bb && ba === ba) {
        for (const s of [BID, ASK]) {
          const top = s === BID ? bb : ba;
          for (const [p, q] of book[s]) {
            const d = s === BID ? top - p : p - top;
            if (d === 0) {
              touchE += q * dt;
              const key = Math.round(q);
              bySize.set(key, (bySize.get(key) ?? 0) + dt);
            } else if (d > 0 && d <= depth) awayE += q * dt;
          }
        }
      }
    }
    lastT = t;
  };
  for (let i = tape.meta.bookStart; i < tape.length; i++) {
    const ts = c.ts[i];
    if (ts >= toNs) break;
    const inWindow = ts >= fromNs;
    const t = ts / 1e9;
    const k = c.kind[i];
    if (k === EVENT.CLEAR) {
      book[0].clear();
      book[1].clear();
      traded.clear();
      continue;
    }
    if (isTradeKind(k)) {
      const key = c.price[i] * 2 + c.side[i];
      traded.set(key, (traded.get(key) ?? 0) + c.qty[i] * perLot);
      continue;
    }
    if (k !== EVENT.LEVEL) continue;
    const s = c.side[i];
    const price = c.price[i];
    const after = c.qty[i] * perLot;
    if (c.flags[i] & FLAG.SNAPSHOT) {
      if (after > 0) book[s].set(price, after);
      else book[s].delete(price);
      continue;
    }
    // the batch (rows sharing this time): the book before it is the row before its start
    if (batchStart < 0 || c.ts[batchStart] !== ts) {
      batchStart = i;
      if (inWindow) accrue(t, i - 1);
    }
    let end = i;
    while (end + 1 < tape.length && c.ts[end + 1] === ts) end++;
    const before = book[s].get(price) ?? 0;
    const key = price * 2 + s;
    const tr = traded.get(key) ?? 0;
    traded.delete(key);
    const net = after - before + tr;
    if (after > 0) book[s].set(price, after);
    else book[s].delete(price);
    if (!inWindow || Math.abs(net) < 1e-12) continue;
    const r0 = batchStart - 1;
    const prevBest = r0 >= 0 ? (s === BID ? c.bestBid[r0] : c.bestAsk[r0]) : NaN;
    const dist = prevBest === prevBest ? (s === BID ? prevBest - price : price - prevBest) : NaN;
    if (net > 0) {
      lim[0].push(t);
      lim[1].push(s);
      lim[2].push(dist);
      lim[3].push(net);
      continue;
    }
    // a decrease: stale when the market moved through the level
    const oppAfter = s === BID ? c.bestAsk[end] : c.bestBid[end];
    const through = oppAfter === oppAfter && (s === BID ? price >= oppAfter : price <= oppAfter);
    if (through) {
      stale += -net;
      continue;
    }
    can[0].push(t);
    can[1].push(s);
    can[2].push(dist);
    can[3].push(-net);
    if (dist === 0) touchC += -net;
    else if (dist > 0 && dist <= depth) awayC += -net;
  }
  const keys = [...bySize.keys()].sort((a, b) => a - b);
  return {
    orderLevel: false,
    span: spanOf(tape, fromNs, toNs),
    limits: done(lim),
    cancels: done(can),
    queue: null,
    volume: {
      touchCancelled: touchC,
      touchExposure: touchE,
      awayCancelled: awayC,
      awayExposure: awayE,
      staleRemoved: stale,
      depth,
      touchBySize: {
        qty: Float64Array.from(keys),
        seconds: Float64Array.from(keys, (q) => bySize.get(q)!),
      },
    },
    depthLevels: tape.meta.depthLevels,
  };
}

/**
 * The events of several tapes (or windows) as one: each array concatenated in order, the
 * exposures and volumes summed, the spans laid end to end; queue and volume statistics only
 * where every part has them. One part is returned as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "../data/csv.ts";
 * import { mergeTapeEvents, tapeEvents } from "./tape_events.ts";
 * const p = new CsvParser("t.csv");
 * ["ts,type,side,price,qty", "0,snapshot,bid,9.99,5", "0,snapshot,ask,10.01,5",
 *   "1000000000,update,bid,9.99,8", "2000000000,update,bid,9.99,6"]
 *   .forEach((l, i) => p.push(l, i + 1));
 * const ev = tapeEvents(p.finish(), { lotSize: 1 });
 * const both = mergeTapeEvents([ev, ev]);
 * assert.deepEqual([...both.limits.qty], [3, 3]);
 * assert.equal(both.span[1], 2 * (ev.span[1] - ev.span[0]));
 * ```
 */
export function mergeTapeEvents(events: readonly TapeEvents[]): TapeEvents {
  if (events.length === 1) return events[0];
  const cat = (f: (e: TapeEvents) => Float64Array) => {
    const parts = events.map(f);
    const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  const span: [number, number] = [0, events.reduce((s, e) => s + (e.span[1] - e.span[0]), 0)];
  const q = events[0].queue;
  const v = events[0].volume;
  return {
    orderLevel: events.every((e) => e.orderLevel),
    span,
    limits: {
      time: cat((e) => e.limits.time),
      side: cat((e) => e.limits.side),
      distance: cat((e) => e.limits.distance),
      qty: cat((e) => e.limits.qty),
    },
    cancels: {
      time: cat((e) => e.cancels.time),
      side: cat((e) => e.cancels.side),
      distance: cat((e) => e.cancels.distance),
      qty: cat((e) => e.cancels.qty),
    },
    queue: q && events.every((e) => e.queue)
      ? {
        ahead: cat((e) => e.queue!.ahead),
        levelQty: cat((e) => e.queue!.levelQty),
        exposure: events.reduce((s, e) => s + e.queue!.exposure, 0),
        exposureX: events.reduce((s, e) => s + e.queue!.exposureX, 0),
        byLevel: {
          qty: cat((e) => e.queue!.byLevel.qty),
          exposure: cat((e) => e.queue!.byLevel.exposure),
          exposureX: cat((e) => e.queue!.byLevel.exposureX),
        },
      }
      : null,
    volume: v && events.every((e) => e.volume)
      ? {
        touchCancelled: events.reduce((s, e) => s + e.volume!.touchCancelled, 0),
        touchExposure: events.reduce((s, e) => s + e.volume!.touchExposure, 0),
        awayCancelled: events.reduce((s, e) => s + e.volume!.awayCancelled, 0),
        awayExposure: events.reduce((s, e) => s + e.volume!.awayExposure, 0),
        staleRemoved: events.reduce((s, e) => s + e.volume!.staleRemoved, 0),
        depth: v.depth,
        touchBySize: {
          qty: cat((e) => e.volume!.touchBySize.qty),
          seconds: cat((e) => e.volume!.touchBySize.seconds),
        },
      }
      : null,
    depthLevels: maxOf(events.map((e) => e.depthLevels)),
  };
}
