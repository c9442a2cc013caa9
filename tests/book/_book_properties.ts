/**
 * The order book's property tests, shared by `order_book_property_test.ts` (the CI budget)
 * and `deno task stress` (100× the runs): random operation sequences run on the book and on
 * a naive reference book, with every invariant checked after every operation.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { ASK, BID, createL2Snapshot, OrderBook, type Side } from "../../lib/book/mod.ts";
import { OrderBookError } from "../../lib/errors.ts";
import { type Exec, RefBook } from "./_reference.ts";

type Op =
  | { t: "add"; side: Side; dp: number; qty: number; owner: number; reuse: boolean }
  | { t: "market"; side: Side; qty: number }
  | { t: "cancel"; pick: number }
  | { t: "reduce"; pick: number; by: number }
  | { t: "modify"; pick: number; dp: number; qty: number }
  | { t: "bad"; kind: number; pick: number };

function opArb(span: number): fc.Arbitrary<Op> {
  const side = fc.constantFrom<Side>(BID, ASK);
  const dp = fc.integer({ min: -span, max: span });
  const pick = fc.nat({ max: 1 << 20 });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        t: fc.constant("add" as const),
        side,
        dp,
        qty: fc.integer({ min: 1, max: 8 }),
        owner: fc.integer({ min: 0, max: 1 }),
        reuse: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant("market" as const),
        side,
        qty: fc.integer({ min: 1, max: 20 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant("cancel" as const), pick }) },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant("reduce" as const),
        pick,
        by: fc.integer({ min: 1, max: 9 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant("modify" as const),
        pick,
        dp,
        qty: fc.integer({ min: 1, max: 9 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant("bad" as const),
        kind: fc.integer({ min: 0, max: 7 }),
        pick,
      }),
    },
  );
}

/** Everything observable about the book, for "unchanged" checks. */
function fingerprint(book: OrderBook, ids: number[]): string {
  const snap = createL2Snapshot(512);
  book.l2(512, snap);
  const orders = ids.filter((id) => book.has(id)).map((id) => [
    id,
    book.orderQty(id),
    book.orderPrice(id),
    book.queueAhead(id),
  ]);
  return JSON.stringify([
    Array.from(snap.bidPrice.subarray(0, snap.bidLevels)),
    Array.from(snap.bidQty.subarray(0, snap.bidLevels)),
    Array.from(snap.askPrice.subarray(0, snap.askLevels)),
    Array.from(snap.askQty.subarray(0, snap.askLevels)),
    book.orderCount,
    book.addedQty,
    book.tradedQty,
    book.cancelledQty,
    orders,
  ]);
}

/** Operations run by {@linkcode runOps} in this process (for `deno task stress`). */
export const bookPropertyStats = { ops: 0 };

/** Runs `ops` on the book and the reference, checking every invariant after each op. */
function runOps(ops: Op[], mid: number): void {
  bookPropertyStats.ops += ops.length;
  const book = new OrderBook({ capacity: 4 });
  const ref = new RefBook();
  const execs: Exec[] = [];
  book.sink = {
    onExecution(rid, rown, aid, aside, price, qty, time, rem): void {
      execs.push([rid, rown, aid, aside, price, qty, time, rem]);
    },
  };
  const snap = createL2Snapshot(512);
  const arrival = new Map<number, number>(); // id -> sequence of its current queue entry
  const ahead = new Map<number, number>(); // id -> last queueAhead
  const dead: number[] = [];
  let nextId = 0;
  let seq = 0;
  let time = 0;

  for (const op of ops) {
    time += 1;
    const live = ref.orders.map((o) => o.id);
    const before = new Map(ref.orders.map((o) => [o.id, o.qty]));
    const nExec = execs.length;
    let subject = -1; // order whose own modification may move it back
    let aggressorFilled = 0;
    switch (op.t) {
      case "add": {
        const id = op.reuse && dead.length > 0 ? dead.pop()! : nextId++;
        const price = mid + op.dp;
        const r = book.addLimit(id, op.side, price, op.qty, time, op.owner);
        assert.equal(r, ref.addLimit(id, op.side, price, op.qty, time, op.owner));
        aggressorFilled = op.qty - r;
        if (r > 0) arrival.set(id, seq++);
        subject = id;
        break;
      }
      case "market": {
        const r = book.market(op.side, op.qty, time, 1_000_000);
        assert.equal(r, ref.market(op.side, op.qty, time, 1_000_000));
        aggressorFilled = r;
        break;
      }
      case "cancel": {
        if (live.length === 0) continue;
        const id = live[op.pick % live.length];
        assert.equal(book.cancel(id), ref.cancel(id));
        break;
      }
      case "reduce": {
        if (live.length === 0) continue;
        const id = live[op.pick % live.length];
        assert.equal(book.reduce(id, op.by), ref.reduce(id, op.by));
        break;
      }
      case "modify": {
        if (live.length === 0) continue;
        const id = live[op.pick % live.length];
        const o = ref.find(id)!;
        const price = mid + op.dp;
        const keeps = price === o.price && op.qty <= o.qty;
        const r = book.modify(id, price, op.qty, time);
        assert.equal(r, ref.modify(id, price, op.qty, time));
        if (!keeps) {
          aggressorFilled = op.qty - r;
          if (r > 0) arrival.set(id, seq++);
        }
        subject = id;
        break;
      }
      case "bad": {
        const fp = fingerprint(book, live);
        const id = live.length > 0 ? live[op.pick % live.length] : 0;
        const bad: (() => unknown)[] = [
          () => book.addLimit(nextId, BID, mid, 0, time),
          () => book.addLimit(nextId, ASK, mid + 0.5, 1, time),
          () => book.addLimit(nextId, BID, mid, 1, NaN),
          () => book.market(BID, 1.5, time),
          () => book.cancel(nextId + 7),
          () => live.length > 0 ? book.addLimit(id, BID, mid + 100, 5, time) : book.cancel(-1),
          () => live.length > 0 ? book.modify(id, 0, 1, time) : book.reduce(nextId, 1),
          () => live.length > 0 ? book.reduce(id, -1) : book.market(2 as Side, 1, time),
        ];
        assert.throws(bad[op.kind], OrderBookError);
        assert.equal(fingerprint(book, live), fp, "a rejected operation changed the book");
        assert.equal(execs.length, nExec);
        continue;
      }
    }

    // executions agree with the reference, one by one
    const newExecs = execs.slice(nExec);
    assert.deepEqual(newExecs, ref.execs.slice(nExec));
    assert.equal(execs.length, ref.execs.length);

    // both sides' accounting: aggressor fill = Σ exec qty = Σ resting decrements
    let sumQty = 0;
    for (const e of newExecs) {
      sumQty += e[5];
      const prev = before.get(e[0])!;
      assert.equal(prev - e[5], e[7], "resting remaining = previous qty − fill");
      if (e[7] > 0) assert.equal(book.orderQty(e[0]), e[7]);
      else assert.ok(!book.has(e[0]) || e[0] === subject);
    }
    assert.equal(sumQty, aggressorFilled);

    // FIFO: at each price level, fills hit orders in arrival order
    for (let i = 1; i < newExecs.length; i++) {
      if (newExecs[i][4] === newExecs[i - 1][4]) {
        assert.ok(arrival.get(newExecs[i][0])! > arrival.get(newExecs[i - 1][0])!, "FIFO");
      }
    }

    // never crossed after matching
    const bb = book.bestBid();
    const ba = book.bestAsk();
    if (!Number.isNaN(bb) && !Number.isNaN(ba)) assert.ok(bb < ba, `crossed ${bb} >= ${ba}`);

    // conservation and counters
    const resting = ref.resting();
    assert.equal(book.restingQty(), resting);
    assert.equal(book.addedQty, resting + book.tradedQty + book.cancelledQty);
    assert.equal(book.addedQty, ref.added);
    assert.equal(book.tradedQty, ref.traded);
    assert.equal(book.cancelledQty, ref.cancelled);
    assert.equal(book.orderCount, ref.orders.length);

    // L2 agrees with the reference
    const bids = ref.levels(BID);
    const asks = ref.levels(ASK);
    book.l2(512, snap);
    assert.equal(snap.bidLevels, bids.length);
    assert.equal(snap.askLevels, asks.length);
    for (let i = 0; i < bids.length; i++) {
      assert.equal(snap.bidPrice[i], bids[i][0]);
      assert.equal(snap.bidQty[i], bids[i][1]);
    }
    for (let i = 0; i < asks.length; i++) {
      assert.equal(snap.askPrice[i], asks[i][0]);
      assert.equal(snap.askQty[i], asks[i][1]);
    }
    for (let p = mid - 3; p <= mid + 3; p += 3) {
      assert.equal(book.depthTo(BID, p), bids.reduce((a, l) => a + (l[0] >= p ? l[1] : 0), 0));
      assert.equal(book.depthTo(ASK, p), asks.reduce((a, l) => a + (l[0] <= p ? l[1] : 0), 0));
      assert.equal(book.levelQty(BID, p), bids.find((l) => l[0] === p)?.[1] ?? 0);
    }
    assert.equal(book.levelCount(BID), bids.length);
    assert.equal(book.levelCount(ASK), asks.length);

    // every live order: fields and exact queue position; queue position never grows
    for (const o of ref.orders) {
      assert.ok(book.has(o.id));
      assert.equal(book.orderQty(o.id), o.qty);
      assert.equal(book.orderPrice(o.id), o.price);
      assert.equal(book.orderSide(o.id), o.side);
      assert.equal(book.orderOwner(o.id), o.owner);
      const q = book.queueAhead(o.id);
      assert.equal(q, ref.queueAhead(o.id));
      const last = ahead.get(o.id);
      if (o.id !== subject && last !== undefined) {
        assert.ok(q <= last, `queue ahead of ${o.id} grew ${last} -> ${q}`);
      }
      ahead.set(o.id, q);
    }
    // removed orders are gone; their ids may be reused later
    for (const id of live) {
      if (!ref.find(id)) {
        assert.ok(!book.has(id));
        ahead.delete(id);
        arrival.delete(id);
        dead.push(id);
      }
    }
  }
}

/** One property of the book: a fast-check property with its CI budget and seed. */
export interface BookProperty {
  /** Test name. */
  name: string;
  /** Runs per CI run; `deno task stress` multiplies it. */
  numRuns: number;
  /** fast-check seed. */
  seed: number;
  /** Checks the property with fast-check over `numRuns` runs from `seed`. */
  check: (params: { numRuns: number; seed: number }) => void;
}

/** The book's property tests (also run by `deno task stress` at 100× the runs). */
export const BOOK_PROPERTIES: BookProperty[] = [
  {
    name: "property: book matches a naive reference over random op sequences (tight prices)",
    numRuns: 100,
    seed: 20240611,
    check: (params) =>
      fc.assert(
        fc.property(
          fc.array(opArb(6), { minLength: 200, maxLength: 400 }),
          (ops) => runOps(ops, 100),
        ),
        params,
      ),
  },
  {
    name: "property: many levels far apart (binary-search path), prices near the int32 edges",
    numRuns: 60,
    seed: 7,
    check: (params) =>
      fc.assert(
        fc.property(
          fc.array(opArb(60), { minLength: 200, maxLength: 400 }),
          fc.constantFrom(61, 1_000_000, 2 ** 31 - 61),
          (ops, mid) => runOps(ops, mid),
        ),
        params,
      ),
  },
];
