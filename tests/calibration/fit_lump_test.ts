import assert from "node:assert/strict";
import fc from "fast-check";
import { derived } from "../../lib/calibration/estimate.ts";
import {
  LUMP_SEARCH_FACTORS,
  matchImpactLump,
  medianMidChange,
  stillShare,
} from "../../lib/calibration/fit_lump.ts";
import type { MarketRecord } from "../../lib/calibration/record.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";
import { InsufficientDataError } from "../../lib/calibration/errors.ts";

const BTC = JSON.parse(Deno.readTextFileSync("data/presets/btcusdt-lump.json")).config;

Deno.test("stillShare: the share of grid intervals over which the simulated mid stayed put, counted from its quotes", () => {
  const recs = simulateRecords(BTC, { seconds: 300, seed: 2, quoteInterval: 0.1 });
  const s = stillShare(recs, 0.1);
  // count again from the medianMidChange's view: changes + still = intervals
  const moves = medianMidChange(recs, 0.1).changes;
  assert.equal(Math.round(s.value * s.intervals), s.intervals - moves);
  assert.ok(s.intervals >= 2_900 && s.intervals <= 3_000, `${s.intervals}`);
  assert.ok(s.se > 0 && s.se < 0.05, `${s.se}`);
});

Deno.test("stillShare: fewer than 100 intervals is a named error", () => {
  const [rec] = simulateRecords(BTC, { seconds: 300, seed: 1, quoteInterval: 0.1 });
  // 5 s of it: 50 intervals
  const short: MarketRecord = { ...rec, segments: [[0, 5]] };
  assert.throws(
    () => stillShare([short], 0.1),
    (e: unknown) => e instanceof InsufficientDataError && /100 intervals/.test(e.message),
  );
  assert.throws(() => stillShare([] as MarketRecord[], 0.1), InsufficientDataError);
});

Deno.test("matchImpactLump (property): the kept lump is a tried one whose share is nearest the tape's, the smallest on a tie", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0.5, max: 1, noNaN: true }), {
        minLength: LUMP_SEARCH_FACTORS.length,
        maxLength: LUMP_SEARCH_FACTORS.length,
      }),
      fc.double({ min: 0.5, max: 1, noNaN: true }),
      fc.double({ min: 1, max: 1_000, noNaN: true }),
      (shares, real, direct) => {
        const est = derived(direct, 1, "ticks", "direct");
        const tried: number[] = [];
        const points = matchImpactLump(est, { value: real, se: 0.001 }, (h) => {
          tried.push(h);
          return shares[tried.length - 1];
        });
        assert.deepEqual(tried, LUMP_SEARCH_FACTORS.map((f) => direct * f));
        const miss = points.map((p) => Math.abs(p.still - real));
        const first = miss.indexOf(Math.min(...miss));
        assert.equal(est.value, points[first].lump);
        assert.equal(est.status, "moment-matched");
        assert.match(est.method, /the direct estimate: direct$/);
      },
    ),
  );
});

Deno.test("matchImpactLump: its standard error comes from the tried lumps within the tape's 95 % interval, NaN when one alone is", () => {
  const est = derived(100, 1, "ticks", "direct");
  // shares 0.80, 0.85, 0.90, 0.91, 0.89, 0.95 at 100, 150, …, 400; the tape 0.905 ± 0.005
  const table = new Map([[100, 0.8], [150, 0.85], [200, 0.9], [250, 0.91], [300, 0.89], [
    400,
    0.95,
  ]]);
  matchImpactLump(est, { value: 0.905, se: 0.005 }, (h) => table.get(Math.round(h))!);
  assert.equal(est.value, 200); // 0.9 and 0.91 tie at 0.005: the smaller lump
  // within 1.96 × 0.005 of 0.905: 200, 250 (0.89 is 0.015 away)
  assert.ok(Math.abs(est.se - 50 / 2 / 1.96) < 1e-12);
  const lone = derived(100, 1, "ticks", "direct");
  matchImpactLump(lone, { value: 0.99, se: 0.001 }, (h) => table.get(Math.round(h))!);
  assert.equal(lone.value, 400);
  assert.ok(Number.isNaN(lone.se));
});
