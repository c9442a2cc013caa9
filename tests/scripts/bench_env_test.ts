import assert from "node:assert/strict";
import { LimitLoop } from "../../scripts/bench/_model_limit.ts";
import { cases as modelCases, measureModelSpeed, SIZES } from "../../scripts/bench/env_model.ts";
import { cases as parallelCases, measureParallel } from "../../scripts/bench/env_parallel.ts";

Deno.test("model-tier benchmark: one line per N and figure; a short measurement runs", () => {
  const names = modelCases.map((c) => c.name);
  for (const n of SIZES) {
    assert.ok(names.includes(`env.model.steps_per_s.n${n}`));
    assert.ok(names.includes(`env.model.limit_ratio.n${n}`));
  }
  const m = measureModelSpeed(64, 1, 1024);
  assert.ok(m.env > 0 && m.limit > 0 && m.ratio > 0 && Number.isFinite(m.ratio));
});

Deno.test("limit loop: deterministic, moves cash, inventory and mid", () => {
  const a = new LimitLoop(8), b = new LimitLoop(8);
  assert.equal(a.run(100), b.run(100));
  assert.ok(a.cash.some((c) => c !== 0));
  assert.ok(a.inventory.some((q) => q !== 0));
  assert.ok(a.mid.every((m) => m !== 100 && Number.isFinite(m)));
});

Deno.test("2-core benchmark: lines for both tiers; a short measurement runs", async () => {
  const names = parallelCases.map((c) => c.name);
  for (const n of ["env.model.speedup_2cores", "env.book.speedup_2cores"]) {
    assert.ok(names.includes(n));
  }
  const m = await measureParallel({ tier: "model", duration: 100 }, 64, 20, 1);
  assert.ok(m.twoCores > 0 && m.oneCore > 0 && m.speedup > 0);
});
