import assert from "node:assert/strict";
import { PpoTrainer } from "../../lib/rl/trainer.ts";
import type { TrainConfigInput } from "../../lib/rl/config.ts";
import { mlpForward } from "../../lib/rl/mlp.ts";
import { normalizeRows } from "../../lib/rl/running_stats.ts";
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
  // Greedy policy (the plain TypeScript forward pass on the learner's weights): the bid
  // offset tracks the target shown in obs[0].
  const env = t.env;
  const mu = new Float64Array(env.numEnvs * 4);
  const norm = new Float64Array(env.numEnvs * 9);
  normalizeRows(t.obsRms, env.observations, env.numEnvs, 10, norm);
  mlpForward(t.learner.snapshot().actor, norm, env.numEnvs, mu, new Float64Array(128));
  let err = 0;
  for (let i = 0; i < env.numEnvs; i++) err += Math.abs(mu[i * 4] - env.observations[i * 9]);
  assert.ok(err / env.numEnvs < 0.25, `mean |mean action − target| = ${err / env.numEnvs}`);
  t.dispose();
});

Deno.test("lr anneals linearly; same seed, same run, whatever the number of gradient threads", async () => {
  const cfg: TrainConfigInput = {
    ...TINY,
    totalTimesteps: 8 * 128 * 12,
    ppo: { numEnvs: 8, nSteps: 128, minibatchSize: 512, epochs: 2 },
  };
  const lrs: number[] = [];
  const lines: string[] = [];
  const a = await PpoTrainer.create(cfg, {
    envFactory: tinyFactory,
    threads: 1,
    onUpdate: (p) => {
      lrs.push(p.learningRate);
      lines.push(JSON.stringify({ ...p, fps: 0, rolloutSeconds: 0, updateSeconds: 0 }));
    },
  });
  await a.train();
  assert.equal(lrs.length, 12);
  assert.ok(Math.abs(lrs[0] - 1e-3) < 1e-12 && Math.abs(lrs[6] - 0.5e-3) < 1e-12, `${lrs}`);
  const other: string[] = [];
  const b = await PpoTrainer.create(cfg, {
    envFactory: tinyFactory,
    threads: 2,
    maxUpdates: 12,
    onUpdate: (p) =>
      other.push(JSON.stringify({ ...p, fps: 0, rolloutSeconds: 0, updateSeconds: 0 })),
  });
  assert.equal(b.learner.threads, 2);
  await b.train();
  assert.deepEqual(other, lines);
  assert.deepEqual(b.learner.parameters(), a.learner.parameters());
  assert.deepEqual(b.learner.optimizerState(), a.learner.optimizerState());
  a.dispose();
  b.dispose();
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

Deno.test("the first minibatch of an update sees ratio 1 exactly (rollout and update share the log-density)", async () => {
  const kls: number[] = [];
  const t = await PpoTrainer.create({
    ...TINY,
    totalTimesteps: 16 * 64,
    ppo: { numEnvs: 16, nSteps: 64, minibatchSize: 1024, epochs: 1 },
  }, { envFactory: tinyFactory, onUpdate: (p) => kls.push(p.approxKl, p.clipFraction) });
  await t.train();
  assert.deepEqual(kls, [0, 0]);
  t.dispose();
});
