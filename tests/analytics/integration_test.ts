import assert from "node:assert/strict";
import { aggregate, defaultCapitalBase, summarizeEpisode } from "../../lib/analytics/mod.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { ModelVecEnv } from "../../lib/env/model_env.ts";
import { EpisodeRecorder } from "../../lib/env/recorder.ts";
import type { EpisodeRecord } from "../../lib/env/types.ts";

function run(seeds: number[]): EpisodeRecord[] {
  const cfg = parseEnvConfig({ tier: "model", duration: 30 });
  const env = new ModelVecEnv(cfg, seeds.length);
  const rec = new EpisodeRecorder(env);
  env.reset(seeds);
  const a = new Float64Array(4 * seeds.length);
  for (let i = 0; i < seeds.length; i++) a.set([2, 2, 1, 1], 4 * i);
  while (!env.terminated[0]) {
    env.step(a);
    rec.record(env);
  }
  return rec.episodes(seeds, "static");
}

Deno.test("summarizeEpisode on a simulated episode: independent recomputation, determinism", () => {
  const cfg = parseEnvConfig({ tier: "model", duration: 30 });
  const capitalBase = defaultCapitalBase(cfg); // 50 × 100 × 100 = 500,000
  assert.equal(capitalBase, 500_000);
  const recs = run([3, 4, 5]);
  const ms = recs.map((r) => summarizeEpisode(r, { capitalBase }));
  for (let e = 0; e < recs.length; e++) {
    const r = recs[e], m = ms[e];
    assert.equal(r.steps, 300);
    assert.equal(m.totalPnl, r.pnl[299]);
    // straightforward re-implementation: 1 s = 10 steps of 0.1 s; 30 periods
    const ret: number[] = [];
    let prev = 0;
    for (let k = 1; k <= 30; k++) {
      ret.push((r.pnl[10 * k - 1] - prev) / capitalBase);
      prev = r.pnl[10 * k - 1];
    }
    const mean = ret.reduce((s, x) => s + x, 0) / ret.length;
    const sd = Math.sqrt(ret.reduce((s, x) => s + (x - mean) ** 2, 0) / (ret.length - 1));
    const expected = mean / sd * Math.sqrt(252 * 23_400);
    assert.ok(
      Math.abs(m.sharpe - expected) <= 1e-9 * Math.abs(expected),
      `${m.sharpe} ${expected}`,
    );
    let fills = 0, lots = 0;
    for (let t = 0; t < 300; t++) {
      if (r.bidFilled[t] > 0) (fills++, lots += r.bidFilled[t]);
      if (r.askFilled[t] > 0) (fills++, lots += r.askFilled[t]);
    }
    assert.equal(m.numFills, fills);
    assert.equal(m.filledLots, lots);
    assert.ok(m.maxDrawdown <= 0 && m.maxDrawdown >= Math.min(0, ...r.pnl) - Math.max(0, ...r.pnl));
    assert.ok(m.cvar95 <= m.var95);
    assert.ok(m.fillRatio >= 0 && m.fillRatio <= 1);
    assert.equal(m.finalInventory, r.inventory[299]);
  }
  // same seeds → identical metrics and aggregate
  const again = run([3, 4, 5]).map((r) => summarizeEpisode(r, { capitalBase }));
  assert.deepEqual(again, ms);
  assert.deepEqual(aggregate(again, 1), aggregate(ms, 1));
});
