/**
 * Risk analytics for market-making episodes: return series and annualization,
 * empyrical-style ratios (Sharpe, Sortino, Calmar), historical VaR/CVaR, drawdown,
 * execution quality (fill ratio, spread captured, markouts), an episode summary, and
 * cross-episode statistics (bootstrap CIs, paired tests on common random numbers).
 *
 * Conventions: returns are ΔP&L per 1-second period (default) over a capital base of
 * maxInventory × lotSize × initialPrice, annualized with 252 × 23,400 / periodSeconds
 * periods per year; VaR/CVaR are return quantiles (negative = loss); drawdowns are ≤ 0;
 * undefined ratios are NaN.
 *
 * @example
 * ```ts ignore
 * import { aggregate, defaultCapitalBase, pairedComparison, summarizeEpisode } from "./mod.ts";
 * const capitalBase = defaultCapitalBase(config);
 * const a = recsA.map((r) => summarizeEpisode(r, { capitalBase }));
 * const b = recsB.map((r) => summarizeEpisode(r, { capitalBase }));
 * const table = aggregate(a, 42); // { sharpe: { mean, ci95, std, n }, … }
 * const cmp = pairedComparison(a.map((m) => m.totalPnl), b.map((m) => m.totalPnl), { seed: 42 });
 * ```
 *
 * @module
 */
export type { EpisodeRecord } from "../env/types.ts";
export * from "./percentile.ts";
export * from "./distributions.ts";
export * from "./returns.ts";
export * from "./ratios.ts";
export * from "./drawdown.ts";
export * from "./tail.ts";
export * from "./pnl_stats.ts";
export * from "./execution.ts";
export * from "./summary.ts";
export * from "./bootstrap.ts";
export * from "./aggregate.ts";
export * from "./episode_stats.ts";
export * from "./paired.ts";
export * from "./pooled.ts";
