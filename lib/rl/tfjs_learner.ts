/**
 * The PPO update in TensorFlow.js (autodiff on the wasm backend): the reference
 * implementation of {@linkcode PpoLearner}'s update, kept to check the generated kernels'
 * gradients against tfjs's (tests/rl) and to measure them against tfjs (the `nn` benchmark).
 * Same loss, same minibatches, same Adam; about an order of magnitude slower.
 *
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import type { Rng } from "../rng/rng.ts";
import type { RolloutBuffer } from "./buffer.ts";
import type { PpoConfig } from "./config.ts";
import { explainedVariance, type UpdateStats } from "./learner.ts";
import type { ActorCritic } from "./network.ts";
import type { NamedArray } from "./params.ts";
import type { TfAdamOptimizer } from "./tf_types.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Runs PPO updates on an {@linkcode ActorCritic} with tfjs's autodiff and Adam.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../rng/rng.ts";
 * import { RolloutBuffer } from "./buffer.ts";
 * import { parseTrainConfig } from "./config.ts";
 * import { mlpForward } from "./mlp.ts";
 * import { ActorCritic } from "./network.ts";
 * import { initialParameters } from "./params.ts";
 * import { TfjsPpoLearner } from "./tfjs_learner.ts";
 * const spec = { obsDim: 3, actDim: 2, hiddenSizes: [8], initLogStd: -0.5 };
 * const n = 16;
 * const cfg = parseTrainConfig({ ppo: { numEnvs: 1, nSteps: n, minibatchSize: 8, epochs: 1 } });
 * const net = new ActorCritic(spec, initialParameters(spec, new Rng("0/init")));
 * // One-step episodes: actions sampled from the policy, reward 1 when action 0 is positive.
 * const r = new Rng("0/data"), buf = new RolloutBuffer(n, 1, spec.obsDim, spec.actDim);
 * for (let i = 0; i < buf.obs.length; i++) buf.obs[i] = r.normal();
 * const mean = new Float64Array(n * spec.actDim);
 * mlpForward(net.snapshot().actor, buf.obs, n, mean, new Float64Array(16));
 * const std = Math.exp(spec.initLogStd);
 * for (let i = 0; i < n; i++) {
 *   let logp = 0;
 *   for (let j = 0; j < spec.actDim; j++) {
 *     const eps = r.normal();
 *     buf.actions[i * 2 + j] = mean[i * 2 + j] + std * eps;
 *     logp += -0.5 * eps * eps - Math.log(std) - 0.5 * Math.log(2 * Math.PI);
 *   }
 *   buf.logProbs[i] = logp;
 *   buf.rewards[i] = buf.actions[i * 2] > 0 ? 1 : 0;
 *   buf.dones[i] = 1;
 * }
 * buf.computeGae(Float64Array.of(0), cfg.ppo.gamma, cfg.ppo.gaeLambda);
 * const learner = new TfjsPpoLearner(net, cfg.ppo);
 * learner.learningRate = 1e-3;
 * const stats = learner.update(buf, new Rng("0/shuffle/1"));
 * assert.equal(stats.gradSteps, 2); // 1 epoch of 2 minibatches of 8
 * assert.ok(stats.approxKl >= 0 && Number.isFinite(stats.policyLoss));
 * learner.dispose();
 * net.dispose();
 * ```
 */
export class TfjsPpoLearner {
  /** The network being trained. */
  readonly net: ActorCritic;
  /** Hyperparameters. */
  readonly cfg: PpoConfig;
  /** Adam. */
  readonly optimizer: TfAdamOptimizer;
  #perm: Int32Array = new Int32Array(0);
  readonly #mb: {
    obs: Float32Array;
    act: Float32Array;
    logp: Float32Array;
    adv: Float32Array;
    ret: Float32Array;
    val: Float32Array;
  };

  /** Creates Adam for `net` with `cfg`'s learning rate and ε. */
  constructor(net: ActorCritic, cfg: PpoConfig) {
    this.net = net;
    this.cfg = cfg;
    this.optimizer = tf.train.adam(cfg.learningRate, 0.9, 0.999, cfg.adamEps);
    const m = cfg.minibatchSize;
    this.#mb = {
      obs: new Float32Array(m * net.spec.obsDim),
      act: new Float32Array(m * net.spec.actDim),
      logp: new Float32Array(m),
      adv: new Float32Array(m),
      ret: new Float32Array(m),
      val: new Float32Array(m),
    };
  }

  /** Current Adam learning rate. */
  get learningRate(): number {
    return (this.optimizer as unknown as { learningRate: number }).learningRate;
  }

  /** Sets the Adam learning rate (for annealing). */
  set learningRate(lr: number) {
    (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
  }

  /** One PPO update on `buf` (advantages and returns already computed); `rng` shuffles. */
  update(buf: RolloutBuffer, rng: Rng): UpdateStats {
    const cfg = this.cfg;
    const n = buf.size;
    if (this.#perm.length !== n) this.#perm = new Int32Array(n);
    const perm = this.#perm;
    for (let i = 0; i < n; i++) perm[i] = i;
    const m = cfg.minibatchSize;
    const nMb = Math.floor(n / m);
    const sums = new Float64Array(6);
    let steps = 0;
    let epochs = 0;
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      let epochKl = 0;
      for (let b = 0; b < nMb; b++) {
        this.#gather(buf, perm, b * m);
        const s = this.#step(m);
        for (let k = 0; k < 6; k++) sums[k] += s[k];
        epochKl += s[3];
        steps++;
      }
      epochs++;
      if (cfg.targetKl !== null && epochKl / nMb > cfg.targetKl) break;
    }
    return {
      policyLoss: sums[0] / steps,
      valueLoss: sums[1] / steps,
      entropy: sums[2] / steps,
      approxKl: sums[3] / steps,
      clipFraction: sums[4] / steps,
      gradNorm: sums[5] / steps,
      explainedVariance: explainedVariance(buf.values, buf.returns),
      epochs,
      gradSteps: steps,
    };
  }

  #gather(buf: RolloutBuffer, perm: Int32Array, start: number): void {
    const mb = this.#mb;
    const m = this.cfg.minibatchSize;
    const od = buf.obsDim, ad = buf.actDim;
    let mean = 0;
    for (let r = 0; r < m; r++) {
      const k = perm[start + r];
      for (let j = 0; j < od; j++) mb.obs[r * od + j] = buf.obs[k * od + j];
      for (let j = 0; j < ad; j++) mb.act[r * ad + j] = buf.actions[k * ad + j];
      mb.logp[r] = buf.logProbs[k];
      mb.adv[r] = buf.advantages[k];
      mb.ret[r] = buf.returns[k];
      mb.val[r] = buf.values[k];
      mean += buf.advantages[k];
    }
    mean /= m;
    let v = 0;
    for (let r = 0; r < m; r++) v += (mb.adv[r] - mean) ** 2;
    const sd = Math.sqrt(v / Math.max(1, m - 1)) + 1e-8;
    for (let r = 0; r < m; r++) mb.adv[r] = (mb.adv[r] - mean) / sd;
  }

  #step(m: number): Float32Array {
    const cfg = this.cfg;
    const net = this.net;
    const { obsDim, actDim } = net.spec;
    const mb = this.#mb;
    const metrics = tf.tidy(() => {
      const x = tf.tensor2d(mb.obs, [m, obsDim]);
      const a = tf.tensor2d(mb.act, [m, actDim]);
      const oldLogp = tf.tensor1d(mb.logp);
      const adv = tf.tensor1d(mb.adv);
      const ret = tf.tensor1d(mb.ret);
      const oldV = tf.tensor1d(mb.val);
      let side: tf.Tensor1D | undefined;
      const { grads } = tf.variableGrads(() => {
        const mu = net.actorMean(x);
        const logStd = net.logStd;
        const z = tf.mul(tf.sub(a, mu), tf.exp(tf.neg(logStd)));
        const logp = tf.sub(
          tf.mul(tf.sum(tf.square(z), 1), -0.5),
          tf.add(tf.sum(logStd), 0.5 * actDim * LOG_2PI),
        );
        const logRatio = tf.sub(logp, oldLogp);
        const ratio = tf.exp(logRatio);
        const clipped = tf.clipByValue(ratio, 1 - cfg.clipRange, 1 + cfg.clipRange);
        const pgLoss = tf.neg(tf.mean(tf.minimum(tf.mul(ratio, adv), tf.mul(clipped, adv))));
        const v = net.value(x);
        let vLoss: tf.Scalar;
        if (cfg.clipRangeValue > 0) {
          const vClipped = tf.add(
            oldV,
            tf.clipByValue(tf.sub(v, oldV), -cfg.clipRangeValue, cfg.clipRangeValue),
          );
          vLoss = tf.mul(
            tf.mean(tf.maximum(tf.square(tf.sub(v, ret)), tf.square(tf.sub(vClipped, ret)))),
            0.5,
          );
        } else {
          vLoss = tf.mul(tf.mean(tf.square(tf.sub(v, ret))), 0.5);
        }
        const entropy = tf.add(tf.sum(logStd), 0.5 * actDim * (1 + LOG_2PI));
        const kl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio));
        const clipFrac = tf.mean(
          tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), cfg.clipRange), "float32"),
        );
        side = tf.keep(tf.stack([pgLoss, vLoss, entropy, kl, clipFrac]) as tf.Tensor1D);
        return tf.add(
          tf.sub(pgLoss, tf.mul(entropy, cfg.entCoef)),
          tf.mul(vLoss, cfg.vfCoef),
        ) as tf.Scalar;
      }, net.variables);
      const names = net.variables.map((v) => v.name);
      const norm = tf.sqrt(tf.addN(names.map((k) => tf.sum(tf.square(grads[k])))));
      const scale = tf.minimum(1, tf.div(cfg.maxGradNorm, tf.add(norm, 1e-6)));
      const scaled: Record<string, tf.Tensor> = {};
      for (const k of names) scaled[k] = tf.mul(grads[k], scale);
      this.optimizer.applyGradients(scaled as Record<string, tf.Variable>);
      const out = tf.concat([side!, tf.reshape(norm, [1])]);
      side!.dispose();
      return out;
    });
    const values = metrics.dataSync() as Float32Array;
    metrics.dispose();
    return values;
  }

  /**
   * Adam's state as named arrays (the checkpoint names): `optimizer/iter` (the step count) and
   * the first and second moments `optimizer/m/<param>`, `optimizer/v/<param>` (absent
   * before the first update).
   */
  async optimizerState(): Promise<NamedArray[]> {
    const weights = await this.optimizer.getWeights();
    const names = this.net.names;
    const out: NamedArray[] = [];
    const nMoments = (weights.length - 1) / 2;
    for (let i = 0; i < weights.length; i++) {
      const t = weights[i].tensor;
      const name = i === 0
        ? "optimizer/iter"
        : i <= nMoments
        ? `optimizer/m/${names[i - 1]}`
        : `optimizer/v/${names[i - 1 - nMoments]}`;
      out.push({ name, shape: t.shape, data: Float32Array.from(await t.data()) });
    }
    tf.dispose(weights[0].tensor);
    return out;
  }

  /** Restores a state written by {@linkcode TfjsPpoLearner.optimizerState}. */
  async loadOptimizerState(state: readonly NamedArray[]): Promise<void> {
    const byName = new Map(state.map((a) => [a.name, a]));
    const iter = byName.get("optimizer/iter");
    if (!iter) return;
    const names = this.net.names;
    const list: { name: string; tensor: tf.Tensor }[] = [{
      name: "iter",
      tensor: tf.scalar(iter.data[0], "int32"),
    }];
    for (const kind of ["m", "v"]) {
      for (let i = 0; i < names.length; i++) {
        const a = byName.get(`optimizer/${kind}/${names[i]}`);
        if (!a) continue;
        list.push({
          name: `${this.net.variables[i].name}/${kind}`,
          tensor: tf.tensor(a.data, a.shape as number[], "float32"),
        });
      }
    }
    await this.optimizer.setWeights(list);
    tf.dispose(list.map((w) => w.tensor));
  }

  /** Frees the optimizer's variables. */
  dispose(): void {
    this.optimizer.dispose();
  }
}
