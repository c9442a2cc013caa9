/**
 * The worker of the split-memory benchmark (`scripts/bench/env_parallel.ts`,
 * `measureSplitShards`): a model-tier VecEnv of `numEnvs` envs in this thread's own memory,
 * stepped once each time the control word's generation changes. Not meant to be imported.
 *
 * Control words (Int32Array over `workerData.control`, after `SHARED_PAD` bytes): 0
 * generation, 1 steps done, 2 stop flag.
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import { makeVecEnv } from "../../lib/env/make.ts";
import { SHARED_PAD } from "../../lib/env/parallel.ts";
import { ACT_DIM } from "../../lib/env/types.ts";

const { control, numEnvs, config, seedBase } = workerData as {
  control: SharedArrayBuffer;
  numEnvs: number;
  config: Record<string, unknown>;
  seedBase: number;
};
const ctrl = new Int32Array(control, SHARED_PAD, 4);
const env = makeVecEnv(config, numEnvs);
const act = new Float64Array(numEnvs * ACT_DIM);
for (let i = 0; i < numEnvs; i++) act.set([2, 2, 1, 1], i * ACT_DIM);
let gen = 0;
for (;;) {
  let spins = 0;
  while (Atomics.load(ctrl, 0) === gen) {
    if (++spins > 1 << 22) Atomics.wait(ctrl, 0, gen, 1000);
  }
  gen = Atomics.load(ctrl, 0);
  if (Atomics.load(ctrl, 2) === 1) break;
  if (env.stepIndex === 0 || env.stepIndex >= Math.round(100_000 / 0.1)) {
    env.reset(Array.from({ length: numEnvs }, (_, i) => seedBase + i));
  }
  env.step(act);
  Atomics.add(ctrl, 1, 1);
}
