/**
 * A zero-intelligence order book written as a LOBSTER tape, for calibration tests: the flow of
 * Cont, Stoikov & Talreja (2010) on a large-tick stock — Poisson limit orders at 0–4 ticks
 * behind the touch and one tick inside a wide spread, Poisson market orders with independent
 * signs, and a constant cancellation hazard per resting order — so the truth has no sign memory
 * and no clustering of market orders. Prices move only when the flow empties a queue.
 *
 * @module
 */
import { LobsterParser } from "../../lib/data/lobster.ts";
import type { Tape } from "../../lib/data/tape.ts";
import { prng, RefL3Book } from "../data/_fixtures.ts";

/** The generator's rates (per second) and its tick in LOBSTER's units ($ × 10⁴). */
export const ZI_TRUTH = {
  tick: 100,
  /** Limit orders per side at 0, 1, … ticks behind the touch. */
  limit: [8, 4, 2, 1.2, 0.8],
  /** Limit orders per side one tick inside the spread, when it is wider than a tick. */
  inside: 3,
  /** Market orders per side. */
  market: 1.5,
  /** Cancellation hazard of each resting order. */
  cancel: 0.25,
} as const;

/** LOBSTER message and orderbook lines of `seconds` of the zero-intelligence market. */
export function ziLobster(
  seed: number,
  seconds: number,
  levels = 1,
): { messages: string[]; rows: string[] } {
  const T = ZI_TRUTH;
  const rnd = prng(seed);
  const book = new RefL3Book();
  const shown = (s: 0 | 1, p: number) => {
    const lv = book.levels(s).slice(0, levels);
    return lv.length < levels || (s === 0 ? p >= lv[lv.length - 1][0] : p <= lv[lv.length - 1][0]);
  };
  // the only order left on its side (the level holds nothing else)
  const last = (o: { side: 0 | 1; size: number }) => {
    const lv = book.levels(o.side);
    return lv.length === 1 && lv[0][1] === o.size;
  };
  // sizes: a quarter odd lots, else round lots of 100 shares, geometric
  const size = () =>
    rnd() < 0.25 ? 1 + Math.floor(rnd() * 99) : 100 * (1 + Math.floor(-Math.log(1 - rnd()) * 3));
  for (let d = 0; d < 10; d++) {
    for (let k = 0; k < 30; k++) {
      book.add(0, 300_000 - T.tick * (d + 1), size());
      book.add(1, 300_000 + T.tick * d, size());
    }
  }
  const messages: string[] = [], rows: string[] = [];
  let t = 34_200;
  const emit = (type: number, id: number, sz: number, p: number, side: 0 | 1) => {
    messages.push([t.toFixed(9), type, id, sz, p, side === 0 ? 1 : -1].join(","));
    rows.push(book.row(levels));
  };
  const limitRate = T.limit.reduce((a, b) => a + b, 0);
  const end = 34_200 + seconds;
  while (true) {
    const bb = book.levels(0)[0][0], ba = book.levels(1)[0][0];
    const wide = ba - bb > T.tick;
    const rL = 2 * limitRate, rI = wide ? 2 * T.inside : 0, rM = 2 * T.market;
    const rC = T.cancel * book.orders.size;
    const total = rL + rI + rM + rC;
    t += -Math.log(1 - rnd()) / total;
    if (t >= end) break;
    let u = rnd() * total;
    const s: 0 | 1 = rnd() < 0.5 ? 0 : 1;
    if (u < rL) {
      let v = rnd() * limitRate, d = 0;
      while (v > T.limit[d]) v -= T.limit[d++];
      const p = s === 0 ? bb - d * T.tick : ba + d * T.tick;
      const sz = size();
      const id = book.add(s, p, sz);
      if (shown(s, p)) emit(1, id, sz, p, s);
      continue;
    }
    u -= rL;
    if (u < rI) {
      const p = s === 0 ? bb + T.tick : ba - T.tick;
      const sz = size();
      emit(1, book.add(s, p, sz), sz, p, s);
      continue;
    }
    u -= rI;
    if (u < rM) {
      // a market order against side s, FIFO, never emptying the book
      let want = rnd() < 0.5 ? 100 : size();
      if (rnd() < 0.05) want *= 10;
      while (want > 0) {
        const o = book.head(s)!;
        if (last(o) && o.size <= want) break;
        const x = Math.min(want, o.size);
        want -= x;
        o.size -= x;
        emit(4, o.id, x, o.price, o.side);
        if (o.size === 0) book.orders.delete(o.id);
      }
      continue;
    }
    const ids = [...book.orders.keys()];
    const o = book.orders.get(ids[Math.floor(rnd() * ids.length)])!;
    if (last(o)) continue;
    const vis = shown(o.side, o.price);
    if (rnd() < 0.85 || o.size <= 1) {
      book.orders.delete(o.id);
      if (vis) emit(3, o.id, o.size, o.price, o.side);
    } else {
      const x = 1 + Math.floor(rnd() * (o.size - 1));
      o.size -= x;
      if (vis) emit(2, o.id, x, o.price, o.side);
    }
  }
  return { messages, rows };
}

/** The tape of {@linkcode ziLobster} (parsed in memory, ticker ZIT). */
export function ziLobsterTape(seed: number, seconds: number, levels = 1): Tape {
  const { messages, rows } = ziLobster(seed, seconds, levels);
  const endMs = Math.round((34_200 + seconds) * 1000);
  const p = new LobsterParser({
    message: `ZIT_2012-06-21_34200000_${endMs}_message_${levels}.csv`,
    orderbook: `ZIT_2012-06-21_34200000_${endMs}_orderbook_${levels}.csv`,
    ticker: "ZIT",
    date: "2012-06-21",
    levels,
    startMs: 34_200_000,
    endMs,
  });
  messages.forEach((m, i) => p.push(m, rows[i], i + 1));
  return p.finish();
}
