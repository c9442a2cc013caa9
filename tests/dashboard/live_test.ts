import assert from "node:assert/strict";
import { createAgent } from "../../lib/agents/registry.ts";
import { defaultCapitalBase, summarizeEpisode } from "../../lib/analytics/mod.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { makeVecEnv } from "../../lib/env/make.ts";
import { EpisodeRecorder } from "../../lib/env/recorder.ts";
import { type LiveFrame, LiveSim } from "../../lib/dashboard/live.ts";

function concat(frames: LiveFrame[]) {
  const out = { t: [] as number[], pnl: [] as number[], fills: 0 };
  for (const f of frames) {
    out.t.push(...f.t);
    out.pnl.push(...f.pnl);
    out.fills += f.bidFills.length + f.askFills.length;
  }
  return out;
}

Deno.test("LiveSim: each step in exactly one frame; the same episode as a plain rollout", () => {
  const config = parseEnvConfig({ tier: "book", duration: 20 });
  const sim = new LiveSim(config, createAgent("avellaneda-stoikov"), 11);
  const frames: LiveFrame[] = [sim.takeFrame()];
  let k = 0;
  while (sim.step()) if (++k % 7 === 0) frames.push(sim.takeFrame());
  frames.push(sim.takeFrame());
  assert.ok(sim.done);
  const all = concat(frames);
  assert.equal(all.t.length, sim.steps);
  all.t.forEach((t, i) => assert.ok(Math.abs(t - (i + 1) * config.dt) < 1e-9));

  // The same agent and seed through a VecEnv: identical P&L path and metrics.
  const env = makeVecEnv(config, 1);
  const agent = createAgent("avellaneda-stoikov");
  env.reset([11]);
  const initialMid = env.columns.mid[0];
  agent.reset({ config, numEnvs: 1, seed: 11 });
  const rec = new EpisodeRecorder(env);
  const a = new Float64Array(4);
  while (!env.terminated[0]) {
    agent.act(env.observations, env.view, a);
    env.step(a);
    rec.record(env);
  }
  const r = rec.episodes([11])[0];
  assert.deepEqual(all.pnl, Array.from(r.pnl));
  let fills = 0;
  for (let t = 0; t < r.steps; t++) {
    fills += (r.bidFilled[t] > 0 ? 1 : 0) + (r.askFilled[t] > 0 ? 1 : 0);
  }
  assert.equal(all.fills, fills);
  const m = summarizeEpisode(r, {
    capitalBase: defaultCapitalBase(config),
    impactWeight: config.reward.impact,
    initialMid,
  });
  assert.equal(sim.summary()!.totalPnl, m.totalPnl);
  assert.equal(sim.summary()!.numFills, m.numFills);
  assert.equal(sim.summary()!.spreadCaptured, m.spreadCaptured);
  assert.equal(sim.metrics().find((x) => x.label === "P&L")!.value, m.totalPnl);
});

Deno.test("LiveSim: drawdown ≤ 0 from the running peak; reset replays the same market", () => {
  const config = parseEnvConfig({ tier: "book", duration: 15 });
  const sim = new LiveSim(config, createAgent("static-spread"), 3);
  while (sim.step()) { /* run */ }
  const first = sim.takeFrame();
  let peak = 0;
  first.pnl.forEach((p, i) => {
    peak = Math.max(peak, p);
    assert.ok(Math.abs(first.drawdown[i] - (p - peak)) < 1e-9);
  });
  sim.reset();
  assert.equal(sim.stepIndex, 0);
  while (sim.step()) { /* run again */ }
  assert.deepEqual(sim.takeFrame().pnl, first.pnl);
});

Deno.test("LiveSim: the book tier has a ladder (bids below asks), the model tier none", () => {
  const book = new LiveSim(parseEnvConfig({ tier: "book", duration: 10 }), createAgent("glft"), 1);
  for (let i = 0; i < 20; i++) book.step();
  const l = book.ladder()!;
  assert.ok(l.bids.length > 0 && l.asks.length > 0);
  for (let i = 1; i < l.bids.length; i++) assert.ok(l.bids[i].price < l.bids[i - 1].price);
  for (let i = 1; i < l.asks.length; i++) assert.ok(l.asks[i].price > l.asks[i - 1].price);
  assert.ok(l.bids[0].price < l.asks[0].price);
  const model = new LiveSim(
    parseEnvConfig({ tier: "model", duration: 10 }),
    createAgent("glft"),
    1,
  );
  model.step();
  assert.equal(model.ladder(), null);
  assert.equal(model.takeFrame().ladder, null);
});
