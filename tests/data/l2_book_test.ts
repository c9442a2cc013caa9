import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { ASK, BID, L2Book } from "../../lib/data/mod.ts";

Deno.test("L2Book: set/add/best/levels agree with a plain map after any sequence", () => {
  const op = fc.record({
    side: fc.constantFrom(BID, ASK),
    price: fc.integer({ min: 90, max: 110 }),
    qty: fc.integer({ min: -5, max: 20 }),
    add: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
      const book = new L2Book(2);
      const ref = [new Map<number, number>(), new Map<number, number>()];
      for (const o of ops) {
        const m = ref[o.side];
        if (o.add) {
          const q = (m.get(o.price) ?? 0) + o.qty;
          const got = book.add(o.side, o.price, o.qty);
          if (q > 0) m.set(o.price, q);
          else m.delete(o.price);
          assert.equal(got, q > 0 ? q : 0);
        } else {
          const prev = book.set(o.side, o.price, o.qty);
          assert.equal(prev, m.get(o.price) ?? 0);
          if (o.qty > 0) m.set(o.price, o.qty);
          else m.delete(o.price);
        }
        for (const side of [BID, ASK]) {
          const sorted = [...ref[side].entries()].sort((a, b) =>
            side === BID ? b[0] - a[0] : a[0] - b[0]
          );
          assert.equal(book.depth(side), sorted.length);
          assert.equal(book.best(side), sorted.length ? sorted[0][0] : NaN);
          for (let k = 0; k < Math.min(3, sorted.length); k++) {
            assert.deepEqual([book.levelPrice(side, k), book.levelQty(side, k)], sorted[k]);
          }
          assert.equal(
            book.depthQty(side, 5),
            sorted.slice(0, 5).reduce((s, x) => s + x[1], 0),
          );
        }
      }
    }),
    { numRuns: 200 },
  );
});

Deno.test("L2Book: removeBetterThan drops the levels above a bid / below an ask", () => {
  const book = new L2Book();
  for (const p of [97, 98, 99]) book.set(BID, p, 1);
  for (const p of [101, 102]) book.set(ASK, p, 1);
  assert.equal(book.removeBetterThan(BID, 97), 2);
  assert.equal(book.best(BID), 97);
  assert.equal(book.removeBetterThan(ASK, 102), 1);
  assert.equal(book.best(ASK), 102);
});
