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
 * since the last trade) the book is in, the tape's n/T (`fit_touch.ts`), and c ≤ 1 the share of
 * it the baseline keeps. Maximum likelihood (Nelder–Mead over the logarithms, K = 1 or 2
 * exponentials chosen by Akaike's criterion, kept when it beats the table alone by a
 * likelihood ratio of {@linkcode TOUCH_EXCITATION_LR_MIN}, decays at most {@linkcode TOUCH_EXCITATION_MAX_DECAY});
 * the log-likelihood Σ log λ(t_i) − c·∫R − Σ_k α_k·Σ_i (1 − e^(−β_k·(T − t_i))) by the usual
 * recursion. Standard errors: the observed information (central differences).
 *
 * Assumes: one baseline shape (the table's) scaled by one factor; every touch event excites
 * alike whichever its kind. Ignores: the trades' excitation beyond the table's trade-age
 * buckets; events at one timestamp are taken as apart by nothing (the kernel's full height).
 * Units: seconds, per second.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import {
  covarianceFromHessian,
  hessianFromValues,
  minimizeNelderMead,
  standardErrors,
} from "./optimize.ts";

/** Fastest decay the fit allows, per second (0.1 ms): ties on the tape's clock would ask for more. */
export const TOUCH_EXCITATION_MAX_DECAY = 1e4;

/**
 * Least likelihood ratio 2·(log L − log L_table) for a self-excitation: χ² with three degrees
 * of freedom (c, α, β) at 0.001.
 */
export const TOUCH_EXCITATION_LR_MIN = 16.27;

/** The touch's events as the fit reads them. */
export interface TouchExcitationData {
  /** Event times, s, non-decreasing. */
  t: ArrayLike<number>;
  /** The table's total rate R in the cell each event found, per second. */
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
  /** Log-likelihood, and the table's own (c = 1, no excitation). */
  logLik: number;
  /** Log-likelihood of the table alone (a Poisson process of rate R). */
  tableLogLik: number;
  /** Why the fit is not used (empty when it is). */
  reason: string;
}

/**
 * The log-likelihood of `data` under scale `c`, branching ratios `alpha` and decays `decay`
 * (−Infinity outside the parameter space).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { touchExcitationLogLikelihood } from "./fit_touch_excitation.ts";
 * const data = { t: [1, 2, 3], rate: [0.5, 0.5, 0.5], compensator: 2, horizon: 4 };
 * // no excitation: a Poisson process of rate 0.5 on [0, 4]
 * const ll = touchExcitationLogLikelihood(data, 1, [], []);
 * assert.ok(Math.abs(ll - (3 * Math.log(0.5) - 2)) < 1e-12);
 * ```
 */
export function touchExcitationLogLikelihood(
  data: TouchExcitationData,
  c: number,
  alpha: readonly number[],
  decay: readonly number[],
): number {
  const k = alpha.length;
  let sumA = 0;
  for (let j = 0; j < k; j++) {
    if (!(alpha[j] >= 0 && decay[j] > 0 && decay[j] <= TOUCH_EXCITATION_MAX_DECAY)) {
      return -Infinity;
    }
    sumA += alpha[j];
  }
  if (!(c > 0 && c <= 1 && sumA < 1)) return -Infinity;
  const a = new Float64Array(k);
  const { t, rate } = data;
  let ll = 0;
  let comp = c * data.compensator;
  for (let i = 0; i < t.length; i++) {
    let lambda = c * rate[i];
    if (i > 0) {
      const dt = t[i] - t[i - 1];
      for (let j = 0; j < k; j++) {
        a[j] = Math.exp(-decay[j] * dt) * (a[j] + 1);
        lambda += alpha[j] * decay[j] * a[j];
      }
    }
    ll += Math.log(lambda);
    for (let j = 0; j < k; j++) {
      comp += alpha[j] * (1 - Math.exp(-decay[j] * (data.horizon - t[i])));
    }
  }
  return ll - comp;
}

/**
 * Fits the self-excitation (see the module doc) with 1 and 2 exponentials and keeps the one
 * of smaller AIC; its likelihood ratio against the table alone below
 * {@linkcode TOUCH_EXCITATION_LR_MIN}, or no converged fit: nothing (scale 1, no components,
 * with the reason). Fewer than 50 events: a ValidationError naming
 * `touch.excitation`.
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
  if (n < 50) {
    throw new ValidationError("touch.excitation", n, "at least 50 touch events to fit");
  }
  const tableLogLik = touchExcitationLogLikelihood(data, 1, [], []);
  const unpack = (x: ArrayLike<number>) => {
    const k = (x.length - 1) / 2;
    return {
      c: Math.exp(x[0]),
      alpha: Array.from({ length: k }, (_, j) => Math.exp(x[1 + 2 * j])),
      decay: Array.from({ length: k }, (_, j) => Math.exp(x[2 + 2 * j])),
    };
  };
  const negLL = (x: Float64Array) => {
    const p = unpack(x);
    return -touchExcitationLogLikelihood(data, p.c, p.alpha, p.decay);
  };
  const one = minimizeNelderMead(negLL, [Math.log(0.5), Math.log(0.3), Math.log(300)], {
    maxIterations: 3_000,
  });
  // two components: the first one's optimum split into a fast and a slow part
  const p1 = unpack(one.x);
  const two = minimizeNelderMead(
    negLL,
    [
      one.x[0],
      Math.log(p1.alpha[0] * 0.6),
      Math.log(Math.min(TOUCH_EXCITATION_MAX_DECAY * 0.9, p1.decay[0] * 5)),
      Math.log(p1.alpha[0] * 0.3),
      Math.log(p1.decay[0] / 5),
    ],
    { maxIterations: 6_000 },
  );
  const candidates = [
    { fit: one, aic: 2 * 3 + 2 * one.value },
    { fit: two, aic: 2 * 5 + 2 * two.value },
  ].filter((c) => c.fit.converged && Number.isFinite(c.fit.value));
  const none = (reason: string): TouchExcitationFit => ({
    scale: 1,
    alpha: [],
    decay: [],
    se: { scale: NaN, alpha: [], decay: [] },
    logLik: tableLogLik,
    tableLogLik,
    reason,
  });
  if (candidates.length === 0) return none("no fit converged");
  candidates.sort((a, b) => a.aic - b.aic);
  const best = candidates[0];
  const lr = 2 * (-best.fit.value - tableLogLik);
  if (!(lr >= TOUCH_EXCITATION_LR_MIN)) {
    return none(
      `the likelihood ratio against the table alone is ${
        lr.toPrecision(3)
      } (below ${TOUCH_EXCITATION_LR_MIN}): no self-excitation`,
    );
  }
  const p = unpack(best.fit.x);
  // fastest decay first
  const order = p.decay.map((_, j) => j).sort((a, b) => p.decay[b] - p.decay[a]);
  const alpha = order.map((j) => p.alpha[j]);
  const decay = order.map((j) => p.decay[j]);
  const k = alpha.length;
  const natural = [p.c, ...alpha.flatMap((a, j) => [a, decay[j]])];
  const H = hessianFromValues(
    (x) =>
      -touchExcitationLogLikelihood(
        data,
        x[0],
        alpha.map((_, j) => x[1 + 2 * j]),
        decay.map((_, j) => x[2 + 2 * j]),
      ),
    natural,
  );
  const cov = covarianceFromHessian(H, natural.length);
  const se = cov.ok
    ? standardErrors(cov.cov, natural.length)
    : new Float64Array(natural.length).fill(NaN);
  return {
    scale: p.c,
    alpha,
    decay,
    se: {
      scale: se[0],
      alpha: Array.from({ length: k }, (_, j) => se[1 + 2 * j]),
      decay: Array.from({ length: k }, (_, j) => se[2 + 2 * j]),
    },
    logLik: -best.fit.value,
    tableLogLik,
    reason: "",
  };
}
