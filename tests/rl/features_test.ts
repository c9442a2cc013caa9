import assert from "node:assert/strict";
import { loadPpoAgent } from "../../lib/rl/ppo_agent.ts";
import { AvellanedaStoikovAgent } from "../../lib/agents/avellaneda_stoikov.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { makeVecEnv } from "../../lib/env/make.ts";
import { FeatureBuilder } from "../../lib/rl/features.ts";
import { PpoTrainer } from "../../lib/rl/trainer.ts";

Deno.test("FeatureBuilder: observation plus the AS quote offsets mapped to [-1, 1]", () => {
  const cfg = parseEnvConfig({ tier: "model", duration: 20 });
  const env = makeVecEnv(cfg, 2);
  env.reset([1, 2]);
  env.step(Float64Array.of(2, 2, 1, 1, 3, 3, 1, 1));
  const fb = new FeatureBuilder(true, cfg, 2);
  assert.equal(fb.dim, 11);
  const x = new Float64Array(22);
  fb.build(env.observations, env.view, 2, x);
  const as = new AvellanedaStoikovAgent();
  as.reset({ config: cfg, numEnvs: 2, seed: 0 });
  const q = new Float64Array(8);
  as.act(env.observations, env.view, q);
  for (let r = 0; r < 2; r++) {
    assert.deepEqual([...x.subarray(r * 11, r * 11 + 9)], [
      ...env.observations.subarray(r * 9, r * 9 + 9),
    ]);
    assert.ok(Math.abs(x[r * 11 + 9] - (q[r * 4] / 10 - 1)) < 1e-12);
    assert.ok(Math.abs(x[r * 11 + 10] - (q[r * 4 + 1] / 10 - 1)) < 1e-12);
  }
  const plain = new FeatureBuilder(false, cfg, 2);
  assert.equal(plain.dim, 9);
});

Deno.test("asFeatures: trains on the model tier and the saved agent uses the same features", async () => {
  const dir = await Deno.makeTempDir();
  const t = await PpoTrainer.create({
    seed: 2,
    totalTimesteps: 4 * 32 * 2,
    env: { tier: "model", duration: 20 },
    ppo: { asFeatures: true, numEnvs: 4, nSteps: 32, minibatchSize: 64, epochs: 2 },
    residual: { enabled: false },
  }, { outDir: dir });
  await t.train();
  assert.equal(t.learner.spec.obsDim, 11);
  const agent = await loadPpoAgent(dir);
  const cfg = parseEnvConfig({ tier: "model", duration: 20 });
  const env = makeVecEnv(cfg, 4);
  env.reset([5, 6, 7, 8]);
  agent.reset({ config: cfg, numEnvs: 4, seed: 0 });
  const out = new Float64Array(16);
  for (let s = 0; s < 5; s++) {
    agent.act(env.observations, env.view, out);
    assert.ok(out.every(Number.isFinite));
    env.step(out);
  }
  t.dispose();
});
