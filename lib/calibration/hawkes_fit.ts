/**
 * Maximum-likelihood fit of a multivariate Hawkes process with exponential kernels (the
 * book tier's arrival process, `lib/market/hawkes.ts`) to event times.
 *
 * Model: λ_i(t) = μ_i + Σ_j α_ij β_j Σ_{t_k^j < t} e^(−β_j (t − t_k^j)) — one decay rate per
 * exciting kind j (`decays: "column"`, default) or one for all (`"shared"`): with a decay per
 * pair the likelihood is flat in the decays of pairs that barely excite each other, and their
 * standard errors are meaningless.
 *
 * Method: the log-likelihood by Ozaki's recursion, with its exact gradient by the same
 * recursion (D_j = ∂A_j/∂β_j obeys D_j(n) = e^(−β_j Δ)(D_j(n−1) − Δ·(A_j(n−1) + 1[k_{n−1} = j]))),
 * maximised by L-BFGS over the logarithms of the parameters (so they stay positive), from
 * the best of several starting decays. The value at the optimum is recomputed with
 * `hawkesLogLikelihood` (the library's own likelihood) and must agree. Standard errors are
 * the square roots of the diagonal of the inverse observed information (the Hessian of the
 * negative log-likelihood in the natural parameters, by central differences of the exact
 * gradient). Parameters at the boundary (an α that went to 0; the decay of a kind that
 * excites nothing) are reported as such, with no standard error, and left out of the
 * information matrix.
 *
 * Assumes: stationarity over the window, events observed exactly in [0, horizon] with none
 * before 0. Ignores: marks (sizes), intraday seasonality of the baselines (a fit over a whole
 * day absorbs it into the excitation: the branching ratio is then an upper bound).
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { hawkesLogLikelihood, type HawkesParams, spectralRadius } from "../market/hawkes.ts";
import { InsufficientDataError } from "./errors.ts";
import {
  covarianceFromHessian,
  hessianFromGradient,
  minimizeLbfgs,
  standardErrors,
} from "./optimize.ts";

/** Options of {@linkcode fitHawkes}. */
export interface HawkesFitOptions {
  /** Number of kinds K (default: 1 + the largest kind seen). */
  kinds?: number;
  /** One decay per exciting kind ("column", default) or one for all ("shared"). */
  decays?: "column" | "shared";
  /** Fewest events of each kind to fit (default 30). */
  minEvents?: number;
  /** L-BFGS iteration limit (default 1,000). */
  maxIterations?: number;
  /** Starting decay rates tried, per second (default 0.1, 1, 10, 100). */
  startDecays?: readonly number[];
}

/** A fitted Hawkes process with standard errors and fit diagnostics. */
export interface HawkesFit {
  /** The estimates (β expanded to K×K: `beta[i][j]` = the decay of kind j). */
  params: HawkesParams;
  /** Standard errors of μ (NaN where unavailable). */
  muSe: number[];
  /** Standard errors of α (NaN where unavailable, e.g. at the boundary 0). */
  alphaSe: number[][];
  /** Decay rate of each exciting kind j, per second. */
  decay: number[];
  /** Standard errors of the decays (NaN where unavailable). */
  decaySe: number[];
  /** Log-likelihood at the estimates (`hawkesLogLikelihood`). */
  logLikelihood: number;
  /** Log-likelihood of the best Poisson fit (μ_i = n_i / T), for a likelihood-ratio test. */
  poissonLogLikelihood: number;
  /** Spectral radius of α (below 1: stationary). */
  branchingRatio: number;
  /** Events per kind. */
  counts: number[];
  /** Observation window, seconds. */
  horizon: number;
  /** True when the optimizer met its convergence criterion. */
  converged: boolean;
  /** The optimizer's stopping reason. */
  reason: string;
  /** Iterations of the final optimization. */
  iterations: number;
  /** True when the standard errors could be computed (information positive definite). */
  seAvailable: boolean;
  /** Notes: parameters at the boundary, why standard errors are missing. */
  notes: string[];
}

interface Layout {
  k: number;
  nb: number; // number of decay parameters
  shared: boolean;
}

/**
 * Negative log-likelihood and its gradient in the natural parameters θ = (μ (K), α (K×K,
 * row-major), β (K or 1)). Returns NaN when a parameter is not positive or finite.
 */
function nllGrad(
  theta: Float64Array,
  grad: Float64Array,
  times: ArrayLike<number>,
  kinds: ArrayLike<number>,
  horizon: number,
  lay: Layout,
): number {
  const { k, shared } = lay;
  const mu = theta.subarray(0, k);
  const alpha = theta.subarray(k, k + k * k);
  const bOff = k + k * k;
  grad.fill(0);
  for (let p = 0; p < theta.length; p++) {
    if (!(theta[p] >= 0) || !Number.isFinite(theta[p])) return NaN;
  }
  const beta = new Float64Array(k);
  for (let j = 0; j < k; j++) beta[j] = shared ? theta[bOff] : theta[bOff + j];
  const A = new Float64Array(k);
  const D = new Float64Array(k);
  const gMu = grad.subarray(0, k);
  const gAl = grad.subarray(k, k + k * k);
  const gBeta = new Float64Array(k);
  let ll = 0;
  let prevT = 0;
  let prevKind = -1;
  const n = times.length;
  for (let m = 0; m < n; m++) {
    const t = times[m];
    const kind = kinds[m];
    const dt = t - prevT;
    for (let j = 0; j < k; j++) {
      const add = j === prevKind ? 1 : 0;
      const e = Math.exp(-beta[j] * dt);
      D[j] = e * (D[j] - dt * (A[j] + add));
      A[j] = e * (A[j] + add);
    }
    let lam = mu[kind];
    for (let j = 0; j < k; j++) lam += alpha[kind * k + j] * beta[j] * A[j];
    if (!(lam > 0)) return Infinity;
    ll += Math.log(lam);
    const inv = 1 / lam;
    gMu[kind] -= inv;
    for (let j = 0; j < k; j++) {
      gAl[kind * k + j] -= beta[j] * A[j] * inv;
      gBeta[j] -= alpha[kind * k + j] * (A[j] + beta[j] * D[j]) * inv;
    }
    // compensator of this event's excitation up to the horizon
    const rem = horizon - t;
    const e = Math.exp(-beta[kind] * rem);
    let colSum = 0;
    for (let i = 0; i < k; i++) {
      const a = alpha[i * k + kind];
      ll -= a * (1 - e);
      gAl[i * k + kind] += 1 - e;
      colSum += a;
    }
    gBeta[kind] += colSum * rem * e;
    prevT = t;
    prevKind = kind;
  }
  for (let i = 0; i < k; i++) {
    ll -= mu[i] * horizon;
    gMu[i] += horizon;
  }
  if (shared) {
    let s = 0;
    for (let j = 0; j < k; j++) s += gBeta[j];
    grad[bOff] = s;
  } else for (let j = 0; j < k; j++) grad[bOff + j] = gBeta[j];
  return -ll;
}

/**
 * Fits a K-kind exponential Hawkes process to `times` (seconds, non-decreasing, in [0,
 * `horizon`]) and `kinds` (integers 0..K−1) by maximum likelihood (see the module doc).
 * Throws {@linkcode InsufficientDataError} when a kind has fewer than `minEvents` events,
 * and a `ValidationError` for malformed input. The result says whether the optimizer
 * converged; the caller decides what a non-converged fit means.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitHawkes } from "./hawkes_fit.ts";
 * import { simulateHawkes } from "../market/hawkes.ts";
 * import { Rng } from "../rng/rng.ts";
 * const path = simulateHawkes({ mu: [1], alpha: [[0.5]], beta: [[5]] }, 3_000, new Rng(2));
 * const fit = fitHawkes(path.times, path.kinds, path.horizon);
 * assert.ok(fit.converged);
 * assert.ok(Math.abs(fit.params.alpha[0][0] - 0.5) < 3 * fit.alphaSe[0][0]);
 * assert.ok(fit.logLikelihood > fit.poissonLogLikelihood);
 * ```
 */
export function fitHawkes(
  times: ArrayLike<number>,
  kinds: ArrayLike<number>,
  horizon: number,
  options: HawkesFitOptions = {},
): HawkesFit {
  const n = times.length;
  if (kinds.length !== n) throw new ValidationError("kinds.length", kinds.length, `${n}`);
  if (!(horizon > 0) || !Number.isFinite(horizon)) {
    throw new ValidationError("horizon", horizon, "a finite time > 0 s");
  }
  let maxKind = -1;
  for (let m = 0; m < n; m++) {
    const c = kinds[m];
    if (!Number.isInteger(c) || c < 0) {
      throw new ValidationError(`kinds[${m}]`, c, "an integer >= 0");
    }
    if (c > maxKind) maxKind = c;
    if (!(times[m] >= (m > 0 ? times[m - 1] : 0)) || times[m] > horizon) {
      throw new ValidationError(`times[${m}]`, times[m], `sorted times in [0, ${horizon}]`);
    }
  }
  const k = options.kinds ?? maxKind + 1;
  if (k < 1 || maxKind >= k) throw new ValidationError("kinds", k, `at least ${maxKind + 1}`);
  const counts = new Array(k).fill(0);
  for (let m = 0; m < n; m++) counts[kinds[m]]++;
  const minEvents = options.minEvents ?? 30;
  counts.forEach((c, i) => {
    if (c < minEvents) {
      throw new InsufficientDataError(`hawkes (kind ${i})`, `at least ${minEvents} events`, `${c}`);
    }
  });
  const shared = options.decays === "shared";
  const lay: Layout = { k, nb: shared ? 1 : k, shared };
  const dim = k + k * k + lay.nb;
  const bOff = k + k * k;
  const rates = counts.map((c) => c / horizon);
  let poissonLl = 0;
  for (let i = 0; i < k; i++) poissonLl += counts[i] * Math.log(rates[i]) - rates[i] * horizon;

  // objective in log-parameters
  const nat = new Float64Array(dim);
  const gNat = new Float64Array(dim);
  const objective = (z: Float64Array, g: Float64Array): number => {
    for (let p = 0; p < dim; p++) nat[p] = Math.exp(z[p]);
    const v = nllGrad(nat, gNat, times, kinds, horizon, lay);
    for (let p = 0; p < dim; p++) g[p] = gNat[p] * nat[p];
    return v;
  };
  const start = (b: number): Float64Array => {
    const z = new Float64Array(dim);
    const branch = 0.3;
    for (let i = 0; i < k; i++) z[i] = Math.log(rates[i] * (1 - branch));
    for (let p = 0; p < k * k; p++) z[k + p] = Math.log(branch / k);
    for (let p = 0; p < lay.nb; p++) z[bOff + p] = Math.log(b);
    return z;
  };
  const scratch = new Float64Array(dim);
  const candidates = (options.startDecays ?? [0.1, 1, 10, 100]).map((b) => {
    const z = start(b);
    const v = objective(z, scratch);
    return { z, v: Number.isFinite(v) ? v : Infinity };
  }).sort((a, b) => a.v - b.v).map((c) => c.z);
  // a log-likelihood change below 1e-9 of its size over 5 iterations is convergence (the
  // parameters going to the boundary 0 crawl in log space without changing the fit)
  const opts = { maxIterations: options.maxIterations ?? 1_000, gradTol: 1e-7, fTol: 1e-9 };
  let best = minimizeLbfgs(objective, candidates[0], opts);
  if (candidates.length > 1) {
    const second = minimizeLbfgs(objective, candidates[1], opts);
    if (second.value < best.value - 1e-9 * Math.abs(best.value)) best = second;
  }
  const theta = best.x.map(Math.exp);
  const mu = Array.from(theta.subarray(0, k));
  const alpha: number[][] = [];
  for (let i = 0; i < k; i++) alpha.push(Array.from(theta.subarray(k + i * k, k + i * k + k)));
  const decay: number[] = [];
  for (let j = 0; j < k; j++) decay.push(shared ? theta[bOff] : theta[bOff + j]);
  const params: HawkesParams = {
    mu,
    alpha,
    beta: alpha.map(() => decay.slice()),
  };
  const ll = hawkesLogLikelihood(params, times, kinds, horizon);
  const notes: string[] = [];
  if (Math.abs(ll + best.value) > 1e-6 * Math.max(1, Math.abs(ll))) {
    notes.push(
      `the likelihood recursion and hawkesLogLikelihood disagree (${-best.value} vs ${ll})`,
    );
  }
  // boundary: tiny α (relative to the largest in its row or absolute), decays of silent kinds
  const free: boolean[] = new Array(dim).fill(true);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (alpha[i][j] < 1e-4) {
        free[k + i * k + j] = false;
        notes.push(`alpha[${i}][${j}] is at the boundary 0 (no standard error)`);
      }
    }
  }
  for (let j = 0; j < lay.nb; j++) {
    const excites = shared
      ? alpha.some((r) => r.some((a) => a >= 1e-4))
      : alpha.some((r) => r[j] >= 1e-4);
    if (!excites) {
      free[bOff + j] = false;
      notes.push(`the decay of kind ${shared ? "all" : j} is not identified (it excites nothing)`);
    }
  }
  const idx = free.map((f, p) => f ? p : -1).filter((p) => p >= 0);
  const muSe = new Array(k).fill(NaN);
  const alphaSe = alpha.map((r) => r.map(() => NaN));
  const decaySe = new Array(k).fill(NaN);
  let seAvailable = false;
  if (idx.length > 0) {
    const sub = (x: Float64Array): Float64Array => {
      const full = Float64Array.from(theta);
      idx.forEach((p, q) => full[p] = x[q]);
      const g = new Float64Array(dim);
      nllGrad(full, g, times, kinds, horizon, lay);
      return Float64Array.from(idx, (p) => g[p]);
    };
    const x0 = Float64Array.from(idx, (p) => theta[p]);
    const H = hessianFromGradient(sub, x0, 1e-5);
    const c = covarianceFromHessian(H, idx.length);
    if (c.ok) {
      seAvailable = true;
      const se = standardErrors(c.cov, idx.length);
      idx.forEach((p, q) => {
        if (p < k) muSe[p] = se[q];
        else if (p < bOff) alphaSe[Math.floor((p - k) / k)][(p - k) % k] = se[q];
        else if (shared) decaySe.fill(se[q]);
        else decaySe[p - bOff] = se[q];
      });
    } else notes.push(`standard errors unavailable: ${c.reason}`);
  }
  return {
    params,
    muSe,
    alphaSe,
    decay,
    decaySe,
    logLikelihood: ll,
    poissonLogLikelihood: poissonLl,
    branchingRatio: spectralRadius(alpha),
    counts,
    horizon,
    converged: best.converged,
    reason: best.reason,
    iterations: best.iterations,
    seAvailable,
    notes,
  };
}
