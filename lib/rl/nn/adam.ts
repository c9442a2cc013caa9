/**
 * Adam over an {@linkcode NnEngine}'s parameter vector, with the step counter that its bias
 * correction needs (saved with checkpoints as `optimizer/iter`).
 *
 * @module
 */
import type { NnEngine } from "./engine.ts";

/** Adam's hyperparameters (PyTorch's and tfjs's names). */
export interface AdamConfig {
  /** First-moment decay. */
  beta1: number;
  /** Second-moment decay. */
  beta2: number;
  /** ε added to √v̂. */
  eps: number;
}

/**
 * Applies `p ← p − lr·m̂ / (√v̂ + ε)` to the engine's parameters with the gradient in its `grad`
 * vector scaled by `scale` (gradient clipping), and counts the step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Adam } from "./adam.ts";
 * const adam = new Adam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });
 * assert.equal(adam.steps, 0);
 * ```
 */
export class Adam {
  /** Hyperparameters. */
  readonly config: AdamConfig;
  /** Steps taken. */
  steps = 0;

  /** Adam with `config`. */
  constructor(config: AdamConfig) {
    this.config = config;
  }

  /** One step on `engine` with learning rate `lr`. */
  step(engine: NnEngine, lr: number, scale = 1): void {
    const { beta1, beta2, eps } = this.config;
    const t = ++this.steps;
    const p = engine.plan;
    engine.k.adam(
      p.params,
      p.grad,
      p.m,
      p.v,
      p.paramFloats,
      lr,
      beta1,
      beta2,
      1 / (1 - beta1 ** t),
      1 / (1 - beta2 ** t),
      eps,
      scale,
    );
  }
}
