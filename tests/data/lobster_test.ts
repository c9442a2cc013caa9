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
  planWindows,
} from "../../lib/data/mod.ts";
import { recordFromTape } from "../../lib/calibration/record.ts";
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

Deno.test("LOBSTER: auction crosses (type 6) are kept as information: no trade, no book change, no tick", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.constantFrom(1, 3),
      async (seed, levels) => {
        const { messages, rows } = generateLobster(seed, 200, levels);
        // an opening cross after the first message, a closing one before the last, another
        // cross in between with direction 0 (LOBSTER's pseudo orders: negative ids), each
        // with the preceding row's book and a sub-penny price
        const time = (k: number) => messages[k].split(",")[0];
        const cross = (k: number, id: number, dir: number) =>
          `${time(k)},6,${id},250000,1000055,${dir}`;
        const m = [...messages], r = [...rows];
        const n = messages.length;
        m.splice(n - 1, 0, cross(n - 2, -2, -1));
        r.splice(n - 1, 0, rows[n - 2]);
        m.splice(n >> 1, 0, cross((n >> 1) - 1, -3, 0));
        r.splice(n >> 1, 0, rows[(n >> 1) - 1]);
        m.splice(1, 0, cross(0, -1, 1));
        r.splice(1, 0, rows[0]);
        await withDir(async (dir) => {
          const plain = loadTapeSync(await writeLobster(dir, messages, rows, levels), {
            cacheDir: null,
          });
          const path = await writeLobster(dir, m, r, levels, levels, "CRS");
          const tape = loadTapeSync(path, { cacheDir: null });
          const rec = tape.report.reconstruction!;
          assert.equal(rec.checked, m.length - 1);
          assert.equal(rec.matched, rec.checked, JSON.stringify(rec.examples));
          assert.equal(tape.report.events.CROSS, 3);
          assert.equal(tape.meta.tickSize, plain.meta.tickSize); // $0.01: the cross's price is not a tick
          const c = tape.columns, p = plain.columns;
          const crosses = [...Array(tape.length).keys()].filter((i) => c.kind[i] === EVENT.CROSS);
          assert.deepEqual(crosses.map((i) => c.orderId[i]), [-1, -3, -2]);
          assert.deepEqual(crosses.map((i) => c.qty[i]), [250000, 250000, 250000]);
          assert.deepEqual(crosses.map((i) => c.price[i]), [10000.55, 10000.55, 10000.55]);
          // no trade volume, and every other row as without the crosses
          const others = [...Array(tape.length).keys()].filter((i) => c.kind[i] !== EVENT.CROSS);
          assert.equal(others.length, plain.length);
          for (
            const name of [
              "kind",
              "price",
              "qty",
              "bestBid",
              "bestAsk",
              "cumBuy",
              "cumSell",
            ] as const
          ) {
            assert.deepEqual(others.map((i) => c[name][i]), Array.from(p[name]), name);
          }
          for (const i of crosses) assert.equal(c.cumBuy[i], c.cumBuy[i - 1]);
          // the calibration's record: the same market orders and quotes
          const a = recordFromTape(tape), b = recordFromTape(plain);
          assert.deepEqual(Array.from(a.moTime), Array.from(b.moTime));
          assert.deepEqual(Array.from(a.moQty), Array.from(b.moQty));
          assert.deepEqual(Array.from(a.bid), Array.from(b.bid));
          assert.deepEqual(Array.from(a.fillQty), Array.from(b.fillQty));
        });
      },
    ),
    { numRuns: 6 },
  );
});

Deno.test("LOBSTER: a trading halt is a gap: replay windows and the calibration's records stop at it", async () => {
  const { messages, rows } = generateLobster(7, 400, 2);
  const time = (k: number) => Number(messages[k].split(",")[0]);
  const n = messages.length;
  const a = n >> 2, b = n >> 1, c3 = (3 * n) >> 2;
  // halt after message a, quoting resumes after b, trading after c3 (books as the previous row)
  const m = [...messages], r = [...rows];
  for (const [k, code] of [[c3, 1], [b, 0], [a, -1]]) {
    m.splice(k + 1, 0, `${time(k)},7,0,0,${code},-1`);
    r.splice(k + 1, 0, rows[k]);
  }
  await withDir(async (dir) => {
    const tape = loadTapeSync(await writeLobster(dir, m, r, 2), { cacheDir: null });
    assert.equal(tape.report.reconstruction!.matched, m.length - 1);
    const halts = [...Array(tape.length).keys()].filter((i) => tape.columns.kind[i] === EVENT.HALT);
    // the fixture's own type-7 rows are 0 (quoting), which opens no halt
    const codes = halts.map((i) => tape.columns.price[i]).filter((p) => p !== 0);
    assert.deepEqual(codes, [-1, 1]);
    const at = (code: number) =>
      tape.columns.ts[halts.find((i) => tape.columns.price[i] === code)!];
    const from = at(-1), to = at(1);
    assert.ok(Math.abs(from / 1e9 - time(a)) < 1e-6 && to > from);
    assert.deepEqual(tape.meta.gaps, [
      { fromTs: from, toTs: to, line: a + 2, missing: 0, reason: "halt" },
    ]);
    const windows = planWindows([tape], 0.5, 0.1);
    assert.ok(windows.length > 0);
    for (const w of windows) assert.ok(w.endTs <= from || w.startTs >= to, w.id);
    const rec = recordFromTape(tape);
    assert.equal(rec.segments.length, 2);
    assert.deepEqual([rec.segments[0][1], rec.segments[1][0]], [from / 1e9, to / 1e9]);
    // a halt that never resumes lasts to the file's last message
    const open = loadTapeSync(
      await writeLobster(dir, m.slice(0, c3 + 1), r.slice(0, c3 + 1), 2, 2, "OPEN"),
      { cacheDir: null },
    );
    assert.deepEqual(
      open.meta.gaps.map((g) => [g.fromTs, g.toTs]),
      [[from, open.columns.ts[open.length - 1]]],
    );
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
    // an unknown event type (6 is a cross trade, 8 is nothing)
    const badType = [...messages];
    badType[3] = badType[3].replace(/^([^,]+),\d,/, "$1,8,");
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
