import assert from "node:assert/strict";
import { summarizeEpisode } from "../../lib/analytics/summary.ts";
import { ValidationError } from "../../lib/errors.ts";
import { handRecord } from "./_fixture.ts";

const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

Deno.test("summarizeEpisode: every metric of a hand-computed episode", () => {
  const rec = handRecord();
  const m = summarizeEpisode(rec, {
    capitalBase: 1_000,
    markoutHorizons: [1, 2, 30],
    impactWeight: 0.5,
  });
  // pnl = [1, 2, 1, 3, 0, −2, 1, 4, 4, 6]; 1-second periods end at steps 2, 4, 6, 8, 10:
  // P&L 2, 3, −2, 4, 6 → ΔP&L [2, 1, −5, 6, 2]; returns = ΔP&L / 1000
  // mean r = 6/5/1000 = 0.0012; deviations (×1e-4) 8, −2, −62, 48, 8 → Σ² = 6280e-8,
  // sample var = 1570e-8; ppy = 252·23,400 = 5,896,800
  const ppy = 5_896_800;
  assert.equal(m.totalPnl, 6);
  // empyrical's compounded annual return: Π(1 + r)^(ppy/5) − 1 overflows for these large
  // per-second returns (as it does in empyrical), and Calmar is then undefined.
  assert.equal(m.annualReturn, Infinity);
  close(m.annualVolatility, Math.sqrt(1570e-8) * Math.sqrt(ppy));
  close(m.sharpe, 0.0012 / Math.sqrt(1570e-8) * Math.sqrt(ppy));
  // downside: only −0.005 → mean of squares over 5 = 25e-6/5 = 5e-6
  close(m.sortino, 0.0012 * ppy / (Math.sqrt(5e-6) * Math.sqrt(ppy)));
  // per-step drawdown from 0: peak 3 (step 4) → −2 (step 6): −5 $; /1000 = −0.005
  assert.equal(m.maxDrawdown, -5);
  close(m.maxDrawdownPct, -0.005);
  assert.ok(Number.isNaN(m.calmar));
  // sorted r: −0.005, 0.001, 0.002, 0.002, 0.006; h = 0.2 → −0.005 + 0.2·0.006 = −0.0038
  close(m.var95, -0.0038);
  close(m.cvar95, -0.005);
  close(m.winRate, 0.8); // 4 of 5 non-zero periods
  close(m.profitFactor, 11 / 5); // (2 + 1 + 6 + 2) / 5
  close(m.fillRatio, 0.7);
  close(m.avgAbsInventory, 1.3);
  close(m.avgAbsInventoryShares, 1.3 * rec.lotSize);
  close(m.pnlToMap, 6 / 1.3);
  close(m.turnover, 70.015);
  close(m.spreadCaptured, 0.13 / 7);
  close(m.spreadCapturedTicks, 13 / 7);
  close(m.markouts["1s"], 0.12 / 7);
  close(m.markouts["2s"], 0.09 / 4);
  assert.ok(Number.isNaN(m.markouts["30s"]));
  assert.equal(m.numFills, 4);
  assert.equal(m.filledLots, 7);
  assert.equal(m.finalInventory, -1);
  // Σ rewardImpact = 0.2 + 0.1 + 0.1 + 0.3 = 0.7, weight 0.5 → $1.4
  close(m.impactCost, 1.4);
});

Deno.test("summarizeEpisode: per-step period and defaults", () => {
  const rec = handRecord();
  const m = summarizeEpisode(rec, { capitalBase: 1_000, period: "step" });
  // per-step ΔP&L: 1, 1, −1, 2, −3, −2, 3, 3, 0, 2 → 6 wins of 9 non-zero;
  // gains 1 + 1 + 2 + 3 + 3 + 2 = 12, losses 1 + 3 + 2 = 6
  close(m.winRate, 6 / 9);
  close(m.profitFactor, 2);
  assert.deepEqual(Object.keys(m.markouts), ["1s", "5s", "30s"]);
  close(m.impactCost, 0.7); // default impact weight 1
  assert.throws(() => summarizeEpisode(rec, { capitalBase: -1 }), ValidationError);
  assert.throws(() => summarizeEpisode(rec, { capitalBase: 1, period: 0.75 }), ValidationError);
});
