/**
 * Chunk gradients of the training tasks, run by every thread of the pool on its share of a
 * minibatch: the PPO loss of an actor-critic ({@linkcode ppoChunk}) and the mean squared
 * error of a regression MLP ({@linkcode mseChunk}, for benchmarks and gradient checks). Each
 * writes the gradient of its chunk into the chunk's slot and its loss sums into the chunk's
 * statistics; per-row arithmetic is in f64, so it does not depend on where a row falls.
 *
 * @module
 */
import { backwardPass, forwardPass, type KernelExports, MlpLayout } from "./mlp.ts";
import { BLOCK_ROWS, chunkRows, type TaskPlan } from "./plan.ts";

/** What a thread holds to run chunks: the plan, its kernels and views of the memory. */
export interface ThreadContext {
  /** The plan. */
  readonly plan: TaskPlan;
  /** Layouts of the plan's networks. */
  readonly layouts: readonly MlpLayout[];
  /** The kernels (instantiated on the shared memory). */
  readonly k: KernelExports;
  /** f32 view of the memory. */
  readonly f32: Float32Array;
  /** f64 view of the memory. */
  readonly f64: Float64Array;
}

/** A thread context for `plan` on `memory` with the kernels `k`. */
export function threadContext(
  plan: TaskPlan,
  memory: WebAssembly.Memory,
  k: KernelExports,
): ThreadContext {
  return {
    plan,
    layouts: plan.nets.map((s) => new MlpLayout(s)),
    k,
    f32: new Float32Array(memory.buffer),
    f64: new Float64Array(memory.buffer),
  };
}

/** Indices of the PPO job arguments in the plan's f64 `args`. */
export const PPO_ARGS = { ROWS: 0, CHUNKS: 1, CLIP: 2, CLIP_VALUE: 3, VF_COEF: 4 } as const;
/** Indices of the PPO chunk statistics (f64, 16 per chunk). */
export const PPO_STATS = { PG: 0, VALUE: 1, KL: 2, CLIP_FRAC: 3 } as const;

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Log-density of a diagonal Gaussian at `a[ai…]` around `mu[mi…]` (f32 values), with
 * `invStd[j] = exp(−logStd[j])` and `logStdSum = Σ logStd`; the standardized residuals go to
 * `z`. The rollout and the update compute it with this one function on the same f32 inputs,
 * so the first ratio of an update is exactly 1.
 */
export function gaussianLogProb(
  a: Float32Array,
  ai: number,
  mu: Float32Array,
  mi: number,
  invStd: Float64Array,
  logStdSum: number,
  z: Float64Array,
): number {
  const d = invStd.length;
  let sq = 0;
  for (let j = 0; j < d; j++) {
    const zj = (a[ai + j] - mu[mi + j]) * invStd[j];
    z[j] = zj;
    sq += zj * zj;
  }
  return -0.5 * sq - logStdSum - d * HALF_LOG_2PI;
}

const zBuf = new Float64Array(64);
const invBuf = new Float64Array(64);
const gLog = new Float64Array(64);

/**
 * The PPO loss gradient of chunk `c` (see the learner for the loss): clipped surrogate,
 * optionally clipped value loss (`vfCoef`-weighted), both means over the minibatch rows;
 * the gradient of the state-independent log standard deviations is summed in f64 over the
 * chunk's rows in order. The entropy bonus does not depend on rows and is added by the caller.
 */
export function ppoChunk(ctx: ThreadContext, c: number, thread: number): void {
  const { plan, k, f32, f64, layouts } = ctx;
  const A = plan.args / 8;
  const m = f64[A + PPO_ARGS.ROWS], chunks = f64[A + PPO_ARGS.CHUNKS];
  const clip = f64[A + PPO_ARGS.CLIP], clipV = f64[A + PPO_ARGS.CLIP_VALUE];
  const vf = f64[A + PPO_ARGS.VF_COEF];
  const [r0, r1] = chunkRows(m, chunks, c);
  const [actor, critic] = layouts;
  const slot = plan.slots + c * plan.slotBytes;
  f32.fill(0, slot / 4, slot / 4 + plan.paramFloats);
  const sa = plan.scratch[thread][0], sc = plan.scratch[thread][1];
  const pA = plan.params + plan.netOffsets[0] * 4, pC = plan.params + plan.netOffsets[1] * 4;
  const extra = plan.params / 4 + plan.netOffsets[1] + critic.floats;
  const d = actor.outSize;
  const invStd = invBuf.subarray(0, d), z = zBuf.subarray(0, d), gl = gLog.subarray(0, d);
  let logStdSum = 0;
  for (let j = 0; j < d; j++) {
    invStd[j] = Math.exp(-f32[extra + j]);
    logStdSum += f32[extra + j];
    gl[j] = 0;
  }
  const [obs, obsW] = plan.batch.obs;
  const act = plan.batch.act[0] / 4, logp0 = plan.batch.logp[0] / 8, adv = plan.batch.adv[0] / 4;
  const ret = plan.batch.ret[0] / 4, val = plan.batch.val[0] / 4;
  const muOut = sa.acts[sa.acts.length - 1] / 4, vOut = sc.acts[sc.acts.length - 1] / 4;
  const dMu = sa.dOut / 4, dV = sc.dOut / 4;
  const cs = critic.outStride;
  let pg = 0, vl = 0, kl = 0, cf = 0;
  for (let b = r0; b < r1; b += BLOCK_ROWS) {
    const n = Math.min(BLOCK_ROWS, r1 - b);
    const x = obs + b * obsW * 4;
    forwardPass(k, actor, pA, x, n, sa);
    forwardPass(k, critic, pC, x, n, sc);
    for (let i = 0; i < n; i++) {
      const row = b + i;
      const logp = gaussianLogProb(f32, act + row * d, f32, muOut + i * d, invStd, logStdSum, z);
      const logRatio = logp - f64[logp0 + row]; // old log-probabilities are f64
      const ratio = Math.exp(logRatio);
      const adv_ = f32[adv + row];
      const s1 = ratio * adv_;
      const s2 = (ratio < 1 - clip ? 1 - clip : ratio > 1 + clip ? 1 + clip : ratio) * adv_;
      pg -= s1 <= s2 ? s1 : s2;
      // d(loss)/d(logp): the unclipped branch carries the gradient (tfjs's minimum rule).
      const g = s1 <= s2 ? -s1 / m : 0;
      for (let j = 0; j < d; j++) {
        f32[dMu + i * d + j] = g * z[j] * invStd[j];
        gl[j] += g * (z[j] * z[j] - 1);
      }
      kl += ratio - 1 - logRatio;
      if (Math.abs(ratio - 1) > clip) cf++;
      const v = f32[vOut + i * cs], target = f32[ret + row];
      const d1 = v - target;
      let gv = d1;
      if (clipV > 0) {
        const old = f32[val + row];
        const delta = v - old;
        const d2 = old + (delta < -clipV ? -clipV : delta > clipV ? clipV : delta) - target;
        if (d1 * d1 >= d2 * d2) vl += 0.5 * d1 * d1;
        else {
          vl += 0.5 * d2 * d2;
          gv = delta >= -clipV && delta <= clipV ? d2 : 0;
        }
      } else vl += 0.5 * d1 * d1;
      f32[dV + i * cs] = (vf * gv) / m;
      for (let j = 1; j < cs; j++) f32[dV + i * cs + j] = 0;
    }
    backwardPass(k, actor, plan.wt[0], x, sa.dOut, n, sa, slot + plan.netOffsets[0] * 4);
    backwardPass(k, critic, plan.wt[1], x, sc.dOut, n, sc, slot + plan.netOffsets[1] * 4);
  }
  const gs = slot / 4 + plan.netOffsets[1] + critic.floats;
  for (let j = 0; j < d; j++) f32[gs + j] = gl[j];
  const S = plan.stats / 8 + c * 16;
  f64[S + PPO_STATS.PG] = pg;
  f64[S + PPO_STATS.VALUE] = vl;
  f64[S + PPO_STATS.KL] = kl;
  f64[S + PPO_STATS.CLIP_FRAC] = cf;
}

/** Indices of the MSE job arguments. */
export const MSE_ARGS = { ROWS: 0, CHUNKS: 1 } as const;

/**
 * The gradient of the mean squared error `mean((net(x) − y)²)` (over rows and outputs, as
 * PyTorch's `MSELoss`) of chunk `c` of the minibatch columns `x` and `y`.
 */
export function mseChunk(ctx: ThreadContext, c: number, thread: number): void {
  const { plan, k, f32, f64, layouts } = ctx;
  const A = plan.args / 8;
  const m = f64[A + MSE_ARGS.ROWS], chunks = f64[A + MSE_ARGS.CHUNKS];
  const [r0, r1] = chunkRows(m, chunks, c);
  const net = layouts[0];
  const slot = plan.slots + c * plan.slotBytes;
  f32.fill(0, slot / 4, slot / 4 + plan.paramFloats);
  const s = plan.scratch[thread][0];
  const [xs, xw] = plan.batch.x;
  const [ys, yw] = plan.batch.y;
  const out = s.acts[s.acts.length - 1] / 4, dOut = s.dOut / 4;
  const os = net.outStride, od = net.outSize;
  const scale = 2 / (m * od);
  let loss = 0;
  for (let b = r0; b < r1; b += BLOCK_ROWS) {
    const n = Math.min(BLOCK_ROWS, r1 - b);
    const x = xs + b * xw * 4;
    forwardPass(k, net, plan.params, x, n, s);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < os; j++) {
        if (j < od) {
          const e = f32[out + i * os + j] - f32[ys / 4 + (b + i) * yw + j];
          loss += e * e;
          f32[dOut + i * os + j] = scale * e;
        } else f32[dOut + i * os + j] = 0;
      }
    }
    backwardPass(k, net, plan.wt[0], x, s.dOut, n, s, slot);
  }
  f64[plan.stats / 8 + c * 16] = loss;
}

/** The chunk function of each task kind. */
export const TASKS: Record<TaskPlan["kind"], (ctx: ThreadContext, c: number, t: number) => void> = {
  ppo: ppoChunk,
  mse: mseChunk,
};
