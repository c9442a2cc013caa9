/**
 * The worker of the 2-core ceiling benchmark (`scripts/bench/env_parallel.ts`): it runs the
 * model tier's limit loop ({@linkcode LimitLoop}) on its own envs each time the control
 * word's generation changes, then counts itself done. Not meant to be imported.
 *
 * Control words (Int32Array over `workerData.control`, after `SHARED_PAD` bytes): 0 generation, 1 done count, 2 steps
 * per run (0: stop).
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import { LimitLoop } from "./_model_limit.ts";
import { SHARED_PAD } from "../../lib/env/parallel.ts";

const { control, numEnvs } = workerData as { control: SharedArrayBuffer; numEnvs: number };
const ctrl = new Int32Array(control, SHARED_PAD, 4);
const loop = new LimitLoop(numEnvs);
let gen = 0;
let sink = 0;
for (;;) {
  // Spin (the main thread starts the next run at once), then sleep.
  let spins = 0;
  while (Atomics.load(ctrl, 0) === gen) {
    if (++spins > 1 << 22) Atomics.wait(ctrl, 0, gen, 1000);
  }
  gen = Atomics.load(ctrl, 0);
  const steps = Atomics.load(ctrl, 2);
  if (steps === 0) break;
  sink += loop.run(steps);
  Atomics.add(ctrl, 1, 1);
  Atomics.notify(ctrl, 1);
}
if (sink === 0.5) console.log(sink);
