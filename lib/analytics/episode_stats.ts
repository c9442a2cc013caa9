/**
 * The "per-episode" statistics view: statistics of episode totals across episodes
 * (each episode is one observation), as opposed to the per-period view of
 * {@linkcode summarizeEpisode} (1-second returns within an episode, annualized).
 * Tables should say which view they report.
 *
 * @module
 */
import { SECONDS_PER_DAY } from "../env/config.ts";
import { meanOf, requirePositive, sampleStdOf } from "./_stats.ts";
import { TRADING_DAYS_PER_YEAR } from "./returns.ts";

/**
 * Per-episode Sharpe: mean(episode P&L) / std(episode P&L, ddof = 1) · √annualization.
 * With the default `annualization = 1` it is the plain, un-annualized ratio; pass
 * {@linkcode episodesPerYear}(duration) to annualize episodes as back-to-back periods.
 * NaN with fewer than 2 episodes or zero dispersion.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perEpisodeSharpe } from "./episode_stats.ts";
 * assert.equal(perEpisodeSharpe([1, 2, 3]), 2); // mean 2, sample std 1
 * assert.ok(Number.isNaN(perEpisodeSharpe([5]))); // fewer than 2 episodes
 * ```
 */
export function perEpisodeSharpe(episodePnl: ArrayLike<number>, annualization = 1): number {
  if (episodePnl.length < 2) return NaN;
  const sd = sampleStdOf(episodePnl);
  if (!(sd > 0)) return NaN;
  return meanOf(episodePnl) / sd * Math.sqrt(annualization);
}

/** Episodes of `durationSeconds` that fit in a trading year: 252 × 23,400 / duration. */
export function episodesPerYear(durationSeconds: number): number {
  return TRADING_DAYS_PER_YEAR * SECONDS_PER_DAY /
    requirePositive("durationSeconds", durationSeconds);
}
