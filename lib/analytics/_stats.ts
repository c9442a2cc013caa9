/**
 * Internal helpers: `npm:simple-statistics` moments on typed arrays, and small
 * validation helpers shared by the analytics modules.
 *
 * @module
 */
import {
  mean as ssMean,
  sampleStandardDeviation as ssSampleStd,
} from "npm:simple-statistics@7.12.1";
import { ValidationError } from "../errors.ts";

// simple-statistics only reads `length` and numeric indices, so typed arrays work at
// runtime without copying; its typings ask for `readonly number[]`.
function view(x: ArrayLike<number>): readonly number[] {
  return x as unknown as readonly number[];
}

/** Arithmetic mean (Kahan–Babuška summation, via simple-statistics); NaN when empty. */
export function meanOf(x: ArrayLike<number>): number {
  return x.length === 0 ? NaN : ssMean(view(x));
}

/** Sample standard deviation (ddof = 1, via simple-statistics); NaN when fewer than 2 values. */
export function sampleStdOf(x: ArrayLike<number>): number {
  return x.length < 2 ? NaN : ssSampleStd(view(x));
}

/** Throws unless `x` is a finite number > 0. */
export function requirePositive(field: string, x: number): number {
  if (typeof x !== "number" || !Number.isFinite(x) || x <= 0) {
    throw new ValidationError(field, x, "a finite number > 0");
  }
  return x;
}

/** Throws unless `x` is in the open interval (0, 1). */
export function requireUnitOpen(field: string, x: number): number {
  if (typeof x !== "number" || !(x > 0 && x < 1)) {
    throw new ValidationError(field, x, "a number in (0, 1)");
  }
  return x;
}

/** The finite values of `x`, in order, as a new array. */
export function finiteValues(x: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) n++;
  const out = new Float64Array(n);
  for (let i = 0, j = 0; i < x.length; i++) if (Number.isFinite(x[i])) out[j++] = x[i];
  return out;
}
