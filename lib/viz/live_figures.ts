/**
 * Figures of a live episode, built to be extended point by point (Plotly's `extendTraces`)
 * as the market runs: the episode chart (mid with our quotes and fills, inventory, P&L with
 * its drawdown) with a fixed trace order ({@linkcode LIVE_TRACES}), and the order book's
 * depth ladder, redrawn at each frame.
 *
 * @module
 */
import { axis, baseLayout } from "./_util.ts";
import { agentColor } from "./colors.ts";
import type { Figure, Trace } from "./types.ts";

/** Trace indices of {@linkcode liveEpisodeFigure}, for `extendTraces`. */
export const LIVE_TRACES: Readonly<
  Record<
    "mid" | "bid" | "ask" | "bidFills" | "askFills" | "inventory" | "pnl" | "drawdown",
    number
  >
> = Object.freeze({
  mid: 0,
  bid: 1,
  ask: 2,
  bidFills: 3,
  askFills: 4,
  inventory: 5,
  pnl: 6,
  drawdown: 7,
});

/**
 * The live episode chart, empty: three panels sharing the time axis (price, quotes and
 * fills; inventory; P&L and drawdown), x from 0 to `duration`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LIVE_TRACES, liveEpisodeFigure } from "./live_figures.ts";
 * const fig = liveEpisodeFigure({ agent: "glft", duration: 60 });
 * assert.equal(fig.data[LIVE_TRACES.pnl].name, "P&L");
 * assert.equal(fig.data.length, 8);
 * ```
 */
export function liveEpisodeFigure(
  opts: { agent: string; duration: number; title?: string; height?: number },
): Figure {
  const c = agentColor(opts.agent);
  const empty = () => ({ x: [] as number[], y: [] as number[] });
  const data: Trace[] = [
    {
      type: "scatter",
      mode: "lines",
      name: "mid",
      ...empty(),
      line: { color: "#333", width: 1.5 },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "our bid",
      ...empty(),
      line: { color: "#1f78b4", width: 1, shape: "hv" },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "our ask",
      ...empty(),
      line: { color: "#e6550d", width: 1, shape: "hv" },
    },
    {
      type: "scatter",
      mode: "markers",
      name: "bid fills (we buy)",
      ...empty(),
      marker: {
        symbol: "triangle-up",
        color: "#1a9850",
        size: 9,
        line: { color: "#222", width: 0.5 },
      },
    },
    {
      type: "scatter",
      mode: "markers",
      name: "ask fills (we sell)",
      ...empty(),
      marker: {
        symbol: "triangle-down",
        color: "#d73027",
        size: 9,
        line: { color: "#222", width: 0.5 },
      },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "inventory",
      ...empty(),
      yaxis: "y2",
      fill: "tozeroy",
      line: { color: "#7570b3", width: 1, shape: "hv" },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "P&L",
      ...empty(),
      yaxis: "y3",
      line: { color: c, width: 2 },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "drawdown",
      ...empty(),
      yaxis: "y3",
      fill: "tozeroy",
      line: { color: "rgba(165,15,21,0.6)", width: 1 },
      fillcolor: "rgba(165,15,21,0.15)",
    },
  ];
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "", opts.height ?? 600),
      margin: { l: 70, r: 20, t: 30, b: 40 },
      xaxis: axis("time (s)", { anchor: "y3", range: [0, opts.duration] }),
      yaxis: axis("price ($)", { domain: [0.5, 1] }),
      yaxis2: axis("inventory (lots)", { domain: [0.29, 0.45] }),
      yaxis3: axis("P&L, drawdown ($)", { domain: [0, 0.24] }),
      legend: { orientation: "h", x: 0, y: 1.08 },
      hovermode: "closest",
      uirevision: "live",
    },
    config: { responsive: true, displaylogo: false },
  };
}

/** The depth ladder's input: the best levels of each side and our quotes. */
export interface LadderData {
  /** Bid levels, best first: price ($) and lots. */
  bids: readonly { price: number; lots: number }[];
  /** Ask levels, best first. */
  asks: readonly { price: number; lots: number }[];
  /** Our bid quote ($) or null. */
  ourBid: number | null;
  /** Our ask quote ($) or null. */
  ourAsk: number | null;
}

/**
 * The order book's depth ladder: one horizontal bar per price level (bids to the left in
 * blue, asks to the right in red, length = lots), our quotes marked with a diamond.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { depthLadderFigure } from "./live_figures.ts";
 * const fig = depthLadderFigure({
 *   bids: [{ price: 99.99, lots: 12 }], asks: [{ price: 100.01, lots: 7 }],
 *   ourBid: 99.99, ourAsk: null,
 * });
 * assert.deepEqual(fig.data[0].x, [-12]);
 * assert.deepEqual(fig.data[1].x, [7]);
 * ```
 */
export function depthLadderFigure(
  l: LadderData | null,
  opts: { title?: string; height?: number; tickSize?: number } = {},
): Figure {
  const bids = l?.bids ?? [], asks = l?.asks ?? [];
  const ours: { y: number; text: string }[] = [];
  if (l?.ourBid !== null && l?.ourBid !== undefined) ours.push({ y: l.ourBid, text: "our bid" });
  if (l?.ourAsk !== null && l?.ourAsk !== undefined) ours.push({ y: l.ourAsk, text: "our ask" });
  const maxLots = Math.max(1, ...bids.map((b) => b.lots), ...asks.map((a) => a.lots));
  const data: Trace[] = [
    {
      type: "bar",
      orientation: "h",
      name: "bids (lots)",
      x: bids.map((b) => -b.lots),
      y: bids.map((b) => b.price),
      marker: { color: "#2166ac" },
      text: bids.map((b) => String(b.lots)),
      textposition: "inside",
      hovertemplate: "bid %{y:.4f} $: %{text} lots<extra></extra>",
    },
    {
      type: "bar",
      orientation: "h",
      name: "asks (lots)",
      x: asks.map((a) => a.lots),
      y: asks.map((a) => a.price),
      marker: { color: "#b2182b" },
      text: asks.map((a) => String(a.lots)),
      textposition: "inside",
      hovertemplate: "ask %{y:.4f} $: %{text} lots<extra></extra>",
    },
    {
      type: "scatter",
      mode: "markers+text",
      name: "our quotes",
      x: ours.map((o) => (o.text === "our bid" ? -maxLots * 1.05 : maxLots * 1.05)),
      y: ours.map((o) => o.y),
      text: ours.map((o) => o.text),
      textposition: ours.map((o) => (o.text === "our bid" ? "middle right" : "middle left")),
      marker: { symbol: "diamond", size: 11, color: "#111" },
      hovertemplate: "%{text}: %{y:.4f} $<extra></extra>",
    },
  ];
  const tick = opts.tickSize ?? 0.01;
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? "", opts.height ?? 400),
      margin: { l: 70, r: 20, t: 30, b: 40 },
      barmode: "overlay",
      bargap: 0.15,
      xaxis: axis("lots (bids ←  → asks)", {
        range: [-maxLots * 1.3, maxLots * 1.3],
        zeroline: true,
      }),
      yaxis: axis("price ($)", { tickformat: tick < 0.01 ? ".4f" : ".2f" }),
      legend: { orientation: "h", x: 0, y: 1.08 },
      showlegend: true,
      uirevision: "ladder",
    },
    config: { responsive: true, displaylogo: false, staticPlot: false },
  };
}
