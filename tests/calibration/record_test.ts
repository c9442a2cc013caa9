import assert from "node:assert/strict";
import { blockStatistics, defaultFacts, makeBlocks } from "../../lib/calibration/facts.ts";
import {
  recordFromMarketTape,
  recordFromTape,
  timeResolution,
} from "../../lib/calibration/record.ts";
import { loadTapeSync } from "../../lib/data/load.ts";
import { FLOW_TYPE, MAKER, MarketTape } from "../../lib/market/tape.ts";

const BUY = 0, SELL = 1;

/** A simulated tape: three orders within one millisecond, then one 1.6 ms later. */
function tape(): MarketTape {
  const t = new MarketTape();
  t.quote(0, 99, 100, 5, 5);
  const trade = (time: number, price: number, side: number, order: number) =>
    t.trade(time, price, 1, side, FLOW_TYPE.UNINFORMED, MAKER.BACKGROUND, order);
  trade(1.0002, 100, BUY, 1);
  trade(1.0002, 101, BUY, 1); // the same order walks a level
  trade(1.0005, 101, BUY, 2); // another buyer in the same millisecond
  trade(1.0007, 99, SELL, 3); // a seller in the same millisecond
  trade(1.0021, 101, BUY, 4);
  t.quote(1.0021, 99, 102, 5, 4);
  return t;
}

Deno.test("record: a simulation observed on a millisecond clock merges same-side orders of one tick, as a tape stamped in milliseconds does", () => {
  const exact = recordFromMarketTape(tape(), 0, 10);
  assert.equal(exact.moTime.length, 4);
  assert.equal(exact.timeResolution, 0);
  const ms = recordFromMarketTape(tape(), 0, 10, 0, "simulation", 0.001);
  assert.equal(ms.timeResolution, 0.001);
  assert.deepEqual([...ms.moSign], [1, -1, 1]);
  assert.deepEqual([...ms.moQty], [3, 1, 1]); // orders 1 and 2 are one order on this clock
  assert.deepEqual([...ms.moLevels], [2, 1, 1]);
  // each order's average price over its executions, the merged one's over both orders
  assert.deepEqual([...exact.moPrice], [100.5, 101, 99, 101]);
  assert.deepEqual([...ms.moPrice], [302 / 3, 99, 101]);
  assert.deepEqual([...ms.moTime].map((t) => Math.round(t * 1e6)), [
    1_000_000,
    1_000_000,
    1_002_000,
  ]);
  // fills and quotes on the same clock; the fill of order 2 is not at the merged order's touch
  assert.deepEqual([...ms.fillTime].map((t) => Math.round(t * 1e6)), [
    1_000_000,
    1_000_000,
    1_000_000,
    1_000_000,
    1_002_000,
  ]);
  assert.deepEqual([...ms.fillAtTouch], [1, 0, 0, 1, 1]);
  assert.equal(Math.round(ms.qTime[1] * 1e6), 1_002_000);
  assert.throws(() => recordFromMarketTape(tape(), 0, 10, 0, "s", -1), /timeResolution/);
});

Deno.test("record: the clock's resolution is detected from the market orders' times (milliseconds on the Binance tape, exact on LOBSTER's nanoseconds)", () => {
  const t = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const r = recordFromTape(t, { lotSize: 0.001 });
  assert.equal(r.timeResolution, 0.001);
  assert.equal(timeResolution(r.moTime), 0.001);
  assert.equal(recordFromTape(t, { lotSize: 0.001, timeResolution: 0 }).timeResolution, 0);
  assert.equal(timeResolution([34_200.017459617, 34_200.0174601, 34_200.2]), 0);
  assert.equal(timeResolution([5.000001, 5.000301, 5.1]), 1e-6);
});

Deno.test("record: a window outside the book is a named error that says where the book is", () => {
  const t = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const r = recordFromTape(t, { lotSize: 0.001 });
  const start = r.segments[0][0], end = r.segments.at(-1)![1];
  assert.throws(
    () => recordFromTape(t, { lotSize: 0.001, from: 0, to: 150 }),
    (e: Error) => {
      assert.match(e.message, /window/);
      const m = e.message.match(/its book spans ([\d.]+)–([\d.]+) s/);
      assert.ok(m, e.message);
      // the span covers the record's own (the book may start before its first quote change)
      assert.ok(Number(m[1]) <= start + 1e-3 && Number(m[2]) >= end - 1e-3, e.message);
      return true;
    },
  );
});

Deno.test("record: gaps of exactly one millisecond fall in the 1-ms bin of the inter-arrival fact, whatever the times' magnitude", () => {
  const t = new MarketTape();
  t.quote(86_000, 99, 100, 5, 5);
  // times as a loader makes them: integer milliseconds since an origin, divided into seconds
  for (let k = 0; k < 200; k++) {
    t.trade((86_055_617 + k) / 1000, 100, 1, k % 2, FLOW_TYPE.UNINFORMED, MAKER.BACKGROUND, k);
  }
  const r = recordFromMarketTape(t, 86_000, 86_100, 0, "ms", 0.001);
  const ia = defaultFacts().find((f) => f.name === "interArrival")!;
  const stats = blockStatistics(ia, r, makeBlocks(r.segments, 100));
  const bins = ia.value(stats);
  assert.equal(ia.x[1], 0.001);
  assert.equal(bins[0], 0); // none below a millisecond (rounding error used to put half there)
  assert.equal(bins[1], 1);
});
