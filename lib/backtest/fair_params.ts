/**
 * Fair parameters for the model-based rivals (Avellaneda–Stoikov and GLFT): calibrate the
 * fill intensity A·e^(−kδ) and the mid volatility σ by experiment on **calibration seeds**
 * (disjoint from the evaluation seeds, see `calibrationSeeds`), then choose each agent's
 * risk aversion γ by grid search on the same calibration seeds, maximizing the mean
 * per-episode Sharpe ratio of step P&L (lib/agents' `meanEpisodeSharpe` convention). Each agent
 * has its own grid: the same γ gives GLFT a far smaller inventory skew than AS (see
 * `GLFT_GAMMA_GRID`), so GLFT searches a higher range.
 *
 * Units: A in fills/s, k in 1/$, σ in $/√s, γ in 1/$ per lot.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import type { EnvConfig } from "../env/config.ts";
import { makeVecEnv } from "../env/make.ts";
import {
  calibrateFromEnv,
  DEFAULT_GAMMA_GRID,
  GLFT_GAMMA_GRID,
  type GridScore,
  gridSearch,
  tuneAvellanedaStoikov,
} from "../agents/mod.ts";
import { defaultCapitalBase } from "../analytics/mod.ts";
import { defaultWorkers, runJobs } from "./pool.ts";
import type { BacktestJob } from "./types.ts";

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

/** Tuned parameters of one model-based agent. */
export interface TunedAgentParams {
  /** Parameters to pass to `createAgent` (γ, A, k, σ). */
  params: { gamma: number; A: number; k: number; sigma: number };
  /** The objective (mean per-episode Sharpe of step P&L, not annualized) at the chosen γ. */
  score: number;
  /** The objective at every grid point. */
  scores: GridScore[];
}

/** Result of {@linkcode fairModelParams}. */
export interface FairModelParams {
  /** Seeds used for calibration and tuning (never evaluation seeds). */
  seeds: number[];
  /** γ grid searched for Avellaneda–Stoikov, 1/$ per lot. */
  gammaGrid: number[];
  /** γ grid searched for GLFT, 1/$ per lot. */
  glftGammaGrid: number[];
  /** Calibrated A, k, σ. */
  calibration: MarketCalibration;
  /** Avellaneda–Stoikov parameters. */
  "avellaneda-stoikov": TunedAgentParams;
  /** GLFT parameters. */
  glft: TunedAgentParams;
}

/** Options of {@linkcode fairModelParams}. */
export interface FairModelParamsOptions {
  /** Avellaneda–Stoikov's γ grid (default `DEFAULT_GAMMA_GRID`). */
  gammaGrid?: readonly number[];
  /** GLFT's γ grid (default `GLFT_GAMMA_GRID`). */
  glftGammaGrid?: readonly number[];
  /** Which agents to tune (default both). */
  agents?: readonly TunableAgentId[];
  /**
   * Workers for the grid evaluations (default min(cores, grid points); 0: in-process).
   * Never changes the result.
   */
  workers?: number;
}

/** The agents {@linkcode fairModelParams} tunes. */
export type TunableAgentId = "avellaneda-stoikov" | "glft";

/**
 * Calibrates A, k, σ on `seeds` with `calibrateFromEnv`, then tunes γ of
 * Avellaneda–Stoikov (`tuneAvellanedaStoikov` on `gammaGrid`) and GLFT (`gridSearch` on
 * `glftGammaGrid`, same objective) on the same seeds: the objective of γ is the mean over the seeds of the
 * per-episode Sharpe of step P&L (as lib/agents' `meanEpisodeSharpe`). The grid points run
 * as backtest jobs (one per agent and γ, all seeds in one batch) on a worker pool.
 * Deterministic for the same config and seeds, whatever the worker count.
 *
 * @example
 * ```ts ignore
 * import { fairModelParams } from "./fair_params.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * const fair = await fairModelParams(parseEnvConfig({ tier: "model", duration: 30 }), [11, 12]);
 * fair["avellaneda-stoikov"].params; // { gamma, A, k, sigma }
 * ```
 */
export async function fairModelParams(
  config: EnvConfig,
  seeds: readonly number[],
  options: FairModelParamsOptions = {},
): Promise<FairModelParams> {
  if (!Array.isArray(seeds) || seeds.length === 0) {
    throw new ValidationError("calibrationSeeds", seeds, "a non-empty array of seeds");
  }
  const grid = positiveGrid("gammaGrid", options.gammaGrid ?? DEFAULT_GAMMA_GRID);
  const glftGrid = positiveGrid("glftGammaGrid", options.glftGammaGrid ?? GLFT_GAMMA_GRID);
  const grids: Record<TunableAgentId, number[]> = {
    "avellaneda-stoikov": grid,
    glft: glftGrid,
  };
  const which = options.agents ?? ["avellaneda-stoikov", "glft"];
  const est = calibrateFromEnv((n) => makeVecEnv(config, n), [...seeds]);
  const calibration: MarketCalibration = {
    A: est.A,
    k: est.k,
    sigma: est.sigma,
    intensityFitted: est.intensityFitted,
    sigmaFitted: est.sigmaFitted,
    fills: est.fills,
  };
  const base = { A: est.A, k: est.k, sigma: est.sigma };
  const summary = {
    capitalBase: defaultCapitalBase(config),
    period: "step" as const,
    impactWeight: config.reward.impact,
  };
  const jobs: BacktestJob[] = [];
  which.forEach((id, a) => {
    for (const gamma of grids[id]) {
      jobs.push({
        index: jobs.length,
        agentIndex: a,
        chunk: 0,
        firstEpisode: 0,
        config,
        agent: { id, params: { gamma, ...base } },
        seeds: [...seeds],
        agentSeed: 0,
        summary,
        curvePoints: 0,
        recordSteps: false,
      });
    }
  });
  const results = await runJobs(jobs, options.workers ?? defaultWorkers(jobs.length));
  const score = new Map<string, number>();
  results.forEach((r, i) => {
    const j = jobs[i];
    let sum = 0;
    for (const v of r.stepSharpe) sum += v;
    score.set(`${j.agent.id}:${j.agent.params!.gamma}`, sum / r.stepSharpe.length);
  });
  const objective = (id: TunableAgentId) => (gamma: number) => score.get(`${id}:${gamma}`)!;
  const untuned = (): TunedAgentParams => ({
    params: { gamma: NaN, ...base },
    score: NaN,
    scores: [],
  });
  let as = untuned();
  if (which.includes("avellaneda-stoikov")) {
    const t = await tuneAvellanedaStoikov(objective("avellaneda-stoikov"), grid);
    as = { params: { gamma: t.gamma, ...base }, score: t.score, scores: t.scores };
  }
  let glft = untuned();
  if (which.includes("glft")) {
    const t = await gridSearch(objective("glft"), glftGrid, "glftGammaGrid");
    glft = { params: { gamma: t.best, ...base }, score: t.bestScore, scores: t.scores };
  }
  return {
    seeds: [...seeds],
    gammaGrid: grid,
    glftGammaGrid: glftGrid,
    calibration,
    "avellaneda-stoikov": as,
    glft,
  };
}

function positiveGrid(field: string, grid: readonly number[]): number[] {
  if (!Array.isArray(grid) || grid.length === 0) {
    throw new ValidationError(field, grid, "a non-empty array of positive γ");
  }
  grid.forEach((g, i) => {
    if (!(g > 0 && g < Infinity)) {
      throw new ValidationError(`${field}[${i}]`, g, "a positive finite γ");
    }
  });
  return [...grid];
}

/**
 * {@linkcode fairModelParams} for one agent, in the shape of the PPO trainer's `tuneBase`
 * option (the residual policy's base agent): its calibrated and γ-tuned parameters.
 *
 * @example
 * ```ts ignore
 * import { PpoTrainer } from "../rl/trainer.ts";
 * import { tuneBaseAgent } from "./fair_params.ts";
 * const trainer = await PpoTrainer.create({ seed: 1 }, { tuneBase: tuneBaseAgent });
 * ```
 */
export async function tuneBaseAgent(
  config: EnvConfig,
  seeds: readonly number[],
  agent: TunableAgentId,
): Promise<TunedAgentParams["params"]> {
  const fair = await fairModelParams(config, seeds, { agents: [agent] });
  return { ...fair[agent].params };
}
