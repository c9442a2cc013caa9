import assert from "node:assert/strict";
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { PpoTrainer } from "../../lib/rl/trainer.ts";
import type { TrainConfigInput } from "../../lib/rl/config.ts";
import { tinyFactory } from "./_tiny_env.ts";

const TINY: TrainConfigInput = {
  seed: 3,
  totalTimesteps: 16 * 64 * 12,
  curriculum: { enabled: false },
  residual: { enabled: false }, // the tiny task needs the whole action box
  env: { tier: "model" },
  ppo: { numEnvs: 16, nSteps: 64, minibatchSize: 256, learningRate: 1e-3 },
};

Deno.test("PPO learns the target-tracking task and its greedy policy tracks the target", async () => {
  const returns: number[] = [];
  const t = await PpoTrainer.create(TINY, {
    envFactory: tinyFactory,
    onUpdate: (p) => returns.push(p.episodeReturn),
  });
  await t.train();
  // Random-ish start: ≈ −0.6 per step (32 steps); a tracking policy gets close to 0.
  assert.ok(returns[0] < -15, `first return ${returns[0]}`);
  assert.ok(returns.at(-1)! > 0.4 * returns[0], `returns ${returns.map((r) => r.toFixed(1))}`);
  // Greedy policy: the bid offset tracks the target shown in obs[0].
  const env = t.env;
  const mu = new Float64Array(env.numEnvs * 4);
  const norm = new Float64Array(env.numEnvs * 9);
  const { normalizeRows } = await import("../../lib/rl/running_stats.ts");
  const { mlpForward } = await import("../../lib/rl/mlp.ts");
  normalizeRows(t.obsRms, env.observations, env.numEnvs, 10, norm);
  mlpForward(t.net.snapshot().actor, norm, env.numEnvs, mu, new Float64Array(128));
  let err = 0;
  for (let i = 0; i < env.numEnvs; i++) err += Math.abs(mu[i * 4] - env.observations[i * 9]);
  assert.ok(err / env.numEnvs < 0.25, `mean |mean action − target| = ${err / env.numEnvs}`);
  t.dispose();
});

Deno.test("tensor count stays flat over many updates; lr anneals linearly; same seed, same run", async () => {
  const cfg: TrainConfigInput = {
    ...TINY,
    totalTimesteps: 4 * 16 * 30,
    ppo: { numEnvs: 4, nSteps: 16, minibatchSize: 32, epochs: 2 },
  };
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  const lrs: number[] = [];
  const a = await PpoTrainer.create(cfg, {
    envFactory: tinyFactory,
    onUpdate: (p) => {
      counts.push(tf.memory().numTensors);
      lrs.push(p.learningRate);
    },
  });
  await a.train();
  assert.equal(counts.length, 30);
  assert.equal(new Set(counts.slice(2)).size, 1, `tensor counts ${counts}`);
  assert.ok(Math.abs(lrs[0] - 1e-3) < 1e-12 && Math.abs(lrs[15] - 0.5e-3) < 1e-12, `${lrs}`);
  const b = await PpoTrainer.create(cfg, { envFactory: tinyFactory, maxUpdates: 30 });
  await b.train();
  assert.deepEqual(b.net.parameters(), a.net.parameters());
  a.dispose();
  b.dispose();
  assert.equal(tf.memory().numTensors, before, "every tensor freed after dispose");
});

Deno.test("KL early stopping cuts the epoch loop", async () => {
  const epochs: number[] = [];
  const t = await PpoTrainer.create({
    ...TINY,
    totalTimesteps: 16 * 64 * 3,
    ppo: { numEnvs: 16, nSteps: 64, minibatchSize: 256, learningRate: 3e-3, targetKl: 1e-6 },
  }, { envFactory: tinyFactory, onUpdate: (p) => epochs.push(p.epochs) });
  await t.train();
  assert.ok(epochs.every((e) => e < 10), `epochs ${epochs}`);
  t.dispose();
});
