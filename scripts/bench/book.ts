/**
 * Order-book throughput and memory benchmarks (`deno task bench --only book`).
 *
 * A mixed event stream (≈ 60 % limit adds near the touch, 30 % cancels of live orders,
 * 10 % market orders; ≈ 50 live levels a side in steady state) is generated once with a
 * seeded {@linkcode Rng} into typed arrays, then replayed through a fresh book several
 * times; the value is the median throughput. A counting {@linkcode ExecutionSink} is
 * attached, as in the simulator.
 *
 * @module
 */
import { Rng } from "../../lib/rng/rng.ts";
import { ASK, BID, type ExecutionSink, OrderBook, type Side } from "../../lib/book/mod.ts";
import { type BenchCase, median } from "./_types.ts";

/** Event kinds of a {@linkcode BookStream}. */
export const EV_ADD = 0;
/** Cancel of a live order. */
export const EV_CANCEL = 1;
/** Market order. */
export const EV_MARKET = 2;

/** A pre-generated event stream in typed arrays (struct of arrays). */
export interface BookStream {
  /** Number of events. */
  length: number;
  /** {@linkcode EV_ADD}, {@linkcode EV_CANCEL} or {@linkcode EV_MARKET}. */
  kind: Uint8Array;
  /** Side (aggressor side for market orders). */
  side: Uint8Array;
  /** Limit price in ticks (adds). */
  price: Int32Array;
  /** Lots (adds, market orders). */
  qty: Int32Array;
  /** Order id (adds, cancels). */
  id: Int32Array;
}

/** Counts executions and traded lots. */
class CountingSink implements ExecutionSink {
  fills = 0;
  lots = 0;
  onExecution(
    _restingId: number,
    _restingOwner: number,
    _aggressorId: number,
    _aggressorSide: Side,
    _priceTicks: number,
    qty: number,
    _timeNs: number,
    _restingRemaining: number,
  ): void {
    this.fills++;
    this.lots += qty;
  }
}

/**
 * Generates `n` events from `seed`: adds at 1 + Exp(mean 8) ticks from the opposite best
 * quote (Cont–Stoikov–Talreja style, so the spread fills in and ≈ 50 levels stay live),
 * 1–10 lots; cancels of a uniformly chosen live order; market orders of 1–30 lots.
 */
export function generateBookStream(n: number, seed = 1): BookStream {
  const rng = new Rng(`bench-book-${seed}`);
  const s: BookStream = {
    length: n,
    kind: new Uint8Array(n),
    side: new Uint8Array(n),
    price: new Int32Array(n),
    qty: new Int32Array(n),
    id: new Int32Array(n),
  };
  const live = new Int32Array(n); // live ids, swap-remove
  const pos = new Int32Array(n).fill(-1); // id -> index in live
  let nLive = 0;
  const drop = (id: number): void => {
    const i = pos[id];
    const last = live[--nLive];
    live[i] = last;
    pos[last] = i;
    pos[id] = -1;
  };
  const book = new OrderBook({ capacity: 1 << 14 });
  book.sink = {
    onExecution(
      rid: number,
      _o: number,
      _a: number,
      _s: Side,
      _p: number,
      _q: number,
      _t: number,
      rem: number,
    ): void {
      if (rem === 0) drop(rid);
    },
  };
  let nextId = 0;
  let last = 1_000_000;
  for (let e = 0; e < n; e++) {
    const u = rng.next();
    if (u < 0.6 || nLive === 0) {
      const side = rng.int(2) as Side;
      const opp = side === BID ? book.bestAsk() : book.bestBid();
      const ref = Number.isNaN(opp) ? (side === BID ? last + 1 : last - 1) : opp;
      const dist = 1 + Math.min(200, Math.floor(rng.exponential(1 / 8)));
      const price = side === BID ? ref - dist : ref + dist;
      const qty = 1 + rng.int(10);
      const id = nextId++;
      s.kind[e] = EV_ADD;
      s.side[e] = side;
      s.price[e] = price;
      s.qty[e] = qty;
      s.id[e] = id;
      pos[id] = nLive;
      live[nLive++] = id;
      if (book.addLimit(id, side, price, qty, e) === 0) drop(id);
    } else if (u < 0.9) {
      const id = live[rng.int(nLive)];
      s.kind[e] = EV_CANCEL;
      s.id[e] = id;
      book.cancel(id);
      drop(id);
    } else {
      const side = rng.int(2) as Side;
      const qty = 1 + rng.int(30);
      s.kind[e] = EV_MARKET;
      s.side[e] = side;
      s.qty[e] = qty;
      book.market(side, qty, e);
    }
    const m = book.mid();
    if (!Number.isNaN(m)) last = Math.round(m);
  }
  return s;
}

/** Replays `s` into `book` (cleared first); returns the lots traded (a checksum). */
export function replayBookStream(book: OrderBook, s: BookStream): number {
  book.clear();
  const { kind, side, price, qty, id } = s;
  const n = s.length;
  let traded = 0;
  for (let e = 0; e < n; e++) {
    const k = kind[e];
    if (k === EV_ADD) {
      book.addLimit(id[e], side[e] as Side, price[e], qty[e], e);
    } else if (k === EV_CANCEL) {
      book.cancel(id[e]);
    } else {
      traded += book.market(side[e] as Side, qty[e], e);
    }
  }
  return traded;
}

const STREAM_LEN = 1_000_000;
let cached: BookStream | null = null;
function stream(): BookStream {
  cached ??= generateBookStream(STREAM_LEN, 1);
  return cached;
}

/** The order-book benchmark cases. */
export const cases: BenchCase[] = [
  {
    name: "book.events_per_s",
    unit: "events/s",
    target: ">= 5,000,000",
    run(): number {
      const s = stream();
      const book = new OrderBook({ capacity: 1 << 14 });
      book.sink = new CountingSink();
      replayBookStream(book, s); // warm-up (JIT)
      replayBookStream(book, s);
      const rates: number[] = [];
      for (let r = 0; r < 7; r++) {
        const t0 = performance.now();
        replayBookStream(book, s);
        const dt = (performance.now() - t0) / 1000;
        rates.push(s.length / dt);
      }
      return median(rates);
    },
  },
  {
    name: "book.mem_growth_mb",
    unit: "MB",
    target: "~0",
    run(): number {
      const s = stream();
      const book = new OrderBook({ capacity: 1 << 14 });
      book.sink = new CountingSink();
      replayBookStream(book, s); // pools reach their steady-state size
      const before = Deno.memoryUsage().heapUsed;
      for (let r = 0; r < 10; r++) replayBookStream(book, s); // 10M events
      const after = Deno.memoryUsage().heapUsed;
      return (after - before) / (1024 * 1024);
    },
  },
];

if (import.meta.main) {
  const s = stream();
  let adds = 0, cancels = 0, markets = 0;
  for (let e = 0; e < s.length; e++) {
    if (s.kind[e] === EV_ADD) adds++;
    else if (s.kind[e] === EV_CANCEL) cancels++;
    else markets++;
  }
  const book = new OrderBook();
  const sink = new CountingSink();
  book.sink = sink;
  let lvB = 0, lvA = 0, orders = 0, samples = 0;
  const { kind, side, price, qty, id } = s;
  for (let e = 0; e < s.length; e++) {
    const k = kind[e];
    if (k === EV_ADD) book.addLimit(id[e], side[e] as Side, price[e], qty[e], e);
    else if (k === EV_CANCEL) book.cancel(id[e]);
    else book.market(side[e] as Side, qty[e], e);
    if (e % 1000 === 999 && e > 100_000) {
      lvB += book.levelCount(BID);
      lvA += book.levelCount(ASK);
      orders += book.orderCount;
      samples++;
    }
  }
  console.log({
    adds,
    cancels,
    markets,
    fills: sink.fills,
    bidLevels: lvB / samples,
    askLevels: lvA / samples,
    orders: orders / samples,
    spread: book.spread(),
    mid: book.mid(),
  });
}
