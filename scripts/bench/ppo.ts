/**
 * PPO training throughput (`deno task bench --only ppo`): end-to-end timesteps per second
 * (rollouts + updates) with the default hyperparameters on the default env tier ("book"),
 * curriculum off (the full market): `ppo.timesteps_per_s` with the default number of gradient
 * threads (the cores, at most 4) and `ppo.timesteps_per_s_1thread` with one, measured in
 * interleaved runs (medians of 3 runs of 6 updates each, after 2 warm-up updates), and
 * `ppo.timesteps_per_cpu_s`: timesteps per second of CPU time (user + system, every thread of
 * the process) in the one-thread runs, a figure that a machine shared with other jobs distorts
 * far less than wall-clock time. The base agent of the residual policy is tuned once and
 * shared by all runs. Prints the rollout/update time split.
 *
 * `ppo.update_speedup_vs_tfjs`: one default PPO update (4,096 transitions, 10 epochs of
 * minibatches of 1,024) on one thread against the same update in TensorFlow.js
 * (`TfjsPpoLearner`, the implementation training used before), interleaved, median of the
 * per-round ratios.
 *
 * @module
 */
import process from "node:process";
import { tuneBaseAgent } from "../../lib/backtest/fair_params.ts";
import { Rng } from "../../lib/rng/rng.ts";
import { initBackend } from "../../lib/rl/backend.ts";
import { RolloutBuffer } from "../../lib/rl/buffer.ts";
import { networkSpec } from "../../lib/rl/checkpoint.ts";
import { parseTrainConfig, type ResidualAsParams } from "../../lib/rl/config.ts";
import { PpoLearner } from "../../lib/rl/learner.ts";
import { ActorCritic } from "../../lib/rl/network.ts";
import { initialParameters } from "../../lib/rl/params.ts";
import { TfjsPpoLearner } from "../../lib/rl/tfjs_learner.ts";
import { PpoTrainer } from "../../lib/rl/trainer.ts";
import { type BenchCase, median } from "./_types.ts";

let base: ResidualAsParams | undefined;

/** Runs `updates` default PPO iterations; returns timesteps/s and the time split. */
export async function measurePpo(
  updates = 6,
  threads?: number,
): Promise<{ timestepsPerS: number; perCpuS: number; rolloutShare: number; threads: number }> {
  if (!base) {
    const t = await PpoTrainer.create({ seed: 11, curriculum: { enabled: false } }, {
      tuneBase: tuneBaseAgent,
      threads: 1,
    });
    base = t.config.residual.params!;
    t.dispose();
  }
  const t = await PpoTrainer.create(
    { seed: 11, curriculum: { enabled: false }, residual: { params: base } },
    { threads },
  );
  t.step(); // warm-up: env construction, kernel tier-up, JIT
  t.step();
  const r0 = t.seconds.rollout, u0 = t.seconds.update, s0 = t.timesteps;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < updates; i++) t.step();
  const secs = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const roll = t.seconds.rollout - r0, upd = t.seconds.update - u0;
  const out = {
    timestepsPerS: (t.timesteps - s0) / secs,
    perCpuS: (t.timesteps - s0) / cpuS,
    rolloutShare: roll / (roll + upd),
    threads: t.learner.threads,
  };
  t.dispose();
  return out;
}

let results: Promise<{ many: number; one: number; perCpu: number }> | undefined;

function measure(): Promise<{ many: number; one: number; perCpu: number }> {
  results ??= (async () => {
    const many = [], one = [];
    for (let i = 0; i < 3; i++) {
      many.push(await measurePpo());
      one.push(await measurePpo(6, 1));
    }
    const share = median(many.map((r) => r.rolloutShare));
    console.error(
      `ppo: ${many[0].threads} threads: ${
        many.map((r) => r.timestepsPerS.toFixed(0)).join(", ")
      }; ` +
        `1 thread: ${one.map((r) => r.timestepsPerS.toFixed(0)).join(", ")} timesteps/s; ` +
        `rollout ${(100 * share).toFixed(0)} %, update ${(100 - 100 * share).toFixed(0)} %`,
    );
    return {
      many: median(many.map((r) => r.timestepsPerS)),
      one: median(one.map((r) => r.timestepsPerS)),
      perCpu: median(one.map((r) => r.perCpuS)),
    };
  })();
  return results;
}

/** Median ratio of PpoLearner's to TfjsPpoLearner's update rate on the same buffer. */
async function updateSpeedup(rounds = 5): Promise<number> {
  await initBackend();
  const cfg = parseTrainConfig({ residual: { enabled: false } });
  const spec = networkSpec(cfg);
  const ppo = { ...cfg.ppo, targetKl: null };
  const r = new Rng("bench/update");
  const buf = new RolloutBuffer(ppo.nSteps, ppo.numEnvs, spec.obsDim, spec.actDim);
  for (let i = 0; i < buf.obs.length; i++) buf.obs[i] = r.normal();
  for (let i = 0; i < buf.actions.length; i++) buf.actions[i] = 0.3 * r.normal();
  for (let i = 0; i < buf.size; i++) {
    buf.logProbs[i] = -2 + 0.1 * r.normal();
    buf.values[i] = r.normal();
    buf.advantages[i] = r.normal();
    buf.returns[i] = buf.values[i] + r.normal();
  }
  const params = initialParameters(spec, new Rng("bench/init"));
  const ours = await PpoLearner.create(spec, ppo, params, { threads: 1 });
  const net = new ActorCritic(spec, params);
  const ref = new TfjsPpoLearner(net, ppo);
  const time = (f: () => void) => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };
  time(() => ours.update(buf, new Rng(0))); // warm-up (kernel tier-up, tfjs kernels)
  time(() => ours.update(buf, new Rng(0)));
  time(() => ref.update(buf, new Rng(0)));
  const ratios: number[] = [];
  for (let i = 1; i <= rounds; i++) {
    const a = time(() => ours.update(buf, new Rng(i)));
    const b = time(() => ref.update(buf, new Rng(i)));
    ratios.push(b / a);
  }
  console.error(
    `ppo: update speedup vs tfjs per round: ${ratios.map((x) => x.toFixed(2)).join(", ")}`,
  );
  ours.dispose();
  ref.dispose();
  net.dispose();
  return median(ratios);
}

/** The PPO benchmark cases. */
export const cases: BenchCase[] = [{
  name: "ppo.timesteps_per_s",
  unit: "timesteps/s",
  target: ">= 20,000",
  async run() {
    return (await measure()).many;
  },
}, {
  name: "ppo.timesteps_per_s_1thread",
  unit: "timesteps/s",
  async run() {
    return (await measure()).one;
  },
}, {
  name: "ppo.timesteps_per_cpu_s",
  unit: "timesteps/CPU-s",
  async run() {
    return (await measure()).perCpu;
  },
}, {
  name: "ppo.update_speedup_vs_tfjs",
  unit: "×",
  target: "(was 1)",
  run: () => updateSpeedup(),
}];
