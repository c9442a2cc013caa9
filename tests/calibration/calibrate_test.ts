import assert from "node:assert/strict";
import {
  calibrateTapes,
  calibrateTapesOn,
  type Calibration,
  startsKey,
} from "../../lib/calibration/calibrate.ts";
import { LUMP_SEARCH_FACTORS } from "../../lib/calibration/fit_lump.ts";
import { InsufficientDataError } from "../../lib/calibration/errors.ts";
import { ValidationError } from "../../lib/errors.ts";
import { BinanceParser } from "../../lib/data/binance.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { presetSchema, resolveMarket } from "../../lib/env/markets.ts";
import { sig } from "../../lib/calibration/estimate.ts";
import { runRealism } from "../../lib/calibration/realism.ts";
import { REALISM_SELECT_SEED, realismCriterion } from "../../lib/calibration/select_starts.ts";
import { simulatedTape as simTape } from "../../lib/calibration/sim_tape.ts";
import type { EnvConfigInput } from "../../lib/env/config.ts";
import type { Tape } from "../../lib/data/tape.ts";
import { ZI_TRUTH, ziLobsterTape } from "./_zi_lobster.ts";
import { fitTouchFlow, touchCountsOf } from "../../lib/calibration/fit_touch.ts";
import { openProgressStore, progressFingerprint } from "../../lib/progress_store.ts";
import { encodeValue } from "../../lib/codec.ts";

const within = (est: number, se: number, truth: number, k = 3) =>
  assert.ok(Math.abs(est - truth) <= k * se, `${est} ± ${se} vs ${truth}`);

const TRUTH = {
  regimes: { names: ["one"], volMultipliers: [1], flowMultipliers: [1], rates: [[0]], initial: 0 },
  volatility: 0.025,
  flow: {
    informed: { share: 0 },
    arrivals: {
      marketRate: 1.5,
      alpha: [[0.4, 0, 0], [2, 0, 0], [2, 0, 0]],
      beta: [[6, 6, 6], [6, 6, 6], [6, 6, 6]],
    },
    sizes: { marketMean: 4, marketTail: 2, sweepProbability: 0.1 },
    placement: { alpha: 1.2 },
  },
};

// A simulated recording (an L2 feed written as a CSV tape, 100-ms book updates) whose
// quantities are the market's lots (calibrated with a lot of 1)
const simulatedTape = (config: EnvConfigInput, seconds: number, seed: number) =>
  simTape(config, { seconds, seed, quantities: "lots" });

// One simulated recording, shared.
const tape = simulatedTape(TRUTH, 900, 3);

/** The AMZN day and its calibration without options, stage 1 only (shared by the options' tests). */
let plainAmznMemo: { amzn: Tape; plain: ReturnType<typeof calibrateTapes> } | undefined;
async function plainAmzn(): Promise<{ amzn: Tape; plain: ReturnType<typeof calibrateTapes> }> {
  if (plainAmznMemo === undefined) {
    const { loadTapeSync } = await import("../../lib/data/load.ts");
    const amzn = loadTapeSync("data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv");
    plainAmznMemo = { amzn, plain: calibrateTapes([amzn], { refine: false, information: false }) };
  }
  return plainAmznMemo;
}

/** A preset's config without one of its flow models (to compare the rest of two calibrations). */
function withoutFlow(c: Record<string, unknown>, model: string): Record<string, unknown> {
  const flow = { ...(c.flow as Record<string, unknown>) };
  delete flow[model];
  return { ...c, flow };
}

Deno.test("calibrate: a simulated L2 recording gives back the parameters it was simulated with", () => {
  const cal = calibrateTapes([tape], { lotSize: 1, refine: false, name: "sim" });
  const e = cal.estimates;
  within(e["flow.arrivals.marketRate"].value, e["flow.arrivals.marketRate"].se, 1.5);
  within(e["flow.arrivals.alpha.0.0"].value, e["flow.arrivals.alpha.0.0"].se, 0.4);
  within(e["flow.arrivals.beta.0"].value, e["flow.arrivals.beta.0"].se, 6);
  within(e["flow.sizes.marketMean"].value, e["flow.sizes.marketMean"].se, 4);
  within(e["flow.sizes.marketTail"].value, e["flow.sizes.marketTail"].se, 2);
  // from 100-ms level changes, measured from the touch rather than the reference price and
  // with several orders per change, the placement exponent is only roughly recovered
  assert.ok(
    Math.abs(e["flow.placement.alpha"].value - 1.2) < 0.4,
    `${e["flow.placement.alpha"].value}`,
  );
  within(e["volatility"].value, e["volatility"].se, 0.025);
  // a batched feed does not identify sub-batch cross-excitation: said, not invented
  assert.equal(e["flow.arrivals.crossExcitation"].status, "not identified");
  assert.equal(e["latency.marketData"].status, "not identified"); // one clock
  // the preset validates, carries its provenance, and every estimate says how it was obtained
  presetSchema.parse(cal.preset);
  const cfg = parseEnvConfig(cal.preset.config);
  assert.equal(cfg.tickSize, 0.01);
  assert.equal(cfg.flow.arrivals.kind, "hawkes");
  // the model choices keep what the truth has: sign memory (4 metaorders), self-excitation
  assert.equal(cfg.flow.signs.kind, "metaorders");
  assert.ok(cfg.flow.arrivals.kind === "hawkes" && cfg.flow.arrivals.alpha[0][0] > 0);
  const prov = cal.preset.provenance as Record<string, unknown>;
  assert.ok(
    Array.isArray(prov.notIdentified) &&
      (prov.notIdentified as string[]).includes("flow.informed.share"),
  );
  for (const v of Object.values(e)) {
    assert.ok(["fit", "moment-matched", "derived", "not identified"].includes(v.status));
  }
});

Deno.test("calibrate: a recording without sign memory or clustering gets the fair coin and Poisson market orders", () => {
  // the same market with independent signs and Poisson market orders: the metaorder model's
  // smallest memory and a Hawkes kernel would both be more than the tape shows
  const zi = simulatedTape(
    {
      ...TRUTH,
      flow: {
        ...TRUTH.flow,
        signs: { kind: "iid" },
        arrivals: { ...TRUTH.flow.arrivals, alpha: [[0, 0, 0], [0, 0, 0], [0, 0, 0]] },
      },
    },
    900,
    3,
  );
  const cal = calibrateTapes([zi], { lotSize: 1, refine: false, name: "zi" });
  const cfg = parseEnvConfig(cal.preset.config);
  assert.equal(cfg.flow.signs.kind, "iid");
  const e = cal.estimates;
  assert.equal(e["flow.signs.metaorders"].status, "not identified");
  assert.match(e["flow.signs.metaorders"].method, /independent signs chosen/);
  assert.ok(cfg.flow.arrivals.kind === "hawkes" && cfg.flow.arrivals.alpha[0][0] === 0);
  assert.equal(cfg.flow.arrivals.extraKernels, undefined);
  assert.match(e["flow.arrivals.alpha.0.0"].method, /^Poisson market orders/);
  within(e["flow.arrivals.marketRate"].value, e["flow.arrivals.marketRate"].se, 1.5);
  const quality = (cal.preset.provenance as {
    fitQuality: {
      signs: { chosen: string; choice: { iid: number; metaorders: number } };
      hawkes: { marketKernel: { chosenComponents: number; poisson: { aic: number } } };
    };
  }).fitQuality;
  assert.equal(quality.signs.chosen, "iid");
  assert.ok(quality.signs.choice.iid <= quality.signs.choice.metaorders + 8);
  assert.equal(quality.hawkes.marketKernel.chosenComponents, 0);
});

Deno.test("calibrate: a zero-intelligence LOBSTER tape (order by order) gets Poisson market orders, independent signs and its order rate back", () => {
  // the three-kind (market, limit, cancel) path: the market orders' own kernel loses to the
  // Poisson process, the excitation of limit orders and cancellations by them is kept
  const cal = calibrateTapes([ziLobsterTape(5, 1_800)], { refine: false, name: "zi-l3" });
  const cfg = parseEnvConfig(cal.preset.config);
  assert.equal(cfg.flow.signs.kind, "iid");
  assert.ok(cfg.flow.arrivals.kind === "hawkes" && cfg.flow.arrivals.alpha[0][0] === 0);
  const e = cal.estimates;
  within(
    e["flow.arrivals.marketRate"].value,
    e["flow.arrivals.marketRate"].se,
    2 * ZI_TRUTH.market,
  );
  // no queue-position effect in the truth: at the boundary 0 or within 3 standard errors of it
  const qp = e["flow.cancellation.queuePosition"];
  assert.ok(qp.value < 1e-6 || Math.abs(qp.value) <= 3 * qp.se, `${qp.value} ± ${qp.se}`);
});

Deno.test("calibrate: two days of a market (tapes that share clock times) fit their arrivals day by day", () => {
  // each tape's events belong to its own segments: the same quarter hour given twice, as two days
  // recorded at the same hours are, fits as one quarter hour does (the likelihood doubles); the
  // events of the second day once landed on the first day's times, and the fit broke down
  const zi = ziLobsterTape(5, 900);
  const hawkes = (cal: ReturnType<typeof calibrateTapes>) =>
    (cal.preset.provenance as unknown as {
      fitQuality: { hawkes: { logLikelihood: number; converged: boolean } };
    }).fitQuality.hawkes;
  const one = calibrateTapes([zi], { refine: false, name: "one" });
  const two = calibrateTapes([zi, zi], { refine: false, name: "two" });
  assert.ok(hawkes(two).converged);
  assert.ok(
    !two.warnings.some((w) => /did not converge|not positive definite/.test(w)),
    two.warnings.join("; "),
  );
  const l1 = hawkes(one).logLikelihood, l2 = hawkes(two).logLikelihood;
  assert.ok(
    l2 >= 2 * l1 - 1e-3 * Math.abs(l1) && l2 <= 2 * l1 + 1e-3 * Math.abs(l1),
    `${l2} vs 2 × ${l1}`,
  );
  const rate = (c: typeof one) => c.estimates["flow.arrivals.marketRate"];
  within(rate(two).value, 3 * rate(one).se, rate(one).value);
});

Deno.test("calibrate: moment matching adjusts its knobs and records every iteration", () => {
  const cal = calibrateTapes([tape], {
    lotSize: 1,
    refineIterations: 2,
    refineSeconds: 600,
    informationSimulations: 4,
    name: "sim",
  });
  const fq = (cal.preset.provenance as {
    fitQuality: { momentMatching: unknown[]; information: { simulations: number } };
  }).fitQuality;
  assert.ok(fq.momentMatching.length >= 2);
  // the information's simulated-moments fit: its search, the start on 4 more seeds (the
  // objective's noise), then G by central differences
  assert.equal(fq.information.simulations, 4 + 4 + 2 * 5);
  assert.ok(Number.isFinite(cal.estimates["flow.snipers.rate"].value));
  assert.equal(cal.estimates["volatility"].status, "moment-matched");
  assert.match(cal.estimates["volatility"].method, /direct value/);
  // every matched knob with the method of simulated moments' standard error, or the reason
  // it has none
  const matched = Object.values(cal.estimates).filter((e) => e.status === "moment-matched");
  assert.ok(matched.length >= 4);
  for (const e of matched) {
    assert.ok(
      (e.se > 0 && /method of simulated moments/.test(e.method)) ||
        (Number.isNaN(e.se) && /no standard error: /.test(e.method)),
      e.method,
    );
  }
  // the forecast weight κ after each information round: in the preset, with its fit's record
  const k = cal.estimates["flow.fundamental.forecastWeight"];
  assert.ok(k.value >= 0 && k.value <= 1 && /indirect inference/.test(k.method));
  const cfg = parseEnvConfig(cal.preset.config);
  assert.equal(cfg.flow.fundamental.forecastWeight, k.value);
  assert.ok((fq as Record<string, unknown>).forecast !== undefined);
});

Deno.test("calibrate: a window too short to fit and a tape without trades are named errors; a fit that does not converge is a warning", () => {
  const t0 = tape.columns.ts[tape.meta.bookStart] / 1e9;
  assert.throws(
    () => calibrateTapes([tape], { lotSize: 1, refine: false, from: t0, to: t0 + 40 }),
    (err: unknown) => err instanceof InsufficientDataError && /too short/.test(err.message),
  );
  // a feed recorded without its trade stream: the error says what is missing
  const quotesOnly = new BinanceParser("depth-only.gz");
  const T = 1_723_161_253_000;
  quotesOnly.push(
    `${T}000000 {"lastUpdateId":1,"bids":[["100.00","1"]],"asks":[["100.01","1"]]}`,
    1,
  );
  for (let i = 1; i <= 1_200; i++) {
    const data = {
      e: "depthUpdate",
      E: T + 100 * i,
      s: "X",
      U: i + 1,
      u: i + 1,
      b: [["100.00", `${1 + (i % 7)}`]],
      a: [],
    };
    quotesOnly.push(
      `${T + 100 * i}000000 ${JSON.stringify({ stream: "x@depth@100ms", data })}`,
      i + 1,
    );
  }
  assert.throws(
    () => calibrateTapes([quotesOnly.finish()], { lotSize: 1, refine: false }),
    (err: unknown) =>
      err instanceof InsufficientDataError &&
      /has no trades at all: was the trade stream recorded\?/.test(err.message),
  );
  const cal = calibrateTapes([tape], { lotSize: 1, refine: false, hawkesMaxIterations: 1 });
  assert.ok(
    cal.warnings.some((w) => /did not converge/.test(w) && /Poisson/.test(w)),
    cal.warnings.join("; "),
  );
  assert.equal(
    (cal.preset.config as { flow: { arrivals: { kind: string } } }).flow.arrivals.kind,
    "poisson",
  );
});

Deno.test("calibrate: market-order timing is fitted into the preset only with `timing`", () => {
  const wide = simulatedTape(
    {
      ...TRUTH,
      flow: {
        ...TRUTH.flow,
        placement: { alpha: 1.2, minEdge: 6, edge: "uniform", edgeSpread: 1 },
        timing: { kind: "spread", scale: 1, exponent: 1.5, retryRate: 2 },
      },
    },
    600,
    4,
  );
  const off = calibrateTapes([wide], { lotSize: 1, refine: false });
  assert.equal(off.estimates["flow.timing.exponent"], undefined);
  // a wide-spread market: informed trades price in at most their news (one-tick: the default)
  assert.equal(parseEnvConfig(off.preset.config).flow.fundamental.informedImpact, "toValue");
  assert.equal((off.preset.config.flow as Record<string, unknown>).timing, undefined);
  const on = calibrateTapes([wide], { lotSize: 1, refine: false, timing: true });
  const g = on.estimates["flow.timing.exponent"];
  assert.equal(g.status, "fit");
  assert.ok(g.value > 0 && g.se > 0 && g.se < g.value, `${g.value} ± ${g.se}`);
  assert.equal(on.estimates["flow.timing.retryRate"].status, "not identified");
  const cfg = parseEnvConfig(on.preset.config);
  assert.equal(cfg.flow.timing.kind, "spread");
  assert.ok(cfg.flow.timing.burstMs > 0);
});

Deno.test("calibrate: the touch flow is written only with `touch`, and not on a batched L2 feed", () => {
  const off = calibrateTapes([tape], { lotSize: 1, refine: false });
  assert.equal(off.estimates["flow.touch"], undefined);
  assert.equal((off.preset.config.flow as Record<string, unknown>).touch, undefined);
  const on = calibrateTapes([tape], { lotSize: 1, refine: false, touch: true });
  // a 100-ms depth feed cannot tell an order placed inside the spread from a re-post
  assert.equal(on.estimates["flow.touch"].status, "not identified");
  assert.equal((on.preset.config.flow as Record<string, unknown>).touch, undefined);
  assert.deepEqual(on.preset.config, off.preset.config);
});

Deno.test("calibrate: the size law and the fast traders' sizes are written only when asked; `auto` keeps the Lomax that made the tape", () => {
  const off = calibrateTapes([tape], { lotSize: 1, refine: false });
  const sizesOff = (off.preset.config.flow as Record<string, Record<string, unknown>>).sizes;
  assert.equal(sizesOff.law, undefined); // the shipped presets' bytes: no new field
  const auto = calibrateTapes([tape], { lotSize: 1, refine: false, sizeLaw: "auto" });
  assert.deepEqual(auto.preset.config, off.preset.config); // the truth's law is the Lomax
  const mix = calibrateTapes([tape], {
    lotSize: 1,
    refine: false,
    sizeLaw: "lognormal-mix",
    informedSizes: "drawn",
  });
  const cfg = parseEnvConfig(mix.preset.config);
  assert.equal(cfg.flow.sizes.law, "lognormal-mix");
  // 2 to 4 components, as many as the AIC keeps, each with its estimates
  const k = cfg.flow.sizes.components?.length ?? 0;
  assert.ok(k >= 2 && k <= 4, `${k}`);
  assert.equal(mix.estimates[`flow.sizes.components.${k - 1}.median`].status, "fit");
  assert.equal(mix.estimates[`flow.sizes.components.${k}.median`], undefined);
  assert.match(mix.estimates["flow.sizes.marketMean"].method, new RegExp(`${k} components by AIC`));
  assert.equal(cfg.flow.snipers.sizes, "drawn");
  assert.equal(cfg.flow.informed.sizes, "drawn");
  assert.equal(parseEnvConfig(off.preset.config).flow.snipers.sizes, undefined);
});

Deno.test("calibrate: every simulation-based stage simulates S times the data; the re-matching leaves the kurtosis to the information fit unless `rematchNews`", () => {
  const options = {
    lotSize: 1,
    refineIterations: 2,
    informationSimulations: 2,
    informationRounds: 1,
    simulationRatio: 8,
    name: "sim",
  };
  const matchingOf = (rematchNews: boolean) => {
    const cal = calibrateTapes([tape], { ...options, rematchNews });
    const fq = (cal.preset.provenance as {
      fitQuality: {
        momentMatching: Record<string, unknown>[];
        information: { simulatedSeconds: number };
      };
    }).fitQuality;
    // the tape is 900 s: S = 8 is 7,200 simulated seconds per evaluation
    assert.equal(fq.information.simulatedSeconds, 7_200);
    const rows = fq.momentMatching.filter((r) => "iteration" in r);
    const firstRestart = rows.findIndex((r, i) => i > 0 && r.iteration === 1);
    assert.ok(firstRestart > 0, "a second matching after the information fit");
    assert.ok(rows.slice(0, firstRestart).every((r) => "kurtosis1s" in r));
    return rows.slice(firstRestart);
  };
  assert.ok(matchingOf(false).every((r) => !("kurtosis1s" in r)));
  // asked to, the matching after the last information fit matches the news rate again
  assert.ok(matchingOf(true).every((r) => "kurtosis1s" in r));
});

Deno.test("calibrate: on a millisecond clock the fastest market-order kernel is re-fitted to the gaps (the clock stage), unless asked not to", async () => {
  const { loadTapeSync } = await import("../../lib/data/load.ts");
  const btc = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const on = calibrateTapes([btc], { refine: false });
  const off = calibrateTapes([btc], { refine: false, clockKernel: false });
  const beta = (c: typeof on) => c.estimates["flow.arrivals.beta.0"];
  assert.match(beta(on).method, /indirect inference on the gaps/);
  assert.match(beta(off).method, /maximum likelihood/);
  const fq = (c: typeof on) =>
    (c.preset.provenance as Record<string, Record<string, Record<string, unknown>>>)
      .fitQuality.hawkes.clockKernel as { objective: number; startObjective: number } | null;
  assert.equal(fq(off), null);
  const k = fq(on)!;
  assert.ok(k.objective < k.startObjective / 2, `${k.objective} vs ${k.startObjective}`);
  // faster than the maximum-likelihood decay, the order rate kept
  assert.ok(beta(on).value > beta(off).value);
  const rate = (c: typeof on) => {
    const a = c.preset.config.flow as {
      arrivals: { marketRate: number; alpha: number[][]; extraKernels: { alpha: number[][] }[] };
    };
    const n = a.arrivals.alpha[0][0] +
      a.arrivals.extraKernels.reduce((s, x) => s + x.alpha[0][0], 0);
    return a.arrivals.marketRate / (1 - n);
  };
  assert.ok(Math.abs(rate(on) / rate(off) - 1) < 0.01, `${rate(on)} vs ${rate(off)}`);
});

Deno.test("calibrate: the pace of trading is fitted only with `pace`", () => {
  const paced = simulatedTape(
    {
      ...TRUTH,
      flow: {
        ...TRUTH.flow,
        fundamental: { paceWindow: 0.05, paceRatio: 4, paceShare: 0.2 },
      },
    },
    900,
    3,
  );
  const off = calibrateTapes([paced], { lotSize: 1, refine: false });
  assert.equal(off.estimates["flow.fundamental.paceRatio"], undefined);
  assert.equal(parseEnvConfig(off.preset.config).flow.fundamental.paceWindow, 0);
  const on = calibrateTapes([paced], { lotSize: 1, refine: false, pace: true });
  const e = on.estimates;
  assert.equal(e["flow.fundamental.paceWindow"].value, 0.05);
  // the mid's response ratio understates the reference's (the same mechanical move comes with
  // every order): 2.4 for the simulated 4, but well above 1
  const ratio = e["flow.fundamental.paceRatio"];
  assert.equal(ratio.status, "fit");
  assert.ok(
    ratio.value > 1.5 && ratio.value < 4 && ratio.value - 2 * ratio.se > 1,
    `${ratio.value}`,
  );
  const cfg = parseEnvConfig(on.preset.config).flow.fundamental;
  assert.equal(cfg.paceWindow, 0.05);
  assert.ok(Math.abs(cfg.paceRatio - ratio.value) < 1e-3 * ratio.value); // 4 significant digits
  assert.ok(Math.abs(cfg.paceShare - 0.2) < 0.05, `${cfg.paceShare}`);
  // a market without it: not identified, nothing written
  const flat = calibrateTapes([tape], { lotSize: 1, refine: false, pace: true });
  assert.equal(flat.estimates["flow.fundamental.paceRatio"].status, "not identified");
  assert.equal(parseEnvConfig(flat.preset.config).flow.fundamental.paceWindow, 0);
});

Deno.test("calibrate: the limit-size mixture is fitted on an order-level tape only when asked; a level-based feed says it cannot and keeps the Poisson", () => {
  const zi = ziLobsterTape(5, 900);
  const off = calibrateTapes([zi], { refine: false, name: "zi" });
  const sizesOff = (off.preset.config.flow as Record<string, Record<string, unknown>>).sizes;
  assert.equal(sizesOff.limitComponents, undefined); // the shipped presets' bytes: no new field
  const on = calibrateTapes([zi], { refine: false, name: "zi", limitSizes: "lognormal-mix" });
  const cfg = parseEnvConfig(on.preset.config);
  const k = cfg.flow.sizes.limitComponents?.length ?? 0;
  assert.ok(k >= 2 && k <= 4, `${k}`);
  assert.equal(on.estimates["flow.sizes.limitComponents.0.median"].status, "fit");
  assert.match(on.estimates["flow.sizes.limitMean"].method, new RegExp(`${k} components by AIC`));
  assert.match(on.estimates["flow.sizes.limitMean"].method, /log-normal mixture/);
  // a 100-ms depth feed adds several orders in one update: not identified, said so
  const l2 = calibrateTapes([tape], { lotSize: 1, refine: false, limitSizes: "lognormal-mix" });
  const said = l2.warnings.find((w) => /limit-order sizes/.test(w));
  assert.match(said ?? "", /^limit-order sizes: not fitted \(needs an order-level tape/);
  assert.match(said ?? "", /Poisson law kept$/);
  // the reason is the tape's kind, not its length, and the fit is named once
  assert.doesNotMatch(said ?? "", /too short|limit-order sizes: limit-order sizes/);
  const l2Sizes = (l2.preset.config.flow as Record<string, Record<string, unknown>>).sizes;
  assert.equal(l2Sizes.limitComponents, undefined);
  assert.doesNotMatch(l2.estimates["flow.sizes.limitMean"].method, /mixture/);
});

Deno.test("calibrate: with a finer size lot the market is the one fitted in its lot, restated, and only its sizes are fitted again", () => {
  const zi = ziLobsterTape(5, 900);
  const lot = zi.meta.lotSuggestion;
  const coarse = calibrateTapes([zi], { refine: false, name: "zi" });
  const fine = calibrateTapes([zi], {
    refine: false,
    name: "zi",
    sizeLot: lot / 100,
    sizeLaw: "lognormal-mix",
    limitSizes: "lognormal-mix",
  });
  const c = parseEnvConfig(coarse.preset.config), f = parseEnvConfig(fine.preset.config);
  assert.equal(f.lotSize, lot / 100);
  assert.equal(f.flow.sizes.law, "lognormal-mix");
  // the tape's round lots of 100, 200, … shares: components of their own, as many as the AIC
  // keeps (2 to 4)
  const k = f.flow.sizes.limitComponents?.length ?? 0;
  assert.ok(k >= 2 && k <= 4, `${k}`);
  assert.equal(f.flow.snipers.maxLots, c.flow.snipers.maxLots * 100);
  assert.equal(f.flow.informed.maxLots, c.flow.informed.maxLots * 100);
  // the sizes in the finer lot: the coarse fit's mean executed size, a hundred times over
  const executed = (cal: typeof coarse) =>
    (cal.preset.provenance as { fitQuality: { sizes: { meanExecutedLots: number } } })
      .fitQuality.sizes.meanExecutedLots;
  assert.ok(Math.abs(executed(fine) / executed(coarse) / 100 - 1) < 0.01);
  // everything else is the coarse calibration's
  const rest = (x: typeof c) => ({
    ...x,
    lotSize: 0,
    flow: {
      ...x.flow,
      sizes: null,
      initialDepth: 0,
      snipers: { ...x.flow.snipers, maxLots: 0 },
      informed: { ...x.flow.informed, maxLots: 0 },
      cancellation: { ...x.flow.cancellation, depletionSize: undefined },
    },
  });
  assert.deepEqual(rest(f), rest(c));
  // the cancellation hazards keep the coarse market's size (its mean market order, restated)
  assert.ok(
    Math.abs(f.flow.cancellation.depletionSize! / (c.flow.sizes.marketMean * 100) - 1) < 1e-9,
  );
  assert.match(fine.preset.description, /sizes fitted in it, the rest in lots of/);
  assert.throws(
    () => calibrateTapes([zi], { refine: false, sizeLot: lot * 2 }),
    (e: unknown) => e instanceof ValidationError && e.field === "sizeLot",
  );
});

Deno.test("calibrate: the lumpy impact is written only with `impactLump`, in a one-tick market, at the tape's median move of the mid; elsewhere a warning says it is off", async () => {
  const { loadTapeSync } = await import("../../lib/data/load.ts");
  const { recordFromTape } = await import("../../lib/calibration/record.ts");
  const btc = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const off = calibrateTapes([btc], { refine: false });
  assert.equal(off.estimates["flow.fundamental.impactLump"], undefined);
  const on = calibrateTapes([btc], { refine: false, impactLump: true });
  // the median |change| of the mid over the 0.1-s snapshots where it changed, counted here
  // from the record's quotes directly
  const r = recordFromTape(btc, { lotSize: 0.001 });
  const moves: number[] = [];
  let k = -1, prev = NaN;
  for (const [a, b] of r.segments) {
    for (let i = 0; a + i * 0.1 <= b; i++) {
      const t = Math.floor((a + i * 0.1) / 0.1 + 1e-9) * 0.1;
      while (k + 1 < r.qTime.length && r.qTime[k + 1] <= t) k++;
      const m = k < 0 ? NaN : (r.bid[k] + r.ask[k]) / 2;
      if (m === m && prev === prev && m !== prev) moves.push(Math.abs(m - prev));
      prev = m;
    }
  }
  moves.sort((x, y) => x - y);
  const lump = on.estimates["flow.fundamental.impactLump"];
  assert.equal(lump.value, moves[Math.floor(moves.length / 2)]);
  assert.ok(lump.se > 0 && lump.se < lump.value / 3, `${lump.value} ± ${lump.se}`);
  assert.ok(lump.value > 100, `${lump.value}`); // BTCUSDT's mid jumps by hundreds of ticks
  const f = parseEnvConfig(on.preset.config).flow.fundamental;
  assert.equal(f.impactLump, lump.value);
  // nothing else of the direct fits moves
  const { impactLump: _, ...rest } = f;
  assert.deepEqual(rest, parseEnvConfig(off.preset.config).flow.fundamental);
  // a market whose book does not follow a price (zero intelligence: prices move as queues
  // empty): not fitted, and said so
  const wide = calibrateTapes([ziLobsterTape(5, 600)], { refine: false, impactLump: true });
  assert.equal(wide.estimates["flow.fundamental.impactLump"], undefined);
  assert.ok(
    wide.warnings.some((w) => w.startsWith("impact lump: not fitted")),
    wide.warnings.join("\n"),
  );
});

Deno.test("calibrate: with `lumpMatch` the lump is searched in simulation (multiples of the median move), the nearest share of still intervals kept and recorded; without a lump or a simulation stage it says so", async () => {
  const { loadTapeSync } = await import("../../lib/data/load.ts");
  const btc = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const fast = { refineIterations: 1, refineSeconds: 600, informationSimulations: 2 };
  const cal = calibrateTapes([btc], {
    ...fast,
    informationRounds: 1,
    impactLump: true,
    lumpMatch: true,
  });
  const lump = cal.estimates["flow.fundamental.impactLump"];
  assert.equal(lump.status, "moment-matched");
  const direct = calibrateTapes([btc], { refine: false, impactLump: true })
    .estimates["flow.fundamental.impactLump"].value;
  const factor = lump.value / direct;
  assert.ok(
    LUMP_SEARCH_FACTORS.some((f) => Math.abs(f - factor) < 1e-9),
    `${lump.value} / ${direct}`,
  );
  assert.match(lump.method, /^matched in simulation to the tape's share of \d+\.\d % of grid/);
  const search =
    (cal.preset.provenance as { fitQuality: { momentMatching: Record<string, unknown>[] } })
      .fitQuality.momentMatching.find((r) => "lump" in r) as {
        lump: { lump: number; still: number }[];
        chosen: number;
      };
  assert.equal(search.lump.length, LUMP_SEARCH_FACTORS.length);
  assert.equal(search.chosen, sig(lump.value));
  assert.equal(parseEnvConfig(cal.preset.config).flow.fundamental.impactLump, sig(lump.value));
  // the information fit's objective on fresh seeds (what `starts` compares) is measured on the
  // market before the search: the same as without it
  const median = calibrateTapes([btc], { ...fast, informationRounds: 1, impactLump: true });
  const freshOf = (c: typeof cal) =>
    (c.preset.provenance as {
      fitQuality: { information: { freshObjective: { mean: number } } };
    }).fitQuality.information.freshObjective.mean;
  assert.equal(freshOf(cal), freshOf(median));
  assert.equal(median.estimates["flow.fundamental.impactLump"].value, direct);
  // no lump to match (a market whose book does not follow a price), or no simulation: said
  const zi = calibrateTapes([ziLobsterTape(5, 600)], {
    ...fast,
    impactLump: true,
    lumpMatch: true,
  });
  assert.ok(zi.warnings.some((w) => w.startsWith("lump match: no lump was fitted")));
  const off = calibrateTapes([btc], { refine: false, impactLump: true, lumpMatch: true });
  assert.ok(off.warnings.some((w) => w.startsWith("lump match: not done without")));
  assert.equal(off.estimates["flow.fundamental.impactLump"].value, direct);
});

Deno.test("calibrate: with `sizesGivenFast` the background's sizes are fitted again given the simulated fast traders' orders, said in the provenance; with a finer size lot, in that lot", () => {
  const opts = {
    lotSize: 1,
    refineIterations: 1,
    refineSeconds: 900,
    informationSimulations: 2,
    informationRounds: 1,
    sizesGivenFast: true,
    name: "sim",
  };
  const cal = calibrateTapes([tape], opts);
  const sizes = (cal.preset.provenance as {
    fitQuality: { sizes: { orders: number; givenFast?: Record<string, number> } };
  }).fitQuality.sizes;
  const mean = cal.estimates["flow.sizes.marketMean"];
  // the information fit gives this market snipers (the truth has none): their orders in the
  // simulation are the fit's fixed component
  const g = sizes.givenFast!;
  assert.ok(g.share > 0 && g.share <= 0.95 && g.fastOrders > 0, JSON.stringify(g));
  assert.equal(g.share, sig(g.fastOrders / g.simulatedOrders, 4));
  assert.match(mean.method, /given the snipers' and informed traders' orders/);
  assert.equal(parseEnvConfig(cal.preset.config).flow.sizes.marketMean, sig(mean.value));
  // without the option: no such record, the method of every order
  const plain = calibrateTapes([tape], { lotSize: 1, refine: false });
  assert.equal(
    (plain.preset.provenance as { fitQuality: { sizes: Record<string, unknown> } }).fitQuality
      .sizes.givenFast,
    undefined,
  );
  assert.doesNotMatch(plain.estimates["flow.sizes.marketMean"].method, /given the snipers/);
  // asked for without the information stage (which fits the fast traders): said, not silent
  const direct = calibrateTapes([tape], { lotSize: 1, refine: false, sizesGivenFast: true });
  assert.ok(
    direct.warnings.some((w) =>
      w.startsWith("market-order sizes given the fast traders: not fitted without")
    ),
    direct.warnings.join("\n"),
  );
  assert.deepEqual(direct.preset.config, plain.preset.config);
  // with a finer lot the simulation is in that lot, and the sizes refitted there are the
  // preset's (restated: ten times the lots)
  const fine = calibrateTapes([tape], { ...opts, sizeLot: 0.1 });
  const fineMean = fine.estimates["flow.sizes.marketMean"];
  assert.match(fineMean.method, /given the snipers' and informed traders' orders/);
  assert.equal(parseEnvConfig(fine.preset.config).flow.sizes.marketMean, sig(fineMean.value));
  assert.ok(fineMean.value > 3 * mean.value, `${fineMean.value} lots of 0.1, ${mean.value} of 1`);
  assert.throws(
    () => calibrateTapes([tape], { refine: false, fastSizeSigma: 6 }),
    (e) => e instanceof ValidationError && e.field === "fastSizeSigma",
  );
});

Deno.test("calibrate: the fast traders' dispersed or shared sizes and the impact's size exponent are written into the preset, said given or fitted", () => {
  const plain = calibrateTapes([tape], { lotSize: 1, refine: false });
  const given = calibrateTapes([tape], {
    lotSize: 1,
    refine: false,
    informedSizes: "dispersed",
    fastSizeSigma: 1.5,
    sizeExponent: 0.4,
  });
  const flow = (c: Record<string, unknown>) => parseEnvConfig(c).flow;
  assert.equal(flow(given.preset.config).fundamental.sizeExponent, 0.4);
  assert.equal(flow(plain.preset.config).fundamental.sizeExponent, 0); // the default: sign only
  for (const k of ["snipers", "informed"] as const) {
    assert.equal(flow(given.preset.config)[k].sizes, "dispersed");
    assert.equal(flow(given.preset.config)[k].sizeSigma, 1.5);
    assert.equal(flow(plain.preset.config)[k].sizes, undefined);
  }
  // shares of the stale lots, fitted on the tape's orders that came with a move
  const share = calibrateTapes([tape], { lotSize: 1, refine: false, informedSizes: "share" });
  const m = share.estimates["flow.snipers.shareMedian"],
    sd = share.estimates["flow.snipers.sizeSigma"];
  assert.equal(m.status, "fit");
  assert.ok(m.value > 0 && m.value <= 1 && m.se > 0 && sd.value > 0, `${m.value} ${sd.value}`);
  assert.match(m.method, /censored maximum likelihood/);
  for (const k of ["snipers", "informed"] as const) {
    const f = flow(share.preset.config)[k];
    assert.deepEqual([f.sizes, f.shareMedian, f.sizeSigma], ["share", sig(m.value), sig(sd.value)]);
  }
  const e = given.estimates["flow.fundamental.sizeExponent"];
  assert.equal(e.status, "not identified");
  assert.match(e.method, /^given by the user \(--size-exponent\)/);
  assert.equal(plain.estimates["flow.fundamental.sizeExponent"], undefined);
  assert.throws(
    () => calibrateTapes([tape], { refine: false, sizeExponent: 1.5 }),
    (err) => err instanceof ValidationError && err.field === "sizeExponent",
  );
});

Deno.test("calibrate: the information fit's objective on fresh seeds is in the provenance; `starts` keeps the start that does best on seeds common to all", () => {
  const opts = {
    lotSize: 1,
    refineIterations: 1,
    refineSeconds: 900,
    informationSimulations: 2,
    informationRounds: 1,
    name: "sim",
  } as const;
  type Quality = {
    information: { objective: number; freshObjective: { mean: number; replicates: number[] } };
    starts?: { seeds: number[]; freshObjectives: number[]; chosenSeed: number };
  };
  const quality = (c: ReturnType<typeof calibrateTapes>) =>
    (c.preset.provenance as { fitQuality: Quality }).fitQuality;
  const one = calibrateTapes([tape], { ...opts, seed: 4 });
  const fresh = quality(one).information.freshObjective;
  assert.equal(fresh.replicates.length, 4);
  assert.ok(fresh.replicates.every((q) => q > 0 && Number.isFinite(q)));
  assert.equal(fresh.mean, sig(fresh.replicates.reduce((a, b) => a + b, 0) / 4, 4));
  assert.equal(quality(one).starts, undefined);
  // two starts from seed 3: seeds 3 and 4, compared on fresh seeds rooted at 3
  const two = calibrateTapes([tape], { ...opts, seed: 3, starts: 2 });
  const s = quality(two).starts!;
  assert.deepEqual(s.seeds, [3, 4]);
  assert.equal(s.chosenSeed, s.freshObjectives[0] <= s.freshObjectives[1] ? 3 : 4);
  assert.equal(quality(two).information.freshObjective.mean, Math.min(...s.freshObjectives));
  // the start on seed 4 is the calibration on seed 4 (only the fresh seeds differ)
  const four = calibrateTapes([tape], { ...opts, seed: 4, freshSeed: 3 });
  assert.equal(quality(four).information.freshObjective.mean, s.freshObjectives[1]);
  assert.deepEqual(four.preset.config, one.preset.config);
  if (s.chosenSeed === 4) assert.deepEqual(two.preset.config, one.preset.config);
  // starts need the information fit, and a whole number of them
  const bad = [
    { starts: 2, refine: false },
    { starts: 2, information: false },
    { starts: 0 },
    { starts: 1.5 },
  ];
  for (const b of bad) {
    assert.throws(
      () => calibrateTapes([tape], { ...opts, ...b }),
      (e) => e instanceof ValidationError && e.field === "starts",
    );
  }
  // the information fit without the moment matching is enough
  const unmatched = calibrateTapes([tape], {
    ...opts,
    seed: 3,
    starts: 2,
    refine: false,
    information: true,
  });
  assert.deepEqual(quality(unmatched).starts!.seeds, [3, 4]);
});

Deno.test('calibrate: `select: "realism"` keeps the start the realism report finds closest to the tapes, on seeds the verdicts never use', () => {
  const opts = {
    lotSize: 1,
    refineIterations: 1,
    refineSeconds: 900,
    information: false,
    name: "sim",
  } as const;
  type Starts = {
    seeds: number[];
    realismCriteria: number[];
    realismPassed: number[];
    realismSeeds: number[];
    freshObjectives?: number[];
    chosenSeed: number;
    select: string;
  };
  const starts = (c: ReturnType<typeof calibrateTapes>) =>
    (c.preset.provenance as { fitQuality: { starts?: Starts } }).fitQuality.starts;
  // without the information fit: only the realism criterion can compare the starts; each
  // finished start saved as it is done
  const root = Deno.makeTempDirSync();
  const key = { tape: "shared", ...opts, seed: 5 };
  const store = () => openProgressStore<ReturnType<typeof calibrateTapes>>(`${root}/s`, key);
  const realism = { ...opts, seed: 5, starts: 2, select: "realism", selectSeeds: 1 } as const;
  const two = calibrateTapes([tape], { ...realism, startStore: store() });
  const s = starts(two)!;
  // stopped after its first start, the same call resumes and gives the same bits: the start
  // on seed 5 is loaded, the one on seed 6 computed again (and saved as it was)
  const saved6 = Deno.readTextFileSync(`${root}/s/start-6.json`);
  Deno.removeSync(`${root}/s/start-6.json`);
  const logged: string[] = [];
  const resumed = calibrateTapes([tape], {
    ...realism,
    startStore: store(),
    log: (l) => logged.push(l),
  });
  assert.ok(logged.includes("start 1 of 2: seed 5 (saved by an earlier run)"));
  assert.ok(logged.includes("start 2 of 2: seed 6"));
  assert.equal(JSON.stringify(resumed.preset), JSON.stringify(two.preset));
  assert.deepEqual(resumed.estimates, two.estimates);
  assert.deepEqual(resumed.warnings, two.warnings);
  assert.equal(Deno.readTextFileSync(`${root}/s/start-6.json`), saved6);
  // a loaded start is the computed one: encoded again, the same text
  assert.equal(
    JSON.stringify(encodeValue(store().load("start-5"), { sortKeys: false })),
    Deno.readTextFileSync(`${root}/s/start-5.json`),
  );
  Deno.removeSync(root, { recursive: true });
  assert.deepEqual(s.seeds, [5, 6]);
  assert.deepEqual(s.realismSeeds, [REALISM_SELECT_SEED]);
  assert.equal(s.freshObjectives, undefined);
  assert.equal(s.select, "realism");
  assert.equal(s.chosenSeed, s.realismCriteria[0] <= s.realismCriteria[1] ? 5 : 6);
  // the criterion is the report's comparison of the chosen market with the tape, recomputed
  const run = runRealism(two.preset.config, [tape], { seed: REALISM_SELECT_SEED });
  const score = realismCriterion([run.result]);
  assert.equal(sig(score.criterion, 4), Math.min(...s.realismCriteria));
  // a named error for an unknown mode or a bad number of seeds
  for (
    const [bad, field] of [
      [{ select: "best" }, "select"],
      [{ select: "realism", selectSeeds: 0 }, "selectSeeds"],
      [{ select: "realism", starts: 1 }, "select"],
    ] as const
  ) {
    assert.throws(
      () => calibrateTapes([tape], { ...opts, starts: 2, ...bad } as never),
      (e) => e instanceof ValidationError && e.field === field,
    );
  }
});

Deno.test("calibrate: the activity placement is written only with `activityPlacement` and in a wide-spread market, its exponent matched to the spread at market orders; a one-tick market says it is off", async () => {
  const { loadTapeSync } = await import("../../lib/data/load.ts");
  const amzn = JSON.parse(await Deno.readTextFile("data/presets/amzn.json"));
  const wideTape = simulatedTape(amzn.config, 1_800, 5); // a 13-tick spread
  const opts = {
    lotSize: 1,
    refineIterations: 3,
    refineSeconds: 900,
    information: false,
  } as const;
  const off = calibrateTapes([wideTape], opts);
  assert.equal(off.estimates["flow.placement.activityExponent"], undefined);
  assert.equal(parseEnvConfig(off.preset.config).flow.placement.activityExponent, 0);
  const on = calibrateTapes([wideTape], { ...opts, activityPlacement: true });
  const eta = on.estimates["flow.placement.activityExponent"];
  assert.equal(eta.status, "moment-matched");
  assert.ok(eta.value >= 0 && eta.value <= 4);
  assert.equal(parseEnvConfig(on.preset.config).flow.placement.activityExponent, sig(eta.value));
  const rows = on.preset.provenance.fitQuality as { momentMatching: Record<string, unknown>[] };
  assert.ok(rows.momentMatching.some((r) => r.spreadAtOrders !== undefined));
  // a one-tick market: not fitted, and said so
  const btc = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const one = calibrateTapes([btc], { refine: false, activityPlacement: true });
  assert.equal(one.estimates["flow.placement.activityExponent"], undefined);
  assert.ok(one.warnings.some((w) => w.startsWith("activity placement: not fitted")));
});

Deno.test("calibrate: `placementRange` and `touchAtom` fit the placement over the range with the touch's share apart; a level-1 tape says the share is not identified", async () => {
  const { loadTapeSync } = await import("../../lib/data/load.ts");
  const btc = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const plain = calibrateTapes([btc], { refine: false });
  assert.equal(plain.estimates["flow.placement.touchShare"], undefined);
  assert.equal(parseEnvConfig(plain.preset.config).flow.placement.touchShare, undefined);
  const wide = calibrateTapes([btc], { refine: false, placementRange: 300, touchAtom: true });
  const p0 = wide.estimates["flow.placement.touchShare"];
  assert.equal(p0.status, "fit");
  assert.ok(p0.value > 0 && p0.value < 1 && p0.se > 0);
  assert.equal(wide.estimates["flow.placement.maxDistance"].value, 300);
  const cfg = parseEnvConfig(wide.preset.config).flow;
  assert.equal(cfg.placement.touchShare, sig(p0.value));
  assert.equal(cfg.placement.maxDistance, 300);
  assert.equal(cfg.initialLevels, 300);
  // over the wider range, beyond the touch, the power law is flatter
  assert.ok(
    wide.estimates["flow.placement.alpha"].value < plain.estimates["flow.placement.alpha"].value,
  );
  const amzn = loadTapeSync("data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv");
  const level1 = calibrateTapes([amzn], { refine: false, information: false, touchAtom: true });
  assert.equal(level1.estimates["flow.placement.touchShare"], undefined);
  assert.ok(level1.warnings.some((w) => w.startsWith("flow.placement.touchShare: not identified")));
});

Deno.test("calibrate: the baseline by spread is written only with `spreadBaseline`, in a wide-spread market with a Hawkes kernel; a one-tick market says it is off", async () => {
  const { loadTapeSync } = await import("../../lib/data/load.ts");
  const amzn = JSON.parse(await Deno.readTextFile("data/presets/amzn.json"));
  const flow = {
    ...amzn.config.flow,
    timing: { kind: "baseline", scale: 2, exponent: 2, sendShare: 0.1 },
  };
  flow.arrivals = { ...flow.arrivals, marketRate: 2 };
  const wideTape = simulatedTape({ ...amzn.config, flow }, 1_800, 5);
  const off = calibrateTapes([wideTape], { lotSize: 1, refine: false });
  assert.equal((off.preset.config.flow as Record<string, unknown>).timing, undefined);
  const on = calibrateTapes([wideTape], { lotSize: 1, refine: false, spreadBaseline: true });
  const cfg = parseEnvConfig(on.preset.config);
  assert.equal(cfg.flow.timing.kind, "baseline");
  for (const k of ["flow.timing.scale", "flow.timing.exponent", "flow.arrivals.marketRate"]) {
    assert.equal(on.estimates[k].status, "fit", k);
    assert.match(on.estimates[k].method, /^joint maximum likelihood/, k);
    assert.ok(on.estimates[k].se > 0, k);
  }
  assert.equal(cfg.flow.timing.scale, sig(on.estimates["flow.timing.scale"].value));
  assert.equal(cfg.flow.timing.exponent, sig(on.estimates["flow.timing.exponent"].value));
  // the orders concentrate at narrow spreads: a(s) falls with the spread
  assert.ok(cfg.flow.timing.exponent > 0.5, `${cfg.flow.timing.exponent}`);
  assert.equal(on.estimates["flow.timing.retryRate"], undefined);
  assert.ok(cfg.flow.arrivals.kind === "hawkes");
  assert.equal(cfg.flow.arrivals.marketRate, sig(on.estimates["flow.arrivals.marketRate"].value));
  // a one-tick market: not fitted, and said so
  const btc = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const one = calibrateTapes([btc], { refine: false, spreadBaseline: true });
  assert.equal((one.preset.config.flow as Record<string, unknown>).timing, undefined);
  assert.ok(one.warnings.some((w) => w.startsWith("spread baseline: not fitted on a one-tick")));
  assert.throws(
    () => calibrateTapes([wideTape], { refine: false, spreadBaseline: true, timing: true }),
    (e: unknown) => e instanceof ValidationError && /spreadBaseline/.test(e.message),
  );
});

Deno.test("calibrate: the regimes' time scale is written only with `regimeTimeScale` and where regimes are fitted, every transition rate scaled by it, at most the scale at which the fastest regime lasts a second", async () => {
  const { loadTapeSync } = await import("../../lib/data/load.ts");
  const amzn = loadTapeSync("data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv");
  const opts = { refineIterations: 2, refineSeconds: 3_600, information: false } as const;
  const on = calibrateTapes([amzn], { ...opts, regimeTimeScale: true });
  const s = on.estimates["regimes.timeScale"];
  assert.equal(s.status, "moment-matched");
  const fitted = on.estimates["regimes"].value;
  assert.ok(fitted > 1, "AMZN's day has regimes");
  // the rates the hidden Markov model fitted, each times the scale
  const exits = Array.from(
    { length: fitted },
    (_, k) => on.estimates[`regimes.exitRate.${k}`].value,
  );
  assert.ok(s.value >= 0.1 && s.value <= 1 / Math.max(...exits) * 1.01, `${s.value}`);
  const rates = parseEnvConfig(on.preset.config).regimes.rates;
  const exitOf = (row: number[]) => row.reduce((a, v) => a + v, 0);
  rates.forEach((row, k) => {
    const want = exits[k] * s.value;
    assert.ok(Math.abs(exitOf(row) - want) <= 1e-3 * want + 1e-9, `${exitOf(row)} vs ${want}`);
  });
  const rows = on.preset.provenance.fitQuality as { momentMatching: Record<string, unknown>[] };
  assert.ok(rows.momentMatching.some((r) => r.clusteringDecay !== undefined));
  // matched up to its bound: an upper end, said in a warning and in the estimate's method
  const atBound = s.value >= (1 / Math.max(...exits)) * (1 - 1e-6);
  const warned = on.warnings.some((w) => w.startsWith("regime time scale: matched to its bound"));
  assert.equal(warned, atBound, `${s.value}`);
  assert.equal(/at its bound/.test(s.method), atBound);
  // a tape too short for regimes: not fitted, and said so
  const btc = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const one = calibrateTapes([btc], { refine: false, regimeTimeScale: true });
  assert.equal(one.estimates["regimes.timeScale"], undefined);
  assert.ok(one.warnings.some((w) => w.startsWith("regime time scale: not fitted")));
});

Deno.test("calibrate: `touchDeletions` writes the tape's deletions at the touch by spread and their impact, nothing else of the touch flow; not with `touch`", () => {
  const zi = ziLobsterTape(5, 600);
  const on = calibrateTapes([zi], { refine: false, touchDeletions: true });
  const t = parseEnvConfig(on.preset.config).flow.touch;
  assert.deepEqual(t.ageEdges, []); // by spread only
  assert.ok(t.inSpreadRate.every((r) => r === 0));
  assert.equal(t.inSpreadImpact, 0);
  // the tape's own rates: deletions at the touch per second spent at each spread
  const fit = fitTouchFlow(touchCountsOf([zi], { ageEdges: [] }));
  assert.deepEqual(t.cancelRate, fit.cancelRate.map((r) => sig(r.value)));
  assert.ok(t.cancelRate.some((r) => r > 0));
  // … and the share of their moves of the mid still there 60 s later (none on this
  // zero-intelligence tape, whose mid goes back: a share above 0 in touchDeletionsConfig's
  // example)
  assert.equal(t.cancelImpact, sig(fit.cancelImpact.value));
  assert.equal(on.estimates["flow.touch.cancelImpact"].value, fit.cancelImpact.value);
  const keys = Object.keys(on.estimates).filter((k) => k.startsWith("flow.touch."));
  assert.equal(keys.length, t.spreadEdges.length + 1);
  assert.ok(
    keys.every((k) => k.startsWith("flow.touch.cancelRate.") || k === "flow.touch.cancelImpact"),
    keys.join(),
  );
  assert.throws(
    () => calibrateTapes([], { touch: true, touchDeletions: true }),
    (e: unknown) => e instanceof ValidationError && e.field === "touchDeletions",
  );
  assert.throws(
    () => calibrateTapes([], { matchDeletions: true }),
    (e: unknown) => e instanceof ValidationError && e.field === "matchDeletions",
  );
  // with matchDeletions: one factor on every rate, from the tape's count (refine: false keeps
  // it at its start)
  const scaled = calibrateTapes([zi], {
    refine: false,
    touchDeletions: true,
    matchDeletions: true,
  });
  assert.equal(scaled.estimates["flow.touch.deletionScale"].value, 1);
  assert.deepEqual(parseEnvConfig(scaled.preset.config).flow.touch.cancelRate, t.cancelRate);
  assert.equal(on.estimates["flow.touch.deletionScale"], undefined);
});

Deno.test("calibrateTapes: fleeting orders or the touch's excitation without the touch flow (or both) are refused, naming the field", () => {
  assert.throws(
    () => calibrateTapes([], { fleeting: true }),
    (e: unknown) => e instanceof ValidationError && e.field === "fleeting",
  );
  for (
    const options of [{ touchExcitation: true }, {
      touch: true,
      fleeting: true,
      touchExcitation: true,
    }]
  ) {
    assert.throws(
      () => calibrateTapes([], options),
      (e: unknown) => e instanceof ValidationError && e.field === "touchExcitation",
    );
  }
});

Deno.test("calibrateTapes: a number of seeds per point of the matched knobs' errors outside 1 … 64 is refused, naming the field", () => {
  for (const errorReplicates of [0, 1.5, 65, NaN]) {
    assert.throws(
      () => calibrateTapes([], { errorReplicates }),
      (e: unknown) => e instanceof ValidationError && e.field === "errorReplicates",
      String(errorReplicates),
    );
  }
});

Deno.test("calibrate: sniperSizes sets the snipers' sizes apart from the informed traders'; shareMoments makes them shares fitted on a grid after the other stages, or warns without them", () => {
  const flow = (c: Record<string, unknown>) => parseEnvConfig(c).flow;
  const apart = calibrateTapes([tape], {
    lotSize: 1,
    refine: false,
    informedSizes: "dispersed",
    sniperSizes: "share",
  });
  assert.equal(flow(apart.preset.config).informed.sizes, "dispersed");
  assert.equal(flow(apart.preset.config).snipers.sizes, "share");
  assert.match(apart.estimates["flow.snipers.shareMedian"].method, /censored maximum likelihood/);
  const off = calibrateTapes([tape], { lotSize: 1, refine: false, shareMoments: true });
  assert.ok(off.warnings.some((w) => /snipers' shares: not fitted/.test(w)), `${off.warnings}`);
  assert.equal(flow(off.preset.config).snipers.sizes, undefined);
  const fit = calibrateTapes([tape], {
    lotSize: 1,
    refineIterations: 1,
    refineSeconds: 300,
    informationSimulations: 2,
    informationRounds: 1,
    informedSizes: "dispersed",
    shareMoments: true,
    name: "sim",
  });
  const m = fit.estimates["flow.snipers.shareMedian"], s = fit.estimates["flow.snipers.sizeSigma"];
  assert.equal(m.status, "fit");
  assert.match(m.method, /simulated moments on a grid/);
  const f = flow(fit.preset.config);
  assert.deepEqual([f.snipers.sizes, f.snipers.shareMedian, f.snipers.sizeSigma], [
    "share",
    sig(m.value),
    sig(s.value),
  ]);
  assert.equal(f.informed.sizes, "dispersed");
  const matched = (fit.preset.provenance as { fitQuality: { momentMatching: unknown[] } })
    .fitQuality.momentMatching;
  const grid = matched.find((x) => typeof x === "object" && x !== null && "snipersShare" in x) as {
    snipersShare: { points: [number, number, number][]; objective: number };
  };
  assert.equal(grid.snipersShare.points.length, 49);
  assert.equal(grid.snipersShare.objective, Math.min(...grid.snipersShare.points.map((p) => p[2])));
  // what `starts` compares is then the last stage's criterion, on the market as written
  const fresh = (fit.preset.provenance as {
    fitQuality: { information: { freshObjective: { mean: number; basis?: string } } };
  }).fitQuality.information.freshObjective;
  assert.match(fresh.basis ?? "", /order sizes/);
  assert.ok(fresh.mean > 0);
});

Deno.test("calibrate: `improvementTakers` writes the takers fitted on an order-level clock; a batched feed says they are not identified", async () => {
  const { amzn, plain } = await plainAmzn();
  assert.equal(plain.estimates["flow.takers.probability"], undefined);
  assert.equal(parseEnvConfig(plain.preset.config).flow.takers.probability, 0);
  const on = calibrateTapes([amzn], { refine: false, information: false, improvementTakers: true });
  const q = on.estimates["flow.takers.probability"];
  assert.equal(q.status, "fit");
  // the tape's takers answer improvements far beyond chance
  assert.ok(q.value > 10 * q.se && q.value < 0.5, `${q.value} ± ${q.se}`);
  const tk = parseEnvConfig(on.preset.config).flow.takers;
  assert.equal(tk.probability, sig(q.value));
  assert.equal(tk.followSigns, true); // the tape's answers follow the flow
  assert.deepEqual(tk.latency, {
    kind: "lognormal",
    medianMs: sig(on.estimates["flow.takers.medianMs"].value),
    sigma: sig(on.estimates["flow.takers.sigma"].value),
  });
  // nothing else changes before the moment matching
  assert.deepEqual(
    withoutFlow(on.preset.config, "takers"),
    withoutFlow(plain.preset.config, "takers"),
  );
  // a 100-ms depth feed cannot time an answer
  const batched = calibrateTapes([tape], { lotSize: 1, refine: false, improvementTakers: true });
  assert.equal(batched.estimates["flow.takers.probability"].status, "not identified");
  assert.ok(batched.warnings.some((w) => w.startsWith("flow.takers: not identified")));
  assert.equal(parseEnvConfig(batched.preset.config).flow.takers.probability, 0);
});

Deno.test("calibrate: `limitResponse` starts the limit orders' response to market orders at the fitted one, a knob of the moment matching", async () => {
  const { amzn, plain } = await plainAmzn();
  assert.equal(plain.estimates["flow.arrivals.limitResponse"], undefined);
  const on = calibrateTapes([amzn], { refine: false, information: false, limitResponse: true });
  const k = on.estimates["flow.arrivals.limitResponse"];
  assert.equal(k.value, 1);
  assert.equal(k.status, "derived");
  // at its start (k = 1) the market is the plain calibration's
  assert.deepEqual(on.preset.config, plain.preset.config);
});

Deno.test("calibrate: `liquidityState` writes the slow liquidity state fitted on the spread's persistence; a short tape says it is not identified", async () => {
  const { amzn, plain } = await plainAmzn();
  assert.equal(plain.estimates["flow.liquidity.sigma"], undefined);
  assert.equal(parseEnvConfig(plain.preset.config).flow.liquidity.sigma, 0);
  const on = calibrateTapes([amzn], { refine: false, information: false, liquidityState: true });
  const s = on.estimates["flow.liquidity.sigma"];
  const tau = on.estimates["flow.liquidity.timeScale"];
  assert.equal(s.status, "fit");
  // the AMZN day's spread wanders over minutes: σ two standard errors from 0, τ many minutes
  assert.ok(s.value > 2 * s.se && s.value < 1, `${s.value} ± ${s.se}`);
  assert.ok(tau.value > 300 && tau.value < 23_400, `τ ${tau.value} s`);
  assert.deepEqual(parseEnvConfig(on.preset.config).flow.liquidity, {
    sigma: sig(s.value),
    timeScale: sig(tau.value),
  });
  // nothing else changes before the moment matching
  assert.deepEqual(
    withoutFlow(on.preset.config, "liquidity"),
    withoutFlow(plain.preset.config, "liquidity"),
  );
  // a tape of fifteen minutes: too short for a state of minutes
  const short = calibrateTapes([tape], { lotSize: 1, refine: false, liquidityState: true });
  assert.equal(short.estimates["flow.liquidity.sigma"].status, "not identified");
  assert.ok(short.warnings.some((w) => w.startsWith("flow.liquidity: not identified")));
  assert.equal(parseEnvConfig(short.preset.config).flow.liquidity.sigma, 0);
});

Deno.test("calibrate: `liquidityState` sets σ by indirect inference once the moments are matched", async () => {
  // a wide-spread market whose spread wanders with a liquidity state, recorded for 50 minutes
  const amzn = (await resolveMarket("amzn")).config as unknown as Record<string, unknown>;
  const flow = {
    ...(amzn.flow as Record<string, unknown>),
    liquidity: { sigma: 0.6, timeScale: 600 },
  };
  const rec = simulatedTape({ ...amzn, duration: 3_000, flow } as EnvConfigInput, 3_000, 5);
  const cal = calibrateTapes([rec], {
    lotSize: 1,
    liquidityState: true,
    refineIterations: 1,
    information: false,
  });
  const s = cal.estimates["flow.liquidity.sigma"];
  assert.equal(s.status, "moment-matched");
  assert.match(s.method, /indirect inference/);
  const history = (cal.preset.provenance as unknown as {
    fitQuality: { momentMatching: Record<string, unknown>[] };
  }).fitQuality.momentMatching;
  const row = history
    .map((r) => r.liquiditySigma as Record<string, number> | undefined)
    .find((r) => r !== undefined)!;
  // σ = √(σ̂² − b²)/g, g from the simulation at the direct fit; the simulated spread passes on
  // at most about all of the factor, so σ is not below the tape's σ̂ unless b is
  const g = Math.sqrt(Math.max(0, row.atDirect ** 2 - row.withoutState ** 2)) / row.real;
  if (g > 0.05) {
    const want = Math.sqrt(Math.max(0, row.real ** 2 - row.withoutState ** 2)) / g;
    assert.ok(Math.abs(row.chosen - want) < 2e-3 * want + 1e-4, `${row.chosen} against ${want}`);
  } else assert.ok(cal.warnings.some((w) => w.startsWith("flow.liquidity.sigma: the simulation")));
  assert.ok(Number.isFinite(row.atChosen) && row.atChosen >= 0);
  assert.equal(parseEnvConfig(cal.preset.config).flow.liquidity.sigma, sig(s.value));
});

Deno.test("startsKey: how many starts run and how one is kept are not part of a start", () => {
  const sources = [{ path: "a.csv", sha256: "00", bytes: 1 }];
  const fp = (o: Parameters<typeof startsKey>[1]) => progressFingerprint(startsKey(sources, o));
  const base = { seed: 3, sizeLaw: "auto" as const, impactLump: true };
  assert.equal(fp({ ...base, starts: 8 }), fp({ ...base, starts: 2, select: "realism" }));
  assert.equal(fp({ ...base, log: () => {}, selectSeeds: 4 }), fp(base));
  assert.notEqual(fp({ ...base, seed: 4 }), fp(base));
  assert.notEqual(fp({ ...base, impactLump: false }), fp(base));
  assert.notEqual(
    progressFingerprint(startsKey([{ ...sources[0], sha256: "01" }], base)),
    fp(base),
  );
});

Deno.test("calibrateTapesOn: starts all saved by an earlier run are compared without any thread, as calibrateTapes compares them; the choice and its provenance are the same", async () => {
  // saved starts whose information objectives on the fresh seeds are 3, 1, 2
  const saved = (q: number): Calibration => ({
    preset: {
      name: "p",
      description: "",
      config: {},
      provenance: { fitQuality: { information: { freshObjective: { mean: q } } } },
    },
    estimates: {},
    warnings: [],
  });
  const store = () => {
    const runs = new Map([[5, saved(3)], [6, saved(1)], [7, saved(2)]]);
    return {
      load: (name: string) => structuredClone(runs.get(Number(name.slice("start-".length)))),
      save: () => assert.fail("nothing to save"),
    };
  };
  const lines: string[] = [];
  const two = await calibrateTapesOn(
    [],
    { seed: 5, starts: 3, startStore: store(), log: (l) => lines.push(l) },
    2,
  );
  const one = calibrateTapes([], { seed: 5, starts: 3, startStore: store() });
  assert.deepEqual(two, one);
  const starts = (two.preset.provenance.fitQuality as { starts: { chosenSeed: number } }).starts;
  assert.equal(starts.chosenSeed, 6);
  assert.deepEqual(lines.filter((l) => l.startsWith("start")), [
    "start 1 of 3: seed 5 (saved by an earlier run)",
    "start 2 of 3: seed 6 (saved by an earlier run)",
    "start 3 of 3: seed 7 (saved by an earlier run)",
  ]);
  await assert.rejects(calibrateTapesOn([], { starts: 2 }, 0), ValidationError);
});
