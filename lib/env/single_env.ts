/**
 * A Gymnasium-style single environment over any {@linkcode VecEnv} of one env. Results
 * are copies, so callers may keep them across steps.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import type { EnvConfig } from "./config.ts";
import { ACT_DIM, type Env, type ResetResult, type StepResult, type VecEnv } from "./types.ts";

/**
 * Wraps a one-env {@linkcode VecEnv}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SingleEnv } from "./single_env.ts";
 * import { ModelVecEnv } from "./model_env.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const env = new SingleEnv(new ModelVecEnv(parseEnvConfig({ tier: "model" }), 1));
 * const { observation } = env.reset(42);
 * assert.equal(observation.length, 9);
 * const r = env.step([2, 2, 1, 1]);
 * assert.equal(r.terminated, false);
 * assert.equal(typeof r.reward, "number");
 * assert.equal(r.info.step, 1);
 * ```
 */
export class SingleEnv implements Env {
  /** The wrapped batch of one env. */
  readonly vec: VecEnv;
  readonly #seed = [0];

  /** Wraps `vec`, which must hold exactly one env. */
  constructor(vec: VecEnv) {
    if (vec.numEnvs !== 1) throw new ValidationError("vec.numEnvs", vec.numEnvs, "1");
    this.vec = vec;
  }

  /** The configuration of the wrapped env. */
  get config(): EnvConfig {
    return this.vec.config;
  }

  /** Starts an episode with `seed`. */
  reset(seed: number): ResetResult {
    this.#seed[0] = seed;
    const obs = this.vec.reset(this.#seed);
    return { observation: obs.slice(), info: this.vec.info(0) };
  }

  /** Steps with one action of `ACT_DIM` raw values. */
  step(action: ArrayLike<number>): StepResult {
    if (action.length !== ACT_DIM) {
      throw new ValidationError("action.length", action.length, `${ACT_DIM}`);
    }
    this.vec.step(action);
    return {
      observation: this.vec.observations.slice(),
      reward: this.vec.rewards[0],
      terminated: this.vec.terminated[0] === 1,
      truncated: this.vec.truncated[0] === 1,
      info: this.vec.info(0),
    };
  }
}
