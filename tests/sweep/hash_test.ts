/** Canonical JSON and content keys (property tests). */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { canonicalJson, contentKey } from "../../lib/sweep/hash.ts";

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
