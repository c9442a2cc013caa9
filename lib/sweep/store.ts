/**
 * Durable, atomic storage of finished jobs: one file per job, `<dir>/<key>.json`, written
 * to a temporary name, flushed to disk and renamed into place (lib's `writeFileAtomic`), so
 * a file is either absent or complete whatever the moment a process is killed. A sweep started again reads the
 * directory and reuses every result whose key it plans (keys include the code version, so
 * a result is never reused by other code).
 *
 * @module
 */
import { writeFileAtomic } from "../output_dir.ts";
import { KEY_HEX_DIGITS } from "./hash.ts";

const KEY_RE = new RegExp(`^[0-9a-f]{${KEY_HEX_DIGITS}}$`);

/** Finished jobs on disk; only their keys are held in memory (results are read on demand). */
export class ResultStore {
  /** The directory. */
  readonly dir: string;
  readonly #keys = new Set<string>();

  /** A store in `dir` (created on first write). */
  constructor(dir: string) {
    this.dir = dir.replace(/\/+$/, "");
  }

  /**
   * Finds every stored result (each file checked to hold its own key, whole); returns how
   * many were found and the names of unreadable files (left in place, recomputed). Removes
   * temporary files of interrupted writes.
   */
  async load(): Promise<{ loaded: number; unreadable: string[] }> {
    const unreadable: string[] = [];
    let entries: Deno.DirEntry[] = [];
    try {
      entries = await Array.fromAsync(Deno.readDir(this.dir));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return { loaded: 0, unreadable };
      throw err;
    }
    for (const e of entries) {
      if (!e.isFile) continue;
      const path = `${this.dir}/${e.name}`;
      if (e.name.startsWith(".") && e.name.includes(".tmp-")) {
        await Deno.remove(path).catch(() => {});
        continue;
      }
      const key = e.name.replace(/\.json$/, "");
      if (!e.name.endsWith(".json") || !KEY_RE.test(key)) continue;
      try {
        resultOf(key, await Deno.readTextFile(path));
        this.#keys.add(key);
      } catch {
        unreadable.push(e.name);
      }
    }
    return { loaded: this.#keys.size, unreadable };
  }

  /** True when `key` is stored. */
  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /** Keys stored. */
  keys(): string[] {
    return [...this.#keys];
  }

  /** The stored result of `key` as JSON text (read from disk); throws when it is not stored. */
  async get(key: string): Promise<string> {
    if (!this.#keys.has(key)) throw new Error(`job ${key} is not stored`);
    return resultOf(key, await Deno.readTextFile(`${this.dir}/${key}.json`));
  }

  /** Stores `resultText` (the JSON text of an encoded result) under `key`, durably. */
  async put(key: string, kind: string, resultText: string): Promise<void> {
    if (!KEY_RE.test(key)) throw new TypeError(`bad job key ${JSON.stringify(key)}`);
    if (!/^[a-z]+$/.test(kind)) throw new TypeError(`bad job kind ${JSON.stringify(kind)}`);
    await Deno.mkdir(this.dir, { recursive: true });
    const text = `${recordHead(key, kind)}${resultText}}\n`;
    await writeFileAtomic(`${this.dir}/${key}.json`, text, { replace: true });
    this.#keys.add(key);
  }
}

function recordHead(key: string, kind: string): string {
  return `{"key":"${key}","kind":"${kind}","result":`;
}

/** The result text of a stored record, checked to be whole and to be `key`'s. */
function resultOf(key: string, text: string): string {
  const m = /^\{"key":"([0-9a-f]+)","kind":"([a-z]+)","result":/.exec(text);
  if (!m || m[1] !== key || !text.endsWith("}\n")) throw new Error(`bad record for ${key}`);
  return text.slice(m[0].length, -2);
}
