/**
 * Line readers for market-data files, plain or gzip-compressed (detected by the gzip magic
 * bytes, not the extension): an async one that streams a file of any size and reports the
 * bytes read (for a progress bar), and a synchronous one for small files and for code that
 * cannot await (the env factory). Both name the file in a {@linkcode MissingFileError} when
 * it does not exist, is a directory or cannot be read.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
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

/**
 * Every line of `path` (gzip or plain), without line terminators (`\n` or `\r\n`); a final
 * empty line after the last terminator is not returned.
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
  fileSize(path);
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (err) {
    throw new MissingFileError(path, `cannot read it (${(err as Error).message})`);
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new MissingFileError(path, `not a valid gzip file (${(err as Error).message})`);
    }
  }
  const text = new TextDecoder().decode(bytes);
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/**
 * Streams the lines of `path` (gzip or plain) without loading the file into memory;
 * `onProgress` receives the bytes of the file read so far (compressed bytes for gzip).
 */
export async function* readLines(
  path: string,
  onProgress?: ByteProgress,
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
  let rest = "";
  try {
    for await (const chunk of text) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const p of parts) {
        yield p.length > 0 && p.charCodeAt(p.length - 1) === 13 ? p.slice(0, -1) : p;
      }
    }
  } catch (err) {
    throw new MissingFileError(path, `cannot read it (${(err as Error).message})`);
  }
  if (rest.length > 0) yield rest.charCodeAt(rest.length - 1) === 13 ? rest.slice(0, -1) : rest;
}
