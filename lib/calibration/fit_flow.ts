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

/** Fitted market-order size model (`flow.sizes`). */
export interface SizeFit {
  /** Mean desired size, lots. */
  marketMean: Estimate;
  /** Tail exponent ζ. */
  marketTail: Estimate;
  /** Probability that an order ignores the touch depth. */
  sweepProbability: Estimate;
  /** Largest market order, lots (the largest seen, at least the library's 1,000). */
  marketMax: number;
  /** Orders used. */
  orders: number;
  /** Mean executed size, lots (what the data show, after the cap). */
  meanExecuted: number;
  /** Whether the optimizer converged. */
  converged: boolean;
}

/** Survival of the desired size: P(V > v) = (1 + v/λ)^(−ζ), v ≥ 0. */
function survival(v: number, lambda: number, zeta: number): number {
  return v < 0 ? 1 : Math.pow(1 + v / lambda, -zeta);
}

/**
 * Fits the touch-relative size model (`lib/market/order_sizes.ts`) to the market orders of
 * `records` by maximum likelihood: the desired size V = 1 + ⌊X⌋, X Lomax(λ, ζ); with
 * probability 1 − p the order takes at most the depth Q at the opposite best quote. An
 * order that walked the book (several prices) has V = s > Q and chose to sweep (P(V = s)·p);
 * one that took exactly the touch depth is censored (P(V = Q) + P(V > Q)(1 − p)); a smaller
 * one has V = s. Sizes in lots are rounded, at least 1. Standard errors from the observed
 * information (numerical Hessian); the mean follows by the delta method.
 */
export function fitMarketSizes(records: readonly MarketRecord[]): SizeFit {
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
  const n = size.length;
  if (n < 50) {
    throw new InsufficientDataError("market-order sizes", "at least 50 market orders", `${n}`);
  }
  const nll = (lambda: number, zeta: number, p: number): number => {
    if (!(lambda > 0 && zeta > 1 && p >= 0 && p <= 1)) return Infinity;
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const s = size[i], q = depth[i];
      const pv = survival(s - 1, lambda, zeta) - survival(s, lambda, zeta);
      let l: number;
      if (walked[i] === 1 && s > q) l = pv * p;
      else if (s === q) l = pv + survival(s, lambda, zeta) * (1 - p);
      else l = pv;
      ll += Math.log(Math.max(l, 1e-300));
    }
    return -ll;
  };
  const mean0 = size.reduce((a, b) => a + b, 0) / n;
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
  const pBoundary = p < 1e-4 || p > 1 - 1e-4;
  if (zetaBoundary) H[4] = Math.max(H[4], 1e12); // ζ fixed at its bound: no information about it
  let se = [NaN, NaN, NaN];
  let cov: Float64Array | null = null;
  if (!pBoundary) {
    const c = covarianceFromHessian(H, 3);
    if (c.ok) {
      se = Array.from(standardErrors(c.cov, 3));
      cov = c.cov;
    }
  } else {
    const sub = Float64Array.of(H[0], H[1], H[3], H[4]);
    const c = covarianceFromHessian(sub, 2);
    if (c.ok) {
      const s2 = standardErrors(c.cov, 2);
      se = [s2[0], s2[1], NaN];
      cov = Float64Array.of(c.cov[0], c.cov[1], 0, c.cov[2], c.cov[3], 0, 0, 0, 0);
    }
  }
  const mean = 0.5 + lambda / (zeta - 1);
  let meanSe = NaN;
  if (cov) {
    const g0 = 1 / (zeta - 1), g1 = -lambda / ((zeta - 1) ** 2);
    meanSe = Math.sqrt(Math.max(0, g0 * g0 * cov[0] + 2 * g0 * g1 * cov[1] + g1 * g1 * cov[4]));
  }
  const tail = Math.min(20, Math.max(1.1, zeta));
  const method = "censored maximum likelihood of the touch-capped Lomax size model";
  return {
    marketMean: fitted(Math.max(1, mean), meanSe, "lots", method),
    marketTail: fitted(
      tail,
      zetaBoundary ? NaN : se[1],
      "tail exponent",
      method,
      zetaBoundary
        ? "at the model's lower bound 1.1 (a finite mean): the data's tail is at least this heavy"
        : undefined,
    ),
    sweepProbability: fitted(
      p,
      se[2],
      "probability",
      method,
      pBoundary ? "at the boundary of [0, 1]: no standard error" : undefined,
    ),
    marketMax: Math.max(1_000, maxOf(size)),
    orders: n,
    meanExecuted: executed / n,
    converged: r.converged,
  };
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
