/**
 * The policy's input features: the env observation (OBS_DIM values), optionally followed
 * by the analytic Avellaneda–Stoikov quote (`ppo.asFeatures`): the AS bid and ask offsets
 * (default AS parameters, σ from the env's running estimate) mapped to [-1, 1] like the
 * actions, so the policy can learn "AS plus a correction".
 *
 * @module
 */
import { AvellanedaStoikovAgent } from "../agents/avellaneda_stoikov.ts";
import type { EnvConfig } from "../env/config.ts";
import { ACT_DIM, type AgentView, OBS_DIM } from "../env/types.ts";

/** Number of extra features with `asFeatures` on. */
export const AS_FEATURES = 2;

/** Width of the policy input for the given feature option. */
export function featureDim(asFeatures: boolean): number {
  return OBS_DIM + (asFeatures ? AS_FEATURES : 0);
}

/**
 * Builds policy inputs from observations and the agent view.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FeatureBuilder } from "./features.ts";
 * import { makeVecEnv } from "../env/make.ts";
 * import { OBS_DIM } from "../env/types.ts";
 * const env = makeVecEnv({ tier: "model", duration: 10 }, 2);
 * env.reset([1, 2]);
 * const fb = new FeatureBuilder(true, env.config, env.numEnvs); // with the 2 AS features
 * assert.equal(fb.dim, OBS_DIM + 2);
 * const x = new Float64Array(env.numEnvs * fb.dim);
 * fb.build(env.observations, env.view, env.numEnvs, x);
 * assert.deepEqual(x.subarray(0, OBS_DIM), env.observations.subarray(0, OBS_DIM));
 * assert.ok(Math.abs(x[OBS_DIM]) <= 5 && Math.abs(x[OBS_DIM + 1]) <= 5); // AS offsets, like actions
 * ```
 */
export class FeatureBuilder {
  /** Feature width. */
  readonly dim: number;
  readonly #as: AvellanedaStoikovAgent | undefined;
  #maxOffset: number;
  #quotes = new Float64Array(0);

  /** A builder for `numEnvs` envs of `envCfg`. */
  constructor(asFeatures: boolean, envCfg: EnvConfig, numEnvs: number) {
    this.dim = featureDim(asFeatures);
    this.#maxOffset = envCfg.maxOffsetTicks;
    if (asFeatures) {
      this.#as = new AvellanedaStoikovAgent();
      this.reset(envCfg, numEnvs);
    }
  }

  /** Prepares for a new batch of envs. */
  reset(envCfg: EnvConfig, numEnvs: number): void {
    this.#maxOffset = envCfg.maxOffsetTicks;
    this.#as?.reset({ config: envCfg, numEnvs, seed: 0 });
    if (this.#quotes.length < numEnvs * ACT_DIM) this.#quotes = new Float64Array(numEnvs * ACT_DIM);
  }

  /** Writes `rows` feature rows (`dim` each) into `out`. */
  build(obs: Float64Array, view: AgentView, rows: number, out: Float64Array): void {
    const d = this.dim;
    if (!this.#as) {
      out.set(obs.subarray(0, rows * OBS_DIM));
      return;
    }
    this.#as.act(obs, view, this.#quotes);
    const s = 2 / this.#maxOffset;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < OBS_DIM; j++) out[r * d + j] = obs[r * OBS_DIM + j];
      for (let j = 0; j < AS_FEATURES; j++) {
        const v = this.#quotes[r * ACT_DIM + j] * s - 1;
        out[r * d + OBS_DIM + j] = v > 5 ? 5 : v < -5 ? -5 : v;
      }
    }
  }
}
