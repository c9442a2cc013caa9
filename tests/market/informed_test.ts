import assert from "node:assert/strict";
import { ASK, BID, OrderBook } from "../../lib/book/order_book.ts";
import { dispersedCap, informedConfigSchema, InformedTrader } from "../../lib/market/informed.ts";
import { normalFromUniform } from "../../lib/market/price_process.ts";

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

Deno.test("informed: with dispersed sizes the budget, not maxLots, caps an order; its mean is maxLots", () => {
  const book = new OrderBook();
  book.addLimit(1, ASK, 101, 500, 0);
  const cfg = informedConfigSchema.parse({ maxLots: 20, sizes: "dispersed", sizeSigma: 1.5 });
  const t = new InformedTrader(cfg);
  assert.ok(t.budget !== undefined);
  assert.equal(t.budget(0), dispersedCap(20, 1.5, 0));
  assert.equal(t.arrive(book, 103, 100, 1, -1, t.budget(2)), dispersedCap(20, 1.5, 2)); // 118 > 20
  // stale: no budget, maxLots caps
  assert.equal(new InformedTrader(informedConfigSchema.parse({ maxLots: 20 })).budget, undefined);
  // the budget's mean over a fine grid of normal quantiles is maxLots (to the rounding)
  let sum = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) sum += dispersedCap(20, 1.5, normalFromUniform((i + 0.5) / n));
  assert.ok(Math.abs(sum / n - 20) < 0.5, `${sum / n}`);
});
