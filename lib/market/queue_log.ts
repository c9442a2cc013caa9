/**
 * The logarithmic probability queue model (hftbacktest's `LogProbQueueModel`): the share of a
 * cancellation that falls ahead of us is log(1 + front) / (log(1 + front) + log(1 + back)) (see
 * queue_prob.ts for what the probability models share). Unlike a power, its profile depends on
 * the size of the level: in a deep queue it is close to an even split wherever we stand, in a
 * thin one it leans to the longer side. Not scale-free: quantities are in the instrument's unit
 * (shares, BTC), as in hftbacktest.
 *
 * @module
 */
import type { QueueModel } from "./queue.ts";
import { probabilityQueueModel } from "./queue_prob.ts";

/**
 * The logarithmic model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logQueueModel } from "./queue_log.ts";
 * const m = logQueueModel();
 * const est = m.depth(100, 0, 400, 300); // 100 ahead, 300 behind, 100 cancelled
 * assert.ok(est > 50 && est < 75); // log(101) / (log(101) + log(301)) ≈ 0.45 of it ahead
 * ```
 */
export function logQueueModel(): QueueModel {
  return probabilityQueueModel("log", (x) => Math.log1p(x));
}
