/**
 * The pooled view of risk: every episode's per-period returns pooled into one series, so
 * that a headline Sharpe ratio has the sign of the mean P&L (a mean of per-episode Sharpe
 * ratios need not: a few volatile losing episodes weigh little in it). Episodes are
 * summarized by the sufficient statistics of their returns ({@linkcode returnMoments}),
 * combined exactly (Chan et al.'s parallel update), and confidence intervals come from a
 * cluster bootstrap that resamples whole episodes. Also the per-episode Sharpe ratio
 * mean/std of episode P&L (un-annualized), the cross-episode view of Spooner et al. (2018).
 *
 * @module
 */
import { meanOf, sampleStdOf } from "./_stats.ts";
import type { MetricSummary } from "./aggregate.ts";
import {
  bootstrapRng,
  DEFAULT_RESAMPLES,
  percentileInterval,
  validateResamples,
} from "./bootstrap.ts";

/** Sufficient statistics of one episode's finite per-period returns (empyrical drops NaN). */
export interface ReturnMoments {
  /** Number of finite returns. */
  n: number;
  /** Their mean. */
  mean: number;
  /** Σ (r − mean)². */
  m2: number;
  /** Σ min(r, 0)² (downside, required return 0). */
  downSq: number;
}

/** Number of values {@linkcode packMoments} stores per episode. */
export const MOMENTS_STRIDE = 4;

/**
 * The {@linkcode ReturnMoments} of `returns` (non-finite values dropped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { returnMoments } from "./pooled.ts";
 * const m = returnMoments([0.01, -0.02, NaN, 0.04]);
 * assert.equal(m.n, 3);
 * assert.ok(Math.abs(m.mean - 0.01) < 1e-15);
 * assert.ok(Math.abs(m.downSq - 0.0004) < 1e-15);
 * ```
 */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  let n = 0, mean = 0, m2 = 0, downSq = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i];
    if (!Number.isFinite(r)) continue;
    n++;
    const d = r - mean;
    mean += d / n;
    m2 += d * (r - mean);
    if (r < 0) downSq += r * r;
  }
  return { n, mean: n > 0 ? mean : NaN, m2, downSq };
}

/** Writes `m` at episode `i` of a packed buffer (MOMENTS_STRIDE values per episode). */
export function packMoments(m: ReturnMoments, out: Float64Array, i: number): void {
  const o = i * MOMENTS_STRIDE;
  out[o] = m.n;
  out[o + 1] = m.mean;
  out[o + 2] = m.m2;
  out[o + 3] = m.downSq;
}

/** Ratios of a pooled return series. */
export interface PooledRatios {
  /** Annualized Sharpe of the pooled returns (NaN without dispersion). */
  sharpe: number;
  /** Annualized Sortino of the pooled returns (required return 0; NaN without downside). */
  sortino: number;
  /** Annualized volatility of the pooled returns. */
  annualVolatility: number;
  /** Mean per-period return of the pooled series. */
  meanReturn: number;
}

/**
 * Ratios of the series formed by pooling the episodes `idx` (indices into the packed
 * `moments`, repeats allowed), annualized with `periodsPerYear`.
 */
export function pooledRatios(
  moments: Float64Array,
  periodsPerYear: number,
  idx?: ArrayLike<number>,
): PooledRatios {
  const count = idx ? idx.length : moments.length / MOMENTS_STRIDE;
  let n = 0, mean = 0, m2 = 0, down = 0;
  for (let j = 0; j < count; j++) {
    const o = (idx ? idx[j] : j) * MOMENTS_STRIDE;
    const nb = moments[o];
    if (!(nb > 0)) continue;
    const mb = moments[o + 1];
    const d = mb - mean;
    const total = n + nb;
    mean += d * nb / total;
    m2 += moments[o + 2] + d * d * n * nb / total;
    down += moments[o + 3];
    n = total;
  }
  if (n < 2) return { sharpe: NaN, sortino: NaN, annualVolatility: NaN, meanReturn: NaN };
  const sd = Math.sqrt(m2 / (n - 1));
  const dr = Math.sqrt(down / n);
  const ann = Math.sqrt(periodsPerYear);
  return {
    sharpe: sd > 0 ? mean / sd * ann : NaN,
    sortino: dr > 0 ? mean * periodsPerYear / (dr * ann) : NaN,
    annualVolatility: sd * ann,
    meanReturn: mean,
  };
}

/**
 * Pooled Sharpe, Sortino and annual volatility (keys `sharpePooled`, `sortinoPooled`,
 * `annualVolatilityPooled`) and the per-episode Sharpe of episode P&L (`episodeSharpe`,
 * un-annualized), each with a 95 % CI from a cluster bootstrap over episodes (`seed`
 * fixes the resamples; `std` is NaN: these are not means across episodes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { packMoments, pooledSummary, returnMoments } from "./pooled.ts";
 * const eps = [[0.01, -0.02, 0.03], [0.02, 0.01, -0.01], [-0.03, 0.02, 0.01]];
 * const packed = new Float64Array(3 * 4);
 * eps.forEach((r, i) => packMoments(returnMoments(r), packed, i));
 * const s = pooledSummary(packed, [0.02, 0.02, 0], 252, "doc");
 * assert.ok(s.sharpePooled.mean > 0); // the pooled mean return is positive
 * assert.ok(s.sharpePooled.ci95[0] <= s.sharpePooled.mean);
 * assert.equal(s.episodeSharpe.n, 3);
 * ```
 */
export function pooledSummary(
  moments: Float64Array,
  episodePnl: ArrayLike<number>,
  periodsPerYear: number,
  seed: string,
  resamples: number = DEFAULT_RESAMPLES,
): Record<string, MetricSummary> {
  validateResamples(resamples);
  const e = moments.length / MOMENTS_STRIDE;
  const point = pooledRatios(moments, periodsPerYear);
  const pnl = Float64Array.from(episodePnl);
  const epSharpe = (x: ArrayLike<number>) => {
    const sd = sampleStdOf(x);
    return x.length >= 2 && sd > 0 ? meanOf(x) / sd : NaN;
  };
  const names = ["sharpePooled", "sortinoPooled", "annualVolatilityPooled", "episodeSharpe"];
  const draws = names.map(() => new Float64Array(resamples));
  const rng = bootstrapRng(`${seed}:pooled`);
  const idx = new Int32Array(e);
  const sample = new Float64Array(e);
  for (let b = 0; b < resamples; b++) {
    for (let j = 0; j < e; j++) {
      idx[j] = Math.floor(rng.next() * e);
      sample[j] = pnl[idx[j]];
    }
    const r = pooledRatios(moments, periodsPerYear, idx);
    draws[0][b] = r.sharpe;
    draws[1][b] = r.sortino;
    draws[2][b] = r.annualVolatility;
    draws[3][b] = epSharpe(sample);
  }
  const values = [point.sharpe, point.sortino, point.annualVolatility, epSharpe(pnl)];
  const out: Record<string, MetricSummary> = {};
  names.forEach((name, k) => {
    const finite = draws[k].filter(Number.isFinite);
    out[name] = {
      mean: values[k],
      ci95: Number.isFinite(values[k]) && finite.length >= 0.9 * resamples
        ? percentileInterval(finite, 0.95)
        : [NaN, NaN],
      std: NaN,
      n: e,
    };
  });
  return out;
}
