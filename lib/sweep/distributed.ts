/**
 * The distributed backend: the coordinator (`deno task sweep --redis URL`) enqueues jobs on
 * a BullMQ queue in Redis and waits; workers anywhere (`deno task worker --redis URL`) run
 * them. BullMQ provides the fault tolerance: a job is locked by the worker running it and
 * the lock is renewed while it runs; if the worker dies, the lock expires and another
 * worker's stalled-job check puts the job back in the queue (a crash does not use up an
 * attempt); a job that throws is retried with exponential back-off up to `attempts` times,
 * at once reported failed when its error is deterministic.
 *
 * Jobs are added with their content key as BullMQ job id, so adding a job twice is a
 * no-op, and results stay in Redis after completion (for 7 days): a coordinator that was
 * stopped and started again collects what workers finished meanwhile instead of
 * recomputing it.
 *
 * @module
 */
import { requireInt } from "../errors.ts";
import { redisClass } from "./_ioredis.ts";
import { JobError, type JobErrorInfo } from "./errors.ts";
import type { JobPayload } from "./execute.ts";
import {
  checkRedis,
  DEFAULT_QUEUE_PREFIX,
  listWorkers,
  parseRedisUrl,
  queueName,
  redactUrl,
} from "./redis.ts";
import type { BackendResult, JobHooks, SweepBackend } from "./scheduler.ts";

/** Seconds finished jobs (and their results) are kept in Redis. */
export const KEEP_FINISHED_S = 7 * 24 * 3600;

/** Options of {@linkcode redisBackend}. */
export interface RedisBackendOptions {
  /** Redis URL. */
  url: string;
  /** Code version of the plan (selects the queue). */
  code: string;
  /** Attempts per job (default 3). */
  attempts?: number;
  /** Queue name prefix (default "alpe-sweep"). */
  prefix?: string;
  /** Log lines (worker hints, stalls, retries). */
  log?: (line: string) => void;
  /** Milliseconds between checks of job states that events may have missed (default 3,000). */
  reconcileMs?: number;
}

interface Waiter {
  payload: JobPayload;
  hooks: JobHooks;
  resolve: (r: BackendResult) => void;
  reject: (e: Error) => void;
  collected: boolean;
}

/** Parses a BullMQ failed reason written by the sweep worker (`Name: message`). */
export function failedReasonInfo(reason: string | undefined, deterministic: boolean): JobErrorInfo {
  const text = reason ?? "unknown error";
  const m = /^([A-Za-z][\w]*): ([\s\S]*)$/.exec(text);
  return m
    ? { name: m[1], message: m[2], deterministic }
    : { name: "Error", message: text, deterministic };
}

/**
 * A backend that runs jobs through BullMQ on the Redis at `url`. Checks Redis first and
 * throws a `RedisUnavailableError` when it cannot be reached.
 */
export async function redisBackend(options: RedisBackendOptions): Promise<SweepBackend> {
  const url = parseRedisUrl(options.url);
  const attempts = requireInt("attempts", options.attempts ?? 3, 1, 100);
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  const name = queueName(options.code, prefix);
  const log = options.log ?? (() => {});
  await checkRedis(url);
  const { Job, Queue, QueueEvents } = await import("npm:bullmq@6.7.0");
  const Redis = await redisClass();
  const connection = { url, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  const client = new Redis(url, { maxRetriesPerRequest: null });
  let closed = false;
  for (const c of [queue, events, client] as { on(e: "error", f: (e: Error) => void): unknown }[]) {
    c.on("error", (e: Error) => {
      if (!closed) log(`redis: ${e.message}`);
    });
  }
  await events.waitUntilReady();
  const waiters = new Map<string, Waiter>();

  const settle = async (key: string): Promise<void> => {
    const w = waiters.get(key);
    if (!w) return;
    // The state first: a job read before it finished would show no result yet.
    const state = await queue.getJobState(key);
    if (state !== "completed" && state !== "failed") return;
    const job = await Job.fromId(queue, key);
    if (!job || !waiters.has(key)) return;
    waiters.delete(key);
    if (state === "failed") {
      const unrecoverable = job.attemptsMade < (job.opts.attempts ?? 1);
      w.reject(new JobError(failedReasonInfo(job.failedReason, unrecoverable)));
    } else if (typeof job.returnvalue === "string") {
      w.resolve({ text: job.returnvalue, collected: w.collected });
    } else {
      w.reject(
        new JobError({
          name: "BadResult",
          message: "job result is not a string",
          deterministic: false,
        }),
      );
    }
  };

  events.on("active", ({ jobId }) => waiters.get(jobId)?.hooks.onActive());
  events.on("completed", ({ jobId, returnvalue }) => {
    const w = waiters.get(jobId);
    if (!w) return;
    // The event carries the result: no round trip to fetch it.
    if (typeof returnvalue === "string") {
      waiters.delete(jobId);
      w.resolve({ text: returnvalue, collected: w.collected });
    } else void settle(jobId).catch((e) => log(`redis: ${e.message}`));
  });
  events.on("failed", ({ jobId, failedReason }) => {
    const w = waiters.get(jobId);
    if (!w) return;
    void (async () => {
      if (await queue.getJobState(jobId) === "failed") await settle(jobId);
      else w.hooks.onRetry?.(failedReasonInfo(failedReason, false));
    })().catch((e) => log(`redis: ${e.message}`));
  });
  events.on("stalled", ({ jobId }) => {
    const w = waiters.get(jobId);
    if (!w) return;
    w.hooks.onRetry?.({
      name: "Stalled",
      message: "its worker stopped renewing the job's lock (killed or hung); back in the queue",
      deterministic: false,
    });
  });

  // Adds in batches: many jobs become ready at once.
  const pendingAdds: JobPayload[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (pendingAdds.length) {
      const batch = pendingAdds.splice(0, 500);
      await queue.addBulk(batch.map((p) => ({
        name: p.task.kind,
        data: p,
        opts: {
          jobId: p.key,
          attempts,
          backoff: { type: "exponential", delay: 1_000 },
          removeOnComplete: { age: KEEP_FINISHED_S },
          removeOnFail: { age: KEEP_FINISHED_S },
        },
      })));
    }
    flushing = undefined;
  };
  const enqueue = (p: JobPayload): void => {
    pendingAdds.push(p);
    flushing ??= Promise.resolve().then(flush).catch((e) => {
      flushing = undefined;
      for (const q of pendingAdds.splice(0)) {
        waiters.get(q.key)?.reject(
          new JobError({ name: "RedisError", message: e.message, deterministic: false }),
        );
        waiters.delete(q.key);
      }
      log(`redis: adding jobs failed: ${e.message}`);
    });
  };

  // Catches completions that events missed (e.g. while the connection was down) and
  // reports the workers the sweep is waiting for.
  let hinted = "";
  let cursor = 0;
  const reconcile = async (): Promise<void> => {
    // Up to 500 waiting jobs per pass, round robin, 50 requests in flight.
    const keys = [...waiters.keys()];
    const batch = keys.length <= 500
      ? keys
      : Array.from({ length: 500 }, (_, i) => keys[(cursor + i) % keys.length]);
    cursor = keys.length ? (cursor + batch.length) % keys.length : 0;
    for (let i = 0; i < batch.length; i += 50) {
      await Promise.all(batch.slice(i, i + 50).map(settle));
    }
    if (waiters.size === 0) return;
    const workers = await listWorkers(client, prefix);
    const mine = workers.filter((w) => w.queue === name);
    const foreign = workers.filter((w) => w.queue !== name);
    let hint = "";
    if (mine.length === 0) {
      hint = `waiting for workers: none serves queue ${name} on ${redactUrl(url)}; start ` +
        `\`deno task worker --redis ${redactUrl(url)}\` on machines with this checkout`;
      if (foreign.length) {
        hint += `; ${foreign.length} worker(s) run other code (${
          foreign.slice(0, 3).map((w) => `${w.host}:${w.pid} ${w.code.slice(0, 12)}…`).join(", ")
        }): they do not take these jobs (check out the same commit there)`;
      }
    } else if (foreign.length) {
      hint = `${foreign.length} worker(s) run other code and do not take these jobs: ${
        foreign.slice(0, 3).map((w) => `${w.host}:${w.pid} ${w.code.slice(0, 12)}…`).join(", ")
      }`;
    }
    if (hint && hint !== hinted) log(hint);
    hinted = hint;
  };
  const reconcileMs = options.reconcileMs ?? 3_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    timer = setTimeout(async () => {
      try {
        await reconcile();
      } catch (e) {
        log(`redis: ${(e as Error).message}`);
      }
      if (!closed) tick();
    }, reconcileMs);
  };
  tick();

  return {
    name: `${redactUrl(url)} queue ${name}`,
    run(payload: JobPayload, hooks: JobHooks): Promise<BackendResult> {
      const { promise, resolve, reject } = Promise.withResolvers<BackendResult>();
      const w: Waiter = { payload, hooks, resolve, reject, collected: false };
      waiters.set(payload.key, w);
      void (async () => {
        const state = await queue.getJobState(payload.key);
        if (state === "unknown") return enqueue(payload);
        if (state === "completed") w.collected = true;
        if (state === "failed") {
          // A sweep started again gives its failed jobs a new set of attempts.
          const job = await Job.fromId(queue, payload.key);
          await job?.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
        }
        await settle(payload.key);
      })().catch((e) => {
        waiters.delete(payload.key);
        reject(
          new JobError({ name: "RedisError", message: (e as Error).message, deterministic: false }),
        );
      });
      return promise;
    },
    async close(): Promise<void> {
      closed = true;
      clearTimeout(timer);
      await flushing?.catch(() => {});
      await events.close();
      await queue.close();
      client.disconnect();
    },
  };
}
