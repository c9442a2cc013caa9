/**
 * Helpers shared by the market-making agents: turning quote prices into the action
 * layout's offsets (ticks from the observed mid, clipped to the action bounds) and
 * writing one environment's action row. All functions are allocation-free.
 *
 * @module
 */
import { ACT, ACT_DIM } from "../env/types.ts";
import { clipOffset } from "../env/action.ts";

export { clipOffset };

/**
 * Offset in ticks of a bid at `bidPrice` below `mid`, clipped to [0, maxOffsetTicks].
 * A bid at or above the mid (the wrong side) gets offset 0: the most aggressive quote
 * the action space allows. A non-finite price also gives 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bidOffsetTicks } from "./quotes.ts";
 * assert.ok(Math.abs(bidOffsetTicks(100, 99.97, 0.01, 20) - 3) < 1e-9); // 3 up to float rounding
 * assert.equal(bidOffsetTicks(100, 100.5, 0.01, 20), 0); // the wrong side of the mid
 * ```
 */
export function bidOffsetTicks(
  mid: number,
  bidPrice: number,
  tickSize: number,
  maxOffsetTicks: number,
): number {
  return clipOffset((mid - bidPrice) / tickSize, maxOffsetTicks);
}

/**
 * Offset in ticks of an ask at `askPrice` above `mid`, clipped to [0, maxOffsetTicks];
 * an ask at or below the mid gets offset 0 (see {@linkcode bidOffsetTicks}).
 */
export function askOffsetTicks(
  mid: number,
  askPrice: number,
  tickSize: number,
  maxOffsetTicks: number,
): number {
  return clipOffset((askPrice - mid) / tickSize, maxOffsetTicks);
}

/** Writes the action row of environment `i` into `out` (row-major N × ACT_DIM). */
export function writeAction(
  out: Float64Array,
  i: number,
  bidOffset: number,
  askOffset: number,
  bidSize: number,
  askSize: number,
): void {
  const o = i * ACT_DIM;
  out[o + ACT.BID_OFFSET] = bidOffset;
  out[o + ACT.ASK_OFFSET] = askOffset;
  out[o + ACT.BID_SIZE] = bidSize;
  out[o + ACT.ASK_SIZE] = askSize;
}

/** Writes a "no quote" row (offsets 0, sizes 0) for environment `i`. */
export function writeNoQuote(out: Float64Array, i: number): void {
  writeAction(out, i, 0, 0, 0, 0);
}
