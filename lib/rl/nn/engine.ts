/**
 * The training engine: one shared WebAssembly memory laid out by a {@linkcode TaskPlan}, the
 * generated kernels, and a pool of Deno Workers that compute chunk gradients in parallel with
 * the calling thread. The reduction adds the chunk slots in chunk order, so the gradient (and
 * everything trained with it) is bit-identical whatever the number of threads.
 *
 * @module
 */
import { type Blocking, DEFAULT_BLOCKING } from "./kernels.ts";
import {
  forwardPass,
  type KernelExports,
  KernelModule,
  MlpLayout,
  transposeWeights,
} from "./mlp.ts";
import { chunkCount, CMD, CTRL, type TaskPlan } from "./plan.ts";
import { TASKS, type ThreadContext, threadContext } from "./tasks.ts";
import type { WorkerInit } from "./worker.ts";

/** Threads to use by default: the cores available, at most `cap`. */
export function defaultThreads(cap: number): number {
  const cores = typeof navigator !== "undefined" ? navigator.hardwareConcurrency || 1 : 1;
  return Math.max(1, Math.min(cores, cap));
}

/**
 * Shared memory, kernels and worker threads for one training task.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NnEngine } from "./engine.ts";
 * import { makePlan } from "./plan.ts";
 * const plan = makePlan("mse", [[3, 8, 2]], 0, { x: 3, y: 2 }, 16, 1, 1);
 * const e = await NnEngine.create(plan);
 * assert.equal(e.threads, 1);
 * e.dispose();
 * ```
 */
export class NnEngine {
  /** The memory plan. */
  readonly plan: TaskPlan;
  /** The memory. */
  readonly memory: WebAssembly.Memory;
  /** This thread's kernels and views. */
  readonly ctx: ThreadContext;
  /** Threads computing chunks, this one included. */
  readonly threads: number;
  readonly #workers: Worker[];
  readonly #ctrl: Int32Array;

  private constructor(
    plan: TaskPlan,
    memory: WebAssembly.Memory,
    k: KernelExports,
    workers: Worker[],
  ) {
    this.plan = plan;
    this.memory = memory;
    this.ctx = threadContext(plan, memory, k);
    this.#workers = workers;
    this.threads = workers.length + 1;
    this.#ctrl = new Int32Array(memory.buffer, plan.ctrl, 16);
  }

  /**
   * An engine for `plan` (sized for `plan.scratch.length` threads): compiles the kernels and
   * starts `plan.scratch.length − 1` workers.
   */
  static async create(plan: TaskPlan, blocking: Blocking = DEFAULT_BLOCKING): Promise<NnEngine> {
    const spec = { initial: plan.pages, maximum: plan.pages, shared: true };
    const memory = new WebAssembly.Memory(spec);
    const km = new KernelModule(plan.nets.map((s) => new MlpLayout(s)), spec, blocking);
    const k = km.instantiate(memory);
    const workers: Worker[] = [];
    try {
      const ready: Promise<void>[] = [];
      for (let t = 1; t < plan.scratch.length; t++) {
        const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
        workers.push(w);
        ready.push(
          new Promise((resolve, reject) => {
            w.onmessage = () => resolve();
            w.onerror = (e) => {
              e.preventDefault();
              reject(new Error(`nn worker ${t} failed to start: ${e.message}`));
            };
          }),
        );
        const init: WorkerInit = { module: km.module, memory, plan, thread: t };
        w.postMessage(init);
      }
      await Promise.all(ready);
    } catch (err) {
      for (const w of workers) w.terminate();
      throw err;
    }
    return new NnEngine(plan, memory, k, workers);
  }

  /** f32 view of the memory. */
  get f32(): Float32Array {
    return this.ctx.f32;
  }

  /** f64 view of the memory. */
  get f64(): Float64Array {
    return this.ctx.f64;
  }

  /** The kernels. */
  get k(): KernelExports {
    return this.ctx.k;
  }

  /** Float offset (into `f32`) of parameter float `i`. */
  param(i: number): number {
    return this.plan.params / 4 + i;
  }

  /**
   * Computes the gradient of the first `rows` minibatch rows (job arguments already in
   * `args`) on every thread and writes the chunk-ordered sum to the plan's `grad`; returns
   * the number of chunks (their statistics are in `stats`).
   */
  gradient(rows: number): number {
    const chunks = chunkCount(rows);
    const run = TASKS[this.plan.kind];
    const ctrl = this.#ctrl;
    if (this.#workers.length > 0) {
      // Everything a chunk reads is written before its index is handed out (NEXT = 0).
      Atomics.store(ctrl, CTRL.DONE, 0);
      Atomics.store(ctrl, CTRL.ERROR, 0);
      Atomics.store(ctrl, CTRL.CHUNKS, chunks);
      Atomics.store(ctrl, CTRL.CMD, CMD.GRAD);
      Atomics.store(ctrl, CTRL.NEXT, 0);
      Atomics.add(ctrl, CTRL.GEN, 1);
      Atomics.notify(ctrl, CTRL.GEN);
      for (;;) {
        const c = Atomics.add(ctrl, CTRL.NEXT, 1);
        if (c >= chunks) break;
        run(this.ctx, c, 0);
        Atomics.add(ctrl, CTRL.DONE, 1);
      }
      // Wait for the chunks other threads took (not for the threads: a late one finds none).
      for (;;) {
        const done = Atomics.load(ctrl, CTRL.DONE);
        if (done >= chunks) break;
        Atomics.wait(ctrl, CTRL.DONE, done, 100);
      }
      // Close the job: a thread waking now takes no chunk of it.
      Atomics.store(ctrl, CTRL.NEXT, chunks);
      if (Atomics.load(ctrl, CTRL.ERROR)) throw new Error("a gradient worker failed (see stderr)");
    } else {
      for (let c = 0; c < chunks; c++) run(this.ctx, c, 0);
    }
    const p = this.plan;
    this.k.sum_slots(p.slots, p.slotBytes, chunks, p.grad, p.paramFloats);
    return chunks;
  }

  /** Refreshes the transposed weights of every network (after the parameters changed). */
  transpose(): void {
    const p = this.plan;
    this.ctx.layouts.forEach((l, i) => {
      transposeWeights(this.k, l, p.params + p.netOffsets[i] * 4, p.wt[i]);
    });
  }

  /** Forward pass of network `net` on the first `rows` rows of the inference input. */
  forward(net: number, rows: number): void {
    const p = this.plan;
    forwardPass(
      this.k,
      this.ctx.layouts[net],
      p.params + p.netOffsets[net] * 4,
      p.infer.x,
      rows,
      p.infer.nets[net],
    );
  }

  /** Stops the workers. */
  dispose(): void {
    if (this.#workers.length > 0) {
      Atomics.store(this.#ctrl, CTRL.CMD, CMD.EXIT);
      Atomics.add(this.#ctrl, CTRL.GEN, 1);
      Atomics.notify(this.#ctrl, CTRL.GEN);
      for (const w of this.#workers) w.terminate();
      this.#workers.length = 0;
    }
  }
}
