/**
 * Fits of the book tier's order-flow models to a tape: market-order sizes (relative to the
 * depth at the touch), limit-order placement, limit-order sizes and cancellation hazards.
 * Each returns {@linkcode Estimate}s with standard errors, or says the data cannot identify
 * a parameter.
 *
 * @module
 */
import { InsufficientDataError } from "./errors.ts";
import { type Estimate, fitted, unidentified } from "./estimate.ts";
import {
  covarianceFromHessian,
  hessianFromValues,
  minimizeNelderMead,
  standardErrors,
} from "./optimize.ts";
import { minimizeGoldenSection } from "./optimize.ts";
import type { MarketRecord } from "./record.ts";
import type { OrderEvents, TapeEvents } from "./tape_events.ts";
import { maxOf } from "../analytics/extent.ts";
import { erfc, logGamma, normalCdf } from "../analytics/distributions.ts";
import type { SizeLawName } from "../market/size_law.ts";
import { type FastOrderSizes, fastSizePmf, validateFastOrders } from "./fast_sizes.ts";

/** Fitted market-order size model (`flow.sizes`). */
export interface SizeFit {
  /** The law of desired sizes fitted (`lib/market/size_law.ts`). */
  law: SizeLawName;
  /** Mean desired size, lots. */
  marketMean: Estimate;
  /** Tail exponent ζ (`lomax`; for `lognormal`, the library's default, unused). */
  marketTail: Estimate;
  /** Standard deviation σ of the desired size's log (`lognormal` only). */
  marketLogSd?: Estimate;
  /** The mixture's components, by increasing median (`lognormal-mix` only). */
  components?: { weight: Estimate; median: Estimate; logSd: Estimate }[];
  /** Probability that an order ignores the touch depth. */
  sweepProbability: Estimate;
  /** Largest market order, lots (the largest seen, at least the library's 1,000). */
  marketMax: number;
  /** Orders used. */
  orders: number;
  /** Mean executed size, lots (what the data show, after the cap). */
  meanExecuted: number;
  /** Maximized log-likelihood of the fitted law. */
  logLikelihood: number;
  /** Maximized log-likelihood of every law fitted (one with `law`; all with "auto"). */
  logLikelihoods: Partial<Record<SizeLawName, number>>;
  /** Whether the optimizer converged. */
  converged: boolean;
}

/** Survival of the Lomax desired size: P(V > v) = (1 + v/λ)^(−ζ), v ≥ 0. */
function survival(v: number, lambda: number, zeta: number): number {
  return v < 0 ? 1 : Math.pow(1 + v / lambda, -zeta);
}

/**
 * Survival of the log-normal desired size V = max(1, round(X)), ln X ~ N(μ, σ²):
 * P(V > v) = P(X ≥ v + ½) for v ≥ 1, 1 below.
 */
function logNormalSurvival(v: number, mu: number, sigma: number): number {
  return v < 1 ? 1 : 0.5 * erfc((Math.log(v + 0.5) - mu) / (sigma * Math.SQRT2));
}

/** The market orders of `records` as the size fit reads them (sizes and depths in whole lots). */
interface SizeSample {
  size: number[];
  depth: number[];
  walked: number[];
  executed: number;
  /** Share π of the fast traders' orders (0: none in the fit). */
  fastShare: number;
  /** Their size pmf g at each order's size (empty when π = 0). */
  fastMass: number[];
}

function sizeSample(records: readonly MarketRecord[], fast?: FastOrderSizes): SizeSample {
  const size: number[] = [], depth: number[] = [], walked: number[] = [];
  let executed = 0;
  for (const r of records) {
    for (let i = 0; i < r.moQty.length; i++) {
      const q = Math.max(1, Math.round(r.moQty[i]));
      const d = r.moDepth[i];
      size.push(q);
      depth.push(d === d && d > 0 ? Math.max(1, Math.round(d)) : Infinity);
      walked.push(r.moLevels[i] > 1 ? 1 : 0);
      executed += r.moQty[i];
    }
  }
  if (fast === undefined || fast.share === 0) {
    return { size, depth, walked, executed, fastShare: 0, fastMass: [] };
  }
  const g = fastSizePmf(validateFastOrders(fast).sizes);
  return { size, depth, walked, executed, fastShare: fast.share, fastMass: size.map(g) };
}

/**
 * Negative log-likelihood of the touch-capped model whose desired size has survival `S`
 * (P(V > v)) and sweep probability `p` (see {@linkcode fitMarketSizes}); with the fast
 * traders' orders in the sample, of the mixture (1 − π)·(that likelihood) + π·g(s).
 */
function cappedNll(x: SizeSample, S: (v: number) => number, p: number): number {
  const { size, depth, walked, fastShare: pi, fastMass } = x;
  let ll = 0;
  for (let i = 0; i < size.length; i++) {
    const s = size[i], q = depth[i];
    const pv = S(s - 1) - S(s);
    let l: number;
    if (walked[i] === 1 && s > q) l = pv * p;
    else if (s === q) l = pv + S(s) * (1 - p);
    else l = pv;
    if (pi > 0) l = (1 - pi) * l + pi * fastMass[i];
    ll += Math.log(Math.max(l, 1e-300));
  }
  return -ll;
}

/**
 * Fits the touch-relative size model (`lib/market/order_sizes.ts`) to the market orders of
 * `records` by maximum likelihood: the desired size V follows the law `law`
 * (`lib/market/size_law.ts`: V = 1 + ⌊X⌋, X Lomax(λ, ζ); or V = max(1, round(X)), X
 * log-normal or a mixture of two log-normals); with probability 1 − p the order takes at most
 * the depth Q at the opposite best quote. An order that walked the book (several prices) has
 * V = s > Q and chose to sweep (P(V = s)·p); one that took exactly the touch depth is censored
 * (P(V = Q) + P(V > Q)(1 − p)); a smaller one has V = s. Sizes in lots are rounded, at least
 * 1. Standard errors from the observed information (numerical Hessian); the mean follows by
 * the delta method. The `lognormal-mix` law (two components, six parameters) starts from the
 * expectation-maximization fit of a two-component normal mixture to the log sizes. With
 * `law: "auto"` the three laws are fitted and the one of smallest AIC (2k − 2 ln L) kept.
 * With `fast` (the snipers' and informed traders' orders of a simulation, `fast_sizes.ts`)
 * the law is the background's alone: each order's likelihood is (1 − π)·(the law's) + π·g(s),
 * π and g fixed — the fast traders' orders are not taken for background flow.
 */
export function fitMarketSizes(
  records: readonly MarketRecord[],
  law: SizeLawName | "auto" = "lomax",
  fast?: FastOrderSizes,
): SizeFit {
  const x = sizeSample(records, fast);
  const n = x.size.length;
  if (n < 50) {
    throw new InsufficientDataError("market-order sizes", "at least 50 market orders", `${n}`);
  }
  if (law === "lomax") return fitLomaxSizes(x);
  if (law === "lognormal") return fitLogNormalSizes(x);
  if (law === "lognormal-mix") return fitLogNormalMixtureSizes(x);
  const fits = [fitLomaxSizes(x), fitLogNormalSizes(x), fitLogNormalMixtureSizes(x)];
  const params = [3, 3, 6];
  const aic = fits.map((f, i) => 2 * params[i] - 2 * f.logLikelihood);
  let best = 0;
  for (let i = 1; i < fits.length; i++) if (aic[i] < aic[best]) best = i;
  const logLikelihoods: Partial<Record<SizeLawName, number>> = {};
  for (const f of fits) logLikelihoods[f.law] = f.logLikelihood;
  return { ...fits[best], logLikelihoods };
}

/** Common fields of a size fit. */
function sizeFitBase(x: SizeSample) {
  return {
    marketMax: Math.min(1e7, Math.max(1_000, maxOf(x.size))), // the model's range
    orders: x.size.length,
    meanExecuted: x.executed / x.size.length,
  };
}

function fitLomaxSizes(x: SizeSample): SizeFit {
  const n = x.size.length;
  const nll = (lambda: number, zeta: number, p: number): number => {
    if (!(lambda > 0 && zeta > 1 && p >= 0 && p <= 1)) return Infinity;
    return cappedNll(x, (v) => survival(v, lambda, zeta), p);
  };
  const mean0 = x.size.reduce((a, b) => a + b, 0) / n;
  // ζ is kept in the model's range (≥ 1.1: a finite mean)
  const f = (z: Float64Array) =>
    nll(Math.exp(z[0]), 1.1 + Math.exp(z[1]), 1 / (1 + Math.exp(-z[2])));
  const start = Float64Array.of(Math.log(Math.max(0.1, mean0 - 0.5)), Math.log(0.5), -2);
  let r = minimizeNelderMead(f, start, { maxIterations: 2000 });
  r = minimizeNelderMead(f, r.x, { maxIterations: 2000 }); // restart: NM can stall
  const lambda = Math.exp(r.x[0]), zeta = 1.1 + Math.exp(r.x[1]), p = 1 / (1 + Math.exp(-r.x[2]));
  const zetaBoundary = zeta < 1.1 + 1e-3;
  // standard errors in the natural parameters
  const nat = Float64Array.of(lambda, zeta, p);
  const H = hessianFromValues((x) => nll(x[0], x[1], x[2]), nat, 1e-4);
  if (zetaBoundary) H[4] = Math.max(H[4], 1e12); // ζ fixed at its bound: no information about it
  const { se, cov, pBoundary } = sizeErrors(H, p);
  const mean = 0.5 + lambda / (zeta - 1);
  let meanSe = NaN;
  if (cov) {
    const g0 = 1 / (zeta - 1), g1 = -lambda / ((zeta - 1) ** 2);
    meanSe = Math.sqrt(Math.max(0, g0 * g0 * cov[0] + 2 * g0 * g1 * cov[1] + g1 * g1 * cov[4]));
  }
  const tail = Math.min(20, Math.max(1.1, zeta));
  const method = "censored maximum likelihood of the touch-capped Lomax size model";
  const ll = -nll(lambda, zeta, p);
  return {
    law: "lomax",
    marketMean: fitted(Math.min(1e6, Math.max(1, mean)), meanSe, "lots", method),
    marketTail: fitted(
      tail,
      zetaBoundary ? NaN : se[1],
      "tail exponent",
      method,
      zetaBoundary
        ? "at the model's lower bound 1.1 (a finite mean): the data's tail is at least this heavy"
        : undefined,
    ),
    sweepProbability: sweepEstimate(p, se[2], pBoundary, method),
    ...sizeFitBase(x),
    logLikelihood: ll,
    logLikelihoods: { lomax: ll },
    converged: r.converged,
  };
}

/** Largest σ of the log-normal law (`flow.sizes.marketLogSd`'s bound). */
const MAX_LOG_SD = 5;
/** Smallest σ of a mixture's component (`flow.sizes.components[].logSd`'s bound). */
const MIN_COMPONENT_LOG_SD = 1e-4;

function fitLogNormalSizes(x: SizeSample): SizeFit {
  const n = x.size.length;
  const nll = (mu: number, sigma: number, p: number): number => {
    if (!(sigma > 0 && p >= 0 && p <= 1)) return Infinity;
    return cappedNll(x, (v) => logNormalSurvival(v, mu, sigma), p);
  };
  let m = 0, m2 = 0;
  for (const v of x.size) {
    const l = Math.log(v);
    m += l;
    m2 += l * l;
  }
  m /= n;
  const sd0 = Math.sqrt(Math.max(0.01, m2 / n - m * m));
  // σ within the model's range (0.01, 5]: a logistic map
  const toSigma = (z: number) => 0.01 + (MAX_LOG_SD - 0.01) / (1 + Math.exp(-z));
  const f = (z: Float64Array) => nll(z[0], toSigma(z[1]), 1 / (1 + Math.exp(-z[2])));
  const zs = Math.log((sd0 - 0.01) / (MAX_LOG_SD - sd0));
  const start = Float64Array.of(m, Number.isFinite(zs) ? zs : 0, -2);
  let r = minimizeNelderMead(f, start, { maxIterations: 2000 });
  r = minimizeNelderMead(f, r.x, { maxIterations: 2000 }); // restart: NM can stall
  const mu = r.x[0], sigma = toSigma(r.x[1]), p = 1 / (1 + Math.exp(-r.x[2]));
  const nat = Float64Array.of(mu, sigma, p);
  const H = hessianFromValues((z) => nll(z[0], z[1], z[2]), nat, 1e-4);
  const { se, cov, pBoundary } = sizeErrors(H, p);
  // the law's parameters: the mean of X = e^(μ + σ²/2), σ
  const mean = Math.exp(mu + sigma * sigma / 2);
  let meanSe = NaN;
  if (cov) {
    const g0 = mean, g1 = mean * sigma;
    meanSe = Math.sqrt(Math.max(0, g0 * g0 * cov[0] + 2 * g0 * g1 * cov[1] + g1 * g1 * cov[4]));
  }
  const method = "censored maximum likelihood of the touch-capped log-normal size model";
  const ll = -nll(mu, sigma, p);
  return {
    law: "lognormal",
    marketMean: fitted(Math.min(1e6, Math.max(1, mean)), meanSe, "lots", method),
    marketTail: unidentified(1.5, "tail exponent", "not used by the log-normal law"),
    marketLogSd: fitted(
      sigma,
      se[1],
      "log lots",
      method,
      sigma > MAX_LOG_SD - 1e-3 ? `at the model's bound ${MAX_LOG_SD}` : undefined,
    ),
    sweepProbability: sweepEstimate(p, se[2], pBoundary, method),
    ...sizeFitBase(x),
    logLikelihood: ll,
    logLikelihoods: { lognormal: ll },
    converged: r.converged,
  };
}

/**
 * The mean of V = max(1, round(X)), X the two-component log-normal mixture θ = (μ₁, σ₁, μ₂,
 * σ₂, w): P(X < 1.5) + E[X; X ≥ 1.5] (the rounding above 1.5 is unbiased to within its
 * curvature, a fraction of a lot). Below one lot the clamp matters: the mixture fitted to the
 * AMZN limit orders in lots of 100 shares (89 % of them one lot) has E[X] = 0.71 and E[V] =
 * 1.23 (the orders' own mean: 1.28).
 */
function roundedMixtureMean(u: ArrayLike<number>): number {
  const c = Math.log(1.5);
  const part = (mu: number, s: number) =>
    normalCdf((c - mu) / s) + Math.exp(mu + s * s / 2) * normalCdf((mu + s * s - c) / s);
  return u[4] * part(u[0], u[1]) + (1 - u[4]) * part(u[2], u[3]);
}

/**
 * The delta method's standard error of {@linkcode roundedMixtureMean} at `t` (its first `k`
 * parameters, covariance `cov`, k × k), the gradient by central differences.
 */
function mixtureMeanSe(t: Float64Array, cov: Float64Array, k: number): number {
  const g = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(t[i]));
    const a = Float64Array.from(t), b = Float64Array.from(t);
    a[i] += h;
    b[i] -= h;
    g[i] = (roundedMixtureMean(a) - roundedMixtureMean(b)) / (2 * h);
  }
  let v = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) v += g[i] * g[j] * cov[i * k + j];
  return Math.sqrt(Math.max(0, v));
}

/**
 * The two components of a fitted mixture θ = (μ₁, σ₁, μ₂, σ₂, w, …) with standard errors `se`,
 * within the model's range: a weight in (0, 1) (a component the data do not need goes to its
 * bound, with a note: the other law alone), a median e^μ in [0.01, 10⁷] lots (its error by
 * the delta method).
 */
function mixtureComponents(t: ArrayLike<number>, se: number[], share: string, method: string) {
  const inRange = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const component = (mu: number, sMu: number, sigma: number, sSigma: number, w: number) => ({
    weight: fitted(
      inRange(w, 1e-6, 1 - 1e-6),
      se[4],
      share,
      method,
      w <= 1e-6 ? "at the model's bound: the tape does not need this component" : undefined,
    ),
    median: fitted(inRange(Math.exp(mu), 0.01, 1e7), Math.exp(mu) * sMu, "lots", method),
    logSd: fitted(sigma, sSigma, "log lots", method),
  });
  return [
    component(t[0], se[0], t[1], se[1], t[4]),
    component(t[2], se[2], t[3], se[3], 1 - t[4]),
  ];
}

/**
 * Minimizes `nll`, the negative log-likelihood of a two-component log-normal mixture in its
 * natural parameters θ = (μ₁, σ₁, μ₂, σ₂, w, q…), q probabilities after the mixture's own:
 * Nelder–Mead (restarted once: it can stall) on μ, the logistic of σ within [10⁻⁴, 5] (a
 * component's σ down to 10⁻⁴: a point mass, such as a round lot of 100 shares, is a
 * component) and the logits of w and q; started from the EM fit of two normals to `logs` and
 * the logits `extra` of q. The components are returned by increasing median.
 */
function maximizeMixture(
  nll: (t: ArrayLike<number>) => number,
  logs: readonly number[],
  extra: readonly number[],
): { t: Float64Array; converged: boolean } {
  const lo = MIN_COMPONENT_LOG_SD;
  const toSigma = (z: number) => lo + (MAX_LOG_SD - lo) / (1 + Math.exp(-z));
  const fromSigma = (s: number) => {
    const c = Math.min(MAX_LOG_SD - 0.02, Math.max(0.02, s));
    return Math.log((c - lo) / (MAX_LOG_SD - c));
  };
  const logistic = (z: number) => 1 / (1 + Math.exp(-z));
  const natural = (z: Float64Array) => {
    const t = Float64Array.from(z, logistic);
    t[0] = z[0];
    t[1] = toSigma(z[1]);
    t[2] = z[2];
    t[3] = toSigma(z[3]);
    return t;
  };
  const [m1, s1, m2, s2, w0] = twoNormals(logs);
  const wc = Math.min(0.98, Math.max(0.02, w0));
  const start = Float64Array.of(
    m1,
    fromSigma(s1),
    m2,
    fromSigma(s2),
    Math.log(wc / (1 - wc)),
    ...extra,
  );
  const f = (z: Float64Array) => nll(natural(z));
  let r = minimizeNelderMead(f, start, { maxIterations: 4000 });
  r = minimizeNelderMead(f, r.x, { maxIterations: 4000 }); // restart: NM can stall
  const t = natural(r.x);
  if (t[2] < t[0]) { // by median
    [t[0], t[1], t[2], t[3]] = [t[2], t[3], t[0], t[1]];
    t[4] = 1 - t[4];
  }
  return { t, converged: r.converged };
}

/** Two-component normal mixture of `l` by expectation-maximization (a start for the fit). */
function twoNormals(l: readonly number[]): [number, number, number, number, number] {
  const sorted = [...l].sort((a, b) => a - b);
  const n = sorted.length;
  const half = (a: number, b: number) => {
    let m = 0, v = 0;
    for (let i = a; i < b; i++) m += sorted[i];
    m /= b - a;
    for (let i = a; i < b; i++) v += (sorted[i] - m) ** 2;
    return [m, Math.sqrt(Math.max(1e-4, v / (b - a)))];
  };
  let [m1, s1] = half(0, n >> 1), [m2, s2] = half(n >> 1, n), w = 0.5;
  const resp = new Float64Array(n);
  for (let it = 0; it < 200; it++) {
    let r1 = 0, a1 = 0, b1 = 0, a2 = 0, b2 = 0;
    for (let i = 0; i < n; i++) {
      const p1 = w * Math.exp(-0.5 * ((l[i] - m1) / s1) ** 2) / s1;
      const p2 = (1 - w) * Math.exp(-0.5 * ((l[i] - m2) / s2) ** 2) / s2;
      const r = p1 + p2 > 0 ? p1 / (p1 + p2) : 0.5;
      resp[i] = r;
      r1 += r;
      a1 += r * l[i];
      a2 += (1 - r) * l[i];
    }
    if (!(r1 > 1 && n - r1 > 1)) break;
    m1 = a1 / r1;
    m2 = a2 / (n - r1);
    for (let i = 0; i < n; i++) {
      b1 += resp[i] * (l[i] - m1) ** 2;
      b2 += (1 - resp[i]) * (l[i] - m2) ** 2;
    }
    s1 = Math.sqrt(Math.max(1e-4, b1 / r1));
    s2 = Math.sqrt(Math.max(1e-4, b2 / (n - r1)));
    w = r1 / n;
  }
  return [m1, s1, m2, s2, w];
}

function fitLogNormalMixtureSizes(x: SizeSample): SizeFit {
  const S = (v: number, m1: number, s1: number, m2: number, s2: number, w: number) =>
    v < 1 ? 1 : w * logNormalSurvival(v, m1, s1) + (1 - w) * logNormalSurvival(v, m2, s2);
  // natural parameters θ = (μ₁, σ₁, μ₂, σ₂, w, p)
  const nll = (t: ArrayLike<number>): number => {
    const m1 = t[0], s1 = t[1], m2 = t[2], s2 = t[3], w = t[4], p = t[5];
    if (!(s1 > 0 && s2 > 0 && w > 0 && w < 1 && p >= 0 && p <= 1)) return Infinity;
    return cappedNll(x, (v) => S(v, m1, s1, m2, s2, w), p);
  };
  // the sweep probability p starts at logistic(−2)
  const { t, converged } = maximizeMixture(nll, x.size.map(Math.log), [-2]);
  const H = hessianFromValues(nll, t, 1e-4);
  const { se, cov, pBoundary } = sizeErrors(H, t[5], 6);
  const mean = roundedMixtureMean(t);
  const meanSe = cov ? mixtureMeanSe(t, cov, 6) : NaN;
  const method = "censored maximum likelihood of the touch-capped log-normal mixture size model";
  const ll = -nll(t);
  return {
    law: "lognormal-mix",
    marketMean: fitted(Math.min(1e6, Math.max(1, mean)), meanSe, "lots", method),
    marketTail: unidentified(1.5, "tail exponent", "not used by the log-normal mixture"),
    components: mixtureComponents(t, se, "share of market orders", method),
    sweepProbability: sweepEstimate(t[5], se[5], pBoundary, method),
    ...sizeFitBase(x),
    logLikelihood: ll,
    logLikelihoods: { "lognormal-mix": ll },
    converged,
  };
}

/** Fitted limit-order sizes (`flow.sizes.limitComponents`, `limitMean`). */
export interface LimitSizeFit {
  /** The mixture's two components, by increasing median. */
  components: { weight: Estimate; median: Estimate; logSd: Estimate }[];
  /** The mixture's mean, lots. */
  limitMean: Estimate;
  /** Limit orders used. */
  orders: number;
  /** Maximized log-likelihood. */
  logLikelihood: number;
  /** Log-likelihood of the Poisson law of the same mean (1 + Poisson(mean − 1)), to compare. */
  poissonLogLikelihood: number;
  /** Whether the optimizer converged. */
  converged: boolean;
}

/**
 * Fits limit-order sizes (lots; the orders of an order-level tape within `maxDistance` ticks
 * of the touch, the ones {@linkcode fitPlacement} counts) by maximum likelihood of a mixture
 * of two log-normals rounded to whole lots: P(V = v) = P(v − ½ ≤ X < v + ½) for v ≥ 2,
 * P(X < 1.5) for v = 1, X's law Σ w_k LN(μ_k, σ_k²); σ_k down to 10⁻⁴, so a round lot (half
 * of AMZN's limit orders are exactly 100 shares) is a component. Started from the EM fit of
 * two normals to the log sizes; the likelihood by distinct size (a tape's sizes repeat);
 * standard errors from the observed information; the mean by the delta method. A level-based
 * tape (no order ids) adds several orders in one update: not identified (throws).
 */
export function fitLimitSizes(ev: TapeEvents, maxDistance: number): LimitSizeFit {
  if (!ev.orderLevel) {
    throw new InsufficientDataError(
      "limit-order sizes",
      "an order-level tape (order ids: one event, one order)",
      "level updates, which add several orders at once",
    );
  }
  const counts = new Map<number, number>();
  const lim = ev.limits;
  let n = 0, sum = 0;
  for (let i = 0; i < lim.time.length; i++) {
    const d = Math.max(0, lim.distance[i]);
    if (!(d === d) || d >= maxDistance) continue;
    const q = Math.max(1, Math.round(lim.qty[i]));
    counts.set(q, (counts.get(q) ?? 0) + 1);
    n++;
    sum += q;
  }
  if (n < 50) {
    throw new InsufficientDataError("limit-order sizes", "at least 50 limit orders", `${n}`);
  }
  const size = Float64Array.from(counts.keys()), count = Float64Array.from(counts.values());
  const S = (v: number, t: ArrayLike<number>) =>
    v < 1
      ? 1
      : t[4] * logNormalSurvival(v, t[0], t[1]) + (1 - t[4]) * logNormalSurvival(v, t[2], t[3]);
  // natural parameters θ = (μ₁, σ₁, μ₂, σ₂, w)
  const nll = (t: ArrayLike<number>): number => {
    if (!(t[1] > 0 && t[3] > 0 && t[4] > 0 && t[4] < 1)) return Infinity;
    let ll = 0;
    for (let i = 0; i < size.length; i++) {
      ll += count[i] * Math.log(Math.max(S(size[i] - 1, t) - S(size[i], t), 1e-300));
    }
    return -ll;
  };
  const logs: number[] = [];
  for (const [v, c] of counts) for (let j = 0; j < c; j++) logs.push(Math.log(v));
  const { t, converged } = maximizeMixture(nll, logs, []);
  const H = hessianFromValues(nll, t, 1e-4);
  const c = covarianceFromHessian(H, 5);
  const se = c.ok ? Array.from(standardErrors(c.cov, 5)) : new Array<number>(5).fill(NaN);
  const meanSe = c.ok ? mixtureMeanSe(t, c.cov, 5) : NaN;
  const method = "maximum likelihood of a rounded two-component log-normal mixture";
  // the Poisson law of the same mean, for comparison: 1 + Poisson(m − 1)
  const m = sum / n - 1;
  let poissonLl = 0;
  for (let i = 0; i < size.length; i++) {
    const k = size[i] - 1;
    poissonLl += count[i] *
      (m > 0 ? k * Math.log(m) - m - logGamma(k + 1) : k === 0 ? 0 : -Infinity);
  }
  return {
    components: mixtureComponents(t, se, "share of limit orders", method),
    limitMean: fitted(Math.min(1e6, Math.max(1, roundedMixtureMean(t))), meanSe, "lots", method),
    orders: n,
    logLikelihood: -nll(t),
    poissonLogLikelihood: poissonLl,
    converged,
  };
}

/**
 * Standard errors of a size fit's `k` natural parameters (the sweep probability `p` last)
 * from the Hessian `H` of its negative log-likelihood, with their covariance (k × k); `p`
 * at 0 or 1 has none (the others from their own block, `p`'s row and column zero).
 */
function sizeErrors(H: Float64Array, p: number, k = 3) {
  const pBoundary = p < 1e-4 || p > 1 - 1e-4;
  let se = new Array<number>(k).fill(NaN);
  let cov: Float64Array | null = null;
  if (!pBoundary) {
    const c = covarianceFromHessian(H, k);
    if (c.ok) {
      se = Array.from(standardErrors(c.cov, k));
      cov = c.cov;
    }
  } else {
    const m = k - 1;
    const sub = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) sub[i * m + j] = H[i * k + j];
    const c = covarianceFromHessian(sub, m);
    if (c.ok) {
      const s2 = standardErrors(c.cov, m);
      se = [...s2, NaN];
      cov = new Float64Array(k * k);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) cov[i * k + j] = c.cov[i * m + j];
    }
  }
  return { se, cov, pBoundary };
}

function sweepEstimate(p: number, se: number, boundary: boolean, method: string): Estimate {
  return fitted(
    p,
    se,
    "probability",
    method,
    boundary ? "at the boundary of [0, 1]: no standard error" : undefined,
  );
}

/** Fitted limit-order placement and sizes (`flow.placement`, `flow.sizes.limitMean`). */
export interface PlacementFit {
  /** Power-law exponent α of the distance distribution. */
  alpha: Estimate;
  /** Distances modelled (ticks). */
  maxDistance: Estimate;
  /** Share of limit orders the model places at distance 0 (the touch). */
  touchShare: number;
  /** Limit orders per second within the modelled distances (both sides). */
  rate: Estimate;
  /** Mean limit-order size, lots. */
  limitMean: Estimate;
  /** Events used. */
  events: number;
}

/** P(i) ∝ (i + 1)^(−α), i = 0 … D − 1: log-likelihood of distance counts. */
function powerLawLl(counts: Float64Array, alpha: number): number {
  let z = 0, ll = 0;
  for (let i = 0; i < counts.length; i++) {
    const w = Math.pow(i + 1, -alpha);
    z += w;
    ll += counts[i] * -alpha * Math.log(i + 1);
  }
  let n = 0;
  for (const c of counts) n += c;
  return ll - n * Math.log(z);
}

/**
 * Fits the placement model: distances (ticks behind the same side's best, improving orders
 * at 0) of limit orders within `maxDistance` follow P(i) ∝ (i + 1)^(−α); α by maximum
 * likelihood (golden-section search on [0, 10]), its standard error from the Fisher
 * information (n·Var_α[log(i + 1)]). A tape that shows only the best level (LOBSTER level 1)
 * says nothing about deeper placement: α and the distances are then not identified (the
 * library's defaults are kept) and the rate of limit orders is the touch rate divided by
 * the share the model puts at the touch.
 */
export function fitPlacement(
  ev: TapeEvents,
  defaults: { alpha: number; maxDistance: number },
): PlacementFit {
  const seconds = ev.span[1] - ev.span[0];
  const lim = ev.limits;
  const D = defaults.maxDistance;
  const counts = new Float64Array(D);
  let n = 0;
  let qtySum = 0, qtySq = 0, qn = 0;
  for (let i = 0; i < lim.time.length; i++) {
    const d = Math.max(0, lim.distance[i]);
    if (!(d === d) || d >= D) continue;
    counts[Math.round(d)]++;
    n++;
    const q = Math.max(1, Math.round(lim.qty[i]));
    qtySum += q;
    qtySq += q * q;
    qn++;
  }
  if (n < 30) {
    throw new InsufficientDataError("placement", "at least 30 limit orders near the touch", `${n}`);
  }
  const qMean = qtySum / qn;
  const qSe = Math.sqrt(Math.max(0, qtySq / qn - qMean * qMean) / qn);
  const limitMean = fitted(
    qMean,
    qSe,
    "lots",
    ev.orderLevel
      ? "mean size of limit orders (order by order)"
      : "mean net quantity added per level update (several orders in one update count as one: an upper bound)",
  );
  const visibleOnly = ev.depthLevels === 1;
  if (visibleOnly) {
    const alpha = defaults.alpha;
    let z = 0;
    for (let i = 0; i < D; i++) z += Math.pow(i + 1, -alpha);
    const share = 1 / z;
    const touchRate = n / seconds;
    return {
      alpha: unidentified(
        alpha,
        "exponent",
        "not identified: the tape shows only the best level (library default kept)",
      ),
      maxDistance: unidentified(
        D,
        "ticks",
        "not identified: the tape shows only the best level (library default kept)",
      ),
      touchShare: share,
      rate: fitted(
        touchRate / share,
        Math.sqrt(n) / seconds / share,
        "orders per second",
        "limit orders at or inside the best quote per second, divided by the share the model places at the touch",
      ),
      limitMean,
      events: n,
    };
  }
  // golden-section search of the log-likelihood on [0, 10]
  const alpha = minimizeGoldenSection((c) => -powerLawLl(counts, c), 0, 10);
  // Fisher information: n·Var(log(i+1)) under the fitted law
  let z = 0, m1 = 0, m2 = 0;
  for (let i = 0; i < D; i++) {
    const w = Math.pow(i + 1, -alpha);
    const l = Math.log(i + 1);
    z += w;
    m1 += w * l;
    m2 += w * l * l;
  }
  m1 /= z;
  m2 /= z;
  const info = n * (m2 - m1 * m1);
  const boundary = alpha < 1e-3 || alpha > 10 - 1e-3;
  return {
    alpha: fitted(
      alpha,
      boundary ? NaN : 1 / Math.sqrt(info),
      "exponent",
      `maximum likelihood of P(i) ∝ (i + 1)^(−α) over distances 0–${D - 1} ticks behind the touch`,
      boundary ? "at the boundary of [0, 10]" : undefined,
    ),
    maxDistance: unidentified(
      D,
      "ticks",
      "a modelling choice, not a fit: orders placed deeper are left out (the library default)",
    ),
    touchShare: 1 / z,
    rate: fitted(
      n / seconds,
      Math.sqrt(n) / seconds,
      "orders per second",
      ev.orderLevel
        ? "limit orders within the modelled distances per second"
        : "level updates that added volume within the modelled distances per second (a lower bound)",
    ),
    limitMean,
    events: n,
  };
}

/** Fitted cancellation model (`flow.cancellation`). */
export interface CancellationFit {
  /** Hazard of an order at the front of its queue away from the touch, per second. */
  rate: Estimate;
  /** Extra hazard at the back of a queue. */
  queuePosition: Estimate;
  /** Extra hazard at a nearly empty touch. */
  depletion: Estimate;
  /** Cancellations used. */
  events: number;
}

/**
 * Fits the queue-position cancellation hazard h = rate·(1 + qp·x)·(1 + dep·e^(−Q/v̄)) at
 * the touch. With order ids (L3): exact maximum likelihood over the followed orders,
 * log L = Σ_cancels log h(x, Q) − ∫ h dt (the integral from the exposure by level size),
 * standard errors from the observed information. Without (L2): per-lot hazards of resting
 * volume at the touch and 1–`depth` ticks behind it; the queue position is then not
 * identified (the library default is kept) and the depletion term only when the touch is
 * often thin.
 */
export function fitCancellation(
  ev: TapeEvents,
  meanOrderSize: number,
  defaults: { rate: number; queuePosition: number; depletion: number },
): CancellationFit {
  const v = meanOrderSize;
  if (ev.queue) {
    const q = ev.queue;
    const n = q.ahead.length;
    if (n < 30) {
      throw new InsufficientDataError(
        "cancellation",
        "at least 30 cancellations of followed orders",
        `${n}`,
      );
    }
    const yc = Float64Array.from(q.levelQty, (Q) => Math.exp(-Q / v));
    const bl = q.byLevel;
    const ey = bl.qty.map((Q) => Math.exp(-Q / v));
    const nll = (rate: number, qp: number, dep: number): number => {
      if (!(rate > 0 && qp >= 0 && dep >= 0)) return Infinity;
      let ll = 0;
      for (let i = 0; i < n; i++) ll += Math.log(rate * (1 + qp * q.ahead[i]) * (1 + dep * yc[i]));
      let integral = 0;
      for (let j = 0; j < bl.qty.length; j++) {
        integral += (1 + dep * ey[j]) * (bl.exposure[j] + qp * bl.exposureX[j]);
      }
      return -(ll - rate * integral);
    };
    const f = (z: Float64Array) => nll(Math.exp(z[0]), z[1] * z[1], z[2] * z[2]);
    const r0 = n / q.exposure;
    let r = minimizeNelderMead(f, Float64Array.of(Math.log(r0), 1, 1), { maxIterations: 3000 });
    r = minimizeNelderMead(f, r.x, { maxIterations: 3000 });
    const rate = Math.exp(r.x[0]), qp = r.x[1] ** 2, dep = r.x[2] ** 2;
    const nat = [rate, qp, dep];
    const free = [true, qp > 1e-3, dep > 1e-3];
    const idx = [0, 1, 2].filter((i) => free[i]);
    const H = hessianFromValues(
      (x) => {
        const full = nat.slice();
        idx.forEach((p, k) => full[p] = x[k]);
        return nll(full[0], full[1], full[2]);
      },
      Float64Array.from(idx, (i) => nat[i]),
      1e-4,
    );
    const c = covarianceFromHessian(H, idx.length);
    const se = [NaN, NaN, NaN];
    if (c.ok) standardErrors(c.cov, idx.length).forEach((s, k) => se[idx[k]] = s);
    const method =
      "maximum likelihood over orders followed in their queue at the touch (order ids)";
    return {
      rate: fitted(rate, se[0], "per second", method),
      queuePosition: fitted(qp, se[1], "ratio", method, free[1] ? undefined : "at the boundary 0"),
      depletion: fitted(dep, se[2], "ratio", method, free[2] ? undefined : "at the boundary 0"),
      events: n,
    };
  }
  const vol = ev.volume!;
  const awayEvents = countWithin(ev.cancels, 1, vol.depth);
  const touchEvents = countWithin(ev.cancels, 0, 0);
  if (awayEvents < 30 || touchEvents < 30) {
    throw new InsufficientDataError(
      "cancellation",
      "at least 30 cancellations at and behind the touch",
      `${touchEvents} and ${awayEvents}`,
    );
  }
  const qp = defaults.queuePosition;
  const hAway = vol.awayCancelled / vol.awayExposure;
  const rate = hAway / (1 + qp / 2);
  const rateSe = rate / Math.sqrt(awayEvents);
  const hTouch = vol.touchCancelled / vol.touchExposure;
  // lot-weighted mean of e^(−Q/v̄) at the touch
  let num = 0, den = 0;
  for (let j = 0; j < vol.touchBySize.qty.length; j++) {
    const Q = vol.touchBySize.qty[j];
    num += Q * vol.touchBySize.seconds[j] * Math.exp(-Q / v);
    den += Q * vol.touchBySize.seconds[j];
  }
  const yBar = den > 0 ? num / den : 0;
  const ratio = hTouch / (rate * (1 + qp / 2));
  let depletion: Estimate;
  if (yBar < 0.01) {
    depletion = unidentified(
      defaults.depletion,
      "ratio",
      `not identified: the touch is almost never thin (mean e^(−Q/v̄) = ${
        yBar.toPrecision(2)
      }); library default kept`,
    );
  } else {
    const dep = Math.max(0, (ratio - 1) / yBar);
    depletion = fitted(
      dep,
      (ratio / yBar) / Math.sqrt(touchEvents),
      "ratio",
      "excess of the per-lot hazard at the touch over the hazard behind it, per unit of e^(−Q/v̄)",
      dep === 0
        ? `at the boundary 0 (touch hazard ${
          hTouch.toPrecision(3)
        }/s is below the hazard behind it, ${hAway.toPrecision(3)}/s)`
        : undefined,
    );
  }
  return {
    rate: fitted(
      rate,
      rateSe,
      "per second",
      `per-lot hazard of volume resting 1–${vol.depth} ticks behind the touch (not counting levels the price moved through), over 1 + queuePosition/2`,
    ),
    queuePosition: unidentified(
      qp,
      "ratio",
      "not identified without order ids (library default kept)",
    ),
    depletion,
    events: awayEvents + touchEvents,
  };
}

function countWithin(e: OrderEvents, lo: number, hi: number): number {
  let n = 0;
  for (const d of e.distance) if (d >= lo && d <= hi) n++;
  return n;
}

/**
 * A market-order size fit's estimates, written into `est` under `flow.sizes.*` in place of
 * any earlier market-size estimates (`marketMean`, `marketTail`, `marketLogSd`, each mixture
 * component's weight, median and log-sd, `sweepProbability`); `given`, when set, says what
 * the fit was conditioned on, appended to each method.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Estimate } from "./estimate.ts";
 * import { fitMarketSizes, marketSizeEstimates } from "./fit_flow.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const records = simulateRecords({ duration: 600 }, { seconds: 600, seed: 3 });
 * const est: Record<string, Estimate> = { "flow.sizes.components.0.weight": { value: 1, se: 0, unit: "", method: "", status: "fit" } };
 * marketSizeEstimates(fitMarketSizes(records, "lomax"), est, "given x");
 * assert.equal(est["flow.sizes.components.0.weight"], undefined); // replaced, not mixed
 * assert.ok(est["flow.sizes.marketMean"].method.endsWith(", given x"));
 * ```
 */
export function marketSizeEstimates(
  fit: SizeFit,
  est: Record<string, Estimate>,
  given?: string,
): void {
  const market = /^flow\.sizes\.(market|components\.|sweepProbability)/;
  for (const k of Object.keys(est)) if (market.test(k)) delete est[k];
  const put = (k: string, e: Estimate) => {
    est[`flow.sizes.${k}`] = given === undefined ? e : { ...e, method: `${e.method}, ${given}` };
  };
  put("marketMean", fit.marketMean);
  put("marketTail", fit.marketTail);
  if (fit.marketLogSd !== undefined) put("marketLogSd", fit.marketLogSd);
  fit.components?.forEach((c, i) => {
    put(`components.${i}.weight`, c.weight);
    put(`components.${i}.median`, c.median);
    put(`components.${i}.logSd`, c.logSd);
  });
  put("sweepProbability", fit.sweepProbability);
}

/**
 * A limit-order size mixture's estimates, written into `est`: `flow.sizes.limitMean` and each
 * component's weight, median and log-sd (`flow.sizes.limitComponents.*`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Estimate } from "./estimate.ts";
 * import { type LimitSizeFit, limitSizeEstimates } from "./fit_flow.ts";
 * const e = (value: number): Estimate => ({ value, se: 0, unit: "lots", method: "", status: "fit" });
 * const fit = {
 *   components: [{ weight: e(0.5), median: e(1), logSd: e(1e-4) }, { weight: e(0.5), median: e(4), logSd: e(0.8) }],
 *   limitMean: e(3), orders: 100, logLikelihood: -150, poissonLogLikelihood: -170, converged: true,
 * } as LimitSizeFit;
 * const est: Record<string, Estimate> = {};
 * limitSizeEstimates(fit, est);
 * assert.equal(est["flow.sizes.limitMean"].value, 3);
 * assert.equal(est["flow.sizes.limitComponents.1.median"].value, 4);
 * ```
 */
export function limitSizeEstimates(fit: LimitSizeFit, est: Record<string, Estimate>): void {
  est["flow.sizes.limitMean"] = fit.limitMean;
  fit.components.forEach((c, i) => {
    est[`flow.sizes.limitComponents.${i}.weight`] = c.weight;
    est[`flow.sizes.limitComponents.${i}.median`] = c.median;
    est[`flow.sizes.limitComponents.${i}.logSd`] = c.logSd;
  });
}
