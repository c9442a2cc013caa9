/**
 * Line readers for market-data files, plain or gzip-compressed (detected by the gzip magic
 * bytes, not the extension): an async one that streams a file of any size and reports the
 * bytes read (for a progress bar), and a synchronous one for small files and for code that
 * cannot await (the env factory). Both name the file in a {@linkcode MissingFileError} when
 * it does not exist, is a directory or cannot be read.
 *
 * @module
 */
import { constants as zlibConstants, gunzipSync } from "node:zlib";
import { MissingFileError } from "./errors.ts";

/** Progress callback: bytes of the file read so far and its size. */
export type ByteProgress = (read: number, total: number) => void;

/** Size in bytes of the readable file `path`; throws a MissingFileError otherwise. */
export function fileSize(path: string): number {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (err) {
    throw new MissingFileError(
      path,
      err instanceof Deno.errors.NotFound
        ? "no such file"
        : `cannot read it (${(err as Error).message})`,
    );
  }
  if (!info.isFile) throw new MissingFileError(path, "not a regular file");
  return info.size;
}

/** True when the first two bytes are gzip's magic number. */
function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function headOf(path: string): Uint8Array {
  const f = Deno.openSync(path, { read: true });
  try {
    const b = new Uint8Array(2);
    const n = f.readSync(b) ?? 0;
    return b.subarray(0, n);
  } finally {
    f.close();
  }
}

/** How a file's lines ended (see {@linkcode readLinesSyncWithEnd} and {@linkcode readLines}). */
export interface LinesEnd {
  /** The last line returned has no terminator (the file ends mid-line, or just without one). */
  unterminated: boolean;
  /**
   * The gzip stream stops before its end (a truncated file, e.g. a recorder killed while
   * writing): the lines decompressed before the cut are returned, the cut one last.
   */
  truncatedGzip: boolean;
}

/**
 * Decompresses a whole gzip file; a stream cut short (zlib's "unexpected end of file") gives
 * what precedes the cut and `truncated`, any other damage throws.
 */
function gunzipAll(path: string, bytes: Uint8Array): { bytes: Uint8Array; truncated: boolean } {
  try {
    return { bytes: gunzipSync(bytes), truncated: false };
  } catch (err) {
    if (/unexpected end of file/i.test((err as Error).message)) {
      return {
        bytes: gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH }),
        truncated: true,
      };
    }
    throw new MissingFileError(path, `not a valid gzip file (${(err as Error).message})`);
  }
}

/**
 * Every line of `path` (gzip or plain), without line terminators (`\n` or `\r\n`); a final
 * empty line after the last terminator is not returned. A gzip file cut short gives the lines
 * before the cut ({@linkcode readLinesSyncWithEnd} says so).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLinesSync } from "./io.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "a,b\r\nc,d\n");
 * assert.deepEqual(readLinesSync(path), ["a,b", "c,d"]);
 * await Deno.remove(path);
 * ```
 */
export function readLinesSync(path: string): string[] {
  return readLinesSyncWithEnd(path).lines;
}

/**
 * {@linkcode readLinesSync} with how the file ended.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gzipSync } from "node:zlib";
 * import { readLinesSyncWithEnd } from "./io.ts";
 * const path = await Deno.makeTempFile();
 * const gz = gzipSync(new TextEncoder().encode("a,b\n".repeat(1000)));
 * await Deno.writeFile(path, gz.subarray(0, gz.length - 6)); // the trailer cut off
 * const { lines, end } = readLinesSyncWithEnd(path);
 * assert.equal(end.truncatedGzip, true);
 * assert.ok(lines.length >= 999 && lines.slice(0, 999).every((l) => l === "a,b"));
 * await Deno.remove(path);
 * ```
 */
export function readLinesSyncWithEnd(path: string): { lines: string[]; end: LinesEnd } {
  fileSize(path);
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (err) {
    throw new MissingFileError(path, `cannot read it (${(err as Error).message})`);
  }
  let truncatedGzip = false;
  if (isGzip(bytes)) ({ bytes, truncated: truncatedGzip } = gunzipAll(path, bytes));
  const text = new TextDecoder().decode(bytes);
  const lines = text.split("\n");
  const unterminated = lines.length > 0 && lines[lines.length - 1] !== "";
  if (!unterminated) lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return { lines, end: { unterminated, truncatedGzip } };
}

/**
 * Streams the lines of `path` (gzip or plain) without loading the file into memory;
 * `onProgress` receives the bytes of the file read so far (compressed bytes for gzip), and
 * `onEnd` how the file ends, after every terminated line and before an unterminated last
 * one. A gzip stream cut
 * short gives the lines before the cut (told apart from a damaged one by decompressing the
 * file once more when the stream fails at its end).
 */
export async function* readLines(
  path: string,
  onProgress?: ByteProgress,
  onEnd?: (end: LinesEnd) => void,
): AsyncGenerator<string> {
  const total = fileSize(path);
  const gz = isGzip(headOf(path));
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    throw new MissingFileError(path, `cannot read it (${(err as Error).message})`);
  }
  let read = 0;
  let stream: ReadableStream<Uint8Array> = file.readable.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        read += chunk.length;
        onProgress?.(read, total);
        ctl.enqueue(chunk);
      },
    }),
  );
  if (gz) {
    stream = stream.pipeThrough(
      new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  }
  const text = stream.pipeThrough(new TextDecoderStream());
  const strip = (p: string) =>
    p.length > 0 && p.charCodeAt(p.length - 1) === 13 ? p.slice(0, -1) : p;
  let rest = "", truncatedGzip = false;
  try {
    for await (const chunk of text) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const p of parts) yield strip(p);
    }
  } catch (err) {
    // DecompressionStream reports a cut and a damaged stream alike; zlib tells them apart
    if (!(gz && read === total && gunzipAll(path, Deno.readFileSync(path)).truncated)) {
      throw new MissingFileError(path, `cannot read it (${(err as Error).message})`);
    }
    truncatedGzip = true;
  }
  onEnd?.({ unterminated: rest.length > 0, truncatedGzip });
  if (rest.length > 0) yield strip(rest);
}

/**
 * SHA-256 of a file's bytes, lowercase hex: how a preset names the tapes it was calibrated on
 * and a realism verdict the preset and tapes it measured.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256File } from "./io.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "abc");
 * assert.equal(await sha256File(path), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
 * await Deno.remove(path);
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const data = await Deno.readFile(path);
  const d = await crypto.subtle.digest("SHA-256", data);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}
