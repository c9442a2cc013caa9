import assert from "node:assert/strict";
import {
  clipActions,
  clipOffset,
  clipSize,
  firstNonFinite,
  validateActions,
} from "../../lib/env/action.ts";
import { Xoshiro128 } from "../../lib/rng/xoshiro.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { ValidationError } from "../../lib/errors.ts";

const cfg = parseEnvConfig({ maxOffsetTicks: 20, maxQuoteSize: 5 });

Deno.test("clipActions clips offsets and sizes, rounds sizes", () => {
  const out = new Float64Array(8);
  clipActions([-3, 1e300, 2.6, 99, 1.25, 7, -1e300, 2.4], out, cfg);
  assert.deepEqual(Array.from(out), [0, 20, 3, 5, 1.25, 7, 0, 2]);
  assert.equal(clipOffset(-0.1, 20), 0);
  assert.equal(clipSize(4.5, 5), 5);
});

Deno.test("non-finite actions name action[i] and leave out unchanged", () => {
  const out = new Float64Array(8).fill(9);
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.throws(
      () => clipActions([1, 1, 1, 1, 1, 1, bad, 1], out, cfg),
      (e: unknown) => e instanceof ValidationError && e.field === "action[6]",
    );
  }
  assert.deepEqual(Array.from(out), new Array(8).fill(9));
  assert.throws(
    () => validateActions([1, 2, 3], 1),
    (e: unknown) => e instanceof ValidationError && e.field === "actions.length",
  );
});

Deno.test("firstNonFinite: the index of the first NaN or ±Infinity, against a plain scan (property)", () => {
  const rng = new Xoshiro128(5, "first-non-finite");
  const specials = [NaN, Infinity, -Infinity];
  for (let trial = 0; trial < 2000; trial++) {
    const n = Math.floor(rng.next() * 40);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      v[i] = (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 600 - 300);
    }
    const bad = Math.floor(rng.next() * 4); // 0–3 non-finite values
    for (let k = 0; k < bad && n > 0; k++) {
      v[Math.floor(rng.next() * n)] = specials[Math.floor(rng.next() * 3)];
    }
    // large finite values whose sum overflows are still finite
    if (n > 1 && rng.next() < 0.2) v[0] = v[1] = Number.MAX_VALUE;
    const expected = v.findIndex((x) => !Number.isFinite(x));
    assert.equal(firstNonFinite(v), expected, `trial ${trial}: ${Array.from(v)}`);
  }
});
