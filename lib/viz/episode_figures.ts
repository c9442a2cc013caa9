/**
 * Figures of one episode: mid price with our quotes and fills, inventory, P&L with
 * drawdown, a three-panel overview, and the order-book depth heatmap.
 *
 * @module
 */
import { axis, baseLayout, color, drawdownSeries, pick, strideIndices } from "./_util.ts";
import type { Datum, Figure, Shape, Trace } from "./types.ts";

/**
 * The per-step series a figure needs; an `EpisodeRecord` satisfies it, and so does
 * a partially filled live buffer (only `time` and `mid` are required).
 */
export interface EpisodeSeries {
  /** Market time at the end of each step, seconds. */
  time: ArrayLike<number>;
  /** Mid price, dollars. */
  mid: ArrayLike<number>;
  /** Our bid quote, dollars (NaN when none). */
  bidQuote?: ArrayLike<number>;
  /** Our ask quote, dollars (NaN when none). */
  askQuote?: ArrayLike<number>;
  /** Bid lots filled per step. */
  bidFilled?: ArrayLike<number>;
  /** Ask lots filled per step. */
  askFilled?: ArrayLike<number>;
  /** Volume-weighted bid fill price (NaN if none). */
  bidFillPrice?: ArrayLike<number>;
  /** Volume-weighted ask fill price (NaN if none). */
  askFillPrice?: ArrayLike<number>;
  /** Inventory, lots. */
  inventory?: ArrayLike<number>;
  /** Mark-to-market P&L, dollars. */
  pnl?: ArrayLike<number>;
  /** Regime index per step. */
  regime?: ArrayLike<number>;
  /** Number of valid rows (default: `time.length`); for live buffers. */
  steps?: number;
}

/** Options of the episode figures. */
export interface EpisodeFigureOptions {
  /** Figure title. */
  title?: string;
  /** At most this many points per line (fills are never thinned); default 1500. */
  maxPoints?: number;
  /** Height in px. */
  height?: number;
  /** Regime names: when given with `regime`, shade the background by regime. */
  regimeNames?: readonly string[];
}

function rows(s: EpisodeSeries): number {
  return Math.min(s.steps ?? s.time.length, s.time.length, s.mid.length);
}

function fillTraces(
  s: EpisodeSeries,
  n: number,
  yaxis = "y",
): Trace[] {
  const out: Trace[] = [];
  const sides = [
    {
      name: "bid fills (we buy)",
      q: s.bidFilled,
      p: s.bidFillPrice,
      sym: "triangle-up",
      c: "#009E73",
    },
    {
      name: "ask fills (we sell)",
      q: s.askFilled,
      p: s.askFillPrice,
      sym: "triangle-down",
      c: "#D55E00",
    },
  ];
  for (const side of sides) {
    if (!side.q || !side.p) continue;
    const x: Datum[] = [], y: Datum[] = [], size: number[] = [], text: string[] = [];
    for (let i = 0; i < n; i++) {
      const q = side.q[i];
      if (q > 0 && Number.isFinite(side.p[i])) {
        x.push(s.time[i]);
        y.push(side.p[i]);
        size.push(6 + 2 * Math.sqrt(q));
        text.push(`${q} lots`);
      }
    }
    out.push({
      type: "scatter",
      mode: "markers",
      name: side.name,
      x,
      y,
      text,
      yaxis,
      marker: { symbol: side.sym, color: side.c, size, line: { color: "#333", width: 0.5 } },
      hovertemplate: "t=%{x:.1f}s<br>%{y:.4f} $<br>%{text}<extra></extra>",
    });
  }
  return out;
}

function priceTraces(s: EpisodeSeries, n: number, maxPoints: number, yaxis = "y"): Trace[] {
  const idx = strideIndices(n, maxPoints);
  const x = pick(s.time, idx);
  const out: Trace[] = [{
    type: "scatter",
    mode: "lines",
    name: "mid",
    x,
    y: pick(s.mid, idx),
    yaxis,
    line: { color: "#333333", width: 1.5 },
  }];
  if (s.bidQuote) {
    out.push({
      type: "scatter",
      mode: "lines",
      name: "our bid",
      x,
      y: pick(s.bidQuote, idx),
      yaxis,
      line: { color: color(0), width: 1, shape: "hv" },
    });
  }
  if (s.askQuote) {
    out.push({
      type: "scatter",
      mode: "lines",
      name: "our ask",
      x,
      y: pick(s.askQuote, idx),
      yaxis,
      line: { color: color(1), width: 1, shape: "hv" },
    });
  }
  return [...out, ...fillTraces(s, n, yaxis)];
}

/** Background rectangles, one per run of equal regime, on the x axis (paper y). */
export function regimeShapes(
  time: ArrayLike<number>,
  regime: ArrayLike<number>,
  n: number = Math.min(time.length, regime.length),
): Shape[] {
  const fills = [
    "rgba(0,158,115,0.08)",
    "rgba(0,0,0,0)",
    "rgba(213,94,0,0.12)",
    "rgba(204,121,167,0.12)",
  ];
  const shapes: Shape[] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || regime[i] !== regime[start]) {
      const r = regime[start];
      const fill = fills[r % fills.length];
      if (fill !== "rgba(0,0,0,0)") {
        shapes.push({
          type: "rect",
          xref: "x",
          yref: "paper",
          x0: start === 0 ? 0 : time[start - 1],
          x1: time[i - 1],
          y0: 0,
          y1: 1,
          fillcolor: fill,
          line: { width: 0 },
          layer: "below",
        });
      }
      start = i;
    }
  }
  return shapes;
}

/**
 * Mid price with our bid/ask quotes (step lines) and fills (triangles sized by lots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { priceQuotesFigure } from "./episode_figures.ts";
 * const fig = priceQuotesFigure({
 *   time: [0.1, 0.2], mid: [100, 100.01], bidQuote: [99.99, 100], askQuote: [100.01, 100.02],
 *   bidFilled: [0, 2], askFilled: [0, 0], bidFillPrice: [NaN, 100], askFillPrice: [NaN, NaN],
 * });
 * assert.deepEqual(fig.data.map((t) => t.name), [
 *   "mid", "our bid", "our ask", "bid fills (we buy)", "ask fills (we sell)",
 * ]);
 * assert.deepEqual(fig.data[3].x, [0.2]); // one bid fill (2 lots at 100), no ask fill
 * assert.deepEqual(fig.data[4].x, []);
 * ```
 */
export function priceQuotesFigure(s: EpisodeSeries, opts: EpisodeFigureOptions = {}): Figure {
  const n = rows(s);
  const layout = {
    ...baseLayout(opts.title ?? "Mid price, our quotes and fills", opts.height),
    xaxis: axis("time (s)"),
    yaxis: axis("price ($)"),
    hovermode: "closest",
  };
  const shapes = s.regime && opts.regimeNames ? regimeShapes(s.time, s.regime, n) : undefined;
  return {
    data: priceTraces(s, n, opts.maxPoints ?? 1500),
    layout: shapes ? { ...layout, shapes } : layout,
  };
}

/** Inventory (lots) over time, as a filled step line. */
export function inventoryFigure(s: EpisodeSeries, opts: EpisodeFigureOptions = {}): Figure {
  const n = rows(s);
  const idx = strideIndices(n, opts.maxPoints ?? 1500);
  return {
    data: [{
      type: "scatter",
      mode: "lines",
      name: "inventory",
      x: pick(s.time, idx),
      y: s.inventory ? pick(s.inventory, idx) : [],
      line: { color: color(2), shape: "hv" },
      fill: "tozeroy",
    }],
    layout: {
      ...baseLayout(opts.title ?? "Inventory", opts.height ?? 300),
      xaxis: axis("time (s)"),
      yaxis: axis("inventory (lots)"),
    },
  };
}

/** P&L (top) and its drawdown from the running peak (bottom, shaded). */
export function pnlDrawdownFigure(s: EpisodeSeries, opts: EpisodeFigureOptions = {}): Figure {
  const n = rows(s);
  const idx = strideIndices(n, opts.maxPoints ?? 1500);
  const pnl = s.pnl ?? new Float64Array(n);
  const dd = drawdownSeries(Array.from({ length: n }, (_, i) => pnl[i]));
  const x = pick(s.time, idx);
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "P&L",
        x,
        y: pick(pnl, idx),
        line: { color: color(0) },
      },
      {
        type: "scatter",
        mode: "lines",
        name: "drawdown",
        x,
        y: pick(dd, idx).map((v) => (v === null ? null : -Number(v))),
        yaxis: "y2",
        fill: "tozeroy",
        line: { color: color(1), width: 1 },
      },
    ],
    layout: {
      ...baseLayout(opts.title ?? "P&L and drawdown", opts.height ?? 420),
      xaxis: axis("time (s)", { anchor: "y2" }),
      yaxis: axis("P&L ($)", { domain: [0.38, 1] }),
      yaxis2: axis("drawdown ($)", { domain: [0, 0.3] }),
    },
  };
}

/**
 * Three stacked panels sharing the time axis: price with quotes and fills, inventory,
 * and P&L. The tutorial's live simulation redraws this figure as the episode runs.
 */
export function episodeFigure(s: EpisodeSeries, opts: EpisodeFigureOptions = {}): Figure {
  const n = rows(s);
  const max = opts.maxPoints ?? 1500;
  const idx = strideIndices(n, max);
  const x = pick(s.time, idx);
  const data: Trace[] = priceTraces(s, n, max, "y");
  if (s.inventory) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: "inventory",
      x,
      y: pick(s.inventory, idx),
      yaxis: "y2",
      fill: "tozeroy",
      line: { color: color(2), shape: "hv", width: 1 },
    });
  }
  if (s.pnl) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: "P&L",
      x,
      y: pick(s.pnl, idx),
      yaxis: "y3",
      line: { color: color(3), width: 1.5 },
    });
  }
  const layout = {
    ...baseLayout(opts.title ?? "Episode", opts.height ?? 620),
    xaxis: axis("time (s)", { anchor: "y3" }),
    yaxis: axis("price ($)", { domain: [0.5, 1] }),
    yaxis2: axis("inventory (lots)", { domain: [0.27, 0.45] }),
    yaxis3: axis("P&L ($)", { domain: [0, 0.22] }),
    legend: { orientation: "h" as const, x: 0, y: -0.1 },
    hovermode: "closest",
  };
  const shapes = s.regime && opts.regimeNames ? regimeShapes(s.time, s.regime, n) : undefined;
  return { data, layout: shapes ? { ...layout, shapes } : layout };
}

/** One level-2 snapshot of the book; prices in ticks (as `OrderBook.l2` writes them). */
export interface DepthSnapshot {
  /** Market time, seconds. */
  time: number;
  /** Bid prices in ticks, best first (NaN past the filled levels). */
  bidPrice: ArrayLike<number>;
  /** Bid lots per level. */
  bidQty: ArrayLike<number>;
  /** Ask prices in ticks, best first. */
  askPrice: ArrayLike<number>;
  /** Ask lots per level. */
  askQty: ArrayLike<number>;
  /** Filled bid levels (default: all finite prices). */
  bidLevels?: number;
  /** Filled ask levels. */
  askLevels?: number;
}

/** A price × time depth matrix: bids positive, asks negative. */
export interface DepthMatrix {
  /** Snapshot times, seconds. */
  time: number[];
  /** Price grid, dollars (ascending). */
  price: number[];
  /** `z[p][t]`: signed lots at price p and time t (bid > 0, ask < 0), `null` when empty. */
  z: (number | null)[][];
}

/**
 * Builds the {@linkcode DepthMatrix} of a series of snapshots, on the grid of ticks
 * spanned by the levels seen (at most `maxRows` ticks around the median mid).
 */
export function depthMatrix(
  snapshots: readonly DepthSnapshot[],
  tickSize: number,
  maxRows = 80,
): DepthMatrix {
  let lo = Infinity, hi = -Infinity;
  const mids: number[] = [];
  for (const s of snapshots) {
    const nb = s.bidLevels ?? s.bidPrice.length, na = s.askLevels ?? s.askPrice.length;
    for (let i = 0; i < nb; i++) {
      if (Number.isFinite(s.bidPrice[i])) lo = Math.min(lo, s.bidPrice[i]);
    }
    for (let i = 0; i < na; i++) {
      if (Number.isFinite(s.askPrice[i])) hi = Math.max(hi, s.askPrice[i]);
    }
    if (nb > 0 && na > 0 && Number.isFinite(s.bidPrice[0]) && Number.isFinite(s.askPrice[0])) {
      mids.push((s.bidPrice[0] + s.askPrice[0]) / 2);
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { time: [], price: [], z: [] };
  if (hi - lo + 1 > maxRows) {
    mids.sort((a, b) => a - b);
    const m = Math.round(mids.length ? mids[mids.length >> 1] : (lo + hi) / 2);
    lo = Math.max(lo, m - Math.floor(maxRows / 2));
    hi = lo + maxRows - 1;
  }
  const nRows = hi - lo + 1;
  const z: (number | null)[][] = Array.from(
    { length: nRows },
    () => new Array(snapshots.length).fill(null),
  );
  snapshots.forEach((s, t) => {
    const nb = s.bidLevels ?? s.bidPrice.length, na = s.askLevels ?? s.askPrice.length;
    for (let i = 0; i < nb; i++) {
      const r = s.bidPrice[i] - lo;
      if (r >= 0 && r < nRows && s.bidQty[i] > 0) z[r][t] = s.bidQty[i];
    }
    for (let i = 0; i < na; i++) {
      const r = s.askPrice[i] - lo;
      if (r >= 0 && r < nRows && s.askQty[i] > 0) z[r][t] = -s.askQty[i];
    }
  });
  const price = Array.from({ length: nRows }, (_, r) => +((lo + r) * tickSize).toFixed(10));
  return { time: snapshots.map((s) => s.time), price, z };
}

/**
 * Order-book depth over time as a heatmap (blue: bid lots, red: ask lots), with the
 * mid price overlaid when `mid` (dollars, one per snapshot) is given.
 */
export function depthHeatmapFigure(
  m: DepthMatrix,
  opts: { title?: string; mid?: ArrayLike<number>; height?: number } = {},
): Figure {
  let zmax = 1;
  for (const row of m.z) for (const v of row) if (v !== null) zmax = Math.max(zmax, Math.abs(v));
  const data: Trace[] = [{
    type: "heatmap",
    name: "depth",
    x: m.time,
    y: m.price,
    z: m.z,
    zmid: 0,
    zmin: -zmax,
    zmax,
    colorscale: [[0, "#b2182b"], [0.5, "#f7f7f7"], [1, "#2166ac"]],
    colorbar: { title: { text: "lots (bid +, ask −)" } },
    hovertemplate: "t=%{x:.1f}s<br>%{y:.2f} $<br>%{z} lots<extra></extra>",
  }];
  if (opts.mid) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: "mid",
      x: m.time,
      y: Array.from(opts.mid, (v) => (Number.isFinite(v) ? v : null)),
      line: { color: "#111111", width: 1.5 },
    });
  }
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "Order-book depth (price × time)", opts.height ?? 440),
      xaxis: axis("time (s)"),
      yaxis: axis("price ($)"),
    },
  };
}
