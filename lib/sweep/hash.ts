/**
 * Content hashing of sweep jobs and data files: a canonical JSON text (object keys sorted,
 * no whitespace) hashed with SHA-256. Two jobs with the same content get the same key on
 * every machine, whatever the order in which their fields were built.
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * The canonical JSON text of `value`: object keys sorted by code unit, no whitespace,
 * `undefined` fields left out (as `JSON.stringify` does). Only plain JSON values are
 * accepted: a non-finite number, a typed array, a function or a class instance throws a
 * `TypeError` (encode results with `lib/codec.ts` first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalJson } from "./hash.ts";
 * assert.equal(canonicalJson({ b: 1, a: [true, null, "x"] }), '{"a":[true,null,"x"],"b":1}');
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value, "$");
}

function write(v: unknown, path: string): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "string":
      return JSON.stringify(v);
    case "number":
      if (!Number.isFinite(v)) throw new TypeError(`${path}: non-finite number ${v}`);
      return Object.is(v, -0) ? "0" : JSON.stringify(v);
    case "object": {
      if (Array.isArray(v)) {
        return `[${
          v.map((x, i) => (x === undefined ? "null" : write(x, `${path}[${i}]`))).join(",")
        }]`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`${path}: not a plain object (${proto?.constructor?.name})`);
      }
      const rec = v as Record<string, unknown>;
      const keys = Object.keys(rec).filter((k) => rec[k] !== undefined).sort();
      return `{${
        keys.map((k) => `${JSON.stringify(k)}:${write(rec[k], `${path}.${k}`)}`).join(",")
      }}`;
    }
    default:
      throw new TypeError(`${path}: cannot hash a ${typeof v}`);
  }
}

/**
 * SHA-256 of `data` (a string is hashed as UTF-8) as 64 lowercase hex digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "./hash.ts";
 * assert.equal(sha256Hex("").slice(0, 8), "e3b0c442");
 * ```
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Hex digits of a job key (128 bits of SHA-256). */
export const KEY_HEX_DIGITS = 32;

/**
 * The content key of `value`: the first {@linkcode KEY_HEX_DIGITS} hex digits of the
 * SHA-256 of its canonical JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contentKey } from "./hash.ts";
 * assert.equal(contentKey({ a: 1, b: 2 }), contentKey({ b: 2, a: 1 }));
 * assert.equal(contentKey({ a: 1 }).length, 32);
 * ```
 */
export function contentKey(value: unknown): string {
  return sha256Hex(canonicalJson(value)).slice(0, KEY_HEX_DIGITS);
}
