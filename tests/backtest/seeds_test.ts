import assert from "node:assert/strict";
import {
  agentChunkSeed,
  calibrationSeeds,
  evaluationSeeds,
  formatEstimate,
  planJobs,
  roundDeep,
  roundNumber,
} from "../../lib/backtest/mod.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { childSeed } from "../../lib/rng/mod.ts";
import { ValidationError } from "../../lib/errors.ts";

Deno.test("evaluation seeds are childSeed(root, e)", () => {
  assert.deepEqual(evaluationSeeds(5, 3), [childSeed(5, 0), childSeed(5, 1), childSeed(5, 2)]);
  assert.throws(() => evaluationSeeds(5, 0), ValidationError);
  assert.throws(() => evaluationSeeds(-1, 3), ValidationError);
});

Deno.test("calibration seeds are distinct and disjoint from the evaluation seeds", () => {
  const ev = evaluationSeeds(7, 200);
  const cal = calibrationSeeds(7, 50, ev);
  assert.equal(cal.length, 50);
  assert.equal(new Set(cal).size, 50);
  for (const s of cal) assert.ok(!ev.includes(s));
  // A forced collision is skipped.
  const forced = calibrationSeeds(7, 3, [cal[0]]);
  assert.ok(!forced.includes(cal[0]));
  assert.deepEqual(forced.slice(0, 2), cal.slice(1, 3));
});

Deno.test("agent seeds depend on root, id and chunk only", () => {
  assert.equal(agentChunkSeed(1, "random", 0), agentChunkSeed(1, "random", 0));
  assert.notEqual(agentChunkSeed(1, "random", 0), agentChunkSeed(1, "random", 1));
  assert.notEqual(agentChunkSeed(1, "random", 0), agentChunkSeed(1, "glft", 0));
  assert.notEqual(agentChunkSeed(1, "random", 0), agentChunkSeed(2, "random", 0));
});

Deno.test("planJobs: agent-major chunks covering every episode once", () => {
  const cfg = parseEnvConfig({ tier: "model", duration: 10 });
  const seeds = evaluationSeeds(3, 7);
  const summary = { capitalBase: 1, period: 1 as const, impactWeight: 1 };
  const jobs = planJobs(cfg, [{ id: "a" }, { id: "b" }], seeds, 3, 3, summary, 0, false);
  assert.deepEqual(jobs.map((j) => [j.agentIndex, j.chunk, j.seeds.length]), [
    [0, 0, 3],
    [0, 1, 3],
    [0, 2, 1],
    [1, 0, 3],
    [1, 1, 3],
    [1, 2, 1],
  ]);
  assert.deepEqual(jobs.filter((j) => j.agentIndex === 1).flatMap((j) => j.seeds), seeds);
  assert.deepEqual(jobs.map((j) => j.index), [0, 1, 2, 3, 4, 5]);
});

Deno.test("rounding and formatting", () => {
  assert.equal(roundNumber(1 / 3, 4), 0.3333);
  assert.equal(roundNumber(NaN), null);
  assert.equal(roundNumber(-Infinity), null);
  assert.ok(Object.is(roundNumber(-0), 0));
  assert.deepEqual(roundDeep({ a: [1 / 3, NaN], b: new Float64Array([2 / 3]), c: "x" }, 3), {
    a: [0.333, null],
    b: [0.667],
    c: "x",
  });
  assert.equal(
    formatEstimate({ mean: 1.234, ci95: [0.98, 1.51], std: 1, n: 3 }),
    "1.23 [0.980, 1.51]",
  );
  assert.equal(
    formatEstimate({ mean: 0.5, ci95: [0.4, 0.6], std: 1, n: 3 }, 100),
    "50.00 [40.00, 60.00]",
  );
});
