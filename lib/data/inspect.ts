/**
 * What a tape holds, as `deno task data inspect` prints it: events by kind, the time span,
 * price range, tick and quantity step, the time-weighted spread distribution in ticks, the
 * depth at the touch, trades per second, the feed latency where the tape has two clocks, the
 * loader's skipped and repaired counts and its reconstruction check.
 *
 * @module
 */
import { EVENT, type LoadReport, type Tape, type TapeMeta } from "./tape.ts";

/** The summary of a tape (JSON-ready). */
export interface TapeSummary {
  /** The tape's metadata. */
  meta: TapeMeta;
  /** Rows. */
  rows: number;
  /** Events by kind (from the load report). */
  events: LoadReport["events"];
  /** Source records skipped, by reason. */
  skipped: Record<string, number>;
  /** Events kept after a repair, by reason. */
  repaired: Record<string, number>;
  /** Notes of the loader. */
  notes: string[];
  /** Time span of the book (from its first snapshot to the last row). */
  span: { start: string; end: string; seconds: number };
  /** Range of the mid price over the book's span, price units. */
  priceRange: { min: number; max: number };
  /** Tick size and quantity step. */
  tickSize: number;
  /** Instrument units per quantity step. */
  qtyStep: number;
  /**
   * Spread in ticks, time-weighted over the span while both sides are present: mean,
   * quantiles and the share of time at 1, 2, …, 10 ticks and above.
   */
  spreadTicks: {
    mean: number;
    p10: number;
    median: number;
    p90: number;
    share: Record<string, number>;
  };
  /** Quantity at the best bid and ask, time-weighted median and mean, instrument units. */
  depthAtTouch: { bidMedian: number; askMedian: number; bidMean: number; askMean: number };
  /**
   * Trades (executions): count, per second, volume, mean size, the 10 %, 50 % and 90 %
   * quantiles of their sizes (instrument units) and the share smaller than the tape's lot
   * suggestion (what a simulation in that lot cannot trade: `calibrate --lot`).
   */
  trades: {
    count: number;
    perSecond: number;
    volume: number;
    meanSize: number;
    sizeP10: number;
    sizeMedian: number;
    sizeP90: number;
    belowLot: number;
  };
  /**
   * Limit orders of an order-level tape (each `ADD` one order; null on a level feed, whose
   * updates add several orders at once): count, size quantiles and the share below the lot
   * suggestion as for the trades, and the share of exactly one lot suggestion (a round lot:
   * `calibrate --limit-sizes lognormal-mix` fits it as a point mass).
   */
  limitOrders: {
    count: number;
    sizeP10: number;
    sizeMedian: number;
    sizeP90: number;
    belowLot: number;
    atLot: number;
  } | null;
  /** Feed latency (local − exchange time), ms: quantiles, when the tape has a local clock. */
  feedLatencyMs: { p1: number; median: number; p99: number; max: number } | null;
  /** The reconstruction check: checked and matched (and the loader's full report). */
  reconstruction: LoadReport["reconstruction"];
}

/**
 * Summarizes `tape` (see {@linkcode TapeSummary}). One pass over the rows plus sorting for the
 * quantiles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "./csv.ts";
 * import { summarizeTape } from "./inspect.ts";
 * const p = new CsvParser("t.csv");
 * [
 *   "ts,type,side,price,qty",
 *   "0,snapshot,bid,9.99,5",
 *   "0,snapshot,ask,10.01,5",
 *   "1000000000,update,ask,10.00,2",
 *   "3000000000,trade,buy,10.00,2",
 * ].forEach((l, i) => p.push(l, i + 1));
 * const s = summarizeTape(p.finish());
 * assert.equal(s.spreadTicks.share["1"], 2 / 3); // 2 s of 3 at one tick
 * assert.equal(s.trades.count, 1);
 * ```
 */
export function summarizeTape(tape: Tape): TapeSummary {
  const m = tape.meta;
  const c = tape.columns;
  const n = tape.length;
  const start = Math.min(m.bookStart, Math.max(0, n - 1));
  const t0 = c.ts[start], t1 = c.ts[n - 1];
  const spreadW = new Map<number, number>();
  const bidW: [number, number][] = [], askW: [number, number][] = [];
  let wSum = 0, spreadSum = 0, bidSum = 0, askSum = 0;
  let pMin = Infinity, pMax = -Infinity;
  let trades = 0, volume = 0;
  const sizes: number[] = [], limitSizes: number[] = [];
  for (let i = start; i < n; i++) {
    const k = c.kind[i];
    if (k === EVENT.ADD && m.hasOrderIds) limitSizes.push(c.qty[i]);
    if (k === EVENT.TRADE || k === EVENT.EXECUTE || k === EVENT.HIDDEN_EXECUTE) {
      trades++;
      volume += c.qty[i];
      sizes.push(c.qty[i]);
    }
    // the state after row i holds until the next row's time
    const w = (i + 1 < n ? c.ts[i + 1] : t1) - c.ts[i];
    const b = c.bestBid[i], a = c.bestAsk[i];
    if (b === b && a === a) {
      const mid = (a + b) / 2;
      if (mid < pMin) pMin = mid;
      if (mid > pMax) pMax = mid;
      if (w > 0) {
        const s = a - b;
        spreadW.set(s, (spreadW.get(s) ?? 0) + w);
        wSum += w;
        spreadSum += s * w;
        bidSum += c.bidQty[i] * w;
        askSum += c.askQty[i] * w;
        bidW.push([c.bidQty[i], w]);
        askW.push([c.askQty[i], w]);
      }
    }
  }
  const spreads = [...spreadW.entries()].sort((x, y) => x[0] - y[0]);
  const wq = (pairs: [number, number][], q: number) => {
    const s = [...pairs].sort((x, y) => x[0] - y[0]);
    const total = s.reduce((acc, p) => acc + p[1], 0);
    let acc = 0;
    for (const [v, w] of s) {
      acc += w;
      if (acc >= q * total) return v;
    }
    return NaN;
  };
  const share: Record<string, number> = {};
  for (const [s, w] of spreads) {
    const key = s >= 11 ? ">10" : s <= 0 ? "<=0" : String(Math.round(s));
    share[key] = (share[key] ?? 0) + w / wSum;
  }
  const qty = m.qtyStep;
  const seconds = (t1 - t0) / 1e9;
  let lat: TapeSummary["feedLatencyMs"] = null;
  if (m.hasLocalTime) {
    const l: number[] = [];
    for (let i = 0; i < n; i++) {
      if (c.flags[i] & 4) continue; // estimated exchange times say nothing about latency
      l.push((c.localTs[i] - c.ts[i]) / 1e6);
    }
    l.sort((x, y) => x - y);
    const q = (p: number) => l[Math.min(l.length - 1, Math.floor(p * l.length))];
    if (l.length) lat = { p1: q(0.01), median: q(0.5), p99: q(0.99), max: l[l.length - 1] };
  }
  const iso = (ns: number) => {
    try {
      return new Date(Number((BigInt(m.originNs) + BigInt(Math.round(ns))) / 1_000_000n))
        .toISOString();
    } catch {
      return String(ns);
    }
  };
  const tick = m.tickSize;
  return {
    meta: m,
    rows: n,
    events: tape.report.events,
    skipped: tape.report.skipped,
    repaired: tape.report.repaired,
    notes: tape.report.notes,
    span: { start: iso(t0), end: iso(t1), seconds },
    priceRange: { min: pMin * tick, max: pMax * tick },
    tickSize: tick,
    qtyStep: qty,
    spreadTicks: {
      mean: wSum > 0 ? spreadSum / wSum : NaN,
      p10: wq(spreads, 0.1),
      median: wq(spreads, 0.5),
      p90: wq(spreads, 0.9),
      share,
    },
    depthAtTouch: {
      bidMedian: wq(bidW, 0.5) * qty,
      askMedian: wq(askW, 0.5) * qty,
      bidMean: wSum > 0 ? (bidSum / wSum) * qty : NaN,
      askMean: wSum > 0 ? (askSum / wSum) * qty : NaN,
    },
    trades: {
      count: trades,
      perSecond: seconds > 0 ? trades / seconds : NaN,
      volume: volume * qty,
      meanSize: trades > 0 ? (volume / trades) * qty : NaN,
      ...sizeStats(sizes, qty, m.lotSuggestion),
    },
    limitOrders: m.hasOrderIds
      ? {
        count: limitSizes.length,
        ...sizeStats(limitSizes, qty, m.lotSuggestion),
        atLot: limitSizes.length
          ? limitSizes.filter((v) => Math.abs(v * qty - m.lotSuggestion) <= 1e-9 * m.lotSuggestion)
            .length / limitSizes.length
          : NaN,
      }
      : null,
    feedLatencyMs: lat,
    reconstruction: tape.report.reconstruction,
  };
}

/** Quantiles of trade sizes (steps → instrument units) and the share below `lot`. */
function sizeStats(sizes: number[], qty: number, lot: number) {
  const sorted = Float64Array.from(sizes).sort();
  const q = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * qty : NaN;
  let below = 0;
  // a size of exactly one lot is not below it (steps × step against the lot, to 10⁻⁹)
  for (const v of sorted) if (v * qty < lot * (1 - 1e-9)) below++;
  return {
    sizeP10: q(0.1),
    sizeMedian: q(0.5),
    sizeP90: q(0.9),
    belowLot: sorted.length ? below / sorted.length : NaN,
  };
}

/** The summary as readable text (what `deno task data inspect` prints). */
export function summaryText(s: TapeSummary): string {
  const f = (x: number, d = 2) =>
    Number.isFinite(x)
      ? x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: 0 })
      : "-";
  // sizes: four significant digits (a BTC size is 0.0123, a stock's 71.01)
  const g = (x: number) => Number.isFinite(x) ? f(Number(x.toPrecision(4)), 12) : "-";
  const m = s.meta;
  const lines: string[] = [];
  lines.push(`${m.name} (${m.format}, ${m.instrument})`);
  lines.push(`  sources        ${m.sources.join(", ")}`);
  lines.push(
    `  span           ${s.span.start} → ${s.span.end} (${f(s.span.seconds, 1)} s), ` +
      `${f(s.rows, 0)} rows`,
  );
  lines.push(
    `  events         ${Object.entries(s.events).map(([k, v]) => `${k} ${f(v!, 0)}`).join(", ")}`,
  );
  const sk = Object.entries(s.skipped);
  lines.push(
    `  skipped        ${sk.length ? sk.map(([k, v]) => `${k}: ${f(v, 0)}`).join("; ") : "none"}`,
  );
  const rp = Object.entries(s.repaired);
  lines.push(
    `  repaired       ${rp.length ? rp.map(([k, v]) => `${k}: ${f(v, 0)}`).join("; ") : "none"}`,
  );
  lines.push(
    `  tick / step    ${s.tickSize} / ${s.qtyStep} (lot suggestion ${m.lotSuggestion}); ` +
      `depth ${m.depthLevels ? `${m.depthLevels} level(s)` : "full"}; order ids: ${
        m.hasOrderIds ? "yes" : "no"
      }`,
  );
  lines.push(`  price range    ${f(s.priceRange.min, 6)} – ${f(s.priceRange.max, 6)}`);
  const share = Object.entries(s.spreadTicks.share).slice(0, 6)
    .map(([k, v]) => `${k}: ${f(100 * v, 1)}%`).join(", ");
  lines.push(
    `  spread (ticks) mean ${
      f(s.spreadTicks.mean)
    }, p10/median/p90 ${s.spreadTicks.p10}/${s.spreadTicks.median}/${s.spreadTicks.p90}; ${share}`,
  );
  lines.push(
    `  depth at touch median bid ${f(s.depthAtTouch.bidMedian, 6)}, ask ${
      f(s.depthAtTouch.askMedian, 6)
    } (means ${g(s.depthAtTouch.bidMean)}, ${g(s.depthAtTouch.askMean)})`,
  );
  lines.push(
    `  trades         ${f(s.trades.count, 0)} (${f(s.trades.perSecond, 3)}/s), volume ${
      f(s.trades.volume, 6)
    }, mean size ${g(s.trades.meanSize)}`,
  );
  lines.push(
    `  trade sizes    p10/median/p90 ${g(s.trades.sizeP10)}/${g(s.trades.sizeMedian)}/${
      g(s.trades.sizeP90)
    }; ${f(100 * s.trades.belowLot, 1)}% below the lot suggestion ${m.lotSuggestion} ` +
      `(a preset in that lot trades whole lots; calibrate --size-lot fits the sizes in a finer one)`,
  );
  if (s.limitOrders) {
    const o = s.limitOrders;
    lines.push(
      `  limit sizes    ${f(o.count, 0)} orders, p10/median/p90 ${g(o.sizeP10)}/${
        g(o.sizeMedian)
      }/${g(o.sizeP90)}; ${f(100 * o.atLot, 1)}% exactly ${m.lotSuggestion}, ${
        f(100 * o.belowLot, 1)
      }% below (calibrate --limit-sizes lognormal-mix fits a round lot)`,
    );
  }
  if (s.feedLatencyMs) {
    const l = s.feedLatencyMs;
    lines.push(
      `  feed latency   p1 ${f(l.p1, 3)} ms, median ${f(l.median, 3)} ms, p99 ${
        f(l.p99, 3)
      } ms, max ${f(l.max, 3)} ms`,
    );
  }
  if (m.gaps.length) {
    lines.push(
      `  gaps           ${
        m.gaps.map((g) =>
          g.reason === "halt"
            ? `line ${g.line}: trading halt, ${f(g.fromTs / 1e9, 3)}–${f(g.toTs / 1e9, 3)} s`
            : `line ${g.line}: ${g.missing} updates`
        ).join("; ")
      }`,
    );
  }
  const r = s.reconstruction;
  if (r) {
    lines.push(
      `  reconstruction ${f(r.matched, 0)} / ${f(r.checked, 0)} matched (${
        f(r.checked ? (100 * r.matched) / r.checked : NaN, 3)
      }%); ${Object.entries(r.counts).map(([k, v]) => `${k} ${f(v, 0)}`).join(", ")}`,
    );
    for (const [k, v] of Object.entries(r.mismatches)) {
      lines.push(`    ${k}: ${f(v.count, 0)} — ${v.explanation}`);
    }
  } else lines.push("  reconstruction none (the source has nothing to check the book against)");
  for (const note of s.notes) lines.push(`  note: ${note}`);
  return lines.join("\n");
}
