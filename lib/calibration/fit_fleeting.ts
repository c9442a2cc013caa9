/**
 * Fit of the fleeting orders (`touch.fleetingShare`, `touch.fleetingRate` of
 * `lib/market/touch_flow.ts`; Hasbrouck & Saar 2009): the lifetimes of the limit orders placed
 * inside the spread, a mixture of two exponentials, with censoring.
 *
 * Each order placed inside the spread is followed by its id until it is deleted (an event),
 * executed (censored: an execution ends its life as the order it was), or the tape or the
 * window ends (censored). Lifetimes beyond `window` seconds are censored at the window, so the
 * slow part of the lifetimes, which the cancellation hazards and the touch's deletions model,
 * only has to be roughly exponential over the window. The order is fleeting with probability
 * φ and then deleted at rate μ; otherwise at rate ν:
 *
 *     deleted at t ≤ window:   φ·μ·e^(−μt) + (1 − φ)·ν·e^(−νt)
 *     censored at c:           φ·e^(−μc) + (1 − φ)·e^(−νc)
 *
 * maximised by expectation–maximisation (closed-form steps: φ the mean responsibility, each
 * rate its responsibility-weighted deletions over its responsibility-weighted time at risk;
 * {@linkcode FLEETING_EM_ITERATIONS} of them) and then L-BFGS with the exact gradient,
 * the fast component named the fleeting one if the mixture beats one exponential by a
 * likelihood ratio of at least {@linkcode FLEETING_LR_MIN} and its mean lifetime is at most
 * {@linkcode FLEETING_MAX_LIFE} (else nothing is fleeting). Standard errors: the observed
 * information (Hessian of the negative log-likelihood by central differences).
 *
 * Assumes: lifetimes independent of the book while the order rests; partial cancellations
 * do not end a life. Ignores: orders placed at or behind the best quote (their fast deletions
 * do not change the mid), lifetimes shorter than the tape's clock resolution (taken as that).
 * Units: seconds, per second.
 *
 * @module
 */
import {
  covarianceFromHessian,
  hessianFromValues,
  minimizeLbfgs,
  standardErrors,
} from "./optimize.ts";

/** Lifetimes beyond this many seconds are censored at it (the fit's window). */
export const FLEETING_WINDOW = 1;

/**
 * Longest mean lifetime of a fleeting order, s: an order that lives longer on average is
 * within reach of the touch's deletions (a few per second on AMZN) and of the realism's
 * 0.1-s looks at the mid; a slower fast component is not called fleeting.
 */
export const FLEETING_MAX_LIFE = 0.1;

/**
 * Least likelihood ratio 2·(log L₂ − log L₁) of the mixture against one exponential for a
 * fleeting component: χ² with two degrees of freedom at 0.001.
 */
export const FLEETING_LR_MIN = 13.82;

/** EM iterations of {@linkcode fitFleeting} before the likelihood is maximised by L-BFGS. */
export const FLEETING_EM_ITERATIONS = 200;

/** Shortest lifetime, s: the tape's clock resolution (LOBSTER: 1 ns). */
const RESOLUTION = 1e-9;

/** The fitted lifetime mixture of the orders placed inside the spread. */
export interface FleetingFit {
  /** Probability φ that an order is fleeting (0 when not identified). */
  share: number;
  /** Deletion rate μ of a fleeting order, per second (0 when not identified). */
  rate: number;
  /** Deletion rate ν of the other orders over the window, per second. */
  regularRate: number;
  /** Standard errors of φ, μ and ν (NaN where the information is singular). */
  se: { share: number; rate: number; regularRate: number };
  /** Orders followed. */
  n: number;
  /** Orders deleted within the window. */
  deleted: number;
  /** Log-likelihood at the estimate. */
  logLik: number;
  /** Why the fit is not identified (empty when it is). */
  reason: string;
}

/**
 * The posterior probability that an order deleted `t` seconds after it was placed was a
 * fleeting one, under `fit` (0 beyond the fit's window or when nothing is fleeting).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fleetingResponsibility, type FleetingFit } from "./fit_fleeting.ts";
 * const fit = { share: 0.3, rate: 200, regularRate: 1 } as FleetingFit;
 * assert.ok(fleetingResponsibility(fit, 0.001) > 0.95); // a millisecond: fleeting
 * assert.ok(fleetingResponsibility(fit, 0.5) < 1e-6);
 * ```
 */
export function fleetingResponsibility(
  fit: Pick<FleetingFit, "share" | "rate" | "regularRate">,
  t: number,
  window = FLEETING_WINDOW,
): number {
  if (!(fit.share > 0) || !(t <= window)) return 0;
  const x = t > RESOLUTION ? t : RESOLUTION;
  const a = fit.share * fit.rate * Math.exp(-fit.rate * x);
  const b = (1 - fit.share) * fit.regularRate * Math.exp(-fit.regularRate * x);
  return a + b > 0 ? a / (a + b) : 1;
}

/**
 * Fits the two-exponential lifetime mixture (see the module doc) to `life` (seconds from
 * placement to deletion, execution or the end of the tape) and `deleted` (1 where the life
 * ended by a deletion, else 0). Fewer than 20 orders or 10 deletions within the window, or a
 * maximisation that does not converge: not identified (share 0, with the reason).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitFleeting } from "./fit_fleeting.ts";
 * import { Rng } from "../rng/rng.ts";
 * const rng = new Rng(7);
 * const life: number[] = [], deleted: number[] = [];
 * for (let i = 0; i < 4_000; i++) {
 *   const fleeting = rng.next() < 0.3;
 *   const t = -Math.log(1 - rng.next()) / (fleeting ? 200 : 0.5);
 *   const c = -Math.log(1 - rng.next()) / 0.2; // executed first
 *   life.push(Math.min(t, c));
 *   deleted.push(t < c ? 1 : 0);
 * }
 * const f = fitFleeting(life, deleted);
 * assert.ok(Math.abs(f.share - 0.3) < 3 * f.se.share + 0.01);
 * assert.ok(Math.abs(f.rate - 200) < 3 * f.se.rate + 5);
 * ```
 */
export function fitFleeting(
  life: ArrayLike<number>,
  deleted: ArrayLike<number>,
  window = FLEETING_WINDOW,
): FleetingFit {
  const n = life.length;
  const t = new Float64Array(n);
  const d = new Uint8Array(n);
  let nd = 0;
  for (let i = 0; i < n; i++) {
    const x = life[i];
    const within = x <= window;
    t[i] = within ? (x > RESOLUTION ? x : RESOLUTION) : window;
    d[i] = within && deleted[i] === 1 ? 1 : 0;
    nd += d[i];
  }
  const none = (reason: string): FleetingFit => ({
    share: 0,
    rate: 0,
    regularRate: 0,
    se: { share: NaN, rate: NaN, regularRate: NaN },
    n,
    deleted: nd,
    logLik: NaN,
    reason,
  });
  if (n < 20 || nd < 10) {
    return none(
      `${n} orders placed inside the spread, ${nd} deleted within ${window} s (at least 20 and 10)`,
    );
  }
  // order i's likelihood under one component of weight w and rate r: its density where it
  // was deleted, its survival where it was censored
  const part = (i: number, w: number, r: number) => w * (d[i] ? r : 1) * Math.exp(-r * t[i]);
  const logLik = (phi: number, mu: number, nu: number): number => {
    let ll = 0;
    for (let i = 0; i < n; i++) ll += Math.log(part(i, phi, mu) + part(i, 1 - phi, nu));
    return ll;
  };
  let phi = 0.3, mu = 100 / window, nu = 1 / window;
  // EM from one fast and one slow component (closed-form steps), then L-BFGS to the maximum:
  // EM alone crawls where the two components overlap
  for (let it = 0; it < FLEETING_EM_ITERATIONS; it++) {
    let sr = 0, srd = 0, srt = 0, sqd = 0, sqt = 0;
    for (let i = 0; i < n; i++) {
      const x = t[i];
      const a = part(i, phi, mu);
      const s = a + part(i, 1 - phi, nu);
      const r = s > 0 ? a / s : 0;
      sr += r;
      srd += r * d[i];
      srt += r * x;
      sqd += (1 - r) * d[i];
      sqt += (1 - r) * x;
    }
    phi = sr / n;
    mu = srt > 0 ? Math.min(1e9, srd / srt) : 1e9;
    nu = sqt > 0 ? sqd / sqt : 0;
  }
  if (!(phi > 1e-9 && phi < 1 - 1e-9)) return none("the lifetimes show no second component");
  // negative log-likelihood and its gradient in (logit φ, log μ, log ν)
  const objective = (p: Float64Array, g: Float64Array): number => {
    const ph = 1 / (1 + Math.exp(-p[0]));
    const m = Math.exp(p[1]);
    const v = Math.exp(p[2]);
    let ll = 0, gu = 0, gm = 0, gv = 0;
    for (let i = 0; i < n; i++) {
      const x = t[i];
      const a = part(i, ph, m);
      const s = a + part(i, 1 - ph, v);
      const r = a / s;
      ll += Math.log(s);
      gu += r - ph;
      gm += r * (d[i] - m * x);
      gv += (1 - r) * (d[i] - v * x);
    }
    g[0] = -gu;
    g[1] = -gm;
    g[2] = -gv;
    return -ll;
  };
  const fit = minimizeLbfgs(
    objective,
    [Math.log(phi / (1 - phi)), Math.log(mu), Math.log(Math.max(nu, 1e-12))],
    { maxIterations: 1_000 },
  );
  if (!fit.converged) {
    return none(`the likelihood's maximisation did not converge (${fit.reason})`);
  }
  phi = 1 / (1 + Math.exp(-fit.x[0]));
  mu = Math.exp(fit.x[1]);
  nu = Math.exp(fit.x[2]);
  if (nu > mu) [phi, mu, nu] = [1 - phi, nu, mu];
  const ll = -fit.value;
  // against one exponential (its censored maximum likelihood ν₁ = deletions / time at risk)
  let tSum = 0;
  for (let i = 0; i < n; i++) tSum += t[i];
  const nu1 = nd / tSum;
  const lr = 2 * (ll - (nd * Math.log(nu1) - nu1 * tSum));
  if (!(lr >= FLEETING_LR_MIN)) {
    return none(
      `the likelihood ratio against one exponential is ${
        lr.toPrecision(3)
      } (below ${FLEETING_LR_MIN}): no second component`,
    );
  }
  if (!(mu > nu)) return none("the lifetimes show no fast component");
  if (!(mu * FLEETING_MAX_LIFE >= 1)) {
    return none(
      `the fast component's mean lifetime ${
        (1 / mu).toPrecision(3)
      } s is above ${FLEETING_MAX_LIFE} s: the deletions at the touch explain it`,
    );
  }
  const negLL = (p: Float64Array) => {
    if (!(p[0] > 0 && p[0] < 1 && p[1] > 0 && p[2] >= 0)) return Infinity;
    return -logLik(p[0], p[1], p[2]);
  };
  const x0 = Float64Array.of(phi, mu, nu);
  const cov = covarianceFromHessian(hessianFromValues(negLL, x0), 3);
  const se = cov.ok ? standardErrors(cov.cov, 3) : Float64Array.of(NaN, NaN, NaN);
  return {
    share: phi,
    rate: mu,
    regularRate: nu,
    se: { share: se[0], rate: se[1], regularRate: se[2] },
    n,
    deleted: nd,
    logLik: ll,
    reason: "",
  };
}
