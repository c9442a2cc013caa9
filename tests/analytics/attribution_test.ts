import assert from "node:assert/strict";
import { createAgent } from "../../lib/agents/registry.ts";
import {
  defaultCapitalBase,
  pnlAttribution,
  regimeSlices,
  summarizeEpisode,
} from "../../lib/analytics/mod.ts";
import { makeVecEnv } from "../../lib/env/make.ts";
import { EpisodeRecorder } from "../../lib/env/recorder.ts";

function episodes(tier: "book" | "model", agentId: string, seeds: number[]) {
  const env = makeVecEnv({ tier, duration: 30 }, seeds.length);
  const agent = createAgent(agentId);
  agent.reset({ config: env.config, numEnvs: seeds.length, seed: 1 });
  const rec = new EpisodeRecorder(env);
  const act = new Float64Array(seeds.length * 4);
  env.reset(seeds);
  const initialMid = Float64Array.from(env.columns.mid);
  while (!env.terminated[0]) {
    agent.act(env.observations, env.view, act);
    env.step(act);
    rec.record(env);
  }
  return { config: env.config, records: rec.episodes(seeds), initialMid };
}

for (const tier of ["book", "model"] as const) {
  Deno.test(`pnlAttribution: spread + inventory − impact = total, every episode (${tier})`, () => {
    const { config, records, initialMid } = episodes(tier, "glft", [1, 2, 3, 4]);
    records.forEach((r, i) => {
      const m = summarizeEpisode(r, {
        capitalBase: defaultCapitalBase(config),
        impactWeight: config.reward.impact,
        initialMid: initialMid[i],
      });
      const a = pnlAttribution(m, config.lotSize);
      assert.ok(Math.abs(a.spreadCapture + a.inventoryPnl - a.impactCost - a.total) < 1e-9);
      // Spread capture recomputed fill by fill from the record.
      let edge = 0;
      for (let t = 0; t < r.steps; t++) {
        const mid = t === 0 ? initialMid[i] : r.mid[t - 1];
        if (r.bidFilled[t] > 0) edge += r.bidFilled[t] * (mid - r.bidFillPrice[t]);
        if (r.askFilled[t] > 0) edge += r.askFilled[t] * (r.askFillPrice[t] - mid);
      }
      assert.ok(Math.abs(a.spreadCapture - edge * config.lotSize) < 1e-6 * (1 + Math.abs(edge)));
    });
  });
}

Deno.test("pnlAttribution: no fills means no spread capture (NaN per-share edge ignored)", () => {
  const a = pnlAttribution(
    { totalPnl: -2, spreadCaptured: NaN, filledLots: 0, impactCost: 0 },
    100,
  );
  assert.deepEqual(a, { total: -2, spreadCapture: 0, inventoryPnl: -2, impactCost: 0 });
});

Deno.test("regimeSlices: the slices add up to the episode's P&L, steps and fills", () => {
  const { config, records } = episodes("book", "avellaneda-stoikov", [5, 6]);
  for (const r of records) {
    const s = regimeSlices(r, config.regimes.names.length);
    const pnl = s.reduce((a, x) => a + x.pnl, 0);
    assert.ok(Math.abs(pnl - r.pnl[r.steps - 1]) < 1e-9);
    assert.equal(s.reduce((a, x) => a + x.steps, 0), r.steps);
    let fills = 0;
    for (let t = 0; t < r.steps; t++) {
      fills += (r.bidFilled[t] > 0 ? 1 : 0) + (r.askFilled[t] > 0 ? 1 : 0);
    }
    assert.equal(s.reduce((a, x) => a + x.fills, 0), fills);
  }
});
