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

Deno.test("docs/examples/sweep_rivals.json plans: 4 markets (a stress variant, a replay) × 6 agents", async () => {
  const spec = JSON.parse(await Deno.readTextFile("docs/examples/sweep_rivals.json"));
  const plan = await planSweep(spec, { code: "0".repeat(64) });
  assert.deepEqual(plan.markets.map((m) => m.name), [
    "default",
    "default+high-latency",
    "default+coarse-tick",
    "amzn-replay",
  ]);
  assert.equal(plan.markets[3].config.tier, "replay");
  // 5 tuned agents × 4 markets, then 6 agents × 4 markets × 2 chunks.
  assert.equal(plan.jobs.length, 20 + 48);
});
