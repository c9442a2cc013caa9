/** The job store: atomic durable writes, what a restart reads back, and what it ignores. */
import assert from "node:assert/strict";
import { ResultStore } from "../../lib/sweep/store.ts";

const KEY = "0123456789abcdef0123456789abcdef";

Deno.test("store: put, load, temporary files of interrupted writes removed, bad files skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const s = new ResultStore(`${dir}/jobs`);
    assert.deepEqual(await s.load(), { loaded: 0, unreadable: [] });
    await s.put(KEY, "eval", '{"a":[1,2]}');
    assert.equal(await s.get(KEY), '{"a":[1,2]}');
    await assert.rejects(s.get("1".repeat(32)), /not stored/);
    await assert.rejects(s.put("../x", "eval", "1"), /bad job key/);
    // An interrupted write leaves only a temporary file; a corrupt file; a stranger's file.
    await Deno.writeTextFile(`${dir}/jobs/.tmp-123`, "{half");
    await Deno.writeTextFile(`${dir}/jobs/${"f".repeat(32)}.json`, "{not json");
    await Deno.writeTextFile(`${dir}/jobs/notes.txt`, "mine");
    const again = new ResultStore(`${dir}/jobs`);
    const r = await again.load();
    assert.deepEqual(r, { loaded: 1, unreadable: [`${"f".repeat(32)}.json`] });
    assert.equal(await again.get(KEY), '{"a":[1,2]}');
    assert.ok(!again.has("f".repeat(32)));
    const names = [...Deno.readDirSync(`${dir}/jobs`)].map((e) => e.name).sort();
    assert.deepEqual(names, [`${KEY}.json`, `${"f".repeat(32)}.json`, "notes.txt"]);
    // A file named for one key holding another's record is not trusted.
    await Deno.writeTextFile(
      `${dir}/jobs/${"e".repeat(32)}.json`,
      `{"key":"${KEY}","kind":"eval","result":1}\n`,
    );
    const third = new ResultStore(`${dir}/jobs`);
    assert.equal((await third.load()).unreadable.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("store: a rewritten job replaces its file whole and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const s = new ResultStore(dir);
    await s.put(KEY, "eval", JSON.stringify("x".repeat(3 << 20)));
    await s.put(KEY, "eval", "1");
    assert.equal(await s.get(KEY), "1");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [`${KEY}.json`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
