/**
 * Backtests of market-making agents: the runner (episodes × agents with common random
 * numbers, batch VecEnvs, Deno Workers, deterministic merge), fair parameters for the
 * model-based rivals, the comparison behind `deno task compare`, and result files (JSON,
 * CSV, Apache Arrow, HTML).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runBacktest } from "./mod.ts";
 * const res = await runBacktest({
 *   config: { tier: "model", duration: 10 },
 *   agents: [{ id: "random" }, { id: "glft" }],
 *   episodes: 4,
 *   seed: 1,
 *   workers: 0,
 * });
 * const pnl = res.agents[1].aggregate.totalPnl; // glft's P&L per episode, dollars
 * assert.equal(pnl.n, 4);
 * assert.ok(Number.isFinite(pnl.mean));
 * ```
 *
 * @module
 */
export type {
  EnvConfig,
  EnvConfigInput,
  FlowConfig,
  ImpactConfig,
  LatencyConfig,
  LatencySpec,
  ModelTierConfig,
  RegimeConfig,
  RewardConfig,
} from "../env/config.ts";
export type { AgentView, EpisodeRecord } from "../env/types.ts";
export type { Agent, AgentContext } from "../agents/types.ts";
export type { GridScore } from "../agents/tuning.ts";
export type {
  EpisodeMetrics,
  MetricSummary,
  PairedComparison,
  PeriodSpec,
} from "../analytics/mod.ts";
export * from "./types.ts";
export * from "./seeds.ts";
export * from "./agent_spec.ts";
export * from "./job.ts";
export { defaultWorkers, MAX_WORKERS, runJobs } from "./pool.ts";
export * from "./runner.ts";
export * from "./fair_params.ts";
export * from "./format.ts";
export * from "./output.ts";
export * from "./progress.ts";
export * from "./compare.ts";
export * from "./markets_compare.ts";
export * from "./report.ts";
export * from "./files.ts";
export * from "./markets_files.ts";
export * from "./replay_plan.ts";
