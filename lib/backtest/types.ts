/**
 * Types of the backtest runner: what to run (agents, episodes, seeds), the unit of work
 * handed to a worker (a {@linkcode BacktestJob}: one agent × a chunk of episodes) and
 * what comes back.
 *
 * @module
 */
import type { EnvConfig } from "../env/config.ts";
import type { EpisodeRecord } from "../env/types.ts";
import type { EpisodeMetrics, PeriodSpec } from "../analytics/mod.ts";

/** Which agent to run, with its parameters. */
export interface AgentSpec {
  /** A registered agent id (e.g. "avellaneda-stoikov"; see `agentIds()`). */
  id: string;
  /**
   * Parameters handed to `createAgent(id, params)`; for "ppo", `{ dir }`, the model
   * directory (default `data/models/ppo`).
   */
  params?: Record<string, unknown>;
  /**
   * URL of the module that registers the agent, for agents defined outside ALPE (worker
   * threads import it before creating the agent).
   */
  module?: string;
}

/** How each episode is summarized (passed to `summarizeEpisode`). */
export interface JobSummaryOptions {
  /** Capital base of returns, dollars. */
  capitalBase: number;
  /** Return period: seconds (a whole number of steps) or "step". */
  period: PeriodSpec;
  /** The reward's impact weight, to turn `rewardImpact` back into dollars. */
  impactWeight: number;
}

/** One unit of work: one agent over a chunk of consecutive evaluation episodes. */
export interface BacktestJob {
  /** Position of the job in the plan (results are merged in this order). */
  index: number;
  /** Position of the agent in the run's agent list. */
  agentIndex: number;
  /** Chunk number within the agent's episodes (0-based). */
  chunk: number;
  /** Index of the chunk's first episode among the evaluation episodes. */
  firstEpisode: number;
  /** The resolved environment configuration. */
  config: EnvConfig;
  /** The agent to run. */
  agent: AgentSpec;
  /** Environment seeds, one episode each (all run as one batch VecEnv). */
  seeds: number[];
  /** Seed of the agent's own randomness for this chunk. */
  agentSeed: number;
  /** Episode summary options. */
  summary: JobSummaryOptions;
  /** Points per equity curve kept for plots (0: none). */
  curvePoints: number;
  /** Keep the full per-step records (for the Arrow export). */
  recordSteps: boolean;
}

/** What a job returns. */
export interface JobResult {
  /** The job's index. */
  index: number;
  /** Metrics of each episode, in seed order. */
  metrics: EpisodeMetrics[];
  /** Equity curves: `seeds.length × curvePoints` P&L samples (dollars), row-major. */
  curves: Float64Array;
  /** Time of each curve sample, seconds from the episode start. */
  curveTime: Float64Array;
  /**
   * Steps spent at each inventory, summed over the chunk's episodes: index `q + maxInventory`
   * for q lots (rounded, clamped to ±maxInventory).
   */
  inventoryCounts: Float64Array;
  /**
   * Sufficient statistics of each episode's per-period returns, `MOMENTS_STRIDE` values per
   * episode (see lib/analytics' `packMoments`), for the pooled risk figures.
   */
  moments: Float64Array;
  /** The per-step records, when `recordSteps` was set. */
  records?: EpisodeRecord[];
  /** The per-step record of the plan's first episode (chunk 0 only), for reports. */
  sample?: EpisodeRecord;
}

/** Equity curves of one agent. */
export interface EquityCurves {
  /** Sample times, seconds from the episode start. */
  time: Float64Array;
  /** One P&L curve (dollars) per episode, in episode order. */
  pnl: Float64Array[];
}

/** Inventory histogram of one agent over every step of every episode. */
export interface InventoryHistogram {
  /** Inventory values, lots (−maxInventory … maxInventory). */
  lots: number[];
  /** Steps spent at each value. */
  counts: number[];
}
