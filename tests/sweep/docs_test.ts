/** The spec shown in docs/sweeps.md is a valid spec (its outside agent aside). */
import assert from "node:assert/strict";
import { planSweep } from "../../lib/sweep/plan.ts";

Deno.test("docs/sweeps.md: the example spec plans", async () => {
  const text = await Deno.readTextFile("docs/sweeps.md");
  const block = /```json\n([\s\S]*?)\n```/.exec(text);
  assert.ok(block, "a json block");
  const spec = JSON.parse(block[1]);
  const outside = spec.agents.filter((a: { module?: string }) => a.module);
  assert.equal(outside.length, 1, "the example shows an agent from outside ALPE");
  spec.agents = spec.agents.filter((a: { module?: string }) => !a.module);
  const plan = await planSweep(spec, { code: "0".repeat(64) });
  assert.deepEqual(plan.markets.map((m) => m.name), [
    "default",
    "default+high-latency",
    "volatile",
  ]);
  // 3 tuned agents × 3 markets, 2 trainings, then 9 variants (glft-grid: 3, ppo-new: 2)
  // × 3 markets × 5 chunks.
  assert.equal(plan.jobs.length, 9 + 2 + 9 * 3 * 5);
});
