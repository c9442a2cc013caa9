/**
 * One tuning procedure for every non-learned agent, so that comparisons are fair: on the
 * **calibration seeds** (disjoint from the evaluation seeds, see `calibrationSeeds`),
 *
 * 1. if any agent declares `tuning.calibrated`, calibrate the fill intensity A·e^(−kδ) and the
 *    mid volatility σ by experiment (`calibrateFromEnv`), and pass A, k, σ to those agents;
 * 2. for each agent with a `tuning` declaration, evaluate every point of its declared grid
 *    (the cartesian product of its parameters' candidate values) on all calibration seeds and
 *    keep the point with the highest objective: the mean total P&L per episode (dollars; the
 *    first point wins ties) — the measure by which a comparison names each market's best
 *    rival. Until stop 52 it was the mean per-episode Sharpe ratio of step P&L
 *    (lib/agents' `meanEpisodeSharpe`), which, where every point loses money, prefers the
 *    point whose P&L varies most (a loss divided by a larger standard deviation is closer to
 *    0): in the calibrated BTCUSDT markets it gave `touch` no inventory limit, its riskiest
 *    point, where the limit of one lot lost least (docs/results/README.md).
 *
 * The grids are the agents' own declarations in the registry (`AgentDefinition.tuning`);
 * nothing here depends on which agent is which. Units: A in fills/s, k in 1/$, σ in $/√s.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import type { ProgressStore } from "../progress_store.ts";
import type { EnvConfig } from "../env/config.ts";
import { makeVecEnv } from "../env/make.ts";
import { agentDefinition, calibrateFromEnv } from "../agents/mod.ts";
import { defaultCapitalBase } from "../analytics/mod.ts";
import { agentSpec } from "./agent_spec.ts";
import { defaultWorkers, runJobs } from "./pool.ts";
import type { BacktestJob, JobResult } from "./types.ts";

/** The calibrated market parameters. */
export interface MarketCalibration {
  /** Fill intensity at the mid, fills/s. */
  A: number;
  /** Intensity decay, 1/$. */
  k: number;
  /** Mid volatility, $/√s. */
  sigma: number;
  /** True when A and k come from the data (false: the config's model-tier prior). */
  intensityFitted: boolean;
  /** True when σ comes from the data. */
  sigmaFitted: boolean;
  /** Fills observed. */
  fills: number;
}

/** One grid point and its objective. */
export interface TuningScore {
  /** The agent's tuned parameters at this point. */
  point: Record<string, number>;
  /** Mean total P&L per episode on the calibration seeds, dollars (NaN if not finite). */
  score: number;
}

/** Tuned parameters of one agent. */
export interface TunedAgentParams {
  /** Parameters to pass to `createAgent` (the best grid point, plus A, k, σ when calibrated). */
  params: Record<string, number>;
  /** The objective at the chosen point: mean total P&L per episode, dollars. */
  score: number;
  /** The objective at every grid point, in grid order. */
  scores: TuningScore[];
  /** The grid searched. */
  grid: Record<string, number[]>;
}

/** Result of {@linkcode tuneAgents}. */
export interface FairParams {
  /** Seeds used for calibration and tuning (never evaluation seeds). */
  seeds: number[];
  /** Calibrated A, k, σ (null when no agent takes them). */
  calibration: MarketCalibration | null;
  /** Per tuned agent id, its parameters. */
  agents: Record<string, TunedAgentParams>;
}

/** Options of {@linkcode tuneAgents}. */
export interface TuneAgentsOptions {
  /** Replaces an agent's declared grid: agent id → parameter → candidate values. */
  grids?: Record<string, Record<string, readonly number[]>>;
  /**
   * Workers for the grid evaluations (default min(cores, grid points); 0: in-process).
   * Never changes the result.
   */
  workers?: number;
  /** Where finished grid jobs are saved and found again (`runJobs`; default none). */
  progress?: ProgressStore<JobResult>;
}

/** The cartesian product of `grid`, in declaration order (the last parameter varies fastest). */
export function gridPoints(
  grid: Readonly<Record<string, readonly number[]>>,
): Record<string, number>[] {
  let points: Record<string, number>[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    const next: Record<string, number>[] = [];
    for (const p of points) for (const v of values) next.push({ ...p, [name]: v });
    points = next;
  }
  return points;
}

/**
 * Tunes the agents `ids` on `seeds` by the procedure of the module doc. Agents without a
 * tuning declaration are skipped (absent from the result). Deterministic for the same config
 * and seeds, whatever the worker count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tuneAgents } from "./fair_params.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * const cfg = parseEnvConfig({ tier: "model", duration: 10 });
 * const fair = await tuneAgents(cfg, [11, 12], ["avellaneda-stoikov", "touch", "random"], {
 *   workers: 0,
 * });
 * const as = fair.agents["avellaneda-stoikov"]; // the γ that scored best, A, k, σ calibrated
 * assert.deepEqual(Object.keys(as.params).sort(), ["A", "gamma", "k", "sigma"]);
 * assert.equal(as.score, Math.max(...as.scores.map((s) => s.score)));
 * const touch = fair.agents["touch"]; // tuned over its declared grid
 * assert.ok(touch.grid.backoffTicks.includes(touch.params.backoffTicks));
 * assert.equal(fair.agents["random"], undefined); // declares no tuning grid: skipped
 * ```
 */
export async function tuneAgents(
  config: EnvConfig,
  seeds: readonly number[],
  ids: readonly string[],
  options: TuneAgentsOptions = {},
): Promise<FairParams> {
  if (!Array.isArray(seeds) || seeds.length === 0) {
    throw new ValidationError("calibrationSeeds", seeds, "a non-empty array of seeds");
  }
  const tuned: { id: string; calibrated: boolean; grid: Record<string, number[]> }[] = [];
  for (const id of ids) {
    const t = agentDefinition(id).tuning;
    if (!t) continue;
    const grid: Record<string, number[]> = {};
    const override = options.grids?.[id];
    for (const [name, values] of Object.entries(override ?? t.grid)) {
      grid[name] = checkGrid(`grids.${id}.${name}`, values);
    }
    tuned.push({ id, calibrated: t.calibrated, grid });
  }
  let calibration: MarketCalibration | null = null;
  let base: Record<string, number> = {};
  if (tuned.some((t) => t.calibrated)) {
    const est = calibrateFromEnv((n) => makeVecEnv(config, n), [...seeds]);
    calibration = {
      A: est.A,
      k: est.k,
      sigma: est.sigma,
      intensityFitted: est.intensityFitted,
      sigmaFitted: est.sigmaFitted,
      fills: est.fills,
    };
    base = { A: est.A, k: est.k, sigma: est.sigma };
  }
  const summary = {
    capitalBase: defaultCapitalBase(config),
    period: "step" as const,
    impactWeight: config.reward.impact,
  };
  const jobs: BacktestJob[] = [];
  const plan: { agent: number; point: Record<string, number> }[] = [];
  tuned.forEach((t, a) => {
    for (const point of gridPoints(t.grid)) {
      plan.push({ agent: a, point });
      jobs.push({
        index: jobs.length,
        agentIndex: a,
        chunk: 0,
        firstEpisode: 0,
        config,
        agent: agentSpec(t.id, { ...point, ...(t.calibrated ? base : {}) }),
        seeds: [...seeds],
        agentSeed: 0,
        summary,
        curvePoints: 0,
        recordSteps: false,
      });
    }
  });
  const results = await runJobs(
    jobs,
    options.workers ?? defaultWorkers(jobs.length),
    undefined,
    options.progress,
  );
  const agents: Record<string, TunedAgentParams> = {};
  tuned.forEach((t, a) => {
    const scores: TuningScore[] = [];
    let best = -1, bestScore = -Infinity;
    results.forEach((r, j) => {
      if (plan[j].agent !== a) return;
      let sum = 0;
      for (const m of r.metrics) sum += m.totalPnl;
      const raw = sum / r.metrics.length;
      const score = Number.isFinite(raw) ? raw : NaN;
      if (score > bestScore) {
        bestScore = score;
        best = scores.length;
      }
      scores.push({ point: plan[j].point, score });
    });
    if (best < 0) {
      throw new ValidationError(
        `grids.${t.id}`,
        t.grid,
        "a grid with at least one point of finite objective",
      );
    }
    agents[t.id] = {
      params: { ...scores[best].point, ...(t.calibrated ? base : {}) },
      score: bestScore,
      scores,
      grid: t.grid,
    };
  });
  return { seeds: [...seeds], calibration, agents };
}

function checkGrid(field: string, grid: readonly number[]): number[] {
  if (!Array.isArray(grid) || grid.length === 0) {
    throw new ValidationError(field, grid, "a non-empty array of numbers");
  }
  grid.forEach((g, i) => {
    if (!Number.isFinite(g)) throw new ValidationError(`${field}[${i}]`, g, "a finite number");
  });
  return [...grid];
}

/**
 * {@linkcode tuneAgents} for one agent, in the shape of the PPO trainer's `tuneBase` option
 * (the residual policy's base agent): its calibrated and tuned parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tuneBaseAgent } from "./fair_params.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * // `PpoTrainer.create({ seed: 1 }, { tuneBase: tuneBaseAgent })` calls it like this:
 * const cfg = parseEnvConfig({ tier: "model", duration: 10 });
 * const base = await tuneBaseAgent(cfg, [11, 12], "avellaneda-stoikov");
 * assert.ok(base.gamma > 0 && base.A > 0 && base.k > 0 && base.sigma > 0);
 * ```
 */
export async function tuneBaseAgent(
  config: EnvConfig,
  seeds: readonly number[],
  agent: string,
): Promise<{ gamma: number; A: number; k: number; sigma: number }> {
  const fair = await tuneAgents(config, seeds, [agent]);
  const p = fair.agents[agent]?.params;
  if (!p || !(p.gamma > 0) || !(p.A > 0) || !(p.k > 0) || !(p.sigma > 0)) {
    throw new ValidationError("residual.base", agent, "an agent tuned over γ with A, k, σ");
  }
  return { gamma: p.gamma, A: p.A, k: p.k, sigma: p.sigma };
}
