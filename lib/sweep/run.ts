/**
 * A whole sweep in one call, as `deno task sweep` runs it: plan the spec, claim the output
 * directory (refusing one that holds another sweep's results unless `force`), reuse the
 * finished jobs stored there, run the rest on the chosen backend, merge, and write the
 * result files atomically.
 *
 * Output directory:
 * - `spec.json`: the validated spec with its key and the code version (which sweep this is);
 * - `jobs/<key>.json`: one file per finished job, written atomically and durably;
 * - `result/`: the merged result — `results.json`, `episodes.csv`, `summary.csv`,
 *   `paired.csv`, `report.html` — a pure function of the plan and the stored jobs, written
 *   as one output set (lib's `writeOutputSet`: a kill leaves the previous set or the new
 *   one, never a mix);
 * - `runs.jsonl`: one line per run (mode, jobs reused, collected, computed, failed, seconds).
 *
 * @module
 */
import { hostname } from "node:os";
import { AlpeError, ValidationError } from "../errors.ts";
import type { MarketResolver } from "./markets.ts";
import { mergeSweep, sweepReportJson, type SweepResult } from "./merge.ts";
import { planSweep, type SweepPlan } from "./plan.ts";
import { sweepEpisodesCsv, sweepPairedCsv, sweepReportHtml, sweepSummaryCsv } from "./report.ts";
import {
  executePlan,
  type PlanOutcome,
  type SweepBackend,
  type SweepProgress,
} from "./scheduler.ts";
import { ResultStore } from "./store.ts";
import { writeFileAtomic, writeOutputSet } from "../output_dir.ts";

/** Names of the files a sweep writes into its output directory. */
export const SWEEP_FILES = {
  spec: "spec.json",
  jobs: "jobs",
  result: "result",
  json: "results.json",
  episodes: "episodes.csv",
  summary: "summary.csv",
  paired: "paired.csv",
  html: "report.html",
  runs: "runs.jsonl",
  lock: ".lock",
} as const;

/** The output directory holds something this sweep must not overwrite. */
export class OutputConflictError extends AlpeError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "OutputConflictError";
  }
}

/** Options of {@linkcode runSweep}. */
export interface RunSweepOptions {
  /** The spec (parsed JSON, validated here). */
  spec: unknown;
  /** Output directory (default `out/sweeps/<name>`). */
  out?: string;
  /** Replace the results of another sweep (or code version) in `out`. */
  force?: boolean;
  /** Builds the backend once the plan is known (local threads or BullMQ). */
  backend: (plan: SweepPlan) => SweepBackend | Promise<SweepBackend>;
  /** Market resolvers (default: "default" and inline markets). */
  resolvers?: readonly MarketResolver[];
  /** Code version (default: this checkout's). */
  code?: string;
  /** Progress of the jobs. */
  onProgress?: (p: SweepProgress) => void;
  /** Log lines. */
  log?: (line: string) => void;
}

/** What {@linkcode runSweep} did. */
export interface SweepRun {
  /** The plan. */
  plan: SweepPlan;
  /** What happened to each job. */
  outcome: PlanOutcome;
  /** The merged result. */
  result: SweepResult;
  /** The output directory. */
  out: string;
  /** Files written. */
  written: string[];
  /** Seconds taken. */
  seconds: number;
}

/** Runs a sweep (see the module doc). */
export async function runSweep(options: RunSweepOptions): Promise<SweepRun> {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const plan = await planSweep(options.spec, { resolvers: options.resolvers, code: options.code });
  const out = (options.out ?? `out/sweeps/${plan.spec.name}`).replace(/\/+$/, "");
  if (out.trim() === "") throw new ValidationError("out", out, "a directory path");
  try {
    if (!(await Deno.stat(out)).isDirectory) {
      throw new OutputConflictError(`--out ${out} is a file, not a directory`);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    await Deno.mkdir(out, { recursive: true });
  }
  const release = await lockOutDir(out);
  try {
    await claimOutDir(out, plan, options.force ?? false);
    const store = new ResultStore(`${out}/${SWEEP_FILES.jobs}`);
    const { unreadable } = await store.load();
    if (unreadable.length) {
      log(`${unreadable.length} unreadable job file(s) in ${out}/jobs: recomputing them`);
    }
    const backend = await options.backend(plan);
    let outcome: PlanOutcome;
    try {
      log(
        `sweep ${plan.spec.name}: ${plan.jobs.length} jobs (${plan.markets.length} market(s) × ` +
          `${plan.variants.length} agent variant(s)); ${
            plan.jobs.filter((j) => store.has(j.key)).length
          } ` +
          `already done; running on ${backend.name}`,
      );
      outcome = await executePlan(plan, store, backend, { onProgress: options.onProgress, log });
    } finally {
      await backend.close();
    }
    const result = await mergeSweep(plan, outcome);
    const written = await writeSweepOutputs(out, result);
    const seconds = (performance.now() - t0) / 1000;
    const line = JSON.stringify({
      finished: new Date().toISOString(),
      backend: backend.name,
      seconds: Number(seconds.toFixed(3)),
      jobs: plan.jobs.length,
      reused: outcome.reused.length,
      collected: outcome.collected.length,
      computed: outcome.computed.length,
      failed: outcome.failures.size,
      computedKeys: outcome.computed,
    }) + "\n";
    await Deno.writeTextFile(`${out}/${SWEEP_FILES.runs}`, line, { append: true });
    return { plan, outcome, result, out, written, seconds };
  } finally {
    await release();
  }
}

/**
 * Checks that `out` is free for `plan`: absent, empty, or holding the same sweep (same spec
 * and code version). Otherwise throws an {@linkcode OutputConflictError} unless `force`,
 * in which case the old merged files go (stored jobs stay: they are keyed by content and
 * code, and reused where they match). Then writes `spec.json`.
 */
export async function claimOutDir(out: string, plan: SweepPlan, force: boolean): Promise<void> {
  let names: string[] = [];
  try {
    const info = await Deno.stat(out);
    if (!info.isDirectory) throw new OutputConflictError(`--out ${out} is a file, not a directory`);
    names = (await Array.fromAsync(Deno.readDir(out))).map((e) => e.name)
      .filter((n) => n !== SWEEP_FILES.lock);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const specPath = `${out}/${SWEEP_FILES.spec}`;
  if (names.length > 0) {
    let held: { specKey?: string; code?: string; spec?: { name?: string } } | undefined;
    try {
      held = JSON.parse(await Deno.readTextFile(specPath));
    } catch {
      held = undefined;
    }
    if (!held) {
      if (!force) {
        throw new OutputConflictError(
          `${out} exists and does not hold a sweep; choose another --out (or --force to write into it)`,
        );
      }
    } else if (held.specKey !== plan.specKey || held.code !== plan.code) {
      const what = held.specKey !== plan.specKey
        ? `another sweep ("${held.spec?.name ?? "?"}", spec ${String(held.specKey).slice(0, 12)}…)`
        : `this sweep computed by code version ${
          String(held.code).slice(0, 12)
        }… (this checkout: ` +
          `${plan.code.slice(0, 12)}…)`;
      if (!force) {
        throw new OutputConflictError(
          `${out} holds the results of ${what}; choose another --out, or --force to replace ` +
            "them (finished jobs that match are still reused)",
        );
      }
    }
    // The previous merged result goes first, so that it never sits beside another spec.
    if (force) {
      await Deno.remove(`${out}/${SWEEP_FILES.result}`, { recursive: true }).catch(() => {});
    }
  }
  await Deno.mkdir(out, { recursive: true });
  const text =
    JSON.stringify({ specKey: plan.specKey, code: plan.code, spec: plan.spec }, null, 1) + "\n";
  await writeFileAtomic(specPath, text, { replace: true });
}

/**
 * Takes `<out>/.lock` so that two sweeps never write one directory at once; a lock left by
 * a process that no longer runs on this host is taken over. Returns the release function.
 */
export async function lockOutDir(out: string): Promise<() => Promise<void>> {
  const path = `${out}/${SWEEP_FILES.lock}`;
  const me = { pid: Deno.pid, host: hostname() };
  for (let tries = 0; tries < 2; tries++) {
    try {
      await Deno.writeTextFile(path, JSON.stringify(me), { createNew: true });
      return async () => {
        await Deno.remove(path).catch(() => {});
      };
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      let held: { pid?: number; host?: string } = {};
      try {
        held = JSON.parse(await Deno.readTextFile(path));
      } catch { /* half-written lock: treat as stale */ }
      const alive = held.host !== me.host ||
        (held.pid !== undefined && await processAlive(held.pid));
      if (alive) {
        throw new OutputConflictError(
          `${out} is in use by another sweep (pid ${held.pid} on ${held.host}); wait for it or ` +
            `remove ${path} if that process is gone`,
        );
      }
      await Deno.remove(path).catch(() => {});
    }
  }
  throw new OutputConflictError(`could not lock ${out}`);
}

async function processAlive(pid: number): Promise<boolean> {
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the merged result — results.json, episodes.csv, summary.csv, paired.csv and
 * report.html — into `out`/result as one output set (atomic as a set). Returns the paths.
 */
export async function writeSweepOutputs(out: string, result: SweepResult): Promise<string[]> {
  return await writeOutputSet(`${out}/${SWEEP_FILES.result}`, {
    [SWEEP_FILES.json]: sweepReportJson(result),
    [SWEEP_FILES.episodes]: sweepEpisodesCsv(result),
    [SWEEP_FILES.summary]: sweepSummaryCsv(result),
    [SWEEP_FILES.paired]: sweepPairedCsv(result),
    [SWEEP_FILES.html]: sweepReportHtml(result),
  }, { kind: "sweep", replace: true, field: "--out" });
}
