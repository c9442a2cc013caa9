import assert from "node:assert/strict";
import { ASK, BID, OrderBook } from "../../lib/book/order_book.ts";
import { informedConfigSchema, InformedTrader } from "../../lib/market/informed.ts";

Deno.test("informed trader: an IOC at its value minus the threshold, capped, both sides", () => {
  const book = new OrderBook();
  book.addLimit(1, BID, 98, 4, 0);
  book.addLimit(2, BID, 97, 4, 0);
  book.addLimit(3, ASK, 100, 4, 0);
  book.addLimit(4, ASK, 101, 30, 0);
  const trader = new InformedTrader(informedConfigSchema.parse({ threshold: 1, maxLots: 10 }));
  assert.equal(trader.arrive(book, 100.5, 1, -1), 0); // edge 0.5 < 1 on the ask, none on the bid
  assert.equal(trader.arrive(book, 102.2, 2, -1), 10); // asks ≤ 101.2: 100 and 101, capped at 10
  assert.equal(book.bestAsk(), 101);
  assert.equal(book.levelQty(ASK, 101), 24);
  assert.equal(trader.arrive(book, 96.5, 3, -1), -4); // bids ≥ 97.5: only 98
  assert.equal(book.bestBid(), 97);
  assert.equal(trader.trades, 2);
  assert.equal(trader.arrivals, 3);
  assert.equal(trader.signedVolume, 6);
});
