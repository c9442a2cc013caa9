/**
 * The real data shipped in data/real/: unchanged files, and the reconstruction checks the
 * issue asks for, on the files themselves.
 */
import assert from "node:assert/strict";
import {
  BinanceParser,
  clearTapeMemo,
  loadTape,
  loadTapeSync,
  readLinesSync,
  summarizeTape,
  summaryText,
  TAPE_COLUMNS,
  type TapeColumnName,
} from "../../lib/data/mod.ts";

const LOBSTER = "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";
const BINANCE = "data/real/binance/spot_btcusdt_20240808.gz";

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("shipped data: every file matches its published checksum", async () => {
  const list = (await Deno.readTextFile("data/real/SHA256SUMS")).trim().split("\n");
  assert.equal(list.length, 4);
  for (const line of list) {
    const [sum, file] = line.split(/\s+/);
    assert.equal(await sha256(`data/real/${file}`), sum, file);
  }
  const readme = await Deno.readTextFile("data/real/README.md");
  for (const line of list) assert.ok(readme.includes(line.split(/\s+/)[0]));
});

Deno.test("shipped LOBSTER AMZN: each message reproduces the next orderbook row, at every row", () => {
  const tape = loadTapeSync(LOBSTER, { cacheDir: null });
  const r = tape.report.reconstruction!;
  assert.equal(r.checked, 57_514);
  assert.equal(r.matched, 57_514);
  assert.deepEqual(r.mismatches, {});
  assert.ok(r.counts.rowsWithLevelFromBeyond > 10_000);
  assert.equal(tape.meta.tickSize, 0.01);
  assert.deepEqual(tape.report.skipped, {});
  assert.deepEqual(tape.report.repaired, {});
  const ev = tape.report.events;
  assert.equal(
    (ev.ADD ?? 0) + (ev.CANCEL ?? 0) + (ev.DELETE ?? 0) + (ev.EXECUTE ?? 0) +
      (ev.HIDDEN_EXECUTE ?? 0) + (ev.HALT ?? 0),
    57_515,
  );
});

Deno.test("shipped Binance BTCUSDT: the rebuilt book agrees with every checkable best quote", () => {
  const tape = loadTapeSync(BINANCE, { cacheDir: null });
  const r = tape.report.reconstruction!;
  assert.ok(r.checked > 28_000);
  assert.ok(r.matched / r.checked >= 0.99, `${r.matched}/${r.checked}`);
  // every best-quote message is either checked or counted as outside the synchronized book
  assert.equal(r.checked + r.counts.outsideSynchronizedBook, 28_040);
  assert.equal(tape.meta.gaps.length, 0);
  assert.ok(tape.meta.clockOffsetNs > 1.2e9 && tape.meta.clockOffsetNs < 1.3e9);
});

Deno.test("shipped Binance: a book that keeps a removed best level is caught by the check", () => {
  const lines = readLinesSync(BINANCE);
  const parsed = lines.map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)));
  const quotes: [number, string][] = [];
  for (const j of parsed) if (j.stream?.endsWith("bookTicker")) quotes.push([j.data.u, j.data.b]);
  // a depth update in the second half that removes the best bid of the moment
  let k = lines.length >> 1, price = "";
  for (; k < lines.length; k++) {
    const d = parsed[k].data;
    if (d?.e !== "depthUpdate") continue;
    price = "";
    for (const [u, b] of quotes) {
      if (u < d.U) price = b;
      else break;
    }
    if (d.b.some((lv: string[]) => lv[0] === price && Number(lv[1]) === 0)) break;
  }
  assert.ok(k < lines.length);
  const msg = parsed[k];
  msg.data.b = msg.data.b.map((lv: string[]) => (lv[0] === price ? [lv[0], "1.00000000"] : lv));
  const bad = [...lines];
  bad[k] = `${lines[k].slice(0, lines[k].indexOf(" "))} ${JSON.stringify(msg)}`;
  const p = new BinanceParser("altered.gz");
  bad.forEach((l, i) => p.push(l, i + 1));
  const r = p.finish().report.reconstruction!;
  assert.ok(r.matched < 0.9 * r.checked, `${r.matched}/${r.checked}`);
  assert.ok(r.mismatches["better level untouched by the batch"].count > 100);
  assert.match(r.examples[0], new RegExp(`book before the batch holds ${Number(price)}`));
});

Deno.test("shipped data: streamed and whole-file loads give the same tape; inspect summarizes it", async () => {
  for (const path of [LOBSTER, BINANCE]) {
    clearTapeMemo();
    const a = await loadTape(path, { cacheDir: null });
    clearTapeMemo();
    const b = loadTapeSync(path, { cacheDir: null });
    assert.deepEqual(a.meta, b.meta);
    for (const name of Object.keys(TAPE_COLUMNS) as TapeColumnName[]) {
      const x = a.columns[name], y = b.columns[name];
      assert.equal(x.length, y.length);
      for (let i = 0; i < x.length; i++) assert.ok(Object.is(x[i], y[i]), `${path} ${name}[${i}]`);
    }
  }
  const amzn = summarizeTape(loadTapeSync(LOBSTER));
  assert.ok(
    amzn.spreadTicks.mean > 10 && amzn.spreadTicks.mean < 16,
    String(amzn.spreadTicks.mean),
  );
  assert.ok((amzn.spreadTicks.share["1"] ?? 0) < 0.01);
  assert.equal(amzn.depthAtTouch.bidMedian, 100);
  const btc = summarizeTape(loadTapeSync(BINANCE));
  assert.ok(btc.spreadTicks.share["1"] > 0.98);
  assert.ok(btc.trades.perSecond > 25 && btc.trades.perSecond < 32);
  assert.ok(btc.feedLatencyMs!.median >= 0);
  const text = summaryText(btc);
  assert.match(text, /reconstruction \d[\d,]* \/ \d[\d,]* matched/);
});
