/**
 * The rollout buffer: typed arrays for `nSteps × numEnvs` transitions (allocated once)
 * and generalized advantage estimation.
 *
 * @module
 */

/**
 * One rollout of `nSteps` steps of `numEnvs` environments, row `t·numEnvs + i`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RolloutBuffer } from "./buffer.ts";
 * const buf = new RolloutBuffer(2, 1, 1, 1); // 2 steps of 1 env, values 0
 * buf.rewards.set([1, 1]);
 * buf.computeGae(Float64Array.of(0), 0.5, 1); // γ = 0.5, λ = 1: discounted returns
 * assert.deepEqual([...buf.returns], [1.5, 1]);
 * assert.deepEqual([...buf.advantages], [1.5, 1]);
 * ```
 */
export class RolloutBuffer {
  /** Steps per env. */
  readonly nSteps: number;
  /** Environments. */
  readonly numEnvs: number;
  /** Observation width. */
  readonly obsDim: number;
  /** Action width. */
  readonly actDim: number;
  /** Normalized observations the policy saw. */
  readonly obs: Float32Array;
  /** Sampled (unclipped, normalized) actions. */
  readonly actions: Float32Array;
  /** Log-probabilities of the actions under the rollout policy (f64, as the update computes them). */
  readonly logProbs: Float64Array;
  /** Value estimates of the observations. */
  readonly values: Float32Array;
  /** (Scaled) rewards. */
  readonly rewards: Float32Array;
  /** 1 where the episode ended with this step (no bootstrap past it). */
  readonly dones: Uint8Array;
  /** GAE advantages (after `computeGae`). */
  readonly advantages: Float32Array;
  /** Value targets: advantages + values. */
  readonly returns: Float32Array;

  /** Allocates a buffer. */
  constructor(nSteps: number, numEnvs: number, obsDim: number, actDim: number) {
    this.nSteps = nSteps;
    this.numEnvs = numEnvs;
    this.obsDim = obsDim;
    this.actDim = actDim;
    const n = nSteps * numEnvs;
    this.obs = new Float32Array(n * obsDim);
    this.actions = new Float32Array(n * actDim);
    this.logProbs = new Float64Array(n);
    this.values = new Float32Array(n);
    this.rewards = new Float32Array(n);
    this.dones = new Uint8Array(n);
    this.advantages = new Float32Array(n);
    this.returns = new Float32Array(n);
  }

  /** Number of transitions. */
  get size(): number {
    return this.nSteps * this.numEnvs;
  }

  /**
   * GAE(γ, λ): δ_t = r_t + γ·V(s_{t+1})·(1 − done_t) − V(s_t),
   * A_t = δ_t + γλ·(1 − done_t)·A_{t+1}; `lastValues` are V of the observations after
   * the last step.
   */
  computeGae(lastValues: ArrayLike<number>, gamma: number, lambda: number): void {
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) {
      let adv = 0;
      let nextValue = lastValues[i];
      for (let t = this.nSteps - 1; t >= 0; t--) {
        const k = t * n + i;
        const notDone = 1 - this.dones[k];
        const delta = this.rewards[k] + gamma * nextValue * notDone - this.values[k];
        adv = delta + gamma * lambda * notDone * adv;
        this.advantages[k] = adv;
        this.returns[k] = adv + this.values[k];
        nextValue = this.values[k];
      }
    }
  }
}
