/**
 * Fit of the metaorder sign model (`lib/market/trade_signs.ts`, Lillo–Mike–Farmer) to the
 * autocorrelation of market-order signs, and a linear sign forecast for the impact fit.
 *
 * The model's C(ℓ) is known exactly ({@linkcode metaorderSignAutocorrelation}). The
 * number of metaorders N (an integer), the length tail a, the smallest length and the
 * persistence ρ (the probability that an order comes from the same metaorder as the previous
 * one: the first lags' order splitting) are fitted by weighted least squares of C(ℓ) at lags
 * 1 … 100 (log-spaced), weights from the block-bootstrap standard errors of the sample
 * autocorrelation (floored, see the model choice below); N by profiling (every N from 2 to
 * 24: with one metaorder the next sign is known, its surprise is 0 and trades could not move
 * the price), the three others by Nelder–Mead for each N. Observed signs mix in informed
 * orders, whose signs are independent of the flow: the model's C(ℓ) is scaled by (1 − s)², s
 * the informed share of market orders. Standard errors of a, the smallest length and ρ from
 * the Gauss–Newton information (JᵀWJ); N's range is the set of N whose best weighted SSE is
 * within 4 (≈ 2 standard errors) of the minimum.
 *
 * Model choice: independent signs (`kind: "iid"`, C(ℓ) = 0) are the alternative. The two are
 * scored by the same weighted sum of squares plus twice the number of fitted parameters (an
 * AIC for Gaussian residuals of known variance: 0 for independent signs, 4 for N, a, the
 * smallest length and ρ); independent signs are chosen when theirs is at most the metaorder
 * model's. A tape without sign memory (a zero-intelligence market, prints aggregated over long
 * intervals) then gets the fair coin instead of the metaorder model's smallest memory (C(1) ≈
 * 0.02 for 24 metaorders of length about 1). The weights (of the fit and of the choice) floor
 * each bootstrap standard error at the one independent signs have, 1/√(n − ℓ): a bootstrap
 * over a dozen blocks (a half-hour tape) often under-states it, which doubled the χ² of an
 * independent sequence (40 against Σz² = 20 over 13 lags) and chose the metaorders.
 *
 * @module
 */
import { metaorderSignAutocorrelation, tradeSignConfigSchema } from "../market/trade_signs.ts";
import { Rng } from "../rng/rng.ts";
import { InsufficientDataError } from "./errors.ts";
import { type Estimate, fitted, sig, unidentified } from "./estimate.ts";
import { covarianceFromHessian, minimizeNelderMead, standardErrors } from "./optimize.ts";
import type { MarketRecord } from "./record.ts";
import { maxOf, minOf } from "../analytics/extent.ts";

/** Lags of the sign fit (market orders). */
export const SIGN_FIT_LAGS: readonly number[] = [1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 70, 100];

/** The sample autocorrelation of market-order signs with block-bootstrap standard errors. */
export interface SignAutocorrelation {
  /** Lags (orders). */
  lags: number[];
  /** C(ℓ). */
  c: number[];
  /** Standard errors. */
  se: number[];
  /** Orders. */
  orders: number;
}

/**
 * C(ℓ) of the signs of `records` (pairs within a record only), with standard errors from a
 * bootstrap over blocks of `blockOrders` consecutive orders.
 */
export function signAutocorrelation(
  records: readonly MarketRecord[],
  lags: readonly number[] = SIGN_FIT_LAGS,
  blockOrders = 500,
  resamples = 200,
): SignAutocorrelation {
  const L = lags.length;
  const size = 2 + 2 * L;
  const blocks: Float64Array[] = [];
  let orders = 0;
  for (const r of records) {
    const s = r.moSign;
    orders += s.length;
    for (let b0 = 0; b0 < s.length; b0 += blockOrders) {
      const st = new Float64Array(size);
      for (let i = b0; i < Math.min(s.length, b0 + blockOrders); i++) {
        st[0] += s[i];
        st[1]++;
        for (let l = 0; l < L; l++) {
          const j = i + lags[l];
          if (j >= s.length) continue;
          st[2 + 2 * l] += s[i] * s[j];
          st[3 + 2 * l]++;
        }
      }
      blocks.push(st);
    }
  }
  if (orders < 200) {
    throw new InsufficientDataError("trade signs", "at least 200 market orders", `${orders}`);
  }
  const value = (sum: Float64Array) => {
    const m = sum[0] / sum[1];
    return lags.map((_, l) => (sum[2 + 2 * l] / sum[3 + 2 * l] - m * m) / (1 - m * m));
  };
  const total = new Float64Array(size);
  for (const b of blocks) for (let j = 0; j < size; j++) total[j] += b[j];
  const c = value(total);
  const rng = new Rng("sign-autocorrelation");
  const reps: number[][] = [];
  const tmp = new Float64Array(size);
  for (let k = 0; k < resamples; k++) {
    tmp.fill(0);
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[rng.int(blocks.length)];
      for (let j = 0; j < size; j++) tmp[j] += b[j];
    }
    reps.push(value(tmp));
  }
  const se = lags.map((_, l) => {
    const v = reps.map((r) => r[l]);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  });
  return { lags: [...lags], c, se, orders };
}

/** Parameters of the metaorder model counted by the model choice: N, a, lmin, ρ. */
export const METAORDER_PARAMETERS = 4;

/** Fitted sign model (`flow.signs`). */
export interface SignFit {
  /** The model chosen (see the module doc): "metaorders", or "iid" (independent signs). */
  kind: "metaorders" | "iid";
  /**
   * The model choice's scores: the weighted sums of squares of independent signs, Σ w C(ℓ)²,
   * and of the fitted metaorder model (`chi2`).
   */
  choice: { iid: number; metaorders: number };
  /** Number of active metaorders N. */
  metaorders: Estimate;
  /** Tail exponent a of the metaorder length. */
  lengthTail: Estimate;
  /** Smallest metaorder length (child orders). */
  minLength: Estimate;
  /** Persistence ρ: probability that an order comes from the previous order's metaorder. */
  persistence: Estimate;
  /** The model's C(ℓ) at the fitted values (scaled for informed orders), at the data's lags. */
  modelC: number[];
  /** Weighted sum of squared residuals (χ²-like) and the number of lags. */
  chi2: number;
  /** The data. */
  data: SignAutocorrelation;
}

const MAX_LENGTH = 10_000;

/**
 * Fits the metaorder model to the sign autocorrelation `data` (see the module doc);
 * `informedShare` is the share of market orders whose signs are independent of the flow.
 */
export function fitSigns(data: SignAutocorrelation, informedShare = 0): SignFit {
  const lags = data.lags;
  // weights: block-bootstrap standard errors floored at independent signs' 1/√(n − ℓ) (a
  // bootstrap over a dozen blocks often under-states them; see the module doc)
  const w = data.se.map((s, i) =>
    1 / Math.max(s, 1 / Math.sqrt(Math.max(1, data.orders - lags[i])), 1e-4) ** 2
  );
  const scale = (1 - informedShare) ** 2;
  const model = (n: number, a: number, lmin: number, rho: number) => {
    const cfg = tradeSignConfigSchema.parse({
      metaorders: n,
      lengthTail: a,
      minLength: lmin,
      maxLength: MAX_LENGTH,
      persistence: rho,
    });
    return Array.from(metaorderSignAutocorrelation(cfg, lags), (v) => v * scale);
  };
  const sse = (n: number, a: number, lmin: number, rho: number) => {
    if (!(a >= 1.05 && a <= 10 && lmin >= 1 && lmin <= 1e4 && rho >= 0 && rho <= 0.99)) {
      return Infinity;
    }
    const m = model(n, a, lmin, rho);
    let s = 0;
    for (let i = 0; i < lags.length; i++) s += w[i] * (m[i] - data.c[i]) ** 2;
    return s;
  };
  const rhoOf = (z: number) => 0.99 / (1 + Math.exp(-z));
  const profile: { n: number; a: number; lmin: number; rho: number; v: number }[] = [];
  for (let n = 2; n <= 24; n++) {
    const f = (z: Float64Array) => sse(n, 1.05 + Math.exp(z[0]), 1 + Math.exp(z[1]), rhoOf(z[2]));
    let r = minimizeNelderMead(f, Float64Array.of(Math.log(0.45), Math.log(2), -3), {
      maxIterations: 600,
    });
    r = minimizeNelderMead(f, r.x, { maxIterations: 600 });
    profile.push({
      n,
      a: 1.05 + Math.exp(r.x[0]),
      lmin: 1 + Math.exp(r.x[1]),
      rho: rhoOf(r.x[2]),
      v: r.value,
    });
  }
  profile.sort((x, y) => x.v - y.v);
  const best = profile[0];
  const within = profile.filter((p) => p.v <= best.v + 4).map((p) => p.n);
  // Gauss–Newton information for (a, lmin, ρ) at the best N: one-sided steps, backwards at
  // an upper bound of the model's parameters (a ≤ 10, lmin ≤ 10⁴, ρ ≤ 0.99), forwards else
  const step = (v: number, upper: number, h: number) => v + h > upper ? -h : h;
  const eps = [
    step(best.a, 10, 1e-4 * best.a),
    step(best.lmin, 1e4, 1e-4 * best.lmin),
    step(best.rho, 0.99, 1e-4),
  ];
  const m0 = model(best.n, best.a, best.lmin, best.rho);
  const jac = [
    model(best.n, best.a + eps[0], best.lmin, best.rho),
    model(best.n, best.a, best.lmin + eps[1], best.rho),
    model(best.n, best.a, best.lmin, best.rho + eps[2]),
  ].map((m, k) => m.map((v, i) => (v - m0[i]) / eps[k]));
  const h = new Float64Array(9);
  for (let i = 0; i < lags.length; i++) {
    for (let p = 0; p < 3; p++) {
      for (let q = 0; q < 3; q++) h[3 * p + q] += w[i] * jac[p][i] * jac[q][i];
    }
  }
  const atZero = best.rho < 1e-3;
  const cov = atZero
    ? covarianceFromHessian(Float64Array.of(h[0], h[1], h[3], h[4]), 2)
    : covarianceFromHessian(h, 3);
  const se = cov.ok ? standardErrors(cov.cov, atZero ? 2 : 3) : Float64Array.of(NaN, NaN, NaN);
  const method =
    "weighted least squares of the sign autocorrelation, lags 1–100 (exact C(ℓ) of the model)";
  const nMin = minOf(within), nMax = maxOf(within);
  const choice = { iid: 0, metaorders: best.v };
  for (let i = 0; i < lags.length; i++) choice.iid += w[i] * data.c[i] ** 2;
  return {
    kind: choice.iid <= choice.metaorders + 2 * METAORDER_PARAMETERS ? "iid" : "metaorders",
    choice,
    metaorders: {
      ...fitted(best.n, NaN, "metaorders", `${method}; N profiled over 2–24`),
      ci: [nMin, nMax],
    },
    lengthTail: best.a > 9.99
      ? fitted(best.a, NaN, "tail exponent", method, "at the boundary 10")
      : fitted(best.a, se[0], "tail exponent", method),
    minLength: fitted(best.lmin, se[1], "child orders", method),
    persistence: atZero
      ? fitted(0, NaN, "probability", method, "at the boundary 0")
      : fitted(best.rho, se[2], "probability", method),
    modelC: m0,
    chi2: best.v,
    data,
  };
}

/**
 * A linear forecast of the next sign from the previous `order` signs (Yule–Walker AR fit on
 * the sample autocorrelation): returns the coefficients φ, so that ε̂_t = Σ_k φ_k ε_{t−k}.
 */
export function signPredictor(records: readonly MarketRecord[], order = 20): Float64Array {
  const lags = Array.from({ length: order }, (_, i) => i + 1);
  const { c } = signAutocorrelation(records, lags, 1_000, 10);
  // Levinson–Durbin
  const phi = new Float64Array(order);
  const prev = new Float64Array(order);
  let err = 1;
  for (let k = 0; k < order; k++) {
    let acc = c[k];
    for (let j = 0; j < k; j++) acc -= prev[j] * c[k - 1 - j];
    const refl = acc / err;
    phi[k] = refl;
    for (let j = 0; j < k; j++) phi[j] = prev[j] - refl * prev[k - 1 - j];
    err *= 1 - refl * refl;
    prev.set(phi.subarray(0, k + 1));
  }
  return phi;
}

/**
 * The sign fit's estimates, written into `est` under `flow.signs.*` (N, the length tail, the
 * smallest length, the persistence). Where the model choice took independent signs, each is
 * marked not identified with the choice's scores and the metaorder model's own fit in its
 * method.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Estimate } from "./estimate.ts";
 * import { fitSigns, signEstimates } from "./fit_signs.ts";
 * // a tape without sign memory: independent signs are chosen
 * const lags = [1, 2, 5, 10];
 * const fit = fitSigns({ lags, c: [0.001, -0.002, 0, 0.001], se: [0.01, 0.01, 0.01, 0.01], orders: 10_000 });
 * const est: Record<string, Estimate> = {};
 * signEstimates(fit, est);
 * assert.equal(fit.kind, "iid");
 * assert.equal(est["flow.signs.metaorders"].status, "not identified");
 * ```
 */
export function signEstimates(signs: SignFit, est: Record<string, Estimate>): void {
  est["flow.signs.metaorders"] = signs.metaorders;
  est["flow.signs.lengthTail"] = signs.lengthTail;
  est["flow.signs.minLength"] = signs.minLength;
  est["flow.signs.persistence"] = signs.persistence;
  if (signs.kind !== "iid") return;
  // the fair coin: the metaorder model's parameters are not written (the provenance's
  // fitQuality.signs has its fit); the choice is said on each
  const why = `independent signs chosen: weighted SSE of C(ℓ) = 0 ${sig(signs.choice.iid)} ` +
    `against ${sig(signs.choice.metaorders)} + 2·${METAORDER_PARAMETERS} for the metaorder model`;
  for (const k of ["metaorders", "lengthTail", "minLength", "persistence"]) {
    const e = est[`flow.signs.${k}`];
    est[`flow.signs.${k}`] = unidentified(e.value, e.unit, `${why} (its fit: ${sig(e.value)})`);
  }
}

/**
 * The sign model's config (`flow.signs`) of a model choice and the estimates in `est` (those
 * {@linkcode signEstimates} wrote), the length tail, smallest length and persistence passed
 * through `round`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitted } from "./estimate.ts";
 * import { signModelConfig } from "./fit_signs.ts";
 * assert.deepEqual(signModelConfig("iid", {}, (x) => x), { kind: "iid" });
 * const e = (v: number) => fitted(v, 0, "", "");
 * const est = {
 *   "flow.signs.metaorders": e(4), "flow.signs.lengthTail": e(1.61803),
 *   "flow.signs.minLength": e(2), "flow.signs.persistence": e(0.5),
 * };
 * assert.equal(signModelConfig("metaorders", est, Math.round).lengthTail, 2);
 * ```
 */
export function signModelConfig(
  kind: SignFit["kind"],
  est: Readonly<Record<string, Estimate>>,
  round: (x: number) => number,
): Record<string, unknown> {
  if (kind === "iid") return { kind: "iid" };
  return {
    kind: "metaorders",
    metaorders: est["flow.signs.metaorders"].value,
    lengthTail: round(est["flow.signs.lengthTail"].value),
    minLength: round(est["flow.signs.minLength"].value),
    persistence: round(est["flow.signs.persistence"].value),
  };
}
