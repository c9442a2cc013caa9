import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import {
  ASK,
  BID,
  EVENT,
  FileMismatchError,
  loadTapeSync,
  lobsterFiles,
  MalformedRowError,
  MissingFileError,
  newYorkMidnight,
} from "../../lib/data/mod.ts";
import { generateLobster, writeLobster } from "./_fixtures.ts";

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("LOBSTER: random L3 streams at 1, 2, 3 and 5 levels reconstruct at every row and level", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.constantFrom(1, 2, 3, 5),
      async (seed, levels) => {
        const { messages, rows } = generateLobster(seed, 300, levels);
        await withDir(async (dir) => {
          const path = await writeLobster(dir, messages, rows, levels);
          const tape = loadTapeSync(path, { cacheDir: null });
          const r = tape.report.reconstruction!;
          assert.equal(r.checked, messages.length - 1);
          assert.equal(r.matched, r.checked, JSON.stringify(r.examples));
          assert.equal(tape.meta.depthLevels, levels);
          // after each message (and its REVEALED level rows) the tape's best quotes equal the row's
          const c = tape.columns;
          let row = -1;
          for (let i = 0; i < tape.length; i++) {
            const k = c.kind[i];
            if (k >= 1 && k <= 7) row++;
            const last = i + 1 === tape.length || (c.kind[i + 1] >= 1 && c.kind[i + 1] <= 7);
            if (!last || row < 1) continue;
            const cells = rows[row].split(",").map(Number);
            const ask = cells[0] === 9999999999 ? NaN : cells[0] / 100;
            const bid = cells[2] === -9999999999 ? NaN : cells[2] / 100;
            assert.deepEqual([c.bestAsk[i], c.bestBid[i]], [ask, bid], `row ${row + 1}`);
            assert.equal(c.askQty[i], cells[0] === 9999999999 ? 0 : cells[1]);
          }
        });
      },
    ),
    { numRuns: 12 },
  );
});

Deno.test("LOBSTER: every event type is kept with its order id, side, ticks and ns", async () => {
  await withDir(async (dir) => {
    const messages = [
      "34200.000000001,1,11,100,1000000,1",
      "34200.5,1,12,50,1000100,-1",
      "34201,2,11,30,1000000,1",
      "34201.25,4,12,20,1000100,-1",
      "34202,5,0,7,1000050,1",
      "34203,7,0,0,-1,-1",
      "34204,3,11,70,1000000,1",
    ];
    const rows = [
      "9999999999,0,1000000,100",
      "1000100,50,1000000,100",
      "1000100,50,1000000,70",
      "1000100,30,1000000,70",
      "1000100,30,1000000,70",
      "1000100,30,1000000,70",
      "1000100,30,-9999999999,0",
    ];
    const path = await writeLobster(dir, messages, rows, 1);
    const tape = loadTapeSync(path, { cacheDir: null });
    assert.deepEqual(tape.report.events, {
      ADD: 2,
      CANCEL: 1,
      DELETE: 1,
      EXECUTE: 1,
      HIDDEN_EXECUTE: 1,
      HALT: 1,
      LEVEL: 1,
      CLEAR: 1,
    });
    const c = tape.columns;
    const msg = [...Array(tape.length).keys()].filter((i) => c.kind[i] <= 7);
    assert.deepEqual(msg.map((i) => c.kind[i]), [1, 1, 2, 4, 5, 7, 3]);
    assert.equal(c.ts[msg[0]], 34_200_000_000_001);
    assert.equal(c.price[msg[1]], 10001); // $100.01 in ticks of $0.01
    assert.equal(c.side[msg[1]], ASK);
    assert.equal(c.orderId[msg[3]], 12);
    assert.equal(c.price[msg[4]], 10000.5); // a hidden execution at the midpoint keeps its half tick
    assert.equal(c.price[msg[5]], -1); // halt code
    // the execution of order 12 (added at row 1) points back to its ADD
    assert.equal(c.addIndex[msg[3]], msg[1]);
    // cumulative volume: the execution of a resting ask is a buyer-initiated trade
    assert.equal(c.cumBuy[msg[3]], 20);
    assert.equal(c.cumSell[msg[4]], 7);
    assert.equal(tape.report.reconstruction!.matched, 6);
    assert.equal(tape.meta.originIso, "2012-06-21T00:00:00-04:00");
    assert.equal(c.bestBid[tape.length - 1], NaN);
    assert.equal(c.bestAsk[tape.length - 1], 10001);
    void BID;
    void EVENT;
  });
});

Deno.test("LOBSTER: a level entering from beyond the depth is taken from the file and counted", async () => {
  await withDir(async (dir) => {
    const messages = [
      "34200,1,1,100,1000000,1",
      "34201,3,1,100,1000000,1", // the best bid empties: $99.98 (never seen) enters
    ];
    const rows = ["1000100,10,1000000,100", "1000100,10,999800,40"];
    const path = await writeLobster(dir, messages, rows, 1);
    const tape = loadTapeSync(path, { cacheDir: null });
    const r = tape.report.reconstruction!;
    assert.deepEqual([r.checked, r.matched, r.counts.rowsWithLevelFromBeyond], [1, 1, 1]);
    const last = tape.length - 1;
    assert.equal(tape.columns.kind[last], EVENT.LEVEL);
    assert.equal(tape.columns.flags[last] & 2, 2); // REVEALED
    assert.deepEqual([tape.columns.bestBid[last], tape.columns.bidQty[last]], [9998, 40]);
    assert.equal(tape.columns.visibleBid[last], 9998);
  });
});

Deno.test("LOBSTER: a row that disagrees with its message is a counted mismatch, repaired from the file", async () => {
  await withDir(async (dir) => {
    const { messages, rows } = generateLobster(7, 200, 2);
    const bad = [...rows];
    const cells = bad[50].split(",");
    cells[1] = String(Number(cells[1]) + 1); // one share too many at the best ask
    bad[50] = cells.join(",");
    const path = await writeLobster(dir, messages, bad, 2);
    const tape = loadTapeSync(path, { cacheDir: null });
    const r = tape.report.reconstruction!;
    assert.ok(r.matched < r.checked && r.matched >= r.checked - 2, JSON.stringify(r));
    assert.ok(
      (tape.report.repaired["book set to the orderbook file's row after a mismatch"] ?? 0) >= 1,
    );
    assert.ok(r.examples[0].startsWith("line 51"), r.examples[0]);
  });
});

Deno.test("LOBSTER: bad input is a typed error naming the file, line and column", async () => {
  await withDir(async (dir) => {
    const { messages, rows } = generateLobster(3, 80, 2);
    assert.ok(messages.length >= 20);
    // missing orderbook file
    const m = `${dir}/X_2012-06-21_34200000_57600000_message_2.csv`;
    await Deno.writeTextFile(m, messages.join("\n"));
    assert.throws(
      () => lobsterFiles(m),
      (e) => e instanceof MissingFileError && /orderbook_2\.csv/.test(e.message),
    );
    // level count in the name does not match the file
    const p2 = await writeLobster(dir, messages, rows, 2, 1, "Y");
    assert.throws(
      () => loadTapeSync(p2, { cacheDir: null }),
      (e) => e instanceof FileMismatchError && /2 levels per row .* says 1/.test(e.message),
    );
    // row counts differ
    const p3 = await writeLobster(dir, messages, rows.slice(0, -1), 2, 2, "Z");
    assert.throws(
      () => loadTapeSync(p3, { cacheDir: null }),
      (e) =>
        e instanceof FileMismatchError &&
        e.message.includes(`has ${rows.length - 1} rows but`) &&
        e.message.includes(`has ${messages.length}:`),
    );
    // a malformed price
    const badMsg = [...messages];
    badMsg[9] = badMsg[9].replace(/,(-?\d+),(-?1)$/, ",12x4,$2");
    const p4 = await writeLobster(dir, badMsg, rows, 2, 2, "W");
    assert.throws(
      () => loadTapeSync(p4, { cacheDir: null }),
      (e) =>
        e instanceof MalformedRowError && e.line === 10 && e.column === 5 &&
        e.message.includes("W_2012-06-21_34200000_57600000_message_2.csv"),
    );
    // an orderbook file of another sample (rows shifted)
    const other = generateLobster(4, 400, 2).rows.slice(0, rows.length);
    assert.equal(other.length, rows.length);
    const p5 = await writeLobster(dir, messages, other, 2, 2, "V");
    assert.throws(
      () => loadTapeSync(p5, { cacheDir: null }),
      (e) => e instanceof FileMismatchError && /does not follow the messages/.test(e.message),
    );
    // an unknown event type
    const badType = [...messages];
    badType[3] = badType[3].replace(/^([^,]+),\d,/, "$1,6,");
    const p6 = await writeLobster(dir, badType, rows, 2, 2, "U");
    assert.throws(
      () => loadTapeSync(p6, { cacheDir: null }),
      (e) => e instanceof MalformedRowError && e.line === 4 && e.column === 2,
    );
  });
});

Deno.test("LOBSTER: New York midnight follows daylight saving time", () => {
  assert.equal(newYorkMidnight("2012-06-21").iso, "2012-06-21T00:00:00-04:00");
  assert.equal(newYorkMidnight("2012-01-05").iso, "2012-01-05T00:00:00-05:00");
  assert.equal(newYorkMidnight("2012-06-21").ns, "1340251200000000000");
});
