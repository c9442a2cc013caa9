import assert from "node:assert/strict";
import { ewmaAlpha, FlowEstimator, VolatilityEstimator } from "../../lib/env/estimators.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("ewmaAlpha halves an observation's weight every half-life", () => {
  const a = ewmaAlpha(0.1, 5);
  assert.ok(Math.abs((1 - a) ** 50 - 0.5) < 1e-12);
  assert.throws(() => ewmaAlpha(0, 1), ValidationError);
});

Deno.test("volatility estimator converges to the true σ ($/√s) of Gaussian moves", () => {
  const dt = 0.1, sigma = 0.02;
  const est = new VolatilityEstimator(2, dt, 50);
  est.reset(0, 0.001);
  est.reset(1, 0.5);
  const rng = new Rng("vol");
  for (let t = 0; t < 20_000; t++) {
    est.update(0, sigma * Math.sqrt(dt) * rng.normal());
    est.update(1, 0);
  }
  // EWMA of n_eff ≈ 2·halfLife/(dt·ln2) ≈ 1443 squared normals: relative sd of the
  // variance ≈ √(2/1443) ≈ 3.7%, of σ̂ about half that; allow 5 sd.
  assert.ok(Math.abs(est.sigma[0] / sigma - 1) < 5 * 0.5 * Math.sqrt(2 / 1443), `${est.sigma[0]}`);
  // No moves: the variance decays geometrically, v_n = v_0·(1 − α)^n.
  const expected = Math.sqrt(0.25 * (1 - est.alpha) ** 20_000);
  assert.ok(Math.abs(est.sigma[1] / expected - 1) < 1e-9);
});

Deno.test("flow estimator: ratio of signed to total EWMA volume", () => {
  const f = new FlowEstimator(2, 0.1);
  assert.equal(f.update(0, 0, 0), 0);
  assert.ok(Math.abs(f.update(0, 3, 1) - 0.5) < 1e-12);
  for (let i = 0; i < 1000; i++) f.update(1, 0, 2);
  assert.ok(Math.abs(f.ratio[1] + 1) < 1e-12);
  f.reset(1);
  assert.equal(f.ratio[1], 0);
});
