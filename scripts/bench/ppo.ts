/**
 * PPO training throughput (`deno task bench --only ppo`): end-to-end timesteps per second
 * (rollouts + updates) with the default hyperparameters on the default env tier ("book"),
 * curriculum off (the full market), median of 3 short runs of 4 updates each after one
 * warm-up update. Prints the rollout/update time split.
 *
 * @module
 */
import { tuneBaseAgent } from "../../lib/backtest/fair_params.ts";
import { PpoTrainer } from "../../lib/rl/trainer.ts";
import { type BenchCase, median } from "./_types.ts";

/** Runs `updates` default PPO iterations; returns timesteps/s and the time split. */
export async function measurePpo(
  updates = 4,
): Promise<{ timestepsPerS: number; rolloutShare: number }> {
  const t = await PpoTrainer.create({ seed: 11, curriculum: { enabled: false } }, {
    tuneBase: tuneBaseAgent,
  });
  t.step(); // warm-up: env construction, wasm kernels, JIT
  const r0 = t.seconds.rollout, u0 = t.seconds.update, s0 = t.timesteps;
  const start = performance.now();
  for (let i = 0; i < updates; i++) t.step();
  const secs = (performance.now() - start) / 1000;
  const roll = t.seconds.rollout - r0, upd = t.seconds.update - u0;
  const out = { timestepsPerS: (t.timesteps - s0) / secs, rolloutShare: roll / (roll + upd) };
  t.dispose();
  return out;
}

/** The PPO benchmark cases. */
export const cases: BenchCase[] = [{
  name: "ppo.timesteps_per_s",
  unit: "timesteps/s",
  target: ">= 5,500",
  async run() {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await measurePpo());
    const share = median(runs.map((r) => r.rolloutShare));
    console.error(
      `ppo: runs ${runs.map((r) => r.timestepsPerS.toFixed(0)).join(", ")} timesteps/s; ` +
        `rollout ${(100 * share).toFixed(0)} %, update ${(100 - 100 * share).toFixed(0)} %`,
    );
    return median(runs.map((r) => r.timestepsPerS));
  },
}];
