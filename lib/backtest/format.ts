/**
 * Formatting of backtest results: consistent rounding for JSON (so equal runs give equal
 * bytes and files stay readable), the metric list with labels and units, and the plain-text
 * comparison tables (`mean [lo, hi]` cells).
 *
 * @module
 */
import type { MetricSummary } from "../analytics/mod.ts";

/** Significant digits kept in JSON output. */
export const JSON_SIGNIFICANT_DIGITS = 10;

/**
 * `x` rounded to `digits` significant digits; non-finite numbers become `null` (JSON has
 * no NaN or Infinity).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roundNumber } from "./format.ts";
 * assert.equal(roundNumber(1 / 3, 4), 0.3333);
 * assert.equal(roundNumber(NaN), null);
 * ```
 */
export function roundNumber(x: number, digits: number = JSON_SIGNIFICANT_DIGITS): number | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return 0; // also turns -0 into 0
  return Number(x.toPrecision(digits));
}

/** A JSON-ready deep copy of `value`: numbers rounded, typed arrays as arrays, NaN as null. */
export function roundDeep(value: unknown, digits: number = JSON_SIGNIFICANT_DIGITS): unknown {
  if (typeof value === "number") return roundNumber(value, digits);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, (v) => roundNumber(v, digits));
  }
  if (Array.isArray(value)) return value.map((v) => roundDeep(v, digits));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = roundDeep(v, digits);
    }
    return out;
  }
  return value;
}

/** A metric shown in the comparison table. */
export interface TableMetric {
  /** Key in the per-episode metrics and the aggregate. */
  key: string;
  /** Column header. */
  label: string;
  /** Display scale (e.g. 100 for percent); JSON keeps the unscaled value. */
  scale: number;
  /** Unit and meaning (for the JSON `units` block and the legend). */
  unit: string;
}

/** The table's metrics, in column order: the headline four, then the rest. */
export const TABLE_METRICS: readonly TableMetric[] = Object.freeze([
  {
    key: "sharpePooled",
    label: "Sharpe (pooled)",
    scale: 1,
    unit: "annualized Sharpe ratio of the per-period returns of all episodes pooled into one " +
      "series (mean/std × √periodsPerYear); its sign is the sign of the mean P&L; CI from a " +
      "cluster bootstrap over episodes",
  },
  {
    key: "totalPnl",
    label: "Total P&L ($)",
    scale: 1,
    unit: "USD: final mark-to-market P&L of the episode, net of fees and impact costs",
  },
  {
    key: "maxDrawdown",
    label: "Max DD ($)",
    scale: 1,
    unit: "USD, <= 0: largest peak-to-trough fall of the per-step P&L curve (from 0)",
  },
  {
    key: "avgAbsInventory",
    label: "Avg |Inv| (lots)",
    scale: 1,
    unit: "lots: mean absolute inventory over the steps (the mean absolute position, MAP)",
  },
  {
    key: "avgAbsInventoryShares",
    label: "Avg |Inv| (units)",
    scale: 1,
    unit: "units of the asset (shares, BTC): mean absolute inventory × lotSize",
  },
  {
    key: "pnlToMap",
    label: "P&L/MAP ($/lot)",
    scale: 1,
    unit: "USD per lot: total P&L / mean absolute position (Spooner et al. 2018)",
  },
  {
    key: "episodeSharpe",
    label: "Ep. Sharpe",
    scale: 1,
    unit: "per-episode view: mean / std of episode P&L across episodes, not annualized",
  },
  {
    key: "sharpe",
    label: "Sharpe (ep. mean)",
    scale: 1,
    unit: "mean across episodes of each episode's annualized Sharpe ratio of its per-period " +
      "returns (the paired tests use this per-episode value)",
  },
  {
    key: "sortinoPooled",
    label: "Sortino (pooled)",
    scale: 1,
    unit: "annualized Sortino ratio of the pooled per-period returns (target 0)",
  },
  {
    key: "calmar",
    label: "Calmar",
    scale: 1,
    unit: "annual return (empyrical's compounded annual_return) / |max drawdown as a fraction " +
      "of the capital base|, mean across episodes",
  },
  {
    key: "annualVolatilityPooled",
    label: "Ann. vol (%)",
    scale: 100,
    unit: "fraction of the capital base (table: percent): annualized volatility of the pooled " +
      "per-period returns",
  },
  {
    key: "var95",
    label: "VaR95 (bp)",
    scale: 1e4,
    unit: "fraction of the capital base per period (table: basis points): 5% quantile of " +
      "the period returns, negative = loss",
  },
  {
    key: "cvar95",
    label: "CVaR95 (bp)",
    scale: 1e4,
    unit: "fraction of the capital base per period (table: basis points): mean of the " +
      "period returns at or below VaR95",
  },
  {
    key: "winRate",
    label: "Win rate (%)",
    scale: 100,
    unit: "fraction of periods with a gain among periods with a non-zero P&L change",
  },
  {
    key: "profitFactor",
    label: "Profit factor",
    scale: 1,
    unit: "gross period gains / gross period losses",
  },
  {
    key: "filledLots",
    label: "Filled (lots)",
    scale: 1,
    unit: "lots filled in the episode, both sides: how much the agent traded",
  },
  {
    key: "fillRatio",
    label: "Fill ratio (%)",
    scale: 100,
    unit: "filled lots / posted lots (posted: the lots of every new or re-sized quote, so an " +
      "agent that re-sizes often has a low ratio whatever it trades)",
  },
]);

/** Keys of {@linkcode TABLE_METRICS}, in order. */
export const TABLE_METRIC_KEYS: readonly string[] = TABLE_METRICS.map((m) => m.key);

/** A number for the table: about 3 significant digits, thousands without decimals. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "n/a" : x > 0 ? "inf" : "-inf";
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a >= 0.01 || a === 0) return x.toFixed(3);
  return x.toPrecision(2);
}

/**
 * A `mean [lo, hi]` cell, values multiplied by `scale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatEstimate } from "./format.ts";
 * const cell = formatEstimate({ mean: 1.234, ci95: [0.98, 1.51], std: 1, n: 50 });
 * assert.equal(cell, "1.23 [0.980, 1.51]");
 * ```
 */
export function formatEstimate(s: MetricSummary | undefined, scale = 1): string {
  if (!s) return "n/a";
  const [lo, hi] = s.ci95;
  return `${formatNumber(s.mean * scale)} [${formatNumber(lo * scale)}, ${
    formatNumber(hi * scale)
  }]`;
}

/** A p-value for the table. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return "n/a";
  if (p < 1e-4) return "<1e-4";
  return p.toFixed(4);
}

/** Renders rows of cells as an aligned plain-text table (first column left-aligned). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}
