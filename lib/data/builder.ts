/**
 * {@linkcode TapeBuilder}: growable typed-array storage for the source columns of a tape,
 * with counts of every event kind, skipped record and repair, so that loaders drop nothing
 * silently. Loaders push one event at a time (no allocation per event) and `finish` returns
 * trimmed columns.
 *
 * @module
 */
import {
  allocateColumn,
  EVENT_NAMES,
  type EventKindName,
  SOURCE_COLUMNS,
  type TapeColumnName,
} from "./tape.ts";

/** The source columns of a tape being built (trimmed to its length by `finish`). */
export interface SourceColumns {
  /** Exchange time, ns since origin. */
  ts: Float64Array;
  /** Local time, ns since origin. */
  localTs: Float64Array;
  /** Event kind. */
  kind: Uint8Array;
  /** Book side. */
  side: Uint8Array;
  /** Flag bits. */
  flags: Uint8Array;
  /** Price, in the builder's price units (ticks once divided). */
  price: Float64Array;
  /** Quantity, in the builder's quantity units. */
  qty: Float64Array;
  /** Venue order id or −1. */
  orderId: Float64Array;
}

/**
 * Accumulates events column by column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TapeBuilder } from "./builder.ts";
 * import { BID, EVENT } from "./tape.ts";
 * const b = new TapeBuilder(2);
 * for (let i = 0; i < 5; i++) b.push(i, i, EVENT.LEVEL, BID, 0, 100 - i, 3, -1);
 * b.skip("stale depth update");
 * const cols = b.finish();
 * assert.equal(cols.price.length, 5);
 * assert.deepEqual(b.eventCounts(), { LEVEL: 5 });
 * assert.deepEqual(b.skipped, { "stale depth update": 1 });
 * ```
 */
export class TapeBuilder {
  /** Rows pushed so far. */
  length = 0;
  /** Records not turned into events, by reason. */
  readonly skipped: Record<string, number> = {};
  /** Events kept after a documented repair, by reason. */
  readonly repaired: Record<string, number> = {};
  #cols: SourceColumns;
  #cap: number;
  readonly #counts = new Float64Array(256);

  /** A builder with room for `capacity` rows (it grows by doubling). */
  constructor(capacity = 1 << 16) {
    this.#cap = Math.max(16, capacity);
    this.#cols = allocate(this.#cap);
  }

  /** Appends one event. */
  push(
    ts: number,
    localTs: number,
    kind: number,
    side: number,
    flags: number,
    price: number,
    qty: number,
    orderId: number,
  ): void {
    if (this.length === this.#cap) this.#grow();
    const i = this.length++;
    const c = this.#cols;
    c.ts[i] = ts;
    c.localTs[i] = localTs;
    c.kind[i] = kind;
    c.side[i] = side;
    c.flags[i] = flags;
    c.price[i] = price;
    c.qty[i] = qty;
    c.orderId[i] = orderId;
    this.#counts[kind]++;
  }

  /** Counts a source record that was not turned into an event, by `reason`. */
  skip(reason: string, n = 1): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + n;
  }

  /** Counts an event kept after a repair, by `reason`. */
  repair(reason: string, n = 1): void {
    this.repaired[reason] = (this.repaired[reason] ?? 0) + n;
  }

  /** The columns so far (untrimmed views are valid up to `length`; for loaders' own passes). */
  get columns(): SourceColumns {
    return this.#cols;
  }

  /** Events kept, by kind name. */
  eventCounts(): Partial<Record<EventKindName, number>> {
    const out: Partial<Record<EventKindName, number>> = {};
    for (let k = 0; k < 256; k++) {
      const name = EVENT_NAMES[k];
      if (this.#counts[k] > 0 && name) out[name] = this.#counts[k];
    }
    return out;
  }

  /** The columns trimmed to `length` (copies). */
  finish(): SourceColumns {
    const out = {} as Record<string, Float64Array | Uint8Array>;
    const c = this.#cols as unknown as Record<string, Float64Array | Uint8Array>;
    for (const name of SOURCE_COLUMNS) out[name] = c[name].slice(0, this.length);
    return out as unknown as SourceColumns;
  }

  #grow(): void {
    const cap = this.#cap * 2;
    const next = allocate(cap);
    const a = this.#cols as unknown as Record<string, Float64Array | Uint8Array>;
    const b = next as unknown as Record<string, Float64Array | Uint8Array>;
    for (const name of SOURCE_COLUMNS) b[name].set(a[name]);
    this.#cols = next;
    this.#cap = cap;
  }
}

function allocate(n: number): SourceColumns {
  const out = {} as Record<TapeColumnName, unknown>;
  for (const name of SOURCE_COLUMNS) out[name] = allocateColumn(name, n);
  return out as unknown as SourceColumns;
}
