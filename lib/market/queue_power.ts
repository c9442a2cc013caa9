/**
 * The power probability queue model (hftbacktest's `PowerProbQueueModel(n)`): the share of a
 * cancellation that falls ahead of us is front^n / (front^n + back^n) (see queue_prob.ts for
 * what the probability models share). n = 1 splits in proportion to the quantities; a larger
 * n moves cancellations toward the longer side of the queue (with n large, toward the back
 * while we are near the front, so positions advance slowly at first and fast near the end).
 * Scale-free: the unit of quantities does not matter.
 *
 * @module
 */
import type { QueueModel } from "./queue.ts";
import { probabilityQueueModel } from "./queue_prob.ts";

/**
 * The power model with exponent `n` > 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { powerQueueModel } from "./queue_power.ts";
 * const m = powerQueueModel(2);
 * // 2 ahead, 6 behind, 4 cancelled: 4·(4 / (4 + 36)) = 0.4 of it ahead of us
 * assert.ok(Math.abs(m.depth(2, 0, 8, 4) - 1.6) < 1e-12);
 * ```
 */
export function powerQueueModel(n: number): QueueModel {
  if (!(n > 0 && n < Infinity)) throw new RangeError(`power queue model: n must be > 0, got ${n}`);
  return probabilityQueueModel(`power(${n})`, (x) => Math.pow(x, n));
}
