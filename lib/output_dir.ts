/**
 * Result files written as a set, atomically: a kill at any moment leaves either the previous
 * complete set or the new complete set at the target, never a mix of two runs, and a user's
 * results are never replaced unless the caller says so.
 *
 * How {@linkcode writeOutputSet} and {@linkcode replaceDirAtomically} do it:
 * 1. every file is written into a fresh hidden directory beside the target
 *    (`.NAME.tmp-PID-N`, same file system, so the renames below are atomic) and flushed to
 *    disk (`fsync`), with a manifest `.alpe-output.json` naming the kind of output and the
 *    SHA-256 of every file;
 * 2. an existing target is moved aside to `.NAME.old-PID-N` (one `rename`), the new set is
 *    renamed into place (one `rename`), the parent directory is flushed, and the old set is
 *    deleted.
 *
 * A failure before step 2 deletes the temporary directory and leaves the target untouched. A
 * kill between the two renames of step 2 (a few microseconds) leaves the previous set
 * complete under `.NAME.old-…`; the next write to the same target puts it back first, and
 * deletes what killed writes left behind (incomplete `.NAME.tmp-…` directories of processes
 * that have ended; on Linux, where `/proc` tells).
 *
 * What an existing target may be ({@linkcode checkOutputDir}): nothing, an empty directory,
 * or an output set of the same kind written by this module (it carries the manifest) — the
 * latter replaced only with `replace: true` (a script's `--force`). A file, or a directory
 * holding anything else, is refused whatever `replace` says: nothing that ALPE did not
 * write is ever deleted. Two processes writing the same target at the same time are not
 * supported (the last rename wins; neither set is mixed).
 *
 * Single result files (a preset, a config) use {@linkcode writeFileAtomic}: temporary file,
 * `fsync`, `rename`.
 *
 * @module
 */
import { ValidationError } from "./errors.ts";

/** Name of the manifest every output set carries. */
export const MANIFEST_NAME = ".alpe-output.json";

/** The manifest of an output set: its kind and the SHA-256 of each file, by name. */
export interface OutputManifest {
  /** What wrote the set, e.g. `"compare"`; a set of another kind is never replaced. */
  kind: string;
  /** Relative path → lowercase hex SHA-256 of its bytes, sorted by path. */
  files: Record<string, string>;
}

/** Options of {@linkcode checkOutputDir}, {@linkcode writeOutputSet} and friends. */
export interface OutputOptions {
  /** Kind of output (stored in the manifest), e.g. `"compare"`. */
  kind: string;
  /** Replace an existing output set of the same kind (default false: refuse). */
  replace?: boolean;
  /** Field named by errors (default `"dir"`; scripts pass their flag, e.g. `"--out"`). */
  field?: string;
  /** Hint appended when a previous set is refused (default: "pass replace: true"). */
  replaceHint?: string;
  /**
   * File names of this kind of output: a directory holding only such names (and no manifest)
   * counts as a previous set of this kind, written before sets carried manifests.
   */
  knownFiles?: readonly string[];
}

/** Bytes or text of one file of an output set. */
export type FileContent = string | Uint8Array;

let sequence = 0;

function parentOf(path: string): string {
  const p = path.replace(/\/+$/, "") || "/";
  const i = p.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : p.slice(0, i);
}

function baseOf(path: string): string {
  const p = path.replace(/\/+$/, "");
  return p.slice(p.lastIndexOf("/") + 1);
}

async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

function reason(err: unknown): string {
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Deno.errors.NotFound) return "not found";
  if (err instanceof Deno.errors.NotADirectory) return "a parent is not a directory";
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0];
}

/** The manifest of the output set at `dir`, or null when `dir` holds none (or no valid one). */
export async function readManifest(dir: string): Promise<OutputManifest | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/${MANIFEST_NAME}`);
  } catch {
    return null;
  }
  try {
    const m = JSON.parse(text);
    if (
      m && typeof m === "object" && typeof m.kind === "string" && m.files &&
      typeof m.files === "object"
    ) {
      return m as OutputManifest;
    }
  } catch {
    // not a manifest
  }
  return null;
}

/**
 * The nearest existing ancestor of `path` (or `path` itself), which must be a writable
 * directory: checked by creating and removing a probe directory in it.
 */
async function checkWritableAncestor(path: string, field: string, shown: string): Promise<void> {
  let dir = parentOf(path);
  for (;;) {
    const info = await lstatOrNull(dir).catch(() => null);
    if (info) {
      const target = info.isSymlink ? await Deno.stat(dir).catch(() => null) : info;
      if (!target?.isDirectory) {
        throw new ValidationError(field, shown, `a path under a directory (${dir} is not one)`);
      }
      break;
    }
    const up = parentOf(dir);
    if (up === dir) break;
    dir = up;
  }
  try {
    const probe = await Deno.makeTempDir({ dir, prefix: ".alpe-probe-" });
    await Deno.remove(probe);
  } catch (err) {
    throw new ValidationError(
      field,
      shown,
      `a writable location (cannot create files in ${dir}: ${reason(err)})`,
    );
  }
}

/**
 * Checks, before any work starts, that an output set of `options.kind` can be written to
 * `dir`: it is a new path, an empty directory, or (with `replace`) a previous set of the same
 * kind, and the nearest existing directory on its path is writable. Throws a
 * {@linkcode ValidationError} naming `options.field` otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOutputDir } from "./output_dir.ts";
 * await assert.rejects(
 *   checkOutputDir("/dev/null", { kind: "compare", field: "--out" }),
 *   /--out: expected a directory path/,
 * );
 * ```
 */
export async function checkOutputDir(dir: string, options: OutputOptions): Promise<void> {
  const field = options.field ?? "dir";
  if (dir.trim() === "" || dir.includes("\0")) {
    throw new ValidationError(field, dir, "a directory path");
  }
  const info = await Deno.stat(dir).catch((err) => {
    if (err instanceof Deno.errors.NotFound) return null;
    if (err instanceof Deno.errors.NotADirectory) {
      throw new ValidationError(field, dir, "a path under a directory (a parent is a file)");
    }
    throw new ValidationError(field, dir, `an accessible path (${reason(err)})`);
  });
  if (info && !info.isDirectory) {
    throw new ValidationError(field, dir, "a directory path (it is a file)");
  }
  if (info) {
    const entries: string[] = [];
    try {
      for await (const e of Deno.readDir(dir)) entries.push(e.name);
    } catch (err) {
      throw new ValidationError(field, dir, `a readable directory (${reason(err)})`);
    }
    if (entries.length > 0) {
      const m = await readManifest(dir);
      const legacy = !m && options.knownFiles !== undefined &&
        entries.every((e) => options.knownFiles!.includes(e));
      if (!legacy && (!m || m.kind !== options.kind)) {
        throw new ValidationError(
          field,
          dir,
          `a new or empty directory, or a previous ${options.kind} output ` +
            "(it holds other files; nothing was deleted)",
        );
      }
      if (!options.replace) {
        throw new ValidationError(
          field,
          dir,
          `a directory without a previous result (it holds a ${options.kind} output; ` +
            `${options.replaceHint ?? "pass replace: true"} to replace it)`,
        );
      }
    }
  }
  // The set is written beside the target and renamed into place: the directory above the
  // target (the nearest existing one when the path does not exist yet) must be writable.
  await checkWritableAncestor(dir, field, dir);
}

/** Writes `data` to `path` and flushes it to disk. */
async function writeDurable(path: string, data: FileContent): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  using f = await Deno.open(path, { write: true, create: true, truncate: true });
  let off = 0;
  while (off < bytes.length) off += await f.write(bytes.subarray(off));
  await f.sync();
}

/** Flushes a directory's entries to disk (best effort where the platform cannot). */
async function syncDir(path: string): Promise<void> {
  try {
    using d = await Deno.open(path, { read: true });
    await d.sync();
  } catch {
    // Some platforms cannot open or fsync a directory; the renames are still atomic.
  }
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${root}/${prefix}`)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listFiles(root, rel));
    else if (e.isFile && rel !== MANIFEST_NAME) out.push(rel);
  }
  return out.sort();
}

/** True when process `pid` is known to have ended (Linux `/proc`; elsewhere: unknown). */
function processEnded(pid: number): boolean {
  if (pid === Deno.pid) return false;
  try {
    Deno.statSync("/proc/self");
  } catch {
    return false; // no /proc: cannot tell, keep the directory
  }
  try {
    Deno.statSync(`/proc/${pid}`);
    return false;
  } catch {
    return true;
  }
}

/**
 * Repairs what a killed write left beside `dir`: a previous set moved aside with no set at
 * `dir` (killed between the two renames) is put back; incomplete temporary sets and old
 * sets of ended processes are deleted.
 */
async function recover(dir: string): Promise<void> {
  const parent = parentOf(dir);
  const base = baseOf(dir);
  const tmps: string[] = [];
  const olds: string[] = [];
  try {
    for await (const e of Deno.readDir(parent)) {
      const m = /^\.(.*)\.(tmp|old)-(\d+)-\d+$/.exec(e.name);
      if (!e.isDirectory || !m || m[1] !== base || !processEnded(Number(m[3]))) continue;
      (m[2] === "tmp" ? tmps : olds).push(e.name);
    }
  } catch {
    return; // no parent yet: nothing to repair
  }
  olds.sort();
  if (!(await lstatOrNull(dir)) && olds.length > 0) {
    await Deno.rename(`${parent}/${olds.pop()}`, dir);
  }
  for (const name of [...tmps, ...olds]) {
    await Deno.remove(`${parent}/${name}`, { recursive: true }).catch(() => {});
  }
}

/**
 * Replaces the directory `dir` as a whole: `fill` writes the new content into a temporary
 * directory beside it (its argument), then the manifest is added, everything is flushed and
 * the set is renamed into place (see the module doc). The existing target is checked with
 * {@linkcode checkOutputDir} first. Returns the manifest written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replaceDirAtomically } from "./output_dir.ts";
 * const root = await Deno.makeTempDir();
 * await replaceDirAtomically(`${root}/run`, async (tmp) => {
 *   await Deno.writeTextFile(`${tmp}/a.txt`, "one");
 * }, { kind: "example" });
 * assert.equal(await Deno.readTextFile(`${root}/run/a.txt`), "one");
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function replaceDirAtomically(
  dir: string,
  fill: (tmpDir: string) => Promise<void>,
  options: OutputOptions,
): Promise<OutputManifest> {
  await recover(dir);
  await checkOutputDir(dir, options);
  const target = dir.replace(/\/+$/, "");
  const parent = parentOf(target);
  const base = baseOf(target);
  await Deno.mkdir(parent, { recursive: true });
  const tag = `${Deno.pid}-${++sequence}`;
  const tmp = `${parent}/.${base}.tmp-${tag}`;
  const old = `${parent}/.${base}.old-${tag}`;
  await Deno.mkdir(tmp);
  let manifest: OutputManifest;
  try {
    await fill(tmp);
    const files: Record<string, string> = {};
    for (const rel of await listFiles(tmp)) {
      const bytes = await Deno.readFile(`${tmp}/${rel}`);
      files[rel] = await sha256Hex(bytes);
      // Files written by `fill` are flushed here, whatever wrote them.
      using f = await Deno.open(`${tmp}/${rel}`, { read: true, write: true });
      await f.sync();
    }
    manifest = { kind: options.kind, files };
    await writeDurable(`${tmp}/${MANIFEST_NAME}`, JSON.stringify(manifest, null, 2) + "\n");
    await syncDir(tmp);
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
  const existing = await lstatOrNull(target);
  if (existing) await Deno.rename(target, old);
  try {
    await Deno.rename(tmp, target);
  } catch (err) {
    if (existing) await Deno.rename(old, target).catch(() => {});
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
  await syncDir(parent);
  if (existing) await Deno.remove(old, { recursive: true });
  return manifest;
}

/**
 * Writes `files` (relative path → content; sub-directories are created) as one output set
 * at `dir`, atomically (see the module doc). Returns the paths written, in the order given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeOutputSet } from "./output_dir.ts";
 * const root = await Deno.makeTempDir();
 * await writeOutputSet(`${root}/out`, { "results.json": "{}\n" }, { kind: "example" });
 * // A second write of the same kind is refused unless asked for:
 * await assert.rejects(writeOutputSet(`${root}/out`, { "results.json": "[]\n" }, { kind: "example" }));
 * await writeOutputSet(`${root}/out`, { "results.json": "[]\n" }, { kind: "example", replace: true });
 * assert.equal(await Deno.readTextFile(`${root}/out/results.json`), "[]\n");
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function writeOutputSet(
  dir: string,
  files: Readonly<Record<string, FileContent>>,
  options: OutputOptions,
): Promise<string[]> {
  const names = Object.keys(files);
  for (const name of names) {
    if (
      name === "" || name === MANIFEST_NAME || name.startsWith("/") ||
      name.split("/").some((p) => p === "" || p === "." || p === "..")
    ) {
      throw new ValidationError("files", name, "relative file names inside the set");
    }
  }
  await replaceDirAtomically(dir, async (tmp) => {
    for (const name of names) {
      const i = name.lastIndexOf("/");
      if (i > 0) await Deno.mkdir(`${tmp}/${name.slice(0, i)}`, { recursive: true });
      await writeDurable(`${tmp}/${name}`, files[name]);
    }
  }, options);
  const root = dir.replace(/\/+$/, "");
  return names.map((n) => `${root}/${n}`);
}

/** The error for a result file that exists and may not be replaced. */
function existsError(
  field: string,
  path: string,
  options: Omit<OutputOptions, "kind">,
): ValidationError {
  const hint = options.replaceHint ?? "pass replace: true";
  return new ValidationError(field, path, `a path that does not exist yet (${hint} to replace it)`);
}

/**
 * Checks, before any work starts, that a single result file can be written at `path`: not a
 * directory, an existing file only with `replace`, and a writable directory above it.
 */
export async function checkOutputFile(
  path: string,
  options: Omit<OutputOptions, "kind">,
): Promise<void> {
  const field = options.field ?? "file";
  if (path.trim() === "" || path.includes("\0") || path.endsWith("/")) {
    throw new ValidationError(field, path, "a file path");
  }
  const info = await Deno.stat(path).catch((err) => {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new ValidationError(field, path, `an accessible path (${reason(err)})`);
  });
  if (info?.isDirectory) throw new ValidationError(field, path, "a file path (it is a directory)");
  if (info && !options.replace) throw existsError(field, path, options);
  await checkWritableAncestor(path, field, path);
}

/**
 * Writes one file atomically: a temporary file beside it, `fsync`, `rename`. A kill leaves
 * the old file or the new one, never a truncated file. Refuses to replace an existing file
 * unless `options.replace`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "./output_dir.ts";
 * const root = await Deno.makeTempDir();
 * await writeFileAtomic(`${root}/preset.json`, "{}\n");
 * assert.equal(await Deno.readTextFile(`${root}/preset.json`), "{}\n");
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: FileContent,
  options: Omit<OutputOptions, "kind"> = {},
): Promise<void> {
  await checkOutputFile(path, options);
  const parent = parentOf(path);
  await Deno.mkdir(parent, { recursive: true });
  const tmp = `${parent}/.${baseOf(path)}.tmp-${Deno.pid}-${++sequence}`;
  try {
    await writeDurable(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  await syncDir(parent);
}

/**
 * {@linkcode writeFileAtomic} for synchronous code (a long computation that saves its progress
 * between steps): a temporary file beside `path`, `fsync`, `rename`, the directory synced. A
 * kill leaves the old file or the new one, never a truncated file. Refuses to replace an
 * existing file unless `options.replace`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomicSync } from "./output_dir.ts";
 * const root = Deno.makeTempDirSync();
 * writeFileAtomicSync(`${root}/state.json`, "{}");
 * writeFileAtomicSync(`${root}/state.json`, "[]", { replace: true });
 * assert.equal(Deno.readTextFileSync(`${root}/state.json`), "[]");
 * assert.throws(() => writeFileAtomicSync(`${root}/state.json`, "{}"), /does not exist yet/);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function writeFileAtomicSync(
  path: string,
  data: FileContent,
  options: Omit<OutputOptions, "kind"> = {},
): void {
  const field = options.field ?? "file";
  let exists = false;
  try {
    exists = Deno.lstatSync(path) !== null;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (exists && !options.replace) throw existsError(field, path, options);
  const parent = parentOf(path);
  const tmp = `${parent}/.${baseOf(path)}.tmp-${Deno.pid}-${++sequence}`;
  try {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    using f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
    let off = 0;
    while (off < bytes.length) off += f.writeSync(bytes.subarray(off));
    f.syncSync();
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* nothing to clean up */ }
    throw err;
  }
  Deno.renameSync(tmp, path);
  try {
    using d = Deno.openSync(parent, { read: true });
    d.syncSync();
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic.
  }
}
