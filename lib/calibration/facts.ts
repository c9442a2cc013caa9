/**
 * The stylized facts of the realism report, computed the same way on a real and on a
 * simulated {@linkcode MarketRecord} (Cont 2001; the "Get Real" metrics of Vyetrenko et al.
 * 2020; the response function of Bouchaud et al. 2004; the effective spread of Huang & Stoll
 * 1996; the resiliency of Degryse et al. 2005). Units: ticks, lots, seconds.
 *
 * | fact                  | kind         | what                                                               |
 * | --------------------- | ------------ | ------------------------------------------------------------------ |
 * | `spread`              | distribution | spread in ticks, sampled every `grid` seconds                      |
 * | `depthInOrders`       | scalar       | mean depth at the touch (both sides) / mean market-order size     |
 * | `interArrival`        | distribution | time between market orders, log-spaced bins                        |
 * | `orderSize`           | distribution | lots executed per market order, log-spaced bins                    |
 * | `signAutocorrelation` | curve        | C(ℓ) of market-order signs, ℓ in orders                            |
 * | `returnAutocorrelation` | curve      | autocorrelation of 1-s mid returns at lags of seconds              |
 * | `kurtosis1s` …`60s`   | scalar       | kurtosis of non-overlapping mid returns at 1, 10 and 60 s          |
 * | `absReturnAutocorrelation` | curve   | autocorrelation of \|1-s mid returns\| (volatility clustering)      |
 * | `signaturePlot`       | curve        | realized variance of the mid sampled every h, over h (ticks²/s)    |
 * | `priceResponse`       | curve        | R(ℓ) = E[ε_t (m_{t+ℓ} − m_t)], mids just before orders, ticks      |
 * | `markout`             | curve        | lot-weighted markout of passive fills at the touch, ticks per lot |
 * | `effectiveSpread`     | scalar       | E/Q: mean effective spread of market orders / time-weighted quoted spread |
 * | `spreadByTradeAge`    | curve        | mean spread by the time since the last market order / mean spread  |
 * | `volumeVolatility`    | curve        | correlation of traded lots and \|mid return\| over windows of h s |
 * | `midChanges`          | distribution | \|change of the mid\| over each `grid` interval, 0 and log-spaced bins |
 *
 * Every fact is computed from **block sufficient statistics**: the record's segments are cut
 * into blocks of `blockSeconds`, each contribution (a grid sample, a pair of orders, a fill)
 * is added to the block of its first time, and the statistic is a function of the sums. The
 * realism comparison (`realism.ts`) resamples blocks to get each statistic's sampling
 * distribution (a block bootstrap, which keeps the dependence within blocks). Pairs are never
 * formed across segments (episodes, tape gaps).
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { upperBound } from "../data/tape.ts";
import { type MarketRecord, quoteIndexAt } from "./record.ts";
import { sig } from "./estimate.ts";

/** How a fact is compared (see `realism.ts`). */
export type FactKind = "distribution" | "scalar" | "curve";

/** A fact's definition: its statistics and how to read them. */
export interface FactDefinition {
  /** Key in the report, e.g. `"spread"`. */
  name: string;
  /** Title of its figure. */
  title: string;
  /** Distribution (histogram over bins), scalar or curve (a function of `x`). */
  kind: FactKind;
  /** Bin edges (distributions: `x[i]` is the left edge of bin i) or lags / horizons (curves). */
  x: number[];
  /** Label of x. */
  xLabel: string;
  /** Unit of the value. */
  unit: string;
  /** Length of one block's statistics vector. */
  size: number;
  /** Adds the record's contributions to `stats[block · size + …]`. */
  accumulate(rec: MarketRecord, blocks: Blocks, stats: Float64Array): void;
  /** The statistic (length: bins, points, or 1) from summed statistics (NaN where undefined). */
  value(sum: Float64Array): Float64Array;
  /** The number of independent-ish samples behind each value (for the minimum-data check). */
  samples(sum: Float64Array): number;
  /** Fewest samples for the fact to be judged (default 30). */
  minSamples: number;
  /**
   * What the simulator cannot reproduce of the real value, said with a failing fact (e.g. the
   * share of the tape's orders below one lot); undefined when nothing.
   */
  limit?(real: Float64Array): string | undefined;
  /**
   * Why the fact cannot be judged on these real records whatever their length (a feed that
   * does not show what it measures); undefined when it can.
   */
  notJudged?(real: readonly MarketRecord[]): string | undefined;
}

/** Blocks of a record: consecutive intervals of `seconds` within each segment. */
export interface Blocks {
  /** Start of each block, s. */
  start: Float64Array;
  /** End of each block, s. */
  end: Float64Array;
  /** Segment index of each block. */
  segment: Int32Array;
  /** The block containing `t` (−1: outside every block). */
  of(t: number): number;
}

/**
 * Cuts each segment of `rec` into blocks of `seconds` (a last piece shorter than half a
 * block joins the previous block).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeBlocks } from "./facts.ts";
 * const b = makeBlocks([[0, 24], [100, 110]], 10);
 * assert.deepEqual([...b.start], [0, 10, 100]);
 * assert.deepEqual([...b.end], [10, 24, 110]);
 * assert.equal(b.of(23), 1);
 * assert.equal(b.of(50), -1);
 * ```
 */
export function makeBlocks(segments: readonly [number, number][], seconds: number): Blocks {
  if (!(seconds > 0)) throw new ValidationError("blockSeconds", seconds, "a time > 0 s");
  const s: number[] = [], e: number[] = [], g: number[] = [];
  segments.forEach(([a, b], si) => {
    let t = a;
    const first = s.length;
    while (t < b) {
      const u = Math.min(b, t + seconds);
      if (u - t < seconds / 2 && s.length > first) e[e.length - 1] = u;
      else {
        s.push(t);
        e.push(u);
        g.push(si);
      }
      t = u;
    }
  });
  const start = Float64Array.from(s), end = Float64Array.from(e);
  return {
    start,
    end,
    segment: Int32Array.from(g),
    of(t: number): number {
      let lo = 0, hi = start.length - 1, k = -1;
      while (lo <= hi) {
        const m = (lo + hi) >> 1;
        if (start[m] <= t) {
          k = m;
          lo = m + 1;
        } else hi = m - 1;
      }
      if (k < 0) return -1;
      const last = k === start.length - 1 || segment(k) !== segment(k + 1);
      return t < end[k] || (last && t === end[k]) ? k : -1;
    },
  };
  function segment(k: number): number {
    return g[k];
  }
}

/** Options of {@linkcode defaultFacts}. */
export interface FactOptions {
  /** Sampling interval of the spread and depth, s (default 0.1, or the feed's resolution). */
  grid?: number;
}

const SIGN_LAGS = [1, 2, 3, 5, 10, 20, 50, 100];
const RETURN_LAGS = [1, 2, 3, 5, 10];
const ABS_LAGS = [1, 2, 5, 10, 20, 60];
const SIGNATURE_H = [0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60];
const RESPONSE_LAGS = [1, 2, 5, 10, 20, 50, 100];
const MARKOUT_H = [0, 0.1, 1, 5, 10, 30, 60];
const VOLUME_VOLATILITY_H = [1, 10, 60];
/** Left edges of the buckets of the time since the last market order, s (the last is open). */
const TRADE_AGE_EDGES = [0, 0.1, 1, 10, 60];
/** Fewest windows behind one point of the volume/volatility correlation (else NaN). */
const VOLUME_VOLATILITY_MIN_WINDOWS = 30;
const SPREAD_BINS = 40;
/** Left edges of the order-size bins: 0, then quarter decades from 0.01 to 10⁶ lots. */
const SIZE_EDGES = (() => {
  const e = [0];
  for (let k = -8; k <= 24; k++) e.push(Math.pow(10, k / 4));
  return e;
})();
/**
 * Left edges of the mid-change bins (ticks): [0, 0.25) holds the intervals in which the mid did
 * not change (a mid moves by half ticks), then quarter decades from half a tick to 5·10⁵ ticks.
 */
const MID_CHANGE_EDGES = (() => {
  const e = [0, 0.25];
  for (let k = 0; k <= 24; k++) e.push(0.5 * Math.pow(10, k / 4));
  return e;
})();
const IA_EDGES = (() => {
  const e = [0];
  for (let k = -3; k < 4; k += 0.25) e.push(Math.pow(10, k));
  return e;
})();

/** The mid (ticks) of quote record k, NaN when a side is empty or crossed. */
function midOf(r: MarketRecord, k: number): number {
  if (k < 0) return NaN;
  const b = r.bid[k], a = r.ask[k];
  return b === b && a === a && a > b ? (a + b) / 2 : NaN;
}

/** Calls `fn(t, k)` for grid times t = a, a + step, … < b with k the quote in force (observed). */
function forGrid(
  r: MarketRecord,
  a: number,
  b: number,
  step: number,
  fn: (t: number, k: number) => void,
): void {
  const q = r.quoteInterval;
  let k = -1;
  const n = Math.floor((b - a) / step + 1e-9);
  for (let i = 0; i <= n; i++) {
    const t = a + i * step;
    if (t > b) break;
    const at = q > 0 ? Math.floor(t / q + 1e-9) * q : t;
    while (k + 1 < r.qTime.length && r.qTime[k + 1] <= at) k++;
    fn(t, k);
  }
}

/**
 * The mid just before `t` as observed: on a batched feed the book at the last grid time
 * before t, else the last record strictly before t (records at t come after its events).
 */
function midBefore(r: MarketRecord, t: number, hint: number): number {
  const q = r.quoteInterval;
  if (q > 0) {
    let at = Math.floor(t / q + 1e-9) * q;
    if (at >= t - 1e-12) at -= q;
    return midOf(r, quoteIndexAt(r, at, hint));
  }
  let k = quoteIndexAt(r, t, hint);
  if (k >= 0 && r.qTime[k] >= t) k--;
  return midOf(r, k);
}

/** The mid at `t` as observed (after events at t). */
function midAtObs(r: MarketRecord, t: number, hint: number): number {
  const q = r.quoteInterval;
  const at = q > 0 ? Math.floor(t / q + 1e-9) * q : t;
  return midOf(r, quoteIndexAt(r, at, hint));
}

/** Mid samples on the grid of `step` within each segment (NaN where unknown). */
function midGrid(r: MarketRecord, a: number, b: number, step: number): Float64Array {
  const out: number[] = [];
  forGrid(r, a, b, step, (_t, k) => out.push(midOf(r, k)));
  return Float64Array.from(out);
}

/**
 * Calls `fn(d, blk)` for each change d of the observed mid between consecutive grid times
 * `step` apart within each segment of `r`, `blk` the block of its first time; changes where a
 * mid is unknown, or outside every block, are skipped.
 */
function forGridChanges(
  r: MarketRecord,
  blocks: Blocks,
  step: number,
  fn: (d: number, blk: number) => void,
): void {
  for (const [a, b] of r.segments) {
    const m = midGrid(r, a, b, step);
    for (let i = 0; i + 1 < m.length; i++) {
      const d = m[i + 1] - m[i];
      if (d !== d) continue;
      const blk = blocks.of(a + i * step);
      if (blk < 0) continue;
      fn(d, blk);
    }
  }
}

/**
 * Calls `fn(k, blk, t)` at each grid time t `step` apart within each segment of `r` where the
 * observed book (quote record k) has both sides and is not crossed, `blk` the block of that
 * time; times outside every block are skipped.
 */
function forBookGrid(r: MarketRecord, blocks: Blocks, step: number, fn: BookVisit): void {
  const visit = (t: number, k: number) => {
    const blk = k >= 0 && r.ask[k] > r.bid[k] ? blocks.of(t) : -1;
    if (blk >= 0) fn(k, blk, t);
  };
  for (const [a, b] of r.segments) forGrid(r, a, b, step, visit);
}

/** A visit of {@linkcode forBookGrid}: quote record `k`, in block `blk`, at grid time `t`. */
type BookVisit = (k: number, blk: number, t: number) => void;

function spreadFact(grid: number): FactDefinition {
  return {
    name: "spread",
    title: "Spread distribution",
    kind: "distribution",
    x: Array.from({ length: SPREAD_BINS }, (_, i) => i + 1),
    xLabel: "spread (ticks; the last bin holds larger spreads)",
    unit: "share of time",
    size: SPREAD_BINS,
    minSamples: 30,
    accumulate(r, blocks, stats) {
      forBookGrid(r, blocks, grid, (k, blk) => {
        const bin = Math.min(SPREAD_BINS - 1, Math.max(0, Math.round(r.ask[k] - r.bid[k]) - 1));
        stats[blk * SPREAD_BINS + bin]++;
      });
    },
    value: normalize,
    samples: (s) => s.reduce((x, y) => x + y, 0),
  };
}

function normalize(sum: Float64Array): Float64Array {
  let tot = 0;
  for (const v of sum) tot += v;
  return sum.map((v) => tot > 0 ? v / tot : NaN);
}

/** What a ratio fact ({@linkcode ratioFact}) says of itself; the rest is the ratio's. */
interface RatioFactParts extends Pick<FactDefinition, "name" | "title" | "unit" | "notJudged"> {
  /** Fewest market orders for the fact to be judged. */
  minSamples: number;
  /** Seconds between the book's samples. */
  grid: number;
  /** Market order i's value (NaN: left out). */
  order(r: MarketRecord, i: number): number;
  /** The observed book's value at quote record k (both sides, not crossed). */
  book(r: MarketRecord, k: number): number;
  /** The numerator: the mean over the market orders, or over the book's samples. */
  over: "orders" | "book";
}

/**
 * A scalar fact that is a ratio of a mean over the market orders and a mean over the book
 * sampled every `grid` seconds (time-weighted), either way up. Block statistics: [Σ book
 * values, book samples, Σ order values, orders]; its samples are the orders.
 */
function ratioFact(parts: RatioFactParts): FactDefinition {
  const { order, book, grid, over, ...said } = parts;
  return {
    ...said,
    kind: "scalar",
    x: [0],
    xLabel: "",
    size: 4,
    accumulate(r, blocks, stats) {
      forBookGrid(r, blocks, grid, (k, blk) => {
        stats[blk * 4] += book(r, k);
        stats[blk * 4 + 1]++;
      });
      for (let i = 0; i < r.moTime.length; i++) {
        const blk = blocks.of(r.moTime[i]);
        const v = blk < 0 ? NaN : order(r, i);
        if (v !== v) continue;
        stats[blk * 4 + 2] += v;
        stats[blk * 4 + 3]++;
      }
    },
    value: (s) => {
      const perBook = s[0] / s[1], perOrder = s[2] / s[3];
      return Float64Array.of(over === "orders" ? perOrder / perBook : perBook / perOrder);
    },
    samples: (s) => s[3],
  };
}

function depthFact(grid: number): FactDefinition {
  return ratioFact({
    name: "depthInOrders",
    title: "Depth at the touch in mean market orders",
    unit: "mean market orders",
    minSamples: 30,
    grid,
    book: (r, k) => 0.5 * (r.bidQty[k] + r.askQty[k]),
    order: (r, i) => r.moQty[i],
    over: "book",
  });
}

/** The bin of `v` among left edges `edges` (the last edge ≤ v; the last bin is open). */
function binOf(v: number, edges: readonly number[]): number {
  for (let j = 1; j < edges.length; j++) if (v < edges[j]) return j - 1;
  return edges.length - 1;
}

function interArrivalFact(): FactDefinition {
  const n = IA_EDGES.length;
  return {
    name: "interArrival",
    title: "Time between market orders",
    kind: "distribution",
    x: IA_EDGES,
    xLabel: "time between consecutive market orders (s, left bin edge)",
    unit: "share of intervals",
    size: n,
    minSamples: 30,
    accumulate(r, blocks, stats) {
      const t = r.moTime;
      for (let i = 0; i + 1 < t.length; i++) {
        const blk = blocks.of(t[i]);
        if (blk < 0 || blocks.of(t[i + 1]) < 0) continue;
        if (blocks.segment[blk] !== blocks.segment[blocks.of(t[i + 1])]) continue;
        // to the nanosecond (no clock is finer): a gap of exactly one millisecond, computed
        // from two times in seconds, must not fall under the 1-ms edge by rounding error
        const d = Math.round((t[i + 1] - t[i]) * 1e9) / 1e9;
        stats[blk * n + binOf(d, IA_EDGES)]++;
      }
    },
    value: normalize,
    samples: (s) => s.reduce((x, y) => x + y, 0),
  };
}

/**
 * The order-size distribution of the "Get Real" metrics (Vyetrenko et al. 2020): the lots each
 * market order executed (all its executions at one exchange time and aggressor side), in
 * quarter-decade bins from 0.01 lot (odd lots on a tape whose lot is a round lot) to 10⁶. A
 * size on a bin's edge falls in the bin it starts (relative tolerance 10⁻⁹, for sizes that are
 * decimal fractions of a lot).
 */
function orderSizeFact(): FactDefinition {
  const n = SIZE_EDGES.length;
  return {
    name: "orderSize",
    title: "Market-order sizes",
    kind: "distribution",
    x: SIZE_EDGES,
    xLabel: "lots executed per market order (left bin edge)",
    unit: "share of market orders",
    size: n,
    minSamples: 30,
    accumulate(r, blocks, stats) {
      for (let i = 0; i < r.moTime.length; i++) {
        const q = r.moQty[i];
        if (!(q > 0)) continue;
        const blk = blocks.of(r.moTime[i]);
        if (blk < 0) continue;
        stats[blk * n + binOf(q * (1 + 1e-9), SIZE_EDGES)]++;
      }
    },
    value: normalize,
    samples: (s) => s.reduce((x, y) => x + y, 0),
    limit(real) {
      // the book trades whole lots: the bins left of the edge at one lot cannot be simulated
      let below = 0;
      for (let i = 0; i + 1 < SIZE_EDGES.length && SIZE_EDGES[i + 1] <= 1; i++) below += real[i];
      return below > 0
        ? `${sig(below, 2)} of the real orders are smaller than one lot, which the simulator ` +
          `(whole lots) cannot make: the distance is at least that (a finer --lot can)`
        : undefined;
    },
  };
}

/** Segment index of each market order (−1: outside every block). */
function moSegments(r: MarketRecord, blocks: Blocks): Int32Array {
  return Int32Array.from(r.moTime, (t) => {
    const b = blocks.of(t);
    return b < 0 ? -1 : blocks.segment[b];
  });
}

function signFact(): FactDefinition {
  const L = SIGN_LAGS.length;
  const size = 2 + 2 * L;
  return {
    name: "signAutocorrelation",
    title: "Autocorrelation of market-order signs",
    kind: "curve",
    x: SIGN_LAGS,
    xLabel: "lag (market orders)",
    unit: "correlation",
    size,
    minSamples: 100,
    accumulate(r, blocks, stats) {
      const seg = moSegments(r, blocks);
      const s = r.moSign;
      for (let i = 0; i < s.length; i++) {
        if (seg[i] < 0) continue;
        const blk = blocks.of(r.moTime[i]);
        const o = blk * size;
        stats[o] += s[i];
        stats[o + 1]++;
        for (let l = 0; l < L; l++) {
          const j = i + SIGN_LAGS[l];
          if (j >= s.length || seg[j] !== seg[i]) continue;
          stats[o + 2 + 2 * l] += s[i] * s[j];
          stats[o + 3 + 2 * l]++;
        }
      }
    },
    value(sum) {
      const m = sum[0] / sum[1];
      return Float64Array.from(
        SIGN_LAGS,
        (_, l) => (sum[2 + 2 * l] / sum[3 + 2 * l] - m * m) / (1 - m * m),
      );
    },
    samples: (s) => s[1],
  };
}

/** Lag-correlation stats of a regular series x (NaN-aware) into block stats. */
function addAutocorr(
  x: Float64Array,
  times: (i: number) => number,
  lags: readonly number[],
  blocks: Blocks,
  stats: Float64Array,
  size: number,
): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) continue;
    const blk = blocks.of(times(i));
    if (blk < 0) continue;
    const o = blk * size;
    stats[o] += v;
    stats[o + 1] += v * v;
    stats[o + 2]++;
    for (let l = 0; l < lags.length; l++) {
      const j = i + lags[l];
      if (j >= x.length || x[j] !== x[j]) continue;
      stats[o + 3 + 2 * l] += v * x[j];
      stats[o + 4 + 2 * l]++;
    }
  }
}

function autocorrValue(sum: Float64Array, lags: readonly number[]): Float64Array {
  const n = sum[2];
  const m = sum[0] / n;
  const v = sum[1] / n - m * m;
  return Float64Array.from(lags, (_, l) => {
    const c = sum[3 + 2 * l], np = sum[4 + 2 * l];
    return (c / np - m * m) / v;
  });
}

function returnsFact(name: string, title: string, lags: number[], abs: boolean): FactDefinition {
  const size = 3 + 2 * lags.length;
  return {
    name,
    title,
    kind: "curve",
    x: lags,
    xLabel: "lag (s)",
    unit: "correlation",
    size,
    minSamples: 100,
    accumulate(r, blocks, stats) {
      for (const [a, b] of r.segments) {
        const m = midGrid(r, a, b, 1);
        const ret = new Float64Array(Math.max(0, m.length - 1));
        for (let i = 0; i < ret.length; i++) {
          const d = m[i + 1] - m[i];
          ret[i] = abs ? Math.abs(d) : d;
        }
        addAutocorr(ret, (i) => a + i, lags, blocks, stats, size);
      }
    },
    value: (s) => autocorrValue(s, lags),
    samples: (s) => s[2],
  };
}

function kurtosisFact(h: number): FactDefinition {
  return {
    name: `kurtosis${h}s`,
    title: `Kurtosis of ${h}-s mid returns`,
    kind: "scalar",
    x: [h],
    xLabel: "",
    unit: "kurtosis (3 for a normal law)",
    size: 5,
    minSamples: 30,
    accumulate(r, blocks, stats) {
      forGridChanges(r, blocks, h, (d, blk) => {
        const o = blk * 5;
        stats[o] += d;
        stats[o + 1] += d * d;
        stats[o + 2] += d * d * d;
        stats[o + 3] += d * d * d * d;
        stats[o + 4]++;
      });
    },
    value(s) {
      const n = s[4];
      const m1 = s[0] / n, m2 = s[1] / n, m3 = s[2] / n, m4 = s[3] / n;
      const c2 = m2 - m1 * m1;
      const c4 = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 ** 4;
      return Float64Array.of(c4 / (c2 * c2));
    },
    samples: (s) => s[4],
  };
}

function signatureFact(minH: number): FactDefinition {
  const hs = SIGNATURE_H.filter((h) => h >= minH - 1e-12);
  const size = 2 * hs.length;
  return {
    name: "signaturePlot",
    title: "Signature plot: realized variance over the sampling interval",
    kind: "curve",
    x: hs,
    xLabel: "sampling interval h (s)",
    unit: "ticks² per second",
    size,
    minSamples: 30,
    accumulate(r, blocks, stats) {
      hs.forEach((h, l) => {
        forGridChanges(r, blocks, h, (d, blk) => {
          stats[blk * size + 2 * l] += d * d;
          stats[blk * size + 2 * l + 1] += h;
        });
      });
    },
    value: (s) => Float64Array.from(hs, (_, l) => s[2 * l] / s[2 * l + 1]),
    // whole intervals: the sum of h over returns, divided by h, in floating point
    samples: (s) => Math.round(s[1] / hs[0]),
  };
}

function responseFact(): FactDefinition {
  const L = RESPONSE_LAGS.length;
  const size = 2 * L;
  return {
    name: "priceResponse",
    title: "Average price response to a market order",
    kind: "curve",
    x: RESPONSE_LAGS,
    xLabel: "lag (market orders)",
    unit: "ticks",
    size,
    minSamples: 100,
    accumulate(r, blocks, stats) {
      const seg = moSegments(r, blocks);
      const n = r.moTime.length;
      const mids = new Float64Array(n);
      let hint = 0;
      for (let i = 0; i < n; i++) {
        mids[i] = midBefore(r, r.moTime[i], hint);
        hint = Math.max(0, quoteIndexAt(r, r.moTime[i], hint));
      }
      for (let i = 0; i < n; i++) {
        if (seg[i] < 0 || mids[i] !== mids[i]) continue;
        const o = blocks.of(r.moTime[i]) * size;
        for (let l = 0; l < L; l++) {
          const j = i + RESPONSE_LAGS[l];
          if (j >= n || seg[j] !== seg[i] || mids[j] !== mids[j]) continue;
          stats[o + 2 * l] += r.moSign[i] * (mids[j] - mids[i]);
          stats[o + 2 * l + 1]++;
        }
      }
    },
    value: (s) => Float64Array.from(RESPONSE_LAGS, (_, l) => s[2 * l] / s[2 * l + 1]),
    samples: (s) => s[1],
  };
}

function markoutFact(): FactDefinition {
  const H = MARKOUT_H.length;
  const size = 2 * H + 1;
  return {
    name: "markout",
    title: "Markout of a passive fill at the touch",
    kind: "curve",
    x: MARKOUT_H,
    xLabel: "horizon after the fill (s)",
    unit: "ticks per lot (the maker's gain)",
    size,
    minSamples: 100,
    accumulate(r, blocks, stats) {
      let hint = 0;
      for (let i = 0; i < r.fillTime.length; i++) {
        if (r.fillAtTouch[i] !== 1) continue;
        const t = r.fillTime[i];
        const blk = blocks.of(t);
        if (blk < 0) continue;
        const seg = blocks.segment[blk];
        const o = blk * size;
        stats[o + 2 * H]++;
        hint = Math.max(0, quoteIndexAt(r, t, hint));
        for (let h = 0; h < H; h++) {
          const th = t + MARKOUT_H[h];
          const bh = blocks.of(th);
          if (bh < 0 || blocks.segment[bh] !== seg) continue;
          const m = midAtObs(r, th, hint);
          if (m !== m) continue;
          const q = r.fillQty[i];
          stats[o + 2 * h] += q * r.fillSide[i] * (m - r.fillPrice[i]);
          stats[o + 2 * h + 1] += q;
        }
      }
    },
    value: (s) => Float64Array.from(MARKOUT_H, (_, h) => s[2 * h] / s[2 * h + 1]),
    samples: (s) => s[2 * H],
  };
}

/**
 * The effective spread over the quoted spread, the E/Q ratio of market-quality statistics
 * (Huang & Stoll 1996; the SEC's Rule 605 reports): each market order's effective spread
 * 2·D·(P̄ − M), D its sign, P̄ the average price of its executions and M the mid just before
 * it, averaged over the orders, over the time-weighted quoted spread (ask − bid on the grid).
 * Below 1 when takers trade while the spread is narrow (or inside it, against hidden
 * liquidity), above 1 when they trade while it is wide or walk the book. A passive fill's
 * markout at 0 s is about half the spread its order met, so a market whose ratio is too high
 * flatters the maker's markout. Not judged on a batched feed: the mid just before an order is
 * not seen there (a 100-ms book is up to 100 ms older than the trade).
 */
function effectiveSpreadFact(grid: number): FactDefinition {
  return ratioFact({
    name: "effectiveSpread",
    title: "Effective spread of a market order over the quoted spread (E/Q)",
    unit: "ratio (mean effective spread / time-weighted quoted spread)",
    minSamples: 100,
    grid,
    book: (r, k) => r.ask[k] - r.bid[k],
    order: (r, i) => 2 * r.moSign[i] * (r.moPrice[i] - midBefore(r, r.moTime[i], 0)),
    over: "orders",
    notJudged: (real) =>
      real.some((r) => r.quoteInterval > 0)
        ? "the mid just before a market order is not seen on a batched feed"
        : undefined,
  });
}

/**
 * The book's resiliency, seen from the spread: the mean spread over the grid times whose
 * last market order lies 0–0.1, 0.1–1, 1–10, 10–60 and 60+ seconds back, each over the mean
 * spread of all of them (grid times before a segment's first order are left out). In a
 * market whose spread the takers set — each order widens it, and it narrows only while no
 * order comes — the curve starts above 1 and falls below it; where liquidity providers keep
 * the spread whatever the orders did, it is flat. Degryse et al. (2005) follow the spread
 * order by order after aggressive orders, Ponzi, Lillo & Mantegna (2009) its relaxation
 * after a change; this conditions on the clock instead, so that one number per bucket
 * compares a simulation with a tape of any order rate. The effective spread says at which
 * spreads the orders come; this, how the spread depends on them. On a batched feed the age
 * is read at the snapshot in force (the orders up to it). Samples: the market orders.
 */
function spreadByTradeAgeFact(grid: number): FactDefinition {
  const edges = TRADE_AGE_EDGES;
  const B = edges.length;
  const size = 2 * B + 1;
  return {
    name: "spreadByTradeAge",
    title: "Spread by the time since the last market order (resiliency)",
    kind: "curve",
    x: edges,
    xLabel: "time since the last market order (s, the bucket's left edge; the last is open)",
    unit: "mean spread in the bucket / mean spread",
    size,
    minSamples: 100,
    accumulate(r, blocks, stats) {
      const q = r.quoteInterval;
      const times = r.moTime;
      let j = 0; // orders at or before the grid time seen
      forBookGrid(r, blocks, grid, (k, blk, t) => {
        const seen = q > 0 ? Math.floor(t / q + 1e-9) * q : t;
        while (j < times.length && times[j] <= seen) j++;
        // no order yet in this segment
        if (j === 0 || times[j - 1] < r.segments[blocks.segment[blk]][0]) return;
        const o = blk * size + 2 * binOf(seen - times[j - 1], edges);
        stats[o] += r.ask[k] - r.bid[k];
        stats[o + 1]++;
      });
      for (let i = 0; i < times.length; i++) {
        const blk = blocks.of(times[i]);
        if (blk >= 0) stats[blk * size + 2 * B]++;
      }
    },
    value: (s) => {
      let sum = 0, n = 0;
      for (let i = 0; i < B; i++) {
        sum += s[2 * i];
        n += s[2 * i + 1];
      }
      return Float64Array.from(
        edges,
        (_, i) => s[2 * i + 1] > 0 ? s[2 * i] / s[2 * i + 1] / (sum / n) : NaN,
      );
    },
    samples: (s) => s[2 * B],
  };
}

/**
 * The volume/volatility correlation of Vyetrenko et al. (2020), there over minutes: over
 * non-overlapping windows of h = 1, 10 and 60 s, the Pearson correlation of the lots the
 * market orders traded in the window and the absolute change of the observed mid over it.
 * A window (t, t + h] holds the orders the mid at its end has seen (on a batched feed, those
 * up to the snapshot in force). It measures how much of the price's variance comes with
 * trading: a price moved by news alone gives ≈ 0, one moved by trades alone a strongly
 * positive value. A point with fewer than 30 windows is NaN (not compared).
 */
function volumeVolatilityFact(): FactDefinition {
  const hs = VOLUME_VOLATILITY_H;
  const size = 6 * hs.length;
  return {
    name: "volumeVolatility",
    title: "Volume/volatility: correlation of traded lots and |mid return| per window",
    kind: "curve",
    x: hs,
    xLabel: "window h (s)",
    unit: "correlation",
    size,
    minSamples: 100,
    accumulate(r, blocks, stats) {
      const q = r.quoteInterval;
      const seen = (t: number) => (q > 0 ? Math.floor(t / q + 1e-9) * q : t);
      const times = r.moTime, qty = r.moQty;
      for (const [a, b] of r.segments) {
        hs.forEach((h, l) => {
          const m = midGrid(r, a, b, h);
          let j = upperBound(times, seen(a));
          for (let i = 0; i + 1 < m.length; i++) {
            const end = seen(a + (i + 1) * h);
            let v = 0;
            while (j < times.length && times[j] <= end) v += qty[j++];
            const d = m[i + 1] - m[i];
            if (d !== d) continue;
            const blk = blocks.of(a + i * h);
            if (blk < 0) continue;
            const o = blk * size + 6 * l;
            const y = d < 0 ? -d : d;
            stats[o]++;
            stats[o + 1] += v;
            stats[o + 2] += y;
            stats[o + 3] += v * v;
            stats[o + 4] += y * y;
            stats[o + 5] += v * y;
          }
        });
      }
    },
    value: (s) =>
      Float64Array.from(hs, (_, l) => {
        const o = 6 * l;
        const n = s[o];
        if (!(n >= VOLUME_VOLATILITY_MIN_WINDOWS)) return NaN;
        const mv = s[o + 1] / n, my = s[o + 2] / n;
        const vv = s[o + 3] / n - mv * mv, yy = s[o + 4] / n - my * my;
        const vy = s[o + 5] / n - mv * my;
        return vv > 0 && yy > 0 ? Math.max(-1, Math.min(1, vy / Math.sqrt(vv * yy))) : NaN;
      }),
    samples: (s) => s[0],
  };
}

/**
 * How the mid moves at the book's resolution: the absolute change of the observed mid over
 * each interval of `grid` seconds, in ticks, its first bin the intervals without a change.
 * A large-tick market's price is sticky and jumps (BTCUSDT: the mid changes over 8 % of its
 * 0.1-s intervals, by 265 ticks at the median); a price that follows every trade moves more
 * often by less. The spread says how wide the book is, the kurtosis how heavy the returns'
 * tails are; this says how often and by how much the price a quote is set against moves.
 */
function midChangeFact(grid: number): FactDefinition {
  const n = MID_CHANGE_EDGES.length;
  return {
    name: "midChanges",
    title: "Changes of the mid over each grid interval",
    kind: "distribution",
    x: MID_CHANGE_EDGES,
    xLabel: `|change of the mid| over ${grid} s (ticks, left bin edge; the first bin: no change)`,
    unit: "share of intervals",
    size: n,
    minSamples: 30,
    accumulate(r, blocks, stats) {
      forGridChanges(r, blocks, grid, (d, blk) => {
        stats[blk * n + binOf(d < 0 ? -d : d, MID_CHANGE_EDGES)]++;
      });
    },
    value: normalize,
    samples: (s) => s.reduce((x, y) => x + y, 0),
  };
}

/**
 * The facts of the realism report (see the module doc), observed on a grid of
 * `options.grid` seconds (spread, depth) and at the records' own book resolution.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultFacts } from "./facts.ts";
 * const names = defaultFacts().map((f) => f.name);
 * assert.ok(names.includes("spread") && names.includes("orderSize"));
 * assert.equal(names.length, 17);
 * ```
 */
export function defaultFacts(options: FactOptions = {}): FactDefinition[] {
  const grid = options.grid ?? 0.1;
  return [
    spreadFact(grid),
    depthFact(grid),
    interArrivalFact(),
    signFact(),
    returnsFact(
      "returnAutocorrelation",
      "Autocorrelation of 1-s mid returns",
      RETURN_LAGS,
      false,
    ),
    kurtosisFact(1),
    kurtosisFact(10),
    kurtosisFact(60),
    returnsFact(
      "absReturnAutocorrelation",
      "Autocorrelation of absolute 1-s mid returns (volatility clustering)",
      ABS_LAGS,
      true,
    ),
    signatureFact(grid),
    responseFact(),
    markoutFact(),
    effectiveSpreadFact(grid),
    spreadByTradeAgeFact(grid),
    volumeVolatilityFact(),
    orderSizeFact(),
    midChangeFact(grid),
  ];
}

/** Block statistics of one fact over a record: `blocks × size`, row-major. */
export function blockStatistics(
  fact: FactDefinition,
  rec: MarketRecord,
  blocks: Blocks,
): Float64Array {
  const stats = new Float64Array(blocks.start.length * fact.size);
  fact.accumulate(rec, blocks, stats);
  return stats;
}

/** The sum of the rows of `stats` (blocks × size) picked by `rows`. */
export function sumBlocks(
  stats: Float64Array,
  size: number,
  rows: ArrayLike<number>,
  out: Float64Array = new Float64Array(size),
): Float64Array {
  out.fill(0);
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i] * size;
    for (let j = 0; j < size; j++) out[j] += stats[o + j];
  }
  return out;
}

/** Mid samples every `step` seconds of each segment of `rec` (for plots). */
export function sampledMids(rec: MarketRecord, step: number): Float64Array[] {
  return rec.segments.map(([a, b]) => midGrid(rec, a, b, step));
}

export { midAtObs as observedMid };
