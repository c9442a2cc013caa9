/** The exact value codec (property tests). */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { base64ToF64, decodeValue, encodeValue, f64ToBase64 } from "../lib/codec.ts";

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

Deno.test("codec: with sortKeys false a decoded object keeps every key where it was", () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  fc.assert(
    fc.property(json, fc.double(), (v, x) => {
      const value = { z: v, a: x, m: [{ y: 1, b: v }] };
      const text = JSON.stringify(encodeValue(value, { sortKeys: false }));
      const back = decodeValue(JSON.parse(text));
      // what JSON.stringify writes of the original, it writes of the copy (non-finite numbers
      // and -0 aside, which JSON cannot hold and the codec keeps)
      assert.equal(JSON.stringify(back), JSON.stringify(value));
      if (Number.isNaN(x)) assert.ok(Number.isNaN((back as typeof value).a));
      else assert.ok(Object.is((back as typeof value).a, x));
    }),
    { numRuns: 200, seed: 5 },
  );
});

Deno.test("codec: a key named __proto__ is data, kept as such both ways", () => {
  const value = JSON.parse(
    '{"a": 1, "__proto__": {"x": NaN}, "b": [{"__proto__": 2}]}'.replace("NaN", "0"),
  );
  (value.__proto__ as { x: number }).x = NaN; // JSON.parse made it an own property
  for (const sortKeys of [true, false]) {
    const text = JSON.stringify(encodeValue(value, { sortKeys }));
    assert.ok(text.includes('"__proto__":{"x":{"$n":"NaN"}}'), text);
    const back = decodeValue(JSON.parse(text)) as Record<string, unknown>;
    assert.ok(Object.hasOwn(back, "__proto__"));
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.ok(
      Number.isNaN((Object.getOwnPropertyDescriptor(back, "__proto__")!.value as { x: number }).x),
    );
    assert.equal(JSON.stringify(encodeValue(back, { sortKeys })), text);
  }
});
