/**
 * Minimum and maximum of arrays of any length.
 *
 * `Math.min(...values)` passes every element as a call argument, and V8 runs out of stack
 * near 120 000 arguments (`RangeError: Maximum call stack size exceeded`): a 4% allocation
 * grid over six strategies (142 506 points, notebook 05) or a long tape's trades are enough.
 * These loops have no size limit and keep `Math.min`/`Math.max` semantics: an empty array
 * gives `Infinity` / `-Infinity`, and a NaN anywhere gives NaN.
 *
 * @module
 */

/**
 * The smallest value of `values` (`Infinity` when empty, NaN when any value is NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minOf } from "./extent.ts";
 * assert.equal(minOf([3, -1, 2]), -1);
 * assert.equal(minOf(new Float64Array(200_000).fill(5)), 5); // Math.min(...x) would throw
 * assert.equal(minOf([]), Infinity);
 * ```
 */
export function minOf(values: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < m || Number.isNaN(v) || (v === 0 && m === 0 && Object.is(v, -0))) m = v;
    if (Number.isNaN(m)) return NaN;
  }
  return m;
}

/**
 * The largest value of `values` (`-Infinity` when empty, NaN when any value is NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maxOf } from "./extent.ts";
 * assert.equal(maxOf([3, -1, 2]), 3);
 * assert.equal(maxOf(Array.from({ length: 200_000 }, (_, i) => i)), 199_999);
 * assert.equal(maxOf([]), -Infinity);
 * ```
 */
export function maxOf(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > m || Number.isNaN(v) || (v === 0 && m === 0 && Object.is(m, -0))) m = v;
    if (Number.isNaN(m)) return NaN;
  }
  return m;
}

/**
 * `[min, max]` of `values` in one pass (`[Infinity, -Infinity]` when empty).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { extent } from "./extent.ts";
 * assert.deepEqual(extent([0.3, 0.1, 0.2]), [0.1, 0.3]);
 * ```
 */
export function extent(values: ArrayLike<number>): [number, number] {
  return [minOf(values), maxOf(values)];
}
