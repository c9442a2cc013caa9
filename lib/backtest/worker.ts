/**
 * Worker entry point of the backtest runner: receives {@linkcode JobRequest}s, runs each
 * with {@linkcode runJob} and replies with its result (buffers transferred) or its error.
 * Started by the runner as
 * `new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" })`.
 *
 * @module
 */
import { runJob } from "./job.ts";
import { type JobReply, type JobRequest, serializeError, transferables } from "./messages.ts";

/** The part of the worker global scope used here. */
interface WorkerScope {
  onmessage: ((e: MessageEvent<JobRequest>) => void) | null;
  postMessage(message: JobReply, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = async (e: MessageEvent<JobRequest>) => {
  const { job } = e.data;
  try {
    const result = await runJob(job);
    scope.postMessage({ ok: true, result }, transferables(result));
  } catch (err) {
    scope.postMessage({ ok: false, index: job.index, error: serializeError(err) });
  }
};
