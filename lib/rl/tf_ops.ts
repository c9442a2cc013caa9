/**
 * Dense layer and tanh with hand-written gradients, tuned for the tfjs wasm backend.
 *
 * tfjs's built-in gradient of `matMul` multiplies with a transposed operand, which the
 * wasm backend runs about 7× slower than a plain product, and its `tanh` kernel is scalar.
 * {@linkcode dense} computes `dW = transpose(x)·dy` and `db = 1ᵀ·dy` with plain products,
 * and {@linkcode fastTanh} evaluates tanh(x) = 2·σ(2x) − 1 (same function, vectorized σ)
 * with the analytic gradient 1 − tanh². Together they make a PPO minibatch step about
 * 3–4× faster than the autodiff defaults (measured on batch 1024, 2×64 MLPs).
 *
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import type { TfTensor, TfTensor1D, TfTensor2D } from "./tf_types.ts";

const denseOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  const y = tf.add(tf.matMul(x, w), b);
  const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const g = dy as tf.Tensor2D;
    const [x, w] = saved as [tf.Tensor2D, tf.Tensor2D];
    const dx = tf.matMul(g, tf.transpose(w));
    const dw = tf.matMul(tf.transpose(x), g);
    const db = tf.reshape(tf.matMul(tf.ones([1, g.shape[0]]), g), [g.shape[1]]);
    return [dx, dw, db];
  };
  return { value: y, gradFunc };
});

/**
 * `x·w + b` (x: batch × in, w: in × out, b: out) with a wasm-friendly gradient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "npm:@tensorflow/tfjs@4.22.0";
 * import { dense } from "./tf_ops.ts";
 * const y = dense(tf.ones([2, 3]), tf.ones([3, 4]), tf.zeros([4]));
 * assert.deepEqual(y.shape, [2, 4]);
 * assert.deepEqual([...y.dataSync()], [3, 3, 3, 3, 3, 3, 3, 3]);
 * ```
 */
export function dense(x: TfTensor2D, w: TfTensor2D, b: TfTensor1D): TfTensor2D {
  return denseOp(x, w, b) as TfTensor2D;
}

const tanhOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const y = tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
  save([y]);
  const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
    tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(saved[0])));
  return { value: y, gradFunc };
});

/** tanh(x), computed as 2·σ(2x) − 1 with gradient 1 − tanh²(x). */
export function fastTanh<T extends TfTensor>(x: T): T {
  return tanhOp(x) as T;
}
