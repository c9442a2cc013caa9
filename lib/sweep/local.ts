/**
 * The local backend: jobs run on this machine's threads (a {@linkcode ThreadPool}), each
 * tried up to `attempts` times unless its error is deterministic.
 *
 * @module
 */
import { requireInt } from "../errors.ts";
import { JobError, jobErrorInfo } from "./errors.ts";
import type { JobPayload } from "./execute.ts";
import type { BackendResult, JobHooks, SweepBackend } from "./scheduler.ts";
import { MAX_THREADS, ThreadPool } from "./threads.ts";

/** Options of {@linkcode localBackend}. */
export interface LocalBackendOptions {
  /** Threads (default: the machine's cores). */
  threads?: number;
  /** Attempts per job (default 3). */
  attempts?: number;
  /** Cache directory of materialized models. */
  cacheDir?: string;
  /** Code version (default: computed in each thread). */
  code?: string;
}

/** The number of cores this process sees (at least 1). */
export function cores(): number {
  return typeof navigator !== "undefined" && navigator.hardwareConcurrency > 0
    ? navigator.hardwareConcurrency
    : 1;
}

/**
 * A backend that runs jobs on a pool of threads of this process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localBackend } from "./local.ts";
 * import { planSweep } from "./plan.ts";
 * import { executePlan } from "./scheduler.ts";
 * import { ResultStore } from "./store.ts";
 * const plan = await planSweep({
 *   episodes: 4,
 *   chunkSize: 2,
 *   env: { tier: "model", duration: 10 },
 *   agents: [{ id: "static-spread" }],
 * });
 * const dir = await Deno.makeTempDir();
 * const backend = localBackend({ threads: 2 });
 * const outcome = await executePlan(plan, new ResultStore(dir), backend);
 * await backend.close();
 * assert.equal(outcome.computed.length, plan.jobs.length); // 2 jobs of 2 episodes
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function localBackend(options: LocalBackendOptions = {}): SweepBackend {
  const threads = requireInt("threads", options.threads ?? cores(), 1, MAX_THREADS);
  const attempts = requireInt("attempts", options.attempts ?? 3, 1, 100);
  const pool = new ThreadPool(threads, { cacheDir: options.cacheDir, code: options.code });
  return {
    name: `local (${threads} thread${threads === 1 ? "" : "s"})`,
    async run(payload: JobPayload, hooks: JobHooks): Promise<BackendResult> {
      for (let attempt = 1;; attempt++) {
        try {
          return { text: await pool.run(payload, hooks.onActive) };
        } catch (err) {
          const info = jobErrorInfo(err);
          if (info.deterministic || attempt >= attempts) throw new JobError(info);
          hooks.onRetry?.(info);
        }
      }
    },
    close(): Promise<void> {
      pool.close();
      return Promise.resolve();
    },
  };
}
