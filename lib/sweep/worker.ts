/**
 * A sweep worker (`deno task worker --redis URL`): serves the BullMQ queue of this
 * checkout's code version, running each job on a thread of its pool (so the main thread
 * keeps renewing job locks) after checking the job's data digests against its own files.
 * It registers itself in Redis with a heartbeat, so the coordinator can tell which
 * workers are alive and which run other code. A deterministic error fails the job at once
 * (`UnrecoverableError`); any other error uses up one attempt.
 *
 * @module
 */
import { hostname } from "node:os";
import { requireInt } from "../errors.ts";
import { redisClass } from "./_ioredis.ts";
import { jobErrorInfo } from "./errors.ts";
import type { JobPayload } from "./execute.ts";
import {
  checkRedis,
  DEFAULT_QUEUE_PREFIX,
  parseRedisUrl,
  queueName,
  WORKER_TTL_S,
  type WorkerInfo,
  workerKey,
} from "./redis.ts";
import { MAX_THREADS, ThreadPool } from "./threads.ts";
import { codeVersion } from "./version.ts";

/** Default lock duration of a running job, milliseconds (BullMQ's default). */
export const DEFAULT_LOCK_MS = 30_000;

/** Times a job may be recovered after its worker died before it is failed. */
export const MAX_STALLED = 3;

/** Options of {@linkcode startSweepWorker}. */
export interface SweepWorkerOptions {
  /** Redis URL. */
  url: string;
  /** Jobs run at once (threads), default 1. */
  concurrency?: number;
  /** Queue name prefix (default "alpe-sweep"). */
  prefix?: string;
  /**
   * Lock duration, ms: a job whose worker died is handed to another worker after at most
   * about twice this (default 30,000).
   */
  lockMs?: number;
  /** Cache directory of materialized models. */
  cacheDir?: string;
  /** Code version to serve (default: this checkout's). */
  code?: string;
  /** One line per job event. */
  log?: (line: string) => void;
}

/** A running worker. */
export interface SweepWorker {
  /** The queue it serves. */
  readonly queue: string;
  /** Jobs finished (completed or failed) so far. */
  readonly finished: number;
  /** Stops taking jobs, waits for the running ones (or abandons them with `force`), disconnects. */
  close(force?: boolean): Promise<void>;
}

/** Starts a sweep worker (see the module doc); throws `RedisUnavailableError` when Redis cannot be reached. */
export async function startSweepWorker(options: SweepWorkerOptions): Promise<SweepWorker> {
  const url = parseRedisUrl(options.url);
  const concurrency = requireInt("--concurrency", options.concurrency ?? 1, 1, MAX_THREADS);
  const lockMs = requireInt("--lock-ms", options.lockMs ?? DEFAULT_LOCK_MS, 500, 3_600_000);
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  const log = options.log ?? (() => {});
  const code = options.code ?? await codeVersion();
  const name = queueName(code, prefix);
  await checkRedis(url);
  const { UnrecoverableError, Worker } = await import("npm:bullmq@6.7.0");
  const Redis = await redisClass();
  const pool = new ThreadPool(concurrency, { cacheDir: options.cacheDir, code });
  const host = hostname();
  let finished = 0;
  const worker = new Worker(
    name,
    async (job) => {
      const payload = job.data as JobPayload;
      const t0 = performance.now();
      log(`start ${payload.key} ${payload.title} (attempt ${job.attemptsMade + 1})`);
      try {
        const text = await pool.run(payload);
        log(`done ${payload.key} in ${((performance.now() - t0) / 1000).toFixed(3)} s`);
        return text;
      } catch (err) {
        const info = jobErrorInfo(err);
        log(`fail ${payload.key} ${info.name}: ${info.message}`);
        const reason = `${info.name}: ${info.message}`;
        throw info.deterministic ? new UnrecoverableError(reason) : new Error(reason);
      } finally {
        finished++;
      }
    },
    {
      connection: { url, maxRetriesPerRequest: null },
      concurrency,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: MAX_STALLED,
      name: `${host}:${Deno.pid}`,
      autorun: true,
    },
  );
  worker.on("error", (e) => log(`redis: ${e.message}`));
  const client = new Redis(url, { maxRetriesPerRequest: null });
  client.on("error", (e: Error) => log(`redis: ${e.message}`));
  const started = new Date().toISOString();
  const key = workerKey(prefix, host, Deno.pid);
  const beat = async () => {
    const info: WorkerInfo = {
      host,
      pid: Deno.pid,
      code,
      queue: name,
      concurrency,
      started,
      jobs: finished,
    };
    await client.set(key, JSON.stringify(info), "EX", WORKER_TTL_S);
  };
  await beat();
  const timer = setInterval(() => void beat().catch(() => {}), (WORKER_TTL_S * 1000) / 3);
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  return {
    queue: name,
    get finished() {
      return finished;
    },
    close(force = false): Promise<void> {
      closing ??= (async () => {
        clearInterval(timer);
        await worker.close(force);
        pool.close();
        await client.del(key).catch(() => {});
        client.disconnect();
      })();
      return closing;
    },
  };
}
