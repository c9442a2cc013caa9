/**
 * The agent comparison behind `deno task compare`: fair parameters for the model-based
 * rivals on calibration seeds, a common-random-numbers backtest of every agent on the
 * evaluation seeds, paired tests against Avellaneda–Stoikov, and one JSON-ready report.
 *
 * Seeds (all from the root seed `seed`, see `seeds.ts`): evaluation episode e uses
 * `childSeed(seed, e)` for every agent; calibration and γ tuning of avellaneda-stoikov and
 * glft use `calibrationEpisodes` seeds `childSeed(seed, 1e9 + j)`, disjoint from the
 * evaluation seeds; each agent's own randomness uses per-chunk seeds derived from the root
 * seed and its id.
 *
 * @module
 */
import { NotAvailableError, requireInt, ValidationError } from "../errors.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { agentDefinition, agentIds, isAgentId } from "../agents/registry.ts";
import {
  DEFAULT_RESAMPLES,
  type PairedComparison,
  pairedComparison,
  periodsPerYear,
} from "../analytics/mod.ts";
import { agentSpec, createAgentFromSpec, DEFAULT_PPO_DIR } from "./agent_spec.ts";
import { type FairParams, tuneAgents } from "./fair_params.ts";
import { roundDeep, TABLE_METRICS } from "./format.ts";
import { type BacktestResult, runBacktest } from "./runner.ts";
import { CALIBRATION_SEED_OFFSET, calibrationSeeds, evaluationSeeds } from "./seeds.ts";
import type { AgentSpec, JobResult } from "./types.ts";
import type { ProgressStore } from "../progress_store.ts";
import { parseTrainConfig } from "../rl/config.ts";
import { trainingSeeds } from "../rl/seeds.ts";
import { trainingEnvConfigs } from "../rl/curriculum.ts";
import { resolveConfig } from "../env/make.ts";
import { type ReplayHeldOut, replayHeldOut, type ReplayPlan, replayPlan } from "./replay_plan.ts";

/** How the PPO model's training seeds relate to this run's evaluation seeds. */
export interface PpoHeldOut {
  /** Env seeds the model saw in training (episodes and calibration). */
  trainingSeeds: number;
  /** Evaluation seeds of this run that the model saw in training (0: held out). */
  evaluationSeedsSeenInTraining: number;
  /**
   * Whether the evaluated market is one the model trained in (equal to one of its training
   * env configs — every curriculum stage and market — apart from duration and reward weights).
   */
  marketSeenInTraining: boolean;
  /** The names of the markets the model trained in, as recorded in its config (may be empty). */
  trainingMarkets: string[];
}

/** An env config as compared for "the same market": all but episode length and rewards. */
function marketKey(cfg: EnvConfig): string {
  const { duration: _d, reward: _r, ...market } = cfg;
  return canonicalJson(market);
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${
      Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) =>
        `${JSON.stringify(k)}:${canonicalJson(o[k])}`
      ).join(",")
    }}`;
  }
  return JSON.stringify(v);
}

/**
 * Reads the training record of the PPO model in `dir` (its `checkpoint.json`: config and
 * episode-batch counter), counts the evaluation seeds it trained on and says whether the
 * evaluated market `market` is one it trained in.
 */
export async function ppoHeldOut(
  dir: string,
  evalSeeds: readonly number[],
  market?: EnvConfig,
): Promise<PpoHeldOut> {
  const rec = JSON.parse(await Deno.readTextFile(`${dir}/checkpoint.json`));
  const cfg = parseTrainConfig(rec.config);
  const seen = new Set(trainingSeeds(cfg, Number(rec.episodeBatch) + 1));
  const trained = new Set(trainingEnvConfigs(cfg).map(marketKey));
  return {
    trainingSeeds: seen.size,
    evaluationSeedsSeenInTraining: evalSeeds.filter((s) => seen.has(s)).length,
    marketSeenInTraining: market ? trained.has(marketKey(market)) : true,
    trainingMarkets: [...cfg.marketNames],
  };
}

/** The baseline of the paired tests. */
export const BASELINE_AGENT = "avellaneda-stoikov";
/** Default evaluation episodes. */
export const DEFAULT_EPISODES = 50;
/** Default calibration episodes (for A, k, σ and the γ grid search). */
export const DEFAULT_CALIBRATION_EPISODES = 16;
/** Metrics compared pairwise against the baseline. */
export const PAIRED_METRICS: readonly string[] = ["totalPnl", "sharpe"];

/** Options of {@linkcode runCompare}. */
export interface CompareOptions {
  /** Environment configuration (default: the full book tier at its defaults). */
  config?: EnvConfigInput;
  /** Evaluation episodes per agent (default 50). */
  episodes?: number;
  /** Root seed (default 0). */
  seed?: number;
  /** Agent ids (default: every registered agent, `agentIds()`). */
  agents?: readonly string[];
  /** Workers (default min(cores, jobs)); never changes the results. */
  workers?: number;
  /** Calibration episodes (default 16). */
  calibrationEpisodes?: number;
  /** Episodes per job (default 10); part of the plan. */
  chunkSize?: number;
  /** Keep per-step records (for the Arrow export). */
  recordSteps?: boolean;
  /** Directory of the trained model of the learned agents (default: each one's `modelDir`). */
  ppoDir?: string;
  /**
   * What the market's realism verdict says (`realismCaveats`, `lib/env/preset_realism.ts`):
   * carried into the report (`realism`) and its introduction; absent: nothing is said.
   */
  realism?: readonly string[];
  /** Progress of the evaluation, in episodes. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Where the finished backtest jobs (tuning and evaluation) are saved and found again, so
   * that a comparison stopped part way resumes with the same results (`runJobs`; the CLI
   * keeps them in `OUT.partial-FINGERPRINT` beside its output; default none).
   */
  progress?: ProgressStore<JobResult>;
  /** Log lines (stderr in the CLI). */
  log?: (line: string) => void;
}

/** Summary of one metric in the report. */
export interface ReportMetric {
  /** Mean across episodes. */
  mean: number | null;
  /** 95 % bootstrap CI of the mean. */
  ci95: [number | null, number | null];
  /** Standard deviation across episodes. */
  std: number | null;
  /** Episodes with a finite value. */
  n: number;
}

/** A paired test of one metric, agent − baseline. */
export interface ReportPaired {
  /** Pairs used. */
  n: number;
  /** Mean difference (agent − baseline). */
  meanDiff: number | null;
  /** 95 % bootstrap CI of the mean difference. */
  ci95: [number | null, number | null];
  /** Paired t-test p-value (two-sided). */
  tTestP: number | null;
  /** Wilcoxon signed-rank p-value (two-sided). */
  wilcoxonP: number | null;
  /** Sign-flip permutation p-value (two-sided). */
  permutationP: number | null;
}

/** An agent that could not run. */
export interface UnavailableAgent {
  /** Always false. */
  available: false;
  /** Why. */
  reason: string;
}

/** The comparison report (what `--json` prints and results.json holds). */
export interface CompareReport {
  /** Per agent: every metric's summary, or `{ available: false, reason }`. */
  agents: Record<string, Record<string, ReportMetric> | UnavailableAgent>;
  /** Paired tests of each agent against the baseline. */
  comparisons: {
    baseline: string;
    method: string;
    agents: Record<string, Record<string, ReportPaired>>;
  };
  /** Fair parameters of the model-based agents (null when neither runs). */
  calibration: unknown;
  /** What was run. */
  config: Record<string, unknown>;
  /** Which seeds were used for what. */
  seeds: Record<string, unknown>;
  /** Units and definitions. */
  units: Record<string, unknown>;
  /**
   * How far the market's simulation matches its tape, from the preset's realism verdict
   * (absent when the market has none: the built-in market, a replay, a preset never measured).
   */
  realism?: string[];
}

/** Result of {@linkcode runCompare}. */
export interface CompareRun {
  /** The JSON-ready report (numbers rounded, NaN as null). */
  report: CompareReport;
  /** The raw backtest (null when no agent could run). */
  backtest: BacktestResult | null;
  /** Tuned parameters of the agents that declare a tuning grid (null when none runs). */
  fair: FairParams | null;
  /** Unavailable agents and why. */
  unavailable: Record<string, string>;
  /** The agents that ran, in order. */
  ran: string[];
  /** Paired comparisons (raw). */
  paired: Record<string, Record<string, PairedComparison>>;
}

/** Validates agent ids (throws a ValidationError naming `field` with the allowed ids). */
export function validateAgentIds(ids: readonly string[], field = "agents"): string[] {
  if (ids.length === 0) {
    throw new ValidationError(
      field,
      ids.join(","),
      `a comma-separated list of ${agentIds().join(", ")}`,
    );
  }
  const seen = new Set<string>();
  for (const id of ids) {
    if (!isAgentId(id)) {
      throw new ValidationError(field, id, `agent ids among ${agentIds().join(", ")}`);
    }
    if (seen.has(id)) throw new ValidationError(field, id, "distinct agent ids");
    seen.add(id);
  }
  return [...ids];
}

/**
 * Runs the comparison and builds the report. Deterministic: the same options give the same
 * report (whatever `workers`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCompare } from "./compare.ts";
 * const { report, ran } = await runCompare({
 *   config: { tier: "model", duration: 10 },
 *   agents: ["static-spread", "glft"],
 *   episodes: 4,
 *   calibrationEpisodes: 2,
 *   workers: 0,
 * });
 * assert.deepEqual(ran, ["static-spread", "glft"]);
 * const glft = report.agents["glft"]; // JSON-ready: { metric: { mean, ci95, std, n } }
 * assert.ok(!("available" in glft)); // it ran
 * assert.equal(glft.totalPnl.n, 4); // P&L in dollars, over 4 episodes
 * ```
 */
export async function runCompare(options: CompareOptions = {}): Promise<CompareRun> {
  let config = parseEnvConfig(options.config ?? {});
  let episodes = requireInt("episodes", options.episodes ?? DEFAULT_EPISODES, 1, 100_000);
  const seed = options.seed ?? 0;
  const ids = validateAgentIds(options.agents ?? agentIds());
  const calEpisodes = requireInt(
    "calibrationEpisodes",
    options.calibrationEpisodes ?? DEFAULT_CALIBRATION_EPISODES,
    1,
    100_000,
  );
  const log = options.log ?? (() => {});
  // recorded data: the tapes decide tick, lot, price; disjoint evaluation / calibration windows
  let replay: ReplayPlan | null = null;
  if (config.tier === "replay") {
    config = resolveConfig(config);
    replay = replayPlan(config, seed, episodes, calEpisodes);
    episodes = replay.evaluation.seeds.length;
    log(
      `replay: ${replay.total} windows of ${config.duration} s; ${episodes} evaluate, ` +
        `${replay.calibration.seeds.length} calibrate (earlier windows of each tape)`,
    );
  }

  const unavailable: Record<string, string> = {};
  const learned = ids.filter((id) => agentDefinition(id).kind === "learned");
  const modelDir = (id: string) =>
    options.ppoDir ?? agentDefinition(id).modelDir ?? DEFAULT_PPO_DIR;
  for (const id of learned) {
    try {
      await createAgentFromSpec({ id, params: { dir: modelDir(id) } });
    } catch (err) {
      if (!(err instanceof NotAvailableError)) throw err;
      unavailable[id] = err.message;
      log(err.message);
    }
  }
  const evalSeeds = replay ? replay.evaluation.seeds : evaluationSeeds(seed, episodes);
  let heldOut: PpoHeldOut | null = null;
  let replayHeld: ReplayHeldOut | null = null;
  for (const id of learned) {
    if (id in unavailable || !(await isFile(`${modelDir(id)}/checkpoint.json`))) continue;
    if (replay) {
      replayHeld = await replayHeldOut(modelDir(id), replay.evaluation.spans);
      log(
        `${id}: trained on ${replayHeld.trainedOn}` +
          (replayHeld.trainedOn === "replay"
            ? `; ${replayHeld.evaluationWindowsSeenInTraining} of ${episodes} evaluation windows ` +
              `overlap its ${replayHeld.trainingWindows} training windows`
            : ""),
      );
      if (replayHeld.evaluationWindowsSeenInTraining > 0) {
        log(`warning: the ${id} model in ${modelDir(id)} trained on evaluation windows`);
      }
      continue;
    }
    heldOut = await ppoHeldOut(modelDir(id), evalSeeds, config);
    log(
      `${id}: this market is ${heldOut.marketSeenInTraining ? "one it trained in" : "HELD OUT"}` +
        (heldOut.trainingMarkets.length
          ? ` (trained in ${heldOut.trainingMarkets.join(", ")})`
          : ""),
    );
    if (heldOut.evaluationSeedsSeenInTraining > 0) {
      log(
        `warning: ${heldOut.evaluationSeedsSeenInTraining} of ${episodes} evaluation seeds ` +
          `were used to train the ${id} model in ${modelDir(id)}; choose another --seed`,
      );
    }
  }
  const ran = ids.filter((id) => !(id in unavailable));
  const tunable = ran.filter((id) => agentDefinition(id).tuning !== undefined);
  let fair: FairParams | null = null;
  let calSeeds: number[] = [];
  if (tunable.length > 0) {
    calSeeds = replay ? replay.calibration.seeds : calibrationSeeds(seed, calEpisodes, evalSeeds);
    log(`tuning ${tunable.join(", ")} on ${calSeeds.length} calibration episodes…`);
    fair = await tuneAgents(config, calSeeds, tunable, {
      workers: options.workers,
      progress: options.progress,
    });
  }
  const specs: AgentSpec[] = ran.map((id) => {
    if (agentDefinition(id).kind === "learned") return agentSpec(id, { dir: modelDir(id) });
    const tuned = fair?.agents[id];
    return agentSpec(id, tuned ? { ...tuned.params } : undefined);
  });
  let backtest: BacktestResult | null = null;
  if (specs.length > 0) {
    backtest = await runBacktest({
      config,
      agents: specs,
      episodes,
      seed,
      seeds: replay ? evalSeeds : undefined,
      workers: options.workers,
      chunkSize: options.chunkSize,
      recordSteps: options.recordSteps,
      onProgress: options.onProgress,
      progress: options.progress,
    });
  }
  const paired = pairedTests(backtest, seed);
  const report = buildReport({
    config,
    episodes,
    seed,
    ids,
    ran,
    evalSeeds,
    calSeeds,
    heldOut,
    fair,
    backtest,
    unavailable,
    paired,
    chunkSize: backtest?.chunkSize ?? options.chunkSize ?? null,
    replay,
    replayHeld,
    realism: options.realism,
  });
  return { report, backtest, fair, unavailable, ran, paired };
}

function pairedTests(
  bt: BacktestResult | null,
  seed: number,
): Record<string, Record<string, PairedComparison>> {
  const out: Record<string, Record<string, PairedComparison>> = {};
  const base = bt?.agents.find((a) => a.id === BASELINE_AGENT);
  if (!bt || !base) return out;
  for (const a of bt.agents) {
    if (a.id === BASELINE_AGENT) continue;
    out[a.id] = {};
    for (const key of PAIRED_METRICS) {
      const x = a.episodes.map((m) => (m as unknown as Record<string, number>)[key]);
      const y = base.episodes.map((m) => (m as unknown as Record<string, number>)[key]);
      out[a.id][key] = pairedComparison(x, y, {
        seed: `${seed}:${a.id}:vs:${BASELINE_AGENT}:${key}`,
      });
    }
  }
  return out;
}

interface ReportInputs {
  config: EnvConfig;
  episodes: number;
  seed: number;
  ids: string[];
  ran: string[];
  evalSeeds: number[];
  calSeeds: number[];
  heldOut: PpoHeldOut | null;
  fair: FairParams | null;
  backtest: BacktestResult | null;
  unavailable: Record<string, string>;
  paired: Record<string, Record<string, PairedComparison>>;
  chunkSize: number | null;
  replay: ReplayPlan | null;
  replayHeld: ReplayHeldOut | null;
  realism?: readonly string[];
}

function buildReport(r: ReportInputs): CompareReport {
  const agents: CompareReport["agents"] = {};
  for (const id of r.ids) {
    if (id in r.unavailable) {
      agents[id] = { available: false, reason: r.unavailable[id] };
      continue;
    }
    const a = r.backtest!.agents.find((x) => x.id === id)!;
    const metrics: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(a.aggregate)) {
      metrics[k] = { mean: s.mean, ci95: s.ci95, std: s.std, n: s.n };
    }
    agents[id] = roundDeep(metrics) as Record<string, ReportMetric>;
  }
  const comparisons: CompareReport["comparisons"] = {
    baseline: BASELINE_AGENT,
    method: "paired by evaluation seed (common random numbers); differences are agent − " +
      `${BASELINE_AGENT}; mean difference with a 95% percentile-bootstrap CI, two-sided ` +
      "paired t-test, Wilcoxon signed-rank and sign-flip permutation p-values",
    agents: {},
  };
  for (const [id, tests] of Object.entries(r.paired)) {
    const row: Record<string, ReportPaired> = {};
    for (const [k, c] of Object.entries(tests)) {
      row[k] = roundDeep({
        n: c.n,
        meanDiff: c.meanDiff,
        ci95: c.ci95,
        tTestP: c.tTestP,
        wilcoxonP: c.wilcoxonP,
        permutationP: c.permutationP,
      }) as ReportPaired;
    }
    comparisons.agents[id] = row;
  }
  const cfg = r.config;
  const summary = r.backtest?.summary;
  const capitalBase = summary?.capitalBase ?? cfg.maxInventory * cfg.lotSize * cfg.initialPrice;
  const periodSeconds = typeof summary?.period === "number" ? summary.period : 1;
  const units: Record<string, unknown> = {
    period: `${periodSeconds} s of market time: per-period returns are the change of ` +
      "mark-to-market P&L over each period divided by the capital base",
    periodSeconds,
    capitalBaseUsd: capitalBase,
    capitalBase: "maxInventory × lotSize × initialPrice (USD)",
    periodsPerYear: periodsPerYear(periodSeconds),
    annualization: "252 trading days × 23,400 s / period; Sharpe and Sortino × √periodsPerYear",
    episode: `${cfg.duration} s of market time in steps of ${cfg.dt} s`,
    ci95: `95% percentile-bootstrap CI of the mean across episodes (${DEFAULT_RESAMPLES} ` +
      "resamples); metrics undefined in an episode (NaN) are left out (see n)",
    metrics: Object.fromEntries(TABLE_METRICS.map((m) => [m.key, m.unit])),
  };
  const config = {
    tier: cfg.tier,
    duration: cfg.duration,
    dt: cfg.dt,
    initialPrice: cfg.initialPrice,
    volatility: cfg.volatility,
    episodes: r.episodes,
    agents: r.ids,
    chunkSize: r.chunkSize,
    calibrationEpisodes: r.calSeeds.length,
    env: cfg,
  };
  const seeds = {
    root: r.seed,
    evaluation: r.evalSeeds,
    evaluationRule: r.replay
      ? "episode e replays evaluation window e (seeds.replayWindows) for every agent"
      : "episode e uses childSeed(root, e) for every agent (common random numbers)",
    calibration: r.calSeeds,
    calibrationRule: `childSeed(root, ${CALIBRATION_SEED_OFFSET} + j), skipping evaluation ` +
      "seeds; used only to calibrate A, k, σ and to tune every agent that declares a tuning grid",
    ppoHeldOut: r.heldOut,
    ppoHeldOutRule: "the PPO model's training seeds (childSeed(trainSeed, 1 + k) for its " +
      "episodes, childSeed(trainSeed, 2e9 + j) for its AS calibration), from its checkpoint, " +
      "checked against the evaluation seeds",
    agents: r.backtest?.agentSeeds ?? {},
    agentsRule: "each agent's own randomness: childSeed(agentRoot(root, id), chunk), one per " +
      "chunk of chunkSize episodes",
    bootstrapRule: "aggregate CIs seeded with `${root}:${agentId}`; paired tests with " +
      "`${root}:${agentId}:vs:avellaneda-stoikov:${metric}`",
    ...(r.replay
      ? {
        replayWindows: {
          total: r.replay.total,
          evaluation: r.replay.evaluation.ids,
          calibration: r.replay.calibration.ids,
          rule: r.replay.rule,
          learnedHeldOut: r.replayHeld,
        },
      }
      : {}),
  };
  return roundDeep({
    agents,
    comparisons,
    calibration: r.fair,
    config,
    seeds,
    units,
    ...(r.realism?.length ? { realism: [...r.realism] } : {}),
  }) as CompareReport;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
