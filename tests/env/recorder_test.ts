import assert from "node:assert/strict";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { ModelVecEnv } from "../../lib/env/model_env.ts";
import { EpisodeRecorder } from "../../lib/env/recorder.ts";
import type { StepColumns } from "../../lib/env/types.ts";

Deno.test("recorder columns equal the env's columns at every step (with growth)", () => {
  const n = 3;
  const cfg = parseEnvConfig({ tier: "model", duration: 20, dt: 0.1, model: { A: 20 } });
  const env = new ModelVecEnv(cfg, n);
  const rec = new EpisodeRecorder(env, 7); // small capacity: grows several times
  const seeds = [4, 5, 6];
  const snaps: { cols: Record<string, number[]>; rewards: number[] }[] = [];
  for (let round = 0; round < 2; round++) {
    env.reset(seeds);
    snaps.length = 0;
    const a = new Float64Array([1, 1, 1, 1, 2, 0, 3, 2, 0, 4, 1, 0]);
    while (!env.terminated[0]) {
      env.step(a);
      rec.record(env);
      const cols: Record<string, number[]> = {};
      for (const [k, v] of Object.entries(env.columns)) cols[k] = Array.from(v as Float64Array);
      snaps.push({ cols, rewards: Array.from(env.rewards) });
    }
  }
  assert.equal(rec.steps, 200);
  const eps = rec.episodes(seeds, "static");
  assert.equal(eps.length, n);
  for (let i = 0; i < n; i++) {
    const ep = eps[i];
    assert.equal(ep.seed, seeds[i]);
    assert.equal(ep.agentId, "static");
    assert.equal(ep.steps, 200);
    assert.equal(ep.dt, 0.1);
    assert.equal(ep.lotSize, cfg.lotSize);
    assert.equal(ep.tickSize, cfg.tickSize);
    for (let t = 0; t < 200; t++) {
      assert.ok(Math.abs(ep.time[t] - (t + 1) * 0.1) < 1e-12);
      assert.ok(Object.is(ep.reward[t], snaps[t].rewards[i]));
      for (const k of Object.keys(snaps[t].cols)) {
        const col = ep[k as keyof StepColumns] as Float64Array | Int32Array;
        assert.ok(Object.is(col[t], snaps[t].cols[k][i]), `${k}[${t}] of env ${i}`);
      }
    }
  }
  assert.ok(eps[0].bidFilled.some((x) => x > 0));
  assert.ok(eps[0].regime instanceof Int32Array);
});
