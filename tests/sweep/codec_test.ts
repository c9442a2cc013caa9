/** Canonical JSON, content keys and the exact result codec (property tests). */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { canonicalJson, contentKey } from "../../lib/sweep/hash.ts";
import { base64ToF64, decodeValue, encodeValue, f64ToBase64 } from "../../lib/sweep/codec.ts";

function shuffleKeys(v: unknown, rnd: () => number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, rnd));
  if (v && typeof v === "object") {
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [entries[i], entries[j]] = [entries[j], entries[i]];
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, shuffleKeys(x, rnd)]));
  }
  return v;
}

const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)));

Deno.test("canonicalJson: independent of key order, parses back to the same value", () => {
  fc.assert(
    fc.property(json, fc.integer(), (v, seed) => {
      let s = seed;
      const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
      const text = canonicalJson(v);
      assert.equal(canonicalJson(shuffleKeys(v, rnd)), text);
      assert.deepEqual(JSON.parse(text), v);
      assert.equal(contentKey(shuffleKeys(v, rnd)), contentKey(v));
    }),
    { numRuns: 300, seed: 1 },
  );
  assert.throws(() => canonicalJson({ x: NaN }), /\$\.x: non-finite/);
  assert.throws(() => canonicalJson({ a: new Float64Array(1) }), /not a plain object/);
  assert.notEqual(contentKey({ a: 1 }), contentKey({ a: 2 }));
});

Deno.test("codec: every double round-trips bit for bit, in numbers and in Float64Arrays", () => {
  const bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];
  const anyDouble = fc.oneof(
    fc.double(),
    fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((b) =>
      new Float64Array(new BigUint64Array([b]).buffer)[0]
    ),
  );
  fc.assert(
    fc.property(fc.array(anyDouble, { maxLength: 40 }), (xs) => {
      const value = { xs, arr: Float64Array.from(xs), nested: [{ y: xs[0] ?? 1 }] };
      const text = JSON.stringify(encodeValue(value));
      const back = decodeValue(JSON.parse(text)) as typeof value;
      assert.equal(back.xs.length, xs.length);
      xs.forEach((x, i) => {
        if (Number.isNaN(x)) assert.ok(Number.isNaN(back.xs[i]));
        else assert.ok(Object.is(back.xs[i], x));
        assert.equal(bits(back.arr[i]), bits(x), "typed arrays keep NaN payloads too");
      });
      // Canonical: encoding the decoded value gives the same text.
      assert.equal(JSON.stringify(encodeValue(back)), text);
    }),
    { numRuns: 300, seed: 2 },
  );
  assert.throws(
    () => encodeValue({ a: new Float32Array(2) }),
    /\$\.a: cannot encode a Float32Array/,
  );
  assert.throws(() => base64ToF64("AAA="), /bad \$f64 payload/);
  assert.equal(f64ToBase64(new Float64Array(0)), "");
});
