/**
 * Figures across episodes and agents: P&L distributions, metric bars with 95%
 * confidence intervals, equity curves, correlation heatmaps and risk/return
 * (efficient-frontier-style) scatters.
 *
 * @module
 */
import { axis, baseLayout, color, strideIndices, toData, withAlpha } from "./_util.ts";
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
 * import { distributionFigure } from "./stats_figures.ts";
 * const fig = distributionFigure([
 *   { name: "AS", values: [1, 2, 3] },
 *   { name: "static", values: [0, 1, -1] },
 * ], { kind: "violin" });
 * fig.data.length; // 2
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
        marker: { color: color(i) },
      };
    }
    return {
      type: kind,
      name: s.name,
      x: values.map(() => s.name),
      y: values,
      marker: { color: color(i) },
      line: { color: color(i) },
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
      marker: { color: estimates.map((_, i) => color(i)) },
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
      line: { color: color(i), width: 1.5 },
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
 * frontier line (e.g. the minimum-risk portfolios for each target return).
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
    data.push({
      type: "scatter",
      mode: "markers",
      name: opts.cloud.name ?? "random portfolios",
      x: toData(opts.cloud.risk),
      y: toData(opts.cloud.ret),
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
      marker: { color: color(i), size: 11 },
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
