import assert from "node:assert/strict";
import { orderSizeConfigSchema, TouchRelativeSizes } from "../../lib/market/order_sizes.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("order sizes: Lomax desired sizes with the configured tail and median", () => {
  const cfg = orderSizeConfigSchema.parse({ marketMean: 4, marketTail: 1.5, marketMax: 1e7 });
  const sizes = new TouchRelativeSizes(cfg);
  const rng = new Rng("sizes");
  const n = 400_000;
  let over10 = 0, over100 = 0;
  const sample = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = sizes.desiredSize(rng);
    sample[i] = v;
    if (v > 10) over10++;
    if (v > 100) over100++;
  }
  // V = 1 + ⌊X⌋, X Lomax(λ, ζ): P(V > x) = P(X ≥ x) = (1 + x/λ)^−ζ for integer x
  const lam = (cfg.marketMean - 0.5) * (cfg.marketTail - 1);
  for (const [x, count] of [[10, over10], [100, over100]] as const) {
    const p = Math.pow(1 + x / lam, -cfg.marketTail);
    const sd = Math.sqrt(p * (1 - p) / n);
    assert.ok(Math.abs(count / n - p) < 4 * sd, `P(V > ${x}) = ${count / n}, expected ${p}`);
  }
  // the median has a closed form too (the sample mean of a tail-1.5 law converges slowly)
  const sorted = Float64Array.from(sample).sort();
  const med = 1 + Math.floor(lam * (Math.pow(2, 1 / cfg.marketTail) - 1));
  assert.equal(sorted[n >> 1], med);
});

Deno.test("order sizes: capped at the touch depth except for the sweeps", () => {
  const sweep = new TouchRelativeSizes(orderSizeConfigSchema.parse({ sweepProbability: 0.25 }));
  const rng = new Rng("sweep");
  const n = 400_000;
  let above = 0, capped = 0;
  for (let i = 0; i < n; i++) {
    const v = sweep.marketSize(3, rng);
    if (v > 3) above++;
    if (v === 3) capped++;
  }
  // P(V > 3) = (1 + 3/λ)^−ζ with λ = (4 − 0.5)·0.5; a quarter of those sweep
  const p3 = Math.pow(1 + 3 / ((4 - 0.5) * 0.5), -1.5);
  const want = 0.25 * p3 * n;
  assert.ok(Math.abs(above - want) < 4 * Math.sqrt(want), `${above} sweeps, want ${want}`);
  assert.ok(capped > 0.7 * p3 * n);
  assert.ok(sweep.marketSize(0, rng) >= 1); // an empty touch: no cap
  for (let i = 0; i < 1000; i++) assert.ok(sweep.limitSize(rng) >= 1);
});

Deno.test("order sizes: limit sizes from a mixture put a round lot's share exactly on it; without the field the Poisson law draws as before", () => {
  const base = { limitMean: 40 };
  const poisson = new TouchRelativeSizes(orderSizeConfigSchema.parse(base));
  const mixed = new TouchRelativeSizes(orderSizeConfigSchema.parse({
    ...base,
    limitComponents: [
      { weight: 0.5, median: 100, logSd: 1e-4 }, // a round lot
      { weight: 0.5, median: 20, logSd: 1 },
    ],
  }));
  const r1 = new Rng("limits"), r2 = new Rng("limits");
  const n = 40_000;
  let exactly100 = 0, poisson100 = 0, below50 = 0;
  for (let i = 0; i < n; i++) {
    const v = mixed.limitSize(r1);
    assert.ok(Number.isInteger(v) && v >= 1);
    if (v === 100) exactly100++;
    if (v < 50) below50++;
    if (poisson.limitSize(r2) === 100) poisson100++;
  }
  // the point mass, plus LN(ln 20, 1)'s own P(99.5 ≤ X < 100.5) ≈ 0.0005
  const sd = Math.sqrt(0.25 / n);
  assert.ok(Math.abs(exactly100 / n - 0.5) < 4 * sd + 0.001, `${exactly100 / n}`);
  // P(X < 49.5) for LN(ln 20, 1): Φ(ln(49.5/20)) = Φ(0.906) ≈ 0.8176, half of the orders
  assert.ok(Math.abs(below50 / n - 0.5 * 0.8176) < 4 * sd, `${below50 / n}`);
  assert.equal(poisson100, 0); // 1 + Poisson(39) never reaches 100 in 40,000 draws
  // an old config parses to exactly what it did: no mixture, the Poisson law's moments
  assert.equal(orderSizeConfigSchema.parse(base).limitComponents, undefined);
  const rp = new Rng(7);
  let sum = 0, sq = 0;
  for (let i = 0; i < n; i++) {
    const v = poisson.limitSize(rp);
    sum += v;
    sq += v * v;
  }
  const mean = sum / n, variance = sq / n - mean * mean;
  assert.ok(Math.abs(mean - 40) < 4 * Math.sqrt(39 / n), `mean ${mean}`); // 1 + Poisson(39)
  assert.ok(Math.abs(variance / 39 - 1) < 0.05, `variance ${variance}`);
});

Deno.test("order sizes: a limit mixture's fields are checked by name", () => {
  const r = orderSizeConfigSchema.safeParse({
    limitComponents: [{ weight: 0, median: 1, logSd: 1 }],
  });
  assert.equal(r.success, false);
  assert.match(JSON.stringify(r.error?.issues[0].path), /limitComponents.*0.*weight/);
  assert.equal(orderSizeConfigSchema.safeParse({ limitComponents: [] }).success, false);
});
