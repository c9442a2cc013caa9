/**
 * The market orders' fastest excitation on a coarse clock, by indirect inference.
 *
 * A tape stamped on a clock that is coarse against the market orders' fastest excitation
 * (Binance's millisecond against a fitted decay of a few milliseconds) hides part of it: two
 * orders of one side within one tick are one order on the tape (`record.ts`), and the
 * maximum-likelihood fit, even with the times jittered within their tick (`hawkes_fit.ts`),
 * sees what is left of the bursts smeared over the tick. The fitted process, simulated and
 * observed on the same clock, then shows too few gaps of one to a few ticks (BTCUSDT: 5 % of
 * the gaps between market orders are one millisecond against the tape's 11 %).
 *
 * This stage re-estimates the fastest kernel component's branching α₀ and decay β₀ by indirect
 * inference (Gouriéroux, Monfort & Renault 1993) on the statistic the clock leaves intact:
 * the distribution of the gaps between market orders counted in clock ticks, in the bins of
 * {@linkcode CLOCK_GAP_EDGES} (0–1, 2–3, 4–7, 8–15, 16–31 and at least 32 ticks). For each
 * candidate (α₀, β₀) on a grid around the maximum-likelihood values it simulates the market
 * orders alone — the Hawkes process with the other components unchanged and the baseline
 * rescaled to keep the order rate μ/(1 − Σα), their signs from the sign model — observes them
 * on the clock exactly as `record.ts` observes a simulation (times floored, same-side orders
 * of one tick merged) and compares the histogram with the tape's by
 * Σ_b (p̂_b − p_b)² / (p_b(1 − p_b)/n + p̂_b(1 − p̂_b)/n̂), each bin's difference over its
 * sampling variance (real and simulated). Every candidate uses the same random numbers.
 *
 * Interval: the grid points whose objective is within 1 of the minimum (a χ² profile, for
 * one parameter at a time), half its span reported as the standard error (half the grid's
 * step when no other point is that close); a minimum on the grid's edge is reported as such.
 *
 * Assumes: the market orders of the tape are a Hawkes process observed on the clock with
 * the sign model's signs; the other components are well fitted (they are slow against the
 * clock). Ignores: the snipers' and the informed traders' orders (a few per cent of the
 * orders in the shipped markets), limit orders and cancellations. Units: seconds, ticks of
 * the clock.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { halfSpan } from "./profile_grid.ts";
import { simulateHawkes } from "../market/hawkes.ts";
import { createTradeSignModel, tradeSignConfigSchema } from "../market/trade_signs.ts";
import { Rng } from "../rng/rng.ts";
import { clockTick, type MarketRecord } from "./record.ts";

/**
 * Left edges of the gap bins, in clock ticks (the last bin is open). Gaps of 0 and 1 tick
 * share a bin: a gap of 0 is two opposite orders within one tick, which the sign model, drawn
 * independently of the timing, makes more often than the tape shows (see the module doc).
 */
export const CLOCK_GAP_EDGES: readonly number[] = [0, 2, 4, 8, 16, 32];

/**
 * Histogram (counts) of the gaps between consecutive market orders of sorted `times` (s),
 * counted in ticks of a clock of `resolution` s, in the bins of {@linkcode CLOCK_GAP_EDGES}
 * (added into `out`). Gaps across `breaks` (times at which a new segment starts) are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clockGapCounts } from "./fit_clock.ts";
 * const c = clockGapCounts([1.000, 1.000, 1.001, 1.004, 1.5], 0.001);
 * assert.deepEqual([...c], [2, 1, 0, 0, 0, 1]); // 0, 1, 3 and 496 ticks
 * ```
 */
export function clockGapCounts(
  times: ArrayLike<number>,
  resolution: number,
  out: Float64Array = new Float64Array(CLOCK_GAP_EDGES.length),
): Float64Array {
  if (!(resolution > 0)) throw new ValidationError("resolution", resolution, "a clock > 0 s");
  const nb = CLOCK_GAP_EDGES.length;
  for (let i = 0; i + 1 < times.length; i++) {
    const g = Math.round((times[i + 1] - times[i]) / resolution);
    let b = nb - 1;
    while (b > 0 && g < CLOCK_GAP_EDGES[b]) b--;
    out[b]++;
  }
  return out;
}

/**
 * Market orders at `times` (s, sorted) with `signs` as a clock of `resolution` s records them
 * (`record.ts`): times floored to the tick, consecutive orders of one side within one tick
 * merged into one. Returns the observed times.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { observeOnClock } from "./fit_clock.ts";
 * const t = observeOnClock([1.0002, 1.0005, 1.0007, 1.0021], [1, 1, -1, 1], 0.001);
 * assert.deepEqual([...t].map((x) => Math.round(x * 1e3)), [1000, 1000, 1002]);
 * ```
 */
export function observeOnClock(
  times: ArrayLike<number>,
  signs: ArrayLike<number>,
  resolution: number,
): Float64Array {
  const out = new Float64Array(times.length);
  let n = 0, lastTick = NaN, lastSign = 0;
  for (let i = 0; i < times.length; i++) {
    const tick = clockTick(times[i], resolution);
    if (tick === lastTick && signs[i] === lastSign) continue;
    out[n++] = tick * resolution;
    lastTick = tick;
    lastSign = signs[i];
  }
  return out.slice(0, n);
}

/** The market orders' own Hawkes process (one kind) and sign model, as the calibration has them. */
export interface MarketOrderProcess {
  /** Baseline, per second. */
  mu: number;
  /** Branching ratio of each kernel component, fastest first. */
  alpha: number[];
  /** Decay of each component, per second. */
  beta: number[];
  /** The sign model's config (`flow.signs`). */
  signs: Record<string, unknown>;
}

/** Options of {@linkcode fitClockKernel}. */
export interface ClockFitOptions {
  /** Clock resolution, s. */
  resolution: number;
  /**
   * Simulated seconds per candidate (default 20 × the tape's length, at least 2,000 s, at
   * most what holds 200,000 of the tape's orders: a day-long tape costs seconds, not minutes).
   */
  seconds?: number;
  /** Seed of the simulations (default 0). */
  seed?: number;
  /** Multipliers of β̂₀ tried (default 1, 1.5, 2, 3, 4, 6, 8). */
  betaFactors?: readonly number[];
  /** Multipliers of α̂₀ tried (default 0.8 … 2 by 0.2). */
  alphaFactors?: readonly number[];
}

/** The result of {@linkcode fitClockKernel}. */
export interface ClockFit {
  /** Fitted branching ratio of the fastest component. */
  alpha: number;
  /** Half the span of α₀ within 1 of the minimum. */
  alphaSe: number;
  /** Fitted decay of the fastest component, per second. */
  beta: number;
  /** Half the span of β₀ within 1 of the minimum. */
  betaSe: number;
  /** The baseline that keeps the order rate. */
  mu: number;
  /** Objective at the maximum-likelihood values and at the fit. */
  startObjective: number;
  /** Objective at the fit. */
  objective: number;
  /** True when the minimum lies on the grid's edge (the interval is then one-sided). */
  atEdge: boolean;
  /** The tape's gap distribution (shares) and the fit's, in the bins of CLOCK_GAP_EDGES. */
  real: number[];
  /** The simulated distribution at the fit. */
  simulated: number[];
  /** Candidates simulated. */
  simulations: number;
}

/**
 * Fits the fastest kernel component of `process` to the gaps between the market orders of
 * `records` on a clock of `options.resolution` s (see the module doc). Throws a
 * `ValidationError` for a clock ≤ 0 or a process without a kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitClockKernel, observeOnClock } from "./fit_clock.ts";
 * import { simulateHawkes } from "../market/hawkes.ts";
 * import { Rng } from "../rng/rng.ts";
 * // a tape from a fast kernel (β = 600 /s) seen on a millisecond clock, iid signs
 * const path = simulateHawkes({ mu: [1], alpha: [[0.4]], beta: [[600]] }, 2_000, new Rng(1));
 * const signs = Array.from(path.times, (_, i) => (i * 7919) % 2 ? 1 : -1);
 * const t = observeOnClock(path.times, signs, 0.001);
 * const rec = { segments: [[0, 2_000]], moTime: t } as never;
 * const fit = fitClockKernel([rec], { mu: 1, alpha: [0.4], beta: [150], signs: { kind: "iid" } }, {
 *   resolution: 0.001,
 *   seconds: 4_000,
 * });
 * assert.ok(fit.beta > 150 && fit.objective < fit.startObjective);
 * ```
 */
export function fitClockKernel(
  records: readonly MarketRecord[],
  process: MarketOrderProcess,
  options: ClockFitOptions,
): ClockFit {
  const res = options.resolution;
  if (!(res > 0)) throw new ValidationError("resolution", res, "a clock > 0 s");
  if (process.alpha.length === 0 || process.alpha.length !== process.beta.length) {
    throw new ValidationError(
      "alpha",
      process.alpha,
      "one branching ratio per decay, at least one",
    );
  }
  const nb = CLOCK_GAP_EDGES.length;
  const realCounts = new Float64Array(nb);
  let realSeconds = 0, orders = 0;
  for (const r of records) {
    for (const [a, b] of r.segments) {
      realSeconds += b - a;
      const lo = lowerBound(r.moTime, a), hi = lowerBound(r.moTime, b + 1e-12);
      orders += hi - lo;
      clockGapCounts(r.moTime.subarray(lo, hi), res, realCounts);
    }
  }
  const nReal = realCounts.reduce((s, v) => s + v, 0);
  const real = Array.from(realCounts, (v) => v / nReal);
  const perSecond = orders / Math.max(realSeconds, 1e-9);
  const seconds = options.seconds ??
    Math.max(2_000, Math.min(20 * realSeconds, 200_000 / perSecond));
  const seed = options.seed ?? 0;
  const n0 = process.alpha.reduce((s, a) => s + a, 0);
  const rate = process.mu / (1 - n0);
  const signCfg = tradeSignConfigSchema.parse(process.signs);
  let sims = 0;
  const simulate = (a0: number, b0: number): number[] => {
    const alpha = [a0, ...process.alpha.slice(1)];
    const n = alpha.reduce((s, a) => s + a, 0);
    const mu = rate * (1 - n);
    const comps = alpha.slice(1).map((a, i) => ({ alpha: [[a]], beta: [[process.beta[i + 1]]] }));
    const path = simulateHawkes(
      {
        mu: [mu],
        alpha: [[a0]],
        beta: [[b0]],
        ...(comps.length > 0 ? { extraKernels: comps } : {}),
      },
      seconds,
      new Rng(`clock-kernel-${seed}`),
    );
    const model = createTradeSignModel(signCfg);
    const rng = new Rng(`clock-signs-${seed}`);
    model.reset(rng);
    const signs = Float64Array.from(path.times, () => model.next(rng));
    const counts = clockGapCounts(observeOnClock(path.times, signs, res), res);
    sims++;
    const total = counts.reduce((s, v) => s + v, 0);
    return Array.from(counts, (v) => v / Math.max(1, total));
  };
  const objective = (p: number[], nSim: number) => {
    let q = 0;
    for (let b = 0; b < nb; b++) {
      const v = real[b] * (1 - real[b]) / nReal + p[b] * (1 - p[b]) / Math.max(1, nSim);
      if (v > 0) q += (p[b] - real[b]) ** 2 / v;
    }
    return q;
  };
  const nSim = nReal * seconds / Math.max(realSeconds, 1e-9);
  const a0 = process.alpha[0], b0 = process.beta[0];
  const start = simulate(a0, b0);
  const startObjective = objective(start, nSim);
  const bf = options.betaFactors ?? [1, 1.5, 2, 3, 4, 6, 8];
  const af = options.alphaFactors ?? [0.8, 1, 1.2, 1.4, 1.6, 1.8, 2];
  const grid: { a: number; b: number; q: number; p: number[] }[] = [];
  for (const fb of bf) {
    for (const fa of af) {
      const a = a0 * fa, b = b0 * fb;
      if (!(n0 - a0 + a < 0.95)) continue; // stationary with room to spare
      const p = simulate(a, b);
      grid.push({ a, b, q: objective(p, nSim), p });
    }
  }
  let best = { a: a0, b: b0, q: startObjective, p: start };
  for (const g of grid) if (g.q < best.q) best = g;
  const near = grid.filter((g) => g.q <= best.q + 1);
  // half the span within 1 of the minimum; when no other grid point is, half the distance to
  // the nearest other value on the grid (the interval is narrower than the grid can show)
  const span = (f: (g: { a: number; b: number }) => number) =>
    halfSpan(near.map(f), grid.map(f), f(best));
  const as = grid.map((g) => g.a), bs = grid.map((g) => g.b);
  const atEdge = best.a === Math.min(...as) || best.a === Math.max(...as) ||
    best.b === Math.min(...bs) || best.b === Math.max(...bs);
  const n = n0 - a0 + best.a;
  return {
    alpha: best.a,
    alphaSe: span((g) => g.a),
    beta: best.b,
    betaSe: span((g) => g.b),
    mu: rate * (1 - n),
    startObjective,
    objective: best.q,
    atEdge,
    real,
    simulated: best.p,
    simulations: sims,
  };
}

/** First index of sorted `a` with a[i] >= x. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m] < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}
