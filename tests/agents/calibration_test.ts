import assert from "node:assert/strict";
import {
  Calibrator,
  estimateSigma,
  fitIntensity,
  type IntensityBucket,
} from "../../lib/agents/calibration.ts";
import { calibrateFromEnv } from "../../lib/agents/calibrate_env.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/mod.ts";
import { assertClose, modelConfig, ToyVecEnv } from "./_helpers.ts";

const A = 2; // fills/s at the mid
const K = 30; // 1/$
const DEPTHS = Array.from({ length: 11 }, (_, i) => i * 0.01); // 0 … 10 cents
const lambda = (d: number) => A * Math.exp(-K * d);

Deno.test("fitIntensity recovers A, k exactly from noise-free rates (both weightings)", () => {
  // fills = λ(δ)·exposure exactly, so ln(fills/exposure) = ln 2 − 30·δ on the nose.
  const b: IntensityBucket[] = DEPTHS.map((d) => ({
    depth: d,
    exposure: 500,
    trials: 5000,
    fills: lambda(d) * 500,
  }));
  for (const weighting of ["fills", "none"] as const) {
    const fit = fitIntensity(b, { weighting })!;
    assertClose(fit.A, 2, 1e-9, `A (${weighting})`);
    assertClose(fit.k, 30, 1e-9, `k (${weighting})`);
    assert.equal(fit.bucketsUsed, 11);
  }
  // Bernoulli: trials of dt = 0.1 s with p = 1 − e^(−λ·0.1) exactly → λ = −ln(1 − p)/0.1.
  const bern: IntensityBucket[] = DEPTHS.map((d) => ({
    depth: d,
    exposure: 100,
    trials: 1000,
    fills: 1000 * -Math.expm1(-lambda(d) * 0.1),
  }));
  const fb = fitIntensity(bern, { estimator: "bernoulli", dt: 0.1 })!;
  assertClose(fb.A, 2, 1e-9, "A (bernoulli)");
  assertClose(fb.k, 30, 1e-9, "k (bernoulli)");
});

Deno.test("fitIntensity from Poisson counts: within 4 standard errors; empty buckets ignored", () => {
  const rng = new Rng("calibration-test/poisson");
  const exposure = 2000; // s per bucket → 4000 expected fills at δ = 0, 199 at δ = 0.10
  const b: IntensityBucket[] = DEPTHS.map((d) => ({
    depth: d,
    exposure,
    trials: exposure / 0.1,
    fills: rng.poisson(lambda(d) * exposure),
  }));
  const fit = fitIntensity(b)!;
  // Known-variance WLS: SE(k) = 1/√Σ nᵢ(δᵢ − δ̄)² ≈ 1/√(14864 · 6.3e-4) ≈ 0.33 /$.
  assert.ok(fit.kStdErr > 0.2 && fit.kStdErr < 0.5, `SE(k) = ${fit.kStdErr}`);
  assert.ok(Math.abs(fit.k - K) <= 4 * fit.kStdErr, `k = ${fit.k} ± ${fit.kStdErr}`);
  assert.ok(Math.abs(Math.log(fit.A / A)) <= 4 * fit.lnAStdErr, `A = ${fit.A}`);
  // A deep bucket with exposure but no fills (ln 0) and an unexposed one change nothing.
  const withEmpty = [
    ...b,
    { depth: 0.5, exposure: 1000, trials: 10000, fills: 0 },
    { depth: 0.2, exposure: 0, trials: 0, fills: 0 },
  ];
  assert.deepEqual(fitIntensity(withEmpty), fit);
  // Fewer than two usable buckets, or a single depth: no fit.
  assert.equal(fitIntensity(b.slice(0, 1)), null);
  assert.equal(fitIntensity([b[0], { ...b[1], depth: 0 }]), null);
  assert.equal(fitIntensity([]), null);
  assert.throws(() => fitIntensity(b, { estimator: "bernoulli" }), ValidationError);
});

Deno.test("Calibrator: warm-up returns the prior, then recovers A, k from per-step fills", () => {
  const prior = { A: 1, k: 10, sigma: 0.02 };
  const dt = 0.1;
  const cal = new Calibrator({ prior, estimator: "bernoulli", dt, bucketWidth: 0.01 });
  const rate = new Calibrator({ prior, estimator: "rate", bucketWidth: 0.01 });
  const rng = new Rng("calibration-test/steps");
  const observe = (d: number) => {
    const fill = rng.bernoulli(1 - Math.exp(-lambda(d) * dt)) ? 1 : 0;
    cal.observeQuote(d, dt, fill);
    rate.observeQuote(d, dt, fill);
  };
  // Warm-up: 30 steps at 2 depths give < 50 fills in all: prior, flags false, nothing NaN.
  for (let t = 0; t < 15; t++) for (const d of [0, 0.01]) observe(d);
  let e = cal.estimate();
  assert.deepEqual([e.A, e.k, e.sigma, e.intensityFitted, e.sigmaFitted], [
    1,
    10,
    0.02,
    false,
    false,
  ]);
  assert.equal(e.kStdErr, Infinity);
  for (let t = 0; t < 40_000; t++) for (const d of DEPTHS) observe(d);
  e = cal.estimate();
  assert.ok(e.intensityFitted);
  const fit = fitIntensity(cal.buckets(), { estimator: "bernoulli", dt, minFillsPerBucket: 5 })!;
  assert.ok(Math.abs(e.k - K) <= 4 * e.kStdErr, `k = ${e.k} ± ${e.kStdErr}`);
  assert.ok(Math.abs(Math.log(e.A / A)) <= 4 * fit.lnAStdErr, `A = ${e.A} ± ${fit.lnAStdErr}`);
  // The "rate" estimator on the same per-step data sees (1 − e^(−λdt))/dt, e.g. 1.81 for
  // λ = 2 at the mid: it underestimates A by far more than the sampling error.
  const r = rate.estimate();
  assert.ok(r.A < 1.9, `rate estimator A = ${r.A}`);
  // σ is still the prior: no mid changes observed.
  assert.equal(e.sigma, 0.02);
});

Deno.test("Calibrator keeps the prior on degenerate data and validates options", () => {
  const cal = new Calibrator({ prior: { A: 2, k: 30, sigma: 0.01 }, minFills: 10 });
  // Intensity that grows with depth (k < 0) is rejected → prior.
  for (let i = 0; i < 100; i++) {
    cal.observeQuote(0, 1, i % 10 === 0 ? 1 : 0);
    cal.observeQuote(0.05, 1, i % 2 === 0 ? 1 : 0);
    cal.observeQuote(0.1, 1, 1);
  }
  const e = cal.estimate();
  assert.equal(e.intensityFitted, false);
  assert.deepEqual([e.A, e.k], [2, 30]);
  // Mid never moves: σ̂ = 0 is rejected too.
  for (let i = 0; i < 100; i++) cal.observeMidChange(0, 1);
  assert.equal(cal.estimate().sigma, 0.01);
  cal.reset();
  assert.equal(cal.estimate().fills, 0);
  assert.throws(
    () => new Calibrator({ prior: { A: NaN, k: 30, sigma: 0.01 } }),
    (e: unknown) => e instanceof ValidationError && e.field === "prior.A",
  );
  assert.throws(
    () => new Calibrator({ prior: { A: 2, k: 30, sigma: 0.01 }, estimator: "bernoulli" }),
    (e: unknown) => e instanceof ValidationError && e.field === "dt",
  );
});

Deno.test("σ from mid changes: hand example and a synthetic Brownian path", () => {
  // Δ = +0.02, −0.02, +0.02 over 3 × 4 s: √(3·0.0004 / 12) = √0.0001 = 0.01
  assertClose(estimateSigma([100, 100.02, 100, 100.02], 4)!, 0.01, 1e-12, "σ̂");
  assert.equal(estimateSigma([100], 1), null);
  const rng = new Rng("calibration-test/brownian");
  const sigma = 0.013, dt = 0.1, n = 20_000;
  const mids = new Float64Array(n + 1);
  mids[0] = 100;
  const cal = new Calibrator({ prior: { A: 2, k: 30, sigma: 0.5 }, minSigmaSamples: 30 });
  for (let i = 1; i <= n; i++) {
    mids[i] = mids[i - 1] + rng.normal(0, sigma * Math.sqrt(dt));
    cal.observeMidChange(mids[i] - mids[i - 1], dt);
    if (i === 29) assert.equal(cal.estimate().sigma, 0.5); // warm-up: still the prior
    if (i === 30) assert.ok(cal.estimate().sigmaFitted);
  }
  // σ̂²·T/σ² ~ χ²(n)/n: relative SE of σ̂ ≈ 1/√(2n) = 0.005; allow 4 SE = 2 %.
  const est = estimateSigma(mids, dt)!;
  assert.ok(Math.abs(est / sigma - 1) < 0.02, `σ̂ = ${est}`);
  assertClose(cal.estimate().sigma, est, 1e-12, "online σ̂");
});

Deno.test("calibrateFromEnv recovers A, k, σ from a toy env", () => {
  const cfg = modelConfig(); // dt 0.1 s, 300 s → 3000 steps, tick 0.01 $
  const sigma = 0.013;
  const made: number[] = [];
  const result = calibrateFromEnv(
    (n) => {
      made.push(n);
      return new ToyVecEnv(cfg, n, { A, k: K, sigma, steps: 3000 });
    },
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    { maxBatch: 4 },
  );
  assert.deepEqual(made, [4, 2]); // batches of 4, 4, 2: one env per batch size
  assert.equal(result.steps, 30_000);
  assert.ok(result.intensityFitted && result.sigmaFitted);
  // Depths sampled: the default grid 0,1,2,3,4,5,6,8,10 ticks.
  assert.deepEqual(
    result.buckets.map((b) => Math.round(b.depth / 0.01)),
    [0, 1, 2, 3, 4, 5, 6, 8, 10],
  );
  const fit = fitIntensity(result.buckets, {
    estimator: "bernoulli",
    dt: 0.1,
    minFillsPerBucket: 5,
  })!;
  assert.ok(Math.abs(result.k - K) <= 4 * result.kStdErr, `k = ${result.k} ± ${result.kStdErr}`);
  assert.ok(result.kStdErr < 2);
  assert.ok(Math.abs(Math.log(result.A / A)) <= 4 * fit.lnAStdErr, `A = ${result.A}`);
  // 30 000 mid changes: relative SE of σ̂ ≈ 1/√60000 = 0.4 %; allow 2 %.
  assert.ok(Math.abs(result.sigma / sigma - 1) < 0.02, `σ̂ = ${result.sigma}`);
  assert.throws(
    () => calibrateFromEnv(() => new ToyVecEnv(cfg, 1, { A, k: K, sigma, steps: 10 }), []),
    ValidationError,
  );
});
