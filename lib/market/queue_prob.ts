/**
 * The probability queue models (hftbacktest's `ProbQueueModel`, after Rigtorp's "Estimating
 * order queue position" and the quant.stackexchange answer it cites): when the displayed
 * quantity at our level falls by more than the trades explain, the excess decrease `c` is
 * split between the quantity ahead of us (`front`) and behind us (`back`), the share ahead
 * being f(front) / (f(front) + f(back)) for an increasing f with f(0) = 0: an order at the head
 * of the queue (front = 0) sees every cancellation behind it, one at the tail (back = 0) sees
 * them all ahead. A share that would take more than the back holds moves the excess to the
 * front. An increase of the level (new orders) joins behind us.
 *
 * Here `back` is the level before the change less the trades since the last change less the
 * quantity ahead (hftbacktest leaves the trades in `back`; the difference matters only when a
 * trade and a cancellation fall in the same depth update). Assumes: cancellations fall on
 * orders ahead and behind in proportion to f of the two quantities. Ignores: order sizes and
 * ages (in real queues, old orders at the front cancel less often). Units: instrument units
 * (the log model is not scale-free).
 *
 * @module
 */
import type { QueueModel } from "./queue.ts";

/**
 * A probability queue model with splitting function `f` (increasing, f(0) = 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probabilityQueueModel } from "./queue_prob.ts";
 * const linear = probabilityQueueModel("linear", (x) => x);
 * // 4 ahead, 4 behind, 2 cancelled: half of it ahead of us
 * assert.equal(linear.depth(4, 0, 8, 6), 3);
 * ```
 */
export function probabilityQueueModel(name: string, f: (x: number) => number): QueueModel {
  return {
    name,
    depth(front: number, traded: number, prev: number, next: number): number {
      const excess = prev - next - traded;
      if (!(excess > 0)) return front < next ? front : next > 0 ? next : 0;
      let back = prev - traded - front;
      if (back < 0) back = 0;
      const ff = f(front), fb = f(back);
      const ahead = ff + fb > 0 ? ff / (ff + fb) : 1;
      let est = front - ahead * excess;
      const behind = (1 - ahead) * excess;
      if (behind > back) est -= behind - back; // the back cannot lose more than it holds
      if (est > next) est = next;
      return est > 0 ? est : 0;
    },
  };
}
