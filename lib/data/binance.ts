/**
 * Loader of a Binance raw websocket recording: one message per line,
 * `<local receive time, integer ns since the epoch> <raw websocket JSON>` (a recorder that
 * wrote ms or µs is recognized by the magnitude), for one symbol (messages of another symbol are
 * skipped and counted), with the combined
 * streams `<symbol>@depth@100ms` (or `@depth`), `<symbol>@trade` (or `@aggTrade`) and
 * `<symbol>@bookTicker`, and at least one REST depth snapshot line
 * `{"lastUpdateId": …, "bids": …, "asks": …}` to start the book from (the format of
 * hftbacktest's collector and example data).
 *
 * The book follows Binance's rules for a local order book: depth updates received before the
 * snapshot are buffered; those with `u` ≤ `lastUpdateId` are stale and dropped (counted); the
 * first one applied must have `U` ≤ `lastUpdateId` + 1 ≤ `u`; after it each update must
 * continue the sequence (`U` = previous `u` + 1 on spot; `pu` = previous `u` on futures).
 * A break is a **gap**: it is reported with its line and the missing update count, events are
 * buffered until a later snapshot re-synchronizes the book (the gap is recorded in
 * `meta.gaps`, and replay windows never span it); with no later snapshot the load fails with
 * a {@linkcode SequenceGapError}. Never does the book continue silently over a broken
 * sequence. A quantity of 0 removes a level.
 *
 * Events: each applied update's levels become `LEVEL` rows (one batch shares the update's
 * event time `E`); the snapshot becomes a `CLEAR` and `LEVEL` rows flagged `SNAPSHOT`, placed at
 * the event time of the first update applied after it; trades become `TRADE` rows at their
 * trade time `T` with the resting side (`m` true: the buyer is the maker, so the resting side
 * is the bid and the aggressor sold); best-quote messages become two `BEST_QUOTE` rows (bid,
 * ask). Spot best-quote messages carry no exchange time: theirs is estimated as the local
 * time minus the median feed latency of the depth and trade messages (`FLAG.ESTIMATED_TS`).
 * Rows are ordered by exchange time (stable: ties keep their arrival order).
 *
 * Clocks: both times are kept; `localTs − ts` is the feed latency. When the recorder's clock
 * was behind the exchange's (some latencies negative), every local time is shifted by the same
 * amount so that the smallest latency is 0 (`meta.clockOffsetNs`, and a note in the report):
 * the recording measures the latency's variation, not its absolute level.
 *
 * Reconstruction check: each best-quote message carries the update id `u` of the book it
 * describes; the book rebuilt from snapshot + updates is compared with it (both prices and
 * quantities at the best bid and ask). Depth updates arrive in 100 ms batches, so the book is
 * known only at batch boundaries: a message whose id is a batch's last id is compared with the
 * book after that batch; one whose id falls inside a batch (the book at that id was never
 * published) matches when it agrees with the book at the start or at the end of its batch.
 * Every mismatch is classified (see the report's `mismatches`).
 *
 * Prices and quantities are parsed exactly (8 decimals); the tick and quantity step are the
 * greatest common divisors of everything seen (or `tickSize` when given).
 *
 * @module
 */
import { TapeBuilder } from "./builder.ts";
import { gcd, parseScaled } from "./decimal.ts";
import { DataError, MalformedRowError, SequenceGapError } from "./errors.ts";
import { finishTape } from "./finish.ts";
import { L2Book } from "./l2_book.ts";
import {
  ASK,
  BID,
  EVENT,
  FLAG,
  type ReconstructionCheck,
  type Tape,
  type TapeGap,
} from "./tape.ts";

/** Options of the Binance loader. */
export interface BinanceOptions {
  /** Tick size in quote currency (default: inferred, the GCD of every price seen). */
  tickSize?: number;
  /** Shift local times so that no feed latency is negative (default true). */
  clockCorrection?: boolean;
}

const SCALE = 8; // decimals of Binance's price and quantity strings
const UNIT = 1e-8;
const NS_PER_DAY = 86_400_000_000_000n;

interface DepthData {
  E: number;
  U: number;
  u: number;
  pu?: number;
  b: [string, string][];
  a: [string, string][];
}

interface SnapshotMsg {
  id: number;
  bids: [string, string][];
  asks: [string, string][];
  line: number;
  local: number;
}

interface PendingDepth {
  d: DepthData;
  line: number;
  local: number;
}

/** True when `line` looks like a Binance raw-feed line (`<digits> {`). */
export function looksLikeBinanceLine(line: string): boolean {
  return /^\d{10,20} \{/.test(line);
}

/**
 * Parses a Binance raw recording fed line by line; `finish` returns the tape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BinanceParser } from "./binance.ts";
 * const p = new BinanceParser("feed.txt");
 * const t0 = 1723161253937085768n;
 * const lines = [
 *   `${t0} {"lastUpdateId":10,"bids":[["100.00","1.0"]],"asks":[["100.01","2.0"]]}`,
 *   `${t0 + 1000000n} {"stream":"x@depth@100ms","data":{"e":"depthUpdate","E":1723161253938,"U":11,"u":12,"b":[["100.00","0.5"]],"a":[]}}`,
 *   `${t0 + 2000000n} {"stream":"x@trade","data":{"e":"trade","E":1723161253939,"t":1,"p":"100.00","q":"0.5","T":1723161253939,"m":true}}`,
 * ];
 * lines.forEach((l, i) => p.push(l, i + 1));
 * const tape = p.finish();
 * assert.equal(tape.meta.tickSize, 0.01);
 * assert.deepEqual(tape.report.events, { LEVEL: 3, TRADE: 1, CLEAR: 1 });
 * ```
 */
export class BinanceParser {
  readonly #file: string;
  readonly #opts: BinanceOptions;
  readonly #b = new TapeBuilder();
  readonly #book = new L2Book();
  #lines = 0;
  #origin = -1n;
  #originMs = 0;
  #symbol = "";
  // sync state
  #synced = false;
  #snapshot: SnapshotMsg | null = null;
  #pending: PendingDepth[] = [];
  #lastU = -1;
  #lastE = NaN;
  #gapOpen: { line: number; expected: number; got: number; fromTs: number } | null = null;
  readonly #gaps: TapeGap[] = [];
  #everSynced = false;
  // reconstruction
  #dU: number[] = [];
  #du: number[] = [];
  #dRows: number[] = []; // per applied update: its first and end builder rows
  #tick: number[] = []; // 5 per best-quote message: u, bid px, bid qty, ask px, ask qty
  #tickLine: number[] = [];
  // exactness
  #priceGcd = 0;
  #qtyGcd = 0;
  // latency & ids
  #minLat = Infinity;
  #lats: number[] = [];
  #lastTradeId = -1;
  #missingTrades = 0;

  /** A parser for the recording in `file` (named in errors). */
  constructor(file: string, options: BinanceOptions = {}) {
    this.#file = file;
    this.#opts = options;
  }

  /** Feeds line `lineNo` (1-based). */
  push(line: string, lineNo: number): void {
    this.#lines++;
    if (line.trim() === "") {
      this.#b.skip("empty line");
      return;
    }
    const sp = line.indexOf(" ");
    const tsText = sp > 0 ? line.slice(0, sp) : line;
    if (!/^\d{1,20}$/.test(tsText)) {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        1,
        "local time",
        "integer nanoseconds since the epoch",
        tsText,
      );
    }
    let big = BigInt(tsText);
    // the format is ns; a recorder that wrote ms or µs is recognized by the magnitude
    if (big < 100_000_000_000_000n) big *= 1_000_000n;
    else if (big < 100_000_000_000_000_000n) big *= 1_000n;
    if (this.#origin < 0n) {
      this.#origin = (big / NS_PER_DAY) * NS_PER_DAY;
      this.#originMs = Number(this.#origin / 1_000_000n);
    }
    const local = Number(big - this.#origin);
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line.slice(sp + 1));
    } catch {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        2,
        "message",
        "a JSON object",
        line.slice(sp + 1),
      );
    }
    if (msg === null || typeof msg !== "object") {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        2,
        "message",
        "a JSON object",
        line.slice(sp + 1),
      );
    }
    if ("lastUpdateId" in msg) {
      this.#onSnapshot(msg, lineNo, local);
      return;
    }
    const stream = typeof msg.stream === "string" ? msg.stream : "";
    if (/@depth\d+(@|$)/.test(stream)) {
      // <symbol>@depth5/10/20: each message is the top of the book, not a change to it (on
      // futures even shaped as a depthUpdate): applied as diffs it would leave stale levels
      throw new DataError(
        this.#file,
        `line ${lineNo}: ${stream} is a partial book depth stream (each message the top ` +
          "levels, not a diff); record <symbol>@depth@100ms with a REST depth snapshot " +
          "(docs/data.md)",
      );
    }
    const data = (msg.data ?? msg) as Record<string, unknown>;
    if (typeof data !== "object" || data === null) {
      throw new MalformedRowError(this.#file, lineNo, 2, "data", "a JSON object", String(data));
    }
    const e = data.e;
    if (typeof data.s === "string") {
      if (!this.#symbol) this.#symbol = data.s;
      else if (data.s !== this.#symbol) {
        this.#b.skip(`message for another symbol (${data.s})`);
        return;
      }
    }
    if (e === "depthUpdate") this.#onDepth(data, lineNo, local);
    else if (e === "trade" || e === "aggTrade") this.#onTrade(data, lineNo, local);
    else if (stream.endsWith("@bookTicker") || ("b" in data && "B" in data && "a" in data)) {
      this.#onTicker(data, lineNo, local);
    } else if ("result" in data && "id" in data) {
      this.#b.skip("subscription reply"); // {"result": null, "id": 1}: the stream's acknowledgement
    } else {
      this.#b.skip(
        `unknown message (${stream || (typeof e === "string" ? e : "no stream or event type")})`,
      );
    }
  }

  #exchNs(ms: unknown, lineNo: number, field: string): number {
    if (typeof ms !== "number" || !Number.isFinite(ms)) {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        2,
        field,
        "a time in milliseconds",
        String(ms),
      );
    }
    return (ms - this.#originMs) * 1_000_000;
  }

  #price(s: unknown, lineNo: number, field: string | (() => string)): number {
    const v = typeof s === "string" ? parseScaled(s, SCALE) : NaN;
    if (!(v > 0)) {
      const name = typeof field === "string" ? field : field();
      throw new MalformedRowError(
        this.#file,
        lineNo,
        2,
        name,
        "a positive decimal price",
        String(s),
      );
    }
    this.#priceGcd = gcd(this.#priceGcd, v);
    return v;
  }

  #qty(s: unknown, lineNo: number, field: string | (() => string)): number {
    const v = typeof s === "string" ? parseScaled(s, SCALE) : NaN;
    if (!(v >= 0)) {
      const name = typeof field === "string" ? field : field();
      throw new MalformedRowError(
        this.#file,
        lineNo,
        2,
        name,
        "a decimal quantity >= 0",
        String(s),
      );
    }
    if (v > 0) this.#qtyGcd = gcd(this.#qtyGcd, v);
    return v;
  }

  #latency(local: number, ts: number): void {
    const l = local - ts;
    if (l < this.#minLat) this.#minLat = l;
    this.#lats.push(l);
  }

  #onSnapshot(msg: Record<string, unknown>, lineNo: number, local: number): void {
    const id = msg.lastUpdateId;
    const bids = msg.bids, asks = msg.asks;
    if (typeof id !== "number" || !Array.isArray(bids) || !Array.isArray(asks)) {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        2,
        "snapshot",
        "{lastUpdateId: number, bids: [[price, qty]], asks: [[price, qty]]}",
        JSON.stringify(msg).slice(0, 60),
      );
    }
    this.#snapshot = { id, bids, asks, line: lineNo, local };
    this.#synced = false;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) this.#onDepthData(p.d, p.line, p.local);
  }

  #onDepth(data: Record<string, unknown>, lineNo: number, local: number): void {
    const d = data as unknown as DepthData;
    if (
      typeof d.U !== "number" || typeof d.u !== "number" || !Array.isArray(d.b) ||
      !Array.isArray(d.a)
    ) {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        2,
        "depthUpdate",
        "U, u (update ids) and b, a (levels)",
        JSON.stringify(data).slice(0, 60),
      );
    }
    const ts = this.#exchNs(d.E, lineNo, "data.E");
    this.#latency(local, ts);
    this.#onDepthData(d, lineNo, local);
  }

  #onDepthData(d: DepthData, lineNo: number, local: number): void {
    if (this.#synced) {
      if (d.u <= this.#lastU) {
        this.#b.skip("stale depth update (u <= last applied u)");
        return;
      }
      const ok = typeof d.pu === "number" ? d.pu === this.#lastU : d.U === this.#lastU + 1;
      if (ok) {
        this.#apply(d, lineNo, local);
        return;
      }
      // a gap: the book is unknown from here until a snapshot re-synchronizes it
      this.#gapOpen = { line: lineNo, expected: this.#lastU + 1, got: d.U, fromTs: this.#lastE };
      this.#synced = false;
      this.#snapshot = null;
      this.#pending.push({ d, line: lineNo, local });
      return;
    }
    const snap = this.#snapshot;
    if (snap === null) {
      this.#pending.push({ d, line: lineNo, local });
      return;
    }
    if (d.u <= snap.id) {
      this.#b.skip("stale depth update (u <= snapshot lastUpdateId)");
      return;
    }
    if (d.U <= snap.id + 1) {
      // the first update after the snapshot: start the book
      const ts = (d.E - this.#originMs) * 1_000_000;
      if (this.#gapOpen) {
        const g = this.#gapOpen;
        this.#gaps.push({
          fromTs: g.fromTs,
          toTs: ts,
          line: g.line,
          missing: g.got - g.expected,
        });
        this.#gapOpen = null;
      }
      this.#emitSnapshot(snap, ts);
      this.#synced = true;
      this.#everSynced = true;
      this.#apply(d, lineNo, local);
      return;
    }
    // the snapshot is older than the first update we have: updates are missing
    if (!this.#gapOpen) {
      this.#gapOpen = { line: lineNo, expected: snap.id + 1, got: d.U, fromTs: this.#lastE };
    }
    this.#snapshot = null;
    this.#pending.push({ d, line: lineNo, local });
  }

  #emitSnapshot(snap: SnapshotMsg, ts: number): void {
    const b = this.#b;
    const book = this.#book;
    book.clear();
    b.push(ts, snap.local, EVENT.CLEAR, BID, FLAG.SNAPSHOT, 0, 0, -1);
    snap.bids.forEach((lv, j) => {
      const p = this.#price(lv?.[0], snap.line, () => `bids[${j}][0]`);
      const q = this.#qty(lv?.[1], snap.line, () => `bids[${j}][1]`);
      if (q > 0) {
        book.set(BID, p, q);
        b.push(ts, snap.local, EVENT.LEVEL, BID, FLAG.SNAPSHOT, p, q, -1);
      } else b.skip("snapshot level with quantity 0");
    });
    snap.asks.forEach((lv, j) => {
      const p = this.#price(lv?.[0], snap.line, () => `asks[${j}][0]`);
      const q = this.#qty(lv?.[1], snap.line, () => `asks[${j}][1]`);
      if (q > 0) {
        book.set(ASK, p, q);
        b.push(ts, snap.local, EVENT.LEVEL, ASK, FLAG.SNAPSHOT, p, q, -1);
      } else b.skip("snapshot level with quantity 0");
    });
  }

  #apply(d: DepthData, lineNo: number, local: number): void {
    const ts = (d.E - this.#originMs) * 1_000_000;
    const b = this.#b;
    const book = this.#book;
    this.#dRows.push(b.length);
    for (let j = 0; j < d.b.length; j++) {
      const p = this.#price(d.b[j]?.[0], lineNo, () => `data.b[${j}][0]`);
      const q = this.#qty(d.b[j]?.[1], lineNo, () => `data.b[${j}][1]`);
      book.set(BID, p, q);
      b.push(ts, local, EVENT.LEVEL, BID, 0, p, q, -1);
    }
    for (let j = 0; j < d.a.length; j++) {
      const p = this.#price(d.a[j]?.[0], lineNo, () => `data.a[${j}][0]`);
      const q = this.#qty(d.a[j]?.[1], lineNo, () => `data.a[${j}][1]`);
      book.set(ASK, p, q);
      b.push(ts, local, EVENT.LEVEL, ASK, 0, p, q, -1);
    }
    if (d.b.length + d.a.length === 0) b.skip("empty depth update");
    this.#lastU = d.u;
    this.#lastE = ts;
    this.#dU.push(d.U);
    this.#du.push(d.u);
    this.#dRows.push(b.length);
  }

  #onTrade(data: Record<string, unknown>, lineNo: number, local: number): void {
    const ts = this.#exchNs(data.T ?? data.E, lineNo, "data.T");
    this.#latency(local, ts);
    const p = this.#price(data.p, lineNo, "data.p");
    const q = this.#qty(data.q, lineNo, "data.q");
    if (typeof data.m !== "boolean") {
      throw new MalformedRowError(this.#file, lineNo, 2, "data.m", "true or false", String(data.m));
    }
    const id = typeof data.t === "number" ? data.t : typeof data.a === "number" ? data.a : -1;
    if (id >= 0) {
      if (this.#lastTradeId >= 0 && id > this.#lastTradeId + 1) {
        this.#missingTrades += id - this.#lastTradeId - 1;
      }
      if (id > this.#lastTradeId) this.#lastTradeId = id;
    }
    // m: the buyer is the maker, so the resting order was a bid and the aggressor sold
    this.#b.push(ts, local, EVENT.TRADE, data.m ? BID : ASK, 0, p, q, id);
  }

  #onTicker(data: Record<string, unknown>, lineNo: number, local: number): void {
    const u = data.u;
    if (typeof u !== "number") {
      throw new MalformedRowError(this.#file, lineNo, 2, "data.u", "an update id", String(u));
    }
    const bp = this.#price(data.b, lineNo, "data.b");
    const bq = this.#qty(data.B, lineNo, "data.B");
    const ap = this.#price(data.a, lineNo, "data.a");
    const aq = this.#qty(data.A, lineNo, "data.A");
    this.#tick.push(u, bp, bq, ap, aq);
    this.#tickLine.push(lineNo);
    // futures best quotes carry their times (T, E); spot ones do not: estimated at the end
    const t = typeof data.T === "number" ? data.T : typeof data.E === "number" ? data.E : NaN;
    const ts = t === t ? this.#exchNs(t, lineNo, "data.T") : NaN;
    const f = ts === ts ? 0 : FLAG.ESTIMATED_TS;
    this.#b.push(ts, local, EVENT.BEST_QUOTE, BID, f, bp, bq, u);
    this.#b.push(ts, local, EVENT.BEST_QUOTE, ASK, f, ap, aq, u);
  }

  /** Ends the input: checks the sequence, orders rows by exchange time and builds the tape. */
  finish(): Tape {
    const file = this.#file;
    if (!this.#everSynced) {
      if (this.#gapOpen) {
        const g = this.#gapOpen;
        throw new SequenceGapError(file, g.line, g.expected, g.got);
      }
      throw new DataError(
        file,
        this.#snapshot === null && this.#pending.length > 0
          ? 'no REST depth snapshot line ({"lastUpdateId": …, "bids": …, "asks": …}) before ' +
            "the end of the file: the book cannot be started"
          : "no depth updates after the snapshot: the book cannot be followed",
      );
    }
    if (this.#gapOpen) {
      const g = this.#gapOpen;
      throw new SequenceGapError(file, g.line, g.expected, g.got);
    }
    const src = this.#b;
    const n = src.length;
    const c = src.columns;
    // clock correction
    let offset = 0;
    const notes: string[] = [];
    if ((this.#opts.clockCorrection ?? true) && this.#minLat < 0) {
      offset = -this.#minLat;
      for (let i = 0; i < n; i++) c.localTs[i] += offset;
      notes.push(
        `the recorder's clock was behind the exchange's: local times shifted by ` +
          `+${(offset / 1e6).toFixed(3)} ms so that the smallest feed latency is 0 ` +
          `(latencies below are relative to the fastest message)`,
      );
    }
    const lats = Float64Array.from(this.#lats).sort();
    const medLat = lats.length ? lats[lats.length >> 1] + offset : 0;
    for (let i = 0; i < n; i++) {
      if (c.ts[i] !== c.ts[i]) c.ts[i] = c.localTs[i] - medLat;
    }
    if (this.#missingTrades > 0) {
      notes.push(`${this.#missingTrades} trade ids missing from the trade stream (not recorded)`);
      src.skip("trade ids missing from the recording (not in the file)", 0);
    }
    const check = this.#reconstruction();
    // order by exchange time (stable)
    const order = Array.from({ length: n }, (_, i) => i);
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) if (c.ts[i] < c.ts[i - 1]) sorted = false;
    if (!sorted) order.sort((x, y) => c.ts[x] - c.ts[y] || x - y);
    const out = new TapeBuilder(n);
    let bookStart = -1;
    const gaps = this.#gaps;
    for (const i of order) {
      if (bookStart < 0 && c.kind[i] === EVENT.CLEAR) bookStart = out.length;
      out.push(
        c.ts[i],
        c.localTs[i],
        c.kind[i],
        c.side[i],
        c.flags[i],
        c.price[i],
        c.qty[i],
        c.orderId[i],
      );
    }
    for (const [k, v] of Object.entries(src.skipped)) out.skip(k, v);
    for (const [k, v] of Object.entries(src.repaired)) out.repair(k, v);
    // ticks and steps
    let priceUnit = this.#priceGcd;
    if (this.#opts.tickSize !== undefined) {
      const t = Math.round(this.#opts.tickSize / UNIT);
      if (!(t > 0) || priceUnit % t !== 0) {
        throw new DataError(
          file,
          `tickSize ${this.#opts.tickSize}: some prices are not multiples of it`,
        );
      }
      priceUnit = t;
    }
    const qtyUnit = this.#qtyGcd || 1;
    const name = file.split("/").pop()!.replace(/\.(gz|txt|jsonl?)$/g, "").replace(
      /\.(txt|jsonl?)$/,
      "",
    );
    return finishTape(
      out,
      {
        name,
        format: "binance",
        sources: [file],
        instrument: this.#symbol || "unknown",
        tickSize: Number((priceUnit * UNIT).toPrecision(12)),
        qtyStep: Number((qtyUnit * UNIT).toPrecision(12)),
        originNs: this.#origin.toString(),
        originIso: new Date(this.#originMs).toISOString(),
        depthLevels: 0,
        hasLocalTime: true,
        hasOrderIds: false,
        bookStart: Math.max(0, bookStart),
        gaps,
        clockOffsetNs: offset,
      },
      { lines: this.#lines, reconstruction: check, notes },
      priceUnit,
      qtyUnit,
    );
  }

  /**
   * Replays the applied updates (rows in arrival order) through a fresh book and compares
   * every best-quote message with it (see the module doc).
   */
  #reconstruction(): ReconstructionCheck {
    const dU = this.#dU, du = this.#du, rows = this.#dRows, tk = this.#tick;
    const c = this.#b.columns;
    const nD = du.length;
    const counts: Record<string, number> = {
      atBatchEnd: 0,
      insideBatch: 0,
      outsideSynchronizedBook: 0,
    };
    const mism: Record<string, { count: number; explanation: string }> = {};
    const examples: string[] = [];
    const EXPLAIN: Record<string, string> = {
      "price at batch end":
        "a best price differs from the book after the depth update with the same id",
      "quantity at batch end":
        "the best prices agree with the book after the depth update with the same id, a best " +
        "quantity does not",
      "better level untouched by the batch":
        "the quote's id falls inside a depth batch; the rebuilt book holds a better level that " +
        "the batch never touched, so it was there at the quote's id, yet the quote does not show it",
      "quoted level untouched and different":
        "the quote's id falls inside a depth batch; its best level was not touched by the batch, " +
        "so the rebuilt book's quantity there held throughout the batch, but it differs",
    };
    const miss = (cls: string, line: number, detail: string) => {
      (mism[cls] ??= { count: 0, explanation: EXPLAIN[cls] }).count++;
      if (examples.length < 10) examples.push(`line ${line}: ${cls}: ${detail}`);
    };
    const book = new L2Book();
    const touched = [new Set<number>(), new Set<number>()];
    let row = 0;
    const applyRows = (end: number) => {
      for (; row < end; row++) {
        const k = c.kind[row];
        if (k === EVENT.CLEAR) book.clear();
        else if (k === EVENT.LEVEL) book.set(c.side[row], c.price[row], c.qty[row]);
      }
    };
    const px = (v: number) => `${Number((v * UNIT).toFixed(8))}`;
    const qx = (v: number) => `${Number((v * UNIT).toFixed(8))}`;
    let t = 0;
    let checked = 0, matched = 0;
    // per quote: -1 unknown yet, 0 failed, 1 consistent so far
    for (let j = 0; j < nD; j++) {
      const start = rows[2 * j], end = rows[2 * j + 1];
      // quotes before this update's range were outside the synchronized book
      while (t < tk.length && tk[t] < dU[j]) {
        counts.outsideSynchronizedBook++;
        t += 5;
      }
      let t1 = t;
      while (t1 < tk.length && tk[t1] <= du[j]) t1 += 5;
      if (t1 === t) {
        applyRows(end);
        continue;
      }
      applyRows(start);
      touched[BID].clear();
      touched[ASK].clear();
      for (let r = start; r < end; r++) touched[c.side[r]].add(c.price[r]);
      // checks against the book before the batch (quotes strictly inside it)
      const fail = new Map<number, [string, string]>();
      const inside = (q: number) => tk[q] !== du[j];
      const checkSide = (q: number, side: number, phase: string) => {
        const p = tk[q + 1 + 2 * side];
        const qty = tk[q + 2 + 2 * side];
        const dir = side === BID ? 1 : -1;
        for (let k = 0; k < book.depth(side); k++) {
          const x = book.levelPrice(side, k);
          if ((x - p) * dir <= 0) break;
          if (!touched[side].has(x)) {
            fail.set(q, [
              "better level untouched by the batch",
              `quote ${side === BID ? "bid" : "ask"} ${px(p)}, book ${phase} the batch holds ${
                px(x)
              }`,
            ]);
            return;
          }
        }
        if (!touched[side].has(p) && book.get(side, p) !== qty) {
          fail.set(q, [
            "quoted level untouched and different",
            `quote ${px(p)}x${qx(qty)}, book ${phase} the batch ${qx(book.get(side, p))}`,
          ]);
        }
      };
      for (let q = t; q < t1; q += 5) {
        if (!inside(q)) continue;
        checkSide(q, BID, "before");
        if (!fail.has(q)) checkSide(q, ASK, "before");
      }
      applyRows(end);
      for (let q = t; q < t1; q += 5) {
        const line = this.#tickLine[q / 5];
        checked++;
        if (!inside(q)) {
          counts.atBatchEnd++;
          const ok = book.best(BID) === tk[q + 1] && book.bestQty(BID) === tk[q + 2] &&
            book.best(ASK) === tk[q + 3] && book.bestQty(ASK) === tk[q + 4];
          if (ok) matched++;
          else {
            const prices = book.best(BID) === tk[q + 1] && book.best(ASK) === tk[q + 3];
            miss(
              prices ? "quantity at batch end" : "price at batch end",
              line,
              `quote ${px(tk[q + 1])}x${qx(tk[q + 2])} / ${px(tk[q + 3])}x${qx(tk[q + 4])}, ` +
                `book ${px(book.best(BID))}x${qx(book.bestQty(BID))} / ${px(book.best(ASK))}x${
                  qx(book.bestQty(ASK))
                }`,
            );
          }
          continue;
        }
        counts.insideBatch++;
        if (!fail.has(q)) checkSide(q, BID, "after");
        if (!fail.has(q)) checkSide(q, ASK, "after");
        const f = fail.get(q);
        if (f) miss(f[0], line, f[1]);
        else matched++;
      }
      t = t1;
    }
    counts.outsideSynchronizedBook += (tk.length - t) / 5;
    return {
      method: "every best-quote message against the book rebuilt from snapshot + depth " +
        "updates, by update id: at a depth batch's last id, prices and quantities of both best " +
        "levels must equal the rebuilt book's; inside a batch (the book at that id was never " +
        "published), the quote must be consistent with the batch: no better level that the " +
        "batch left untouched, and the quoted level's quantity equal to the book's when the " +
        "batch left it untouched",
      checked,
      matched,
      mismatches: mism,
      counts,
      examples,
    };
  }
}
