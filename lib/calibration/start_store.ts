/**
 * Where a calibration of several starts (`calibrateTapes`'s `starts`: K calibrations on
 * consecutive seeds, one kept) keeps the starts it has finished, so that a run stopped part
 * way — killed, out of time, a machine restarted — resumes where it stopped. Run again with
 * the same arguments, it loads the finished starts and computes only the others, and its
 * result is the uninterrupted run's, bit for bit: each start depends only on the tapes, the
 * options and its own seed, and the starts are compared after all of them are done.
 *
 * A {@linkcode StartStore} is any object with `load` and `save`. {@linkcode openStartStore}
 * keeps the starts as files in one directory:
 *
 * - `run.json`: what the starts were computed for — the SHA-256 fingerprint of a key (the
 *   calibration's source files with their checksums and every option that shapes a start) and
 *   the key itself, for a reader;
 * - `start-SEED.json`: each finished start, written atomically (a temporary file, fsync,
 *   rename: a kill leaves the file whole or absent) in the exact encoding of `lib/codec.ts`,
 *   every number bit for bit and every object's keys in their order, so that the loaded start
 *   serializes as the computed one did.
 *
 * A directory saved for another key is refused with a named error unless `discard` is set:
 * starts of other arguments are never mixed into a result, and never deleted unasked. What
 * it does not know: the code that computed them. Starts saved by another version of the
 * library are loaded as they are; delete the directory after changing the code.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { decodeValue, encodeValue } from "../codec.ts";
import { ValidationError } from "../errors.ts";
import { writeFileAtomicSync } from "../output_dir.ts";

/** Finished starts by seed: what a calibration of several starts loads and saves. */
export interface StartStore<T> {
  /** The start of `seed` saved by an earlier run, or `undefined`. */
  load(seed: number): T | undefined;
  /** Saves the finished start of `seed` (durably, before the next start begins). */
  save(seed: number, value: T): void;
}

/** A {@linkcode StartStore} in a directory ({@linkcode openStartStore}). */
export interface FileStartStore<T> extends StartStore<T> {
  /** The directory. */
  readonly dir: string;
  /** Seeds of the starts saved in it, ascending. */
  seeds(): number[];
  /** Removes the directory and every start in it (once the result is safely written). */
  remove(): void;
}

/** Options of {@linkcode openStartStore}. */
export interface OpenStartStoreOptions {
  /** Remove starts saved for another key instead of refusing them (default false). */
  discard?: boolean;
  /** Field named by errors (default `"startsDir"`; the CLI names its `--out`). */
  field?: string;
}

/** Version of the directory's layout, part of every fingerprint. */
export const START_STORE_FORMAT = 1;

/** Name of the file that says what a directory's starts were computed for. */
export const START_STORE_RUN_FILE = "run.json";

/**
 * The fingerprint of `key`: SHA-256 (lowercase hex) of its canonical exact encoding (object
 * keys sorted, `lib/codec.ts`) with {@linkcode START_STORE_FORMAT}; equal keys built in any
 * field order give the same fingerprint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startStoreFingerprint } from "./start_store.ts";
 * assert.equal(startStoreFingerprint({ a: 1, b: NaN }), startStoreFingerprint({ b: NaN, a: 1 }));
 * assert.notEqual(startStoreFingerprint({ a: 1 }), startStoreFingerprint({ a: 2 }));
 * assert.match(startStoreFingerprint({}), /^[0-9a-f]{64}$/);
 * ```
 */
export function startStoreFingerprint(key: unknown): string {
  const text = JSON.stringify(encodeValue({ format: START_STORE_FORMAT, key }));
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Opens (creating it if absent) the directory `dir` of finished starts computed for `key`.
 * Throws a `ValidationError` naming `options.field` when `dir` holds starts of another key
 * (unless `options.discard`: they are removed) or is not such a directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStartStore } from "./start_store.ts";
 * const dir = `${Deno.makeTempDirSync()}/preset.json.starts`;
 * const store = openStartStore<{ x: number }>(dir, { seed: 0 });
 * store.save(3, { x: -0 });
 * const again = openStartStore<{ x: number }>(dir, { seed: 0 }); // a later run, same key
 * assert.ok(Object.is(again.load(3)?.x, -0));
 * assert.equal(again.load(4), undefined);
 * assert.deepEqual(again.seeds(), [3]);
 * assert.throws(() => openStartStore(dir, { seed: 1 }), /saved for other arguments/);
 * again.remove();
 * ```
 */
export function openStartStore<T>(
  dir: string,
  key: unknown,
  options: OpenStartStoreOptions = {},
): FileStartStore<T> {
  const field = options.field ?? "startsDir";
  const fingerprint = startStoreFingerprint(key);
  const runPath = `${dir}/${START_STORE_RUN_FILE}`;
  const info = statOrNull(dir, field);
  if (info !== null) {
    if (!info.isDirectory) {
      throw new ValidationError(field, dir, "a directory of saved starts (it is a file)");
    }
    const saved = readRun(runPath, field, dir);
    if (saved !== fingerprint) {
      if (!options.discard) {
        throw new ValidationError(
          field,
          dir,
          "starts saved for these arguments (the ones in it were saved for other arguments: " +
            "run that command again to resume them, or discard them)",
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
  const path = (seed: number) => {
    if (!Number.isInteger(seed) || seed < 0) {
      throw new ValidationError("seed", seed, "an integer ≥ 0");
    }
    return `${dir}/start-${seed}.json`;
  };
  return {
    dir,
    load(seed: number): T | undefined {
      let text: string;
      try {
        text = Deno.readTextFileSync(path(seed));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return undefined;
        throw err;
      }
      try {
        return decodeValue(JSON.parse(text)) as T;
      } catch (err) {
        throw new ValidationError(
          field,
          path(seed),
          `a start saved whole by an earlier run (${
            err instanceof Error ? err.message : String(err)
          }; delete the file to compute that start again)`,
        );
      }
    },
    save(seed: number, value: T): void {
      writeFileAtomicSync(path(seed), JSON.stringify(encodeValue(value, { sortKeys: false })), {
        replace: true,
      });
    },
    seeds(): number[] {
      const out: number[] = [];
      for (const e of Deno.readDirSync(dir)) {
        const m = /^start-(\d+)\.json$/.exec(e.name);
        if (e.isFile && m) out.push(Number(m[1]));
      }
      return out.sort((a, b) => a - b);
    },
    remove(): void {
      Deno.removeSync(dir, { recursive: true });
    },
  };
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
      `a directory of saved starts with its ${START_STORE_RUN_FILE} (move it away: it is not one)`,
    );
  }
  const fp = (parsed as { fingerprint?: unknown } | null)?.fingerprint;
  if (typeof fp !== "string") {
    throw new ValidationError(field, dir, `a ${START_STORE_RUN_FILE} with its fingerprint`);
  }
  return fp;
}
