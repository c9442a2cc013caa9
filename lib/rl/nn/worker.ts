/**
 * A gradient worker of {@linkcode NnEngine}: instantiates the kernels on the shared memory,
 * then waits on the control words for jobs and takes chunks until none is left.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { KernelExports } from "./mlp.ts";
import { CMD, CTRL, type TaskPlan } from "./plan.ts";
import { TASKS, threadContext } from "./tasks.ts";

/** The message that starts a worker. */
export interface WorkerInit {
  /** The compiled kernels. */
  module: WebAssembly.Module;
  /** The shared memory. */
  memory: WebAssembly.Memory;
  /** The plan. */
  plan: TaskPlan;
  /** This thread's index (1 …; the main thread is 0). */
  thread: number;
}

/** Polls of the control word before a worker sleeps (a few tens of microseconds). */
const SPIN = 4000;

self.onmessage = (e: MessageEvent<WorkerInit>) => {
  const { module, memory, plan, thread } = e.data;
  const inst = new WebAssembly.Instance(module, { env: { memory } });
  const ctx = threadContext(plan, memory, inst.exports as unknown as KernelExports);
  const ctrl = new Int32Array(memory.buffer, plan.ctrl, 16);
  const run = TASKS[plan.kind];
  self.postMessage("ready");
  let gen = Atomics.load(ctrl, CTRL.GEN);
  for (;;) {
    // Spin briefly before sleeping: the next minibatch usually starts within microseconds.
    for (let i = 0; i < SPIN && Atomics.load(ctrl, CTRL.GEN) === gen; i++);
    Atomics.wait(ctrl, CTRL.GEN, gen);
    gen = Atomics.load(ctrl, CTRL.GEN);
    if (Atomics.load(ctrl, CTRL.CMD) === CMD.EXIT) break;
    // Take chunks until none is left; a late wake-up may find the next job already started,
    // which is fine: its data is in place before its chunks are handed out.
    for (;;) {
      const c = Atomics.add(ctrl, CTRL.NEXT, 1);
      if (c >= Atomics.load(ctrl, CTRL.CHUNKS)) break;
      try {
        run(ctx, c, thread);
      } catch (err) {
        Atomics.store(ctrl, CTRL.ERROR, 1);
        console.error(`nn worker ${thread}: ${(err as Error).stack ?? err}`);
      }
      Atomics.add(ctrl, CTRL.DONE, 1);
      Atomics.notify(ctrl, CTRL.DONE);
    }
  }
  self.close();
};
