/**
 * Benchmarks of the model tier (`deno task bench --only env.model`):
 * - `env.model.steps_per_s.nN`: env-steps per second of a {@linkcode ModelVecEnv} with N
 *   envs (N = 1, 64, 1,024, 16,384, 65,536), default market, static actions (2 ticks, 1 lot
 *   a side);
 * - `env.model.limit_ratio.nN`: that figure over the {@linkcode LimitLoop}'s (the
 *   irreducible work of an env-step, hand-written), measured in the same process;
 * - `env.model.limit_steps_per_s.nN`: the limit loop's own rate;
 * - `env.model.steps_per_cpu_s.nN` and `env.model.limit_ratio_cpu.nN`: the same on the
 *   process's CPU time instead of wall time (less sensitive to other load on the machine).
 *
 * Method: for each N, one warm-up of each, then {@linkcode PAIRS} interleaved pairs (limit
 * loop, env) of about {@linkcode STEPS_PER_RUN} env-steps each; the rates are medians over
 * the pairs and the ratio is the median of the pairs' ratios (each pair ran under the same
 * machine load). Resets are not timed.
 *
 * @module
 */
import process from "node:process";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { ModelVecEnv } from "../../lib/env/model_env.ts";
import { ACT_DIM } from "../../lib/env/types.ts";
import { type BenchCase, median } from "./_types.ts";
import { LimitLoop } from "./_model_limit.ts";

/** Batch sizes measured. */
export const SIZES: readonly number[] = [1, 64, 1024, 16384, 65536];
/** Interleaved (limit, env) pairs per size. */
export const PAIRS = 9;
/** Env-steps per timed run (rounded up to whole steps of the batch). */
export const STEPS_PER_RUN = 1 << 19;

/** The measurement of one batch size. */
export interface ModelSpeed {
  /** Envs. */
  numEnvs: number;
  /** Median env-steps/s of the env. */
  env: number;
  /** Median env-steps/s of the limit loop. */
  limit: number;
  /** Median over pairs of env / limit. */
  ratio: number;
  /** Median env-steps per CPU second of the env. */
  envCpu: number;
  /** Median over pairs of env / limit, on CPU time. */
  ratioCpu: number;
}

/** Seconds of CPU (user + system) since `c0` (a `process.cpuUsage()` reading). */
function cpuSince(c0: { user: number; system: number }): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/** Measures the env and the limit loop at `numEnvs` (see the module doc). */
export function measureModelSpeed(
  numEnvs: number,
  pairs = PAIRS,
  stepsPerRun = STEPS_PER_RUN,
): ModelSpeed {
  // 10^6 steps per episode: no reset inside a timed run at any N.
  const cfg = parseEnvConfig({ tier: "model", duration: 100_000, dt: 0.1 });
  const env = new ModelVecEnv(cfg, numEnvs);
  const act = new Float64Array(numEnvs * ACT_DIM);
  for (let i = 0; i < numEnvs; i++) act.set([2, 2, 1, 1], i * ACT_DIM);
  const seeds = Array.from({ length: numEnvs }, (_, i) => i + 1);
  const limit = new LimitLoop(numEnvs);
  const steps = Math.max(1, Math.ceil(stepsPerRun / numEnvs));
  let sink = 0;
  /** [wall rate, CPU rate] of one timed run of the env. */
  const timeEnv = (): [number, number] => {
    if (env.stepIndex + steps > env.steps || env.stepIndex === 0) env.reset(seeds);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) env.step(act);
    const sec = (performance.now() - t0) / 1000;
    const cpu = cpuSince(c0);
    sink += env.rewards[0];
    return [(steps * numEnvs) / sec, (steps * numEnvs) / cpu];
  };
  const timeLimit = (): [number, number] => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    sink += limit.run(steps);
    const sec = (performance.now() - t0) / 1000;
    const cpu = cpuSince(c0);
    return [(steps * numEnvs) / sec, (steps * numEnvs) / cpu];
  };
  timeLimit();
  timeEnv();
  const envRates: number[] = [], limitRates: number[] = [], ratios: number[] = [];
  const envCpu: number[] = [], ratiosCpu: number[] = [];
  for (let p = 0; p < pairs; p++) {
    const l = timeLimit();
    const e = timeEnv();
    limitRates.push(l[0]);
    envRates.push(e[0]);
    ratios.push(e[0] / l[0]);
    envCpu.push(e[1]);
    ratiosCpu.push(e[1] / l[1]);
  }
  if (sink === 0.123456789) console.log(sink); // keep the work observable
  return {
    numEnvs,
    env: median(envRates),
    limit: median(limitRates),
    ratio: median(ratios),
    envCpu: median(envCpu),
    ratioCpu: median(ratiosCpu),
  };
}

const cache = new Map<number, ModelSpeed>();
function speed(n: number): ModelSpeed {
  let s = cache.get(n);
  if (!s) {
    s = measureModelSpeed(n);
    cache.set(n, s);
  }
  return s;
}

/** The model-tier benchmark cases. */
export const cases: BenchCase[] = SIZES.flatMap((n): BenchCase[] => [
  {
    name: `env.model.steps_per_s.n${n}`,
    unit: "env-steps/s",
    run: () => speed(n).env,
  },
  {
    name: `env.model.limit_ratio.n${n}`,
    unit: "ratio",
    target: ">= 0.6",
    run: () => speed(n).ratio,
  },
  {
    name: `env.model.limit_steps_per_s.n${n}`,
    unit: "env-steps/s",
    run: () => speed(n).limit,
  },
  {
    name: `env.model.steps_per_cpu_s.n${n}`,
    unit: "env-steps/cpu-s",
    run: () => speed(n).envCpu,
  },
  {
    name: `env.model.limit_ratio_cpu.n${n}`,
    unit: "ratio",
    target: ">= 0.6",
    run: () => speed(n).ratioCpu,
  },
]);
