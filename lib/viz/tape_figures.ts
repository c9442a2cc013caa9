/**
 * Figures of a recorded tape: its best quotes with the trades by aggressor side, and the
 * distribution of its spread in ticks.
 *
 * @module
 */
import { axis, baseLayout, finiteOrNull } from "./_util.ts";
import type { Figure } from "./types.ts";

/** The best quotes and trades of a window of a tape, in price units and seconds. */
export interface TapeQuotes {
  /** Time of each quote change, seconds. */
  time: ArrayLike<number>;
  /** Best bid at each change (NaN: empty side). */
  bid: ArrayLike<number>;
  /** Best ask at each change. */
  ask: ArrayLike<number>;
  /** Trades: time, price, quantity and aggressor sign (+1 buyer, −1 seller). */
  trades: { time: number; price: number; qty: number; sign: number }[];
}

/**
 * Best bid and ask (step lines) with every trade (▲ a buyer lifted the ask, ▼ a seller hit
 * the bid).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tapeQuotesFigure } from "./tape_figures.ts";
 * const fig = tapeQuotesFigure({
 *   time: [0, 1], bid: [9.99, 10], ask: [10.01, 10.02],
 *   trades: [{ time: 0.5, price: 10.01, qty: 2, sign: 1 }],
 * });
 * assert.deepEqual(fig.data.map((t) => t.x?.length), [2, 2, 1, 0]);
 * ```
 */
export function tapeQuotesFigure(
  q: TapeQuotes,
  opts: { title?: string; height?: number } = {},
): Figure {
  const side = (sign: number, name: string, color: string, symbol: string) => {
    const tr = q.trades.filter((t) => t.sign === sign);
    return {
      type: "scatter",
      mode: "markers",
      name,
      x: tr.map((t) => t.time),
      y: tr.map((t) => t.price),
      text: tr.map((t) => String(t.qty)),
      marker: { color, symbol, size: 7, line: { color: "#222", width: 0.5 } },
      hovertemplate: "t=%{x:.3f}s<br>%{y}<br>qty %{text}<extra></extra>",
    };
  };
  const x = Array.from(q.time);
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "best bid",
        x,
        y: Array.from(q.bid, (v) => finiteOrNull(v)),
        line: { color: "#2166ac", width: 1, shape: "hv" },
      },
      {
        type: "scatter",
        mode: "lines",
        name: "best ask",
        x,
        y: Array.from(q.ask, (v) => finiteOrNull(v)),
        line: { color: "#b2182b", width: 1, shape: "hv" },
      },
      side(1, "trade: buyer lifted the ask", "#1a9850", "triangle-up"),
      side(-1, "trade: seller hit the bid", "#d73027", "triangle-down"),
    ],
    layout: {
      ...baseLayout(opts.title ?? "Best quotes and trades", opts.height ?? 480),
      xaxis: axis("seconds from the book's start"),
      yaxis: axis("price"),
      hovermode: "closest",
    },
  };
}

/** The share of time at each spread (keys "1", "2", …, and e.g. ">10"), as bars. */
export function spreadSharesFigure(
  share: Readonly<Record<string, number>>,
  opts: { title?: string } = {},
): Figure {
  const keys = Object.keys(share);
  return {
    data: [{
      type: "bar",
      name: "share of time",
      x: keys,
      y: keys.map((k) => share[k]),
      marker: { color: "#4C72B0" },
      hovertemplate: "%{x} ticks: %{y:.1%} of the time<extra></extra>",
    }],
    layout: {
      ...baseLayout(opts.title ?? "Spread in ticks (share of time)", 320),
      xaxis: axis("spread (ticks)", { type: "category" }),
      yaxis: axis("share of time", { tickformat: ".0%" }),
      showlegend: false,
    },
  };
}
