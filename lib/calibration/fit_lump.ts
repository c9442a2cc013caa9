/**
 * Fit of the lumpy impact's lump (`fundamental.impactLump`, `lib/market/fundamental.ts`): the
 * uninformed trades' impacts add up unseen and move the price only once they reach h ticks
 * (the uncertainty zones of Robert & Rosenbaum 2011). h is the tape's median |change| of the
 * mid over the book's grid, among the grid intervals in which the mid changed — the size of
 * the steps the observed price moves by — with a bootstrap standard error (200 resamples of
 * the changes, independent: a lower bound where changes cluster).
 *
 * Assumes: a one-tick market whose book follows the price (elsewhere the mid's steps are the
 * placement's, not the price's; the calibration then leaves the lump off with a warning).
 * Ignores: the changes' timing and sign. Units: ticks.
 *
 * The median is a direct estimate: the simulated price also moves with the news, so the lumps
 * share the tape's moves with them, and the direct h makes the simulated price move more often
 * than the tape's (BTCUSDT: over 12 % of the 0.1-s intervals against 8 %; docs/realism.md,
 * "Measured at stop 51"). {@linkcode matchImpactLump} (opt-in, `calibrate --lump-match`) then
 * searches h so that the calibrated market's share of intervals without a move is the tape's.
 *
 * @module
 */
import { empiricalQuantile } from "../analytics/percentile.ts";
import { Rng } from "../rng/rng.ts";
import { InsufficientDataError } from "./errors.ts";
import { derived, type Estimate, sig } from "./estimate.ts";
import { sampledMids } from "./facts.ts";
import type { MarketRecord } from "./record.ts";

/**
 * The median |change| of the mid (ticks) over the `grid`-s intervals in which it changed, its
 * bootstrap standard error (200 resamples of the changes) and their number; an
 * {@linkcode InsufficientDataError} below 30 changes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { medianMidChange } from "./fit_lump.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const { config } = JSON.parse(Deno.readTextFileSync("data/presets/btcusdt.json"));
 * const records = simulateRecords(config, { seconds: 120, seed: 1, quoteInterval: 0.1 });
 * const m = medianMidChange(records, 0.1);
 * assert.ok(m.changes >= 30 && m.value >= 0.5 && m.se >= 0);
 * ```
 */
export function medianMidChange(
  records: readonly MarketRecord[],
  grid: number,
): { value: number; se: number; changes: number } {
  const d: number[] = [];
  for (const r of records) {
    for (const m of sampledMids(r, grid)) {
      for (let i = 0; i + 1 < m.length; i++) {
        const x = Math.abs(m[i + 1] - m[i]);
        if (x > 0) d.push(x);
      }
    }
  }
  if (d.length < 30) {
    throw new InsufficientDataError(
      "impact lump",
      "at least 30 changes of the mid on the book's grid",
      `${d.length}`,
    );
  }
  const value = empiricalQuantile(d, 0.5);
  const rng = new Rng("impact-lump");
  const reps: number[] = [];
  const pick = new Array<number>(d.length);
  for (let b = 0; b < 200; b++) {
    for (let i = 0; i < d.length; i++) pick[i] = d[rng.int(d.length)];
    reps.push(empiricalQuantile(pick, 0.5));
  }
  const mean = reps.reduce((a, v) => a + v, 0) / reps.length;
  const se = Math.sqrt(reps.reduce((a, v) => a + (v - mean) ** 2, 0) / (reps.length - 1));
  return { value, se, changes: d.length };
}

/**
 * The lump's estimate (`flow.fundamental.impactLump`) on the book's grid `grid`, s (see the
 * module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTapeSync } from "../data/load.ts";
 * import { fitImpactLump } from "./fit_lump.ts";
 * import { recordFromTape } from "./record.ts";
 * const tape = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
 * const lump = fitImpactLump([recordFromTape(tape, { lotSize: 0.001 })], 0.1);
 * assert.ok(lump.value > 100); // BTCUSDT's mid jumps by hundreds of ticks
 * assert.equal(lump.status, "derived");
 * ```
 */
export function fitImpactLump(records: readonly MarketRecord[], grid: number): Estimate {
  const lump = medianMidChange(records, grid);
  return derived(
    lump.value,
    lump.se,
    "ticks",
    `the tape's median change of the mid over the ${grid}-s intervals in which it changed (${lump.changes} changes; bootstrap standard error)`,
  );
}

/**
 * The share of the `grid`-s intervals over which the mid did not change (over the records'
 * segments), with a block-bootstrap standard error (blocks of 100 intervals, 200 resamples);
 * an {@linkcode InsufficientDataError} below 100 intervals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stillShare } from "./fit_lump.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const { config } = JSON.parse(Deno.readTextFileSync("data/presets/btcusdt.json"));
 * const records = simulateRecords(config, { seconds: 120, seed: 1, quoteInterval: 0.1 });
 * const s = stillShare(records, 0.1);
 * assert.ok(s.value > 0 && s.value < 1 && s.se > 0 && s.intervals >= 1_000);
 * ```
 */
export function stillShare(
  records: readonly MarketRecord[],
  grid: number,
): { value: number; se: number; intervals: number } {
  // per block of 100 consecutive intervals: [intervals, still ones]
  const blocks: number[] = [];
  let n = 0, still = 0;
  for (const r of records) {
    for (const m of sampledMids(r, grid)) {
      let bn = 0, bs = 0;
      for (let i = 0; i + 1 < m.length; i++) {
        if (!Number.isFinite(m[i]) || !Number.isFinite(m[i + 1])) continue;
        bn++;
        if (m[i + 1] === m[i]) bs++;
        if (bn === 100) {
          blocks.push(bn, bs);
          n += bn;
          still += bs;
          bn = bs = 0;
        }
      }
      if (bn > 0) {
        blocks.push(bn, bs);
        n += bn;
        still += bs;
      }
    }
  }
  if (n < 100) {
    throw new InsufficientDataError(
      "impact lump",
      "at least 100 intervals of the book's grid with a mid at both ends",
      `${n}`,
    );
  }
  const k = blocks.length / 2;
  const rng = new Rng("impact-lump-still");
  let s1 = 0, s2 = 0;
  for (let b = 0; b < 200; b++) {
    let bn = 0, bs = 0;
    for (let i = 0; i < k; i++) {
      const j = rng.int(k);
      bn += blocks[2 * j];
      bs += blocks[2 * j + 1];
    }
    const v = bs / bn;
    s1 += v;
    s2 += v * v;
  }
  const se = Math.sqrt(Math.max(0, (s2 - s1 * s1 / 200) / 199));
  return { value: still / n, se, intervals: n };
}

/** The multiples of the direct lump {@linkcode matchImpactLump} tries by default. */
export const LUMP_SEARCH_FACTORS: readonly number[] = [1, 1.5, 2, 2.5, 3, 4];

/** One point of the lump's search: h, and the simulated share of intervals without a move. */
export interface LumpSearchPoint {
  /** The lump, ticks. */
  lump: number;
  /** The simulated share of grid intervals over which the mid did not change. */
  still: number;
}

/**
 * Matches the lump in simulation (opt-in: `calibrate --lump-match`): `simulate(h)` gives the
 * share of grid intervals without a move of the calibrated market simulated with lump h
 * (common random numbers, every other parameter held); h is tried at the direct estimate
 * times each of `factors`, and the one whose share is nearest the tape's kept (the smallest
 * on a tie) — a search, since the share is not monotone in h: a large lump moves the mid in
 * several steps. Mutates `estimate` (value, status `moment-matched`, method); its standard
 * error is half the width of the range of the tried h whose share lies within 1.96 standard
 * errors of the tape's, over 1.96 (NaN when only the kept one does: the grid cannot tell).
 * Returns the points tried.
 *
 * Assumes: the other moves of the price do not depend on h. Ignores: the moves' sizes (the
 * realism report's mid's changes judge them). Units: ticks, shares of intervals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { derived } from "./estimate.ts";
 * import { matchImpactLump } from "./fit_lump.ts";
 * // a toy market: the share still rises with h up to 500 ticks, then falls
 * const share = (h: number) => 0.9 - 0.04 * Math.abs(Math.log(h / 500));
 * const est = derived(250, 10, "ticks", "the median move");
 * const points = matchImpactLump(est, { value: 0.9, se: 0.005 }, share);
 * assert.equal(est.value, 500);
 * assert.equal(est.status, "moment-matched");
 * assert.equal(points.length, 6);
 * ```
 */
export function matchImpactLump(
  estimate: Estimate,
  real: { value: number; se: number },
  simulate: (lump: number) => number,
  factors: readonly number[] = LUMP_SEARCH_FACTORS,
): LumpSearchPoint[] {
  const direct = estimate.value;
  const points = factors.map((f) => {
    const lump = direct * f;
    return { lump, still: simulate(lump) };
  });
  let best = points[0];
  for (const p of points) {
    if (Math.abs(p.still - real.value) < Math.abs(best.still - real.value)) best = p;
  }
  // the tried lumps within the tape's 95 % interval, in increasing order (factors ascend)
  const within = points.filter((p) => Math.abs(p.still - real.value) <= 1.96 * real.se)
    .map((p) => p.lump).sort((a, b) => a - b);
  const lo = within[0], hi = within[within.length - 1];
  estimate.value = best.lump;
  estimate.se = within.length > 1 ? (hi - lo) / 2 / 1.96 : NaN;
  estimate.status = "moment-matched";
  estimate.method = `matched in simulation to the tape's share of ${
    (real.value * 100).toFixed(1)
  } % of grid intervals without a move (± ${(real.se * 100).toFixed(1)}): h searched at ${
    factors.join(", ")
  } × the direct ${sig(direct)} (${
    points.map((p) => `${sig(p.lump)}: ${(p.still * 100).toFixed(1)} %`).join("; ")
  }), the nearest kept${
    within.length > 1
      ? `; standard error from the range of h within 1.96 standard errors of the tape's, ${
        sig(lo)
      }–${sig(hi)}`
      : ""
  }; the direct estimate: ${estimate.method}`;
  return points;
}
