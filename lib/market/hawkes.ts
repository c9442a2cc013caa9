/**
 * Multivariate Hawkes processes with kernels that are sums of exponentials (Bacry,
 * Mastromatteo & Muzy 2015, "Hawkes processes in finance"): the intensity of kind i is
 *
 *     λ_i(t) = μ_i + Σ_c Σ_j Σ_{t_k^j < t} α^c_ij · β^c_ij · e^(−β^c_ij (t − t_k^j))
 *
 * over the kernel's components c: the first is (`alpha`, `beta`), the others are
 * `extraKernels` (optional; without them the kernel is one exponential). `alpha[i][j]` is
 * the component's branching ratio (the expected number of kind-i events one kind-j event
 * triggers directly through it: the component integrates to α^c_ij) and `beta[i][j]` its
 * decay rate (1/s). A few components with decays spread over decades approximate a
 * power-law kernel (Bacry et al. 2015, §3.3; Hardiman, Bercot & Bouchaud 2013). The process
 * is stationary iff the spectral radius of the branching matrix α = Σ_c α^c is below 1;
 * its mean intensity is then Λ = (I − α)⁻¹ μ.
 *
 * Assumes: constant baselines, kernels that are sums of exponentials, excitation that adds
 * (linear Hawkes). Ignores: inhibition (negative α), marks (the size of an event does not
 * change what it triggers). Units: seconds, events per second; α dimensionless, β per
 * second.
 *
 * Simulation is exact (Ogata's thinning): between events every intensity decreases, so the
 * total intensity just after an event bounds it until the next one. The log-likelihood
 * uses Ozaki's (1979) recursion, one state per component and pair, O(n·C·K²), for fitting
 * by maximum likelihood.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import { type Infer, parseWith } from "../validation.ts";

/** Largest number of event kinds a Hawkes process may have. */
export const MAX_HAWKES_KINDS = 8;

/** Largest number of exponential components of a kernel (the first plus the extra ones). */
export const MAX_KERNEL_COMPONENTS = 4;

/**
 * Schema of one extra exponential component of a Hawkes kernel: K×K branching ratios and
 * decay rates, as the first component's `alpha` and `beta`.
 *
 * @ignore
 */
export const kernelComponentSchema = z.strictObject({
  /** Branching ratios of the component: `alpha[i][j]` kind-i events per kind-j event (≥ 0). */
  alpha: z.array(z.array(z.number().min(0).max(100))),
  /** Decay rates of the component: `beta[i][j]` per second (> 0). */
  beta: z.array(z.array(z.number().positive().max(1e7))),
});

/** One exponential component of a Hawkes kernel (see the schema's field docs). */
export type KernelComponent = Infer<typeof kernelComponentSchema>;

/**
 * Schema of a multivariate exponential-kernel Hawkes process (square matrices of the size
 * of `mu`; the spectral radius of `alpha` must be below 1, see
 * {@linkcode validateHawkesParams}).
 *
 * @ignore
 */
export const hawkesParamsSchema = z.strictObject({
  /** Baseline intensity μ_i of each kind, events per second. */
  mu: z.array(z.number().min(0).max(1e6)).min(1).max(MAX_HAWKES_KINDS),
  /** Branching matrix: `alpha[i][j]` kind-i events triggered per kind-j event (≥ 0). */
  alpha: z.array(z.array(z.number().min(0).max(100))),
  /** Kernel decay rates: `beta[i][j]` per second (> 0). */
  beta: z.array(z.array(z.number().positive().max(1e7))),
  /** Further exponential components of the kernel, added to (`alpha`, `beta`); optional. */
  extraKernels: z.array(kernelComponentSchema).max(MAX_KERNEL_COMPONENTS - 1).optional(),
});

/** A multivariate Hawkes process with sum-of-exponential kernels (see the schema's field docs). */
export type HawkesParams = Infer<typeof hawkesParamsSchema>;

/** A kernel: its first component (`alpha`, `beta`) and optional further components. */
export interface KernelSpec {
  /** Branching ratios of the first component, K×K. */
  alpha: number[][];
  /** Decay rates of the first component, K×K, per second. */
  beta: number[][];
  /** Further components. */
  extraKernels?: KernelComponent[];
}

/**
 * The kernel's components of `p`, the first (`alpha`, `beta`) followed by `extraKernels`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelComponents } from "./hawkes.ts";
 * const c = kernelComponents({
 *   alpha: [[0.2]],
 *   beta: [[1000]],
 *   extraKernels: [{ alpha: [[0.3]], beta: [[1]] }],
 * });
 * assert.deepEqual(c.map((x) => x.beta[0][0]), [1000, 1]);
 * ```
 */
export function kernelComponents(p: KernelSpec): KernelComponent[] {
  return [{ alpha: p.alpha, beta: p.beta }, ...(p.extraKernels ?? [])];
}

/**
 * The branching matrix α = Σ_c α^c of `p` (K×K): `[i][j]` the expected number of kind-i
 * events one kind-j event triggers directly, over all the kernel's components.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { branchingMatrix } from "./hawkes.ts";
 * const a = branchingMatrix({
 *   alpha: [[0.2]],
 *   beta: [[1000]],
 *   extraKernels: [{ alpha: [[0.3]], beta: [[1]] }],
 * });
 * assert.ok(Math.abs(a[0][0] - 0.5) < 1e-12);
 * ```
 */
export function branchingMatrix(p: KernelSpec): number[][] {
  const out = p.alpha.map((r) => r.slice());
  for (const c of p.extraKernels ?? []) {
    for (let i = 0; i < out.length; i++) {
      for (let j = 0; j < out[i].length; j++) out[i][j] += c.alpha[i]?.[j] ?? 0;
    }
  }
  return out;
}

/**
 * Spectral radius of a non-negative square matrix, by repeated squaring with
 * renormalisation (Gelfand's formula ρ = lim ‖Aⁿ‖^(1/n) with n = 2⁶⁰): robust for reducible
 * and defective matrices, where power iteration may not converge.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spectralRadius } from "./hawkes.ts";
 * assert.ok(Math.abs(spectralRadius([[0.2, 0.3], [0.3, 0.2]]) - 0.5) < 1e-9);
 * assert.ok(Math.abs(spectralRadius([[0.3, 0], [2, 0.1]]) - 0.3) < 1e-9); // triangular
 * ```
 */
export function spectralRadius(matrix: readonly (readonly number[])[]): number {
  const n = matrix.length;
  let a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    if (matrix[i].length !== n) throw new ValidationError(`matrix.${i}`, matrix[i], `${n} entries`);
    for (let j = 0; j < n; j++) {
      const v = matrix[i][j];
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new ValidationError(`matrix.${i}.${j}`, v, "a finite number >= 0");
      }
      a[i * n + j] = v;
    }
  }
  // log ρ = lim (1/2^k) · log ‖A^(2^k)‖; keep A normalised and the scale in logs
  let logScale = 0; // log of the factor divided out so far, per unit power
  let power = 1;
  let b = new Float64Array(n * n);
  for (let k = 0; k < 60; k++) {
    let norm = 0;
    for (let i = 0; i < n * n; i++) norm = Math.max(norm, a[i]);
    if (norm === 0) return 0;
    for (let i = 0; i < n * n; i++) a[i] /= norm;
    logScale += Math.log(norm) / power;
    b.fill(0);
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < n; l++) {
        const x = a[i * n + l];
        if (x === 0) continue;
        for (let j = 0; j < n; j++) b[i * n + j] += x * a[l * n + j];
      }
    }
    [a, b] = [b, a];
    power *= 2;
  }
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, a[i]);
  return norm === 0 ? 0 : Math.exp(logScale + Math.log(norm) / power);
}

/**
 * Checks the shapes of `p` and that the process is stationary (spectral radius of α below
 * 1); throws a {@linkcode ValidationError} naming the field (prefixed by `prefix`).
 */
export function validateHawkesParams(p: HawkesParams, prefix = "hawkes"): void {
  const k = p.mu.length;
  kernelComponents(p).forEach((comp, c) => {
    for (const name of ["alpha", "beta"] as const) {
      const m = comp[name];
      const field = c === 0 ? `${prefix}.${name}` : `${prefix}.extraKernels.${c - 1}.${name}`;
      if (m.length !== k) throw new ValidationError(field, m, `a ${k}×${k} matrix`);
      for (let i = 0; i < k; i++) {
        if (m[i].length !== k) throw new ValidationError(`${field}.${i}`, m[i], `${k} entries`);
      }
    }
  });
  const total = branchingMatrix(p);
  const rho = spectralRadius(total);
  if (!(rho < 1)) {
    throw new ValidationError(
      `${prefix}.alpha`,
      total,
      `a branching matrix (summed over the kernel's components) with spectral radius below 1 (stationary); this one has ${
        rho.toPrecision(4)
      }`,
    );
  }
}

/**
 * Validates `input` (shapes, ranges, stationarity) and returns the parameters; errors name
 * the field under `prefix`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHawkesParams } from "./hawkes.ts";
 * assert.throws(
 *   () => parseHawkesParams({ mu: [1], alpha: [[1.2]], beta: [[1]] }),
 *   /spectral radius below 1/,
 * );
 * ```
 */
export function parseHawkesParams(input: unknown, prefix = "hawkes"): HawkesParams {
  const p = parseWith(hawkesParamsSchema, input, prefix);
  validateHawkesParams(p, prefix);
  return p;
}

/**
 * Stationary mean intensity Λ = (I − α)⁻¹ μ of each kind, events per second (solved by
 * Gaussian elimination with partial pivoting).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hawkesMeanIntensity } from "./hawkes.ts";
 * const lam = hawkesMeanIntensity([2], [[0.5]]); // μ/(1 − n)
 * assert.ok(Math.abs(lam[0] - 4) < 1e-12);
 * ```
 */
export function hawkesMeanIntensity(
  mu: readonly number[],
  alpha: readonly (readonly number[])[],
): Float64Array {
  const k = mu.length;
  const a: number[][] = [];
  for (let i = 0; i < k; i++) {
    const row: number[] = [];
    for (let j = 0; j < k; j++) row.push((i === j ? 1 : 0) - alpha[i][j]);
    row.push(mu[i]);
    a.push(row);
  }
  return solve(a, k);
}

/**
 * The asymptotic covariance of the counts per unit time, lim Cov(N_T)/T =
 * (I − α)⁻¹ diag(Λ) (I − α)⁻ᵀ (Bacry et al. 2015), row-major K×K. Its diagonal gives the
 * variance of a kind's count over a long window T: Var(N_i(T)) ≈ T · Σ_ii.
 */
export function hawkesCountCovariance(
  mu: readonly number[],
  alpha: readonly (readonly number[])[],
): Float64Array {
  const k = mu.length;
  const lam = hawkesMeanIntensity(mu, alpha);
  // R = (I − α)⁻¹, column by column
  const r = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    const a: number[][] = [];
    for (let i = 0; i < k; i++) {
      const row: number[] = [];
      for (let j = 0; j < k; j++) row.push((i === j ? 1 : 0) - alpha[i][j]);
      row.push(i === c ? 1 : 0);
      a.push(row);
    }
    const col = solve(a, k);
    for (let i = 0; i < k; i++) r[i * k + c] = col[i];
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += r[i * k + l] * lam[l] * r[j * k + l];
      out[i * k + j] = s;
    }
  }
  return out;
}

function solve(a: number[][], k: number): Float64Array {
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-14) {
      throw new ValidationError("alpha", "I − α", "an invertible I − α (stationary process)");
    }
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      if (f === 0) continue;
      for (let j = c; j <= k; j++) a[r][j] -= f * a[c][j];
    }
  }
  const x = new Float64Array(k);
  for (let i = 0; i < k; i++) x[i] = a[i][k] / a[i][i];
  return x;
}

/**
 * The excitation state of a Hawkes process with sum-of-exponential kernels: e_cij(t) = Σ
 * over past kind-j events of α^c_ij·β^c_ij·e^(−β^c_ij (t − t_k)), kept per component c and
 * pair (i, j) (the exact Markov decomposition of the kernel) and decayed in O(C·K² + G) per
 * update, G the number of distinct decay rates (one `Math.exp` per distinct β).
 * Allocation-free after construction. Shared by {@linkcode simulateHawkes} and the book
 * tier's Hawkes arrivals.
 */
export class HawkesExcitation {
  /** Number of kinds K. */
  readonly kinds: number;
  /** Number of kernel components C. */
  readonly components: number;
  /**
   * Excitation e_cij, component-major then row-major (index c·K² + i·K + j; events per
   * second), as of {@linkcode HawkesExcitation.time}.
   */
  readonly e: Float64Array;
  /** Time (s) the state describes. */
  time = 0;
  readonly #jump: Float64Array; // α^c_ij·β^c_ij
  readonly #group: Int32Array; // entry -> index of its distinct β
  readonly #rates: Float64Array; // distinct β
  readonly #decay: Float64Array; // e^(−β_g Δ) scratch

  /**
   * Creates the state of a process with first component (`alpha`, `beta`) (K×K) and the
   * further components `extra`.
   */
  constructor(
    alpha: readonly (readonly number[])[],
    beta: readonly (readonly number[])[],
    extra: readonly KernelComponent[] = [],
  ) {
    const k = alpha.length;
    const comps = [{ alpha, beta }, ...extra];
    const c = comps.length;
    this.kinds = k;
    this.components = c;
    this.e = new Float64Array(c * k * k);
    this.#jump = new Float64Array(c * k * k);
    this.#group = new Int32Array(c * k * k);
    const distinct: number[] = [];
    comps.forEach((comp, ci) => {
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          const b = comp.beta[i][j];
          const p = ci * k * k + i * k + j;
          this.#jump[p] = comp.alpha[i][j] * b;
          let g = distinct.indexOf(b);
          if (g < 0) g = distinct.push(b) - 1;
          this.#group[p] = g;
        }
      }
    });
    this.#rates = Float64Array.from(distinct);
    this.#decay = new Float64Array(distinct.length);
  }

  /** Clears the excitation and sets the clock to `t`. */
  reset(t = 0): void {
    this.e.fill(0);
    this.time = t;
  }

  /** Decays the state to time `t` (≥ the current time; earlier times are ignored). */
  decayTo(t: number): void {
    const dt = t - this.time;
    if (!(dt > 0)) return;
    this.time = t;
    const rates = this.#rates;
    const e = this.e;
    if (rates.length === 1) {
      const d = Math.exp(-rates[0] * dt);
      for (let p = 0; p < e.length; p++) e[p] *= d;
      return;
    }
    const d = this.#decay;
    for (let g = 0; g < rates.length; g++) d[g] = Math.exp(-rates[g] * dt);
    const grp = this.#group;
    for (let p = 0; p < e.length; p++) e[p] *= d[grp[p]];
  }

  /** Excitation of kind i (events per second, all components) at the state's time. */
  excitation(i: number): number {
    const k = this.kinds;
    const kk = k * k;
    const e = this.e;
    let s = 0;
    for (let c = 0; c < this.components; c++) {
      const o = c * kk + i * k;
      for (let j = o; j < o + k; j++) s += e[j];
    }
    return s;
  }

  /**
   * Excitation of kind i (events per second, all components) at time `t` (≥ the state's
   * time), without moving the state: Σ e_cij·e^(−β^c_ij (t − time)). For an intensity read
   * between events, where {@linkcode HawkesExcitation.decayTo} would round the state at every
   * look.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HawkesExcitation } from "./hawkes.ts";
   * const h = new HawkesExcitation([[0.5]], [[10]], [{ alpha: [[0.2]], beta: [[1]] }]);
   * h.excite(0); // 0.5·10 + 0.2·1 at time 0
   * assert.equal(h.excitationAt(0, 0), 5.2);
   * assert.ok(Math.abs(h.excitationAt(0, 0.1) - (5 * Math.exp(-1) + 0.2 * Math.exp(-0.1))) < 1e-12);
   * assert.equal(h.time, 0); // the state did not move
   * ```
   */
  excitationAt(i: number, t: number): number {
    const dt = t - this.time;
    if (!(dt > 0)) return this.excitation(i);
    const rates = this.#rates;
    const d = this.#decay;
    for (let g = 0; g < rates.length; g++) d[g] = Math.exp(-rates[g] * dt);
    const k = this.kinds;
    const kk = k * k;
    const e = this.e;
    const grp = this.#group;
    let s = 0;
    for (let c = 0; c < this.components; c++) {
      const o = c * kk + i * k;
      for (let j = o; j < o + k; j++) s += e[j] * d[grp[j]];
    }
    return s;
  }

  /** Adds the jumps of one kind-`j` event at the state's time. */
  excite(j: number): void {
    const k = this.kinds;
    const e = this.e;
    const jump = this.#jump;
    for (let p = j; p < e.length; p += k) e[p] += jump[p];
  }
}

/** A simulated path: event times (s, increasing) and kinds, plus the parent of each event. */
export interface HawkesPath {
  /** Event times, seconds. */
  times: Float64Array;
  /** Event kinds (0..K−1). */
  kinds: Int32Array;
  /**
   * Kind of the event's parent in the cluster representation: −1 for an immigrant (drawn
   * from the baseline), else the kind j whose excitation produced it (attributed exactly by
   * the thinning step: a kind-i event is drawn from the parts μ_i, e_i0, e_i1, … of λ_i in
   * proportion to their sizes).
   */
  parents: Int32Array;
  /** The horizon simulated, seconds. */
  horizon: number;
}

/**
 * Simulates the process on [0, `horizon`] by Ogata's thinning (exact), starting empty (no
 * events before 0). Draws only from `rng`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulateHawkes } from "./hawkes.ts";
 * import { Rng } from "../rng/rng.ts";
 * const path = simulateHawkes({ mu: [1], alpha: [[0.5]], beta: [[2]] }, 2_000, new Rng(1));
 * const rate = path.times.length / path.horizon; // ≈ μ/(1 − α) = 2
 * assert.ok(rate > 1.7 && rate < 2.3);
 * ```
 */
export function simulateHawkes(params: HawkesParams, horizon: number, rng: Rng): HawkesPath {
  const p = parseHawkesParams(params);
  if (!(horizon > 0) || !Number.isFinite(horizon)) {
    throw new ValidationError("horizon", horizon, "a finite time > 0 s");
  }
  const k = p.mu.length;
  const ex = new HawkesExcitation(p.alpha, p.beta, p.extraKernels);
  const nc = ex.components;
  const mu = Float64Array.from(p.mu);
  let cap = 1024;
  let times = new Float64Array(cap);
  let kinds = new Int32Array(cap);
  let parents = new Int32Array(cap);
  let n = 0;
  let t = 0;
  for (;;) {
    let bound = 0;
    for (let i = 0; i < k; i++) bound += mu[i] + ex.excitation(i);
    if (!(bound > 0)) break;
    t += rng.exponential(bound);
    if (t > horizon) break;
    ex.decayTo(t);
    let u = rng.next() * bound;
    let kind = -1;
    let parent = -1;
    for (let i = 0; i < k && kind < 0; i++) {
      if (u < mu[i]) {
        kind = i;
        break;
      }
      u -= mu[i];
      for (let c = 0; c < nc && kind < 0; c++) {
        for (let j = 0; j < k; j++) {
          const e = ex.e[c * k * k + i * k + j];
          if (u < e) {
            kind = i;
            parent = j;
            break;
          }
          u -= e;
        }
      }
    }
    if (kind < 0) continue; // thinned: the intensity decayed below the bound
    if (n === cap) {
      cap *= 2;
      times = grow(times, cap);
      kinds = growInt(kinds, cap);
      parents = growInt(parents, cap);
    }
    times[n] = t;
    kinds[n] = kind;
    parents[n] = parent;
    n++;
    ex.excite(kind);
  }
  return {
    times: times.slice(0, n),
    kinds: kinds.slice(0, n),
    parents: parents.slice(0, n),
    horizon,
  };
}

function grow(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

function growInt(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/**
 * Log-likelihood of event times `times` (s, non-decreasing, in [0, `horizon`]) with kinds
 * `kinds` under `params`, observed on [0, `horizon`] with no events before 0:
 *
 *     log L = Σ_n log λ_{k_n}(t_n) − Σ_i μ_i T − Σ_c Σ_{i,j} α^c_ij Σ_{t_m of kind j} (1 − e^(−β^c_ij (T − t_m)))
 *
 * computed with Ozaki's recursion A_cij(n) = e^(−β^c_ij (t_n − t_{n−1}))·(A_cij(n−1) + 1[k_{n−1} = j]),
 * O(n·C·K²) time and O(C·K²) memory. Returns −Infinity when an event has zero intensity.
 * The parameters are not required to be stationary (an optimizer may step outside), but
 * must have the right shapes and non-negative entries.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hawkesLogLikelihood } from "./hawkes.ts";
 * // Poisson (α = 0): n·log μ − μT
 * const ll = hawkesLogLikelihood(
 *   { mu: [2], alpha: [[0]], beta: [[1]] },
 *   new Float64Array([0.5, 1, 3]),
 *   new Int32Array([0, 0, 0]),
 *   4,
 * );
 * assert.ok(Math.abs(ll - (3 * Math.log(2) - 8)) < 1e-12);
 * ```
 */
export function hawkesLogLikelihood(
  params: HawkesParams,
  times: ArrayLike<number>,
  kinds: ArrayLike<number>,
  horizon: number,
): number {
  const k = params.mu.length;
  const { mu } = params;
  const comps = kernelComponents(params);
  for (const c of comps) {
    if (c.alpha.length !== k || c.beta.length !== k) {
      throw new ValidationError("params", params, `${k}×${k} alpha and beta`);
    }
  }
  const n = times.length;
  if (kinds.length !== n) throw new ValidationError("kinds.length", kinds.length, `${n}`);
  if (!(horizon >= 0) || !Number.isFinite(horizon)) {
    throw new ValidationError("horizon", horizon, "a finite time >= 0 s");
  }
  const nc = comps.length;
  const kk = k * k;
  const a = new Float64Array(nc * kk); // A_cij at the previous event, before adding it
  const jump = new Float64Array(nc * kk);
  const al = new Float64Array(nc * kk);
  const b = new Float64Array(nc * kk);
  comps.forEach((comp, c) => {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const p = c * kk + i * k + j;
        al[p] = comp.alpha[i][j];
        b[p] = comp.beta[i][j];
        jump[p] = al[p] * b[p];
      }
    }
  });
  let ll = 0;
  let prevT = 0;
  let prevKind = -1;
  let compensator = 0;
  for (let m = 0; m < n; m++) {
    const t = times[m];
    const kind = kinds[m];
    if (!(t >= prevT) || t > horizon) {
      throw new ValidationError(`times[${m}]`, t, `a time in [${prevT}, ${horizon}] (sorted)`);
    }
    if (!Number.isInteger(kind) || kind < 0 || kind >= k) {
      throw new ValidationError(`kinds[${m}]`, kind, `an integer in [0, ${k - 1}]`);
    }
    const dt = t - prevT;
    for (let p = 0; p < nc * kk; p++) {
      const j = p % k;
      const add = j === prevKind ? 1 : 0;
      a[p] = (a[p] + add) * Math.exp(-b[p] * dt);
    }
    let lam = mu[kind];
    for (let c = 0; c < nc; c++) {
      const o = c * kk + kind * k;
      for (let j = 0; j < k; j++) lam += jump[o + j] * a[o + j];
    }
    if (!(lam > 0)) return -Infinity;
    ll += Math.log(lam);
    for (let p = kind; p < nc * kk; p += k) {
      compensator += al[p] * (1 - Math.exp(-b[p] * (horizon - t)));
    }
    prevT = t;
    prevKind = kind;
  }
  for (let i = 0; i < k; i++) compensator += mu[i] * horizon;
  return ll - compensator;
}
