import assert from "node:assert/strict";
import { Rng } from "../../lib/rng/rng.ts";
import { initBackend } from "../../lib/rl/backend.ts";
import { RolloutBuffer } from "../../lib/rl/buffer.ts";
import { parseTrainConfig, type PpoConfig } from "../../lib/rl/config.ts";
import { NonFiniteError, PpoLearner } from "../../lib/rl/learner.ts";
import { ActorCritic } from "../../lib/rl/network.ts";
import { initialParameters, type NetworkSpec } from "../../lib/rl/params.ts";
import { TfjsPpoLearner } from "../../lib/rl/tfjs_learner.ts";

const spec: NetworkSpec = { obsDim: 9, actDim: 4, hiddenSizes: [64, 64], initLogStd: -0.5 };

/** A buffer of `n` random transitions whose old log-probabilities are near the policy's. */
async function randomBuffer(n: number, seed: string): Promise<RolloutBuffer> {
  const r = new Rng(seed);
  const buf = new RolloutBuffer(n, 1, spec.obsDim, spec.actDim);
  const cfg = parseTrainConfig({ ppo: { numEnvs: 1, nSteps: n, minibatchSize: n } }).ppo;
  const probe = await PpoLearner.create(spec, cfg, perturbed(seed), { threads: 1, inferRows: n });
  for (let i = 0; i < buf.obs.length; i++) probe.input[i] = buf.obs[i] = r.normal();
  probe.forward(n);
  const f32 = probe.engine.f32, mu = probe.meansOffset;
  const logStd = probe.logStd;
  for (let i = 0; i < n; i++) {
    let lp = 0;
    for (let j = 0; j < 4; j++) {
      const eps = r.normal();
      buf.actions[i * 4 + j] = f32[mu + i * 4 + j] + Math.exp(logStd[j]) * eps;
      lp += -0.5 * eps * eps - logStd[j] - 0.5 * Math.log(2 * Math.PI);
    }
    buf.logProbs[i] = lp + 0.3 * r.normal(); // some ratios leave the clip range
    buf.values[i] = f32[probe.valuesOffset + i * probe.valueStride] + 0.5 * r.normal();
    buf.advantages[i] = r.normal();
    buf.returns[i] = buf.values[i] + r.normal();
  }
  probe.dispose();
  return buf;
}

function perturbed(seed: string) {
  // Perturb the near-zero policy head so that the comparison is not trivial.
  return initialParameters(spec, new Rng(`${seed}/init`)).map((p) => ({
    ...p,
    data: p.data.map((v, i) => v + 0.05 * Math.sin(i + p.name.length)),
  }));
}

Deno.test("PpoLearner's update matches the TensorFlow.js reference (gradients through Adam with a large ε)", async () => {
  await initBackend();
  for (const ppo of [{ clipRangeValue: 0.2 }, { clipRangeValue: 0, entCoef: 0.01 }]) {
    const n = 512;
    const buf = await randomBuffer(n, "grad");
    // One minibatch, one epoch, lr 1 and ε = 1: each parameter moves by ≈ g / (|g| + 1), a
    // monotone function of its gradient, so equal moves mean equal gradients.
    const cfg: PpoConfig = parseTrainConfig({
      ppo: {
        ...ppo,
        numEnvs: 1,
        nSteps: n,
        minibatchSize: 256,
        epochs: 1,
        learningRate: 1,
        adamEps: 1,
        maxGradNorm: 1e6,
        targetKl: null,
      },
    }).ppo;
    const params = perturbed("grad");
    const ours = await PpoLearner.create(spec, cfg, params, { threads: 1 });
    const net = new ActorCritic(spec, params);
    const ref = new TfjsPpoLearner(net, cfg);
    ref.learningRate = 1;
    const s1 = ours.update(buf, new Rng("shuffle"));
    const s2 = ref.update(buf, new Rng("shuffle"));
    for (const k of ["policyLoss", "valueLoss", "entropy", "approxKl", "clipFraction"] as const) {
      assert.ok(
        Math.abs(s1[k] - s2[k]) < 1e-5 * (1 + Math.abs(s2[k])),
        `${k}: ${s1[k]} vs ${s2[k]}`,
      );
    }
    assert.ok(s1.clipFraction > 0.05, `some ratios clipped (${s1.clipFraction})`);
    assert.ok(
      Math.abs(s1.gradNorm - s2.gradNorm) < 1e-4 * s2.gradNorm,
      `${s1.gradNorm} vs ${s2.gradNorm}`,
    );
    const a = ours.parameters(), b = net.parameters();
    const before = new Map(params.map((p) => [p.name, p.data]));
    for (let i = 0; i < a.length; i++) {
      const p0 = before.get(a[i].name)!;
      let moved = 0;
      for (let j = 0; j < a[i].data.length; j++) {
        const da = a[i].data[j] - p0[j], db = b[i].data[j] - p0[j];
        assert.ok(Math.abs(da - db) < 2e-5, `${a[i].name}[${j}]: moved ${da} vs tfjs ${db}`);
        moved = Math.max(moved, Math.abs(da));
      }
      assert.ok(moved > 1e-4, `${a[i].name} moved`);
    }
    ours.dispose();
    ref.dispose();
    net.dispose();
  }
});

Deno.test("PpoLearner: same bits with 1 and 2 threads; optimizer state round-trips", async () => {
  const n = 2048;
  const buf = await randomBuffer(n, "threads");
  const cfg =
    parseTrainConfig({ ppo: { numEnvs: 1, nSteps: n, minibatchSize: 1024, epochs: 3 } }).ppo;
  const params = perturbed("threads");
  const one = await PpoLearner.create(spec, cfg, params, { threads: 1 });
  const two = await PpoLearner.create(spec, cfg, params, { threads: 2 });
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2);
  const s1 = one.update(buf, new Rng("s"));
  const s2 = two.update(buf, new Rng("s"));
  assert.deepEqual(s2, s1);
  assert.deepEqual(two.parameters(), one.parameters());
  assert.deepEqual(two.optimizerState(), one.optimizerState());
  // Restore into a fresh learner and continue: same as continuing the original.
  const three = await PpoLearner.create(spec, cfg, one.parameters(), { threads: 1 });
  three.loadOptimizerState(one.optimizerState());
  one.update(buf, new Rng("t"));
  three.update(buf, new Rng("t"));
  assert.deepEqual(three.parameters(), one.parameters());
  for (const l of [one, two, three]) l.dispose();
});

Deno.test("PpoLearner: a non-finite loss aborts the update and leaves every parameter as it was", async () => {
  const n = 256;
  const buf = await randomBuffer(n, "nan");
  buf.returns[17] = NaN;
  const cfg = parseTrainConfig({ ppo: { numEnvs: 1, nSteps: n, minibatchSize: 128 } }).ppo;
  const l = await PpoLearner.create(spec, cfg, perturbed("nan"), { threads: 1 });
  const before = l.parameters();
  assert.throws(() => l.update(buf, new Rng("s")), (e: unknown) => {
    assert.ok(e instanceof NonFiniteError, String(e));
    assert.match(e.message, /non-finite loss/);
    return true;
  });
  assert.deepEqual(l.parameters(), before);
  assert.equal(l.adam.steps, 0);
  assert.deepEqual(l.optimizerState(), []);
  l.dispose();
});
