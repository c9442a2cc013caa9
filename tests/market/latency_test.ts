import assert from "node:assert/strict";
import { ValidationError } from "../../lib/errors.ts";
import { createLatencyModel, NS_PER_MS } from "../../lib/market/latency.ts";
import { Rng } from "../../lib/rng/rng.ts";

function stats(xs: number[]): { mean: number; min: number; max: number } {
  let s = 0, min = Infinity, max = -Infinity;
  for (const x of xs) {
    s += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
    assert.ok(Number.isInteger(x) && x >= 0, `sample ${x} is not an integer >= 0`);
  }
  return { mean: s / xs.length, min, max };
}

function draws(n: number, f: (r: Rng) => number, seed: string): number[] {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => f(r));
}

Deno.test("constant latency: exact integer nanoseconds", () => {
  const m = createLatencyModel({ kind: "constant", ms: 5 });
  assert.equal(m.sample(new Rng(1)), 5_000_000);
  assert.equal(m.mean(), 5 * NS_PER_MS);
  assert.equal(createLatencyModel({ kind: "constant", ms: 0.0015 }).sample(new Rng(1)), 1500);
});

Deno.test("exponential latency: mean within 5 standard errors", () => {
  const m = createLatencyModel({ kind: "exponential", meanMs: 3 });
  const n = 20_000;
  const s = stats(draws(n, (r) => m.sample(r), "exp"));
  const mean = 3e6;
  assert.equal(m.mean(), mean);
  assert.ok(Math.abs(s.mean - mean) < 5 * mean / Math.sqrt(n), `${s.mean}`);
});

Deno.test("lognormal latency: mean median·e^(σ²/2) and median within tolerance", () => {
  const m = createLatencyModel({ kind: "lognormal", medianMs: 2, sigma: 0.5 });
  const n = 20_000;
  const xs = draws(n, (r) => m.sample(r), "logn");
  const s = stats(xs);
  const mean = 2e6 * Math.exp(0.125);
  assert.ok(Math.abs(m.mean() - mean) < 1e-6);
  const sd = mean * Math.sqrt(Math.exp(0.25) - 1);
  assert.ok(Math.abs(s.mean - mean) < 5 * sd / Math.sqrt(n), `${s.mean} vs ${mean}`);
  const below = xs.filter((x) => x < 2e6).length / n;
  assert.ok(Math.abs(below - 0.5) < 5 * 0.5 / Math.sqrt(n), `P(X < median) = ${below}`);
});

Deno.test("uniform latency: range and mean", () => {
  const m = createLatencyModel({ kind: "uniform", minMs: 1, maxMs: 4 });
  const n = 20_000;
  const s = stats(draws(n, (r) => m.sample(r), "unif"));
  assert.ok(s.min >= 1e6 && s.max <= 4e6);
  assert.equal(m.mean(), 2.5e6);
  const sd = 3e6 / Math.sqrt(12);
  assert.ok(Math.abs(s.mean - 2.5e6) < 5 * sd / Math.sqrt(n));
  assert.throws(
    () => createLatencyModel({ kind: "uniform", minMs: 4, maxMs: 1 }),
    (e: unknown) => e instanceof ValidationError && e.field === "latency.maxMs",
  );
  assert.throws(
    () => createLatencyModel({ kind: "constant", ms: NaN }),
    (e: unknown) => e instanceof ValidationError && e.field === "latency.ms",
  );
});
