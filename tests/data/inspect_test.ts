import assert from "node:assert/strict";
import { CsvParser } from "../../lib/data/csv.ts";
import { summarizeTape, summaryText } from "../../lib/data/inspect.ts";
import { loadTapeSync } from "../../lib/data/load.ts";

Deno.test("inspect: trade sizes' quantiles and the share below the lot suggestion", () => {
  const p = new CsvParser("t.csv");
  const sizes = [0.5, 1, 1, 2, 3, 0.25, 1.5, 1, 4, 1];
  [
    "ts,type,side,price,qty",
    "0,snapshot,bid,9.99,50",
    "0,snapshot,ask,10.01,50",
    ...sizes.map((q, i) => `${(i + 1) * 1e9},trade,buy,10.01,${q}`),
  ].forEach((l, i) => p.push(l, i + 1));
  const tape = p.finish();
  const s = summarizeTape(tape);
  const lot = tape.meta.lotSuggestion;
  assert.equal(lot, 1); // the power of ten nearest the median trade
  assert.equal(s.trades.count, 10);
  assert.equal(s.trades.belowLot, 2 / 10); // 0.5 and 0.25; a size of exactly one lot is not below
  assert.equal(s.trades.sizeMedian, 1);
  assert.equal(s.trades.sizeP10, 0.5);
  assert.equal(s.trades.sizeP90, 4);
  assert.match(summaryText(s), /trade sizes {4}p10\/median\/p90 0\.5\/1\/4; 20% below the lot/);
});

Deno.test("inspect: an order-level tape's limit sizes and their share at exactly one round lot; a level feed has none", () => {
  const file = "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";
  const s = summarizeTape(loadTapeSync(file));
  // counted independently from the message file: type 1 (a new limit order), size column
  const adds = Deno.readTextFileSync(file).split("\n").filter((l) => l.split(",")[1] === "1")
    .map((l) => Number(l.split(",")[3]));
  const o = s.limitOrders!;
  assert.equal(o.count, adds.length);
  assert.equal(o.atLot, adds.filter((q) => q === 100).length / adds.length);
  assert.equal(o.belowLot, adds.filter((q) => q < 100).length / adds.length);
  assert.match(
    summaryText(s),
    /limit sizes {4}[\d,]+ orders, p10\/median\/p90 \d+\/100\/\d+; 50\.\d% exactly 100/,
  );
  const p = new CsvParser("l2.csv");
  [
    "ts,type,side,price,qty",
    "0,snapshot,bid,9.99,5",
    "0,snapshot,ask,10.01,5",
    "1000000000,trade,buy,10.01,1",
  ]
    .forEach((l, i) => p.push(l, i + 1));
  const l2 = summarizeTape(p.finish());
  assert.equal(l2.limitOrders, null);
  assert.doesNotMatch(summaryText(l2), /limit sizes/);
});
