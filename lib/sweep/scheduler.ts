/**
 * Runs a {@linkcode SweepPlan} on a backend — this machine's threads or BullMQ workers —
 * with the same logic: finished jobs are read from the store and never recomputed; a job is
 * handed to the backend once the jobs it depends on are finished; each result is stored
 * durably as it arrives; a job that fails for good fails its dependents, and the sweep goes
 * on with the rest.
 *
 * @module
 */
import type { Encoded } from "../codec.ts";
import { JobError, type JobErrorInfo, jobErrorInfo } from "./errors.ts";
import type { JobPayload } from "./execute.ts";
import type { PlannedJob, SweepPlan } from "./plan.ts";
import type { ResultStore } from "./store.ts";

/** How a backend reports a job's life. */
export interface JobHooks {
  /** A worker started the job (called on every attempt). */
  onActive(): void;
  /** The attempt failed and the job will be tried again. */
  onRetry?(error: JobErrorInfo): void;
}

/** What a backend hands back for a finished job. */
export interface BackendResult {
  /** JSON text of the encoded result. */
  text: string;
  /**
   * True when the result was already computed before this run asked for it (a restarted
   * coordinator collecting what workers finished meanwhile).
   */
  collected?: boolean;
}

/** Where jobs run. */
export interface SweepBackend {
  /** Short name for logs ("local (2 threads)", "redis://…"). */
  readonly name: string;
  /**
   * Runs `payload` to its final outcome: resolves with its result, or rejects with a
   * `JobError` once its attempts are used up (at once for a deterministic error).
   */
  run(payload: JobPayload, hooks: JobHooks): Promise<BackendResult>;
  /** Releases threads and connections. */
  close(): Promise<void>;
}

/** Progress of a sweep. */
export interface SweepProgress {
  /** Jobs in the plan. */
  total: number;
  /** Finished jobs (stored, collected or computed). */
  done: number;
  /** Of which read from the store at the start. */
  reused: number;
  /** Jobs a worker is running now. */
  running: number;
  /** Jobs failed for good (including dependents of failed jobs). */
  failed: number;
  /** Seconds since the start. */
  elapsed: number;
  /** Estimated seconds left (NaN until a job finished in this run). */
  eta: number;
}

/** Options of {@linkcode executePlan}. */
export interface ExecutePlanOptions {
  /** Called whenever the progress changes. */
  onProgress?: (p: SweepProgress) => void;
  /** Log lines (retries, failures). */
  log?: (line: string) => void;
}

/** What happened to every job of the plan. */
export interface PlanOutcome {
  /** Keys of the finished jobs (stored, collected or computed). */
  done: Set<string>;
  /** Errors of the jobs that failed for good, by key. */
  failures: Map<string, JobErrorInfo>;
  /** Keys read from the store. */
  reused: string[];
  /** Keys found already finished by the backend (computed before this run asked). */
  collected: string[];
  /** Keys computed for this run. */
  computed: string[];
  /** The encoded result of a finished job (read from the store: results are not kept in memory). */
  read(key: string): Promise<Encoded>;
}

/**
 * Runs every job of `plan` not yet in `store` on `backend`. Results are stored as they
 * arrive (and read back from the store when needed, so memory does not grow with the
 * sweep), so an interrupted run loses nothing finished.
 */
export async function executePlan(
  plan: SweepPlan,
  store: ResultStore,
  backend: SweepBackend,
  options: ExecutePlanOptions = {},
): Promise<PlanOutcome> {
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const byKey = new Map(plan.jobs.map((j) => [j.key, j]));
  const dependents = new Map<string, PlannedJob[]>();
  for (const j of plan.jobs) {
    for (const d of j.deps) {
      if (!byKey.has(d)) throw new Error(`job ${j.key} depends on unknown job ${d}`);
      dependents.set(d, [...dependents.get(d) ?? [], j]);
    }
  }
  const out: PlanOutcome = {
    done: new Set(),
    failures: new Map(),
    reused: [],
    collected: [],
    computed: [],
    read: async (key) => JSON.parse(await store.get(key)) as Encoded,
  };
  const running = new Set<string>();
  const submitted = new Set<string>();
  let doneThisRun = 0;

  for (const j of plan.jobs) {
    if (!store.has(j.key)) continue;
    out.done.add(j.key);
    out.reused.push(j.key);
  }

  const progress = (): void => {
    const elapsed = (performance.now() - t0) / 1000;
    const settled = out.done.size + out.failures.size;
    const left = plan.jobs.length - settled;
    options.onProgress?.({
      total: plan.jobs.length,
      done: out.done.size,
      reused: out.reused.length,
      running: running.size,
      failed: out.failures.size,
      elapsed,
      eta: doneThisRun > 0 ? (left * elapsed) / doneThisRun : left === 0 ? 0 : NaN,
    });
  };

  const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
  const settledAll = () => out.done.size + out.failures.size === plan.jobs.length;

  const fail = (job: PlannedJob, info: JobErrorInfo): void => {
    if (out.failures.has(job.key) || out.done.has(job.key)) return;
    out.failures.set(job.key, info);
    log(`failed: ${job.title} (${job.key.slice(0, 12)}): ${info.name}: ${info.message}`);
    for (const d of dependents.get(job.key) ?? []) {
      fail(d, {
        name: "DependencyFailed",
        message: `${job.title} (${job.key.slice(0, 12)}) failed: ${info.message}`,
        deterministic: info.deterministic,
      });
    }
  };

  const run = async (job: PlannedJob): Promise<void> => {
    const deps: Record<string, Encoded> = {};
    for (const d of job.deps) deps[d] = await out.read(d);
    const payload: JobPayload = {
      key: job.key,
      code: plan.code,
      task: job.task,
      data: job.data,
      deps,
      title: job.title,
    };
    const r = await backend.run(payload, {
      onActive: () => {
        running.add(job.key);
        progress();
      },
      onRetry: (e) => {
        running.delete(job.key);
        log(`retrying ${job.title} (${job.key.slice(0, 12)}) after ${e.name}: ${e.message}`);
        progress();
      },
    });
    let value: Encoded;
    try {
      value = JSON.parse(r.text) as Encoded;
    } catch (err) {
      throw new JobError({
        name: "BadResult",
        message: `unreadable result (${(err as Error).message})`,
        deterministic: false,
      });
    }
    await store.put(job.key, job.task.kind, JSON.stringify(value));
    out.done.add(job.key);
    (r.collected ? out.collected : out.computed).push(job.key);
    doneThisRun++;
  };

  const submit = (job: PlannedJob): void => {
    if (submitted.has(job.key) || out.done.has(job.key) || out.failures.has(job.key)) return;
    if (!job.deps.every((d) => out.done.has(d))) return;
    submitted.add(job.key);
    run(job).then(
      () => {
        running.delete(job.key);
        for (const d of dependents.get(job.key) ?? []) submit(d);
      },
      (err) => {
        running.delete(job.key);
        fail(job, jobErrorInfo(err));
      },
    ).finally(() => {
      progress();
      if (settledAll()) finish();
    });
  };

  progress();
  for (const j of plan.jobs) submit(j);
  if (settledAll()) finish();
  await finished;
  return out;
}
