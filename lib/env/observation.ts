/**
 * Helpers shared by both tiers for writing the 9-D observation (its elements are
 * documented at {@linkcode OBS}): the clip every normalized element goes through,
 * and the start-of-episode observation.
 *
 * @module
 */
import { OBS, OBS_DIM } from "./types.ts";

/** Bound of every normalized observation element: values are clipped to ±5. */
export const OBS_CLIP = 5;

/**
 * Clips a normalized observation element to [−{@linkcode OBS_CLIP}, +{@linkcode OBS_CLIP}].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clipObservation } from "./observation.ts";
 * assert.equal(clipObservation(12), 5);
 * assert.equal(clipObservation(-0.3), -0.3);
 * ```
 */
export function clipObservation(x: number): number {
  // Literal bounds (equal to OBS_CLIP): this sits in both tiers' hot loops.
  return x < -5 ? -5 : x > 5 ? 5 : x;
}

/**
 * Writes env `i`'s start-of-episode observation into `obs` (row-major, `OBS_DIM` per
 * env): flat, all the time left, spread `spreadTicks` (normalized as ticks / 10),
 * no return or trade flow, volatility at its prior (1), book imbalance `imbalance`,
 * and no queue ahead of either quote (1 = no resting quote).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resetObservationRow } from "./observation.ts";
 * import { OBS, OBS_DIM } from "./types.ts";
 * const obs = new Float64Array(2 * OBS_DIM);
 * resetObservationRow(obs, 1, 2, 0); // row 1: a 2-tick spread, balanced book
 * assert.equal(obs[OBS_DIM + OBS.SPREAD], 0.2);
 * assert.equal(obs[OBS_DIM + OBS.TIME_LEFT], 1);
 * assert.equal(obs[OBS.TIME_LEFT], 0); // row 0 untouched
 * ```
 */
export function resetObservationRow(
  obs: Float64Array,
  i: number,
  spreadTicks: number,
  imbalance: number,
): void {
  const o = i * OBS_DIM;
  obs[o + OBS.INVENTORY] = 0;
  obs[o + OBS.TIME_LEFT] = 1;
  obs[o + OBS.SPREAD] = clipObservation(spreadTicks / 10);
  obs[o + OBS.RETURN] = 0;
  obs[o + OBS.VOLATILITY] = 1;
  obs[o + OBS.IMBALANCE] = imbalance;
  obs[o + OBS.TRADE_FLOW] = 0;
  obs[o + OBS.BID_QUEUE] = 1;
  obs[o + OBS.ASK_QUEUE] = 1;
}
