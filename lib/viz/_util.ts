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
