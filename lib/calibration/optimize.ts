/**
 * Numerical optimization for maximum-likelihood fits: L-BFGS with a backtracking (Armijo)
 * line search for smooth objectives with gradients, Nelder–Mead for small derivative-free
 * problems, finite-difference gradients and Hessians, and standard errors from the inverse
 * of the observed information (the Hessian of the negative log-likelihood at its minimum).
 *
 * Every optimizer returns whether it converged and why it stopped; a caller that needs a
 * converged fit throws {@linkcode FitNotConvergedError} (or records a warning) — a fit that
 * stopped at its iteration limit is never reported as if it had converged.
 *
 * @module
 */
import { AlpeError, ValidationError } from "../errors.ts";

/** A fit did not converge: names the fit, the reason and the iterations spent. */
export class FitNotConvergedError extends AlpeError {
  /** The fit (e.g. `"hawkes"`). */
  readonly fit: string;
  /** Why it stopped. */
  readonly reason: string;
  /** Creates the error. */
  constructor(fit: string, reason: string) {
    super(`${fit}: the fit did not converge (${reason})`);
    this.name = "FitNotConvergedError";
    this.fit = fit;
    this.reason = reason;
  }
}

/** What an optimizer returns. */
export interface MinimizeResult {
  /** The best point found. */
  x: Float64Array;
  /** The objective there. */
  value: number;
  /** Iterations done. */
  iterations: number;
  /** Objective evaluations done. */
  evaluations: number;
  /** True when a convergence criterion was met (not the iteration limit, not a failure). */
  converged: boolean;
  /** Why it stopped, in words. */
  reason: string;
  /** Largest absolute gradient component at `x` (NaN for Nelder–Mead). */
  gradientNorm: number;
}

/** Options of {@linkcode minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Iteration limit (default 500). */
  maxIterations?: number;
  /** Converged when max |g_i| ≤ gradTol · max(1, |f|) (default 1e-6). */
  gradTol?: number;
  /** Converged when the relative decrease of f over 5 iterations is below this (default 1e-12). */
  fTol?: number;
  /** Number of correction pairs kept (default 8). */
  memory?: number;
}

/** An objective that writes its gradient into `grad` and returns its value. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

/**
 * Minimizes a smooth function by L-BFGS (two-loop recursion) with a backtracking line
 * search (Armijo condition, step halving); a correction pair is kept only when it has
 * positive curvature. Non-finite values are treated as +∞ by the line search.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minimizeLbfgs } from "./optimize.ts";
 * // Rosenbrock: minimum at (1, 1)
 * const r = minimizeLbfgs((x, g) => {
 *   const a = 1 - x[0], b = x[1] - x[0] * x[0];
 *   g[0] = -2 * a - 400 * x[0] * b;
 *   g[1] = 200 * b;
 *   return a * a + 100 * b * b;
 * }, [-1.2, 1]);
 * assert.ok(r.converged);
 * assert.ok(Math.abs(r.x[0] - 1) < 1e-4 && Math.abs(r.x[1] - 1) < 1e-4);
 * ```
 */
export function minimizeLbfgs(
  f: ObjectiveWithGradient,
  x0: ArrayLike<number>,
  options: LbfgsOptions = {},
): MinimizeResult {
  const maxIt = options.maxIterations ?? 500;
  const gTol = options.gradTol ?? 1e-6;
  const fTol = options.fTol ?? 1e-12;
  const m = options.memory ?? 8;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let evals = 1;
  let fx = f(x, g);
  if (!Number.isFinite(fx) || !g.every(Number.isFinite)) {
    return {
      x,
      value: fx,
      iterations: 0,
      evaluations: evals,
      converged: false,
      reason: "the objective or its gradient is not finite at the starting point",
      gradientNorm: NaN,
    };
  }
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(m);
  const history: number[] = [fx];
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const maxAbs = (v: Float64Array) => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  for (let it = 1; it <= maxIt; it++) {
    if (maxAbs(g) <= gTol * Math.max(1, Math.abs(fx))) {
      return done(true, "gradient below tolerance", it - 1);
    }
    // two-loop recursion: d = −H g
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const k = sList.length;
    for (let j = k - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(sList[j], d);
      axpy(-alpha[j], yList[j], d);
    }
    if (k > 0) {
      const gamma = dot(sList[k - 1], yList[k - 1]) / dot(yList[k - 1], yList[k - 1]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    } else {
      const s = 1 / Math.max(1, maxAbs(g));
      for (let i = 0; i < n; i++) d[i] *= s;
    }
    for (let j = 0; j < k; j++) {
      const beta = rho[j] * dot(yList[j], d);
      axpy(alpha[j] - beta, sList[j], d);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // not a descent direction: restart from steepest descent
      sList.length = 0;
      yList.length = 0;
      rho.length = 0;
      const s = 1 / Math.max(1, maxAbs(g));
      for (let i = 0; i < n; i++) d[i] = -g[i] * s;
      slope = dot(g, d);
    }
    let step = 1;
    let fNew = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      evals++;
      fNew = f(xNew, gNew);
      if (
        Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope && gNew.every(Number.isFinite)
      ) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) return done(false, "the line search found no decrease", it);
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      sList.push(s);
      yList.push(y);
      rho.push(1 / sy);
      if (sList.length > m) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
    }
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    history.push(fx);
    if (history.length > 5) {
      const old = history[history.length - 6];
      if (Math.abs(old - fx) <= fTol * Math.max(1, Math.abs(fx))) {
        return done(
          maxAbs(g) <= 1e3 * gTol * Math.max(1, Math.abs(fx)),
          "no further decrease of the objective",
          it,
        );
      }
    }
  }
  return done(false, `iteration limit (${maxIt}) reached`, maxIt);

  function done(converged: boolean, reason: string, iterations: number): MinimizeResult {
    return {
      x,
      value: fx,
      iterations,
      evaluations: evals,
      converged,
      reason,
      gradientNorm: maxAbs(g),
    };
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

/** Options of {@linkcode minimizeNelderMead}. */
export interface NelderMeadOptions {
  /** Initial simplex step per coordinate (default 10 % of |x0_i|, at least 0.1). */
  step?: ArrayLike<number>;
  /** Iteration limit (default 200 · dimension). */
  maxIterations?: number;
  /** Converged when the simplex's values differ by at most fTol · (1 + |f_best|) (default 1e-10). */
  fTol?: number;
  /** …and its vertices by at most xTol in every coordinate (default 1e-8). */
  xTol?: number;
}

/**
 * Minimizes `f` by the Nelder–Mead simplex method (standard coefficients: reflection 1,
 * expansion 2, contraction ½, shrink ½). Non-finite values count as +∞.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minimizeNelderMead } from "./optimize.ts";
 * const r = minimizeNelderMead((x) => (x[0] - 3) ** 2 + (x[1] + 1) ** 2, [0, 0]);
 * assert.ok(r.converged);
 * assert.ok(Math.abs(r.x[0] - 3) < 1e-4 && Math.abs(r.x[1] + 1) < 1e-4);
 * ```
 */
export function minimizeNelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): MinimizeResult {
  const n = x0.length;
  const maxIt = options.maxIterations ?? 200 * Math.max(1, n);
  const fTol = options.fTol ?? 1e-10;
  const xTol = options.xTol ?? 1e-8;
  let evals = 0;
  const val = (x: Float64Array) => {
    evals++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const pts: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(x0);
    const s = options.step ? options.step[i] : Math.max(0.1, 0.1 * Math.abs(x0[i]));
    p[i] += s;
    pts.push(p);
  }
  const fs = pts.map(val);
  const c = new Float64Array(n);
  const xr = new Float64Array(n);
  const xe = new Float64Array(n);
  const xc = new Float64Array(n);
  let it = 0;
  for (; it < maxIt; it++) {
    const order = fs.map((_, i) => i).sort((a, b) => fs[a] - fs[b]);
    const sorted = order.map((i) => pts[i]);
    const sortedF = order.map((i) => fs[i]);
    for (let i = 0; i <= n; i++) {
      pts[i] = sorted[i];
      fs[i] = sortedF[i];
    }
    const spreadF = fs[n] - fs[0];
    let spreadX = 0;
    for (let i = 1; i <= n; i++) {
      for (let j = 0; j < n; j++) spreadX = Math.max(spreadX, Math.abs(pts[i][j] - pts[0][j]));
    }
    if (spreadF <= fTol * (1 + Math.abs(fs[0])) && spreadX <= xTol) {
      return {
        x: pts[0],
        value: fs[0],
        iterations: it,
        evaluations: evals,
        converged: true,
        reason: "simplex collapsed",
        gradientNorm: NaN,
      };
    }
    c.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[j] += pts[i][j] / n;
    for (let j = 0; j < n; j++) xr[j] = c[j] + (c[j] - pts[n][j]);
    const fr = val(xr);
    if (fr < fs[0]) {
      for (let j = 0; j < n; j++) xe[j] = c[j] + 2 * (c[j] - pts[n][j]);
      const fe = val(xe);
      if (fe < fr) {
        pts[n] = Float64Array.from(xe);
        fs[n] = fe;
      } else {
        pts[n] = Float64Array.from(xr);
        fs[n] = fr;
      }
      continue;
    }
    if (fr < fs[n - 1]) {
      pts[n] = Float64Array.from(xr);
      fs[n] = fr;
      continue;
    }
    const outside = fr < fs[n];
    for (let j = 0; j < n; j++) {
      xc[j] = outside ? c[j] + 0.5 * (xr[j] - c[j]) : c[j] + 0.5 * (pts[n][j] - c[j]);
    }
    const fc = val(xc);
    if (fc < (outside ? fr : fs[n])) {
      pts[n] = Float64Array.from(xc);
      fs[n] = fc;
      continue;
    }
    for (let i = 1; i <= n; i++) {
      for (let j = 0; j < n; j++) pts[i][j] = pts[0][j] + 0.5 * (pts[i][j] - pts[0][j]);
      fs[i] = val(pts[i]);
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (fs[i] < fs[best]) best = i;
  return {
    x: pts[best],
    value: fs[best],
    iterations: it,
    evaluations: evals,
    converged: false,
    reason: `iteration limit (${maxIt}) reached`,
    gradientNorm: NaN,
  };
}

/** Options of {@linkcode minimizeGoldenSection}. */
export interface GoldenSectionOptions {
  /** Iterations at most (default 100). */
  maxIterations?: number;
  /** Stop once the bracket is at most this wide (default: never, run every iteration). */
  tolerance?: number;
}

/**
 * The minimum of a unimodal `f` on [lo, hi] by golden-section search: the midpoint of the
 * final bracket, after `maxIterations` shrinkings by the golden ratio or once the bracket is
 * no wider than `tolerance`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minimizeGoldenSection } from "./optimize.ts";
 * const x = minimizeGoldenSection((x) => (x - 1.5) ** 2, 0, 10);
 * assert.ok(Math.abs(x - 1.5) < 1e-9);
 * ```
 */
export function minimizeGoldenSection(
  f: (x: number) => number,
  lo: number,
  hi: number,
  options: GoldenSectionOptions = {},
): number {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? -Infinity;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
  let f1 = f(x1), f2 = f(x2);
  for (let it = 0; it < maxIterations && hi - lo > tolerance; it++) {
    if (f1 < f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = f(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = f(x2);
    }
  }
  return (lo + hi) / 2;
}

/**
 * Central finite-difference gradient of `f` at `x` (relative steps `h·max(1, |x_i|)`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numericalGradient } from "./optimize.ts";
 * const g = numericalGradient((x) => x[0] * x[0] + 3 * x[1], [2, 5]);
 * assert.ok(Math.abs(g[0] - 4) < 1e-6 && Math.abs(g[1] - 3) < 1e-6);
 * ```
 */
export function numericalGradient(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  h = 1e-6,
): Float64Array {
  const n = x.length;
  const p = Float64Array.from(x);
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const step = h * Math.max(1, Math.abs(x[i]));
    p[i] = x[i] + step;
    const a = f(p);
    p[i] = x[i] - step;
    const b = f(p);
    p[i] = x[i];
    g[i] = (a - b) / (2 * step);
  }
  return g;
}

/**
 * Symmetric Hessian (row-major n×n) by central differences of an analytic gradient
 * (`grad(x)` returns ∇f), steps `h·max(|x_i|, scale_i)`.
 */
export function hessianFromGradient(
  grad: (x: Float64Array) => Float64Array,
  x: ArrayLike<number>,
  h = 1e-5,
): Float64Array {
  const n = x.length;
  const p = Float64Array.from(x);
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const step = h * Math.max(1e-8, Math.abs(x[i]));
    p[i] = x[i] + step;
    const a = grad(p);
    p[i] = x[i] - step;
    const b = grad(p);
    p[i] = x[i];
    for (let j = 0; j < n; j++) H[i * n + j] = (a[j] - b[j]) / (2 * step);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (H[i * n + j] + H[j * n + i]);
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/**
 * Symmetric Hessian (row-major n×n) of `f` by central differences of its values (steps
 * `h·max(1e-8, |x_i|)` per coordinate; for small problems).
 */
export function hessianFromValues(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  h = 1e-4,
): Float64Array {
  const n = x.length;
  const p = Float64Array.from(x);
  const H = new Float64Array(n * n);
  const steps = Array.from(x, (v) => h * Math.max(1e-8, Math.abs(v)));
  const f0 = f(p);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const hi = steps[i], hj = steps[j];
      let v: number;
      if (i === j) {
        p[i] = x[i] + hi;
        const a = f(p);
        p[i] = x[i] - hi;
        const b = f(p);
        p[i] = x[i];
        v = (a - 2 * f0 + b) / (hi * hi);
      } else {
        const at = (si: number, sj: number) => {
          p[i] = x[i] + si * hi;
          p[j] = x[j] + sj * hj;
          const r = f(p);
          p[i] = x[i];
          p[j] = x[j];
          return r;
        };
        v = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * hi * hj);
      }
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/** The inverse of a symmetric positive-definite matrix, or why there is none. */
export interface CovarianceResult {
  /** Row-major n×n inverse (NaN-filled when `ok` is false). */
  cov: Float64Array;
  /** True when the matrix was positive definite. */
  ok: boolean;
  /** Why not, in words (empty when ok). */
  reason: string;
}

/**
 * The covariance of maximum-likelihood estimates: the inverse of the observed information
 * `H` (the Hessian of the negative log-likelihood at the minimum, row-major n×n), by
 * Cholesky. A matrix that is not positive definite (a flat or saddle direction: a parameter
 * the data cannot identify) gives `ok: false` and the reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { covarianceFromHessian } from "./optimize.ts";
 * const c = covarianceFromHessian(Float64Array.of(4, 0, 0, 25), 2);
 * assert.ok(c.ok && Math.abs(c.cov[0] - 0.25) < 1e-12 && Math.abs(c.cov[3] - 0.04) < 1e-12);
 * assert.equal(covarianceFromHessian(Float64Array.of(1, 2, 2, 1), 2).ok, false);
 * ```
 */
export function covarianceFromHessian(H: ArrayLike<number>, n: number): CovarianceResult {
  if (H.length !== n * n) throw new ValidationError("H.length", H.length, `${n * n}`);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 1e-300) || !Number.isFinite(s)) {
          return {
            cov: new Float64Array(n * n).fill(NaN),
            ok: false,
            reason: `the information matrix is not positive definite (pivot ${i}: ${
              s.toPrecision(3)
            }): a parameter is not identified by the data`,
          };
        }
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  // inverse of L, then (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹
  const Li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    Li[i * n + i] = 1 / L[i * n + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i * n + k] * Li[k * n + j];
      Li[i * n + j] = s / L[i * n + i];
    }
  }
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += Li[k * n + i] * Li[k * n + j];
      cov[i * n + j] = s;
      cov[j * n + i] = s;
    }
  }
  return { cov, ok: true, reason: "" };
}

/** Square roots of the diagonal of a row-major n×n covariance. */
export function standardErrors(cov: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(Math.max(0, cov[i * n + i]));
  return out;
}

/**
 * Inverse of a small square matrix (row-major n×n) by Gauss–Jordan elimination with partial
 * pivoting; null when it is singular (a pivot below 1e-12 in absolute value: scale the rows
 * and columns to order one first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { invertMatrix } from "./optimize.ts";
 * assert.deepEqual([...invertMatrix(Float64Array.of(0, 2, 4, 0), 2)!], [0, 0.25, 0.5, 0]);
 * assert.equal(invertMatrix(Float64Array.of(1, 2, 2, 4), 2), null);
 * ```
 */
export function invertMatrix(a: ArrayLike<number>, n: number): Float64Array | null {
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    const piv = m[p * n + c];
    if (!(Math.abs(piv) > 1e-12)) return null;
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        [m[c * n + j], m[p * n + j]] = [m[p * n + j], m[c * n + j]];
        [inv[c * n + j], inv[p * n + j]] = [inv[p * n + j], inv[c * n + j]];
      }
    }
    for (let j = 0; j < n; j++) {
      m[c * n + j] /= piv;
      inv[c * n + j] /= piv;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        m[r * n + j] -= f * m[c * n + j];
        inv[r * n + j] -= f * inv[c * n + j];
      }
    }
  }
  return inv;
}
