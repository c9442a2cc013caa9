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
 * @module
 */
import { empiricalQuantile } from "../analytics/percentile.ts";
import { Rng } from "../rng/rng.ts";
import { InsufficientDataError } from "./errors.ts";
import { derived, type Estimate } from "./estimate.ts";
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
