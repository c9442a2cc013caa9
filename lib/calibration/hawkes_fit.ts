/**
 * Maximum-likelihood fit of a multivariate Hawkes process whose kernels are sums of C
 * exponentials (the book tier's arrival process, `lib/market/hawkes.ts`) to event times.
 *
 * Model: λ_i(t) = μ_i + Σ_c Σ_j α^c_ij β^c_j Σ_{t_k^j < t} e^(−β^c_j (t − t_k^j)) — per
 * component c, one decay rate per exciting kind j (`decays: "column"`, default) or one for
 * all kinds (`"shared"`): with a decay per pair the likelihood is flat in the decays of pairs
 * that barely excite each other, and their standard errors are meaningless. C = 1 (default)
 * is the classic exponential kernel; C = 2–3 with decays decades apart approximate the
 * power-law kernels of order flow (Bacry, Mastromatteo & Muzy 2015). Components are reported
 * from the fastest decay to the slowest. {@linkcode fitHawkesComponents} fits C = 1, 2, …
 * and picks C by Akaike's criterion.
 *
 * Method: the log-likelihood by Ozaki's recursion (one state per component and exciting
 * kind, O(n·C·K²)), with its exact gradient by the same recursion (D_cj = ∂A_cj/∂β^c_j obeys
 * D(n) = e^(−β Δ)(D(n−1) − Δ·(A(n−1) + 1[k_{n−1} = j]))), maximised by L-BFGS over the
 * logarithms of the parameters (so they stay positive), from the best of several starting
 * decays (for C > 1: decays spread over decades, and the (C−1)-component optimum with one
 * component added, when given). The value at the optimum is recomputed with
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
import {
  branchingMatrix,
  hawkesLogLikelihood,
  type HawkesParams,
  MAX_KERNEL_COMPONENTS,
  spectralRadius,
} from "../market/hawkes.ts";
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
  /** Starting decay rates tried, per second (default 0.1, 1, 10, 100; C = 1 only). */
  startDecays?: readonly number[];
  /** Number of exponential components C of each kernel (1–4, default 1). */
  components?: number;
  /** A fit with fewer components to start from (its components plus new ones). */
  warmStart?: HawkesFit;
  /**
   * A known modulation m(t) of the baselines, λ_i(t) = μ_i·m(t) + excitation (e.g. the
   * regimes' posterior flow multiplier, `fit_regimes.ts`): m at each event (same order as
   * `times`) and ∫₀^horizon m(t) dt. Default: m = 1.
   */
  baseline?: { atEvents: ArrayLike<number>; integral: number };
}

/** A fitted Hawkes process with standard errors and fit diagnostics. */
export interface HawkesFit {
  /** The estimates (β expanded to K×K: `beta[i][j]` = the decay of kind j). */
  params: HawkesParams;
  /** Standard errors of μ (NaN where unavailable). */
  muSe: number[];
  /** Standard errors of α (NaN where unavailable, e.g. at the boundary 0). */
  alphaSe: number[][];
  /** Decay rate of each exciting kind j, per second (the first component's). */
  decay: number[];
  /** Standard errors of the decays (NaN where unavailable). */
  decaySe: number[];
  /**
   * Every component, fastest decay first: `alpha` (K×K) with `alphaSe`, and `decay` (per
   * exciting kind, K) with `decaySe`. The first is also `params.alpha`, `alphaSe`, `decay`;
   * the others are `params.extraKernels`.
   */
  components: HawkesComponentFit[];
  /** Number of free parameters (μ, α and decays, boundary ones included). */
  parameters: number;
  /** Akaike's criterion 2·parameters − 2·logLikelihood (smaller is better). */
  aic: number;
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

/** One exponential component of a fitted kernel, with standard errors. */
export interface HawkesComponentFit {
  /** Branching ratios α^c (K×K). */
  alpha: number[][];
  /** Standard errors of `alpha` (NaN where unavailable). */
  alphaSe: number[][];
  /** Decay rate of each exciting kind j, per second. */
  decay: number[];
  /** Standard errors of `decay` (NaN where unavailable). */
  decaySe: number[];
}

interface Layout {
  k: number;
  c: number; // number of components
  nb: number; // number of decay parameters per component
  shared: boolean;
}

/**
 * Negative log-likelihood and its gradient in the natural parameters θ = (μ (K), α (C×K×K,
 * component-major, row-major), β (C×K or C×1)). Returns NaN when a parameter is not positive
 * or finite.
 */
function nllGrad(
  theta: Float64Array,
  grad: Float64Array,
  times: ArrayLike<number>,
  kinds: ArrayLike<number>,
  horizon: number,
  lay: Layout,
  mAt: ArrayLike<number> | null = null,
  mInt = horizon,
): number {
  const { k, c: nc, nb, shared } = lay;
  const kk = k * k;
  const mu = theta.subarray(0, k);
  const alpha = theta.subarray(k, k + nc * kk);
  const bOff = k + nc * kk;
  grad.fill(0);
  for (let p = 0; p < theta.length; p++) {
    if (!(theta[p] >= 0) || !Number.isFinite(theta[p])) return NaN;
  }
  const beta = new Float64Array(nc * k); // β[c·K + j]
  for (let c = 0; c < nc; c++) {
    for (let j = 0; j < k; j++) beta[c * k + j] = theta[bOff + c * nb + (shared ? 0 : j)];
  }
  const A = new Float64Array(nc * k);
  const D = new Float64Array(nc * k);
  const gMu = grad.subarray(0, k);
  const gAl = grad.subarray(k, k + nc * kk);
  const gBeta = new Float64Array(nc * k);
  let ll = 0;
  let prevT = 0;
  let prevKind = -1;
  const n = times.length;
  for (let m = 0; m < n; m++) {
    const t = times[m];
    const kind = kinds[m];
    const dt = t - prevT;
    for (let q = 0; q < nc * k; q++) {
      const add = q % k === prevKind ? 1 : 0;
      const e = Math.exp(-beta[q] * dt);
      D[q] = e * (D[q] - dt * (A[q] + add));
      A[q] = e * (A[q] + add);
    }
    const mt = mAt === null ? 1 : mAt[m];
    let lam = mu[kind] * mt;
    for (let c = 0; c < nc; c++) {
      for (let j = 0; j < k; j++) {
        lam += alpha[c * kk + kind * k + j] * beta[c * k + j] * A[c * k + j];
      }
    }
    if (!(lam > 0)) return Infinity;
    ll += Math.log(lam);
    const inv = 1 / lam;
    gMu[kind] -= mt * inv;
    for (let c = 0; c < nc; c++) {
      for (let j = 0; j < k; j++) {
        const q = c * k + j;
        const pa = c * kk + kind * k + j;
        gAl[pa] -= beta[q] * A[q] * inv;
        gBeta[q] -= alpha[pa] * (A[q] + beta[q] * D[q]) * inv;
      }
    }
    // compensator of this event's excitation up to the horizon
    const rem = horizon - t;
    for (let c = 0; c < nc; c++) {
      const q = c * k + kind;
      const e = Math.exp(-beta[q] * rem);
      let colSum = 0;
      for (let i = 0; i < k; i++) {
        const pa = c * kk + i * k + kind;
        ll -= alpha[pa] * (1 - e);
        gAl[pa] += 1 - e;
        colSum += alpha[pa];
      }
      gBeta[q] += colSum * rem * e;
    }
    prevT = t;
    prevKind = kind;
  }
  for (let i = 0; i < k; i++) {
    ll -= mu[i] * mInt;
    gMu[i] += mInt;
  }
  for (let c = 0; c < nc; c++) {
    if (shared) {
      let s = 0;
      for (let j = 0; j < k; j++) s += gBeta[c * k + j];
      grad[bOff + c] = s;
    } else for (let j = 0; j < k; j++) grad[bOff + c * k + j] = gBeta[c * k + j];
  }
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
  const mAt = options.baseline?.atEvents ?? null;
  const mInt = options.baseline?.integral ?? horizon;
  if (mAt !== null) {
    if (mAt.length !== n) throw new ValidationError("baseline.atEvents.length", mAt.length, `${n}`);
    for (let m = 0; m < n; m++) {
      if (!(mAt[m] > 0) || !Number.isFinite(mAt[m])) {
        throw new ValidationError(`baseline.atEvents[${m}]`, mAt[m], "a finite multiplier > 0");
      }
    }
    if (!(mInt > 0) || !Number.isFinite(mInt)) {
      throw new ValidationError("baseline.integral", mInt, "a finite integral > 0");
    }
  }
  const nc = options.components ?? 1;
  if (!Number.isInteger(nc) || nc < 1 || nc > MAX_KERNEL_COMPONENTS) {
    throw new ValidationError("components", nc, `an integer in [1, ${MAX_KERNEL_COMPONENTS}]`);
  }
  const kk = k * k;
  const nb = shared ? 1 : k;
  const lay: Layout = { k, c: nc, nb, shared };
  const dim = k + nc * kk + nc * nb;
  const bOff = k + nc * kk;
  const rates = counts.map((c) => c / horizon);
  let poissonLl = 0;
  for (let i = 0; i < k; i++) poissonLl += counts[i] * Math.log(rates[i]) - rates[i] * horizon;

  // objective in log-parameters
  const nat = new Float64Array(dim);
  const gNat = new Float64Array(dim);
  const objective = (z: Float64Array, g: Float64Array): number => {
    for (let p = 0; p < dim; p++) nat[p] = Math.exp(z[p]);
    const v = nllGrad(nat, gNat, times, kinds, horizon, lay, mAt, mInt);
    for (let p = 0; p < dim; p++) g[p] = gNat[p] * nat[p];
    return v;
  };
  // a start: branching 0.3 spread evenly over the components, decays `decays` (one per c)
  const start = (decays: readonly number[]): Float64Array => {
    const z = new Float64Array(dim);
    const branch = 0.3;
    for (let i = 0; i < k; i++) z[i] = Math.log(rates[i] * (1 - branch));
    for (let p = 0; p < nc * kk; p++) z[k + p] = Math.log(branch / k / nc);
    for (let c = 0; c < nc; c++) {
      for (let p = 0; p < nb; p++) z[bOff + c * nb + p] = Math.log(decays[c]);
    }
    return z;
  };
  const starts: Float64Array[] = [];
  if (nc === 1) {
    for (const b of options.startDecays ?? [0.1, 1, 10, 100]) starts.push(start([b]));
  } else {
    // decays spread evenly in log scale over several ranges
    for (const [lo, hi] of [[0.1, 1000], [0.03, 3000], [1, 10_000], [0.01, 100]]) {
      starts.push(start(Array.from({ length: nc }, (_, c) => hi * (lo / hi) ** (c / (nc - 1)))));
    }
  }
  const warm = options.warmStart;
  if (warm !== undefined && warm.components.length < nc && warm.params.mu.length === k) {
    // the smaller fit, with new components (small α) a decade beyond its fastest or slowest
    const fastest = Math.max(...warm.components[0].decay);
    const slowest = Math.min(...warm.components[warm.components.length - 1].decay);
    for (const extra of [fastest * 10, slowest / 10, Math.sqrt(fastest * slowest)]) {
      const z = new Float64Array(dim);
      for (let i = 0; i < k; i++) z[i] = Math.log(Math.max(warm.params.mu[i] * 0.95, 1e-9));
      for (let c = 0; c < nc; c++) {
        const w = warm.components[c];
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            z[k + c * kk + i * k + j] = Math.log(
              w === undefined ? 0.02 : Math.max(w.alpha[i][j], 1e-6),
            );
          }
        }
        for (let p = 0; p < nb; p++) {
          z[bOff + c * nb + p] = Math.log(w === undefined ? extra : w.decay[shared ? 0 : p]);
        }
      }
      starts.push(z);
    }
  }
  const scratch = new Float64Array(dim);
  const candidates = starts.map((z) => {
    const v = objective(z, scratch);
    return { z, v: Number.isFinite(v) ? v : Infinity };
  }).sort((a, b) => a.v - b.v).map((c) => c.z);
  // a log-likelihood change below 1e-9 of its size over 5 iterations is convergence (the
  // parameters going to the boundary 0 crawl in log space without changing the fit)
  const opts = { maxIterations: options.maxIterations ?? 1_000, gradTol: 1e-7, fTol: 1e-9 };
  let best = minimizeLbfgs(objective, candidates[0], opts);
  const tries = nc === 1 ? 2 : 3;
  for (let s = 1; s < Math.min(tries, candidates.length); s++) {
    const other = minimizeLbfgs(objective, candidates[s], opts);
    if (other.value < best.value - 1e-9 * Math.abs(best.value)) best = other;
  }
  const theta = best.x.map(Math.exp);
  // components fastest first (the likelihood is symmetric in their order)
  const order = Array.from({ length: nc }, (_, c) => c);
  const meanDecay = (c: number) => {
    let s = 0;
    for (let p = 0; p < nb; p++) s += Math.log(theta[bOff + c * nb + p]);
    return s / nb;
  };
  order.sort((x, y) => meanDecay(y) - meanDecay(x));
  {
    const copy = Float64Array.from(theta);
    order.forEach((src, dst) => {
      for (let p = 0; p < kk; p++) theta[k + dst * kk + p] = copy[k + src * kk + p];
      for (let p = 0; p < nb; p++) theta[bOff + dst * nb + p] = copy[bOff + src * nb + p];
    });
  }
  const mu = Array.from(theta.subarray(0, k));
  const compAlpha = (c: number): number[][] => {
    const out: number[][] = [];
    for (let i = 0; i < k; i++) {
      out.push(Array.from(theta.subarray(k + c * kk + i * k, k + c * kk + i * k + k)));
    }
    return out;
  };
  const compDecay = (c: number): number[] => {
    const out: number[] = [];
    for (let j = 0; j < k; j++) out.push(theta[bOff + c * nb + (shared ? 0 : j)]);
    return out;
  };
  const comps = order.map((_, c) => ({ alpha: compAlpha(c), decay: compDecay(c) }));
  const params: HawkesParams = {
    mu,
    alpha: comps[0].alpha,
    beta: comps[0].alpha.map(() => comps[0].decay.slice()),
  };
  if (nc > 1) {
    params.extraKernels = comps.slice(1).map((c) => ({
      alpha: c.alpha,
      beta: c.alpha.map(() => c.decay.slice()),
    }));
  }
  // (with a modulated baseline, the recursion's value: hawkesLogLikelihood has constant μ)
  const ll = mAt === null ? hawkesLogLikelihood(params, times, kinds, horizon) : -best.value;
  const notes: string[] = [];
  if (Math.abs(ll + best.value) > 1e-6 * Math.max(1, Math.abs(ll))) {
    notes.push(
      `the likelihood recursion and hawkesLogLikelihood disagree (${-best.value} vs ${ll})`,
    );
  }
  // boundary: tiny α, decays of components or kinds that excite nothing
  const free: boolean[] = new Array(dim).fill(true);
  const tag = (c: number) => nc > 1 ? ` (component ${c})` : "";
  for (let c = 0; c < nc; c++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        if (comps[c].alpha[i][j] < 1e-4) {
          free[k + c * kk + i * k + j] = false;
          notes.push(`alpha[${i}][${j}]${tag(c)} is at the boundary 0 (no standard error)`);
        }
      }
    }
    for (let j = 0; j < nb; j++) {
      const excites = shared
        ? comps[c].alpha.some((r) => r.some((a) => a >= 1e-4))
        : comps[c].alpha.some((r) => r[j] >= 1e-4);
      if (!excites) {
        free[bOff + c * nb + j] = false;
        notes.push(
          `the decay of kind ${shared ? "all" : j}${tag(c)} is not identified (it excites nothing)`,
        );
      }
    }
  }
  const idx = free.map((f, p) => f ? p : -1).filter((p) => p >= 0);
  const muSe = new Array(k).fill(NaN);
  const compSe = comps.map((cp) => ({
    alphaSe: cp.alpha.map((r) => r.map(() => NaN)),
    decaySe: new Array(k).fill(NaN),
  }));
  let seAvailable = false;
  if (idx.length > 0) {
    const sub = (x: Float64Array): Float64Array => {
      const full = Float64Array.from(theta);
      idx.forEach((p, q) => full[p] = x[q]);
      const g = new Float64Array(dim);
      nllGrad(full, g, times, kinds, horizon, lay, mAt, mInt);
      return Float64Array.from(idx, (p) => g[p]);
    };
    const x0 = Float64Array.from(idx, (p) => theta[p]);
    const H = hessianFromGradient(sub, x0, 1e-5);
    const cv = covarianceFromHessian(H, idx.length);
    if (cv.ok) {
      seAvailable = true;
      const se = standardErrors(cv.cov, idx.length);
      idx.forEach((p, q) => {
        if (p < k) muSe[p] = se[q];
        else if (p < bOff) {
          const c = Math.floor((p - k) / kk), r = (p - k) % kk;
          compSe[c].alphaSe[Math.floor(r / k)][r % k] = se[q];
        } else {
          const c = Math.floor((p - bOff) / nb), j = (p - bOff) % nb;
          if (shared) compSe[c].decaySe.fill(se[q]);
          else compSe[c].decaySe[j] = se[q];
        }
      });
    } else notes.push(`standard errors unavailable: ${cv.reason}`);
  }
  const components: HawkesComponentFit[] = comps.map((cp, c) => ({
    alpha: cp.alpha,
    alphaSe: compSe[c].alphaSe,
    decay: cp.decay,
    decaySe: compSe[c].decaySe,
  }));
  return {
    params,
    muSe,
    alphaSe: components[0].alphaSe,
    decay: components[0].decay,
    decaySe: components[0].decaySe,
    components,
    parameters: dim,
    aic: 2 * dim - 2 * ll,
    logLikelihood: ll,
    poissonLogLikelihood: poissonLl,
    branchingRatio: spectralRadius(branchingMatrix(params)),
    counts,
    horizon,
    converged: best.converged,
    reason: best.reason,
    iterations: best.iterations,
    seAvailable,
    notes,
  };
}

/** The fits of {@linkcode fitHawkesComponents}, and the one chosen. */
export interface HawkesComponentsFit {
  /** The fit with C = 1, 2, … components (index C − 1). */
  fits: HawkesFit[];
  /** The fit with the smallest AIC among the usable ones (see the function's doc). */
  chosen: HawkesFit;
  /** Its number of components. */
  components: number;
  /**
   * The homogeneous Poisson process with the same baseline modulation: its rates μ_i = n_i /
   * ∫m, log-likelihood and AIC (one parameter per kind).
   */
  poisson: { rates: number[]; logLikelihood: number; aic: number };
  /**
   * True when the Poisson process's AIC is at most the chosen Hawkes fit's: the data show no
   * self-excitation the criterion would pay for.
   */
  poissonPreferred: boolean;
}

/**
 * Fits kernels of 1 to `maxComponents` exponentials (each from the previous optimum with a
 * component added, and from decays spread over decades), and chooses the number of
 * components by Akaike's criterion (AIC = 2·parameters − 2·log L) among the fits that
 * converged, are stationary and, beyond one component, have standard errors (an information
 * matrix that is not positive definite means a component the data do not identify, e.g. two
 * with the same decay); the 1-component fit when none is. The homogeneous Poisson process (no
 * excitation) is scored by the same criterion: `poissonPreferred` says whether it wins.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitHawkesComponents } from "./hawkes_fit.ts";
 * import { simulateHawkes } from "../market/hawkes.ts";
 * import { Rng } from "../rng/rng.ts";
 * // a fast and a slow component, decays 200/s and 2/s
 * const truth = {
 *   mu: [0.5],
 *   alpha: [[0.3]],
 *   beta: [[200]],
 *   extraKernels: [{ alpha: [[0.3]], beta: [[2]] }],
 * };
 * const path = simulateHawkes(truth, 2_000, new Rng(3));
 * const r = fitHawkesComponents(path.times, path.kinds, path.horizon, { maxComponents: 2 });
 * assert.equal(r.components, 2);
 * assert.ok(r.fits[1].aic < r.fits[0].aic);
 * const [fast, slow] = r.chosen.components;
 * assert.ok(Math.abs(fast.decay[0] - 200) < 3 * fast.decaySe[0]);
 * assert.ok(Math.abs(slow.decay[0] - 2) < 3 * slow.decaySe[0]);
 * assert.equal(r.poissonPreferred, false);
 * ```
 */
export function fitHawkesComponents(
  times: ArrayLike<number>,
  kinds: ArrayLike<number>,
  horizon: number,
  options: HawkesFitOptions & { maxComponents?: number } = {},
): HawkesComponentsFit {
  const max = options.maxComponents ?? 3;
  if (!Number.isInteger(max) || max < 1 || max > MAX_KERNEL_COMPONENTS) {
    throw new ValidationError(
      "maxComponents",
      max,
      `an integer in [1, ${MAX_KERNEL_COMPONENTS}]`,
    );
  }
  const fits: HawkesFit[] = [];
  for (let c = 1; c <= max; c++) {
    fits.push(
      fitHawkes(times, kinds, horizon, {
        ...options,
        components: c,
        warmStart: c > 1 ? fits[c - 2] : undefined,
      }),
    );
  }
  let chosen = fits[0];
  for (const f of fits) {
    const usable = f.converged && f.branchingRatio < 1 && (f === fits[0] || f.seAvailable);
    if (usable && (!chosen.converged || f.aic < chosen.aic)) {
      chosen = f;
    }
  }
  const poisson = poissonFit(
    kinds,
    chosen.counts.length,
    options.baseline?.atEvents,
    options.baseline?.integral ?? horizon,
  );
  const poissonPreferred = poisson.aic <= chosen.aic;
  return { fits, chosen, components: chosen.components.length, poisson, poissonPreferred };
}

/**
 * Log-likelihood and AIC of the Poisson process λ_i(t) = μ_i·m(t) at its maximum, μ_i = n_i /
 * ∫m: Σ_i [n_i log μ_i − μ_i ∫m] + Σ_events log m (m = 1 when `atEvents` is absent).
 */
function poissonFit(
  kinds: ArrayLike<number>,
  k: number,
  atEvents: ArrayLike<number> | undefined,
  integral: number,
): { rates: number[]; logLikelihood: number; aic: number } {
  const counts = new Float64Array(k);
  let logM = 0;
  for (let m = 0; m < kinds.length; m++) {
    counts[kinds[m]]++;
    if (atEvents !== undefined) logM += Math.log(atEvents[m]);
  }
  let ll = logM;
  for (let i = 0; i < k; i++) {
    if (counts[i] > 0) ll += counts[i] * Math.log(counts[i] / integral) - counts[i];
  }
  return {
    rates: Array.from(counts, (c) => c / integral),
    logLikelihood: ll,
    aic: 2 * k - 2 * ll,
  };
}

/**
 * Times stamped on a clock of resolution `resolution` (s, truncated), each moved to a uniform
 * point of its clock interval [t, t + resolution) and sorted: the continuous-time likelihood
 * needs distinct times, and a kernel faster than the clock is otherwise fitted to the
 * clock's ties (the standard remedy; see docs/calibration.md). Draws one uniform per time
 * from `rng` in input order; returns the permutation too, so that marks can follow.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jitterTimes } from "./hawkes_fit.ts";
 * import { Rng } from "../rng/rng.ts";
 * const { times } = jitterTimes([0.001, 0.001, 0.003], 0.001, new Rng(1));
 * assert.ok(times[0] >= 0.001 && times[1] < 0.002 && times[2] >= 0.003 && times[2] < 0.004);
 * ```
 */
export function jitterTimes(
  times: ArrayLike<number>,
  resolution: number,
  rng: { next(): number },
): { times: Float64Array; order: Int32Array } {
  const n = times.length;
  const t = new Float64Array(n);
  for (let m = 0; m < n; m++) t[m] = times[m] + rng.next() * resolution;
  const order = Int32Array.from({ length: n }, (_, m) => m).sort((a, b) => t[a] - t[b]);
  return { times: Float64Array.from(order, (m) => t[m]), order };
}
