import assert from "node:assert/strict";
import {
  DEFAULT_GAMMA_GRID,
  gridSearch,
  meanEpisodeSharpe,
  tuneAvellanedaStoikov,
} from "../../lib/agents/tuning.ts";
import { StaticSpreadAgent } from "../../lib/agents/static_spread.ts";
import { AlpeError, ValidationError } from "../../lib/errors.ts";
import { assertClose, modelConfig, ToyVecEnv } from "./_helpers.ts";

Deno.test("tuneAvellanedaStoikov picks the grid maximizer and reports every score", async () => {
  // Objective peaked at γ = 0.1 in log space: −(log10 γ + 1)².
  const seen: number[] = [];
  const r = await tuneAvellanedaStoikov((g) => {
    seen.push(g);
    return -((Math.log10(g) + 1) ** 2);
  });
  assert.deepEqual(seen, [...DEFAULT_GAMMA_GRID]);
  assert.equal(r.gamma, 0.1);
  assert.equal(r.score, -0);
  assert.equal(r.scores.length, DEFAULT_GAMMA_GRID.length);
  assert.deepEqual(r.scores[4], { value: 0.1, score: -0 });
  // Async objectives work too; NaN never wins and is reported as NaN.
  const r2 = await tuneAvellanedaStoikov((g) => Promise.resolve(g === 1 ? NaN : g), [0.5, 1, 0.2]);
  assert.equal(r2.gamma, 0.5);
  assert.ok(Number.isNaN(r2.scores[1].score));
});

Deno.test("grid search: ties keep the first, bad grids and all-NaN objectives are errors", async () => {
  assert.equal((await gridSearch(() => 1, [3, 2, 1])).best, 3);
  await assert.rejects(() => gridSearch(() => NaN, [1, 2]), AlpeError);
  await assert.rejects(() => gridSearch(() => 1, []), ValidationError);
  await assert.rejects(
    () => tuneAvellanedaStoikov(() => 1, [0.1, 0]),
    (e: unknown) => e instanceof ValidationError && e.field === "grid[1]",
  );
});

Deno.test("meanEpisodeSharpe: per-episode Sharpe of step P&L changes, averaged", () => {
  // Env 0 P&L 1, 3, 2, 4 → changes 1, 2, −1, 2: mean 1, sample var (0 + 1 + 4 + 1)/3 = 2,
  //   Sharpe 1/√2 = 0.707107. Env 1 flat → 0. Mean over the two episodes: 0.353553.
  const paths = [[1, 3, 2, 4], [0, 0, 0, 0]];
  const env = new ToyVecEnv(modelConfig(), 2, { A: 1, k: 1, sigma: 0, steps: 4, pnlPaths: paths });
  assertClose(meanEpisodeSharpe(env, new StaticSpreadAgent(), [5, 6]), 0.353553, 1e-6, "Sharpe");
  // Three seeds on two envs: the second batch has one real episode (env 0 again): 0.707107;
  // mean over the 3 episodes = (0.707107 + 0 + 0.707107)/3 = 0.471405.
  assertClose(meanEpisodeSharpe(env, new StaticSpreadAgent(), [5, 6, 7]), 0.471405, 1e-6, "Sharpe");
});
