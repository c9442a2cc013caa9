import assert from "node:assert/strict";
import {
  BinanceParser,
  LevelIndex,
  loadTapeSync,
  midStats,
  planWindows,
  splitWindows,
  TapeTooShortError,
} from "../../lib/data/mod.ts";
import { L2Book } from "../../lib/data/l2_book.ts";
import { EVENT } from "../../lib/data/tape.ts";

const BINANCE = "data/real/binance/spot_btcusdt_20240808.gz";
const LOBSTER = "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";

Deno.test("windows: whole, disjoint, inside the book, two-sided at the start; stride overlaps", () => {
  const tape = loadTapeSync(BINANCE);
  const c = tape.columns;
  const w = planWindows([tape], 60);
  assert.equal(w.length, 5);
  for (let k = 0; k < w.length; k++) {
    const x = w[k];
    assert.equal(x.endTs - x.startTs, 60e9);
    assert.ok(x.startTs >= c.ts[tape.meta.bookStart]);
    assert.ok(x.endTs <= c.ts[tape.length - 1]);
    assert.ok(c.ts[x.startRow] >= x.startTs && c.ts[x.startRow - 1] < x.startTs);
    assert.ok(c.bestBid[x.startRow - 1] < c.bestAsk[x.startRow - 1]);
    if (k > 0) assert.equal(x.startTs, w[k - 1].endTs);
    assert.match(x.id, /^spot_btcusdt_20240808@\d+$/);
  }
  const overlapping = planWindows([tape], 60, 10);
  assert.ok(overlapping.length > 25);
  const split = splitWindows(w, 0.5);
  assert.deepEqual(split, { calibration: [0, 1], evaluation: [2, 3, 4] });
});

Deno.test("windows: a tape too short for the window is a typed error naming the file", () => {
  const tape = loadTapeSync(BINANCE);
  assert.throws(
    () => planWindows([tape], 400),
    (e) =>
      e instanceof TapeTooShortError && e.message.includes("spot_btcusdt_20240808.gz") &&
      /400 s/.test(e.message),
  );
});

Deno.test("LevelIndex: the quantity at any level after any row equals an L2 book replayed to that row", () => {
  const tape = loadTapeSync(LOBSTER);
  const idx = LevelIndex.of(tape);
  const c = tape.columns;
  const book = new L2Book();
  let checks = 0;
  for (let i = 0; i < tape.length && checks < 20_000; i++) {
    const k = c.kind[i];
    if (k === EVENT.CLEAR) book.clear();
    else if (k === EVENT.LEVEL) book.set(c.side[i], c.price[i], c.qty[i]);
    else if (k === EVENT.ADD) book.add(c.side[i], c.price[i], c.qty[i]);
    else if (k === EVENT.CANCEL || k === EVENT.DELETE || k === EVENT.EXECUTE) {
      book.add(c.side[i], c.price[i], -c.qty[i]);
    }
    if (i % 7 === 0) {
      for (const s of [0, 1]) {
        const p = book.best(s);
        if (p === p) {
          for (const d of [0, 1, 3]) {
            const q = s === 0 ? p - d : p + d;
            assert.equal(idx.qtyAt(s, q, i), book.get(s, q), `row ${i} side ${s} price ${q}`);
            checks++;
          }
        }
      }
    }
  }
  assert.ok(checks > 10_000);
});

Deno.test("midStats: the shipped tapes' nominal price and daily volatility are plausible", () => {
  const amzn = midStats([loadTapeSync(LOBSTER)], 23_400);
  assert.ok(amzn.meanPrice > 215 && amzn.meanPrice < 230, String(amzn.meanPrice));
  assert.ok(amzn.dailyVolatility > 0.003 && amzn.dailyVolatility < 0.05);
  assert.ok(amzn.samples > 23_000);
  void BinanceParser;
});
