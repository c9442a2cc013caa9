/**
 * Return series of an episode and their annualization.
 *
 * Conventions (explicit, used by every ratio in ALPE's analytics):
 * - **P&L curve.** `rec.pnl[t]` is the mark-to-market P&L (net of impact costs) after
 *   step t + 1; the P&L before the first step is 0.
 * - **Period.** Returns are taken over periods of `periodSeconds` of market time,
 *   default {@linkcode DEFAULT_PERIOD_SECONDS} = 1 s, or per agent step (`"step"`,
 *   period = dt). A period must be a whole number of steps (within 1e-9). Period k
 *   covers steps [k·m, (k+1)·m) with m = steps per period; a trailing partial period is
 *   dropped (with the default configs the episode is a whole number of periods).
 * - **Return.** r_k = ΔP&L_k / capitalBase: a simple, additive (not compounded) return
 *   on a fixed capital base. The default capital base ({@linkcode defaultCapitalBase})
 *   is the notional of a full inventory, maxInventory × lotSize × initialPrice dollars
 *   ($500,000 with the default config).
 * - **Annualization.** periodsPerYear = 252 × 23,400 / periodSeconds (252 trading days
 *   of 6.5 hours of market time; 1-second periods → 5,896,800 per year).
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { SECONDS_PER_DAY } from "../env/config.ts";
import type { EpisodeRecord } from "../env/types.ts";
import { requirePositive } from "./_stats.ts";

/** Trading days per year used for annualization (empyrical's `APPROX_BDAYS_PER_YEAR`). */
export const TRADING_DAYS_PER_YEAR = 252;

/** Default return period: 1 second of market time. */
export const DEFAULT_PERIOD_SECONDS = 1;

/** A return period: `"step"` (one agent step, dt seconds) or a length in seconds. */
export type PeriodSpec = "step" | number;

/** Number of return periods in a year: 252 × 23,400 / periodSeconds. */
export function periodsPerYear(periodSeconds: number): number {
  requirePositive("periodSeconds", periodSeconds);
  return TRADING_DAYS_PER_YEAR * SECONDS_PER_DAY / periodSeconds;
}

/** The config fields that determine the default capital base (an `EnvConfig` has them). */
export interface CapitalBaseInputs {
  /** Inventory limit, lots. */
  maxInventory: number;
  /** Shares per lot. */
  lotSize: number;
  /** Initial mid price, dollars. */
  initialPrice: number;
}

/**
 * The default capital base in dollars: the notional of a full inventory,
 * `maxInventory × lotSize × initialPrice`.
 */
export function defaultCapitalBase(
  cfg: CapitalBaseInputs,
): number {
  return requirePositive("capitalBase", cfg.maxInventory * cfg.lotSize * cfg.initialPrice);
}

/**
 * Steps per return period for step length `dt`: 1 for `"step"`, otherwise
 * `periodSeconds / dt`, which must be a whole number ≥ 1 (within 1e-9 relative).
 */
export function stepsPerPeriod(dt: number, period: PeriodSpec = DEFAULT_PERIOD_SECONDS): number {
  requirePositive("dt", dt);
  if (period === "step") return 1;
  requirePositive("period", period);
  const m = Math.round(period / dt);
  if (m < 1 || Math.abs(m * dt - period) > 1e-9 * period) {
    throw new ValidationError("period", period, `"step" or a whole multiple of dt (${dt} s)`);
  }
  return m;
}

/**
 * P&L change of each whole period of `m` steps: out[k] = pnl[(k+1)m − 1] − pnl[km − 1],
 * with pnl[−1] = 0. Length ⌊steps / m⌋.
 */
export function periodPnl(
  pnl: ArrayLike<number>,
  m: number,
  steps: number = pnl.length,
): Float64Array {
  if (!Number.isInteger(m) || m < 1) throw new ValidationError("m", m, "an integer >= 1");
  if (!Number.isInteger(steps) || steps < 0 || steps > pnl.length) {
    throw new ValidationError("steps", steps, `an integer in [0, ${pnl.length}]`);
  }
  const k = Math.floor(steps / m);
  const out = new Float64Array(k);
  let prev = 0;
  for (let i = 0; i < k; i++) {
    const cur = pnl[(i + 1) * m - 1];
    out[i] = cur - prev;
    prev = cur;
  }
  return out;
}

/** Options of {@linkcode episodeReturns}. */
export interface ReturnOptions {
  /** Capital base in dollars (see {@linkcode defaultCapitalBase}). */
  capitalBase: number;
  /** Return period (default 1 second). */
  period?: PeriodSpec;
}

/** An episode's period returns with everything needed to interpret them. */
export interface ReturnSeries {
  /** r_k = ΔP&L_k / capitalBase, one per whole period. */
  returns: Float64Array;
  /** ΔP&L_k in dollars, one per whole period. */
  pnlChanges: Float64Array;
  /** Steps per period. */
  stepsPerPeriod: number;
  /** Period length, seconds of market time. */
  periodSeconds: number;
  /** Periods per year used to annualize. */
  periodsPerYear: number;
  /** The capital base, dollars. */
  capitalBase: number;
}

/**
 * Per-period returns of an episode's P&L curve (see the module doc for the conventions).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { episodeReturns } from "./returns.ts";
 * const rec = { pnl: new Float64Array([1, 2, 2, 5]), dt: 0.5, steps: 4 };
 * const r = episodeReturns(rec, { capitalBase: 100 }); // 1-second periods of 2 steps
 * assert.deepEqual([...r.returns], [0.02, 0.03]); // (2 − 0)/100, (5 − 2)/100
 * assert.equal(r.periodsPerYear, 5_896_800); // 252 days × 23 400 s
 * ```
 */
export function episodeReturns(
  rec: Pick<EpisodeRecord, "pnl" | "dt" | "steps">,
  opts: ReturnOptions,
): ReturnSeries {
  const capitalBase = requirePositive("capitalBase", opts.capitalBase);
  const m = stepsPerPeriod(rec.dt, opts.period ?? DEFAULT_PERIOD_SECONDS);
  const pnlChanges = periodPnl(rec.pnl, m, rec.steps);
  const returns = new Float64Array(pnlChanges.length);
  for (let i = 0; i < returns.length; i++) returns[i] = pnlChanges[i] / capitalBase;
  const period = opts.period ?? DEFAULT_PERIOD_SECONDS;
  const periodSeconds = period === "step" ? rec.dt : period;
  return {
    returns,
    pnlChanges,
    stepsPerPeriod: m,
    periodSeconds,
    periodsPerYear: periodsPerYear(periodSeconds),
    capitalBase,
  };
}
