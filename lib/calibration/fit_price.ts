/**
 * Fits of the price side of the book tier: the volatility (realized variance of the mid),
 * the permanent impact of a market order's sign surprise (regression of mid changes on the
 * surprises of the order flow), the share of the variance it explains, and the feed latency
 * where the tape has two clocks.
 *
 * @module
 */
import { EVENT, FLAG, type Tape } from "../data/tape.ts";
import { Rng } from "../rng/rng.ts";
import { InsufficientDataError } from "./errors.ts";
import { derived, type Estimate, fitted, sig, unidentified } from "./estimate.ts";
import { observedMid } from "./facts.ts";
import type { MarketRecord } from "./record.ts";
import { maxOf } from "../analytics/extent.ts";

/** Seconds in the trading day the config's `volatility` is quoted over. */
const DAY = 23_400;

/** Resamples blocks of per-block sums (rows of `k` values) and returns f's standard error. */
function blockSe(blocks: number[][], f: (sum: number[]) => number, resamples = 300): number {
  if (blocks.length < 2) return NaN;
  const k = blocks[0].length;
  const rng = new Rng("calibration-bootstrap");
  const vals: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const s = new Array(k).fill(0);
    for (let i = 0; i < blocks.length; i++) {
      const row = blocks[rng.int(blocks.length)];
      for (let j = 0; j < k; j++) s[j] += row[j];
    }
    const v = f(s);
    if (Number.isFinite(v)) vals.push(v);
  }
  const m = vals.reduce((a, b) => a + b, 0) / vals.length;
  return Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, vals.length - 1));
}

/** The mids of a record every `step` seconds of each segment, with their times. */
function gridMids(r: MarketRecord, step: number): { t: number[]; m: number[] }[] {
  return r.segments.map(([a, b]) => {
    const t: number[] = [], m: number[] = [];
    for (let x = a; x <= b + 1e-9; x += step) {
      t.push(x);
      m.push(observedMid(r, x, 0));
    }
    return { t, m };
  });
}

/** The realized variance rate of the mid and the mean price. */
export interface VolatilityFit {
  /** The config's `volatility`: daily (23,400 s) volatility of relative mid changes. */
  volatility: Estimate;
  /** Variance rate of the mid, ticks² per second. */
  varianceTicks: Estimate;
  /** Mean mid, price units. */
  meanPrice: number;
  /** Sampling interval used, s. */
  interval: number;
}

/**
 * Realized variance of the mid sampled every `interval` seconds (default 10: long enough
 * for the bid–ask bounce to matter little, see the signature plot), per second, with a
 * block-bootstrap standard error (blocks of 30 intervals), turned into the config's daily
 * relative volatility with the mean mid.
 */
export function fitVolatility(
  records: readonly MarketRecord[],
  tickSize: number,
  interval = 10,
): VolatilityFit {
  const blocks: number[][] = [];
  let priceSum = 0, priceN = 0;
  for (const r of records) {
    for (const { m } of gridMids(r, interval)) {
      for (let i = 0; i < m.length; i += 30) {
        let s2 = 0, n = 0;
        for (let j = i; j < Math.min(m.length - 1, i + 30); j++) {
          const d = m[j + 1] - m[j];
          if (d === d) {
            s2 += d * d;
            n++;
          }
        }
        if (n > 0) blocks.push([s2, n]);
      }
      for (const x of m) {
        if (x === x) {
          priceSum += x * tickSize;
          priceN++;
        }
      }
    }
  }
  const total = blocks.reduce((a, b) => [a[0] + b[0], a[1] + b[1]], [0, 0]);
  if (total[1] < 10) {
    throw new InsufficientDataError(
      "volatility",
      `at least 10 returns of ${interval} s`,
      `${total[1]}`,
    );
  }
  const rate = (s: number[]) => s[0] / (s[1] * interval);
  const v = rate(total);
  const vSe = blockSe(blocks, rate);
  const meanPrice = priceSum / priceN;
  const toVol = (x: number) => Math.sqrt(x * DAY) * tickSize / meanPrice;
  const vol = toVol(v);
  // delta method: d vol / d v = vol / (2 v)
  return {
    volatility: fitted(
      vol,
      vol / (2 * v) * vSe,
      "daily (23,400 s) volatility of relative price changes",
      `realized variance of the mid sampled every ${interval} s, block bootstrap`,
    ),
    varianceTicks: fitted(v, vSe, "ticks² per second", `realized variance every ${interval} s`),
    meanPrice,
    interval,
  };
}

/** The impact of sign surprises. */
export interface ImpactFit {
  /** Mid move per unit of sign surprise, ticks (contemporaneous). */
  theta: Estimate;
  /** Mid move per unit of the previous interval's surprise, ticks (delayed price discovery). */
  thetaLagged: Estimate;
  /** Share of the mid's variance explained by the contemporaneous surprises (R²). */
  impactShare: Estimate;
  /** Share explained by the previous interval's surprises. */
  laggedShare: Estimate;
  /** Interval of the regression, s. */
  interval: number;
  /** Intervals used. */
  intervals: number;
}

/**
 * Regresses the mid's change over intervals of `interval` seconds on the sum of the sign
 * surprises ε − ε̂ of the market orders in the interval (and, separately, in the previous
 * one), ε̂ the linear forecast `phi` of each sign from the previous ones. The slope is the
 * permanent impact of a unit surprise (the latent fundamental's θ); the share of the mid's
 * variance the surprises explain is the fundamental's `impactShare`. Standard errors by a
 * bootstrap over blocks of 10 intervals.
 */
export function fitImpact(
  records: readonly MarketRecord[],
  phi: Float64Array,
  interval: number,
): ImpactFit {
  const rows: { dm: number; u: number; u1: number }[][] = [];
  for (const r of records) {
    // surprises of every market order
    const n = r.moSign.length;
    const u = signSurprises(r, phi);
    let p = 0;
    for (const [a, b] of r.segments) {
      const block: { dm: number; u: number; u1: number }[] = [];
      let prevU = NaN;
      for (let t = a; t + interval <= b + 1e-9; t += interval) {
        while (p < n && r.moTime[p] < t) p++;
        let su = 0;
        let q = p;
        while (q < n && r.moTime[q] < t + interval) su += u[q++];
        const dm = observedMid(r, t + interval, 0) - observedMid(r, t, 0);
        if (dm === dm) block.push({ dm, u: su, u1: prevU });
        prevU = su;
        if (block.length === 10) {
          rows.push(block.splice(0));
        }
      }
      if (block.length > 0) rows.push(block);
    }
  }
  const flat = rows.flat();
  if (flat.length < 20) {
    throw new InsufficientDataError(
      "impact",
      `at least 20 intervals of ${interval} s`,
      `${flat.length}`,
    );
  }
  // sums per block: [Σu², Σu·dm, Σdm², n, Σu1², Σu1·dm, n1, Σu, Σdm, Σu1, Σdm1]
  const blocks = rows.map((blk) => {
    const s = new Array(11).fill(0);
    for (const { dm, u, u1 } of blk) {
      s[0] += u * u;
      s[1] += u * dm;
      s[2] += dm * dm;
      s[3]++;
      s[7] += u;
      s[8] += dm;
      if (u1 === u1) {
        s[4] += u1 * u1;
        s[5] += u1 * dm;
        s[6]++;
        s[9] += u1;
        s[10] += dm;
      }
    }
    return s;
  });
  const slope = (s: number[]) => {
    const mu = s[7] / s[3], md = s[8] / s[3];
    return (s[1] / s[3] - mu * md) / (s[0] / s[3] - mu * mu);
  };
  const r2 = (s: number[]) => {
    const mu = s[7] / s[3], md = s[8] / s[3];
    const cov = s[1] / s[3] - mu * md;
    return cov * cov / ((s[0] / s[3] - mu * mu) * (s[2] / s[3] - md * md));
  };
  const slope1 = (s: number[]) => {
    const mu = s[9] / s[6], md = s[10] / s[6];
    return (s[5] / s[6] - mu * md) / (s[4] / s[6] - mu * mu);
  };
  const r21 = (s: number[]) => {
    const mu = s[9] / s[6], md = s[10] / s[6];
    const cov = s[5] / s[6] - mu * md;
    return cov * cov / ((s[4] / s[6] - mu * mu) * (s[2] / s[3] - (s[8] / s[3]) ** 2));
  };
  const total = blocks.reduce((a, b) => a.map((v, i) => v + b[i]), new Array(11).fill(0));
  const method = `regression of ${interval}-s mid changes on the sum of sign surprises ε − ε̂ ` +
    `(ε̂: AR(${phi.length}) forecast of the sign), block bootstrap`;
  return {
    theta: fitted(slope(total), blockSe(blocks, slope), "ticks per unit surprise", method),
    thetaLagged: fitted(
      slope1(total),
      blockSe(blocks, slope1),
      "ticks per unit surprise",
      method + " (previous interval)",
    ),
    impactShare: fitted(r2(total), blockSe(blocks, r2), "share of variance", method + " (R²)"),
    laggedShare: fitted(
      r21(total),
      blockSe(blocks, r21),
      "share of variance",
      method + " (R² of the previous interval's surprises)",
    ),
    interval,
    intervals: flat.length,
  };
}

/** Horizons (s) of the calendar-time response to a sign surprise. */
export const RESPONSE_HORIZONS: readonly number[] = [0.2, 0.5, 1, 2, 5, 10, 20, 30];

/** The response of the mid to a market order's sign surprise, in calendar time. */
export interface ResponseFit {
  /** Immediate impact per unit surprise, ticks (over the first horizon). */
  theta: Estimate;
  /** Share of the mid's variance the immediate impact of surprises explains. */
  impactShare: Estimate;
  /** Rate (per second) at which the response's drift after the first horizon saturates. */
  revealRate: Estimate;
  /** Size of that drift per unit surprise, ticks. */
  drift: Estimate;
  /** E[u²], the variance of the sign surprise. */
  surpriseVariance: number;
  /** Market orders per second. */
  orderRate: number;
  /** Horizons (s) of the response. */
  horizons: number[];
  /** The response per unit surprise at each horizon, ticks. */
  response: number[];
}

/**
 * The mid's response to the sign surprise u = ε − ε̂ of each market order at horizons τ
 * (calendar time), per unit surprise: R(τ) = E[u·(m(t + τ) − m(t⁻))] / E[u²], m(t⁻) the mid
 * just before the order (a later order's surprise is uncorrelated with u, so R measures this
 * order's own effect and the information it carried). The first horizon (0.2 s, or two book
 * updates on a batched feed) gives the immediate impact θ and, with the surprise variance
 * and the order rate, the share of the variance it explains (`impactShare`); the drift
 * after it, B = R(τ_max) − R(τ₀), is information revealed later, and the time τ½ it takes to
 * rise half-way gives the rate of an exponential revelation, r = ln 2 / (τ½ − τ₀) (the
 * fundamental's `revealRate`). Standard errors by a bootstrap over blocks of 60 s.
 */
export function fitResponse(
  records: readonly MarketRecord[],
  phi: Float64Array,
  varianceRate: number,
): ResponseFit {
  const q = maxOf(records.map((r) => r.quoteInterval));
  const hs = RESPONSE_HORIZONS.map((h, i) => i === 0 ? Math.max(h, 2 * q) : h).filter((h, i, a) =>
    i === 0 || h > a[0]
  );
  const H = hs.length;
  // per block of 60 s: [Σu², n, Σ u·Δm(τ) (H), count(τ) (H)]
  const blocks: number[][] = [];
  let orders = 0, seconds = 0;
  for (const r of records) {
    const n = r.moSign.length;
    orders += n;
    for (const [a, b] of r.segments) seconds += b - a;
    const u = signSurprises(r, phi);
    let cur: number[] | null = null;
    let curEnd = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = r.moTime[i];
      const seg = r.segments.find(([a, b]) => t >= a && t <= b);
      if (!seg) continue;
      if (t >= curEnd || cur === null) {
        cur = new Array(2 + 2 * H).fill(0);
        blocks.push(cur);
        curEnd = t + 60;
      }
      const before = midBeforeOrder(r, t);
      if (before !== before) continue;
      cur[0] += u[i] * u[i];
      cur[1]++;
      for (let h = 0; h < H; h++) {
        if (t + hs[h] > seg[1]) continue;
        const m = observedMid(r, t + hs[h], 0);
        if (m !== m) continue;
        cur[2 + h] += u[i] * (m - before);
        cur[2 + H + h]++;
      }
    }
  }
  if (orders < 100) {
    throw new InsufficientDataError("response", "at least 100 market orders", `${orders}`);
  }
  const rate = orders / seconds;
  const curve = (s: number[]) => hs.map((_, h) => (s[2 + h] / s[2 + H + h]) / (s[0] / s[1]));
  // the drift after the first horizon and the time it takes to reach half of it (linear
  // interpolation): r = ln 2 / τ½ for an exponential revelation
  const fitCurve = (R: number[]) => {
    const B = R[H - 1] - R[0];
    let half = hs[H - 1];
    for (let h = 1; h < H; h++) {
      const target = R[0] + B / 2;
      if ((B > 0 && R[h] >= target) || (B < 0 && R[h] <= target)) {
        const f = (target - R[h - 1]) / (R[h] - R[h - 1]);
        half = hs[h - 1] + (Number.isFinite(f) ? f : 1) * (hs[h] - hs[h - 1]);
        break;
      }
    }
    const r = Math.LN2 / Math.max(1e-3, half - hs[0]);
    return { r, B };
  };
  const total = blocks.reduce((a, b) => a.map((v, i) => v + b[i]), new Array(2 + 2 * H).fill(0));
  const R = curve(total);
  const fit = fitCurve(R);
  const eu2 = total[0] / total[1];
  const share = (s: number[]) => {
    const th = curve(s)[0];
    return th * th * (s[0] / s[1]) * rate / varianceRate;
  };
  const method = `response of the mid over ${
    hs[0]
  } s to a unit sign surprise (AR(${phi.length}) forecast), bootstrap over 60-s blocks`;
  const theta = R[0];
  return {
    theta: fitted(theta, blockSe(blocks, (s) => curve(s)[0]), "ticks per unit surprise", method),
    impactShare: fitted(
      Math.min(0.99, theta * theta * eu2 * rate / varianceRate),
      blockSe(blocks, share),
      "share of variance",
      method + ": θ²·E[u²]·(orders per second) / variance rate",
    ),
    revealRate: fitted(
      fit.r,
      blockSe(blocks, (s) => fitCurve(curve(s)).r),
      "per second",
      `ln 2 / (time for the response to rise half-way from τ₀ = ${hs[0]} s to τ = ${
        hs[H - 1]
      } s), the rate of an exponential revelation`,
    ),
    drift: fitted(
      fit.B,
      blockSe(blocks, (s) => fitCurve(curve(s)).B),
      "ticks per unit surprise",
      `R(${hs[H - 1]} s) − R(${hs[0]} s)`,
    ),
    surpriseVariance: eu2,
    orderRate: rate,
    horizons: hs,
    response: R,
  };
}

/** Windows (s) the pace-of-trading fit considers (those above the tape's clock tick). */
export const PACE_WINDOWS: readonly number[] = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5];

/** The impact of a market order by the time since the previous one (`fitPace`). */
export interface PaceFit {
  /** The window (s): 0 when the pace does not change the impact (not identified). */
  window: Estimate;
  /** Impact of an order within the window over that of a later one. */
  ratio: Estimate;
  /** Share of market orders within the window of the previous one. */
  share: Estimate;
  /** Immediate impact per unit surprise of the orders within the window, ticks. */
  thetaFast: number;
  /** And of the later ones, ticks. */
  thetaSlow: number;
}

/**
 * The pace of trading's effect on impact (Dufour & Engle 2000, "Time and the price impact of
 * a trade"): the mid's response over the first horizon of {@linkcode fitResponse} (0.2 s,
 * or two book updates on a batched feed) to a unit sign surprise, for the market orders
 * that come within a window w of the previous one (θ_f) and for the others (θ_s), each by
 * least squares through the origin, Δm = θ·u. The window is the one of
 * {@linkcode PACE_WINDOWS} above the clock tick `clock` (s) whose two slopes explain the
 * most of the responses' variance (at least 5 % of the orders on each side); the ratio is
 * θ_f / θ_s, its standard error by the delta method from the slopes' bootstrap over blocks
 * of a twentieth of the data (10 to 60 s); the share is the orders within the window. A
 * difference θ_f − θ_s within two standard errors of 0 (or a slope θ_s ≤ 0) does not
 * identify the effect: window 0 (off). Orders are paired only within a segment. The ratio
 * understates the reference price's (every order's impact comes on top of the same
 * mechanical move through the book: a simulated market with ratio 4 gives 2.4).
 */
export function fitPace(
  records: readonly MarketRecord[],
  phi: Float64Array,
  clock: number,
): PaceFit {
  const q = maxOf(records.map((r) => r.quoteInterval));
  const h0 = Math.max(RESPONSE_HORIZONS[0], 2 * q);
  const windows = PACE_WINDOWS.filter((w) => w > clock * 1.5);
  const W = windows.length;
  // blocks of a twentieth of the data, 10 to 60 s (a short tape still has 20 of them)
  let seconds = 0;
  for (const r of records) for (const [a, b] of r.segments) seconds += b - a;
  const blockSeconds = Math.min(60, Math.max(10, seconds / 20));
  // per block and window: [Σu²_f, Σu·Δm_f, n_f, Σu²_s, Σu·Δm_s, n_s]
  const blocks: number[][] = [];
  for (const r of records) {
    const n = r.moSign.length;
    const surprise = signSurprises(r, phi);
    let cur: number[] | null = null;
    let curEnd = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = r.moTime[i];
      const seg = r.segments.find(([a, b]) => t >= a && t <= b);
      if (!seg || t + h0 > seg[1]) continue;
      const u = surprise[i];
      const before = midBeforeOrder(r, t);
      const after = observedMid(r, t + h0, 0);
      if (before !== before || after !== after) continue;
      if (t >= curEnd || cur === null) {
        cur = new Array(6 * W).fill(0);
        blocks.push(cur);
        curEnd = t + blockSeconds;
      }
      const gap = i > 0 && r.moTime[i - 1] >= seg[0] ? t - r.moTime[i - 1] : Infinity;
      const d = after - before;
      for (let w = 0; w < W; w++) {
        const o = 6 * w + (gap < windows[w] ? 0 : 3);
        cur[o] += u * u;
        cur[o + 1] += u * d;
        cur[o + 2]++;
      }
    }
  }
  const total = blocks.reduce((a, b) => a.map((v, i) => v + b[i]), new Array(6 * W).fill(0));
  const off = (why: string): PaceFit => ({
    window: unidentified(0, "s", why),
    ratio: unidentified(1, "ratio", why),
    share: unidentified(0, "share of market orders", why),
    thetaFast: NaN,
    thetaSlow: NaN,
  });
  let best = -1, bestEss = -Infinity;
  for (let w = 0; w < W; w++) {
    const [u2f, udf, nf, u2s, uds, ns] = total.slice(6 * w, 6 * w + 6);
    if (nf < 0.05 * (nf + ns) || ns < 0.05 * (nf + ns) || !(u2f > 0 && u2s > 0)) continue;
    const ess = udf * udf / u2f + uds * uds / u2s;
    if (ess > bestEss) {
      bestEss = ess;
      best = w;
    }
  }
  if (best < 0) return off("not identified: too few orders on one side of every window");
  const o = 6 * best;
  const thetaFast = total[o + 1] / total[o], thetaSlow = total[o + 4] / total[o + 3];
  const ratio = thetaFast / thetaSlow;
  // delta method from the two slopes' bootstrap errors (distinct orders: covariance left out;
  // a bootstrap of the ratio itself is heavy-tailed where θ_s comes near 0)
  const seFast = blockSe(blocks, (s) => s[o + 1] / s[o]);
  const seSlow = blockSe(blocks, (s) => s[o + 4] / s[o + 3]);
  const se = Math.abs(ratio) * Math.hypot(seFast / thetaFast, seSlow / thetaSlow);
  // the test on the difference θ_f − θ_s (a ratio's bootstrap is heavy-tailed: θ_s divides)
  const diffOf = (s: number[]) => s[o + 1] / s[o] - s[o + 4] / s[o + 3];
  const diffSe = blockSe(blocks, diffOf);
  const window = windows[best];
  const method = `least squares of the mid's response over ${h0} s to a unit sign surprise, ` +
    `orders within ${window * 1000} ms of the previous one and the others ` +
    `(the window of ${windows.map((w) => w * 1000).join(", ")} ms that explains the most)`;
  if (!(thetaSlow > 0) || !(Math.abs(thetaFast - thetaSlow) >= 2 * diffSe)) {
    return {
      ...off(
        `not identified: the impact does not depend on the time since the previous order ` +
          `(θ_f − θ_s = ${sig(thetaFast - thetaSlow, 3)} ± ${sig(diffSe, 2)} ticks at ${
            window * 1000
          } ms)`,
      ),
      thetaFast,
      thetaSlow,
    };
  }
  const share = total[o + 2] / (total[o + 2] + total[o + 5]);
  return {
    window: derived(window, NaN, "s", method),
    ratio: fitted(
      Math.min(100, Math.max(0, ratio)),
      se,
      "ratio",
      method +
        `: θ_f / θ_s, delta method from the slopes' bootstrap over ${
          sig(blockSeconds, 3)
        }-s blocks`,
    ),
    share: fitted(
      share,
      blockSe(blocks, (s) => s[o + 2] / (s[o + 2] + s[o + 5])),
      "share of market orders",
      `market orders within ${window * 1000} ms of the previous one, bootstrap over ${
        sig(blockSeconds, 3)
      }-s blocks`,
    ),
    thetaFast,
    thetaSlow,
  };
}

/**
 * The sign surprises u = ε − ε̂ of a record's market orders, ε̂ the linear forecast `phi` of
 * each sign from the previous ones (clamped to [−1, 1]).
 */
function signSurprises(r: MarketRecord, phi: Float64Array): Float64Array {
  const n = r.moSign.length;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let k = 0; k < phi.length && i - 1 - k >= 0; k++) f += phi[k] * r.moSign[i - 1 - k];
    u[i] = r.moSign[i] - Math.max(-1, Math.min(1, f));
  }
  return u;
}

/**
 * The mid just before a market order at `t`: on a batched feed the book at the last grid time
 * before t, else the last quote record strictly before t.
 */
function midBeforeOrder(r: MarketRecord, t: number): number {
  const qi = r.quoteInterval;
  return qi > 0
    ? observedMid(
      r,
      Math.floor(t / qi + 1e-9) * qi - (Math.abs(t / qi - Math.round(t / qi)) < 1e-9 ? qi : 0),
      0,
    )
    : midStrictlyBefore(r, t);
}

/** The mid of the last quote record strictly before `t` (an event-by-event feed). */
function midStrictlyBefore(r: MarketRecord, t: number): number {
  const q = r.qTime;
  let lo = 0, hi = q.length - 1, k = -1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (q[m] < t) {
      k = m;
      lo = m + 1;
    } else hi = m - 1;
  }
  if (k < 0) return NaN;
  const b = r.bid[k], a = r.ask[k];
  return b === b && a === a && a > b ? (a + b) / 2 : NaN;
}

/** Feed latency fit (`latency.marketData`). */
export interface LatencyFit {
  /** Median latency, ms (relative to the fastest message when the clocks were shifted). */
  medianMs: Estimate;
  /** Log-normal shape σ. */
  sigma: Estimate;
  /** Messages used. */
  messages: number;
}

/**
 * Fits a log-normal to the feed latencies (local minus exchange time) of the events of a tape
 * with two clocks (not those whose exchange time was estimated), by maximum likelihood on the
 * positive latencies (log-mean and log-standard deviation; standard errors σ/√n and σ/√(2n)).
 * A tape with one clock does not identify the feed latency: the library default is kept.
 */
export function fitLatency(
  tapes: readonly Tape[],
  defaultMs: number,
): LatencyFit {
  let s = 0, s2 = 0, n = 0;
  let shifted = false;
  for (const tape of tapes) {
    if (!tape.meta.hasLocalTime) continue;
    if (tape.meta.clockOffsetNs !== 0) shifted = true;
    const c = tape.columns;
    for (let i = tape.meta.bookStart; i < tape.length; i++) {
      if (c.flags[i] & (FLAG.ESTIMATED_TS | FLAG.SNAPSHOT)) continue;
      if (c.kind[i] === EVENT.CLEAR) continue;
      const lat = (c.localTs[i] - c.ts[i]) / 1e6;
      if (!(lat > 0)) continue;
      const l = Math.log(lat);
      s += l;
      s2 += l * l;
      n++;
    }
  }
  if (n < 30) {
    const why = "not identified: the tape has one clock (library default kept)";
    return {
      medianMs: unidentified(defaultMs, "ms", why),
      sigma: unidentified(0, "log-normal shape", why),
      messages: n,
    };
  }
  const mu = s / n;
  const sd = Math.sqrt(Math.max(0, s2 / n - mu * mu));
  const median = Math.exp(mu);
  const note = shifted
    ? "the recorder's clock was shifted so that the fastest message has zero latency: this is the latency above the fastest message, not its level"
    : undefined;
  const method = "log-normal maximum likelihood of local minus exchange time";
  return {
    medianMs: fitted(median, median * sd / Math.sqrt(n), "ms", method, note),
    sigma: fitted(sd, sd / Math.sqrt(2 * n), "log-normal shape", method),
    messages: n,
  };
}
