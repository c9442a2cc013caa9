import assert from "node:assert/strict";
import { percentile, quantile, quantileSorted } from "../../lib/analytics/percentile.ts";
import { ValidationError } from "../../lib/errors.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

Deno.test("percentile: numpy linear interpolation, hand values", () => {
  // h = (4 − 1)·0.05 = 0.15 → 1 + 0.15·(2 − 1) = 1.15 (np.percentile([1,2,3,4], 5))
  close(percentile([1, 2, 3, 4], 5), 1.15);
  // sorted [1,2,3,4,7,10]:
  // q=5: h = 5·0.05 = 0.25 → 1.25;  q=25: h = 1.25 → 2 + 0.25 = 2.25
  // q=50: h = 2.5 → 3.5;  q=90: h = 4.5 → 7 + 0.5·3 = 8.5;  q=100 → 10
  const x = [10, 7, 4, 3, 2, 1];
  close(percentile(x, 5), 1.25);
  close(percentile(x, 25), 2.25);
  close(percentile(x, 50), 3.5);
  close(percentile(x, 90), 8.5);
  close(percentile(x, 100), 10);
  close(percentile(x, 0), 1);
  // [-0.1, 0.2, 0.3] at 33 %: h = 0.66 → −0.1 + 0.66·0.3 = 0.098 (numpy: 0.098)
  close(percentile([0.3, -0.1, 0.2], 33), 0.098);
  // at 66.6 %: h = 1.332 → 0.2 + 0.332·0.1 = 0.2332
  close(percentile([0.3, -0.1, 0.2], 66.6), 0.2332);
});

Deno.test("quantile: differs from a nearest-rank rule, handles edge cases", () => {
  // nearest-rank would give 2 for the median of [1,2,3,4]; type 7 gives 2.5
  assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
  assert.equal(quantile([5], 0.3), 5);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  assert.ok(Number.isNaN(quantile([1, NaN, 2], 0.5)));
  assert.equal(quantileSorted(new Float64Array([1, 2]), 1), 2);
  assert.throws(() => quantile([1, 2], 1.5), ValidationError);
  assert.throws(() => percentile([1, 2], -1), ValidationError);
});

Deno.test("quantile: does not mutate its input", () => {
  const x = new Float64Array([3, 1, 2]);
  quantile(x, 0.5);
  assert.deepEqual(Array.from(x), [3, 1, 2]);
});
