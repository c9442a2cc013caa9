import assert from "node:assert/strict";
import { runBacktest } from "../../lib/backtest/runner.ts";
import { defaultCapitalBase } from "../../lib/analytics/mod.ts";
import { deepAnalysisBlocks } from "../../lib/dashboard/analysis.ts";
import { normalizeWeights, portfolioBlocks } from "../../lib/dashboard/portfolio_view.ts";
import { toWire } from "../../lib/dashboard/wire.ts";

const sections = (b: ReturnType<typeof toWire>) =>
  b.flatMap((x) => ("section" in x ? [x.section] : []));

Deno.test("deep analysis: the five parts, from a real backtest with records", async () => {
  const res = await runBacktest({
    config: { tier: "book", duration: 20 },
    agents: [{ id: "glft" }],
    episodes: 3,
    seed: 2,
    workers: 0,
    recordSteps: true,
  });
  const a = res.agents[0];
  const blocks = toWire(deepAnalysisBlocks({
    agent: "glft",
    config: res.config,
    seed: 2,
    records: a.records!,
    metrics: a.episodes,
    capitalBase: defaultCapitalBase(res.config),
    paramsNote: "library defaults",
  }));
  assert.deepEqual(sections(blocks), [
    "Risk breakdown",
    "Trade-level statistics",
    "Markouts",
    "P&L attribution",
    "Behaviour by regime",
    "One episode",
  ]);
  // JSON-safe for the WebSocket: no NaN survives.
  assert.ok(!JSON.stringify(blocks).includes("NaN"));
});

Deno.test("portfolio view: candidate allocations, the user's own, combined risk", () => {
  const pnl = [[1, 3, 2, 4, 0, 2], [2, 1, 3, 1, 2, 2], [0, 5, -1, 6, -2, 3]];
  const paths = pnl.map((row) => row.map((v) => [0, v / 2, v]));
  const data = { names: ["glft", "avellaneda-stoikov", "static-spread"], pnl, paths };
  const html = JSON.stringify(toWire(portfolioBlocks(data, [1, 1, 0])));
  for (const s of ["equal weight", "minimum risk", "best mean/std", "your allocation"]) {
    assert.ok(html.includes(s), s);
  }
  assert.deepEqual(normalizeWeights([1, 3], 2), [0.25, 0.75]);
  assert.deepEqual(normalizeWeights([-1, NaN, 2], 3), [0, 0, 1]);
  assert.equal(normalizeWeights([0, 0], 2), null);
  assert.ok(!JSON.stringify(toWire(portfolioBlocks(data))).includes("your allocation"));
});
