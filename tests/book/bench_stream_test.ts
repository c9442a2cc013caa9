import assert from "node:assert/strict";
import { OrderBook } from "../../lib/book/mod.ts";
import {
  EV_ADD,
  EV_CANCEL,
  EV_MARKET,
  generateBookStream,
  replayBookStream,
} from "../../scripts/bench/book.ts";

Deno.test("bench stream: valid, deterministic, the advertised mix, and replays identically", () => {
  const s = generateBookStream(50_000, 3);
  const t = generateBookStream(50_000, 3);
  assert.deepEqual(s.price, t.price);
  assert.deepEqual(s.id, t.id);
  let adds = 0, cancels = 0, markets = 0;
  for (let e = 0; e < s.length; e++) {
    if (s.kind[e] === EV_ADD) adds++;
    else if (s.kind[e] === EV_CANCEL) cancels++;
    else if (s.kind[e] === EV_MARKET) markets++;
  }
  assert.ok(Math.abs(adds / s.length - 0.6) < 0.02);
  assert.ok(Math.abs(cancels / s.length - 0.3) < 0.02);
  assert.ok(Math.abs(markets / s.length - 0.1) < 0.02);
  const book = new OrderBook({ capacity: 16 });
  const a = replayBookStream(book, s); // throws if a cancel hit a dead id
  const state = [book.orderCount, book.addedQty, book.tradedQty, book.bestBid(), book.bestAsk()];
  assert.ok(a > 0);
  assert.equal(replayBookStream(book, s), a);
  assert.deepEqual(
    [book.orderCount, book.addedQty, book.tradedQty, book.bestBid(), book.bestAsk()],
    state,
  );
  assert.equal(book.addedQty, book.restingQty() + book.tradedQty + book.cancelledQty);
  assert.ok(book.levelCount(0) >= 20 && book.levelCount(1) >= 20, "tens of levels a side");
});
