import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { ASK, BID, CsvParser, DataError, EVENT, MalformedRowError } from "../../lib/data/mod.ts";

function parse(lines: string[], file = "t.csv") {
  const p = new CsvParser(file);
  lines.forEach((l, i) => p.push(l, i + 1));
  return p.finish();
}

Deno.test("CSV: snapshots, updates, trades and best quotes; columns in any order; comments", () => {
  const tape = parse([
    "# instrument=XYZ",
    "# tick_size=0.005",
    "qty,price,side,type,local_ts,ts",
    "5,9.995,bid,snapshot,1700000000000100000,1700000000000000000",
    "4,10.005,ask,snapshot,1700000000000100000,1700000000000000000",
    "2,10.000,bid,update,1700000000500100000,1700000000500000000",
    "1,10.005,buy,trade,1700000000600200000,1700000000600000000",
    "3,10.005,ask,update,1700000000700100000,1700000000700000000",
    "",
    "3,10.005,ask,bbo,1700000000700100000,1700000000700000000",
    "6,9.99,bid,snapshot,1700000001000000000,1700000001000000000",
    "6,10.01,ask,snapshot,1700000001000000000,1700000001000000000",
  ]);
  assert.equal(tape.meta.instrument, "XYZ");
  assert.equal(tape.meta.tickSize, 0.005);
  assert.equal(tape.meta.hasLocalTime, true);
  assert.deepEqual(tape.report.events, { LEVEL: 6, TRADE: 1, BEST_QUOTE: 1, CLEAR: 2 });
  assert.equal(tape.report.skipped["empty line"], 1);
  const c = tape.columns;
  const tr = [...c.kind].indexOf(EVENT.TRADE);
  assert.equal(c.side[tr], ASK); // a buy aggressor lifted a resting ask
  assert.equal(c.localTs[tr] - c.ts[tr], 200_000);
  // the second snapshot replaces the book
  const n = tape.length - 1;
  assert.deepEqual([c.bestBid[n], c.bestAsk[n], c.bidQty[n]], [1998, 2002, 6]);
  assert.equal(c.bestBid[3], 2000); // after the update at $10.000
  void BID;
});

Deno.test("CSV: bad rows are typed errors with line and column", () => {
  const head = "ts,type,side,price,qty";
  const bad = (row: string, col: number, name: string) =>
    assert.throws(
      () => parse([head, "1,snapshot,bid,1.00,1", row], "x.csv"),
      (e) =>
        e instanceof MalformedRowError && e.line === 3 && e.column === col &&
        e.columnName === name && e.message.startsWith("x.csv: line 3"),
    );
  bad("2,update,bid,abc,1", 4, "price");
  bad("2,update,bid,1.00,-2", 5, "qty");
  bad("2,quote,bid,1.00,1", 2, "type");
  bad("2,update,middle,1.00,1", 3, "side");
  bad("2,trade,bid,1.00,1", 3, "side"); // trades name the aggressor: buy or sell
  bad("0,update,bid,1.00,1", 1, "ts"); // time goes backwards
  bad("2.5,update,bid,1.00,1", 1, "ts");
  assert.throws(
    () => parse(["time,price", "1,2"]),
    (e) => e instanceof MalformedRowError && e.line === 1,
  );
  assert.throws(() => parse(["ts,type,side,price,qty"]), (e) => e instanceof DataError);
});

Deno.test("CSV fuzz: any input either loads or fails with a typed data error", () => {
  const cell = fc.oneof(
    fc.constantFrom(
      "1",
      "2",
      "0",
      "-1",
      "1.5",
      "bid",
      "ask",
      "buy",
      "sell",
      "update",
      "snapshot",
      "trade",
      "bbo",
      "",
    ),
    fc.string({ maxLength: 6 }),
  );
  const row = fc.array(cell, { minLength: 0, maxLength: 7 }).map((c) => c.join(","));
  fc.assert(
    fc.property(fc.array(row, { maxLength: 12 }), fc.boolean(), (rows, header) => {
      const lines = header ? ["ts,type,side,price,qty", ...rows] : rows;
      try {
        const tape = parse(lines);
        assert.ok(tape.length >= 1);
      } catch (e) {
        assert.ok(e instanceof DataError, String(e));
      }
    }),
    { numRuns: 300 },
  );
});
