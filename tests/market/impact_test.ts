import assert from "node:assert/strict";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { ValidationError } from "../../lib/errors.ts";
import {
  almgrenChrissCost,
  almgrenChrissKappa,
  almgrenChrissLinearCost,
  type AlmgrenChrissParams,
  almgrenChrissTrajectory,
  createImpactModel,
  impactMarketFromConfig,
  sqrtImpact,
} from "../../lib/market/impact.ts";
import { Rng } from "../../lib/rng/rng.ts";

const close = (a: number, b: number, rel = 1e-12) =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/** Almgren & Chriss (2001), Table 1 example, with λ = 1e-6. */
const TABLE1: AlmgrenChrissParams = {
  X: 1e6,
  T: 5,
  N: 5,
  sigma: 0.95,
  eta: 2.5e-6,
  gamma: 2.5e-7,
  epsilon: 0.0625,
  lambda: 1e-6,
};

Deno.test("Almgren–Chriss Table 1: linear schedule E and V by hand", () => {
  // E = ½γX² + εX + η̃X²/T = 125,000 + 62,500 + 2.375e-6·1e12/5 = 662,500 dollars.
  // V = ⅓σ²X²T(1 − 1/N)(1 − 1/(2N)) = ⅓·0.9025·1e12·5·0.8·0.9 = 1.083e12 dollars².
  const lin = almgrenChrissLinearCost(TABLE1);
  close(lin.expectation, 662_500, 1e-12);
  close(lin.variance, 1.083e12, 1e-12);
  // The general formula on the linear holdings agrees with the closed form.
  const x = almgrenChrissTrajectory({ ...TABLE1, lambda: 0 });
  assert.deepEqual(Array.from(x), [1e6, 8e5, 6e5, 4e5, 2e5, 0]);
  const gen = almgrenChrissCost(TABLE1, x);
  close(gen.expectation, lin.expectation, 1e-12);
  close(gen.variance, lin.variance, 1e-12);
});

Deno.test("Almgren–Chriss Table 1: κ ≈ 0.6/day and the optimal trajectory", () => {
  // (2/τ²)(cosh κτ − 1) = λσ²/η̃ with τ = 1: cosh κ = 1 + 1e-6·0.9025/(2·2.375e-6).
  const kappa = almgrenChrissKappa(TABLE1);
  close(kappa, Math.acosh(1 + 0.9025 / 4.75), 1e-14);
  assert.ok(kappa > 0.55 && kappa < 0.65, `κ = ${kappa}`); // the paper quotes κ ≈ 0.6/day
  const x = almgrenChrissTrajectory(TABLE1);
  assert.equal(x[0], 1e6);
  assert.equal(x[5], 0);
  for (let j = 1; j <= 4; j++) {
    close(x[j], 1e6 * Math.sinh(kappa * (5 - j)) / Math.sinh(5 * kappa), 1e-12);
    // Discrete Euler–Lagrange equation of the paper: (x_{j−1} − 2x_j + x_{j+1})/τ² = κ̃²x_j.
    const lhs = x[j - 1] - 2 * x[j] + x[j + 1];
    close(lhs, (TABLE1.lambda * 0.9025 / 2.375e-6) * x[j], 1e-9);
  }
  // It minimizes E + λV: better than linear and than random perturbations of itself.
  const u = (h: ArrayLike<number>) => {
    const c = almgrenChrissCost(TABLE1, h);
    return c.expectation + TABLE1.lambda * c.variance;
  };
  const best = u(x);
  assert.ok(best < u(almgrenChrissTrajectory({ ...TABLE1, lambda: 0 })));
  const rng = new Rng("ac");
  for (let t = 0; t < 200; t++) {
    const y = x.slice();
    for (let j = 1; j <= 4; j++) y[j] += rng.uniform(-2e4, 2e4);
    assert.ok(u(y) >= best, `perturbation ${t} beats the optimum`);
  }
  assert.throws(
    () => almgrenChrissTrajectory({ ...TABLE1, N: 0 }),
    (e: unknown) => e instanceof ValidationError && e.field === "N",
  );
});

Deno.test("square-root law I = Y·σ·√(Q/V)", () => {
  close(sqrtImpact(0.5, 2, 20_000, 2_000_000), 0.1);
  close(sqrtImpact(1, 3, 0, 10), 0);
  assert.throws(() => sqrtImpact(1, 1, 1, 0), ValidationError);
});

Deno.test("almgren-chriss model: permanent γ·n shift, cost lotSize·|n|·(ε + η|n|/dt)", () => {
  const cfg = parseEnvConfig({
    impact: { model: "almgren-chriss", permanent: 1e-4, temporary: 2e-5, fixed: 0.001 },
  });
  const m = createImpactModel(cfg.impact, impactMarketFromConfig(cfg));
  close(m.trade(5, 0.1, 1), 100 * 5 * (0.001 + 2e-5 * 5 / 0.1));
  close(m.offset(1), 5e-4);
  close(m.trade(-2, 0.5, 50), 100 * 2 * (0.001 + 2e-5 * 2 / 0.5));
  close(m.offset(1e6), 3e-4); // permanent: no decay
  assert.equal(m.trade(0, 0.1, 60), 0);
  m.reset();
  assert.equal(m.offset(0), 0);
});

Deno.test("transient model: exponential decay with the half-life, O(1) sum equals brute force", () => {
  const cfg = parseEnvConfig({
    impact: { model: "transient", transientPerLot: 1e-3, halfLife: 4 },
  });
  const m = createImpactModel(cfg.impact, { sigmaDaily: 2, lotSize: 100 });
  const cost = m.trade(3, 0.1, 10);
  close(cost, 100 * 3 * (3e-3) / 2); // average of pre (0) and post (3e-3) offsets × 300 shares
  close(m.offset(10), 3e-3);
  close(m.offset(14), 1.5e-3);
  close(m.offset(18), 0.75e-3);
  const rng = new Rng("transient");
  m.reset();
  const trades: [number, number][] = [];
  let t = 0;
  for (let i = 0; i < 200; i++) {
    t += rng.exponential(2);
    const n = rng.int(11) - 5;
    const pre = m.offset(t);
    const c = m.trade(n, 0.1, t);
    close(c, 100 * Math.abs(n) * Math.abs(m.offset(t) - pre) / 2, 1e-9);
    trades.push([t, n]);
  }
  const at = t + 3;
  let brute = 0;
  for (const [ti, n] of trades) brute += 1e-3 * n * Math.pow(0.5, (at - ti) / 4);
  close(m.offset(at), brute, 1e-9);
});

Deno.test("sqrt model: cost lotSize·|n|·Y·σ_d·√(|n|/V), offset sgn(n)·I decaying", () => {
  const cfg = parseEnvConfig({
    volatility: 0.02,
    initialPrice: 100,
    impact: { model: "sqrt", sqrtY: 0.5, dailyVolume: 1e6, halfLife: 2 },
  });
  const market = impactMarketFromConfig(cfg);
  assert.equal(market.sigmaDaily, 2);
  const m = createImpactModel(cfg.impact, market);
  const i = sqrtImpact(0.5, 2, 4, 1e6);
  close(m.trade(-4, 0.1, 0), 100 * 4 * i);
  close(m.offset(0), -i);
  close(m.offset(2), -i / 2);
});

Deno.test("none model and bad input", () => {
  const none = createImpactModel(parseEnvConfig({ impact: { model: "none" } }).impact, {
    sigmaDaily: 1,
    lotSize: 1,
  });
  assert.equal(none.trade(10, 0.1, 0), 0);
  assert.equal(none.offset(1), 0);
  const ac = createImpactModel(parseEnvConfig().impact, { sigmaDaily: 1, lotSize: 1 });
  assert.throws(
    () => ac.trade(1, 0, 0),
    (e: unknown) => e instanceof ValidationError && e.field === "dt",
  );
  assert.throws(
    () => createImpactModel(parseEnvConfig().impact, { sigmaDaily: 1, lotSize: 0 }),
    (e: unknown) => e instanceof ValidationError && e.field === "lotSize",
  );
});
