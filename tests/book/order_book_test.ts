import assert from "node:assert/strict";
import {
  ASK,
  BID,
  createL2Snapshot,
  type ExecutionSink,
  MAX_INT32,
  OrderBook,
  type Side,
} from "../../lib/book/mod.ts";
import { OrderBookError } from "../../lib/errors.ts";
import type { Exec } from "./_reference.ts";

function recording(book: OrderBook): Exec[] {
  const execs: Exec[] = [];
  book.sink = {
    onExecution(rid, rown, aid, aside, price, qty, time, rem): void {
      execs.push([rid, rown, aid, aside, price, qty, time, rem]);
    },
  };
  return execs;
}

function state(book: OrderBook): string {
  const snap = createL2Snapshot(64);
  book.l2(64, snap);
  return JSON.stringify([
    Array.from(snap.bidPrice.subarray(0, snap.bidLevels)),
    Array.from(snap.bidQty.subarray(0, snap.bidLevels)),
    Array.from(snap.askPrice.subarray(0, snap.askLevels)),
    Array.from(snap.askQty.subarray(0, snap.askLevels)),
    book.orderCount,
    book.addedQty,
    book.tradedQty,
    book.cancelledQty,
  ]);
}

function conserved(book: OrderBook): void {
  assert.equal(book.addedQty, book.restingQty() + book.tradedQty + book.cancelledQty);
}

Deno.test("empty book: NaN prices, zero depth and imbalance", () => {
  const b = new OrderBook();
  assert.ok(Number.isNaN(b.bestBid()));
  assert.ok(Number.isNaN(b.bestAsk()));
  assert.ok(Number.isNaN(b.mid()));
  assert.ok(Number.isNaN(b.spread()));
  assert.ok(Number.isNaN(b.microprice()));
  assert.equal(b.depth(BID, 5), 0);
  assert.equal(b.imbalance(5), 0);
  assert.equal(b.orderCount, 0);
  b.addLimit(1, BID, 100, 3, 0);
  assert.equal(b.bestBid(), 100);
  assert.ok(Number.isNaN(b.mid()));
  assert.equal(b.imbalance(5), 1);
});

Deno.test("addLimit rests orders and reports them", () => {
  const b = new OrderBook();
  assert.equal(b.addLimit(7, BID, 100, 5, 10, 1), 5);
  assert.equal(b.addLimit(8, ASK, 103, 2, 11), 2);
  assert.ok(b.has(7) && b.has(8) && !b.has(9));
  assert.equal(b.orderQty(7), 5);
  assert.equal(b.orderPrice(7), 100);
  assert.equal(b.orderSide(7), BID);
  assert.equal(b.orderSide(8), ASK);
  assert.equal(b.orderOwner(7), 1);
  assert.equal(b.orderOwner(8), 0);
  assert.equal(b.orderTime(8), 11);
  assert.equal(b.bestBid(), 100);
  assert.equal(b.bestAsk(), 103);
  assert.equal(b.mid(), 101.5);
  assert.equal(b.spread(), 3);
  assert.equal(b.orderCount, 2);
  assert.equal(b.addedQty, 7);
});

Deno.test("market order walks levels in price then time priority, partial fill at the end", () => {
  const b = new OrderBook();
  const ex = recording(b);
  b.addLimit(1, ASK, 101, 2, 0, 1);
  b.addLimit(2, ASK, 101, 3, 1);
  b.addLimit(3, ASK, 102, 4, 2);
  b.addLimit(4, ASK, 100, 1, 3);
  assert.equal(b.market(BID, 5, 50, 99), 5);
  assert.deepEqual(ex, [
    [4, 0, 99, BID, 100, 1, 50, 0],
    [1, 1, 99, BID, 101, 2, 50, 0],
    [2, 0, 99, BID, 101, 2, 50, 1],
  ]);
  assert.equal(b.orderQty(2), 1);
  assert.ok(!b.has(1) && !b.has(4));
  assert.equal(b.bestAsk(), 101);
  assert.equal(b.tradedQty, 5);
  conserved(b);
  // market larger than the side: fills what there is
  assert.equal(b.market(BID, 100, 60), 5);
  assert.ok(Number.isNaN(b.bestAsk()));
  assert.equal(b.orderCount, 0);
  assert.equal(b.market(ASK, 3, 70), 0);
  conserved(b);
});

Deno.test("marketable limit matches up to its price, then rests the remainder", () => {
  const b = new OrderBook();
  const ex = recording(b);
  b.addLimit(1, ASK, 101, 2, 0);
  b.addLimit(2, ASK, 102, 2, 0);
  b.addLimit(3, ASK, 104, 2, 0);
  assert.equal(b.addLimit(10, BID, 102, 7, 5, 1), 3);
  assert.deepEqual(ex.map((e) => [e[0], e[2], e[4], e[5]]), [[1, 10, 101, 2], [2, 10, 102, 2]]);
  assert.equal(b.bestBid(), 102);
  assert.equal(b.bestAsk(), 104);
  assert.equal(b.orderQty(10), 3);
  assert.equal(b.orderOwner(10), 1);
  // a fully filled limit leaves nothing resting
  assert.equal(b.addLimit(11, ASK, 100, 3, 6), 0);
  assert.ok(!b.has(11));
  assert.ok(!b.has(10));
  assert.equal(b.addedQty, 9);
  conserved(b);
});

Deno.test("FIFO: fills go to the earliest order at a level", () => {
  const b = new OrderBook();
  const ex = recording(b);
  for (let i = 0; i < 5; i++) b.addLimit(i, BID, 50, 1, i);
  b.market(ASK, 3, 9);
  assert.deepEqual(ex.map((e) => e[0]), [0, 1, 2]);
  assert.equal(b.queueAhead(3), 0);
  assert.equal(b.queueAhead(4), 1);
});

Deno.test("cancel removes an order and its level, O(1) by id", () => {
  const b = new OrderBook();
  b.addLimit(1, BID, 99, 4, 0);
  b.addLimit(2, BID, 98, 5, 0);
  b.addLimit(3, BID, 99, 6, 0);
  assert.equal(b.cancel(1), 4);
  assert.equal(b.levelQty(BID, 99), 6);
  assert.equal(b.queueAhead(3), 0);
  assert.equal(b.cancel(3), 6);
  assert.equal(b.bestBid(), 98);
  assert.equal(b.levelQty(BID, 99), 0);
  assert.equal(b.levelCount(BID), 1);
  assert.equal(b.cancelledQty, 10);
  // ids may be reused after removal
  b.addLimit(1, ASK, 120, 1, 1);
  assert.equal(b.orderSide(1), ASK);
  conserved(b);
});

Deno.test("reduce keeps priority; reducing to zero removes", () => {
  const b = new OrderBook();
  b.addLimit(1, ASK, 10, 5, 0);
  b.addLimit(2, ASK, 10, 5, 1);
  assert.equal(b.reduce(1, 3), 3);
  assert.equal(b.orderQty(1), 2);
  assert.equal(b.queueAhead(2), 2);
  const ex = recording(b);
  b.market(BID, 1, 2);
  assert.equal(ex[0][0], 1, "reduced order keeps its place at the front");
  assert.equal(b.reduce(1, 10), 1, "reduce clamps at the order size and removes it");
  assert.ok(!b.has(1));
  assert.equal(b.queueAhead(2), 0);
  conserved(b);
});

Deno.test("modify: same price and smaller size keeps priority", () => {
  const b = new OrderBook();
  b.addLimit(1, BID, 10, 5, 0);
  b.addLimit(2, BID, 10, 5, 1);
  assert.equal(b.modify(1, 10, 2, 5), 2);
  assert.equal(b.queueAhead(2), 2);
  assert.equal(b.queueAhead(1), 0);
  assert.equal(b.orderTime(1), 0);
  assert.equal(b.modify(1, 10, 2, 6), 2, "same size is a no-op");
  assert.equal(b.queueAhead(1), 0);
  conserved(b);
});

Deno.test("modify: size increase loses priority", () => {
  const b = new OrderBook();
  b.addLimit(1, BID, 10, 5, 0);
  b.addLimit(2, BID, 10, 5, 1);
  assert.equal(b.modify(1, 10, 6, 7), 6);
  assert.equal(b.queueAhead(1), 5);
  assert.equal(b.queueAhead(2), 0);
  assert.equal(b.orderTime(1), 7);
  assert.equal(b.levelQty(BID, 10), 11);
  conserved(b);
});

Deno.test("modify: price change re-queues at the back and may cross", () => {
  const b = new OrderBook();
  const ex = recording(b);
  b.addLimit(1, BID, 10, 5, 0, 1);
  b.addLimit(2, BID, 11, 5, 1);
  b.addLimit(3, ASK, 13, 2, 2);
  assert.equal(b.modify(1, 11, 3, 3), 3);
  assert.equal(b.queueAhead(1), 5);
  assert.equal(b.levelQty(BID, 10), 0);
  assert.equal(b.levelCount(BID), 1);
  // cross: reprice bid 1 to 13 -> trades 2 at 13 as aggressor with its own id, 1 rests
  assert.equal(b.modify(1, 13, 3, 4), 1);
  assert.deepEqual(ex, [[3, 0, 1, BID, 13, 2, 4, 0]]);
  assert.equal(b.bestBid(), 13);
  assert.equal(b.orderOwner(1), 1);
  assert.ok(Number.isNaN(b.bestAsk()));
  conserved(b);
});

Deno.test("queueAhead is exact after fills, cancels and reduces ahead", () => {
  const b = new OrderBook();
  b.addLimit(1, ASK, 20, 3, 0);
  b.addLimit(2, ASK, 20, 4, 0);
  b.addLimit(3, ASK, 20, 5, 0);
  b.addLimit(4, ASK, 20, 6, 0);
  assert.equal(b.queueAhead(4), 12);
  b.market(BID, 2, 1); // 1 lot left on order 1
  assert.equal(b.queueAhead(4), 10);
  b.cancel(2);
  assert.equal(b.queueAhead(4), 6);
  b.reduce(3, 2);
  assert.equal(b.queueAhead(4), 4);
  assert.equal(b.ordersAhead(4), 2);
  assert.equal(b.queueAhead(1), 0);
  assert.equal(b.queueAhead(3), 1);
});

Deno.test("queueAhead is exact at every position of a long queue", () => {
  const b = new OrderBook();
  let sum = 0;
  const expected: number[] = [];
  for (let i = 0; i < 41; i++) {
    expected.push(sum);
    const q = 1 + (i * 7) % 5;
    b.addLimit(i, BID, 10, q, i);
    sum += q;
  }
  for (let i = 0; i < 41; i++) assert.equal(b.queueAhead(i), expected[i]);
  b.cancel(20);
  assert.equal(b.queueAhead(30), expected[30] - (1 + (20 * 7) % 5));
  assert.equal(b.queueAhead(10), expected[10]);
});

Deno.test("microprice, imbalance, depth and l2 at hand-computed points", () => {
  const b = new OrderBook();
  b.addLimit(1, BID, 99, 3, 0);
  b.addLimit(2, BID, 99, 1, 0);
  b.addLimit(3, BID, 97, 6, 0);
  b.addLimit(4, ASK, 101, 12, 0);
  b.addLimit(5, ASK, 104, 2, 0);
  b.addLimit(6, ASK, 102, 1, 0);
  // microprice = (99·12 + 101·4)/(4 + 12) = 99.5
  assert.equal(b.microprice(), 99.5);
  assert.equal(b.depth(BID, 1), 4);
  assert.equal(b.depth(BID, 2), 10);
  assert.equal(b.depth(ASK, 2), 13);
  assert.equal(b.depth(ASK, 99), 15);
  assert.equal(b.imbalance(1), (4 - 12) / 16);
  assert.equal(b.imbalance(3), (10 - 15) / 25);
  const snap = createL2Snapshot(4);
  assert.equal(b.l2(4, snap), 3);
  assert.equal(snap.bidLevels, 2);
  assert.equal(snap.askLevels, 3);
  assert.deepEqual(Array.from(snap.bidPrice), [99, 97, NaN, NaN]);
  assert.deepEqual(Array.from(snap.bidQty), [4, 6, 0, 0]);
  assert.deepEqual(Array.from(snap.askPrice), [101, 102, 104, NaN]);
  assert.deepEqual(Array.from(snap.askQty), [12, 1, 2, 0]);
  assert.equal(b.l2(2, snap), 2);
  assert.deepEqual(Array.from(snap.askPrice.subarray(0, 2)), [101, 102]);
  assert.equal(snap.askLevels, 2);
  assert.equal(b.levelQty(ASK, 104), 2);
  assert.equal(b.levelQty(ASK, 103), 0);
  assert.equal(b.levelOrders(BID, 99), 2);
  assert.equal(b.levelQty(BID, 0), 0, "an integer price outside the range has no level");
  assert.equal(b.levelQty(ASK, 2 ** 40), 0);
  assert.equal(b.depthTo(BID, 99), 4);
  assert.equal(b.depthTo(BID, 97), 10);
  assert.equal(b.depthTo(BID, 100), 0);
  assert.equal(b.depthTo(ASK, 103), 13);
  assert.equal(b.depthTo(ASK, 100), 0);
  assert.equal(b.depthTo(ASK, Infinity), 15);
  assert.equal(b.depthTo(BID, -Infinity), 10);
  assert.equal(b.bestQty(BID), 4);
  assert.equal(b.bestQty(ASK), 12);
});

Deno.test("prices anywhere in [1, 2^31 - 1], far apart, work without recentering", () => {
  const b = new OrderBook();
  b.addLimit(1, BID, 1, 1, 0);
  b.addLimit(2, ASK, MAX_INT32, 1, 0);
  b.addLimit(3, BID, 1_000_000_000, 2, 0);
  b.addLimit(4, ASK, 1_000_000_005, 2, 0);
  assert.equal(b.bestBid(), 1_000_000_000);
  assert.equal(b.bestAsk(), 1_000_000_005);
  assert.equal(b.market(BID, 2, 1), 2);
  assert.equal(b.bestAsk(), MAX_INT32);
  assert.equal(b.market(ASK, 2, 1), 2);
  assert.equal(b.bestBid(), 1);
  assert.equal(b.spread(), MAX_INT32 - 1);
});

Deno.test("pools grow by doubling beyond the initial capacity; large increasing ids", () => {
  const b = new OrderBook({ capacity: 2 });
  const base = 50_000_000;
  for (let i = 0; i < 3000; i++) {
    b.addLimit(base + i, i % 2 as Side, i % 2 ? 2000 + i : 1000 - (i % 500), 1, i);
  }
  assert.equal(b.orderCount, 3000);
  for (let i = 0; i < 3000; i += 3) b.cancel(base + i);
  assert.equal(b.orderCount, 2000);
  for (let i = 0; i < 3000; i++) assert.equal(b.has(base + i), i % 3 !== 0);
  assert.equal(b.levelCount(ASK), 1000);
  conserved(b);
});

Deno.test("clear empties the book and counters, and the book is reusable", () => {
  const b = new OrderBook();
  b.addLimit(1, BID, 10, 2, 0);
  b.addLimit(2, ASK, 11, 2, 0);
  b.market(BID, 1, 0);
  b.clear();
  assert.equal(b.orderCount, 0);
  assert.ok(!b.has(1));
  assert.ok(Number.isNaN(b.bestBid()));
  assert.equal(b.addedQty + b.tradedQty + b.cancelledQty, 0);
  b.addLimit(1, ASK, 10, 2, 0);
  assert.equal(b.bestAsk(), 10);
});

Deno.test("bad input throws OrderBookError naming field and value, book unchanged", () => {
  const b = new OrderBook();
  b.addLimit(1, BID, 100, 5, 0);
  b.addLimit(2, ASK, 101, 5, 0);
  const before = state(b);
  const cases: [() => unknown, string, string][] = [
    [() => b.addLimit(3, BID, 100, 0, 0), "qty", "0"],
    [() => b.addLimit(3, BID, 100, -2, 0), "qty", "-2"],
    [() => b.addLimit(3, BID, 100, 1.5, 0), "qty", "1.5"],
    [() => b.addLimit(3, BID, 100, NaN, 0), "qty", "NaN"],
    [() => b.addLimit(3, BID, 100.5, 1, 0), "priceTicks", "100.5"],
    [() => b.addLimit(3, BID, 0, 1, 0), "priceTicks", "0"],
    [() => b.addLimit(3, BID, 2 ** 31, 1, 0), "priceTicks", "2147483648"],
    [() => b.addLimit(3, BID, Infinity, 1, 0), "priceTicks", "Infinity"],
    [() => b.addLimit(3, 2 as Side, 100, 1, 0), "side", "2"],
    [() => b.addLimit(3, BID, 101, 1, NaN), "timeNs", "NaN"],
    [() => b.addLimit(-1, BID, 100, 1, 0), "id", "-1"],
    [() => b.addLimit(1.5, BID, 100, 1, 0), "id", "1.5"],
    [() => b.addLimit(2 ** 31, BID, 100, 1, 0), "id", "2147483648"],
    [() => b.addLimit(2, BID, 101, 1, 0), "id", "2"], // duplicate live id, would cross
    [() => b.addLimit(3, BID, 101, 1, 0, 0.5), "owner", "0.5"],
    [() => b.market(BID, 0, 0), "qty", "0"],
    [() => b.market(3 as Side, 1, 0), "side", "3"],
    [() => b.market(BID, 1, NaN), "timeNs", "NaN"],
    [() => b.cancel(9), "id", "9"],
    [() => b.cancel(-3), "id", "-3"],
    [() => b.reduce(9, 1), "id", "9"],
    [() => b.reduce(1, 0), "by", "0"],
    [() => b.reduce(1, 2.5), "by", "2.5"],
    [() => b.modify(9, 100, 1, 0), "id", "9"],
    [() => b.modify(1, 101, 0, 0), "qty", "0"],
    [() => b.modify(1, -5, 1, 0), "priceTicks", "-5"],
    [() => b.modify(1, 101, 9, NaN), "timeNs", "NaN"],
    [() => b.orderQty(9), "id", "9"],
    [() => b.queueAhead(9), "id", "9"],
    [() => b.depth(BID, -1), "levels", "-1"],
    [() => b.levelQty(2 as Side, 100), "side", "2"],
    [() => b.levelQty(BID, NaN), "priceTicks", "NaN"],
    [() => b.depthTo(ASK, 100.5), "priceTicks", "100.5"],
  ];
  for (const [op, field, value] of cases) {
    assert.throws(op, (e: unknown) => {
      assert.ok(e instanceof OrderBookError, String(e));
      assert.equal(e.field, field);
      assert.ok(e.message.includes(field) && e.message.includes(value), e.message);
      return true;
    });
    assert.equal(state(b), before);
  }
  assert.throws(() => new OrderBook({ capacity: 0 }), OrderBookError);
  assert.throws(() => createL2Snapshot(0), OrderBookError);
});

Deno.test("the sink sees a consistent book and may not mutate it", () => {
  const b = new OrderBook();
  b.addLimit(1, ASK, 10, 1, 0);
  b.addLimit(2, ASK, 11, 1, 0);
  const seen: number[] = [];
  let threw = false;
  const sink: ExecutionSink = {
    onExecution(rid): void {
      seen.push(rid, b.has(rid) ? 1 : 0, b.bestAsk());
      try {
        b.cancel(2);
      } catch (e) {
        threw = e instanceof OrderBookError;
      }
    },
  };
  b.sink = sink;
  b.market(BID, 1, 0);
  assert.deepEqual(seen, [1, 0, 11]);
  assert.ok(threw);
  assert.ok(b.has(2));
  b.cancel(2); // allowed again after matching
  assert.equal(b.orderCount, 0);
});
