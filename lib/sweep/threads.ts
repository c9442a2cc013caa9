/**
 * A pool of Deno Workers (threads) that run sweep jobs, one job per thread at a time.
 * Jobs run off the main thread so that it stays free for I/O — in a BullMQ worker, for
 * renewing the locks of running jobs, which a CPU-bound job on the main thread would
 * starve (BullMQ would then declare the job stalled and hand it to another worker).
 *
 * @module
 */
import { requireInt } from "../errors.ts";
import { JobError, type JobErrorInfo } from "./errors.ts";
import type { JobPayload } from "./execute.ts";

/** Main thread → sweep thread. */
export interface ThreadRequest {
  /** Request id. */
  id: number;
  /** The job. */
  payload: JobPayload;
  /** Cache directory of materialized models. */
  cacheDir?: string;
  /** Code version (computed once in the main thread). */
  code?: string;
}

/** Sweep thread → main thread. */
export type ThreadReply =
  | { id: number; ok: true; result: string }
  | { id: number; ok: false; error: JobErrorInfo };

/** Largest thread count accepted. */
export const MAX_THREADS = 256;

interface Slot {
  worker: Worker;
  busy?: { id: number; resolve: (text: string) => void; reject: (err: Error) => void };
}

/**
 * Runs jobs on `size` threads; `run` queues when all are busy. A thread that dies (an
 * uncaught error, out of memory) fails its job with a non-deterministic `JobError` and is
 * replaced.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ThreadPool } from "./threads.ts";
 * import { planSweep } from "./plan.ts";
 * const plan = await planSweep({
 *   episodes: 2,
 *   env: { tier: "model", duration: 10 },
 *   agents: [{ id: "static-spread" }],
 * });
 * const { key, task, data, title } = plan.jobs[0];
 * const pool = new ThreadPool(2);
 * const text = await pool.run({ key, code: plan.code, task, data, deps: {}, title });
 * pool.close();
 * assert.equal(typeof JSON.parse(text), "object"); // the encoded result, as JSON text
 * ```
 */
export class ThreadPool {
  readonly #slots: Slot[] = [];
  readonly #queue: {
    payload: JobPayload;
    onStart?: () => void;
    resolve: (t: string) => void;
    reject: (e: Error) => void;
  }[] = [];
  readonly #cacheDir?: string;
  readonly #code?: string;
  #next = 1;
  #closed = false;

  /** Starts `size` threads (1–{@linkcode MAX_THREADS}). */
  constructor(size: number, options: { cacheDir?: string; code?: string } = {}) {
    requireInt("threads", size, 1, MAX_THREADS);
    this.#cacheDir = options.cacheDir;
    this.#code = options.code;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  /** Threads in the pool. */
  get size(): number {
    return this.#slots.length;
  }

  /** Threads running a job now. */
  get busy(): number {
    return this.#slots.filter((s) => s.busy).length;
  }

  /**
   * Runs `payload` (queued while every thread is busy; `onStart` is called when a thread
   * takes it); resolves with the JSON text of its encoded result.
   */
  run(payload: JobPayload, onStart?: () => void): Promise<string> {
    if (this.#closed) return Promise.reject(new Error("thread pool is closed"));
    const { promise, resolve, reject } = Promise.withResolvers<string>();
    this.#queue.push({ payload, onStart, resolve, reject });
    this.#dispatch();
    return promise;
  }

  /** Terminates every thread; running and queued jobs are rejected. */
  close(): void {
    this.#closed = true;
    const err = new Error("thread pool closed");
    for (const s of this.#slots) {
      s.worker.terminate();
      s.busy?.reject(err);
      s.busy = undefined;
    }
    for (const q of this.#queue.splice(0)) q.reject(err);
  }

  #spawn(): Slot {
    const worker = new Worker(new URL("./thread.ts", import.meta.url).href, { type: "module" });
    const slot: Slot = { worker };
    worker.onmessage = (e: MessageEvent<ThreadReply>) => {
      const r = e.data;
      const busy = slot.busy;
      if (!busy || busy.id !== r.id) return;
      slot.busy = undefined;
      if (r.ok) busy.resolve(r.result);
      else busy.reject(new JobError(r.error));
      this.#dispatch();
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      const busy = slot.busy;
      slot.busy = undefined;
      worker.terminate();
      const i = this.#slots.indexOf(slot);
      if (!this.#closed && i >= 0) this.#slots[i] = this.#spawn();
      busy?.reject(
        new JobError({
          name: "ThreadCrash",
          message: `sweep thread died: ${e.message}`,
          deterministic: false,
        }),
      );
      this.#dispatch();
    };
    return slot;
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.busy) continue;
      const q = this.#queue.shift()!;
      const id = this.#next++;
      slot.busy = { id, resolve: q.resolve, reject: q.reject };
      const req: ThreadRequest = {
        id,
        payload: q.payload,
        cacheDir: this.#cacheDir,
        code: this.#code,
      };
      slot.worker.postMessage(req);
      q.onStart?.();
    }
  }
}
