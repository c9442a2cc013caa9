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
import { EVENT, type Tape } from "../data/tape.ts";

/** Lower edges of the spread buckets, ticks (the model's `spreadEdges`). */
export const TOUCH_SPREAD_EDGES: readonly number[] = [1, 2, 3, 5, 9, 17, 33];

/** What the tape shows of the touch flow, per spread bucket. */
export interface TouchCounts {
  /** Lower edges of the spread buckets, ticks. */
  edges: number[];
  /** Seconds spent in each bucket. */
  seconds: Float64Array;
  /** Limit orders inside the spread in each bucket. */
  inSpread: Float64Array;
  /** Deletions at the touch in each bucket. */
  cancels: Float64Array;
  /** Number of improvements, their sum and sum of squares (ticks). */
  improve: { n: number; sum: number; sumSq: number };
}

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
 * const c = touchCounts(p.finish());
 * assert.equal(c.inSpread[4], 1); // found the 10-tick spread (bucket 9–16)
 * assert.equal(c.cancels[4], 1); // found a 9-tick spread
 * assert.equal(c.seconds[4], 3);
 * assert.equal(c.improve.sum, 1);
 * ```
 */
export function touchCounts(
  tape: Tape,
  options: { from?: number; to?: number; edges?: readonly number[] } = {},
): TouchCounts {
  const edges = [...(options.edges ?? TOUCH_SPREAD_EDGES)];
  const nb = edges.length;
  const seconds = new Float64Array(nb);
  const inSpread = new Float64Array(nb);
  const cancels = new Float64Array(nb);
  const improve = { n: 0, sum: 0, sumSq: 0 };
  const c = tape.columns;
  const fromNs = (options.from ?? -Infinity) * 1e9;
  const toNs = (options.to ?? Infinity) * 1e9;
  let lastNs = NaN;
  let k = -1;
  for (let i = tape.meta.bookStart; i < tape.length; i++) {
    const ts = c.ts[i];
    if (ts >= toNs) break;
    if (ts >= fromNs) {
      const bid = i > 0 ? c.bestBid[i - 1] : NaN;
      const ask = i > 0 ? c.bestAsk[i - 1] : NaN;
      if (k >= 0 && lastNs === lastNs) seconds[k] += (ts - lastNs) / 1e9;
      if (bid === bid && ask === ask) {
        const kind = c.kind[i];
        const side = c.side[i];
        const price = c.price[i];
        if (kind === EVENT.ADD && price > bid && price < ask && k >= 0) {
          inSpread[k]++;
          const d = side === 0 ? price - bid : ask - price;
          improve.n++;
          improve.sum += d;
          improve.sumSq += d * d;
        } else if (kind === EVENT.DELETE && k >= 0 && price === (side === 0 ? bid : ask)) {
          cancels[k]++;
        }
      }
      lastNs = ts;
    }
    const b = c.bestBid[i];
    const a = c.bestAsk[i];
    k = b === b && a === a ? bucketOf(edges, a - b) : -1;
  }
  if (k >= 0 && lastNs === lastNs && Number.isFinite(toNs)) {
    const end = Math.min(toNs, c.ts[tape.length - 1]);
    if (end > lastNs) seconds[k] += (end - lastNs) / 1e9;
  }
  return { edges, seconds, inSpread, cancels, improve };
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
  /** Limit orders inside the spread per second, by bucket. */
  inSpreadRate: RateEstimate[];
  /** Deletions at the touch per second, by bucket. */
  cancelRate: RateEstimate[];
  /** Mean improvement, ticks. */
  improveMean: RateEstimate;
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
 *   edges: [2, 10], seconds: new Float64Array([100, 0]),
 *   inSpread: new Float64Array([25, 0]), cancels: new Float64Array([4, 0]),
 *   improve: { n: 25, sum: 50, sumSq: 125 },
 * });
 * assert.deepEqual(f.inSpreadRate[0], { value: 0.25, se: 0.05 });
 * assert.equal(f.cancelRate[1].value, 0);
 * assert.equal(f.improveMean.value, 2);
 * ```
 */
export function fitTouchFlow(c: TouchCounts): TouchFit {
  const rate = (n: number, t: number): RateEstimate =>
    t > 0 ? { value: n / t, se: Math.sqrt(n) / t } : { value: 0, se: NaN };
  const inSpreadRate: RateEstimate[] = [];
  const cancelRate: RateEstimate[] = [];
  for (let k = 0; k < c.edges.length; k++) {
    inSpreadRate.push(rate(c.inSpread[k], c.seconds[k]));
    cancelRate.push(rate(c.cancels[k], c.seconds[k]));
  }
  const { n, sum, sumSq } = c.improve;
  const mean = n > 0 ? sum / n : 1;
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : NaN;
  return {
    spreadEdges: [...c.edges],
    inSpreadRate,
    cancelRate,
    improveMean: { value: Math.max(1, mean), se: n > 1 ? Math.sqrt(variance / n) : NaN },
  };
}
