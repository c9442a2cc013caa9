/**
 * Names for the tfjs types that appear in lib/rl's public API.
 *
 * @module
 */
import type * as tf from "npm:@tensorflow/tfjs@4.22.0";

/** A tfjs tensor. */
export type TfTensor = tf.Tensor;
/** A 1-D tfjs tensor. */
export type TfTensor1D = tf.Tensor1D;
/** A 2-D tfjs tensor. */
export type TfTensor2D = tf.Tensor2D;
/** A trainable tfjs variable. */
export type TfVariable = tf.Variable;
/** tfjs's Adam optimizer. */
export type TfAdamOptimizer = tf.AdamOptimizer;
