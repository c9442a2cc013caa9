/**
 * Allocations across strategies: the mean and risk of a weighted mix of per-episode P&Ls,
 * a grid of long-only allocations, candidate allocations (equal weight, minimum risk, best
 * mean/std) and the efficient envelope of the grid.
 *
 * A portfolio with weights w (long-only, summing to 1) earns Σ wᵢ·Pᵢ in an episode, Pᵢ the
 * P&L of strategy i on the same seed (common random numbers). Its mean is wᵀμ and its risk
 * √(wᵀΣw), μ and Σ the sample mean and covariance (ddof 1) of the strategies' P&Ls.
 * Allocations chosen on a sample are evaluated on the same sample here: in-sample figures,
 * which flatter them.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";

/** Sample means of equally long samples. */
export function sampleMeans(samples: readonly ArrayLike<number>[]): number[] {
  return samples.map((s) => {
    let m = 0;
    for (let i = 0; i < s.length; i++) m += s[i];
    return s.length > 0 ? m / s.length : NaN;
  });
}

/**
 * Sample covariance matrix (ddof 1) of equally long samples.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { covarianceMatrix } from "./portfolio.ts";
 * const c = covarianceMatrix([[1, 2, 3], [2, 4, 6]]);
 * assert.deepEqual(c, [[1, 2], [2, 4]]);
 * ```
 */
export function covarianceMatrix(samples: readonly ArrayLike<number>[]): number[][] {
  const k = samples.length;
  const n = k > 0 ? samples[0].length : 0;
  for (let i = 1; i < k; i++) {
    if (samples[i].length !== n) {
      throw new ValidationError(`samples[${i}].length`, samples[i].length, `${n} (equal lengths)`);
    }
  }
  const mu = sampleMeans(samples);
  const out: number[][] = Array.from({ length: k }, () => new Array(k).fill(NaN));
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += (samples[a][t] - mu[a]) * (samples[b][t] - mu[b]);
      out[a][b] = out[b][a] = n > 1 ? s / (n - 1) : NaN;
    }
  }
  return out;
}

/** wᵀμ. */
export function portfolioMean(w: ArrayLike<number>, mu: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * mu[i];
  return s;
}

/** √(wᵀΣw). */
export function portfolioRisk(w: ArrayLike<number>, cov: readonly ArrayLike<number>[]): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    if (w[i] === 0) continue;
    for (let j = 0; j < w.length; j++) s += w[i] * w[j] * cov[i][j];
  }
  return Math.sqrt(Math.max(0, s));
}

/** Number of long-only allocations of `k` strategies on a grid of 1/`steps`: C(steps+k−1, k−1). */
export function gridSize(k: number, steps: number): number {
  let c = 1;
  for (let i = 1; i < k; i++) c = (c * (steps + i)) / i;
  return Math.round(c);
}

/**
 * Every long-only allocation of `k` strategies whose weights are multiples of 1/`steps`
 * (the single strategies included), row-major in a Float64Array of `gridSize(k, steps) × k`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allocationGrid } from "./portfolio.ts";
 * const g = allocationGrid(2, 2); // [0,1], [0.5,0.5], [1,0]
 * assert.deepEqual(Array.from(g), [0, 1, 0.5, 0.5, 1, 0]);
 * ```
 */
export function allocationGrid(k: number, steps: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new ValidationError("k", k, "an integer >= 1");
  if (!Number.isInteger(steps) || steps < 1) {
    throw new ValidationError("steps", steps, "an integer >= 1");
  }
  const rows = gridSize(k, steps);
  const out = new Float64Array(rows * k);
  const cur = new Array<number>(k).fill(0);
  let r = 0;
  const fill = (i: number, left: number) => {
    if (i === k - 1) {
      cur[i] = left;
      for (let j = 0; j < k; j++) out[r * k + j] = cur[j] / steps;
      r++;
      return;
    }
    for (let a = 0; a <= left; a++) {
      cur[i] = a;
      fill(i + 1, left - a);
    }
  };
  fill(0, steps);
  return out;
}

/** The largest grid resolution (≤ `maxSteps`) whose grid has at most `maxPoints` allocations. */
export function gridSteps(k: number, maxPoints = 100_000, maxSteps = 25): number {
  let steps = maxSteps;
  while (steps > 1 && gridSize(k, steps) > maxPoints) steps--;
  return steps;
}

/** A named allocation. */
export interface Allocation {
  /** Name, e.g. "minimum risk". */
  name: string;
  /** Weights, one per strategy, summing to 1. */
  weights: number[];
}

/** The grid of allocations with each one's mean and risk. */
export interface AllocationCloud {
  /** Strategies per allocation. */
  k: number;
  /** Grid resolution (weights are multiples of 1/steps). */
  steps: number;
  /** Weights, row-major `n × k`. */
  weights: Float64Array;
  /** Mean P&L of each allocation. */
  mean: Float64Array;
  /** Risk (std of P&L) of each allocation. */
  risk: Float64Array;
}

/** Evaluates every allocation of the grid for the given means and covariance. */
export function allocationCloud(
  mu: readonly number[],
  cov: readonly (readonly number[])[],
  maxPoints = 100_000,
): AllocationCloud {
  const k = mu.length;
  const steps = gridSteps(k, maxPoints);
  const weights = allocationGrid(k, steps);
  const n = weights.length / k;
  const mean = new Float64Array(n), risk = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const w = weights.subarray(r * k, (r + 1) * k);
    mean[r] = portfolioMean(w, mu);
    risk[r] = portfolioRisk(w, cov);
  }
  return { k, steps, weights, mean, risk };
}

/**
 * The candidate allocations: equal weight, the grid's minimum-risk allocation and its best
 * mean/std ratio.
 */
export function candidateAllocations(cloud: AllocationCloud): Allocation[] {
  const { k, weights, mean, risk } = cloud;
  let minRisk = 0, best = 0;
  for (let r = 1; r < mean.length; r++) {
    if (risk[r] < risk[minRisk]) minRisk = r;
    const a = risk[r] > 0 ? mean[r] / risk[r] : -Infinity;
    const b = risk[best] > 0 ? mean[best] / risk[best] : -Infinity;
    if (a > b) best = r;
  }
  const row = (r: number) => Array.from(weights.subarray(r * k, (r + 1) * k));
  return [
    { name: "equal weight", weights: new Array(k).fill(1 / k) },
    { name: "minimum risk", weights: row(minRisk) },
    { name: "best mean/std", weights: row(best) },
  ];
}

/**
 * The efficient envelope of a cloud of (risk, mean) points: split the risk axis into
 * `buckets`, keep the best mean of each, and keep the points where the mean still rises
 * with risk. Returns the points in increasing risk.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { efficientEnvelope } from "./portfolio.ts";
 * const e = efficientEnvelope([1, 2, 3, 2.5], [1, 3, 2, 1], 3);
 * assert.deepEqual(e, { risk: [1, 2], mean: [1, 3] });
 * ```
 */
export function efficientEnvelope(
  risk: ArrayLike<number>,
  mean: ArrayLike<number>,
  buckets = 30,
): { risk: number[]; mean: number[] } {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < risk.length; i++) {
    lo = Math.min(lo, risk[i]);
    hi = Math.max(hi, risk[i]);
  }
  const best = new Array<number>(buckets).fill(-Infinity);
  const at = new Array<number>(buckets).fill(NaN);
  for (let i = 0; i < risk.length; i++) {
    const b = Math.min(buckets - 1, Math.floor(((risk[i] - lo) / (hi - lo || 1)) * buckets));
    if (mean[i] > best[b]) {
      best[b] = mean[i];
      at[b] = risk[i];
    }
  }
  const out = { risk: [] as number[], mean: [] as number[] };
  let top = -Infinity;
  for (let b = 0; b < buckets; b++) {
    if (Number.isFinite(best[b]) && best[b] > top) {
      top = best[b];
      out.risk.push(at[b]);
      out.mean.push(best[b]);
    }
  }
  return out;
}

/** The weighted sum of equally long series: Σ wᵢ·seriesᵢ (e.g. P&L paths of one episode). */
export function weightedSum(
  weights: ArrayLike<number>,
  series: readonly ArrayLike<number>[],
): Float64Array {
  const n = series.length > 0 ? series[0].length : 0;
  const out = new Float64Array(n);
  for (let i = 0; i < series.length; i++) {
    const w = weights[i];
    if (!w) continue;
    const s = series[i];
    for (let t = 0; t < n; t++) out[t] += w * s[t];
  }
  return out;
}
