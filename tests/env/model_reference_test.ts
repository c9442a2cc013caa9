import assert from "node:assert/strict";
import { type EnvConfigInput, parseEnvConfig } from "../../lib/env/config.ts";
import { ModelVecEnv } from "../../lib/env/model_env.ts";
import { defaultModelDynamics, ModelReferenceVecEnv } from "../../lib/env/model_reference.ts";
import type { VecEnv } from "../../lib/env/types.ts";
import { ACT_DIM } from "../../lib/env/types.ts";
import type { MidpriceModel } from "../../lib/market/midprice.ts";
import { Xoshiro128 } from "../../lib/rng/xoshiro.ts";

/** Every array a VecEnv exposes, flattened, for bitwise comparison. */
function snapshot(env: VecEnv): number[] {
  const out: number[] = [];
  for (const col of Object.values(env.columns)) out.push(...col);
  out.push(...env.observations, ...env.rewards, ...env.terminated);
  const v = env.view;
  out.push(...v.mid, ...v.bestBid, ...v.bestAsk, ...v.sigma, ...v.timeLeft);
  return out;
}

function assertSameBits(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

/**
 * Actions from a seeded stream: offsets from −6 to 14 ticks (negative ones only matter with
 * allowCrossing), sizes 0–3 lots, with some repeats so the fused kernel's cache is hit and
 * missed.
 */
function actionStream(n: number, seed: number): () => Float64Array {
  const g = new Xoshiro128(seed, "test-actions");
  const a = new Float64Array(n * ACT_DIM);
  return () => {
    for (let i = 0; i < n; i++) {
      if (g.next() < 0.3) continue; // keep last step's action
      a[i * ACT_DIM] = -6 + 20 * g.next();
      a[i * ACT_DIM + 1] = -6 + 20 * g.next();
      a[i * ACT_DIM + 2] = Math.floor(4 * g.next());
      a[i * ACT_DIM + 3] = g.next() < 0.1 ? 1e9 : Math.floor(4 * g.next());
    }
    return a;
  };
}

function compare(input: EnvConfigInput, n = 12, label = JSON.stringify(input)): void {
  const cfg = parseEnvConfig({ tier: "model", duration: 40, ...input });
  const fast = new ModelVecEnv(cfg, n);
  const ref = new ModelReferenceVecEnv(cfg, n);
  const seeds = Array.from({ length: n }, (_, i) => 1000 + 7 * i);
  for (let episode = 0; episode < 2; episode++) {
    assertSameBits(snapshot(fast), snapshot(ref), `${label} before reset`);
    fast.reset(seeds);
    ref.reset(seeds);
    assertSameBits(snapshot(fast), snapshot(ref), `${label} reset`);
    const next = actionStream(n, 17 + episode);
    for (let t = 0; !fast.terminated[0]; t++) {
      const a = next();
      fast.step(a);
      ref.step(a);
      assertSameBits(snapshot(fast), snapshot(ref), `${label} step ${t}`);
    }
  }
}

// Regime rates high enough that every episode jumps several times.
const BUSY_REGIMES = {
  rates: [[0, 0.3, 0.1], [0.3, 0, 0.2], [0.4, 0.4, 0]],
  initial: "stationary" as const,
};

Deno.test("fused kernel = composed reference, bit for bit: default market", () => {
  compare({});
});

Deno.test("fused kernel = composed reference: regimes, fees, crossing quotes, both fill rules", () => {
  compare({
    regimes: BUSY_REGIMES,
    fees: { makerRate: -0.0002 },
    model: { A: 30, allowCrossing: true, fillRule: "linear" },
    maxInventory: 4,
  });
  compare({
    regimes: BUSY_REGIMES,
    fees: { makerRate: 0.001 },
    model: { A: 30, fillRule: "exact" },
  });
});

Deno.test("fused kernel = composed reference: every impact model", () => {
  for (const model of ["none", "almgren-chriss", "sqrt", "transient"] as const) {
    compare({ impact: { model, permanent: 1e-3, halfLife: 0.7 }, model: { A: 25 } }, 8, model);
  }
});

Deno.test("fused kernel = composed reference: binomial mid, fills against the moved mid", () => {
  compare({
    model: { priceModel: "binomial", fillReference: "end", allowCrossing: true, A: 40 },
    regimes: BUSY_REGIMES,
  });
  compare({ model: { fillReference: "end" }, impact: { model: "transient" } });
});

Deno.test("one regime, absorbing chain and an initial regime index", () => {
  compare({
    regimes: { names: ["x"], volMultipliers: [1], flowMultipliers: [1], rates: [[0]], initial: 0 },
  });
  compare({ regimes: { rates: [[0, 0, 0], [1, 0, 0], [1, 1, 0]], initial: 2 } });
});

Deno.test("a midprice model defined outside the library runs in the reference env", () => {
  // A deterministic drift of one cent a step and no randomness: the mid is a straight line.
  const drift: MidpriceModel = { kind: "drift", next: (price) => price + 0.01 };
  const cfg = parseEnvConfig({ tier: "model", duration: 10, impact: { model: "none" } });
  const env = new ModelReferenceVecEnv(cfg, 2, {
    dynamics: (c) => ({ ...defaultModelDynamics(c), midprice: drift }),
  });
  env.reset([1, 2]);
  const a = new Float64Array(2 * ACT_DIM); // no quotes
  for (let t = 1; t <= 50; t++) {
    env.step(a);
    assert.ok(Math.abs(env.columns.mid[1] - (100 + 0.01 * t)) < 1e-9);
  }
  assert.equal(env.dynamics(0).midprice.kind, "drift");
});
