/**
 * The PPO update (Schulman et al. 2017) on WebAssembly SIMD kernels generated for the
 * network's shape (lib/rl/nn): clipped surrogate, optionally clipped value loss, entropy
 * bonus, per-minibatch advantage normalization, global gradient-norm clipping and Adam, over
 * several epochs of shuffled minibatches with early stopping on the approximate KL.
 *
 * The loss of a minibatch of m rows, with r = exp(log π(a|s) − log π_old(a|s)) and
 * normalized advantages Â:
 *
 *     L = −mean(min(r·Â, clip(r, 1 ± ε)·Â)) − entCoef·H(π) + vfCoef·½·mean(max((V − R)²,
 *         (V_old + clip(V − V_old, ±ε_V) − R)²))
 *
 * Its gradient is computed in chunks of consecutive rows on the engine's threads and added in
 * chunk order, so an update gives the same bits with any number of threads. The same update in
 * TensorFlow.js ({@linkcode TfjsPpoLearner}) is the reference the tests check it against.
 *
 * A non-finite loss or gradient aborts the update: the parameters and Adam's state are put
 * back as they were before it and a {@linkcode NonFiniteError} is thrown.
 *
 * @module
 */
import { AlpeError } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import type { RolloutBuffer } from "./buffer.ts";
import type { PpoConfig } from "./config.ts";
import { Adam } from "./nn/adam.ts";
import { defaultThreads, NnEngine } from "./nn/engine.ts";
import type { MlpLayout } from "./nn/mlp.ts";
import { chunkCount, makePlan } from "./nn/plan.ts";
import { PPO_ARGS, PPO_STATS } from "./nn/tasks.ts";
import type { NamedArray, NetworkSpec, PolicyWeights } from "./params.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/** Statistics of one update, averaged over the minibatches that ran. */
export interface UpdateStats {
  /** Clipped surrogate loss (negated objective). */
  policyLoss: number;
  /** Value loss (½ squared error, clipped if configured). */
  valueLoss: number;
  /** Policy entropy (nats, normalized action space). */
  entropy: number;
  /** Approximate KL(old‖new), the k3 estimator (r − 1) − log r. */
  approxKl: number;
  /** Fraction of samples whose ratio was clipped. */
  clipFraction: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** 1 − Var(returns − values) / Var(returns), before the update. */
  explainedVariance: number;
  /** Epochs run (fewer than configured after a KL early stop). */
  epochs: number;
  /** Gradient steps taken. */
  gradSteps: number;
}

/** A PPO update produced a non-finite loss or gradient; nothing was changed. */
export class NonFiniteError extends AlpeError {
  /** What was not finite, e.g. `gradient norm`. */
  readonly what: string;
  /** Creates the error. */
  constructor(what: string, message: string) {
    super(message);
    this.name = "NonFiniteError";
    this.what = what;
  }
}

/** Entropy of a diagonal Gaussian with the given log standard deviations. */
export function gaussianEntropy(logStd: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < logStd.length; j++) s += logStd[j] + 0.5 * (1 + LOG_2PI);
  return s;
}

/** 1 − Var(y − ŷ) / Var(y) (NaN when Var(y) = 0). */
export function explainedVariance(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  let my = 0, md = 0;
  for (let i = 0; i < n; i++) {
    my += y[i];
    md += y[i] - pred[i];
  }
  my /= n;
  md /= n;
  let vy = 0, vd = 0;
  for (let i = 0; i < n; i++) {
    vy += (y[i] - my) ** 2;
    vd += (y[i] - pred[i] - md) ** 2;
  }
  return vy === 0 ? NaN : 1 - vd / vy;
}

/** Options of {@linkcode PpoLearner.create}. */
export interface LearnerOptions {
  /** Threads computing gradients (default: the cores, at most the chunks of a minibatch). */
  threads?: number;
  /** Rows of the inference buffers (the rollout's number of envs). */
  inferRows?: number;
}

/**
 * PPO updates, the rollout policy's forward pass and the checkpointed state (parameters and
 * Adam), on an {@linkcode NnEngine}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../rng/rng.ts";
 * import { RolloutBuffer } from "./buffer.ts";
 * import { parseTrainConfig } from "./config.ts";
 * import { PpoLearner } from "./learner.ts";
 * import { initialParameters } from "./params.ts";
 * const spec = { obsDim: 3, actDim: 2, hiddenSizes: [16], initLogStd: -0.5 };
 * const n = 32;
 * const cfg = parseTrainConfig({ ppo: { numEnvs: 1, nSteps: n, minibatchSize: 16, epochs: 2 } });
 * const params = initialParameters(spec, new Rng("0/init"));
 * const learner = await PpoLearner.create(spec, cfg.ppo, params, { threads: 1, inferRows: n });
 * // One-step episodes: actions sampled from the policy, reward 1 when action 0 is positive.
 * const r = new Rng("0/data"), buf = new RolloutBuffer(n, 1, spec.obsDim, spec.actDim);
 * for (let i = 0; i < buf.obs.length; i++) learner.input[i] = buf.obs[i] = r.normal();
 * learner.forward(n); // the policy means of the n inputs
 * const std = Math.exp(spec.initLogStd);
 * for (let i = 0; i < n; i++) {
 *   let logp = 0;
 *   for (let j = 0; j < spec.actDim; j++) {
 *     const eps = r.normal();
 *     buf.actions[i * 2 + j] = learner.means[i * 2 + j] + std * eps;
 *     logp += -0.5 * eps * eps - Math.log(std) - 0.5 * Math.log(2 * Math.PI);
 *   }
 *   buf.logProbs[i] = logp;
 *   buf.rewards[i] = buf.actions[i * 2] > 0 ? 1 : 0;
 *   buf.dones[i] = 1;
 * }
 * buf.computeGae(Float64Array.of(0), cfg.ppo.gamma, cfg.ppo.gaeLambda);
 * learner.learningRate = 1e-3;
 * const stats = learner.update(buf, new Rng("0/shuffle/1"));
 * assert.equal(stats.gradSteps, 2 * stats.epochs); // minibatches of 16
 * assert.ok(stats.approxKl >= 0 && Number.isFinite(stats.policyLoss));
 * assert.notDeepEqual(learner.parameters(), params);
 * learner.dispose();
 * ```
 */
export class PpoLearner {
  /** The network shape. */
  readonly spec: NetworkSpec;
  /** Hyperparameters. */
  readonly cfg: PpoConfig;
  /** Kernels, memory and threads. */
  readonly engine: NnEngine;
  /** Adam (its step count is checkpointed). */
  readonly adam: Adam;
  /** Learning rate of the next update. */
  learningRate: number;
  readonly #actor: MlpLayout;
  readonly #critic: MlpLayout;
  readonly #logStd: number;
  #perm: Int32Array = new Int32Array(0);
  #backup = new Float32Array(0);

  private constructor(spec: NetworkSpec, cfg: PpoConfig, engine: NnEngine) {
    this.spec = spec;
    this.cfg = cfg;
    this.engine = engine;
    this.adam = new Adam({ beta1: 0.9, beta2: 0.999, eps: cfg.adamEps });
    this.learningRate = cfg.learningRate;
    [this.#actor, this.#critic] = engine.ctx.layouts as MlpLayout[];
    this.#logStd = engine.plan.netOffsets[1] + this.#critic.floats;
  }

  /** A learner for `spec` and `cfg` starting from `params` (canonical names). */
  static async create(
    spec: NetworkSpec,
    cfg: PpoConfig,
    params: readonly NamedArray[],
    opts: LearnerOptions = {},
  ): Promise<PpoLearner> {
    const m = cfg.minibatchSize;
    const threads = opts.threads ?? defaultThreads(chunkCount(m));
    const hidden = spec.hiddenSizes;
    const planFor = (t: number) =>
      makePlan(
        "ppo",
        [[spec.obsDim, ...hidden, spec.actDim], [spec.obsDim, ...hidden, 1]],
        spec.actDim,
        { obs: spec.obsDim, act: spec.actDim, logp: 2, /* f64 */ adv: 1, ret: 1, val: 1 },
        m,
        Math.max(1, Math.min(t, chunkCount(m))),
        Math.max(1, opts.inferRows ?? 1),
      );
    let engine: NnEngine;
    try {
      engine = await NnEngine.create(planFor(threads));
    } catch (err) {
      if (threads <= 1) throw err;
      // Workers could not start (e.g. no permission to load their module): one thread gives
      // the same results, only slower.
      console.warn(`ppo: gradient workers unavailable (${(err as Error).message}); using 1 thread`);
      engine = await NnEngine.create(planFor(1));
    }
    const learner = new PpoLearner(spec, cfg, engine);
    learner.setParameters(params);
    return learner;
  }

  /** Threads computing gradients. */
  get threads(): number {
    return this.engine.threads;
  }

  /** The log standard deviations (a copy). */
  get logStd(): Float32Array {
    const o = this.engine.param(this.#logStd);
    return this.engine.f32.slice(o, o + this.spec.actDim);
  }

  /** One PPO update on `buf` (advantages and returns already computed); `rng` shuffles. */
  update(buf: RolloutBuffer, rng: Rng): UpdateStats {
    const cfg = this.cfg;
    const e = this.engine, p = e.plan, f32 = e.f32, f64 = e.f64;
    const n = buf.size;
    if (this.#perm.length !== n) this.#perm = new Int32Array(n);
    const perm = this.#perm;
    for (let i = 0; i < n; i++) perm[i] = i;
    const m = cfg.minibatchSize;
    const nMb = Math.floor(n / m);
    const A = p.args / 8;
    f64[A + PPO_ARGS.ROWS] = m;
    f64[A + PPO_ARGS.CHUNKS] = chunkCount(m);
    f64[A + PPO_ARGS.CLIP] = cfg.clipRange;
    f64[A + PPO_ARGS.CLIP_VALUE] = cfg.clipRangeValue;
    f64[A + PPO_ARGS.VF_COEF] = cfg.vfCoef;
    this.#save();
    const stepsBefore = this.adam.steps;
    const sums = new Float64Array(6);
    let steps = 0;
    let epochs = 0;
    try {
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
          const s = this.#step(m, epoch, b);
          for (let k = 0; k < 6; k++) sums[k] += s[k];
          epochKl += s[3];
          steps++;
        }
        epochs++;
        if (cfg.targetKl !== null && epochKl / nMb > cfg.targetKl) break;
      }
    } catch (err) {
      this.#restore();
      this.adam.steps = stepsBefore;
      throw err;
    }
    void f32;
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

  readonly #stats = new Float64Array(6);

  /** One minibatch step; returns [pg, value, entropy, kl, clipFrac, gradNorm]. */
  #step(m: number, epoch: number, mb: number): Float64Array {
    const e = this.engine, p = e.plan, f32 = e.f32, f64 = e.f64;
    const chunks = e.gradient(m);
    let pg = 0, vl = 0, kl = 0, cf = 0;
    for (let c = 0; c < chunks; c++) {
      const s = p.stats / 8 + c * 16;
      pg += f64[s + PPO_STATS.PG];
      vl += f64[s + PPO_STATS.VALUE];
      kl += f64[s + PPO_STATS.KL];
      cf += f64[s + PPO_STATS.CLIP_FRAC];
    }
    const d = this.spec.actDim;
    const ls = e.param(this.#logStd), gs = p.grad / 4 + this.#logStd;
    let entropy = 0;
    for (let j = 0; j < d; j++) {
      entropy += f32[ls + j] + 0.5 * (1 + LOG_2PI);
      f32[gs + j] -= this.cfg.entCoef; // d(−entCoef·H)/d logStd_j
    }
    let sq = 0;
    for (let i = 0, g = p.grad / 4; i < p.paramFloats; i++) sq += f32[g + i] * f32[g + i];
    const norm = Math.sqrt(sq);
    const where = `epoch ${epoch + 1}, minibatch ${mb + 1}`;
    if (!Number.isFinite(pg) || !Number.isFinite(vl)) {
      throw new NonFiniteError(
        "loss",
        `non-finite loss (policy ${pg / m}, value ${vl / m}) at ${where}`,
      );
    }
    if (!Number.isFinite(norm)) {
      throw new NonFiniteError("gradient", `non-finite gradient norm (${norm}) at ${where}`);
    }
    const scale = Math.min(1, this.cfg.maxGradNorm / (norm + 1e-6));
    this.adam.step(e, this.learningRate, scale);
    e.transpose();
    const out = this.#stats;
    out[0] = pg / m;
    out[1] = vl / m;
    out[2] = entropy;
    out[3] = kl / m;
    out[4] = cf / m;
    out[5] = norm;
    return out;
  }

  #gather(buf: RolloutBuffer, perm: Int32Array, start: number): void {
    const e = this.engine, b = e.plan.batch, f32 = e.f32, f64 = e.f64;
    const m = this.cfg.minibatchSize;
    const od = buf.obsDim, ad = buf.actDim;
    const obs = b.obs[0] / 4, act = b.act[0] / 4, logp = b.logp[0] / 8;
    const adv = b.adv[0] / 4, ret = b.ret[0] / 4, val = b.val[0] / 4;
    let mean = 0;
    for (let r = 0; r < m; r++) {
      const k = perm[start + r];
      for (let j = 0; j < od; j++) f32[obs + r * od + j] = buf.obs[k * od + j];
      for (let j = 0; j < ad; j++) f32[act + r * ad + j] = buf.actions[k * ad + j];
      f64[logp + r] = buf.logProbs[k];
      f32[ret + r] = buf.returns[k];
      f32[val + r] = buf.values[k];
      mean += buf.advantages[k];
    }
    mean /= m;
    let v = 0;
    for (let r = 0; r < m; r++) v += (buf.advantages[perm[start + r]] - mean) ** 2;
    const sd = Math.sqrt(v / Math.max(1, m - 1)) + 1e-8;
    for (let r = 0; r < m; r++) f32[adv + r] = (buf.advantages[perm[start + r]] - mean) / sd;
  }

  /** Copies parameters and Adam's moments aside (to undo a failed update). */
  #save(): void {
    const p = this.engine.plan, n = p.paramFloats, f32 = this.engine.f32;
    if (this.#backup.length !== 3 * n) this.#backup = new Float32Array(3 * n);
    this.#backup.set(f32.subarray(p.params / 4, p.params / 4 + n), 0);
    this.#backup.set(f32.subarray(p.m / 4, p.m / 4 + n), n);
    this.#backup.set(f32.subarray(p.v / 4, p.v / 4 + n), 2 * n);
  }

  #restore(): void {
    const p = this.engine.plan, n = p.paramFloats, f32 = this.engine.f32;
    f32.set(this.#backup.subarray(0, n), p.params / 4);
    f32.set(this.#backup.subarray(n, 2 * n), p.m / 4);
    f32.set(this.#backup.subarray(2 * n, 3 * n), p.v / 4);
    this.engine.transpose();
  }

  // ---- Inference (rollouts) -------------------------------------------------------------

  /** The f32 input rows of {@linkcode PpoLearner.forward} (`inferRows × obsDim`). */
  get input(): Float32Array {
    const p = this.engine.plan;
    return this.engine.f32.subarray(p.infer.x / 4, p.infer.x / 4 + p.inferRows * this.spec.obsDim);
  }

  /** Policy means (`rows × actDim`) of the last {@linkcode PpoLearner.forward}. */
  get means(): Float32Array {
    const acts = this.engine.plan.infer.nets[0].acts;
    const o = acts[acts.length - 1] / 4;
    return this.engine.f32.subarray(o, o + this.engine.plan.inferRows * this.spec.actDim);
  }

  /** Float index in `engine.f32` of the first policy mean (rows `actDim` apart). */
  get meansOffset(): number {
    const acts = this.engine.plan.infer.nets[0].acts;
    return acts[acts.length - 1] / 4;
  }

  /** Float index in `engine.f32` of the first value (rows `valueStride` apart). */
  get valuesOffset(): number {
    const acts = this.engine.plan.infer.nets[1].acts;
    return acts[acts.length - 1] / 4;
  }

  /** Distance between values of consecutive rows, floats. */
  get valueStride(): number {
    return this.#critic.outStride;
  }

  /** Policy means and values of the first `rows` rows of {@linkcode PpoLearner.input}. */
  forward(rows: number): void {
    this.engine.forward(0, rows);
    this.engine.forward(1, rows);
  }

  // ---- Parameters and Adam state --------------------------------------------------------

  #toNamed(base: number): NamedArray[] {
    const f32 = this.engine.f32;
    const out: NamedArray[] = [];
    for (const [name, layout, off] of this.#nets()) {
      layout.layers.forEach((l, i) => {
        const w = new Float32Array(l.shape.inSize * l.shape.outSize);
        const b = new Float32Array(l.shape.outSize);
        layout.read(f32, base + off, i, w, b);
        out.push({
          name: `${name}/dense${i}/kernel`,
          shape: [l.shape.inSize, l.shape.outSize],
          data: w,
        });
        out.push({ name: `${name}/dense${i}/bias`, shape: [l.shape.outSize], data: b });
      });
    }
    const ls = base + this.#logStd;
    out.push({
      name: "actor/logStd",
      shape: [this.spec.actDim],
      data: f32.slice(ls, ls + this.spec.actDim),
    });
    return out;
  }

  #fromNamed(base: number, arrays: readonly NamedArray[], prefix: string): void {
    const byName = new Map(arrays.map((a) => [a.name, a]));
    const get = (name: string, len: number) => {
      const a = byName.get(prefix + name);
      if (!a || a.data.length !== len) {
        throw new RangeError(`${prefix}${name}: expected ${len} values, got ${a?.data.length}`);
      }
      return a.data;
    };
    const f32 = this.engine.f32;
    f32.fill(0, base, base + this.engine.plan.paramFloats);
    for (const [name, layout, off] of this.#nets()) {
      layout.layers.forEach((l, i) => {
        layout.write(
          f32,
          base + off,
          i,
          get(`${name}/dense${i}/kernel`, l.shape.inSize * l.shape.outSize),
          get(`${name}/dense${i}/bias`, l.shape.outSize),
        );
      });
    }
    f32.set(get("actor/logStd", this.spec.actDim), base + this.#logStd);
  }

  *#nets(): Generator<[string, MlpLayout, number]> {
    yield ["actor", this.#actor, this.engine.plan.netOffsets[0]];
    yield ["critic", this.#critic, this.engine.plan.netOffsets[1]];
  }

  /** The parameters as named arrays (copies) in canonical order (see `parameterShapes`). */
  parameters(): NamedArray[] {
    return this.#toNamed(this.engine.param(0));
  }

  /** Overwrites the parameters with `params` (canonical names and sizes). */
  setParameters(params: readonly NamedArray[]): void {
    this.#fromNamed(this.engine.param(0), params, "");
    this.engine.transpose();
  }

  /** Copies the weights into plain arrays (for a TypeScript forward pass). */
  snapshot(): PolicyWeights {
    const named = new Map(this.parameters().map((a) => [a.name, a]));
    const mk = (name: string, layout: MlpLayout) => ({
      layers: layout.layers.map((l, i) => ({
        inSize: l.shape.inSize,
        outSize: l.shape.outSize,
        w: named.get(`${name}/dense${i}/kernel`)!.data,
        b: named.get(`${name}/dense${i}/bias`)!.data,
      })),
    });
    return {
      actor: mk("actor", this.#actor),
      critic: mk("critic", this.#critic),
      logStd: named.get("actor/logStd")!.data,
    };
  }

  /**
   * Adam's state as named arrays: `optimizer/iter` (the step count) and the first and second
   * moments `optimizer/m/<param>`, `optimizer/v/<param>` (absent before the first update).
   */
  optimizerState(): NamedArray[] {
    if (this.adam.steps === 0) return [];
    const p = this.engine.plan;
    const m = this.#toNamed(p.m / 4).map((a) => ({ ...a, name: `optimizer/m/${a.name}` }));
    const v = this.#toNamed(p.v / 4).map((a) => ({ ...a, name: `optimizer/v/${a.name}` }));
    return [
      { name: "optimizer/iter", shape: [], data: Float32Array.of(this.adam.steps) },
      ...m,
      ...v,
    ];
  }

  /** Restores a state written by {@linkcode PpoLearner.optimizerState} (empty: fresh Adam). */
  loadOptimizerState(state: readonly NamedArray[]): void {
    const p = this.engine.plan;
    const iter = state.find((a) => a.name === "optimizer/iter");
    if (!iter) {
      this.adam.steps = 0;
      this.engine.f32.fill(0, p.m / 4, p.m / 4 + p.paramFloats);
      this.engine.f32.fill(0, p.v / 4, p.v / 4 + p.paramFloats);
      return;
    }
    this.#fromNamed(p.m / 4, state, "optimizer/m/");
    this.#fromNamed(p.v / 4, state, "optimizer/v/");
    this.adam.steps = iter.data[0];
  }

  /** Stops the gradient threads. */
  dispose(): void {
    this.engine.dispose();
  }
}
