/**
 * Cross-episode aggregation of per-episode metrics: for every numeric metric, the mean,
 * a 95 % percentile-bootstrap CI of the mean, the sample standard deviation and the
 * number of episodes that contributed.
 *
 * @module
 */
import { finiteValues, meanOf, sampleStdOf } from "./_stats.ts";
import {
  bootstrapMeansInto,
  bootstrapRng,
  DEFAULT_RESAMPLES,
  percentileInterval,
  validateResamples,
} from "./bootstrap.ts";

/** Summary of one metric across episodes. */
export interface MetricSummary {
  /** Mean over the episodes with a finite value. */
  mean: number;
  /** 95 % percentile-bootstrap CI of the mean. */
  ci95: [number, number];
  /** Sample standard deviation (ddof = 1) across episodes; NaN if n < 2. */
  std: number;
  /** Episodes with a finite value (NaN/±Infinity values are left out). */
  n: number;
}

/** Options of {@linkcode aggregate}. */
export interface AggregateOptions {
  /** Bootstrap resamples per metric (default 2,000). */
  resamples?: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function flattenInto(out: Record<string, number>, v: object, prefix: string): void {
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === "number") out[prefix + k] = x;
    else if (isPlainObject(x)) flattenInto(out, x, `${prefix}${k}.`);
  }
}

/**
 * The numeric fields of a metrics record, nested records flattened with dotted keys
 * (`markouts: { "1s": x }` → `"markouts.1s"`). Non-numeric fields are ignored.
 */
export function flattenMetrics(row: object): Record<string, number> {
  const out: Record<string, number> = {};
  flattenInto(out, row, "");
  return out;
}

/**
 * One column per metric key (union of all rows' keys, first-seen order), NaN where a
 * row lacks the key.
 */
export function metricColumns(rows: readonly object[]): Map<string, Float64Array> {
  const flat = rows.map(flattenMetrics);
  const cols = new Map<string, Float64Array>();
  for (const f of flat) {
    for (const k of Object.keys(f)) {
      if (!cols.has(k)) cols.set(k, new Float64Array(rows.length).fill(NaN));
    }
  }
  for (let i = 0; i < flat.length; i++) {
    for (const [k, v] of Object.entries(flat[i])) cols.get(k)![i] = v;
  }
  return cols;
}

/** Summary of one column of values (non-finite values skipped), using `buf` for resamples. */
function summarize(values: ArrayLike<number>, seed: string, buf: Float64Array): MetricSummary {
  const x = finiteValues(values);
  const n = x.length;
  if (n === 0) return { mean: NaN, ci95: [NaN, NaN], std: NaN, n: 0 };
  const ci = percentileInterval(bootstrapMeansInto(x, buf, bootstrapRng(seed)), 0.95);
  return { mean: meanOf(x), ci95: ci, std: sampleStdOf(x), n };
}

/**
 * Aggregates per-episode metrics (e.g. {@linkcode EpisodeMetrics} rows) across
 * episodes. Each metric's bootstrap uses its own stream, seeded by `seed` and the
 * metric's key, so results are bit-identical for the same inputs and seed and do not
 * depend on which other metrics are present.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { aggregate } from "./aggregate.ts";
 * const rows = [{ pnl: 1, fills: 3 }, { pnl: 3, fills: 5 }, { pnl: 2, fills: NaN }];
 * const agg = aggregate(rows, 42);
 * assert.deepEqual(agg.pnl, { mean: 2, ci95: [1, 3], std: 1, n: 3 });
 * assert.equal(agg.fills.n, 2); // NaN left out
 * ```
 */
export function aggregate(
  rows: readonly object[],
  seed: number | string,
  opts: AggregateOptions = {},
): Record<string, MetricSummary> {
  const buf = new Float64Array(validateResamples(opts.resamples ?? DEFAULT_RESAMPLES));
  const out: Record<string, MetricSummary> = {};
  for (const [k, col] of metricColumns(rows)) out[k] = summarize(col, `${seed}:${k}`, buf);
  return out;
}
