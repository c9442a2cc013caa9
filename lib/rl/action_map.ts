/**
 * The policy acts in a normalized box [-1, 1]^4; this maps it affinely onto the raw
 * action bounds of the env contract:
 *
 *     raw_j = low_j + (clip(a_j, −1, 1) + 1) / 2 · (high_j − low_j)
 *
 * with `low = [0, 0, 0, 0]` and `high = [maxOffsetTicks, maxOffsetTicks, maxQuoteSize,
 * maxQuoteSize]` (bid offset, ask offset in ticks; bid size, ask size in lots). So a = 0
 * quotes maxOffsetTicks / 2 ticks from the mid with maxQuoteSize / 2 lots per side.
 * Sampled actions are clipped to the box after sampling; the log-probability used by PPO
 * is that of the unclipped sample.
 *
 * @module
 */
import type { EnvConfig } from "../env/config.ts";
import { ACT_DIM } from "../env/types.ts";

/** Lower and upper raw bounds per action dimension. */
export interface ActionBounds {
  /** Lower bounds (raw units). */
  readonly low: Float64Array;
  /** Upper bounds (raw units). */
  readonly high: Float64Array;
}

/** The raw action bounds of `cfg` (see the module doc). */
export function actionBounds(cfg: EnvConfig): ActionBounds {
  return {
    low: new Float64Array(ACT_DIM),
    high: Float64Array.of(
      cfg.maxOffsetTicks,
      cfg.maxOffsetTicks,
      cfg.maxQuoteSize,
      cfg.maxQuoteSize,
    ),
  };
}

/**
 * Maps `rows` normalized actions (row-major, `ACT_DIM` each) to raw actions in `out`,
 * clipping to [-1, 1] first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEnvConfig } from "../env/config.ts";
 * import { actionBounds, toRawActions } from "./action_map.ts";
 * const cfg = parseEnvConfig(); // maxOffsetTicks 20, maxQuoteSize 5
 * const out = new Float64Array(4);
 * toRawActions(Float64Array.of(-1, 0, 1, 3), 1, actionBounds(cfg), out);
 * assert.deepEqual([...out], [0, 10, 5, 5]); // 3 is clipped to 1
 * ```
 */
export function toRawActions(
  normalized: ArrayLike<number>,
  rows: number,
  bounds: ActionBounds,
  out: Float64Array,
): void {
  const { low, high } = bounds;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < ACT_DIM; j++) {
      let a = normalized[r * ACT_DIM + j];
      a = a > 1 ? 1 : a < -1 ? -1 : a;
      out[r * ACT_DIM + j] = low[j] + (a + 1) * 0.5 * (high[j] - low[j]);
    }
  }
}

/** The inverse map (raw → normalized), for actions inside the bounds. */
export function toNormalizedActions(
  raw: ArrayLike<number>,
  rows: number,
  bounds: ActionBounds,
  out: Float64Array,
): void {
  const { low, high } = bounds;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < ACT_DIM; j++) {
      out[r * ACT_DIM + j] = 2 * (raw[r * ACT_DIM + j] - low[j]) / (high[j] - low[j]) - 1;
    }
  }
}
