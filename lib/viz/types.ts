/**
 * Small local typings of the Plotly figure format: enough to build and check the
 * figures ALPE draws, without depending on `@types/plotly.js`. A figure is plain
 * JSON (`{ data, layout, config }`) that plotly.js (browser) renders.
 *
 * @module
 */

/** A JSON value (what a Plotly attribute may hold). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

/** A numeric or categorical axis value; `null` is a gap. */
export type Datum = number | string | null;

/** Marker style of scatter and bar traces. */
export interface Marker {
  /** Colour, or one colour per point. */
  color?: string | Datum[];
  /** Size in px, or one size per point. */
  size?: number | number[];
  /** Marker symbol, e.g. "triangle-up". */
  symbol?: string | string[];
  /** Opacity 0..1. */
  opacity?: number;
  /** Outline. */
  line?: { color?: string; width?: number };
  /** Colour scale when `color` is numeric. */
  colorscale?: string | [number, string][];
  /** Show a colour bar. */
  showscale?: boolean;
}

/** Line style. */
export interface Line {
  /** Colour. */
  color?: string;
  /** Width in px. */
  width?: number;
  /** Dash pattern: "solid", "dot", "dash"… */
  dash?: string;
  /** Line shape: "linear", "hv" (step)… */
  shape?: string;
}

/** Error bars. */
export interface ErrorBar {
  /** "data": explicit values. */
  type: "data";
  /** Symmetric errors, or the upper errors when `arrayminus` is set. */
  array: number[];
  /** Lower errors (asymmetric). */
  arrayminus?: number[];
  /** Whether the bars are drawn. */
  visible?: boolean;
  /** Asymmetric when true. */
  symmetric?: boolean;
}

/** One Plotly trace (the subset of attributes ALPE uses). */
export interface Trace {
  /** Trace type: "scatter", "bar", "heatmap", "histogram", "violin", "box"… */
  type: string;
  /** Legend name. */
  name?: string;
  /** Drawing mode of scatter traces: "lines", "markers", "lines+markers". */
  mode?: string;
  /** x values. */
  x?: Datum[];
  /** y values. */
  y?: Datum[];
  /** z matrix (heatmaps), rows are y. */
  z?: (number | null)[][];
  /** Hover / label text (a matrix for heatmaps). */
  text?: string | string[] | string[][];
  /** Hover template. */
  hovertemplate?: string;
  /** Line style. */
  line?: Line;
  /** Marker style. */
  marker?: Marker;
  /** y error bars. */
  error_y?: ErrorBar;
  /** x error bars. */
  error_x?: ErrorBar;
  /** Axis ids, e.g. "x2", "y2". */
  xaxis?: string;
  /** Axis id of y. */
  yaxis?: string;
  /** Fill mode, e.g. "tozeroy", "tonexty". */
  fill?: string;
  /** Fill colour. */
  fillcolor?: string;
  /** Colour scale (heatmaps). */
  colorscale?: string | [number, string][];
  /** Symmetric colour range around zero. */
  zmid?: number;
  /** Lower end of the colour range. */
  zmin?: number;
  /** Upper end of the colour range. */
  zmax?: number;
  /** Colour bar settings. */
  colorbar?: { title?: { text: string } };
  /** Show in legend. */
  showlegend?: boolean;
  /** Legend group. */
  legendgroup?: string;
  /** Opacity 0..1. */
  opacity?: number;
  /** Histogram bins count. */
  nbinsx?: number;
  /** Histogram normalization: "probability density"… */
  histnorm?: string;
  /** Violin/box: show the box. */
  box?: { visible: boolean };
  /** Violin: show the mean line. */
  meanline?: { visible: boolean };
  /** Violin/box: points shown ("all", "outliers", false). */
  points?: string | false;
  /** Bar orientation "v" | "h". */
  orientation?: "v" | "h";
  /** Histogram / bar overlay offset group. */
  offsetgroup?: string;
  /** Any other attribute. */
  [key: string]: unknown;
}

/** An axis of the layout. */
export interface Axis {
  /** Axis title. */
  title?: { text: string };
  /** "linear", "log", "date", "category". */
  type?: string;
  /** Range [min, max]. */
  range?: [number, number];
  /** Domain of the plotting area, fractions [0, 1]. */
  domain?: [number, number];
  /** Axis this one is anchored to. */
  anchor?: string;
  /** Axis whose scale this one shares. */
  matches?: string;
  /** Overlay another axis, e.g. "y". */
  overlaying?: string;
  /** Side: "left" | "right" | "top" | "bottom". */
  side?: string;
  /** Show the zero line. */
  zeroline?: boolean;
  /** Tick format, e.g. ".2f" or ".0%". */
  tickformat?: string;
  /** Any other attribute. */
  [key: string]: unknown;
}

/** A shape drawn on the plot (lines, rectangles). */
export interface Shape {
  /** "line" | "rect". */
  type: "line" | "rect";
  /** Reference of x: "x", "paper"… */
  xref?: string;
  /** Reference of y. */
  yref?: string;
  /** Start x. */
  x0: number | string;
  /** End x. */
  x1: number | string;
  /** Start y. */
  y0: number;
  /** End y. */
  y1: number;
  /** Outline. */
  line?: Line;
  /** Fill colour. */
  fillcolor?: string;
  /** Opacity. */
  opacity?: number;
  /** Drawn below the traces when "below". */
  layer?: "above" | "below";
}

/** The figure layout (subset). */
export interface Layout {
  /** Figure title. */
  title?: { text: string };
  /** Height in px. */
  height?: number;
  /** Width in px (omit to fill the container). */
  width?: number;
  /** x axis. */
  xaxis?: Axis;
  /** y axis. */
  yaxis?: Axis;
  /** Second x axis. */
  xaxis2?: Axis;
  /** Second y axis. */
  yaxis2?: Axis;
  /** Third y axis. */
  yaxis3?: Axis;
  /** Bar mode: "group", "overlay", "stack". */
  barmode?: string;
  /** Violin mode. */
  violinmode?: string;
  /** Legend placement. */
  legend?: { orientation?: "h" | "v"; x?: number; y?: number };
  /** Margins in px. */
  margin?: { l?: number; r?: number; t?: number; b?: number };
  /** Shapes. */
  shapes?: Shape[];
  /** Template, e.g. "plotly_white". */
  template?: string;
  /** Hover mode, e.g. "x unified". */
  hovermode?: string | false;
  /** Annotations. */
  annotations?: {
    text: string;
    x: number | string;
    y: number;
    xref?: string;
    yref?: string;
    showarrow?: boolean;
  }[];
  /** Any other attribute. */
  [key: string]: unknown;
}

/** plotly.js config (subset). */
export interface PlotConfig {
  /** Resize with the container. */
  responsive?: boolean;
  /** Hide the plotly logo. */
  displaylogo?: boolean;
  /** Static (non-interactive) plot. */
  staticPlot?: boolean;
  /** Any other option. */
  [key: string]: unknown;
}

/** A Plotly figure: traces, layout and (optionally) config. */
export interface Figure {
  /** The traces. */
  data: Trace[];
  /** The layout. */
  layout: Layout;
  /** plotly.js config. */
  config?: PlotConfig;
}
