/**
 * The risk-averse queue model (hftbacktest's `RiskAverseQueueModel`): our queue position
 * advances only when trades happen at our price.
 *
 * Assumes: every decrease of the displayed quantity that is not a trade (a cancellation or
 * a modification) happens behind us, so the quantity ahead changes only by trades — except
 * that it can never exceed what the level displays. Ignores: cancellations ahead of us, which
 * happen in every real queue; fills are therefore the latest a queue could give (a lower bound
 * on the fill rate of a passive order). Units: any consistent quantity unit.
 *
 * @module
 */
import type { QueueModel } from "./queue.ts";

/**
 * The risk-averse model: ahead = min(ahead, new level quantity).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { riskAverseQueueModel } from "./queue_risk_averse.ts";
 * const m = riskAverseQueueModel();
 * assert.equal(m.depth(6, 0, 10, 8), 6); // 2 cancelled, behind us
 * assert.equal(m.depth(6, 0, 10, 3), 3);
 * ```
 */
export function riskAverseQueueModel(): QueueModel {
  return {
    name: "risk-averse",
    depth: (front, _traded, _prev, next) => (front < next ? front : next > 0 ? next : 0),
  };
}
