/**
 * The slow liquidity state's fit (`flow.liquidity`, `lib/market/liquidity_state.ts`) from a
 * tape's spread: the logarithm of the time-weighted mean spread over bins of `bin` seconds
 * (60 by default), its autocovariance C(ℓ) at lags of ℓ = 1 … L bins (pairs within a segment
 * only, the mean over all bins removed), and C(ℓ) ≈ σ²·e^(−ℓ·bin/τ) fitted by least squares
 * on the lags from 2 bins on (τ on a log grid from one bin to the records' length, σ² in
 * closed form for each τ). The lags 0 and 1 are left out: they hold the spread's fast
 * variation too (each burst of orders widens it for a while), which the state does not model
 * (a market without the state has C(1) ≈ 0.015 and C(2 …) ≈ 0 on the AMZN calibration).
 * Standard errors by a delete-a-group jackknife over 10 groups of consecutive bins.
 *
 * What it measures is the slow part of the log spread. A simulated spread passes on only part of
 * the providers' factor (resting orders keep their prices; the market orders' depletion adds its
 * own variation), so `calibrate` sets the model's σ by indirect inference from this fit on the
 * tape and on simulations (docs/models.md, "The liquidity state"). Assumes a stationary state (an
 * intraday pattern of the spread is read as a slow state; the AMZN day's spread falls from 16.5
 * ticks in its first hour to 9.8 in its last). Units: σ in natural-log units; τ in
 * seconds.
 *
 * @module
 */
import { type MarketRecord, timeWeightedSpread } from "./record.ts";

/** The liquidity state's fit ({@linkcode fitLiquidityState}). */
export interface LiquidityStateFit {
  /** Stationary standard deviation of the log spread's slow part (natural log). */
  sigma: number;
  /** Its jackknife standard error. */
  sigmaSe: number;
  /** Time scale τ of the slow part, seconds. */
  timeScale: number;
  /** Its jackknife standard error (on the grid). */
  timeScaleSe: number;
  /** Variance of the log bin spread (lag 0), for comparison with σ². */
  variance: number;
  /** The autocovariances fitted, C(1) … C(L). */
  autocovariance: number[];
  /** Bin length, seconds. */
  bin: number;
  /** Number of bins. */
  bins: number;
}

/** Logs of the time-weighted mean spread over consecutive bins of each segment, with segment ids. */
function binnedLogSpread(
  records: readonly MarketRecord[],
  bin: number,
): { y: number[]; seg: number[] } {
  const y: number[] = [], seg: number[] = [];
  let s = 0;
  for (const r of records) {
    for (const [a, b] of r.segments) {
      for (let t0 = a; t0 + bin <= b; t0 += bin) {
        const [mean, tw] = timeWeightedSpread(r, t0, t0 + bin);
        if (tw > 0.5 * bin) {
          y.push(Math.log(mean));
          seg.push(s);
        }
      }
      s++;
    }
  }
  return { y, seg };
}

/** Autocovariances C(1) … C(maxLag) of `y` over pairs in one segment and both kept. */
function autocovariances(y: number[], seg: number[], keep: Uint8Array, maxLag: number): number[] {
  let m = 0, n = 0;
  for (let i = 0; i < y.length; i++) {
    if (keep[i]) {
      m += y[i];
      n++;
    }
  }
  m /= n;
  const out: number[] = [];
  for (let l = 0; l <= maxLag; l++) {
    let c = 0, p = 0;
    for (let i = l; i < y.length; i++) {
      if (!keep[i] || !keep[i - l] || seg[i] !== seg[i - l]) continue;
      c += (y[i] - m) * (y[i - l] - m);
      p++;
    }
    out.push(p > 0 ? c / p : NaN);
  }
  return out;
}

/** The first lag fitted, in bins: the first holds the tail of the spread's fast variation too. */
const FIRST_LAG = 2;

/**
 * Least squares of C(ℓ) ≈ v·e^(−ℓ·bin/τ), ℓ ≥ {@linkcode FIRST_LAG}, τ from one bin to `span`:
 * [v, τ] (v 0 when no positive fit).
 */
function fitExponential(c: number[], bin: number, span: number): [number, number] {
  let best = [0, NaN, Infinity];
  for (let g = 0; g <= 200; g++) {
    const tau = bin * Math.pow(span / bin, g / 200);
    let cg = 0, gg = 0;
    for (let l = FIRST_LAG; l < c.length; l++) {
      if (c[l] !== c[l]) continue;
      const e = Math.exp(-l * bin / tau);
      cg += c[l] * e;
      gg += e * e;
    }
    const v = gg > 0 ? Math.max(0, cg / gg) : 0;
    let ss = 0;
    for (let l = FIRST_LAG; l < c.length; l++) {
      if (c[l] !== c[l]) continue;
      ss += (c[l] - v * Math.exp(-l * bin / tau)) ** 2;
    }
    if (ss < best[2]) best = [v, tau, ss];
  }
  return [best[0], best[1]];
}

/**
 * The liquidity state's σ and τ from `records`' spreads (see the module doc), or null where
 * the records hold fewer than 20 bins of `bin` seconds (the lags fitted: 2 to 30 bins, at most
 * a quarter of the bins).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitLiquidityState } from "./fit_liquidity_state.ts";
 * import type { MarketRecord } from "./record.ts";
 * // a spread of 10·e^x ticks, x an AR(1) with ρ = e^(−60/600) a minute and sd 0.3
 * let x = 0, s = 7;
 * const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
 * const t: number[] = [], bid: number[] = [], ask: number[] = [];
 * const rho = Math.exp(-0.1);
 * for (let i = 0; i < 4_000; i++) {
 *   const z = Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
 *   x = rho * x + 0.3 * Math.sqrt(1 - rho * rho) * z;
 *   t.push(i * 60);
 *   bid.push(1_000);
 *   ask.push(1_000 + 10 * Math.exp(x));
 * }
 * const rec = {
 *   segments: [[0, 240_000]], qTime: Float64Array.from(t), bid: Float64Array.from(bid),
 *   ask: Float64Array.from(ask),
 * } as unknown as MarketRecord;
 * const fit = fitLiquidityState([rec])!;
 * assert.ok(Math.abs(fit.sigma - 0.3) < 3 * fit.sigmaSe + 0.02);
 * assert.ok(fit.timeScale > 300 && fit.timeScale < 1_200);
 * ```
 */
export function fitLiquidityState(
  records: readonly MarketRecord[],
  bin = 60,
): LiquidityStateFit | null {
  const { y, seg } = binnedLogSpread(records, bin);
  if (y.length < 20) return null;
  const maxLag = Math.min(30, Math.floor(y.length / 4));
  const span = bin * y.length;
  const all = new Uint8Array(y.length).fill(1);
  const c = autocovariances(y, seg, all, maxLag);
  const [v, tau] = fitExponential(c, bin, span);
  const G = 10;
  const sig: number[] = [], taus: number[] = [];
  for (let g = 0; g < G; g++) {
    const keep = new Uint8Array(y.length);
    for (let i = 0; i < y.length; i++) keep[i] = Math.floor(i * G / y.length) === g ? 0 : 1;
    const [vg, tg] = fitExponential(autocovariances(y, seg, keep, maxLag), bin, span);
    sig.push(Math.sqrt(vg));
    taus.push(tg);
  }
  const jk = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt((xs.length - 1) / xs.length * xs.reduce((a, b) => a + (b - m) ** 2, 0));
  };
  return {
    sigma: Math.sqrt(v),
    sigmaSe: jk(sig),
    timeScale: tau,
    timeScaleSe: jk(taus),
    variance: c[0],
    autocovariance: c.slice(1),
    bin,
    bins: y.length,
  };
}
