import assert from "node:assert/strict";
import { fairModelParams } from "../../lib/backtest/mod.ts";
import { AvellanedaStoikovAgent, meanEpisodeSharpe } from "../../lib/agents/mod.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { makeVecEnv } from "../../lib/env/make.ts";

const cfg = parseEnvConfig({ tier: "model", duration: 10 });
const seeds = [101, 102, 103];
const grid = [0.01, 0.1, 1];

Deno.test("fairModelParams: calibrated A, k, σ and a γ from the grid, the same with workers", async () => {
  const a = await fairModelParams(cfg, seeds, { gammaGrid: grid, workers: 0 });
  for (const id of ["avellaneda-stoikov", "glft"] as const) {
    const t = a[id];
    assert.ok(grid.includes(t.params.gamma), id);
    assert.equal(t.scores.length, grid.length);
    assert.equal(t.score, Math.max(...t.scores.map((s) => s.score)));
    assert.equal(t.params.k, a.calibration.k);
    assert.ok(a.calibration.A > 0 && a.calibration.k > 0 && a.calibration.sigma > 0);
  }
  // The objective is lib/agents' meanEpisodeSharpe on the calibration seeds.
  const p = a["avellaneda-stoikov"].params;
  const direct = meanEpisodeSharpe(
    makeVecEnv(cfg, seeds.length),
    new AvellanedaStoikovAgent({ gamma: grid[1], A: p.A, k: p.k, sigma: p.sigma }),
    seeds,
  );
  assert.ok(Math.abs(a["avellaneda-stoikov"].scores[1].score - direct) < 1e-12);
  const b = await fairModelParams(cfg, seeds, { gammaGrid: grid, workers: 2 });
  assert.deepEqual(b, a);
});
