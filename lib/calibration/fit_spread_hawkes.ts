/**
 * Joint fit of the market orders' Hawkes intensity and its modulation by the spread (the
 * `kind: "intensity"` timing model of `lib/market/order_timing.ts`): market orders arrive at
 * λ(t) = a(s(t⁻))·(μ + Σ_c α_c Σ_{t_j < t} β_c e^(−β_c (t − t_j))), a(s) = min(1, (s₀/s)^γ), s
 * the spread just before t — a state-dependent Hawkes process (Morariu-Patrichi & Pakkanen
 * 2022) whose state is the spread, as the market-order intensities of the queue-reactive model
 * (Huang, Lehalle & Rosenbaum 2015) depend on the book.
 *
 * Why jointly: the market orders' Hawkes kernel fitted alone reads the tape's bursts as pure
 * self-excitation, and the spread modulation fitted alone (`fit_timing.ts`, a Poisson baseline)
 * reads the bursts' spreads as the modulation's; in the simulation the orders a burst excites
 * meet the spread its first order widened, so neither separate fit reproduces the spread at
 * market orders. The joint likelihood conditions each order on both.
 *
 * Estimator: maximum likelihood, log L = Σ_i log λ(t_i) − ∫ λ(t) dt over the record's
 * segments, the spread piecewise constant between quote records (its integral exact per
 * piece), the decays β_c held at the market-only fit's, s₀ at the Poisson-baseline fit's;
 * μ, α_c (in logs) and γ by Nelder–Mead; standard errors from the inverse of the numerical
 * Hessian of −log L (the α_c and μ by the delta method).
 *
 * Assumes: the kernel shape (the decays) of the unmodulated fit; spreads of `maxSpread`
 * ticks and more pooled. Units: seconds, ticks.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { covarianceFromHessian, hessianFromValues, minimizeNelderMead } from "./optimize.ts";
import { type MarketRecord, quoteIndexAt } from "./record.ts";

/** The timeline of a record for the likelihood: pieces of constant spread and the orders. */
export interface SpreadTimeline {
  /** Length of each piece, s (an order ends its piece: the next one starts at it). */
  dt: Float64Array;
  /** Spread (ticks, pooled at `maxSpread`; Infinity: unknown) during each piece. */
  spread: Float64Array;
  /** 1 when a market order arrives at the end of the piece (at the piece's spread). */
  event: Uint8Array;
  /** 1 when the piece starts a new segment (the excitation is reset there). */
  reset: Uint8Array;
  /** Market orders in all. */
  orders: number;
}

/**
 * The pieces of constant spread of `records` with their market orders (the spread just before
 * each order: records at the order's own time come after it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulateRecords } from "./simulate.ts";
 * import { spreadTimeline } from "./fit_spread_hawkes.ts";
 * const recs = simulateRecords({ duration: 60 }, { seconds: 60, seed: 1 });
 * const tl = spreadTimeline(recs);
 * const total = tl.dt.reduce((a, b) => a + b, 0);
 * assert.ok(Math.abs(total - 60) < 1e-6);
 * assert.ok(tl.orders > 0 && tl.orders <= recs[0].moTime.length);
 * ```
 */
export function spreadTimeline(records: readonly MarketRecord[], maxSpread = 40): SpreadTimeline {
  const dt: number[] = [], sp: number[] = [], ev: number[] = [], rs: number[] = [];
  let orders = 0;
  for (const r of records) {
    for (const [a, b] of r.segments) {
      let first = true;
      let k = quoteIndexAt(r, a);
      let t = a;
      let i = 0;
      while (i < r.moTime.length && r.moTime[i] < a) i++;
      const spreadAt = (q: number) => {
        const s = q >= 0 ? r.ask[q] - r.bid[q] : NaN;
        return s >= 1 ? Math.min(s, maxSpread) : NaN;
      };
      while (t < b) {
        const nextQ = k + 1 < r.qTime.length ? r.qTime[k + 1] : Infinity;
        const nextO = i < r.moTime.length ? r.moTime[i] : Infinity;
        const u = Math.min(b, nextQ, nextO);
        const isOrder = nextO <= nextQ && nextO <= b && nextO === u;
        const s = spreadAt(k);
        // a piece without a spread (a side empty) is kept for the decay, with a(s) = 0
        dt.push(u - t);
        sp.push(s === s ? s : Infinity);
        ev.push(isOrder && s === s ? 1 : 0);
        rs.push(first ? 1 : 0);
        first = false;
        if (isOrder && s === s) orders++;
        if (isOrder) i++;
        else if (u === nextQ) k++;
        t = u;
        if (u >= b) break;
      }
    }
  }
  return {
    dt: Float64Array.from(dt),
    spread: Float64Array.from(sp),
    event: Uint8Array.from(ev),
    reset: Uint8Array.from(rs),
    orders,
  };
}

/** Parameters of the spread-modulated Hawkes intensity. */
export interface SpreadHawkesParams {
  /** Baseline μ, per second. */
  mu: number;
  /** Branching ratio α_c of each exponential. */
  alpha: number[];
  /** Decay β_c of each exponential, per second. */
  beta: number[];
  /** s₀, ticks. */
  scale: number;
  /** γ. */
  exponent: number;
}

/**
 * log L of the market orders of `tl` under `p` (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spreadHawkesLogLikelihood } from "./fit_spread_hawkes.ts";
 * // one piece of 10 s at a spread of 4 ticks ending with an order; no excitation:
 * // log(μ·a) − μ·a·10 with a = (2/4)^1
 * const tl = {
 *   dt: Float64Array.of(10), spread: Float64Array.of(4), event: Uint8Array.of(1),
 *   reset: Uint8Array.of(1), orders: 1,
 * };
 * const ll = spreadHawkesLogLikelihood(tl, { mu: 0.2, alpha: [0], beta: [1], scale: 2, exponent: 1 });
 * assert.ok(Math.abs(ll - (Math.log(0.1) - 1)) < 1e-12);
 * ```
 */
export function spreadHawkesLogLikelihood(tl: SpreadTimeline, p: SpreadHawkesParams): number {
  const C = p.beta.length;
  const S = new Float64Array(C); // Σ_j β e^(−β(t − t_j)), per exponential
  const lnScale = Math.log(p.scale);
  let ll = 0;
  let lastSpread = NaN, la = 0, a = 1;
  for (let k = 0; k < tl.dt.length; k++) {
    if (tl.reset[k] === 1) S.fill(0);
    const s = tl.spread[k];
    if (s !== lastSpread) {
      lastSpread = s;
      la = s > p.scale ? p.exponent * (lnScale - Math.log(s)) : 0;
      a = Math.exp(la);
    }
    const d = tl.dt[k];
    let integral = p.mu * d;
    let ex = 0;
    for (let c = 0; c < C; c++) {
      const b = p.beta[c];
      const decay = Math.exp(-b * d);
      integral += p.alpha[c] * S[c] * (1 - decay) / b;
      S[c] *= decay;
      ex += p.alpha[c] * S[c];
    }
    ll -= a * integral;
    if (tl.event[k] === 1) {
      ll += la + Math.log(p.mu + ex);
      for (let c = 0; c < C; c++) S[c] += p.beta[c];
    }
  }
  return ll;
}

/** The joint fit, with standard errors. */
export interface SpreadHawkesFit extends SpreadHawkesParams {
  /** Standard error of μ. */
  muSe: number;
  /** Standard errors of the α_c. */
  alphaSe: number[];
  /** Standard error of γ. */
  exponentSe: number;
  /** log L at the fit. */
  logLikelihood: number;
  /** Market orders used. */
  orders: number;
  /** True when Nelder–Mead converged and the Hessian was positive definite. */
  converged: boolean;
}

/**
 * Maximum likelihood of μ, α_c and γ with the decays and s₀ of `start` held (see the module
 * doc); `start` is the starting point (e.g. the unmodulated Hawkes fit and the Poisson-baseline
 * timing fit).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitSpreadHawkes, spreadHawkesLogLikelihood } from "./fit_spread_hawkes.ts";
 * // Poisson orders (no excitation), a(s) = 2/s over pieces of 1 s at spreads 2 and 4
 * const n = 4000;
 * const dt = new Float64Array(n).fill(1), spread = Float64Array.from({ length: n }, (_, i) => i % 2 ? 4 : 2);
 * const event = Uint8Array.from(spread, (s, i) => ((i * 7919) % 100) / 100 < (s === 2 ? 0.5 : 0.25) ? 1 : 0);
 * const tl = { dt, spread, event, reset: new Uint8Array(n), orders: event.reduce((a, b) => a + b, 0) };
 * const f = fitSpreadHawkes(tl, { mu: 0.3, alpha: [0], beta: [5], scale: 2, exponent: 0.5 });
 * assert.ok(Math.abs(f.exponent - 1) < 0.15, `${f.exponent}`);
 * assert.ok(spreadHawkesLogLikelihood(tl, f) >= spreadHawkesLogLikelihood(tl, { ...f, exponent: 0.5 }));
 * ```
 */
export function fitSpreadHawkes(tl: SpreadTimeline, start: SpreadHawkesParams): SpreadHawkesFit {
  const C = start.beta.length;
  if (start.alpha.length !== C) {
    throw new ValidationError("alpha", start.alpha, `${C} branching ratios (one per decay)`);
  }
  if (!(start.mu > 0)) throw new ValidationError("mu", start.mu, "a baseline > 0 per second");
  const fixedZero = start.alpha.map((v) => !(v > 0));
  const unpack = (x: ArrayLike<number>): SpreadHawkesParams => ({
    mu: Math.exp(x[0]),
    alpha: start.alpha.map((_, c) => fixedZero[c] ? 0 : Math.exp(x[1 + c])),
    beta: start.beta,
    scale: start.scale,
    exponent: x[1 + C],
  });
  const f = (x: ArrayLike<number>) => {
    if (!(x[1 + C] >= 0 && x[1 + C] <= 20)) return Infinity;
    const v = -spreadHawkesLogLikelihood(tl, unpack(x));
    return Number.isFinite(v) ? v : Infinity;
  };
  const x0 = [
    Math.log(start.mu),
    ...start.alpha.map((v) => Math.log(v > 0 ? v : 1)),
    start.exponent,
  ];
  let r = minimizeNelderMead(f, x0, { maxIterations: 4_000 });
  r = minimizeNelderMead(f, r.x, { maxIterations: 4_000 }); // a restart: the simplex collapses
  const p = unpack(r.x);
  // standard errors: the free coordinates' Hessian, then the delta method for the logs
  const free = [0, ...start.alpha.flatMap((_, c) => fixedZero[c] ? [] : [1 + c]), 1 + C];
  const g = (y: ArrayLike<number>) => {
    const x = Float64Array.from(r.x);
    free.forEach((j, i) => x[j] = y[i]);
    return f(x);
  };
  const H = hessianFromValues(g, free.map((j) => r.x[j]), 1e-3);
  const cov = covarianceFromHessian(H, free.length);
  const se = (i: number) => cov.ok ? Math.sqrt(Math.max(0, cov.cov[i * free.length + i])) : NaN;
  const alphaSe = start.alpha.map((_, c) => {
    const i = free.indexOf(1 + c);
    return i < 0 ? 0 : p.alpha[c] * se(i);
  });
  return {
    ...p,
    muSe: p.mu * se(0),
    alphaSe,
    exponentSe: se(free.length - 1),
    logLikelihood: -r.value,
    orders: tl.orders,
    converged: r.converged && cov.ok,
  };
}
