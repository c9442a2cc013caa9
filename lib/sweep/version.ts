/**
 * What a result depends on besides its job's content: the **code version** (a digest of
 * the library's sources, `deno.json`, `deno.lock` and the Deno and V8 versions, which fix
 * the floating-point behaviour of `Math`) and the **data digests** (SHA-256 of every file
 * a job reads: a PPO model, an agent module, a replay tape). Job keys include both, so a
 * result is reused only for the same code and data, and a worker refuses jobs whose code
 * or data differ from its own checkout.
 *
 * @module
 */
import { AlpeError, NotAvailableError, ValidationError } from "../errors.ts";
import { sha256Hex } from "./hash.ts";

/** The project root: two folders above this module. */
export const PROJECT_ROOT: URL = new URL("../../", import.meta.url);

/** Paths (from the project root) whose contents make up the code version. */
export const CODE_PATHS: readonly string[] = ["lib", "mod.ts", "deno.json", "deno.lock"];

/** A job's data is not the same on this machine as where the job was planned. */
export class DataMismatchError extends AlpeError {
  /** The file that differs (or is missing). */
  readonly path: string;
  /** Creates the error for `path`. */
  constructor(path: string, message: string) {
    super(message);
    this.name = "DataMismatchError";
    this.path = path;
  }
}

let cachedCode: Promise<string> | undefined;

/**
 * The code version of this checkout: 64 hex digits of SHA-256 over the sorted list of
 * (path, SHA-256 of contents) of every file under {@linkcode CODE_PATHS}, plus the Deno
 * and V8 versions. Computed once per process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeVersion } from "./version.ts";
 * assert.match(await codeVersion(), /^[0-9a-f]{64}$/);
 * ```
 */
export function codeVersion(): Promise<string> {
  cachedCode ??= computeCodeVersion(PROJECT_ROOT);
  return cachedCode;
}

/** {@linkcode codeVersion} of the project rooted at `root` (not cached). */
export async function computeCodeVersion(root: URL): Promise<string> {
  if (root.protocol !== "file:") {
    throw new NotAvailableError(
      `sweeps need the project checked out on disk (this module was loaded from ${root.href})`,
    );
  }
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(new URL(rel, root));
    } catch {
      return; // e.g. no deno.lock
    }
    if (info.isFile) files.push(rel);
    else if (info.isDirectory) {
      const names: string[] = [];
      for await (const e of Deno.readDir(new URL(rel, root))) names.push(e.name);
      for (const n of names.sort()) await walk(`${rel}/${n}`);
    }
  };
  for (const p of CODE_PATHS) await walk(p);
  const lines = [`deno ${Deno.version.deno}`, `v8 ${Deno.version.v8}`];
  for (const f of files.sort()) {
    lines.push(`${f} ${sha256Hex(await Deno.readFile(new URL(f, root)))}`);
  }
  return sha256Hex(lines.join("\n"));
}

const digestCache = new Map<string, { mtime: number; size: number; digest: string }>();

/**
 * SHA-256 of the file at `path` (relative to the working directory), cached by path,
 * modification time and size. Throws a `ValidationError` naming `field` when it cannot
 * be read.
 */
export async function fileDigest(path: string, field = "file"): Promise<string> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (err) {
    throw new ValidationError(field, path, `a readable file (${(err as Error).message})`);
  }
  if (!info.isFile) throw new ValidationError(field, path, "a file");
  const mtime = info.mtime?.getTime() ?? 0;
  const hit = digestCache.get(path);
  if (hit && hit.mtime === mtime && hit.size === info.size) return hit.digest;
  const digest = sha256Hex(await Deno.readFile(path));
  digestCache.set(path, { mtime, size: info.size, digest });
  return digest;
}

/** The digests of `paths` as `{ path: sha256 }` (sorted by path). */
export async function dataDigests(
  paths: readonly string[],
  field = "file",
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of [...new Set(paths)].sort()) out[p] = await fileDigest(p, field);
  return out;
}

/**
 * Checks that every file of `data` has the recorded digest on this machine; throws a
 * {@linkcode DataMismatchError} naming the first that differs or is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDataDigests, DataMismatchError } from "./version.ts";
 * await checkDataDigests({});
 * await assert.rejects(checkDataDigests({ "no/such/file": "00" }), DataMismatchError);
 * ```
 */
export async function checkDataDigests(data: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, want] of Object.entries(data)) {
    let got: string;
    try {
      got = await fileDigest(path);
    } catch {
      throw new DataMismatchError(path, `data file ${path} is missing on this machine`);
    }
    if (got !== want) {
      throw new DataMismatchError(
        path,
        `data file ${path} differs on this machine (sha256 ${got.slice(0, 12)}…, the sweep ` +
          `was planned with ${want.slice(0, 12)}…)`,
      );
    }
  }
}

/**
 * The files of the model in `dir` that loading it reads: for ALPE's PPO checkpoints,
 * `checkpoint.json`, `model.json` and the weights and optimizer files it names; for another
 * layout, every file directly in `dir`. Throws a `ValidationError` naming `field` when
 * `dir` is not a readable directory with a model.
 */
export async function modelFiles(dir: string, field: string): Promise<string[]> {
  const d = dir.replace(/\/+$/, "");
  let text: string | undefined;
  try {
    text = await Deno.readTextFile(`${d}/checkpoint.json`);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      throw new ValidationError(
        field,
        dir,
        `a readable model directory (${(err as Error).message})`,
      );
    }
  }
  if (text === undefined) {
    const files: string[] = [];
    try {
      for await (const e of Deno.readDir(d)) if (e.isFile) files.push(`${d}/${e.name}`);
    } catch (err) {
      throw new ValidationError(
        field,
        dir,
        `a directory with a trained model (${(err as Error).message})`,
      );
    }
    if (files.length === 0) {
      throw new ValidationError(field, dir, "a directory with a trained model");
    }
    return files.sort();
  }
  let rec: { weights?: { path?: unknown }; optimizer?: { path?: unknown } };
  try {
    rec = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(
      field,
      dir,
      `a trained model (checkpoint.json: ${(err as Error).message})`,
    );
  }
  const files = [`${d}/checkpoint.json`];
  try {
    if ((await Deno.stat(`${d}/model.json`)).isFile) files.push(`${d}/model.json`);
  } catch { /* older checkpoints have none */ }
  for (const r of [rec?.weights, rec?.optimizer]) {
    if (typeof r?.path === "string") files.push(`${d}/${r.path}`);
  }
  return files;
}
