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
  // V above the public price P = 99: buys asks at least 1 tick below V
  assert.equal(trader.arrive(book, 100.5, 99, 1, -1), 0); // edge 0.5 < 1
  assert.equal(trader.arrive(book, 102.2, 99, 2, -1), 10); // asks ≤ 101.2, capped at 10 lots
  assert.equal(book.bestAsk(), 101);
  assert.equal(book.levelQty(ASK, 101), 24);
  // V below P: sells bids at least 1 tick above V
  assert.equal(trader.arrive(book, 96.5, 99, 3, -1), -4); // bids ≥ 97.5: only 98
  assert.equal(book.bestBid(), 97);
  // no private news (V = P): it never trades, even against a mispriced quote
  assert.equal(trader.arrive(book, 95, 95, 4, -1), 0);
  // it trades only in the direction of its news: V < P never buys
  assert.equal(trader.arrive(book, 110, 111, 5, -1), 0);
  assert.equal(trader.trades, 2);
  assert.equal(trader.arrivals, 5);
  assert.equal(trader.signedVolume, 6);
});
