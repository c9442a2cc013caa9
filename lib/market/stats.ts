/**
 * Summary statistics of a simulated (or recorded) market from its {@linkcode MarketTape}:
 * the regime facts that must hang together in a consistent market — tick-relative spread,
 * depth at the touch in units of the mean market order, mid-change rate, volatility in
 * ticks, trade rate and the informed share of volume.
 *
 * Spread and depth are time-weighted over [start, end]; volatility is the realised
 * variance of the mid sampled every `sampleSeconds`, per second, scaled to a trading day of
 * 23,400 s. Units: ticks, lots, seconds.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { FLOW_TYPE, type MarketTape } from "./tape.ts";

/** Seconds in a trading day (6.5 h). */
const DAY = 23_400;

/** Options of {@linkcode marketStats}. */
export interface MarketStatsOptions {
  /** Start of the window, s (default the first quote). */
  start?: number;
  /** End of the window, s (default the tape's last record). */
  end?: number;
  /** Sampling interval of the mid for the realised volatility, s (default 10). */
  sampleSeconds?: number;
}

/** What {@linkcode marketStats} measures. */
export interface MarketStats {
  /** Length of the window, s. */
  seconds: number;
  /** Time-weighted mean spread, ticks. */
  meanSpread: number;
  /** Share of time the spread is one tick. */
  oneTickShare: number;
  /** Share of time the spread is two ticks. */
  twoTickShare: number;
  /** Time-weighted mean depth at the best quotes (mean of the two sides), lots. */
  touchDepth: number;
  /** Aggressive orders (market orders and crossing limit orders) per second. */
  marketOrdersPerSecond: number;
  /** Mean lots executed per aggressive order. */
  meanOrderSize: number;
  /** `touchDepth / meanOrderSize`: how many mean market orders the touch absorbs. */
  touchDepthInOrders: number;
  /** Changes of the mid per second. */
  midChangesPerSecond: number;
  /** Realised volatility of the mid over a trading day, ticks. */
  dailyVolatilityTicks: number;
  /** Lots traded per second. */
  volumePerSecond: number;
  /** Share of traded lots whose aggressor was informed. */
  informedVolumeShare: number;
}

/**
 * Statistics of the market recorded on `tape` (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FLOW_TYPE, MAKER, MarketTape } from "./tape.ts";
 * import { marketStats } from "./stats.ts";
 * const tape = new MarketTape();
 * tape.quote(0, 99, 100, 6, 6);
 * tape.trade(5, 100, 3, 0, FLOW_TYPE.UNINFORMED, MAKER.BACKGROUND, 0);
 * tape.quote(5, 99, 100, 6, 3);
 * tape.quote(10, 99, 101, 6, 4);
 * const s = marketStats(tape, { end: 20, sampleSeconds: 5 });
 * assert.equal(s.oneTickShare, 0.5);
 * assert.equal(s.meanOrderSize, 3);
 * ```
 */
export function marketStats(tape: MarketTape, options: MarketStatsOptions = {}): MarketStats {
  if (tape.quotes === 0) throw new ValidationError("tape", "empty", "a tape with quotes");
  const start = options.start ?? tape.quoteTime[0];
  const end = options.end ?? tape.endTime;
  const step = options.sampleSeconds ?? 10;
  if (!(end > start)) throw new ValidationError("end", end, `a time after start (${start})`);
  if (!(step > 0)) throw new ValidationError("sampleSeconds", step, "a time > 0 s");
  const span = end - start;
  // time-weighted spread and depth
  let wSpread = 0, wOne = 0, wTwo = 0, wDepth = 0, wBoth = 0, midChanges = 0;
  let lastMid = NaN;
  const k0 = Math.max(0, tape.quoteIndexAt(start));
  for (let k = k0; k < tape.quotes; k++) {
    const t0 = Math.max(start, tape.quoteTime[k]);
    if (t0 >= end) break;
    const t1 = Math.min(end, k + 1 < tape.quotes ? tape.quoteTime[k + 1] : end);
    const w = t1 - t0;
    const b = tape.bid[k];
    const a = tape.ask[k];
    if (b === b && a === a) {
      const s = a - b;
      wSpread += w * s;
      if (s === 1) wOne += w;
      else if (s === 2) wTwo += w;
      wDepth += w * 0.5 * (tape.bidQty[k] + tape.askQty[k]);
      wBoth += w;
      const mid = (a + b) / 2;
      if (tape.quoteTime[k] >= start && lastMid === lastMid && mid !== lastMid) midChanges++;
      lastMid = mid;
    }
  }
  // aggressive orders and volume
  let orders = 0, lots = 0, informed = 0;
  let lastOrder = NaN;
  for (let k = 0; k < tape.trades; k++) {
    const t = tape.tradeTime[k];
    if (t < start || t > end) continue;
    lots += tape.qty[k];
    if (tape.aggressor[k] === FLOW_TYPE.INFORMED) informed += tape.qty[k];
    if (tape.order[k] !== lastOrder) {
      orders++;
      lastOrder = tape.order[k];
    }
  }
  // realised variance of the mid sampled every `step`
  let rv = 0, n = 0;
  let prev = tape.midAt(start);
  for (let t = start + step; t <= end + 1e-9; t += step) {
    const m = tape.midAt(t);
    if (m === m && prev === prev) {
      rv += (m - prev) * (m - prev);
      n++;
    }
    prev = m;
  }
  const meanOrderSize = orders > 0 ? lots / orders : NaN;
  const touchDepth = wBoth > 0 ? wDepth / wBoth : NaN;
  return {
    seconds: span,
    meanSpread: wBoth > 0 ? wSpread / wBoth : NaN,
    oneTickShare: wBoth > 0 ? wOne / wBoth : NaN,
    twoTickShare: wBoth > 0 ? wTwo / wBoth : NaN,
    touchDepth,
    marketOrdersPerSecond: orders / span,
    meanOrderSize,
    touchDepthInOrders: touchDepth / meanOrderSize,
    midChangesPerSecond: midChanges / span,
    dailyVolatilityTicks: n > 0 ? Math.sqrt((rv / (n * step)) * DAY) : NaN,
    volumePerSecond: lots / span,
    informedVolumeShare: lots > 0 ? informed / lots : NaN,
  };
}
