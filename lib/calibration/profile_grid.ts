/**
 * The minimum of a two-parameter objective on a grid, with profile intervals: the
 * simulated-moments estimator of a pair whose objective is too noisy or too flat for a local
 * search (the snipers' `share` sizes, `fit_share_sizes.ts`).
 *
 * Every grid point is evaluated (the caller averages its simulation seeds, common to all
 * points); the estimate is the point of least objective. Interval: the grid points whose
 * objective is within `tolerance` of the minimum (1: a χ² profile for one parameter at a time,
 * exact for an objective that is a χ² statistic, for a diagonal-weighted one an approximation;
 * a simulated objective's caller adds its noise), half their span reported as the standard
 * error — half the distance to the nearest other grid value when
 * no other point is that close (the interval is narrower than the grid can show). A minimum on
 * the grid's edge is flagged: the estimate is then a bound, not an interior optimum.
 *
 * - **Assumes:** the objective's minimum lies in the grid's span; the grid is fine enough for
 *   the answer's purpose.
 * - **Ignores:** the objective between grid points.
 * - **Units:** those of the parameters.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";

/**
 * Half the span of `near` (a parameter's values at the grid points within the tolerance of the
 * minimum); when they are one value, half the distance from `at` (the minimum's) to the
 * nearest other of `all` (the grid's values; NaN without one): the interval is narrower than
 * the grid can show.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { halfSpan } from "./profile_grid.ts";
 * assert.equal(halfSpan([1, 2, 3], [0, 1, 2, 3, 4], 2), 1);
 * assert.equal(halfSpan([2], [0, 1, 2, 4], 2), 0.5);
 * ```
 */
export function halfSpan(near: readonly number[], all: readonly number[], at: number): number {
  const half = (Math.max(...near) - Math.min(...near)) / 2;
  if (half > 0) return half;
  const d = all.map((u) => Math.abs(u - at)).filter((u) => u > 0);
  return d.length > 0 ? Math.min(...d) / 2 : NaN;
}

/** One evaluated point of {@linkcode profileGrid}. */
export interface GridPoint {
  /** First parameter. */
  x: number;
  /** Second parameter. */
  y: number;
  /** Objective. */
  q: number;
}

/** The result of {@linkcode profileGrid}. */
export interface ProfileGridFit {
  /** The first parameter at the minimum. */
  x: number;
  /** Half the span of x within the tolerance of the minimum. */
  xSe: number;
  /** The second parameter at the minimum. */
  y: number;
  /** Half the span of y within the tolerance of the minimum. */
  ySe: number;
  /** The least objective. */
  objective: number;
  /** The minimum is on the grid's edge (in x or y). */
  atEdge: boolean;
  /** Every point evaluated, x-major. */
  points: GridPoint[];
}

/**
 * Evaluates `objective(x, y)` on the grid `xs` × `ys` and returns its minimum with profile
 * intervals, the points within `tolerance` (default 1) of it (see the module doc). A point
 * whose objective is not finite is never the minimum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { profileGrid } from "./profile_grid.ts";
 * // a χ² bowl at (2, 3) with unit variances
 * const fit = profileGrid([0, 1, 2, 3, 4], [1, 2, 3, 4, 5], (x, y) => (x - 2) ** 2 + (y - 3) ** 2);
 * assert.deepEqual([fit.x, fit.y, fit.objective], [2, 3, 0]);
 * assert.deepEqual([fit.xSe, fit.ySe], [1, 1]); // within 1: x ∈ {1, 2, 3}
 * assert.equal(fit.atEdge, false);
 * // a wider tolerance, a wider interval
 * assert.equal(profileGrid([0, 1, 2, 3, 4], [3, 4], (x) => (x - 2) ** 2, 4).xSe, 2);
 * ```
 */
export function profileGrid(
  xs: readonly number[],
  ys: readonly number[],
  objective: (x: number, y: number) => number,
  tolerance = 1,
): ProfileGridFit {
  if (xs.length < 2) throw new ValidationError("xs", xs.length, "at least 2 grid values");
  if (ys.length < 2) throw new ValidationError("ys", ys.length, "at least 2 grid values");
  const points: GridPoint[] = [];
  let best: GridPoint | null = null;
  for (const x of xs) {
    for (const y of ys) {
      const p = { x, y, q: objective(x, y) };
      points.push(p);
      if (Number.isFinite(p.q) && (best === null || p.q < best.q)) best = p;
    }
  }
  if (best === null) {
    throw new ValidationError("objective", NaN, "a finite value at some grid point");
  }
  const b = best;
  const near = points.filter((p) => p.q <= b.q + tolerance);
  const span = (values: readonly number[], v: (p: GridPoint) => number) =>
    halfSpan(near.map(v), values, v(b));
  const edge = (values: readonly number[], v: number) =>
    v === Math.min(...values) || v === Math.max(...values);
  return {
    x: b.x,
    xSe: span(xs, (p) => p.x),
    y: b.y,
    ySe: span(ys, (p) => p.y),
    objective: b.q,
    atEdge: edge(xs, b.x) || edge(ys, b.y),
    points,
  };
}
