import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import {
  blockStatistics,
  defaultFacts,
  type FactDefinition,
  makeBlocks,
  sumBlocks,
} from "../../lib/calibration/facts.ts";
import type { MarketRecord } from "../../lib/calibration/record.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** A record with the given mid path (quotes ± ½ tick) and market orders (all buys). */
function record(
  seconds: number,
  quotes: { t: number; mid: number }[],
  orders: { t: number; qty: number; price?: number }[],
  quoteInterval = 0,
): MarketRecord {
  const none = new Float64Array(0);
  const nan = (n: number) => new Float64Array(n).fill(NaN);
  return {
    source: "test",
    segments: [[0, seconds]],
    quoteInterval,
    moTime: Float64Array.from(orders, (o) => o.t),
    moSign: new Float64Array(orders.length).fill(1),
    moQty: Float64Array.from(orders, (o) => o.qty),
    moDepth: nan(orders.length),
    moLevels: new Float64Array(orders.length).fill(1),
    moPrice: Float64Array.from(orders, (o) => o.price ?? NaN),
    fillTime: none,
    fillPrice: none,
    fillQty: none,
    fillSide: none,
    fillAtTouch: none,
    qTime: Float64Array.from(quotes, (q) => q.t),
    bid: Float64Array.from(quotes, (q) => q.mid - 0.5),
    ask: Float64Array.from(quotes, (q) => q.mid + 0.5),
    bidQty: new Float64Array(quotes.length).fill(1),
    askQty: new Float64Array(quotes.length).fill(1),
  };
}

function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let xy = 0, xx = 0, yy = 0;
  for (let i = 0; i < n; i++) {
    xy += (x[i] - mx) * (y[i] - my);
    xx += (x[i] - mx) ** 2;
    yy += (y[i] - my) ** 2;
  }
  return xy / Math.sqrt(xx * yy);
}

const FACT = defaultFacts().find((f) => f.name === "volumeVolatility")!;

/** The fact's value over the whole record, from its block statistics. */
function valueOf(fact: FactDefinition, rec: MarketRecord, blockSeconds: number): Float64Array {
  const b = makeBlocks(rec.segments, blockSeconds);
  const stats = blockStatistics(fact, rec, b);
  return fact.value(sumBlocks(stats, fact.size, Int32Array.from(b.start, (_, i) => i)));
}

/**
 * `n` seconds in which second i trades `qty[i]` lots at `orderAt(i)` and the mid moves by
 * ±`move[i]` ticks at `quoteAt(i)`.
 */
function path(
  n: number,
  qty: number[],
  move: number[],
  orderAt: (i: number) => number,
  quoteAt: (i: number) => number,
  rng: Rng,
): MarketRecord {
  const quotes = [{ t: 0, mid: 1000 }];
  let mid = 1000;
  for (let i = 0; i < n; i++) {
    mid += (rng.uniform() < 0.5 ? -1 : 1) * move[i];
    quotes.push({ t: quoteAt(i), mid });
  }
  const orders = qty.flatMap((q, i) => q > 0 ? [{ t: orderAt(i), qty: q }] : []);
  return record(n, quotes, orders);
}

Deno.test("facts: volumeVolatility is 1 at 1 s when the mid moves by the lots traded, ≈ 0 when it moves on its own", () => {
  const rng = new Rng("facts:vv");
  const n = 1200;
  const qty = Array.from({ length: n }, () => 1 + rng.int(6));
  // the mid moves by the lots traded in the same second (either way)
  const tied = path(n, qty, qty, (i) => i + 0.3, (i) => i + 0.6, rng);
  const v = valueOf(FACT, tied, 60);
  assert.ok(Math.abs(v[0] - 1) < 1e-12, `${v[0]}`);
  // over 10 s the moves partly cancel: positive, below 1
  assert.ok(v[1] > 0 && v[1] < 1, `${v[1]}`);
  // the mid moves by amounts drawn apart from the trades
  const moves = Array.from({ length: n }, () => 1 + rng.int(6));
  const apart = path(n, qty, moves, (i) => i + 0.3, (i) => i + 0.6, rng);
  const w = valueOf(FACT, apart, 60);
  assert.ok(Math.abs(w[0]) < 0.1, `${w[0]}`);
  // 1,200 s hold 20 windows of 60 s: too few for that point
  assert.ok(Number.isNaN(w[2]));
});

Deno.test("facts: volumeVolatility counts an order in the window whose closing mid has seen it", () => {
  const rng = new Rng("facts:vv-edge");
  const n = 600;
  const qty = Array.from({ length: n }, () => 1 + rng.int(6));
  // order and quote at the window's end (t = i + 1): the mid at i + 1 sees both
  const atEnd = path(n, qty, qty, (i) => i + 1, (i) => i + 1, rng);
  assert.ok(Math.abs(valueOf(FACT, atEnd, 60)[0] - 1) < 1e-12);
  // a batched feed (snapshots every 0.1 s) sees an order and a quote at i + 0.95 together
  const late = path(n, qty, qty, (i) => i + 0.95, (i) => i + 0.95, rng);
  const batched = { ...late, quoteInterval: 0.1 };
  assert.ok(Math.abs(valueOf(FACT, batched, 60)[0] - 1) < 1e-12);
});

Deno.test("facts: volumeVolatility is a correlation — in [−1, 1], blind to the lot and price scales, the same from any blocks", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e6 }),
      fc.double({ min: 0.01, max: 1000, noNaN: true }),
      fc.integer({ min: -500, max: 500 }),
      fc.integer({ min: 20, max: 400 }),
      (seed, scale, shift, blockSeconds) => {
        const rng = new Rng(`facts:vv-prop:${seed}`);
        const n = 400;
        const quotes = [{ t: 0, mid: 1000 }];
        const orders: { t: number; qty: number }[] = [];
        let mid = 1000;
        for (let i = 0; i < 3 * n; i++) {
          const t = rng.uniform() * n;
          if (rng.uniform() < 0.5) orders.push({ t, qty: 1 + rng.int(20) });
          else {
            mid += rng.int(7) - 3;
            quotes.push({ t, mid });
          }
        }
        quotes.sort((a, b) => a.t - b.t);
        orders.sort((a, b) => a.t - b.t);
        const rec = record(n, quotes, orders);
        const base = valueOf(FACT, rec, n);
        // at 1 s, Pearson's correlation computed directly over the n windows (i, i + 1]
        const midAt = (t: number) => quotes.findLast((q) => q.t <= t)!.mid;
        const x: number[] = [], y: number[] = [];
        for (let i = 0; i < n; i++) {
          x.push(orders.filter((o) => o.t > i && o.t <= i + 1).reduce((a, o) => a + o.qty, 0));
          y.push(Math.abs(midAt(i + 1) - midAt(i)));
        }
        assert.ok(Math.abs(base[0] - pearson(x, y)) < 1e-9, `${base[0]} ${pearson(x, y)}`);
        const moved = record(
          n,
          quotes.map((q) => ({ t: q.t, mid: q.mid + shift })),
          orders.map((o) => ({ t: o.t, qty: o.qty * scale })),
        );
        const other = valueOf(FACT, moved, blockSeconds);
        for (let l = 0; l < base.length; l++) {
          if (Number.isNaN(base[l])) {
            assert.ok(Number.isNaN(other[l]));
            continue;
          }
          assert.ok(base[l] >= -1 && base[l] <= 1);
          assert.ok(Math.abs(base[l] - other[l]) < 1e-9, `${base[l]} ${other[l]}`);
        }
      },
    ),
    { numRuns: 60 },
  );
});

const SIZES = defaultFacts().find((f) => f.name === "orderSize")!;

Deno.test("facts: orderSize puts each market order's lots in quarter-decade bins, a size on an edge in the bin it starts", () => {
  // one lot, ten lots, a hundredth of a lot (an odd lot of a round-lot tape), 1.5 lots
  const sizes = [1, 10, 0.01, 1.5, 1, 7_000_000];
  const rec = record(60, [{ t: 0, mid: 100 }], sizes.map((qty, i) => ({ t: i + 0.5, qty })));
  const p = valueOf(SIZES, rec, 60);
  const bin = (q: number) => SIZES.x.findLastIndex((e) => e <= q);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.equal(p[bin(1)], 3 / 6); // 1, 1 and 1.5 share [1, 1.78)
  assert.equal(SIZES.x[bin(1)], 1);
  assert.equal(p[bin(10)], 1 / 6);
  assert.equal(SIZES.x[bin(10)], 10);
  assert.equal(p[bin(0.01)], 1 / 6);
  assert.equal(p[p.length - 1], 1 / 6); // beyond 10⁶ lots: the last bin
});

Deno.test("facts: orderSize is a distribution — it sums to 1 from any blocks, and orders ten times larger move it by ten times the bin width", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 40, maxLength: 300 }),
      fc.integer({ min: 5, max: 200 }),
      (lots, blockSeconds) => {
        const orders = lots.map((qty, i) => ({ t: i + 0.5, qty }));
        const rec = record(lots.length, [{ t: 0, mid: 100 }], orders);
        const p = valueOf(SIZES, rec, blockSeconds);
        assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
        // ×10 is four quarter-decade bins up
        const big = record(
          lots.length,
          [{ t: 0, mid: 100 }],
          orders.map((o) => ({ ...o, qty: o.qty * 10 })),
        );
        const q = valueOf(SIZES, big, lots.length);
        for (let i = 0; i + 4 < p.length - 1; i++) assert.ok(Math.abs(q[i + 4] - p[i]) < 1e-12);
      },
    ),
    { numRuns: 50 },
  );
});

const CHANGES = defaultFacts().find((f) => f.name === "midChanges")!;

Deno.test("facts: midChanges counts the grid intervals without a change in its first bin and each change's size in its quarter-decade bin", () => {
  // 10 s on the 0.1-s grid: 100 intervals; the mid moves by ½ tick at 1.05 s, by −1 at 2.05 s,
  // by 300 at 3.05 s and twice within 4.01–4.03 s (+2, −2: no net change over that interval)
  const quotes = [
    { t: 0, mid: 100 },
    { t: 1.05, mid: 100.5 },
    { t: 2.05, mid: 99.5 },
    { t: 3.05, mid: 399.5 },
    { t: 4.01, mid: 401.5 },
    { t: 4.03, mid: 399.5 },
  ];
  const p = valueOf(CHANGES, record(10, quotes, []), 10);
  const bin = (d: number) => CHANGES.x.findLastIndex((e) => e <= d);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.equal(p[0], 97 / 100);
  assert.equal(bin(0), 0);
  assert.equal(p[bin(0.5)], 1 / 100);
  assert.equal(CHANGES.x[bin(0.5)], 0.5);
  assert.equal(p[bin(1)], 1 / 100);
  assert.equal(p[bin(300)], 1 / 100);
  assert.ok(CHANGES.x[bin(300)] <= 300 && CHANGES.x[bin(300) + 1] > 300);
});

Deno.test("facts: midChanges sees a batched feed's book only when the feed shows it", () => {
  // the mid moves by a tick every 10 ms: an event-level record shows 10 ticks in every 0.1-s
  // interval; a feed that shows the book once a second, no change in 9 intervals of 10 and
  // 100 ticks in the tenth
  const quotes = Array.from({ length: 1_000 }, (_, i) => ({ t: i * 0.01, mid: 100 + i }));
  const bin = (d: number) => CHANGES.x.findLastIndex((e) => e <= d);
  const events = valueOf(CHANGES, record(10, quotes, []), 10);
  assert.equal(events[0], 0);
  assert.ok(events[bin(10)] > 0.98, `${events[bin(10)]}`);
  const batched = valueOf(CHANGES, record(10, quotes, [], 1), 10);
  assert.ok(Math.abs(batched[0] - 0.9) < 0.011, `${batched[0]}`);
  assert.ok(Math.abs(batched[bin(100)] - 0.1) < 0.011, `${batched[bin(100)]}`);
});

Deno.test("facts: midChanges is a distribution over the grid's intervals — it sums to 1 from any blocks, and its first bin is the share of intervals without a change", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          dt: fc.double({ min: 0.001, max: 2, noNaN: true }),
          step: fc.integer({ min: -400, max: 400 }),
        }),
        { minLength: 5, maxLength: 200 },
      ),
      fc.integer({ min: 5, max: 100 }),
      (moves, blockSeconds) => {
        let t = 0, mid = 1_000;
        const quotes = [{ t: 0, mid }];
        for (const m of moves) {
          t += m.dt;
          mid += m.step / 2; // half ticks
          quotes.push({ t, mid });
        }
        const seconds = Math.max(10, Math.ceil(t + 1));
        const rec = record(seconds, quotes, []);
        const p = valueOf(CHANGES, rec, blockSeconds);
        assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
        // independently: the mid in force at each 0.1-s grid time, and its changes
        let k = 0, same = 0, all = 0, prev = NaN;
        for (let i = 0; i * 0.1 <= seconds + 1e-9; i++) {
          const g = i * 0.1;
          while (k + 1 < quotes.length && quotes[k + 1].t <= g) k++;
          if (prev === prev) {
            all++;
            if (quotes[k].mid === prev) same++;
          }
          prev = quotes[k].mid;
        }
        assert.ok(Math.abs(p[0] - same / all) < 1e-9, `${p[0]} vs ${same / all}`);
      },
    ),
    { numRuns: 100 },
  );
});

const EQ = defaultFacts().find((f) => f.name === "effectiveSpread")!;

Deno.test("facts: effectiveSpread is the orders' mean 2·D·(price − mid before) over the time-weighted quoted spread", () => {
  // a one-tick book (mid ± ½) whose mid steps from 100 to 103 at 50 s; buys only
  const quotes = [{ t: 0, mid: 100 }, { t: 50, mid: 103 }];
  const at = (t: number, price: number) => ({ t, qty: 1, price });
  // at the ask (1 tick), walked to 101 (2 ticks), inside the spread (0), and one at the
  // mid's own step: the mid just before it is the old one (103.5 − 100 → 7 ticks)
  const rec = record(100, quotes, [at(10, 100.5), at(20, 101), at(30, 100), at(50, 103.5)]);
  const v = valueOf(EQ, rec, 10);
  assert.ok(Math.abs(v[0] - (1 + 2 + 0 + 7) / 4) < 1e-12, `${v[0]}`);
  // a wider quoted spread halves it: the same orders against a book twice as wide
  const wide = { ...rec, bid: rec.bid.map((b) => b - 0.5), ask: rec.ask.map((a) => a + 0.5) };
  assert.ok(Math.abs(valueOf(EQ, wide, 10)[0] - 2.5 / 2) < 1e-12);
  // an order whose price is unknown (NaN) counts for nothing
  const some = record(100, quotes, [at(10, 100.5), { t: 20, qty: 1 }]);
  assert.equal(valueOf(EQ, some, 10)[0], 1);
});

Deno.test("facts: effectiveSpread is not judged on a batched feed, whose mid before an order is up to one snapshot old", () => {
  const rec = record(100, [{ t: 0, mid: 100 }], [{ t: 10, qty: 1, price: 100.5 }]);
  assert.equal(EQ.notJudged?.([rec]), undefined);
  const batched = record(100, [{ t: 0, mid: 100 }], [{ t: 10, qty: 1, price: 100.5 }], 0.1);
  assert.match(EQ.notJudged?.([rec, batched]) ?? "", /batched feed/);
});

Deno.test("facts: effectiveSpread of buys at the ask just before them, walking w ticks further, is 1 + 2·mean(w) on a one-tick book — whatever the mid's path, and for orders at the instant the mid moves", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          dt: fc.double({ min: 0.001, max: 2, noNaN: true }),
          step: fc.integer({ min: -40, max: 40 }),
          walk: fc.integer({ min: 0, max: 3 }),
          atMove: fc.boolean(),
        }),
        { minLength: 3, maxLength: 150 },
      ),
      fc.integer({ min: 5, max: 100 }),
      (moves, blockSeconds) => {
        let t = 0, mid = 1_000, walked = 0;
        const quotes = [{ t: 0, mid }];
        const orders: { t: number; qty: number; price: number }[] = [];
        for (const m of moves) {
          // an order at the quote's change (it meets the book before it) or halfway before it
          const at = m.atMove ? t + m.dt : t + m.dt / 2;
          orders.push({ t: at, qty: 1, price: mid + 0.5 + m.walk });
          walked += m.walk;
          t += m.dt;
          mid += m.step;
          quotes.push({ t, mid });
        }
        const rec = record(Math.max(10, Math.ceil(t + 1)), quotes, orders);
        const v = valueOf(EQ, rec, blockSeconds)[0];
        const expected = 1 + (2 * walked) / orders.length;
        assert.ok(Math.abs(v - expected) < 1e-9, `${v} vs ${expected}`);
      },
    ),
  );
});

const AGE = defaultFacts().find((f) => f.name === "spreadByTradeAge")!;

/** `rec` with its book's spread set to `spread[i]` ticks (around the same mids) at quote i. */
function withSpreads(rec: MarketRecord, spread: number[]): MarketRecord {
  const mid = (i: number) => (rec.bid[i] + rec.ask[i]) / 2;
  return {
    ...rec,
    bid: rec.bid.map((_, i) => mid(i) - spread[i] / 2),
    ask: rec.ask.map((_, i) => mid(i) + spread[i] / 2),
  };
}

Deno.test("facts: spreadByTradeAge is the mean spread over the grid times in each bucket of the time since the last order, over the mean spread", () => {
  // orders at 10.05 and 50.05 s; the spread 3 ticks for one second after each, else 1.
  // Grid times (0.1 s) before the first order count for nothing. Ages: 0.05 s (2 samples),
  // 0.15–0.95 s (18, all at 3 ticks), 1.05–9.95 s (180), 10.05–49.95 s (700), none past 60 s
  const quotes = [0, 10.05, 11.05, 50.05, 51.05].map((t) => ({ t, mid: 100 }));
  const orders = [10.05, 50.05].map((t) => ({ t, qty: 1 }));
  const rec = withSpreads(record(100, quotes, orders), [1, 3, 1, 3, 1]);
  const mean = (20 * 3 + 880 * 1) / 900;
  const v = valueOf(AGE, rec, 20);
  const expected = [3 / mean, 3 / mean, 1 / mean, 1 / mean];
  expected.forEach((e, i) => assert.ok(Math.abs(v[i] - e) < 1e-12, `${i}: ${v[i]} vs ${e}`));
  assert.ok(Number.isNaN(v[4])); // no grid time 60 s or more after an order
  assert.deepEqual(AGE.x, [0, 0.1, 1, 10, 60]);
  // the same book with its orders gone: nothing to measure
  assert.ok(valueOf(AGE, record(100, quotes, []), 20).every(Number.isNaN));
});

Deno.test("facts: spreadByTradeAge is 1 wherever it is defined on a book of constant spread, and does not change when every spread is scaled — whatever the orders", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { minLength: 1, maxLength: 60 }),
      fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 8, maxLength: 8 }),
      fc.integer({ min: 2, max: 9 }),
      (times, spreads, scale) => {
        const orders = [...times].sort((a, b) => a - b).map((t) => ({ t, qty: 1 }));
        const quotes = spreads.map((_, i) => ({ t: i * 40, mid: 500 + i }));
        const flat = valueOf(
          AGE,
          withSpreads(record(320, quotes, orders), spreads.map(() => 4)),
          30,
        );
        for (const x of flat) assert.ok(Number.isNaN(x) || Math.abs(x - 1) < 1e-12, `${x}`);
        const a = valueOf(AGE, withSpreads(record(320, quotes, orders), spreads), 30);
        const b = valueOf(
          AGE,
          withSpreads(record(320, quotes, orders), spreads.map((s) => s * scale)),
          30,
        );
        a.forEach((x, i) => assert.ok(Object.is(x, b[i]) || Math.abs(x - b[i]) < 1e-12));
      },
    ),
  );
});
