import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { type Estimate, fitted } from "../../lib/calibration/estimate.ts";
import type { SizeFit } from "../../lib/calibration/fit_flow.ts";
import {
  initialDepthLots,
  presetConfig,
  type PresetParts,
  sizesConfig,
} from "../../lib/calibration/preset_config.ts";

const VALUES: Record<string, number> = {
  "volatility": 0.002,
  "flow.arrivals.marketRate": 0.5,
  "flow.placement.alpha": 0.8,
  "flow.placement.maxDistance": 30,
  "flow.placement.minEdge": 5,
  "flow.cancellation.rate": 0.01,
  "flow.cancellation.queuePosition": 0,
  "flow.cancellation.depletion": 0,
  "flow.fundamental.impactShare": 0.4,
  "flow.fundamental.privateShare": 0.2,
  "flow.fundamental.newsRate": 0.1,
  "flow.fundamental.privateRate": 0.05,
  "flow.fundamental.revealRate": 0.1,
  "flow.reaction.latency": 50,
  "flow.reaction.reprice": 1,
  "flow.reaction.follow": 3,
  "flow.informed.share": 0.05,
  "flow.informed.maxLots": 5,
  "flow.snipers.rate": 2,
  "flow.snipers.threshold": 1,
  "flow.snipers.maxLots": 5,
  "flow.sizes.marketMean": 2,
  "flow.sizes.marketTail": 3,
  "flow.sizes.sweepProbability": 0.1,
  "flow.sizes.limitMean": 2,
  "flow.refill.msPerTick": 0.5,
};

function estimates(over: Record<string, number> = {}): Record<string, Estimate> {
  const all = { ...VALUES, ...over };
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, fitted(v, 0, "", "")]));
}

function parts(over: Partial<PresetParts> = {}): PresetParts {
  return {
    est: estimates(),
    duration: 300,
    initialPrice: 100,
    tickSize: 0.01,
    lotSize: 100,
    regimes: {
      names: ["calibrated"],
      volMultipliers: [1],
      flowMultipliers: [1],
      rates: [[0]],
      initial: 0,
    },
    marketData: { kind: "constant", ms: 2 },
    arrivals: { kind: "poisson", limitRate: 5 },
    directRate: 0.5,
    signs: { kind: "iid" },
    sizes: { law: "lomax", marketMax: 200, meanExecuted: 1.5 } as SizeFit,
    depthInOrders: 4,
    oneTick: false,
    follows: true,
    refill: false,
    spreadIntensity: false,
    ...over,
  };
}

type Flow = Record<string, Record<string, unknown>>;
const flowOf = (c: Record<string, unknown>) => c.flow as Flow;

Deno.test("presetConfig: a valid book-tier config built from the estimates at each call", () => {
  const p = parts();
  const a = presetConfig(p);
  assert.equal(parseEnvConfig(a).tier, "book");
  // the calibration's stages change estimates in place and rebuild the config
  (p.est as Record<string, Estimate>)["flow.fundamental.impactShare"] = fitted(0.123456, 0, "", "");
  const b = presetConfig(p);
  assert.equal(flowOf(b).fundamental.impactShare, 0.1235);
  assert.equal(flowOf(a).fundamental.impactShare, 0.4);
});

Deno.test("presetConfig: where liquidity follows the price, by market", () => {
  // a wide-spread market: `follow` ticks beyond the placement's edge + 1
  assert.equal(flowOf(presetConfig(parts())).reaction.follow, 5 + 1 + 3);
  // a one-tick market: the estimate itself, and no informed-impact cap
  const one = presetConfig(parts({ oneTick: true }));
  assert.equal(flowOf(one).reaction.follow, 3);
  assert.equal(flowOf(one).fundamental.informedImpact, undefined);
  assert.equal(flowOf(presetConfig(parts())).fundamental.informedImpact, "toValue");
  assert.equal(flowOf(presetConfig(parts({ follows: false }))).reaction.follow, undefined);
});

Deno.test("presetConfig: the refill only once it is in and fitted above zero", () => {
  assert.equal(flowOf(presetConfig(parts())).refill, undefined);
  assert.deepEqual(flowOf(presetConfig(parts({ refill: true }))).refill, { msPerTick: 0.5 });
  const zero = parts({ refill: true, est: estimates({ "flow.refill.msPerTick": 0 }) });
  assert.equal(flowOf(presetConfig(zero)).refill, undefined);
});

Deno.test("presetConfig: the timing model by kind, and the fast traders' drawn sizes", () => {
  const timed = estimates({
    "flow.timing.scale": 8,
    "flow.timing.exponent": 1.5,
    "flow.timing.retryRate": 2,
    "flow.timing.sendShare": 0.7,
  });
  const waiting = flowOf(presetConfig(parts({ est: timed }))).timing;
  assert.deepEqual(waiting, { kind: "spread", scale: 8, exponent: 1.5, retryRate: 2, burstMs: 0 });
  const intensity = flowOf(presetConfig(parts({ est: timed, spreadIntensity: true }))).timing;
  assert.deepEqual(intensity, { kind: "intensity", scale: 8, exponent: 1.5, sendShare: 0.7 });
  assert.equal(flowOf(presetConfig(parts())).timing, undefined);
  const drawn = flowOf(presetConfig(parts({ informedSizes: "drawn" })));
  assert.equal(drawn.informed.sizes, "drawn");
  assert.equal(drawn.snipers.sizes, "drawn");
  parseEnvConfig(presetConfig(parts({ est: timed, spreadIntensity: true })));
});

Deno.test("sizesConfig: the mixtures' components from their estimates, in order", () => {
  const est = estimates({
    "flow.sizes.components.0.weight": 0.25,
    "flow.sizes.components.0.median": 1,
    "flow.sizes.components.0.logSd": 0.5,
    "flow.sizes.components.1.weight": 0.75,
    "flow.sizes.components.1.median": 20,
    "flow.sizes.components.1.logSd": 1.25,
  });
  const sizes = {
    law: "lognormal-mix",
    marketMax: 500,
    components: [{}, {}],
  } as unknown as SizeFit;
  const c = sizesConfig(sizes, undefined, est);
  assert.equal(c.law, "lognormal-mix");
  assert.deepEqual(c.components, [
    { weight: 0.25, median: 1, logSd: 0.5 },
    { weight: 0.75, median: 20, logSd: 1.25 },
  ]);
  assert.equal(c.limitComponents, undefined);
});

Deno.test("initialDepthLots: property — an integer in [1, 100,000], monotone in the depth", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.double({ min: 0, max: 1e3, noNaN: true }),
      fc.double({ min: 0, max: 10, noNaN: true }),
      (d, m, extra) => {
        const a = initialDepthLots(d, m);
        assert.ok(Number.isInteger(a) && a >= 1 && a <= 100_000);
        assert.ok(initialDepthLots(d + extra, m) >= a);
      },
    ),
  );
});
