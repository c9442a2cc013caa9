/**
 * Queue-position models for replaying L2 (market-by-price) data, as in hftbacktest: an L2
 * feed shows how much rests at a price, not where our order stands in it, so when the
 * displayed quantity at our level falls without a trade (cancellations), a model decides how
 * much of the decrease was ahead of us. Each model is one small object, passed in (a user may
 * pass their own); the replay tier (lib/env/replay_env.ts) owns what every model shares:
 *
 * - our order joins behind everything displayed at its price when it reaches the exchange
 *   (the replayed book never contains our own order);
 * - a trade at our price executes the front of the queue first: it reduces the quantity ahead
 *   of us by its size, and what it trades beyond that fills us (partially, if need be);
 * - after a trade, the feed's next depth update at the level repeats the decrease the trade
 *   caused; models receive the quantity traded since the last update to avoid counting it
 *   twice.
 *
 * Quantities passed to a model are in the instrument's unit (shares, BTC), the unit in which
 * the logarithmic model's `log(1 + x)` is meant. Where the tape carries order ids (LOBSTER) the
 * replay tier does not use these models: positions there are exact (see docs/replay.md).
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Infer } from "../validation.ts";
import { logQueueModel } from "./queue_log.ts";
import { powerQueueModel } from "./queue_power.ts";
import { riskAverseQueueModel } from "./queue_risk_averse.ts";

/**
 * Estimates the quantity ahead of our resting order at an L2 level.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { QueueModel } from "./queue.ts";
 * // a model in which every cancellation is ahead of us (the optimistic bound)
 * const optimistic: QueueModel = {
 *   name: "optimistic",
 *   depth: (front, traded, prev, next) => Math.max(0, front - Math.max(0, prev - traded - next)),
 * };
 * assert.equal(optimistic.depth(5, 0, 10, 7), 2);
 * ```
 */
export interface QueueModel {
  /** A short name (reports, errors). */
  readonly name: string;
  /**
   * The quantity ahead of our order after the displayed quantity at its level changed from
   * `prevQty` to `newQty`, given `front`, the quantity ahead before the change (trades since
   * the last change already taken off), and `traded`, the quantity traded at the level since
   * the last change (already part of the decrease `prevQty − newQty`). Must return a value in
   * [0, newQty].
   */
  depth(front: number, traded: number, prevQty: number, newQty: number): number;
}

/**
 * Schema of the queue model of the replay tier (`replay.queue` in the env config).
 *
 * @ignore
 */
export const queueModelSpecSchema = z.discriminatedUnion("model", [
  /** Only trades advance us: every cancellation is behind us (hftbacktest's default). */
  z.strictObject({ model: z.literal("risk-averse") }),
  /** A decrease is split ahead/behind with f(x) = x^n of the quantities behind and ahead. */
  z.strictObject({
    model: z.literal("power"),
    /** The exponent n of f(x) = x^n (1: proportional; larger: cancellations nearer the back). */
    n: z.number().min(0.01).max(100).default(2),
  }),
  /** A decrease is split ahead/behind with f(x) = log(1 + x) (instrument units). */
  z.strictObject({ model: z.literal("log") }),
]);

/** A queue model's name and parameters (see the schema). */
export type QueueModelSpec = Infer<typeof queueModelSpecSchema>;

/**
 * The queue model `spec` describes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createQueueModel } from "./queue.ts";
 * const m = createQueueModel({ model: "risk-averse" });
 * assert.equal(m.depth(5, 0, 10, 7), 5); // 3 cancelled: assumed behind us
 * assert.equal(m.depth(5, 0, 10, 4), 4); // the level shrank below our position
 * ```
 */
export function createQueueModel(spec: QueueModelSpec): QueueModel {
  switch (spec.model) {
    case "risk-averse":
      return riskAverseQueueModel();
    case "power":
      return powerQueueModel(spec.n ?? 2);
    case "log":
      return logQueueModel();
  }
}
