import assert from "node:assert/strict";
import {
  cacheKey,
  clearTapeMemo,
  loadTapeSyncWithInfo,
  loadTapeWithInfo,
  TAPE_COLUMNS,
  type TapeColumnName,
} from "../../lib/data/mod.ts";
import { epochNs, writeCsvTape } from "./_fixtures.ts";

function sameColumns(a: Record<string, ArrayLike<number>>, b: Record<string, ArrayLike<number>>) {
  for (const name of Object.keys(TAPE_COLUMNS) as TapeColumnName[]) {
    assert.equal(a[name].length, b[name].length, name);
    for (let i = 0; i < a[name].length; i++) {
      assert.ok(Object.is(a[name][i], b[name][i]), `${name}[${i}]`);
    }
  }
}

Deno.test("cache: the second load reads the Arrow file, identical to the parse; memo in between", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cacheDir = `${dir}/cache`;
    const path = "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";
    clearTapeMemo();
    const a = await loadTapeWithInfo(path, { cacheDir });
    assert.equal(a.from, "source");
    assert.ok(a.cacheFile!.startsWith(cacheDir) && a.cacheFile!.endsWith(".arrow"));
    assert.equal((await Deno.stat(a.cacheFile!)).isFile, true);
    const b = loadTapeSyncWithInfo(path, { cacheDir });
    assert.equal(b.from, "memory");
    clearTapeMemo();
    const c = loadTapeSyncWithInfo(path, { cacheDir });
    assert.equal(c.from, "cache");
    assert.deepEqual(c.tape.meta, a.tape.meta);
    assert.deepEqual(c.tape.report, a.tape.report);
    sameColumns(a.tape.columns, c.tape.columns);
    // no temporary files left behind
    const names = [...Deno.readDirSync(cacheDir)].map((e) => e.name);
    assert.deepEqual(names, [a.cacheFile!.split("/").pop()]);
  } finally {
    clearTapeMemo();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cache: a changed source, a corrupt cache file and other options are never served stale", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cacheDir = `${dir}/cache`;
    const rows = [
      `${epochNs(0)},${epochNs(0)},snapshot,bid,9.99,5`,
      `${epochNs(0)},${epochNs(0)},snapshot,ask,10.01,5`,
    ];
    const path = await writeCsvTape(dir, "t", rows);
    const k1 = cacheKey([path], {});
    clearTapeMemo();
    const a = loadTapeSyncWithInfo(path, { cacheDir });
    assert.equal(a.from, "source");
    // corrupt the cache: ignored and rewritten
    await Deno.writeTextFile(a.cacheFile!, "not arrow");
    clearTapeMemo();
    const b = loadTapeSyncWithInfo(path, { cacheDir });
    assert.equal(b.from, "source");
    clearTapeMemo();
    assert.equal(loadTapeSyncWithInfo(path, { cacheDir }).from, "cache");
    // a changed file has another key
    await new Promise((r) => setTimeout(r, 20));
    await writeCsvTape(dir, "t", [...rows, `${epochNs(1)},${epochNs(1)},update,bid,9.99,7`]);
    assert.notEqual(cacheKey([path], {}), k1);
    clearTapeMemo();
    const c = loadTapeSyncWithInfo(path, { cacheDir });
    assert.equal(c.from, "source");
    assert.equal(c.tape.length, a.tape.length + 1);
    // other load options, another cache entry
    clearTapeMemo();
    assert.equal(loadTapeSyncWithInfo(path, { cacheDir, tickSize: 0.01 }).from, "source");
  } finally {
    clearTapeMemo();
    await Deno.remove(dir, { recursive: true });
  }
});
