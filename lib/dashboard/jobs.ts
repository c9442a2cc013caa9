/**
 * The server's job scheduler: at most `maxJobs` job workers run at once across every tab
 * (the others wait in a queue, told their position); a job is cancelled by terminating its
 * worker, which stops all of its work (jobs start no nested workers).
 *
 * @module
 */
import type { JobWorkerIn, JobWorkerOut } from "./protocol.ts";

/** Callbacks of a job. */
export interface JobCallbacks {
  /** A message of the job's worker. */
  onMessage(m: JobWorkerOut): void;
  /** The job waits; its position in the queue (1 = next). */
  onQueued(position: number): void;
  /** The job ended (done, failed or cancelled); its worker is gone. */
  onEnd(): void;
}

/** A submitted job. */
export interface JobHandle {
  /** Job id (unique within its session). */
  readonly id: string;
  /** Owner session id. */
  readonly session: number;
  /** What to run. */
  readonly input: JobWorkerIn;
  /** Its callbacks. */
  readonly callbacks: JobCallbacks;
  /** The worker, while running. */
  worker?: Worker;
  /** "queued", "running" or "ended". */
  state: "queued" | "running" | "ended";
}

/** Runs jobs on workers, `maxJobs` at a time. */
export class JobScheduler {
  /** Largest number of job workers at once. */
  readonly maxJobs: number;
  readonly #queue: JobHandle[] = [];
  readonly #running = new Set<JobHandle>();
  readonly #workerUrl: string;

  /** A scheduler running at most `maxJobs` workers of `workerUrl` (the job worker module). */
  constructor(maxJobs: number, workerUrl = new URL("./job_worker.ts", import.meta.url).href) {
    this.maxJobs = Math.max(1, maxJobs);
    this.#workerUrl = workerUrl;
  }

  /** Job workers running now. */
  get running(): number {
    return this.#running.size;
  }

  /** Jobs waiting. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Submits a job; it starts now or waits its turn. */
  submit(session: number, input: JobWorkerIn, callbacks: JobCallbacks): JobHandle {
    const h: JobHandle = { id: input.id, session, input, callbacks, state: "queued" };
    this.#queue.push(h);
    this.#pump();
    return h;
  }

  /** Cancels a job (terminates its worker, or drops it from the queue). */
  cancel(h: JobHandle): void {
    if (h.state === "ended") return;
    if (h.state === "queued") {
      const i = this.#queue.indexOf(h);
      if (i >= 0) this.#queue.splice(i, 1);
    }
    this.#end(h);
  }

  /** Cancels every job (server shutdown). */
  cancelAll(): void {
    for (const h of [...this.#queue, ...this.#running]) this.cancel(h);
  }

  #end(h: JobHandle): void {
    if (h.state === "ended") return;
    h.worker?.terminate();
    h.worker = undefined;
    this.#running.delete(h);
    h.state = "ended";
    h.callbacks.onEnd();
    this.#pump();
  }

  #pump(): void {
    while (this.#running.size < this.maxJobs && this.#queue.length > 0) {
      const h = this.#queue.shift()!;
      this.#start(h);
    }
    this.#queue.forEach((h, i) => h.callbacks.onQueued(i + 1));
  }

  #start(h: JobHandle): void {
    const w = new Worker(this.#workerUrl, { type: "module" });
    h.worker = w;
    h.state = "running";
    this.#running.add(h);
    w.onmessage = (e: MessageEvent<JobWorkerOut>) => {
      if (h.state !== "running") return;
      const m = e.data;
      h.callbacks.onMessage(m);
      if (m.type === "done" || m.type === "error") this.#end(h);
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      if (h.state !== "running") return;
      h.callbacks.onMessage({ type: "error", message: `job failed: ${e.message}` });
      this.#end(h);
    };
    w.postMessage(h.input);
  }
}
