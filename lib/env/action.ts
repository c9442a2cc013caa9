/**
 * Action validation and clipping, shared by both fidelity tiers (layout in
 * {@linkcode ACT}).
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import type { EnvConfig } from "./config.ts";
import { ACT, ACT_DIM } from "./types.ts";

/**
 * Validates a row-major batch of raw actions (`numEnvs × ACT_DIM`, with `numEnvs =
 * out.length / ACT_DIM`) and writes the clipped actions into `out`:
 * - `ACT.BID_OFFSET`, `ACT.ASK_OFFSET`: clipped to [0, `maxOffsetTicks`] ticks;
 * - `ACT.BID_SIZE`, `ACT.ASK_SIZE`: clipped to [0, `maxQuoteSize`] lots, then rounded to
 *   the nearest integer (0 = no quote).
 *
 * All values are checked before anything is written: a non-finite value throws a
 * {@linkcode ValidationError} naming `action[i]` (i the flat index in the batch) and
 * leaves `out` unchanged; a batch of the wrong length names `actions.length`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clipActions } from "./action.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const out = new Float64Array(4);
 * clipActions([-3, 1e9, 2.6, 99], out, parseEnvConfig());
 * assert.deepEqual([...out], [0, 20, 3, 5]); // maxOffsetTicks 20, sizes rounded, maxQuoteSize 5
 * ```
 */
export function clipActions(actions: ArrayLike<number>, out: Float64Array, cfg: EnvConfig): void {
  const n = out.length;
  validateActions(actions, n / ACT_DIM);
  const maxOff = cfg.maxOffsetTicks;
  const maxSize = cfg.maxQuoteSize;
  for (let i = 0; i < n; i += ACT_DIM) {
    out[i + ACT.BID_OFFSET] = clip(actions[i + ACT.BID_OFFSET], maxOff);
    out[i + ACT.ASK_OFFSET] = clip(actions[i + ACT.ASK_OFFSET], maxOff);
    out[i + ACT.BID_SIZE] = Math.round(clip(actions[i + ACT.BID_SIZE], maxSize));
    out[i + ACT.ASK_SIZE] = Math.round(clip(actions[i + ACT.ASK_SIZE], maxSize));
  }
}

/**
 * Checks that a raw batch holds `numEnvs × ACT_DIM` values (a {@linkcode ValidationError}
 * naming `actions.length` otherwise) and returns that count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateActionCount } from "./action.ts";
 * assert.equal(validateActionCount(new Float64Array(8), 2), 8);
 * assert.throws(() => validateActionCount([1, 2, 3], 1), /actions\.length/);
 * ```
 */
export function validateActionCount(actions: ArrayLike<number>, numEnvs: number): number {
  const n = numEnvs * ACT_DIM;
  if (actions.length !== n) {
    throw new ValidationError("actions.length", actions.length, `${n} (numEnvs × ${ACT_DIM})`);
  }
  return n;
}

/**
 * Checks a raw batch without writing anything: throws a {@linkcode ValidationError}
 * naming `actions.length` unless it holds `numEnvs × ACT_DIM` values, or naming
 * `action[i]` at the first non-finite value. (For envs that clip inline with
 * {@linkcode clipOffset} / {@linkcode clipSize}.)
 */
export function validateActions(actions: ArrayLike<number>, numEnvs: number): void {
  const n = validateActionCount(actions, numEnvs);
  if (actions instanceof Float64Array) {
    const bad = firstNonFinite(actions);
    if (bad < 0) return;
    throw new ValidationError(`action[${bad}]`, actions[bad], "a finite number");
  }
  for (let i = 0; i < n; i++) {
    const v = actions[i];
    if (typeof v !== "number" || v - v !== 0) {
      throw new ValidationError(`action[${i}]`, v, "a finite number");
    }
  }
}

/** An offset (ticks) clipped to [0, maxOffsetTicks]; NaN becomes 0. */
export function clipOffset(v: number, maxOffsetTicks: number): number {
  return !(v > 0) ? 0 : v > maxOffsetTicks ? maxOffsetTicks : v;
}

/**
 * An offset (ticks) clipped to [−maxOffsetTicks, maxOffsetTicks], for the model tier with
 * `model.allowCrossing` (a negative offset puts the quote on the far side of the mid); NaN
 * becomes 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clipOffsetSigned } from "./action.ts";
 * assert.equal(clipOffsetSigned(-3, 20), -3);
 * assert.equal(clipOffsetSigned(-30, 20), -20);
 * ```
 */
export function clipOffsetSigned(v: number, maxOffsetTicks: number): number {
  return v > maxOffsetTicks
    ? maxOffsetTicks
    : v < -maxOffsetTicks
    ? -maxOffsetTicks
    : v === v
    ? v
    : 0;
}

/** A finite size clipped to [0, maxQuoteSize] lots and rounded to the nearest integer. */
export function clipSize(v: number, maxQuoteSize: number): number {
  return Math.round(v < 0 ? 0 : v > maxQuoteSize ? maxQuoteSize : v);
}

function clip(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v;
}

/**
 * The index of the first value of `values` that is NaN or infinite, or −1 when every value
 * is finite. The common case costs one pass of multiply-adds and no branch per value: x·0 is
 * ±0 for finite x and NaN otherwise, summed in four independent sums (tested with `>=`: a
 * `=== 0` test here made V8 deoptimize on every call); only a batch with a bad value is
 * scanned again for its index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { firstNonFinite } from "./action.ts";
 * assert.equal(firstNonFinite(new Float64Array([1, -2, 3e300])), -1);
 * assert.equal(firstNonFinite(new Float64Array([1, NaN, Infinity])), 1);
 * assert.equal(firstNonFinite(new Float64Array(0)), -1);
 * ```
 */
export function firstNonFinite(values: Float64Array): number {
  const n = values.length;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += values[i] * 0;
    s1 += values[i + 1] * 0;
    s2 += values[i + 2] * 0;
    s3 += values[i + 3] * 0;
  }
  for (; i < n; i++) s0 += values[i] * 0;
  if (s0 + s1 + s2 + s3 >= 0) return -1;
  for (let j = 0; j < n; j++) {
    if (values[j] - values[j] !== 0) return j;
  }
  return -1;
}
