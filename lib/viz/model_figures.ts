/**
 * Figures of models: PPO training curves (from `metrics.jsonl` rows), policy maps
 * (quotes as a function of inventory), and Almgren–Chriss liquidation trajectories
 * and their cost/risk frontier.
 *
 * @module
 */
import { axis, baseLayout, color, toData } from "./_util.ts";
import { seriesColor } from "./colors.ts";
import type { Datum, Figure, Trace } from "./types.ts";

/** One row of a training log (`metrics.jsonl`): numeric fields by name. */
export type MetricsRow = Record<string, number | string | boolean | null | undefined>;

/** Options of {@linkcode trainingCurvesFigure}. */
export interface TrainingCurvesOptions {
  /** Field used as x (default "iteration" if present, else the row index). */
  x?: string;
  /** Fields to plot, one panel each (default: every numeric field but x, at most 6). */
  series?: readonly string[];
  /** Figure title. */
  title?: string;
  /** Height of one panel in px (default 170). */
  panelHeight?: number;
}

/**
 * Training curves: one stacked panel per metric, sharing the x axis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainingCurvesFigure } from "./model_figures.ts";
 * const rows = [
 *   { iteration: 1, meanReward: -2, entropy: 1.2 },
 *   { iteration: 2, meanReward: -1, entropy: 1.1 },
 * ];
 * const fig = trainingCurvesFigure(rows);
 * assert.deepEqual(fig.data.map((t) => t.name), ["meanReward", "entropy"]); // one panel each
 * assert.deepEqual(fig.data.map((t) => t.yaxis), ["y", "y2"]);
 * ```
 */
export function trainingCurvesFigure(
  rows: readonly MetricsRow[],
  opts: TrainingCurvesOptions = {},
): Figure {
  const xKey = opts.x ?? (rows.some((r) => typeof r.iteration === "number") ? "iteration" : "");
  let series = opts.series ? [...opts.series] : [];
  if (!opts.series) {
    const seen = new Set<string>();
    for (const r of rows) {
      for (const [k, v] of Object.entries(r)) if (k !== xKey && typeof v === "number") seen.add(k);
    }
    series = [...seen].slice(0, 6);
  }
  const n = Math.max(1, series.length);
  const gap = 0.04;
  const h = (1 - gap * (n - 1)) / n;
  const x: Datum[] = rows.map((
    r,
    i,
  ) => (xKey && typeof r[xKey] === "number" ? r[xKey] as number : i + 1));
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {};
  series.forEach((key, i) => {
    const ax = i === 0 ? "" : String(i + 1);
    const top = 1 - i * (h + gap);
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: key,
      x,
      y: rows.map((
        r,
      ) => (typeof r[key] === "number" && Number.isFinite(r[key]) ? r[key] as number : null)),
      xaxis: "x",
      yaxis: `y${ax}`,
      marker: { size: 4, color: color(i) },
      line: { color: color(i), width: 1.5 },
    });
    layout[`yaxis${ax}`] = axis(key, { domain: [Math.max(0, top - h), top] });
  });
  const panel = opts.panelHeight ?? 170;
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "Training curves", 90 + panel * n),
      ...layout,
      xaxis: axis(xKey || "row", { anchor: `y${n === 1 ? "" : n}` }),
      showlegend: false,
    },
  };
}

/** Parses `metrics.jsonl` text into rows (blank and malformed lines skipped). */
export function parseMetricsJsonl(text: string): MetricsRow[] {
  const out: MetricsRow[] = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t) continue;
    try {
      const v: unknown = JSON.parse(t);
      if (v && typeof v === "object" && !Array.isArray(v)) out.push(v as MetricsRow);
    } catch {
      // skip a malformed (e.g. partially written) line
    }
  }
  return out;
}

/** Quotes of one policy as a function of inventory. */
export interface PolicyCurve {
  /** Policy name. */
  name: string;
  /** Inventory grid, lots. */
  inventory: ArrayLike<number>;
  /** Bid offset from the mid (ticks) at each inventory. */
  bid: ArrayLike<number>;
  /** Ask offset from the mid (ticks) at each inventory. */
  ask: ArrayLike<number>;
}

/**
 * Policy map: bid (solid) and ask (dashed) offsets versus inventory, one colour per
 * policy; e.g. PPO against Avellaneda–Stoikov.
 */
export function policyMapFigure(
  curves: readonly PolicyCurve[],
  opts: { title?: string; yTitle?: string; height?: number } = {},
): Figure {
  const data: Trace[] = [];
  curves.forEach((c, i) => {
    data.push({
      type: "scatter",
      mode: "lines",
      name: `${c.name} bid`,
      legendgroup: c.name,
      x: toData(c.inventory),
      y: toData(c.bid),
      line: { color: seriesColor(c.name, color(i)), width: 2 },
    });
    data.push({
      type: "scatter",
      mode: "lines",
      name: `${c.name} ask`,
      legendgroup: c.name,
      x: toData(c.inventory),
      y: toData(c.ask),
      line: { color: seriesColor(c.name, color(i)), width: 2, dash: "dash" },
    });
  });
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "Quotes by inventory", opts.height),
      xaxis: axis("inventory (lots)"),
      yaxis: axis(opts.yTitle ?? "offset from mid (ticks)"),
    },
  };
}

/** One liquidation schedule. */
export interface TrajectorySeries {
  /** Label, e.g. "λ = 1e-6". */
  name: string;
  /** Times t_0..t_N. */
  time: ArrayLike<number>;
  /** Holdings x_0..x_N. */
  holdings: ArrayLike<number>;
}

/** Almgren–Chriss holdings over time for several risk aversions. */
export function trajectoriesFigure(
  series: readonly TrajectorySeries[],
  opts: { title?: string; xTitle?: string; yTitle?: string; height?: number } = {},
): Figure {
  return {
    data: series.map((s, i) => ({
      type: "scatter",
      mode: "lines+markers",
      name: s.name,
      x: toData(s.time),
      y: toData(s.holdings),
      line: { color: color(i), width: 2 },
      marker: { size: 5, color: color(i) },
    })),
    layout: {
      ...baseLayout(opts.title ?? "Optimal liquidation trajectories", opts.height),
      xaxis: axis(opts.xTitle ?? "time (days)"),
      yaxis: axis(opts.yTitle ?? "shares held"),
    },
  };
}

/** A point (V, E) of the execution frontier. */
export interface FrontierPoint {
  /** Label. */
  name?: string;
  /** Variance of the cost, $². */
  variance: number;
  /** Expected cost, $. */
  expectation: number;
}

/**
 * The Almgren–Chriss efficient frontier: expected cost E against variance V (in
 * dollars² and dollars, rescaled by `scale`), with highlighted labelled points.
 */
export function executionFrontierFigure(
  frontier: readonly FrontierPoint[],
  highlights: readonly FrontierPoint[] = [],
  opts: { title?: string; scaleV?: number; scaleE?: number; height?: number } = {},
): Figure {
  const sv = opts.scaleV ?? 1e12, se = opts.scaleE ?? 1e6;
  const data: Trace[] = [{
    type: "scatter",
    mode: "lines",
    name: "efficient frontier",
    x: frontier.map((p) => p.variance / sv),
    y: frontier.map((p) => p.expectation / se),
    line: { color: "#333333", width: 2 },
  }];
  highlights.forEach((p, i) =>
    data.push({
      type: "scatter",
      mode: "text+markers",
      name: p.name ?? `point ${i + 1}`,
      x: [p.variance / sv],
      y: [p.expectation / se],
      text: [p.name ?? ""],
      textposition: "top right",
      marker: { size: 11, color: color(i) },
    })
  );
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "Efficient frontier of optimal execution", opts.height),
      xaxis: axis(`variance V (${sv === 1e12 ? "$² × 10¹²" : `$² / ${sv}`})`),
      yaxis: axis(`expected cost E (${se === 1e6 ? "$M" : `$ / ${se}`})`),
      hovermode: "closest",
    },
  };
}

/** A simple x/y line chart of several named series (for decay curves and the like). */
export function linesFigure(
  series: readonly { name: string; x: ArrayLike<number>; y: ArrayLike<number>; dash?: string }[],
  opts: { title?: string; xTitle?: string; yTitle?: string; height?: number; logX?: boolean } = {},
): Figure {
  return {
    data: series.map((s, i) => ({
      type: "scatter",
      mode: "lines",
      name: s.name,
      x: toData(s.x),
      y: toData(s.y),
      line: { color: color(i), width: 2, dash: s.dash ?? "solid" },
    })),
    layout: {
      ...baseLayout(opts.title ?? "", opts.height),
      xaxis: axis(opts.xTitle ?? "x", opts.logX ? { type: "log" } : {}),
      yaxis: axis(opts.yTitle ?? "y"),
    },
  };
}
