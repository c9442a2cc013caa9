import assert from "node:assert/strict";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  ASK,
  BID,
  BinanceParser,
  DataError,
  EVENT,
  FLAG,
  loadTape,
  loadTapeSync,
  MalformedRowError,
  MissingFileError,
  planWindows,
  SequenceGapError,
  type Tape,
} from "../../lib/data/mod.ts";

const T0 = 1_723_161_253_000_000_000n; // a local time, ns
const E0 = 1_723_161_253_000; // the exchange's, ms

function local(ms: number): string {
  return (T0 + BigInt(Math.round(ms * 1e6))).toString();
}
function snap(ms: number, id: number, bids: [string, string][], asks: [string, string][]): string {
  return `${local(ms)} ${JSON.stringify({ lastUpdateId: id, bids, asks })}`;
}
function depth(
  ms: number,
  U: number,
  u: number,
  b: [string, string][],
  a: [string, string][],
  lat = 3,
) {
  const data = { e: "depthUpdate", E: E0 + ms, s: "BTCUSDT", U, u, b, a };
  return `${local(ms + lat)} ${JSON.stringify({ stream: "btcusdt@depth@100ms", data })}`;
}
function trade(ms: number, id: number, p: string, q: string, buyerMaker: boolean, lat = 2) {
  const data = { e: "trade", E: E0 + ms, s: "BTCUSDT", t: id, p, q, T: E0 + ms, m: buyerMaker };
  return `${local(ms + lat)} ${JSON.stringify({ stream: "btcusdt@trade", data })}`;
}
function ticker(ms: number, u: number, b: string, B: string, a: string, A: string) {
  const data = { u, s: "BTCUSDT", b, B, a, A };
  return `${local(ms)} ${JSON.stringify({ stream: "btcusdt@bookTicker", data })}`;
}

function parse(lines: string[], options = {}) {
  const p = new BinanceParser("feed.gz", options);
  lines.forEach((l, i) => p.push(l, i + 1));
  return p.finish();
}

/** A consistent little feed: two stale updates, a snapshot, three applied updates, trades, tickers. */
function feed(): string[] {
  return [
    depth(0, 90, 95, [["100.00", "1"]], []), // stale: u <= 100
    depth(100, 96, 100, [["99.99", "2"]], []), // stale
    snap(150, 100, [["100.00", "1.5"], ["99.99", "2"]], [["100.01", "0.7"], ["100.02", "3"]]),
    ticker(160, 103, "100.00", "1.5", "100.01", "0.4"), // inside the next batch (101..104)
    depth(200, 101, 104, [["100.00", "1.5"]], [["100.01", "0.4"]]),
    trade(250, 7, "100.01", "0.3", false), // a buyer lifted the ask
    ticker(260, 104, "100.00", "1.5", "100.01", "0.4"), // at the batch end
    depth(300, 105, 107, [["100.00", "0"]], [["100.01", "0.1"]]),
    trade(310, 8, "99.99", "0.5", true), // a seller hit the bid
    ticker(320, 107, "99.99", "2", "100.01", "0.1"),
    depth(400, 108, 110, [["99.99", "1.5"]], []),
  ];
}

Deno.test("Binance: snapshot + updates by update id; stale updates dropped and counted", () => {
  const tape = parse(feed());
  assert.equal(tape.report.skipped["stale depth update (u <= snapshot lastUpdateId)"], 2);
  assert.deepEqual(tape.report.events, { LEVEL: 9, TRADE: 2, BEST_QUOTE: 6, CLEAR: 1 });
  const c = tape.columns;
  const n = tape.length - 1;
  // quantities in steps of the largest common step seen (0.1 here)
  assert.equal(tape.meta.tickSize, 0.01);
  assert.equal(tape.meta.qtyStep, 0.1);
  assert.deepEqual([c.bestBid[n], c.bidQty[n], c.bestAsk[n], c.askQty[n]], [9999, 15, 10001, 1]);
  // rows are in exchange-time order
  for (let i = 1; i < tape.length; i++) assert.ok(c.ts[i] >= c.ts[i - 1]);
  // the snapshot sits at the exchange time of the first update applied after it
  const clear = [...c.kind].indexOf(EVENT.CLEAR);
  assert.equal(tape.meta.bookStart, clear);
  assert.equal(c.ts[clear], c.ts[clear + 5]); // 4 snapshot levels, then the update's first level
});

Deno.test("Binance: trades keep the aggressor; best quotes are information with estimated times", () => {
  const tape = parse(feed());
  const c = tape.columns;
  const trades = [...Array(tape.length).keys()].filter((i) => c.kind[i] === EVENT.TRADE);
  // m = false: the buyer took liquidity from a resting ask
  assert.deepEqual(trades.map((i) => c.side[i]), [ASK, BID]);
  assert.equal(c.cumBuy[trades[0]], 3);
  assert.equal(c.cumSell[trades[1]], 5);
  const quotes = [...Array(tape.length).keys()].filter((i) => c.kind[i] === EVENT.BEST_QUOTE);
  assert.equal(quotes.length, 6);
  assert.ok(quotes.every((i) => (c.flags[i] & FLAG.ESTIMATED_TS) !== 0));
  // local - exchange of the depth and trade messages: 3 ms and 2 ms
  const lat = trades.map((i) => c.localTs[i] - c.ts[i]);
  assert.deepEqual(lat, [2e6, 2e6]);
  assert.equal(tape.meta.clockOffsetNs, 0);
});

Deno.test("Binance: the reconstruction check agrees with consistent quotes and catches a wrong book", () => {
  const ok = parse(feed()).report.reconstruction!;
  assert.deepEqual([ok.checked, ok.matched, ok.counts.atBatchEnd, ok.counts.insideBatch], [
    3,
    3,
    2,
    1,
  ]);
  // a quote at a batch end with another quantity
  const bad = feed();
  bad[6] = ticker(260, 104, "100.00", "1.5", "100.01", "0.5");
  const r = parse(bad).report.reconstruction!;
  assert.equal(r.matched, 2);
  assert.equal(r.mismatches["quantity at batch end"].count, 1);
  // a quote inside a batch that misses a level the batch never touched (ask 100.01)
  const bad2 = [...feed(), ticker(350, 109, "99.99", "1.5", "100.02", "3")];
  const r2 = parse(bad2).report.reconstruction!;
  assert.equal(r2.mismatches["better level untouched by the batch"].count, 1);
  // and one showing a level the book does not have, untouched by its batch
  const bad3 = [...feed(), ticker(350, 109, "99.98", "1", "100.01", "0.1")];
  const r3 = parse(bad3).report.reconstruction!;
  assert.equal(r3.mismatches["quoted level untouched and different"].count, 1);
});

Deno.test("Binance: a sequence gap stops the load unless a later snapshot re-synchronizes", () => {
  const lines = feed();
  lines[7] = depth(300, 106, 107, [["100.00", "0"]], [["100.01", "0.1"]]); // 105 missing
  assert.throws(
    () => parse(lines),
    (e) =>
      e instanceof SequenceGapError && e.line === 8 && e.expected === 105 && e.got === 106 &&
      e.message.startsWith("feed.gz: line 8"),
  );
  // re-synchronized by a new snapshot: the gap is recorded and windows avoid it
  const resync = [
    ...lines,
    snap(450, 112, [["99.99", "1"]], [["100.01", "1"]]),
    depth(500, 113, 115, [["99.98", "4"]], []),
  ];
  const tape = parse(resync);
  assert.equal(tape.meta.gaps.length, 1);
  assert.deepEqual(
    [tape.meta.gaps[0].line, tape.meta.gaps[0].missing],
    [8, 1],
  );
  assert.equal(tape.report.events.CLEAR, 2);
  const c = tape.columns;
  assert.deepEqual([c.bestBid[tape.length - 1], c.bidQty[tape.length - 1]], [9999, 10]);
});

Deno.test("Binance: a snapshot older than every buffered update is a gap; no snapshot is an error", () => {
  const old = [
    depth(0, 200, 210, [["100.00", "1"]], []),
    snap(50, 100, [["99", "1"]], [["101", "1"]]),
  ];
  assert.throws(() => parse(old), (e) => e instanceof SequenceGapError && e.expected === 101);
  assert.throws(
    () => parse([depth(0, 1, 2, [["100.00", "1"]], [])]),
    (e) => e instanceof DataError && /no REST depth snapshot/.test(e.message),
  );
});

Deno.test("Binance: malformed lines name the line and the column", () => {
  const bad = (line: string, col: number, name: RegExp) =>
    assert.throws(
      () => parse([snap(0, 1, [["1", "1"]], [["2", "1"]]), line]),
      (e) =>
        e instanceof MalformedRowError && e.line === 2 && e.column === col && name.test(e.message),
    );
  bad("12x4 {}", 1, /local time/);
  bad(`${local(1)} {not json`, 2, /message/);
  bad(depth(1, 2, 2, [["1.5e3", "1"]], []), 2, /data\.b\[0\]\[0\]/);
  bad(depth(1, 2, 2, [["10.00", "-1"]], []), 2, /data\.b\[0\]\[1\]/);
  bad(trade(1, 1, "10.00", "1", "yes" as unknown as boolean), 2, /data\.m/);
});

Deno.test("Binance: a recorder clock behind the exchange is corrected and reported", () => {
  const lines = feed().map((l) => {
    const [ts, rest] = [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" "))];
    return `${BigInt(ts) - 1_000_000_000n}${rest}`; // the recorder is 1 s behind
  });
  const fixed = parse(lines);
  assert.equal(fixed.meta.clockOffsetNs, 998_000_000);
  assert.match(fixed.report.notes.join(" "), /behind the exchange/);
  const raw = parse(lines, { clockCorrection: false });
  assert.equal(raw.meta.clockOffsetNs, 0);
  const c = raw.columns;
  const t = [...c.kind].indexOf(EVENT.TRADE);
  assert.equal(c.localTs[t] - c.ts[t], -998_000_000);
});

Deno.test("Binance: local times in ms are recognized; another symbol's messages are skipped", () => {
  const lines = feed().map((l) => {
    const [ts, rest] = [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" "))];
    return `${BigInt(ts) / 1_000_000n}${rest}`;
  });
  lines.push(trade(320, 99, "3000.00", "1", true).replace(/BTCUSDT/g, "ETHUSDT"));
  // a recorder's subscription acknowledgement and a message of no known kind: skipped, counted
  // under a reason that says what they are
  const ms = T0 / 1_000_000n + 1n;
  lines.splice(1, 0, `${ms} {"result":null,"id":1}`, `${ms} {"x":1}`);
  const tape = parse(lines);
  assert.equal(tape.report.skipped["message for another symbol (ETHUSDT)"], 1);
  assert.equal(tape.report.skipped["subscription reply"], 1);
  assert.equal(tape.report.skipped["unknown message (no stream or event type)"], 1);
  assert.equal(tape.report.events.TRADE, 2);
  const c = tape.columns;
  const t = [...c.kind].indexOf(EVENT.TRADE);
  assert.equal(c.localTs[t] - c.ts[t], 2e6);
});

Deno.test("Binance: a partial book depth stream is refused by name (its messages are the top of the book, not diffs)", () => {
  const lines = feed();
  // futures' partial depth looks like a diff (depthUpdate with U, u, pu): applied as one it
  // would keep every level that left the top 20
  const data = {
    e: "depthUpdate",
    E: E0 + 500,
    s: "BTCUSDT",
    U: 111,
    u: 112,
    pu: 110,
    b: [["99.99", "1"]],
    a: [],
  };
  lines.push(`${local(503)} ${JSON.stringify({ stream: "btcusdt@depth20@100ms", data })}`);
  assert.throws(
    () => parse(lines),
    (e) =>
      e instanceof DataError &&
      /line 12: btcusdt@depth20@100ms is a partial book depth stream/.test(e.message),
  );
  // spot's: {lastUpdateId, bids, asks} inside the stream wrapper
  const spot = { lastUpdateId: 200, bids: [["99.99", "1"]], asks: [["100.01", "1"]] };
  const l2 = [
    ...feed(),
    `${local(600)} ${JSON.stringify({ stream: "btcusdt@depth5", data: spot })}`,
  ];
  assert.throws(
    () => parse(l2),
    (e) => e instanceof DataError && /btcusdt@depth5 is a partial/.test(e.message),
  );
});

Deno.test("Binance: the shipped feed loads whole, in sequence, and replays over whole windows", () => {
  const tape = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz", { cacheDir: null });
  assert.equal(tape.meta.gaps.length, 0);
  assert.equal(tape.report.events.TRADE, 9757);
  assert.equal(tape.report.events.BEST_QUOTE, 2 * 28040);
  assert.ok(planWindows([tape], 60).length >= 5);
});

Deno.test("Binance: a recording cut mid-write loads up to the cut and says so; a damaged one is an error", async () => {
  const shipped = gunzipSync(Deno.readFileSync("data/real/binance/spot_btcusdt_20240808.gz"));
  const all = new TextDecoder().decode(shipped).split("\n").slice(0, 3000);
  const dir = await Deno.makeTempDir();
  const write = (name: string, data: string | Uint8Array) => {
    const path = `${dir}/${name}`;
    if (typeof data === "string") Deno.writeTextFileSync(path, data);
    else Deno.writeFileSync(path, data);
    return path;
  };
  const same = (a: Tape, b: Tape) => {
    assert.equal(a.length, b.length);
    for (const k of ["ts", "localTs", "kind", "price", "qty", "bestBid", "bestAsk"] as const) {
      assert.deepEqual(a.columns[k], b.columns[k], k);
    }
  };
  try {
    const lines = (n: number) => all.slice(0, n).join("\n") + "\n";
    // the last line cut inside its JSON, as a recorder killed while writing leaves it
    const cut = write("cut.txt", lines(2999) + all[2999].slice(0, 80));
    const ref = loadTapeSync(write("ref.txt", lines(2999)), { cacheDir: null });
    for (
      const t of [loadTapeSync(cut, { cacheDir: null }), await loadTape(cut, { cacheDir: null })]
    ) {
      same(t, ref);
      assert.ok(t.report.notes.some((n) => /last line \(3,000\) is an incomplete write/.test(n)));
    }
    // a file of that one line is a malformed line too: nothing before it was recorded
    const alone = write("alone.txt", all[2999].slice(0, 80));
    assert.throws(() => loadTapeSync(alone, { cacheDir: null }), MalformedRowError);
    await assert.rejects(() => loadTape(alone, { cacheDir: null }), MalformedRowError);
    // the same line with its terminator is a malformed line, not a cut write
    const ended = write("ended.txt", lines(2999) + all[2999].slice(0, 80) + "\n");
    assert.throws(() => loadTapeSync(ended, { cacheDir: null }), MalformedRowError);
    await assert.rejects(() => loadTape(ended, { cacheDir: null }), MalformedRowError);
    // a gzip file cut short: the lines before the cut
    const gz = gzipSync(new TextEncoder().encode(lines(3000)));
    const short = write("short.gz", gz.subarray(0, Math.floor(gz.length * 0.6)));
    let kept = -1;
    for (
      const t of [
        loadTapeSync(short, { cacheDir: null }),
        await loadTape(short, { cacheDir: null }),
      ]
    ) {
      const note = t.report.notes.find((n) => /gzip stream is cut short/.test(n));
      assert.ok(note, JSON.stringify(t.report.notes));
      const k = Number(/the ([\d,]+) lines before the cut/.exec(note)![1].replaceAll(",", ""));
      assert.ok(k > 1000 && k < 3000 && (kept < 0 || k === kept));
      kept = k;
      same(t, loadTapeSync(write(`k${k}.txt`, lines(k)), { cacheDir: null }));
    }
    // damaged in the middle: an error naming the file, from both readers (the streaming one
    // may first meet the garbage as a malformed line)
    const bad = gz.slice();
    for (let i = 0; i < 8; i++) bad[(bad.length >> 1) + i] ^= 0xa5;
    const damaged = write("damaged.gz", bad);
    assert.throws(() => loadTapeSync(damaged, { cacheDir: null }), MissingFileError);
    await assert.rejects(
      () => loadTape(damaged, { cacheDir: null }),
      (e) => e instanceof DataError && e.message.includes("damaged.gz"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
