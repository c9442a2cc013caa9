/**
 * Paired comparison of two strategies run on common random numbers (the same seeds,
 * episode i of A paired with episode i of B): per-episode differences d = a − b, their
 * mean with a percentile-bootstrap CI, and three two-sided tests of "mean/median
 * difference is 0":
 *
 * - paired t-test: t = mean(d) / (sd(d)/√n), df = n − 1, p from Student's t CDF
 *   (regularized incomplete beta);
 * - Wilcoxon signed-rank test: zero differences dropped (scipy's default
 *   `zero_method="wilcox"`), average ranks for ties, statistic T = min(W⁺, W⁻), normal
 *   approximation with tie correction and no continuity correction (scipy's
 *   `method="approx"`): z = (T − n(n+1)/4) / √(n(n+1)(2n+1)/24 − Σ(t³ − t)/48);
 * - sign-flip permutation test (distribution-free): statistic |Σ d|; exact enumeration
 *   of all 2ⁿ sign patterns for n ≤ `exactMaxN`, otherwise `permutations` seeded random
 *   patterns with p = (1 + #{|Σ ±d| ≥ |Σ d|}) / (1 + permutations).
 *
 * Pairs where either value is not finite are dropped before anything is computed.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { Rng } from "../rng/rng.ts";
import { finiteValues, meanOf, sampleStdOf } from "./_stats.ts";
import { metricColumns } from "./aggregate.ts";
import {
  bootstrapMeansInto,
  bootstrapRng,
  DEFAULT_RESAMPLES,
  percentileInterval,
  validateResamples,
} from "./bootstrap.ts";
import { normalCdf, studentTTwoSidedP } from "./distributions.ts";

/** Result of a t-test. */
export interface TTestResult {
  /** t statistic. */
  t: number;
  /** Degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  p: number;
}

/**
 * One-sample (paired) t-test of mean(d) = 0, two-sided. n < 2 gives NaNs; zero spread
 * gives t = NaN, p = NaN when the mean is 0, and t = ±Infinity, p = 0 otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairedTTest } from "./paired.ts";
 * // mean 1, sd √2.5, se √0.5 ⇒ t = √2, df = 4, two-sided p ≈ 0.2302
 * const { t, df, p } = pairedTTest([1, 2, 3, -1, 0]);
 * assert.ok(Math.abs(t - Math.SQRT2) < 1e-12);
 * assert.equal(df, 4);
 * assert.ok(Math.abs(p - 0.2302) < 1e-4);
 * ```
 */
export function pairedTTest(diffs: ArrayLike<number>): TTestResult {
  const n = diffs.length;
  const df = n - 1;
  if (n < 2) return { t: NaN, df, p: NaN };
  const m = meanOf(diffs);
  const sd = sampleStdOf(diffs);
  if (!(sd > 0)) {
    return m === 0 ? { t: NaN, df, p: NaN } : { t: m > 0 ? Infinity : -Infinity, df, p: 0 };
  }
  const t = m / (sd / Math.sqrt(n));
  return { t, df, p: studentTTwoSidedP(t, df) };
}

/** Result of a Wilcoxon signed-rank test. */
export interface WilcoxonResult {
  /** T = min(W⁺, W⁻). */
  statistic: number;
  /** Normal-approximation z score (≤ 0). */
  z: number;
  /** Two-sided p-value (normal approximation). */
  p: number;
  /** Non-zero differences used. */
  n: number;
}

/**
 * Wilcoxon signed-rank test, two-sided, normal approximation with tie correction (see
 * the module doc). NaN p when no difference is non-zero.
 */
export function wilcoxonSignedRank(diffs: ArrayLike<number>): WilcoxonResult {
  const d = new Float64Array(diffs.length);
  let n = 0;
  for (let i = 0; i < diffs.length; i++) if (diffs[i] !== 0) d[n++] = diffs[i];
  if (n === 0) return { statistic: NaN, z: NaN, p: NaN, n: 0 };
  const idx = new Int32Array(n);
  const abs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    idx[i] = i;
    abs[i] = Math.abs(d[i]);
  }
  idx.sort((a, b) => abs[a] - abs[b]);
  let wPlus = 0, tieSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && abs[idx[j + 1]] === abs[idx[i]]) j++;
    const rank = (i + j + 2) / 2; // average of ranks i+1 … j+1
    const t = j - i + 1;
    tieSum += t * t * t - t;
    for (let k = i; k <= j; k++) if (d[idx[k]] > 0) wPlus += rank;
    i = j + 1;
  }
  const total = n * (n + 1) / 2;
  const statistic = Math.min(wPlus, total - wPlus);
  const mu = n * (n + 1) / 4;
  const variance = n * (n + 1) * (2 * n + 1) / 24 - tieSum / 48;
  if (!(variance > 0)) return { statistic, z: NaN, p: NaN, n };
  const z = (statistic - mu) / Math.sqrt(variance);
  return { statistic, z, p: Math.min(1, 2 * normalCdf(z)), n };
}

/** Options of {@linkcode signFlipTest}. */
export interface SignFlipOptions {
  /** Random sign patterns when n > exactMaxN (default 10,000). */
  permutations?: number;
  /** Largest n enumerated exactly (default 16, i.e. 65,536 patterns). */
  exactMaxN?: number;
  /** Seed (default 0). */
  seed?: number | string;
}

/**
 * Sign-flip permutation test of a zero mean difference, two-sided (see the module doc).
 * NaN for an empty input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { signFlipTest } from "./paired.ts";
 * // 2³ patterns; |Σ| ≥ 6 only for + + + and − − −
 * assert.equal(signFlipTest([1, 2, 3]), 0.25);
 * ```
 */
export function signFlipTest(diffs: ArrayLike<number>, opts: SignFlipOptions = {}): number {
  const n = diffs.length;
  if (n === 0) return NaN;
  const exactMaxN = opts.exactMaxN ?? 16;
  if (!Number.isInteger(exactMaxN) || exactMaxN < 0 || exactMaxN > 24) {
    throw new ValidationError("exactMaxN", exactMaxN, "an integer in [0, 24]");
  }
  let s0 = 0, scale = 0;
  for (let i = 0; i < n; i++) {
    s0 += diffs[i];
    scale += Math.abs(diffs[i]);
  }
  const threshold = Math.abs(s0) - 1e-12 * scale;
  let count = 0;
  if (n <= exactMaxN) {
    const patterns = 2 ** n;
    for (let mask = 0; mask < patterns; mask++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (mask >>> i) & 1 ? -diffs[i] : diffs[i];
      if (Math.abs(s) >= threshold) count++;
    }
    return count / patterns;
  }
  const permutations = validateResamples(opts.permutations ?? 10_000, "permutations");
  const rng = new Rng(`alpe-signflip:${opts.seed ?? 0}`);
  for (let b = 0; b < permutations; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += rng.next() < 0.5 ? -diffs[i] : diffs[i];
    if (Math.abs(s) >= threshold) count++;
  }
  return (1 + count) / (1 + permutations);
}

/** Options of {@linkcode pairedComparison}. */
export interface PairedOptions {
  /** Seed of the bootstrap and of the random sign flips (default 0). */
  seed?: number | string;
  /** Bootstrap resamples (default 2,000). */
  resamples?: number;
  /** Random sign patterns for n > exactMaxN (default 10,000). */
  permutations?: number;
  /** Largest n for the exact sign-flip test (default 16). */
  exactMaxN?: number;
}

/** Result of a paired comparison of A against B (differences are A − B). */
export interface PairedComparison {
  /** Pairs used (both values finite). */
  n: number;
  /** Mean of A − B. */
  meanDiff: number;
  /** 95 % percentile-bootstrap CI of the mean difference. */
  ci95: [number, number];
  /** Sample standard deviation of the differences. */
  stdDiff: number;
  /** Paired t statistic. */
  tStatistic: number;
  /** Two-sided paired t-test p-value. */
  tTestP: number;
  /** Wilcoxon T = min(W⁺, W⁻). */
  wilcoxonStatistic: number;
  /** Two-sided Wilcoxon signed-rank p-value (normal approximation, tie-corrected). */
  wilcoxonP: number;
  /** Two-sided sign-flip permutation p-value. */
  permutationP: number;
  /** The differences A − B used. */
  diffs: Float64Array;
}

/**
 * Compares paired samples `a` and `b` (same length; element i of each from the same seed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairedComparison } from "./paired.ts";
 * const a = [3.1, 2.4, 4.0, 1.9, 3.3, 2.8];
 * const b = [2.5, 2.6, 3.1, 1.2, 2.9, 2.0];
 * const c = pairedComparison(a, b, { seed: 1 });
 * assert.ok(Math.abs(c.meanDiff - 0.5333) < 1e-4);
 * assert.ok(c.tTestP < 0.05); // ≈ 0.022
 * assert.equal(c.permutationP, 0.0625); // exact sign-flip test over the 2⁶ patterns
 * ```
 */
export function pairedComparison(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: PairedOptions = {},
): PairedComparison {
  if (a.length !== b.length) {
    throw new ValidationError("b.length", b.length, `the length of a (${a.length})`);
  }
  const all = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) all[i] = a[i] - b[i];
  const diffs = finiteValues(all);
  const n = diffs.length;
  const seed = opts.seed ?? 0;
  const resamples = validateResamples(opts.resamples ?? DEFAULT_RESAMPLES);
  const ci95: [number, number] = n === 0 ? [NaN, NaN] : percentileInterval(
    bootstrapMeansInto(diffs, new Float64Array(resamples), bootstrapRng(`paired:${seed}`)),
    0.95,
  );
  const tt = pairedTTest(diffs);
  const w = wilcoxonSignedRank(diffs);
  return {
    n,
    meanDiff: meanOf(diffs),
    ci95,
    stdDiff: sampleStdOf(diffs),
    tStatistic: tt.t,
    tTestP: tt.p,
    wilcoxonStatistic: w.statistic,
    wilcoxonP: w.p,
    permutationP: signFlipTest(diffs, {
      seed,
      permutations: opts.permutations,
      exactMaxN: opts.exactMaxN,
    }),
    diffs,
  };
}

/**
 * Paired comparison of every metric present in both `rowsA` and `rowsB` (e.g.
 * {@linkcode EpisodeMetrics} of two agents on the same seeds, in the same order).
 * Nested records are flattened with dotted keys as in {@linkcode aggregate}. Each
 * metric uses the seed `${seed}:${key}`.
 */
export function compareMetrics(
  rowsA: readonly object[],
  rowsB: readonly object[],
  seed: number | string,
  opts: Omit<PairedOptions, "seed"> = {},
): Record<string, PairedComparison> {
  if (rowsA.length !== rowsB.length) {
    throw new ValidationError(
      "rowsB.length",
      rowsB.length,
      `the length of rowsA (${rowsA.length})`,
    );
  }
  const colsA = metricColumns(rowsA);
  const colsB = metricColumns(rowsB);
  const out: Record<string, PairedComparison> = {};
  for (const [k, ca] of colsA) {
    const cb = colsB.get(k);
    if (cb) out[k] = pairedComparison(ca, cb, { ...opts, seed: `${seed}:${k}` });
  }
  return out;
}
