/**
 * The backtest runner: every agent over the same evaluation episodes (common random
 * numbers), each agent's episodes split into fixed chunks run as batch VecEnvs on a pool of
 * Deno Workers, then summarized per episode and aggregated across episodes.
 *
 * Determinism: the plan (seeds, chunks, agent seeds) depends only on the options, never on
 * the worker count, and results are merged in plan order, so the same options give
 * identical results with 1 or N workers. Chunking does matter for agents with their own
 * randomness (the random baseline draws one stream per chunk), so `chunkSize` is part of
 * the plan.
 *
 * @module
 */
import { requireInt, ValidationError } from "../errors.ts";
import type { ProgressStore } from "../progress_store.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import type { EpisodeRecord } from "../env/types.ts";
import {
  aggregate,
  defaultCapitalBase,
  type EpisodeMetrics,
  type MetricSummary,
  type PeriodSpec,
  periodsPerYear,
  pooledSummary,
} from "../analytics/mod.ts";
import { validateSeed } from "../rng/mod.ts";
import { createAgentFromSpec } from "./agent_spec.ts";
import { defaultWorkers, MAX_WORKERS, runJobs } from "./pool.ts";
import { agentChunkSeed, evaluationSeeds, MAX_EPISODES } from "./seeds.ts";
import type {
  AgentSpec,
  BacktestJob,
  EquityCurves,
  InventoryHistogram,
  JobResult,
  JobSummaryOptions,
} from "./types.ts";

/** Default episodes per job (chunk). */
export const DEFAULT_CHUNK_SIZE = 10;
/** Default points per equity curve. */
export const DEFAULT_CURVE_POINTS = 300;

/** Options of {@linkcode runBacktest}. */
export interface BacktestOptions {
  /** Environment configuration (partial input or resolved). */
  config: EnvConfigInput | EnvConfig;
  /** Agents to run, in output order (ids must be distinct). */
  agents: readonly AgentSpec[];
  /** Evaluation episodes per agent. */
  episodes: number;
  /** Root seed: episode e uses `childSeed(seed, e)` for every agent. */
  seed: number;
  /**
   * Explicit evaluation seeds (`episodes` of them) instead of `childSeed(seed, e)`, e.g. the
   * seeds of chosen replay windows (see `replayPlan`).
   */
  seeds?: readonly number[];
  /**
   * Deno Workers to use (default `min(navigator.hardwareConcurrency, jobs)`); 0 runs the
   * jobs in this thread. Never changes the results.
   */
  workers?: number;
  /** Episodes per job (default {@linkcode DEFAULT_CHUNK_SIZE}); part of the plan. */
  chunkSize?: number;
  /** Points kept per equity curve (default {@linkcode DEFAULT_CURVE_POINTS}; 0: none). */
  curvePoints?: number;
  /** Keep the full per-step records of every episode (for the Arrow export). */
  recordSteps?: boolean;
  /** Capital base of returns, dollars (default `defaultCapitalBase(config)`). */
  capitalBase?: number;
  /** Return period, seconds or "step" (default 1 second). */
  period?: PeriodSpec;
  /** Bootstrap resamples of the 95 % CIs (default 2,000). */
  resamples?: number;
  /** Called after each job with the episodes done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Where finished jobs are saved and found again, so that a run stopped part way resumes
   * with the same results ({@linkcode runJobs}; default none).
   */
  progress?: ProgressStore<JobResult>;
}

/** Results of one agent. */
export interface AgentBacktest {
  /** Agent id. */
  id: string;
  /** Per-episode metrics, in evaluation-episode order. */
  episodes: EpisodeMetrics[];
  /** Mean, 95 % bootstrap CI, std and n of every metric across episodes. */
  aggregate: Record<string, MetricSummary>;
  /** Sampled equity curves, one per episode. */
  curves: EquityCurves;
  /** Inventory histogram over all steps. */
  inventory: InventoryHistogram;
  /** Full per-step records (only with `recordSteps`). */
  records?: EpisodeRecord[];
  /** The per-step record of the first evaluation episode (a sample for reports). */
  sample?: EpisodeRecord;
}

/** Result of {@linkcode runBacktest}. */
export interface BacktestResult {
  /** The resolved environment configuration. */
  config: EnvConfig;
  /** The root seed. */
  seed: number;
  /** Evaluation seeds, episode order (the same for every agent). */
  seeds: number[];
  /** Episodes per job. */
  chunkSize: number;
  /** Seeds of each agent's own randomness, one per chunk. */
  agentSeeds: Record<string, number[]>;
  /** How episodes were summarized. */
  summary: JobSummaryOptions;
  /** One entry per agent, in the order given. */
  agents: AgentBacktest[];
}

/** The jobs of a backtest plan, in merge order (agent-major, then chunk). */
export function planJobs(
  config: EnvConfig,
  agents: readonly AgentSpec[],
  seeds: readonly number[],
  rootSeed: number,
  chunkSize: number,
  summary: JobSummaryOptions,
  curvePoints: number,
  recordSteps: boolean,
): BacktestJob[] {
  const jobs: BacktestJob[] = [];
  agents.forEach((agent, agentIndex) => {
    for (let first = 0, chunk = 0; first < seeds.length; first += chunkSize, chunk++) {
      jobs.push({
        index: jobs.length,
        agentIndex,
        chunk,
        firstEpisode: first,
        config,
        agent,
        seeds: seeds.slice(first, first + chunkSize),
        agentSeed: agentChunkSeed(rootSeed, agent.id, chunk),
        summary,
        curvePoints,
        recordSteps,
      });
    }
  });
  return jobs;
}

/**
 * Runs every agent over `episodes` evaluation episodes with common random numbers and
 * returns per-episode metrics and cross-episode aggregates. Agents are created once in
 * this thread first, so a bad id or parameter fails before any worker starts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runBacktest } from "./runner.ts";
 * const res = await runBacktest({
 *   config: { tier: "model", duration: 10 },
 *   agents: [{ id: "static-spread" }, { id: "avellaneda-stoikov" }],
 *   episodes: 4,
 *   seed: 42,
 *   workers: 0,
 * });
 * const [lo, hi] = res.agents[1].aggregate.sharpe.ci95; // avellaneda-stoikov's 95 % CI
 * assert.ok(lo <= hi);
 * assert.equal(res.seeds.length, 4); // the same 4 seeds for both agents
 * ```
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const config = parseEnvConfig(options.config as EnvConfigInput);
  const seed = validateSeed(options.seed);
  const episodes = requireInt("episodes", options.episodes, 1, MAX_EPISODES);
  const chunkSize = requireInt("chunkSize", options.chunkSize ?? DEFAULT_CHUNK_SIZE, 1, 4096);
  const curvePoints = requireInt(
    "curvePoints",
    options.curvePoints ?? DEFAULT_CURVE_POINTS,
    0,
    1_000_000,
  );
  const agents = options.agents;
  if (!Array.isArray(agents) || agents.length === 0) {
    throw new ValidationError("agents", agents, "a non-empty list of agents");
  }
  const ids = new Set<string>();
  for (const spec of agents) {
    if (ids.has(spec.id)) throw new ValidationError("agents", spec.id, "distinct agent ids");
    ids.add(spec.id);
    await createAgentFromSpec(spec); // fail fast on a bad id or parameter
  }
  const summary: JobSummaryOptions = {
    capitalBase: options.capitalBase ?? defaultCapitalBase(config),
    period: options.period ?? 1,
    impactWeight: config.reward.impact,
  };
  if (options.seeds && options.seeds.length !== episodes) {
    throw new ValidationError("seeds", options.seeds.length, `${episodes} seeds (one per episode)`);
  }
  options.seeds?.forEach((s, i) => validateSeed(s, `seeds[${i}]`));
  const seeds = options.seeds ? [...options.seeds] : evaluationSeeds(seed, episodes);
  const jobs = planJobs(
    config,
    agents,
    seeds,
    seed,
    chunkSize,
    summary,
    curvePoints,
    options.recordSteps ?? false,
  );
  const workers = options.workers ?? defaultWorkers(jobs.length);
  requireInt("workers", workers, 0, MAX_WORKERS);

  let done = 0;
  const total = episodes * agents.length;
  options.onProgress?.(0, total);
  const results = await runJobs(jobs, workers, (r) => {
    done += r.metrics.length;
    options.onProgress?.(done, total);
  }, options.progress);

  const agentSeeds: Record<string, number[]> = {};
  const out = agents.map((spec, a) => {
    const mine = results.filter((_, i) => jobs[i].agentIndex === a);
    agentSeeds[spec.id] = jobs.filter((j) => j.agentIndex === a).map((j) => j.agentSeed);
    return mergeAgent(spec.id, mine, config, seed, options.resamples, summary);
  });
  return { config, seed, seeds, chunkSize, agentSeeds, summary, agents: out };
}

function periodSeconds(period: JobSummaryOptions["period"], dt: number): number {
  return period === "step" ? dt : period;
}

/**
 * Merges the job results of one agent (in chunk order) into its episodes, aggregates (with
 * the pooled risk figures), equity curves and inventory histogram; the bootstrap streams are
 * seeded with `${seed}:${id}`. Used by {@linkcode runBacktest} and by sweeps.
 */
export function mergeAgent(
  id: string,
  results: JobResult[],
  config: EnvConfig,
  seed: number,
  resamples: number | undefined,
  summary: JobSummaryOptions,
): AgentBacktest {
  const episodes = results.flatMap((r) => r.metrics);
  const pnl: Float64Array[] = [];
  const time = results[0]?.curveTime ?? new Float64Array(0);
  const points = time.length;
  for (const r of results) {
    for (let i = 0; i < r.metrics.length; i++) {
      pnl.push(r.curves.slice(i * points, (i + 1) * points));
    }
  }
  const maxInv = config.maxInventory;
  const counts = new Array<number>(2 * maxInv + 1).fill(0);
  for (const r of results) {
    for (let j = 0; j < counts.length; j++) counts[j] += r.inventoryCounts[j];
  }
  const lots = counts.map((_, j) => j - maxInv);
  const agg = aggregate(episodes, `${seed}:${id}`, resamples ? { resamples } : {});
  const moments = new Float64Array(results.reduce((s, r) => s + r.moments.length, 0));
  let o = 0;
  for (const r of results) {
    moments.set(r.moments, o);
    o += r.moments.length;
  }
  Object.assign(
    agg,
    pooledSummary(
      moments,
      episodes.map((m) => m.totalPnl),
      periodsPerYear(periodSeconds(summary.period, config.dt)),
      `${seed}:${id}`,
      resamples,
    ),
  );
  const res: AgentBacktest = {
    id,
    episodes,
    aggregate: agg,
    curves: { time, pnl },
    inventory: { lots, counts },
  };
  if (results.some((r) => r.records)) res.records = results.flatMap((r) => r.records ?? []);
  if (results[0]?.sample) res.sample = results[0].sample;
  return res;
}
