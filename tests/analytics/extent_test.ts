import assert from "node:assert/strict";
import fc from "fast-check";
import { extent, maxOf, minOf } from "../../lib/analytics/extent.ts";

Deno.test("minOf/maxOf take arrays far beyond the call-argument limit (notebook 05's grid)", () => {
  // 142 506 = the compositions of 25 into 6 parts: notebook 05's allocation grid, where
  // Math.max(...risks) threw "RangeError: Maximum call stack size exceeded".
  const n = 142_506;
  const risks = Array.from({ length: n }, (_, i) => Math.sin(i) + 2);
  assert.throws(() => Math.max(...Array.from({ length: 1_000_000 }, () => 1)), RangeError);
  const [lo, hi] = extent(risks);
  let l = Infinity, h = -Infinity;
  for (const r of risks) {
    l = Math.min(l, r);
    h = Math.max(h, r);
  }
  assert.equal(lo, l);
  assert.equal(hi, h);
  assert.equal(maxOf(new Float64Array(1_000_000).fill(-3)), -3);
});

Deno.test("minOf/maxOf agree with Math.min/Math.max on small arrays, NaN and empty included", () => {
  fc.assert(fc.property(
    fc.array(fc.oneof(fc.double(), fc.constant(NaN), fc.constant(-0)), { maxLength: 50 }),
    (xs) => {
      assert.ok(Object.is(minOf(xs), Math.min(...xs)), `min of ${xs}`);
      assert.ok(Object.is(minOf([0, ...xs, -0]), Math.min(0, ...xs, -0)));
      assert.ok(Object.is(maxOf([-0, ...xs, 0]), Math.max(-0, ...xs, 0)));
      assert.ok(Object.is(maxOf(xs), Math.max(...xs)), `max of ${xs}`);
    },
  ));
});
