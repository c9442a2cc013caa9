/**
 * Internal helpers of the figure builders (not re-exported).
 *
 * @module
 */
import type { Axis, Datum } from "./types.ts";

/** ALPE's categorical palette (colour-blind friendly, Okabe–Ito based). */
export const PALETTE: readonly string[] = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#F0E442",
  "#000000",
  "#999999",
];

/** The i-th palette colour (cycling). */
export function color(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** `rgba()` of a `#rrggbb` colour with alpha `a`. */
export function withAlpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

/** Indices 0..n-1 thinned to at most `max` (always keeps the last one). */
export function strideIndices(n: number, max: number): number[] {
  if (n <= 0) return [];
  const stride = Math.max(1, Math.ceil(n / Math.max(2, max)));
  const out: number[] = [];
  for (let i = 0; i < n; i += stride) out.push(i);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

/**
 * A scatter cloud thinned for display: when it has more than `max` finite points, one
 * point per occupied cell of a `grid` × `grid` raster over its range (the first one met),
 * so the cloud keeps its shape and extremes at screen resolution with at most
 * `grid²` points. Returns indices in input order.
 */
export function thinCloud(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  max = 5_000,
  grid = 100,
): number[] {
  const n = Math.min(x.length, y.length);
  const finite: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) finite.push(i);
  if (finite.length <= max) return finite;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const i of finite) {
    x0 = Math.min(x0, x[i]);
    x1 = Math.max(x1, x[i]);
    y0 = Math.min(y0, y[i]);
    y1 = Math.max(y1, y[i]);
  }
  const cell = (v: number, lo: number, hi: number) =>
    Math.min(grid - 1, Math.floor(((v - lo) / (hi - lo || 1)) * grid));
  const seen = new Uint8Array(grid * grid);
  const out: number[] = [];
  // The extremes of each axis first, so that the thinned cloud spans the same range.
  const keep = new Set<number>();
  for (const i of finite) {
    if (x[i] === x0 || x[i] === x1 || y[i] === y0 || y[i] === y1) keep.add(i);
  }
  for (const i of finite) {
    const c = cell(y[i], y0, y1) * grid + cell(x[i], x0, x1);
    if (!seen[c] || keep.has(i)) {
      seen[c] = 1;
      out.push(i);
    }
  }
  return out;
}

/** Values at `idx`, non-finite ones as `null` (gaps). */
export function pick(values: ArrayLike<number>, idx: readonly number[]): Datum[] {
  return idx.map((i) => finiteOrNull(values[i]));
}

/** A finite number, or `null`. */
export function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/** Plain array of an array-like, non-finite values as `null`. */
export function toData(values: ArrayLike<number>): Datum[] {
  return Array.from(values, (v) => finiteOrNull(v));
}

/** An axis with a title. */
export function axis(title: string, extra: Partial<Axis> = {}): Axis {
  return { title: { text: title }, gridcolor: "#e5e5e5", zerolinecolor: "#bbbbbb", ...extra };
}

/** Running drawdown `max_{s<=t} x_s − x_t` (with a starting peak of `start`). */
export function drawdownSeries(values: ArrayLike<number>, start = 0): Float64Array {
  const out = new Float64Array(values.length);
  let peak = start;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && v > peak) peak = v;
    out[i] = Number.isFinite(v) ? peak - v : NaN;
  }
  return out;
}

/** Base layout shared by ALPE's figures. */
export function baseLayout(title: string, height = 420): {
  title: { text: string };
  height: number;
  plot_bgcolor: string;
  margin: { l: number; r: number; t: number; b: number };
  legend: { orientation: "h"; x: number; y: number };
} {
  return {
    title: { text: title },
    height,
    plot_bgcolor: "#ffffff",
    margin: { l: 70, r: 20, t: 50, b: 80 },
    legend: { orientation: "h", x: 0, y: -0.22 },
  };
}
