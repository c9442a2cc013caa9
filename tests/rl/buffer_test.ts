import assert from "node:assert/strict";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { actionBounds, toNormalizedActions, toRawActions } from "../../lib/rl/action_map.ts";
import { RolloutBuffer } from "../../lib/rl/buffer.ts";
import { normalizeRows, RewardScaler, RunningMeanStd } from "../../lib/rl/running_stats.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("GAE matches a direct computation and stops at episode ends", () => {
  const buf = new RolloutBuffer(4, 2, 1, 1);
  // env 0: no done; env 1: done after step 1.
  const r = [1, 2, 0.5, -1, 2, 0, 1, 3];
  const v = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
  buf.rewards.set(r);
  buf.values.set(v);
  buf.dones[1 * 2 + 1] = 1;
  const gamma = 0.9, lambda = 0.8;
  const last = [1.5, -2];
  buf.computeGae(last, gamma, lambda);
  for (let i = 0; i < 2; i++) {
    for (let t = 0; t < 4; t++) {
      // A_t = Σ_l (γλ)^l δ_{t+l}, truncated at the first done.
      let a = 0, coef = 1;
      for (let u = t; u < 4; u++) {
        const k = u * 2 + i;
        const nextV = u === 3 ? last[i] : v[(u + 1) * 2 + i];
        const notDone = 1 - buf.dones[k];
        a += coef * (r[k] + gamma * nextV * notDone - v[k]);
        if (!notDone) break;
        coef *= gamma * lambda;
      }
      const k = t * 2 + i;
      assert.ok(Math.abs(buf.advantages[k] - a) < 1e-5, `adv t=${t} i=${i}`);
      assert.ok(Math.abs(buf.returns[k] - (a + v[k])) < 1e-5);
    }
  }
});

Deno.test("RunningMeanStd: chunked updates equal the full-sample mean and variance", () => {
  const rng = new Rng("rms");
  const x = Float64Array.from({ length: 3 * 500 }, (_, i) => rng.normal(i % 3, 1 + (i % 3)));
  const rms = new RunningMeanStd(3);
  for (let s = 0; s < 500; s += 50) rms.update(x.subarray(s * 3, (s + 50) * 3), 50);
  for (let j = 0; j < 3; j++) {
    let m = 0, q = 0;
    for (let r = 0; r < 500; r++) m += x[r * 3 + j];
    m /= 500;
    for (let r = 0; r < 500; r++) q += (x[r * 3 + j] - m) ** 2;
    assert.ok(Math.abs(rms.mean[j] - m) < 1e-3);
    assert.ok(Math.abs(rms.var[j] - q / 500) < 1e-2 * (q / 500));
  }
  const out = new Float64Array(3);
  normalizeRows(rms, [1e9, 0, -1e9], 1, 5, out);
  assert.deepEqual([out[0], out[2]], [5, -5]);
  const copy = new RunningMeanStd(3);
  copy.load(rms.toJSON());
  assert.deepEqual(copy.toJSON(), rms.toJSON());
  assert.throws(() => copy.load({ count: 1, mean: [0], var: [1] }), RangeError);
});

Deno.test("RewardScaler: scales by the std of discounted returns, resets at done, clips", () => {
  const s = new RewardScaler(1, 0.5, 10);
  const out = new Float64Array(1);
  for (let t = 0; t < 200; t++) s.scale([100], [t % 10 === 9 ? 1 : 0], out);
  // Returns cycle through 100, 150, 175, …: their std is tens, so scaled rewards are O(1).
  assert.ok(out[0] > 0.5 && out[0] < 10, String(out[0]));
  const big = new RewardScaler(1, 0.99, 3);
  big.scale([1e6], [0], out);
  assert.equal(out[0], 3);
});

Deno.test("action mapping: affine from [-1, 1] to raw bounds, clipped, invertible", () => {
  const cfg = parseEnvConfig({ maxOffsetTicks: 20, maxQuoteSize: 5 });
  const b = actionBounds(cfg);
  const out = new Float64Array(8);
  toRawActions([-1, 0, 1, 0.2, -7, 7, Infinity, -0.6], 2, b, out);
  assert.deepEqual([...out], [0, 10, 5, 3, 0, 20, 5, 1]);
  const back = new Float64Array(4);
  toNormalizedActions(out.subarray(0, 4), 1, b, back);
  assert.ok(back.every((v, i) => Math.abs(v - [-1, 0, 1, 0.2][i]) < 1e-12));
});
