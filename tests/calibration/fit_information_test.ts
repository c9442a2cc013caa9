import assert from "node:assert/strict";
import {
  fitInformation,
  fitSimulatedMoments,
  type InformationMoments,
  informationMoments,
} from "../../lib/calibration/fit_information.ts";
import { type Estimate, fitted } from "../../lib/calibration/estimate.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";

const real = (value: number[], se: number): InformationMoments => ({
  names: value.map((_, i) => `m${i}`),
  value: Float64Array.from(value),
  se: new Float64Array(value.length).fill(se),
  cov: Float64Array.from(
    { length: value.length ** 2 },
    (_, i) => i % (value.length + 1) === 0 ? se * se : 0,
  ),
  seconds: 100,
});

Deno.test("simulated moments: recovers a nonlinear model's parameters; the sandwich matches the delta method", () => {
  // moments (a·b, a / b, a²) of a = 2, b = 4
  const sim = ([a, b]: number[]) => Float64Array.from([a * b, a / b, a * a]);
  const fit = fitSimulatedMoments(
    [{ name: "a", start: 5, lo: 0.1, hi: 50 }, { name: "b", start: 1, lo: 0.1, hi: 50 }],
    sim,
    real([8, 0.5, 4], 0.01),
    { maxSimulations: 400, minStep: 1e-5, simulationRatio: 4 },
  );
  assert.ok(Math.abs(fit.values[0] - 2) < 1e-3, `a ${fit.values[0]}`);
  assert.ok(Math.abs(fit.values[1] - 4) < 1e-3, `b ${fit.values[1]}`);
  assert.ok(fit.objective < 1e-3 && fit.startObjective > 1);
  // G at the truth: rows (b, a), (1/b, −a/b²), (2a, 0); V = 1.25·σ²·(G′G)⁻¹
  const g = [[4, 2], [0.25, -0.125], [4, 0]];
  const m = [[0, 0], [0, 0]];
  for (const r of g) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) m[i][j] += r[i] * r[j];
  const det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  const va = 1.25 * 1e-4 * m[1][1] / det, vb = 1.25 * 1e-4 * m[0][0] / det;
  assert.ok(
    Math.abs(fit.se[0] / Math.sqrt(va) - 1) < 0.02,
    `se a ${fit.se[0]} vs ${Math.sqrt(va)}`,
  );
  assert.ok(
    Math.abs(fit.se[1] / Math.sqrt(vb) - 1) < 0.02,
    `se b ${fit.se[1]} vs ${Math.sqrt(vb)}`,
  );
  assert.deepEqual(fit.identified, [true, true]);
});

Deno.test("simulated moments: a parameter the moments do not depend on is not identified", () => {
  const fit = fitSimulatedMoments(
    [{ name: "a", start: 1, lo: 0.1, hi: 10 }, { name: "idle", start: 3, lo: 0.1, hi: 10 }],
    ([a]) => Float64Array.from([a, 2 * a]),
    real([2, 4], 0.1),
    { maxSimulations: 100 },
  );
  assert.ok(Math.abs(fit.values[0] - 2) < 0.2);
  assert.equal(fit.values[1], 3); // never moved
  assert.deepEqual(fit.identified, [true, false]);
});

Deno.test("information moments: snipers and news known first make passive fills lose more after their first 0.1 s", () => {
  const base = {
    duration: 300,
    flow: { fundamental: { impactShare: 0.3, privateShare: 0.6, privateRate: 0.2, revealRate: 1 } },
  };
  const sniped = { ...base, flow: { ...base.flow, snipers: { rate: 20, threshold: 0.5 } } };
  const uninformed = {
    ...base,
    flow: { fundamental: { ...base.flow.fundamental, privateShare: 0.01 } },
  };
  const m0 = informationMoments(simulateRecords(base, { seconds: 600, seed: 2 }), 0.1, 0);
  const m1 = informationMoments(simulateRecords(sniped, { seconds: 600, seed: 2 }), 0.1, 0);
  const mu = informationMoments(simulateRecords(uninformed, { seconds: 600, seed: 2 }), 0.1, 0);
  // the markout's change after the first 0.1 s: the snipers' fills lose more within a second,
  // news known first is priced in over the next half minute
  const at1s = m0.names.indexOf("markout@1s−@0.1s");
  const at30s = m0.names.indexOf("markout@30s−@0.1s");
  assert.ok(m1.value[at1s] < m0.value[at1s], `${m1.value[at1s]} vs ${m0.value[at1s]}`);
  assert.ok(m0.value[at30s] < mu.value[at30s] - 0.5, `${m0.value[at30s]} vs ${mu.value[at30s]}`);
  assert.ok(!m0.names.some((n) => n === "markout@0.1s")); // the level is not a moment
  assert.deepEqual(m0.se, new Float64Array(m0.names.length)); // no resamples: no errors
});

Deno.test("information moments: the gap moments are the shares of gaps between market orders below 1, 3.2 and 10 ms", () => {
  const recs = simulateRecords({ duration: 300 }, { seconds: 600, seed: 3 });
  const m = informationMoments(recs, 0.1, 0);
  const names = ["gaps<1ms", "gaps<3.2ms", "gaps<10ms"];
  const limits = [0.001, Math.sqrt(10) / 1000, 0.01];
  // counted directly from the market orders' times (gaps within a segment)
  const count = [0, 0, 0];
  let n = 0;
  for (const r of recs) {
    const t = r.moTime;
    for (let i = 0; i + 1 < t.length; i++) {
      if (!r.segments.some(([s, e]) => t[i] >= s && t[i + 1] < e)) continue;
      n++;
      limits.forEach((l, j) => count[j] += t[i + 1] - t[i] < l ? 1 : 0);
    }
  }
  assert.ok(n > 100);
  names.forEach((name, j) => {
    const v = m.value[m.names.indexOf(name)];
    assert.ok(Math.abs(v - count[j] / n) < 0.01, `${name} ${v} vs ${count[j] / n}`);
  });
  // snipers racing at a rate of their own beside the clustered arrivals change the gaps
  const sniped = {
    duration: 300,
    flow: {
      fundamental: { impactShare: 0.3, privateShare: 0.6, privateRate: 0.2, revealRate: 1 },
      snipers: { rate: 200, threshold: 0.5 },
    },
  };
  const ms = informationMoments(simulateRecords(sniped, { seconds: 600, seed: 3 }), 0.1, 0);
  const at10 = m.names.indexOf("gaps<10ms");
  assert.notEqual(ms.value[at10], m.value[at10]);
});

Deno.test("information moments: clustering lags add the |1-s return| autocorrelation of the realism report at those lags; the last moment is the 1-s volume/volatility correlation", async () => {
  const { defaultFacts, blockStatistics, makeBlocks, sumBlocks } = await import(
    "../../lib/calibration/facts.ts"
  );
  const recs = simulateRecords({ duration: 300 }, { seconds: 1_200, seed: 4 });
  const plain = informationMoments(recs, 0.1, 0);
  const m = informationMoments(recs, 0.1, 0, [1, 10]);
  const k = plain.names.length;
  assert.equal(m.names.length, k + 2);
  assert.deepEqual(m.names.slice(-3), ["absReturn@1s", "absReturn@10s", "volumeVolatility@1s"]);
  assert.deepEqual(m.value.slice(0, k - 1), plain.value.slice(0, k - 1));
  assert.equal(m.value[k + 1], plain.value[k - 1]);
  // the facts themselves over every block
  const factValue = (name: string) => {
    const fact = defaultFacts({ grid: 0.1 }).find((f) => f.name === name)!;
    const sum = new Float64Array(fact.size);
    for (const r of recs) {
      const b = makeBlocks(r.segments, 60);
      const all = Int32Array.from(b.start, (_, i) => i);
      sumBlocks(blockStatistics(fact, r, b), fact.size, all).forEach((x, i) => sum[i] += x);
    }
    return fact.value(sum);
  };
  const v = factValue("absReturnAutocorrelation");
  assert.ok(Math.abs(m.value[k - 1] - v[0]) < 1e-9, `${m.value[k - 1]} vs ${v[0]}`);
  assert.ok(Math.abs(m.value[k] - v[3]) < 1e-9);
  const vv = factValue("volumeVolatility");
  assert.ok(vv[0] > 0 && vv[0] < 1);
  assert.ok(Math.abs(plain.value[k - 1] - vv[0]) < 1e-9, `${plain.value[k - 1]} vs ${vv[0]}`);
  assert.throws(() => informationMoments(recs, 0.1, 0, [3]), /clusteringLags/);
});

Deno.test("simulated moments: with replicate seeds a move needs a decrease beyond the objective's noise, or with `paired` a paired decrease on them, not one seed's luck", () => {
  const p = [{ name: "a", start: 1.3, lo: 0.01, hi: 100 }];
  // one moment m = a + 0.5 r on seed r (a noisy simulation), the tape's m = 1 ± 1: at the start
  // Q is 0.09, 0.64, 1.69, 3.24, 5.29 on seeds 0 … 4 (sd ≈ 2.1), yet a smaller a lowers it on
  // every seed: a real decrease, far below Q's own noise
  const shifted = ([a]: number[], r = 0) => Float64Array.from([a + 0.5 * r]);
  const plain = fitSimulatedMoments(p, shifted, real([1], 1), { maxSimulations: 40 });
  assert.ok(Math.abs(plain.values[0] - 1) < 0.1, `${plain.values[0]}`);
  assert.equal(plain.objectiveNoise, 0);
  // the noise rule does not take it (no decrease beyond 2.1 from 0.09)
  const careful = fitSimulatedMoments(p, shifted, real([1], 1), {
    maxSimulations: 40,
    noiseReplicates: 4,
  });
  assert.equal(careful.values[0], 1.3);
  assert.ok(careful.objectiveNoise > 2 && careful.objectiveNoise < 2.2);
  // the paired test does
  const paired = fitSimulatedMoments(p, shifted, real([1], 1), {
    maxSimulations: 60,
    noiseReplicates: 4,
    paired: true,
  });
  assert.ok(Math.abs(paired.values[0] - 1) < 0.1, `${paired.values[0]}`);
  // the main seed favours a smaller a, the four others a larger one: its luck, no move
  const lucky = ([a]: number[], r = 0) => Float64Array.from([r === 0 ? a : 2.6 - a]);
  assert.ok(fitSimulatedMoments(p, lucky, real([1], 1), { maxSimulations: 40 }).values[0] < 1.1);
  const luck = fitSimulatedMoments(p, lucky, real([1], 1), {
    maxSimulations: 40,
    noiseReplicates: 4,
    paired: true,
  });
  assert.equal(luck.values[0], 1.3);
});

Deno.test("information moments: on a millisecond clock the gap share below one tick is left out (it measures the signs of the fastest bursts, not the snipers)", () => {
  const recs = simulateRecords({ duration: 300 }, { seconds: 600, seed: 4, timeResolution: 0.001 });
  const exact = informationMoments(recs, 0.1, 0);
  const clocked = informationMoments(recs, 0.1, 0, [], 0.001);
  assert.ok(exact.names.includes("gaps<1ms"));
  assert.deepEqual(clocked.names, exact.names.filter((n) => n !== "gaps<1ms"));
  assert.equal(clocked.value.length, exact.value.length - 1);
  // the other moments are the same numbers
  const i = exact.names.indexOf("gaps<3.2ms");
  assert.equal(clocked.value[clocked.names.indexOf("gaps<3.2ms")], exact.value[i]);
});

Deno.test("information fit: with the pace of trading fitted, its ratio is one of the parameters; without, it is left alone", () => {
  const market = {
    duration: 300,
    flow: { fundamental: { paceWindow: 0.05, paceRatio: 3, paceShare: 0.2 } },
  };
  const recs = simulateRecords(market, { seconds: 600, seed: 5 });
  const est = (pace: boolean): Record<string, Estimate> => ({
    "flow.fundamental.impactShare": fitted(0.5, 0.1, "share", "start"),
    "flow.fundamental.privateShare": fitted(0.1, 0.05, "share", "start"),
    "flow.fundamental.privateRate": fitted(0.2, 0.1, "per second", "start"),
    "flow.fundamental.revealRate": fitted(0.2, 0.1, "per second", "start"),
    "flow.snipers.rate": fitted(10, 1, "per second", "start"),
    ...(pace
      ? {
        "flow.fundamental.paceWindow": fitted(0.05, NaN, "s", "start"),
        "flow.fundamental.paceRatio": fitted(2, 0.3, "ratio", "start"),
        "flow.fundamental.paceShare": fitted(0.2, 0.01, "share", "start"),
      }
      : {}),
  });
  for (const pace of [true, false]) {
    const e = est(pace);
    const config = () => ({
      duration: 300,
      flow: {
        fundamental: {
          impactShare: e["flow.fundamental.impactShare"].value,
          privateShare: e["flow.fundamental.privateShare"].value,
          privateRate: e["flow.fundamental.privateRate"].value,
          revealRate: e["flow.fundamental.revealRate"].value,
          ...(pace
            ? {
              paceWindow: 0.05,
              paceRatio: e["flow.fundamental.paceRatio"].value,
              paceShare: 0.2,
            }
            : {}),
        },
        snipers: { rate: e["flow.snipers.rate"].value },
      },
    });
    fitInformation(recs, e, config, {
      quoteInterval: 0,
      seconds: 300,
      seed: 1,
      maxSimulations: 14,
      noiseReplicates: 0,
    });
    if (pace) {
      // the search tried it (a step of ln 2 each way) and gave it the fit's standard error
      assert.match(e["flow.fundamental.paceRatio"].method, /simulated moments/);
      assert.ok(Number.isFinite(e["flow.fundamental.paceRatio"].se));
    } else assert.equal(e["flow.fundamental.paceRatio"], undefined);
    assert.match(e["flow.fundamental.impactShare"].method, /simulated moments/);
  }
});

Deno.test("information moments: size cuts add the share of market orders below each cut, the realism report's order-size distribution summed left of it, before the last moment; sizeCutsOf picks the bin edges nearest the tape's quantiles", async () => {
  const { defaultFacts, blockStatistics, makeBlocks, sumBlocks } = await import(
    "../../lib/calibration/facts.ts"
  );
  const { sizeCutsOf, SIZE_QUANTILES } = await import("../../lib/calibration/fit_information.ts");
  const market = { duration: 300, flow: { sizes: { marketMean: 5 } } };
  const recs = simulateRecords(market, { seconds: 1_200, seed: 4 });
  const fact = defaultFacts({ grid: 0.1 }).find((f) => f.name === "orderSize")!;
  const sum = new Float64Array(fact.size);
  for (const r of recs) {
    const b = makeBlocks(r.segments, 60);
    const all = Int32Array.from(b.start, (_, i) => i);
    sumBlocks(blockStatistics(fact, r, b), fact.size, all).forEach((x, i) => sum[i] += x);
  }
  const h = fact.value(sum);
  const cum: number[] = [];
  h.reduce((c, v, i) => cum[i] = c + v, 0);
  const cuts = sizeCutsOf(recs);
  assert.ok(cuts.length >= 2, `${cuts}`);
  // each quantile's cut is the edge whose share below is nearest to it
  for (const q of SIZE_QUANTILES) {
    const d = (i: number) => Math.abs(cum[i] - q);
    const chosen = Math.min(...cuts.map((c) => d(fact.x.indexOf(c) - 1)));
    for (let i = 0; i + 1 < cum.length; i++) {
      if (cum[i] > 0 && cum[i] < 1 - 1e-12) assert.ok(chosen <= d(i) + 1e-12, `q ${q} bin ${i}`);
    }
  }
  const plain = informationMoments(recs, 0.1, 0);
  const m = informationMoments(recs, 0.1, 50, [], 0, cuts);
  const k = plain.names.length;
  assert.equal(m.names.length, k + cuts.length);
  assert.equal(m.names.at(-1), "volumeVolatility@1s");
  assert.deepEqual(m.value.slice(0, k - 1), plain.value.slice(0, k - 1));
  cuts.forEach((c, i) => {
    assert.match(m.names[k - 1 + i], /^sizes</);
    assert.ok(Math.abs(m.value[k - 1 + i] - cum[fact.x.indexOf(c) - 1]) < 1e-12);
    assert.ok(m.se[k - 1 + i] > 0);
  });
  assert.throws(() => informationMoments(recs, 0.1, 0, [], 0, [3]), /sizeCuts/);
});

Deno.test("fresh objective with the order sizes: the same simulations, the size moments' terms added to the information fit's", async () => {
  const { freshInformationObjective } = await import("../../lib/calibration/fit_information.ts");
  const market = { duration: 300, flow: { sizes: { marketMean: 5 } } };
  const tape = simulateRecords({ ...market, flow: { sizes: { marketMean: 8 } } }, {
    seconds: 1_200,
    seed: 9,
  });
  const opts = { quoteInterval: 0, seconds: 600, seed: 3, replicates: 3 };
  const plain = freshInformationObjective(tape, market, opts);
  const sized = freshInformationObjective(tape, market, { ...opts, sizeMoments: true });
  assert.equal(sized.replicates.length, 3);
  // each replicate's Q only gains the (non-negative) size terms: the information moments and
  // their weights are the same
  sized.replicates.forEach((q, r) =>
    assert.ok(q >= plain.replicates[r], `${q} < ${plain.replicates[r]}`)
  );
  // orders of mean 5 lots against a tape of 8: the sizes' terms are not nothing
  assert.ok(sized.objective > plain.objective + 1, `${sized.objective} vs ${plain.objective}`);
});
