/**
 * Fit of the liquidity providers' forecast weight κ (`flow.fundamental.forecastWeight`,
 * `lib/market/fundamental.ts`): how much of the predictable part of the order flow the
 * price already contains. With κ = 1 a trade moves the price by its surprise only and the
 * average price response R(ℓ) = E[ε_t (m_{t+ℓ} − m_t)] is flat in ℓ; with κ < 1 it grows
 * with the sign memory (by (1 − κ)·Σ_{k<ℓ} C(k) in units of θ). So κ is read from the
 * **shape** of the response curve, not its level (which the impact share sets).
 *
 * Statistic: the growth G = mean(R(20), R(50), R(100)) / R(1) of the response — how far the
 * response rises, over the sign memory, above its immediate value — measured on the tape
 * exactly as the realism report measures it (`facts.ts`), its standard error by the block
 * bootstrap (blocks of the realism report's length: a twentieth of the data, 10 to 600 s).
 * The late lags, not the first few: over a few orders the mid's response is shaped by the
 * book (the spread, how fast the touch follows the price), over tens of orders by the
 * permanent impact that κ sets.
 *
 * Estimator: **indirect inference** with one statistic and one parameter (Gouriéroux,
 * Monfort & Renault 1993): the binding function G_sim(κ) is measured on simulations of the
 * calibrated market with κ on a grid of [0, 1] (common random numbers: one seed; each
 * simulation at least twice the tape's length), then on a finer grid around its crossing of
 * the tape's G, and a line fitted by least squares to the points near the crossing is
 * inverted: κ̂ with G_line(κ̂) = G (a grid and a local line, not a search, because the
 * simulated G is a noisy function of κ: a small change of κ changes every later event).
 * Standard error by the delta method through the binding function:
 * se(κ̂) = √(se(G)² + var(Ĝ_line(κ̂))) / |slope|, the second term the line's prediction
 * variance from its residuals (the simulations' own noise). Where the line is flat, or the
 * standard error is at least 0.5 (half the parameter's range), κ is reported as not
 * identified and the efficient κ = 1 is kept.
 *
 * @module
 */
import type { EnvConfigInput } from "../env/config.ts";
import { Rng } from "../rng/rng.ts";
import { type Estimate, fitted, sig, unidentified } from "./estimate.ts";
import { blockStatistics, defaultFacts, makeBlocks, sumBlocks } from "./facts.ts";
import { type MarketRecord, recordSeconds } from "./record.ts";
import { simulateRecords } from "./simulate.ts";

/** Lags (orders) whose mean response, over the response at lag 1, is the growth G. */
export const GROWTH_LAGS: readonly number[] = [20, 50, 100];

/** The growth of the price response of a market, with its block-bootstrap standard error. */
export interface ResponseGrowth {
  /** G = mean(R(ℓ), ℓ ∈ GROWTH_LAGS) / R(1). */
  value: number;
  /** Block-bootstrap standard error (NaN when `resamples` is 0). */
  se: number;
  /** Seconds of data. */
  seconds: number;
}

/**
 * The growth G of the price response of `records` observed on the book resolution `grid`
 * (s), with its standard error from `resamples` block-bootstrap replicates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulateRecords } from "./simulate.ts";
 * import { responseGrowth } from "./fit_forecast.ts";
 * const recs = simulateRecords({ duration: 300 }, { seconds: 600, seed: 1 });
 * const g = responseGrowth(recs, 0, 50);
 * assert.ok(Number.isFinite(g.value) && g.se > 0);
 * ```
 */
export function responseGrowth(
  records: readonly MarketRecord[],
  grid: number,
  resamples = 200,
): ResponseGrowth {
  const rp = defaultFacts({ grid }).find((f) => f.name === "priceResponse")!;
  const seconds = records.reduce((s, r) => s + recordSeconds(r), 0);
  const blockSeconds = Math.min(600, Math.max(10, seconds / 20));
  const rows: Float64Array[] = [];
  for (const r of records) {
    const b = makeBlocks(r.segments, blockSeconds);
    const s = blockStatistics(rp, r, b);
    for (let k = 0; k < b.start.length; k++) rows.push(s.subarray(k * rp.size, (k + 1) * rp.size));
  }
  const n = rows.length;
  const stats = new Float64Array(n * rp.size);
  rows.forEach((row, k) => stats.set(row, k * rp.size));
  const i1 = rp.x.indexOf(1);
  const iL = GROWTH_LAGS.map((l) => rp.x.indexOf(l));
  const measure = (pick: Int32Array) => {
    const v = rp.value(sumBlocks(stats, rp.size, pick));
    let late = 0;
    for (const i of iL) late += v[i] / iL.length;
    return late / v[i1];
  };
  const value = measure(Int32Array.from({ length: n }, (_, i) => i));
  const rng = new Rng("response-growth");
  const pick = new Int32Array(n);
  let m = 0, s1 = 0, s2 = 0;
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) pick[i] = rng.int(n);
    const g = measure(pick);
    if (!Number.isFinite(g)) continue;
    m++;
    s1 += g;
    s2 += g * g;
  }
  const se = m > 1 ? Math.sqrt(Math.max(0, (s2 - s1 * s1 / m) / (m - 1))) : NaN;
  return { value, se, seconds };
}

/** The coarse grid of κ on which the binding function is first simulated. */
export const KAPPA_GRID: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
/** Offsets of the fine grid around the coarse crossing. */
export const KAPPA_FINE: readonly number[] = [-0.06, -0.03, 0, 0.03, 0.06];
/** Half-width of the window of the local linear binding function. */
export const KAPPA_WINDOW = 0.1;

/** Options of {@linkcode fitForecastWeight}. */
export interface ForecastWeightOptions {
  /** Progress lines. */
  log?: (line: string) => void;
  /**
   * Length of each simulation of the binding function, s (default the tape's): its growth's
   * standard error is taken as the tape's × √(tape / simulated length).
   */
  simulatedSeconds?: number;
}

/** The result of {@linkcode fitForecastWeight}. */
export interface ForecastWeightFit {
  /** κ̂ ∈ [0, 1]. */
  kappa: number;
  /**
   * Its standard error: the larger of the delta method's through the local binding function
   * and the test-inversion interval's half-width / 1.96 (NaN when flat).
   */
  se: number;
  /**
   * 95 % test-inversion interval: the smallest and largest κ evaluated whose simulated growth
   * lies within 1.96 combined standard errors (tape and simulation) of the tape's.
   */
  ci: [number, number];
  /** The local binding function's value at κ̂. */
  simulated: number;
  /** Its slope dG_sim/dκ. */
  slope: number;
  /** Standard error of the local binding function's value at κ̂ (simulation noise). */
  simulationSe: number;
  /** Every (κ, G_sim) evaluated, in order. */
  path: { kappa: number; growth: number }[];
}

/**
 * Indirect inference of κ (see the module doc): `growthAt(κ)` is the simulated growth of the
 * market with forecast weight κ (one seed for every call), `real` the tape's. The binding
 * function is simulated on {@linkcode KAPPA_GRID}; the crossing of its linear interpolation
 * with the tape's G (the one nearest κ = 1 if noise makes several) is refined on
 * {@linkcode KAPPA_FINE} around it, and a line fitted by least squares to every point within
 * {@linkcode KAPPA_WINDOW} is inverted: κ̂ = its root, clamped to [0, 1]. When the tape's
 * standard error is at least half the binding function's range G_sim(0) − G_sim(1), κ is not
 * identified after those two simulations: κ = 1, standard error NaN. Standard error: the
 * larger of the delta method's, √(se(G)² + var(Ĝ_sim(κ̂))) / |slope| (var(Ĝ_sim) the line's
 * prediction variance from its residuals), and the half-width / 1.96 of the 95 %
 * test-inversion interval `ci` over the κ evaluated (their simulated G within 1.96 combined
 * standard errors of the tape's, the simulation's error scaled from the tape's by length).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitForecastWeight } from "./fit_forecast.ts";
 * // a binding function G(κ) = 1 + 3(1 − κ) and the tape's G = 2.5 ± 0.3: κ = 0.5; the delta
 * // method says ± 0.1, the grid points within 1.96·√(0.3² + 0.3²) of 2.5 span [0.3, 0.7]
 * const fit = fitForecastWeight((k) => 1 + 3 * (1 - k), { value: 2.5, se: 0.3, seconds: 1 });
 * assert.ok(Math.abs(fit.kappa - 0.5) < 1e-9);
 * assert.ok(Math.abs(fit.ci[0] - 0.3) < 1e-9 && Math.abs(fit.ci[1] - 0.7) < 1e-9);
 * assert.ok(Math.abs(fit.se - 0.4 / 3.92) < 1e-9);
 * ```
 */
export function fitForecastWeight(
  growthAt: (kappa: number) => number,
  real: ResponseGrowth,
  options: ForecastWeightOptions = {},
): ForecastWeightFit {
  const path: { kappa: number; growth: number }[] = [];
  const at = (k: number) => {
    const g = growthAt(k);
    path.push({ kappa: k, growth: g });
    options.log?.(
      `  κ ${k.toFixed(3)}: growth ${g.toPrecision(4)} (real ${real.value.toPrecision(4)})`,
    );
    return g;
  };
  // the ends first: if the tape's error spans half the whole range of the binding function,
  // no κ can be told apart (the delta method's error at the mean slope is ≥ 0.5): stop there
  const last = KAPPA_GRID.length - 1;
  const ends = [at(KAPPA_GRID[0]), at(KAPPA_GRID[last])];
  if (!(Math.abs(ends[0] - ends[1]) > 2 * real.se)) {
    const slope = (ends[1] - ends[0]) / (KAPPA_GRID[last] - KAPPA_GRID[0]);
    return {
      kappa: 1,
      se: Number.NaN,
      ci: [0, 1],
      simulated: ends[1],
      slope,
      simulationSe: Number.NaN,
      path,
    };
  }
  const coarse = KAPPA_GRID.map((k, i) => i === 0 ? ends[0] : i === last ? ends[1] : at(k));
  // the crossing nearest κ = 1 of the interpolated binding function (G falls as κ rises)
  let cross = Number.NaN;
  for (let i = KAPPA_GRID.length - 1; i > 0 && Number.isNaN(cross); i--) {
    const a = coarse[i - 1] - real.value, b = coarse[i] - real.value;
    if (a === 0) cross = KAPPA_GRID[i - 1];
    else if (b === 0) cross = KAPPA_GRID[i];
    else if (a * b < 0) {
      cross = KAPPA_GRID[i - 1] + (KAPPA_GRID[i] - KAPPA_GRID[i - 1]) * a / (a - b);
    }
  }
  if (Number.isNaN(cross)) {
    // no crossing: the bound whose growth is nearest the tape's
    let best = 0;
    for (let i = 1; i < coarse.length; i++) {
      if (Math.abs(coarse[i] - real.value) < Math.abs(coarse[best] - real.value)) best = i;
    }
    cross = KAPPA_GRID[best];
  }
  for (const d of KAPPA_FINE) {
    const k = Math.min(1, Math.max(0, cross + d));
    if (!path.some((p) => Math.abs(p.kappa - k) < 1e-9)) at(k);
  }
  // least-squares line through the points within the window
  const pts = path.filter((p) =>
    Math.abs(p.kappa - cross) <= KAPPA_WINDOW + 1e-9 &&
    Number.isFinite(p.growth)
  );
  const n = pts.length;
  let mx = 0, my = 0;
  for (const p of pts) {
    mx += p.kappa / n;
    my += p.growth / n;
  }
  let sxx = 0, sxy = 0;
  for (const p of pts) {
    sxx += (p.kappa - mx) ** 2;
    sxy += (p.kappa - mx) * (p.growth - my);
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  let rss = 0;
  for (const p of pts) rss += (p.growth - my - slope * (p.kappa - mx)) ** 2;
  const s2 = n > 2 ? rss / (n - 2) : Number.NaN;
  const kappa = slope !== 0 && Number.isFinite(slope)
    ? Math.min(1, Math.max(0, mx + (real.value - my) / slope))
    : cross;
  const simulated = my + slope * (kappa - mx);
  const simulationSe = Math.sqrt(s2 * (1 / n + (kappa - mx) ** 2 / sxx));
  const delta = slope !== 0 && Number.isFinite(slope)
    ? Math.sqrt(real.se ** 2 + simulationSe ** 2) / Math.abs(slope)
    : Number.NaN;
  // test inversion: the delta method trusts the local line, which a binding function steep on
  // one side of the crossing and flat on the other makes far too sure (calibration.md, 3b)
  const simSe = real.se * Math.sqrt(real.seconds / (options.simulatedSeconds ?? real.seconds));
  const band = 1.96 * Math.sqrt(real.se ** 2 + simSe ** 2);
  let lo = kappa, hi = kappa;
  for (const p of path) {
    if (!(Math.abs(p.growth - real.value) <= band)) continue;
    if (p.kappa < lo) lo = p.kappa;
    if (p.kappa > hi) hi = p.kappa;
  }
  const se = Number.isFinite(delta) ? Math.max(delta, (hi - lo) / (2 * 1.96)) : delta;
  return { kappa, se, ci: [lo, hi], simulated, slope, simulationSe, path };
}

/** Options of {@linkcode fitForecast}. */
export interface ForecastFitOptions {
  /** Book observation resolution of the tape, s (the simulations are observed at it). */
  quoteInterval: number;
  /** Clock resolution of the tape, s (default 0: exact; the simulations are observed on it). */
  timeResolution?: number;
  /** Simulated seconds per evaluation (at least twice the tape's length is used). */
  seconds: number;
  /** Seed of every simulation (common random numbers). */
  seed: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** Config path of the forecast weight. */
export const FORECAST_PARAMETER = "flow.fundamental.forecastWeight";

/**
 * The calibration's forecast stage: fits κ (`flow.fundamental.forecastWeight`) by
 * {@linkcode fitForecastWeight} on the growth of the price response of `records`, the rest
 * of the market as `config()` builds it from `est` (which must hold the κ estimate it reads),
 * and writes the estimate back into `est` (not identified: κ = 1 kept). Returns the fit's
 * record for the preset's provenance.
 */
export function fitForecast(
  records: readonly MarketRecord[],
  est: Record<string, Estimate>,
  config: () => Record<string, unknown>,
  options: ForecastFitOptions,
): Record<string, unknown> {
  const grid = Math.max(0.1, options.quoteInterval);
  const real = responseGrowth(records, grid);
  // at least twice the tape: the response at 100 orders is noisy
  const seconds = Math.round(Math.min(200_000, Math.max(options.seconds, 2 * real.seconds)));
  const growthAt = (kappa: number) => {
    est[FORECAST_PARAMETER].value = kappa;
    const recs = simulateRecords(config() as EnvConfigInput, {
      seconds,
      seed: options.seed,
      quoteInterval: options.quoteInterval,
      timeResolution: options.timeResolution ?? 0,
    });
    return responseGrowth(recs, grid, 0).value;
  };
  const fit = fitForecastWeight(growthAt, real, { log: options.log, simulatedSeconds: seconds });
  const method =
    `indirect inference on the growth of the price response, mean R(${
      GROWTH_LAGS.join(", ")
    }) / R(1) (tape ${sig(real.value, 4)} ± ${sig(real.se, 3)}, block bootstrap): the ` +
    `binding function simulated on a grid of κ (${seconds} s each, common random numbers), ` +
    `a least-squares line near its crossing inverted; standard error the larger of the delta ` +
    `method's through the line's slope ${sig(fit.slope, 3)} (with its prediction error ${
      sig(fit.simulationSe, 3)
    }) and the 95 % test-inversion interval's [${sig(fit.ci[0], 3)}, ${sig(fit.ci[1], 3)}]`;
  const identified = Number.isFinite(fit.se) && fit.se < 0.5;
  est[FORECAST_PARAMETER] = identified
    ? { ...fitted(fit.kappa, fit.se, "share of the sign forecast", method), ci: fit.ci }
    : unidentified(
      1,
      "share of the sign forecast",
      `${method}: not identified (${
        Number.isFinite(fit.se)
          ? `standard error ${sig(fit.se, 3)} ≥ 0.5`
          : "the tape's standard error is at least half the binding function's range, or it is flat"
      }): the efficient κ = 1 kept`,
    );
  return {
    statistic: `mean R(${GROWTH_LAGS.join(", ")}) / R(1)`,
    real: sig(real.value),
    realSe: sig(real.se, 3),
    simulated: sig(fit.simulated),
    simulationSe: sig(fit.simulationSe, 3),
    simulatedSeconds: seconds,
    kappa: sig(fit.kappa),
    se: sig(fit.se, 3),
    slope: sig(fit.slope, 3),
    path: fit.path.map((p) => ({ kappa: sig(p.kappa, 4), growth: sig(p.growth, 4) })),
  };
}
