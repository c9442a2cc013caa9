import assert from "node:assert/strict";
import { AvellanedaStoikovAgent } from "../../lib/agents/avellaneda_stoikov.ts";
import { GlftAgent } from "../../lib/agents/glft.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { makeVecEnv } from "../../lib/env/make.ts";
import { CheckpointError } from "../../lib/errors.ts";
import { loadCheckpoint } from "../../lib/rl/checkpoint.ts";
import { parseTrainConfig } from "../../lib/rl/config.ts";
import { PpoPolicy } from "../../lib/rl/policy.ts";
import { ResidualActionMap } from "../../lib/rl/residual.ts";
import { PpoTrainer } from "../../lib/rl/trainer.ts";
import { tuneBaseAgent } from "../../lib/backtest/fair_params.ts";

const PARAMS = { gamma: 0.5, A: 2, k: 60, sigma: 0.013 };
const RESIDUAL = {
  enabled: true,
  base: "avellaneda-stoikov" as const,
  offsetTicks: 4,
  calibrationEpisodes: 2,
  params: PARAMS,
};

function marketView(n: number) {
  const cfg = parseEnvConfig({ tier: "model", duration: 20 });
  const env = makeVecEnv(cfg, n);
  env.reset(Array.from({ length: n }, (_, i) => 100 + i));
  // Give the envs different inventories so the AS skew matters.
  for (let i = 0; i < n; i++) env.view.inventory[i] = i - 2;
  return { cfg, env };
}

Deno.test("residual map: action 0 is exactly AS; ±1 moves offsets by ±R ticks; sizes 0…2s", () => {
  const n = 5;
  const { cfg, env } = marketView(n);
  const map = new ResidualActionMap(RESIDUAL, cfg, n);
  const as = new AvellanedaStoikovAgent(PARAMS);
  as.reset({ config: cfg, numEnvs: n, seed: 0 });
  const expected = new Float64Array(n * 4);
  as.act(env.observations, env.view, expected);
  const raw = new Float64Array(n * 4);
  map.toRaw(new Float64Array(n * 4), env.view, n, raw);
  assert.deepEqual(raw, expected);

  const plus = new Float64Array(n * 4).fill(1), minus = new Float64Array(n * 4).fill(-1);
  const hi = new Float64Array(n * 4), lo = new Float64Array(n * 4);
  map.toRaw(plus, env.view, n, hi);
  map.toRaw(minus, env.view, n, lo);
  for (let i = 0; i < n; i++) {
    for (const j of [0, 1]) {
      const base = expected[i * 4 + j];
      assert.equal(hi[i * 4 + j], Math.min(base + 4, cfg.maxOffsetTicks));
      assert.equal(lo[i * 4 + j], Math.max(base - 4, 0));
    }
    for (const j of [2, 3]) {
      assert.equal(hi[i * 4 + j], 2 * expected[i * 4 + j]);
      assert.equal(lo[i * 4 + j], 0);
    }
  }
  // Out-of-box actions are clipped to ±1 first.
  const big = new Float64Array(n * 4).fill(50);
  const clipped = new Float64Array(n * 4);
  map.toRaw(big, env.view, n, clipped);
  assert.deepEqual(clipped, hi);
});

Deno.test("residual map over GLFT: action 0 is exactly GLFT's quotes", () => {
  const n = 5;
  const { cfg, env } = marketView(n);
  const glftParams = { ...PARAMS, gamma: 30 };
  const map = new ResidualActionMap(
    { ...RESIDUAL, base: "glft", params: glftParams },
    cfg,
    n,
  );
  const glft = new GlftAgent(glftParams);
  glft.reset({ config: cfg, numEnvs: n, seed: 0 });
  const expected = new Float64Array(n * 4), raw = new Float64Array(n * 4);
  glft.act(env.observations, env.view, expected);
  map.toRaw(new Float64Array(n * 4), env.view, n, raw);
  assert.deepEqual(raw, expected);
  // GLFT skews with inventory: the env with q = −2 bids closer than the one with q = 2.
  assert.ok(raw[0] < raw[4 * 4], `${raw}`);
});

Deno.test("residual map: refuses to run without calibrated base parameters; defaults", () => {
  const cfg = parseEnvConfig({ tier: "model" });
  assert.throws(
    () => new ResidualActionMap({ ...RESIDUAL, params: null }, cfg, 1),
    (e: unknown) => e instanceof CheckpointError && /residual\.params/.test(e.message),
  );
  assert.equal(parseTrainConfig().residual.enabled, true);
  assert.equal(parseTrainConfig().residual.base, "glft");
  assert.equal(parseTrainConfig().residual.params, null);
});

Deno.test("residual training calibrates AS on training seeds and a zero policy quotes like it", async () => {
  const dir = await Deno.makeTempDir();
  const t = await PpoTrainer.create({
    seed: 4,
    totalTimesteps: 4 * 32 * 2,
    env: { tier: "model", duration: 20 },
    curriculum: { enabled: false },
    residual: { base: "avellaneda-stoikov", calibrationEpisodes: 2 },
    ppo: { numEnvs: 4, nSteps: 32, minibatchSize: 64, epochs: 2 },
  }, { outDir: dir, tuneBase: tuneBaseAgent });
  await t.train();
  t.dispose();
  const state = await loadCheckpoint(dir);
  const p = state.config.residual.params!;
  assert.ok(p.gamma > 0 && p.A > 0 && p.k > 0 && p.sigma > 0, JSON.stringify(p));
  // Zero the actor's output layer: the policy mean is 0, so it must quote exactly like AS.
  const last = state.config.ppo.hiddenSizes.length;
  for (const prm of state.params) {
    if (prm.name === `actor/dense${last}/kernel` || prm.name === `actor/dense${last}/bias`) {
      prm.data.fill(0);
    }
  }
  const policy = new PpoPolicy(state);
  const cfg = parseEnvConfig({ tier: "model", duration: 20 });
  const env = makeVecEnv(cfg, 4);
  env.reset([9, 10, 11, 12]);
  policy.setEnvConfig(cfg, 4);
  const as = new AvellanedaStoikovAgent(p);
  as.reset({ config: cfg, numEnvs: 4, seed: 0 });
  const a = new Float64Array(16), b = new Float64Array(16);
  for (let s = 0; s < 50; s++) {
    policy.act(env.observations, env.view, 4, a);
    as.act(env.observations, env.view, b);
    assert.deepEqual(a, b, `step ${s}`);
    env.step(a);
  }
});
