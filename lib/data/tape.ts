/**
 * The normalized event tape every loader produces (LOBSTER, Binance raw feed, generic CSV):
 * one row per market event, stored in typed-array columns declared once in
 * {@linkcode TAPE_COLUMNS} (storage, unit, meaning). Everything else derives from that
 * table: allocation, the Arrow IPC cache, `deno task data inspect`.
 *
 * Units and conventions:
 * - time: integer nanoseconds since the tape's origin (`meta.originNs`, an epoch time in
 *   ns kept as a decimal string), stored in Float64 columns (exact for spans below ~104 days).
 *   `ts` is the exchange's timestamp, `localTs` the time the recorder received the event (equal
 *   to `ts` where the source has only one clock). Rows are in non-decreasing `ts` order.
 * - prices: integer ticks of `meta.tickSize` (dollars or quote currency per unit).
 * - quantities: integer multiples of `meta.qtyStep` units of the instrument (shares, BTC).
 * - side: the side of the book an event touches, {@linkcode BID} (0) or {@linkcode ASK} (1);
 *   for a trade, the side of the **resting** (maker) order: the aggressor is the other side
 *   ({@linkcode aggressorSide}).
 *
 * Event kinds ({@linkcode EVENT}): L3 order messages where the source carries order ids
 * (LOBSTER: add, cancel, delete, execute, hidden execute, cross, halt), L2 level updates (the
 * displayed quantity at a price becomes `qty`), trades, the venue's own best-quote messages
 * (information only: they never change the book), and book clears that start a snapshot.
 *
 * Columns marked `derived` are not read from the source: {@linkcode deriveBookColumns}
 * (`book_state.ts`) computes them by replaying the events through an L2 book (best quotes,
 * depth, cumulative trade volume, …), so that a replay needs no book of its own.
 *
 * @module
 */

// The book's side constants (bid 0, ask 1), one definition for the whole library.
export { ASK, BID } from "../book/order_book.ts";

/**
 * Event kinds (the `kind` column). L3 kinds 1–7 keep LOBSTER's numbering.
 * - `ADD`: a new visible limit order (`orderId`, `side`, `price`, `qty`).
 * - `CANCEL`: part of a resting order cancelled (`qty` = the cancelled part).
 * - `DELETE`: a resting order removed (`qty` = what was left).
 * - `EXECUTE`: a visible resting order executed (`qty` = executed); a trade.
 * - `HIDDEN_EXECUTE`: hidden liquidity executed; a trade that changes no visible level.
 * - `CROSS`: an auction's cross trade as LOBSTER reports it: a pseudo order whose `qty` and
 *   `price` are the auction's volume and price and whose `orderId` says which auction (−1
 *   opening, −2 closing, −3 and below other crosses: IPO, halt reopening, cross network).
 *   Information only: not a trade by an aggressor, and it changes no level (the executions it
 *   aggregates are their own messages where they touched the book). `side` has no meaning.
 * - `HALT`: trading halt (`price` −1), quoting (0) or resume (1), as LOBSTER writes it.
 * - `LEVEL`: the displayed quantity at (`side`, `price`) becomes `qty` (0 removes the level).
 * - `TRADE`: a trade print of `qty` at `price`; `side` is the resting side.
 * - `BEST_QUOTE`: the venue's best-quote message for one side (`price`, `qty`); information.
 * - `CLEAR`: the book is emptied (a snapshot of `LEVEL` events with the same `ts` follows).
 */
export const EVENT = {
  ADD: 1,
  CANCEL: 2,
  DELETE: 3,
  EXECUTE: 4,
  HIDDEN_EXECUTE: 5,
  CROSS: 6,
  HALT: 7,
  LEVEL: 8,
  TRADE: 9,
  BEST_QUOTE: 10,
  CLEAR: 11,
} as const;

/** The name of an event kind. */
export type EventKindName = keyof typeof EVENT;

/** Every kind's name by its code (undefined for unused codes). */
export const EVENT_NAMES: readonly (EventKindName | undefined)[] = (() => {
  const out: (EventKindName | undefined)[] = [];
  for (const [name, code] of Object.entries(EVENT)) out[code] = name as EventKindName;
  return out;
})();

/**
 * Bit flags of the `flags` column.
 * - `SNAPSHOT`: the event belongs to a book snapshot (after a `CLEAR`).
 * - `REVEALED`: a `LEVEL` event for a level that entered a depth-limited file from beyond
 *   its depth (its quantity is known only from the file's book state, not from a message).
 * - `ESTIMATED_TS`: `ts` was estimated from `localTs` (the source message carries no
 *   exchange time, e.g. Binance spot best quotes).
 * - `LOCAL_ONLY`: kept for information, not applied to the book (not used by the replay).
 */
export const FLAG = {
  SNAPSHOT: 1,
  REVEALED: 2,
  ESTIMATED_TS: 4,
  LOCAL_ONLY: 8,
} as const;

/** How one tape column is stored and what it holds. */
export interface TapeColumnSpec {
  /** Storage: Float64Array, Int32Array or Uint8Array. */
  readonly type: "f64" | "i32" | "u8";
  /** Unit, as written into exported files. */
  readonly unit: string;
  /** True when computed from the events (book_state.ts), not read from the source. */
  readonly derived: boolean;
  /** One line saying what the column holds. */
  readonly doc: string;
}

/** The tape's columns, source columns first, then the derived book-state columns. */
export const TAPE_COLUMNS = {
  /** Exchange timestamp, ns since `meta.originNs`. */
  ts: { type: "f64", unit: "ns", derived: false, doc: "exchange time, ns since origin" },
  /** Local receive timestamp, ns since `meta.originNs` (= ts where the source has one clock). */
  localTs: { type: "f64", unit: "ns", derived: false, doc: "local receive time, ns" },
  /** Event kind (see EVENT). */
  kind: { type: "u8", unit: "kind", derived: false, doc: "event kind (EVENT)" },
  /** Book side touched: 0 bid, 1 ask (trades: the resting side). */
  side: { type: "u8", unit: "side", derived: false, doc: "0 bid, 1 ask (trades: resting side)" },
  /** Bit flags (see FLAG). */
  flags: { type: "u8", unit: "bits", derived: false, doc: "FLAG bits" },
  /** Price, ticks. */
  price: { type: "f64", unit: "ticks", derived: false, doc: "price in ticks" },
  /** Quantity, in qtyStep units. */
  qty: { type: "f64", unit: "qtyStep", derived: false, doc: "quantity in qtyStep units" },
  /** Venue order id (L3 sources), −1 when none. */
  orderId: { type: "f64", unit: "id", derived: false, doc: "venue order id, -1 if none" },
  /** Best bid after the event, ticks (NaN while the side is empty). */
  bestBid: { type: "f64", unit: "ticks", derived: true, doc: "best bid after the event" },
  /** Best ask after the event, ticks (NaN while the side is empty). */
  bestAsk: { type: "f64", unit: "ticks", derived: true, doc: "best ask after the event" },
  /** Quantity at the best bid after the event, qtyStep units. */
  bidQty: { type: "f64", unit: "qtyStep", derived: true, doc: "quantity at the best bid" },
  /** Quantity at the best ask after the event, qtyStep units. */
  askQty: { type: "f64", unit: "qtyStep", derived: true, doc: "quantity at the best ask" },
  /** (bid − ask depth)/(sum) over the top 5 levels after the event, in [−1, 1]. */
  imbalance: { type: "f64", unit: "ratio", derived: true, doc: "top-5 depth imbalance" },
  /** Displayed quantity at the event's (side, price) before it, for book-changing events. */
  levelBefore: { type: "f64", unit: "qtyStep", derived: true, doc: "level quantity before" },
  /** Displayed quantity at the event's (side, price) after it (NaN: the event changes none). */
  levelAfter: { type: "f64", unit: "qtyStep", derived: true, doc: "level quantity after" },
  /** Cumulative buyer-initiated traded quantity up to and including the event. */
  cumBuy: { type: "f64", unit: "qtyStep", derived: true, doc: "cumulative buy-aggressor qty" },
  /** Cumulative seller-initiated traded quantity up to and including the event. */
  cumSell: { type: "f64", unit: "qtyStep", derived: true, doc: "cumulative sell-aggressor qty" },
  /**
   * For an L3 event that refers to an existing order: the row of that order's `ADD`
   * (−1: the order was added before the tape starts or beyond its depth).
   */
  addIndex: { type: "i32", unit: "row", derived: true, doc: "row of the order's ADD, -1 unknown" },
  /** Worst displayed bid price of a depth-limited file after the event (NaN: full depth). */
  visibleBid: { type: "f64", unit: "ticks", derived: true, doc: "deepest visible bid" },
  /** Worst displayed ask price of a depth-limited file after the event (NaN: full depth). */
  visibleAsk: { type: "f64", unit: "ticks", derived: true, doc: "deepest visible ask" },
} as const satisfies Record<string, TapeColumnSpec>;

/** The name of a tape column. */
export type TapeColumnName = keyof typeof TAPE_COLUMNS;

/** The typed array that stores a column of storage type `T`. */
export type TapeArray<T extends TapeColumnSpec["type"]> = T extends "u8" ? Uint8Array
  : T extends "i32" ? Int32Array
  : Float64Array;

/** Every column of a tape as its typed array (all of the tape's length). */
export type TapeColumns = {
  readonly [K in TapeColumnName]: TapeArray<typeof TAPE_COLUMNS[K]["type"]>;
};

/** The names of the source (non-derived) columns, in declaration order. */
export const SOURCE_COLUMNS: readonly TapeColumnName[] = (
  Object.keys(TAPE_COLUMNS) as TapeColumnName[]
).filter((k) => !TAPE_COLUMNS[k].derived);

/** The names of the derived columns, in declaration order. */
export const DERIVED_COLUMNS: readonly TapeColumnName[] = (
  Object.keys(TAPE_COLUMNS) as TapeColumnName[]
).filter((k) => TAPE_COLUMNS[k].derived);

/** Allocates one zeroed array of `n` rows for column `name`. */
export function allocateColumn<K extends TapeColumnName>(
  name: K,
  n: number,
): TapeArray<typeof TAPE_COLUMNS[K]["type"]> {
  const t = TAPE_COLUMNS[name].type;
  return (t === "u8"
    ? new Uint8Array(n)
    : t === "i32"
    ? new Int32Array(n)
    : new Float64Array(n)) as TapeArray<typeof TAPE_COLUMNS[K]["type"]>;
}

/**
 * A break in the tape's continuous trading between `fromTs` and `toTs` (ns): a feed gap (the
 * book unknown) or a trading halt (the book known, no trading). Replay windows never span
 * one, and the calibration's records stop at it.
 */
export interface TapeGap {
  /** Last exchange time (ns since origin) at which the book was known (halt: its start). */
  fromTs: number;
  /** Exchange time (ns since origin) of the snapshot that re-synchronized it (halt: resume). */
  toTs: number;
  /** 1-based line of the source where the break was detected. */
  line: number;
  /** Update ids missing (feeds with ids), else 0. */
  missing: number;
  /** `"halt"`: a trading halt (LOBSTER type 7); absent: a gap in the feed. */
  reason?: "halt";
}

/** What a tape is and where it came from. */
export interface TapeMeta {
  /** Version of the normalized format (the cache is invalid across versions). */
  version: number;
  /** Short name (file name without directories and extensions). */
  name: string;
  /** Source format. */
  format: "lobster" | "binance" | "csv";
  /** Source files as given to the loader. */
  sources: string[];
  /** Instrument symbol (from the file name or the feed). */
  instrument: string;
  /** Tick size, price units (dollars, USDT) per tick. */
  tickSize: number;
  /** Quantity step: instrument units (shares, BTC) per `qty` unit. */
  qtyStep: number;
  /** A natural trading lot in instrument units (LOBSTER: 100 shares; else the power of ten nearest the median trade). */
  lotSuggestion: number;
  /** Epoch time of ts = 0, integer ns as a decimal string. */
  originNs: string;
  /** The origin as an ISO-8601 time with its UTC offset (for people). */
  originIso: string;
  /** Levels per side the source shows (LOBSTER's level count), 0 when it has full depth. */
  depthLevels: number;
  /** True when `localTs` is a real second clock (not a copy of `ts`). */
  hasLocalTime: boolean;
  /** True when events carry venue order ids (exact queue positions are possible). */
  hasOrderIds: boolean;
  /** First row at which the book is known (after the first snapshot). */
  bookStart: number;
  /** Periods where the book is unknown (sequence gaps re-synchronized by a later snapshot). */
  gaps: TapeGap[];
  /**
   * Nanoseconds added to every local timestamp so that no event is received before it
   * happened (the recorder's clock was behind the exchange's); 0 when none was needed.
   */
  clockOffsetNs: number;
}

/** The reconstruction check of a loader (see the loader's docs for what it compares). */
export interface ReconstructionCheck {
  /** What was compared, in words. */
  method: string;
  /** Comparisons made. */
  checked: number;
  /** Comparisons that agreed. */
  matched: number;
  /** Mismatches by class, with a one-line explanation of each class. */
  mismatches: Record<string, { count: number; explanation: string }>;
  /** Extra counts the check reports (e.g. rows whose level entered from beyond the depth). */
  counts: Record<string, number>;
  /** Up to 10 examples of mismatches, with their source line. */
  examples: string[];
}

/** What the loader read, kept, repaired and skipped: nothing is dropped silently. */
export interface LoadReport {
  /** Source lines read (all files). */
  lines: number;
  /** Events kept, by kind name. */
  events: Partial<Record<EventKindName, number>>;
  /** Source records not turned into events, by reason. */
  skipped: Record<string, number>;
  /** Events kept after a documented repair, by reason. */
  repaired: Record<string, number>;
  /** The reconstruction check, when the loader has one. */
  reconstruction: ReconstructionCheck | null;
  /** Notes a user should read (e.g. a clock correction). */
  notes: string[];
}

/** A loaded tape: metadata, the load report and the columns. */
export interface Tape {
  /** What the tape is. */
  readonly meta: TapeMeta;
  /** What the loader did. */
  readonly report: LoadReport;
  /** Number of rows. */
  readonly length: number;
  /** The columns (see TAPE_COLUMNS). */
  readonly columns: TapeColumns;
}

/**
 * Version of the normalized tape format (bump when columns or semantics change; 2: LOBSTER
 * crosses as `CROSS` events and halts as gaps).
 */
export const TAPE_VERSION = 2;

/**
 * The side of the aggressor of trade row `i` (the opposite of the resting side).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { aggressorSide, ASK, BID } from "./tape.ts";
 * const side = new Uint8Array([BID]);
 * assert.equal(aggressorSide({ columns: { side } }, 0), ASK); // a sell hit the bid
 * ```
 */
export function aggressorSide(tape: { columns: { side: Uint8Array } }, i: number): number {
  return 1 - tape.columns.side[i];
}

/** True for kinds that print a trade (`EXECUTE`, `HIDDEN_EXECUTE`, `TRADE`). */
export function isTradeKind(kind: number): boolean {
  return kind === EVENT.EXECUTE || kind === EVENT.HIDDEN_EXECUTE || kind === EVENT.TRADE;
}

/** True for kinds that change a displayed level (`ADD`, `CANCEL`, `DELETE`, `EXECUTE`, `LEVEL`). */
export function changesLevel(kind: number): boolean {
  return kind === EVENT.ADD || kind === EVENT.CANCEL || kind === EVENT.DELETE ||
    kind === EVENT.EXECUTE || kind === EVENT.LEVEL;
}

/**
 * Row indices of the events of `kind` (allocates; for analysis, not hot loops).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EVENT, rowsOfKind } from "./tape.ts";
 * const kind = new Uint8Array([EVENT.TRADE, EVENT.LEVEL, EVENT.TRADE]);
 * assert.deepEqual([...rowsOfKind({ length: 3, columns: { kind } }, EVENT.TRADE)], [0, 2]);
 * ```
 */
export function rowsOfKind(
  tape: { length: number; columns: { kind: Uint8Array } },
  kind: number,
): Int32Array {
  const k = tape.columns.kind;
  let n = 0;
  for (let i = 0; i < tape.length; i++) if (k[i] === kind) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let i = 0; i < tape.length; i++) if (k[i] === kind) out[n++] = i;
  return out;
}

/**
 * The first row whose `ts` is greater than `t` (ns), searching rows [lo, hi): the number of
 * events at or before `t` when lo = 0. Binary search (ts is non-decreasing).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { upperBound } from "./tape.ts";
 * const ts = new Float64Array([0, 5, 5, 9]);
 * assert.equal(upperBound(ts, 5), 3);
 * assert.equal(upperBound(ts, -1), 0);
 * ```
 */
export function upperBound(ts: Float64Array, t: number, lo = 0, hi = ts.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Seconds since the tape's origin of row `i`'s exchange time. */
export function rowSeconds(tape: Tape, i: number): number {
  return tape.columns.ts[i] / 1e9;
}
