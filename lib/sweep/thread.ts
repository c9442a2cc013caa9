/**
 * Entry point of a sweep thread (a Deno Worker): runs each {@linkcode ThreadRequest}'s job
 * with `executeJob` and replies with the result's JSON text or the error. Started by
 * `ThreadPool` as `new Worker(new URL("./thread.ts", import.meta.url).href, { type: "module" })`.
 *
 * @module
 */
import { jobErrorInfo } from "./errors.ts";
import { executeJob } from "./execute.ts";
import type { ThreadReply, ThreadRequest } from "./threads.ts";

interface WorkerScope {
  onmessage: ((e: MessageEvent<ThreadRequest>) => void) | null;
  postMessage(message: ThreadReply): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = async (e: MessageEvent<ThreadRequest>) => {
  const { id, payload, cacheDir, code } = e.data;
  try {
    const result = await executeJob(payload, { cacheDir, code });
    scope.postMessage({ id, ok: true, result: JSON.stringify(result) });
  } catch (err) {
    scope.postMessage({ id, ok: false, error: jobErrorInfo(err) });
  }
};
