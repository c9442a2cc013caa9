/**
 * Merges the results of a sweep's jobs into one result: per market and agent variant, the
 * per-episode metrics in episode order, their means with 95 % bootstrap CIs, equity curves
 * and inventory histograms, paired tests against the baseline, and the tuning and training
 * records. The merge reads the plan and the results by key only, in plan order, so the
 * merged result is the same bytes whatever ran the jobs, in whatever order.
 *
 * @module
 */
import {
  type EpisodeMetrics,
  type MetricSummary,
  type PairedComparison,
  pairedComparison,
} from "../analytics/mod.ts";
import { mergeAgent } from "../backtest/runner.ts";
import { BASELINE_AGENT, PAIRED_METRICS } from "../backtest/compare.ts";
import { roundDeep } from "../backtest/format.ts";
import type { EquityCurves, InventoryHistogram, JobResult } from "../backtest/types.ts";
import { base64ToBytes, decodeValue } from "../codec.ts";
import type { JobErrorInfo } from "./errors.ts";
import type { EvalResult, TrainResult, TuneResult } from "./execute.ts";
import { type Cell, heldOut, type SweepPlan, type Variant } from "./plan.ts";
import type { PlanOutcome } from "./scheduler.ts";

/** Format tag of `results.json`. */
export const RESULT_FORMAT = "alpe-sweep-result/1";

/** One variant in one market. */
export interface CellResult {
  /** Market name. */
  market: string;
  /** Variant label. */
  agent: string;
  /** "ok", or "failed" when one of its jobs failed (then no metrics). */
  status: "ok" | "failed";
  /** The first failed job's error. */
  error?: string;
  /** Per-episode metrics, in episode order. */
  episodes: EpisodeMetrics[];
  /** Mean, 95 % CI, std and n of every metric. */
  aggregate: Record<string, MetricSummary>;
  /** Sampled equity curves. */
  curves: EquityCurves;
  /** Inventory histogram over every step. */
  inventory: InventoryHistogram;
  /** The tuned parameters the agent started from in this market (before `params` overrides). */
  tuned?: TuneResult["params"];
  /**
   * PPO only: how many of the evaluation seeds the model saw in training (0: held out),
   * and whether this market is the one it trained on (null when unknown).
   */
  heldOut?: { evaluationSeedsSeenInTraining: number; trainingSeeds: number };
}

/** The merged result of a sweep. */
export interface SweepResult {
  /** The plan. */
  plan: SweepPlan;
  /** Market-major, then variant (plan order). */
  cells: CellResult[];
  /** Paired tests per market: variant → metric → comparison against the baseline. */
  paired: Record<string, Record<string, Record<string, PairedComparison>>>;
  /** The baseline of the paired tests (null: none ran). */
  baseline: string | null;
  /** Tune jobs' results. */
  tuning: { market: string; agent: string; key: string; result: TuneResult }[];
  /** Train jobs' results (logs; the models are in the job store). */
  training: {
    key: string;
    variant: string;
    market: string | null;
    seed: number;
    log: TrainResult["log"];
  }[];
  /** Jobs that failed for good. */
  failures: { key: string; title: string; error: JobErrorInfo }[];
}

/** Merges `outcome` into the sweep's result (see the module doc), reading results cell by cell. */
export async function mergeSweep(plan: SweepPlan, outcome: PlanOutcome): Promise<SweepResult> {
  const jobs = new Map(plan.jobs.map((j) => [j.key, j]));
  const variants = new Map(plan.variants.map((v) => [v.label, v]));
  const cells: CellResult[] = [];
  for (const cell of plan.cells) {
    cells.push(await mergeCell(plan, cell, outcome, variants.get(cell.variant)!));
  }
  const baseline = plan.spec.baseline ??
    (plan.variants.some((v) => v.label === BASELINE_AGENT) ? BASELINE_AGENT : null);
  const paired: SweepResult["paired"] = {};
  if (baseline) {
    for (const m of plan.markets) {
      const base = cells.find((c) => c.market === m.name && c.agent === baseline);
      if (!base || base.status !== "ok") continue;
      const row: Record<string, Record<string, PairedComparison>> = {};
      for (const c of cells) {
        if (c.market !== m.name || c.agent === baseline || c.status !== "ok") continue;
        row[c.agent] = {};
        for (const key of PAIRED_METRICS) {
          const x = c.episodes.map((e) => (e as unknown as Record<string, number>)[key]);
          const y = base.episodes.map((e) => (e as unknown as Record<string, number>)[key]);
          row[c.agent][key] = pairedComparison(x, y, {
            seed: `${plan.spec.seed}:${c.agent}:vs:${baseline}:${key}`,
          });
        }
      }
      paired[m.name] = row;
    }
  }
  const tuning: SweepResult["tuning"] = [];
  const training: SweepResult["training"] = [];
  for (const cell of plan.cells) {
    if (
      cell.tune && outcome.done.has(cell.tune) &&
      !tuning.some((t) => t.key === cell.tune && t.market === cell.market)
    ) {
      const task = jobs.get(cell.tune)!.task;
      tuning.push({
        market: cell.market,
        agent: task.kind === "tune" ? task.agent : "",
        key: cell.tune,
        result: decodeValue(await outcome.read(cell.tune)) as TuneResult,
      });
    }
  }
  for (const v of plan.variants.filter((v) => v.source === "trained")) {
    const seen = new Set<string>();
    for (const cell of plan.cells.filter((c) => c.variant === v.label && c.model)) {
      if (seen.has(cell.model!) || !outcome.done.has(cell.model!)) continue;
      seen.add(cell.model!);
      const perMarket = plan.spec.agents[v.entry].train?.perMarket ?? false;
      const r = decodeValue(await outcome.read(cell.model!)) as TrainResult;
      training.push({
        key: cell.model!,
        variant: v.label,
        market: perMarket ? cell.market : null,
        seed: v.trainSeed!,
        log: r.log,
      });
    }
  }
  const failures = [...outcome.failures.entries()]
    .map(([key, error]) => ({ key, title: jobs.get(key)?.title ?? key, error }))
    .sort((a, b) => planIndex(plan, a.key) - planIndex(plan, b.key));
  return { plan, cells, paired, baseline, tuning, training, failures };
}

function planIndex(plan: SweepPlan, key: string): number {
  return plan.jobs.findIndex((j) => j.key === key);
}

async function mergeCell(
  plan: SweepPlan,
  cell: Cell,
  outcome: PlanOutcome,
  variant: Variant,
): Promise<CellResult> {
  const out: CellResult = {
    market: cell.market,
    agent: cell.variant,
    status: "ok",
    episodes: [],
    aggregate: {},
    curves: { time: new Float64Array(0), pnl: [] },
    inventory: { lots: [], counts: [] },
  };
  const missing = cell.jobs.find((k) => !outcome.done.has(k));
  if (missing !== undefined) {
    out.status = "failed";
    const err = outcome.failures.get(missing);
    out.error = err ? `${err.name}: ${err.message}` : "not run";
    return out;
  }
  const results: JobResult[] = [];
  for (const [index, k] of cell.jobs.entries()) {
    results.push({ index, ...(decodeValue(await outcome.read(k)) as EvalResult) });
  }
  const market = plan.markets.find((m) => m.name === cell.market)!;
  const evalTask = plan.jobs.find((j) => j.key === cell.jobs[0])!.task;
  const summary = evalTask.kind === "eval" ? evalTask.summary : undefined;
  // The backtest runner's own merge: the same aggregates (pooled risk figures included) as
  // `deno task compare`, bootstrap streams seeded with `${seed}:${label}`.
  const merged = mergeAgent(
    cell.variant,
    results,
    market.config,
    plan.spec.seed,
    undefined,
    summary!,
  );
  out.episodes = merged.episodes;
  out.aggregate = merged.aggregate;
  out.curves = merged.curves;
  out.inventory = merged.inventory;
  if (cell.tune) out.tuned = (decodeValue(await outcome.read(cell.tune)) as TuneResult).params;
  if (variant.heldOut) out.heldOut = variant.heldOut;
  if (variant.source === "trained" && cell.model) {
    const r = decodeValue(await outcome.read(cell.model)) as TrainResult;
    const rec = JSON.parse(new TextDecoder().decode(base64ToBytes(r.files["checkpoint.json"])));
    out.heldOut = heldOut(rec, plan.seeds.evaluation);
  }
  return out;
}

/**
 * The JSON-ready report of a sweep (what `results.json` holds and `--json` prints):
 * numbers rounded to 10 significant digits as compare's, NaN as null.
 */
export function sweepReport(r: SweepResult): Record<string, unknown> {
  const p = r.plan;
  const cells = r.cells.map((c) => {
    const row: Record<string, unknown> = { market: c.market, agent: c.agent, status: c.status };
    if (c.error) row.error = c.error;
    if (c.status === "ok") {
      row.episodes = c.episodes.length;
      row.metrics = Object.fromEntries(
        Object.entries(c.aggregate).map((
          [k, s],
        ) => [k, { mean: s.mean, ci95: s.ci95, std: s.std, n: s.n }]),
      );
    }
    if (c.tuned) row.tuned = c.tuned;
    if (c.heldOut) row.heldOut = c.heldOut;
    return row;
  });
  const paired: Record<string, unknown> = {};
  for (const [market, row] of Object.entries(r.paired)) {
    paired[market] = Object.fromEntries(
      Object.entries(row).map(([agent, tests]) => [
        agent,
        Object.fromEntries(
          Object.entries(tests).map(([k, c]) => [k, {
            n: c.n,
            meanDiff: c.meanDiff,
            ci95: c.ci95,
            tTestP: c.tTestP,
            wilcoxonP: c.wilcoxonP,
            permutationP: c.permutationP,
          }]),
        ),
      ]),
    );
  }
  return roundDeep({
    format: RESULT_FORMAT,
    name: p.spec.name,
    specKey: p.specKey,
    code: p.code,
    spec: p.spec,
    seeds: {
      root: p.spec.seed,
      evaluation: p.seeds.evaluation,
      calibration: p.seeds.calibration,
      rule: "episode e uses childSeed(root, e) in every market for every agent; calibration " +
        "seeds childSeed(root, 1e9 + j) skip evaluation seeds; an agent's own randomness in " +
        "chunk c is agentChunkSeed(root, id, c)",
    },
    markets: p.markets.map((m) => ({ name: m.name, config: m.config, files: m.files })),
    agents: p.variants.map((v) => {
      const a: Record<string, unknown> = {
        label: v.label,
        id: v.id,
        source: v.source,
        params: v.params,
      };
      if (v.modelDir) a.model = v.modelDir;
      if (v.trainSeed !== undefined) a.trainSeed = v.trainSeed;
      if (v.module) a.module = v.module;
      return a;
    }),
    jobs: {
      total: p.jobs.length,
      tune: p.jobs.filter((j) => j.task.kind === "tune").length,
      train: p.jobs.filter((j) => j.task.kind === "train").length,
      eval: p.jobs.filter((j) => j.task.kind === "eval").length,
      failed: r.failures.length,
    },
    cells,
    comparisons: {
      baseline: r.baseline,
      method: "paired by evaluation seed within each market; differences are agent − baseline; " +
        "mean difference with a 95% percentile-bootstrap CI, two-sided paired t-test, " +
        "Wilcoxon signed-rank and sign-flip permutation p-values",
      markets: paired,
    },
    tuning: r.tuning.map((t) => ({ market: t.market, agent: t.agent, ...t.result })),
    training: r.training.map((t) => {
      const last = t.log[t.log.length - 1];
      return {
        agent: t.variant,
        market: t.market,
        seed: t.seed,
        key: t.key,
        updates: last?.update ?? 0,
        timesteps: last?.timesteps ?? 0,
        finalEpisodeReturn: last?.episodeReturn ?? null,
        finalEpisodePnl: last?.episodePnl ?? null,
      };
    }),
    failures: r.failures.map((f) => ({
      key: f.key,
      job: f.title,
      error: `${f.error.name}: ${f.error.message}`,
    })),
  }) as Record<string, unknown>;
}

/** `results.json`: the report as one line of JSON and a newline (the same bytes for the same sweep). */
export function sweepReportJson(r: SweepResult): string {
  return JSON.stringify(sweepReport(r)) + "\n";
}
