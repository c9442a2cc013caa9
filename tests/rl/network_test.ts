import assert from "node:assert/strict";
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { initBackend } from "../../lib/rl/backend.ts";
import { mlpForward } from "../../lib/rl/mlp.ts";
import { ActorCritic } from "../../lib/rl/network.ts";
import { initialParameters, parameterShapes } from "../../lib/rl/params.ts";
import { orthogonal } from "../../lib/rl/orthogonal.ts";
import { dense, fastTanh } from "../../lib/rl/tf_ops.ts";
import { Rng } from "../../lib/rng/rng.ts";

await initBackend();
const spec = { obsDim: 9, actDim: 4, hiddenSizes: [64, 64], initLogStd: -0.5 };

Deno.test("orthogonal: orthonormal columns (tall) and rows (wide), scaled by gain", () => {
  for (const [rows, cols] of [[64, 9], [9, 64], [64, 64]]) {
    const w = orthogonal(rows, cols, 2, new Rng("o"));
    const k = Math.min(rows, cols);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let dot = 0;
        for (let t = 0; t < Math.max(rows, cols); t++) {
          dot += rows >= cols
            ? w[t * cols + a] * w[t * cols + b]
            : w[a * cols + t] * w[b * cols + t];
        }
        assert.ok(Math.abs(dot - (a === b ? 4 : 0)) < 1e-4, `${rows}x${cols} (${a},${b}) ${dot}`);
      }
    }
  }
  assert.deepEqual(orthogonal(5, 3, 1, new Rng(1)), orthogonal(5, 3, 1, new Rng(1)));
  assert.notDeepEqual(orthogonal(5, 3, 1, new Rng(1)), orthogonal(5, 3, 1, new Rng(2)));
});

Deno.test("initialParameters: gains, zero biases, logStd, canonical order", () => {
  const p = initialParameters(spec, new Rng("i"));
  assert.deepEqual(p.map((a) => a.name), parameterShapes(spec).map((s) => s.name));
  const norm = (name: string) => {
    const a = p.find((x) => x.name === name)!;
    return Math.sqrt(a.data.reduce((s, v) => s + v * v, 0));
  };
  // ‖W‖_F = gain·√min(rows, cols) for an orthogonal init.
  assert.ok(Math.abs(norm("actor/dense1/kernel") - Math.SQRT2 * 8) < 1e-3);
  assert.ok(Math.abs(norm("actor/dense2/kernel") - 0.01 * 2) < 1e-5);
  assert.ok(Math.abs(norm("critic/dense2/kernel") - 1) < 1e-5);
  assert.equal(norm("actor/dense0/bias"), 0);
  assert.deepEqual([...p.find((x) => x.name === "actor/logStd")!.data], [-0.5, -0.5, -0.5, -0.5]);
});

Deno.test("dense and fastTanh: values and gradients equal tfjs's built-in ops", () => {
  const r = new Rng("g");
  const rnd = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => r.normal()),
      shape,
    );
  const x = rnd([7, 5]), w = rnd([5, 3]), b = rnd([3]), dy = rnd([7, 3]);
  const ours = tf.grads((x, w, b) =>
    tf.mul(fastTanh(dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D)), dy)
  );
  const ref = tf.grads((x, w, b) => tf.mul(tf.tanh(tf.add(tf.matMul(x, w), b)), dy));
  const g1 = ours([x, w, b]), g2 = ref([x, w, b]);
  for (let i = 0; i < 3; i++) {
    const a = g1[i].dataSync(), c = g2[i].dataSync();
    for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j] - c[j]) < 1e-4, `grad ${i}[${j}]`);
  }
  const v1 = fastTanh(dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D)).dataSync();
  const v2 = tf.tanh(tf.add(tf.matMul(x, w), b)).dataSync();
  for (let j = 0; j < v1.length; j++) assert.ok(Math.abs(v1[j] - v2[j]) < 1e-5);
  tf.dispose([x, w, b, dy, ...g1, ...g2]);
});

Deno.test("mlpForward on a snapshot equals the tfjs forward pass", () => {
  const net = new ActorCritic(spec, initialParameters(spec, new Rng("f")));
  // Perturb the (near-zero) policy head so the comparison is not trivial.
  const params = net.parameters().map((p) => ({
    ...p,
    data: p.data.map((v, i) => v + 0.1 * Math.sin(i)),
  }));
  net.assign(params);
  const r = new Rng("x");
  const rows = 5;
  const x = Float64Array.from({ length: rows * 9 }, () => r.normal());
  const w = net.snapshot();
  const mu = new Float64Array(rows * 4), v = new Float64Array(rows);
  const scratch = new Float64Array(128);
  mlpForward(w.actor, x, rows, mu, scratch);
  mlpForward(w.critic, x, rows, v, scratch);
  const [tmu, tv] = tf.tidy(() => {
    const xt = tf.tensor2d(Float32Array.from(x), [rows, 9]);
    return [net.actorMean(xt).dataSync(), net.value(xt).dataSync()];
  });
  for (let i = 0; i < mu.length; i++) assert.ok(Math.abs(mu[i] - tmu[i]) < 1e-4, `mu ${i}`);
  for (let i = 0; i < rows; i++) assert.ok(Math.abs(v[i] - tv[i]) < 1e-4, `v ${i}`);
  net.dispose();
});
