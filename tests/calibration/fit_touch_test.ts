import assert from "node:assert/strict";
import { LobsterParser } from "../../lib/data/lobster.ts";
import {
  fitTouchFlow,
  type RateEstimate,
  TOUCH_SPREAD_EDGES,
  touchCounts,
  touchFlowConfig,
} from "../../lib/calibration/fit_touch.ts";
import { touchFlowConfigSchema } from "../../lib/market/touch_flow.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** A parser of a level-1 LOBSTER file pair of a made-up instrument. */
const level1Parser = () =>
  new LobsterParser({
    message: "X_2012-06-21_0_1_message_1.csv",
    orderbook: "X_2012-06-21_0_1_orderbook_1.csv",
    ticker: "X",
    date: "2012-06-21",
    levels: 1,
    startMs: 0,
    endMs: 1,
  });

/**
 * A LOBSTER tape from a known spread-dependent process: the ask is fixed, bids improve the
 * best bid by one tick at λ_in(bucket) and the best bid order is deleted at λ_c(bucket), the
 * bucket that of the current spread (a Markov chain on the spread, as the model assumes).
 */
function simulatedTape(
  inRate: number[],
  cancelRate: number[],
  seconds: number,
  seed: number,
  fleeting = { share: 0, rate: 0 },
) {
  const p = level1Parser();
  const rng = new Rng(seed);
  const ask = 1_001_200; // $100.12, ticks of 100
  const base = ask - 1_200; // 12 ticks below
  let row = 0;
  let id = 1;
  const push = (t: number, type: number, oid: number, price: number, dir: number, book: number[]) =>
    p.push(`${t.toFixed(9)},${type},${oid},100,${price},${dir}`, book.join(","), ++row);
  let t = 34_200;
  push(t, 1, id++, ask, -1, [ask, 100, -9_999_999_999, 0]);
  // the base level: many orders, so that it never empties
  const baseIds: number[] = [];
  for (let k = 0; k < 400; k++) {
    baseIds.push(id);
    push(t, 1, id++, base, 1, [ask, 100, base, 100 * (k + 1)]);
  }
  const stack: number[] = []; // ids of the improving bids, one per tick above the base
  const truth = {
    seconds: new Float64Array(7),
    inSpread: new Float64Array(7),
    cancels: new Float64Array(7),
  };
  const end = t + seconds;
  while (true) {
    const bid = base + 100 * stack.length;
    const s = (ask - bid) / 100;
    const k = TOUCH_SPREAD_EDGES.findLastIndex((e) => s >= e);
    const li = s > 1 ? inRate[k] : 0;
    const lc = cancelRate[k];
    const dt = -Math.log(1 - rng.next()) / (li + lc);
    if (t + dt >= end) break;
    t += dt;
    truth.seconds[k] += dt;
    const baseQty = 100 * baseIds.length;
    if (rng.next() * (li + lc) < li) {
      truth.inSpread[k]++;
      if (fleeting.share > 0 && rng.next() < fleeting.share) {
        // a fleeting order: deleted after Exp(rate), before anything else happens
        const oid = id++;
        push(t, 1, oid, bid + 100, 1, [ask, 100, bid + 100, 100]);
        const life = -Math.log(1 - rng.next()) / fleeting.rate;
        if (t + life >= end) break;
        t += life;
        truth.seconds[TOUCH_SPREAD_EDGES.findLastIndex((e) => s - 1 >= e)] += life;
        push(t, 3, oid, bid + 100, 1, [ask, 100, bid, stack.length > 0 ? 100 : baseQty]);
        continue;
      }
      stack.push(id);
      push(t, 1, id++, bid + 100, 1, [ask, 100, bid + 100, 100]);
    } else if (stack.length > 0) {
      const oid = stack.pop()!;
      truth.cancels[k]++;
      const nb = base + 100 * stack.length;
      push(t, 3, oid, bid, 1, [ask, 100, nb, stack.length > 0 ? 100 : baseQty]);
    } else {
      const oid = baseIds.pop()!;
      truth.cancels[k]++;
      push(t, 3, oid, base, 1, [ask, 100, base, baseQty - 100]);
    }
  }
  return { tape: p.finish(), truth };
}

Deno.test("fitTouchFlow recovers known spread-dependent intensities from a simulated LOBSTER tape", () => {
  // buckets 1, 2, 3–4, 5–8, 9–16, 17–32, 33+
  const inRate = [0, 0.1, 0.3, 0.6, 1.2, 0, 0];
  const cancelRate = [2, 1.5, 1.0, 0.6, 0.3, 0, 0];
  const { tape, truth } = simulatedTape(inRate, cancelRate, 3_000, 7);
  const c = touchCounts(tape, { ageEdges: [] }); // no trades: by spread only
  // the counts are exactly the simulation's (the fit reads the tape the way it was made)
  for (let k = 1; k < 5; k++) {
    assert.equal(c.inSpread[k], truth.inSpread[k], `in-spread, bucket ${k}`);
    assert.equal(c.cancels[k], truth.cancels[k], `cancels, bucket ${k}`);
    assert.ok(Math.abs(c.seconds[k] - truth.seconds[k]) < 1e-3, `seconds, bucket ${k}`);
  }
  const fit = fitTouchFlow(c, { fleeting: true });
  assert.deepEqual(fitTouchFlow(c), { ...fit, fleeting: null }); // nothing fleeting: the same fit
  let checked = 0;
  for (let k = 0; k < 5; k++) {
    const pairs: [RateEstimate, number][] = [
      [fit.inSpreadRate[k], inRate[k]],
      [fit.cancelRate[k], cancelRate[k]],
    ];
    for (const [est, rate] of pairs) {
      if (!(c.seconds[k] > 50) || rate === 0) continue;
      // the estimate within 4 standard errors of the truth
      assert.ok(
        Math.abs(est.value - rate) < 4 * est.se,
        `bucket ${k}: ${est.value} ± ${est.se} vs ${rate}`,
      );
      checked++;
    }
  }
  assert.ok(checked >= 6, `${checked} rates checked`);
  assert.equal(fit.improveMean.value, 1); // every improvement was one tick
  // a deletion that moves the mid down, nothing else moves it: after 60 s the mid moved on
  // with the later events, so the shares are finite and the standard errors too
  assert.ok(Number.isFinite(fit.cancelImpact.value) && fit.cancelImpact.se > 0);
  // the in-spread orders' lifetimes have no fast component: nothing is fleeting, nothing
  // leaves the touch's deletions
  assert.equal(fit.fleeting?.share, 0);
  assert.match(fit.fleeting!.reason, /mean lifetime|likelihood ratio/);
  // nor do the touch's events excite each other: the table stays as fitted
  const ex = fitTouchFlow(c, { excitation: true });
  assert.equal(ex.excitation?.alpha.length, 0, ex.excitation?.reason);
  assert.deepEqual(touchFlowConfig(ex), touchFlowConfig(fitTouchFlow(c)));
  assert.throws(
    () => fitTouchFlow(c, { excitation: true, fleeting: true }),
    (e: unknown) => e instanceof ValidationError && e.field === "touch.excitation",
  );
});

Deno.test("fitTouchFlow: fleeting orders recovered from their lifetimes, and their deletions left out of the touch's", () => {
  const inRate = [0, 0.1, 0.3, 0.6, 1.2, 0, 0];
  const cancelRate = [2, 1.5, 1.0, 0.6, 0.3, 0, 0];
  const share = 0.4, rate = 250; // 40 % fleeting, 4 ms on average
  const { tape, truth } = simulatedTape(inRate, cancelRate, 4_000, 11, { share, rate });
  const c = touchCounts(tape, { ageEdges: [] });
  const fit = fitTouchFlow(c, { fleeting: true });
  const f = fit.fleeting!;
  assert.ok(Math.abs(f.share - share) < 4 * f.se.share, `share ${f.share} ± ${f.se.share}`);
  assert.ok(Math.abs(f.rate - rate) < 4 * f.se.rate, `rate ${f.rate} ± ${f.se.rate}`);
  let checked = 0;
  for (let k = 1; k < 5; k++) {
    if (!(truth.seconds[k] > 50)) continue;
    // the tape's deletions at the touch include the fleeting ones; the fit's rate does not
    assert.ok(c.cancels[k] > truth.cancels[k], `bucket ${k}: the raw count holds the fleeting`);
    const est = fit.cancelRate[k];
    assert.ok(
      Math.abs(est.value - cancelRate[k]) < 4 * est.se,
      `bucket ${k}: ${est.value} ± ${est.se} vs ${cancelRate[k]}`,
    );
    const inS = fit.inSpreadRate[k];
    if (inRate[k] > 0) {
      assert.ok(Math.abs(inS.value - inRate[k]) < 4 * inS.se, `in-spread ${k}: ${inS.value}`);
    }
    checked++;
  }
  assert.ok(checked >= 3, `${checked} buckets checked`);
  // not asked for: the fleeting deletions stay among the touch's, which then overstate it
  const plain = fitTouchFlow(c);
  assert.equal(plain.fleeting, null);
  assert.ok(plain.cancelRate[3].value > fit.cancelRate[3].value);
  // the preset's config carries them only where they were fitted (a --touch preset reads as before)
  assert.equal("fleetingShare" in touchFlowConfig(plain), false);
  const cfg = touchFlowConfigSchema.parse(touchFlowConfig(fit));
  assert.ok(Math.abs(cfg.fleetingShare - f.share) < 1e-3 && cfg.fleetingRate > 0);
});

Deno.test("fitTouchFlow: Poisson standard errors √n/T, rate 0 where the book never was", () => {
  const f = fitTouchFlow({
    edges: [1, 5],
    ageEdges: [],
    seconds: new Float64Array([400, 0]),
    inSpread: new Float64Array([100, 0]),
    cancels: new Float64Array([16, 0]),
    improve: { n: 3, sum: 6, sumSq: 14 },
    response: [{ n: 0, absMove: 0, sum: 0, sumSq: 0 }, { n: 2, absMove: 2, sum: 1, sumSq: 1 }],
    horizon: 60,
    follow: [[{ n: 4, hits: 1 }, { n: 0, hits: 0 }, { n: 0, hits: 0 }], [{ n: 0, hits: 0 }, {
      n: 0,
      hits: 0,
    }, { n: 0, hits: 0 }]],
  });
  assert.deepEqual(f.inSpreadRate[0], { value: 0.25, se: 0.025 });
  assert.deepEqual(f.cancelRate[0], { value: 0.04, se: 0.01 });
  assert.equal(f.inSpreadRate[1].value, 0);
  assert.ok(Number.isNaN(f.inSpreadRate[1].se));
  assert.equal(f.improveMean.value, 2);
  assert.ok(Math.abs(f.improveMean.se - Math.sqrt(1 / 3)) < 1e-12); // sample variance 1
  assert.equal(f.inSpreadImpact.value, 0); // no events: off
  assert.equal(f.cancelImpact.value, 0.5);
  assert.equal(f.inSpreadFollow[0].value, 0.25);
  assert.ok(Math.abs(f.inSpreadFollow[0].se - Math.sqrt(0.25 * 0.75 / 4)) < 1e-12);
  assert.equal(f.inSpreadFollow[1].value, 0.5); // no events: ½
});

Deno.test("touchCounts: a deletion's move of the mid is read after the levels a level-1 file reveals", () => {
  const p = level1Parser();
  p.push("34200.0,1,1,10,999000,1", "1002000,50,999000,10", 1); // a bid at $99.90
  p.push("34201.0,1,2,100,1000000,1", "1002000,50,1000000,100", 2); // $100.00 inside the spread
  // deleted at the touch: the file's best bid is now $99.95, which the tape had never seen
  // (before the revealed level the tape's best bid is the $99.90 it last knew: 5 ticks of mid)
  p.push("34202.0,3,2,100,1000000,1", "1002000,50,999500,30", 3);
  p.push("34203.0,1,3,5,999600,1", "1002000,50,999600,5", 4); // a later bid: the response's end
  const c = touchCounts(p.finish(), { ageEdges: [], horizon: 0.5 });
  assert.equal(c.response[1].n, 1);
  assert.equal(c.response[1].absMove, 2.5); // (10000 − 9995) / 2 ticks, not (10000 − 9990) / 2
  assert.equal(c.response[1].sum, 2.5); // the mid 0.5 s later is the settled one: all of it stays
});
