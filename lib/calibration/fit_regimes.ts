/**
 * Fit of the volatility / activity regimes (`lib/market/regimes.ts`, a continuous-time
 * Markov chain) to a tape: a hidden Markov model of the tape cut into bins of `binSeconds`.
 *
 * Each bin gives two observations: the number of market orders n and the realized variance
 * of the mid (sum of squared `returnSeconds` returns, per second), RV. Given the hidden
 * regime k, n is negative binomial with mean λ_k·Δ and a shared shape φ (the flow's own
 * clustering, the Hawkes bursts, makes counts over-dispersed within a regime); the bin has
 * no mid change with probability z_k, else log RV is Gaussian with mean m_k and a shared
 * standard deviation. The regimes follow a CTMC with generator Q; between two
 * bins the transition matrix is exp(QΔ). Everything is fitted by maximum likelihood (forward
 * algorithm, Nelder–Mead then L-BFGS on numerical gradients, parameters on log scales), the
 * number of regimes (1 … `maxStates`) by BIC. Standard errors of the rates λ_k and of the
 * transition rates from the observed information (numerical Hessian, delta method).
 *
 * The variance rate of each regime, σ_k² (ticks²/s), is the posterior-weighted mean of RV
 * (the smoothed regime probabilities as weights), with a standard error from a bootstrap
 * over blocks of bins given those weights. The book tier's regimes multiply the flow's
 * intensities (`flowMultipliers` f_k = λ_k / λ̄) and the news jumps (`volMultipliers` v_k);
 * the price's variance rate is the trade impact's share s (∝ the flow) plus the news'
 * (∝ v²), so v_k² = (σ_k²/σ̄² − s·f_k)/(1 − s), normalized so that the stationary means
 * of f and of the variance rate stay 1 (the calibrated rate and volatility are unchanged).
 * {@linkcode regimeFlowPath} gives the posterior flow multiplier of each bin (the baseline of
 * the market orders' Hawkes fit given the regimes, opt-in in `calibrate.ts`).
 *
 * Assumes: regimes shared by the flow and the volatility; within a regime, bins independent
 * given the regime. Ignores: deterministic intraday seasonality (it is absorbed by the
 * regimes), leverage. Units: seconds, ticks.
 *
 * @module
 */
import { logGamma } from "../analytics/distributions.ts";
import { ValidationError } from "../errors.ts";
import {
  MAX_REGIME_MULTIPLIER,
  MAX_REGIME_RATE,
  stationaryDistribution,
} from "../market/regimes.ts";
import { Rng } from "../rng/rng.ts";
import { type Estimate, fitted, sig, unidentified } from "./estimate.ts";
import {
  covarianceFromHessian,
  hessianFromValues,
  minimizeLbfgs,
  minimizeNelderMead,
  numericalGradient,
} from "./optimize.ts";
import { type MarketRecord, midAt } from "./record.ts";

/** A tape cut into bins: market orders and realized variance per bin. */
export interface RegimeBins {
  /** Bin length, s. */
  binSeconds: number;
  /** Market orders per bin. */
  counts: Float64Array;
  /** Realized variance of the mid per bin, ticks²/s. */
  rv: Float64Array;
  /** Index of the first bin of each segment (the chain restarts there). */
  starts: number[];
}

/**
 * Bin length of the calibration's regime fit, s: regimes held for a minute or more.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REGIME_BIN_SECONDS } from "./fit_regimes.ts";
 * assert.equal(REGIME_BIN_SECONDS, 60);
 * ```
 */
export const REGIME_BIN_SECONDS = 60;

/**
 * Cuts `records` into bins of `binSeconds` within their segments (an incomplete last bin is
 * dropped): market orders per bin and the realized variance of the mid sampled every
 * `returnSeconds`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { regimeBins } from "./fit_regimes.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const recs = simulateRecords({ duration: 60 }, { seconds: 60, seed: 1 });
 * const bins = regimeBins(recs, 10);
 * assert.equal(bins.counts.length, 6);
 * assert.ok(bins.rv.every((v) => v >= 0));
 * ```
 */
export function regimeBins(
  records: readonly MarketRecord[],
  binSeconds = 10,
  returnSeconds = 1,
): RegimeBins {
  if (!(binSeconds > 0) || !(returnSeconds > 0) || returnSeconds > binSeconds) {
    throw new ValidationError("binSeconds", binSeconds, "> 0 and >= returnSeconds");
  }
  const counts: number[] = [];
  const rv: number[] = [];
  const starts: number[] = [];
  const per = Math.round(binSeconds / returnSeconds);
  for (const r of records) {
    for (const [a, b] of r.segments) {
      const nb = Math.floor((b - a) / binSeconds + 1e-9);
      if (nb < 1) continue;
      starts.push(counts.length);
      let k = 0;
      while (k < r.moTime.length && r.moTime[k] < a) k++;
      for (let i = 0; i < nb; i++) {
        const t0 = a + i * binSeconds, t1 = t0 + binSeconds;
        let n = 0;
        while (k < r.moTime.length && r.moTime[k] < t1) {
          if (r.moTime[k] >= t0) n++;
          k++;
        }
        let s = 0;
        let prev = midAt(r, t0);
        for (let j = 1; j <= per; j++) {
          const m = midAt(r, t0 + j * returnSeconds);
          if (m === m && prev === prev) s += (m - prev) ** 2;
          if (m === m) prev = m;
        }
        counts.push(n);
        rv.push(s / binSeconds);
      }
    }
  }
  return {
    binSeconds,
    counts: Float64Array.from(counts),
    rv: Float64Array.from(rv),
    starts,
  };
}

/**
 * The matrix exponential of a small square matrix (row-major n×n), by scaling and squaring
 * of its Taylor series (the transition matrix exp(QΔ) of a generator Q).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expm } from "./fit_regimes.ts";
 * const p = expm([-1, 1, 0, 0], 2); // leave state 0 at rate 1, for 1 s
 * assert.ok(Math.abs(p[0] - Math.exp(-1)) < 1e-12 && Math.abs(p[0] + p[1] - 1) < 1e-12);
 * ```
 */
export function expm(a: ArrayLike<number>, n: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(a[i * n + j]);
    norm = Math.max(norm, s);
  }
  const sq = Math.max(0, Math.ceil(Math.log2(norm / 0.25)));
  const scale = Math.pow(2, -sq);
  const x = Float64Array.from(a, (v) => v * scale);
  const out = new Float64Array(n * n);
  let term = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = term[i * n + i] = 1;
  const mul = (p: Float64Array, q: Float64Array) => {
    const r = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const v = p[i * n + k];
        if (v !== 0) { for (let j = 0; j < n; j++) r[i * n + j] += v * q[k * n + j]; }
      }
    }
    return r;
  };
  for (let k = 1; k <= 16; k++) {
    term = mul(term, x).map((v) => v / k);
    for (let i = 0; i < n * n; i++) out[i] += term[i];
  }
  let r = out;
  for (let s = 0; s < sq; s++) r = mul(r, r);
  return r;
}

/** The hidden Markov model's parameters (see the module doc). */
export interface RegimeHmm {
  /** Number of regimes K. */
  states: number;
  /** Market orders per second in each regime, λ_k. */
  rate: number[];
  /** Negative-binomial shape φ of the counts within a regime. */
  shape: number;
  /** Mean of log(RV) in each regime (bins with a mid change). */
  logMean: number[];
  /** Standard deviation of log(RV) within a regime. */
  logSd: number;
  /** Probability of a bin without a mid change (RV = 0) in each regime. */
  still: number[];
  /** Off-diagonal transition rates per second, `rates[i][j]` (diagonal 0). */
  rates: number[][];
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/**
 * Parameters on unconstrained scales: log λ_k, log φ, m_k, log sd, logit of the still
 * probabilities, and the transition rates as (1/Δ)·logistic(z) (a regime held for less than a
 * bin is not identified by binned data).
 */
function unpack(z: ArrayLike<number>, k: number, dt: number): RegimeHmm {
  let p = 0;
  const rate = Array.from({ length: k }, () => Math.exp(z[p++]));
  const shape = Math.exp(z[p++]);
  const logMean = Array.from({ length: k }, () => z[p++]);
  const logSd = Math.exp(z[p++]);
  const still = Array.from({ length: k }, () => logistic(z[p++]));
  const rates = Array.from(
    { length: k },
    (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 0 : logistic(z[p++]) / dt)),
  );
  return { states: k, rate, shape, logMean, logSd, still, rates };
}

function pack(h: RegimeHmm, dt: number): Float64Array {
  const z: number[] = [...h.rate.map(Math.log), Math.log(h.shape), ...h.logMean];
  z.push(Math.log(h.logSd));
  for (const p of h.still) z.push(logit(Math.min(1 - 1e-9, Math.max(1e-9, p))));
  for (let i = 0; i < h.states; i++) {
    for (let j = 0; j < h.states; j++) if (i !== j) z.push(logit(h.rates[i][j] * dt));
  }
  return Float64Array.from(z);
}

/** Per-bin, per-state log emission densities (bins × K, row-major). */
function emissions(bins: RegimeBins, h: RegimeHmm): Float64Array {
  const n = bins.counts.length, k = h.states, dt = bins.binSeconds;
  const out = new Float64Array(n * k);
  const phi = h.shape;
  const lgPhi = logGamma(phi);
  const c = -0.5 * Math.log(2 * Math.PI) - Math.log(h.logSd);
  for (let i = 0; i < n; i++) {
    const x = bins.counts[i];
    const base = logGamma(x + phi) - lgPhi - logGamma(x + 1);
    const still = !(bins.rv[i] > 0);
    const y = still ? 0 : Math.log(bins.rv[i]);
    for (let s = 0; s < k; s++) {
      const mu = h.rate[s] * dt;
      const nb = base + phi * Math.log(phi / (phi + mu)) + x * Math.log(mu / (phi + mu));
      const u = (y - h.logMean[s]) / h.logSd;
      out[i * k + s] = nb +
        (still ? Math.log(h.still[s]) : Math.log1p(-h.still[s]) + c - 0.5 * u * u);
    }
  }
  return out;
}

/**
 * Log-likelihood of the model (forward algorithm with scaling, each segment started from
 * the stationary distribution); with `posterior`, also the smoothed regime probabilities.
 */
function logLikelihood(
  bins: RegimeBins,
  h: RegimeHmm,
  posterior?: Float64Array,
): number {
  const n = bins.counts.length, k = h.states;
  const e = emissions(bins, h);
  const pi = stationaryDistribution(h.rates);
  const q = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    let out = 0;
    for (let j = 0; j < k; j++) {
      if (i !== j) {
        q[i * k + j] = h.rates[i][j] * bins.binSeconds;
        out += q[i * k + j];
      }
    }
    q[i * k + i] = -out;
  }
  const p = expm(q, k);
  const alpha = new Float64Array(n * k);
  const scale = new Float64Array(n);
  let ll = 0;
  let seg = 0;
  for (let i = 0; i < n; i++) {
    const start = seg < bins.starts.length && bins.starts[seg] === i;
    if (start) seg++;
    let mx = -Infinity;
    for (let s = 0; s < k; s++) mx = Math.max(mx, e[i * k + s]);
    let tot = 0;
    for (let s = 0; s < k; s++) {
      let prior = 0;
      if (start || i === 0) prior = pi[s];
      else for (let r = 0; r < k; r++) prior += alpha[(i - 1) * k + r] * p[r * k + s];
      const v = prior * Math.exp(e[i * k + s] - mx);
      alpha[i * k + s] = v;
      tot += v;
    }
    if (!(tot > 0)) return -Infinity;
    for (let s = 0; s < k; s++) alpha[i * k + s] /= tot;
    scale[i] = tot;
    ll += Math.log(tot) + mx;
  }
  if (posterior !== undefined) {
    // backward pass (scaled), smoothed probabilities γ = α·β
    const beta = new Float64Array(k).fill(1);
    const next = new Float64Array(k);
    const starts = new Set(bins.starts);
    for (let i = n - 1; i >= 0; i--) {
      let tot = 0;
      for (let s = 0; s < k; s++) tot += alpha[i * k + s] * beta[s];
      for (let s = 0; s < k; s++) posterior[i * k + s] = alpha[i * k + s] * beta[s] / tot;
      if (i === 0) break;
      if (starts.has(i)) {
        beta.fill(1);
        continue;
      }
      let mx = -Infinity;
      for (let s = 0; s < k; s++) mx = Math.max(mx, e[i * k + s]);
      let z = 0;
      for (let r = 0; r < k; r++) {
        let v = 0;
        for (let s = 0; s < k; s++) v += p[r * k + s] * Math.exp(e[i * k + s] - mx) * beta[s];
        next[r] = v;
        z += v;
      }
      for (let r = 0; r < k; r++) beta[r] = next[r] / z;
    }
  }
  return ll;
}

/** The fitted regimes (see the module doc). */
export interface RegimeFit {
  /** Number of regimes chosen by BIC. */
  states: number;
  /** The hidden Markov model at the maximum likelihood (regimes ordered by volatility). */
  hmm: RegimeHmm;
  /** Stationary probability of each regime. */
  stationary: number[];
  /** Market orders per second in each regime. */
  orderRate: Estimate[];
  /** Variance rate of the mid in each regime, ticks²/s. */
  varianceRate: Estimate[];
  /** Exit rate of each regime, per second (1 / mean holding time). */
  exitRate: Estimate[];
  /** Log-likelihood and BIC of each number of regimes tried (index K − 1). */
  logLikelihood: number[];
  /** BIC of each number of regimes tried. */
  bic: number[];
  /** Bins used. */
  bins: number;
}

function initial(bins: RegimeBins, k: number, eps: number): RegimeHmm {
  const n = bins.counts.length;
  const ys = Array.from(bins.rv, (v) => Math.log(v + eps));
  const still: number[] = [];
  const order = ys.map((_, i) => i).sort((a, b) => ys[a] - ys[b]);
  const rate: number[] = [], logMean: number[] = [];
  let within = 0;
  for (let s = 0; s < k; s++) {
    const idx = order.slice(Math.floor((s * n) / k), Math.floor(((s + 1) * n) / k));
    const moved = idx.filter((i) => bins.rv[i] > 0);
    still.push(Math.min(0.99, Math.max(0.01, 1 - moved.length / idx.length)));
    const m = moved.length ? moved.reduce((a, i) => a + ys[i], 0) / moved.length : Math.log(eps);
    logMean.push(m);
    within += moved.reduce((a, i) => a + (ys[i] - m) ** 2, 0);
    rate.push(
      Math.max(1e-3, idx.reduce((a, i) => a + bins.counts[i], 0) / idx.length / bins.binSeconds),
    );
  }
  const logSd = Math.max(0.05, Math.sqrt(within / n));
  const hold = 30 * bins.binSeconds;
  const rates = Array.from(
    { length: k },
    (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 0 : 1 / (hold * (k - 1)))),
  );
  return { states: k, rate, shape: 2, logMean, logSd, still, rates };
}

/**
 * Fits hidden Markov models of 1 … `maxStates` regimes to `bins` and keeps the one of
 * smallest BIC (see the module doc). Needs at least 100 bins.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitRegimes, type RegimeBins } from "./fit_regimes.ts";
 * import { Rng } from "../rng/rng.ts";
 * // 600 bins of 10 s: 300 calm (1 order/s), then 300 busy (4 orders/s, 9× the variance)
 * const rng = new Rng(1);
 * const n = 600, counts = new Float64Array(n), rv = new Float64Array(n);
 * for (let i = 0; i < n; i++) {
 *   const busy = i >= 300;
 *   counts[i] = rng.poisson(busy ? 40 : 10);
 *   rv[i] = (busy ? 9 : 1) * Math.exp(0.3 * rng.normal());
 * }
 * const fit = fitRegimes({ binSeconds: 10, counts, rv, starts: [0] }, 2);
 * assert.equal(fit.states, 2);
 * assert.ok(Math.abs(fit.orderRate[1].value - 4) < 0.3);
 * ```
 */
export function fitRegimes(bins: RegimeBins, maxStates = 3): RegimeFit {
  const n = bins.counts.length;
  if (n < 100) throw new ValidationError("bins", n, "at least 100 bins");
  let meanRv = 0;
  for (let i = 0; i < n; i++) meanRv += bins.rv[i] / n;
  const eps = Math.max(1e-12, 0.01 * meanRv);
  const dt = bins.binSeconds;
  const lls: number[] = [], bics: number[] = [];
  let best: { k: number; z: Float64Array; bic: number } | null = null;
  for (let k = 1; k <= maxStates; k++) {
    const f = (z: Float64Array) => {
      const v = -logLikelihood(bins, unpack(z, k, dt));
      return Number.isFinite(v) ? v : 1e300;
    };
    let r = minimizeNelderMead(f, pack(initial(bins, k, eps), dt), { maxIterations: 4000 });
    r = minimizeNelderMead(f, r.x, { maxIterations: 4000 });
    const g = (z: Float64Array, grad: Float64Array) => {
      const v = f(z);
      grad.set(numericalGradient(f, z));
      return v;
    };
    const lb = minimizeLbfgs(g, r.x, { maxIterations: 200 });
    const z = lb.value <= r.value ? lb.x : r.x;
    const ll = -f(z);
    const params = z.length;
    const bic = -2 * ll + params * Math.log(n);
    lls.push(ll);
    bics.push(bic);
    if (best === null || bic < best.bic) best = { k, z: Float64Array.from(z), bic };
  }
  const k = best!.k;
  // order the regimes by volatility (the label is arbitrary)
  const raw = unpack(best!.z, k, dt);
  const perm = raw.logMean.map((_, i) => i).sort((a, b) => raw.logMean[a] - raw.logMean[b]);
  const hmm: RegimeHmm = {
    states: k,
    rate: perm.map((i) => raw.rate[i]),
    shape: raw.shape,
    logMean: perm.map((i) => raw.logMean[i]),
    logSd: raw.logSd,
    still: perm.map((i) => raw.still[i]),
    rates: perm.map((i) => perm.map((j) => raw.rates[i][j])),
  };
  const z = pack(hmm, dt);
  // observed information over the parameters away from their bounds (a regime held for at
  // most a bin, a still probability near 0 or 1: fixed there, reported without a standard
  // error)
  const free: number[] = [];
  for (let i = 0; i < z.length; i++) {
    const bounded = i >= 2 * k + 2; // still probabilities and transition rates: logistic
    if (!bounded || Math.abs(z[i]) < 12) free.push(i);
  }
  const full = Float64Array.from(z);
  const f = (x: Float64Array) => {
    for (let q = 0; q < free.length; q++) full[free[q]] = x[q];
    return -logLikelihood(bins, unpack(full, k, dt));
  };
  const zf = Float64Array.from(free, (i) => z[i]);
  const cov = covarianceFromHessian(hessianFromValues(f, zf, 1e-3), free.length);
  const covAt = (i: number, j: number) => {
    const a = free.indexOf(i), b = free.indexOf(j);
    return cov.ok && a >= 0 && b >= 0 ? cov.cov[a * free.length + b] : NaN;
  };
  const sd = (i: number) => Math.sqrt(Math.max(0, covAt(i, i)));
  const method =
    `hidden Markov model of ${bins.binSeconds}-s bins (negative-binomial market-order counts, ` +
    `log-normal realized variance), maximum likelihood, ${k} regime(s) by BIC`;
  const orderRate = hmm.rate.map((v, s) =>
    fitted(v, v * sd(s), "market orders per second", `${method}; observed information`)
  );
  // exit rates: sum of the row's rates, delta method on the log-rates
  const offBase = 3 * k + 2;
  // (a rate at its bound is held there: it adds nothing to the variance, and the note says so;
  // a row whose every rate is at a bound has no standard error)
  const exitRate = hmm.rates.map((row, i) => {
    let v = 0, var2 = 0, held = 0;
    let p = offBase + i * (k - 1);
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      v += row[j];
      if (!free.includes(p)) held++;
      for (let jj = 0, pp = offBase + i * (k - 1); jj < k; jj++) {
        if (jj === i) continue;
        // d rate / d z = rate·(1 − rate·Δ) (logistic scale)
        const dj = row[j] * (1 - row[j] * dt), djj = row[jj] * (1 - row[jj] * dt);
        if (free.includes(p) && free.includes(pp)) var2 += dj * djj * covAt(p, pp);
        pp++;
      }
      p++;
    }
    const all = held === k - 1;
    const se = k > 1 && !all && var2 >= 0 ? Math.sqrt(var2) : NaN;
    const note = held === 0
      ? undefined
      : all
      ? "every transition rate out of this regime at a bound (at most one bin, or none): no standard error"
      : `${held} of its transition rates at a bound (at most one bin, or none), held there`;
    return fitted(v, se, "per second", method, note);
  });
  const post = new Float64Array(n * k);
  logLikelihood(bins, hmm, post);
  const varianceRate = posteriorMeans(bins, post, k).map((v) =>
    fitted(
      v.mean,
      v.se,
      "ticks² per second",
      `posterior-weighted mean realized variance of the regime (${method}); block bootstrap`,
    )
  );
  const stationary = Array.from(stationaryDistribution(hmm.rates));
  return {
    states: k,
    hmm,
    stationary,
    orderRate,
    varianceRate,
    exitRate,
    logLikelihood: lls,
    bic: bics,
    bins: n,
  };
}

function posteriorMeans(
  bins: RegimeBins,
  post: Float64Array,
  k: number,
): { mean: number; se: number }[] {
  const n = bins.counts.length;
  const block = 30;
  const nb = Math.ceil(n / block);
  const sw = new Float64Array(nb * k), sx = new Float64Array(nb * k);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(i / block);
    for (let s = 0; s < k; s++) {
      sw[b * k + s] += post[i * k + s];
      sx[b * k + s] += post[i * k + s] * bins.rv[i];
    }
  }
  const rng = new Rng("regime-variance");
  const reps: number[][] = Array.from({ length: k }, () => []);
  for (let r = 0; r < 200; r++) {
    const w = new Float64Array(k), x = new Float64Array(k);
    for (let i = 0; i < nb; i++) {
      const b = rng.int(nb);
      for (let s = 0; s < k; s++) {
        w[s] += sw[b * k + s];
        x[s] += sx[b * k + s];
      }
    }
    for (let s = 0; s < k; s++) if (w[s] > 0) reps[s].push(x[s] / w[s]);
  }
  return Array.from({ length: k }, (_, s) => {
    let w = 0, x = 0;
    for (let b = 0; b < nb; b++) {
      w += sw[b * k + s];
      x += sx[b * k + s];
    }
    const v = reps[s];
    const m = v.reduce((a, c) => a + c, 0) / v.length;
    const se = Math.sqrt(v.reduce((a, c) => a + (c - m) ** 2, 0) / Math.max(1, v.length - 1));
    return { mean: w > 0 ? x / w : NaN, se };
  });
}

/**
 * The book tier's `regimes` config of a fit (see the module doc): names, flow and volatility
 * multipliers normalized to stationary mean 1, transition rates, a stationary start.
 * `impactShare` is the share of the price's variance due to trade impact. `strength` c in
 * [0, 1] (default 1) shrinks each regime's order rate and variance rate toward their
 * stationary means, λ̄ + c·(λ_k − λ̄) and σ̄² + c·(σ_k² − σ̄²), holding times unchanged: c = 0
 * is one regime in effect ({@linkcode fitRegimeStrength} estimates it). `impactScaled`
 * (default false) inverts the variance rates as the fundamental (`fundamental.ts`) applies
 * them, its volatility multiplier scaling every trade's impact too: the model's variance rate
 * in regime k is v_k²·(s·f_k + 1 − s), so v_k² = (σ_k²/σ̄²)/(s·f_k + 1 − s); without it
 * v_k² = (σ_k²/σ̄² − s·f_k)/(1 − s), normalized to stationary mean 1 (the shipped presets').
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { regimeConfigFromFit, type RegimeFit } from "./fit_regimes.ts";
 * const e = (value: number) => ({ value, se: 0, unit: "", method: "", status: "fit" as const });
 * const fit = {
 *   states: 2, stationary: [0.5, 0.5], orderRate: [e(1), e(3)], varianceRate: [e(1), e(3)],
 *   hmm: { rates: [[0, 0.01], [0.01, 0]] },
 * } as unknown as RegimeFit;
 * const cfg = regimeConfigFromFit(fit, 0);
 * assert.deepEqual(cfg.flowMultipliers, [0.5, 1.5]);
 * assert.ok(Math.abs(0.5 * cfg.volMultipliers[0] ** 2 + 0.5 * cfg.volMultipliers[1] ** 2 - 1) < 1e-9);
 * ```
 */
export function regimeConfigFromFit(
  fit: RegimeFit,
  impactShare: number,
  strength = 1,
  impactScaled = false,
): {
  names: string[];
  volMultipliers: number[];
  flowMultipliers: number[];
  rates: number[][];
  initial: "stationary";
} {
  const k = fit.states;
  const pi = fit.stationary;
  const lbar = fit.orderRate.reduce((a, e, s) => a + pi[s] * e.value, 0);
  const vbar = fit.varianceRate.reduce((a, e, s) => a + pi[s] * e.value, 0);
  const share = Math.min(0.95, Math.max(0, impactShare));
  const c = Math.min(1, Math.max(0, strength));
  const flow = fit.orderRate.map((e) => (lbar + c * (e.value - lbar)) / lbar);
  // impactScaled: the model's variance rate in regime s is v²·(share·f + 1 − share)
  const load = (s: number) => impactScaled ? share * flow[s] + 1 - share : 1;
  const v2 = fit.varianceRate.map((e, s) => {
    const ratio = (vbar + c * (e.value - vbar)) / vbar;
    return Math.max(0, impactScaled ? ratio / load(s) : (ratio - share * flow[s]) / (1 - share));
  });
  const m2 = v2.reduce((a, v, s) => a + pi[s] * v * load(s), 0);
  const vol = v2.map((v) => Math.sqrt(m2 > 0 ? v / m2 : 1));
  const names = k === 1
    ? ["calibrated"]
    : k === 2
    ? ["calm", "active"]
    : k === 3
    ? ["calm", "normal", "active"]
    : Array.from({ length: k }, (_, s) => `regime${s}`);
  return {
    names,
    volMultipliers: vol,
    flowMultipliers: flow,
    rates: fit.hmm.rates.map((r) => r.map((v) => v)),
    initial: "stationary",
  };
}

/**
 * The regimes' config for a preset: {@linkcode regimeConfigFromFit}'s, its multipliers and
 * rates rounded to four significant digits, and any beyond the model's range (e.g. an order
 * rate 86 times the mean in a tape whose activity grows all day) set to the model's bound
 * (`MAX_REGIME_MULTIPLIER`, `MAX_REGIME_RATE`), each such passed to `onCap` with what it is
 * (the caller says it once).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAX_REGIME_RATE } from "../market/regimes.ts";
 * import { type RegimeFit, regimePresetConfig } from "./fit_regimes.ts";
 * const e = (value: number) => ({ value, se: 0, unit: "", method: "", status: "fit" as const });
 * const fit = {
 *   states: 2, stationary: [0.5, 0.5], orderRate: [e(1), e(3)], varianceRate: [e(1), e(3)],
 *   hmm: { rates: [[0, 1e9], [0.01, 0]] },
 * } as unknown as RegimeFit;
 * const capped: string[] = [];
 * const cfg = regimePresetConfig(fit, 0, 1, false, (what) => capped.push(what));
 * assert.deepEqual(cfg.rates, [[0, MAX_REGIME_RATE], [0.01, 0]]);
 * assert.deepEqual(capped, ["transition rate (/s)"]);
 * ```
 */
export function regimePresetConfig(
  fit: RegimeFit,
  impactShare: number,
  strength: number,
  impactScaled: boolean,
  onCap: (what: string, value: number, max: number) => void,
): {
  names: string[];
  volMultipliers: number[];
  flowMultipliers: number[];
  rates: number[][];
  initial: "stationary";
} {
  const c = regimeConfigFromFit(fit, impactShare, strength, impactScaled);
  const cap = (v: number, max: number, what: string) => {
    if (!(v > max)) return sig(v);
    onCap(what, v, max);
    return max;
  };
  return {
    ...c,
    volMultipliers: c.volMultipliers.map((v) =>
      cap(v, MAX_REGIME_MULTIPLIER, "volatility multiplier")
    ),
    flowMultipliers: c.flowMultipliers.map((v) => cap(v, MAX_REGIME_MULTIPLIER, "flow multiplier")),
    rates: c.rates.map((r) => r.map((v) => cap(v, MAX_REGIME_RATE, "transition rate (/s)"))),
  };
}

/**
 * The regimes' config with every transition rate multiplied by `scale` (their durations
 * divided by it; the multipliers and the stationary distribution unchanged), rounded to four
 * significant digits and at most `MAX_REGIME_RATE`; `scale` 1: the config itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scaleRegimeRates } from "./fit_regimes.ts";
 * const r = { names: ["calm", "active"], volMultipliers: [0.5, 1.5], flowMultipliers: [0.5, 1.5], rates: [[0, 0.01], [0.02, 0]], initial: "stationary" };
 * assert.equal(scaleRegimeRates(r, 1), r);
 * assert.deepEqual(scaleRegimeRates(r, 10).rates, [[0, 0.1], [0.2, 0]]);
 * assert.deepEqual(scaleRegimeRates(r, 1e5).rates, [[0, 100], [100, 0]]); // the model's bound
 * ```
 */
export function scaleRegimeRates(
  regimes: Record<string, unknown>,
  scale: number,
): Record<string, unknown> {
  if (scale === 1) return regimes;
  const rates = regimes.rates as number[][];
  return {
    ...regimes,
    rates: rates.map((row) => row.map((v) => Math.min(MAX_REGIME_RATE, sig(v * scale)))),
  };
}

/**
 * The regime fit's estimates, written into `est`: `regimes` (the number of states), each
 * state's order rate and variance rate and, with more than one state, its exit rate; without
 * a fit (`fit` null: fewer than 100 bins of the tape, `bins`), a single regime, not
 * identified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Estimate } from "./estimate.ts";
 * import { regimeEstimates } from "./fit_regimes.ts";
 * const est: Record<string, Estimate> = {};
 * regimeEstimates(null, 40, est);
 * assert.equal(est["regimes"].value, 1);
 * assert.equal(est["regimes"].status, "not identified");
 * ```
 */
export function regimeEstimates(
  fit: RegimeFit | null,
  bins: number,
  est: Record<string, Estimate>,
): void {
  if (fit === null) {
    est["regimes"] = unidentified(
      1,
      "regimes",
      `a single regime: ${bins} bins of ${REGIME_BIN_SECONDS} s (the regime fit needs 100)`,
    );
    return;
  }
  est["regimes"] = fitted(
    fit.states,
    NaN,
    "regimes",
    `${fit.orderRate[0].method}`,
    "a number of regimes chosen by BIC (a model choice): no standard error; fitQuality.regimes has each number's BIC",
  );
  fit.orderRate.forEach((e, s) => est[`regimes.orderRate.${s}`] = e);
  fit.varianceRate.forEach((e, s) => est[`regimes.varianceRate.${s}`] = e);
  if (fit.states > 1) fit.exitRate.forEach((e, s) => est[`regimes.exitRate.${s}`] = e);
}

/**
 * Posterior-weighted mean market orders per second and realized variance (ticks²/s) of each
 * regime of `hmm` in `bins` (the smoothed regime probabilities of that model as weights): the
 * auxiliary statistic of the regime fit, for comparing a simulation with the tape under the
 * same model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { regimePosteriorMeans, type RegimeHmm } from "./fit_regimes.ts";
 * const hmm: RegimeHmm = {
 *   states: 1, rate: [1], shape: 2, logMean: [0], logSd: 1, still: [0.1], rates: [[0]],
 * };
 * const bins = { binSeconds: 10, counts: Float64Array.of(5, 15), rv: Float64Array.of(1, 3), starts: [0] };
 * const m = regimePosteriorMeans(bins, hmm);
 * assert.deepEqual(m, { orderRate: [1], varianceRate: [2] });
 * ```
 */
export function regimePosteriorMeans(
  bins: RegimeBins,
  hmm: RegimeHmm,
): { orderRate: number[]; varianceRate: number[] } {
  const n = bins.counts.length, k = hmm.states;
  const post = new Float64Array(n * k);
  logLikelihood(bins, hmm, post);
  const w = new Float64Array(k), c = new Float64Array(k), v = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < k; s++) {
      const p = post[i * k + s];
      w[s] += p;
      c[s] += p * bins.counts[i];
      v[s] += p * bins.rv[i];
    }
  }
  return {
    orderRate: Array.from(w, (ws, s) => c[s] / ws / bins.binSeconds),
    varianceRate: Array.from(w, (ws, s) => v[s] / ws),
  };
}

/**
 * The posterior mean flow multiplier of each bin, Σ_k P(regime k | tape)·f_k with
 * f_k = λ_k / λ̄ (stationary mean 1), from the smoothed regime probabilities of `fit`: the
 * regimes' modulation of the flow's baseline, for the Hawkes fit given the regimes (so the
 * kernel does not count the regimes' clustering again).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitRegimes, regimeFlowPath } from "./fit_regimes.ts";
 * // 60 calm bins (6 orders) then 60 active ones (30 orders), realized variance alike
 * const counts = Float64Array.from({ length: 120 }, (_, i) => (i < 60 ? 6 : 30) + (i % 3) - 1);
 * const rv = Float64Array.from({ length: 120 }, (_, i) => (i < 60 ? 1 : 4) * (1 + 0.1 * (i % 4)));
 * const bins = { binSeconds: 60, counts, rv, starts: [0] };
 * const fit = fitRegimes(bins, 2);
 * const f = regimeFlowPath(bins, fit);
 * assert.equal(f.length, 120);
 * assert.ok(f[0] < 0.5 && f[119] > 1.5);
 * ```
 */
export function regimeFlowPath(bins: RegimeBins, fit: RegimeFit): Float64Array {
  const n = bins.counts.length, k = fit.states;
  const out = new Float64Array(n).fill(1);
  if (k === 1) return out;
  const post = new Float64Array(n * k);
  logLikelihood(bins, fit.hmm, post);
  const lbar = fit.hmm.rate.reduce((a, r, s) => a + fit.stationary[s] * r, 0);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let s = 0; s < k; s++) m += post[i * k + s] * fit.hmm.rate[s] / lbar;
    out[i] = m;
  }
  return out;
}

/** Result of {@linkcode testRegimes}. */
export interface RegimeTest {
  /** Regimes kept: the fit's number when the test rejects one regime, else 1. */
  states: number;
  /** The tape's likelihood-ratio statistic 2·(log L_K − log L_1), K the fit's regimes. */
  statistic: number;
  /** The same statistic on each replicate simulated without regimes. */
  replicates: number[];
  /** Bootstrap p-value (1 + #{replicate ≥ statistic}) / (1 + replicates). */
  pValue: number;
  /** Level of the test. */
  level: number;
}

/**
 * Parametric bootstrap likelihood-ratio test of the number of regimes (McLachlan 1987, "On
 * bootstrapping the likelihood ratio test statistic for the number of components in a normal
 * mixture"): is the tape's evidence for K regimes (`fit.states`, chosen by BIC) more than a
 * market **without** regimes produces? The statistic 2·(log L_K − log L_1) of the tape is
 * compared with the same statistic fitted on `nullBins(r)`, r = 0 … `replicates` − 1: bins of
 * tapes simulated from the calibrated model with a single regime. The flow's own clustering
 * (a Hawkes kernel with a slow component and a branching ratio near 1) makes counts and
 * realized variance over-dispersed and persistent from bin to bin, which a hidden Markov
 * model reads as regimes; BIC alone, which compares against independent bins, cannot tell
 * the two apart. Keeps K when p ≤ `level`, else one regime.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitRegimes, type RegimeBins, testRegimes } from "./fit_regimes.ts";
 * import { Rng } from "../rng/rng.ts";
 * // two regimes held for 100 bins each, against a null of one (Poisson counts, one variance)
 * const bins = (seed: number, two: boolean): RegimeBins => {
 *   const rng = new Rng(seed), n = 400, counts = new Float64Array(n), rv = new Float64Array(n);
 *   for (let i = 0; i < n; i++) {
 *     const busy = two && Math.floor(i / 100) % 2 === 1;
 *     counts[i] = rng.poisson(busy ? 40 : 10);
 *     rv[i] = (busy ? 9 : 1) * Math.exp(0.3 * rng.normal());
 *   }
 *   return { binSeconds: 10, counts, rv, starts: [0] };
 * };
 * const fit = fitRegimes(bins(1, true), 2);
 * const t = testRegimes(fit, (r) => bins(100 + r, false), 4, 0.2);
 * assert.equal(t.states, 2);
 * assert.ok(t.replicates.every((lr) => lr < t.statistic) && t.pValue === 0.2);
 * ```
 */
export function testRegimes(
  fit: RegimeFit,
  nullBins: (replicate: number) => RegimeBins,
  replicates = 19,
  level = 0.05,
): RegimeTest {
  const k = fit.states;
  const lr = (ll: number[]) => 2 * (ll[k - 1] - ll[0]);
  const statistic = k > 1 ? lr(fit.logLikelihood) : 0;
  if (k === 1) return { states: 1, statistic, replicates: [], pValue: 1, level };
  const null_: number[] = [];
  for (let r = 0; r < replicates; r++) {
    const b = nullBins(r);
    null_.push(b.counts.length >= 100 ? lr(fitRegimes(b, k).logLikelihood) : NaN);
  }
  const ok = null_.filter((v) => Number.isFinite(v));
  const pValue = (1 + ok.filter((v) => v >= statistic).length) / (1 + ok.length);
  return { states: pValue <= level ? k : 1, statistic, replicates: null_, pValue, level };
}

/** Result of {@linkcode fitRegimeStrength}. */
export interface RegimeStrengthFit {
  /** The strength ĉ in [0, 1] (0: the regimes add nothing to the flow's clustering). */
  strength: number;
  /** Its standard error (delta method; NaN at a bound). */
  se: number;
  /** Each strength simulated and the mean statistic there. */
  path: { strength: number; statistic: number }[];
  /** The fitted curve a + b·c + d·c² of the statistic in c. */
  curve: [number, number, number];
}

/**
 * Indirect inference (Gouriéroux, Monfort & Renault 1993) of the regimes' strength c: the
 * hidden Markov model is the auxiliary model and its likelihood-ratio statistic
 * 2·(log L_K − log L_1) the auxiliary statistic. `points` holds the statistic of tapes
 * simulated from a market with its own clustering (the Hawkes flow) and regimes of strength
 * c ({@linkcode regimeConfigFromFit}); `simulate(c)` gives more at each c of `grid` (the same
 * seeds for every c: common random numbers). A quadratic a + b·c + d·c² is fitted to all of
 * them by least squares and ĉ solves a + b·ĉ + d·ĉ² = `statistic` (the tape's) on [0, 1]:
 * ĉ = 0 when the market without regimes already shows the tape's evidence, 1 when the full
 * regimes show less. Standard error by the delta method, from the coefficients' covariance
 * and the tape statistic's own sampling variance (the residual variance).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitRegimeStrength } from "./fit_regimes.ts";
 * // a statistic 100 + 200c² (± 10 over the replicates)
 * const fit = fitRegimeStrength(150, (c) => [90 + 200 * c * c, 110 + 200 * c * c]);
 * assert.ok(Math.abs(fit.strength - 0.5) < 1e-6);
 * assert.ok(fit.se > 0.03 && fit.se < 0.2);
 * ```
 */
export function fitRegimeStrength(
  statistic: number,
  simulate: (strength: number) => number[],
  grid: readonly number[] = [0, 0.25, 0.5, 0.75, 1],
  points: readonly { strength: number; statistic: number }[] = [],
): RegimeStrengthFit {
  const xs: number[] = [], ys: number[] = [];
  for (const p of points) {
    if (Number.isFinite(p.statistic)) {
      xs.push(p.strength);
      ys.push(p.statistic);
    }
  }
  const path: { strength: number; statistic: number }[] = [];
  for (const c of grid) {
    const v = simulate(c).filter((x) => Number.isFinite(x));
    v.forEach((y) => {
      xs.push(c);
      ys.push(y);
    });
    path.push({ strength: c, statistic: v.reduce((a, x) => a + x, 0) / Math.max(1, v.length) });
  }
  const n = xs.length;
  if (n < 4) throw new ValidationError("strength points", n, "at least 4 simulated statistics");
  // least squares of y on (1, c, c²): normal equations, 3×3 inverse
  const xtx = new Float64Array(9), xty = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    const r = [1, xs[i], xs[i] * xs[i]];
    for (let j = 0; j < 3; j++) {
      xty[j] += r[j] * ys[i];
      for (let k = 0; k < 3; k++) xtx[j * 3 + k] += r[j] * r[k];
    }
  }
  const inv = invert3(xtx);
  const coef = [0, 1, 2].map((j) =>
    inv[j * 3] * xty[0] + inv[j * 3 + 1] * xty[1] + inv[j * 3 + 2] * xty[2]
  );
  const [a, b, d] = coef;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (ys[i] - a - b * xs[i] - d * xs[i] * xs[i]) ** 2;
  const s2 = rss / Math.max(1, n - 3);
  const f = (c: number) => a + b * c + d * c * c;
  const curve: [number, number, number] = [a, b, d];
  if (f(0) >= statistic) return { strength: 0, se: NaN, path, curve };
  if (f(1) <= statistic) return { strength: 1, se: NaN, path, curve };
  let lo = 0, hi = 1;
  for (let i = 0; i < 60; i++) {
    const m = (lo + hi) / 2;
    if (f(m) < statistic) lo = m;
    else hi = m;
  }
  const c = (lo + hi) / 2;
  const slope = b + 2 * d * c;
  // delta method: ĉ(a, b, d, S); ∂ĉ/∂θ = −(1, c, c²)/slope, ∂ĉ/∂S = 1/slope
  const g = [1, c, c * c];
  let v = s2; // the tape statistic's own sampling variance
  for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) v += g[j] * g[k] * s2 * inv[j * 3 + k];
  return { strength: c, se: slope > 0 ? Math.sqrt(v) / slope : NaN, path, curve };
}

/** Inverse of a 3×3 matrix (row-major) by cofactors. */
function invert3(m: Float64Array): Float64Array {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 0)) {
    throw new ValidationError("strength design", det, "a non-singular design");
  }
  return Float64Array.of(
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  );
}
