import assert from "node:assert/strict";
import { bootstrapMeanCI } from "../../lib/analytics/bootstrap.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("bootstrapMeanCI: same seed → bit-identical interval; other seed differs", () => {
  const x = [1.2, 0.4, 2.2, -0.3, 1.0, 0.8, 3.1, -1.4, 0.2, 0.9];
  const a = bootstrapMeanCI(x, { seed: 11 });
  const b = bootstrapMeanCI(Float64Array.from(x), { seed: 11 });
  assert.deepEqual(a, b);
  const c = bootstrapMeanCI(x, { seed: 12 });
  assert.notDeepEqual([a.lo, a.hi], [c.lo, c.hi]);
  // mean = (1.2 + 0.4 + 2.2 − 0.3 + 1.0 + 0.8 + 3.1 − 1.4 + 0.2 + 0.9)/10 = 8.1/10
  assert.ok(Math.abs(a.mean - 0.81) < 1e-12);
  assert.ok(a.lo < a.mean && a.mean < a.hi);
});

Deno.test("bootstrapMeanCI: hand-checkable distributions", () => {
  // all values equal: every resample mean is 3
  assert.deepEqual(bootstrapMeanCI([3, 3, 3, 3], { seed: 1 }), { mean: 3, lo: 3, hi: 3 });
  // two values {0, 1}, n = 2: resample mean ∈ {0, ½, 1} with prob ¼, ½, ¼, so the
  // 2.5 % and 97.5 % quantiles of 2,000 resample means are 0 and 1
  assert.deepEqual(bootstrapMeanCI([0, 1], { seed: 5 }), { mean: 0.5, lo: 0, hi: 1 });
  assert.deepEqual(bootstrapMeanCI([4], { seed: 5 }), { mean: 4, lo: 4, hi: 4 });
  const e = bootstrapMeanCI([], { seed: 5 });
  assert.ok(Number.isNaN(e.mean) && Number.isNaN(e.lo) && Number.isNaN(e.hi));
  assert.throws(() => bootstrapMeanCI([1, 2], { resamples: 0 }), ValidationError);
  assert.throws(() => bootstrapMeanCI([1, 2], { level: 1 }), ValidationError);
});

Deno.test("bootstrapMeanCI: covers the true mean at about the nominal 95 % rate", () => {
  // 200 samples of n = 50 from N(1, 2²). Coverage ~ Binomial(200, ≈0.95)/200: sd ≈ 0.0154;
  // the percentile bootstrap is known to under-cover slightly at n = 50 (≈ 0.94), so accept
  // [0.90, 0.99] (≈ 3 sd). A 68 % interval or a CI of ±1.96·sd instead of ±1.96·se fails.
  const rng = new Rng("coverage-test");
  const reps = 200, n = 50, mu = 1, sigma = 2;
  const x = new Float64Array(n);
  let covered = 0, width = 0;
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < n; i++) x[i] = rng.normal(mu, sigma);
    const ci = bootstrapMeanCI(x, { seed: r });
    if (ci.lo <= mu && mu <= ci.hi) covered++;
    width += (ci.hi - ci.lo) / reps;
  }
  const coverage = covered / reps;
  assert.ok(coverage >= 0.90 && coverage <= 0.99, `coverage ${coverage}`);
  // mean width ≈ 2·1.96·σ/√n = 1.1087 (a bit less: the bootstrap uses the plug-in sd)
  const nominal = 2 * 1.959964 * sigma / Math.sqrt(n);
  assert.ok(width > 0.85 * nominal && width < 1.1 * nominal, `width ${width} vs ${nominal}`);
});

Deno.test("bootstrapMeanCI: level sets the width", () => {
  const rng = new Rng("level-test");
  const x = Float64Array.from({ length: 40 }, () => rng.normal());
  const w = (level: number) => {
    const c = bootstrapMeanCI(x, { seed: 3, level, resamples: 4_000 });
    return c.hi - c.lo;
  };
  // widths scale like the normal quantiles: z(0.95)/z(0.80) = 1.960/1.2816 ≈ 1.53
  const ratio = w(0.95) / w(0.8);
  assert.ok(ratio > 1.35 && ratio < 1.7, `ratio ${ratio}`);
});
