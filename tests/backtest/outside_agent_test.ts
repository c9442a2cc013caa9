import assert from "node:assert/strict";
import { registerAgent } from "../../lib/agents/registry.ts";
import { runCompare } from "../../lib/backtest/compare.ts";
import { ACT_DIM } from "../../lib/env/types.ts";

Deno.test("an agent defined outside the library runs through compare, tuned like the built-ins", async () => {
  // No module URL: it exists in this thread only, so compare runs it in-process.
  registerAgent({
    id: "outside-fixed",
    name: "Outside fixed",
    description: "Quotes `offset` ticks from the mid, one lot a side.",
    kind: "baseline",
    create: (p) => {
      const offset = typeof p.offset === "number" ? p.offset : 2;
      return {
        id: "outside-fixed",
        name: "Outside fixed",
        reset() {},
        act(_o, _v, out) {
          for (let i = 0; i < out.length / ACT_DIM; i++) {
            out.set([offset, offset, 1, 1], i * ACT_DIM);
          }
        },
      };
    },
    tuning: { calibrated: false, grid: { offset: [0.5, 3] } },
  });
  const run = await runCompare({
    config: { tier: "model", duration: 10 },
    episodes: 4,
    calibrationEpisodes: 2,
    agents: ["outside-fixed", "touch", "avellaneda-stoikov"],
  });
  assert.deepEqual(run.ran, ["outside-fixed", "touch", "avellaneda-stoikov"]);
  const tuned = run.fair!.agents["outside-fixed"];
  assert.deepEqual(tuned.scores.map((s) => s.point.offset), [0.5, 3]);
  assert.ok([0.5, 3].includes(tuned.params.offset));
  assert.equal(run.backtest!.agents[0].episodes.length, 4);
  assert.ok(Number.isFinite(run.backtest!.agents[0].aggregate.totalPnl.mean));
});
