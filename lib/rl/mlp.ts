/**
 * Plain TypeScript forward pass of the PPO networks on `Float32Array` weights: the
 * exact math of the tfjs graph (dense → tanh → … → dense), without tfjs's per-call
 * overhead, used for rollouts and by the trained agent.
 *
 * @module
 */

/** One dense layer: `w` is row-major `inSize × outSize`, `b` has `outSize` entries. */
export interface DenseWeights {
  /** Input width. */
  readonly inSize: number;
  /** Output width. */
  readonly outSize: number;
  /** Kernel, row-major `inSize × outSize`. */
  readonly w: Float32Array;
  /** Bias. */
  readonly b: Float32Array;
}

/** A multilayer perceptron: tanh after every layer but the last. */
export interface MlpWeights {
  /** Layers in order. */
  readonly layers: readonly DenseWeights[];
}

/** Widest layer of `mlp` (the size of one row of scratch space it needs). */
export function mlpMaxWidth(mlp: MlpWeights): number {
  let w = 0;
  for (const l of mlp.layers) w = Math.max(w, l.inSize, l.outSize);
  return w;
}

/**
 * Evaluates `mlp` on `rows` inputs (row-major in `x`, `inSize` each) into `out`
 * (row-major, `outSize` each). `scratch` must hold at least `2 · mlpMaxWidth(mlp)`
 * numbers; nothing is allocated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mlpForward } from "./mlp.ts";
 * // One linear layer y = x₀ + x₁ + 0.5 (the last layer has no activation).
 * const mlp = {
 *   layers: [{ inSize: 2, outSize: 1, w: Float32Array.of(1, 1), b: Float32Array.of(0.5) }],
 * };
 * const out = new Float64Array(2);
 * mlpForward(mlp, Float64Array.of(2, 3, -1, 1), 2, out, new Float64Array(4)); // 2 rows
 * assert.deepEqual([...out], [5.5, 0.5]);
 * ```
 */
export function mlpForward(
  mlp: MlpWeights,
  x: ArrayLike<number>,
  rows: number,
  out: Float64Array,
  scratch: Float64Array,
): void {
  const layers = mlp.layers;
  const last = layers.length - 1;
  const width = scratch.length >> 1;
  const inSize0 = layers[0].inSize;
  const outSizeN = layers[last].outSize;
  for (let r = 0; r < rows; r++) {
    // a: current activations at scratch[aOff..], next at scratch[bOff..]
    let aOff = 0;
    let bOff = width;
    for (let i = 0; i < inSize0; i++) scratch[i] = x[r * inSize0 + i];
    for (let li = 0; li <= last; li++) {
      const { inSize, outSize, w, b } = layers[li];
      for (let o = 0; o < outSize; o++) scratch[bOff + o] = b[o];
      for (let i = 0; i < inSize; i++) {
        const xi = scratch[aOff + i];
        const row = i * outSize;
        for (let o = 0; o < outSize; o++) scratch[bOff + o] += xi * w[row + o];
      }
      if (li === last) {
        for (let o = 0; o < outSize; o++) out[r * outSizeN + o] = scratch[bOff + o];
      } else {
        for (let o = 0; o < outSize; o++) scratch[bOff + o] = Math.tanh(scratch[bOff + o]);
      }
      const t = aOff;
      aOff = bOff;
      bOff = t;
    }
  }
}
