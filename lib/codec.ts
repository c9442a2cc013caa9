/**
 * Exact encoding of values for storage and transport (sweep results in files and Redis, a
 * calibration's finished starts): plain JSON in which every number round-trips bit for bit.
 * Finite numbers are JSON numbers (shortest round-trip form); `NaN`, `±Infinity` and `-0`
 * become `{"$n": "NaN"}` and the like; a `Float64Array` becomes `{"$f64": base64}` of its
 * little-endian bytes (NaN payloads and signed zeros included), an `Int32Array`
 * `{"$i32": base64}`. Object keys are sorted by default, so equal values give equal text
 * (canonical); with `sortKeys: false` they keep their order, so that a decoded object
 * serializes as the original did.
 *
 * @module
 */
import { Buffer } from "node:buffer";

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** A JSON value as produced by {@linkcode encodeValue}. */
export type Encoded = null | boolean | number | string | Encoded[] | { [k: string]: Encoded };

/** Options of {@linkcode encodeValue}. */
export interface EncodeOptions {
  /**
   * Sort object keys (default true: canonical text, equal values give equal text); false
   * keeps each object's own key order, which {@linkcode decodeValue} then restores.
   */
  sortKeys?: boolean;
}

/**
 * Encodes `value` (JSON values, non-finite numbers, `Float64Array`s, `Int32Array`s) into
 * plain JSON; `undefined` object fields are left out and `undefined` array items become
 * `null`, as `JSON.stringify` does. Throws a `TypeError` for anything else (other typed
 * arrays, class instances, functions), naming its path (`$.a.b[2]`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeValue, encodeValue } from "./codec.ts";
 * const v = { x: NaN, y: -0, a: new Float64Array([1.5, -Infinity]), r: new Int32Array([-2, 7]) };
 * const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(v)))) as typeof v;
 * assert.ok(Number.isNaN(back.x) && Object.is(back.y, -0));
 * assert.deepEqual([...back.a], [1.5, -Infinity]);
 * assert.deepEqual([...back.r], [-2, 7]);
 * // key order: sorted by default, kept with sortKeys: false
 * assert.equal(JSON.stringify(encodeValue({ b: 1, a: 2 })), '{"a":2,"b":1}');
 * assert.equal(JSON.stringify(encodeValue({ b: 1, a: 2 }, { sortKeys: false })), '{"b":1,"a":2}');
 * ```
 */
export function encodeValue(value: unknown, options: EncodeOptions = {}, path = "$"): Encoded {
  if (value === null) return null;
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "number":
      if (Number.isNaN(value)) return { $n: "NaN" };
      if (value === Infinity) return { $n: "Infinity" };
      if (value === -Infinity) return { $n: "-Infinity" };
      if (Object.is(value, -0)) return { $n: "-0" };
      return value;
    case "object": {
      if (value instanceof Float64Array) return { $f64: f64ToBase64(value) };
      if (value instanceof Int32Array) {
        const bytes = new Uint8Array(value.length * 4);
        const view = new DataView(bytes.buffer);
        for (let i = 0; i < value.length; i++) view.setInt32(i * 4, value[i], true);
        return { $i32: bytesToBase64(bytes) };
      }
      if (Array.isArray(value)) {
        return value.map((x, i) => encodeValue(x ?? null, options, `${path}[${i}]`));
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`${path}: cannot encode a ${proto?.constructor?.name ?? "value"}`);
      }
      const rec = value as Record<string, unknown>;
      const out: { [k: string]: Encoded } = {};
      const keys = Object.keys(rec);
      if (options.sortKeys ?? true) keys.sort();
      for (const k of keys) {
        if (rec[k] !== undefined) setOwn(out, k, encodeValue(rec[k], options, `${path}.${k}`));
      }
      return out;
    }
    default:
      throw new TypeError(`${path}: cannot encode a ${typeof value}`);
  }
}

/** Inverse of {@linkcode encodeValue}. */
export function decodeValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  const rec = value as Record<string, unknown>;
  const keys = Object.keys(rec);
  if (keys.length === 1 && keys[0] === "$n" && typeof rec.$n === "string") {
    const n = { "NaN": NaN, "Infinity": Infinity, "-Infinity": -Infinity, "-0": -0 }[rec.$n];
    if (n === undefined) throw new TypeError(`bad encoded number ${JSON.stringify(rec.$n)}`);
    return n;
  }
  if (keys.length === 1 && keys[0] === "$f64" && typeof rec.$f64 === "string") {
    return base64ToF64(rec.$f64);
  }
  if (keys.length === 1 && keys[0] === "$i32" && typeof rec.$i32 === "string") {
    const bytes = base64ToBytes(rec.$i32);
    if (bytes.length % 4 !== 0) throw new TypeError(`bad $i32 payload: ${bytes.length} bytes`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Int32Array.from({ length: bytes.length / 4 }, (_, i) => view.getInt32(i * 4, true));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) setOwn(out, k, decodeValue(rec[k]));
  return out;
}

/** Little-endian bytes of `a` as base64. */
export function f64ToBase64(a: Float64Array): string {
  const bytes = new Uint8Array(a.length * 8);
  if (LITTLE_ENDIAN) bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  else {
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i], true);
  }
  return Buffer.from(bytes.buffer, 0, bytes.length).toString("base64");
}

/** Inverse of {@linkcode f64ToBase64}; throws a `TypeError` on a length that is not 8·n. */
export function base64ToF64(text: string): Float64Array {
  const bytes = new Uint8Array(Buffer.from(text, "base64"));
  if (bytes.length % 8 !== 0) throw new TypeError(`bad $f64 payload: ${bytes.length} bytes`);
  const out = new Float64Array(bytes.length / 8);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  }
  return out;
}

/** Base64 of raw bytes (model files in training results). */
export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Inverse of {@linkcode bytesToBase64}. */
export function base64ToBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}

/**
 * `o[k] = v` as an own data property, also for the key `__proto__` (which an assignment would
 * take for the object's prototype, and JSON would then lose).
 */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") {
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  } else o[k] = v;
}
