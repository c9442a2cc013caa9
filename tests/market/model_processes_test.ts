import assert from "node:assert/strict";
import { poissonInverse, poissonMarketOrders } from "../../lib/market/model_arrivals.ts";
import { exponentialFillModel, fillProbability } from "../../lib/market/fill_probability.ts";
import { createMidpriceModel } from "../../lib/market/midprice.ts";
import { Xoshiro128 } from "../../lib/rng/xoshiro.ts";
import { ValidationError } from "../../lib/errors.ts";

Deno.test("binomial midprice: exactly ±σ√dt, each with probability ½", () => {
  const m = createMidpriceModel("binomial");
  const g = new Xoshiro128(1, "t");
  const draw = g.source();
  let ups = 0;
  const n = 100_000, step = 2 * Math.sqrt(0.005);
  for (let i = 0; i < n; i++) {
    const d = m.next(100, 2, 0.005, draw) - 100;
    assert.ok(Math.abs(Math.abs(d) - step) < 1e-12);
    if (d > 0) ups++;
  }
  assert.ok(Math.abs(ups - n / 2) < 5 * Math.sqrt(n / 4));
});

Deno.test("gaussian midprice: increments N(0, σ²dt) (mean, variance, kurtosis)", () => {
  const m = createMidpriceModel("gaussian");
  const draw = new Xoshiro128(2, "t").source();
  const n = 200_000, sigma = 0.3, dt = 0.25;
  let s1 = 0, s2 = 0, s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = m.next(50, sigma, dt, draw) - 50;
    s1 += d;
    s2 += d * d;
    s4 += d ** 4;
  }
  const v = sigma * sigma * dt;
  assert.ok(Math.abs(s1 / n) < 5 * Math.sqrt(v / n));
  assert.ok(Math.abs(s2 / n - v) < 5 * v * Math.sqrt(2 / n));
  assert.ok(Math.abs(s4 / n / (v * v) - 3) < 0.1); // normal kurtosis
  assert.throws(() => createMidpriceModel("levy" as "gaussian"), ValidationError);
});

Deno.test("exponential fills: A·f·e^(−kδ), linear and exact rules, crossing depths", () => {
  const lin = exponentialFillModel({ A: 140, k: 1.5, rule: "linear" });
  const ex = exponentialFillModel({ A: 140, k: 1.5, rule: "exact" });
  const lambda = 140 * 2 * Math.exp(-1.5 * 0.6);
  assert.equal(lin.probability(0.6, 0.005, 2), fillProbability(lambda, 0.005, true));
  assert.ok(Math.abs(lin.probability(0.6, 0.005, 2) - lambda * 0.005) < 1e-15);
  assert.ok(Math.abs(ex.probability(0.6, 0.005, 2) - (1 - Math.exp(-lambda * 0.005))) < 1e-15);
  // A quote through the mid (δ < 0) fills more often than one at the mid; the linear rule caps at 1.
  assert.ok(lin.probability(-0.5, 0.005, 1) > lin.probability(0, 0.005, 1));
  assert.equal(lin.probability(-10, 0.005, 1), 1);
  assert.throws(() => exponentialFillModel({ A: 0, k: 1, rule: "exact" }), ValidationError);
});

Deno.test("Poisson arrivals: means, variances and independence of buys and sells", () => {
  const m = poissonMarketOrders(3);
  const draw = new Xoshiro128(3, "t").source();
  const out = { buys: 0, sells: 0 };
  const n = 200_000, dt = 0.5, f = 1.4, mean = 3 * f * dt;
  let b = 0, s = 0, bb = 0, ss = 0, bs = 0;
  for (let i = 0; i < n; i++) {
    m.counts(dt, f, draw, out);
    b += out.buys;
    s += out.sells;
    bb += out.buys ** 2;
    ss += out.sells ** 2;
    bs += out.buys * out.sells;
  }
  for (const [x, xx] of [[b, bb], [s, ss]]) {
    assert.ok(Math.abs(x / n - mean) < 5 * Math.sqrt(mean / n), `mean ${x / n} vs ${mean}`);
    const v = xx / n - (x / n) ** 2;
    assert.ok(Math.abs(v - mean) < 5 * mean * Math.sqrt(2 / n) + 0.02, `variance ${v}`);
  }
  const cov = bs / n - (b / n) * (s / n);
  assert.ok(Math.abs(cov) < 5 * mean / Math.sqrt(n), `covariance ${cov}`);
  assert.equal(poissonInverse(0, 2, Math.exp(-2)), 0);
  assert.equal(poissonInverse(0.999999, 0.1, Math.exp(-0.1)), 4); // F(3) < 0.999999 ≤ F(4)
});
