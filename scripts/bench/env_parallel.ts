/**
 * Both cores (`deno task bench --only env.parallel`): env-steps per second of a
 * {@linkcode ParallelVecEnv} with two threads (this one and a worker thread) against the same
 * tier in one thread, measured interleaved in one process:
 * - `env.model.steps_per_s_2cores` and `env.model.speedup_2cores` — the model tier, 16,384
 *   envs (and `.n1024` lines for 1,024 envs), default market, static actions;
 * - `env.book.steps_per_s_2cores` and `env.book.speedup_2cores` — the book tier, 8 envs (as
 *   `env.book.steps_per_s`), default market, static actions, and `.n16` for 16 envs (the
 *   trainer's default `numEnvs`);
 * - `env.model.speedup_2cores.n1024_split` — the same 1,024 envs as two halves in separate
 *   memory (two VecEnvs, one per thread, stepped in lockstep by this benchmark): what a
 *   `ParallelVecEnv` gives up by keeping each array contiguous over all N envs, where the
 *   two threads' halves meet and the cache lines around the seam (and those the hardware
 *   prefetcher pulls across it) move between the cores every step;
 * - `env.book.lockstep_balance_2cores` (8 envs; `.n16`: 16) — what a lockstep split of those
 *   book-tier envs over two threads could gain from the balance of their work alone: each
 *   env's step timed in one thread, and per step the two halves' work over the slower half's
 *   (a book step's work varies with its events, so one half is often busier than the other).
 *   An estimate, not a bound: on two threads each thread's caches hold half the envs, which
 *   can make the real speedup beat it;
 * - `env.parallel.ceiling_2cores` — what two threads gain on this machine with no
 *   communication at all: the model tier's limit loop ({@linkcode LimitLoop}, 16,384 envs)
 *   run in this thread and, at the same time, in a worker thread on envs of its own, against
 *   the same total work in this thread alone. It is the limit the speedups above are
 *   measured against (what the machine's two cores give, before any hand-off or shared
 *   memory traffic); it falls below 2 when other processes take a core.
 *
 * The speedup is the median over {@linkcode PAIRS} pairs of (2-thread rate / 1-thread
 * rate), each pair timed back to back under the same machine load; resets are not timed.
 * Target (issue 14): at least 1.7.
 *
 * @module
 */
import type { EnvConfigInput } from "../../lib/env/config.ts";
import { makeParallelVecEnv, makeVecEnv } from "../../lib/env/make.ts";
import { SHARED_PAD } from "../../lib/env/parallel.ts";
import { ACT_DIM, type VecEnv } from "../../lib/env/types.ts";
import { type BenchCase, median } from "./_types.ts";
import { LimitLoop } from "./_model_limit.ts";
import { Worker as ThreadWorker } from "node:worker_threads";

/** Timed (1-thread, 2-thread) pairs per measurement. */
export const PAIRS = 7;
/** Untimed steps of each env before the timed pairs (model tier). */
export const WARMUP_STEPS = 3000;
/**
 * Untimed steps of each book-tier env before the timed pairs: a book-tier worker reaches its
 * steady speed only after ~10,000 steps (its shard of 4 envs took 118, 67, 35 and 29 µs a step
 * over its first four windows of 4,000 steps, 25–28 µs after), the rare paths of the book
 * being compiled as they first occur; with 3,000 steps the speedup measured the warm-up
 * (0.95–1.26 against 1.46–1.84 after 20,000 steps, same runs, 2026-12-03).
 */
export const BOOK_WARMUP_STEPS = 40_000;
/** Spin time of waiting threads, microseconds. */
export const SPIN_MICROS = Number(Deno.env.get("ALPE_SPIN_US") ?? 2000);

/** One measurement: the 2-thread rate and its speedup over one thread. */
export interface ParallelSpeed {
  /** Median env-steps/s with two threads. */
  twoCores: number;
  /** Median env-steps/s in one thread. */
  oneCore: number;
  /** Median over pairs of the 2-thread / 1-thread rate. */
  speedup: number;
}

/** Measures `config` with `numEnvs` envs, `steps` steps per timed run, after `warmup` untimed steps. */
export async function measureParallel(
  config: EnvConfigInput,
  numEnvs: number,
  steps: number,
  pairs = PAIRS,
  warmup = WARMUP_STEPS,
): Promise<ParallelSpeed> {
  const one = makeVecEnv(config, numEnvs);
  const two = await makeParallelVecEnv(config, numEnvs, { workers: 2, spinMicros: SPIN_MICROS });
  try {
    const act = new Float64Array(numEnvs * ACT_DIM);
    for (let i = 0; i < numEnvs; i++) act.set([2, 2, 1, 1], i * ACT_DIM);
    two.actionBuffer.set(act);
    let episode = 0;
    const time = (env: VecEnv, a: Float64Array): number => {
      if (env.stepIndex === 0 || env.stepIndex + steps > stepsOf(env)) {
        env.reset(Array.from({ length: numEnvs }, (_, i) => 1000 * episode + i + 1));
      }
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) env.step(a);
      return (steps * numEnvs) / ((performance.now() - t0) / 1000);
    };
    // Warm-up: at least `warmup` steps of each, so that every thread's code is optimized
    // (each worker is an isolate of its own that compiles the tier anew; see
    // BOOK_WARMUP_STEPS). The figure is the steady-state throughput, the one a training run
    // sees.
    for (let w = 0; w * steps < warmup; w++) {
      time(one, act);
      time(two, two.actionBuffer);
    }
    const ones: number[] = [], twos: number[] = [], ratios: number[] = [];
    for (let p = 0; p < pairs; p++) {
      episode++;
      const r1 = time(one, act);
      const r2 = time(two, two.actionBuffer);
      ones.push(r1);
      twos.push(r2);
      ratios.push(r2 / r1);
    }
    return { twoCores: median(twos), oneCore: median(ones), speedup: median(ratios) };
  } finally {
    two.close();
  }
}

/**
 * The 2-core ceiling (see the module doc): median over `pairs` of (work of two threads in
 * parallel / wall time) over (the same work in one thread / wall time).
 */
export async function measureCeiling(
  numEnvs = 16384,
  steps = 64,
  pairs = PAIRS,
): Promise<number> {
  // Padded like ParallelVecEnv's control words (a cache line of their own).
  const control = new SharedArrayBuffer(2 * SHARED_PAD + 16);
  const ctrl = new Int32Array(control, SHARED_PAD, 4);
  const url = new URL("./_ceiling_worker.ts", import.meta.url);
  const worker = new ThreadWorker(url, { workerData: { control, numEnvs } });
  const local = new LimitLoop(numEnvs);
  let sink = 0;
  /** One run in both threads at once; returns its wall time, ms. */
  const both = (): number => {
    const done = Atomics.load(ctrl, 1);
    Atomics.store(ctrl, 2, steps);
    const t0 = performance.now();
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
    sink += local.run(steps);
    while (Atomics.load(ctrl, 1) === done) Atomics.wait(ctrl, 1, done, 1);
    return performance.now() - t0;
  };
  /** The same total work in this thread alone; wall time, ms. */
  const alone = (): number => {
    const t0 = performance.now();
    sink += local.run(2 * steps);
    return performance.now() - t0;
  };
  try {
    // The worker's first run also waits for its start-up and compilation.
    for (let w = 0; w < 3; w++) both();
    alone();
    const ratios: number[] = [];
    for (let p = 0; p < pairs; p++) {
      const t1 = alone();
      const t2 = both();
      ratios.push(t1 / t2);
    }
    return median(ratios);
  } finally {
    await stopWorker(ctrl, 2, 0, worker);
    if (sink === 0.5) console.log(sink);
  }
}

/**
 * What the contiguous layout costs two threads (see the module doc): `numEnvs` model-tier envs
 * stepped in lockstep as two halves that live in separate memory (this thread's half and a
 * worker's, each a VecEnv of its own), against the same envs in one VecEnv in one thread;
 * median over `pairs` of the rate ratio. A `ParallelVecEnv` cannot do this: its arrays must be
 * contiguous over all N envs, so the halves meet inside every array.
 */
export async function measureSplitShards(
  numEnvs: number,
  steps: number,
  pairs = PAIRS,
): Promise<number> {
  const config = { tier: "model", duration: 100_000, dt: 0.1 } as const;
  const half = numEnvs >> 1;
  const control = new SharedArrayBuffer(2 * SHARED_PAD + 16);
  const ctrl = new Int32Array(control, SHARED_PAD, 4);
  const url = new URL("./_split_worker.ts", import.meta.url);
  const worker = new ThreadWorker(url, {
    workerData: { control, numEnvs: numEnvs - half, config, seedBase: half + 1 },
  });
  const one = makeVecEnv(config, numEnvs);
  const mine = makeVecEnv(config, half);
  const act = new Float64Array(numEnvs * ACT_DIM);
  for (let i = 0; i < numEnvs; i++) act.set([2, 2, 1, 1], i * ACT_DIM);
  const myAct = act.subarray(0, half * ACT_DIM);
  const limit = Math.round(100_000 / 0.1);
  let done = 0;
  const split = (): number => {
    if (mine.stepIndex === 0 || mine.stepIndex + steps > limit) {
      mine.reset(Array.from({ length: half }, (_, i) => i + 1));
    }
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      Atomics.add(ctrl, 0, 1);
      Atomics.notify(ctrl, 0);
      mine.step(myAct);
      done++;
      while (Atomics.load(ctrl, 1) < done);
    }
    return performance.now() - t0;
  };
  const alone = (): number => {
    if (one.stepIndex === 0 || one.stepIndex + steps > limit) {
      one.reset(Array.from({ length: numEnvs }, (_, i) => i + 1));
    }
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) one.step(act);
    return performance.now() - t0;
  };
  try {
    for (let w = 0; w * steps < WARMUP_STEPS; w++) {
      alone();
      split();
    }
    const ratios: number[] = [];
    for (let p = 0; p < pairs; p++) ratios.push(alone() / split());
    return median(ratios);
  } finally {
    await stopWorker(ctrl, 2, 1, worker);
  }
}

/**
 * What two threads stepping `numEnvs` book-tier envs in lockstep could gain from the balance
 * of their work (see the module doc): every env is stepped in this thread, each step timed,
 * for `steps` steps after a warm-up; per step, the work of each contiguous half is summed,
 * and the result is Σ(both halves) / Σ max(half, half) — the speedup of a split with no
 * hand-off and no memory traffic, given that a lockstep step lasts as long as its slower
 * half, and with each env as fast as in one thread.
 */
export function measureLockstepBalance(numEnvs: number, steps = 3000): number {
  const envs = Array.from({ length: numEnvs }, (_, i) => {
    const e = makeVecEnv({ tier: "book", duration: 100_000 }, 1);
    e.reset([i + 1]);
    return e;
  });
  const act = new Float64Array([2, 2, 1, 1]);
  for (let s = 0; s < WARMUP_STEPS; s++) for (const e of envs) e.step(act);
  const half = numEnvs >> 1;
  let total = 0, slower = 0;
  for (let s = 0; s < steps; s++) {
    let a = 0, b = 0;
    for (let i = 0; i < numEnvs; i++) {
      const t0 = performance.now();
      envs[i].step(act);
      const dt = performance.now() - t0;
      if (i < half) a += dt;
      else b += dt;
    }
    total += a + b;
    slower += a > b ? a : b;
  }
  return total / slower;
}

/**
 * Tells a benchmark worker to stop (control word `word` set to `value`, then a new
 * generation in word 0) and terminates it once it has had a moment to leave its loop.
 */
async function stopWorker(
  ctrl: Int32Array,
  word: number,
  value: number,
  worker: ThreadWorker,
): Promise<void> {
  Atomics.store(ctrl, word, value);
  Atomics.add(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
  await new Promise((r) => setTimeout(r, 10));
  void worker.terminate();
}

function stepsOf(env: VecEnv): number {
  return Math.round(env.config.duration / env.config.dt);
}

const cache = new Map<string, Promise<ParallelSpeed>>();
function measure(key: string): Promise<ParallelSpeed> {
  let m = cache.get(key);
  if (!m) {
    m = key.startsWith("book")
      ? measureParallel({ tier: "book" }, Number(key.slice(4) || 8), 500, PAIRS, BOOK_WARMUP_STEPS)
      : measureParallel(
        { tier: "model", duration: 100_000 },
        Number(key),
        key === "1024" ? 400 : 30,
      );
    cache.set(key, m);
  }
  return m;
}

/** The 2-core benchmark cases. */
export const cases: BenchCase[] = [
  {
    name: "env.model.steps_per_s_2cores",
    unit: "env-steps/s",
    run: async () => (await measure("16384")).twoCores,
  },
  {
    name: "env.model.speedup_2cores",
    unit: "ratio",
    target: ">= 1.7",
    run: async () => (await measure("16384")).speedup,
  },
  {
    name: "env.model.speedup_2cores.n1024",
    unit: "ratio",
    target: ">= 1.7",
    run: async () => (await measure("1024")).speedup,
  },
  {
    name: "env.model.speedup_2cores.n1024_split",
    unit: "ratio",
    run: () => measureSplitShards(1024, 400),
  },
  {
    name: "env.parallel.ceiling_2cores",
    unit: "ratio",
    run: () => measureCeiling(),
  },
  {
    name: "env.book.steps_per_s_2cores",
    unit: "env-steps/s",
    run: async () => (await measure("book")).twoCores,
  },
  {
    name: "env.book.speedup_2cores",
    unit: "ratio",
    target: ">= 1.7",
    run: async () => (await measure("book")).speedup,
  },
  {
    name: "env.book.lockstep_balance_2cores",
    unit: "ratio",
    run: () => measureLockstepBalance(8),
  },
  {
    name: "env.book.lockstep_balance_2cores.n16",
    unit: "ratio",
    run: () => measureLockstepBalance(16),
  },
  {
    name: "env.book.speedup_2cores.n16",
    unit: "ratio",
    target: ">= 1.7",
    run: async () => (await measure("book16")).speedup,
  },
];
