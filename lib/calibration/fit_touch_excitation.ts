/**
 * Fit of the touch flow's self-excitation (`touch.excitation`, `touch.excitationDecay` of
 * `lib/market/touch_flow.ts`): a Hawkes process whose baseline is the touch flow's table.
 *
 * The touch's events (placements inside the spread and deletions at the touch) at times t_i
 * have the intensity
 *
 *     λ(t) = c·R(t) + Σ_k α_k·β_k·Σ_{t_i < t} e^(−β_k·(t − t_i))
 *
 * with R(t) the table's total rate (placements and deletions) in the cell (spread bucket, time
 * since the last trade) the book is in, the tape's n/T (`fit_touch.ts`), and c the share of it
 * the baseline keeps. Maximum likelihood by `fitHawkesComponents` (`hawkes_fit.ts`: L-BFGS with
 * the exact gradient, R as the baseline's known modulation, K = 1 or 2 exponentials chosen by
 * Akaike's criterion, standard errors from the observed information), kept when it beats the
 * table alone (c = 1, no excitation) by a likelihood ratio of
 * {@linkcode TOUCH_EXCITATION_LR_MIN}.
 *
 * Assumes: one baseline shape (the table's) scaled by one factor; every touch event excites
 * alike whichever its kind. Ignores: the trades' excitation beyond the table's trade-age
 * buckets; events at one timestamp are taken as apart by nothing (the kernel's full height).
 * Units: seconds, per second.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { fitHawkesComponents } from "./hawkes_fit.ts";

/**
 * Least likelihood ratio 2·(log L − log L_table) for a self-excitation: χ² with three degrees
 * of freedom (c, α, β) at 0.001.
 */
export const TOUCH_EXCITATION_LR_MIN = 16.27;

/** Fewest touch events {@linkcode fitTouchExcitation} fits. */
export const TOUCH_EXCITATION_MIN_EVENTS = 50;

/** The touch's events as the fit reads them. */
export interface TouchExcitationData {
  /** Event times, s, non-decreasing. */
  t: ArrayLike<number>;
  /** The table's total rate R in the cell each event found, per second (> 0). */
  rate: ArrayLike<number>;
  /** ∫R dt over the observed time (the table's expected number of events). */
  compensator: number;
  /** End of the observed time, s. */
  horizon: number;
}

/** The fitted self-excitation. */
export interface TouchExcitationFit {
  /** c: the share of the table's rates the baseline keeps. */
  scale: number;
  /** α_k, fastest decay first. */
  alpha: number[];
  /** β_k, per second. */
  decay: number[];
  /** Standard errors (NaN where the information is singular). */
  se: { scale: number; alpha: number[]; decay: number[] };
  /** Log-likelihood at the estimate. */
  logLik: number;
  /** Log-likelihood of the table alone (a Poisson process of rate R). */
  tableLogLik: number;
  /** Why the fit is not used (empty when it is). */
  reason: string;
}

/**
 * Fits the self-excitation (see the module doc) with 1 and 2 exponentials and keeps the one
 * of smaller AIC; its likelihood ratio against the table alone below
 * {@linkcode TOUCH_EXCITATION_LR_MIN}, or no converged fit: nothing (scale 1, no components,
 * with the reason). Fewer than {@linkcode TOUCH_EXCITATION_MIN_EVENTS} events: a
 * ValidationError naming `touch.excitation`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitTouchExcitation } from "./fit_touch_excitation.ts";
 * import { simulateHawkes } from "../market/hawkes.ts";
 * import { Rng } from "../rng/rng.ts";
 * // a baseline of 2 a second (the table says 4: c = 0.5), α = 0.5 at 100 a second
 * const p = simulateHawkes({ mu: [2], alpha: [[0.5]], beta: [[100]] }, 2_000, new Rng(5));
 * const n = p.times.length;
 * const data = { t: p.times, rate: new Float64Array(n).fill(4), compensator: 4 * 2_000, horizon: 2_000 };
 * const f = fitTouchExcitation(data);
 * assert.ok(Math.abs(f.scale - 0.5) < 4 * f.se.scale);
 * assert.ok(Math.abs(f.alpha.reduce((a, b) => a + b, 0) - 0.5) < 0.05);
 * ```
 */
export function fitTouchExcitation(data: TouchExcitationData): TouchExcitationFit {
  const n = data.t.length;
  if (n < TOUCH_EXCITATION_MIN_EVENTS) {
    throw new ValidationError(
      "touch.excitation",
      n,
      `at least ${TOUCH_EXCITATION_MIN_EVENTS} touch events to fit`,
    );
  }
  // the table alone: a Poisson process of rate R
  let tableLogLik = -data.compensator;
  for (let i = 0; i < n; i++) tableLogLik += Math.log(data.rate[i]);
  const none = (reason: string): TouchExcitationFit => ({
    scale: 1,
    alpha: [],
    decay: [],
    se: { scale: NaN, alpha: [], decay: [] },
    logLik: tableLogLik,
    tableLogLik,
    reason,
  });
  const r = fitHawkesComponents(data.t, new Int32Array(n), data.horizon, {
    maxComponents: 2,
    minEvents: TOUCH_EXCITATION_MIN_EVENTS,
    baseline: { atEvents: data.rate, integral: data.compensator },
  });
  const best = r.chosen;
  if (!best.converged) return none(`no fit converged (${best.reason})`);
  const lr = 2 * (best.logLikelihood - tableLogLik);
  if (!(lr >= TOUCH_EXCITATION_LR_MIN)) {
    return none(
      `the likelihood ratio against the table alone is ${
        lr.toPrecision(3)
      } (below ${TOUCH_EXCITATION_LR_MIN}): no self-excitation`,
    );
  }
  // the components come fastest decay first
  const comps = best.components;
  return {
    scale: best.params.mu[0],
    alpha: comps.map((c) => c.alpha[0][0]),
    decay: comps.map((c) => c.decay[0]),
    se: {
      scale: best.muSe[0],
      alpha: comps.map((c) => c.alphaSe[0][0]),
      decay: comps.map((c) => c.decaySe[0]),
    },
    logLik: best.logLikelihood,
    tableLogLik,
    reason: "",
  };
}
