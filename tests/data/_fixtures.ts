/**
 * Test fixtures for the data layer: LOBSTER message/orderbook pairs generated from a
 * reference L3 book (written to a temporary directory with LOBSTER's file names), CSV tapes,
 * and Binance raw-feed lines.
 *
 * @module
 */

/** One resting order of the reference book. */
interface RefOrder {
  id: number;
  side: 0 | 1; // 0 bid (direction 1), 1 ask (direction -1)
  price: number; // dollars × 10,000
  size: number;
}

/** A LOBSTER message as the generator emits it. */
export interface LobsterMessage {
  time: string;
  type: 1 | 2 | 3 | 4 | 5 | 7;
  id: number;
  size: number;
  price: number;
  direction: 1 | -1;
}

/** A tiny reference L3 book (FIFO per price), the truth the generated files describe. */
export class RefL3Book {
  readonly orders = new Map<number, RefOrder>();
  #nextId = 1000;

  /** Prices of `side` with their total size, best first. */
  levels(side: 0 | 1): [number, number][] {
    const m = new Map<number, number>();
    for (const o of this.orders.values()) {
      if (o.side === side) m.set(o.price, (m.get(o.price) ?? 0) + o.size);
    }
    return [...m.entries()].sort((a, b) => side === 0 ? b[0] - a[0] : a[0] - b[0]);
  }

  /** The LOBSTER orderbook row of the best `n` levels. */
  row(n: number): string {
    const a = this.levels(1), b = this.levels(0);
    const cells: number[] = [];
    for (let k = 0; k < n; k++) {
      cells.push(k < a.length ? a[k][0] : 9999999999, k < a.length ? a[k][1] : 0);
      cells.push(k < b.length ? b[k][0] : -9999999999, k < b.length ? b[k][1] : 0);
    }
    return cells.join(",");
  }

  /** Adds a new order; returns its id. */
  add(side: 0 | 1, price: number, size: number): number {
    const id = this.#nextId++;
    this.orders.set(id, { id, side, price, size });
    return id;
  }

  /** The oldest order at the best price of `side` (FIFO head), if any. */
  head(side: 0 | 1): RefOrder | undefined {
    const best = this.levels(side)[0]?.[0];
    for (const o of this.orders.values()) if (o.side === side && o.price === best) return o;
    return undefined;
  }
}

/** A small deterministic PRNG (mulberry32) for fixtures. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generates `steps` random L3 events on a reference book around $100.00 and returns the
 * LOBSTER files of its best `levels` levels: only the messages that touch a shown level are
 * written (as LOBSTER does), each with the orderbook row after it. Includes adds, partial
 * cancels, deletes, executions (FIFO head of the best level), hidden executions and a halt.
 */
export function generateLobster(
  seed: number,
  steps: number,
  levels: number,
): { messages: string[]; rows: string[]; book: RefL3Book } {
  const rnd = prng(seed);
  const book = new RefL3Book();
  const messages: string[] = [];
  const rows: string[] = [];
  const tick = 100;
  let t = 34_200_000_000_000; // ns after midnight
  // seed both sides with a few levels
  for (let k = 1; k <= levels + 2; k++) {
    book.add(0, 1_000_000 - k * tick, 100);
    book.add(1, 1_000_000 + k * tick, 100);
  }
  const shown = (side: 0 | 1, price: number) => {
    const lv = book.levels(side).slice(0, levels);
    if (lv.length < levels) return true;
    const worst = lv[lv.length - 1][0];
    return side === 0 ? price >= worst : price <= worst;
  };
  const emit = (m: LobsterMessage) => {
    messages.push([m.time, m.type, m.id, m.size, m.price, m.direction].join(","));
    rows.push(book.row(levels));
  };
  const time = () => {
    t += 1 + Math.floor(rnd() * 50_000_000);
    const s = String(t);
    return `${s.slice(0, -9)}.${s.slice(-9)}`;
  };
  for (let step = 0; step < steps; step++) {
    const u = rnd();
    const side: 0 | 1 = rnd() < 0.5 ? 0 : 1;
    const dir: 1 | -1 = side === 0 ? 1 : -1;
    const bestBid = book.levels(0)[0]?.[0] ?? 990_000;
    const bestAsk = book.levels(1)[0]?.[0] ?? 1_010_000;
    if (u < 0.45) {
      // a new order, never crossing
      const off = Math.floor(rnd() * 6) - 1;
      let price = side === 0 ? bestBid - off * tick : bestAsk + off * tick;
      if (side === 0 && price >= bestAsk) price = bestAsk - tick;
      if (side === 1 && price <= bestBid) price = bestBid + tick;
      if (price <= 0) continue;
      const size = 1 + Math.floor(rnd() * 300);
      const vis = shown(side, price);
      const id = book.add(side, price, size);
      if (vis || shown(side, price)) {
        emit({ time: time(), type: 1, id, size, price, direction: dir });
      }
    } else if (u < 0.8) {
      // cancel or delete an existing order
      const ids = [...book.orders.keys()];
      if (ids.length === 0) continue;
      const o = book.orders.get(ids[Math.floor(rnd() * ids.length)])!;
      // keep each side non-empty
      if (book.levels(o.side).length <= 1 && book.levels(o.side)[0][1] <= o.size) continue;
      const vis = shown(o.side, o.price);
      const full = rnd() < 0.7 || o.size === 1;
      const size = full ? o.size : 1 + Math.floor(rnd() * (o.size - 1));
      if (full) book.orders.delete(o.id);
      else o.size -= size;
      if (vis) {
        emit({
          time: time(),
          type: full ? 3 : 2,
          id: o.id,
          size,
          price: o.price,
          direction: o.side === 0 ? 1 : -1,
        });
      }
    } else if (u < 0.97) {
      // an execution of the head of a best level
      const o = book.head(side);
      if (!o) continue;
      if (book.levels(side).length <= 1 && book.levels(side)[0][1] <= o.size) continue;
      const size = rnd() < 0.6 ? o.size : 1 + Math.floor(rnd() * o.size);
      if (size >= o.size) book.orders.delete(o.id);
      else o.size -= size;
      emit({ time: time(), type: 4, id: o.id, size, price: o.price, direction: dir });
    } else if (u < 0.995) {
      emit({
        time: time(),
        type: 5,
        id: 0,
        size: 1 + Math.floor(rnd() * 50),
        price: bestBid + tick / 2,
        direction: dir,
      });
    } else {
      // a halt message that opens no halt (0: quoting resumes), so the tape has no gap
      emit({ time: time(), type: 7, id: 0, size: 0, price: 0, direction: -1 });
    }
  }
  return { messages, rows, book };
}

/** Writes a LOBSTER pair under `dir`; returns the message file's path. */
export async function writeLobster(
  dir: string,
  messages: string[],
  rows: string[],
  levels: number,
  nameLevels = levels,
  ticker = "TEST",
): Promise<string> {
  const base = `${dir}/${ticker}_2012-06-21_34200000_57600000`;
  await Deno.writeTextFile(`${base}_message_${nameLevels}.csv`, messages.join("\n") + "\n");
  await Deno.writeTextFile(`${base}_orderbook_${nameLevels}.csv`, rows.join("\n") + "\n");
  void levels;
  return `${base}_message_${nameLevels}.csv`;
}

/** Writes a CSV tape (header and `# qty_step=1`) and returns its path. */
export async function writeCsvTape(dir: string, name: string, rows: string[]): Promise<string> {
  const path = `${dir}/${name}.csv`;
  await Deno.writeTextFile(
    path,
    ["# tick_size=0.01", "# qty_step=1", "ts,local_ts,type,side,price,qty", ...rows].join("\n") +
      "\n",
  );
  return path;
}

/** Nanoseconds since the epoch of second `s` after 2024-01-01T00:00:00Z (as a string). */
export function epochNs(s: number): string {
  return (1_704_067_200_000_000_000n + BigInt(Math.round(s * 1e9))).toString();
}
