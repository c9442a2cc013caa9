import assert from "node:assert/strict";
import { createPriceProcess, normalFromUniform } from "../../lib/market/price_process.ts";
import { Rng } from "../../lib/rng/rng.ts";
import { ValidationError } from "../../lib/errors.ts";

Deno.test("ABM increments: mean 0 and variance σ²·dt within 5 standard errors", () => {
  const p = createPriceProcess();
  const rng = new Rng("abm");
  p.reset(100);
  const n = 50_000, dt = 0.25, sigma = 0.013;
  let s1 = 0, s2 = 0, prev = p.price;
  for (let i = 0; i < n; i++) {
    const x = p.advance(dt, sigma, rng) - prev;
    prev = p.price;
    s1 += x;
    s2 += x * x;
  }
  const v = sigma * sigma * dt;
  const mean = s1 / n;
  const varHat = (s2 - n * mean * mean) / (n - 1);
  assert.ok(Math.abs(mean) < 5 * Math.sqrt(v / n), `mean ${mean}`);
  assert.ok(Math.abs(varHat - v) < 5 * v * Math.sqrt(2 / (n - 1)), `var ${varHat} vs ${v}`);
  assert.throws(() => p.reset(NaN), ValidationError);
});

Deno.test("normalFromUniform matches known normal quantiles", () => {
  const cases: [number, number][] = [
    [0.975, 1.959963984540054],
    [0.5, 0],
    [0.001, -3.090232306167813],
    [0.8413447460685429, 1],
    [1e-6, -4.753424308822899],
  ];
  for (const [p, z] of cases) {
    const got = normalFromUniform(p - 2 ** -33);
    assert.ok(Math.abs(got - z) < 1e-8 * Math.max(1, Math.abs(z)), `Φ⁻¹(${p}) = ${got}`);
  }
  assert.ok(Number.isFinite(normalFromUniform(0)) && normalFromUniform(0) < -6);
  assert.ok(Number.isFinite(normalFromUniform(1 - 2 ** -32)));
});
