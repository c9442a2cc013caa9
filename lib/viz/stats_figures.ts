/**
 * Figures across episodes and agents: P&L distributions, metric bars with 95%
 * confidence intervals, equity curves, correlation heatmaps, risk/return
 * (efficient-frontier-style) scatters, and lines with confidence bands (markout curves).
 *
 * @module
 */
import {
  axis,
  baseLayout,
  color,
  pick,
  strideIndices,
  thinCloud,
  toData,
  withAlpha,
} from "./_util.ts";
import { seriesColor } from "./colors.ts";
import type { Datum, Figure, Trace } from "./types.ts";

/** A named sample (e.g. one agent's per-episode P&Ls). */
export interface NamedSample {
  /** Series name (legend / category). */
  name: string;
  /** The values. */
  values: ArrayLike<number>;
}

/** Options of {@linkcode distributionFigure}. */
export interface DistributionOptions {
  /** "violin" (default), "box" or "histogram" (overlaid, probability density). */
  kind?: "violin" | "box" | "histogram";
  /** Figure title. */
  title?: string;
  /** Label of the values' axis. */
  valueTitle?: string;
  /** Height in px. */
  height?: number;
  /** Histogram bins (default 40). */
  bins?: number;
}

/**
 * Distributions of several samples: one violin (or box, or overlaid histogram) each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { distributionFigure } from "./stats_figures.ts";
 * const fig = distributionFigure([
 *   { name: "AS", values: [1, 2, 3] },
 *   { name: "static", values: [0, 1, -1] },
 * ], { kind: "violin" });
 * assert.deepEqual(fig.data.map((t) => [t.type, t.name]), [["violin", "AS"], ["violin", "static"]]);
 * assert.deepEqual(fig.data[1].y, [0, 1, -1]);
 * ```
 */
export function distributionFigure(
  samples: readonly NamedSample[],
  opts: DistributionOptions = {},
): Figure {
  const kind = opts.kind ?? "violin";
  const valueTitle = opts.valueTitle ?? "P&L per episode ($)";
  const data: Trace[] = samples.map((s, i) => {
    const values = toData(s.values).filter((v) => v !== null);
    if (kind === "histogram") {
      return {
        type: "histogram",
        name: s.name,
        x: values,
        opacity: 0.55,
        nbinsx: opts.bins ?? 40,
        histnorm: "probability density",
        marker: { color: seriesColor(s.name, color(i)) },
      };
    }
    return {
      type: kind,
      name: s.name,
      x: values.map(() => s.name),
      y: values,
      marker: { color: seriesColor(s.name, color(i)) },
      line: { color: seriesColor(s.name, color(i)) },
      ...(kind === "violin"
        ? { box: { visible: true }, meanline: { visible: true }, points: false as const }
        : { boxmean: true }),
    };
  });
  const layout = kind === "histogram"
    ? { xaxis: axis(valueTitle), yaxis: axis("density"), barmode: "overlay" }
    : { xaxis: axis(""), yaxis: axis(valueTitle), showlegend: false };
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "Distribution across episodes", opts.height),
      ...layout,
    },
  };
}

/** One bar with its 95% confidence interval. */
export interface MetricEstimate {
  /** Category (agent name). */
  name: string;
  /** Point estimate. */
  value: number;
  /** Lower end of the interval. */
  lo: number;
  /** Upper end of the interval. */
  hi: number;
}

/** A bar per estimate with asymmetric error bars from `lo` to `hi`. */
export function metricBarsFigure(
  estimates: readonly MetricEstimate[],
  opts: { title?: string; valueTitle?: string; height?: number } = {},
): Figure {
  return {
    data: [{
      type: "bar",
      name: opts.valueTitle ?? "value",
      x: estimates.map((e) => e.name),
      y: estimates.map((e) => (Number.isFinite(e.value) ? e.value : null)),
      marker: { color: estimates.map((e, i) => seriesColor(e.name, color(i))) },
      error_y: {
        type: "data",
        symmetric: false,
        array: estimates.map((e) => Math.max(0, e.hi - e.value) || 0),
        arrayminus: estimates.map((e) => Math.max(0, e.value - e.lo) || 0),
        visible: true,
      },
      hovertemplate: "%{x}: %{y:.4g}<extra></extra>",
    }],
    layout: {
      ...baseLayout(opts.title ?? "Mean with 95% confidence interval", opts.height ?? 380),
      xaxis: axis(""),
      yaxis: axis(opts.valueTitle ?? "value"),
      showlegend: false,
    },
  };
}

/** A cumulative curve of one agent. */
export interface EquityCurve {
  /** Agent / portfolio name. */
  name: string;
  /** Cumulative values (e.g. P&L summed over consecutive episodes). */
  values: ArrayLike<number>;
  /** x values (default 1..n). */
  x?: ArrayLike<number>;
}

/** Equity curves of several agents on one chart. */
export function equityCurvesFigure(
  curves: readonly EquityCurve[],
  opts: { title?: string; xTitle?: string; yTitle?: string; height?: number; maxPoints?: number } =
    {},
): Figure {
  const data: Trace[] = curves.map((c, i) => {
    const n = c.values.length;
    const idx = strideIndices(n, opts.maxPoints ?? 2000);
    const x: Datum[] = idx.map((j) => (c.x ? c.x[j] : j + 1));
    return {
      type: "scatter",
      mode: "lines",
      name: c.name,
      x,
      y: idx.map((j) => (Number.isFinite(c.values[j]) ? c.values[j] : null)),
      line: { color: seriesColor(c.name, color(i)), width: 1.5 },
    };
  });
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "Equity curves", opts.height),
      xaxis: axis(opts.xTitle ?? "episode"),
      yaxis: axis(opts.yTitle ?? "cumulative P&L ($)"),
    },
  };
}

/** Cumulative sum of `values` (NaN treated as 0). */
export function cumulative(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) s += values[i];
    out[i] = s;
  }
  return out;
}

/** Pearson correlation matrix of equally long samples (NaN where undefined). */
export function correlationMatrix(samples: readonly ArrayLike<number>[]): number[][] {
  const k = samples.length;
  const means = samples.map((s) => {
    let m = 0;
    for (let i = 0; i < s.length; i++) m += s[i];
    return m / s.length;
  });
  const out: number[][] = Array.from({ length: k }, () => new Array(k).fill(NaN));
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const x = samples[a], y = samples[b];
      const n = Math.min(x.length, y.length);
      let sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < n; i++) {
        const dx = x[i] - means[a], dy = y[i] - means[b];
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
      }
      const r = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
      out[a][b] = out[b][a] = r;
    }
  }
  return out;
}

/** Heatmap of a correlation matrix with the values printed in the cells. */
export function correlationHeatmapFigure(
  names: readonly string[],
  matrix: readonly (readonly number[])[],
  opts: { title?: string; height?: number } = {},
): Figure {
  const z = matrix.map((row) => row.map((v) => (Number.isFinite(v) ? v : null)));
  return {
    data: [{
      type: "heatmap",
      name: "correlation",
      x: [...names],
      y: [...names],
      z,
      zmin: -1,
      zmax: 1,
      zmid: 0,
      colorscale: [[0, "#b2182b"], [0.5, "#f7f7f7"], [1, "#2166ac"]],
      text: z.map((row) => row.map((v) => (v === null ? "" : v.toFixed(2)))),
      texttemplate: "%{text}",
      hovertemplate: "%{y} × %{x}: %{z:.3f}<extra></extra>",
    }],
    layout: {
      ...baseLayout(opts.title ?? "Correlation of P&Ls", opts.height ?? 420),
      margin: { l: 140, r: 20, t: 50, b: 90 },
      xaxis: axis(""),
      yaxis: axis("", { autorange: "reversed" }),
    },
  };
}

/** A labelled point of a risk/return scatter. */
export interface RiskReturnPoint {
  /** Label. */
  name: string;
  /** Risk (x), e.g. standard deviation of P&L. */
  risk: number;
  /** Return (y), e.g. mean P&L. */
  ret: number;
}

/**
 * Risk/return scatter of labelled points (agents, portfolios) with an optional
 * frontier line (e.g. the minimum-risk portfolios for each target return) and an optional
 * grey cloud (e.g. every allocation of a grid). A cloud of more than 5,000 points is
 * thinned to one point per cell of a 100 × 100 raster over its range, keeping its extremes
 * (its legend entry says how many are shown), so that the figure stays a small output.
 */
export function riskReturnFigure(
  points: readonly RiskReturnPoint[],
  opts: {
    title?: string;
    frontier?: { risk: ArrayLike<number>; ret: ArrayLike<number>; name?: string };
    cloud?: { risk: ArrayLike<number>; ret: ArrayLike<number>; name?: string };
    xTitle?: string;
    yTitle?: string;
    height?: number;
  } = {},
): Figure {
  const data: Trace[] = [];
  if (opts.cloud) {
    // A large cloud (notebook 05: 142 506 allocations, 10 MB of JSON) is thinned to one point
    // per cell of a 100 × 100 raster: the same picture, and an output Jupyter can carry.
    const { risk, ret } = opts.cloud;
    const idx = thinCloud(risk, ret);
    const all = Math.min(risk.length, ret.length);
    const name = opts.cloud.name ?? "random portfolios";
    data.push({
      type: "scatter",
      mode: "markers",
      name: idx.length < all ? `${name}, ${idx.length} of ${all} shown` : name,
      x: pick(risk, idx),
      y: pick(ret, idx),
      marker: { color: withAlpha("#999999", 0.35), size: 4 },
    });
  }
  if (opts.frontier) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: opts.frontier.name ?? "efficient frontier",
      x: toData(opts.frontier.risk),
      y: toData(opts.frontier.ret),
      line: { color: "#333333", width: 2 },
    });
  }
  points.forEach((p, i) =>
    data.push({
      type: "scatter",
      mode: "text+markers",
      name: p.name,
      x: [Number.isFinite(p.risk) ? p.risk : null],
      y: [Number.isFinite(p.ret) ? p.ret : null],
      text: [p.name],
      textposition: "top center",
      marker: { color: seriesColor(p.name, color(i)), size: 11 },
    })
  );
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "Risk and return", opts.height),
      xaxis: axis(opts.xTitle ?? "risk: std of P&L ($)"),
      yaxis: axis(opts.yTitle ?? "mean P&L ($)"),
      hovermode: "closest",
    },
  };
}

/** A line with an optional confidence band, e.g. a mean across episodes and its 95% CI. */
export interface IntervalSeries {
  /** Legend name. */
  name: string;
  /** x values. */
  x: ArrayLike<number>;
  /** Point estimates (NaN: a gap). */
  y: ArrayLike<number>;
  /** Lower ends of the band (drawn only together with `hi`). */
  lo?: ArrayLike<number>;
  /** Upper ends of the band. */
  hi?: ArrayLike<number>;
}

/** Options of {@linkcode intervalLinesFigure} and {@linkcode markoutCurveFigure}. */
export interface IntervalLinesOptions {
  /** Figure title. */
  title?: string;
  /** Title of the x axis. */
  xTitle?: string;
  /** Title of the y axis. */
  yTitle?: string;
  /** Height in px. */
  height?: number;
  /** Logarithmic x axis. */
  logX?: boolean;
  /** Logarithmic y axis (values ≤ 0 are not drawn). */
  logY?: boolean;
  /** Draw a dotted horizontal line at y = 0. */
  zeroLine?: boolean;
}

/**
 * Lines with markers, each with a shaded band from `lo` to `hi` in its colour (the
 * band is two extra traces, left out of the legend).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { intervalLinesFigure } from "./stats_figures.ts";
 * const fig = intervalLinesFigure([
 *   { name: "AS", x: [0, 1, 2], y: [1, 2, 1.5], lo: [0.5, 1.5, 1], hi: [1.5, 2.5, 2] },
 *   { name: "GLFT", x: [0, 1, 2], y: [1, 1, 1] },
 * ], { zeroLine: true });
 * assert.deepEqual(fig.data.map((t) => t.name), ["AS upper", "AS lower", "AS", "GLFT"]);
 * assert.equal(fig.data[1].fill, "tonexty"); // the band between AS's lower and upper lines
 * ```
 */
export function intervalLinesFigure(
  series: readonly IntervalSeries[],
  opts: IntervalLinesOptions = {},
): Figure {
  const data: Trace[] = [];
  series.forEach((s, i) => {
    const x = toData(s.x);
    if (s.lo && s.hi) {
      const band = { type: "scatter", mode: "lines", x, legendgroup: s.name, showlegend: false };
      data.push({ ...band, name: `${s.name} upper`, y: toData(s.hi), line: { width: 0 } });
      data.push({
        ...band,
        name: `${s.name} lower`,
        y: toData(s.lo),
        line: { width: 0 },
        fill: "tonexty",
        fillcolor: withAlpha(seriesColor(s.name, color(i)), 0.18),
      });
    }
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: s.name,
      legendgroup: s.name,
      x,
      y: toData(s.y),
      line: { color: seriesColor(s.name, color(i)), width: 2 },
      marker: { color: seriesColor(s.name, color(i)), size: 6 },
    });
  });
  const shapes = opts.zeroLine
    ? [{
      type: "line" as const,
      xref: "paper",
      yref: "y",
      x0: 0,
      x1: 1,
      y0: 0,
      y1: 0,
      line: { color: "#888888", width: 1, dash: "dot" },
    }]
    : undefined;
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "", opts.height),
      xaxis: axis(opts.xTitle ?? "x", opts.logX ? { type: "log" } : {}),
      yaxis: axis(opts.yTitle ?? "y", opts.logY ? { type: "log" } : {}),
      ...(shapes ? { shapes } : {}),
      hovermode: "x unified",
    },
  };
}

/**
 * Markout curves: the mean markout of our fills (positive = the mid moved in our
 * favour) against the horizon after the fill, one line per strategy with its
 * confidence band, and a zero line. Data as for {@linkcode intervalLinesFigure}, with
 * the horizons (seconds) as x.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { markoutCurveFigure } from "./stats_figures.ts";
 * const fig = markoutCurveFigure([{
 *   name: "AS", x: [0, 1, 5, 30], y: [0.8, 0.5, 0.1, -0.3],
 *   lo: [0.7, 0.3, -0.2, -0.9], hi: [0.9, 0.7, 0.4, 0.3],
 * }]);
 * assert.equal(fig.layout.xaxis?.title?.text, "horizon after the fill (s)");
 * assert.deepEqual(fig.data.at(-1)?.y, [0.8, 0.5, 0.1, -0.3]);
 * ```
 */
export function markoutCurveFigure(
  curves: readonly IntervalSeries[],
  opts: IntervalLinesOptions = {},
): Figure {
  return intervalLinesFigure(curves, {
    title: "Markouts of our fills by horizon",
    xTitle: "horizon after the fill (s)",
    yTitle: "markout (ticks per share)",
    zeroLine: true,
    ...opts,
  });
}
