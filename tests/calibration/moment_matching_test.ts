import assert from "node:assert/strict";
import { ValidationError } from "../../lib/errors.ts";
import { type Estimate, fitted } from "../../lib/calibration/estimate.ts";
import {
  type EmergentMoments,
  emergentMoments,
  errorNotStable,
  matchedStandardErrors,
  type MomentKnob,
  momentKnobs,
  OPTIONAL_MOMENTS,
  refineMoments,
  STABLE_RATIO,
} from "../../lib/calibration/moment_matching.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";
import { scaleLimitResponse } from "../../lib/calibration/fit_arrivals.ts";

const observe = { quoteInterval: 0, timeResolution: 0 };
const quiet = () => {};
const rateConfig = (marketRate: number) => ({ duration: 300, flow: { arrivals: { marketRate } } });
const rateKnob = (e: Estimate): MomentKnob => ({
  estimate: e,
  moment: "orderRate",
  what: "rate of market orders",
  update: (v, sim, re) => v * re / sim,
});

/** Runs the moment matching of one knob on the rate market for `iterations` (600-s simulations). */
function refineRate(
  knob: MomentKnob,
  real: ReturnType<typeof emergentMoments>,
  iterations: number,
  history: Record<string, unknown>[],
  warnings: string[],
): void {
  refineMoments(
    () => rateConfig(knob.estimate.value),
    [knob],
    real,
    observe,
    10,
    { refineSeconds: 600, refineIterations: iterations },
    history,
    warnings,
    quiet,
  );
}

Deno.test("emergentMoments: deterministic, in range, the order rate and its Poisson error exact", () => {
  const recs = simulateRecords({ duration: 300 }, { seconds: 600, seed: 4 });
  const a = emergentMoments(recs, 0.1, 10, OPTIONAL_MOMENTS);
  const b = emergentMoments(recs, 0.1, 10, OPTIONAL_MOMENTS);
  assert.deepEqual(a, b);
  const n = recs.reduce((s, r) => s + r.moTime.length, 0);
  assert.equal(a.m.orderRate, n / 600);
  assert.equal(a.se.orderRate, Math.sqrt(n) / 600);
  assert.ok(a.m.meanSpread >= 1 && a.m.wideShare >= 0 && a.m.wideShare <= 1);
  assert.ok(a.m.spreadSd >= 0 && a.m.variance > 0 && a.m.depthInOrders > 0);
  for (const k of Object.keys(a.se) as (keyof typeof a.se)[]) {
    if (k === "refillMsPerTick") continue;
    assert.ok(a.se[k] >= 0, `${k}: ${a.se[k]}`);
  }
  // the variance at another horizon is another number
  assert.notEqual(emergentMoments(recs, 0.1, 60).m.variance, a.m.variance);
});

Deno.test("refineMoments: a knob converges to the market that made the moment; the best iterate is kept", () => {
  // the tape: the market at 3 orders/s on seed 8; the matching simulates on the same seed
  // (common random numbers), so the simulation noise does not blur where it lands
  const real = emergentMoments(simulateRecords(rateConfig(3), { seconds: 900, seed: 8 }), 0.1);
  const rate = fitted(1, 0.1, "per second", "a direct fit");
  const history: Record<string, unknown>[] = [];
  const warnings: string[] = [];
  refineMoments(
    () => rateConfig(rate.value),
    [rateKnob(rate)],
    real,
    observe,
    10,
    { refineSeconds: 900, seed: 8 },
    history,
    warnings,
    quiet,
  );
  assert.deepEqual(warnings, []);
  assert.ok(Math.abs(rate.value - 3) < 0.2, `${rate.value}`);
  assert.equal(rate.status, "moment-matched");
  assert.match(
    rate.method,
    /^a direct fit; then moment-matched by simulation to the rate of market orders \(direct value 1\)$/,
  );
  assert.ok("chosen" in history[history.length - 1]);
  // every iteration's row says the real and simulated moment and the knob
  const first = history[0] as { iteration: number; orderRate: { knob: number } };
  assert.equal(first.iteration, 1);
  assert.equal(first.orderRate.knob, 1);
});

Deno.test("refineMoments: without convergence the knob is the average of the last half of its iterates, and a warning says so", () => {
  const real = emergentMoments(simulateRecords(rateConfig(3), { seconds: 600, seed: 8 }), 0.1);
  const rate = fitted(1, 0.1, "per second", "a direct fit");
  const next: number[] = [];
  // a damped update that cannot get there in four iterations
  const knob: MomentKnob = {
    ...rateKnob(rate),
    update: (v, sim, re) => {
      next.push(v * Math.pow(re / sim, 0.2));
      return next[next.length - 1];
    },
  };
  const history: Record<string, unknown>[] = [];
  const warnings: string[] = [];
  refineRate(knob, real, 4, history, warnings);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /not every moment within tolerance after 4 iterations/);
  const last = history[history.length - 1] as { averaged: number[] };
  assert.deepEqual(last.averaged, [3, 4]);
  // iterates 1, next[0], next[1], next[2] (the last iteration does not update): the average
  // of iterates 3 and 4
  assert.equal(next.length, 3);
  assert.ok(next[2] < 3);
  assert.equal(rate.value, (next[1] + next[2]) / 2);
});

Deno.test("refineMoments: a matching that drifts keeps its closest iterate, not the last half's average, and says so", () => {
  const real = emergentMoments(simulateRecords(rateConfig(3), { seconds: 600, seed: 8 }), 0.1);
  const rate = fitted(2, 0.1, "per second", "a direct fit");
  // an update of the wrong sign (as a knob whose moment is out of its reach acts on another):
  // every step takes the rate further from 3 a second
  const knob: MomentKnob = {
    ...rateKnob(rate),
    update: (v, sim, re) => v * Math.pow(sim / re, 0.3),
  };
  const history: Record<string, unknown>[] = [];
  const warnings: string[] = [];
  refineRate(knob, real, 8, history, warnings);
  const last = history[history.length - 1] as { drifted: number[]; chosen: number };
  assert.ok(last.drifted[1] > last.drifted[0], JSON.stringify(last));
  assert.equal(last.chosen, 1);
  assert.equal(rate.value, 2); // the first iterate: the closest
  assert.match(
    warnings.join("\n"),
    /moment matching drifted: .*the orderRate's most.*kept iteration 1/,
  );
  // the same iteration stopped at seven is too short to judge: the last half's average
  const r7 = fitted(2, 0.1, "per second", "a direct fit");
  const h7: Record<string, unknown>[] = [];
  refineRate({ ...knob, estimate: r7 }, real, 7, h7, []);
  assert.ok("averaged" in h7[h7.length - 1]);
  assert.ok(r7.value < 2);
});

/** The estimates every market's knobs read (and the one-tick market's reaction). */
const KNOB_ESTIMATES = [
  "volatility",
  "flow.cancellation.rate",
  "flow.fundamental.newsRate",
  "flow.arrivals.marketRate",
  "flow.reaction.follow",
  "flow.placement.edgeSpread",
  "flow.placement.minEdge",
  "flow.reaction.reprice",
  "flow.reaction.latency",
];

/** Every knob's estimate at 1. */
const knobEstimates = (): Record<string, Estimate> =>
  Object.fromEntries(KNOB_ESTIMATES.map((k) => [k, fitted(1, NaN, "", "")]));

Deno.test("momentKnobs: the knobs depend on the market's spread and whether its book follows the price", () => {
  const est = knobEstimates;
  const real = emergentMoments(simulateRecords({ duration: 300 }, { seconds: 300 }), 0.1).m;
  const moments = (ks: MomentKnob[]) => ks.map((k) => k.moment);
  const common = ["variance", "depthInOrders", "kurtosis1s", "orderRate"];
  // a wide-spread market: the reaction's slack, the edges' spread and the edge
  assert.deepEqual(moments(momentKnobs(est(), { ...real, meanSpread: 5 }, true, 0.5)), [
    ...common,
    "returnAutocorrelation",
    "spreadSd",
    "meanSpread",
  ]);
  // a one-tick market whose book follows the price: the share of wide books
  assert.deepEqual(moments(momentKnobs(est(), { ...real, meanSpread: 1 }, true, 0.5)), [
    ...common,
    "wideShare",
  ]);
  // one that does not: nothing for the reaction
  assert.deepEqual(moments(momentKnobs(est(), { ...real, meanSpread: 1 }, false, 0.5)), common);
  // once every stale quote is re-posted (reprice 1), too many wide books lower the latency
  const e = est();
  const wide = momentKnobs(e, { ...real, meanSpread: 1 }, true, 0.5).find((k) =>
    k.moment === "wideShare"
  )!;
  assert.equal(wide.update(1, 0.02, 0.01), 1);
  assert.ok(e["flow.reaction.latency"].value < 1);
  assert.equal(e["flow.reaction.latency"].status, "moment-matched");
  // the updates stay within their bounds
  const vol = momentKnobs(est(), real, true, 0.5)[0];
  assert.equal(vol.update(1, 1, 1e12), 10);
  assert.equal(vol.update(1, 1e12, 1), 1e-6);
});

Deno.test("moment matching: the spread at market orders, and the activity placement's knob that lowers it", async () => {
  const preset = JSON.parse(await Deno.readTextFile("data/presets/amzn.json"));
  const ratio = (eta: number) => {
    const cfg = structuredClone(preset.config);
    cfg.flow.placement.activityExponent = eta;
    const recs = simulateRecords(cfg, { seconds: 1_800, seed: 4, quoteInterval: 0 });
    return emergentMoments(recs, 0.1, 10, ["spreadAtOrders"]).m.spreadAtOrders;
  };
  // the shipped wide-spread market: orders in bursts meet the spread the burst widened
  const flat = ratio(0);
  assert.ok(flat > 1, `${flat}`);
  // edges that shrink while the market trades: the bursts meet narrower spreads
  const active = ratio(1);
  assert.ok(active < flat - 0.15, `${active} against ${flat}`);
  // the knob exists only where asked for (its estimate present) and moves η up when the
  // simulated ratio is above the tape's
  const est = knobEstimates();
  const real = { meanSpread: 12 } as EmergentMoments;
  assert.ok(!momentKnobs(est, real, true, 0.5).some((k) => k.moment === "spreadAtOrders"));
  est["flow.placement.activityExponent"] = fitted(0, NaN, "", "");
  const knob = momentKnobs(est, real, true, 0.5).find((k) => k.moment === "spreadAtOrders")!;
  assert.ok(knob.update(0, 1.16, 0.78) > 0.5);
  assert.equal(knob.update(0.2, 0.5, 0.78), 0); // never below 0
  assert.equal(knob.update(3.9, 2, 0.78), 4); // nor above 4
});

Deno.test("moment matching: a stronger limit-order response to market orders lowers the spread at market orders; its knob moves it", async () => {
  const preset = JSON.parse(await Deno.readTextFile("data/presets/amzn-shares.json"));
  const ratio = (k: number) => {
    const cfg = structuredClone(preset.config);
    cfg.flow.arrivals = scaleLimitResponse(cfg.flow.arrivals, k, 0.35);
    const recs = simulateRecords(cfg, { seconds: 3_600, seed: 4, quoteInterval: 0 });
    return emergentMoments(recs, 0.1, 10, ["spreadAtOrders"]).m.spreadAtOrders;
  };
  // the fitted response: the bursts meet the spread they widened; four times it refills the
  // book within a burst
  const fitted1 = ratio(1), strong = ratio(4);
  assert.ok(fitted1 > 1, `${fitted1}`);
  assert.ok(strong < fitted1 - 0.1, `${strong} against ${fitted1}`);
  const est = knobEstimates();
  const real = { meanSpread: 12 } as EmergentMoments;
  assert.ok(!momentKnobs(est, real, true, 0.5).some((k) => k.moment === "spreadAtOrders"));
  est["flow.arrivals.limitResponse"] = fitted(1, NaN, "", "");
  const knob = momentKnobs(est, real, true, 0.5).find((k) => k.moment === "spreadAtOrders")!;
  assert.ok(Math.abs(knob.update(1, 1.2, 0.8) - Math.exp(1)) < 1e-12); // too wide: k up
  assert.ok(knob.update(2, 0.7, 0.8) < 2); // too narrow: k down
  assert.equal(knob.update(15, 3, 0.8), 20); // within [0.1, 20]
  assert.equal(knob.update(0.2, 0, 0.8), 0.1);
});

Deno.test("moment matching: fewer deletions at the touch, less noise in the mid; with their scale a knob, it matches the noise ratio", async () => {
  const preset = JSON.parse(await Deno.readTextFile("data/presets/amzn-shares.json"));
  // the AMZN tape's deletions at the touch by spread (per second, both sides; calibrate
  // --touch-deletions), at `scale` times their rates
  const rates = [2.288, 1.852, 0.9688, 0.6254, 0.7637, 0.9066, 0.7325];
  const moments = (scale: number) => {
    const cfg = structuredClone(preset.config);
    cfg.flow.touch = {
      spreadEdges: [1, 2, 3, 5, 9, 17, 33],
      inSpreadRate: rates.map(() => 0),
      cancelRate: rates.map((r) => r * scale),
      cancelImpact: 0.6,
    };
    const recs = simulateRecords(cfg, { seconds: 1_800, seed: 2, quoteInterval: 0 });
    return emergentMoments(recs, 0.1, 10, ["noiseRatio"]).m;
  };
  // each deletion that empties the best level moves the mid until the book refills it: seen
  // every 0.1 s, not every 10 s
  const all = moments(1);
  const fewer = moments(0.3);
  assert.ok(
    all.noiseRatio > fewer.noiseRatio * 1.3,
    `${all.noiseRatio} against ${fewer.noiseRatio}`,
  );
  assert.ok(all.returnAutocorrelation < fewer.returnAutocorrelation - 0.05);
  // not computed unless asked for
  assert.ok(
    Number.isNaN(
      emergentMoments(simulateRecords({ duration: 300 }, { seconds: 300 }), 0.1).m.noiseRatio,
    ),
  );
  // the knob exists where its estimate does, besides the following's
  const est = knobEstimates();
  const real = { meanSpread: 12 } as EmergentMoments;
  const knobOf = () => momentKnobs(est, real, true, 0.5).find((k) => k.moment === "noiseRatio");
  assert.equal(knobOf(), undefined);
  est["flow.touch.deletionScale"] = fitted(1, NaN, "", "");
  const knob = knobOf()!;
  assert.equal(knob.estimate, est["flow.touch.deletionScale"]);
  assert.equal(
    momentKnobs(est, real, true, 0.5).find((k) => k.moment === "returnAutocorrelation")!.estimate,
    est["flow.reaction.follow"],
  );
  // a one-tick market's too (its other knobs differ)
  assert.equal(
    momentKnobs(est, { meanSpread: 1 } as EmergentMoments, true, 0.5).at(-1)!.estimate,
    est["flow.touch.deletionScale"],
  );
  // a simulated mid noisier than the tape's: fewer deletions, within [0.01, 4]
  assert.ok(knob.update(1, 1.44, 0.86) < 0.7);
  assert.ok(knob.update(0.5, 0.7, 0.86) > 0.5);
  assert.equal(knob.update(0.011, 10, 0.86), 0.01);
  assert.equal(knob.update(3.9, 0.5, 0.86), 4);
});

Deno.test("matchedStandardErrors: a knob its moment moves one for one gets the moment's error; a bound makes it one-sided", () => {
  // Poisson market orders: the realized rate is the knob's, one for one
  const poisson = (marketRate: number) => ({
    duration: 300,
    flow: { arrivals: { kind: "poisson" as const, marketRate } },
  });
  const real = emergentMoments(simulateRecords(poisson(2), { seconds: 600 }), 0.1);
  const two = fitted(2, NaN, "per second", "matched");
  matchedStandardErrors(() => poisson(two.value), [rateKnob(two)], real, observe, 10, {
    seconds: 1_200,
    realSeconds: 600,
  });
  // the Poisson error of the rate over 600 s, × √(1 + 600/1,200) for the simulation's noise
  const expected = real.se.orderRate * Math.sqrt(1.5);
  assert.ok(Math.abs(two.se / expected - 1) < 0.2, `${two.se} against ${expected}`);
  assert.equal(two.value, 2);
  assert.match(two.method, /method of simulated moments.*S = 2 /);
  // the same market where rates above 2 do not validate (a reaction share = rate / 2 ≤ 1): the
  // difference is taken on the side that does, and gives about the same error
  const bounded = fitted(2, NaN, "per second", "matched");
  const cfg = () => ({
    duration: 300,
    flow: {
      arrivals: { kind: "poisson" as const, marketRate: bounded.value },
      reaction: { reprice: bounded.value / 2 },
    },
  });
  matchedStandardErrors(cfg, [rateKnob(bounded)], real, observe, 10, {
    seconds: 1_200,
    realSeconds: 600,
  });
  assert.ok(Math.abs(bounded.se / two.se - 1) < 0.5, `${bounded.se} against ${two.se}`);
  assert.equal(bounded.value, 2);
});

Deno.test("matchedStandardErrors: `replicates` averages each point of the differences over that many seeds; one is the seed alone", () => {
  const poisson = (marketRate: number) => ({
    duration: 300,
    flow: { arrivals: { kind: "poisson" as const, marketRate } },
  });
  const real = emergentMoments(simulateRecords(poisson(2), { seconds: 600 }), 0.1);
  const run = (replicates?: number) => {
    const e = fitted(2, NaN, "per second", "matched");
    matchedStandardErrors(() => poisson(e.value), [rateKnob(e)], real, observe, 10, {
      seconds: 1_200,
      realSeconds: 600,
      seed: 5,
      ...(replicates === undefined ? {} : { replicates }),
    });
    return e;
  };
  const plain = run(), one = run(1), three = run(3);
  // one replicate is the default, bit for bit, and says nothing of seeds
  assert.equal(one.se, plain.se);
  assert.equal(one.method, plain.method);
  assert.doesNotMatch(one.method, /averaged over/);
  // three: other simulations, the same error within its noise, and the method says so
  assert.notEqual(three.se, one.se);
  const expected = real.se.orderRate * Math.sqrt(1.5);
  assert.ok(Math.abs(three.se / expected - 1) < 0.2, `${three.se} against ${expected}`);
  assert.match(three.method, /each point averaged over 3 seeds/);
  // a count that is not a positive integer is a named error
  for (const replicates of [0, 2.5, NaN]) {
    assert.throws(
      () => run(replicates),
      (e: unknown) => e instanceof ValidationError && e.field === "replicates",
    );
  }
});

Deno.test("matchedStandardErrors: with several seeds, a knob whose moment moves with it only by the simulation's noise gets no error (its halves disagree); an identified one keeps its error", () => {
  const market = (marketRate: number, limitRate: number) => ({
    duration: 300,
    flow: { arrivals: { kind: "poisson" as const, marketRate, limitRate } },
  });
  const real = emergentMoments(simulateRecords(market(2, 10), { seconds: 600 }), 0.1);
  const options = { seconds: 1_200, realSeconds: 600, seed: 1, replicates: 4 };
  // the limit orders' rate: the market orders' rate does not depend on it (their Poisson times
  // only shift with the shared stream), so each half of the seeds' Jacobian is its own noise
  const limit = fitted(10, NaN, "per second", "matched");
  matchedStandardErrors(
    () => market(2, limit.value),
    [{ ...rateKnob(limit), estimate: limit }],
    real,
    observe,
    10,
    options,
  );
  assert.ok(Number.isNaN(limit.se));
  assert.ok(errorNotStable(limit));
  assert.match(limit.method, /no standard error: not stable .* two halves of its seeds give/);
  // the market orders' rate: both halves agree, within the factor allowed
  const rate = fitted(2, NaN, "per second", "matched");
  matchedStandardErrors(() => market(rate.value, 10), [rateKnob(rate)], real, observe, 10, options);
  const [a, b] = rate.method.match(/two halves of its seeds: ([\d.e-]+) and ([\d.e-]+)/)!.slice(1)
    .map(Number);
  const all = [a, b, rate.se];
  assert.ok(Math.max(...all) <= STABLE_RATIO * Math.min(...all), `${all}`);
  // the order rate's own error, × √(1 + 1/S): its block-bootstrap error is itself estimated
  const expected = real.se.orderRate * Math.sqrt(1.5);
  assert.ok(Math.abs(rate.se / expected - 1) < 0.3, `${rate.se} against ${expected}`);
});

Deno.test("matchedStandardErrors: a knob the market ignores makes the Jacobian singular: no error, and the reason", () => {
  const real = emergentMoments(simulateRecords(rateConfig(2), { seconds: 600 }), 0.1);
  const rate = fitted(2, NaN, "per second", "matched");
  const idle = fitted(5, 1, "ticks", "matched");
  const knobs: MomentKnob[] = [rateKnob(rate), {
    estimate: idle,
    moment: "meanSpread",
    what: "mean spread",
    update: (v) => v,
  }];
  matchedStandardErrors(() => rateConfig(rate.value), knobs, real, observe, 10, {
    seconds: 600,
    realSeconds: 600,
  });
  for (const e of [rate, idle]) {
    assert.ok(Number.isNaN(e.se));
    assert.match(e.method, /no standard error: the moments' Jacobian is singular/);
  }
  assert.deepEqual([rate.value, idle.value], [2, 5]);
});
