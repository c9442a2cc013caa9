/**
 * The calibration layer's independent tasks on both cores: a realism seed, a calibration
 * start. Each is a deterministic function of its request, so it gives the same bits on any
 * thread; {@linkcode runTasks} runs the requests on the calling thread and a pool of Deno
 * Workers started from one worker module, and the module answers them with
 * {@linkcode serveTasks}. A request and its reply cross the boundary by structured clone,
 * which keeps every number's bits (NaN, −0) and typed arrays as they are; an error thrown by a task is rethrown here with its type
 * (`ValidationError`, `NotAvailableError`, or an `AlpeError` with its message).
 *
 * - **Assumes:** requests hold data only (no functions, no class instances a clone would
 *   flatten): callers keep a request with anything else in their own thread.
 * - **Ignores:** the tasks' cost: a free worker takes the next request, in request order.
 *
 * @module
 */
import { requireInt } from "../errors.ts";
import { deserializeError, type SerializedError, serializeError } from "../backtest/messages.ts";
import { MAX_WORKERS } from "../backtest/pool.ts";

/** Pool → worker: task `index`. */
export interface TaskRequest<Req> {
  /** Position of the request in the pool's list. */
  index: number;
  /** The request. */
  request: Req;
}

/** Worker → pool: task `index`'s value, or the error it failed with. */
export type TaskReply<Res> =
  | { index: number; ok: true; value: Res }
  | { index: number; ok: false; error: SerializedError };

/**
 * Runs `requests` on `threads` threads and calls `onDone(index, value)` as each finishes, in
 * the order they finish. With `local` (the same function the worker module serves), the
 * calling thread is one of the threads: it starts `threads − 1` Deno Workers from the module
 * `url` (which answers with {@linkcode serveTasks}) and runs requests itself between their
 * replies, so that one thread's work never waits for a worker to start; without it, `threads`
 * Workers run them all. The first failure rejects the run with its error (typed as thrown)
 * and terminates the workers; so does an error thrown by `onDone` (a result that could not be
 * saved). Resolves once every request is done.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runTasks } from "./threads.ts";
 * const square = (x: number) => {
 *   if (x < 0) throw new Error("negative");
 *   return x * x;
 * };
 * const src = `import { serveTasks } from ${JSON.stringify(import.meta.resolve("./threads.ts"))};
 * serveTasks(${square.toString()});`;
 * const url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
 * const out: number[] = [];
 * await runTasks<number, number>(url, [1, 2, 3], 2, (i, v) => (out[i] = v));
 * assert.deepEqual(out, [1, 4, 9]);
 * const mixed: number[] = [];
 * await runTasks<number, number>(url, [4, 5, 6, 7], 2, (i, v) => (mixed[i] = v), square);
 * assert.deepEqual(mixed, [16, 25, 36, 49]);
 * await assert.rejects(runTasks(url, [1, -1], 2, () => {}), /negative/);
 * URL.revokeObjectURL(url);
 * ```
 */
export async function runTasks<Req, Res>(
  url: string | URL,
  requests: readonly Req[],
  threads: number,
  onDone: (index: number, value: Res) => void,
  local?: (request: Req) => Res,
): Promise<void> {
  requireInt("threads", threads, 1, MAX_WORKERS);
  if (requests.length === 0) return;
  const pool: Worker[] = [];
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  let next = 0, finished = 0, failed = false;
  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    reject(err);
  };
  const done = (index: number, value: Res): boolean => {
    try {
      onDone(index, value);
    } catch (err) {
      fail(err);
      return false;
    }
    if (++finished === requests.length) resolve();
    return true;
  };
  const dispatch = (w: Worker) => {
    if (next >= requests.length) return;
    const index = next++;
    const message: TaskRequest<Req> = { index, request: requests[index] };
    w.postMessage(message);
  };
  // at most one thread per request: with `local`, the calling thread takes one of them
  const workers = local
    ? Math.min(threads, requests.length) - 1
    : Math.min(threads, requests.length);
  for (let k = 0; k < workers; k++) {
    const w = new Worker(typeof url === "string" ? url : url.href, { type: "module" });
    w.onmessage = (e: MessageEvent<TaskReply<Res>>) => {
      if (failed) return;
      const reply = e.data;
      if (!reply.ok) return fail(deserializeError(reply.error));
      if (done(reply.index, reply.value)) dispatch(w);
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      fail(new Error(`calibration worker failed: ${e.message}`));
    };
    pool.push(w);
  }
  for (const w of pool) dispatch(w);
  try {
    // the calling thread takes a request whenever it is free, and between two lets the
    // workers' replies in (each reply hands that worker the next request)
    while (local && !failed && next < requests.length) {
      const index = next++;
      let value: Res;
      try {
        value = local(requests[index]);
      } catch (err) {
        fail(err);
        break;
      }
      if (!done(index, value)) break;
      await new Promise((r) => setTimeout(r, 0));
    }
    await promise;
  } finally {
    for (const w of pool) w.terminate();
  }
}

/** The part of a worker's global scope {@linkcode serveTasks} uses. */
interface TaskScope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
}

/**
 * Makes this worker answer {@linkcode runTasks}' requests with `handle`: its value, or the
 * error it threw (serialized with its type). Call it once, at the top of a worker module.
 */
export function serveTasks<Req, Res>(handle: (request: Req) => Res | Promise<Res>): void {
  const scope = globalThis as unknown as TaskScope;
  scope.onmessage = async (e: MessageEvent<TaskRequest<Req>>) => {
    const { index, request } = e.data;
    let reply: TaskReply<Res>;
    try {
      reply = { index, ok: true, value: await handle(request) };
    } catch (err) {
      reply = { index, ok: false, error: serializeError(err) };
    }
    scope.postMessage(reply);
  };
}

/**
 * True when `value` is data a worker receives as it is: a structured clone keeps it whole
 * (no function, symbol or class instance other than arrays, typed arrays, Map, Set, Date).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPlainData } from "./threads.ts";
 * assert.ok(isPlainData({ a: [1, NaN, -0], b: new Float64Array(2), c: null }));
 * assert.ok(!isPlainData({ f: () => 1 }));
 * assert.ok(!isPlainData({ m: new (class Model { x = 1 })() }));
 * ```
 */
export function isPlainData(value: unknown): boolean {
  const seen = new Set<unknown>();
  const ok = (v: unknown): boolean => {
    if (v === null || typeof v !== "object") {
      return typeof v !== "function" && typeof v !== "symbol";
    }
    if (seen.has(v)) return true;
    seen.add(v);
    if (ArrayBuffer.isView(v) || v instanceof Date) return true;
    if (Array.isArray(v)) return v.every(ok);
    if (v instanceof Map) return [...v].every(([k, x]) => ok(k) && ok(x));
    if (v instanceof Set) return [...v].every(ok);
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(v).every(ok);
  };
  return ok(value);
}
