/**
 * Loading a tape from a file of any supported format, with the Arrow IPC cache: the format is
 * detected (LOBSTER by its file names, a Binance raw feed by its `<ns> {json}` lines, else the
 * generic CSV format), the file is parsed (streamed, with byte progress, by
 * {@linkcode loadTape}; read whole by {@linkcode loadTapeSync}), the result is written to the
 * cache, and the next load of the same unchanged file reads the cache. Within one process,
 * loads are also memoized, so environments built again and again share one tape.
 *
 * @module
 */
import { constants as zlibConstants, gunzipSync } from "node:zlib";
import { BinanceParser, looksLikeBinanceLine } from "./binance.ts";
import { cacheKey, defaultCacheDir, readCachedTape, writeCachedTape } from "./cache.ts";
import { CsvParser } from "./csv.ts";
import { DataError, FileMismatchError, MalformedRowError } from "./errors.ts";
import {
  type ByteProgress,
  fileSize,
  type LinesEnd,
  readLines,
  readLinesSync,
  readLinesSyncWithEnd,
} from "./io.ts";
import { isLobsterPath, type LobsterFiles, lobsterFiles, LobsterParser } from "./lobster.ts";
import type { Tape } from "./tape.ts";

/** Supported source formats. */
export type TapeFormat = "lobster" | "binance" | "csv";

/** Options of {@linkcode loadTape} and {@linkcode loadTapeSync}. */
export interface LoadOptions {
  /** Source format (default: detected). */
  format?: TapeFormat;
  /** Tick size override (default: the venue's, or inferred). */
  tickSize?: number;
  /** Binance: shift local times so that no feed latency is negative (default true). */
  clockCorrection?: boolean;
  /** Cache directory; `null` disables the cache (default `defaultCacheDir()`). */
  cacheDir?: string | null;
  /** Byte progress of the parse (async loads only). */
  onProgress?: ByteProgress;
}

/** A load with what it cost. */
export interface LoadResult {
  /** The tape. */
  tape: Tape;
  /** Where it came from: parsed from the source, the cache file, or this process's memory. */
  from: "source" | "cache" | "memory";
  /** Wall-clock seconds of the load. */
  seconds: number;
  /** The cache file (null when caching is off). */
  cacheFile: string | null;
}

const memo = new Map<string, Tape>();

/** Clears this process's memo of loaded tapes (the disk cache is untouched). */
export function clearTapeMemo(): void {
  memo.clear();
}

/**
 * The format of `path`: LOBSTER when its name is a LOBSTER message/orderbook name, Binance
 * when its first line is `<digits> {`, CSV when it ends in `.csv` (or `.csv.gz`).
 */
export function detectFormat(path: string): TapeFormat {
  if (isLobsterPath(path)) return "lobster";
  fileSize(path);
  let first = "";
  for (const line of firstLines(path)) {
    if (line.trim() !== "") {
      first = line;
      break;
    }
  }
  if (looksLikeBinanceLine(first)) return "binance";
  if (/\.csv(\.gz)?$/i.test(path)) return "csv";
  throw new DataError(
    path,
    "unknown format: not a LOBSTER file name, not a Binance raw feed (`<ns> {json}` lines), " +
      "not a .csv tape (see docs/data.md)",
  );
}

/** The first few lines of `path` from its first 64 KiB (gzip: decompressed as far as it goes). */
function firstLines(path: string): string[] {
  const f = Deno.openSync(path, { read: true });
  let head: Uint8Array;
  try {
    const buf = new Uint8Array(1 << 16);
    let n = 0;
    for (;;) {
      const r = f.readSync(buf.subarray(n));
      if (r === null || r === 0) break;
      n += r;
      if (n === buf.length) break;
    }
    head = buf.subarray(0, n);
  } finally {
    f.close();
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    try {
      head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      return [];
    }
  }
  return new TextDecoder().decode(head).split("\n").slice(0, 5);
}

function sourcesOf(path: string, format: TapeFormat): string[] {
  if (format === "lobster") {
    const f = lobsterFiles(path);
    return [f.message, f.orderbook];
  }
  fileSize(path);
  return [path];
}

function keyOptions(o: LoadOptions, format: TapeFormat): Record<string, unknown> {
  return { format, tickSize: o.tickSize ?? null, clockCorrection: o.clockCorrection ?? true };
}

function cachePath(dir: string, path: string, key: string): string {
  const base = path.split("/").pop()!.replace(/\.(gz|csv|txt|jsonl?)$/gi, "")
    .replace(/\.(csv|txt|jsonl?)$/i, "").replace(/_(message|orderbook)_(\d+)$/, "_$2");
  return `${dir.replace(/\/+$/, "")}/${base}-${key}.arrow`;
}

function prepare(path: string, options: LoadOptions) {
  if (typeof path !== "string" || path.trim() === "") {
    throw new DataError(String(path), "expected a file path");
  }
  const format = options.format ?? detectFormat(path);
  const sources = sourcesOf(path, format);
  const key = cacheKey(sources, keyOptions(options, format));
  const dir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const file = dir === null ? null : cachePath(dir, path, key);
  return { format, key, file };
}

/**
 * Loads the tape in `path` synchronously (whole files in memory): from this process's memo,
 * the cache, or the source (then cached). Errors are typed (`MissingFileError`,
 * `MalformedRowError`, `SequenceGapError`, `FileMismatchError`, `DataError`) and name the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTapeSync } from "./load.ts";
 * const tape = loadTapeSync(
 *   "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv",
 *   { cacheDir: null },
 * );
 * assert.equal(tape.meta.instrument, "AMZN");
 * assert.equal(tape.report.reconstruction?.matched, tape.report.reconstruction?.checked);
 * ```
 */
export function loadTapeSync(path: string, options: LoadOptions = {}): Tape {
  return loadTapeSyncWithInfo(path, options).tape;
}

/** {@linkcode loadTapeSync} with where the tape came from and how long it took. */
export function loadTapeSyncWithInfo(path: string, options: LoadOptions = {}): LoadResult {
  const t0 = performance.now();
  const { format, key, file } = prepare(path, options);
  const done = (tape: Tape, from: LoadResult["from"]): LoadResult => ({
    tape,
    from,
    seconds: (performance.now() - t0) / 1000,
    cacheFile: file,
  });
  const hit = memo.get(key);
  if (hit) return done(hit, "memory");
  if (file) {
    const cached = readCachedTape(file);
    if (cached) {
      memo.set(key, cached);
      return done(cached, "cache");
    }
  }
  let tape: Tape;
  if (format === "lobster") {
    const f = lobsterFiles(path);
    const a = readLinesSync(f.message), b = readLinesSync(f.orderbook);
    checkRowCounts(f, a.length, b.length);
    const p = new LobsterParser(f);
    for (let i = 0; i < a.length; i++) p.push(a[i], b[i], i + 1);
    tape = p.finish();
  } else {
    const { lines, end } = readLinesSyncWithEnd(path);
    const p = format === "binance"
      ? new BinanceParser(path, options)
      : new CsvParser(path, options);
    const n = lines.length;
    for (let i = 0; i < n - 1; i++) p.push(lines[i], i + 1);
    const cut = n > 0 ? pushLast(p, lines[n - 1], n, end) : null;
    tape = p.finish();
    tape.report.notes.push(...endNotes(end, cut, n));
  }
  if (file) writeCachedTape(file, tape);
  memo.set(key, tape);
  return done(tape, "source");
}

/**
 * Loads the tape in `path`, streaming the source (any size; `options.onProgress` gets the
 * bytes read): from this process's memo, the cache, or the source (then cached).
 */
export async function loadTape(path: string, options: LoadOptions = {}): Promise<Tape> {
  return (await loadTapeWithInfo(path, options)).tape;
}

/** {@linkcode loadTape} with where the tape came from and how long it took. */
export async function loadTapeWithInfo(
  path: string,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const t0 = performance.now();
  const { format, key, file } = prepare(path, options);
  const done = (tape: Tape, from: LoadResult["from"]): LoadResult => ({
    tape,
    from,
    seconds: (performance.now() - t0) / 1000,
    cacheFile: file,
  });
  const hit = memo.get(key);
  if (hit) return done(hit, "memory");
  if (file) {
    const cached = readCachedTape(file);
    if (cached) {
      memo.set(key, cached);
      return done(cached, "cache");
    }
  }
  let tape: Tape;
  if (format === "lobster") {
    const f = lobsterFiles(path);
    const sizes = [fileSize(f.message), fileSize(f.orderbook)];
    const read = [0, 0];
    const report = (i: number) => (r: number) => {
      read[i] = r;
      options.onProgress?.(read[0] + read[1], sizes[0] + sizes[1]);
    };
    const a = readLines(f.message, report(0))[Symbol.asyncIterator]();
    const b = readLines(f.orderbook, report(1))[Symbol.asyncIterator]();
    const p = new LobsterParser(f);
    let line = 0;
    for (;;) {
      const [x, y] = await Promise.all([a.next(), b.next()]);
      if (x.done || y.done) {
        if (!x.done || !y.done) {
          let rest = 0;
          for (let r = x.done ? y : x; !r.done; r = await (x.done ? b : a).next()) rest++;
          checkRowCounts(
            f,
            x.done ? line : line + rest,
            y.done ? line : line + rest,
          );
        }
        break;
      }
      line++;
      p.push(x.value, y.value, line);
    }
    tape = p.finish();
  } else {
    const p = format === "binance"
      ? new BinanceParser(path, options)
      : new CsvParser(path, options);
    // one line held back: the last may be a write cut short
    let line = 0, held: string | null = null;
    let end: LinesEnd = { unterminated: false, truncatedGzip: false };
    for await (const text of readLines(path, options.onProgress, (e) => end = e)) {
      if (held !== null) p.push(held, line);
      held = text;
      line++;
    }
    const cut = held !== null ? pushLast(p, held, line, end) : null;
    tape = p.finish();
    tape.report.notes.push(...endNotes(end, cut, line));
  }
  if (file) writeCachedTape(file, tape);
  memo.set(key, tape);
  return done(tape, "source");
}

/**
 * Feeds a raw feed's last line. A recorder killed while writing leaves it unterminated and
 * cut: a malformed unterminated last line after others is left out (its number returned, for
 * the notes); any other error is thrown.
 */
function pushLast(
  p: { push(line: string, lineNo: number): void },
  line: string,
  lineNo: number,
  end: LinesEnd,
): number | null {
  try {
    p.push(line, lineNo);
    return null;
  } catch (err) {
    // a file of one line is not a recording cut short: its line is reported as it is
    if (end.unterminated && lineNo > 1 && err instanceof MalformedRowError) return lineNo;
    throw err;
  }
}

/** The load report's notes on how the file ended. */
function endNotes(end: LinesEnd, cut: number | null, lines: number): string[] {
  const out: string[] = [];
  if (end.truncatedGzip) {
    out.push(
      `the gzip stream is cut short (a truncated file): the ${
        (cut === null ? lines : lines - 1).toLocaleString("en-US")
      } lines before the cut are loaded`,
    );
  }
  if (cut !== null) {
    out.push(
      `the file ends mid-line: its last line (${cut.toLocaleString("en-US")}) is an incomplete ` +
        "write and is left out",
    );
  }
  return out;
}

function checkRowCounts(f: LobsterFiles, messages: number, rows: number): void {
  if (messages !== rows) {
    throw new FileMismatchError(
      f.orderbook,
      `has ${rows.toLocaleString("en-US")} rows but ${f.message} has ` +
        `${messages.toLocaleString("en-US")}: an orderbook file has one row per message`,
    );
  }
}
