import assert from "node:assert/strict";
import {
  CLOCK_GAP_EDGES,
  clockGapCounts,
  fitClockKernel,
  observeOnClock,
} from "../../lib/calibration/fit_clock.ts";
import type { MarketRecord } from "../../lib/calibration/record.ts";
import { ValidationError } from "../../lib/errors.ts";
import { simulateHawkes } from "../../lib/market/hawkes.ts";
import { createTradeSignModel, tradeSignConfigSchema } from "../../lib/market/trade_signs.ts";
import { Rng } from "../../lib/rng/rng.ts";

const SIGNS = { kind: "metaorders", metaorders: 2, lengthTail: 1.5, minLength: 1.2 };

/** Market orders of a known process, as a millisecond clock records them. */
function tape(alpha: number, beta: number, seconds: number, seed: string): MarketRecord {
  const path = simulateHawkes(
    {
      mu: [0.8],
      alpha: [[alpha]],
      beta: [[beta]],
      extraKernels: [{ alpha: [[0.2]], beta: [[5]] }],
    },
    seconds,
    new Rng(seed),
  );
  const model = createTradeSignModel(tradeSignConfigSchema.parse(SIGNS));
  const rng = new Rng(`${seed}-signs`);
  model.reset(rng);
  const signs = Float64Array.from(path.times, () => model.next(rng));
  const moTime = observeOnClock(path.times, signs, 0.001);
  return { segments: [[0, seconds]], moTime } as unknown as MarketRecord;
}

Deno.test("fit clock: observing on a clock floors times to the grid, keeps them sorted and only ever merges", () => {
  const rng = new Rng("obs");
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + rng.int(200);
    const times = Array.from({ length: n }, () => rng.uniform(0, 0.05)).sort((a, b) => a - b);
    const signs = times.map(() => (rng.next() < 0.5 ? 1 : -1));
    const t = observeOnClock(times, signs, 0.001);
    assert.ok(t.length >= 1 && t.length <= n);
    for (let i = 0; i < t.length; i++) {
      assert.ok(Math.abs(t[i] * 1000 - Math.round(t[i] * 1000)) < 1e-6);
      if (i > 0) assert.ok(t[i] >= t[i - 1]);
    }
    const c = clockGapCounts(t, 0.001);
    assert.equal(c.length, CLOCK_GAP_EDGES.length);
    assert.equal(c.reduce((s, v) => s + v, 0), t.length - 1);
  }
  // one side within one tick is one order; the other side is not merged
  assert.equal(observeOnClock([0.0001, 0.0002, 0.0003], [1, 1, 1], 0.001).length, 1);
  assert.equal(observeOnClock([0.0001, 0.0002, 0.0003], [1, -1, 1], 0.001).length, 3);
});

Deno.test("fit clock: the fast component hidden by a millisecond clock is recovered from the gaps, where the tape's own kernel fits", () => {
  const truth = tape(0.37, 500, 3_000, "clock-truth"); // not on the search grid
  const at = (alpha: number, beta: number) =>
    fitClockKernel([truth], { mu: 0.8, alpha: [alpha, 0.2], beta: [beta, 5], signs: SIGNS }, {
      resolution: 0.001,
      seconds: 6_000,
      alphaFactors: [1],
      betaFactors: [1],
    });
  // at the truth the objective is a χ² with about 6 degrees of freedom; far from it, not
  const atTruth = at(0.37, 500).startObjective;
  const atSlow = at(0.25, 150).startObjective;
  assert.ok(atTruth < 25, `${atTruth}`);
  assert.ok(atSlow > 4 * atTruth, `${atSlow} vs ${atTruth}`);
  // started from a slow, weak kernel, the search finds a fast one
  const fit = fitClockKernel(
    [truth],
    { mu: 0.8, alpha: [0.25, 0.2], beta: [150, 5], signs: SIGNS },
    {
      resolution: 0.001,
      seconds: 6_000,
    },
  );
  assert.ok(fit.objective < fit.startObjective / 4, `${fit.objective} vs ${fit.startObjective}`);
  assert.ok(fit.beta >= 300 && fit.beta <= 1_200, `beta ${fit.beta}`);
  assert.ok(fit.alpha >= 0.25 && fit.alpha <= 0.5, `alpha ${fit.alpha}`);
  assert.ok(fit.alphaSe > 0 && fit.betaSe > 0);
  // the baseline keeps the order rate: μ/(1 − Σα) unchanged
  assert.ok(Math.abs(fit.mu / (1 - fit.alpha - 0.2) - 0.8 / (1 - 0.45)) < 1e-9);
  assert.equal(fit.real.length, CLOCK_GAP_EDGES.length);
});

Deno.test("fit clock: bad input is a named error", () => {
  const rec = tape(0.3, 300, 100, "bad");
  const p = { mu: 0.8, alpha: [0.3], beta: [300], signs: SIGNS };
  assert.throws(() => fitClockKernel([rec], p, { resolution: 0 }), ValidationError);
  assert.throws(
    () => fitClockKernel([rec], { ...p, alpha: [] }, { resolution: 0.001 }),
    ValidationError,
  );
  assert.throws(() => clockGapCounts([0, 1], -1), /resolution/);
});
