/**
 * The touch baselines: the simplest rules that could explain a learned market maker's
 * results in a market that pays for volume at the touch.
 *
 * - `touch` ({@linkcode TouchAgent}): quote `size` lots at the observed best bid and best
 *   ask (join the touch); when long, back the bid off by `backoffTicks` ticks, when short
 *   the ask — so that inventory is unwound by the side left at the touch; and never hold
 *   more than `inventoryLimit` lots either way (the side whose fill would pass it is not
 *   quoted).
 * - `touch-skew` ({@linkcode TouchSkewAgent}): join the touch, then shift both quotes by
 *   `skewTicksPerLot` ticks per lot of inventory against it (long: both lower, so the ask
 *   improves into the spread and the bid backs off), never crossing the observed mid.
 *
 * Both read only `view.bestBid`, `view.bestAsk`, `view.mid` and `view.inventory` (what a
 * strategy may legitimately see, through the market-data latency in the book tier). When a
 * side of the observed book is empty, that side quotes `emptyOffsetTicks` from the mid.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ACT_DIM, type AgentView } from "../env/types.ts";
import type { Infer } from "../validation.ts";
import { parseParams, sizeSchema } from "./params.ts";
import { clipOffset, writeAction } from "./quotes.ts";
import type { Agent, AgentContext } from "./types.ts";

/**
 * Offsets are pulled in by this many ticks before the book tier's rounding away from the
 * mid (bid = ⌊mid − offset⌋, ask = ⌈mid + offset⌉), so that a price exactly on the touch is
 * not pushed one tick further by floating-point noise.
 */
const EPS_TICKS = 1e-6;

/**
 * The `touch` agent's `inventoryLimit` when it has none of its own: the largest value the
 * env's `maxInventory` may take, so that only the env's limit applies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NO_INVENTORY_LIMIT, TouchAgent } from "./touch.ts";
 * assert.equal(new TouchAgent().params.inventoryLimit, NO_INVENTORY_LIMIT);
 * ```
 */
export const NO_INVENTORY_LIMIT = 1_000_000;

/**
 * Schema of {@linkcode TouchAgent}'s parameters.
 *
 * @ignore
 */
export const touchParamsSchema = z.strictObject({
  /** Quote size on each side, lots (clipped to maxQuoteSize). */
  size: sizeSchema.default(1),
  /** Ticks the bid (when long) or the ask (when short) backs off from the touch. */
  backoffTicks: z.number().min(0).max(10_000).default(1),
  /**
   * Largest |inventory| the agent takes on, lots: a side whose full fill would take the
   * inventory beyond ±`inventoryLimit` is not quoted (the env's own `maxInventory` still
   * applies; the default, {@linkcode NO_INVENTORY_LIMIT}, leaves only that one).
   */
  inventoryLimit: z.number().int().min(1).max(NO_INVENTORY_LIMIT).default(NO_INVENTORY_LIMIT),
  /** Offset from the mid of a side whose observed best quote is missing, ticks. */
  emptyOffsetTicks: z.number().min(0).max(10_000).default(2),
});

/** Parameters of {@linkcode TouchAgent} (see the schema's field docs). */
export type TouchParams = Infer<typeof touchParamsSchema>;

/**
 * Schema of {@linkcode TouchSkewAgent}'s parameters.
 *
 * @ignore
 */
export const touchSkewParamsSchema = z.strictObject({
  /** Quote size on each side, lots (clipped to maxQuoteSize). */
  size: sizeSchema.default(1),
  /** Ticks both quotes move per lot of inventory, against the inventory. */
  skewTicksPerLot: z.number().min(0).max(10_000).default(0.5),
  /** Offset from the mid of a side whose observed best quote is missing, ticks. */
  emptyOffsetTicks: z.number().min(0).max(10_000).default(2),
});

/** Parameters of {@linkcode TouchSkewAgent} (see the schema's field docs). */
export type TouchSkewParams = Infer<typeof touchSkewParamsSchema>;

/** Distance of the observed best bid below the mid, ticks (NaN when the side is empty). */
function touchBidTicks(view: AgentView, i: number, tick: number): number {
  return (view.mid[i] - view.bestBid[i]) / tick;
}

/** Distance of the observed best ask above the mid, ticks (NaN when the side is empty). */
function touchAskTicks(view: AgentView, i: number, tick: number): number {
  return (view.bestAsk[i] - view.mid[i]) / tick;
}

/**
 * Joins the touch with `size` lots, backs off the side that would grow inventory and, at
 * `inventoryLimit`, stops quoting it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TouchAgent } from "./touch.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * const agent = new TouchAgent({ backoffTicks: 2 });
 * agent.reset({ config: parseEnvConfig(), numEnvs: 1, seed: 0 });
 * const view = {
 *   mid: new Float64Array([100.005]), bestBid: new Float64Array([100]),
 *   bestAsk: new Float64Array([100.01]), inventory: new Float64Array([3]),
 *   timeLeft: new Float64Array([1]), sigma: new Float64Array([0.01]),
 * };
 * const out = new Float64Array(4);
 * agent.act(new Float64Array(9), view, out);
 * assert.ok(Math.abs(out[0] - 2.5) < 1e-3); // long: the bid backs off two ticks
 * assert.ok(Math.abs(out[1] - 0.5) < 1e-3); // the ask stays at the touch
 * assert.deepEqual([out[2], out[3]], [1, 1]); // one lot each side
 *
 * const limited = new TouchAgent({ inventoryLimit: 3 });
 * limited.reset({ config: parseEnvConfig(), numEnvs: 1, seed: 0 });
 * limited.act(new Float64Array(9), view, out);
 * assert.deepEqual([out[2], out[3]], [0, 1]); // long 3 at a limit of 3: no bid
 * ```
 */
export class TouchAgent implements Agent {
  /** Registry id. */
  readonly id = "touch";
  /** Display name. */
  readonly name = "Touch";
  /** The validated parameters. */
  readonly params: Readonly<TouchParams>;
  #tick = 0.01;
  #maxOff = 20;
  #size = 1;

  /** Creates the agent; throws a ValidationError naming a bad parameter. */
  constructor(params: Partial<TouchParams> = {}) {
    this.params = Object.freeze(parseParams(touchParamsSchema, this.id, params));
  }

  /** Reads the tick size and action bounds from `ctx.config`. */
  reset(ctx: AgentContext): void {
    this.#tick = ctx.config.tickSize;
    this.#maxOff = ctx.config.maxOffsetTicks;
    this.#size = Math.min(this.params.size, ctx.config.maxQuoteSize);
  }

  /**
   * Writes each env's quotes at the touch, the inventory-growing side backed off (and not
   * quoted where its fill would pass `inventoryLimit`).
   */
  act(_observations: Float64Array, view: AgentView, out: Float64Array): void {
    const n = out.length / ACT_DIM;
    const tick = this.#tick, maxOff = this.#maxOff, empty = this.params.emptyOffsetTicks;
    const back = this.params.backoffTicks, limit = this.params.inventoryLimit;
    const size = this.#size;
    for (let i = 0; i < n; i++) {
      const q = view.inventory[i];
      let b = touchBidTicks(view, i, tick);
      let a = touchAskTicks(view, i, tick);
      if (!(b >= 0)) b = empty;
      if (!(a >= 0)) a = empty;
      if (q > 0) b += back;
      else if (q < 0) a += back;
      const bo = clipOffset(b - EPS_TICKS, maxOff);
      const ao = clipOffset(a - EPS_TICKS, maxOff);
      writeAction(out, i, bo, ao, q + size > limit ? 0 : size, size - q > limit ? 0 : size);
    }
  }
}

/**
 * Joins the touch and skews both quotes against inventory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TouchSkewAgent } from "./touch.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * const agent = new TouchSkewAgent({ skewTicksPerLot: 1 });
 * agent.reset({ config: parseEnvConfig(), numEnvs: 1, seed: 0 });
 * const view = {
 *   mid: new Float64Array([100]), bestBid: new Float64Array([99.98]),
 *   bestAsk: new Float64Array([100.02]), inventory: new Float64Array([1]),
 *   timeLeft: new Float64Array([1]), sigma: new Float64Array([0.01]),
 * };
 * const out = new Float64Array(4);
 * agent.act(new Float64Array(9), view, out);
 * assert.ok(Math.abs(out[0] - 3) < 1e-3); // bid one tick further from the mid
 * assert.ok(Math.abs(out[1] - 1) < 1e-3); // ask one tick inside the spread
 * ```
 */
export class TouchSkewAgent implements Agent {
  /** Registry id. */
  readonly id = "touch-skew";
  /** Display name. */
  readonly name = "Touch (skewed)";
  /** The validated parameters. */
  readonly params: Readonly<TouchSkewParams>;
  #tick = 0.01;
  #maxOff = 20;
  #size = 1;

  /** Creates the agent; throws a ValidationError naming a bad parameter. */
  constructor(params: Partial<TouchSkewParams> = {}) {
    this.params = Object.freeze(parseParams(touchSkewParamsSchema, this.id, params));
  }

  /** Reads the tick size and action bounds from `ctx.config`. */
  reset(ctx: AgentContext): void {
    this.#tick = ctx.config.tickSize;
    this.#maxOff = ctx.config.maxOffsetTicks;
    this.#size = Math.min(this.params.size, ctx.config.maxQuoteSize);
  }

  /** Writes each env's skewed touch quotes. */
  act(_observations: Float64Array, view: AgentView, out: Float64Array): void {
    const n = out.length / ACT_DIM;
    const tick = this.#tick, maxOff = this.#maxOff, empty = this.params.emptyOffsetTicks;
    const skew = this.params.skewTicksPerLot;
    for (let i = 0; i < n; i++) {
      const q = view.inventory[i];
      let b = touchBidTicks(view, i, tick);
      let a = touchAskTicks(view, i, tick);
      if (!(b >= 0)) b = empty;
      if (!(a >= 0)) a = empty;
      const s = Number.isFinite(q) ? skew * q : 0;
      const bo = clipOffset(b + s - EPS_TICKS, maxOff);
      const ao = clipOffset(a - s - EPS_TICKS, maxOff);
      writeAction(out, i, bo, ao, this.#size, this.#size);
    }
  }
}
