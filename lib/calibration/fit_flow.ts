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

/**
 * The market orders of `records` as the size fit reads them: sizes in whole lots, grouped by
 * size and by what the likelihood makes of them — the likelihood depends on an order only
 * through its size and its kind (`SIZE_KIND`), so each distinct (size, kind) is one term
 * weighted by its count.
 */
interface SizeSample {
  /** Distinct sizes, lots. */
  size: number[];
  /** Each one's kind (`SIZE_KIND`). */
  kind: number[];
  /** How many orders each stands for. */
  count: number[];
  /** Orders in all. */
  orders: number;
  /** The largest size, lots. */
  largest: number;
  /** Lots executed in all. */
  executed: number;
  /** Share π of the fast traders' orders (0: none in the fit). */
  fastShare: number;
  /** Their size pmf g at each distinct size (empty when π = 0). */
  fastMass: number[];
}

/**
 * How an order enters the touch-capped likelihood: its desired size is its size (`free`),
 * it took exactly the touch depth (`capped`: censored), or it walked the book (`walked`).
 */
const SIZE_KIND = { free: 0, capped: 1, walked: 2 } as const;

function sizeSample(records: readonly MarketRecord[], fast?: FastOrderSizes): SizeSample {
  const terms = new Map<number, number>(); // size · 3 + kind → count
  let executed = 0, orders = 0, largest = 0;
  for (const r of records) {
    for (let i = 0; i < r.moQty.length; i++) {
      const s = Math.max(1, Math.round(r.moQty[i]));
      const d = r.moDepth[i];
      const q = d === d && d > 0 ? Math.max(1, Math.round(d)) : Infinity;
      const kind = r.moLevels[i] > 1 && s > q
        ? SIZE_KIND.walked
        : s === q
        ? SIZE_KIND.capped
        : SIZE_KIND.free;
      const key = s * 3 + kind;
      terms.set(key, (terms.get(key) ?? 0) + 1);
      executed += r.moQty[i];
      orders++;
      if (s > largest) largest = s;
    }
  }
  const keys = [...terms.keys()].sort((a, b) => a - b);
  const size = keys.map((k) => Math.floor(k / 3)), kind = keys.map((k) => k % 3);
  const count = keys.map((k) => terms.get(k)!);
  const base = { size, kind, count, orders, largest, executed };
  if (fast === undefined || fast.share === 0) return { ...base, fastShare: 0, fastMass: [] };
  const g = fastSizePmf(validateFastOrders(fast).sizes);
  return { ...base, fastShare: fast.share, fastMass: size.map(g) };
}

/**
 * Negative log-likelihood of the touch-capped model whose desired size has survival `S`
 * (P(V > v)) and sweep probability `p` (see {@linkcode fitMarketSizes}); with the fast
 * traders' orders in the sample, of the mixture (1 − π)·(that likelihood) + π·g(s).
 */
function cappedNll(x: SizeSample, S: (v: number) => number, p: number): number {
  const { size, kind, count, fastShare: pi, fastMass } = x;
  let ll = 0;
  for (let i = 0; i < size.length; i++) {
    const s = size[i];
    const pv = S(s - 1) - S(s);
    let l: number;
    if (kind[i] === SIZE_KIND.walked) l = pv * p;
    else if (kind[i] === SIZE_KIND.capped) l = pv + S(s) * (1 - p);
    else l = pv;
    if (pi > 0) l = (1 - pi) * l + pi * fastMass[i];
    ll += count[i] * Math.log(Math.max(l, 1e-300));
  }
  return -ll;
}

/** The log of each order's size, every order once (the mixtures' starting EM reads them). */
function logSizes(x: SizeSample): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.size.length; i++) {
    const l = Math.log(x.size[i]);
    for (let j = 0; j < x.count[i]; j++) out.push(l);
  }
  return out;
}

/**
 * Fits the touch-relative size model (`lib/market/order_sizes.ts`) to the market orders of
 * `records` by maximum likelihood: the desired size V follows the law `law`
 * (`lib/market/size_law.ts`: V = 1 + ⌊X⌋, X Lomax(λ, ζ); or V = max(1, round(X)), X
 * log-normal or a mixture of log-normals); with probability 1 − p the order takes at most
 * the depth Q at the opposite best quote. An order that walked the book (several prices) has
 * V = s > Q and chose to sweep (P(V = s)·p); one that took exactly the touch depth is censored
 * (P(V = Q) + P(V > Q)(1 − p)); a smaller one has V = s. Sizes in lots are rounded, at least
 * 1; the likelihood is summed by distinct size and kind (sizes repeat: a tape's 8,000 orders
 * are a few hundred terms). Standard errors from the observed information (numerical
 * Hessian); the mean follows by the delta method. The `lognormal-mix` law is fitted with K =
 * 2, 3 and 4 components (3K parameters: a median and σ each, K − 1 weights, the sweep
 * probability), each started from the expectation-maximization fit of K normals to the log
 * sizes, and the K of smallest AIC (2k − 2 ln L) kept: an equity tape's round lots (100, 200
 * shares) are components of their own. With `law: "auto"` the three laws are fitted and the
 * one of smallest AIC kept.
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
  const n = x.orders;
  if (n < 50) {
    throw new InsufficientDataError("market-order sizes", "at least 50 market orders", `${n}`);
  }
  if (law === "lomax") return fitLomaxSizes(x);
  if (law === "lognormal") return fitLogNormalSizes(x);
  if (law === "lognormal-mix") return fitLogNormalMixtureSizes(x);
  const fits = [fitLomaxSizes(x), fitLogNormalSizes(x), fitLogNormalMixtureSizes(x)];
  const best = byAic(fits, (f) => 3 * (f.components?.length ?? 1));
  const logLikelihoods: Partial<Record<SizeLawName, number>> = {};
  for (const f of fits) logLikelihoods[f.law] = f.logLikelihood;
  return { ...best, logLikelihoods };
}

/** Common fields of a size fit. */
function sizeFitBase(x: SizeSample) {
  return {
    marketMax: Math.min(1e7, Math.max(1_000, x.largest)), // the model's range
    orders: x.orders,
    meanExecuted: x.executed / x.orders,
  };
}

/** The mean of the sizes, lots. */
function meanSize(x: SizeSample): number {
  let sum = 0;
  for (let i = 0; i < x.size.length; i++) sum += x.count[i] * x.size[i];
  return sum / x.orders;
}

function fitLomaxSizes(x: SizeSample): SizeFit {
  const nll = (lambda: number, zeta: number, p: number): number => {
    if (!(lambda > 0 && zeta > 1 && p >= 0 && p <= 1)) return Infinity;
    return cappedNll(x, (v) => survival(v, lambda, zeta), p);
  };
  const mean0 = meanSize(x);
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
  const n = x.orders;
  const nll = (mu: number, sigma: number, p: number): number => {
    if (!(sigma > 0 && p >= 0 && p <= 1)) return Infinity;
    return cappedNll(x, (v) => logNormalSurvival(v, mu, sigma), p);
  };
  let m = 0, m2 = 0;
  for (let i = 0; i < x.size.length; i++) {
    const l = Math.log(x.size[i]);
    m += x.count[i] * l;
    m2 += x.count[i] * l * l;
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

/** The numbers of components a log-normal mixture is fitted with (the AIC picks one). */
export const MIXTURE_COMPONENTS: readonly number[] = [2, 3, 4];

/**
 * The mixture of K log-normals in its natural parameters θ = (μ₁, σ₁, …, μ_K, σ_K, w₁, …,
 * w_{K−1}, …): component k's median e^μ_k, σ_k and weight w_k (w_K = 1 − the others).
 */
function mixtureWeight(t: ArrayLike<number>, K: number, k: number): number {
  if (k < K - 1) return t[2 * K + k];
  let w = 1;
  for (let j = 0; j < K - 1; j++) w -= t[2 * K + j];
  return w;
}

/** Whether θ is a mixture of K components (σ > 0, weights in (0, 1)). */
function validMixture(t: ArrayLike<number>, K: number): boolean {
  for (let k = 0; k < K; k++) {
    const w = mixtureWeight(t, K, k);
    if (!(t[2 * k + 1] > 0 && w > 0 && w < 1)) return false;
  }
  return true;
}

/** P(V > v) of the rounded mixture θ of K components (`logNormalSurvival` of each). */
function mixtureSurvival(v: number, t: ArrayLike<number>, K: number): number {
  if (v < 1) return 1;
  let s = 0;
  for (let k = 0; k < K; k++) {
    s += mixtureWeight(t, K, k) * logNormalSurvival(v, t[2 * k], t[2 * k + 1]);
  }
  return s;
}

/**
 * The mean of V = max(1, round(X)), X the log-normal mixture θ of K components (its layout:
 * {@linkcode mixtureWeight}): P(X < 1.5) + E[X; X ≥ 1.5] (the rounding above 1.5 is unbiased
 * to within its curvature, a fraction of a lot). Below one lot the clamp matters: the mixture
 * fitted to the AMZN limit orders in lots of 100 shares (89 % of them one lot) has E[X] =
 * 0.71 and E[V] = 1.23 (the orders' own mean: 1.28).
 */
function roundedMixtureMean(u: ArrayLike<number>, K: number): number {
  const c = Math.log(1.5);
  const part = (mu: number, s: number) =>
    normalCdf((c - mu) / s) + Math.exp(mu + s * s / 2) * normalCdf((mu + s * s - c) / s);
  let m = 0;
  for (let k = 0; k < K; k++) m += mixtureWeight(u, K, k) * part(u[2 * k], u[2 * k + 1]);
  return m;
}

/**
 * The delta method's standard error of a function `g` of the first `k` parameters of `t`
 * (covariance `cov`, k × k), the gradient by central differences.
 */
function deltaSe(
  g: (t: ArrayLike<number>) => number,
  t: Float64Array,
  cov: Float64Array,
  k: number,
): number {
  const grad = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(t[i]));
    const a = Float64Array.from(t), b = Float64Array.from(t);
    a[i] += h;
    b[i] -= h;
    grad[i] = (g(a) - g(b)) / (2 * h);
  }
  let v = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) v += grad[i] * grad[j] * cov[i * k + j];
  return Math.sqrt(Math.max(0, v));
}

/**
 * The K components of a fitted mixture θ ({@linkcode mixtureWeight}'s layout, its first `k`
 * parameters with covariance `cov` or none), within the model's range: a weight in (0, 1) (a
 * component the data do not need goes to its bound, with a note), a median e^μ in [0.01,
 * 10⁷] lots (its error by the delta method); the last weight's error by the delta method.
 */
function mixtureComponents(
  t: Float64Array,
  K: number,
  se: number[],
  cov: Float64Array | null,
  k: number,
  share: string,
  method: string,
) {
  const inRange = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return Array.from({ length: K }, (_, c) => {
    const w = mixtureWeight(t, K, c);
    const wSe = c < K - 1
      ? se[2 * K + c]
      : cov === null
      ? NaN
      : deltaSe((u) => mixtureWeight(u, K, c), t, cov, k);
    const mu = t[2 * c];
    const point = isPointMass(mu, t[2 * c + 1])
      ? `a point mass at ${
        Math.max(1, Math.round(Math.exp(mu)))
      } lots: its median and σ are not identified within that lot`
      : undefined;
    return {
      weight: fitted(
        inRange(w, 1e-6, 1 - 1e-6),
        wSe,
        share,
        method,
        w <= 1e-6 ? "at the model's bound: the tape does not need this component" : undefined,
      ),
      median: fitted(
        inRange(Math.exp(mu), 0.01, 1e7),
        Math.exp(mu) * se[2 * c],
        "lots",
        method,
        point,
      ),
      logSd: fitted(t[2 * c + 1], se[2 * c + 1], "log lots", method, point),
    };
  });
}

/**
 * Minimizes `nll`, the negative log-likelihood of a mixture of K log-normals in its natural
 * parameters θ ({@linkcode mixtureWeight}'s layout, then q…, probabilities after the
 * mixture's own): Nelder–Mead (restarted: it can stall) on μ, the logistic of σ within
 * [10⁻⁴, 5] (a component's σ down to 10⁻⁴: a point mass, such as a round lot of 100 shares,
 * is a component), the weights broken off a stick by logistics (w₁ = ℓ(z₁), w₂ = (1 − w₁)·ℓ(z₂),
 * …) and the logits of q; started from the EM fit of K normals to `logs` and the logits
 * `extra` of q. The components are returned by increasing median.
 */
function maximizeMixture(
  nll: (t: ArrayLike<number>) => number,
  logs: readonly number[],
  extra: readonly number[],
  K: number,
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
    for (let k = 0; k < K; k++) {
      t[2 * k] = z[2 * k];
      t[2 * k + 1] = toSigma(z[2 * k + 1]);
    }
    let left = 1;
    for (let k = 0; k < K - 1; k++) {
      t[2 * K + k] = left * logistic(z[2 * K + k]);
      left -= t[2 * K + k];
    }
    return t;
  };
  const em = kNormals(logs, K);
  const start = new Float64Array(3 * K - 1 + extra.length);
  let left = 1;
  for (let k = 0; k < K; k++) {
    start[2 * k] = em.mu[k];
    start[2 * k + 1] = fromSigma(em.sd[k]);
    if (k < K - 1) {
      const share = Math.min(0.98, Math.max(0.02, em.w[k] / Math.max(left, 1e-9)));
      start[2 * K + k] = Math.log(share / (1 - share));
      left -= em.w[k];
    }
  }
  start.set(extra, 3 * K - 1);
  const f = (z: Float64Array) => nll(natural(z));
  const iterations = 2000 * K;
  let r = minimizeNelderMead(f, start, { maxIterations: iterations });
  for (let i = 0; i < K - 1; i++) r = minimizeNelderMead(f, r.x, { maxIterations: iterations });
  const t = natural(r.x);
  // by median
  const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => t[2 * a] - t[2 * b]);
  const sorted = Float64Array.from(t);
  const w = order.map((k) => mixtureWeight(t, K, k));
  order.forEach((k, j) => {
    sorted[2 * j] = t[2 * k];
    sorted[2 * j + 1] = t[2 * k + 1];
    if (j < K - 1) sorted[2 * K + j] = w[j];
  });
  return { t: sorted, converged: r.converged };
}

/**
 * A K-component normal mixture of `l` by expectation-maximization (a start for the fit),
 * started from K groups of equal size of the sorted values.
 */
function kNormals(l: readonly number[], K: number): { mu: number[]; sd: number[]; w: number[] } {
  const sorted = [...l].sort((a, b) => a - b);
  const n = sorted.length;
  const mu: number[] = [], sd: number[] = [], w: number[] = [];
  for (let k = 0; k < K; k++) {
    const a = Math.floor(k * n / K), b = Math.max(a + 1, Math.floor((k + 1) * n / K));
    let m = 0, v = 0;
    for (let i = a; i < b; i++) m += sorted[i];
    m /= b - a;
    for (let i = a; i < b; i++) v += (sorted[i] - m) ** 2;
    mu.push(m);
    sd.push(Math.sqrt(Math.max(1e-4, v / (b - a))));
    w.push(1 / K);
  }
  const resp = new Float64Array(n * K);
  const dens = new Float64Array(K);
  for (let it = 0; it < 200; it++) {
    for (let i = 0; i < n; i++) {
      let tot = 0;
      for (let k = 0; k < K; k++) {
        dens[k] = w[k] * Math.exp(-0.5 * ((l[i] - mu[k]) / sd[k]) ** 2) / sd[k];
        tot += dens[k];
      }
      for (let k = 0; k < K; k++) resp[i * K + k] = tot > 0 ? dens[k] / tot : 1 / K;
    }
    let degenerate = false;
    for (let k = 0; k < K; k++) {
      let r = 0, a = 0;
      for (let i = 0; i < n; i++) {
        r += resp[i * K + k];
        a += resp[i * K + k] * l[i];
      }
      if (!(r > 1)) {
        degenerate = true;
        break;
      }
      mu[k] = a / r;
      let b = 0;
      for (let i = 0; i < n; i++) b += resp[i * K + k] * (l[i] - mu[k]) ** 2;
      sd[k] = Math.sqrt(Math.max(1e-4, b / r));
      w[k] = r / n;
    }
    if (degenerate) break;
  }
  return { mu, sd, w };
}

/** The mixture law's fit with K components (see {@linkcode fitMarketSizes}). */
function fitMixtureSizesK(x: SizeSample, K: number): SizeFit {
  const np = 3 * K; // θ and the sweep probability p, last
  const nll = (t: ArrayLike<number>): number => {
    const p = t[np - 1];
    if (!(validMixture(t, K) && p >= 0 && p <= 1)) return Infinity;
    return cappedNll(x, (v) => mixtureSurvival(v, t, K), p);
  };
  // the sweep probability p starts at logistic(−2)
  const { t, converged } = maximizeMixture(nll, logSizes(x), [-2], K);
  const H = hessianFromValues(nll, t, 1e-4);
  const { se, cov, pBoundary } = sizeErrors(H, t[np - 1], np, pointMassDrops(t, K, np));
  const mean = roundedMixtureMean(t, K);
  const meanSe = cov ? deltaSe((u) => roundedMixtureMean(u, K), t, cov, np) : NaN;
  const method =
    `censored maximum likelihood of the touch-capped log-normal mixture size model (${K} components by AIC)`;
  const ll = -nll(t);
  return {
    law: "lognormal-mix",
    marketMean: fitted(Math.min(1e6, Math.max(1, mean)), meanSe, "lots", method),
    marketTail: unidentified(1.5, "tail exponent", "not used by the log-normal mixture"),
    components: mixtureComponents(t, K, se, cov, np, "share of market orders", method),
    sweepProbability: sweepEstimate(t[np - 1], se[np - 1], pBoundary, method),
    ...sizeFitBase(x),
    logLikelihood: ll,
    logLikelihoods: { "lognormal-mix": ll },
    converged,
  };
}

/** The fit of smallest AIC (2·parameters(fit) − 2 ln L) among `fits`. */
function byAic<T extends { logLikelihood: number }>(fits: T[], parameters: (f: T) => number): T {
  let best = fits[0];
  const aic = (f: T) => 2 * parameters(f) - 2 * f.logLikelihood;
  for (const f of fits) if (aic(f) < aic(best)) best = f;
  return best;
}

function fitLogNormalMixtureSizes(x: SizeSample): SizeFit {
  return byAic(
    MIXTURE_COMPONENTS.map((K) => fitMixtureSizesK(x, K)),
    (f) => 3 * f.components!.length,
  );
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
 * of log-normals rounded to whole lots: P(V = v) = P(v − ½ ≤ X < v + ½) for v ≥ 2,
 * P(X < 1.5) for v = 1, X's law Σ w_k LN(μ_k, σ_k²); σ_k down to 10⁻⁴, so a round lot (half
 * of AMZN's limit orders are exactly 100 shares) is a component. K = 2, 3, 4 components
 * ({@linkcode MIXTURE_COMPONENTS}), each started from the EM fit of K normals to the log
 * sizes, the K of smallest AIC kept; the likelihood by distinct size (a tape's sizes repeat);
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
  const logs: number[] = [];
  for (const [v, c] of counts) for (let j = 0; j < c; j++) logs.push(Math.log(v));
  // θ of K components ({@linkcode mixtureWeight}'s layout), the K of smallest AIC
  const fitK = (K: number) => {
    const np = 3 * K - 1;
    const nll = (t: ArrayLike<number>): number => {
      if (!validMixture(t, K)) return Infinity;
      let ll = 0;
      for (let i = 0; i < size.length; i++) {
        const pv = mixtureSurvival(size[i] - 1, t, K) - mixtureSurvival(size[i], t, K);
        ll += count[i] * Math.log(Math.max(pv, 1e-300));
      }
      return -ll;
    };
    const { t, converged } = maximizeMixture(nll, logs, [], K);
    return { K, np, t, converged, nll, logLikelihood: -nll(t) };
  };
  const best = byAic(MIXTURE_COMPONENTS.map(fitK), (f) => f.np);
  const { K, np, t, converged, nll } = best;
  const H = hessianFromValues(nll, t, 1e-4);
  const { se, cov } = blockErrors(H, np, pointMassDrops(t, K, np));
  const meanSe = cov ? deltaSe((u) => roundedMixtureMean(u, K), t, cov, np) : NaN;
  const method = `maximum likelihood of a rounded log-normal mixture (${K} components by AIC)`;
  // the Poisson law of the same mean, for comparison: 1 + Poisson(m − 1)
  const m = sum / n - 1;
  let poissonLl = 0;
  for (let i = 0; i < size.length; i++) {
    const k = size[i] - 1;
    poissonLl += count[i] *
      (m > 0 ? k * Math.log(m) - m - logGamma(k + 1) : k === 0 ? 0 : -Infinity);
  }
  return {
    components: mixtureComponents(t, K, se, cov, np, "share of limit orders", method),
    limitMean: fitted(
      Math.min(1e6, Math.max(1, roundedMixtureMean(t, K))),
      meanSe,
      "lots",
      method,
    ),
    orders: n,
    logLikelihood: -nll(t),
    poissonLogLikelihood: poissonLl,
    converged,
  };
}

/**
 * Standard errors of a size fit's `k` natural parameters (the sweep probability `p` last)
 * from the Hessian `H` of its negative log-likelihood, with their covariance (k × k); `p`
 * at 0 or 1 has none, nor have the parameters `drop`ped (a point mass's median and σ,
 * {@linkcode pointMassDrops}), the others from their own block (the rows and columns of those
 * without, zero).
 */
function sizeErrors(H: Float64Array, p: number, k = 3, drop: readonly boolean[] = []) {
  const pBoundary = p < 1e-4 || p > 1 - 1e-4;
  const out = Array.from({ length: k }, (_, i) => (i === k - 1 && pBoundary) || drop[i] === true);
  const { se, cov } = blockErrors(H, k, out);
  return { se, cov, pBoundary };
}

/**
 * Whether the log-normal LN(μ, σ²) rounded to whole lots is a point mass: 99 % of it or more
 * in the one lot v = round(e^μ) (a round lot of 100 shares fits σ of 10⁻³ or less, the lot's
 * own width in logs 0.01). Within that lot the likelihood barely sees μ or σ (only through
 * what leaks into the neighbouring lots): a point mass has a location (a whole lot) and a
 * weight, no standard error of its median or σ.
 */
function isPointMass(mu: number, sigma: number): boolean {
  const v = Math.max(1, Math.round(Math.exp(mu)));
  const inside = normalCdf((Math.log(v + 0.5) - mu) / sigma) -
    (v > 1 ? normalCdf((Math.log(v - 0.5) - mu) / sigma) : 0);
  return inside >= 0.99;
}

/**
 * The parameters of θ (`k` of them, {@linkcode mixtureWeight}'s layout of K components) that
 * have no standard error: each point mass's median and σ ({@linkcode isPointMass}).
 */
function pointMassDrops(t: ArrayLike<number>, K: number, k: number): boolean[] {
  const drop = new Array<boolean>(k).fill(false);
  for (let c = 0; c < K; c++) {
    if (isPointMass(t[2 * c], t[2 * c + 1])) drop[2 * c] = drop[2 * c + 1] = true;
  }
  return drop;
}

/**
 * Standard errors and covariance (k × k) of the parameters of Hessian `H` (k × k) but those
 * `drop`ped, from the inverse of the rest's block; NaN errors and zero covariance for those
 * left out; no covariance (NaN errors) when the block is singular.
 */
function blockErrors(H: Float64Array, k: number, drop: readonly boolean[]) {
  const keep: number[] = [];
  for (let i = 0; i < k; i++) if (!drop[i]) keep.push(i);
  const m = keep.length;
  const se = new Array<number>(k).fill(NaN);
  if (m === 0) return { se, cov: null };
  const sub = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) sub[i * m + j] = H[keep[i] * k + keep[j]];
  const c = covarianceFromHessian(sub, m);
  if (!c.ok) return { se, cov: null };
  const s2 = standardErrors(c.cov, m);
  const cov = new Float64Array(k * k);
  for (let i = 0; i < m; i++) {
    se[keep[i]] = s2[i];
    for (let j = 0; j < m; j++) cov[keep[i] * k + keep[j]] = c.cov[i * m + j];
  }
  return { se, cov };
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
  /**
   * The touch's share as a parameter of its own (`flow.placement.touchShare`), where the fit
   * was asked for one ({@linkcode PlacementOptions}`.touchAtom`); absent otherwise.
   */
  touchAtom?: Estimate;
  /** Limit orders per second within the modelled distances (both sides). */
  rate: Estimate;
  /** Mean limit-order size, lots. */
  limitMean: Estimate;
  /** Events used. */
  events: number;
}

/** Options of {@linkcode fitPlacement}. */
export interface PlacementOptions {
  /**
   * Fit the touch's share p₀ apart (`flow.placement.touchShare`): p₀ the share of the orders
   * at distance 0, α by maximum likelihood over the distances 1 … D − 1 alone (default
   * false: one power law over 0 … D − 1).
   */
  touchAtom?: boolean;
  /**
   * The distances modelled, 0 … D − 1 ticks (default `defaults.maxDistance`, the library's
   * 40): a wider range for a book whose updates lie far behind the touch.
   */
  maxDistance?: number;
}

/** P(i) ∝ (i + 1)^(−α), i = `from` … D − 1: log-likelihood of distance counts. */
function powerLawLl(counts: Float64Array, alpha: number, from = 0): number {
  let z = 0, ll = 0, n = 0;
  for (let i = from; i < counts.length; i++) {
    z += Math.pow(i + 1, -alpha);
    ll += counts[i] * -alpha * Math.log(i + 1);
    n += counts[i];
  }
  return ll - n * Math.log(z);
}

/**
 * Fits the placement model: distances (ticks behind the same side's best, improving orders
 * at 0) of limit orders within `maxDistance` follow P(i) ∝ (i + 1)^(−α); α by maximum
 * likelihood (golden-section search on [0, 10]), its standard error from the Fisher
 * information (n·Var_α[log(i + 1)]). A tape that shows only the best level (LOBSTER level 1)
 * says nothing about deeper placement: α and the distances are then not identified (the
 * library's defaults are kept) and the rate of limit orders is the touch rate divided by
 * the share the model puts at the touch. With `options.touchAtom` the touch's share is a
 * parameter of its own, p₀ = n₀/n (binomial standard error), and α the maximum likelihood
 * of the same law over the distances 1 … D − 1 (its Fisher information over them); on a
 * level-1 tape neither is identified.
 */
export function fitPlacement(
  ev: TapeEvents,
  defaults: { alpha: number; maxDistance: number },
  options: PlacementOptions = {},
): PlacementFit {
  const seconds = ev.span[1] - ev.span[0];
  const lim = ev.limits;
  const D = options.maxDistance ?? defaults.maxDistance;
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
  // with a touch atom: the power law over the distances from 1 on
  const from = options.touchAtom && D > 1 ? 1 : 0;
  let nLaw = 0;
  for (let i = from; i < D; i++) nLaw += counts[i];
  // golden-section search of the log-likelihood on [0, 10]
  const alpha = minimizeGoldenSection((c) => -powerLawLl(counts, c, from), 0, 10);
  // Fisher information: n·Var(log(i+1)) under the fitted law
  let z = 0, m1 = 0, m2 = 0;
  for (let i = from; i < D; i++) {
    const w = Math.pow(i + 1, -alpha);
    const l = Math.log(i + 1);
    z += w;
    m1 += w * l;
    m2 += w * l * l;
  }
  m1 /= z;
  m2 /= z;
  const info = nLaw * (m2 - m1 * m1);
  const boundary = alpha < 1e-3 || alpha > 10 - 1e-3;
  const p0 = counts[0] / n;
  return {
    alpha: fitted(
      alpha,
      boundary ? NaN : 1 / Math.sqrt(info),
      "exponent",
      `maximum likelihood of P(i) ∝ (i + 1)^(−α) over distances ${from}–${
        D - 1
      } ticks behind the touch`,
      boundary ? "at the boundary of [0, 10]" : undefined,
    ),
    maxDistance: unidentified(
      D,
      "ticks",
      "a modelling choice, not a fit: orders placed deeper are left out" +
        (options.maxDistance === undefined ? " (the library default)" : ""),
    ),
    touchShare: from === 1 ? p0 : 1 / z,
    ...(from === 1
      ? {
        touchAtom: fitted(
          p0,
          Math.sqrt(p0 * (1 - p0) / n),
          "share",
          `share of the limit orders within ${D} ticks that are placed at the touch (binomial)`,
        ),
      }
      : {}),
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
