/**
 * Durable files: a file is written under a temporary name, flushed to disk (fsync) and renamed
 * over its final name, and the directory is synced after the renames, so that a kill or a
 * power cut at any moment leaves either the old or the new file, complete. SHA-256 digests
 * identify contents.
 *
 * @module
 */

/** Lowercase hex SHA-256 of `bytes` (or of a string's UTF-8 bytes). */
export async function sha256Hex(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
  let s = "";
  for (const b of d) s += b.toString(16).padStart(2, "0");
  return s;
}

/** The temporary name {@linkcode writeFileDurable} writes `path` under before renaming it. */
export function tempName(path: string): string {
  return `${path}.tmp`;
}

/**
 * Writes `data` to `path` durably: to `<path>.tmp`, fsync, then rename over `path` (atomic
 * on POSIX file systems). Call {@linkcode syncDir} afterwards to make the rename durable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syncDir, writeFileDurable } from "./durable.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileDurable(`${dir}/a.txt`, "hello");
 * await syncDir(dir);
 * assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "hello");
 * ```
 */
export async function writeFileDurable(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempName(path);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const f = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    let o = 0;
    while (o < bytes.length) o += await f.write(bytes.subarray(o));
    await f.sync();
  } finally {
    f.close();
  }
  await Deno.rename(tmp, path);
}

/** Flushes directory `dir` (its entries: renames and removals) to disk, where supported. */
export async function syncDir(dir: string): Promise<void> {
  let f: Deno.FsFile | undefined;
  try {
    f = await Deno.open(dir, { read: true });
    await f.sync();
  } catch {
    // Some platforms cannot open or sync a directory; the renames are still atomic there.
  } finally {
    f?.close();
  }
}
