/**
 * The finished parts of a long run, kept as they are done, so that a run stopped part way —
 * killed, out of time, a machine restarted — resumes where it stopped: run again with the same
 * arguments, it loads what was finished and computes only the rest, and its result is the
 * uninterrupted run's, bit for bit. It is for work made of parts that each depend only on the
 * run's arguments and their own inputs (a calibration's starts, a comparison's backtest jobs).
 *
 * A {@linkcode ProgressStore} is any object with `load` and `save` by name.
 * {@linkcode openProgressStore} keeps the parts as files in one directory:
 *
 * - `run.json`: what the parts were computed for — the SHA-256 fingerprint of a key (the run's
 *   input files with their checksums and every option that shapes a part) and the key itself,
 *   for a reader;
 * - `NAME.json`: each finished part, written atomically (a temporary file, fsync, rename: a kill
 *   leaves the file whole or absent) in the exact encoding of `lib/codec.ts`, every number bit
 *   for bit and every object's keys in their order, so that a loaded part serializes as the
 *   computed one did.
 *
 * A directory saved for another key is refused with a named error unless `discard` is set: parts
 * of other arguments are never mixed into a result, and never deleted unasked (one that holds no
 * part yet, left by a run that failed before finishing one, is replaced: it has nothing to
 * lose). A key should hold everything a part depends on, the code that computes it included:
 * ALPE's commands put the project's code version in theirs (`codeVersion`,
 * `lib/sweep/version.ts`), so parts saved before the library changed are never loaded by the
 * changed one.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { decodeValue, encodeValue } from "./codec.ts";
import { ValidationError } from "./errors.ts";
import { writeFileAtomicSync } from "./output_dir.ts";

/** Finished parts of a run by name: what a resumable run loads and saves. */
export interface ProgressStore<T> {
  /** The part `name` saved by an earlier run, or `undefined`. */
  load(name: string): T | undefined;
  /** Saves the finished part `name` (durably, before the run goes on). */
  save(name: string, value: T): void;
}

/** A {@linkcode ProgressStore} in a directory ({@linkcode openProgressStore}). */
export interface ProgressDir<T> extends ProgressStore<T> {
  /** The directory. */
  readonly dir: string;
  /** Names of the parts saved in it, sorted. */
  names(): string[];
  /** Removes the directory and every part in it (once the run's result is safely written). */
  remove(): void;
}

/** Options of {@linkcode openProgressStore}. */
export interface OpenProgressOptions {
  /** Remove parts saved for another key instead of refusing them (default false). */
  discard?: boolean;
  /** Field named by errors (default `"progressDir"`; a CLI names its `--out`). */
  field?: string;
}

/** Version of the directory's layout, part of every fingerprint. */
export const PROGRESS_FORMAT = 1;

/** Name of the file that says what a directory's parts were computed for. */
export const PROGRESS_RUN_FILE = "run.json";

/** What a part's name may hold (it names a file). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The fingerprint of `key`: SHA-256 (lowercase hex) of its canonical exact encoding (object keys
 * sorted, `lib/codec.ts`) with {@linkcode PROGRESS_FORMAT}; equal keys built in any field order
 * give the same fingerprint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressFingerprint } from "./progress_store.ts";
 * assert.equal(progressFingerprint({ a: 1, b: NaN }), progressFingerprint({ b: NaN, a: 1 }));
 * assert.notEqual(progressFingerprint({ a: 1 }), progressFingerprint({ a: 2 }));
 * assert.match(progressFingerprint({}), /^[0-9a-f]{64}$/);
 * ```
 */
export function progressFingerprint(key: unknown): string {
  const text = JSON.stringify(encodeValue({ format: PROGRESS_FORMAT, key }));
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Opens (creating it if absent) the directory `dir` of parts computed for `key`. Throws a
 * `ValidationError` naming `options.field` when `dir` holds parts of another key (unless
 * `options.discard`: they are removed) or is not such a directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openProgressStore } from "./progress_store.ts";
 * const dir = `${Deno.makeTempDirSync()}/preset.json.starts`;
 * const store = openProgressStore<{ x: number }>(dir, { seed: 0 });
 * store.save("start-3", { x: -0 });
 * const again = openProgressStore<{ x: number }>(dir, { seed: 0 }); // a later run, same key
 * assert.ok(Object.is(again.load("start-3")?.x, -0));
 * assert.equal(again.load("start-4"), undefined);
 * assert.deepEqual(again.names(), ["start-3"]);
 * assert.throws(() => openProgressStore(dir, { seed: 1 }), /saved for other arguments/);
 * again.remove();
 * openProgressStore(dir, { seed: 2 }); // a run that failed before saving a part
 * assert.deepEqual(openProgressStore(dir, { seed: 3 }).names(), []); // nothing lost: replaced
 * ```
 */
export function openProgressStore<T>(
  dir: string,
  key: unknown,
  options: OpenProgressOptions = {},
): ProgressDir<T> {
  const field = options.field ?? "progressDir";
  const fingerprint = progressFingerprint(key);
  const runPath = `${dir}/${PROGRESS_RUN_FILE}`;
  const info = statOrNull(dir, field);
  if (info !== null) {
    if (!info.isDirectory) {
      throw new ValidationError(field, dir, "a directory of saved progress (it is a file)");
    }
    if (readRun(runPath, field, dir) !== fingerprint) {
      // a directory that holds no part yet (a run that failed before finishing one) has
      // nothing to lose: it is replaced
      if (!options.discard && !holdsOnlyRun(dir)) {
        throw new ValidationError(
          field,
          dir,
          "progress saved for these arguments (the one in it was saved for other arguments or " +
            "by another version of the code: run that command with that code again to resume " +
            "it, or discard it)",
        );
      }
      Deno.removeSync(dir, { recursive: true });
    }
  }
  if (statOrNull(dir, field) === null) {
    Deno.mkdirSync(dir, { recursive: true });
    writeFileAtomicSync(
      runPath,
      JSON.stringify({ fingerprint, key: encodeValue(key) }, null, 1) + "\n",
    );
  }
  const path = (name: string) => {
    if (!NAME.test(name) || name === "run") {
      throw new ValidationError("name", name, "letters, digits, '.', '_' or '-', not 'run'");
    }
    return `${dir}/${name}.json`;
  };
  return {
    dir,
    load(name: string): T | undefined {
      const file = path(name);
      let text: string;
      try {
        text = Deno.readTextFileSync(file);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return undefined;
        throw err;
      }
      try {
        return decodeValue(JSON.parse(text)) as T;
      } catch (err) {
        throw new ValidationError(
          field,
          file,
          `a part saved whole by an earlier run (${
            err instanceof Error ? err.message : String(err)
          }; delete the file to compute that part again)`,
        );
      }
    },
    save(name: string, value: T): void {
      const text = JSON.stringify(encodeValue(value, { sortKeys: false }));
      writeFileAtomicSync(path(name), text, { replace: true });
    },
    names(): string[] {
      const out: string[] = [];
      for (const e of Deno.readDirSync(dir)) {
        const m = /^(.+)\.json$/.exec(e.name);
        if (e.isFile && m && NAME.test(m[1]) && m[1] !== "run") out.push(m[1]);
      }
      return out.sort();
    },
    remove(): void {
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

/** True when `dir` holds nothing but its `run.json`: no part, no temporary file. */
function holdsOnlyRun(dir: string): boolean {
  for (const e of Deno.readDirSync(dir)) if (e.name !== PROGRESS_RUN_FILE) return false;
  return true;
}

/**
 * The directory that keeps the progress of a run with `key` whose result goes to `out`:
 * `OUT.partial-` and the first 16 hex digits of the key's fingerprint, beside it. Runs with
 * other arguments get other directories, so that two runs writing to one scratch location (a
 * task's default `--out`) never share parts, even at the same time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressDirFor } from "./progress_store.ts";
 * assert.match(progressDirFor("out/compare", { seed: 1 }), /^out\/compare\.partial-[0-9a-f]{16}$/);
 * assert.notEqual(progressDirFor("out/x", { seed: 1 }), progressDirFor("out/x", { seed: 2 }));
 * ```
 */
export function progressDirFor(out: string, key: unknown): string {
  return `${out.replace(/\/+$/, "")}.partial-${progressFingerprint(key).slice(0, 16)}`;
}

/**
 * The other runs' progress directories beside `out` (`OUT.partial-…` but `except`): unfinished
 * runs of other arguments, which a task names so that they are not forgotten.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openProgressStore, otherProgressDirs, progressDirFor } from "./progress_store.ts";
 * const out = `${Deno.makeTempDirSync()}/report`;
 * const a = progressDirFor(out, { seed: 1 }), b = progressDirFor(out, { seed: 2 });
 * openProgressStore(a, { seed: 1 });
 * openProgressStore(b, { seed: 2 });
 * assert.deepEqual(otherProgressDirs(out, a), [b]);
 * ```
 */
export function otherProgressDirs(out: string, except: string): string[] {
  const path = out.replace(/\/+$/, "");
  const slash = path.lastIndexOf("/");
  const parent = slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
  const prefix = `${path.slice(slash + 1)}.partial-`;
  const found: string[] = [];
  try {
    for (const e of Deno.readDirSync(parent)) {
      if (!e.isDirectory || !e.name.startsWith(prefix)) continue;
      const dir = slash < 0 ? e.name : `${parent === "/" ? "" : parent}/${e.name}`;
      if (dir !== except) found.push(dir);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return found.sort();
}

/**
 * Removes the directory of saved progress `dir` once the run's result is safely written;
 * nothing when it does not exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openProgressStore, removeProgress } from "./progress_store.ts";
 * const dir = `${Deno.makeTempDirSync()}/out.partial`;
 * openProgressStore(dir, {}).save("part-1", 1);
 * removeProgress(dir);
 * removeProgress(dir); // already gone: nothing to do
 * assert.throws(() => Deno.statSync(dir), Deno.errors.NotFound);
 * ```
 */
export function removeProgress(dir: string): void {
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

function statOrNull(path: string, field: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new ValidationError(field, path, `an accessible path (${(err as Error).message})`);
  }
}

/** The fingerprint `run.json` records; a named error when it cannot be read. */
function readRun(runPath: string, field: string, dir: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Deno.readTextFileSync(runPath));
  } catch {
    throw new ValidationError(
      field,
      dir,
      `a directory of saved progress with its ${PROGRESS_RUN_FILE} (move it away: it is not one)`,
    );
  }
  const fp = (parsed as { fingerprint?: unknown } | null)?.fingerprint;
  if (typeof fp !== "string") {
    throw new ValidationError(field, dir, `a ${PROGRESS_RUN_FILE} with its fingerprint`);
  }
  return fp;
}
