/**
 * The rollout loop, written once: an agent acts on a batch of environments from reset to the
 * end of the episode. The README, the backtest runner, the tuning objective, notebooks and
 * tests all run episodes through {@linkcode rollout}.
 *
 * @module
 */
import { ACT_DIM, type VecEnv } from "../env/types.ts";
import type { Agent } from "./types.ts";

/** Options of {@linkcode rollout}. */
export interface RolloutOptions {
  /** Seed of the agent's own randomness (passed to `agent.reset`; default 0). */
  agentSeed?: number;
  /** Called once after the reset, before the first step (e.g. to read the initial mid). */
  onReset?: (env: VecEnv) => void;
  /**
   * Called after every step with the env (its `columns`, `rewards`, `view`, `stepIndex`
   * describe the step just taken), e.g. `(env) => recorder.record(env)`.
   */
  onStep?: (env: VecEnv) => void;
  /** Reused action buffer (`numEnvs × ACT_DIM`); allocated when absent. */
  actions?: Float64Array;
}

/**
 * Resets `env` with `seeds` (one per env) and `agent`, then steps until every env's episode
 * has ended, calling `options.onReset` after the reset and `options.onStep` after each step. Returns the number of steps taken.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rollout } from "./rollout.ts";
 * import { createAgent } from "./registry.ts";
 * import { makeVecEnv } from "../env/make.ts";
 * const env = makeVecEnv({ tier: "model", duration: 10 }, 2);
 * let fills = 0;
 * const steps = rollout(env, createAgent("static-spread"), [1, 2], {
 *   onStep: (e) => (fills += e.columns.bidFilled[0] + e.columns.askFilled[0]),
 * });
 * assert.equal(steps, 100); // 10 s at dt = 0.1 s
 * assert.ok(fills > 0);
 * ```
 */
export function rollout(
  env: VecEnv,
  agent: Agent,
  seeds: ArrayLike<number>,
  options: RolloutOptions = {},
): number {
  const n = env.numEnvs;
  const actions = options.actions ?? new Float64Array(n * ACT_DIM);
  const onStep = options.onStep;
  env.reset(seeds);
  options.onReset?.(env);
  agent.reset({ config: env.config, numEnvs: n, seed: options.agentSeed ?? 0 });
  const terminated = env.terminated, truncated = env.truncated;
  let steps = 0;
  for (let done = false; !done;) {
    agent.act(env.observations, env.view, actions);
    env.step(actions);
    steps++;
    if (onStep) onStep(env);
    done = true;
    for (let i = 0; i < n; i++) {
      if (terminated[i] === 0 && truncated[i] === 0) {
        done = false;
        break;
      }
    }
  }
  return steps;
}
