/**
 * Integration: the Avellaneda–Stoikov paper's own result on the model tier — with the
 * model's true A, k, σ, the AS agent keeps |inventory| lower on average than a symmetric
 * (static-spread) agent quoting the same average spread. Paired over seeds.
 *
 * Guarded: if lib/env/model_env.ts does not exist (yet), the test is reported as ignored.
 */
import assert from "node:assert/strict";
import { AvellanedaStoikovAgent } from "../../lib/agents/avellaneda_stoikov.ts";
import { StaticSpreadAgent } from "../../lib/agents/static_spread.ts";
import { GlftAgent } from "../../lib/agents/glft.ts";
import { calibrateFromEnv } from "../../lib/agents/calibrate_env.ts";
import type { Agent } from "../../lib/agents/types.ts";
import { parseEnvConfig, sigmaPerSqrtSecond } from "../../lib/env/config.ts";
import { ACT, ACT_DIM, type VecEnv } from "../../lib/env/types.ts";
import type { EnvConfig } from "../../lib/env/config.ts";

type EnvCtor = new (cfg: EnvConfig, n: number) => VecEnv;
let ModelVecEnv: EnvCtor | null = null;
try {
  ({ ModelVecEnv } = await import("../../lib/env/model_env.ts") as { ModelVecEnv: EnvCtor });
} catch {
  console.warn("tests/agents/integration_test.ts: lib/env/model_env.ts not available; skipped");
}

// One regime (true A, k, σ are then exactly the config's), no impact, a loose inventory
// limit (so that only the strategy controls inventory), 1-lot quotes.
const cfg = parseEnvConfig({
  tier: "model",
  duration: 300,
  dt: 0.1,
  maxInventory: 10_000,
  maxOffsetTicks: 50,
  regimes: { names: ["normal"], volMultipliers: [1], flowMultipliers: [1], rates: [[0]] },
  impact: { model: "none" },
});
const SEEDS = [11, 12, 13, 14, 15, 16, 17, 18];

interface RunStats {
  meanAbsInventory: Float64Array; // per env (episode)
  meanTotalSpreadTicks: number; // over all envs and steps
}

function run(env: VecEnv, agent: Agent): RunStats {
  const n = env.numEnvs;
  env.reset(SEEDS);
  agent.reset({ config: env.config, numEnvs: n, seed: 0 });
  const actions = new Float64Array(n * ACT_DIM);
  const absInv = new Float64Array(n);
  let spread = 0, steps = 0;
  for (let done = false; !done;) {
    agent.act(env.observations, env.view, actions);
    for (let i = 0; i < n; i++) {
      spread += actions[i * ACT_DIM + ACT.BID_OFFSET] + actions[i * ACT_DIM + ACT.ASK_OFFSET];
    }
    env.step(actions);
    steps++;
    done = true;
    for (let i = 0; i < n; i++) {
      absInv[i] += Math.abs(env.columns.inventory[i]);
      if (!env.terminated[i]) done = false;
    }
  }
  for (let i = 0; i < n; i++) absInv[i] /= steps;
  return { meanAbsInventory: absInv, meanTotalSpreadTicks: spread / (steps * n) };
}

Deno.test({
  name: "AS keeps |inventory| lower than a symmetric agent of the same average spread (model tier)",
  ignore: ModelVecEnv === null,
  fn() {
    const env = new ModelVecEnv!(cfg, SEEDS.length);
    const as = new AvellanedaStoikovAgent({
      gamma: 0.5,
      k: cfg.model.k,
      A: cfg.model.A,
      sigma: sigmaPerSqrtSecond(cfg),
    });
    const asStats = run(env, as);
    // Same average total spread, centred on the mid instead of on r.
    const half = asStats.meanTotalSpreadTicks / 2;
    const sym = run(env, new StaticSpreadAgent({ halfSpreadTicks: half }));
    assert.ok(Math.abs(sym.meanTotalSpreadTicks / 2 - half) < 1e-9);
    let wins = 0, diff = 0;
    for (let i = 0; i < SEEDS.length; i++) {
      const d = sym.meanAbsInventory[i] - asStats.meanAbsInventory[i];
      diff += d / SEEDS.length;
      if (d > 0) wins++;
    }
    const msg = `AS ${Array.from(asStats.meanAbsInventory, (x) => x.toFixed(2))} vs symmetric ${
      Array.from(sym.meanAbsInventory, (x) => x.toFixed(2))
    } (half-spread ${half.toFixed(2)} ticks)`;
    // Paired: AS lower in (almost) every episode and clearly lower on average.
    assert.ok(wins >= SEEDS.length - 1, msg);
    assert.ok(diff > 0, msg);
  },
});

Deno.test({
  name: "GLFT with the true parameters also beats the symmetric agent on |inventory|",
  ignore: ModelVecEnv === null,
  fn() {
    const env = new ModelVecEnv!(cfg, SEEDS.length);
    const glft = run(env, new GlftAgent({ gamma: 0.5, sigma: sigmaPerSqrtSecond(cfg) }));
    const sym = run(env, new StaticSpreadAgent({ halfSpreadTicks: glft.meanTotalSpreadTicks / 2 }));
    let wins = 0;
    for (let i = 0; i < SEEDS.length; i++) {
      if (glft.meanAbsInventory[i] < sym.meanAbsInventory[i]) wins++;
    }
    assert.ok(wins >= SEEDS.length - 1, `${glft.meanAbsInventory} vs ${sym.meanAbsInventory}`);
  },
});

Deno.test({
  name: "calibrateFromEnv recovers the model tier's A, k, σ",
  ignore: ModelVecEnv === null,
  fn() {
    const seeds = [101, 102, 103, 104, 105, 106, 107, 108];
    const r = calibrateFromEnv((n) => new ModelVecEnv!(cfg, n), seeds);
    assert.ok(r.intensityFitted && r.sigmaFitted);
    assert.ok(Math.abs(r.k - cfg.model.k) <= 4 * r.kStdErr, `k = ${r.k} ± ${r.kStdErr}`);
    assert.ok(Math.abs(r.A / cfg.model.A - 1) < 0.1, `A = ${r.A}`);
    const sigma = sigmaPerSqrtSecond(cfg);
    assert.ok(Math.abs(r.sigma / sigma - 1) < 0.03, `σ = ${r.sigma} vs ${sigma}`);
  },
});

type MakeVecEnv = (cfg: { tier: "book"; duration: number }, n: number) => VecEnv;
let makeVecEnv: MakeVecEnv | null = null;
try {
  ({ makeVecEnv } = await import("../../lib/env/make.ts") as { makeVecEnv: MakeVecEnv });
} catch {
  console.warn("tests/agents/integration_test.ts: lib/env/make.ts not available; skipped");
}

Deno.test({
  name: "calibrateFromEnv on the book tier gives finite, decaying intensities (smoke)",
  ignore: makeVecEnv === null,
  fn() {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const r = calibrateFromEnv((n) => makeVecEnv!({ tier: "book", duration: 120 }, n), seeds);
    for (const v of [r.A, r.k, r.sigma]) assert.ok(v > 0 && Number.isFinite(v), String(v));
    assert.ok(r.intensityFitted && r.sigmaFitted, JSON.stringify(r));
    assert.equal(r.steps, 8 * 1200);
    // Quotes at the touch fill more often per step than the deepest ones.
    const b = r.buckets;
    assert.ok(b[0].fills / b[0].trials > b[b.length - 1].fills / b[b.length - 1].trials);
  },
});
