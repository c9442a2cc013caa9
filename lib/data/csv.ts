/**
 * Loader of ALPE's generic CSV tape format, for venues without a dedicated loader: L2 book
 * snapshots and updates plus trades, one event per row (documented in docs/data.md).
 *
 * ```text
 * # instrument=XYZ            optional comment lines; recognized keys:
 * # tick_size=0.01            instrument, tick_size, qty_step (else inferred as GCDs)
 * ts,local_ts,type,side,price,qty
 * 1700000000000000000,1700000000001500000,snapshot,bid,99.98,12
 * 1700000000000000000,1700000000001500000,snapshot,ask,100.02,7
 * 1700000000100000000,1700000000101200000,update,bid,99.99,3
 * 1700000000150000000,1700000000151000000,trade,buy,100.02,2
 * ```
 *
 * - The header row names the columns, in any order: `ts` (exchange time, integer ns since
 *   the Unix epoch), `type`, `side`, `price`, `qty` are required; `local_ts` (local receive time,
 *   same unit) is optional.
 * - `type`: `snapshot` (one level of a book snapshot: consecutive snapshot rows with the same
 *   `ts` form one snapshot, and the book is cleared before it), `update` (the quantity at the
 *   level becomes `qty`; 0 removes it), `trade` (a trade of `qty` at `price`), `bbo` (the venue's
 *   best quote for one side: information, it does not change the book).
 * - `side`: `bid` / `ask` for snapshot, update and bbo rows; for trades the **aggressor**: `buy`
 *   (it lifted the ask) or `sell` (it hit the bid).
 * - `price`, `qty`: plain decimals (up to 9 places), parsed exactly.
 * - Rows must be in non-decreasing `ts` order. Until the first snapshot the book is empty
 *   (a file of updates alone starts from an empty book, noted in the report).
 *
 * A malformed row is a {@linkcode MalformedRowError} naming the file, line and column.
 *
 * @module
 */
import { TapeBuilder } from "./builder.ts";
import { gcd, parseScaled } from "./decimal.ts";
import { DataError, MalformedRowError } from "./errors.ts";
import { finishTape } from "./finish.ts";
import { ASK, BID, EVENT, FLAG, type Tape } from "./tape.ts";

const SCALE = 9;
const UNIT = 1e-9;
const NS_PER_DAY = 86_400_000_000_000n;
const REQUIRED = ["ts", "type", "side", "price", "qty"] as const;

/** Options of the CSV loader. */
export interface CsvOptions {
  /** Tick size (default: the file's `# tick_size=` or the GCD of every price). */
  tickSize?: number;
}

/**
 * Parses a generic CSV tape fed line by line; `finish` returns the tape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "./csv.ts";
 * const p = new CsvParser("x.csv");
 * [
 *   "ts,type,side,price,qty",
 *   "1000,snapshot,bid,99.99,5",
 *   "1000,snapshot,ask,100.01,5",
 *   "2000,trade,sell,99.99,2",
 *   "2500,update,bid,99.99,3",
 * ].forEach((l, i) => p.push(l, i + 1));
 * const tape = p.finish();
 * assert.equal(tape.meta.tickSize, 0.01);
 * assert.equal(tape.columns.bidQty[tape.length - 1], 3);
 * ```
 */
export class CsvParser {
  readonly #file: string;
  readonly #opts: CsvOptions;
  readonly #b = new TapeBuilder();
  #cols: Record<string, number> | null = null;
  #keys: Record<string, string> = {};
  #lines = 0;
  #origin = -1n;
  #originMs = 0;
  #lastTs = -Infinity;
  #snapTs = NaN;
  #bookStart = -1;
  #priceGcd = 0;
  #qtyGcd = 0;
  #hasLocal = false;

  /** A parser for `file` (named in errors). */
  constructor(file: string, options: CsvOptions = {}) {
    this.#file = file;
    this.#opts = options;
  }

  /** Feeds line `lineNo` (1-based). */
  push(line: string, lineNo: number): void {
    this.#lines++;
    const t = line.trim();
    if (t === "") {
      this.#b.skip("empty line");
      return;
    }
    if (t.startsWith("#")) {
      const m = /^#\s*([a-z_]+)\s*=\s*(.+)$/.exec(t);
      if (m) this.#keys[m[1]] = m[2].trim();
      return;
    }
    const parts = t.split(",").map((s) => s.trim());
    if (this.#cols === null) {
      const cols: Record<string, number> = {};
      parts.forEach((name, i) => (cols[name.toLowerCase()] = i));
      for (const r of REQUIRED) {
        if (!(r in cols)) {
          throw new MalformedRowError(
            this.#file,
            lineNo,
            0,
            "header",
            `a header naming the columns ${REQUIRED.join(", ")} (and optionally local_ts)`,
            line,
          );
        }
      }
      this.#cols = cols;
      this.#hasLocal = "local_ts" in cols;
      return;
    }
    const c = this.#cols;
    const get = (name: string) => {
      const i = c[name];
      if (i >= parts.length) {
        throw new MalformedRowError(this.#file, lineNo, i + 1, name, "a value", line);
      }
      return parts[i];
    };
    const tsText = get("ts");
    const ts = this.#time(tsText, lineNo, c.ts + 1, "ts");
    if (ts < this.#lastTs) {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        c.ts + 1,
        "ts",
        "a time at or after the previous row's",
        tsText,
      );
    }
    this.#lastTs = ts;
    const local = this.#hasLocal
      ? this.#time(get("local_ts"), lineNo, c.local_ts + 1, "local_ts")
      : ts;
    const type = get("type").toLowerCase();
    const sideText = get("side").toLowerCase();
    const price = parseScaled(get("price"), SCALE);
    if (!(price > 0)) {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        c.price + 1,
        "price",
        "a positive decimal",
        get("price"),
      );
    }
    const qty = parseScaled(get("qty"), SCALE);
    if (!(qty >= 0)) {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        c.qty + 1,
        "qty",
        "a decimal >= 0",
        get("qty"),
      );
    }
    this.#priceGcd = gcd(this.#priceGcd, price);
    if (qty > 0) this.#qtyGcd = gcd(this.#qtyGcd, qty);
    const b = this.#b;
    if (type === "trade") {
      if (sideText !== "buy" && sideText !== "sell") {
        throw new MalformedRowError(
          this.#file,
          lineNo,
          c.side + 1,
          "side",
          'the aggressor, "buy" or "sell", for a trade',
          sideText,
        );
      }
      b.push(ts, local, EVENT.TRADE, sideText === "buy" ? ASK : BID, 0, price, qty, -1);
      return;
    }
    if (sideText !== "bid" && sideText !== "ask") {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        c.side + 1,
        "side",
        '"bid" or "ask"',
        sideText,
      );
    }
    const side = sideText === "bid" ? BID : ASK;
    if (type === "snapshot") {
      if (ts !== this.#snapTs) {
        this.#snapTs = ts;
        if (this.#bookStart < 0) this.#bookStart = b.length;
        b.push(ts, local, EVENT.CLEAR, BID, FLAG.SNAPSHOT, 0, 0, -1);
      }
      b.push(ts, local, EVENT.LEVEL, side, FLAG.SNAPSHOT, price, qty, -1);
    } else if (type === "update") {
      this.#snapTs = NaN;
      b.push(ts, local, EVENT.LEVEL, side, 0, price, qty, -1);
    } else if (type === "bbo") {
      b.push(ts, local, EVENT.BEST_QUOTE, side, 0, price, qty, -1);
    } else {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        c.type + 1,
        "type",
        '"snapshot", "update", "trade" or "bbo"',
        type,
      );
    }
  }

  #time(text: string, lineNo: number, col: number, name: string): number {
    if (!/^\d{1,20}$/.test(text)) {
      throw new MalformedRowError(
        this.#file,
        lineNo,
        col,
        name,
        "integer nanoseconds since the epoch",
        text,
      );
    }
    const big = BigInt(text);
    if (this.#origin < 0n) {
      this.#origin = (big / NS_PER_DAY) * NS_PER_DAY;
      this.#originMs = Number(this.#origin / 1_000_000n);
    }
    return Number(big - this.#origin);
  }

  /** Ends the input and builds the tape. */
  finish(): Tape {
    const b = this.#b;
    if (this.#cols === null || b.length === 0) {
      throw new DataError(this.#file, "no header and events (see docs/data.md for the format)");
    }
    const notes: string[] = [];
    if (this.#bookStart < 0) {
      notes.push("no snapshot rows: the book starts empty at the first row");
      this.#bookStart = 0;
    }
    const tickText = this.#opts.tickSize ?? this.#keys.tick_size;
    let priceUnit = this.#priceGcd;
    if (tickText !== undefined) {
      const t = typeof tickText === "number"
        ? Math.round(tickText / UNIT)
        : parseScaled(String(tickText), SCALE);
      if (!(t > 0) || priceUnit % t !== 0) {
        throw new DataError(
          this.#file,
          `tick_size ${tickText}: some prices are not multiples of it`,
        );
      }
      priceUnit = t;
    }
    let qtyUnit = this.#qtyGcd || 1;
    if (this.#keys.qty_step !== undefined) {
      const q = parseScaled(this.#keys.qty_step, SCALE);
      if (!(q > 0) || qtyUnit % q !== 0) {
        throw new DataError(
          this.#file,
          `qty_step ${this.#keys.qty_step}: some quantities are not multiples of it`,
        );
      }
      qtyUnit = q;
    }
    const name = this.#file.split("/").pop()!.replace(/\.csv(\.gz)?$/, "");
    return finishTape(
      b,
      {
        name,
        format: "csv",
        sources: [this.#file],
        instrument: this.#keys.instrument ?? name,
        tickSize: Number((priceUnit * UNIT).toPrecision(12)),
        qtyStep: Number((qtyUnit * UNIT).toPrecision(12)),
        originNs: this.#origin.toString(),
        originIso: new Date(this.#originMs).toISOString(),
        depthLevels: 0,
        hasLocalTime: this.#hasLocal,
        hasOrderIds: false,
        bookStart: this.#bookStart,
        gaps: [],
        clockOffsetNs: 0,
      },
      { lines: this.#lines, reconstruction: null, notes },
      priceUnit,
      qtyUnit,
    );
  }
}
