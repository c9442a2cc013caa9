import assert from "node:assert/strict";
import { fitImprovementTakers } from "../../lib/calibration/fit_improvement_takers.ts";
import type { MarketRecord } from "../../lib/calibration/record.ts";
import { Rng } from "../../lib/rng/rng.ts";

/**
 * A record whose bid is improved (105 over 100, then back) at Poisson times of rate `impr`,
 * for 5 ms, and whose market orders arrive at Poisson times of rate `rate` (signs fair
 * coins), independently of the quotes, plus, with probability `q`, a sell `delayMs` after an
 * improvement.
 */
function toy(seed: number, seconds: number, impr: number, rate: number, q = 0, delayMs = 1) {
  const rng = new Rng(seed);
  const qt: number[] = [0], bid: number[] = [100], ask: number[] = [110];
  const mo: [number, number][] = [];
  for (let t = rng.exponential(impr); t < seconds - 1; t += 0.01 + rng.exponential(impr)) {
    qt.push(t, t + 0.005);
    bid.push(105, 100);
    ask.push(110, 110);
    if (rng.next() < q) mo.push([t + delayMs / 1e3, -1]);
  }
  for (let t = rng.exponential(rate); t < seconds; t += rng.exponential(rate)) {
    mo.push([t, rng.next() < 0.5 ? 1 : -1]);
  }
  mo.sort((a, b) => a[0] - b[0]);
  const f = (xs: number[]) => new Float64Array(xs);
  const ones = mo.map(() => 1);
  const r: MarketRecord = {
    source: "toy",
    segments: [[0, seconds]],
    quoteInterval: 0,
    moTime: f(mo.map((m) => m[0])),
    moSign: f(mo.map((m) => m[1])),
    moQty: f(ones),
    moDepth: f(ones),
    moLevels: f(ones),
    moPrice: f(mo.map(() => 0)),
    fillTime: f([]),
    fillPrice: f([]),
    fillQty: f([]),
    fillSide: f([]),
    fillAtTouch: f([]),
    qTime: f(qt),
    bid: f(bid),
    ask: f(ask),
    bidQty: f(qt.map(() => 1)),
    askQty: f(qt.map(() => 1)),
  };
  return r;
}

Deno.test("fitImprovementTakers: market orders independent of the quotes give q near 0 (the chance taken out)", () => {
  for (let seed = 1; seed <= 5; seed++) {
    // orders at 20/s, 10 a second against the bid: 5 % of the 5-ms improvements taken by chance
    const fit = fitImprovementTakers([toy(seed, 4_000, 2, 20)], 0.1)!;
    assert.ok(fit.answered > 100, `${fit.answered} answered`);
    assert.ok(Math.abs(fit.probability) < 3 * fit.probabilitySe + 0.005, `q ${fit.probability}`);
  }
});

Deno.test("fitImprovementTakers: recovers q and the delay on top of independent orders", () => {
  for (const [q, d] of [[0.1, 1], [0.3, 5], [0.6, 0.5]]) {
    const fit = fitImprovementTakers([toy(7, 4_000, 2, 1, q, d)], 0.1)!;
    assert.ok(
      Math.abs(fit.probability - q) < 4 * fit.probabilitySe,
      `q ${fit.probability} for ${q}`,
    );
    assert.ok(Math.abs(Math.log(fit.medianMs / d)) < 0.2, `median ${fit.medianMs} ms for ${d}`);
  }
});

Deno.test("fitImprovementTakers: not identified on a batched feed, a millisecond clock or too few improvements", () => {
  assert.equal(fitImprovementTakers([{ ...toy(1, 600, 2, 1, 0.5), quoteInterval: 0.1 }]), null);
  assert.equal(fitImprovementTakers([{ ...toy(1, 600, 2, 1, 0.5), timeResolution: 0.001 }]), null);
  assert.equal(fitImprovementTakers([toy(1, 10, 2, 1, 0.5)]), null);
});
