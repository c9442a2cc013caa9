/**
 * The realism comparison over several simulation seeds: one simulated sample is one draw, and
 * under the null each fact fails 5 % of the time (docs/realism.md), so a verdict worth
 * reporting is how often a fact passes over seeds, not whether it passed once. Each seed is a
 * whole {@linkcode runRealism} (its own simulation and bootstrap); this module runs them and
 * puts their verdicts side by side: per fact the seeds it was judged and passed on, its
 * distances and tolerances; per seed the number of judged facts passed, and their mean.
 *
 * The seeds share the tape, so their verdicts are not independent draws: the tolerance counts
 * the tape's own sampling error, and a tape whose sample is unusual for a statistic fails that
 * fact on most seeds. A fact that fails on every seed is a gap of the model or an unusual tape,
 * not a simulation's bad luck; another tape (or window) tells the two apart.
 *
 * Same seeds, same result, bit for bit: each seed's run is deterministic and the summary is
 * computed from the runs in seed order.
 *
 * @module
 */
import { quantileSorted } from "../analytics/percentile.ts";
import { requireInt, ValidationError } from "../errors.ts";
import type { ProgressStore } from "../progress_store.ts";
import type { Tape } from "../data/tape.ts";
import type { EnvConfig, EnvConfigInput } from "../env/config.ts";
import { parsePresetRealism, type PresetRealism } from "../env/preset_realism.ts";
import { MAX_SEED } from "../rng/rng.ts";
import { MAX_WORKERS } from "../backtest/pool.ts";
import {
  type FactResult,
  realismRecords,
  type RealismResult,
  runRealism,
  type RunRealismOptions,
} from "./realism.ts";
import type { MarketRecord } from "./record.ts";
import { isPlainData, runTasks } from "./threads.ts";

/** One fact over the seeds. */
export interface SeedsFact {
  /** The fact's name (`spread`, `markout`, …). */
  name: string;
  /** Its title in the report. */
  title: string;
  /** The distance it is judged by. */
  distanceKind: FactResult["distanceKind"];
  /** The verdict on each seed, in seed order (null: not judged on that seed). */
  pass: (boolean | null)[];
  /** The distance on each seed. */
  distance: number[];
  /** The tolerance on each seed. */
  tolerance: number[];
  /** Seeds on which it was judged. */
  judged: number;
  /** Seeds on which it passed. */
  passed: number;
  /** Median of the finite distances (NaN when none is). */
  medianDistance: number;
  /** Median of the finite tolerances (NaN when none is). */
  medianTolerance: number;
}

/** The comparison over several seeds (see the module doc). */
export interface RealismSeedsResult {
  /** The simulation seeds, in order. */
  seeds: number[];
  /** Each fact over the seeds, in the facts' order. */
  facts: SeedsFact[];
  /** Judged facts passed on each seed. */
  passed: number[];
  /** Facts judged on each seed. */
  judged: number[];
  /** Mean of `passed` over the seeds. */
  meanPassed: number;
  /** Each seed's whole comparison, in seed order. */
  runs: RealismResult[];
}

/**
 * Puts the comparisons of several seeds side by side. The runs must compare the same facts
 * in the same order (one market against the same tapes with different simulation seeds).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { combineSeeds } from "./realism_seeds.ts";
 * import type { FactResult, RealismResult } from "./realism.ts";
 * const fact = (name: string, distance: number, pass: boolean | null): FactResult => ({
 *   name, title: name, kind: "scalar", distanceKind: "relative", x: [], xLabel: "", unit: "",
 *   real: [1], sim: [1 + distance], realSe: [0], simSe: [0], distance, tolerance: 0.1, pass,
 *   samples: { real: 100, sim: 100 },
 * });
 * const run = (facts: FactResult[]): RealismResult => ({
 *   facts, blockSeconds: 60, resamples: 100, seconds: { real: 600, sim: 600 },
 *   blocks: { real: 10, sim: 10 },
 * });
 * const r = combineSeeds([0, 1], [
 *   run([fact("a", 0.05, true), fact("b", 0.5, false)]),
 *   run([fact("a", 0.2, false), fact("b", 0.05, null)]),
 * ]);
 * assert.deepEqual(r.passed, [1, 0]);
 * assert.deepEqual(r.judged, [2, 1]);
 * assert.equal(r.meanPassed, 0.5);
 * assert.deepEqual([r.facts[1].judged, r.facts[1].passed], [1, 0]);
 * ```
 */
export function combineSeeds(
  seeds: readonly number[],
  runs: readonly RealismResult[],
): RealismSeedsResult {
  if (seeds.length === 0 || seeds.length !== runs.length) {
    throw new ValidationError(
      "seeds",
      seeds.length,
      `one seed for each of the ${runs.length} runs, at least one`,
    );
  }
  const names = runs[0].facts.map((f) => f.name);
  for (let s = 1; s < runs.length; s++) {
    const other = runs[s].facts.map((f) => f.name);
    if (other.join(",") !== names.join(",")) {
      throw new ValidationError(
        "runs",
        `seed ${seeds[s]}: ${other.join(",")}`,
        `the facts of the first run (${names.join(",")})`,
      );
    }
  }
  const facts: SeedsFact[] = names.map((name, i) => {
    const per = runs.map((r) => r.facts[i]);
    const pass = per.map((f) => f.pass);
    return {
      name,
      title: per[0].title,
      distanceKind: per[0].distanceKind,
      pass,
      distance: per.map((f) => f.distance),
      tolerance: per.map((f) => f.tolerance),
      judged: pass.filter((p) => p !== null).length,
      passed: pass.filter((p) => p === true).length,
      medianDistance: median(per.map((f) => f.distance)),
      medianTolerance: median(per.map((f) => f.tolerance)),
    };
  });
  const passed = runs.map((r) => r.facts.filter((f) => f.pass === true).length);
  const judged = runs.map((r) => r.facts.filter((f) => f.pass !== null).length);
  const meanPassed = passed.reduce((a, b) => a + b, 0) / passed.length;
  return { seeds: [...seeds], facts, passed, judged, meanPassed, runs: [...runs] };
}

/**
 * `count` consecutive simulation seeds from `first` (each within [0, MAX_SEED]); a
 * ValidationError naming `field` otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seedRange } from "./realism_seeds.ts";
 * assert.deepEqual(seedRange(3, 4), [3, 4, 5, 6]);
 * assert.throws(() => seedRange(4_294_967_295, 2), /seeds/);
 * ```
 */
export function seedRange(first: number, count: number, field = "seeds"): number[] {
  if (!Number.isInteger(first) || first < 0 || first > MAX_SEED) {
    throw new ValidationError("seed", first, `an integer in [0, ${MAX_SEED}]`);
  }
  if (!Number.isInteger(count) || count < 1 || first + count - 1 > MAX_SEED) {
    throw new ValidationError(
      field,
      count,
      `an integer >= 1 whose last seed (${first} + count − 1) is at most ${MAX_SEED}`,
    );
  }
  return Array.from({ length: count }, (_, i) => first + i);
}

/**
 * The seeds in words: `a–b` when they run consecutively upwards, else the list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeSeeds } from "./realism_seeds.ts";
 * assert.equal(describeSeeds([0, 1, 2, 3]), "0–3");
 * assert.equal(describeSeeds([5, 3]), "5, 3");
 * assert.equal(describeSeeds([7]), "7");
 * ```
 */
export function describeSeeds(seeds: readonly number[]): string {
  const run = seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1);
  if (run && seeds.length > 1) return `${seeds[0]}–${seeds[seeds.length - 1]}`;
  return seeds.join(", ");
}

/**
 * Runs {@linkcode runRealism} on each of `seeds` (`options.seed` is ignored) and combines the
 * verdicts ({@linkcode combineSeeds}). `onSeed` hears of each seed as it finishes. With
 * `progress`, a seed whose result an earlier run saved there (as `seed-S`) is not run again
 * and every seed run is saved as it finishes, so that a run stopped part way resumes with the
 * same verdicts (`lib/progress_store.ts`; the store is the caller's to key by the market, the
 * tapes and the options).
 */
export function runRealismSeeds(
  config: EnvConfigInput | EnvConfig,
  tapes: readonly Tape[],
  seeds: readonly number[],
  options: RunRealismOptions = {},
  onSeed?: (seed: number, result: RealismResult) => void,
  progress?: ProgressStore<RealismResult>,
): RealismSeedsResult {
  const runs: RealismResult[] = [];
  let real = options.real; // the tapes' records, built by the first run and reused
  for (const seed of seeds) {
    let result = progress?.load(`seed-${seed}`);
    if (result === undefined) {
      const run = runRealism(config, tapes, { ...options, seed, real });
      real = run.real;
      result = run.result;
      progress?.save(`seed-${seed}`, result);
    }
    runs.push(result);
    onSeed?.(seed, result);
  }
  return combineSeeds(seeds, runs);
}

/** Options of {@linkcode runRealismSeedsOn}. */
export interface RealismSeedsThreads {
  /** Threads that run the seeds (default 1: this one; at most one per seed left to run). */
  workers?: number;
  /** Called with each seed's verdicts, in the order of `seeds`, as they become known. */
  onSeed?: (seed: number, result: RealismResult) => void;
  /** Where finished seeds are loaded from and saved to (as in {@linkcode runRealismSeeds}). */
  progress?: ProgressStore<RealismResult>;
}

/** One seed of {@linkcode runRealismSeedsOn}, as a worker receives it. */
export interface RealismSeedRequest {
  /** The market. */
  config: EnvConfigInput | EnvConfig;
  /** The tapes' records (`realismRecords`). */
  real: MarketRecord[];
  /** The comparison's options (no callback). */
  options: RunRealismOptions;
  /** The simulation seed. */
  seed: number;
}

/**
 * {@linkcode runRealismSeeds} on several threads: the seeds left to run (not in `progress`)
 * are run on `workers` threads — this one and `workers − 1` Deno Workers
 * (`realism_worker.ts`) — each a whole {@linkcode runRealism} on the tapes' records read once
 * here. The result is the one thread's, bit for bit, whatever the number of workers: each
 * seed's run is deterministic, and the seeds are combined in their order. Each finished seed is saved to `progress` at once, in the order they finish;
 * `onSeed` hears them in seed order. With one worker, one seed to run, or a market or option
 * that is not plain data (a model object of the caller's, a progress callback), everything
 * runs in this thread.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTapeSync } from "../data/load.ts";
 * import { runRealismSeeds, runRealismSeedsOn } from "./realism_seeds.ts";
 * const tape = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
 * const config = { tickSize: 0.01, lotSize: 0.001, initialPrice: 61_700, duration: 60 };
 * const options = { seconds: 120, episodeSeconds: 60, resamples: 20, to: 86_100 };
 * const order: number[] = [];
 * const two = await runRealismSeedsOn(config, [tape], [4, 5, 6], options, {
 *   workers: 2,
 *   onSeed: (seed) => order.push(seed),
 * });
 * assert.deepEqual(order, [4, 5, 6]);
 * assert.deepEqual(two, runRealismSeeds(config, [tape], [4, 5, 6], options));
 * ```
 */
export async function runRealismSeedsOn(
  config: EnvConfigInput | EnvConfig,
  tapes: readonly Tape[],
  seeds: readonly number[],
  options: RunRealismOptions = {},
  threads: RealismSeedsThreads = {},
): Promise<RealismSeedsResult> {
  const { onSeed, progress } = threads;
  const workers = requireInt("workers", threads.workers ?? 1, 1, MAX_WORKERS);
  const done = new Map<number, RealismResult>();
  for (const seed of seeds) {
    const saved = progress?.load(`seed-${seed}`);
    if (saved !== undefined) done.set(seed, saved);
  }
  const todo = [...new Set(seeds)].filter((s) => !done.has(s));
  const { real: given, ...rest } = options;
  if (workers <= 1 || todo.length <= 1 || !isPlainData(config) || !isPlainData(rest)) {
    return runRealismSeeds(config, tapes, seeds, options, onSeed, progress);
  }
  const real = given ?? realismRecords(config, tapes, options);
  let heard = 0;
  const tell = () => {
    while (heard < seeds.length && done.has(seeds[heard])) {
      onSeed?.(seeds[heard], done.get(seeds[heard])!);
      heard++;
    }
  };
  tell();
  const requests: RealismSeedRequest[] = todo.map((seed) => ({
    config,
    real,
    options: rest,
    seed,
  }));
  await runTasks<RealismSeedRequest, RealismResult>(
    new URL("./realism_worker.ts", import.meta.url),
    requests,
    workers,
    (i, result) => {
      progress?.save(`seed-${todo[i]}`, result);
      done.set(todo[i], result);
      tell();
    },
    runSeedRequest,
  );
  return combineSeeds(seeds, seeds.map((s) => done.get(s)!));
}

/**
 * One seed of {@linkcode runRealismSeedsOn}: {@linkcode runRealism} on the records it carries
 * — what each thread, the calling one and the workers (`realism_worker.ts`), runs.
 */
export function runSeedRequest(r: RealismSeedRequest): RealismResult {
  return runRealism(r.config, [], { ...r.options, seed: r.seed, real: r.real }).result;
}

/** The median of the finite values of `xs` (NaN when there are none). */
function median(xs: readonly number[]): number {
  return quantileSorted(Float64Array.from(xs.filter(Number.isFinite)).sort(), 0.5);
}

/**
 * The JSON summary of a comparison over seeds: `{seeds, passed, judged, meanPassed, facts:
 * {NAME: {judged, passed, pass, distance, tolerance, medianDistance, medianTolerance,
 * distanceKind}}}`, each array in seed order, plus how the first seed's run was measured.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { combineSeeds, realismSeedsSummary } from "./realism_seeds.ts";
 * import type { RealismResult } from "./realism.ts";
 * const run = (distance: number): RealismResult => ({
 *   facts: [{
 *     name: "a", title: "a", kind: "scalar", distanceKind: "relative", x: [], xLabel: "",
 *     unit: "", real: [1], sim: [1], realSe: [0], simSe: [0], distance, tolerance: 0.1,
 *     pass: distance <= 0.1, samples: { real: 9, sim: 9 },
 *   }],
 *   blockSeconds: 60, resamples: 100, seconds: { real: 600, sim: 600 }, blocks: { real: 10, sim: 10 },
 * });
 * const s = realismSeedsSummary(combineSeeds([0, 1, 2], [run(0.05), run(0.3), run(0.08)]));
 * const a = (s.facts as Record<string, { passed: number; medianDistance: number }>).a;
 * assert.deepEqual([a.passed, a.medianDistance], [2, 0.08]);
 * ```
 */
export function realismSeedsSummary(r: RealismSeedsResult): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const f of r.facts) {
    facts[f.name] = {
      judged: f.judged,
      passed: f.passed,
      pass: f.pass,
      distance: f.distance,
      tolerance: f.tolerance,
      medianDistance: f.medianDistance,
      medianTolerance: f.medianTolerance,
      distanceKind: f.distanceKind,
    };
  }
  const first = r.runs[0];
  return {
    seeds: r.seeds,
    passed: r.passed,
    judged: r.judged,
    meanPassed: r.meanPassed,
    facts,
    blockSeconds: first.blockSeconds,
    resamples: first.resamples,
    seconds: first.seconds,
    blocks: first.blocks,
  };
}

/** What a verdict records beside the comparison ({@linkcode realismVerdict}). */
export interface VerdictSource {
  /** The preset's name. */
  preset: string;
  /** SHA-256 of the preset file. */
  presetSha256: string;
  /** The tapes' paths, as given. */
  data: readonly string[];
  /** Their SHA-256 digests, in the same order. */
  sha256: readonly string[];
  /** The command that measured it. */
  command: string;
}

/**
 * The preset's realism verdict from a comparison over seeds: per fact the seeds it was
 * judged and passed on and its median distance and tolerance (non-finite as null), validated
 * (`lib/env/preset_realism.ts`, where the tools read it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { combineSeeds, realismVerdict } from "./realism_seeds.ts";
 * import type { RealismResult } from "./realism.ts";
 * const run = (distance: number): RealismResult => ({
 *   facts: [{
 *     name: "markout", title: "m", kind: "curve", distanceKind: "studentized-sup", x: [],
 *     xLabel: "", unit: "", real: [1], sim: [1], realSe: [0], simSe: [0], distance,
 *     tolerance: 2, pass: distance <= 2, samples: { real: 9, sim: 9 },
 *   }],
 *   blockSeconds: 60, resamples: 100, seconds: { real: 600, sim: 600 }, blocks: { real: 10, sim: 10 },
 * });
 * const v = realismVerdict(combineSeeds([0, 1, 2], [run(1), run(3), run(4)]), {
 *   preset: "p", presetSha256: "b".repeat(64), data: ["t.csv"], sha256: ["a".repeat(64)],
 *   command: "deno task realism …",
 * });
 * assert.deepEqual(v.facts.markout, { judged: 3, passed: 1, medianDistance: 3, medianTolerance: 2 });
 * assert.equal(v.meanPassed, 1 / 3);
 * ```
 */
export function realismVerdict(r: RealismSeedsResult, source: VerdictSource): PresetRealism {
  const finite = (x: number) => Number.isFinite(x) ? x : null;
  const facts: PresetRealism["facts"] = {};
  for (const f of r.facts) {
    facts[f.name] = {
      judged: f.judged,
      passed: f.passed,
      medianDistance: finite(f.medianDistance),
      medianTolerance: finite(f.medianTolerance),
    };
  }
  return parsePresetRealism({
    preset: source.preset,
    presetSha256: source.presetSha256,
    data: [...source.data],
    sha256: [...source.sha256],
    seeds: r.seeds,
    meanPassed: r.meanPassed,
    judged: r.judged,
    facts,
    command: source.command,
  }, "realism verdict");
}
