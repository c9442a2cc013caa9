import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import {
  ASK,
  BID,
  createL2Snapshot,
  MAX_LIVE_ORDERS,
  MAX_ORDER_QTY,
  OrderBook,
  type Side,
} from "../../lib/book/mod.ts";
import { OrderBookError } from "../../lib/errors.ts";
import { RefBook } from "./_reference.ts";

Deno.test("size bound: every sum of live sizes fits the exact float64 integers", () => {
  // The documented reason the bound keeps totals exact.
  assert.ok(MAX_LIVE_ORDERS * MAX_ORDER_QTY <= 2 ** 53);
  assert.ok(Number.isSafeInteger(MAX_LIVE_ORDERS * MAX_ORDER_QTY - 1));
  assert.throws(() => new OrderBook({ capacity: MAX_LIVE_ORDERS + 1 }), OrderBookError);
});

Deno.test("size bound: sizes above MAX_ORDER_QTY are rejected by name, the book unchanged", () => {
  const b = new OrderBook();
  b.addLimit(1, BID, 100, MAX_ORDER_QTY, 0);
  b.addLimit(2, ASK, 101, 5, 0);
  const state = () =>
    JSON.stringify([
      b.orderCount,
      b.levelQty(BID, 100),
      b.levelQty(ASK, 101),
      b.addedQty,
      b.tradedQty,
      b.cancelledQty,
    ]);
  const before = state();
  const over = [MAX_ORDER_QTY + 1, 2 ** 40, Number.MAX_SAFE_INTEGER];
  for (const q of over) {
    const cases: [() => unknown, string][] = [
      [() => b.addLimit(3, BID, 99, q, 1), "qty"],
      [() => b.addLimit(3, ASK, 100, q, 1), "qty"], // would cross
      [() => b.market(BID, q, 1), "qty"],
      [() => b.modify(1, 100, q, 1), "qty"],
      [() => b.reduce(1, q), "by"],
    ];
    for (const [op, field] of cases) {
      assert.throws(op, (e: unknown) => {
        assert.ok(e instanceof OrderBookError, String(e));
        assert.equal(e.field, field);
        assert.ok(e.message.includes(String(MAX_ORDER_QTY)), e.message);
        return true;
      });
      assert.equal(state(), before);
    }
  }
});

Deno.test("size bound: a level of many maximal orders keeps exact totals and queue positions", () => {
  const b = new OrderBook({ capacity: 16 });
  const n = 4096;
  for (let i = 0; i < n; i++) b.addLimit(i, BID, 100, MAX_ORDER_QTY - (i % 3), i);
  let total = 0n;
  for (let i = 0; i < n; i++) total += BigInt(MAX_ORDER_QTY - (i % 3));
  assert.equal(BigInt(b.levelQty(BID, 100)), total);
  // trade into the middle of the queue, reduce and cancel some, check against BigInt sums
  const sold = b.market(ASK, MAX_ORDER_QTY, n);
  assert.equal(sold, MAX_ORDER_QTY);
  total -= BigInt(MAX_ORDER_QTY);
  for (let i = 10; i < n; i += 7) {
    total -= BigInt(b.reduce(i, 12345));
  }
  for (let i = 11; i < n; i += 13) total -= BigInt(b.cancel(i));
  assert.equal(BigInt(b.levelQty(BID, 100)), total);
  assert.equal(BigInt(b.depthTo(BID, 100)), total);
  assert.equal(BigInt(b.restingQty()), total);
  let ahead = 0n;
  for (let i = 0; i < n; i++) {
    if (!b.has(i)) continue;
    assert.equal(BigInt(b.queueAhead(i)), ahead, `queue ahead of ${i}`);
    ahead += BigInt(b.orderQty(i));
  }
  assert.equal(ahead, total);
  assert.equal(
    BigInt(b.addedQty),
    BigInt(b.restingQty()) + BigInt(b.tradedQty) + BigInt(b.cancelledQty),
  );
});

Deno.test("property: sizes anywhere up to the bound give the reference book's exact totals", () => {
  const size = fc.oneof(
    fc.integer({ min: 1, max: MAX_ORDER_QTY }),
    fc.integer({ min: MAX_ORDER_QTY - 16, max: MAX_ORDER_QTY }),
  );
  const op = fc.record({
    kind: fc.integer({ min: 0, max: 9 }),
    side: fc.constantFrom<Side>(BID, ASK),
    dp: fc.integer({ min: -4, max: 4 }),
    qty: size,
    pick: fc.nat(),
  });
  fc.assert(
    fc.property(fc.array(op, { minLength: 50, maxLength: 200 }), (ops) => {
      const book = new OrderBook({ capacity: 4 });
      const ref = new RefBook();
      const snap = createL2Snapshot(64);
      let id = 0;
      let t = 0;
      for (const o of ops) {
        t++;
        const live = ref.orders.map((x) => x.id);
        const target = live.length ? live[o.pick % live.length] : -1;
        if (o.kind < 6) {
          assert.equal(
            book.addLimit(id, o.side, 100 + o.dp, o.qty, t),
            ref.addLimit(id, o.side, 100 + o.dp, o.qty, t),
          );
          id++;
        } else if (o.kind === 6) {
          assert.equal(book.market(o.side, o.qty, t), ref.market(o.side, o.qty, t));
        } else if (o.kind === 7 && target >= 0) {
          assert.equal(book.reduce(target, o.qty), ref.reduce(target, o.qty));
        } else if (o.kind === 8 && target >= 0) {
          assert.equal(
            book.modify(target, 100 + o.dp, o.qty, t),
            ref.modify(target, 100 + o.dp, o.qty, t),
          );
        } else if (target >= 0) {
          assert.equal(book.cancel(target), ref.cancel(target));
        }
        book.l2(64, snap);
        const bids = ref.levels(BID);
        const asks = ref.levels(ASK);
        for (let i = 0; i < bids.length; i++) assert.equal(snap.bidQty[i], bids[i][1]);
        for (let i = 0; i < asks.length; i++) assert.equal(snap.askQty[i], asks[i][1]);
        assert.equal(book.restingQty(), ref.resting());
        for (const x of ref.orders) assert.equal(book.queueAhead(x.id), ref.queueAhead(x.id));
        assert.equal(book.addedQty, book.restingQty() + book.tradedQty + book.cancelledQty);
      }
    }),
    { numRuns: 40, seed: 53 },
  );
});
