import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import {
  arrivalsConfig,
  fitArrivals,
  fitClockStage,
  marketBetas,
  marketBranching,
  scaleMarketArrivals,
} from "../../lib/calibration/fit_arrivals.ts";
import type { Estimate } from "../../lib/calibration/estimate.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";

const within = (est: number, se: number, truth: number, k = 3) =>
  assert.ok(Math.abs(est - truth) <= k * se, `${est} ± ${se} vs ${truth}`);

/**
 * Market orders only: `alpha` the market orders' self-excitation, nothing else excited; one
 * regime and no informed traders (whose arrivals abstain), so the orders are the process.
 */
const marketHawkes = (marketRate: number, alpha: number, beta: number) => ({
  duration: 600,
  regimes: { names: ["one"], volMultipliers: [1], flowMultipliers: [1], rates: [[0]], initial: 0 },
  flow: {
    informed: { share: 0 },
    arrivals: {
      kind: "hawkes" as const,
      marketRate,
      limitRate: 60,
      alpha: [[alpha, 0, 0], [0, 0, 0], [0, 0, 0]],
      beta: [[beta, beta, beta], [beta, beta, beta], [beta, beta, beta]],
    },
  },
});

Deno.test("fitArrivals + arrivalsConfig: the book tier's market-order kernel comes back within its standard errors", () => {
  const recs = simulateRecords(marketHawkes(1.5, 0.5, 4), { seconds: 2_400, seed: 3 });
  const est: Record<string, Estimate> = {};
  const warnings: string[] = [];
  const arrivals = arrivalsConfig(fitArrivals(recs, [], false), 0.3, 60, false, est, warnings);
  assert.equal(arrivals.kind, "hawkes");
  const n = marketBranching(arrivals);
  // one exponential is enough for AIC here, or the sum of the components is the branching
  const alphaSe = est["flow.arrivals.alpha.0.0"].se;
  within(n, Math.max(alphaSe, 0.03), 0.5);
  within(est["flow.arrivals.marketRate"].value, est["flow.arrivals.marketRate"].se, 1.5);
  assert.equal(arrivals.limitRate, 60);
  assert.ok(marketBetas(arrivals).length >= 1);
});

Deno.test("arrivalsConfig: Poisson market orders are fitted as Poisson (AIC), at their rate", () => {
  const recs = simulateRecords(marketHawkes(2, 0, 4), { seconds: 1_200, seed: 5 });
  const hk = fitArrivals(recs, [], false);
  const est: Record<string, Estimate> = {};
  const arrivals = arrivalsConfig(hk, 0.3, 60, false, est, []);
  const orders = recs.reduce((s, r) => s + r.moTime.length, 0);
  assert.equal(hk.market.poissonPreferred, true);
  assert.equal(marketBranching(arrivals), 0);
  assert.ok(Math.abs(est["flow.arrivals.marketRate"].value - orders / 1_200) < 1e-9);
  assert.match(est["flow.arrivals.marketRate"].method, /Poisson/);
  within(est["flow.arrivals.marketRate"].value, est["flow.arrivals.marketRate"].se, 2);
});

Deno.test("fitArrivals: records are concatenated, the time between them removed", () => {
  const recs = simulateRecords(marketHawkes(2, 0.3, 10), { seconds: 1_200, seed: 1 });
  const one = fitArrivals(recs, [], false);
  assert.equal(recs.length, 2);
  assert.equal(one.fit.counts[0], recs[0].moTime.length + recs[1].moTime.length);
  assert.ok(Math.abs(one.fit.horizon - 1_200) < 1);
  assert.equal(one.resolution, 0);
});

Deno.test("scaleMarketArrivals: baseline set, only the market orders' self-excitation scaled, stationary", () => {
  const a = fc.double({ min: 0, max: 0.6, noNaN: true });
  fc.assert(
    fc.property(
      a,
      a,
      a,
      fc.double({ min: 0.1, max: 5, noNaN: true }),
      fc.double({ min: 0.1, max: 5, noNaN: true }),
      (a0, a1, other, rate, direct) => {
        const arrivals = {
          kind: "hawkes",
          marketRate: direct,
          alpha: [[a0, other], [other, other]],
          beta: [[10, 10], [10, 10]],
          extraKernels: [{ alpha: [[a1, other], [other, other]], beta: [[1, 1], [1, 1]] }],
        };
        const out = scaleMarketArrivals(arrivals, rate, direct);
        assert.equal(out.marketRate, Number(rate.toPrecision(4)));
        const n = a0 + a1;
        const scaled = marketBranching(out);
        if (n > 0) {
          const k = Math.min(rate / direct, 0.98 / n);
          assert.ok(Math.abs(scaled - k * n) <= 1e-3 * Math.max(1, k * n), `${scaled} ${k * n}`);
          assert.ok(scaled < 0.985);
        } else assert.equal(scaled, 0);
        // the other kinds' entries are untouched
        const alpha = out.alpha as number[][];
        assert.equal(alpha[0][1], other);
        assert.equal(alpha[1][1], other);
        assert.deepEqual(out.beta, arrivals.beta);
        // the input is not mutated
        assert.equal(arrivals.alpha[0][0], a0);
      },
    ),
  );
  // Poisson arrivals: the rate alone
  assert.deepEqual(scaleMarketArrivals({ kind: "poisson", marketRate: 1 }, 2, 1), {
    kind: "poisson",
    marketRate: 2,
  });
});

Deno.test("fitClockStage: nothing to do for Poisson market orders, an exact clock or few orders", () => {
  const recs = simulateRecords(marketHawkes(2, 0.3, 300), { seconds: 300, seed: 2 });
  const est: Record<string, Estimate> = {};
  const hawkes = {
    kind: "hawkes",
    marketRate: 1,
    alpha: [[0.3, 0, 0], [0, 0, 0], [0, 0, 0]],
    beta: [[300, 300, 300], [300, 300, 300], [300, 300, 300]],
  };
  const signs = { kind: "iid" };
  const quiet = () => {};
  // an exact clock hides nothing
  assert.equal(fitClockStage(recs, structuredClone(hawkes), est, signs, 0, 1, quiet), null);
  // Poisson market orders: no excitation for the clock to hide
  const poisson = { kind: "poisson", marketRate: 1, limitRate: 1 };
  assert.equal(fitClockStage(recs, poisson, est, signs, 0.001, 1, quiet), null);
  // a clock fine against the kernel (0.01 ms · 300/s < 0.02)
  assert.equal(fitClockStage(recs, structuredClone(hawkes), est, signs, 1e-5, 1, quiet), null);
  assert.deepEqual(est, {});
});
