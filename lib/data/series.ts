/**
 * Regular-time series of a tape's book, for statistics that need them (realized volatility,
 * the replay tier's nominal price and volatility, calibration): the mid price sampled every
 * `step` seconds between two times.
 *
 * @module
 */
import { type Tape, upperBound } from "./tape.ts";

/**
 * The mid (ticks) after every event at or before each time `fromTs + k·step` (k = 0, 1, …,
 * while ≤ `toTs`); NaN where a side of the book is empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "./csv.ts";
 * import { midSeries } from "./series.ts";
 * const p = new CsvParser("t.csv");
 * ["ts,type,side,price,qty", "0,snapshot,bid,9.99,5", "0,snapshot,ask,10.01,5",
 *   "1500000000,update,ask,10.00,1"].forEach((l, i) => p.push(l, i + 1));
 * assert.deepEqual([...midSeries(p.finish(), 0, 2e9, 1)], [1000, 1000, 999.5]);
 * ```
 */
export function midSeries(tape: Tape, fromTs: number, toTs: number, step: number): Float64Array {
  const c = tape.columns;
  const stepNs = step * 1e9;
  const n = Math.max(0, Math.floor((toTs - fromTs) / stepNs) + 1);
  const out = new Float64Array(n);
  let row = 0;
  for (let k = 0; k < n; k++) {
    const t = fromTs + k * stepNs;
    row = upperBound(c.ts, t, row);
    const r = row - 1;
    out[k] = r >= 0 && c.bestBid[r] < c.bestAsk[r] ? (c.bestBid[r] + c.bestAsk[r]) / 2 : NaN;
  }
  return out;
}

/**
 * Mean mid (price units) and the daily volatility of relative mid changes sampled every second
 * over the book span of each tape (pooled), with a trading day of `secondsPerDay` seconds:
 * std(Δm/m)·√secondsPerDay. NaN when fewer than two samples exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTapeSync } from "./load.ts";
 * import { midStats } from "./series.ts";
 * const tape = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz", { cacheDir: null });
 * const s = midStats([tape], 23_400);
 * assert.ok(s.meanPrice > 50_000 && s.meanPrice < 70_000);
 * assert.ok(s.dailyVolatility > 0.001 && s.dailyVolatility < 0.2);
 * ```
 */
export function midStats(
  tapes: readonly Tape[],
  secondsPerDay: number,
): { meanPrice: number; dailyVolatility: number; samples: number } {
  let sum = 0, count = 0;
  let rs = 0, rs2 = 0, rn = 0;
  for (const tape of tapes) {
    if (tape.length === 0) continue;
    const c = tape.columns;
    const start = c.ts[Math.min(tape.meta.bookStart, tape.length - 1)];
    const mids = midSeries(tape, start, c.ts[tape.length - 1], 1);
    let prev = NaN;
    for (const m of mids) {
      if (m === m) {
        sum += m * tape.meta.tickSize;
        count++;
        if (prev === prev) {
          const r = (m - prev) / prev;
          rs += r;
          rs2 += r * r;
          rn++;
        }
      }
      prev = m;
    }
  }
  const mean = rn > 0 ? rs / rn : 0;
  const variance = rn > 1 ? (rs2 - rn * mean * mean) / (rn - 1) : NaN;
  return {
    meanPrice: count > 0 ? sum / count : NaN,
    dailyVolatility: Math.sqrt(Math.max(0, variance) * secondsPerDay),
    samples: rn,
  };
}
