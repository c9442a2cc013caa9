/**
 * The PPO actor-critic as tfjs variables (the reference implementation that the tests check
 * the WebAssembly kernels against; training uses {@linkcode PpoLearner}): a Gaussian policy
 * MLP (tanh hidden layers, linear mean head, state-independent log standard deviation) and a
 * separate value MLP. Parameters and their initialization are in `params.ts`.
 *
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import type { DenseWeights, MlpWeights } from "./mlp.ts";
import {
  type NamedArray,
  type NetworkSpec,
  parameterShapes,
  type PolicyWeights,
} from "./params.ts";
import { dense, fastTanh } from "./tf_ops.ts";
import type { TfTensor1D, TfTensor2D, TfVariable } from "./tf_types.ts";

let instances = 0;

/**
 * The actor-critic as tfjs variables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../rng/rng.ts";
 * import { ActorCritic } from "./network.ts";
 * import { initialParameters } from "./params.ts";
 * const spec = { obsDim: 9, actDim: 4, hiddenSizes: [64, 64], initLogStd: -0.5 };
 * const params = initialParameters(spec, new Rng("1/init"));
 * const net = new ActorCritic(spec, params);
 * const w = net.snapshot(); // plain arrays for rollouts
 * assert.deepEqual(w.actor.layers.map((l) => [l.inSize, l.outSize]), [[9, 64], [64, 64], [64, 4]]);
 * assert.deepEqual([...w.logStd], [-0.5, -0.5, -0.5, -0.5]);
 * assert.deepEqual(net.parameters(), params); // the variables hold the initial values
 * net.dispose();
 * ```
 */
export class ActorCritic {
  /** The network shape. */
  readonly spec: NetworkSpec;
  /** Trainable variables in canonical order (see {@linkcode parameterShapes}). */
  readonly variables: TfVariable[];
  /** Canonical names, parallel to `variables`. */
  readonly names: string[];
  readonly #actor: [tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>][] = [];
  readonly #critic: [tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>][] = [];
  readonly #logStd: tf.Variable<tf.Rank.R1>;

  /** Creates the variables from `params` (names and shapes must match `spec`). */
  constructor(spec: NetworkSpec, params: readonly NamedArray[]) {
    this.spec = spec;
    const shapes = parameterShapes(spec);
    const byName = new Map(params.map((p) => [p.name, p]));
    const prefix = `ppo${instances++}`;
    this.variables = shapes.map(({ name, shape }) => {
      const p = byName.get(name);
      if (!p) throw new Error(`missing parameter ${name}`);
      return tf.tidy(() =>
        tf.variable(tf.tensor(p.data, shape, "float32"), true, `${prefix}/${name}`)
      );
    });
    this.names = shapes.map((s) => s.name);
    const nLayers = spec.hiddenSizes.length + 1;
    for (let i = 0; i < nLayers; i++) {
      this.#actor.push([
        this.variables[2 * i] as tf.Variable<tf.Rank.R2>,
        this.variables[2 * i + 1] as tf.Variable<tf.Rank.R1>,
      ]);
      this.#critic.push([
        this.variables[2 * nLayers + 2 * i] as tf.Variable<tf.Rank.R2>,
        this.variables[2 * nLayers + 2 * i + 1] as tf.Variable<tf.Rank.R1>,
      ]);
    }
    this.#logStd = this.variables[4 * nLayers] as tf.Variable<tf.Rank.R1>;
  }

  /** The log standard deviation variable. */
  get logStd(): TfVariable {
    return this.#logStd;
  }

  /** Policy mean for a batch of (normalized) observations. */
  actorMean(x: TfTensor2D): TfTensor2D {
    return mlp(this.#actor, x);
  }

  /** State values for a batch of observations (1-D). */
  value(x: TfTensor2D): TfTensor1D {
    return tf.reshape(mlp(this.#critic, x), [-1]);
  }

  /** Copies the current weights into plain arrays. */
  snapshot(): PolicyWeights {
    const toMlp = (layers: [tf.Variable, tf.Variable][]): MlpWeights => ({
      layers: layers.map(([w, b]): DenseWeights => ({
        inSize: w.shape[0],
        outSize: w.shape[1]!,
        w: Float32Array.from(w.dataSync() as Float32Array),
        b: Float32Array.from(b.dataSync() as Float32Array),
      })),
    });
    return {
      actor: toMlp(this.#actor),
      critic: toMlp(this.#critic),
      logStd: Float32Array.from(this.#logStd.dataSync()),
    };
  }

  /** The parameters as named arrays (copies), in canonical order. */
  parameters(): NamedArray[] {
    return this.variables.map((v, i) => ({
      name: this.names[i],
      shape: v.shape,
      data: Float32Array.from(v.dataSync() as Float32Array),
    }));
  }

  /** Overwrites the variables with `params` (same names and shapes). */
  assign(params: readonly NamedArray[]): void {
    const byName = new Map(params.map((p) => [p.name, p]));
    this.variables.forEach((v, i) => {
      const p = byName.get(this.names[i])!;
      tf.tidy(() => v.assign(tf.tensor(p.data, v.shape, "float32")));
    });
  }

  /** Frees the variables. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

function mlp(layers: [tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>][], x: tf.Tensor2D) {
  let h = x;
  for (let i = 0; i < layers.length; i++) {
    const [w, b] = layers[i];
    h = dense(h, w, b);
    if (i + 1 < layers.length) h = fastTanh(h);
  }
  return h;
}
