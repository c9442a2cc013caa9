/** Sweep plans: deterministic expansion, content keys, and the same numbers as `deno task compare`. */
import assert from "node:assert/strict";
import { planSweep } from "../../lib/sweep/plan.ts";
import { runSweep } from "../../lib/sweep/run.ts";
import { localBackend } from "../../lib/sweep/local.ts";
import { sweepReport } from "../../lib/sweep/merge.ts";
import { runCompare } from "../../lib/backtest/compare.ts";
import { evaluationSeeds } from "../../lib/backtest/seeds.ts";

const CODE = "a".repeat(64);
const SPEC = {
  name: "plan-test",
  seed: 5,
  episodes: 6,
  chunkSize: 4,
  env: { tier: "model", duration: 20 },
  markets: ["default", { name: "wide", config: { tickSize: 0.05 } }],
  agents: [
    { id: "static-spread" },
    { id: "avellaneda-stoikov", grid: { gamma: [0.1, 1] } },
    { id: "glft", tune: true },
  ],
};

function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversedKeys(x)]));
  }
  return v;
}

Deno.test("plan: jobs, order and cells follow the spec deterministically", async () => {
  const plan = await planSweep(SPEC, { code: CODE });
  // 2 tune jobs (glft per market), then 2 markets × 4 variants × 2 chunks.
  assert.equal(plan.jobs.length, 2 + 2 * 4 * 2);
  assert.deepEqual(plan.jobs.slice(0, 2).map((j) => j.title), [
    "tune default/glft",
    "tune wide/glft",
  ]);
  assert.deepEqual(plan.cells.map((c) => `${c.market}/${c.variant}`), [
    "default/static-spread",
    "default/avellaneda-stoikov[gamma=0.1]",
    "default/avellaneda-stoikov[gamma=1]",
    "default/glft",
    "wide/static-spread",
    "wide/avellaneda-stoikov[gamma=0.1]",
    "wide/avellaneda-stoikov[gamma=1]",
    "wide/glft",
  ]);
  assert.deepEqual(plan.seeds.evaluation, evaluationSeeds(5, 6));
  const chunks = plan.cells[0].jobs.map((k) => plan.jobs.find((j) => j.key === k)!.task);
  assert.deepEqual(chunks.map((t) => t.kind === "eval" && t.seeds.length), [4, 2]);
  // Tuned evaluations depend on their market's tune job.
  const glft = plan.cells.find((c) => c.market === "wide" && c.variant === "glft")!;
  for (const k of glft.jobs) {
    assert.deepEqual(plan.jobs.find((j) => j.key === k)!.deps, [glft.tune]);
  }
  // The same spec with its keys in another order: the same plan.
  const again = await planSweep(reversedKeys(SPEC), { code: CODE });
  assert.deepEqual(again.jobs.map((j) => j.key), plan.jobs.map((j) => j.key));
  assert.equal(again.specKey, plan.specKey);
});

Deno.test("plan: a key depends on what a job computes, not on names or labels", async () => {
  const base = await planSweep(SPEC, { code: CODE });
  const keys = (p: typeof base) => new Set(p.jobs.map((j) => j.key));
  const renamed = await planSweep({
    ...SPEC,
    name: "other",
    markets: ["default", { name: "wide-tick", config: { tickSize: 0.05 } }],
    agents: SPEC.agents.map((a, i) => ({ ...a, label: `agent${i}` })),
  }, { code: CODE });
  assert.deepEqual(keys(renamed), keys(base));
  assert.notEqual(renamed.specKey, base.specKey);
  const reseeded = await planSweep({ ...SPEC, seed: 6 }, { code: CODE });
  assert.equal([...keys(reseeded)].filter((k) => keys(base).has(k)).length, 0);
  const otherCode = await planSweep(SPEC, { code: "b".repeat(64) });
  assert.equal([...keys(otherCode)].filter((k) => keys(base).has(k)).length, 0);
  // One more episode changes the last chunk only (and the tune jobs, whose calibration
  // seeds skip the evaluation seeds).
  const more = await planSweep({ ...SPEC, episodes: 7 }, { code: CODE });
  const firstChunks = base.cells.map((c) => c.jobs[0]);
  for (const k of firstChunks) assert.ok(keys(more).has(k));
  // A grid point equal to a fixed variant elsewhere is one job.
  const dup = await planSweep({
    ...SPEC,
    agents: [...SPEC.agents, {
      id: "avellaneda-stoikov",
      label: "as-fixed",
      params: { gamma: 0.1 },
    }],
  }, { code: CODE });
  assert.equal(dup.jobs.length, base.jobs.length);
  assert.equal(dup.cells.length, base.cells.length + 2);
});

Deno.test("plan: a one-market sweep of compare's agents reproduces deno task compare", async () => {
  const config = { tier: "model" as const, duration: 20 };
  const compare = await runCompare({
    config,
    episodes: 6,
    seed: 9,
    agents: ["static-spread", "avellaneda-stoikov", "glft", "random"],
    calibrationEpisodes: 3,
    chunkSize: 4,
    workers: 0,
  });
  const out = await Deno.makeTempDir({ prefix: "alpe-sweep-compare-" });
  try {
    const run = await runSweep({
      spec: {
        seed: 9,
        episodes: 6,
        chunkSize: 4,
        calibrationEpisodes: 3,
        env: config,
        agents: [
          { id: "static-spread", tune: true },
          { id: "avellaneda-stoikov", tune: true },
          { id: "glft", tune: true },
          { id: "random" },
        ],
      },
      out,
      backend: () => localBackend({ threads: 1 }),
    });
    const report = sweepReport(run.result) as {
      cells: { agent: string; metrics: unknown; tuned?: unknown }[];
      comparisons: { markets: Record<string, unknown> };
    };
    for (const cell of report.cells) {
      assert.deepEqual(cell.metrics, compare.report.agents[cell.agent], cell.agent);
    }
    assert.deepEqual(report.comparisons.markets.default, compare.report.comparisons.agents);
    for (const id of ["static-spread", "avellaneda-stoikov", "glft"]) {
      const cell = run.result.cells.find((c) => c.agent === id)!;
      assert.deepEqual(cell.tuned, compare.fair!.agents[id].params);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("plan: a replay market's tapes are data that every job of it checks", async () => {
  const tape = "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";
  const plan = await planSweep({
    episodes: 2,
    env: { duration: 60 },
    markets: [`replay:${tape}`, "default"],
    agents: [{ id: "touch", tune: true }],
  }, { code: CODE });
  const replay = plan.markets[0];
  assert.equal(replay.config.tier, "replay");
  assert.deepEqual(replay.files, [tape, tape.replace("_message_", "_orderbook_")]);
  for (const j of plan.jobs) {
    const onReplay = j.title.includes("replay:");
    assert.deepEqual(Object.keys(j.data).length, onReplay ? 2 : 0, j.title);
  }
});
