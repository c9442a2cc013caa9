/**
 * Refill after a large move: when the price moves away from one side of the book by `lag`
 * ticks, the liquidity providers of that side re-post it together after a delay drawn once
 * per move, exponential with mean `msPerTick`·lag milliseconds, on top of each order's own
 * reaction delay (`reaction.ts`). Until then the book is a gap between the side the price
 * swept through (re-posted at once near the new price) and the trailing side, as wide as the
 * move: the Binance BTCUSDT tape's wide books are exactly that (13 gaps of 5 to 2,313 ticks,
 * every one with the side the price moved away from trailing, lasting one to three 100-ms
 * snapshots, seen after 6 % of the 100-ms moves of 50 ticks and 40 % of those of 1,000).
 * Small lags (a tick or two) refill in a fraction of a millisecond, so the model leaves the
 * one-tick book's ordinary requoting alone.
 *
 * Assumes: one delay per move and side (the side's providers withdraw and come back
 * together), its mean proportional to the distance the book must travel; the delay is drawn
 * when the side is first seen lagging and not redrawn while it keeps lagging. Ignores: a
 * refill that comes back in steps (part of the side first), dependence on the volatility
 * regime, and any asymmetry between up and down moves. Units: milliseconds per tick of lag;
 * the delay in nanoseconds. Off (`msPerTick` 0) by default; fitted by
 * `lib/calibration/fit_refill.ts` on one-tick markets.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Rng } from "../rng/rng.ts";
import type { Infer } from "../validation.ts";

/**
 * Schema of the refill model.
 *
 * @ignore
 */
export const refillConfigSchema = z.strictObject({
  /**
   * Mean refill delay per tick of lag, milliseconds (exponential delay of mean
   * `msPerTick`·lag); 0: off.
   */
  msPerTick: z.number().min(0).max(1_000).default(0),
});

/** The refill model's config (see the schema's field docs). */
export type RefillConfig = Infer<typeof refillConfigSchema>;

/** How long the side the price moved away from stays withdrawn. */
export interface RefillModel {
  /** Mean delay per tick of lag, milliseconds. */
  readonly msPerTick: number;
  /** One draw of the side's refill delay (ns) after the price left it `lagTicks` behind. */
  delayNs(lagTicks: number, rng: Rng): number;
}

/**
 * The mean refill delay (ms) after a lag of `lagTicks` ticks: `msPerTick`·lag (0 for a lag
 * of 0 or less).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refillMeanMs } from "./refill.ts";
 * assert.equal(refillMeanMs(0.03, 1_000), 30); // a 1,000-tick move: 30 ms on average
 * assert.equal(refillMeanMs(0.03, -5), 0);
 * ```
 */
export function refillMeanMs(msPerTick: number, lagTicks: number): number {
  return lagTicks > 0 ? msPerTick * lagTicks : 0;
}

/**
 * The default refill model (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../rng/rng.ts";
 * import { LagProportionalRefill } from "./refill.ts";
 * const m = new LagProportionalRefill({ msPerTick: 0.05 });
 * const rng = new Rng(1);
 * let s = 0;
 * for (let i = 0; i < 20_000; i++) s += m.delayNs(200, rng);
 * assert.ok(Math.abs(s / 20_000 / 1e6 - 10) < 0.5); // mean 0.05 ms × 200 ticks = 10 ms
 * assert.equal(m.delayNs(0, rng), 0);
 * ```
 */
export class LagProportionalRefill implements RefillModel {
  readonly msPerTick: number;

  /** Creates the model from its config. */
  constructor(cfg: RefillConfig) {
    this.msPerTick = cfg.msPerTick;
  }

  delayNs(lagTicks: number, rng: Rng): number {
    const mean = refillMeanMs(this.msPerTick, lagTicks);
    return mean > 0 ? rng.exponential(1) * mean * 1e6 : 0;
  }
}

/** The refill model of `cfg`, or undefined when it is off (`msPerTick` 0). */
export function createRefillModel(cfg: RefillConfig): RefillModel | undefined {
  return cfg.msPerTick > 0 ? new LagProportionalRefill(cfg) : undefined;
}
