/**
 * Fit of the touch-flow model (`lib/market/touch_flow.ts`): limit orders placed inside the
 * spread and deletions at the touch, as Poisson intensities by spread bucket.
 *
 * On an order-level tape (LOBSTER) the state before each message is the book after the
 * previous one; the time spent in each spread bucket is integrated, and a message is counted
 * in the bucket of the spread it found: an `ADD` priced strictly inside the spread (with its
 * improvement d over the same side's best, ticks), a `DELETE` at the same side's best price.
 * The maximum-likelihood intensity of a Poisson stream observed for T seconds with n events
 * is n/T, standard error √n/T (inverse Fisher information); the improvement's mean
 * d̄ with standard error sd/√n (the model's d = 1 + geometric has mean d̄ by moments, which
 * is also its maximum likelihood estimate).
 *
 * Not identified on tapes without order-level messages (a batched L2 feed merges several
 * orders into one level change and cannot tell a placement inside the spread from a
 * re-post): the calibration then leaves the model off. Units: seconds, ticks.
 *
 * @module
 */
import { settledRow } from "../data/settled.ts";
import { EVENT, type Tape } from "../data/tape.ts";
import { ValidationError } from "../errors.ts";
import { type Estimate, fitted, sig, unidentified } from "./estimate.ts";
import {
  fitTouchExcitation,
  type TouchExcitationData,
  type TouchExcitationFit,
} from "./fit_touch_excitation.ts";
import {
  fitFleeting,
  FLEETING_WINDOW,
  type FleetingFit,
  fleetingResponsibility,
} from "./fit_fleeting.ts";

/** Lower edges of the spread buckets, ticks (the model's `spreadEdges`). */
export const TOUCH_SPREAD_EDGES: readonly number[] = [1, 2, 3, 5, 9, 17, 33];

/** Upper edges of the buckets of the time since the last trade, s (the model's `ageEdges`). */
export const TOUCH_AGE_EDGES: readonly number[] = [0.1, 1, 10];

/** Horizon of the mid's response to a quote event, s (the markout's longest horizon). */
export const TOUCH_RESPONSE_HORIZON = 60;

/** What the tape shows of the touch flow, per spread bucket. */
export interface TouchCounts {
  /** Lower edges of the spread buckets, ticks. */
  edges: number[];
  /** Upper edges of the trade-age buckets, s (cells: spread bucket k, age a at k·(A + 1) + a). */
  ageEdges: number[];
  /** Seconds spent in each cell. */
  seconds: Float64Array;
  /** Limit orders inside the spread in each bucket. */
  inSpread: Float64Array;
  /** Deletions at the touch in each bucket. */
  cancels: Float64Array;
  /** Number of improvements, their sum and sum of squares (ticks). */
  improve: { n: number; sum: number; sumSq: number };
  /**
   * Response of the mid to the events that moved it, `[inSpread, cancel]`: n events, Σ|Δ|
   * (their own mid changes, ticks), Σ x and Σ x² with x = sign(Δ)·(mid `horizon` seconds
   * later − mid before the event).
   */
  response: { n: number; absMove: number; sum: number; sumSq: number }[];
  /** Horizon of the response, s. */
  horizon: number;
  /**
   * `[inSpread, cancel]` × trade-age bucket (< 1 s, 1–10 s, later): events after a trade, and
   * how many followed it (an order on its aggressor's side; a deletion on the side it hit).
   */
  follow: { n: number; hits: number }[][];
  /**
   * The lifetimes of the orders placed inside the spread, followed by id (order-level tapes
   * whose events name the order they change; absent or empty elsewhere): seconds from
   * placement to the end of the life, 1 where a deletion ended it (else an execution or the
   * tape's end), and the cell of the deletion at the touch it was counted as in `cancels`
   * (−1 when it was not one); `moves`: for each of those orders' placements and deletions at
   * the touch counted in `response`, four numbers: the class (0 placement, 1 deletion), the
   * life's index, x and |Δ|.
   */
  fleeting?: { life: number[]; deleted: number[]; cell: number[]; moves?: number[] };
  /**
   * Every counted event (placements inside the spread and deletions at the touch): its time
   * (s; several tapes a gap of {@linkcode TOUCH_TAPE_GAP} apart) and cell, and the end of the
   * observed time, for the self-excitation's fit (absent: not recorded).
   */
  events?: { t: number[]; cell: number[]; horizon: number };
}

/** Seconds between two tapes' events in {@linkcode touchCountsOf} (no excitation carries over). */
export const TOUCH_TAPE_GAP = 1_000;

/** Bucket of spread `s` over `edges`, −1 below the first edge. */
function bucketOf(edges: readonly number[], s: number): number {
  let k = -1;
  for (let i = 0; i < edges.length && s >= edges[i]; i++) k = i;
  return k;
}

/**
 * Counts the touch flow of an order-level `tape` between `from` and `to` (s since the
 * origin), by the spread each message found.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LobsterParser } from "../data/lobster.ts";
 * import { touchCounts } from "./fit_touch.ts";
 * const p = new LobsterParser({
 *   message: "X_2012-06-21_0_1_message_1.csv", orderbook: "X_2012-06-21_0_1_orderbook_1.csv",
 *   ticker: "X", date: "2012-06-21", levels: 1, startMs: 0, endMs: 1,
 * });
 * p.push("34200.0,1,7,100,1000000,1", "1001000,50,1000000,100", 1); // spread 10 ticks
 * p.push("34201.0,1,8,100,1000100,1", "1001000,50,1000100,100", 2); // a bid 1 tick inside
 * p.push("34203.0,3,8,100,1000100,1", "1001000,50,1000000,100", 3); // deleted at the touch
 * const c = touchCounts(p.finish(), { ageEdges: [] }); // by spread only
 * assert.equal(c.inSpread[4], 1); // found the 10-tick spread (bucket 9–16)
 * assert.equal(c.cancels[4], 1); // found a 9-tick spread
 * assert.equal(c.seconds[4], 3);
 * assert.equal(c.improve.sum, 1);
 * ```
 */
export function touchCounts(
  tape: Tape,
  options: {
    from?: number;
    to?: number;
    edges?: readonly number[];
    ageEdges?: readonly number[];
    horizon?: number;
  } = {},
): TouchCounts {
  const ageEdges = [...(options.ageEdges ?? TOUCH_AGE_EDGES)];
  const na = ageEdges.length + 1;
  const ageOfBucket = (age: number) => {
    let a = 0;
    while (a < ageEdges.length && !(age < ageEdges[a])) a++;
    return a;
  };
  const horizon = options.horizon ?? TOUCH_RESPONSE_HORIZON;
  // row, class (0 in-spread, 1 cancel), life index (−1: none) and the mid's change (ticks, read
  // after the levels a depth-limited file reveals: settledRow) of the events that moved the mid
  const moves: number[] = [];
  const follow = [0, 1].map(() => [0, 1, 2].map(() => ({ n: 0, hits: 0 })));
  let lastSign = 0;
  let lastT = -Infinity;
  const edges = [...(options.edges ?? TOUCH_SPREAD_EDGES)];
  const nb = edges.length;
  const seconds = new Float64Array(nb * na);
  const inSpread = new Float64Array(nb * na);
  const cancels = new Float64Array(nb * na);
  // seconds from t0 to t1 (s) in spread bucket k, split by the age of the last trade
  const accrue = (k: number, t0: number, t1: number) => {
    let s = t0;
    for (let a = ageOfBucket(t0 - lastT); a < na && s < t1; a++) {
      const end = a < ageEdges.length ? lastT + ageEdges[a] : Infinity;
      const e = end < t1 ? end : t1;
      if (e > s) seconds[k * na + a] += e - s;
      s = e > s ? e : s;
    }
  };
  const improve = { n: 0, sum: 0, sumSq: 0 };
  const c = tape.columns;
  const fromNs = (options.from ?? -Infinity) * 1e9;
  const toNs = (options.to ?? Infinity) * 1e9;
  let lastNs = NaN;
  let k = -1;
  // lifetimes of the orders placed inside the spread: index by the ADD's row
  const life: number[] = [], deleted: number[] = [], lifeCell: number[] = [];
  const born = new Map<number, number>(); // ADD row → index into life (still open)
  const evT: number[] = [], evCell: number[] = [];
  for (let i = tape.meta.bookStart; i < tape.length; i++) {
    const ts = c.ts[i];
    if (ts >= toNs) break;
    if (ts >= fromNs) {
      const bid = i > 0 ? c.bestBid[i - 1] : NaN;
      const ask = i > 0 ? c.bestAsk[i - 1] : NaN;
      if (k >= 0 && lastNs === lastNs) accrue(k, lastNs / 1e9, ts / 1e9);
      const kind = c.kind[i];
      const side = c.side[i];
      const price = c.price[i];
      const ageOf = (t: number) => t - lastT < 1 ? 0 : t - lastT < 10 ? 1 : 2;
      const cell = k * na + ageOfBucket(ts / 1e9 - lastT);
      if (bid === bid && ask === ask) {
        if (kind === EVENT.ADD && price > bid && price < ask && k >= 0) {
          inSpread[cell]++;
          evT.push(ts / 1e9);
          evCell.push(cell);
          born.set(i, life.length);
          life.push(ts / 1e9);
          deleted.push(0);
          lifeCell.push(-1);
          const d = side === 0 ? price - bid : ask - price;
          improve.n++;
          improve.sum += d;
          improve.sumSq += d * d;
          if (lastSign !== 0) {
            const f = follow[0][ageOf(ts / 1e9)];
            f.n++;
            if ((side === 0) === (lastSign > 0)) f.hits++;
          }
          const e = settledRow(tape, i);
          if (c.bestBid[e] + c.bestAsk[e] !== bid + ask) {
            moves.push(i, 0, life.length - 1, (c.bestBid[e] + c.bestAsk[e]) / 2 - (bid + ask) / 2);
          }
        } else if (kind === EVENT.DELETE && k >= 0 && price === (side === 0 ? bid : ask)) {
          cancels[cell]++;
          evT.push(ts / 1e9);
          evCell.push(cell);
          const j = born.get(c.addIndex[i]);
          if (j !== undefined) lifeCell[j] = cell;
          if (lastSign !== 0) {
            const f = follow[1][ageOf(ts / 1e9)];
            f.n++;
            if ((side === 1) === (lastSign > 0)) f.hits++;
          }
          const e = settledRow(tape, i);
          const b = c.bestBid[e];
          const a = c.bestAsk[e];
          if (b === b && a === a && b + a !== bid + ask) {
            moves.push(i, 1, j ?? -1, (b + a) / 2 - (bid + ask) / 2);
          }
        }
      }
      const kd = c.kind[i];
      if (kd === EVENT.DELETE || kd === EVENT.EXECUTE) {
        const a = c.addIndex[i];
        const j = a >= 0 ? born.get(a) : undefined;
        if (j !== undefined) {
          life[j] = ts / 1e9 - life[j];
          deleted[j] = kd === EVENT.DELETE ? 1 : 0;
          born.delete(a);
        }
      }
      lastNs = ts;
    }
    if (c.kind[i] === EVENT.EXECUTE) {
      lastSign = c.side[i] === 0 ? -1 : 1; // the resting side: a bid hit is a sell
      lastT = ts / 1e9;
    }
    const b = c.bestBid[i];
    const a = c.bestAsk[i];
    k = b === b && a === a ? bucketOf(edges, a - b) : -1;
  }
  if (k >= 0 && lastNs === lastNs && Number.isFinite(toNs)) {
    const end = Math.min(toNs, c.ts[tape.length - 1]);
    if (end > lastNs) accrue(k, lastNs / 1e9, end / 1e9);
  }
  const endNs = Math.min(toNs, c.ts[tape.length - 1]);
  for (const j of born.values()) life[j] = Math.max(0, endNs / 1e9 - life[j]); // censored
  const response = [0, 1].map(() => ({ n: 0, absMove: 0, sum: 0, sumSq: 0 }));
  let j = 0;
  const lifeMoves: number[] = [];
  for (let m = 0; m < moves.length; m += 4) {
    const i = moves[m];
    const at = c.ts[i] + horizon * 1e9;
    if (at > endNs) break;
    if (j < i) j = i;
    while (j + 1 < tape.length && c.ts[j + 1] <= at) j++;
    const before = (c.bestBid[i - 1] + c.bestAsk[i - 1]) / 2;
    const d = moves[m + 3];
    const later = (c.bestBid[j] + c.bestAsk[j]) / 2;
    if (!(later === later)) continue;
    const x = Math.sign(d) * (later - before);
    const r = response[moves[m + 1]];
    r.n++;
    r.absMove += Math.abs(d);
    r.sum += x;
    r.sumSq += x * x;
    if (moves[m + 2] >= 0) lifeMoves.push(moves[m + 1], moves[m + 2], x, Math.abs(d));
  }
  return {
    edges,
    ageEdges,
    seconds,
    inSpread,
    cancels,
    improve,
    response,
    horizon,
    follow,
    fleeting: { life, deleted, cell: lifeCell, moves: lifeMoves },
    events: { t: evT, cell: evCell, horizon: endNs / 1e9 },
  };
}

/** A fitted rate with its standard error. */
export interface RateEstimate {
  /** Per second. */
  value: number;
  /** Standard error, per second (NaN: no time in the bucket). */
  se: number;
}

/** The fitted touch-flow model. */
export interface TouchFit {
  /** Lower edges of the spread buckets, ticks. */
  spreadEdges: number[];
  /** Upper edges of the trade-age buckets, s. */
  ageEdges: number[];
  /** Limit orders inside the spread per second, by cell (spread bucket, then age). */
  inSpreadRate: RateEstimate[];
  /** Deletions at the touch per second, by bucket. */
  cancelRate: RateEstimate[];
  /** Mean improvement, ticks. */
  improveMean: RateEstimate;
  /** Share of an in-spread order's mid change still there after the horizon. */
  inSpreadImpact: RateEstimate;
  /** Share of a touch deletion's mid change still there after the horizon. */
  cancelImpact: RateEstimate;
  /** Probability that an order inside the spread follows the last trade, by its age. */
  inSpreadFollow: RateEstimate[];
  /** Probability that a deletion at the touch follows the last trade, by its age. */
  cancelFollow: RateEstimate[];
  /**
   * The lifetimes of the orders placed inside the spread (`fit_fleeting.ts`); null where not
   * asked for or the counts hold no lifetimes.
   */
  fleeting: FleetingFit | null;
  /** The self-excitation (`fit_touch_excitation.ts`); null where not asked for. */
  excitation: TouchExcitationFit | null;
}

function binomial(f: { n: number; hits: number }): RateEstimate {
  if (f.n === 0) return { value: 0.5, se: NaN };
  const p = f.hits / f.n;
  return { value: p, se: Math.sqrt(p * (1 - p) / f.n) };
}

/**
 * Maximum-likelihood intensities n/T (standard error √n/T) of the counts; a bucket never
 * visited gets rate 0 (standard error NaN: it does not matter where the book never is).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitTouchFlow } from "./fit_touch.ts";
 * const f = fitTouchFlow({
 *   edges: [2, 10], ageEdges: [], seconds: new Float64Array([100, 0]),
 *   inSpread: new Float64Array([25, 0]), cancels: new Float64Array([4, 0]),
 *   improve: { n: 25, sum: 50, sumSq: 125 },
 *   response: [{ n: 4, absMove: 4, sum: 2, sumSq: 2 }, { n: 0, absMove: 0, sum: 0, sumSq: 0 }],
 *   horizon: 60,
 *   follow: [[{ n: 10, hits: 6 }, { n: 0, hits: 0 }, { n: 0, hits: 0 }], []],
 * });
 * assert.equal(f.inSpreadFollow[0].value, 0.6);
 * assert.equal(f.inSpreadImpact.value, 0.5); // half of the mid's moves stayed
 * assert.deepEqual(f.inSpreadRate[0], { value: 0.25, se: 0.05 });
 * assert.equal(f.cancelRate[1].value, 0);
 * assert.equal(f.improveMean.value, 2);
 * ```
 */
export function fitTouchFlow(
  c: TouchCounts,
  options: { fleeting?: boolean; excitation?: boolean } = {},
): TouchFit {
  if (options.excitation === true && options.fleeting === true) {
    throw new ValidationError(
      "touch.excitation",
      true,
      "not with the fleeting orders (their deletions would be counted twice)",
    );
  }
  const excitation = options.excitation === true ? fitTouchExcitation(excitationData(c)) : null;
  const rate = (n: number, t: number): RateEstimate =>
    t > 0 ? { value: n / t, se: Math.sqrt(n) / t } : { value: 0, se: NaN };
  // the fleeting orders' deletions are the model's own: each deletion at the touch of an
  // order placed inside the spread leaves the touch's counts by its posterior probability of
  // having been a fleeting one
  const lf = c.fleeting;
  const fleeting = options.fleeting === true && lf !== undefined
    ? fitFleeting(lf.life, lf.deleted)
    : null;
  const cancels = Float64Array.from(c.cancels);
  // … and the responses of their placements and deletions leave the impacts' sums: a fleeting
  // order's placement and deletion undo each other in the simulation (touch_flow.ts)
  const response = c.response.map((r) => ({ ...r }));
  if (fleeting !== null && lf !== undefined && fleeting.share > 0) {
    for (let j = 0; j < lf.life.length; j++) {
      if (lf.cell[j] >= 0) cancels[lf.cell[j]] -= fleetingResponsibility(fleeting, lf.life[j]);
    }
    const mv = lf.moves ?? [];
    for (let m = 0; m < mv.length; m += 4) {
      const w = fleetingResponsibility(fleeting, lf.life[mv[m + 1]]);
      const r = response[mv[m]];
      r.n -= w;
      r.absMove -= w * mv[m + 3];
      r.sum -= w * mv[m + 2];
      r.sumSq -= w * mv[m + 2] * mv[m + 2];
    }
  }
  const inSpreadRate: RateEstimate[] = [];
  const cancelRate: RateEstimate[] = [];
  for (let k = 0; k < c.seconds.length; k++) {
    inSpreadRate.push(rate(c.inSpread[k], c.seconds[k]));
    cancelRate.push(rate(Math.max(0, cancels[k]), c.seconds[k]));
  }
  const { n, sum, sumSq } = c.improve;
  const mean = n > 0 ? sum / n : 1;
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : NaN;
  // share = Σx / Σ|Δ| (a ratio estimator); its standard error by the delta method, the
  // events taken as independent (overlapping horizons make it a lower bound)
  const share = (r: TouchCounts["response"][number]): RateEstimate => {
    if (r.n < 2 || !(r.absMove > 0)) return { value: 0, se: NaN };
    const mx = r.sum / r.n;
    const sx = Math.sqrt(Math.max(0, r.sumSq / r.n - mx * mx));
    const v = Math.max(0, r.sum / r.absMove);
    return { value: v, se: sx / Math.sqrt(r.n) / (r.absMove / r.n) };
  };
  return {
    spreadEdges: [...c.edges],
    ageEdges: [...c.ageEdges],
    inSpreadRate,
    cancelRate,
    improveMean: { value: Math.max(1, mean), se: n > 1 ? Math.sqrt(variance / n) : NaN },
    inSpreadImpact: share(response[0]),
    cancelImpact: share(response[1]),
    // binomial maximum likelihood hits/n, standard error √(p(1 − p)/n)
    inSpreadFollow: c.follow[0].map(binomial),
    cancelFollow: c.follow[1].map(binomial),
    fleeting,
    excitation,
  };
}

/** The self-excitation fit's data from the counts' events: each one's cell's table rate. */
function excitationData(c: TouchCounts): TouchExcitationData {
  const ev = c.events;
  if (ev === undefined) {
    throw new ValidationError("touch.excitation", "no events", "counts that record the events");
  }
  const rateOf = (k: number) =>
    c.seconds[k] > 0 ? (c.inSpread[k] + c.cancels[k]) / c.seconds[k] : 0;
  let compensator = 0;
  for (let k = 0; k < c.seconds.length; k++) compensator += rateOf(k) * c.seconds[k];
  // an event in a cell the book spent no time in has no baseline: left out
  const t: number[] = [], rate: number[] = [];
  ev.t.forEach((x, j) => {
    const r = rateOf(ev.cell[j]);
    if (r > 0) {
      t.push(x);
      rate.push(r);
    }
  });
  return { t, rate, compensator, horizon: ev.horizon };
}

/**
 * The touch-flow counts of several tapes of one instrument, summed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { touchCountsOf } from "./fit_touch.ts";
 * assert.equal(touchCountsOf([]).seconds.length, 28); // 7 spreads × 4 trade ages
 * assert.equal(touchCountsOf([], { ageEdges: [] }).seconds.length, 7); // by spread only
 * ```
 */
export function touchCountsOf(
  tapes: readonly Tape[],
  options: { from?: number; to?: number; ageEdges?: readonly number[] } = {},
): TouchCounts {
  const edges = [...TOUCH_SPREAD_EDGES];
  const ageEdges = [...(options.ageEdges ?? TOUCH_AGE_EDGES)];
  const n = edges.length * (ageEdges.length + 1);
  const out: TouchCounts = {
    edges,
    ageEdges,
    seconds: new Float64Array(n),
    inSpread: new Float64Array(n),
    cancels: new Float64Array(n),
    improve: { n: 0, sum: 0, sumSq: 0 },
    response: [0, 1].map(() => ({ n: 0, absMove: 0, sum: 0, sumSq: 0 })),
    horizon: TOUCH_RESPONSE_HORIZON,
    follow: [0, 1].map(() => [0, 1, 2].map(() => ({ n: 0, hits: 0 }))),
    fleeting: { life: [], deleted: [], cell: [], moves: [] },
    events: { t: [], cell: [], horizon: 0 },
  };
  let offset = 0;
  for (const t of tapes) {
    const c = touchCounts(t, { from: options.from, to: options.to, edges, ageEdges });
    const ev = c.events!;
    const oe = out.events!;
    const first = ev.t.length > 0 ? ev.t[0] : 0;
    for (let j = 0; j < ev.t.length; j++) {
      oe.t.push(offset + ev.t[j] - first);
      oe.cell.push(ev.cell[j]);
    }
    if (ev.t.length > 0) {
      oe.horizon = offset + ev.horizon - first;
      offset = oe.horizon + TOUCH_TAPE_GAP;
    }
    const f = c.fleeting!;
    const o = out.fleeting!;
    const mv = f.moves ?? [];
    for (let m = 0; m < mv.length; m += 4) {
      o.moves!.push(mv[m], mv[m + 1] + o.life.length, mv[m + 2], mv[m + 3]);
    }
    for (let j = 0; j < f.life.length; j++) {
      o.life.push(f.life[j]);
      o.deleted.push(f.deleted[j]);
      o.cell.push(f.cell[j]);
    }
    for (let r = 0; r < 2; r++) {
      for (let a = 0; a < 3; a++) {
        out.follow[r][a].n += c.follow[r][a].n;
        out.follow[r][a].hits += c.follow[r][a].hits;
      }
      out.response[r].n += c.response[r].n;
      out.response[r].absMove += c.response[r].absMove;
      out.response[r].sum += c.response[r].sum;
      out.response[r].sumSq += c.response[r].sumSq;
    }
    for (let k = 0; k < n; k++) {
      out.seconds[k] += c.seconds[k];
      out.inSpread[k] += c.inSpread[k];
      out.cancels[k] += c.cancels[k];
    }
    out.improve.n += c.improve.n;
    out.improve.sum += c.improve.sum;
    out.improve.sumSq += c.improve.sumSq;
  }
  return out;
}

/**
 * The touch-flow fit's estimates, written into `est` (the preset's provenance) under
 * `flow.touch.*`: each cell's rates (`flow.touch.inSpreadRate.SPREAD.age<AGEs`; a cell the book
 * never visited: not identified, 0), the
 * impact shares, the follow probabilities by the last trade's age and the mean improvement.
 * With `only = "deletions"` (the deletions-only touch of {@linkcode touchDeletionsConfig}),
 * the deletion rates and their impact alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Estimate } from "./estimate.ts";
 * import { fitTouchFlow, touchFlowEstimates } from "./fit_touch.ts";
 * const fit = fitTouchFlow({
 *   edges: [2, 10], ageEdges: [], seconds: new Float64Array([100, 0]),
 *   inSpread: new Float64Array([25, 0]), cancels: new Float64Array([4, 0]),
 *   improve: { n: 25, sum: 50, sumSq: 125 },
 *   response: [{ n: 4, absMove: 4, sum: 2, sumSq: 2 }, { n: 0, absMove: 0, sum: 0, sumSq: 0 }],
 *   horizon: 60,
 *   follow: [[{ n: 10, hits: 6 }, { n: 0, hits: 0 }, { n: 0, hits: 0 }], []],
 * });
 * const est: Record<string, Estimate> = {};
 * touchFlowEstimates(fit, est);
 * assert.deepEqual(est["flow.touch.inSpreadRate.2"].value, 0.25);
 * // the book was never at a spread of 10 ticks or more
 * assert.equal(est["flow.touch.cancelRate.10"].status, "not identified");
 * assert.equal(est["flow.touch.inSpreadFollow.lt1s"].value, 0.6);
 * assert.equal(est["flow.touch.improveMean"].value, 2);
 * const del: Record<string, Estimate> = {};
 * touchFlowEstimates(fit, del, "deletions");
 * assert.deepEqual(Object.keys(del), [
 *   "flow.touch.cancelRate.2",
 *   "flow.touch.cancelRate.10",
 *   "flow.touch.cancelImpact",
 * ]);
 * ```
 */
export function touchFlowEstimates(
  fit: TouchFit,
  est: Record<string, Estimate>,
  only?: "deletions",
): void {
  const how = "Poisson maximum likelihood n/T of the events per second spent at each spread " +
    "and time since the last trade (fit_touch.ts)";
  const na = fit.ageEdges.length + 1;
  fit.inSpreadRate.forEach((_, cell) => {
    const e = fit.spreadEdges[Math.floor(cell / na)];
    const a = cell % na;
    const age = na === 1
      ? ""
      : a < na - 1
      ? `.age<${fit.ageEdges[a]}s`
      : `.age>=${fit.ageEdges[na - 2]}s`;
    const pairs = only === "deletions" ? [["cancelRate", fit.cancelRate[cell]] as const] : [
      ["inSpreadRate", fit.inSpreadRate[cell]] as const,
      ["cancelRate", fit.cancelRate[cell]] as const,
    ];
    for (const [name, r] of pairs) {
      est[`flow.touch.${name}.${e}${age}`] = r.se === r.se
        ? fitted(r.value, r.se, "per second", how)
        : unidentified(0, "per second", "not identified: the book was never in this state");
    }
  });
  const howShare = "share of the mid's change by the event still there " +
    "60 s later, Σ sign(Δ)·(mid(t + 60 s) − mid(t−)) / Σ|Δ| over the events that moved the " +
    "mid (Eisler, Bouchaud & Kockelkoren 2012; fit_touch.ts); standard error by the delta " +
    "method with the events independent";
  if (only !== "deletions") {
    est["flow.touch.inSpreadImpact"] = fitted(
      fit.inSpreadImpact.value,
      fit.inSpreadImpact.se,
      "share",
      howShare,
    );
  }
  est["flow.touch.cancelImpact"] = fitted(
    fit.cancelImpact.value,
    fit.cancelImpact.se,
    "share",
    howShare,
  );
  if (only === "deletions") return;
  const howFollow = "binomial maximum likelihood of the share of the events after a trade " +
    "on its side (an order inside the spread: the aggressor's; a deletion: the side hit), " +
    "by the trade's age (fit_touch.ts)";
  const followFits = [
    ["inSpreadFollow", fit.inSpreadFollow],
    ["cancelFollow", fit.cancelFollow],
  ] as const;
  ["lt1s", "1to10s", "ge10s"].forEach((age, a) => {
    for (const [name, rs] of followFits) {
      if (rs[a] === undefined) continue;
      est[`flow.touch.${name}.${age}`] = fitted(rs[a].value, rs[a].se, "probability", howFollow);
    }
  });
  const fl = fit.fleeting;
  if (fl !== null) {
    const howFleeting =
      "maximum likelihood (EM, then L-BFGS) of a two-exponential mixture of the lifetimes " +
      `of the ${fl.n} orders placed inside the spread, censored at their execution and at ` +
      `${FLEETING_WINDOW} s (fit_fleeting.ts); observed information`;
    if (fl.share > 0) {
      est["flow.touch.fleetingShare"] = fitted(fl.share, fl.se.share, "probability", howFleeting);
      est["flow.touch.fleetingRate"] = fitted(fl.rate, fl.se.rate, "per second", howFleeting);
    } else {
      est["flow.touch.fleetingShare"] = unidentified(
        0,
        "probability",
        `not identified: ${fl.reason}`,
      );
    }
  }
  const ex = fit.excitation;
  if (ex !== null) {
    const howEx = "maximum likelihood of a Hawkes process of the touch's events whose baseline " +
      "is the table scaled by c, K = 1 or 2 exponentials by AIC, kept above a likelihood ratio " +
      "of 16.27 against the table alone (fit_touch_excitation.ts); observed information";
    if (ex.alpha.length === 0) {
      est["flow.touch.excitation"] = unidentified(0, "branching ratio", `none: ${ex.reason}`);
    } else {
      est["flow.touch.baselineScale"] = fitted(ex.scale, ex.se.scale, "share", howEx);
      ex.alpha.forEach((a, k) => {
        est[`flow.touch.excitation.${k}`] = fitted(a, ex.se.alpha[k], "branching ratio", howEx);
        est[`flow.touch.excitationDecay.${k}`] = fitted(
          ex.decay[k],
          ex.se.decay[k],
          "per second",
          howEx,
        );
      });
    }
  }
  est["flow.touch.improveMean"] = fitted(
    fit.improveMean.value,
    fit.improveMean.se,
    "ticks",
    "mean improvement of the orders placed inside the spread (fit_touch.ts)",
  );
}

/**
 * The touch-flow model's config (`flow.touch`, `lib/market/touch_flow.ts`) of a fit, its
 * values rounded to four significant digits as in a preset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { touchFlowConfigSchema } from "../market/touch_flow.ts";
 * import { fitTouchFlow, touchFlowConfig } from "./fit_touch.ts";
 * const fit = fitTouchFlow({
 *   edges: [2, 10], ageEdges: [], seconds: new Float64Array([100, 30]),
 *   inSpread: new Float64Array([25, 3]), cancels: new Float64Array([4, 0]),
 *   improve: { n: 25, sum: 50, sumSq: 125 },
 *   response: [{ n: 4, absMove: 4, sum: 2, sumSq: 2 }, { n: 0, absMove: 0, sum: 0, sumSq: 0 }],
 *   horizon: 60,
 *   follow: [[{ n: 3, hits: 1 }, { n: 0, hits: 0 }, { n: 0, hits: 0 }], []],
 * });
 * const c = touchFlowConfigSchema.parse(touchFlowConfig(fit));
 * assert.deepEqual(c.inSpreadRate, [0.25, 0.1]);
 * assert.deepEqual(c.inSpreadFollow, [0.3333, 0.5, 0.5]);
 * ```
 */
export function touchFlowConfig(fit: TouchFit): {
  spreadEdges: number[];
  ageEdges: number[];
  inSpreadRate: number[];
  cancelRate: number[];
  improveMean: number;
  inSpreadImpact: number;
  cancelImpact: number;
  inSpreadFollow: number[];
  cancelFollow: number[];
  fleetingShare?: number;
  fleetingRate?: number;
  excitation?: number[];
  excitationDecay?: number[];
} {
  // with self-excitation the table's rates are the baseline: the tape's totals scaled by c
  const ex = fit.excitation !== null && fit.excitation.alpha.length > 0 ? fit.excitation : null;
  const scale = ex === null ? 1 : ex.scale;
  return {
    spreadEdges: fit.spreadEdges,
    ageEdges: fit.ageEdges,
    inSpreadRate: fit.inSpreadRate.map((r) => sig(r.value * scale)),
    cancelRate: fit.cancelRate.map((r) => sig(r.value * scale)),
    improveMean: sig(fit.improveMean.value),
    inSpreadImpact: sig(fit.inSpreadImpact.value),
    cancelImpact: sig(fit.cancelImpact.value),
    inSpreadFollow: fit.inSpreadFollow.map((r) => sig(r.value)),
    cancelFollow: fit.cancelFollow.map((r) => sig(r.value)),
    // only where asked for: a preset without them reads as before
    ...(fit.fleeting === null
      ? {}
      : { fleetingShare: sig(fit.fleeting.share), fleetingRate: sig(fit.fleeting.rate) }),
    ...(ex === null
      ? {}
      : { excitation: ex.alpha.map((a) => sig(a)), excitationDecay: ex.decay.map((b) => sig(b)) }),
  };
}

/**
 * The touch flow with the fit's **deletions at the touch only** (`calibrate
 * --touch-deletions`): the tape's deletion rates by spread (fit on counts without trade-age
 * buckets, `touchCountsOf(tapes, { ageEdges: [] })`) and their impact (the share of a
 * deletion's move of the mid still there 60 s later, `cancelImpact`), no order placed inside
 * the spread by it (the placement model's orders may then go inside, as without the touch
 * flow, and move nothing for good), either side alike. The keenest quotes then leave on the
 * clock, whether or not an order takes them: on the AMZN tape the spread does not depend on
 * the time since the last market order, and in a market whose touch leaves only when it is
 * taken it does (docs/realism.md, `spreadByTradeAge`). `scale` multiplies every deletion rate
 * (`calibrate --match-deletions` matches it; default 1, the tape's count).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTouchFlow, touchFlowConfigSchema } from "../market/touch_flow.ts";
 * import { fitTouchFlow, touchDeletionsConfig } from "./fit_touch.ts";
 * const fit = fitTouchFlow({
 *   edges: [2, 10], ageEdges: [], seconds: new Float64Array([100, 30]),
 *   inSpread: new Float64Array([25, 3]), cancels: new Float64Array([4, 6]),
 *   improve: { n: 25, sum: 50, sumSq: 125 },
 *   // the deletions moved the mid by 8 ticks in all, 6 of them still there 60 s later
 *   response: [{ n: 4, absMove: 4, sum: 2, sumSq: 2 }, { n: 4, absMove: 8, sum: 6, sumSq: 10 }],
 *   horizon: 60,
 *   follow: [[{ n: 3, hits: 1 }, { n: 0, hits: 0 }, { n: 0, hits: 0 }], []],
 * });
 * const c = touchFlowConfigSchema.parse(touchDeletionsConfig(fit));
 * assert.deepEqual(c.cancelRate, [0.04, 0.2]);
 * // every deletion rate times a factor
 * assert.deepEqual(touchDeletionsConfig(fit, 0.5).cancelRate, [0.02, 0.1]);
 * assert.deepEqual(c.inSpreadRate, [0, 0]);
 * assert.equal(c.cancelImpact, 0.75);
 * assert.equal(c.inSpreadImpact, 0);
 * assert.equal(createTouchFlow(c)?.placesInside, false);
 * ```
 */
export function touchDeletionsConfig(fit: TouchFit, scale = 1): {
  spreadEdges: number[];
  ageEdges: number[];
  inSpreadRate: number[];
  cancelRate: number[];
  cancelImpact: number;
} {
  return {
    spreadEdges: fit.spreadEdges,
    ageEdges: fit.ageEdges,
    inSpreadRate: fit.cancelRate.map(() => 0),
    cancelRate: fit.cancelRate.map((r) => sig(r.value * scale)),
    cancelImpact: sig(fit.cancelImpact.value),
  };
}
