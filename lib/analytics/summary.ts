/**
 * One-call summary of an episode: P&L, risk-adjusted ratios, tail risk, drawdown and
 * execution quality, as a flat record of numbers (plus a `markouts` sub-record) that
 * {@linkcode aggregate} and the paired comparison consume.
 *
 * Which view: the ratios here (Sharpe, Sortino, Calmar, VaR, CVaR, win rate, profit
 * factor) are the **per-period** view: computed on the episode's 1-second (default)
 * returns on the capital base and annualized with periodsPerYear = 252 × 23,400 /
 * periodSeconds. The cross-episode "per-episode" view is {@linkcode perEpisodeSharpe}.
 *
 * @module
 */
import type { EpisodeRecord } from "../env/types.ts";
import { requirePositive } from "./_stats.ts";
import { maxDrawdown } from "./drawdown.ts";
import {
  avgAbsInventory,
  countFills,
  DEFAULT_MARKOUT_HORIZONS,
  filledLots,
  fillRatio,
  markouts,
  spreadCaptured,
  turnover,
} from "./execution.ts";
import { profitFactor, winRate } from "./pnl_stats.ts";
import {
  annualizedReturn,
  annualVolatility,
  calmarRatio,
  sharpeRatio,
  sortinoRatio,
} from "./ratios.ts";
import { episodeReturns, type PeriodSpec } from "./returns.ts";
import { conditionalValueAtRisk, valueAtRisk } from "./tail.ts";

/** Options of {@linkcode summarizeEpisode}. */
export interface SummaryOptions {
  /**
   * Capital base in dollars for returns, max drawdown % and turnover; use
   * `defaultCapitalBase(config)` (maxInventory × lotSize × initialPrice) unless you
   * have a reason not to.
   */
  capitalBase: number;
  /** Return period: seconds (a whole number of steps) or `"step"`; default 1 second. */
  period?: PeriodSpec;
  /** Risk-free rate per period for Sharpe (default 0). */
  riskFree?: number;
  /** Required return per period for Sortino (default 0). */
  requiredReturn?: number;
  /** Markout horizons in seconds (default [1, 5, 30]). */
  markoutHorizons?: readonly number[];
  /**
   * The reward's impact weight (`config.reward.impact`, default 1): the impact cost is
   * Σ rewardImpact / impactWeight.
   */
  impactWeight?: number;
  /** Mid before the first step, for the spread captured of fills in step 0 (default mid[0]). */
  initialMid?: number;
}

/** Metrics of one episode. Dollar amounts are totals over the episode unless stated. */
export interface EpisodeMetrics {
  /** Final mark-to-market P&L net of impact costs, dollars. */
  totalPnl: number;
  /** Annual return (empyrical's compounded `annual_return`) of the period returns. */
  annualReturn: number;
  /** Annualized volatility of the period returns: std × √periodsPerYear. */
  annualVolatility: number;
  /** Annualized Sharpe of the period returns (NaN if zero variance). */
  sharpe: number;
  /** Annualized Sortino of the period returns (NaN if no downside). */
  sortino: number;
  /** annualReturn / |maxDrawdownPct| (NaN if no drawdown). */
  calmar: number;
  /** 95 % historical VaR: the 5 % quantile of period returns (negative = loss). */
  var95: number;
  /** 95 % CVaR: mean of the period returns at or below var95. */
  cvar95: number;
  /** Max drawdown of the per-step P&L curve (starting at 0), dollars, ≤ 0. */
  maxDrawdown: number;
  /** maxDrawdown / capitalBase, ≤ 0. */
  maxDrawdownPct: number;
  /** Share of periods with positive P&L among periods with non-zero P&L. */
  winRate: number;
  /** Gross period profits / gross period losses (NaN if no losses). */
  profitFactor: number;
  /** Filled lots / posted lots. */
  fillRatio: number;
  /** Mean |inventory| over steps, lots: the mean absolute position (MAP). */
  avgAbsInventory: number;
  /** Mean |inventory| over steps in shares (units of the asset): avgAbsInventory × lotSize. */
  avgAbsInventoryShares: number;
  /**
   * P&L-to-MAP (Spooner et al. 2018): totalPnl / avgAbsInventory, dollars per lot of mean
   * absolute position (NaN when flat throughout).
   */
  pnlToMap: number;
  /** Traded notional / capitalBase over the episode. */
  turnover: number;
  /** Volume-weighted spread captured vs the start-of-step mid, dollars per share. */
  spreadCaptured: number;
  /** The same in ticks. */
  spreadCapturedTicks: number;
  /** Volume-weighted markouts, dollars per share, keyed "1s", "5s", "30s". */
  markouts: Record<string, number>;
  /** Fills: (step, side) pairs with lots > 0. */
  numFills: number;
  /** Lots filled, both sides. */
  filledLots: number;
  /** Inventory at the end, lots. */
  finalInventory: number;
  /** Impact cost paid over the episode, dollars: Σ rewardImpact / impactWeight. */
  impactCost: number;
}

/**
 * The unit of every metric key of {@linkcode EpisodeMetrics} (markouts: `markouts.<h>s`) and
 * of the pooled / cross-episode figures of `pooledSummary`, as written into CSV headers.
 * "fraction" is a fraction of the capital base (multiply by 10,000 for basis points); "unit" is
 * one unit of the asset (a share, a BTC): a lot is `lotSize` units.
 */
export const METRIC_UNITS: Readonly<Record<string, string>> = Object.freeze({
  totalPnl: "USD",
  annualReturn: "fraction/yr",
  annualVolatility: "fraction/yr^0.5",
  sharpe: "annualized ratio",
  sortino: "annualized ratio",
  calmar: "ratio",
  var95: "fraction/period",
  cvar95: "fraction/period",
  maxDrawdown: "USD",
  maxDrawdownPct: "fraction",
  winRate: "fraction",
  profitFactor: "ratio",
  fillRatio: "fraction",
  avgAbsInventory: "lots",
  avgAbsInventoryShares: "units",
  pnlToMap: "USD/lot",
  turnover: "fraction",
  spreadCaptured: "USD/unit",
  spreadCapturedTicks: "ticks",
  markouts: "USD/unit",
  numFills: "count",
  filledLots: "lots",
  finalInventory: "lots",
  impactCost: "USD",
  sharpePooled: "annualized ratio",
  sortinoPooled: "annualized ratio",
  annualVolatilityPooled: "fraction/yr^0.5",
  episodeSharpe: "ratio (per episode)",
});

/** The unit of metric `key` (`markouts.5s` → the unit of `markouts`); "" when unknown. */
export function metricUnit(key: string): string {
  return METRIC_UNITS[key] ?? METRIC_UNITS[key.split(".")[0]] ?? "";
}

/**
 * Summarizes one recorded episode.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultCapitalBase, summarizeEpisode } from "./mod.ts";
 * import { createAgent, rollout } from "../agents/mod.ts";
 * import { EpisodeRecorder, makeVecEnv } from "../env/mod.ts";
 * const env = makeVecEnv({ tier: "model", duration: 30 }, 1);
 * const recorder = new EpisodeRecorder(env);
 * rollout(env, createAgent("glft"), [1], { onStep: (e) => recorder.record(e) });
 * const [rec] = recorder.episodes([1], "glft");
 * const m = summarizeEpisode(rec, { capitalBase: defaultCapitalBase(env.config) });
 * assert.equal(m.totalPnl, rec.pnl[rec.steps - 1]); // dollars
 * assert.ok(Number.isFinite(m.markouts["5s"])); // dollars a share, 5 s after our fills
 * assert.ok(Number.isNaN(m.markouts["30s"])); // no fill is followed by 30 s of episode
 * ```
 */
export function summarizeEpisode(rec: EpisodeRecord, opts: SummaryOptions): EpisodeMetrics {
  const capitalBase = requirePositive("capitalBase", opts.capitalBase);
  const series = episodeReturns(rec, { capitalBase, period: opts.period });
  const r = series.returns;
  const ppy = series.periodsPerYear;
  const steps = rec.steps;
  const mdd = maxDrawdown(rec.pnl.subarray(0, steps), 0);
  const mddPct = mdd / capitalBase;
  const annual = annualizedReturn(r, ppy);
  const sc = spreadCaptured(rec, opts.initialMid ?? rec.mid[0]);
  const impactWeight = opts.impactWeight ?? 1;
  const totalPnl = steps > 0 ? rec.pnl[steps - 1] : 0;
  const map = avgAbsInventory(rec.inventory, steps);
  let impactSum = 0;
  for (let t = 0; t < steps; t++) impactSum += rec.rewardImpact[t];
  return {
    totalPnl,
    annualReturn: annual,
    annualVolatility: annualVolatility(r, ppy),
    sharpe: sharpeRatio(r, ppy, opts.riskFree ?? 0),
    sortino: sortinoRatio(r, ppy, opts.requiredReturn ?? 0),
    calmar: calmarRatio(annual, mddPct),
    var95: valueAtRisk(r, 0.05),
    cvar95: conditionalValueAtRisk(r, 0.05),
    maxDrawdown: mdd,
    maxDrawdownPct: mddPct,
    winRate: winRate(series.pnlChanges),
    profitFactor: profitFactor(series.pnlChanges),
    fillRatio: fillRatio(rec),
    avgAbsInventory: map,
    avgAbsInventoryShares: map * rec.lotSize,
    pnlToMap: map > 0 ? totalPnl / map : NaN,
    turnover: turnover(rec, capitalBase),
    spreadCaptured: sc.perShare,
    spreadCapturedTicks: sc.ticks,
    markouts: markouts(rec, opts.markoutHorizons ?? DEFAULT_MARKOUT_HORIZONS),
    numFills: countFills(rec),
    filledLots: filledLots(rec),
    finalInventory: steps > 0 ? rec.inventory[steps - 1] : 0,
    impactCost: impactWeight > 0 ? impactSum / impactWeight : NaN,
  };
}
