/**
 * Runs backtest jobs on a pool of Deno Workers (or in-process), returning the results in
 * job order whatever the worker count and completion order.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { encodeValue } from "../codec.ts";
import { requireInt } from "../errors.ts";
import type { ProgressStore } from "../progress_store.ts";
import { specsRunInWorkers } from "./agent_spec.ts";
import { runJob } from "./job.ts";
import { deserializeError, type JobReply, type JobRequest } from "./messages.ts";
import type { BacktestJob, JobResult } from "./types.ts";

/** Largest worker count accepted. */
export const MAX_WORKERS = 256;

/** The default worker count: `min(navigator.hardwareConcurrency, jobs)`, at least 1. */
export function defaultWorkers(jobs: number): number {
  const cores = typeof navigator !== "undefined" && navigator.hardwareConcurrency > 0
    ? navigator.hardwareConcurrency
    : 1;
  return Math.max(1, Math.min(cores, jobs));
}

/**
 * Runs `jobs` on `workers` Deno Workers (`0`, or an agent that exists in this thread only:
 * sequentially in this thread) and returns the
 * results sorted by job index. `onResult` is called as each job finishes (in completion
 * order). The first failing job rejects the whole run (workers are terminated) with its
 * error, rethrown with its type (`ValidationError`, `NotAvailableError`…).
 *
 * With `progress`, a job whose result an earlier run saved there (under {@linkcode jobName},
 * the hash of the job's whole content) is not run again, and every job run is saved as it
 * finishes: a run stopped part way and run again resumes with the same results, bit for bit
 * (a job's result depends only on its content — what a job names by path, a model directory
 * or a tape, is the caller's to fingerprint: `lib/progress_store.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runJobs } from "./pool.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * const config = parseEnvConfig({ tier: "model", duration: 10 });
 * const jobs = [[1, 2], [3, 4]].map((seeds, i) => ({
 *   index: i, agentIndex: 0, chunk: i, firstEpisode: 2 * i, config,
 *   agent: { id: "static-spread" }, seeds, agentSeed: 7,
 *   summary: { capitalBase: 500_000, period: 1, impactWeight: 1 },
 *   curvePoints: 0, recordSteps: false,
 * }));
 * const results = await runJobs(jobs, 2); // on 2 Deno Workers
 * assert.deepEqual(results.map((r) => r.index), [0, 1]); // in job order
 * assert.deepEqual(results, await runJobs(jobs, 0)); // the same as in this thread
 * ```
 */
export async function runJobs(
  jobs: readonly BacktestJob[],
  workers: number,
  onResult?: (result: JobResult) => void,
  progress?: ProgressStore<JobResult>,
): Promise<JobResult[]> {
  requireInt("workers", workers, 0, MAX_WORKERS);
  const results: JobResult[] = new Array(jobs.length);
  const names = progress ? jobs.map(jobName) : [];
  const todo: number[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const saved = names[i] === undefined ? undefined : progress!.load(names[i]!);
    if (saved === undefined) todo.push(i);
    else {
      results[i] = saved;
      onResult?.(saved);
    }
  }
  const finish = (i: number, result: JobResult) => {
    results[i] = result;
    if (names[i] !== undefined) progress!.save(names[i]!, result);
    onResult?.(result);
  };
  // An agent registered without a module (e.g. in a notebook cell) exists in this thread
  // only: run everything here (the results do not depend on where jobs run).
  if (workers === 0 || !specsRunInWorkers(jobs.map((j) => j.agent))) {
    for (const i of todo) finish(i, await runJob(jobs[i]));
    return results;
  }
  const order = new Map(jobs.map((j, i) => [j.index, i]));
  const pool: Worker[] = [];
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  let next = 0, finished = 0, failed = false;
  const dispatch = (w: Worker) => {
    if (next >= todo.length) return;
    const req: JobRequest = { job: jobs[todo[next++]] };
    w.postMessage(req);
  };
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    reject(err);
  };
  const count = Math.min(workers, todo.length);
  for (let k = 0; k < count; k++) {
    const w = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
    w.onmessage = (e: MessageEvent<JobReply>) => {
      if (failed) return;
      const reply = e.data;
      if (!reply.ok) return fail(deserializeError(reply.error));
      const pos = order.get(reply.result.index);
      if (pos === undefined) return fail(new Error(`unknown job index ${reply.result.index}`));
      try {
        finish(pos, reply.result);
      } catch (err) {
        return fail(err as Error); // the result could not be saved (a full disk)
      }
      if (++finished === todo.length) resolve();
      else dispatch(w);
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      fail(new Error(`backtest worker failed: ${e.message}`));
    };
    pool.push(w);
  }
  if (todo.length === 0) resolve();
  for (const w of pool) dispatch(w);
  try {
    await promise;
  } finally {
    for (const w of pool) w.terminate();
  }
  return results;
}

/**
 * The name under which {@linkcode runJobs} saves `job`'s result: `job-` and the SHA-256 of the
 * job's exact encoding (`lib/codec.ts`, keys sorted), so that two jobs share a name only when
 * every field is the same; `undefined` for a job that cannot be encoded (a config holding a
 * model object of the caller's), which is then always run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobName } from "./pool.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * const job = {
 *   index: 0, agentIndex: 0, chunk: 0, firstEpisode: 0,
 *   config: parseEnvConfig({ tier: "model", duration: 10 }),
 *   agent: { id: "static-spread" }, seeds: [1, 2], agentSeed: 7,
 *   summary: { capitalBase: 500_000, period: 1, impactWeight: 1 },
 *   curvePoints: 10, recordSteps: false,
 * };
 * assert.match(jobName(job)!, /^job-[0-9a-f]{64}$/);
 * assert.notEqual(jobName({ ...job, seeds: [1, 3] }), jobName(job));
 * ```
 */
export function jobName(job: BacktestJob): string | undefined {
  let text: string;
  try {
    text = JSON.stringify(encodeValue(job));
  } catch (err) {
    if (err instanceof TypeError) return undefined;
    throw err;
  }
  return `job-${createHash("sha256").update(text).digest("hex")}`;
}
