/**
 * Fit of the refill model (`lib/market/refill.ts`) from a tape's book snapshots. Sampled
 * every Δ (the feed's resolution, 0.1 s on Binance), each interval that starts with a
 * one-tick book is an observation: the mid's move m (ticks) over it and whether the book is
 * at least `minGap` ticks wide at its end (a gap). Under the model the move happens at a uniform time
 * in the interval and the side it left behind comes back after an exponential delay of mean
 * τ = k·m (k in ms per tick), so the gap is still open at the snapshot with probability
 *
 *   g(m) = E[e^(−UΔ/τ)] = (τ/Δ)·(1 − e^(−Δ/τ)),  U uniform on (0, 1).
 *
 * k is estimated by **maximum likelihood** of these Bernoulli outcomes (golden section on
 * log k), its standard error from the observed information (central second difference of
 * the log-likelihood). Assumes: the interval's net move is the lag the trailing side faced
 * (one move per interval), moves and delays independent across intervals. Ignores: gaps
 * that open and close between snapshots twice, gaps of wide-spread books (the fit is for
 * one-tick markets). Units: ticks, seconds; k in milliseconds per tick.
 *
 * @module
 */
import { minimizeGoldenSection } from "./optimize.ts";
import { quoteIndexAt } from "./record.ts";
import type { MarketRecord } from "./record.ts";

/**
 * The narrowest book counted as a refill gap, ticks: narrower wide books (two to four ticks)
 * are quotes re-posted a tick or more behind the best by the placement (`reaction.ts`), not
 * a side withdrawn after a move (the tape's gaps are all five ticks or more).
 */
export const REFILL_MIN_GAP = 5;

/** Intervals that start at a one-tick book: their moves and whether they end in a gap. */
export interface RefillObservations {
  /** |mid change| over each interval, ticks. */
  moves: Float64Array;
  /** 1 when the book is at least `minGap` ticks wide at the interval's end, else 0. */
  gaps: Uint8Array;
  /** The snapshot interval Δ, seconds. */
  interval: number;
  /** The narrowest book (ticks) counted as a gap. */
  minGap: number;
}

/** The refill fit: k (ms per tick) with its standard error, and what it was fitted on. */
export interface RefillFit {
  /** Mean refill delay per tick of lag, ms. */
  msPerTick: number;
  /** Its standard error (observed information), ms. */
  se: number;
  /** Intervals used. */
  intervals: number;
  /** Of which ending in a gap. */
  gaps: number;
  /** The maximized log-likelihood. */
  logLik: number;
}

/**
 * Probability that a gap left by a move of `moveTicks` with mean refill delay `msPerTick`
 * per tick is still open at the end of an interval of `intervalS` seconds:
 * (τ/Δ)(1 − e^(−Δ/τ)), τ = k·m (see the module doc); 0 for no move.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refillGapProbability } from "./fit_refill.ts";
 * assert.equal(refillGapProbability(0.03, 0, 0.1), 0);
 * // τ = 30 ms against Δ = 100 ms: 0.3·(1 − e^(−1/0.3))
 * assert.ok(Math.abs(refillGapProbability(0.03, 1_000, 0.1) - 0.3 * (1 - Math.exp(-1 / 0.3))) < 1e-12);
 * assert.ok(refillGapProbability(1, 1e6, 0.1) > 0.999); // a delay far beyond Δ: always seen
 * ```
 */
export function refillGapProbability(
  msPerTick: number,
  moveTicks: number,
  intervalS: number,
): number {
  const x = (msPerTick * moveTicks) / (1_000 * intervalS);
  if (!(x > 0)) return 0;
  return x * -Math.expm1(-1 / x);
}

/**
 * The refill observations of `records` sampled every `interval` seconds (default each
 * record's book resolution, at least 0.1 s): intervals within one segment whose first
 * snapshot is a one-tick book with both sides known; a gap is a book at least `minGap` ticks
 * wide at the interval's end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refillObservations } from "./fit_refill.ts";
 * import type { MarketRecord } from "./record.ts";
 * const e = new Float64Array(0);
 * const r: MarketRecord = {
 *   source: "t", segments: [[0, 0.4]], quoteInterval: 0.1,
 *   moTime: e, moSign: e, moQty: e, moDepth: e, moLevels: e, moPrice: e,
 *   fillTime: e, fillPrice: e, fillQty: e, fillSide: e, fillAtTouch: e,
 *   qTime: Float64Array.of(0, 0.15, 0.25), bid: Float64Array.of(100, 70, 79),
 *   ask: Float64Array.of(101, 90, 80), bidQty: Float64Array.of(1, 1, 1), askQty: Float64Array.of(1, 1, 1),
 * };
 * const o = refillObservations([r], NaN, 2);
 * // snapshots at 0, 0.1, 0.2, 0.3, 0.4: books 1, 1, 20, 1, 1 tick wide
 * assert.deepEqual([...o.moves], [0, 20.5, 0]); // the third interval starts at a gap: skipped
 * assert.deepEqual([...o.gaps], [0, 1, 0]);
 * ```
 */
export function refillObservations(
  records: MarketRecord[],
  interval = NaN,
  minGap = REFILL_MIN_GAP,
): RefillObservations {
  const moves: number[] = [];
  const gaps: number[] = [];
  let dt = interval;
  if (!(dt > 0)) dt = Math.max(0.1, ...records.map((r) => r.quoteInterval));
  for (const r of records) {
    for (const [a, b] of r.segments) {
      let k = -1, pb = NaN, pa = NaN;
      const n = Math.floor((b - a) / dt + 1e-9);
      for (let i = 0; i <= n; i++) {
        k = quoteIndexAt(r, a + i * dt, k);
        const bid = k >= 0 ? r.bid[k] : NaN, ask = k >= 0 ? r.ask[k] : NaN;
        if (pa - pb === 1 && bid === bid && ask === ask) {
          moves.push(Math.abs((bid + ask - pb - pa) / 2));
          gaps.push(ask - bid >= minGap ? 1 : 0);
        }
        pb = bid;
        pa = ask;
      }
    }
  }
  return { moves: Float64Array.from(moves), gaps: Uint8Array.from(gaps), interval: dt, minGap };
}

/** The log-likelihood of `msPerTick` given the observations (see the module doc). */
export function refillLogLikelihood(obs: RefillObservations, msPerTick: number): number {
  let ll = 0;
  for (let i = 0; i < obs.moves.length; i++) {
    const p = Math.min(
      1 - 1e-12,
      Math.max(1e-12, refillGapProbability(msPerTick, obs.moves[i], obs.interval)),
    );
    ll += obs.gaps[i] ? Math.log(p) : Math.log1p(-p);
  }
  return ll;
}

/**
 * Maximum-likelihood fit of the refill model (see the module doc); null when the
 * observations hold no gap (nothing to identify k: the model stays off).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../rng/rng.ts";
 * import { fitRefill, refillGapProbability } from "./fit_refill.ts";
 * const rng = new Rng(3);
 * const n = 20_000;
 * const moves = new Float64Array(n), gaps = new Uint8Array(n);
 * for (let i = 0; i < n; i++) {
 *   moves[i] = Math.floor(-Math.log(1 - rng.next()) * 300);
 *   gaps[i] = rng.next() < refillGapProbability(0.02, moves[i], 0.1) ? 1 : 0;
 * }
 * const fit = fitRefill({ moves, gaps, interval: 0.1, minGap: 5 })!;
 * assert.ok(Math.abs(fit.msPerTick - 0.02) < 3 * fit.se);
 * ```
 */
export function fitRefill(obs: RefillObservations): RefillFit | null {
  let nGaps = 0;
  for (let i = 0; i < obs.gaps.length; i++) nGaps += obs.gaps[i];
  if (nGaps === 0 || nGaps === obs.gaps.length) return null;
  // golden section on log k over 1e-5 … 100 ms per tick
  const k = Math.exp(
    minimizeGoldenSection(
      (u) => -refillLogLikelihood(obs, Math.exp(u)),
      Math.log(1e-5),
      Math.log(100),
      { maxIterations: 200, tolerance: 1e-9 },
    ),
  );
  const h = k * 1e-3;
  const l0 = refillLogLikelihood(obs, k);
  const d2 = (refillLogLikelihood(obs, k + h) - 2 * l0 + refillLogLikelihood(obs, k - h)) / (h * h);
  return {
    msPerTick: k,
    se: d2 < 0 ? 1 / Math.sqrt(-d2) : NaN,
    intervals: obs.moves.length,
    gaps: nGaps,
    logLik: l0,
  };
}
