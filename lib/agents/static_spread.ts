/**
 * The static-spread baseline: fixed symmetric offsets around the observed mid.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ACT_DIM, type AgentView } from "../env/types.ts";
import type { Agent, AgentContext } from "./types.ts";
import { parseParams, sizeSchema } from "./params.ts";
import { clipOffset, writeAction } from "./quotes.ts";

/** Parameters of {@linkcode StaticSpreadAgent}. */
export interface StaticSpreadParams {
  /** Offset of each quote from the observed mid, ticks (default 2; clipped to maxOffsetTicks). */
  halfSpreadTicks: number;
  /** Quote size on each side, lots (default 1; clipped to maxQuoteSize). */
  size: number;
}

/** Default parameters of {@linkcode StaticSpreadAgent}. */
export const STATIC_SPREAD_DEFAULTS: Readonly<StaticSpreadParams> = Object.freeze({
  halfSpreadTicks: 2,
  size: 1,
});

const schema = z.strictObject({
  halfSpreadTicks: z.number().min(0).max(10_000).default(STATIC_SPREAD_DEFAULTS.halfSpreadTicks),
  size: sizeSchema.default(STATIC_SPREAD_DEFAULTS.size),
});

/**
 * Quotes `halfSpreadTicks` ticks below and above the observed mid, `size` lots each side,
 * whatever the state: the "symmetric" benchmark of Avellaneda & Stoikov (2008).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StaticSpreadAgent } from "./static_spread.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * import { ACT_DIM, OBS_DIM } from "../env/types.ts";
 * const agent = new StaticSpreadAgent({ halfSpreadTicks: 3, size: 2 });
 * agent.reset({ config: parseEnvConfig(), numEnvs: 1, seed: 0 });
 * const view = {
 *   mid: Float64Array.of(100), bestBid: Float64Array.of(99.99), bestAsk: Float64Array.of(100.01),
 *   inventory: Float64Array.of(7), timeLeft: Float64Array.of(60), sigma: Float64Array.of(0.013),
 * };
 * const out = new Float64Array(ACT_DIM);
 * agent.act(new Float64Array(OBS_DIM), view, out);
 * assert.deepEqual([...out], [3, 3, 2, 2]); // whatever the inventory
 * ```
 */
export class StaticSpreadAgent implements Agent {
  /** Registry id. */
  readonly id = "static-spread";
  /** Display name. */
  readonly name = "Static spread";
  /** The validated parameters. */
  readonly params: Readonly<StaticSpreadParams>;
  #offset = 0;
  #size = 0;

  /** Creates the agent; throws a ValidationError naming a bad parameter. */
  constructor(params: Partial<StaticSpreadParams> = {}) {
    this.params = Object.freeze(parseParams(schema, this.id, params));
  }

  /** Reads the action bounds from `ctx.config`. */
  reset(ctx: AgentContext): void {
    this.#offset = clipOffset(this.params.halfSpreadTicks, ctx.config.maxOffsetTicks);
    this.#size = Math.min(this.params.size, ctx.config.maxQuoteSize);
  }

  /** Writes the same symmetric quote for every env. */
  act(_observations: Float64Array, _view: AgentView, out: Float64Array): void {
    const n = out.length / ACT_DIM;
    for (let i = 0; i < n; i++) {
      writeAction(out, i, this.#offset, this.#offset, this.#size, this.#size);
    }
  }
}
