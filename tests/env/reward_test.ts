import assert from "node:assert/strict";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { rewardWeights, writeReward } from "../../lib/env/reward.ts";

Deno.test("reward = w_pnl·Δgross − w_inv·q² − w_vol·σ̂·|q|·lot·√dt − w_imp·cost", () => {
  const cfg = parseEnvConfig({
    dt: 0.25,
    lotSize: 100,
    reward: { pnl: 2, inventory: 0.5, volatility: 0.1, impact: 3 },
  });
  const w = rewardWeights(cfg);
  const f = () => new Float64Array(3);
  const cols = { rewardPnl: f(), rewardInventory: f(), rewardVolatility: f(), rewardImpact: f() };
  const rewards = f();
  const r = writeReward(w, cols, rewards, 1, 1.5, -4, 0.02, 0.3);
  const expected = [2 * 1.5, 0.5 * 16, 0.1 * 0.02 * 4 * 100 * 0.5, 3 * 0.3];
  assert.ok(Math.abs(cols.rewardPnl[1] - expected[0]) < 1e-12);
  assert.ok(Math.abs(cols.rewardInventory[1] - expected[1]) < 1e-12);
  assert.ok(Math.abs(cols.rewardVolatility[1] - expected[2]) < 1e-12);
  assert.ok(Math.abs(cols.rewardImpact[1] - expected[3]) < 1e-12);
  const total = expected[0] - expected[1] - expected[2] - expected[3];
  assert.ok(Math.abs(r - total) < 1e-12 && rewards[1] === r);
  assert.equal(rewards[0], 0);
});
