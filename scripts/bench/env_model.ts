/**
 * Benchmark of the model tier: `env.model.steps_per_s`, env-steps per second of a
 * {@linkcode ModelVecEnv} with 1,024 envs and static actions (median of several runs).
 *
 * @module
 */
import { parseEnvConfig } from "../../lib/env/config.ts";
import { ModelVecEnv } from "../../lib/env/model_env.ts";
import { type BenchCase, median } from "./_types.ts";

const NUM_ENVS = 1024;
const RUNS = 7;

function stepsPerSecond(): number {
  // 500 s episodes at dt = 0.1: 5,000 steps per episode, ~5M env-steps per run.
  const cfg = parseEnvConfig({ tier: "model", duration: 500, dt: 0.1 });
  const env = new ModelVecEnv(cfg, NUM_ENVS);
  const actions = new Float64Array(NUM_ENVS * 4);
  for (let i = 0; i < NUM_ENVS; i++) actions.set([2, 2, 1, 1], i * 4);
  const seeds = Array.from({ length: NUM_ENVS }, (_, i) => i + 1);
  const rates: number[] = [];
  // Warm-up run (JIT), then timed runs.
  for (let run = 0; run <= RUNS; run++) {
    env.reset(seeds);
    const t0 = performance.now();
    let steps = 0;
    while (!env.terminated[0]) {
      env.step(actions);
      steps++;
    }
    const s = (performance.now() - t0) / 1000;
    if (run > 0) rates.push(NUM_ENVS * steps / s);
  }
  return median(rates);
}

/** The model-tier benchmark cases. */
export const cases: BenchCase[] = [
  {
    name: "env.model.steps_per_s",
    unit: "env-steps/s",
    target: ">= 10,000,000",
    run: stepsPerSecond,
  },
];
