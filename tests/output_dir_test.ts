import assert from "node:assert/strict";
import { ValidationError } from "../lib/errors.ts";
import {
  checkOutputDir,
  checkOutputFile,
  MANIFEST_NAME,
  type OutputManifest,
  readManifest,
  replaceDirAtomically,
  writeFileAtomic,
  writeOutputSet,
} from "../lib/output_dir.ts";

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function files(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${dir}/${prefix}`)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await files(dir, rel));
    else if (rel !== MANIFEST_NAME) out.push(rel);
  }
  return out.sort();
}

/** The set at `dir` is complete: exactly the manifest's files, each with its digest. */
async function assertComplete(dir: string): Promise<OutputManifest> {
  const m = await readManifest(dir);
  assert.ok(m, `no manifest in ${dir}`);
  assert.deepEqual(await files(dir), Object.keys(m.files).sort());
  for (const [name, digest] of Object.entries(m.files)) {
    assert.equal(await sha256(await Deno.readFile(`${dir}/${name}`)), digest, name);
  }
  return m;
}

async function hidden(parent: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(parent)) if (e.name.startsWith(".")) out.push(e.name);
  return out;
}

Deno.test("output set: written whole with a manifest of digests; same content, same bytes", async () => {
  const root = await Deno.makeTempDir();
  try {
    const set = { "a.json": "{}\n", "b.csv": "x,y\n1,2\n", "sub/c.bin": new Uint8Array([1, 2]) };
    const paths = await writeOutputSet(`${root}/out`, set, { kind: "test" });
    assert.deepEqual(paths, [`${root}/out/a.json`, `${root}/out/b.csv`, `${root}/out/sub/c.bin`]);
    const manifest = await assertComplete(`${root}/out`);
    assert.equal(manifest.kind, "test");
    assert.deepEqual(Object.keys(manifest.files), ["a.json", "b.csv", "sub/c.bin"]);
    assert.equal(manifest.files["sub/c.bin"], await sha256(new Uint8Array([1, 2])));
    const first = await Deno.readFile(`${root}/out/${MANIFEST_NAME}`);
    await writeOutputSet(`${root}/again`, set, { kind: "test" });
    assert.deepEqual(await Deno.readFile(`${root}/again/${MANIFEST_NAME}`), first);
    assert.deepEqual(await hidden(root), [], "no temporary directory left");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("output set: a previous result is replaced only when asked, never mixed", async () => {
  const root = await Deno.makeTempDir();
  const dir = `${root}/out`;
  try {
    await writeOutputSet(dir, { "a.txt": "old", "only-old.txt": "old" }, { kind: "test" });
    await assert.rejects(
      writeOutputSet(dir, { "a.txt": "new" }, { kind: "test", field: "--out" }),
      (e: unknown) =>
        e instanceof ValidationError && e.field === "--out" && /previous result/.test(e.message),
    );
    assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "old");
    await writeOutputSet(dir, { "a.txt": "new" }, { kind: "test", replace: true });
    assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "new");
    await assert.rejects(Deno.stat(`${dir}/only-old.txt`), Deno.errors.NotFound);
    await assertComplete(dir);
    // a set of another kind is never replaced, even when asked
    await assert.rejects(
      writeOutputSet(dir, { "a.txt": "x" }, { kind: "other", replace: true }),
      ValidationError,
    );
    assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "new");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("output set: foreign files, files and unwritable places are refused before writing", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/mine`);
    await Deno.writeTextFile(`${root}/mine/notes.txt`, "precious");
    for (const replace of [false, true]) {
      await assert.rejects(
        checkOutputDir(`${root}/mine`, { kind: "test", replace, field: "--out" }),
        /--out: .*holds other files/,
      );
    }
    assert.equal(await Deno.readTextFile(`${root}/mine/notes.txt`), "precious");
    // a directory of known output names without a manifest: a set written before manifests
    const known = ["results.json", "report.html"];
    await Deno.mkdir(`${root}/legacy`);
    await Deno.writeTextFile(`${root}/legacy/results.json`, "{}");
    await checkOutputDir(`${root}/legacy`, { kind: "t", knownFiles: known, replace: true });
    await assert.rejects(checkOutputDir(`${root}/legacy`, { kind: "t", knownFiles: known }));
    await Deno.writeTextFile(`${root}/legacy/notes.txt`, "mine");
    await assert.rejects(
      checkOutputDir(`${root}/legacy`, { kind: "t", knownFiles: known, replace: true }),
      /holds other files/,
    );
    await Deno.writeTextFile(`${root}/file`, "x");
    await assert.rejects(checkOutputDir(`${root}/file`, { kind: "t" }), /it is a file/);
    await assert.rejects(checkOutputDir(`${root}/file/below`, { kind: "t" }), /not one|a file/);
    await assert.rejects(checkOutputDir("/proc/alpe/out", { kind: "t" }), /writable/);
    await assert.rejects(checkOutputDir("", { kind: "t" }), ValidationError);
    await checkOutputDir(`${root}/new/deep/dir`, { kind: "t" }); // creatable: fine
    await Deno.mkdir(`${root}/empty`);
    await checkOutputDir(`${root}/empty`, { kind: "t" }); // empty: fine
    await assert.rejects(checkOutputFile(root, {}), /it is a directory/);
    await assert.rejects(checkOutputFile(`${root}/file`, { field: "--out" }), /--out: .*exist/);
    await checkOutputFile(`${root}/file`, { replace: true });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("output set: a failure while writing keeps the old set and leaves nothing behind", async () => {
  const root = await Deno.makeTempDir();
  const dir = `${root}/out`;
  try {
    await writeOutputSet(dir, { "a.txt": "old" }, { kind: "test" });
    await assert.rejects(
      replaceDirAtomically(dir, async (tmp) => {
        await Deno.writeTextFile(`${tmp}/a.txt`, "half");
        throw new Error("disk full");
      }, { kind: "test", replace: true }),
      /disk full/,
    );
    assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "old");
    await assertComplete(dir);
    assert.deepEqual(await hidden(root), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("output set: a set left aside by a kill between the renames is put back", async () => {
  const root = await Deno.makeTempDir();
  const dir = `${root}/out`;
  try {
    await writeOutputSet(dir, { "a.txt": "old" }, { kind: "test" });
    // The state after the first rename, by a process that has ended (no such pid).
    await Deno.rename(dir, `${root}/.out.old-99999999-1`);
    await Deno.mkdir(`${root}/.out.tmp-99999999-2`); // and its incomplete new set
    await assert.rejects(writeOutputSet(dir, { "a.txt": "new" }, { kind: "test" }), /previous/);
    assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "old");
    await assertComplete(dir);
    assert.deepEqual(await hidden(root), [], "leftovers of the killed write deleted");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeFileAtomic: replaces only when asked; no temporary file left", async () => {
  const root = await Deno.makeTempDir();
  try {
    await writeFileAtomic(`${root}/p.json`, "1");
    await assert.rejects(writeFileAtomic(`${root}/p.json`, "2"), ValidationError);
    await writeFileAtomic(`${root}/p.json`, "2", { replace: true });
    assert.equal(await Deno.readTextFile(`${root}/p.json`), "2");
    assert.deepEqual(await hidden(root), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// ALPE_TEST_OUTPUT_DIR_MODULE: run the writer on another implementation (to check that
// this test catches a non-atomic one).
const WRITER_MODULE = Deno.env.get("ALPE_TEST_OUTPUT_DIR_MODULE") ??
  new URL("../lib/output_dir.ts", import.meta.url).href;
const WRITER = `
import { writeOutputSet } from ${JSON.stringify(WRITER_MODULE)};
const dir = Deno.args[0];
for (let run = 1; ; run++) {
  const files: Record<string, string> = {};
  for (let f = 0; f < 8; f++) files["f" + f + ".txt"] = ("run " + run + " file " + f + "\\n").repeat(20000);
  await writeOutputSet(dir, files, { kind: "kill-test", replace: true });
  if (run === 1) console.log("first set written");
}
`;

Deno.test("output set: SIGKILL at random moments never leaves a mix of two runs", async () => {
  const root = await Deno.makeTempDir();
  const script = `${root}/writer.ts`;
  await Deno.writeTextFile(script, WRITER);
  const dir = `${root}/out`;
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  try {
    let checked = 0;
    for (let k = 0; k < 8; k++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", script, dir],
        stdout: "piped",
        stderr: "null",
      }).spawn();
      // Wait for the first complete set (start-up time varies with the machine's load), then
      // kill at a random moment of the following writes (one takes tens of milliseconds).
      const reader = child.stdout.getReader();
      await reader.read();
      await new Promise((r) => setTimeout(r, 200 * rand()));
      child.kill("SIGKILL");
      await child.status;
      await reader.cancel();
      // Either a complete set at the target, or (killed between the renames) one set aside.
      const aside = (await hidden(root)).filter((n) => n.startsWith(".out.old-"));
      const exists = await Deno.stat(dir).then(() => true, () => false);
      if (exists) {
        const m = await assertComplete(dir);
        const runs = new Set<string>();
        for (const name of Object.keys(m.files)) {
          runs.add((await Deno.readTextFile(`${dir}/${name}`)).split(" file")[0]);
        }
        assert.equal(runs.size, 1, `files of several runs: ${[...runs]}`);
        checked++;
      } else {
        assert.ok(aside.length <= 1, aside.join(", "));
      }
    }
    assert.ok(checked >= 4, `only ${checked} kills left a set to check`);
    // The next write repairs what the kills left and leaves no litter.
    await writeOutputSet(dir, { "z.txt": "final" }, { kind: "kill-test", replace: true });
    await assertComplete(dir);
    assert.deepEqual((await hidden(root)).filter((n) => n.startsWith(".out.")), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
