import assert from "node:assert/strict";
import { childSeed, Rng, RngStreams, streamSeed, validateSeed } from "../../lib/rng/mod.ts";
import { ValidationError } from "../../lib/errors.ts";

const N = 200_000;

/** Sample mean and variance of `n` draws. */
function moments(draw: () => number, n = N): { mean: number; variance: number } {
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: (s2 - n * mean * mean) / (n - 1) };
}

/** |observed − expected| within z standard errors. */
function within(observed: number, expected: number, se: number, z = 5): void {
  assert.ok(
    Math.abs(observed - expected) <= z * se,
    `observed ${observed}, expected ${expected} ± ${z}·${se}`,
  );
}

Deno.test("same seed gives identical sequences; different seeds differ", () => {
  const a = new Rng("s"), b = new Rng("s"), c = new Rng("t");
  let differ = 0;
  for (let i = 0; i < 1000; i++) {
    const x = a.normal(), y = b.normal(), z = c.normal();
    assert.equal(x, y);
    if (x !== z) differ++;
  }
  assert.ok(differ > 990);
});

Deno.test("named streams are independent of each other's use", () => {
  const s1 = new RngStreams(11), s2 = new RngStreams(11);
  // Drawing from "flow" in s1 must not shift "regime" draws.
  for (let i = 0; i < 100; i++) s1.get("flow").next();
  const r1 = s1.get("regime"), r2 = s2.get("regime");
  for (let i = 0; i < 100; i++) assert.equal(r1.next(), r2.next());
  assert.equal(s1.get("flow"), s1.get("flow"));
  assert.notEqual(streamSeed(1, "a"), streamSeed(1, "b"));
});

Deno.test("child seeds are deterministic, distinct and in range", () => {
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const s = childSeed(5, i);
    assert.equal(s, childSeed(5, i));
    assert.ok(Number.isInteger(s) && s >= 0 && s <= 0xffffffff);
    seen.add(s);
  }
  assert.equal(seen.size, 1000);
});

Deno.test("uniform: mean 1/2, variance 1/12, range [0,1)", () => {
  const r = new Rng(1);
  let min = 1, max = 0;
  const m = moments(() => {
    const u = r.next();
    if (u < min) min = u;
    if (u > max) max = u;
    return u;
  });
  within(m.mean, 0.5, Math.sqrt(1 / 12 / N));
  // Var of the sample variance of U(0,1): (μ4 − σ⁴)/n with μ4 = 1/80.
  within(m.variance, 1 / 12, Math.sqrt((1 / 80 - 1 / 144) / N));
  assert.ok(min >= 0 && max < 1);
});

Deno.test("normal: mean and variance", () => {
  const r = new Rng(2);
  const m = moments(() => r.normal(3, 2));
  within(m.mean, 3, 2 / Math.sqrt(N));
  // Var(s²) ≈ 2σ⁴/(n−1).
  within(m.variance, 4, Math.sqrt(2 * 16 / (N - 1)));
});

Deno.test("exponential: mean 1/rate, variance 1/rate²", () => {
  const r = new Rng(3);
  const rate = 4;
  const m = moments(() => r.exponential(rate));
  within(m.mean, 1 / rate, (1 / rate) / Math.sqrt(N));
  // For Exp, μ4 = 9/λ⁴, so Var(s²) ≈ (9 − 1)/λ⁴/n.
  within(m.variance, 1 / rate ** 2, Math.sqrt(8 / rate ** 4 / N));
  assert.equal(r.exponential(0), Infinity);
});

for (const lambda of [0.7, 4, 25, 400]) {
  Deno.test(`poisson(${lambda}): mean and variance equal λ`, () => {
    const r = new Rng(`p${lambda}`);
    let nonInt = 0;
    const m = moments(() => {
      const k = r.poisson(lambda);
      if (!Number.isInteger(k) || k < 0) nonInt++;
      return k;
    });
    assert.equal(nonInt, 0);
    within(m.mean, lambda, Math.sqrt(lambda / N));
    // Poisson: μ4 = λ(1 + 3λ), so Var(s²) ≈ (λ + 3λ² − λ²)/n = (λ + 2λ²)/n.
    within(m.variance, lambda, Math.sqrt((lambda + 2 * lambda * lambda) / N));
  });
}

Deno.test("poisson(λ) probability of zero matches e^(−λ)", () => {
  const r = new Rng("p0");
  const lambda = 1.3;
  let zeros = 0;
  for (let i = 0; i < N; i++) if (r.poisson(lambda) === 0) zeros++;
  const p = Math.exp(-lambda);
  within(zeros / N, p, Math.sqrt(p * (1 - p) / N));
});

Deno.test("categorical frequencies match the weights", () => {
  const r = new Rng(4);
  const w = new Float64Array([1, 2, 3, 4]);
  const counts = new Float64Array(4);
  for (let i = 0; i < N; i++) counts[r.categorical(w)]++;
  for (let i = 0; i < 4; i++) {
    const p = w[i] / 10;
    within(counts[i] / N, p, Math.sqrt(p * (1 - p) / N));
  }
  // Passing n and total uses only the first n weights.
  for (let i = 0; i < 1000; i++) assert.ok(r.categorical(w, 2, 3) < 2);
});

Deno.test("seeds are validated with the field named", () => {
  assert.throws(
    () => validateSeed(-1),
    (e: unknown) => e instanceof ValidationError && e.field === "seed",
  );
  assert.throws(() => new RngStreams(1.5), /seed: expected an integer/);
  assert.equal(validateSeed(0), 0);
});
