import assert from "node:assert/strict";
import { createStepColumns, resetStepRow, stepInfo } from "../../lib/env/columns.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";

Deno.test("columns: resetStepRow clears one env's row and leaves the others", () => {
  const cols = createStepColumns(3);
  for (const col of Object.values(cols)) col.fill(9);
  resetStepRow(cols, 2, 101.5, 1);
  for (const [name, col] of Object.entries(cols)) {
    assert.equal(col[0], 9, name);
    assert.equal(col[1], 9, name);
  }
  assert.equal(cols.mid[2], 101.5);
  assert.equal(cols.regime[2], 1);
  for (const name of ["bidQuote", "askQuote", "bidFillPrice", "askFillPrice"] as const) {
    assert.ok(Number.isNaN(cols[name][2]), name);
  }
  for (
    const name of [
      "cash",
      "inventory",
      "pnl",
      "bidPosted",
      "askPosted",
      "bidFilled",
      "askFilled",
      "impact",
      "rewardPnl",
      "rewardInventory",
      "rewardVolatility",
      "rewardImpact",
    ] as const
  ) assert.equal(cols[name][2], 0, name);
  const info = stepInfo(cols, parseEnvConfig({ tier: "model" }), 2, 0);
  assert.equal(info.regimeName, parseEnvConfig({ tier: "model" }).regimes.names[1]);
  assert.deepEqual(info.rewardTerms, { pnl: 0, inventory: 0, volatility: 0, impact: 0 });
});
