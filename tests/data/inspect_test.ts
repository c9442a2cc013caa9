import assert from "node:assert/strict";
import { CsvParser } from "../../lib/data/csv.ts";
import { summarizeTape, summaryText } from "../../lib/data/inspect.ts";

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
