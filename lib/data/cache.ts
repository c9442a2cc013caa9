/**
 * The on-disk cache of loaded tapes: every column of a {@linkcode Tape} (source and derived)
 * in one Apache Arrow IPC file, with its metadata and load report as JSON in the schema's
 * metadata (key `alpe.tape`), readable by pyarrow / polars as well. A cache file is named by a
 * key over the source files' paths, sizes and modification times, the tape format version and
 * the load options, so an edited source or a new version is never served stale. Writes are
 * atomic (a temporary file renamed into place): an interrupted load leaves no half-written
 * cache, and a cache file that cannot be read is ignored and rewritten.
 *
 * @module
 */
import { Field, makeTable, Schema, Table, tableFromIPC, tableToIPC } from "npm:apache-arrow@21.2.0";
import {
  type Tape,
  TAPE_COLUMNS,
  TAPE_VERSION,
  type TapeColumnName,
  type TapeColumns,
} from "./tape.ts";

/** Default cache directory (relative to the working directory), unless `ALPE_CACHE_DIR` is set. */
export const DEFAULT_CACHE_DIR = "out/cache/tapes";

/** The cache directory in effect: `ALPE_CACHE_DIR` when set, else {@linkcode DEFAULT_CACHE_DIR}. */
export function defaultCacheDir(): string {
  let env: string | undefined;
  try {
    env = Deno.env.get("ALPE_CACHE_DIR");
  } catch { /* no env permission */ }
  return env && env.trim() !== "" ? env : DEFAULT_CACHE_DIR;
}

function fnv(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The cache key of a load: a 16-hex-digit hash of the sources' absolute paths, sizes and
 * modification times, the tape version and `options` (JSON).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheKey } from "./cache.ts";
 * const path = await Deno.makeTempFile();
 * const a = cacheKey([path], {});
 * assert.equal(a, cacheKey([path], {}));
 * assert.notEqual(a, cacheKey([path], { tickSize: 0.5 }));
 * await Deno.remove(path);
 * ```
 */
export function cacheKey(sources: readonly string[], options: Record<string, unknown>): string {
  const parts: string[] = [`v${TAPE_VERSION}`, JSON.stringify(options)];
  for (const s of sources) {
    const info = Deno.statSync(s);
    let abs = s;
    try {
      abs = Deno.realPathSync(s);
    } catch { /* keep as given */ }
    parts.push(`${abs}|${info.size}|${info.mtime?.getTime() ?? 0}`);
  }
  const text = parts.join("\n");
  return fnv(text, 0x811c9dc5).toString(16).padStart(8, "0") +
    fnv(text, 0x01000193).toString(16).padStart(8, "0");
}

/**
 * The tape as Arrow IPC bytes (file format).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tapeFromArrow, tapeToArrow } from "./cache.ts";
 * import { CsvParser } from "./csv.ts";
 * const p = new CsvParser("t.csv");
 * ["ts,type,side,price,qty", "1,snapshot,bid,9.99,5", "1,snapshot,ask,10.01,5"]
 *   .forEach((l, i) => p.push(l, i + 1));
 * const tape = p.finish();
 * const back = tapeFromArrow(tapeToArrow(tape));
 * assert.deepEqual(back?.meta, tape.meta);
 * assert.deepEqual([...back!.columns.bestBid], [...tape.columns.bestBid]);
 * ```
 */
export function tapeToArrow(tape: Tape): Uint8Array {
  const data: Record<string, Float64Array | Int32Array | Uint8Array> = {};
  for (const name of Object.keys(TAPE_COLUMNS) as TapeColumnName[]) {
    data[name] = tape.columns[name];
  }
  const t = makeTable(data);
  const meta = new Map([["alpe.tape", JSON.stringify({ meta: tape.meta, report: tape.report })]]);
  const fields = t.schema.fields.map((f) => new Field(f.name, f.type, f.nullable));
  return tableToIPC(new Table(new Schema(fields, meta), t.batches), "file");
}

/** The tape stored in Arrow IPC `bytes`, or null when they are not a valid tape of this version. */
export function tapeFromArrow(bytes: Uint8Array): Tape | null {
  try {
    const table = tableFromIPC(bytes);
    const json = table.schema.metadata.get("alpe.tape");
    if (!json) return null;
    const { meta, report } = JSON.parse(json);
    if (meta?.version !== TAPE_VERSION) return null;
    const n = table.numRows;
    const columns: Record<string, unknown> = {};
    for (const name of Object.keys(TAPE_COLUMNS) as TapeColumnName[]) {
      const col = table.getChild(name);
      if (!col) return null;
      const arr = col.toArray();
      const want = TAPE_COLUMNS[name].type;
      const ok = want === "f64"
        ? arr instanceof Float64Array
        : want === "i32"
        ? arr instanceof Int32Array
        : arr instanceof Uint8Array;
      if (!ok || arr.length !== n) return null;
      columns[name] = arr;
    }
    return { meta, report, length: n, columns: columns as TapeColumns };
  } catch {
    return null;
  }
}

/** Reads the cached tape at `path`, or null when absent or unreadable. */
export function readCachedTape(path: string): Tape | null {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch {
    return null;
  }
  return tapeFromArrow(bytes);
}

/**
 * Writes `tape` to `path` atomically (temporary file, then rename); returns false (writing
 * nothing) when the directory cannot be created or written — a cache is an optimization.
 */
export function writeCachedTape(path: string, tape: Tape): boolean {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  const tmp = `${path}.tmp-${Deno.pid}-${Math.floor(Math.random() * 1e9)}`;
  try {
    Deno.mkdirSync(dir, { recursive: true });
    Deno.writeFileSync(tmp, tapeToArrow(tape));
    Deno.renameSync(tmp, path);
    return true;
  } catch {
    try {
      Deno.removeSync(tmp);
    } catch { /* nothing written */ }
    return false;
  }
}
