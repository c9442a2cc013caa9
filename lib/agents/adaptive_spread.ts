/**
 * The adaptive-spread heuristic: offsets scale with the volatility estimate and skew
 * with inventory.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { sigmaPerSqrtSecond } from "../env/config.ts";
import { ACT_DIM, type AgentView, OBS, OBS_DIM } from "../env/types.ts";
import type { Agent, AgentContext } from "./types.ts";
import { parseParams, sizeSchema } from "./params.ts";
import { clipOffset, writeAction } from "./quotes.ts";

/** Parameters of {@linkcode AdaptiveSpreadAgent}. */
export interface AdaptiveSpreadParams {
  /** Half-spread at the nominal volatility and zero inventory, ticks (default 2). */
  baseHalfSpreadTicks: number;
  /**
   * Exponent e of the volatility scaling: half = base · ρ^e, with ρ = σ̂ / σ_nominal
   * clamped to [minVolRatio, maxVolRatio] (default 1: proportional to σ̂).
   */
  volExponent: number;
  /** Lower clamp of the volatility ratio ρ (default 0.25). */
  minVolRatio: number;
  /** Upper clamp of the volatility ratio ρ (default 4). */
  maxVolRatio: number;
  /**
   * Inventory skew s ≥ 0: with x = inventory / maxInventory clamped to [−1, 1], the bid
   * offset is half·(1 + s·x) and the ask offset half·(1 − s·x) (default 1: at the long
   * limit the bid is twice as far and the ask at the mid).
   */
  inventorySkew: number;
  /**
   * Where ρ comes from: `"observation"` (default) reads the observation's VOLATILITY slot
   * (already σ̂ / σ_nominal); `"view"` divides `view.sigma` by the config's nominal σ.
   * A non-finite or non-positive ρ counts as 1.
   */
  volSource: "observation" | "view";
  /** Quote size on each side, lots (default 1; clipped to maxQuoteSize). */
  size: number;
}

/** Default parameters of {@linkcode AdaptiveSpreadAgent}. */
export const ADAPTIVE_SPREAD_DEFAULTS: Readonly<AdaptiveSpreadParams> = Object.freeze({
  baseHalfSpreadTicks: 2,
  volExponent: 1,
  minVolRatio: 0.25,
  maxVolRatio: 4,
  inventorySkew: 1,
  volSource: "observation",
  size: 1,
});

const D = ADAPTIVE_SPREAD_DEFAULTS;
const schema = z.strictObject({
  baseHalfSpreadTicks: z.number().min(0).max(10_000).default(D.baseHalfSpreadTicks),
  volExponent: z.number().min(0).max(10).default(D.volExponent),
  minVolRatio: z.number().positive().max(1).default(D.minVolRatio),
  maxVolRatio: z.number().min(1).max(1_000).default(D.maxVolRatio),
  inventorySkew: z.number().min(0).max(100).default(D.inventorySkew),
  volSource: z.enum(["observation", "view"]).default(D.volSource),
  size: sizeSchema.default(D.size),
});

/**
 * Half-spread (ticks) of the adaptive heuristic for volatility ratio `volRatio`
 * (clamped to [minVolRatio, maxVolRatio]; non-finite or ≤ 0 counts as 1).
 */
export function adaptiveHalfSpread(p: Readonly<AdaptiveSpreadParams>, volRatio: number): number {
  let r = volRatio > 0 && volRatio < Infinity ? volRatio : 1;
  if (r < p.minVolRatio) r = p.minVolRatio;
  else if (r > p.maxVolRatio) r = p.maxVolRatio;
  return p.volExponent === 1
    ? p.baseHalfSpreadTicks * r
    : p.baseHalfSpreadTicks * r ** p.volExponent;
}

/**
 * Quotes a half-spread that grows with the volatility estimate, skewed by inventory:
 * the side that would grow |inventory| is widened and the other tightened, so fills
 * tend to bring inventory back to zero. See {@linkcode AdaptiveSpreadParams}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AdaptiveSpreadAgent } from "./adaptive_spread.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * import { ACT_DIM, OBS, OBS_DIM } from "../env/types.ts";
 * const agent = new AdaptiveSpreadAgent({ baseHalfSpreadTicks: 3, inventorySkew: 0.5 });
 * agent.reset({ config: parseEnvConfig({ maxInventory: 50 }), numEnvs: 1, seed: 0 });
 * const obs = new Float64Array(OBS_DIM);
 * obs[OBS.VOLATILITY] = 2; // σ̂ twice the nominal σ: half-spread 3 · 2 = 6 ticks
 * const view = {
 *   mid: Float64Array.of(100), bestBid: Float64Array.of(99.99), bestAsk: Float64Array.of(100.01),
 *   inventory: Float64Array.of(10), timeLeft: Float64Array.of(60), sigma: Float64Array.of(0.013),
 * };
 * const out = new Float64Array(ACT_DIM);
 * agent.act(obs, view, out);
 * // long 10 of 50 lots: bid widened by 0.5 · 0.2, ask tightened by as much
 * assert.deepEqual([...out], [6 * 1.1, 6 * 0.9, 1, 1]);
 * ```
 */
export class AdaptiveSpreadAgent implements Agent {
  /** Registry id. */
  readonly id = "adaptive-spread";
  /** Display name. */
  readonly name = "Adaptive spread";
  /** The validated parameters. */
  readonly params: Readonly<AdaptiveSpreadParams>;
  #maxOffset = 0;
  #maxInventory = 1;
  #size = 0;
  #nominalSigma = 1;

  /** Creates the agent; throws a ValidationError naming a bad parameter. */
  constructor(params: Partial<AdaptiveSpreadParams> = {}) {
    this.params = Object.freeze(parseParams(schema, this.id, params));
  }

  /** Reads bounds and the nominal σ from `ctx.config`. */
  reset(ctx: AgentContext): void {
    this.#maxOffset = ctx.config.maxOffsetTicks;
    this.#maxInventory = ctx.config.maxInventory;
    this.#size = Math.min(this.params.size, ctx.config.maxQuoteSize);
    this.#nominalSigma = sigmaPerSqrtSecond(ctx.config);
  }

  /** Writes a volatility-scaled, inventory-skewed quote for every env. */
  act(observations: Float64Array, view: AgentView, out: Float64Array): void {
    const p = this.params;
    const n = out.length / ACT_DIM;
    const fromObs = p.volSource === "observation";
    for (let i = 0; i < n; i++) {
      const ratio = fromObs
        ? observations[i * OBS_DIM + OBS.VOLATILITY]
        : view.sigma[i] / this.#nominalSigma;
      const half = adaptiveHalfSpread(p, ratio);
      let x = view.inventory[i] / this.#maxInventory;
      if (Number.isNaN(x)) x = 0;
      else if (x < -1) x = -1;
      else if (x > 1) x = 1;
      const bid = clipOffset(half * (1 + p.inventorySkew * x), this.#maxOffset);
      const ask = clipOffset(half * (1 - p.inventorySkew * x), this.#maxOffset);
      writeAction(out, i, bid, ask, this.#size, this.#size);
    }
  }
}
