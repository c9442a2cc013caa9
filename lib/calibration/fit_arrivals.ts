/**
 * The calibration's arrival stage: the Hawkes process of market orders (and, on order-level
 * tapes with exact times, of limit orders and cancellations) fitted to a tape by maximum
 * likelihood, turned into the book tier's `flow.arrivals` config with every estimate and its
 * method; the clock stage where the tape's clock hides the fastest excitation; and the
 * scaling of the market orders' baseline and excitation that the moment matching applies.
 * docs/calibration.md ("Arrivals") says why each choice.
 *
 * Assumes: arrivals are a stationary multivariate Hawkes process with kernels that are sums
 * of exponentials (market orders excited by market orders only in the model). Ignores: the
 * excitation of limit orders and cancellations beyond the touch, which the data do not show.
 * Units: seconds, events per second, events per event.
 *
 * @module
 */
import { spectralRadius } from "../market/hawkes.ts";
import { MAX_BRANCHING, MAX_DECAY } from "../market/arrivals.ts";
import { Rng } from "../rng/rng.ts";
import { type Estimate, fitted, sig, unidentified } from "./estimate.ts";
import { CLOCK_GAP_EDGES, type ClockFit, fitClockKernel } from "./fit_clock.ts";
import { REGIME_BIN_SECONDS } from "./fit_regimes.ts";
import {
  fitHawkes,
  fitHawkesComponents,
  type HawkesComponentsFit,
  type HawkesFit,
  jitterTimes,
} from "./hawkes_fit.ts";
import { moveToBound } from "./model_range.ts";
import { type MarketRecord, timeResolution } from "./record.ts";
import type { TapeEvents } from "./tape_events.ts";

/**
 * Decay rates (1/s) of the market orders' self-excitation kernels with a positive weight.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { marketBetas } from "./fit_arrivals.ts";
 * const arrivals = {
 *   alpha: [[0.3]],
 *   beta: [[300]],
 *   extraKernels: [{ alpha: [[0]], beta: [[10]] }, { alpha: [[0.1]], beta: [[0.2]] }],
 * };
 * assert.deepEqual(marketBetas(arrivals), [300, 0.2]);
 * ```
 */
export function marketBetas(arrivals: Record<string, unknown>): number[] {
  type Kernel = { alpha?: number[][]; beta?: number[][] };
  const out: number[] = [];
  const add = (k: Kernel) => {
    const a = k.alpha?.[0]?.[0], b = k.beta?.[0]?.[0];
    if (a !== undefined && a > 0 && b !== undefined) out.push(b);
  };
  add(arrivals as Kernel);
  for (const k of (arrivals.extraKernels ?? []) as Kernel[]) add(k);
  return out;
}

/** The arrival-process fits of {@linkcode fitArrivals}. */
export interface ArrivalFit {
  /** The joint fit (market orders, and limit orders and cancellations when times are exact). */
  fit: HawkesFit;
  /** The kinds of the joint fit, in its order: ["market", "limit", "cancel"] or ["market"]. */
  kinds: string[];
  /** Market orders alone: kernels of 1–4 exponentials, the number chosen by AIC. */
  market: HawkesComponentsFit;
  /** Clock resolution of the market-order times (s; 0: exact), jittered away before fitting. */
  resolution: number;
}

/**
 * Hawkes fits of `records`' arrivals by maximum likelihood: a joint fit of the market orders,
 * limit orders and cancellations (from `events`) when the times are `exact`, else of the market
 * orders; and the market orders alone with kernels of 1–4 exponentials, the number chosen by
 * AIC (a clock coarser than the fastest kernel jittered away first). With `flowPath` (the
 * regimes' flow multiplier per {@linkcode REGIME_BIN_SECONDS} bin, `regimeFlowPath`) the
 * market orders' baseline is modulated by it. The records' segments are concatenated, the
 * time between them removed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitArrivals } from "./fit_arrivals.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const recs = simulateRecords({ duration: 300 }, { seconds: 300, seed: 1 });
 * const hk = fitArrivals(recs, [], false);
 * assert.deepEqual(hk.kinds, ["market"]);
 * assert.equal(hk.fit.counts[0], recs[0].moTime.length);
 * assert.ok(hk.market.chosen.params.mu[0] > 0);
 * ```
 */
export function fitArrivals(
  records: MarketRecord[],
  events: readonly TapeEvents[],
  exact: boolean,
  maxIterations?: number,
  flowPath: Float64Array | null = null,
): ArrivalFit {
  // concatenate the records' segments, removing the time between them; each record's events
  // go into its own segments (records of different days share their clock times)
  const times: number[] = [], kinds: number[] = [], mult: number[] = [];
  let offset = 0, horizon = 0;
  const pieces: [number, number][] = records.flatMap((r) => r.segments);
  const firstPiece: number[] = [];
  records.reduce((n, r) => (firstPiece.push(n), n + r.segments.length), 0);
  const before: number[] = [];
  pieces.reduce((acc, [a, b]) => (before.push(acc), acc + b - a), 0);
  // the regimes' flow multiplier (regimeFlowPath: one per REGIME_BIN_SECONDS bin of each
  // segment, in regimeBins' order; a segment's incomplete last bin takes its last full bin's)
  const binsOf = pieces.map(([a, b]) => Math.floor((b - a) / REGIME_BIN_SECONDS + 1e-9));
  const firstBin: number[] = [];
  let nBins = 0;
  for (const nb of binsOf) {
    firstBin.push(nb >= 1 ? nBins : -1);
    if (nb >= 1) nBins += nb;
  }
  const multAt = (p: number, dt: number): number => {
    if (flowPath === null || firstBin[p] < 0) return 1;
    return flowPath[firstBin[p] + Math.min(binsOf[p] - 1, Math.floor(dt / REGIME_BIN_SECONDS))];
  };
  const push = (t: number, kind: number, record: number) => {
    const end = firstPiece[record] + records[record].segments.length;
    for (let p = firstPiece[record]; p < end; p++) {
      const [a, b] = pieces[p];
      if (t >= a && t <= b) {
        times.push(before[p] + (t - a));
        kinds.push(kind);
        mult.push(multAt(p, t - a));
        return;
      }
    }
  };
  records.forEach((r, i) => {
    for (const t of r.moTime) push(t, 0, i);
    if (exact) {
      for (const t of events[i].limits.time) push(t, 1, i);
      for (const t of events[i].cancels.time) push(t, 2, i);
    }
  });
  for (const [a, b] of pieces) horizon += b - a;
  offset = horizon;
  const order = Int32Array.from(times.keys()).sort((i, j) =>
    times[i] - times[j] || kinds[i] - kinds[j]
  );
  const t = Float64Array.from(order, (i) => Math.min(offset, times[i]));
  const k = Int32Array.from(order, (i) => kinds[i]);
  const fit = fitHawkes(t, k, horizon, { kinds: exact ? 3 : 1, minEvents: 30, maxIterations });
  // market orders alone, kernel of several exponentials: the model's market orders are
  // excited by market orders only, so their kernel is fitted to their own times; a clock
  // coarser than the fastest kernel (Binance: 1 ms) is jittered away first
  const mt = Float64Array.from(
    order.filter((i) => kinds[i] === 0),
    (i) => Math.min(offset, times[i]),
  );
  const resolution = timeResolution(mt);
  const jt = resolution > 0
    ? jitterTimes(mt, resolution, new Rng("hawkes-jitter")).times.map((x) => Math.min(offset, x))
    : mt;
  let integral = 0;
  pieces.forEach(([a, b], p) => {
    for (let x = 0; x < b - a; x += REGIME_BIN_SECONDS) {
      integral += multAt(p, x) * Math.min(REGIME_BIN_SECONDS, b - a - x);
    }
  });
  const market = fitHawkesComponents(jt, new Int32Array(jt.length), horizon, {
    maxComponents: 4,
    minEvents: 30,
    maxIterations,
    ...(flowPath === null ? {} : {
      baseline: {
        atEvents: Float64Array.from(order.filter((i) => kinds[i] === 0), (i) => mult[i]),
        integral,
      },
    }),
  });
  return { fit, kinds: exact ? ["market", "limit", "cancel"] : ["market"], market, resolution };
}

/**
 * The preset's `flow.arrivals` section from the fits of {@linkcode fitArrivals}, writing each
 * estimate into `est` and each problem into `warnings` (docs/calibration.md, "Arrivals"):
 * Poisson arrivals where the joint fit did not converge or is not stationary; with exact
 * times the market orders' excitation of the three kinds (the limit kind scaled from the
 * touch, `touchShare`, to the whole book), else market orders alone and `limitRate` for the
 * limit orders (with `limitRateSe`, its standard error, in the estimate); the market orders'
 * kernel from their own fit (or Poisson where AIC prefers it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { arrivalsConfig, fitArrivals } from "./fit_arrivals.ts";
 * import { simulateRecords } from "./simulate.ts";
 * import type { Estimate } from "./estimate.ts";
 * const recs = simulateRecords({ duration: 300 }, { seconds: 300, seed: 1 });
 * const est: Record<string, Estimate> = {};
 * const arrivals = arrivalsConfig(fitArrivals(recs, [], false), 0.3, 20, false, est, []);
 * assert.equal(arrivals.limitRate, 20);
 * assert.ok(est["flow.arrivals.marketRate"].value > 0);
 * ```
 */
export function arrivalsConfig(
  hk: ArrivalFit,
  touchShare: number,
  limitRate: number,
  exact: boolean,
  est: Record<string, Estimate>,
  warnings: string[],
  limitRateSe = NaN,
): Record<string, unknown> {
  const f = hk.fit;
  if (!f.converged) {
    warnings.push(
      `arrivals: the Hawkes fit did not converge (${f.reason}); Poisson arrivals used instead`,
    );
  }
  if (!(f.branchingRatio < 1)) {
    warnings.push(
      `arrivals: the Hawkes fit is not stationary (branching ratio ${
        f.branchingRatio.toFixed(3)
      }); Poisson arrivals used instead`,
    );
  }
  for (const n of f.notes) warnings.push(`arrivals: ${n}`);
  const ok = f.converged && f.branchingRatio < 0.999;
  const method = `Hawkes maximum likelihood (${
    hk.kinds.join(", ")
  }), L-BFGS; standard errors from the observed information`;
  if (!ok) {
    const rate = f.counts[0] / f.horizon;
    est["flow.arrivals.marketRate"] = fitted(
      rate,
      Math.sqrt(f.counts[0]) / f.horizon,
      "per second",
      "market orders per second (Poisson)",
    );
    est["flow.arrivals.limitRate"] = fitted(
      limitRate,
      limitRateSe,
      "per second",
      "limit orders per second (Poisson)",
    );
    return { kind: "poisson", marketRate: sig(rate), limitRate: sig(limitRate) };
  }
  const P0 = touchShare;
  if (exact) {
    // kinds observed at the touch only: scale the limit kind to every distance (a diagonal
    // similarity of α, which keeps its spectral radius)
    // Only the excitation by market orders transfers to the model: its limit and cancel
    // kinds count the whole book's events, the data's only the touch's (a cancel-replace loop
    // at the touch would become an explosive loop over the whole book).
    const sc = [1, 1 / P0, 1];
    const alpha = f.params.alpha.map((row, i) => row.map((a, j) => j === 0 ? sig(a * sc[i]) : 0));
    // the decays of the kinds whose excitation is not transferred (α 0) mean nothing in the
    // model: the fitted ones where the model accepts them, else the market orders'; a decay
    // faster than the model's (a tenth of a microsecond) is set to it, said
    const beta = f.params.beta.map((row) =>
      row.map((b, j) => sig(Math.min(MAX_DECAY, j === 0 || (b > 0 && b <= MAX_DECAY) ? b : row[0])))
    );
    est["flow.arrivals.marketRate"] = fitted(f.params.mu[0], f.muSe[0], "per second", method);
    est["flow.arrivals.limitRate"] = fitted(
      f.params.mu[1] / P0,
      f.muSe[1] / P0,
      "per second",
      method + "; divided by the share the placement puts at the touch",
    );
    for (let i = 0; i < 3; i++) {
      est[`flow.arrivals.alpha.${i}.0`] = fitted(
        alpha[i][0],
        f.alphaSe[i][0] * sc[i],
        "events per market order",
        method + (i === 1 ? "; divided by the share the placement puts at the touch" : ""),
      );
      est[`flow.arrivals.beta.${i}`] = fitted(
        f.decay[i],
        f.decaySe[i],
        "per second",
        method + " (decay of kind " + hk.kinds[i] + ")",
      );
      // beyond the model's range (decays at the clock's resolution; a tape whose touch share is
      // tiny): the bound, said (a warning for the decay the preset carries)
      if (f.decay[i] > MAX_DECAY) {
        moveToBound(
          `flow.arrivals.beta.${i}`,
          est[`flow.arrivals.beta.${i}`],
          MAX_DECAY,
          i === 0 ? warnings : undefined,
        );
      }
    }
    for (let i = 0; i < 3; i++) {
      if (!(alpha[i][0] > MAX_BRANCHING)) continue;
      moveToBound(
        `flow.arrivals.alpha.${i}.0`,
        est[`flow.arrivals.alpha.${i}.0`],
        MAX_BRANCHING,
        warnings,
      );
      alpha[i][0] = MAX_BRANCHING;
    }
    est["flow.arrivals.alpha.limitAndCancelColumns"] = unidentified(
      0,
      "events per event",
      "fitted (see fitQuality.hawkes.alpha) but not transferred: the model's limit and cancel kinds count the whole book's events, the data's only the touch's; set to 0",
    );
    if (!(spectralRadius(alpha) < 1)) {
      warnings.push("arrivals: scaled branching matrix not stationary");
    }
    const mk = marketKernel(hk, est, warnings);
    if (mk !== undefined) {
      alpha[0][0] = mk.alpha;
      if (mk.beta !== undefined) beta[0][0] = mk.beta;
    }
    if (!(spectralRadius(alpha) + (mk?.extraAlpha ?? 0) < 1)) {
      warnings.push("arrivals: branching matrix with the market-order kernel not stationary");
    }
    return {
      kind: "hawkes",
      marketRate: sig(mk?.mu ?? f.params.mu[0]),
      limitRate: sig(f.params.mu[1] / P0),
      alpha,
      beta,
      ...(mk?.extraKernels.length ? { extraKernels: mk.extraKernels, stationaryStart: true } : {}),
    };
  }
  // market orders only: the rest is Poisson (cross-excitation not resolved by a batched feed)
  const bM = sig(f.decay[0]);
  est["flow.arrivals.marketRate"] = fitted(f.params.mu[0], f.muSe[0], "per second", method);
  est["flow.arrivals.alpha.0.0"] = fitted(
    f.params.alpha[0][0],
    f.alphaSe[0][0],
    "events per event",
    method,
  );
  est["flow.arrivals.beta.0"] = fitted(f.decay[0], f.decaySe[0], "per second", method);
  est["flow.arrivals.limitRate"] = fitted(
    limitRate,
    limitRateSe,
    "per second",
    "level updates adding volume within the modelled distances per second (a lower bound); standard error √n/T",
  );
  est["flow.arrivals.crossExcitation"] = unidentified(
    0,
    "events per event",
    "not identified: the book is observed in batches, too coarse for sub-batch excitation; set to 0 so that the fitted limit and cancellation rates are not counted twice",
  );
  const mk = marketKernel(hk, est, warnings);
  const b0 = mk?.beta ?? bM;
  return {
    kind: "hawkes",
    marketRate: sig(mk?.mu ?? f.params.mu[0]),
    limitRate: sig(limitRate),
    alpha: [[mk?.alpha ?? sig(f.params.alpha[0][0]), 0, 0], [0, 0, 0], [0, 0, 0]],
    beta: [[b0, b0, b0], [b0, b0, b0], [b0, b0, b0]],
    ...(mk?.extraKernels.length ? { extraKernels: mk.extraKernels, stationaryStart: true } : {}),
  };
}

/** The market orders' own kernel (a sum of exponentials), or undefined when its fit failed. */
interface MarketKernel {
  mu: number;
  alpha: number;
  /** Decay of the first component (undefined: Poisson, the joint fit's decay is kept). */
  beta: number | undefined;
  extraKernels: { alpha: number[][]; beta: number[][] }[];
  extraAlpha: number;
}

/**
 * The market-order kernel from the market-only fit with the number of exponentials chosen by
 * AIC (see docs/calibration.md), with its estimates; undefined (and a warning) when that fit
 * did not converge or is not stationary.
 */
function marketKernel(
  hk: ArrivalFit,
  est: Record<string, Estimate>,
  warnings: string[],
): MarketKernel | undefined {
  const m = hk.market.chosen;
  if (hk.market.poissonPreferred) {
    // no self-excitation the criterion pays for: Poisson market orders (α = 0), the joint
    // fit's decay kept (it means nothing without α)
    const rate = hk.market.poisson.rates[0], n = hk.fit.counts[0];
    const aics = [hk.market.poisson.aic, ...hk.market.fits.map((f) => f.aic)];
    const method = `Poisson market orders: AIC of the Poisson process and of Hawkes kernels of ` +
      `C = 1..${hk.market.fits.length} exponentials fitted to the market orders alone ` +
      `(${aics.map((a) => sig(a, 8)).join(", ")}): the Poisson's is the smallest`;
    est["flow.arrivals.marketRate"] = fitted(rate, rate / Math.sqrt(n), "per second", method);
    est["flow.arrivals.alpha.0.0"] = fitted(
      0,
      NaN,
      "events per event",
      method,
      `the Hawkes fit's ${sig(m.components[0].alpha[0][0])} (${m.components.length} exponential${
        m.components.length > 1 ? "s" : ""
      }) does not pay for its parameters`,
    );
    return { mu: rate, alpha: 0, beta: undefined, extraKernels: [], extraAlpha: 0 };
  }
  if (!m.converged || !(m.branchingRatio < 0.999)) {
    warnings.push(
      "arrivals: the market-order kernel fit failed; one exponential from the joint fit",
    );
    return undefined;
  }
  for (const n of m.notes) warnings.push(`arrivals (market orders): ${n}`);
  const c = m.components.length;
  const method = `Hawkes maximum likelihood of the market orders alone, kernel of ${c} exponential${
    c > 1 ? "s" : ""
  } (C = 1..${hk.market.fits.length} by AIC: ${
    hk.market.fits.map((f) => sig(f.aic, 8)).join(", ")
  })${
    hk.resolution > 0 ? `, times jittered within their ${hk.resolution * 1e3} ms clock` : ""
  }; standard errors from the observed information`;
  est["flow.arrivals.marketRate"] = fitted(m.params.mu[0], m.muSe[0], "per second", method);
  m.components.forEach((cp, i) => {
    const key = i === 0 ? "flow.arrivals" : `flow.arrivals.extraKernels.${i - 1}`;
    est[`${key}.alpha.0.0`] = fitted(cp.alpha[0][0], cp.alphaSe[0][0], "events per event", method);
    // (with three kinds, flow.arrivals.beta.0 is the joint fit's decay of the market column
    // for the limit and cancellation rows)
    est[i === 0 && hk.kinds.length === 1 ? "flow.arrivals.beta.0" : `${key}.beta.0.0`] = fitted(
      cp.decay[0],
      cp.decaySe[0],
      "per second",
      method,
    );
  });
  const extraKernels = m.components.slice(1).map((cp) => {
    const b = sig(cp.decay[0]);
    return {
      alpha: [[sig(cp.alpha[0][0]), 0, 0], [0, 0, 0], [0, 0, 0]],
      beta: [[b, b, b], [b, b, b], [b, b, b]],
    };
  });
  return {
    mu: m.params.mu[0],
    alpha: sig(m.components[0].alpha[0][0]),
    beta: sig(m.components[0].decay[0]),
    extraKernels,
    extraAlpha: extraKernels.reduce((a, k) => a + k.alpha[0][0], 0),
  };
}

/**
 * The arrivals with the market orders' baseline set to `rate` and their self-excitation (row
 * and column 0 of every kernel component) scaled by the same factor `rate / direct`: if a
 * share q of the model's market-order arrivals never becomes an order (an informed arrival that
 * abstains) and only realised orders excite, the realised orders are a Hawkes process with
 * baseline (1 − q)·μ and branching (1 − q)·α; scaling both by 1/(1 − q) gives back the process
 * fitted to the tape, shape included, where raising the baseline alone would dilute the
 * clustering. The branching scale is capped so that the market orders' branching ratio stays
 * below 0.98 (stationary). One-kernel and Poisson arrivals are scaled the same way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scaleMarketArrivals } from "./fit_arrivals.ts";
 * const arrivals = { kind: "hawkes", marketRate: 2, alpha: [[0.4, 0], [0, 0]] };
 * const out = scaleMarketArrivals(arrivals, 2.5, 2);
 * assert.equal(out.marketRate, 2.5);
 * assert.deepEqual(out.alpha, [[0.5, 0], [0, 0]]);
 * ```
 */
export function scaleMarketArrivals(
  arrivals: Record<string, unknown>,
  rate: number,
  direct: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...arrivals, marketRate: sig(rate) };
  if (arrivals.kind !== "hawkes" || !(direct > 0) || !(rate > 0)) return out;
  const alpha = arrivals.alpha as number[][];
  const extra = (arrivals.extraKernels ?? []) as { alpha: number[][]; beta: number[][] }[];
  const n = alpha[0][0] + extra.reduce((a, c) => a + c.alpha[0][0], 0);
  if (!(n > 0)) return out;
  const k = Math.min(rate / direct, 0.98 / n);
  const scale = (a: number[][]) =>
    a.map((r, i) => r.map((v, j) => i === 0 && j === 0 ? sig(v * k) : v));
  out.alpha = scale(alpha);
  if (extra.length > 0) out.extraKernels = extra.map((c) => ({ ...c, alpha: scale(c.alpha) }));
  return out;
}

/**
 * The limit orders' response to market orders in `arrivals`: the sum over the kernel's
 * components of their excitation of limit orders by market orders (row 1, column 0), limit
 * orders per market order; 0 for arrivals that are not Hawkes or have no such excitation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { limitResponseOf } from "./fit_arrivals.ts";
 * const arrivals = {
 *   kind: "hawkes",
 *   alpha: [[0.2, 0], [1.5, 0]],
 *   extraKernels: [{ alpha: [[0, 0], [0.5, 0]] }],
 * };
 * assert.equal(limitResponseOf(arrivals), 2);
 * assert.equal(limitResponseOf({ kind: "poisson" }), 0);
 * ```
 */
export function limitResponseOf(arrivals: Record<string, unknown>): number {
  if (arrivals.kind !== "hawkes") return 0;
  const alpha = arrivals.alpha as number[][];
  const extra = (arrivals.extraKernels ?? []) as { alpha: number[][] }[];
  if (alpha.length < 2) return 0;
  return alpha[1][0] + extra.reduce((a, c) => a + c.alpha[1][0], 0);
}

/**
 * The arrivals with the limit orders' response to market orders scaled by `k`: every kernel
 * component's excitation of limit orders by market orders (row 1, column 0) times k, and the
 * limit orders' baseline lowered by (k − 1)·Σα_LM·`marketOrderRate` so that their mean rate is
 * kept (floored at a hundredth of the baseline: beyond, the mean rate rises). Non-Hawkes
 * arrivals, or no such excitation, are returned as they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scaleLimitResponse } from "./fit_arrivals.ts";
 * const arrivals = { kind: "hawkes", limitRate: 2, alpha: [[0.2, 0], [1.5, 0]] };
 * const out = scaleLimitResponse(arrivals, 2, 0.4);
 * assert.deepEqual(out.alpha, [[0.2, 0], [3, 0]]);
 * assert.equal(out.limitRate, 1.4); // 2 − (2 − 1)·1.5·0.4: the mean limit rate kept
 * assert.equal(scaleLimitResponse(arrivals, 1, 0.4).limitRate, 2);
 * ```
 */
export function scaleLimitResponse(
  arrivals: Record<string, unknown>,
  k: number,
  marketOrderRate: number,
): Record<string, unknown> {
  const response = limitResponseOf(arrivals);
  if (k === 1 || !(response > 0)) return arrivals;
  const alpha = arrivals.alpha as number[][];
  const extra = (arrivals.extraKernels ?? []) as { alpha: number[][]; beta: number[][] }[];
  const scale = (a: number[][]) =>
    a.map((r, i) => r.map((v, j) => i === 1 && j === 0 ? sig(v * k) : v));
  const base = arrivals.limitRate as number;
  const out: Record<string, unknown> = {
    ...arrivals,
    alpha: scale(alpha),
    limitRate: sig(Math.max(base / 100, base - (k - 1) * response * marketOrderRate)),
  };
  if (extra.length > 0) out.extraKernels = extra.map((c) => ({ ...c, alpha: scale(c.alpha) }));
  return out;
}

/**
 * The clock stage (`fit_clock.ts`): on a tape whose clock is coarse against the market
 * orders' fastest kernel component (resolution·β₀ ≥ 0.02, at least 200 orders), re-fits that
 * component's α₀ and β₀ to the gaps between orders counted in clock ticks, writes them into
 * `arrivals` and `est` with the baseline that keeps the order rate, and returns the fit;
 * null where it does not apply.
 */
export function fitClockStage(
  records: MarketRecord[],
  arrivals: Record<string, unknown>,
  est: Record<string, Estimate>,
  signs: Record<string, unknown>,
  clock: number,
  kinds: number,
  log: (line: string) => void,
): ClockFit | null {
  if (arrivals.kind !== "hawkes" || !(clock > 0)) return null;
  const alpha = arrivals.alpha as number[][], beta = arrivals.beta as number[][];
  const extra = (arrivals.extraKernels ?? []) as { alpha: number[][]; beta: number[][] }[];
  const orders = records.reduce((s, r) => s + r.moTime.length, 0);
  // Poisson market orders (α = 0): no excitation for the clock to hide
  if (!(alpha[0][0] > 0) || !(clock * beta[0][0] >= 0.02) || orders < 200) return null;
  log(`fitting the fastest market-order excitation to the gaps on the ${clock * 1e3} ms clock`);
  const fit = fitClockKernel(records, {
    mu: arrivals.marketRate as number,
    alpha: [alpha[0][0], ...extra.map((k) => k.alpha[0][0])],
    beta: [beta[0][0], ...extra.map((k) => k.beta[0][0])],
    signs,
  }, { resolution: clock });
  const method = `indirect inference on the gaps between market orders in ticks of the ` +
    `${clock * 1e3} ms clock (fit_clock.ts: ${fit.simulations} simulations of the orders ` +
    `observed on the clock, Σz² ${sig(fit.startObjective, 4)} at the maximum-likelihood ` +
    `kernel, ${sig(fit.objective, 4)} here${fit.atEdge ? ", at the grid's edge" : ""}); ` +
    `standard error: half the span within 1 of the minimum`;
  const a = sig(fit.alpha), b = sig(fit.beta);
  alpha[0][0] = a;
  if (kinds === 1) { for (const row of beta) row.fill(b); }
  else beta[0][0] = b;
  arrivals.marketRate = sig(fit.mu);
  est["flow.arrivals.alpha.0.0"] = fitted(a, fit.alphaSe, "events per event", method);
  est[kinds === 1 ? "flow.arrivals.beta.0" : "flow.arrivals.beta.0.0"] = fitted(
    b,
    fit.betaSe,
    "per second",
    method,
  );
  const prior = est["flow.arrivals.marketRate"];
  est["flow.arrivals.marketRate"] = fitted(
    fit.mu,
    prior.se * fit.mu / prior.value,
    "per second",
    "the baseline that keeps the fitted rate of market orders with the clock stage's kernel",
  );
  return fit;
}

/** The arrival fits' quality in a preset's provenance ({@linkcode arrivalFitQuality}). */
export interface ArrivalFitQuality {
  /** The joint fit's kinds. */
  kinds: string[];
  /** Its log-likelihood. */
  logLikelihood: number;
  /** The Poisson process's (the same kinds at constant rates). */
  poissonLogLikelihood: number;
  /** 2·(log L − log L of the Poisson process). */
  likelihoodRatio: number;
  /** Spectral radius of the fitted branching matrix. */
  branchingRatio: number;
  /** Baselines, per second. */
  mu: number[];
  /** Branching matrix (row = triggered kind). */
  alpha: number[][];
  /** Decay of each exciting kind, per second. */
  decays: number[];
  /** Whether the optimizer converged. */
  converged: boolean;
  /** The optimizer's stopping reason. */
  reason: string;
  /** Its iterations. */
  iterations: number;
  /** Boundary parameters and missing standard errors. */
  notes: string[];
  /** The clock stage's gap moments (null: not run). */
  clockKernel: {
    gapBinsTicks: readonly number[];
    real: number[];
    simulated: number[];
    startObjective: number;
    objective: number;
    atEdge: boolean;
  } | null;
  /** The market orders' own kernels of 1–4 exponentials (`chosenComponents` 0: Poisson). */
  marketKernel: {
    clockResolutionSeconds: number;
    chosenComponents: number;
    poisson: { logLikelihood: number; aic: number };
    byComponents: {
      components: number;
      logLikelihood: number;
      aic: number;
      converged: boolean;
      mu: number;
      alpha: number[];
      decays: number[];
    }[];
  };
}

/**
 * The arrival fits' quality for a preset's provenance (`fitQuality.hawkes`): the joint fit's
 * likelihood against the Poisson process's, its estimates and convergence; the clock stage's
 * gap moments (null where it did not run); and the market orders' kernels of 1–4
 * exponentials with their AIC (0 components chosen: Poisson).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { arrivalFitQuality, fitArrivals } from "./fit_arrivals.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const hk = fitArrivals(simulateRecords({ duration: 300 }, { seconds: 300, seed: 1 }), [], false);
 * const q = arrivalFitQuality(hk, null);
 * assert.deepEqual(q.kinds, ["market"]);
 * assert.equal(q.clockKernel, null);
 * assert.equal(q.marketKernel.byComponents.length, 4);
 * ```
 */
export function arrivalFitQuality(
  hk: ArrivalFit,
  clockFit: ClockFit | null,
): ArrivalFitQuality {
  return {
    kinds: hk.kinds,
    logLikelihood: sig(hk.fit.logLikelihood, 10),
    poissonLogLikelihood: sig(hk.fit.poissonLogLikelihood, 10),
    likelihoodRatio: sig(2 * (hk.fit.logLikelihood - hk.fit.poissonLogLikelihood), 6),
    branchingRatio: sig(hk.fit.branchingRatio),
    mu: hk.fit.params.mu.map((v) => sig(v)),
    alpha: hk.fit.params.alpha.map((r) => r.map((v) => sig(v))),
    decays: hk.fit.decay.map((v) => sig(v)),
    converged: hk.fit.converged,
    reason: hk.fit.reason,
    iterations: hk.fit.iterations,
    notes: hk.fit.notes,
    clockKernel: clockFit === null ? null : {
      gapBinsTicks: CLOCK_GAP_EDGES,
      real: clockFit.real.map((v) => sig(v, 3)),
      simulated: clockFit.simulated.map((v) => sig(v, 3)),
      startObjective: sig(clockFit.startObjective, 4),
      objective: sig(clockFit.objective, 4),
      atEdge: clockFit.atEdge,
    },
    marketKernel: {
      clockResolutionSeconds: hk.resolution,
      chosenComponents: hk.market.poissonPreferred ? 0 : hk.market.components,
      poisson: {
        logLikelihood: sig(hk.market.poisson.logLikelihood, 10),
        aic: sig(hk.market.poisson.aic, 10),
      },
      byComponents: hk.market.fits.map((f) => ({
        components: f.components.length,
        logLikelihood: sig(f.logLikelihood, 10),
        aic: sig(f.aic, 10),
        converged: f.converged,
        mu: sig(f.params.mu[0]),
        alpha: f.components.map((c) => sig(c.alpha[0][0])),
        decays: f.components.map((c) => sig(c.decay[0])),
      })),
    },
  };
}

/**
 * The market orders' fitted self-excitation Σ_c α^c_00 of `arrivals` (0 unless Hawkes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { marketBranching } from "./fit_arrivals.ts";
 * const arrivals = { kind: "hawkes", alpha: [[0.25]], extraKernels: [{ alpha: [[0.5]] }] };
 * assert.equal(marketBranching(arrivals), 0.75);
 * assert.equal(marketBranching({ kind: "poisson" }), 0);
 * ```
 */
export function marketBranching(arrivals: Record<string, unknown>): number {
  if (arrivals.kind !== "hawkes") return 0;
  const extra = (arrivals.extraKernels ?? []) as { alpha: number[][] }[];
  return (arrivals.alpha as number[][])[0][0] + extra.reduce((a, c) => a + c.alpha[0][0], 0);
}
