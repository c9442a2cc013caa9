import assert from "node:assert/strict";
import {
  createAgent,
  EpisodeRecorder,
  makeVecEnv,
  parseEnvConfig,
  recordEpisodes,
} from "../../mod.ts";
import type { EnvConfig, EpisodeRecord } from "../../mod.ts";

/** The loop the notebooks used to spell out in a cell, kept here as the reference. */
function reference(id: string, cfg: EnvConfig, seeds: number[], agentSeed: number) {
  const env = makeVecEnv(cfg, seeds.length);
  const agent = createAgent(id);
  agent.reset({ config: cfg, numEnvs: env.numEnvs, seed: agentSeed });
  const rec = new EpisodeRecorder(env);
  const act = new Float64Array(env.numEnvs * 4);
  env.reset(seeds);
  while (!env.terminated[0]) {
    agent.act(env.observations, env.view, act);
    env.step(act);
    rec.record(env);
  }
  return rec.episodes(seeds, agent.id);
}

function same(a: EpisodeRecord[], b: EpisodeRecord[]): void {
  assert.equal(a.length, b.length);
  a.forEach((r, i) => {
    assert.equal(r.seed, b[i].seed);
    assert.equal(r.agentId, b[i].agentId);
    assert.deepEqual(r.pnl, b[i].pnl);
    assert.deepEqual(r.inventory, b[i].inventory);
  });
}

Deno.test("recordEpisodes: the same records as the explicit loop, on both tiers", () => {
  for (const tier of ["model", "book"] as const) {
    const cfg = parseEnvConfig({ tier, duration: 5 });
    for (const id of ["random", "avellaneda-stoikov"]) {
      same(recordEpisodes(id, cfg, [3, 4], { agentSeed: 9 }), reference(id, cfg, [3, 4], 9));
    }
  }
});

Deno.test("recordEpisodes: an agent object, parameters by id, the agent seed matters", () => {
  const cfg = { tier: "model" as const, duration: 5 };
  const byObject = recordEpisodes(createAgent("glft"), cfg, [1]);
  same(byObject, recordEpisodes("glft", cfg, [1]));
  const wide = recordEpisodes("static-spread", cfg, [1], { params: { halfSpreadTicks: 40 } });
  const narrow = recordEpisodes("static-spread", cfg, [1], { params: { halfSpreadTicks: 1 } });
  assert.notDeepEqual(wide[0].pnl, narrow[0].pnl);
  const r1 = recordEpisodes("random", cfg, [1], { agentSeed: 1 });
  const r2 = recordEpisodes("random", cfg, [1], { agentSeed: 2 });
  assert.notDeepEqual(r1[0].inventory, r2[0].inventory);
});
