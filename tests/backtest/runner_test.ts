import assert from "node:assert/strict";
import { tableFromIPC } from "npm:apache-arrow@21.2.0";
import {
  type BacktestOptions,
  type BacktestResult,
  episodesCsv,
  evaluationSeeds,
  roundNumber,
  runBacktest,
  stepsArrow,
  summaryCsv,
} from "../../lib/backtest/mod.ts";
import { NotAvailableError, ValidationError } from "../../lib/errors.ts";

const AGENTS = ["random", "static-spread", "adaptive-spread", "avellaneda-stoikov", "glft"];

/** Tiny, fast plan: model tier, 10 s episodes, no impact (so the mid is agent-independent). */
function tiny(extra: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    config: { tier: "model", duration: 10, impact: { model: "none" } },
    agents: AGENTS.map((id) => ({ id })),
    episodes: 5,
    seed: 11,
    chunkSize: 2,
    curvePoints: 20,
    resamples: 200,
    workers: 0,
    ...extra,
  };
}

/** Canonical JSON of a result (typed arrays as arrays, NaN kept distinguishable). */
function canonical(r: BacktestResult): string {
  return JSON.stringify(r, (_k, v) => {
    if (ArrayBuffer.isView(v)) {
      return Array.from(v as Float64Array, (x) => (Number.isNaN(x) ? "NaN" : x));
    }
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    return v;
  });
}

Deno.test("runBacktest: per-episode metrics and aggregates for every agent", async () => {
  const res = await runBacktest(tiny());
  assert.deepEqual(res.agents.map((a) => a.id), AGENTS);
  assert.deepEqual(res.seeds, evaluationSeeds(11, 5));
  for (const a of res.agents) {
    assert.equal(a.episodes.length, 5, a.id);
    for (const m of a.episodes) assert.ok(Number.isFinite(m.totalPnl), a.id);
    for (const key of ["sharpe", "totalPnl", "maxDrawdown", "avgAbsInventory", "fillRatio"]) {
      const s = a.aggregate[key];
      assert.ok(s, `${a.id}.${key}`);
      if (s.n > 0) assert.ok(s.ci95[0] <= s.mean && s.mean <= s.ci95[1], `${a.id}.${key} CI`);
    }
    // The aggregate mean is the mean of the per-episode values.
    const mean = a.episodes.reduce((s, m) => s + m.totalPnl, 0) / a.episodes.length;
    assert.ok(Math.abs(a.aggregate.totalPnl.mean - mean) < 1e-9);
    assert.equal(a.curves.pnl.length, 5);
    assert.equal(a.curves.time.length, 20);
    assert.equal(a.curves.time[19], 10); // last sample at the end of the episode
    // The last curve point is the episode's final P&L.
    assert.equal(a.curves.pnl[3][19], a.episodes[3].totalPnl);
    // Inventory histogram: one count per step per episode (100 steps × 5 episodes).
    assert.equal(a.inventory.counts.reduce((s, c) => s + c, 0), 500);
  }
  // Different agents really act differently.
  assert.notEqual(res.agents[0].aggregate.totalPnl.mean, res.agents[1].aggregate.totalPnl.mean);
});

Deno.test("runBacktest: common random numbers, same seeds and market for every agent", async () => {
  const res = await runBacktest(tiny({ recordSteps: true }));
  const ref = res.agents[0].records!;
  for (const a of res.agents) {
    const recs = a.records!;
    assert.deepEqual(recs.map((r) => r.seed), res.seeds, a.id);
    for (let e = 0; e < recs.length; e++) {
      // Without impact the model tier's mid path depends only on the episode seed.
      assert.deepEqual(Array.from(recs[e].mid), Array.from(ref[e].mid), `${a.id} episode ${e}`);
      assert.deepEqual(Array.from(recs[e].regime), Array.from(ref[e].regime));
    }
  }
  // Different episodes see different markets.
  assert.notDeepEqual(Array.from(ref[0].mid), Array.from(ref[1].mid));
});

Deno.test("runBacktest: deterministic, and identical with 0, 1 and 2 workers", async () => {
  const a = canonical(await runBacktest(tiny()));
  const b = canonical(await runBacktest(tiny()));
  assert.equal(a, b);
  const w1 = canonical(await runBacktest(tiny({ workers: 1 })));
  const w2 = canonical(await runBacktest(tiny({ workers: 2 })));
  assert.equal(w1, a);
  assert.equal(w2, a);
  const other = canonical(await runBacktest(tiny({ seed: 12 })));
  assert.notEqual(other, a);
});

Deno.test("runBacktest: the random agent's results depend on the plan, not on list order", async () => {
  const alone = await runBacktest(tiny({ agents: [{ id: "random" }] }));
  const all = await runBacktest(tiny());
  assert.deepEqual(alone.agents[0].episodes, all.agents[0].episodes);
  assert.deepEqual(alone.agentSeeds.random, all.agentSeeds.random);
});

Deno.test("runBacktest: typed errors before any work starts", async () => {
  await assert.rejects(
    runBacktest(tiny({ agents: [{ id: "nope" }], workers: 2 })),
    (e) => e instanceof ValidationError && e.field === "agent",
  );
  await assert.rejects(
    runBacktest(tiny({ agents: [{ id: "glft", params: { gamma: -1 } }] })),
    ValidationError,
  );
  await assert.rejects(runBacktest(tiny({ episodes: 0 })), ValidationError);
  await assert.rejects(runBacktest(tiny({ workers: -1 })), ValidationError);
  await assert.rejects(
    runBacktest(tiny({ agents: [{ id: "ppo", params: { dir: "/nonexistent/ppo" } }] })),
    NotAvailableError,
  );
});

Deno.test("episodesCsv and summaryCsv parse back to the metrics", async () => {
  const res = await runBacktest(tiny({ agents: [{ id: "static-spread" }, { id: "glft" }] }));
  const lines = episodesCsv(res.agents, res.seeds).trim().split("\n").map((l) => l.split(","));
  const header = lines[0];
  assert.deepEqual(header.slice(0, 3), ["agent", "episode", "seed"]);
  assert.ok(header.includes("markouts.1s [USD/unit]"));
  assert.equal(lines.length, 1 + 2 * 5);
  const col = header.indexOf("totalPnl [USD]");
  const row = lines[1 + 5 + 3]; // glft, episode 3
  assert.equal(row[0], "glft");
  assert.equal(Number(row[1]), 3);
  assert.equal(Number(row[2]), res.seeds[3]);
  assert.equal(Number(row[col]), roundNumber(res.agents[1].episodes[3].totalPnl));

  const sum = summaryCsv(res.agents).trim().split("\n").map((l) => l.split(","));
  assert.deepEqual(sum[0], ["agent", "metric", "unit", "mean", "ci95_lo", "ci95_hi", "std", "n"]);
  const sharpe = sum.find((r) => r[0] === "static-spread" && r[1] === "sharpe")!;
  const s = res.agents[0].aggregate.sharpe;
  assert.equal(sharpe[2], "annualized ratio");
  assert.equal(Number(sharpe[3]), roundNumber(s.mean));
  assert.equal(Number(sharpe[4]), roundNumber(s.ci95[0]));
  assert.equal(Number(sharpe[7]), s.n);
  // The pooled headline figures are in the aggregate too.
  assert.ok(sum.some((r) => r[0] === "glft" && r[1] === "sharpePooled"));
});

Deno.test("stepsArrow: an Arrow IPC file that reads back to the records", async () => {
  const res = await runBacktest(
    tiny({
      agents: [{ id: "random" }, { id: "avellaneda-stoikov" }],
      episodes: 3,
      recordSteps: true,
    }),
  );
  const bytes = stepsArrow(res.agents.map((a) => ({ id: a.id, records: a.records! })));
  const table = tableFromIPC(bytes);
  assert.equal(table.numRows, 2 * 3 * 100);
  const names = table.schema.fields.map((f) => f.name);
  for (
    const c of ["agent", "episode", "seed", "step", "time", "mid", "pnl", "inventory", "regime"]
  ) {
    assert.ok(names.includes(c), c);
  }
  const row = 100 * 3 + 100 * 2 + 42; // avellaneda-stoikov, episode 2, step 42
  const rec = res.agents[1].records![2];
  assert.equal(table.getChild("agent")!.get(row), "avellaneda-stoikov");
  assert.equal(table.getChild("episode")!.get(row), 2);
  assert.equal(table.getChild("seed")!.get(row), rec.seed);
  assert.equal(table.getChild("step")!.get(row), 42);
  assert.equal(table.getChild("pnl")!.get(row), rec.pnl[42]);
  assert.equal(table.getChild("mid")!.get(row), rec.mid[42]);
  assert.equal(table.getChild("regime")!.get(row), rec.regime[42]);
});
