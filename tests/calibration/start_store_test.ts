import assert from "node:assert/strict";
import {
  openStartStore,
  START_STORE_RUN_FILE,
  startStoreFingerprint,
} from "../../lib/calibration/start_store.ts";
import { startsKey } from "../../lib/calibration/calibrate.ts";
import { ValidationError } from "../../lib/errors.ts";

const isField = (field: string) => (e: unknown) =>
  e instanceof ValidationError && e.field === field;

Deno.test("start store: a start saved by one run is loaded by the next, exactly and in its key order", () => {
  const root = Deno.makeTempDirSync();
  try {
    const dir = `${root}/p.json.starts`;
    const key = { sources: [{ path: "t.csv", sha256: "ab", bytes: 3 }], options: { seed: 4 } };
    const store = openStartStore<Record<string, unknown>>(dir, key);
    assert.deepEqual(store.seeds(), []);
    const value = {
      z: 1,
      a: { nan: NaN, inf: -Infinity, neg: -0, tiny: 5e-324, list: [0.1, 0.2, 1 / 3] },
      b: "x",
    };
    store.save(4, value);
    store.save(5, { other: true });
    // nothing but the starts and run.json: the temporary files were renamed into place
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, [START_STORE_RUN_FILE, "start-4.json", "start-5.json"]);
    const again = openStartStore<typeof value>(dir, { options: { seed: 4 }, sources: key.sources });
    assert.deepEqual(again.seeds(), [4, 5]);
    const back = again.load(4)!;
    assert.equal(JSON.stringify(back), JSON.stringify(value)); // keys in their order
    assert.ok(Number.isNaN(back.a.nan) && back.a.inf === -Infinity && Object.is(back.a.neg, -0));
    assert.deepEqual(back.a.list, value.a.list);
    assert.equal(again.load(6), undefined);
    const run = JSON.parse(Deno.readTextFileSync(`${dir}/${START_STORE_RUN_FILE}`));
    assert.equal(run.fingerprint, startStoreFingerprint(key));
    again.remove();
    assert.throws(() => Deno.statSync(dir), Deno.errors.NotFound);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("start store: starts of other arguments are refused, or discarded when asked; a directory that is not one is refused", () => {
  const root = Deno.makeTempDirSync();
  try {
    const dir = `${root}/s`;
    openStartStore(dir, { seed: 0 }).save(0, { x: 1 });
    assert.throws(
      () => openStartStore(dir, { seed: 1 }, { field: "--out" }),
      (e) => isField("--out")(e) && /saved for other arguments/.test((e as Error).message),
    );
    assert.deepEqual(openStartStore(dir, { seed: 0 }).seeds(), [0]); // still there
    const fresh = openStartStore(dir, { seed: 1 }, { discard: true });
    assert.deepEqual(fresh.seeds(), []);
    assert.equal(fresh.load(0), undefined);
    // a directory of something else, a file, a start written by hand
    Deno.mkdirSync(`${root}/mine`);
    Deno.writeTextFileSync(`${root}/mine/notes.txt`, "keep");
    assert.throws(
      () => openStartStore(`${root}/mine`, {}, { discard: true }),
      isField("startsDir"),
    );
    assert.equal(Deno.readTextFileSync(`${root}/mine/notes.txt`), "keep");
    Deno.writeTextFileSync(`${root}/file`, "");
    assert.throws(() => openStartStore(`${root}/file`, {}), isField("startsDir"));
    Deno.writeTextFileSync(`${dir}/start-7.json`, '{"x": ');
    assert.throws(() => fresh.load(7), (e) => isField("startsDir")(e) && /start-7/.test(String(e)));
    assert.throws(() => fresh.load(-1), isField("seed"));
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("startsKey: how many starts run and how one is kept are not part of a start", () => {
  const sources = [{ path: "a.csv", sha256: "00", bytes: 1 }];
  const fp = (o: Parameters<typeof startsKey>[1]) => startStoreFingerprint(startsKey(sources, o));
  const base = { seed: 3, sizeLaw: "auto" as const, impactLump: true };
  assert.equal(fp({ ...base, starts: 8 }), fp({ ...base, starts: 2, select: "realism" }));
  assert.equal(fp({ ...base, log: () => {}, selectSeeds: 4 }), fp(base));
  assert.notEqual(fp({ ...base, seed: 4 }), fp(base));
  assert.notEqual(fp({ ...base, impactLump: false }), fp(base));
  assert.notEqual(
    startStoreFingerprint(startsKey([{ ...sources[0], sha256: "01" }], base)),
    fp(base),
  );
});
