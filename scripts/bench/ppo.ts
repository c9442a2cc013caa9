/**
 * PPO training throughput (`deno task bench --only ppo`): end-to-end timesteps per second
 * (rollouts + updates) with the default hyperparameters on the default env tier ("book"),
 * curriculum off (the full market): `ppo.timesteps_per_s` with the default number of gradient
 * threads (the cores, at most 4) and `ppo.timesteps_per_s_1thread` with one, measured in
 * interleaved runs (medians of 3 runs of 6 updates each, after 2 warm-up updates). The base
 * agent of the residual policy is tuned once and shared by all runs. Prints the
 * rollout/update time split.
 *
 * @module
 */
import { tuneBaseAgent } from "../../lib/backtest/fair_params.ts";
import type { ResidualAsParams } from "../../lib/rl/config.ts";
import { PpoTrainer } from "../../lib/rl/trainer.ts";
import { type BenchCase, median } from "./_types.ts";

let base: ResidualAsParams | undefined;

/** Runs `updates` default PPO iterations; returns timesteps/s and the time split. */
export async function measurePpo(
  updates = 6,
  threads?: number,
): Promise<{ timestepsPerS: number; rolloutShare: number; threads: number }> {
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
  const start = performance.now();
  for (let i = 0; i < updates; i++) t.step();
  const secs = (performance.now() - start) / 1000;
  const roll = t.seconds.rollout - r0, upd = t.seconds.update - u0;
  const out = {
    timestepsPerS: (t.timesteps - s0) / secs,
    rolloutShare: roll / (roll + upd),
    threads: t.learner.threads,
  };
  t.dispose();
  return out;
}

let results: Promise<{ many: number; one: number }> | undefined;

function measure(): Promise<{ many: number; one: number }> {
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
    };
  })();
  return results;
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
}];
