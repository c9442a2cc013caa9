/**
 * Tuning of the rival strategies on training seeds, so that comparisons against them are
 * fair: a grid search over a documented grid maximizing a documented objective.
 *
 * @module
 */
import { AlpeError, ValidationError } from "../errors.ts";
import { ACT_DIM, type VecEnv } from "../env/types.ts";
import { rollout } from "./rollout.ts";
import type { Agent } from "./types.ts";

/**
 * Default γ grid for Avellaneda–Stoikov tuning, 1/$ per lot (log-spaced, ×≈3 steps).
 * With the default config (σ ≈ 0.013 $/√s, k = 30/$, 300 s episodes) γ = 0.001 makes the
 * inventory skew q·γ·σ²·T ≈ 0.005 ticks per lot (≈ symmetric quoting) and γ = 3 about
 * 15 ticks per lot (quotes pinned to the mid on one side from one lot of inventory on).
 * The grid goes on to 30 so that the tuned γ is not the grid's edge: on the book tier's
 * calibration the best γ on some seed sets was 3, the old top of the grid, and a rival
 * tuned at the edge of its grid is not a fair rival.
 */
export const DEFAULT_GAMMA_GRID: readonly number[] = Object.freeze([
  0.001,
  0.003,
  0.01,
  0.03,
  0.1,
  0.3,
  1,
  3,
  10,
  30,
]);

/**
 * Default γ grid for GLFT tuning, 1/$ per lot (log-spaced, ×≈3 steps). GLFT needs its own,
 * much higher range: the same γ means the same CARA risk aversion in both models, but the
 * inventory skew it produces differs by orders of magnitude. Avellaneda–Stoikov's skew per
 * lot is γσ²(T − t), the cost of holding a lot until the horizon without trading it away;
 * GLFT's exact stationary skew is C = √[σ²γ/(2kA)·(1 + γ/k)^(1 + k/γ)] ≈ σ√(eγ/(2kA)) for
 * γ ≪ k, which grows only like √γ because fills keep unwinding the inventory (C = γσ²·τ* with
 * an effective horizon τ* = √(e/(2kAγσ²)), a few seconds here). With the book tier's
 * calibration (A ≈ 2.5 fills/s, k ≈ 116/$, σ ≈ 0.015 $/√s; tick 0.01 $) C is 0.01 ticks per
 * lot at γ = 0.01, 0.18 at γ = 3 (the top of {@linkcode DEFAULT_GAMMA_GRID}, where AS's skew at
 * mid-episode is ≈ 10 ticks), 0.6 at γ = 30, 2.6 at γ = 300 and 19 at γ = 3000 (quotes pinned
 * to the mid or to maxOffsetTicks from one lot on); with the model tier's defaults (A = 2/s,
 * k = 30/$, σ ≈ 0.013 $/√s) 0.02 … 67 ticks. So the grid runs from ≈ symmetric quoting to
 * maximal inventory control in both tiers. On AS's grid C stays below a fifth of a tick per
 * lot in the book tier, which rounds quotes away from the mid to whole ticks: a quote moved by
 * a tick only after ≈ 0.5/C lots (≈ 3 lots at γ = 3, ≈ 150 at γ = 0.001), so GLFT tuned
 * on that grid had practically no inventory control.
 */
export const GLFT_GAMMA_GRID: readonly number[] = Object.freeze([
  0.01,
  0.03,
  0.1,
  0.3,
  1,
  3,
  10,
  30,
  100,
  300,
  1000,
  3000,
]);

/** One grid point and its score. */
export interface GridScore {
  /** The parameter value. */
  value: number;
  /** Its objective (NaN when the objective was not finite). */
  score: number;
}

/** Result of {@linkcode gridSearch}. */
export interface GridSearchResult {
  /** The best value (the first one on ties, in grid order). */
  best: number;
  /** Its score. */
  bestScore: number;
  /** Every grid point with its score, in grid order. */
  scores: GridScore[];
}

/** Result of {@linkcode tuneAvellanedaStoikov}. */
export interface GammaTuning {
  /** The chosen γ, 1/$ per lot. */
  gamma: number;
  /** Its objective. */
  score: number;
  /** The objective at every grid point. */
  scores: GridScore[];
}

/**
 * Evaluates `objective` at every grid value (sequentially, in order) and returns the
 * maximizer. Non-finite scores never win and are reported as NaN; if no score is finite an
 * {@linkcode AlpeError} is thrown.
 */
export async function gridSearch(
  objective: (value: number) => number | Promise<number>,
  grid: readonly number[],
  field = "grid",
): Promise<GridSearchResult> {
  if (!Array.isArray(grid) || grid.length === 0) {
    throw new ValidationError(field, grid, "a non-empty array of numbers");
  }
  grid.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new ValidationError(`${field}[${i}]`, v, "a finite number");
  });
  const scores: GridScore[] = [];
  let best = NaN, bestScore = -Infinity;
  for (const value of grid) {
    const raw = await objective(value);
    const score = Number.isFinite(raw) ? raw : NaN;
    scores.push({ value, score });
    if (score > bestScore) {
      bestScore = score;
      best = value;
    }
  }
  if (Number.isNaN(best)) {
    throw new AlpeError(`${field}: the objective was not finite at any grid point`);
  }
  return { best, bestScore, scores };
}

/**
 * Chooses Avellaneda–Stoikov's γ by grid search: `evaluate(γ)` should run the AS agent
 * with that γ on the **training** seeds and return the objective to maximize, e.g. the
 * mean total P&L per episode (what `tuneAgents` of lib/backtest maximizes) or the mean
 * per-episode Sharpe ratio of step P&L ({@linkcode meanEpisodeSharpe}; where every γ loses
 * money, the Sharpe ratio prefers the γ whose P&L varies most). Grid values must be positive
 * (γ is 1/$ per lot).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AvellanedaStoikovAgent, meanEpisodeSharpe, tuneAvellanedaStoikov } from "./mod.ts";
 * import { makeVecEnv } from "../env/make.ts";
 * const env = makeVecEnv({ tier: "model", duration: 10 }, 4);
 * const train = [1000, 1001, 1002, 1003];
 * const { gamma, score, scores } = await tuneAvellanedaStoikov(
 *   (g) => meanEpisodeSharpe(env, new AvellanedaStoikovAgent({ gamma: g }), train),
 *   [0.01, 0.1, 1], // a short grid for the example; the default is DEFAULT_GAMMA_GRID
 * );
 * assert.equal(scores.length, 3);
 * assert.equal(score, Math.max(...scores.map((s) => s.score)));
 * assert.equal(scores.find((s) => s.score === score)?.value, gamma);
 * ```
 */
export async function tuneAvellanedaStoikov(
  evaluate: (gamma: number) => number | Promise<number>,
  grid: readonly number[] = DEFAULT_GAMMA_GRID,
): Promise<GammaTuning> {
  if (Array.isArray(grid)) {
    grid.forEach((g, i) => {
      if (!(g > 0 && g < Infinity)) {
        throw new ValidationError(`grid[${i}]`, g, "a positive finite γ");
      }
    });
  }
  const r = await gridSearch(evaluate, grid);
  return { gamma: r.best, score: r.bestScore, scores: r.scores };
}

/**
 * Runs `agent` for one episode per seed on `env` (in batches of `env.numEnvs`; a last
 * partial batch is padded with repeated seeds whose episodes are ignored) and returns the
 * mean over episodes of the per-episode Sharpe ratio mean(ΔP&L) / std(ΔP&L, ddof = 1) of
 * the per-step changes of mark-to-market P&L (`columns.pnl`, starting from 0).
 * Not annualized: a constant factor would not change a ranking. An episode whose P&L never
 * changes scores 0. The agent is reset with `seed` (default 0) before each batch.
 */
export function meanEpisodeSharpe(
  env: VecEnv,
  agent: Agent,
  seeds: readonly number[],
  seed = 0,
): number {
  if (!Array.isArray(seeds) || seeds.length === 0) {
    throw new ValidationError("seeds", seeds, "a non-empty array of seeds");
  }
  const n = env.numEnvs;
  const actions = new Float64Array(n * ACT_DIM);
  const pnl = env.columns.pnl;
  const prev = new Float64Array(n);
  const mean = new Float64Array(n);
  const m2 = new Float64Array(n);
  const batchSeeds = new Array<number>(n);
  let total = 0, count = 0;
  for (let start = 0; start < seeds.length; start += n) {
    const real = Math.min(n, seeds.length - start);
    for (let i = 0; i < n; i++) batchSeeds[i] = seeds[start + (i < real ? i : i % real)];
    prev.fill(0);
    mean.fill(0);
    m2.fill(0);
    let steps = 0;
    rollout(env, agent, batchSeeds, {
      agentSeed: seed,
      actions,
      onStep: () => {
        steps++;
        for (let i = 0; i < n; i++) {
          const d = pnl[i] - prev[i];
          prev[i] = pnl[i];
          const delta = d - mean[i]; // Welford's update
          mean[i] += delta / steps;
          m2[i] += delta * (d - mean[i]);
        }
      },
    });
    for (let i = 0; i < real; i++) {
      const variance = steps > 1 ? m2[i] / (steps - 1) : 0;
      total += variance > 1e-300 ? mean[i] / Math.sqrt(variance) : 0;
      count++;
    }
  }
  return total / count;
}
