import assert from "node:assert/strict";
import { fairModelParams } from "../../lib/backtest/mod.ts";
import {
  AvellanedaStoikovAgent,
  DEFAULT_GAMMA_GRID,
  GLFT_GAMMA_GRID,
  glftInventoryCoefficient,
  meanEpisodeSharpe,
} from "../../lib/agents/mod.ts";
import { runBacktest } from "../../lib/backtest/runner.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { makeVecEnv } from "../../lib/env/make.ts";

const cfg = parseEnvConfig({ tier: "model", duration: 10 });
const seeds = [101, 102, 103];
const grid = [0.01, 0.1, 1];
const glftGrid = [1, 10, 100];

Deno.test("fairModelParams: calibrated A, k, σ and a γ from the grid, the same with workers", async () => {
  const grids = { gammaGrid: grid, glftGammaGrid: glftGrid };
  const a = await fairModelParams(cfg, seeds, { ...grids, workers: 0 });
  assert.deepEqual(a.gammaGrid, grid);
  assert.deepEqual(a.glftGammaGrid, glftGrid);
  for (const id of ["avellaneda-stoikov", "glft"] as const) {
    const t = a[id];
    const g = id === "glft" ? glftGrid : grid;
    assert.ok(g.includes(t.params.gamma), id);
    assert.deepEqual(t.scores.map((s) => s.value), g);
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
  const b = await fairModelParams(cfg, seeds, { ...grids, workers: 2 });
  assert.deepEqual(b, a);
});

// Regression: GLFT used to be tuned on AS's grid (γ ≤ 3), where its inventory skew C is a
// fraction of a tick per lot; in the book tier it then held ≈ 7 lots on average against AS's
// ≈ 0.1 (`deno task compare`). Tuned on its own grid it controls inventory about as well as AS.
Deno.test("fairModelParams: GLFT is tuned on its own grid and controls inventory in the book tier", async () => {
  const book = parseEnvConfig({ tier: "book", duration: 60 });
  const cal = Array.from({ length: 8 }, (_, i) => 5000 + i);
  const fair = await fairModelParams(book, cal, { workers: 0 });
  assert.deepEqual(fair.gammaGrid, [...DEFAULT_GAMMA_GRID]);
  assert.deepEqual(fair.glftGammaGrid, [...GLFT_GAMMA_GRID]);
  assert.deepEqual(fair.glft.scores.map((s) => s.value), [...GLFT_GAMMA_GRID]);
  const { gamma, k, A, sigma } = fair.glft.params;
  const cTicks = glftInventoryCoefficient(gamma, k, A, sigma) / book.tickSize;
  assert.ok(cTicks > 0.3, `tuned GLFT skews by ${cTicks} ticks per lot`);
  const res = await runBacktest({
    config: book,
    agents: [
      { id: "avellaneda-stoikov", params: fair["avellaneda-stoikov"].params },
      { id: "glft", params: fair.glft.params },
    ],
    episodes: 8,
    seed: 7,
    workers: 0,
  });
  const [as, glft] = res.agents.map((r) => r.aggregate.avgAbsInventory.mean);
  assert.ok(glft < 0.5 && glft < 4 * as, `avg |inventory|: GLFT ${glft}, AS ${as} lots`);
});
