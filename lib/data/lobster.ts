/**
 * Loader of LOBSTER files (https://lobsterdata.com): a message file and an orderbook file
 * per ticker and day, `TICKER_DATE_START_END_message_N.csv` and
 * `TICKER_DATE_START_END_orderbook_N.csv`, without headers, one row per message.
 *
 * - Message columns: time (seconds after midnight, up to ns resolution), type (1 new limit
 *   order, 2 partial cancel, 3 delete, 4 execution of a visible order, 5 execution of a hidden
 *   order, 6 cross trade, 7 trading halt), order id, size (shares), price (dollars × 10,000),
 *   direction (1 buy, −1 sell: the side of the resting order).
 * - Type 6 is an auction's cross trade (https://lobsterdata.com/info/DataStructure.php and
 *   LOBSTER's help "Event type 6"): a pseudo order with a negative id (−1 the opening cross, −2
 *   the closing cross, −3 and −4 other crosses) carrying the auction's price and volume; it
 *   changes no level (the executions it aggregates are their own messages). It appears where
 *   the opening is a little after 9:30 or the closing before 16:00, and in files that include
 *   the pre- and post-market. It is kept as `EVENT.CROSS`, not as a trade: it has no
 *   aggressor, so it is neither a market order nor part of the traded volume columns, and its
 *   price does not enter the tick's common divisor. Types 6 and 7 (pseudo messages) may carry
 *   any integer id and direction 0.
 * - A trading halt (type 7 with price −1, until the type 7 with price 1 that resumes trading;
 *   0, quoting resumes, keeps it) becomes a `meta.gaps` entry with `reason: "halt"`: replay
 *   windows never span it and the calibration's records stop at it (a halt still open at
 *   the end of the file lasts to its last message).
 * - Orderbook columns: ask price, ask size, bid price, bid size for levels 1…N: the book's
 *   first N occupied levels after the message. Empty levels hold the dummy prices
 *   ±9,999,999,999 with size 0.
 *
 * N is inferred from the orderbook file (4·N columns) and must equal the file name's N; the
 * two files must have the same number of rows ({@linkcode FileMismatchError} otherwise).
 * Either file's path may be given; the other is found by name.
 *
 * Events: every message becomes an L3 event of the same type (`EVENT.ADD` … `EVENT.HALT`)
 * with its order id, side, price in ticks (NASDAQ's $0.01, or the GCD of all prices when some
 * are finer) and size; times are integer nanoseconds after midnight (exchange time only: the
 * origin is midnight New York time of the file's date). The first row's book becomes a
 * snapshot (`CLEAR` + `LEVEL` rows). A level-N file shows only the best N levels: when a
 * level leaves the shown depth its messages stop, and when one enters from beyond it (a
 * better level emptied) its quantity is known only from the orderbook file. After each
 * message the loader compares the book its events describe with the file's row and emits
 * `LEVEL` rows flagged `REVEALED` for the levels that entered from beyond (and zero rows for
 * levels that silently left), so that at every row the tape's best N levels equal the file's.
 *
 * Reconstruction check: applying each message to the book of the previous orderbook row
 * must reproduce the next row at every level; a level that enters from beyond the depth is
 * taken from the file and the row is counted (`counts.rowsWithLevelFromBeyond`). A pair of
 * files whose rows mostly disagree (under half of the first 1,000 rows match) is not a
 * message file with its own orderbook file: the load fails with a FileMismatchError.
 *
 * @module
 */
import { TapeBuilder } from "./builder.ts";
import { gcd, secondsToNs } from "./decimal.ts";
import { DataError, FileMismatchError, MalformedRowError, MissingFileError } from "./errors.ts";
import { finishTape } from "./finish.ts";
import { fileSize } from "./io.ts";
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

const NAME_RE = /^(.*?)([^/\\]+?)_(\d{4}-\d{2}-\d{2})_(\d+)_(\d+)_(message|orderbook)_(\d+)\.csv$/;
const DUMMY = 9_999_999_999;
/** LOBSTER prices are dollars × 10,000; NASDAQ's tick ($0.01) is 100 of these units. */
const NASDAQ_TICK_UNITS = 100;

/** The two files of a LOBSTER sample and what their names say. */
export interface LobsterFiles {
  /** Message file path. */
  message: string;
  /** Orderbook file path. */
  orderbook: string;
  /** Ticker. */
  ticker: string;
  /** Trading date, YYYY-MM-DD. */
  date: string;
  /** Levels per side, from the file name. */
  levels: number;
  /** Start and end of the requested period, ms after midnight (from the name). */
  startMs: number;
  /** End of the requested period, ms after midnight. */
  endMs: number;
}

/** True when `path` has a LOBSTER message or orderbook file name. */
export function isLobsterPath(path: string): boolean {
  return NAME_RE.test(path);
}

/**
 * The message and orderbook files of the LOBSTER sample that `path` (either one) belongs to.
 * Throws a MissingFileError naming the partner file when it does not exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lobsterFiles } from "./lobster.ts";
 * const f = lobsterFiles(
 *   "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv",
 * );
 * assert.equal(f.orderbook, "data/real/lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv");
 * assert.equal(f.levels, 1);
 * ```
 */
export function lobsterFiles(path: string): LobsterFiles {
  const m = NAME_RE.exec(path);
  if (!m) {
    throw new DataError(
      path,
      "not a LOBSTER file name (TICKER_YYYY-MM-DD_START_END_message_N.csv or ..._orderbook_N.csv)",
    );
  }
  const [, dir, ticker, date, start, end, , levels] = m;
  const base = `${dir}${ticker}_${date}_${start}_${end}`;
  const files: LobsterFiles = {
    message: `${base}_message_${levels}.csv`,
    orderbook: `${base}_orderbook_${levels}.csv`,
    ticker,
    date,
    levels: Number(levels),
    startMs: Number(start),
    endMs: Number(end),
  };
  fileSize(path);
  const other = path === files.message ? files.orderbook : files.message;
  try {
    fileSize(other);
  } catch {
    throw new MissingFileError(
      other,
      `no such file: the LOBSTER ${
        other === files.orderbook ? "orderbook" : "message"
      } file that goes with ${path}`,
    );
  }
  if (!(files.levels >= 1)) {
    throw new DataError(path, `the file name's level count must be at least 1, got ${levels}`);
  }
  return files;
}

/** Midnight of `date` (YYYY-MM-DD) in New York, as epoch ns (decimal string) and ISO text. */
export function newYorkMidnight(date: string): { ns: string; iso: string } {
  const [y, mo, d] = date.split("-").map(Number);
  const utc = Date.UTC(y, mo - 1, d);
  let offsetMin = -300; // EST
  try {
    const fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: "America/New_York",
      timeZoneName: "longOffset",
    });
    const part = fmt.formatToParts(new Date(utc + 12 * 3600e3)).find((p) =>
      p.type === "timeZoneName"
    )?.value ?? "";
    const mm = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
    if (mm) offsetMin = (mm[1] === "-" ? -1 : 1) * (Number(mm[2]) * 60 + Number(mm[3]));
  } catch { /* no time-zone data: EST */ }
  const ms = utc - offsetMin * 60_000;
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${
    String(abs % 60).padStart(2, "0")
  }`;
  return { ns: (BigInt(ms) * 1_000_000n).toString(), iso: `${date}T00:00:00${off}` };
}

/** One side's shown levels of an orderbook row (real levels only, best first). */
interface Levels {
  px: Float64Array;
  qty: Float64Array;
  n: number;
}

function levels(n: number): Levels {
  return { px: new Float64Array(n + 1), qty: new Float64Array(n + 1), n: 0 };
}

/**
 * Parses a LOBSTER message/orderbook pair fed row by row; `finish` returns the tape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LobsterParser } from "./lobster.ts";
 * const p = new LobsterParser({
 *   message: "X_2012-06-21_0_1_message_1.csv", orderbook: "X_2012-06-21_0_1_orderbook_1.csv",
 *   ticker: "X", date: "2012-06-21", levels: 1, startMs: 0, endMs: 1,
 * });
 * p.push("34200.1,1,7,100,1000000,1", "1000100,50,1000000,100", 1);
 * p.push("34200.2,4,7,40,1000000,1", "1000100,50,1000000,60", 2); // a sell hits the bid
 * const tape = p.finish();
 * assert.equal(tape.report.reconstruction?.matched, 1);
 * assert.equal(tape.columns.bestBid[tape.length - 1], 10000); // $100.00 in cents
 * ```
 */
export class LobsterParser {
  readonly #f: LobsterFiles;
  readonly #b = new TapeBuilder();
  readonly #book = new L2Book();
  readonly #n: number;
  #rows = 0;
  #lastTs = -Infinity;
  readonly #halts: TapeGap[] = [];
  #haltOpen: { fromTs: number; line: number } | null = null;
  #prev: [Levels, Levels];
  #cur: [Levels, Levels];
  #pred: [Levels, Levels];
  #priceGcd = 0;
  #checked = 0;
  #matched = 0;
  #early = 0;
  #earlyMatched = 0;
  #beyond = 0;
  #outside = 0;
  readonly #mism: Record<string, { count: number; explanation: string }> = {};
  readonly #examples: string[] = [];
  #unknown = [new Uint8Array(0), new Uint8Array(0)];

  /** A parser for the files `files`. */
  constructor(files: LobsterFiles) {
    this.#f = files;
    this.#n = files.levels;
    const n = files.levels;
    this.#prev = [levels(n), levels(n)];
    this.#cur = [levels(n), levels(n)];
    this.#pred = [levels(n), levels(n)];
    this.#unknown = [new Uint8Array(n + 1), new Uint8Array(n + 1)];
  }

  /** Feeds row `line` (1-based) of both files. */
  push(msgLine: string, obLine: string, line: number): void {
    const f = this.#f;
    const m = msgLine.split(",");
    if (m.length !== 6) {
      throw new MalformedRowError(
        f.message,
        line,
        Math.min(m.length, 6) + (m.length < 6 ? 1 : 0),
        m.length < 6 ? "row" : "row",
        "6 comma-separated columns (time, type, id, size, price, direction)",
        msgLine,
      );
    }
    const ts = secondsToNs(m[0].trim());
    if (!(ts >= 0)) {
      throw new MalformedRowError(f.message, line, 1, "time", "seconds after midnight", m[0]);
    }
    if (ts < this.#lastTs) {
      throw new MalformedRowError(
        f.message,
        line,
        1,
        "time",
        `a time at or after the previous row's (${this.#lastTs / 1e9} s)`,
        m[0],
      );
    }
    this.#lastTs = ts;
    const type = Number(m[1]);
    if (!(type >= 1 && type <= 7 && Number.isInteger(type))) {
      throw new MalformedRowError(f.message, line, 2, "type", "1, 2, 3, 4, 5, 6 or 7", m[1]);
    }
    // crosses and halts are pseudo messages: LOBSTER gives them negative ids and no side
    const pseudo = type === 6 || type === 7;
    const id = intCol(f.message, line, 3, "order id", m[2], pseudo);
    const size = intCol(f.message, line, 4, "size", m[3]);
    const price = intCol(f.message, line, 5, "price", m[4], true);
    const dir = Number(m[5]);
    if (dir !== 1 && dir !== -1 && !(pseudo && dir === 0)) {
      throw new MalformedRowError(f.message, line, 6, "direction", "1 (buy) or -1 (sell)", m[5]);
    }
    // orderbook row
    const ob = obLine.split(",");
    if (ob.length !== 4 * this.#n) {
      if (ob.length % 4 === 0 && this.#rows === 0) {
        throw new FileMismatchError(
          f.orderbook,
          `has ${ob.length / 4} levels per row (${ob.length} columns) but its name says ${this.#n}`,
        );
      }
      throw new MalformedRowError(
        f.orderbook,
        line,
        Math.min(ob.length, 4 * this.#n) + 1,
        "row",
        `${4 * this.#n} comma-separated columns (4 per level, ${this.#n} levels)`,
        obLine,
      );
    }
    const cur = this.#cur;
    cur[BID].n = 0;
    cur[ASK].n = 0;
    for (let k = 0; k < this.#n; k++) {
      const ap = intCol(f.orderbook, line, 4 * k + 1, `ask price ${k + 1}`, ob[4 * k], true);
      const aq = intCol(f.orderbook, line, 4 * k + 2, `ask size ${k + 1}`, ob[4 * k + 1]);
      const bp = intCol(f.orderbook, line, 4 * k + 3, `bid price ${k + 1}`, ob[4 * k + 2], true);
      const bq = intCol(f.orderbook, line, 4 * k + 4, `bid size ${k + 1}`, ob[4 * k + 3]);
      if (ap !== DUMMY && aq > 0) {
        cur[ASK].px[cur[ASK].n] = ap;
        cur[ASK].qty[cur[ASK].n++] = aq;
        this.#priceGcd = gcd(this.#priceGcd, ap);
      }
      if (bp !== -DUMMY && bq > 0) {
        cur[BID].px[cur[BID].n] = bp;
        cur[BID].qty[cur[BID].n++] = bq;
        this.#priceGcd = gcd(this.#priceGcd, bp);
      }
    }
    if (type === 7) this.#halt(ts, price, line);
    const side = dir === 1 ? BID : ASK;
    if (type <= 4) this.#priceGcd = gcd(this.#priceGcd, price);
    const b = this.#b;
    const kind = type as number;
    b.push(
      ts,
      ts,
      kind,
      side,
      0,
      price,
      size,
      type === 5 || type === 7 ? -1 : id,
    );
    const book = this.#book;
    if (this.#rows === 0) {
      // the first row's book is the starting snapshot
      b.push(ts, ts, EVENT.CLEAR, BID, FLAG.SNAPSHOT, 0, 0, -1);
      book.clear();
      for (const s of [BID, ASK]) {
        for (let k = 0; k < cur[s].n; k++) {
          book.set(s, cur[s].px[k], cur[s].qty[k]);
          b.push(ts, ts, EVENT.LEVEL, s, FLAG.SNAPSHOT, cur[s].px[k], cur[s].qty[k], -1);
        }
      }
    } else {
      if (kind === EVENT.ADD) book.add(side, price, size);
      else if (kind === EVENT.CANCEL || kind === EVENT.DELETE || kind === EVENT.EXECUTE) {
        book.add(side, price, -size);
      }
      this.#check(kind, side, price, size, line);
      this.#sync(ts);
    }
    // this row becomes the previous one
    const t = this.#prev;
    this.#prev = this.#cur;
    this.#cur = t;
    this.#rows++;
  }

  /**
   * A halt message: −1 opens a halt, 1 (trading resumes) closes it into a gap; 0 (quoting
   * resumes) keeps it open, since nothing trades until the reopening.
   */
  #halt(ts: number, code: number, line = 0): void {
    if (code === -1 && !this.#haltOpen) this.#haltOpen = { fromTs: ts, line };
    else if (code === 1 && this.#haltOpen) {
      const h = this.#haltOpen;
      this.#halts.push({ fromTs: h.fromTs, toTs: ts, line: h.line, missing: 0, reason: "halt" });
      this.#haltOpen = null;
    }
  }

  /** Applies the message to the previous row's shown book and compares with this row. */
  #check(kind: number, side: number, price: number, size: number, line: number): void {
    const n = this.#n;
    const prev = this.#prev, cur = this.#cur, pred = this.#pred, unk = this.#unknown;
    for (const s of [BID, ASK]) {
      pred[s].px.set(prev[s].px);
      pred[s].qty.set(prev[s].qty);
      pred[s].n = prev[s].n;
      unk[s].fill(0);
    }
    const L = pred[side];
    const better = (a: number, b2: number) => side === BID ? a > b2 : a < b2;
    let at = -1;
    for (let k = 0; k < L.n; k++) if (L.px[k] === price) at = k;
    let outside = false;
    if (kind === EVENT.ADD) {
      if (at >= 0) L.qty[at] += size;
      else {
        let pos = L.n;
        for (let k = 0; k < L.n; k++) {
          if (better(price, L.px[k])) {
            pos = k;
            break;
          }
        }
        if (pos < n) {
          for (let k = Math.min(L.n, n - 1); k > pos; k--) {
            L.px[k] = L.px[k - 1];
            L.qty[k] = L.qty[k - 1];
          }
          L.px[pos] = price;
          L.qty[pos] = size;
          if (L.n < n) L.n++;
        } else outside = true;
      }
    } else if (kind === EVENT.CANCEL || kind === EVENT.DELETE || kind === EVENT.EXECUTE) {
      if (at >= 0) {
        L.qty[at] -= size;
        if (L.qty[at] <= 0) {
          const full = L.n === n;
          for (let k = at; k < L.n - 1; k++) {
            L.px[k] = L.px[k + 1];
            L.qty[k] = L.qty[k + 1];
          }
          L.n--;
          // the last shown level now comes from beyond the depth: known only from the file
          if (full) unk[side][n - 1] = 1;
        }
      } else outside = true;
    }
    if (outside) this.#outside++;
    // compare with the file's row
    let ok = true, revealed = false, cls = "";
    for (const s of [BID, ASK]) {
      const P = pred[s], C = cur[s];
      for (let k = 0; k < n; k++) {
        if (unk[s][k]) {
          if (k < C.n) revealed = true;
          continue;
        }
        const pHas = k < P.n, cHas = k < C.n;
        if (pHas !== cHas) {
          ok = false;
          cls = "level count";
        } else if (pHas && P.px[k] !== C.px[k]) {
          ok = false;
          cls = "price";
        } else if (pHas && P.qty[k] !== C.qty[k]) {
          ok = false;
          cls = cls || "quantity";
        }
      }
    }
    this.#checked++;
    if (this.#checked <= 1000) this.#early++;
    if (revealed) this.#beyond++;
    if (ok) {
      this.#matched++;
      if (this.#checked <= 1000) this.#earlyMatched++;
    } else {
      const why: Record<string, string> = {
        "level count": "the message leaves a different number of shown levels than the file's row",
        price: "a shown price differs from the file's row after applying the message",
        quantity: "a shown quantity differs from the file's row after applying the message",
      };
      (this.#mism[cls] ??= { count: 0, explanation: why[cls] }).count++;
      if (this.#examples.length < 10) {
        this.#examples.push(`line ${line}: ${cls} (message type ${kind} at ${price / 1e4})`);
      }
      this.#b.repair("book set to the orderbook file's row after a mismatch");
    }
  }

  /** Emits LEVEL rows so that the tape's best N levels equal this row's. */
  #sync(ts: number): void {
    const n = this.#n, cur = this.#cur, book = this.#book, b = this.#b;
    for (const s of [BID, ASK]) {
      const C = cur[s];
      const dir = s === BID ? 1 : -1;
      // levels the tape's book shows within the row's depth that the row does not have
      const worst = C.n === n ? C.px[n - 1] : -Infinity * dir;
      for (let guard = 0; guard < 1_000_000; guard++) {
        let stale = NaN;
        for (let k = 0; k < book.depth(s); k++) {
          const x = book.levelPrice(s, k);
          if ((x - worst) * dir < 0) break;
          let inRow = false;
          for (let j = 0; j < C.n; j++) if (C.px[j] === x) inRow = true;
          if (!inRow) {
            stale = x;
            break;
          }
        }
        if (stale !== stale) break;
        book.set(s, stale, 0);
        b.push(ts, ts, EVENT.LEVEL, s, FLAG.REVEALED, stale, 0, -1);
      }
      for (let j = 0; j < C.n; j++) {
        if (book.get(s, C.px[j]) !== C.qty[j]) {
          book.set(s, C.px[j], C.qty[j]);
          b.push(ts, ts, EVENT.LEVEL, s, FLAG.REVEALED, C.px[j], C.qty[j], -1);
        }
      }
    }
  }

  /** Ends the input: checks the files matched and builds the tape. */
  finish(): Tape {
    const f = this.#f;
    if (this.#rows === 0) throw new DataError(f.message, "no rows");
    if (this.#early >= 10 && this.#earlyMatched < 0.5 * this.#early) {
      throw new FileMismatchError(
        f.orderbook,
        `does not follow the messages of ${f.message}: only ${this.#earlyMatched} of the ` +
          `first ${this.#early} rows are reproduced by applying the message to the previous ` +
          "row (the files belong to different samples, or a row is missing)",
      );
    }
    const priceUnit = this.#priceGcd % NASDAQ_TICK_UNITS === 0 ? NASDAQ_TICK_UNITS : this.#priceGcd;
    const origin = newYorkMidnight(f.date);
    const check: ReconstructionCheck = {
      method: "each message applied to the previous orderbook row's book must reproduce the " +
        "next row at every level; a level entering from beyond the file's depth is taken from " +
        "the file (rowsWithLevelFromBeyond)",
      checked: this.#checked,
      matched: this.#matched,
      mismatches: this.#mism,
      counts: { rowsWithLevelFromBeyond: this.#beyond, messagesOutsideShownDepth: this.#outside },
      examples: this.#examples,
    };
    const name = `${f.ticker}_${f.date}_${f.startMs}_${f.endMs}_${f.levels}`;
    // a halt still open at the end of the file lasts to its last message
    this.#halt(this.#lastTs, 1);
    return finishTape(
      this.#b,
      {
        name,
        format: "lobster",
        sources: [f.message, f.orderbook],
        instrument: f.ticker,
        tickSize: Number((priceUnit / 1e4).toPrecision(12)),
        qtyStep: 1,
        lotSuggestion: 100,
        originNs: origin.ns,
        originIso: origin.iso,
        depthLevels: f.levels,
        hasLocalTime: false,
        hasOrderIds: true,
        bookStart: 1,
        gaps: this.#halts,
        clockOffsetNs: 0,
      },
      { lines: 2 * this.#rows, reconstruction: check, notes: [] },
      priceUnit,
      1,
    );
  }
}

function intCol(
  file: string,
  line: number,
  col: number,
  name: string,
  text: string,
  signed = false,
): number {
  const t = text.trim();
  const v = Number(t);
  if (t === "" || !Number.isSafeInteger(v) || (!signed && v < 0)) {
    throw new MalformedRowError(
      file,
      line,
      col,
      name,
      signed ? "an integer" : "an integer >= 0",
      text,
    );
  }
  return v;
}
