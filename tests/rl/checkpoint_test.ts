import assert from "node:assert/strict";
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { loadPpoAgent, registerPpoAgent } from "../../lib/rl/ppo_agent.ts";
import { createAgent } from "../../lib/agents/registry.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { makeVecEnv } from "../../lib/env/make.ts";
import { CheckpointError, NotAvailableError, ValidationError } from "../../lib/errors.ts";
import { initBackend } from "../../lib/rl/backend.ts";
import { loadCheckpoint } from "../../lib/rl/checkpoint.ts";
import type { TrainConfigInput } from "../../lib/rl/config.ts";
import { NonFiniteError } from "../../lib/rl/learner.ts";
import { fileIOHandler } from "../../lib/rl/tfjs_io.ts";
import { PpoTrainer } from "../../lib/rl/trainer.ts";
import { ppoHeldOut } from "../../lib/backtest/compare.ts";
import { evaluationSeeds } from "../../lib/backtest/seeds.ts";
import { nanRewardFactory, tinyFactory } from "./_tiny_env.ts";

// Episodes of 32 steps and rollouts of 12: checkpoints fall inside episodes.
const CFG: TrainConfigInput = {
  seed: 5,
  totalTimesteps: 4 * 12 * 9,
  curriculum: { enabled: false },
  residual: { enabled: false }, // the tiny task needs the whole action box
  env: { tier: "model" },
  checkpointEvery: 2,
  ppo: { numEnvs: 4, nSteps: 12, minibatchSize: 16, epochs: 2 },
};

async function trained(dir: string, maxUpdates?: number): Promise<PpoTrainer> {
  const t = await PpoTrainer.create(CFG, { outDir: dir, envFactory: tinyFactory, maxUpdates });
  await t.train();
  return t;
}

/** Every file of `dir` with its bytes. */
async function files(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const e of Deno.readDir(dir)) out.set(e.name, await Deno.readFile(`${dir}/${e.name}`));
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

function assertSameFiles(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): void {
  assert.deepEqual([...b.keys()], [...a.keys()]);
  for (const [name, bytes] of a) assert.deepEqual(b.get(name), bytes, name);
}

Deno.test("checkpoint: an interrupted and resumed run writes the same bytes as an uninterrupted one", async () => {
  const whole = await Deno.makeTempDir();
  (await trained(whole)).dispose();
  const names = [...(await files(whole)).keys()];
  assert.deepEqual(names, [
    "checkpoint.json",
    "episode-9.bin",
    "metrics.jsonl",
    "model.json",
    "optimizer-9.bin",
    "weights-9.bin",
  ]);
  const lines = (await Deno.readTextFile(`${whole}/metrics.jsonl`)).trim().split("\n");
  assert.deepEqual(lines.map((l) => JSON.parse(l).update), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(JSON.parse(lines[8]).episodes, 12); // 3 batches of 4 episodes finished
  // Interrupted after 3 updates (checkpoint at 2, one more line in the log), resumed twice.
  const parts = await Deno.makeTempDir();
  (await trained(parts, 3)).dispose();
  const mid = await loadCheckpoint(parts);
  assert.equal(mid.update, 2);
  assert.ok(mid.episode.step > 0, "the checkpoint falls inside an episode");
  let t = await PpoTrainer.resume(parts, { envFactory: tinyFactory, maxUpdates: 3 });
  assert.equal(t.update, 2);
  await t.train();
  t.dispose();
  t = await PpoTrainer.resume(parts, { envFactory: tinyFactory, threads: 2 });
  await t.train();
  t.dispose();
  assertSameFiles(await files(whole), await files(parts));
  // A longer run resumed from the end continues its schedule from the saved state.
  const more = await PpoTrainer.resume(whole, { envFactory: tinyFactory }, 4 * 12 * 11);
  assert.equal(more.totalUpdates, 11);
  await more.train();
  more.dispose();
  assert.equal((await loadCheckpoint(whole)).update, 11);
});

Deno.test("checkpoint: a fresh run never replaces a run in its directory unless forced", async () => {
  const dir = await Deno.makeTempDir();
  (await trained(dir, 2)).dispose();
  const before = await files(dir);
  await assert.rejects(
    () => PpoTrainer.create(CFG, { outDir: dir, envFactory: tinyFactory }),
    (e: unknown) => {
      assert.ok(e instanceof ValidationError, String(e));
      assert.equal(e.field, "outDir");
      assert.match(e.message, /holds the model of update 2: resume it, or force/);
      return true;
    },
  );
  assertSameFiles(before, await files(dir));
  await assert.rejects(
    () => PpoTrainer.create(CFG, { outDir: "" }),
    /outDir: expected a directory path/,
  );
  const file = await Deno.makeTempFile();
  await assert.rejects(
    () => PpoTrainer.create(CFG, { outDir: file }),
    /outDir: expected a directory \(it is a file\)/,
  );
  const t = await PpoTrainer.create({ ...CFG, seed: 6 }, {
    outDir: dir,
    force: true,
    envFactory: tinyFactory,
    maxUpdates: 2,
  });
  await t.train();
  t.dispose();
  assert.equal((await loadCheckpoint(dir)).config.seed, 6);
  assert.equal((await Deno.readTextFile(`${dir}/metrics.jsonl`)).trim().split("\n").length, 2);
});

Deno.test("checkpoint: a non-finite update aborts, names the last good checkpoint and leaves it intact", async () => {
  const dir = await Deno.makeTempDir();
  // NaN rewards from the 5th rollout step of update 5 on (4 updates of 12 steps before it).
  const t = await PpoTrainer.create(CFG, { outDir: dir, envFactory: nanRewardFactory(4 * 12 + 5) });
  await assert.rejects(() => t.train(), (e: unknown) => {
    assert.ok(e instanceof NonFiniteError, String(e));
    assert.match(e.message, /^update 5 of 9 aborted: non-finite loss/);
    assert.match(e.message, new RegExp(`last good checkpoint \\(update 4\\) in ${dir} is kept`));
    return true;
  });
  t.dispose();
  const state = await loadCheckpoint(dir);
  assert.equal(state.update, 4);
  const resumed = await PpoTrainer.resume(dir, { envFactory: tinyFactory });
  assert.equal(resumed.update, 4);
  resumed.dispose();
});

Deno.test("checkpoint: every field is validated and named; edits break the digest of their section", async () => {
  const dir = await Deno.makeTempDir();
  (await trained(dir, 4)).dispose();
  const ck = `${dir}/checkpoint.json`;
  const good = await Deno.readTextFile(ck);
  const rec = JSON.parse(good);
  const expectError = async (edit: (r: Record<string, unknown>) => unknown, re: RegExp) => {
    const r = structuredClone(rec);
    edit(r);
    await Deno.writeTextFile(ck, JSON.stringify(r));
    await assert.rejects(
      () => PpoTrainer.resume(dir, { envFactory: tinyFactory }),
      (e: unknown) => {
        assert.ok(e instanceof CheckpointError, String(e));
        assert.match(e.message, re);
        assert.ok(!e.message.includes("\n"), "one line");
        return true;
      },
    );
  };
  type R = Record<string, Record<string, unknown>>;
  await expectError(
    (r) => (r.update = -5),
    /checkpoint\.json: update: expected a value >= 0, got -5/,
  );
  await expectError((r) => (r.timesteps = 1e300), /timesteps: expected a value <= /);
  await expectError(
    (r) => (r.timesteps = 4 * 48 + 1),
    /timesteps: expected update·numEnvs·nSteps = 192/,
  );
  await expectError((r) => (r.update = 3), /timesteps: expected update·numEnvs·nSteps = 144/);
  await expectError(
    (r) => (r.learningRate = 0.5),
    /learningRate: expected .* \(the schedule at update 4\)/,
  );
  await expectError(
    (r) => ((r as R).obsRms.count = -3),
    /obsRms\.count: expected a value > 0, got -3/,
  );
  await expectError(
    (r) => ((r as R).rewardRms.var = [-1]),
    /rewardRms\.var\.0: expected a value >= 0/,
  );
  await expectError((r) => ((r as R).obsRms.mean = [1]), /obsRms: expected 9 means and variances/);
  await expectError((r) => (r.episodes = 5), /episodes: expected episodeBatch·numEnvs/);
  await expectError((r) => (r.stageIndex = 3), /stageIndex: expected an integer in \[0, 0\]/);
  await expectError((r) => (r.extra = 1), /checkpoint\.json: extra: expected a known field/);
  await expectError(
    (r) => ((r as R).episode.step = 5000),
    /episode\.step: expected an integer in \[0, 2999\]/,
  );
  await expectError(
    (r) => (((r as R).config.ppo as Record<string, unknown>).numEnvs = 8),
    /config\.ppo\.numEnvs: 8 environments, but the saved episode state has 4/,
  );
  await expectError((r) => ((r as R).config.seed = 6), /config\.seed: does not match its digest/);
  await expectError(
    (r) => ((r as R).config.ppo as Record<string, unknown>).gamma = 0.98,
    /config\.ppo: does not match its digest/,
  );
  await expectError(
    (r) => (((r as R).config.ppo as Record<string, unknown>).gamma = 2),
    /config\.ppo\.gamma: expected a value <= 1, got 2/,
  );
  await expectError((r) => (r.lastReturn = -1), /lastReturn: does not match its digest/);
  await expectError(
    (r) => ((r as R).digests["config.seed"] = "0".repeat(64)),
    /config\.seed: does not match its digest/,
  );
  await expectError((r) => (r.digest = "0".repeat(64)), /digest: does not match the record/);
  await expectError(
    (r) => (r.version = 1),
    /version: expected 2, got 1 \(a checkpoint from before exact resume/,
  );
  await Deno.writeTextFile(ck, good.slice(0, 100));
  await assert.rejects(() => loadCheckpoint(dir), /not valid JSON/);
  await Deno.writeTextFile(ck, "42");
  await assert.rejects(() => loadCheckpoint(dir), /expected a JSON object/);
  await Deno.writeTextFile(ck, good);
  // Binary files: any flipped byte, truncation or removal is caught.
  for (const key of ["weights", "optimizer"]) {
    const path = `${dir}/${rec[key].path}`;
    const bytes = await Deno.readFile(path);
    const bad = bytes.slice();
    bad[10] ^= 0xff;
    await Deno.writeFile(path, bad);
    await assert.rejects(() => loadCheckpoint(dir), /sha256: does not match/);
    await Deno.writeFile(path, bytes.subarray(0, 100));
    await assert.rejects(() => loadCheckpoint(dir), CheckpointError);
    await Deno.remove(path);
    await assert.rejects(() => loadCheckpoint(dir), /cannot read/);
    await Deno.writeFile(path, bytes);
  }
  const ep = `${dir}/${rec.episode.actions.path}`;
  const epBytes = await Deno.readFile(ep);
  await Deno.writeFile(ep, epBytes.subarray(8));
  await assert.rejects(() => loadCheckpoint(dir), /size: \d+ bytes, expected/);
  await Deno.writeFile(ep, epBytes);
  // The training log must still hold the prefix the checkpoint covers.
  const log = await Deno.readTextFile(`${dir}/metrics.jsonl`);
  await Deno.writeTextFile(`${dir}/metrics.jsonl`, log.replace('"update":1', '"update":7'));
  await assert.rejects(
    () => PpoTrainer.resume(dir, { envFactory: tinyFactory }),
    /metrics\.jsonl: its first \d+ bytes do not match the checkpoint's digest/,
  );
  await Deno.writeTextFile(`${dir}/metrics.jsonl`, log.slice(0, 50));
  await assert.rejects(() => PpoTrainer.resume(dir, { envFactory: tinyFactory }), /shorter than/);
  await Deno.writeTextFile(`${dir}/metrics.jsonl`, log);
  (await PpoTrainer.resume(dir, { envFactory: tinyFactory })).dispose();
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

Deno.test("a checkpoint's model.json is tfjs model artifacts whose weights match the checkpoint", async () => {
  await initBackend();
  const dir = await Deno.makeTempDir();
  (await trained(dir, 2)).dispose();
  const artifacts = await fileIOHandler(dir).load!();
  assert.equal(artifacts.format, "alpe-ppo-actor-critic");
  const state = await loadCheckpoint(dir);
  const data = new Float32Array(artifacts.weightData as ArrayBuffer);
  let o = 0;
  for (const p of state.params) {
    assert.deepEqual(data.subarray(o, o + p.data.length), p.data, p.name);
    o += p.data.length;
  }
  assert.equal(o, data.length);
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

// The documented recipes (docs/training.md): the training seed and the config file whose reward
// the model trained with.
const SHIPPED = [
  { dir: "data/models/ppo", seed: 4, config: "data/configs/ppo_shipped.json" },
  { dir: "data/models/ppo_low_inventory", seed: 1, config: "data/configs/ppo_low_inventory.json" },
];
for (const { dir, seed, config } of SHIPPED) {
  Deno.test(`the shipped model ${dir}: its documented recipe, 1M timesteps, residual over GLFT, held out from compare's seeds, quotes within bounds`, async () => {
    const state = await loadCheckpoint(dir);
    assert.ok(state.timesteps >= 1_000_000, `${state.timesteps} timesteps`);
    assert.equal(state.config.residual.enabled, true);
    assert.equal(state.config.residual.base, "glft");
    assert.equal(state.config.seed, seed);
    const recipe = JSON.parse(await Deno.readTextFile(config));
    assert.equal(parseEnvConfig(state.config.env).reward.inventory, recipe.env.reward.inventory);
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
