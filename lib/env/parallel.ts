/**
 * A {@linkcode VecEnv} whose envs are stepped by several threads: {@linkcode ParallelVecEnv}
 * splits its N envs into contiguous shards, one per thread — the calling thread steps the
 * first, a worker thread (`node:worker_threads`, unref'd, so a program that forgets `close()`
 * still exits) each of the others — and every array of the VecEnv contract
 * (observations, rewards, flags, view, step columns, actions, seeds) lives in a
 * SharedArrayBuffer that the shards read and write in place.
 *
 * Tiers are black boxes: each thread builds its shard with `makeVecEnv(config, count,
 * { memory })` from the serializable config, so any tier `makeVecEnv` knows runs in
 * parallel. A tier that allocates through the given {@linkcode EnvMemory} (every tier of
 * `makeVecEnv`) writes straight into shared memory; for any other (a `ShardBuilder` of
 * yours that ignores it) the shard's thread copies its arrays into shared memory after each
 * call.
 *
 * Determinism: an env's results depend only on its seed and its actions (every tier keeps
 * its envs independent), so the same seeds and actions give the same bits whatever the
 * number of workers (`tests/env/parallel_test.ts` checks it against the single-thread env).
 *
 * Synchronization: one `Int32Array` of control words. A call writes the command, bumps the
 * generation word and wakes the workers (`Atomics.notify`), steps its own shard, then waits
 * until every worker has counted itself done. A step of a large batch first checks the
 * actions on every thread, each its own share, then all meet at a barrier, and no thread
 * steps if any share held a non-finite value ({@linkcode allActionsFinite}); a small batch
 * is checked by the calling thread before it wakes the workers. Waiting threads spin for
 * `spinMicros` before sleeping in `Atomics.wait`, so the back-and-forth of a short step
 * costs microseconds, not a futex round trip each time. `step` is synchronous, like every VecEnv's.
 *
 * @module
 */
import { Worker as ThreadWorker } from "node:worker_threads";
import { AlpeError, requireInt, ValidationError } from "../errors.ts";
import { validateSeed } from "../rng/rng.ts";
import { firstNonFinite, validateActionCount, validateActions } from "./action.ts";
import { type MutableStepColumns, stepInfo } from "./columns.ts";
import { type EnvConfig, stepsPerEpisode } from "./config.ts";
import {
  arenaLayout,
  arenaMemory,
  arenaView,
  type EnvArena,
  type EnvArray,
  type EnvArraySpec,
  type EnvMemory,
  pageAlignedBuffer,
  VEC_ENV_ARRAYS,
} from "./memory.ts";
import { ACT_DIM, type AgentView, type StepColumns, type StepInfo, type VecEnv } from "./types.ts";

/** Control word: generation, bumped once per command. */
const GEN = 0;
/** Control word: the command of the current generation. */
const CMD = 1;
/** Control word: workers done with the current generation. */
const DONE = 2;
/** Control word: 1 when a worker failed (message in the error buffer). */
const ERR = 3;
/** Control word: spin time in microseconds. */
const SPIN = 4;
/** Control word: threads that have checked their share of the actions this step. */
const ARRIVED = 5;
/** Control word: the lowest index of a non-finite action found this step ({@linkcode NO_BAD}: none). */
const BAD = 6;
/** {@linkcode BAD} when every action is finite. */
const NO_BAD = 0x7fffffff;
const CONTROL_WORDS = 8;
const ERROR_BYTES = 4096;
/**
 * Bytes of padding before and after every shared buffer's data (four cache lines). A small
 * SharedArrayBuffer is allocated next to the thread's other small buffers: without padding,
 * the control words that one thread spins on shared a cache line with data the other thread
 * writes as it steps, and every such write had to take the line back (measured: a book-tier
 * step 1.5–2.4× slower while another thread spun; docs/performance.md).
 */
export const SHARED_PAD = 256;

/**
 * A page-aligned SharedArrayBuffer (`pageAlignedBuffer`) of `bytes` data bytes between two
 * {@linkcode SHARED_PAD}s: its data start on a cache line of the machine's, so the layout's
 * lines are the machine's.
 */
function paddedShared(bytes: number): SharedArrayBuffer {
  return pageAlignedBuffer(SHARED_PAD + bytes + SHARED_PAD, true);
}

/** The control words of a ParallelVecEnv, from its `control` buffer. */
export function controlWords(control: SharedArrayBuffer): Int32Array {
  return new Int32Array(control, SHARED_PAD, CONTROL_WORDS);
}

/**
 * The Float64Array of envs [start, start + count) of the shared array called `name`
 * (`actions` or `seeds`, e.g. a worker's).
 */
export function sharedF64(
  arena: EnvArena,
  name: string,
  start: number,
  count: number,
): Float64Array {
  return arenaView(arena, name, start, count) as Float64Array;
}

/** Commands. */
export const PARALLEL_CMD = { reset: 1, step: 2, close: 3 } as const;

/** Options of {@linkcode ParallelVecEnv}. */
export interface ParallelEnvOptions {
  /** Threads stepping envs, the calling one included (default 2; at most numEnvs). */
  workers?: number;
  /** How long a waiting thread spins before it sleeps, microseconds (default 200). */
  spinMicros?: number;
}

/** Builds one shard's env (e.g. `makeVecEnv`). */
export type ShardBuilder = (config: EnvConfig, count: number, options: {
  memory: EnvMemory;
  descending: boolean;
}) => VecEnv;

/**
 * The direction shard `index` steps its envs in: even shards from their last env to their
 * first, odd ones from first to last. Two neighbouring shards then both start at the seam
 * between them and move away from it, so neither thread's prefetcher runs into the cache
 * lines the other is writing (measured on the model tier, 1,024 envs on two threads:
 * docs/performance.md). The results do not depend on it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepOrderOfShard } from "./parallel.ts";
 * assert.deepEqual([0, 1, 2].map(stepOrderOfShard), [true, false, true]); // descending?
 * ```
 */
export function stepOrderOfShard(index: number): boolean {
  return index % 2 === 0;
}

/**
 * Every shared array of one ParallelVecEnv (`VEC_ENV_ARRAYS`, `actions`, `seeds`) and the
 * tier's `internal` arrays (e.g. the model tier's `MODEL_STATE_ARRAYS`) in one
 * page-aligned SharedArrayBuffer (`pageAlignedBuffer`), laid out by `arenaLayout` (so that they
 * do not compete for cache sets) between two {@linkcode SHARED_PAD}s.
 *
 * Why the internal arrays: a shard's tier allocates them through its {@linkcode EnvMemory}
 * too; outside the arena each would be a separate heap array whose cache sets the layout
 * cannot stagger against the arena's (measured on the model tier, 1,024 envs on two
 * threads: docs/performance.md).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharedArena } from "./parallel.ts";
 * const arena = sharedArena(8, [{ name: "tier.state", type: "f64", perEnv: 3 }]);
 * assert.ok(arena.buffer instanceof SharedArrayBuffer);
 * assert.ok(arena.specs.some((s) => s.name === "tier.state"));
 * assert.ok(arena.specs.some((s) => s.name === "actions"));
 * ```
 */
export function sharedArena(
  numEnvs: number,
  internal: readonly EnvArraySpec[] = [],
): EnvArena {
  const specs = [...VEC_ENV_ARRAYS, ...internal, ACTIONS, SEEDS];
  const layout = arenaLayout(specs, numEnvs);
  // page-aligned, so that the layout's cache lines are the machine's: the seam between two
  // shards then falls on a line boundary in every array whose shard is a whole number of lines
  return { buffer: paddedShared(layout.bytes), base: SHARED_PAD, numEnvs, specs, layout };
}

/** What a worker needs to build and run its shard. */
export interface ShardInit {
  /** The resolved config. */
  config: EnvConfig;
  /** First env of the shard. */
  start: number;
  /** Envs in the shard. */
  count: number;
  /** Index of the worker (1-based; the calling thread is shard 0). */
  index: number;
  /** Worker threads in all. */
  workers: number;
  /** Whether every thread checks its share of the actions ({@linkcode checksInParallel}). */
  parallelCheck: boolean;
  /** The shared arrays (`VEC_ENV_ARRAYS`, the tier's internal ones, `actions` and `seeds`). */
  arena: EnvArena;
  /** The control words. */
  control: SharedArrayBuffer;
  /** The error message buffer. */
  error: SharedArrayBuffer;
}

const ACTIONS: EnvArraySpec = { name: "actions", type: "f64", perEnv: ACT_DIM };
const SEEDS: EnvArraySpec = { name: "seeds", type: "f64", perEnv: 1 };

/** A VecEnv array of any element type. */
export type TypedArray = EnvArray;

/** An {@linkcode EnvMemory} for envs [start, start + count) whose arrays are views into `arena`. */
export function sharedShardMemory(arena: EnvArena, start: number, count: number): EnvMemory {
  return arenaMemory(arena, start, count);
}

/** The array called `name` (a `VEC_ENV_ARRAYS` name) of `env`, if it has one. */
function arrayOf(env: VecEnv, name: string): TypedArray | undefined {
  if (name.startsWith("columns.")) {
    return env.columns[name.slice(8) as keyof StepColumns];
  }
  if (name.startsWith("view.")) return env.view[name.slice(5) as keyof AgentView];
  const v = (env as unknown as Record<string, unknown>)[name];
  return v instanceof Float64Array || v instanceof Uint8Array || v instanceof Int32Array
    ? v
    : undefined;
}

/**
 * The (shared destination, env source) pairs a shard must copy after each call: its env's
 * arrays that are not already its views into `arena`.
 */
export function shardCopies(
  env: VecEnv,
  arena: EnvArena,
  start: number,
  count: number,
): [TypedArray, TypedArray][] {
  const out: [TypedArray, TypedArray][] = [];
  for (const spec of VEC_ENV_ARRAYS) {
    const src = arrayOf(env, spec.name);
    if (!src || src === env.columns.inventory && spec.name === "view.inventory") continue;
    const dst = arenaView(arena, spec.name, start, count) as TypedArray;
    if (src.buffer === dst.buffer && src.byteOffset === dst.byteOffset) continue;
    if (src.length !== dst.length) {
      throw new AlpeError(`parallel: ${spec.name} has ${src.length} values, not ${dst.length}`);
    }
    out.push([dst, src]);
  }
  return out;
}

/** Runs one command on a shard's env (the calling thread's or a worker's). */
export function runShardCommand(
  cmd: number,
  env: VecEnv,
  actions: Float64Array,
  seeds: Float64Array,
  copies: [TypedArray, TypedArray][],
): void {
  if (cmd === PARALLEL_CMD.step) env.step(actions);
  else if (cmd === PARALLEL_CMD.reset) env.reset(seeds);
  else return;
  for (let i = 0; i < copies.length; i++) copies[i][0].set(copies[i][1]);
}

/**
 * The fewest action values (numEnvs × ACT_DIM) for which every thread checks its own share
 * ({@linkcode allActionsFinite}); a smaller batch is checked whole by the calling thread
 * before any thread steps. The barrier the shared check needs can make the calling thread
 * wait for a worker that must first wake up, where otherwise it would be stepping its own
 * shard meanwhile: with it on every batch, the book tier's 16 envs gave 1.27–1.33× in four
 * bench runs of five (before: 1.80–2.18×). Below 4,096 values (1,024 envs) the serial check
 * costs under 1.2 µs.
 */
export const PARALLEL_CHECK_MIN_VALUES = 4096;

/**
 * Whether a ParallelVecEnv of `numEnvs` envs on `workers` threads checks the actions on every
 * thread ({@linkcode PARALLEL_CHECK_MIN_VALUES}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checksInParallel } from "./parallel.ts";
 * assert.equal(checksInParallel(16, 2), false); // the calling thread checks all 64 values
 * assert.equal(checksInParallel(16_384, 2), true);
 * assert.equal(checksInParallel(16_384, 1), false); // no other thread
 * ```
 */
export function checksInParallel(numEnvs: number, workers: number): boolean {
  return workers > 1 && numEnvs * ACT_DIM >= PARALLEL_CHECK_MIN_VALUES;
}

/**
 * The shared check of a step: checks `actions` (this thread's share, envs [start, …) of the
 * batch), records the lowest bad index of the batch in the control words, waits until all
 * `parties` threads have checked theirs, and returns whether every share was finite — only
 * then may any thread step. Each thread checks its own share at the same time, so the check
 * is not a serial pass over the whole batch before any thread starts (docs/performance.md).
 */
export function allActionsFinite(
  ctrl: Int32Array,
  parties: number,
  actions: Float64Array,
  start: number,
): boolean {
  const bad = firstNonFinite(actions);
  if (bad >= 0) {
    const index = start * ACT_DIM + bad;
    let seen = Atomics.load(ctrl, BAD);
    while (index < seen) {
      const was = Atomics.compareExchange(ctrl, BAD, seen, index);
      if (was === seen) break;
      seen = was;
    }
  }
  let arrived = Atomics.add(ctrl, ARRIVED, 1) + 1;
  if (arrived === parties) Atomics.notify(ctrl, ARRIVED);
  else while (arrived < parties) arrived = waitChange(ctrl, ARRIVED, arrived);
  return Atomics.load(ctrl, BAD) === NO_BAD;
}

/** This thread's current spin budget, microseconds (adapted by {@linkcode waitChange}). */
let spinBudget = -1;
/** The smallest spin budget, microseconds: enough to notice that spinning pays again. */
const MIN_SPIN_US = 4;

/**
 * Spins, then sleeps, until `ctrl[index]` differs from `value`; returns the new value. The
 * spin budget adapts per thread between {@linkcode MIN_SPIN_US} and the configured spin
 * time: it doubles after a wait that spinning satisfied and halves after one that had to
 * sleep, so a thread stops burning a core its partner needs when the machine is
 * oversubscribed (two spinning threads that cannot run at once each wait a full spin).
 */
export function waitChange(ctrl: Int32Array, index: number, value: number): number {
  let v = Atomics.load(ctrl, index);
  if (v !== value) return v;
  const maxSpin = Atomics.load(ctrl, SPIN);
  if (spinBudget < 0 || spinBudget > maxSpin) spinBudget = maxSpin;
  const spinMs = spinBudget / 1000;
  const t0 = performance.now();
  let slept = false;
  for (let i = 1; v === value; i++) {
    if ((i & 63) === 0 && performance.now() - t0 > spinMs) {
      Atomics.wait(ctrl, index, value);
      slept = true;
      i = 0;
    }
    v = Atomics.load(ctrl, index);
  }
  spinBudget = slept
    ? Math.max(Math.min(MIN_SPIN_US, maxSpin), spinBudget / 2)
    : Math.min(maxSpin, spinBudget * 2 + 1);
  return v;
}

/** Records a worker's failure for the calling thread to throw. */
export function reportShardError(init: ShardInit, e: unknown): void {
  const ctrl = controlWords(init.control);
  const msg = `worker ${init.index} (envs ${init.start}..${init.start + init.count - 1}): ${
    e instanceof Error ? e.message : String(e)
  }`;
  const bytes = new Uint8Array(init.error);
  const n = new TextEncoder().encodeInto(msg, bytes.subarray(4)).written;
  new DataView(init.error).setUint32(0, n);
  Atomics.store(ctrl, ERR, 1);
}

/** Marks a worker done with the current command and wakes the caller when all are. */
export function signalDone(ctrl: Int32Array, workers: number): void {
  if (Atomics.add(ctrl, DONE, 1) + 1 === workers) Atomics.notify(ctrl, DONE);
}

/**
 * N envs of any tier stepped by several threads over shared memory (see the module doc).
 * Build it with {@linkcode ParallelVecEnv.create} (or `makeParallelVecEnv`) and `close()` it
 * when done.
 */
export class ParallelVecEnv implements VecEnv {
  /** Number of environments. */
  readonly numEnvs: number;
  /** The resolved configuration. */
  readonly config: EnvConfig;
  /** Number of steps in an episode. */
  readonly steps: number;
  /** Threads stepping envs, the calling one included. */
  readonly workers: number;
  /** Observations, row-major `numEnvs × OBS_DIM` (shared memory). */
  readonly observations: Float64Array;
  /** Rewards of the last step. */
  readonly rewards: Float64Array;
  /** 1 where the episode ended at the last step. */
  readonly terminated: Uint8Array;
  /** 1 where the episode was cut short. */
  readonly truncated: Uint8Array;
  /** Impact cost paid in the last step, dollars. */
  readonly impactCost: Float64Array;
  /** What agents may see besides the observation. */
  readonly view: AgentView;
  /** Per-environment columns of the last step. */
  readonly columns: StepColumns;
  /**
   * The shared action buffer (`numEnvs × ACT_DIM`): actions written here and passed to
   * {@linkcode ParallelVecEnv.step} are not copied.
   */
  readonly actionBuffer: Float64Array;
  readonly #seedBuffer: Float64Array;
  readonly #local: VecEnv;
  readonly #localActions: Float64Array;
  readonly #localSeeds: Float64Array;
  readonly #localCopies: [TypedArray, TypedArray][];
  readonly #threads: ThreadWorker[];
  readonly #ctrl: Int32Array;
  readonly #error: SharedArrayBuffer;
  readonly #parallelCheck: boolean;
  #stepIndex = 0;
  #ready = false;
  #closed = false;

  private constructor(
    config: EnvConfig,
    numEnvs: number,
    arena: EnvArena,
    local: VecEnv,
    localCount: number,
    threads: ThreadWorker[],
    control: SharedArrayBuffer,
    error: SharedArrayBuffer,
  ) {
    this.config = config;
    this.numEnvs = numEnvs;
    this.steps = stepsPerEpisode(config);
    this.workers = threads.length + 1;
    const mem = sharedShardMemory(arena, 0, numEnvs);
    this.observations = mem.f64("observations", 9);
    this.rewards = mem.f64("rewards", 1);
    this.terminated = mem.u8("terminated", 1);
    this.truncated = mem.u8("truncated", 1);
    this.impactCost = mem.f64("impactCost", 1);
    const cols = {} as Record<string, TypedArray>;
    for (const spec of VEC_ENV_ARRAYS) {
      if (spec.name.startsWith("columns.")) {
        cols[spec.name.slice(8)] = arenaView(arena, spec.name, 0, numEnvs) as TypedArray;
      }
    }
    this.columns = cols as unknown as MutableStepColumns;
    this.view = {
      mid: mem.f64("view.mid", 1),
      bestBid: mem.f64("view.bestBid", 1),
      bestAsk: mem.f64("view.bestAsk", 1),
      // The inventory column itself where the tier's agents see their inventory at once.
      inventory: local.view.inventory === local.columns.inventory
        ? this.columns.inventory
        : mem.f64("view.inventory", 1),
      timeLeft: mem.f64("view.timeLeft", 1),
      sigma: mem.f64("view.sigma", 1),
    };
    this.actionBuffer = mem.f64("actions", ACT_DIM);
    this.#seedBuffer = mem.f64("seeds", 1);
    this.#local = local;
    this.#localActions = this.actionBuffer.subarray(0, localCount * ACT_DIM);
    this.#localSeeds = this.#seedBuffer.subarray(0, localCount);
    this.#localCopies = shardCopies(local, arena, 0, localCount);
    this.#threads = threads;
    this.#ctrl = controlWords(control);
    this.#parallelCheck = checksInParallel(numEnvs, this.workers);
    this.#error = error;
  }

  /**
   * Builds `numEnvs` envs of `config` split over `options.workers` threads; `build` makes
   * the calling thread's shard (the workers use `makeVecEnv`). `internal` names the tier's
   * own per-env arrays (allocated through its memory), which then live in the shared arena
   * beside the contract's ({@linkcode sharedArena}). Resolves once every worker has built its
   * shard; rejects (and stops the workers) if one cannot.
   */
  static async create(
    config: EnvConfig,
    numEnvs: number,
    options: ParallelEnvOptions,
    build: ShardBuilder,
    internal: readonly EnvArraySpec[] = [],
  ): Promise<ParallelVecEnv> {
    requireInt("numEnvs", numEnvs, 1, 1 << 24);
    const w = Math.min(options.workers ?? 2, numEnvs);
    requireInt("workers", w, 1, 64);
    const spin = options.spinMicros ?? 200;
    if (!(spin >= 0 && spin <= 1e7)) {
      throw new ValidationError("spinMicros", spin, "a time in [0, 1e7] microseconds");
    }
    const arena = sharedArena(numEnvs, internal);
    const control = paddedShared(CONTROL_WORDS * 4);
    const error = new SharedArrayBuffer(ERROR_BYTES);
    controlWords(control)[SPIN] = Math.round(spin);
    // Contiguous shards, sizes differing by at most one.
    const starts: number[] = [];
    for (let s = 0; s <= w; s++) starts.push(Math.round((s * numEnvs) / w));
    const local = build(config, starts[1], {
      memory: sharedShardMemory(arena, 0, starts[1]),
      descending: w > 1 && stepOrderOfShard(0),
    });
    const threads: ThreadWorker[] = [];
    const ready: Promise<void>[] = [];
    const url = new URL("./parallel_worker.ts", import.meta.url);
    for (let s = 1; s < w; s++) {
      const init: ShardInit = {
        config,
        start: starts[s],
        count: starts[s + 1] - starts[s],
        index: s,
        workers: w - 1,
        parallelCheck: checksInParallel(numEnvs, w),
        arena,
        control,
        error,
      };
      const worker = new ThreadWorker(url, { workerData: init });
      threads.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once("message", (m: { ok: boolean; error?: string }) => {
            if (m.ok) resolve();
            else reject(new AlpeError(`parallel worker ${s}: ${m.error}`));
          });
          worker.once("error", (e: Error) => {
            reject(new AlpeError(`parallel worker ${s}: ${e.message}`));
          });
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      for (const t of threads) void t.terminate();
      throw e;
    }
    for (const t of threads) {
      t.removeAllListeners();
      // A failure after start-up is reported through the shared error buffer.
      t.on("error", () => {});
      // Workers never keep the process alive: a program that forgets close() still exits.
      t.unref();
    }
    return new ParallelVecEnv(config, numEnvs, arena, local, starts[1], threads, control, error);
  }

  /** Steps taken since the last reset. */
  get stepIndex(): number {
    return this.#stepIndex;
  }

  /** Resets every env, env i with `seeds[i]` (integers in [0, 2^32)); returns `observations`. */
  reset(seeds: ArrayLike<number>): Float64Array {
    this.#open("reset");
    const n = this.numEnvs;
    if (seeds.length !== n) throw new ValidationError("seeds.length", seeds.length, `${n}`);
    for (let i = 0; i < n; i++) validateSeed(seeds[i], `seeds[${i}]`);
    this.#seedBuffer.set(seeds);
    this.#run(PARALLEL_CMD.reset);
    this.#stepIndex = 0;
    this.#ready = true;
    return this.observations;
  }

  /**
   * Steps every env with raw `actions` (row-major `numEnvs × ACT_DIM`). Every value is checked
   * before any env moves — a large Float64Array batch by each thread for its own envs, at once
   * ({@linkcode allActionsFinite}, {@linkcode checksInParallel}); any other here, as given — so a
   * non-finite value throws a `ValidationError` naming the lowest such `action[i]` and changes
   * no env.
   */
  step(actions: ArrayLike<number>): void {
    this.#open("step");
    if (!this.#ready) throw new AlpeError("ParallelVecEnv.step: call reset(seeds) first");
    if (this.#stepIndex >= this.steps) {
      throw new AlpeError(
        `ParallelVecEnv.step: the episode ended after ${this.steps} steps; call reset(seeds)`,
      );
    }
    if (actions instanceof Float64Array && this.#parallelCheck) {
      // Checked on every thread, each its own share, before any env moves (#run).
      validateActionCount(actions, this.numEnvs);
    } else {
      // A small batch, or any other array-like, is checked here, as given (a string names
      // itself).
      validateActions(actions, this.numEnvs);
    }
    if (actions !== this.actionBuffer) this.actionBuffer.set(actions);
    this.#run(PARALLEL_CMD.step);
    const bad = this.#parallelCheck ? Atomics.load(this.#ctrl, BAD) : NO_BAD;
    if (bad !== NO_BAD) {
      throw new ValidationError(`action[${bad}]`, this.actionBuffer[bad], "a finite number");
    }
    this.#stepIndex++;
  }

  /** The info object of env `i` (allocates; for the API edge). */
  info(i: number): StepInfo {
    requireInt("i", i, 0, this.numEnvs - 1);
    return stepInfo(this.columns, this.config, i, this.#stepIndex);
  }

  /** Stops the workers (idempotent); the env cannot be used afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#threads.length > 0) {
      const ctrl = this.#ctrl;
      Atomics.store(ctrl, DONE, 0);
      Atomics.store(ctrl, CMD, PARALLEL_CMD.close);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      for (const t of this.#threads) void t.terminate();
    }
  }

  /** Same as {@linkcode ParallelVecEnv.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  #open(what: string): void {
    if (this.#closed) throw new AlpeError(`ParallelVecEnv.${what}: the env is closed`);
  }

  /** Runs `cmd` on every shard: wakes the workers, runs shard 0 here, waits for the rest. */
  #run(cmd: number): void {
    const ctrl = this.#ctrl;
    const others = this.#threads.length;
    const checked = cmd === PARALLEL_CMD.step && this.#parallelCheck;
    if (checked) {
      Atomics.store(ctrl, ARRIVED, 0);
      Atomics.store(ctrl, BAD, NO_BAD);
    }
    if (others > 0) {
      Atomics.store(ctrl, DONE, 0);
      Atomics.store(ctrl, CMD, cmd);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
    }
    let failure: unknown = null;
    try {
      if (!checked || allActionsFinite(ctrl, others + 1, this.#localActions, 0)) {
        runShardCommand(cmd, this.#local, this.#localActions, this.#localSeeds, this.#localCopies);
      }
    } catch (e) {
      failure = e;
    }
    if (others > 0) {
      let done = Atomics.load(ctrl, DONE);
      while (done < others) done = waitChange(ctrl, DONE, done);
    }
    if (failure === null && Atomics.load(ctrl, ERR) !== 0) {
      const n = new DataView(this.#error).getUint32(0);
      // Copy out of shared memory: TextDecoder does not read shared views.
      const bytes = new Uint8Array(this.#error, 4, n).slice();
      failure = new AlpeError(`parallel: ${new TextDecoder().decode(bytes)}`);
      Atomics.store(ctrl, ERR, 0);
    }
    if (failure !== null) {
      this.#ready = false;
      throw failure;
    }
  }
}
