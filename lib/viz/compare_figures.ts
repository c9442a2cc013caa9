/**
 * Figures of an agent comparison that stay readable when the agents' scales differ by
 * orders of magnitude: small multiples (one panel per agent or metric, each with its own
 * axis), forest plots of means with 95 % CIs, per-seed paired differences, P&L attribution
 * (spread capture vs inventory), inventory histograms, the γ grid of the calibration, and
 * a sample episode. Every agent keeps its colour ({@linkcode agentColor}).
 *
 * @module
 */
import { axis, baseLayout, color, toData, withAlpha } from "./_util.ts";
import { agentColor, seriesColor } from "./colors.ts";
import { episodeFigure, type EpisodeSeries } from "./episode_figures.ts";
import type { NamedSample } from "./stats_figures.ts";
import type { Axis, Figure, Layout, Trace } from "./types.ts";

/** Axes and title positions of a grid of `n` panels. */
interface Grid {
  /** Layout entries (xaxis, yaxis, xaxis2, …). */
  axes: Record<string, Axis>;
  /** Panel titles as paper-positioned annotations. */
  annotations: NonNullable<Layout["annotations"]>;
  /** Axis ids of panel k: ["x", "y"], ["x2", "y2"], … */
  ids: [string, string][];
  /** Height in px. */
  height: number;
}

function grid(
  titles: readonly string[],
  cols: number,
  panelHeight: number,
  xTitle: (k: number) => string,
  yTitle: (k: number) => string,
  extra: (k: number) => { x?: Partial<Axis>; y?: Partial<Axis> } = () => ({}),
): Grid {
  const n = Math.max(1, titles.length);
  const c = Math.max(1, Math.min(cols, n));
  const rows = Math.ceil(n / c);
  // Gaps in px: room for the tick labels and title of one row's x axis and the panel
  // titles of the next row.
  const gapPx = 86, top = 70, bottom = 50;
  const plotH = rows * panelHeight + (rows - 1) * gapPx;
  const hGap = 0.07;
  const w = (1 - hGap * (c - 1)) / c;
  const h = panelHeight / plotH, vGap = gapPx / plotH;
  const axes: Record<string, Axis> = {};
  const annotations: NonNullable<Layout["annotations"]> = [];
  const ids: [string, string][] = [];
  for (let k = 0; k < n; k++) {
    const r = Math.floor(k / c), col = k % c;
    const suffix = k === 0 ? "" : String(k + 1);
    const x0 = col * (w + hGap), y1 = 1 - r * (h + vGap);
    const e = extra(k);
    axes[`xaxis${suffix}`] = axis(xTitle(k), {
      domain: [x0, x0 + w],
      anchor: `y${suffix}`,
      ...e.x,
    });
    axes[`yaxis${suffix}`] = axis(yTitle(k), {
      domain: [Math.max(0, y1 - h), y1],
      anchor: `x${suffix}`,
      ...e.y,
    });
    annotations.push(
      {
        text: `<b>${titles[k] ?? ""}</b>`,
        x: x0 + w / 2,
        y: y1,
        xref: "paper",
        yref: "paper",
        showarrow: false,
        yanchor: "bottom",
        font: { size: 12 },
      } as NonNullable<Layout["annotations"]>[number],
    );
    ids.push([`x${suffix}`, `y${suffix}`]);
  }
  return { axes, annotations, ids, height: plotH + top + bottom };
}

function finite(values: ArrayLike<number>): number[] {
  return toData(values).filter((v): v is number => v !== null) as number[];
}

/** Options of {@linkcode smallMultiplesFigure}. */
export interface SmallMultiplesOptions {
  /** Figure title. */
  title?: string;
  /** Label of the values (x axis of each panel). */
  valueTitle?: string;
  /** Panels per row (default 3). */
  columns?: number;
  /** Height of one row of panels, px (default 210). */
  panelHeight?: number;
  /** Histogram bins per panel (default 25). */
  bins?: number;
}

/**
 * One histogram per sample, each on its own axes (so a wide sample does not flatten the
 * others), with a dashed line at the sample's mean; the panel title gives n and the mean.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { smallMultiplesFigure } from "./compare_figures.ts";
 * const fig = smallMultiplesFigure([
 *   { name: "random", values: [-200, 150, 30] },
 *   { name: "glft", values: [10, 12, 14] },
 * ]);
 * assert.equal(fig.data.filter((t) => t.type === "histogram").length, 2);
 * assert.equal(fig.data[0].xaxis, "x");
 * assert.equal(fig.data[1].xaxis, "x2");
 * ```
 */
export function smallMultiplesFigure(
  samples: readonly NamedSample[],
  opts: SmallMultiplesOptions = {},
): Figure {
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const clean = samples.map((s) => finite(s.values));
  const means = clean.map((v) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN));
  const g = grid(
    samples.map((s, k) =>
      `${s.name} (n=${clean[k].length}, mean ${Number.isFinite(means[k]) ? fmt(means[k]) : "–"})`
    ),
    opts.columns ?? 3,
    opts.panelHeight ?? 210,
    () => opts.valueTitle ?? "",
    (k) => (k % (opts.columns ?? 3) === 0 ? "episodes" : ""),
  );
  const data: Trace[] = [];
  const shapes: NonNullable<Layout["shapes"]> = [];
  samples.forEach((s, k) => {
    const [x, y] = g.ids[k];
    const c = seriesColor(s.name, color(k));
    data.push({
      type: "histogram",
      name: s.name,
      x: clean[k],
      xaxis: x,
      yaxis: y,
      nbinsx: opts.bins ?? 25,
      marker: { color: withAlpha(c, 0.75), line: { color: c, width: 0.5 } },
      showlegend: false,
      hovertemplate: `${s.name}: %{x}<br>%{y} episodes<extra></extra>`,
    });
    if (Number.isFinite(means[k])) {
      shapes.push({
        type: "line",
        xref: x,
        yref: `${y} domain`,
        x0: means[k],
        x1: means[k],
        y0: 0,
        y1: 1,
        line: { color: "#222", width: 1.5, dash: "dash" },
      });
    }
  });
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "Distributions (one panel per agent)", g.height),
      ...g.axes,
      annotations: g.annotations,
      shapes,
      bargap: 0.05,
      showlegend: false,
      margin: { l: 60, r: 20, t: 70, b: 50 },
    },
  };
}

/** A mean with its 95 % CI for one agent. */
export interface AgentEstimate {
  /** Agent name. */
  name: string;
  /** Mean (NaN: not available). */
  value: number;
  /** Lower end of the CI. */
  lo: number;
  /** Upper end of the CI. */
  hi: number;
}

/** One panel of a {@linkcode forestFigure}. */
export interface ForestPanel {
  /** Panel title (metric and unit). */
  title: string;
  /** One estimate per agent (same agent order in every panel). */
  estimates: readonly AgentEstimate[];
}

/**
 * Small multiples of means with 95 % CIs: one panel per metric, agents on the vertical axis
 * (in the same order everywhere), a dot and a whisker per agent in its colour, and a
 * dotted zero line where zero is in range. Replaces one bar chart per metric.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forestFigure } from "./compare_figures.ts";
 * const fig = forestFigure([
 *   { title: "Sharpe", estimates: [{ name: "glft", value: 1, lo: 0.5, hi: 1.5 }] },
 *   { title: "P&L ($)", estimates: [{ name: "glft", value: 10, lo: 8, hi: 12 }] },
 * ]);
 * assert.equal(fig.data.length, 2);
 * assert.equal(fig.data[1].yaxis, "y2");
 * ```
 */
export function forestFigure(
  panels: readonly ForestPanel[],
  opts: { title?: string; columns?: number; panelHeight?: number } = {},
): Figure {
  const names = panels[0]?.estimates.map((e) => e.name) ?? [];
  const cols = opts.columns ?? 3;
  const g = grid(
    panels.map((p) => p.title),
    cols,
    opts.panelHeight ?? Math.max(150, 40 + 24 * names.length),
    () => "",
    () => "",
    (k) => ({
      y: {
        type: "category",
        autorange: "reversed",
        showticklabels: k % cols === 0,
        categoryorder: "array",
        categoryarray: names,
      },
    }),
  );
  const data: Trace[] = panels.map((p, k) => {
    const [x, y] = g.ids[k];
    const est = p.estimates;
    const ok = (v: number) => Number.isFinite(v);
    return {
      type: "scatter",
      mode: "markers",
      name: p.title,
      x: est.map((e) => (ok(e.value) ? e.value : null)),
      y: est.map((e) => e.name),
      xaxis: x,
      yaxis: y,
      marker: { color: est.map((e) => agentColor(e.name)), size: 9 },
      error_x: {
        type: "data",
        symmetric: false,
        array: est.map((e) => (ok(e.hi) && ok(e.value) ? Math.max(0, e.hi - e.value) : 0)),
        arrayminus: est.map((e) => (ok(e.lo) && ok(e.value) ? Math.max(0, e.value - e.lo) : 0)),
        visible: true,
        thickness: 1.5,
        width: 4,
      },
      showlegend: false,
      hovertemplate: "%{y}: %{x:.4g}<extra>" + p.title.replace(/</g, "&lt;") + "</extra>",
    };
  });
  const shapes: NonNullable<Layout["shapes"]> = [];
  panels.forEach((p, k) => {
    const vals = p.estimates.flatMap((e) => [e.lo, e.hi, e.value]).filter(Number.isFinite);
    if (vals.length && Math.min(...vals) < 0 && Math.max(...vals) > 0) {
      const [x, y] = g.ids[k];
      shapes.push({
        type: "line",
        xref: x,
        yref: `${y} domain`,
        x0: 0,
        x1: 0,
        y0: 0,
        y1: 1,
        line: { color: "#999", width: 1, dash: "dot" },
      });
    }
  });
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "Means with 95% confidence intervals", g.height),
      ...g.axes,
      annotations: g.annotations,
      shapes,
      showlegend: false,
      margin: { l: 130, r: 20, t: 70, b: 50 },
    },
  };
}

/** Per-seed differences of one agent against the baseline. */
export interface PairedSeries {
  /** Agent name. */
  name: string;
  /** Differences agent − baseline, one per evaluation episode (episode order). */
  diffs: ArrayLike<number>;
  /** Evaluation seeds (hover text), same order. */
  seeds?: ArrayLike<number>;
  /** Mean difference and its 95 % CI. */
  mean: number;
  /** Lower end of the CI. */
  lo: number;
  /** Upper end of the CI. */
  hi: number;
}

/**
 * Per-seed paired differences (agent − baseline on the same seed), one panel per agent with
 * its own axis: a bar per episode, the mean difference as a line with its 95 % CI as a band,
 * and the zero line. A difference that is positive on most seeds shows as mostly upward bars.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairedDifferencesFigure } from "./compare_figures.ts";
 * const fig = pairedDifferencesFigure([
 *   { name: "glft", diffs: [1, -0.5, 2], mean: 0.83, lo: -0.5, hi: 2 },
 * ], { baseline: "avellaneda-stoikov", metric: "P&L ($)" });
 * assert.equal(fig.data[0].type, "bar");
 * ```
 */
export function pairedDifferencesFigure(
  series: readonly PairedSeries[],
  opts: { baseline: string; metric: string; title?: string; columns?: number } = {
    baseline: "baseline",
    metric: "value",
  },
): Figure {
  const cols = opts.columns ?? 2;
  const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : "–");
  const g = grid(
    series.map((s) => `${s.name}: Δ ${fmt(s.mean)} [${fmt(s.lo)}, ${fmt(s.hi)}]`),
    cols,
    220,
    () => "evaluation episode",
    (k) => (k % cols === 0 ? `Δ ${opts.metric}` : ""),
  );
  const data: Trace[] = [];
  const shapes: NonNullable<Layout["shapes"]> = [];
  series.forEach((s, k) => {
    const [x, y] = g.ids[k];
    const c = agentColor(s.name);
    const d = toData(s.diffs);
    data.push({
      type: "bar",
      name: s.name,
      x: d.map((_, i) => i),
      y: d,
      xaxis: x,
      yaxis: y,
      marker: { color: d.map((v) => (v !== null && Number(v) < 0 ? withAlpha(c, 0.45) : c)) },
      text: s.seeds ? Array.from(s.seeds, (seed) => `seed ${seed}`) : undefined,
      textposition: "none",
      hovertemplate: "episode %{x} (%{text})<br>Δ %{y:.4g}<extra>" + s.name + "</extra>",
      showlegend: false,
    });
    const band = (y0: number, y1: number, fill: string, dash?: string) => ({
      type: y0 === y1 ? "line" as const : "rect" as const,
      xref: `${x} domain`,
      yref: y,
      x0: 0,
      x1: 1,
      y0,
      y1,
      ...(y0 === y1
        ? { line: { color: fill, width: 1.5, dash: dash ?? "solid" } }
        : { fillcolor: fill, line: { width: 0 }, layer: "below" as const }),
    });
    if (Number.isFinite(s.lo) && Number.isFinite(s.hi)) {
      shapes.push(band(s.lo, s.hi, withAlpha(c, 0.15)));
    }
    if (Number.isFinite(s.mean)) shapes.push(band(s.mean, s.mean, "#222222", "dash"));
    shapes.push(band(0, 0, "#999999", "dot"));
  });
  return {
    data,
    layout: {
      ...baseLayout(
        opts.title ?? `Per-seed paired differences of ${opts.metric} against ${opts.baseline}`,
        g.height,
      ),
      ...g.axes,
      annotations: g.annotations,
      shapes,
      bargap: 0.1,
      showlegend: false,
      margin: { l: 70, r: 20, t: 70, b: 50 },
    },
  };
}

/** The P&L sources of one agent (means over episodes with 95 % CIs), dollars per episode. */
export interface AttributionRow {
  /** Agent name. */
  name: string;
  /** Spread capture. */
  spread: AgentEstimate;
  /** Inventory P&L. */
  inventory: AgentEstimate;
  /** Minus the impact cost. */
  impact: AgentEstimate;
  /** Total P&L. */
  total: AgentEstimate;
}

/**
 * P&L attribution per agent: grouped bars of spread capture, inventory P&L, −impact cost
 * and the total (which the first three add up to), with 95 % CI whiskers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { attributionFigure } from "./compare_figures.ts";
 * const e = (v: number) => ({ name: "", value: v, lo: v - 1, hi: v + 1 });
 * const fig = attributionFigure([
 *   { name: "glft", spread: e(20), inventory: e(-6), impact: e(0), total: e(14) },
 * ]);
 * assert.deepEqual(fig.data.map((t) => t.name), [
 *   "spread capture", "inventory P&L", "− impact cost", "total P&L",
 * ]);
 * ```
 */
export function attributionFigure(
  rows: readonly AttributionRow[],
  opts: { title?: string; height?: number } = {},
): Figure {
  const parts: [keyof Omit<AttributionRow, "name">, string, string][] = [
    ["spread", "spread capture", "#4C9F70"],
    ["inventory", "inventory P&L", "#C8553D"],
    ["impact", "− impact cost", "#8E7DBE"],
    ["total", "total P&L", "#333333"],
  ];
  const data: Trace[] = parts.map(([key, label, c]) => ({
    type: "bar",
    name: label,
    x: rows.map((r) => r.name),
    y: rows.map((r) => (Number.isFinite(r[key].value) ? r[key].value : null)),
    marker: { color: c },
    error_y: {
      type: "data",
      symmetric: false,
      array: rows.map((r) => Math.max(0, r[key].hi - r[key].value) || 0),
      arrayminus: rows.map((r) => Math.max(0, r[key].value - r[key].lo) || 0),
      visible: true,
      thickness: 1,
    },
    hovertemplate: `%{x}<br>${label}: %{y:.4g} $<extra></extra>`,
  }));
  return {
    data,
    layout: {
      ...baseLayout(
        opts.title ?? "Where the P&L comes from: spread capture vs inventory (mean, 95% CI)",
        opts.height ?? 430,
      ),
      barmode: "group",
      xaxis: axis(""),
      yaxis: axis("$ per episode"),
      legend: { orientation: "h", x: 0, y: -0.15 },
    },
  };
}

/** One agent's inventory histogram. */
export interface InventoryHistogramSeries {
  /** Agent name. */
  name: string;
  /** Inventory values, lots. */
  lots: readonly number[];
  /** Steps spent at each value. */
  counts: readonly number[];
}

/**
 * Inventory distributions as small multiples: one bar panel per agent (share of steps at
 * each inventory, trimmed to the values the agent visited), so that six agents do not blend
 * into one colour.
 */
export function inventoryMultiplesFigure(
  series: readonly InventoryHistogramSeries[],
  opts: { title?: string; columns?: number } = {},
): Figure {
  const cols = opts.columns ?? 3;
  const g = grid(
    series.map((s) => s.name),
    cols,
    190,
    () => "inventory (lots)",
    (k) => (k % cols === 0 ? "share of steps" : ""),
  );
  const data: Trace[] = series.map((s, k) => {
    const total = s.counts.reduce((a, b) => a + b, 0) || 1;
    let lo = 0, hi = s.counts.length - 1;
    while (lo < hi && s.counts[lo] === 0) lo++;
    while (hi > lo && s.counts[hi] === 0) hi--;
    const [x, y] = g.ids[k];
    return {
      type: "bar",
      name: s.name,
      x: s.lots.slice(lo, hi + 1),
      y: s.counts.slice(lo, hi + 1).map((c) => c / total),
      xaxis: x,
      yaxis: y,
      marker: { color: agentColor(s.name) },
      showlegend: false,
      hovertemplate: `${s.name}: %{x} lots<br>%{y:.1%} of steps<extra></extra>`,
    };
  });
  return {
    data,
    layout: {
      ...baseLayout(
        opts.title ?? "Inventory distribution (share of steps, all episodes)",
        g.height,
      ),
      ...g.axes,
      annotations: g.annotations,
      bargap: 0.1,
      showlegend: false,
      margin: { l: 60, r: 20, t: 70, b: 50 },
    },
  };
}

/** The objective of a γ grid search for one agent. */
export interface GammaScores {
  /** Agent name. */
  name: string;
  /** Grid points γ. */
  gamma: readonly number[];
  /** Objective at each point. */
  score: readonly number[];
  /** The chosen γ. */
  chosen: number;
}

/**
 * Grid searches: the objective against a tuned parameter (γ by default, log axis), one line
 * per agent, the chosen value circled.
 */
export function gammaScoresFigure(
  series: readonly GammaScores[],
  opts: { title?: string; yTitle?: string; xTitle?: string; logX?: boolean } = {},
): Figure {
  const data: Trace[] = [];
  for (const s of series) {
    const c = agentColor(s.name);
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: s.name,
      x: [...s.gamma],
      y: toData(s.score),
      line: { color: c, width: 2 },
      marker: { color: c, size: 6 },
    });
    const i = s.gamma.indexOf(s.chosen);
    if (i >= 0) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: `${s.name}: chosen ${opts.xTitle ?? "γ"} = ${s.chosen}`,
        x: [s.chosen],
        y: [Number.isFinite(s.score[i]) ? s.score[i] : null],
        marker: { color: "rgba(0,0,0,0)", size: 16, line: { color: c, width: 2.5 } },
      });
    }
  }
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "Tuning of γ on the calibration seeds", 360),
      xaxis: axis(opts.xTitle ?? "γ (1/$ per lot)", (opts.logX ?? true) ? { type: "log" } : {}),
      yaxis: axis(opts.yTitle ?? "objective"),
    },
  };
}

/**
 * One episode of one agent: mid, our quotes and fills (top), inventory and P&L, zoomed on
 * the first `window` seconds (double-click the plot to see the whole episode).
 */
export function sampleEpisodeFigure(
  name: string,
  s: EpisodeSeries,
  opts: {
    window?: number;
    title?: string;
    regimeNames?: readonly string[];
    tickSize?: number;
  } = {},
): Figure {
  const fig = episodeFigure(s, {
    title: opts.title ?? `${name}: one episode`,
    height: 560,
    regimeNames: opts.regimeNames,
  });
  const n = Math.min(s.steps ?? s.time.length, s.time.length);
  const end = n > 0 ? s.time[n - 1] : 0;
  const window = opts.window ?? 60;
  const c = agentColor(name);
  for (const t of fig.data) {
    if (t.name === "P&L") t.line = { ...t.line, color: c };
  }
  if (end > window) {
    // Zoom on the first `window` seconds, with y ranges fitted to that window (Plotly
    // does not refit y to a zoomed x); a double-click autoscales to the whole episode.
    fig.layout.xaxis = { ...fig.layout.xaxis, range: [0, window] } as Axis;
    let last = 0;
    const tick = opts.tickSize ?? 0.01;
    while (last < n && s.time[last] <= window) last++;
    const range = (
      minPad: number,
      ...cols: (ArrayLike<number> | undefined)[]
    ): [number, number] | undefined => {
      let lo = Infinity, hi = -Infinity;
      for (const col of cols) {
        if (!col) continue;
        for (let i = 0; i < last; i++) {
          const v = col[i];
          if (Number.isFinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
      if (!Number.isFinite(lo)) return undefined;
      const pad = Math.max((hi - lo) * 0.08, minPad);
      return [lo - pad, hi + pad];
    };
    const set = (key: string, r: [number, number] | undefined) => {
      const ax = fig.layout[key] as Axis | undefined;
      if (r && ax) fig.layout[key] = { ...ax, range: r, autorange: false };
    };
    set("yaxis", range(tick, s.mid, s.bidQuote, s.askQuote, s.bidFillPrice, s.askFillPrice));
    set("yaxis2", range(1, s.inventory));
    set("yaxis3", range(1, s.pnl));
  }
  return fig;
}
