/**
 * Runs backtest jobs on a pool of Deno Workers (or in-process), returning the results in
 * job order whatever the worker count and completion order.
 *
 * @module
 */
import { requireInt } from "../errors.ts";
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
): Promise<JobResult[]> {
  requireInt("workers", workers, 0, MAX_WORKERS);
  const results: JobResult[] = new Array(jobs.length);
  // An agent registered without a module (e.g. in a notebook cell) exists in this thread
  // only: run everything here (the results do not depend on where jobs run).
  if (workers === 0 || !specsRunInWorkers(jobs.map((j) => j.agent))) {
    for (let i = 0; i < jobs.length; i++) {
      results[i] = await runJob(jobs[i]);
      onResult?.(results[i]);
    }
    return results;
  }
  const order = new Map(jobs.map((j, i) => [j.index, i]));
  const pool: Worker[] = [];
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  let next = 0, finished = 0, failed = false;
  const dispatch = (w: Worker) => {
    if (next >= jobs.length) return;
    const req: JobRequest = { job: jobs[next++] };
    w.postMessage(req);
  };
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    reject(err);
  };
  const count = Math.min(workers, jobs.length);
  for (let k = 0; k < count; k++) {
    const w = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
    w.onmessage = (e: MessageEvent<JobReply>) => {
      if (failed) return;
      const reply = e.data;
      if (!reply.ok) return fail(deserializeError(reply.error));
      const pos = order.get(reply.result.index);
      if (pos === undefined) return fail(new Error(`unknown job index ${reply.result.index}`));
      results[pos] = reply.result;
      onResult?.(reply.result);
      if (++finished === jobs.length) resolve();
      else dispatch(w);
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      fail(new Error(`backtest worker failed: ${e.message}`));
    };
    pool.push(w);
  }
  if (jobs.length === 0) resolve();
  for (const w of pool) dispatch(w);
  try {
    await promise;
  } finally {
    for (const w of pool) w.terminate();
  }
  return results;
}
