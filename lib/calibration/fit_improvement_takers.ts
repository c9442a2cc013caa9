/**
 * Fit of the takers who answer an improvement (`lib/market/improvement_takers.ts`) from a
 * tape's best quotes and market orders.
 *
 * An **improvement** is a quote record where one side's best price moved inside the spread
 * (the bid up or the ask down) while the other side's stayed. It is **answered** when the
 * first market order against that side (a sell for a bid) comes within the window W
 * ({@linkcode IMPROVEMENT_WINDOW}) and finds the quote still at the improved price or
 * better. Some answers come by chance: market orders against the side arrive anyway, at the
 * local rate λ (those against the side in the 10 s around the improvement, the window W after
 * it left out: orders cluster, and the day's mean rate would understate the chance in busy
 * spells), and can answer only while the improved quote stands (eᵢ: until it is gone, at most
 * W; many improvements are fleeting). The answer probability is the share answered less the
 * chance,
 *
 *   q̂ = (n_answered − Σᵢ (1 − e^(−λᵢeᵢ))) / n_improvements,
 *
 * with a binomial standard error √(n_a(1 − n_a/n))/n (the chance term's own error left out:
 * it rests on the orders of the 10 s around each improvement, a hundred times the window).
 * The local rate counts other improvements' answers too, so the chance is overstated a little
 * and q̂ understated. The delay is log-normal with the answered delays' median and σ from their
 * logarithms' interquartile range over 1.349, robust to the chance answers (on the AMZN day
 * about a fifth of the answers: 222 of 1,216), which spread over the window and pull both up a
 * little; delays under a microsecond, the clock's floor, count as 1 µs.
 *
 * Assumes: an order-level clock (every best-quote change recorded at its own time). Not
 * identified on a batched feed (`quoteInterval` > 0: improvements and orders are seen only
 * on the feed's grid) or a millisecond clock. Units: a probability; delays in milliseconds.
 *
 * @module
 */
import { empiricalQuantile } from "../analytics/percentile.ts";
import { upperBound } from "../data/tape.ts";
import type { MarketRecord } from "./record.ts";

/** The window W after an improvement within which a market order counts as its answer, s. */
export const IMPROVEMENT_WINDOW = 0.1;

/** Interquartile range of the standard normal. */
const IQR_Z = 1.3489795;

/** Half-width of the window around an improvement that measures the local order rate, s. */
const LOCAL_RATE_HALF = 5;

/** The fit of the improvement takers (see the module doc). */
export interface ImprovementTakerFit {
  /** Answer probability q̂. */
  probability: number;
  /** Its standard error. */
  probabilitySe: number;
  /** Median answer delay, ms. */
  medianMs: number;
  /** σ of the log delay. */
  sigma: number;
  /** Improvements seen. */
  improvements: number;
  /** Of which answered within the window. */
  answered: number;
  /** Answers expected by chance. */
  chance: number;
  /** Market orders seen. */
  marketOrders: number;
  /** Share of the market orders that answer an improvement (beyond chance). */
  share: number;
  /** The window W, s. */
  window: number;
  /**
   * Share of the answers with the sign of the market order before them (the others': in
   * {@linkcode ImprovementTakerFit.sameSignOthers}): above a half, the answers follow the flow.
   */
  sameSign: number;
  /** Share of the other market orders with the sign of the one before them. */
  sameSignOthers: number;
}

/**
 * The improvement takers fitted to `records` (see the module doc); null when not identified
 * (a batched or millisecond feed, or fewer than 30 improvements or answers).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitImprovementTakers } from "./fit_improvement_takers.ts";
 * import type { MarketRecord } from "./record.ts";
 * // a bid improved at 10 + k·20 s (k < 50), sold into 2 ms later; buys far from any improvement
 * const qTime: number[] = [0], bid: number[] = [100], ask: number[] = [110];
 * const mo: number[] = [], sg: number[] = [];
 * for (let k = 0; k < 50; k++) {
 *   const t = 10 + 20 * k;
 *   qTime.push(t, t + 0.002); bid.push(105, 100); ask.push(110, 110);
 *   mo.push(t + 0.002, t + 10); sg.push(-1, 1);
 * }
 * const f64 = (xs: number[]) => new Float64Array(xs);
 * const r: MarketRecord = {
 *   source: "toy", segments: [[0, 1_010]], quoteInterval: 0, moTime: f64(mo), moSign: f64(sg),
 *   moQty: f64(mo.map(() => 1)), moDepth: f64(mo.map(() => 1)), moLevels: f64(mo.map(() => 1)),
 *   moPrice: f64(mo.map(() => 0)), fillTime: f64([]), fillPrice: f64([]), fillQty: f64([]),
 *   fillSide: f64([]), fillAtTouch: f64([]), qTime: f64(qTime), bid: f64(bid), ask: f64(ask),
 *   bidQty: f64(qTime.map(() => 1)), askQty: f64(qTime.map(() => 1)),
 * };
 * const fit = fitImprovementTakers([r])!;
 * assert.equal(fit.improvements, 50);
 * assert.equal(fit.answered, 50);
 * assert.ok(fit.probability > 0.95 && Math.abs(fit.medianMs - 2) < 1e-6);
 * ```
 */
export function fitImprovementTakers(
  records: readonly MarketRecord[],
  window = IMPROVEMENT_WINDOW,
): ImprovementTakerFit | null {
  let n = 0, answered = 0, chance = 0, orders = 0;
  const logs: number[] = [];
  // per record, 1 at each market order counted as an answer (chance answers among them)
  const answers: Uint8Array[] = [];
  for (const r of records) {
    const res = r.timeResolution ?? 0;
    if (r.quoteInterval > 0 || res >= 1e-3) return null;
    orders += r.moTime.length;
    const mask = new Uint8Array(r.moTime.length);
    answers.push(mask);
    // market orders against each side: sells hit bids (side 0), buys lift asks (side 1)
    const index: number[][] = [[], []];
    for (let i = 0; i < r.moTime.length; i++) index[r.moSign[i] > 0 ? 1 : 0].push(i);
    const hits = index.map((ix) => Float64Array.from(ix, (i) => r.moTime[i]));
    const ptr = [0, 0], lo = [0, 0], hi = [0, 0];
    let seg = 0;
    for (let k = 1; k < r.qTime.length; k++) {
      const t = r.qTime[k];
      while (seg < r.segments.length && r.segments[seg][1] < t) seg++;
      if (seg === r.segments.length) break;
      // inside a segment, the quote before too, with the whole window known
      if (r.qTime[k - 1] < r.segments[seg][0] || t > r.segments[seg][1] - window) continue;
      const b0 = r.bid[k - 1], a0 = r.ask[k - 1], b1 = r.bid[k], a1 = r.ask[k];
      if (!(b0 < a0 && b1 < a1)) continue;
      const side = b1 > b0 && a1 === a0 ? 0 : a1 < a0 && b1 === b0 ? 1 : -1;
      if (side < 0) continue;
      const price = side === 0 ? b1 : a1;
      n++;
      const h = hits[side];
      const j = ptr[side] = upperBound(h, t, ptr[side]);
      // the local rate of orders against the side, the answer window left out
      lo[side] = upperBound(h, t - LOCAL_RATE_HALF, lo[side]);
      hi[side] = upperBound(h, t + LOCAL_RATE_HALF, Math.max(hi[side], j));
      const jw = upperBound(h, t + window, j);
      const lambda = (hi[side] - lo[side] - (jw - j)) / (2 * LOCAL_RATE_HALF - window);
      // exposed until the improved quote is gone (cancelled, taken), at most the window
      let gone = k + 1;
      while (
        gone < r.qTime.length && r.qTime[gone] < t + window &&
        (side === 0 ? r.bid[gone] >= price : r.ask[gone] <= price)
      ) gone++;
      const goneAt = gone < r.qTime.length && r.qTime[gone] < t + window
        ? r.qTime[gone]
        : t + window;
      chance += -Math.expm1(-lambda * (goneAt - t));
      // answered: the first order against the side while the quote stood (an order that
      // takes it is stamped with the quote it leaves)
      if (j >= h.length || h[j] > goneAt) continue;
      answered++;
      mask[index[side][j]] = 1;
      logs.push(Math.log(Math.max(h[j] - t, 1e-6) * 1e3));
    }
  }
  if (n < 30 || answered < 30) return null;
  let same = 0, sameN = 0, other = 0, otherN = 0;
  records.forEach((r, k) => {
    for (let i = 1; i < r.moSign.length; i++) {
      const s = r.moSign[i] === r.moSign[i - 1] ? 1 : 0;
      if (answers[k][i] === 1) {
        same += s;
        sameN++;
      } else {
        other += s;
        otherN++;
      }
    }
  });
  const q = Math.max(0, (answered - chance) / n);
  const at = (p: number) => empiricalQuantile(logs, p);
  return {
    probability: q,
    probabilitySe: Math.sqrt(answered * (1 - answered / n)) / n,
    medianMs: Math.exp(at(0.5)),
    sigma: (at(0.75) - at(0.25)) / IQR_Z,
    improvements: n,
    answered,
    chance,
    marketOrders: orders,
    share: orders > 0 ? (answered - chance) / orders : 0,
    window,
    sameSign: sameN > 0 ? same / sameN : NaN,
    sameSignOthers: otherN > 0 ? other / otherN : NaN,
  };
}
