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
 * ```ts
 * import assert from "node:assert/strict";
 * import { aggregate, defaultCapitalBase, pairedComparison, summarizeEpisode } from "./mod.ts";
 * import { createAgent, rollout } from "../agents/mod.ts";
 * import { EpisodeRecorder, makeVecEnv } from "../env/mod.ts";
 * const env = makeVecEnv({ tier: "model", duration: 30 }, 4);
 * const seeds = [1, 2, 3, 4]; // the same seeds for both agents: paired samples
 * const capitalBase = defaultCapitalBase(env.config);
 * const run = (id: string) => {
 *   const rec = new EpisodeRecorder(env);
 *   rollout(env, createAgent(id), seeds, { onStep: (e) => rec.record(e) });
 *   return rec.episodes(seeds, id).map((r) => summarizeEpisode(r, { capitalBase }));
 * };
 * const a = run("glft"), b = run("static-spread");
 * const table = aggregate(a, 42); // { sharpe: { mean, ci95, std, n }, … }
 * assert.equal(table.totalPnl.n, 4);
 * const cmp = pairedComparison(a.map((m) => m.totalPnl), b.map((m) => m.totalPnl), { seed: 42 });
 * assert.ok(cmp.ci95[0] <= cmp.meanDiff && cmp.meanDiff <= cmp.ci95[1]);
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
export * from "./attribution.ts";
export * from "./portfolio.ts";
export * from "./extent.ts";
