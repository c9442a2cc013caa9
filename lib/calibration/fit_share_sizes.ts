/**
 * The snipers' sizes as shares of the stale lots (`sizes: "share"`, `lib/market/snipers.ts`),
 * fitted by simulated moments on a grid, given the rest of a calibrated market
 * (`calibrate --share-moments`).
 *
 * A sniper that finds a quote stale takes min(1, m·e^{σZ}) of its lots. The tape does not say
 * which orders are the snipers' — the direct fit (`fit_fast_share.ts`) takes every order after
 * which the mid moved its way, the background's included — so m and σ are fitted here on what
 * they change in the market: the order-size distribution (the share of market orders below the
 * sizes nearest the tape's 10, 25, 50, 75 and 90 % quantiles, {@linkcode sizeCutsOf}) together
 * with the information fit's moments (the markout's decay, the price response, the 1-s
 * kurtosis, the short gaps between orders, the volume/volatility correlation;
 * {@linkcode informationMoments}), by Q = Σᵢ ((m̂ᵢ − mᵢ) / seᵢ)² with the tape's block-bootstrap
 * standard errors, averaged over the information fit's R + 1 simulation seeds (common random
 * numbers), on the grid {@linkcode SHARE_MEDIANS} × {@linkcode SHARE_SIGMAS}
 * ({@linkcode profileGrid}: the objective is too noisy and too flat in σ for a local search).
 * Standard errors: half the span of the grid points whose Q is within 1 + 2·noise of the
 * minimum, the noise that of the least point's mean Q (its sd over the seeds / √(R + 1); none
 * with one seed): a point closer than its noise is not told apart from it.
 *
 * - **Assumes:** the rest of the market as calibrated (the background's sizes, the news, the
 *   snipers' rate) is right, and stays right with the snipers' sizes changed: nothing is
 *   refitted after this stage; the snipers' shares are independent of each other and of the
 *   move.
 * - **Ignores:** the informed traders' sizes (kept as calibrated); the feedback of the new
 *   sizes on the depth and the spread the moment matching matched.
 * - **Units:** shares dimensionless, σ a log-sd, sizes in the simulated market's lots.
 *
 * @module
 */
import type { EnvConfigInput } from "../env/config.ts";
import { childSeed } from "../rng/streams.ts";
import { type Estimate, fitted, sig } from "./estimate.ts";
import {
  type FreshObjectiveOptions,
  informationMoments,
  momentObjective,
  sizeCutsOf,
} from "./fit_information.ts";
import { profileGrid } from "./profile_grid.ts";
import type { MarketRecord } from "./record.ts";
import { simulateRecords } from "./simulate.ts";

/** The grid of the snipers' median shares of the stale lots. */
export const SHARE_MEDIANS: readonly number[] = [0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32];
/** The grid of the log-sds of the snipers' shares. */
export const SHARE_SIGMAS: readonly number[] = [0.5, 1, 1.5, 2, 2.5, 3, 3.5];

/**
 * Options of {@linkcode fitShareSizes}: the observation, the simulated length and the clustering
 * lags as {@linkcode FreshObjectiveOptions}'; the seeds the information fit's.
 */
export interface ShareSizesOptions extends Omit<FreshObjectiveOptions, "seed" | "replicates"> {
  /** Seed of the first simulation; the others `childSeed(seed, 9_000 + r)` (the information fit's). */
  seed: number;
  /** Replicate seeds R beside the first (default 4). */
  replicates?: number;
  /** The grid of medians (default {@linkcode SHARE_MEDIANS}). */
  medians?: readonly number[];
  /** The grid of log-sds (default {@linkcode SHARE_SIGMAS}). */
  sigmas?: readonly number[];
  /** The market before (the snipers' sizes it was calibrated with): its Q is reported. */
  before?: EnvConfigInput;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** The result of {@linkcode fitShareSizes}. */
export interface ShareSizesFit {
  /** The snipers' median share (`flow.snipers.shareMedian`). */
  median: Estimate;
  /** Its log-sd (`flow.snipers.sizeSigma`). */
  sigma: Estimate;
  /** Q at the estimate (mean over the seeds). */
  objective: number;
  /** Q of `options.before` on the same seeds (NaN without it). */
  objectiveBefore: number;
  /** The estimate is on the grid's edge. */
  atEdge: boolean;
  /** The moments' names. */
  moments: string[];
  /** The tape's moments. */
  real: number[];
  /** Their block-bootstrap standard errors. */
  realSe: number[];
  /** The moments at the estimate (first seed). */
  simulated: number[];
  /** Every grid point: [median, log-sd, Q]. */
  points: [number, number, number][];
}

/**
 * Fits the snipers' share of the stale lots (see the module doc): `market(m, σ)` is the
 * calibrated market with the snipers' `sizes: "share"`, `shareMedian` m and `sizeSigma` σ;
 * `records` the tape, in the simulated market's lot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulateRecords } from "./simulate.ts";
 * import { fitShareSizes } from "./fit_share_sizes.ts";
 * const market = (m: number, s: number) => ({
 *   duration: 120,
 *   flow: { snipers: { rate: 40, threshold: 1, sizes: "share" as const, shareMedian: m, sizeSigma: s } },
 * });
 * const tape = simulateRecords(market(0.3, 0.5), { seconds: 240, seed: 1 });
 * const fit = fitShareSizes(tape, market, {
 *   quoteInterval: 0, seconds: 240, seed: 2, replicates: 0, medians: [0.03, 0.3], sigmas: [0.5, 2],
 * });
 * assert.equal(fit.points.length, 4);
 * assert.equal(fit.median.status, "fit");
 * assert.ok(fit.moments.some((n) => n.startsWith("sizes<")));
 * ```
 */
export function fitShareSizes(
  records: readonly MarketRecord[],
  market: (median: number, sigma: number) => EnvConfigInput,
  options: ShareSizesOptions,
): ShareSizesFit {
  const grid = Math.max(0.1, options.quoteInterval);
  const lags = options.clusteringLags ?? [];
  const clock = options.timeResolution ?? 0;
  const cuts = sizeCutsOf(records);
  const real = informationMoments(records, grid, 200, lags, clock, cuts);
  const replicates = options.replicates ?? 4;
  const moments = (config: EnvConfigInput, r: number) =>
    informationMoments(
      simulateRecords(config, {
        seconds: options.seconds,
        seed: r === 0 ? options.seed : childSeed(options.seed, 9_000 + r),
        quoteInterval: options.quoteInterval,
        timeResolution: clock,
      }),
      grid,
      0,
      lags,
      clock,
      cuts,
    ).value;
  const perSeed = (config: EnvConfigInput) =>
    Array.from({ length: replicates + 1 }, (_, r) => momentObjective(moments(config, r), real));
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const medians = options.medians ?? SHARE_MEDIANS, sigmas = options.sigmas ?? SHARE_SIGMAS;
  // every point once; the interval's tolerance is 1 plus twice the noise of the least point's
  // mean Q (its sd over the seeds / √(R + 1)): closer points are not told apart from it
  const seen = new Map<string, number[]>();
  const at = (m: number, s: number) => {
    const key = `${m} ${s}`;
    if (!seen.has(key)) seen.set(key, perSeed(market(m, s)));
    return seen.get(key)!;
  };
  const first = profileGrid(medians, sigmas, (m, s) => mean(at(m, s)));
  const best = at(first.x, first.y);
  const sd = best.length > 1
    ? Math.sqrt(best.reduce((a, v) => a + (v - mean(best)) ** 2, 0) / (best.length - 1))
    : 0;
  const noise = sd / Math.sqrt(best.length);
  const fit = profileGrid(medians, sigmas, (m, s) => mean(at(m, s)), 1 + 2 * noise);
  const q = (config: EnvConfigInput) => mean(perSeed(config));
  const objectiveBefore = options.before === undefined ? NaN : q(options.before);
  const method =
    `simulated moments on a grid, the rest of the market as calibrated: the share of market orders below ${
      cuts.map((c) => sig(c, 3)).join(", ")
    } lots (the tape's size quantiles ${
      [10, 25, 50, 75, 90].join(", ")
    } %) and the information fit's moments, diagonal weights, Q averaged over ${
      replicates + 1
    } seeds; medians ${medians.join(", ")} × log-sds ${
      sigmas.join(", ")
    }; standard error half the span of the grid points within ${
      sig(1 + 2 * noise, 3)
    } of the minimum (1 + twice the noise of its mean Q over the seeds; fit_share_sizes.ts)${
      fit.atEdge ? "; on the grid's edge: a bound, not an interior optimum" : ""
    }`;
  options.log?.(
    `  snipers' share: median ${fit.x}, log-sd ${fit.y}: Q ${sig(fit.objective, 4)}${
      Number.isNaN(objectiveBefore) ? "" : ` (before: ${sig(objectiveBefore, 4)})`
    } on ${replicates + 1} seeds`,
  );
  return {
    median: fitted(fit.x, fit.xSe, "share of the stale lots", method),
    sigma: fitted(fit.y, fit.ySe, "log-sd", method),
    objective: fit.objective,
    objectiveBefore,
    atEdge: fit.atEdge,
    moments: real.names,
    real: Array.from(real.value),
    realSe: Array.from(real.se),
    simulated: Array.from(moments(market(fit.x, fit.y), 0)),
    points: fit.points.map((p) => [p.x, p.y, p.q]),
  };
}
