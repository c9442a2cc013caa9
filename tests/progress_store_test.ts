import assert from "node:assert/strict";
import {
  openProgressStore,
  PROGRESS_RUN_FILE,
  progressFingerprint,
  removeProgress,
} from "../lib/progress_store.ts";
import { ValidationError } from "../lib/errors.ts";

const isField = (field: string) => (e: unknown) =>
  e instanceof ValidationError && e.field === field;

Deno.test("progress store: a part saved by one run is loaded by the next, exactly and in its key order", () => {
  const root = Deno.makeTempDirSync();
  try {
    const dir = `${root}/p.json.starts`;
    const key = { sources: [{ path: "t.csv", sha256: "ab", bytes: 3 }], options: { seed: 4 } };
    const store = openProgressStore<Record<string, unknown>>(dir, key);
    assert.deepEqual(store.names(), []);
    const value = {
      z: 1,
      a: { nan: NaN, inf: -Infinity, neg: -0, tiny: 5e-324, list: [0.1, 0.2, 1 / 3] },
      b: "x",
      f: new Float64Array([NaN, -0, 1e300]),
      r: new Int32Array([-3, 2]),
    };
    store.save("start-4", value);
    store.save("job-ab12", { other: true });
    // nothing but the parts and run.json: the temporary files were renamed into place
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(files, ["job-ab12.json", PROGRESS_RUN_FILE, "start-4.json"]);
    const again = openProgressStore<typeof value>(dir, {
      options: { seed: 4 },
      sources: key.sources,
    });
    assert.deepEqual(again.names(), ["job-ab12", "start-4"]);
    const back = again.load("start-4")!;
    assert.deepEqual(Object.keys(back), Object.keys(value)); // keys in their order
    assert.ok(Number.isNaN(back.a.nan) && back.a.inf === -Infinity && Object.is(back.a.neg, -0));
    assert.deepEqual(back.a.list, value.a.list);
    assert.ok(
      back.f instanceof Float64Array && Number.isNaN(back.f[0]) && Object.is(back.f[1], -0),
    );
    assert.deepEqual([...back.r], [-3, 2]);
    assert.equal(again.load("start-5"), undefined);
    const run = JSON.parse(Deno.readTextFileSync(`${dir}/${PROGRESS_RUN_FILE}`));
    assert.equal(run.fingerprint, progressFingerprint(key));
    for (const bad of ["", "../x", "a/b", "run", ".hidden"]) {
      assert.throws(() => again.save(bad, value), isField("name"));
    }
    again.remove();
    assert.throws(() => Deno.statSync(dir), Deno.errors.NotFound);
    removeProgress(dir); // gone already: nothing to do
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("progress store: parts of other arguments are refused, or discarded when asked; a directory that is not one is refused", () => {
  const root = Deno.makeTempDirSync();
  try {
    const dir = `${root}/s`;
    openProgressStore(dir, { seed: 0 }).save("start-0", { x: 1 });
    assert.throws(
      () => openProgressStore(dir, { seed: 1 }, { field: "--out" }),
      (e) => isField("--out")(e) && /saved for other arguments/.test((e as Error).message),
    );
    assert.deepEqual(openProgressStore(dir, { seed: 0 }).names(), ["start-0"]); // still there
    const fresh = openProgressStore(dir, { seed: 1 }, { discard: true });
    assert.deepEqual(fresh.names(), []);
    assert.equal(fresh.load("start-0"), undefined);
    // a directory with no part yet (its run failed before finishing one) is replaced unasked
    const other = openProgressStore(dir, { seed: 2 });
    assert.equal(
      JSON.parse(Deno.readTextFileSync(`${dir}/${PROGRESS_RUN_FILE}`)).fingerprint,
      progressFingerprint({ seed: 2 }),
    );
    other.save("start-1", { x: 2 });
    assert.throws(() => openProgressStore(dir, { seed: 1 }), isField("progressDir"));
    const back = openProgressStore(dir, { seed: 2 });
    // a directory of something else, a file, a part written by hand
    Deno.mkdirSync(`${root}/mine`);
    Deno.writeTextFileSync(`${root}/mine/notes.txt`, "keep");
    assert.throws(
      () => openProgressStore(`${root}/mine`, {}, { discard: true }),
      isField("progressDir"),
    );
    assert.equal(Deno.readTextFileSync(`${root}/mine/notes.txt`), "keep");
    Deno.writeTextFileSync(`${root}/file`, "");
    assert.throws(() => openProgressStore(`${root}/file`, {}), isField("progressDir"));
    Deno.writeTextFileSync(`${dir}/start-7.json`, '{"x": ');
    assert.throws(
      () => back.load("start-7"),
      (e) => isField("progressDir")(e) && /start-7/.test(String(e)),
    );
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
