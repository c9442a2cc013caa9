import assert from "node:assert/strict";
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { loadPpoAgent, registerPpoAgent } from "../../lib/rl/ppo_agent.ts";
import { createAgent } from "../../lib/agents/registry.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { makeVecEnv } from "../../lib/env/make.ts";
import { CheckpointError, NotAvailableError } from "../../lib/errors.ts";
import { initBackend } from "../../lib/rl/backend.ts";
import { fileIOHandler, loadCheckpoint } from "../../lib/rl/checkpoint.ts";
import type { TrainConfigInput } from "../../lib/rl/config.ts";
import { PpoTrainer } from "../../lib/rl/trainer.ts";
import { ppoHeldOut } from "../../lib/backtest/compare.ts";
import { evaluationSeeds } from "../../lib/backtest/seeds.ts";
import { tinyFactory } from "./_tiny_env.ts";

const CFG: TrainConfigInput = {
  seed: 5,
  totalTimesteps: 4 * 16 * 6,
  curriculum: { enabled: false },
  residual: { enabled: false }, // the tiny task needs the whole action box
  env: { tier: "model" },
  checkpointEvery: 2,
  ppo: { numEnvs: 4, nSteps: 16, minibatchSize: 32, epochs: 2 },
};

async function trained(dir: string, maxUpdates?: number): Promise<PpoTrainer> {
  const t = await PpoTrainer.create(CFG, { outDir: dir, envFactory: tinyFactory, maxUpdates });
  await t.train();
  return t;
}

Deno.test("checkpoint: resume continues the counters with the saved weights and Adam state", async () => {
  const dir = await Deno.makeTempDir();
  const a = await trained(dir, 4); // checkpoints at updates 2 and 4
  const saved = a.net.parameters();
  const b = await PpoTrainer.resume(dir, { envFactory: tinyFactory });
  assert.equal(b.update, 4);
  assert.equal(b.timesteps, 4 * 64);
  assert.deepEqual(b.net.parameters(), saved);
  assert.deepEqual(b.obsRms.toJSON(), a.obsRms.toJSON());
  const optA = await a.learner.optimizerState(), optB = await b.learner.optimizerState();
  assert.deepEqual(optB, optA);
  assert.equal(optB.find((o) => o.name === "optimizer/iter")!.data[0], 4 * 2 * 2);
  await b.train();
  assert.equal(b.update, 6);
  assert.equal((await loadCheckpoint(dir)).update, 6);
  const lines = (await Deno.readTextFile(`${dir}/metrics.jsonl`)).trim().split("\n");
  assert.deepEqual(lines.map((l) => JSON.parse(l).update), [1, 2, 3, 4, 5, 6]);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(files, [
    "checkpoint.json",
    "metrics.jsonl",
    "model.json",
    "optimizer-6.bin",
    "weights-6.bin",
  ]);
  a.dispose();
  b.dispose();
});

Deno.test("checkpoint: corrupt or mismatched files fail with CheckpointError", async () => {
  const dir = await Deno.makeTempDir();
  (await trained(dir, 2)).dispose();
  const ck = `${dir}/checkpoint.json`;
  const good = await Deno.readTextFile(ck);
  const expectError = async (text: string, re: RegExp) => {
    await Deno.writeTextFile(ck, text);
    await assert.rejects(
      () => PpoTrainer.resume(dir, { envFactory: tinyFactory }),
      (e: unknown) => {
        assert.ok(e instanceof CheckpointError, String(e));
        assert.match(e.message, re);
        return true;
      },
    );
  };
  await expectError(good.slice(0, 100), /not valid JSON/);
  const rec = JSON.parse(good);
  await expectError(JSON.stringify({ ...rec, envObsDim: 7 }), /dims 7\/4 differ/);
  await expectError(JSON.stringify({ ...rec, obsDim: 11 }), /input width 11/);
  await expectError(
    JSON.stringify({
      ...rec,
      config: { ...rec.config, ppo: { ...rec.config.ppo, hiddenSizes: [32, 32] } },
    }),
    /expected actor\/dense0\/kernel \[9,32\]/,
  );
  await expectError(JSON.stringify({ ...rec, obsRms: { ...rec.obsRms, mean: [1] } }), /obsRms/);
  await expectError(
    JSON.stringify({ ...rec, config: { ...rec.config, ppo: { gamma: 2 } } }),
    /ppo\.gamma/,
  );
  await Deno.writeTextFile(ck, good);
  const wpath = `${dir}/${rec.weights.path}`;
  const bytes = await Deno.readFile(wpath);
  bytes[10] ^= 0xff;
  await Deno.writeFile(wpath, bytes);
  await assert.rejects(() => loadCheckpoint(dir), CheckpointError);
  await Deno.writeFile(wpath, bytes.subarray(0, 100));
  await assert.rejects(() => loadCheckpoint(dir), CheckpointError);
  await Deno.remove(wpath);
  await assert.rejects(() => loadCheckpoint(dir), /cannot read/);
});

Deno.test("fileIOHandler round-trips a tfjs LayersModel in tfjs's format", async () => {
  await initBackend();
  const dir = await Deno.makeTempDir();
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  await model.save(fileIOHandler(dir));
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  assert.deepEqual(json.weightsManifest[0].paths, ["weights.bin"]);
  const again = await tf.loadLayersModel(fileIOHandler(dir));
  const x = tf.ones([1, 3]);
  const y1 = (model.predict(x) as tf.Tensor).dataSync(),
    y2 = (again.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual([...y2], [...y1]);
  tf.dispose([x]);
  model.dispose();
  again.dispose();
});

Deno.test("PpoAgent: missing model → NotAvailableError; loaded agent acts with the policy mean", async () => {
  await assert.rejects(() => loadPpoAgent("/nonexistent/ppo"), NotAvailableError);
  const dir = await Deno.makeTempDir();
  const t = await trained(dir, 2);
  const agent = await loadPpoAgent(dir);
  assert.equal(agent.id, "ppo");
  const cfg = parseEnvConfig({ tier: "model", duration: 10 });
  const env = makeVecEnv(cfg, 3);
  env.reset([1, 2, 3]);
  agent.reset({ config: cfg, numEnvs: 3, seed: 0 });
  const out1 = new Float64Array(12), out2 = new Float64Array(12);
  agent.act(env.observations, env.view, out1);
  agent.act(env.observations, env.view, out2);
  assert.deepEqual(out1, out2);
  // Same as the trainer's own policy mean mapped to raw bounds.
  const mu = new Float64Array(12);
  agent.policy.mean(env.observations, env.view, 3, mu);
  for (let k = 0; k < 12; k++) {
    const j = k % 4;
    const hi = j < 2 ? cfg.maxOffsetTicks : cfg.maxQuoteSize;
    assert.ok(Math.abs(out1[k] - (Math.max(-1, Math.min(1, mu[k])) + 1) / 2 * hi) < 1e-9);
  }
  env.step(out1); // valid raw actions
  await registerPpoAgent(dir);
  const viaRegistry = createAgent("ppo");
  assert.notEqual(viaRegistry, createAgent("ppo"));
  viaRegistry.reset({ config: cfg, numEnvs: 3, seed: 0 });
  viaRegistry.act(env.observations, env.view, out1);
  agent.act(env.observations, env.view, out2);
  assert.deepEqual(out1, out2);
  t.dispose();
});

for (const dir of ["data/models/ppo", "data/models/ppo_low_inventory"]) {
  Deno.test(`the shipped model ${dir}: 1M timesteps, residual over GLFT, held out from compare's seeds, quotes within bounds`, async () => {
    const state = await loadCheckpoint(dir);
    assert.ok(state.timesteps >= 1_000_000, `${state.timesteps} timesteps`);
    assert.equal(state.config.residual.enabled, true);
    assert.equal(state.config.residual.base, "glft");
    assert.equal(state.config.seed, 1);
    const held = await ppoHeldOut(dir, evaluationSeeds(0, 50));
    assert.equal(held.evaluationSeedsSeenInTraining, 0);
    const agent = await loadPpoAgent(dir);
    const cfg = parseEnvConfig({ tier: "book", duration: 10 });
    const env = makeVecEnv(cfg, 2);
    env.reset([1, 2]);
    agent.reset({ config: cfg, numEnvs: 2, seed: 0 });
    const out = new Float64Array(8);
    for (let s = 0; s < 20; s++) {
      agent.act(env.observations, env.view, out);
      for (let k = 0; k < 8; k++) {
        assert.ok(out[k] >= 0 && out[k] <= (k % 4 < 2 ? cfg.maxOffsetTicks : cfg.maxQuoteSize));
      }
      env.step(out);
    }
  });
}
