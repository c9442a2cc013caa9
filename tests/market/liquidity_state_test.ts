import assert from "node:assert/strict";
import { fitLiquidityState } from "../../lib/calibration/fit_liquidity_state.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";
import { resolveMarket } from "../../lib/env/markets.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import {
  createLiquidityState,
  liquidityStateConfigSchema,
  OuLiquidityState,
} from "../../lib/market/liquidity_state.ts";
import { Rng } from "../../lib/rng/rng.ts";

const amzn = (await resolveMarket("amzn-shares")).config as unknown as Record<string, unknown>;
const withState = (liquidity: Record<string, unknown> | undefined) => ({
  ...amzn,
  flow: { ...(amzn.flow as Record<string, unknown>), ...(liquidity ? { liquidity } : {}) },
});

Deno.test("liquidity state: off by default, and sigma 0 is off bit for bit", () => {
  assert.equal(liquidityStateConfigSchema.parse({}).sigma, 0);
  assert.equal(createLiquidityState(liquidityStateConfigSchema.parse({})), undefined);
  const a = simulateRecords(withState(undefined), { seconds: 300, seed: 4 });
  const b = simulateRecords(withState({ sigma: 0, timeScale: 60 }), { seconds: 300, seed: 4 });
  assert.deepEqual(a[0].moTime, b[0].moTime);
  assert.deepEqual(a[0].qTime, b[0].qTime);
  assert.deepEqual(a[0].ask, b[0].ask);
});

Deno.test("liquidity state: the factor's law is log-normal with mean 1 and the OU autocorrelation, whatever the query times", () => {
  const sigma = 0.4, tau = 100;
  const m = new OuLiquidityState({ sigma, timeScale: tau });
  const rng = new Rng(11);
  const n = 20_000;
  let s = 0, s2 = 0, c = 0;
  for (let e = 0; e < n; e++) {
    m.reset(5, rng);
    const a = Math.log(m.factor(5, rng)) + sigma * sigma / 2;
    // reaching t + 50 in uneven steps is the same law as one step (exact transitions)
    for (const t of [5.3, 17, 31.5, 55]) m.factor(t, rng);
    const b = Math.log(m.factor(55, rng)) + sigma * sigma / 2;
    s += Math.exp(a - sigma * sigma / 2);
    s2 += b * b;
    c += a * b;
  }
  assert.ok(Math.abs(s / n - 1) < 0.01, `mean factor ${s / n}`);
  assert.ok(Math.abs(s2 / n - sigma * sigma) < 0.006, `variance ${s2 / n}`);
  const rho = c / n / (sigma * sigma);
  assert.ok(Math.abs(rho - Math.exp(-50 / tau)) < 0.03, `autocorrelation ${rho}`);
  // a query at the same time draws nothing and returns the same factor
  m.reset(0, rng);
  const f = m.factor(1, rng);
  const probe = new Rng(1);
  assert.equal(m.factor(1, probe), f);
  assert.equal(probe.next(), new Rng(1).next());
});

Deno.test("liquidity state: the simulated spread wanders over minutes as the state does, and its fit sees it", () => {
  const seconds = 4 * 3_600;
  const run = (liquidity?: Record<string, unknown>) =>
    fitLiquidityState(
      simulateRecords({ ...withState(liquidity), duration: 3_600 }, { seconds, seed: 2 }),
    )!;
  const off = run();
  const on = run({ sigma: 0.5, timeScale: 900 });
  // the spread's slow part grows with the state, and lasts for minutes
  assert.ok(on.sigma > off.sigma + 0.1, `σ̂ ${on.sigma} with the state, ${off.sigma} without`);
  assert.ok(on.autocovariance[4] > 2 * Math.max(0.005, off.autocovariance[4]));
  assert.ok(on.timeScale > 120, `τ̂ ${on.timeScale} s`);
  // the config validates with the state and keeps it
  assert.deepEqual(
    parseEnvConfig(withState({ sigma: 0.5, timeScale: 900 }) as never).flow.liquidity,
    { sigma: 0.5, timeScale: 900 },
  );
});
