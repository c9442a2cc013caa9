import assert from "node:assert/strict";
import {
  fitCancellation,
  fitLimitSizes,
  fitMarketSizes,
  fitPlacement,
} from "../../lib/calibration/fit_flow.ts";
import { fitSigns, signAutocorrelation } from "../../lib/calibration/fit_signs.ts";
import { fitPace, fitVolatility } from "../../lib/calibration/fit_price.ts";
import type { MarketRecord } from "../../lib/calibration/record.ts";
import { simulateFastOrders, simulateRecords } from "../../lib/calibration/simulate.ts";
import type { TapeEvents } from "../../lib/calibration/tape_events.ts";
import { InsufficientDataError } from "../../lib/calibration/errors.ts";
import { placementConfigSchema, PowerLawPlacement } from "../../lib/market/placement.ts";
import { MetaorderSigns, tradeSignConfigSchema } from "../../lib/market/trade_signs.ts";
import { Rng } from "../../lib/rng/rng.ts";
import fc from "npm:fast-check@4.10.2";
import { orderSizeConfigSchema, TouchRelativeSizes } from "../../lib/market/order_sizes.ts";
import { sig } from "../../lib/calibration/estimate.ts";

const within = (est: number, se: number, truth: number, k = 3) =>
  assert.ok(Math.abs(est - truth) <= k * se, `${est} ± ${se} vs ${truth}`);

const ONE_REGIME = {
  names: ["one"],
  volMultipliers: [1],
  flowMultipliers: [1],
  rates: [[0]],
  initial: 0,
};

Deno.test("size fit: the touch-capped Lomax model of the book tier is recovered from its own market orders", () => {
  const recs = simulateRecords({
    duration: 600,
    regimes: ONE_REGIME,
    flow: {
      informed: { share: 0 },
      sizes: { marketMean: 6, marketTail: 2, sweepProbability: 0.2 },
    },
  }, { seconds: 1_200, seed: 3 });
  const fit = fitMarketSizes(recs);
  assert.ok(fit.converged);
  within(fit.marketMean.value, fit.marketMean.se, 6);
  within(fit.marketTail.value, fit.marketTail.se, 2);
  within(fit.sweepProbability.value, fit.sweepProbability.se, 0.2);
  assert.equal(fit.law, "lomax");
  // the likelihood prefers the law that made the sizes
  assert.equal(fitMarketSizes(recs, "auto").law, "lomax");
});

Deno.test("size fit: the touch-capped log-normal model is recovered from its own market orders, and chosen over the Lomax", () => {
  const recs = simulateRecords({
    duration: 600,
    regimes: ONE_REGIME,
    flow: {
      informed: { share: 0 },
      sizes: { law: "lognormal", marketMean: 12, marketLogSd: 1.3, sweepProbability: 0.2 },
    },
  }, { seconds: 1_200, seed: 3 });
  const fit = fitMarketSizes(recs, "lognormal");
  assert.ok(fit.converged);
  assert.equal(fit.law, "lognormal");
  within(fit.marketMean.value, fit.marketMean.se, 12);
  within(fit.marketLogSd!.value, fit.marketLogSd!.se, 1.3);
  within(fit.sweepProbability.value, fit.sweepProbability.se, 0.2);
  const auto = fitMarketSizes(recs, "auto");
  assert.equal(auto.law, "lognormal");
  assert.ok(auto.logLikelihoods.lognormal! > auto.logLikelihoods.lomax!);
  assert.equal(auto.marketMean.value, fit.marketMean.value);
});

Deno.test("size fit: a two-population size law (a log-normal mixture) is recovered and chosen by AIC", () => {
  const components = [
    { weight: 0.3, median: 2, logSd: 0.5 },
    { weight: 0.7, median: 40, logSd: 1.2 },
  ];
  const recs = simulateRecords({
    duration: 600,
    regimes: ONE_REGIME,
    flow: {
      informed: { share: 0 },
      sizes: { law: "lognormal-mix", components, marketMean: 80, sweepProbability: 0.2 },
    },
  }, { seconds: 2_400, seed: 5 });
  const fit = fitMarketSizes(recs, "auto");
  assert.equal(fit.law, "lognormal-mix");
  assert.ok(fit.logLikelihoods["lognormal-mix"]! > fit.logLikelihoods.lognormal! + 6);
  const [a, b] = fit.components!;
  within(a.weight.value, a.weight.se, 0.3);
  within(a.median.value, a.median.se, 2);
  within(b.median.value, b.median.se, 40);
  within(b.logSd.value, b.logSd.se, 1.2);
  within(fit.sweepProbability.value, fit.sweepProbability.se, 0.2);
});

/** The fuzz tests' kinds of order sizes (lots), from one uniform `u`. */
const FUZZ_SIZES = [
  "ones",
  "one size",
  "six decades",
  "below a lot",
  "huge",
  "round lots",
] as const;
function fuzzSize(kind: typeof FUZZ_SIZES[number], u: number): number {
  if (kind === "ones") return 1;
  if (kind === "one size") return 7;
  if (kind === "below a lot") return 0.001 + u / 2;
  if (kind === "huge") return 1e7 * (1 + u);
  if (kind === "six decades") return Math.exp(u * 14 - 2);
  return u < 0.4 ? 100 : u < 0.5 ? 200 : Math.exp(u * 8); // round lots beside a body
}

Deno.test("size fit given the fast traders: the background's law is recovered from a tape where snipers pile up at their cap; without it the law takes them for background flow", () => {
  // the shipped BTCUSDT market with a light-tailed background (mean 8 lots, tail 3) and the
  // snipers' and informed traders' orders capped at 20 lots
  const c = JSON.parse(
    Deno.readTextFileSync(new URL("../../data/presets/btcusdt.json", import.meta.url)),
  ).config;
  const market = {
    ...c,
    duration: 300,
    regimes: ONE_REGIME,
    flow: {
      ...c.flow,
      sizes: { ...c.flow.sizes, marketMean: 8, marketTail: 3, marketMax: 1_000 },
      snipers: { ...c.flow.snipers, maxLots: 20 },
      informed: { ...c.flow.informed, maxLots: 20 },
    },
  };
  const tape = simulateRecords(market, { seconds: 600, seed: 3 });
  // the fast component from another simulation of the same market
  const fast = simulateFastOrders(market, { seconds: 600, seed: 4 });
  assert.ok(fast.share > 0.1, `fast share ${fast.share}`);
  const plain = fitMarketSizes(tape);
  const given = fitMarketSizes(tape, "lomax", fast);
  // every order fitted as background: the mean well above 8 (by many standard errors)
  assert.ok(plain.marketMean.value > 8 + 10 * plain.marketMean.se, `${plain.marketMean.value}`);
  // given the fast traders' orders: the background's mean and tail (the sweep probability
  // is not identified on a book this deep, so no standard errors: relative bounds)
  assert.ok(Math.abs(given.marketMean.value / 8 - 1) < 0.05, `${given.marketMean.value}`);
  assert.ok(Math.abs(given.marketTail.value / 3 - 1) < 0.1, `${given.marketTail.value}`);
  assert.equal(given.orders, plain.orders);
  // no fast orders: the plain fit
  const none = fitMarketSizes(tape, "lomax", { share: 0, sizes: [] });
  assert.equal(none.marketMean.value, plain.marketMean.value);
});

Deno.test("size fit (fuzz): any market orders give every law a configuration the model accepts", () => {
  const laws = ["lomax", "lognormal", "lognormal-mix", "auto"] as const;
  fc.assert(
    fc.property(
      fc.integer({ min: 50, max: 300 }),
      fc.constantFrom(...FUZZ_SIZES),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 1, max: 1e9 }),
      (n, kind, capped, seed) => {
        const rng = new Rng(seed);
        const rec = recordOfSigns(new Array(n).fill(1));
        for (let i = 0; i < n; i++) {
          const u = rng.next();
          const v = fuzzSize(kind, u);
          rec.moQty[i] = v;
          // the touch: exactly the order (censored), deeper, or unknown; some walked the book
          rec.moDepth[i] = rng.next() < 0.1 ? NaN : rng.next() < capped ? v : v * (1 + 3 * u);
          rec.moLevels[i] = rng.next() < 0.1 ? 2 : 1;
        }
        for (const law of laws) {
          const f = fitMarketSizes([rec], law);
          const cfg = {
            ...(f.law === "lomax" ? {} : { law: f.law }),
            marketMean: sig(f.marketMean.value),
            marketTail: sig(f.marketTail.value),
            ...(f.marketLogSd ? { marketLogSd: sig(f.marketLogSd.value) } : {}),
            ...(f.components
              ? {
                components: f.components.map((c) => ({
                  weight: sig(c.weight.value),
                  median: sig(c.median.value),
                  logSd: sig(c.logSd.value),
                })),
              }
              : {}),
            sweepProbability: sig(f.sweepProbability.value),
            marketMax: f.marketMax,
          };
          const r = orderSizeConfigSchema.safeParse(cfg);
          assert.ok(r.success, `${kind}, ${law}: ${JSON.stringify(cfg)} ${r.error?.message}`);
          assert.ok(Number.isFinite(f.logLikelihood), `${kind}, ${law}`);
        }
      },
    ),
    { numRuns: 25, seed: 7 },
  );
});

function recordOfSigns(signs: number[]): MarketRecord {
  const n = signs.length;
  const z = new Float64Array(0);
  return {
    source: "signs",
    segments: [[0, n]],
    quoteInterval: 0,
    moTime: Float64Array.from({ length: n }, (_, i) => i),
    moSign: Float64Array.from(signs),
    moQty: new Float64Array(n).fill(1),
    moDepth: new Float64Array(n).fill(1),
    moLevels: new Float64Array(n).fill(1),
    moPrice: new Float64Array(n).fill(NaN),
    fillTime: z,
    fillPrice: z,
    fillQty: z,
    fillSide: z,
    fillAtTouch: z,
    qTime: z,
    bid: z,
    ask: z,
    bidQty: z,
    askQty: z,
  };
}

Deno.test("sign fit: the metaorder model's tail is recovered from its own signs", () => {
  const cfg = tradeSignConfigSchema.parse({ metaorders: 4, lengthTail: 1.6, minLength: 2 });
  const model = new MetaorderSigns(cfg);
  const rng = new Rng("signs");
  model.reset(rng);
  const signs = Array.from({ length: 200_000 }, () => model.next(rng));
  const data = signAutocorrelation([recordOfSigns(signs)]);
  const fit = fitSigns(data);
  const [lo, hi] = fit.metaorders.ci!;
  assert.ok(lo <= 4 && 4 <= hi, `N in [${lo}, ${hi}]`);
  assert.equal(fit.metaorders.value, 4);
  assert.equal(fit.kind, "metaorders");
  assert.ok(fit.choice.iid > fit.choice.metaorders + 8, JSON.stringify(fit.choice));
  within(fit.lengthTail.value, fit.lengthTail.se, 1.6);
  within(fit.minLength.value, fit.minLength.se, 2);
  // the fitted curve follows the data within their sampling error
  fit.modelC.forEach((c, i) => assert.ok(Math.abs(c - data.c[i]) < 4 * data.se[i] + 0.01));
  assert.throws(() => signAutocorrelation([recordOfSigns([1, -1, 1])]), InsufficientDataError);
});

Deno.test("sign fit: independent signs are chosen over the metaorder model where the tape has no sign memory", () => {
  let iid = 0;
  for (let r = 0; r < 2; r++) {
    const rng = new Rng(`iid-signs-${r}`);
    const signs = Array.from({ length: 20_000 }, () => (rng.next() < 0.5 ? -1 : 1));
    const fit = fitSigns(signAutocorrelation([recordOfSigns(signs)]));
    // the metaorder model's memory cannot go below N = 24 metaorders' (C(1) ≈ 0.02)
    assert.ok(fit.modelC[0] > 0.01, `${fit.modelC[0]}`);
    if (fit.kind === "iid") iid++;
    assert.equal(fit.kind === "iid", fit.choice.iid <= fit.choice.metaorders + 8);
  }
  assert.equal(iid, 2);
  // a weak memory that is there (C(1) = 0.1, 20,000 orders) keeps the metaorder model
  const cfg = tradeSignConfigSchema.parse({ metaorders: 10, lengthTail: 2, minLength: 1 });
  const model = new MetaorderSigns(cfg);
  const rng = new Rng("weak-memory");
  model.reset(rng);
  const weak = Array.from({ length: 20_000 }, () => model.next(rng));
  assert.equal(fitSigns(signAutocorrelation([recordOfSigns(weak)])).kind, "metaorders");
});

Deno.test("sign fit: the persistence of order splitting is recovered from its own signs", () => {
  const cfg = tradeSignConfigSchema.parse({
    metaorders: 3,
    lengthTail: 2,
    minLength: 3,
    persistence: 0.5,
  });
  const model = new MetaorderSigns(cfg);
  const rng = new Rng("signs-persistent");
  model.reset(rng);
  const signs = Array.from({ length: 200_000 }, () => model.next(rng));
  const data = signAutocorrelation([recordOfSigns(signs)]);
  assert.ok(data.c[0] > 0.5); // above what N ≥ 2 metaorders without persistence can give
  const fit = fitSigns(data);
  const [lo, hi] = fit.metaorders.ci!;
  assert.ok(lo <= 3 && 3 <= hi, `N in [${lo}, ${hi}]`);
  assert.ok(fit.persistence.se > 0 && fit.persistence.se < 0.1, `se ${fit.persistence.se}`);
  within(fit.persistence.value, fit.persistence.se, 0.5);
  fit.modelC.forEach((c, i) => assert.ok(Math.abs(c - data.c[i]) < 4 * data.se[i] + 0.01));
});

Deno.test("sign fit: a memory shorter than any metaorder tail reports the tail at its boundary, no error", () => {
  // geometric C(ℓ) = 0.6^ℓ: no power-law tail; the best tail exponent is the search's bound 10,
  // where a finite-difference step past the bound used to fail the model's validation
  const lags = [1, 2, 3, 5, 10, 20, 50, 100];
  const fit = fitSigns({
    lags,
    c: lags.map((l) => 0.6 ** l),
    se: lags.map(() => 0.01),
    orders: 5000,
  });
  assert.ok(fit.lengthTail.value > 9.99 && fit.lengthTail.value <= 10, `${fit.lengthTail.value}`);
  assert.ok(Number.isNaN(fit.lengthTail.se));
  assert.equal(fit.lengthTail.note, "at the boundary 10");
  assert.ok(Number.isFinite(fit.persistence.value));
});

function eventsOf(limits: number[], qty?: number[]): TapeEvents {
  const n = limits.length;
  return {
    orderLevel: true,
    span: [0, 1000],
    limits: {
      time: Float64Array.from({ length: n }, (_, i) => i),
      side: new Float64Array(n),
      distance: Float64Array.from(limits),
      qty: qty === undefined ? new Float64Array(n).fill(2) : Float64Array.from(qty),
    },
    cancels: {
      time: new Float64Array(0),
      side: new Float64Array(0),
      distance: new Float64Array(0),
      qty: new Float64Array(0),
    },
    queue: null,
    volume: null,
    depthLevels: 0,
  };
}

Deno.test("placement fit: the power-law exponent is recovered; a level-1 tape does not identify it", () => {
  const place = new PowerLawPlacement(placementConfigSchema.parse({ alpha: 1.7, maxDistance: 40 }));
  const rng = new Rng("place");
  const d = Array.from({ length: 5_000 }, () => place.distance(rng));
  const fit = fitPlacement(eventsOf(d), { alpha: 1, maxDistance: 40 });
  within(fit.alpha.value, fit.alpha.se, 1.7);
  assert.equal(fit.alpha.status, "fit");
  assert.equal(fit.limitMean.value, 2);
  const level1 = fitPlacement({ ...eventsOf(d), depthLevels: 1 }, { alpha: 1, maxDistance: 40 });
  assert.equal(level1.alpha.status, "not identified");
  assert.equal(level1.alpha.value, 1); // the library default, said so
});

Deno.test("placement fit: a touch atom and a wider range are recovered; neither on a level-1 tape", () => {
  const place = new PowerLawPlacement(
    placementConfigSchema.parse({ alpha: 0.9, maxDistance: 500, touchShare: 0.3 }),
  );
  const rng = new Rng("atom fit");
  // beyond the range too: those are left out of the fit
  const d = Array.from({ length: 8_000 }, () => place.distance(rng)).concat([600, 900, 5_000]);
  const fit = fitPlacement(eventsOf(d), { alpha: 1, maxDistance: 40 }, {
    maxDistance: 500,
    touchAtom: true,
  });
  within(fit.alpha.value, fit.alpha.se, 0.9);
  within(fit.touchAtom!.value, fit.touchAtom!.se, 0.3);
  assert.equal(fit.touchShare, fit.touchAtom!.value);
  assert.equal(fit.maxDistance.value, 500);
  assert.equal(fit.events, 8_000);
  assert.equal(fit.rate.value, 8_000 / 1_000);
  // one power law from the touch fits the same orders worse: its exponent is biased
  const plain = fitPlacement(eventsOf(d), { alpha: 1, maxDistance: 40 }, { maxDistance: 500 });
  assert.equal(plain.touchAtom, undefined);
  assert.ok(Math.abs(plain.alpha.value - 0.9) > 5 * plain.alpha.se);
  const level1 = fitPlacement({ ...eventsOf(d), depthLevels: 1 }, { alpha: 1, maxDistance: 40 }, {
    touchAtom: true,
  });
  assert.equal(level1.touchAtom, undefined);
  assert.equal(level1.alpha.status, "not identified");
});

Deno.test("cancellation fit: queue-position and depletion hazards are recovered by maximum likelihood", () => {
  // orders that sit at a fixed share ahead x and level size Q, cancelled at h = r(1 + a x)(1 + d e^(−Q/v)), censored at 20 s
  const r = 0.2, a = 1.5, dep = 2, v = 2;
  const rng = new Rng("cancel");
  const ahead: number[] = [], levelQty: number[] = [];
  const byQ = new Map<number, [number, number]>();
  let exposure = 0, exposureX = 0;
  for (let i = 0; i < 20_000; i++) {
    const x = rng.next();
    const Q = 1 + rng.int(8);
    const h = r * (1 + a * x) * (1 + dep * Math.exp(-Q / v));
    const life = rng.exponential(h);
    const t = Math.min(life, 20);
    if (life < 20) {
      ahead.push(x);
      levelQty.push(Q);
    }
    exposure += t;
    exposureX += x * t;
    const slot = byQ.get(Q) ?? [0, 0];
    slot[0] += t;
    slot[1] += x * t;
    byQ.set(Q, slot);
  }
  const keys = [...byQ.keys()].sort((p, q) => p - q);
  const ev: TapeEvents = {
    ...eventsOf([0]),
    queue: {
      ahead: Float64Array.from(ahead),
      levelQty: Float64Array.from(levelQty),
      exposure,
      exposureX,
      byLevel: {
        qty: Float64Array.from(keys),
        exposure: Float64Array.from(keys, (k) => byQ.get(k)![0]),
        exposureX: Float64Array.from(keys, (k) => byQ.get(k)![1]),
      },
    },
  };
  const fit = fitCancellation(ev, v, { rate: 0.15, queuePosition: 1, depletion: 2 });
  within(fit.rate.value, fit.rate.se, r);
  within(fit.queuePosition.value, fit.queuePosition.se, a);
  within(fit.depletion.value, fit.depletion.se, dep);
});

Deno.test("volatility fit: the book tier's configured volatility, within its standard error", () => {
  const recs = simulateRecords({ duration: 1_200, regimes: ONE_REGIME, volatility: 0.03 }, {
    seconds: 3_600,
    seed: 8,
  });
  const fit = fitVolatility(recs, 0.01);
  within(fit.volatility.value, fit.volatility.se, 0.03, 3);
});

/** A record whose mid moves by `fast`·θ or θ times each order's sign right after it. */
function paceRecord(seed: string, fastRatio: number): MarketRecord {
  const rng = new Rng(seed);
  const n = 4_000;
  const moTime = new Float64Array(n), moSign = new Float64Array(n);
  const qTime = new Float64Array(n + 1), mid = new Float64Array(n + 1);
  let t = 1, m = 10_000;
  qTime[0] = 0;
  mid[0] = m;
  for (let i = 0; i < n; i++) {
    const fast = i > 0 && rng.next() < 0.4;
    t += fast ? 0.002 : 0.05 + rng.exponential(1);
    moTime[i] = t;
    moSign[i] = rng.next() < 0.5 ? 1 : -1;
    m += 3 * moSign[i] * (fast ? fastRatio : 1) + 2 * rng.normal();
    qTime[i + 1] = t;
    mid[i + 1] = m;
  }
  const empty = new Float64Array(0);
  return {
    source: "synthetic",
    segments: [[0, t + 1]],
    quoteInterval: 0,
    moTime,
    moSign,
    moQty: new Float64Array(n).fill(1),
    moDepth: new Float64Array(n).fill(NaN),
    moLevels: new Float64Array(n).fill(1),
    moPrice: new Float64Array(n).fill(NaN),
    fillTime: empty,
    fillPrice: empty,
    fillQty: empty,
    fillSide: empty,
    fillAtTouch: empty,
    qTime,
    bid: mid.map((x) => x - 0.5),
    ask: mid.map((x) => x + 0.5),
    bidQty: new Float64Array(n + 1).fill(1),
    askQty: new Float64Array(n + 1).fill(1),
  };
}

Deno.test("pace fit: the impact ratio of orders soon after the previous one, its window and share are recovered; a flat impact is not identified", () => {
  const fit = fitPace([paceRecord("pace", 5)], new Float64Array(0), 0);
  // gaps are 2 ms or over 50 ms: every window in between separates them
  assert.ok(fit.window.value >= 0.005 && fit.window.value <= 0.05, `${fit.window.value}`);
  within(fit.ratio.value, fit.ratio.se, 5);
  assert.ok(fit.ratio.se < 1);
  within(fit.share.value, fit.share.se, 0.4);
  assert.equal(fit.ratio.status, "fit");
  const flat = fitPace([paceRecord("flat", 1)], new Float64Array(0), 0);
  assert.equal(flat.window.value, 0);
  assert.equal(flat.ratio.status, "not identified");
  assert.match(flat.ratio.method, /does not depend on the time since the previous order/);
  // on a 10-ms clock only windows above 15 ms are considered
  const coarse = fitPace([paceRecord("pace", 5)], new Float64Array(0), 0.01);
  assert.ok(coarse.window.value >= 0.02, `${coarse.window.value}`);
});

Deno.test("limit-size fit: a round lot beside a log-normal body is recovered from the size model's own limit orders; a level-based tape does not identify it", () => {
  const truth = [
    { weight: 0.45, median: 100, logSd: 1e-4 },
    { weight: 0.55, median: 24, logSd: 1.5 },
  ];
  const sizes = new TouchRelativeSizes(orderSizeConfigSchema.parse({ limitComponents: truth }));
  const rng = new Rng("limit sizes");
  const n = 20_000;
  const qty = Array.from({ length: n }, () => sizes.limitSize(rng));
  const fit = fitLimitSizes(eventsOf(new Array(n).fill(0), qty), 40);
  const [body, lot] = fit.components; // by increasing median
  within(lot.weight.value, lot.weight.se, 0.45);
  assert.ok(Math.abs(lot.median.value - 100) < 0.5, `${lot.median.value}`);
  assert.ok(lot.logSd.value < 0.005, `${lot.logSd.value}`); // a point mass, as the truth's
  within(body.median.value, body.median.se, 24);
  within(body.logSd.value, body.logSd.se, 1.5);
  const mean = qty.reduce((a, b) => a + b, 0) / n;
  within(fit.limitMean.value, fit.limitMean.se, mean, 4);
  assert.ok(fit.logLikelihood > fit.poissonLogLikelihood);
  assert.equal(fit.orders, n);
  // orders beyond the modelled distances are left out, as the placement fit leaves them
  const far = fitLimitSizes(eventsOf([...new Array(n).fill(0), 50, 60], [...qty, 7, 7]), 40);
  assert.equal(far.orders, n);
  assert.throws(
    () => fitLimitSizes({ ...eventsOf(new Array(n).fill(0), qty), orderLevel: false }, 40),
    (e: unknown) => e instanceof InsufficientDataError && /order-level/.test(e.message),
  );
  assert.throws(
    () => fitLimitSizes(eventsOf([0, 0, 0], [1, 2, 3]), 40),
    (e: unknown) =>
      e instanceof InsufficientDataError && /at least 50 limit orders/.test(e.message),
  );
});

Deno.test("limit-size fit: round lots of 100 and 200 beside a body are three components by AIC, each spike a point mass with a weight's error and no median's", () => {
  const truth = [
    { weight: 0.4, median: 30, logSd: 1.2 },
    { weight: 0.45, median: 100, logSd: 1e-4 },
    { weight: 0.15, median: 200, logSd: 1e-4 },
  ];
  const sizes = new TouchRelativeSizes(orderSizeConfigSchema.parse({ limitComponents: truth }));
  const rng = new Rng("round lots");
  const n = 20_000;
  const qty = Array.from({ length: n }, () => sizes.limitSize(rng));
  const fit = fitLimitSizes(eventsOf(new Array(n).fill(0), qty), 40);
  assert.equal(fit.components.length, 3, JSON.stringify(fit.components.map((c) => c.median.value)));
  assert.match(fit.limitMean.method, /3 components by AIC/);
  const [body, hundred, twoHundred] = fit.components; // by increasing median
  within(body.median.value, body.median.se, 30);
  within(body.logSd.value, body.logSd.se, 1.2);
  for (const [c, w, at] of [[hundred, 0.45, 100], [twoHundred, 0.15, 200]] as const) {
    within(c.weight.value, c.weight.se, w);
    assert.ok(c.weight.se > 0 && c.weight.se < 0.01, `${c.weight.se}`);
    assert.ok(Math.abs(c.median.value - at) < 0.5, `${c.median.value}`);
    assert.ok(Number.isNaN(c.median.se) && Number.isNaN(c.logSd.se));
    assert.match(c.median.note ?? "", new RegExp(`a point mass at ${at} lots`));
  }
  const mean = qty.reduce((a, b) => a + b, 0) / n;
  within(fit.limitMean.value, fit.limitMean.se, mean, 4);
});

Deno.test("size fit: market orders of round lots (100 and 200 lots) and a body are three components by AIC, each recovered", () => {
  const components = [
    { weight: 0.5, median: 30, logSd: 1 },
    { weight: 0.35, median: 100, logSd: 1e-4 },
    { weight: 0.15, median: 200, logSd: 1e-4 },
  ];
  const recs = simulateRecords({
    duration: 600,
    regimes: ONE_REGIME,
    flow: {
      informed: { share: 0 },
      snipers: { rate: 0 },
      sizes: { law: "lognormal-mix", components, marketMean: 70, sweepProbability: 0.2 },
    },
  }, { seconds: 2_400, seed: 5 });
  const fit = fitMarketSizes(recs, "lognormal-mix");
  assert.equal(
    fit.components!.length,
    3,
    JSON.stringify(fit.components!.map((c) => c.median.value)),
  );
  const [body, hundred, twoHundred] = fit.components!;
  within(body.median.value, body.median.se, 30);
  assert.ok(
    Math.abs(hundred.median.value - 100) < 0.5 && Math.abs(twoHundred.median.value - 200) < 0.5,
  );
  within(hundred.weight.value, hundred.weight.se, 0.35);
  within(twoHundred.weight.value, twoHundred.weight.se, 0.15);
  within(fit.sweepProbability.value, fit.sweepProbability.se, 0.2);
  assert.ok(Number.isFinite(fit.marketMean.se) && fit.marketMean.se > 0);
});

Deno.test("limit-size fit (fuzz): any limit orders give a mixture the model accepts", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 50, max: 400 }),
      fc.constantFrom(...FUZZ_SIZES),
      fc.integer({ min: 1, max: 1e9 }),
      (n, kind, seed) => {
        const rng = new Rng(seed);
        const qty = Array.from({ length: n }, () => fuzzSize(kind, rng.next()));
        const f = fitLimitSizes(eventsOf(new Array(n).fill(0), qty), 40);
        const cfg = {
          limitMean: sig(f.limitMean.value),
          limitComponents: f.components.map((c) => ({
            weight: sig(c.weight.value),
            median: sig(c.median.value),
            logSd: sig(c.logSd.value),
          })),
        };
        const r = orderSizeConfigSchema.safeParse(cfg);
        assert.ok(r.success, `${kind}: ${JSON.stringify(cfg)} ${r.error?.message}`);
        assert.ok(Number.isFinite(f.logLikelihood), kind);
        assert.equal(f.orders, n);
      },
    ),
    { numRuns: 30, seed: 11 },
  );
});
