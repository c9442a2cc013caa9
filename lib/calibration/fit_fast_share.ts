/**
 * The share of the touch that the tape's fast orders take, for the fast traders' `share`
 * sizes (`lib/market/snipers.ts`, `informed.ts`).
 *
 * A fast order is one after which the mid moved its way within `horizon` seconds (the
 * orders that come with a move: on the Binance tape 38 % of the orders, 74 % of the volume).
 * Its share is its executed size over the lots at the opposite best quote just before it
 * (`moDepth`); a share of 1 or more (the order took the whole touch, and perhaps walked the
 * book) is censored at 1, as the model's share is at most 1. The shares are fitted as a
 * log-normal, min(1, m·exp(σZ)), by censored maximum likelihood.
 *
 * - **Assumes:** the orders that come with a move are the fast traders' (a background order
 *   that happened to precede a move counts too, and a fast order the mid did not follow does
 *   not); the touch before the order is what was stale; shares independent of each other.
 * - **Ignores:** hidden liquidity; the book's resolution (a 100-ms snapshot's touch may have
 *   changed before the order).
 * - **Units:** shares dimensionless, `horizon` seconds.
 *
 * @module
 */
import { normalCdf } from "../analytics/distributions.ts";
import { InsufficientDataError } from "./errors.ts";
import { type Estimate, fitted } from "./estimate.ts";
import {
  covarianceFromHessian,
  hessianFromValues,
  minimizeNelderMead,
  standardErrors,
} from "./optimize.ts";
import { type MarketRecord, quoteIndexAt } from "./record.ts";

/** The shares of the touch that a record's fast orders took (≥ 1: censored). */
export function fastShares(records: readonly MarketRecord[], horizon = 0.1): Float64Array {
  const out: number[] = [];
  for (const r of records) {
    for (let i = 0; i < r.moTime.length; i++) {
      const d = r.moDepth[i];
      if (!(d > 0)) continue;
      const t = r.moTime[i];
      // the last quote strictly before the order, and the last at or before t + horizon
      let a = quoteIndexAt(r, t);
      while (a >= 0 && r.qTime[a] >= t) a--;
      const b = quoteIndexAt(r, t + horizon);
      if (a < 0 || b < 0) continue;
      const move = (r.bid[b] + r.ask[b] - r.bid[a] - r.ask[a]) * r.moSign[i];
      if (move > 0) out.push(r.moQty[i] / d);
    }
  }
  return Float64Array.from(out);
}

/** The fitted law of the fast orders' shares of the touch. */
export interface FastShareFit {
  /** Median m of the uncensored log-normal share. */
  median: Estimate;
  /** Its log-sd σ. */
  sigma: Estimate;
  /** Fast orders it was fitted to. */
  orders: number;
  /** Of them, shares of 1 or more (censored). */
  censored: number;
  /** Maximized log-likelihood. */
  logLikelihood: number;
}

/**
 * Fits min(1, m·exp(σZ)) to `shares` (each > 0; ≥ 1 censored) by maximum likelihood, with
 * standard errors from the inverse Hessian (m's by the delta method).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalFromUniform } from "../market/price_process.ts";
 * import { fitFastShare } from "./fit_fast_share.ts";
 * // shares exp(−3 + 2z) at 2,000 normal quantiles, censored at 1
 * const shares = Array.from(
 *   { length: 2000 },
 *   (_, i) => Math.min(1, Math.exp(-3 + 2 * normalFromUniform((i + 0.5) / 2000))),
 * );
 * const fit = fitFastShare(shares);
 * assert.ok(Math.abs(Math.log(fit.median.value) + 3) < 0.05);
 * assert.ok(Math.abs(fit.sigma.value - 2) < 0.05);
 * assert.equal(fit.censored, shares.filter((s) => s >= 1).length);
 * ```
 */
export function fitFastShare(shares: ArrayLike<number>): FastShareFit {
  const n = shares.length;
  if (n < 50) {
    throw new InsufficientDataError(
      "fast orders' share of the touch",
      "at least 50 orders that came with a move",
      `${n}`,
    );
  }
  const logs: number[] = [];
  let censored = 0;
  for (let i = 0; i < n; i++) {
    const s = shares[i];
    if (!(s > 0) || !Number.isFinite(s)) continue;
    if (s >= 1) censored++;
    else logs.push(Math.log(s));
  }
  if (logs.length < 10) {
    throw new InsufficientDataError(
      "fast orders' share of the touch",
      "at least 10 orders that took less than the whole touch",
      `${logs.length}`,
    );
  }
  // −log L in (μ, ln σ)
  const nll = (x: ArrayLike<number>) => {
    const mu = x[0], sigma = Math.exp(x[1]);
    let v = 0;
    for (const l of logs) {
      const u = (l - mu) / sigma;
      v += 0.5 * u * u + Math.log(sigma) + 0.5 * Math.log(2 * Math.PI) + l;
    }
    const tail = 1 - normalCdf(-mu / sigma);
    v -= censored * Math.log(tail > 1e-300 ? tail : 1e-300);
    return v;
  };
  let mean = 0;
  for (const l of logs) mean += l;
  mean /= logs.length;
  let sd = 0;
  for (const l of logs) sd += (l - mean) ** 2;
  sd = Math.sqrt(sd / logs.length) || 1;
  const best = minimizeNelderMead(nll, [mean, Math.log(sd)], { maxIterations: 2_000 });
  const [mu, logSigma] = best.x;
  const cov = covarianceFromHessian(hessianFromValues(nll, best.x), 2);
  const se = cov.ok ? standardErrors(cov.cov, 2) : [NaN, NaN];
  const sigma = Math.exp(logSigma);
  const method =
    `censored maximum likelihood of a log-normal share of the touch over the tape's orders after which the mid moved their way (fastShares; ${n} orders, ${censored} took the whole touch: censored at 1)`;
  return {
    median: fitted(Math.exp(mu), Math.exp(mu) * se[0], "share of the touch", method),
    sigma: fitted(sigma, sigma * se[1], "log-sd", method),
    orders: n,
    censored,
    logLikelihood: -best.value,
  };
}
