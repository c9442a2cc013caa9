import assert from "node:assert/strict";
import {
  fitRefill,
  REFILL_MIN_GAP,
  refillGapProbability,
  refillLogLikelihood,
  refillObservations,
} from "../../lib/calibration/fit_refill.ts";
import type { MarketRecord } from "../../lib/calibration/record.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("fit_refill: the gap probability is the generative model's (Monte Carlo)", () => {
  const rng = new Rng("gap-mc");
  for (const [k, m] of [[0.01, 300], [0.02, 2_000], [0.005, 50]]) {
    // the move at a uniform time in a 100-ms interval, an exponential delay of mean k·m ms
    const tau = (k * m) / 1_000;
    const n = 100_000;
    let seen = 0;
    for (let i = 0; i < n; i++) {
      const left = rng.next() * 0.1; // time from the move to the snapshot
      if (-Math.log(1 - rng.next()) * tau > left) seen++;
    }
    const p = refillGapProbability(k, m, 0.1);
    const se = Math.sqrt(p * (1 - p) / n);
    assert.ok(Math.abs(seen / n - p) < 4 * se + 1e-9, `k ${k} m ${m}: ${seen / n} vs ${p}`);
  }
  // limits: a delay much shorter than Δ is seen with probability τ/Δ; much longer, always
  assert.ok(Math.abs(refillGapProbability(1e-4, 10, 0.1) / 1e-5 - 1) < 1e-9);
  assert.ok(refillGapProbability(100, 1e4, 0.1) > 0.9999);
  assert.equal(refillGapProbability(0.01, 0, 0.1), 0);
});

function record(bid: number[], ask: number[], dt: number): MarketRecord {
  const e = new Float64Array(0);
  return {
    source: "test",
    segments: [[0, bid.length * dt]],
    quoteInterval: dt,
    moTime: e,
    moSign: e,
    moQty: e,
    moDepth: e,
    moLevels: e,
    moPrice: e,
    fillTime: e,
    fillPrice: e,
    fillQty: e,
    fillSide: e,
    fillAtTouch: e,
    qTime: Float64Array.from(bid, (_, i) => i * dt),
    bid: Float64Array.from(bid),
    ask: Float64Array.from(ask),
    bidQty: Float64Array.from(bid, () => 1),
    askQty: Float64Array.from(bid, () => 1),
  };
}

Deno.test("fit_refill: observations are the intervals that start at one tick", () => {
  // one tick, a 3-tick book (not a gap), one tick, a 40-tick gap, one tick
  const r = record([100, 100, 101, 60, 90], [101, 103, 102, 100, 91], 0.1);
  const o = refillObservations([r]);
  assert.equal(REFILL_MIN_GAP, 5);
  assert.equal(o.interval, 0.1);
  // starts at 0, 0.2 and 0.4 (1 tick; the segment's end 0.5 is a snapshot); 0.1 starts at 3
  // ticks, 0.3 at 40: skipped
  assert.deepEqual([...o.moves], [1, 21.5, 0]);
  assert.deepEqual([...o.gaps], [0, 1, 0]);
  assert.deepEqual([...refillObservations([r], NaN, 2).gaps], [1, 1, 0]);
});

function synthetic(k: number, n: number, seed: string) {
  const rng = new Rng(seed);
  const moves = new Float64Array(n), gaps = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // BTCUSDT-like: most 100-ms moves are small, a few hundred to thousands of ticks
    moves[i] = rng.next() < 0.93 ? 0 : Math.round(-Math.log(1 - rng.next()) * 400);
    gaps[i] = rng.next() < refillGapProbability(k, moves[i], 0.1) ? 1 : 0;
  }
  return { moves, gaps, interval: 0.1, minGap: REFILL_MIN_GAP };
}

Deno.test("fit_refill: maximum likelihood recovers k, its standard errors cover", () => {
  const k = 0.012;
  let covered = 0;
  const reps = 20;
  for (let r = 0; r < reps; r++) {
    const fit = fitRefill(synthetic(k, 20_000, `refill-${r}`))!;
    assert.ok(fit.se > 0 && fit.gaps > 0);
    if (Math.abs(fit.msPerTick - k) < 1.96 * fit.se) covered++;
  }
  // nominal 95 %: at least 16 of 20 (binomial probability of fewer is < 2 %)
  assert.ok(covered >= 16, `covered ${covered} of ${reps}`);
  // the maximum: the likelihood is lower on either side
  const o = synthetic(k, 20_000, "refill-max");
  const fit = fitRefill(o)!;
  assert.ok(refillLogLikelihood(o, fit.msPerTick) >= refillLogLikelihood(o, fit.msPerTick * 1.1));
  assert.ok(refillLogLikelihood(o, fit.msPerTick) >= refillLogLikelihood(o, fit.msPerTick / 1.1));
});

Deno.test("fit_refill: no gap (or only gaps) identifies nothing", () => {
  const moves = Float64Array.of(0, 10, 500), none = Uint8Array.of(0, 0, 0);
  assert.equal(fitRefill({ moves, gaps: none, interval: 0.1, minGap: 5 }), null);
  assert.equal(fitRefill({ moves, gaps: Uint8Array.of(1, 1, 1), interval: 0.1, minGap: 5 }), null);
});
