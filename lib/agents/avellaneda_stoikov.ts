/**
 * The Avellaneda–Stoikov (2008) market maker: quotes around a reservation price that
 * moves against inventory, with the optimal total spread.
 *
 * Units (consistent with the model tier's λ(δ) = A·e^(−kδ) with δ in dollars):
 * - s, r, quotes and depths δ: dollars per share; σ: dollars per √second; τ = T − t: seconds;
 * - k: 1/dollar; A: fills per second (not used by the quotes, kept for the record);
 * - q: inventory in **lots**: the paper's q counts units of the traded quantity, one unit
 *   per fill, and here a unit is one lot (the quote size is 1 lot by default, the faithful
 *   setting: with larger quotes one fill moves q by `size` units);
 * - γ: 1/dollar, the risk aversion per lot of inventory at per-share prices, so that γ/k is
 *   dimensionless and q·γ·σ²·τ is in dollars. Equivalently a CARA coefficient on wealth
 *   of γ / lotSize per dollar of wealth.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { sigmaPerSqrtSecond } from "../env/config.ts";
import { ACT_DIM, type AgentView } from "../env/types.ts";
import type { Agent, AgentContext } from "./types.ts";
import { parseParams, sigmaSourceSchema, sizeSchema } from "./params.ts";
import { clipOffset, writeAction, writeNoQuote } from "./quotes.ts";
import { clipOffsetSigned } from "../env/action.ts";

/**
 * Reservation (indifference) price r = s − q·γ·σ²·τ (Avellaneda & Stoikov 2008).
 *
 * @param s mid price, $
 * @param q inventory, lots
 * @param gamma risk aversion, 1/$ (per lot)
 * @param sigma volatility, $/√s
 * @param tau time to the horizon T − t, s
 */
export function asReservationPrice(
  s: number,
  q: number,
  gamma: number,
  sigma: number,
  tau: number,
): number {
  return s - q * gamma * sigma * sigma * tau;
}

/**
 * Optimal total spread δa + δb = γ·σ²·τ + (2/γ)·ln(1 + γ/k), dollars
 * (Avellaneda & Stoikov 2008). Tends to 2/k as γ → 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asOptimalSpread } from "./avellaneda_stoikov.ts";
 * // γ = 0.1, σ = 2, τ = 1, k = 1.5: γσ²τ + (2/γ)·ln(1 + γ/k) = 0.4 + 20·ln(1 + 0.1/1.5)
 * const spread = asOptimalSpread(0.1, 2, 1, 1.5);
 * assert.ok(Math.abs(spread - 1.6908) < 1e-4);
 * assert.ok(Math.abs(asOptimalSpread(1e-9, 2, 1, 1.5) - 2 / 1.5) < 1e-6); // 2/k as γ → 0
 * ```
 */
export function asOptimalSpread(gamma: number, sigma: number, tau: number, k: number): number {
  return gamma * sigma * sigma * tau + (2 / gamma) * Math.log1p(gamma / k);
}

/** Parameters of {@linkcode AvellanedaStoikovAgent} (units: see the module doc). */
export interface AvellanedaStoikovParams {
  /** Risk aversion γ, 1/$ per lot (default 0.1). */
  gamma: number;
  /** Intensity decay k, 1/$ (default: the config's `model.k`). */
  k?: number;
  /** Intensity at the mid A, fills/s (default: the config's `model.A`; not used by the quotes). */
  A?: number;
  /**
   * σ in $/√s, or `"view"` (default) for the env's running estimate `view.sigma`, falling
   * back to the config's nominal σ while that is not a positive finite number.
   */
  sigma: "view" | number;
  /**
   * τ = T − t: `"episode"` (default, the paper's finite-horizon form with T the end of the
   * episode, τ = `view.timeLeft`) or a fixed horizon in seconds (the infinite-horizon
   * variant: τ constant, so the quotes are stationary in time).
   */
  horizon: "episode" | number;
  /** Quote size on each side, lots (default 1; clipped to maxQuoteSize). */
  size: number;
}

/** Default parameters of {@linkcode AvellanedaStoikovAgent}. */
export const AVELLANEDA_STOIKOV_DEFAULTS: Readonly<AvellanedaStoikovParams> = Object.freeze({
  gamma: 0.1,
  sigma: "view",
  horizon: "episode",
  size: 1,
});

const D = AVELLANEDA_STOIKOV_DEFAULTS;
const schema = z.strictObject({
  gamma: z.number().positive().max(1e6).default(D.gamma),
  k: z.number().positive().max(1e6).optional(),
  A: z.number().positive().max(1e6).optional(),
  sigma: sigmaSourceSchema.default("view"),
  horizon: z.union([z.literal("episode"), z.number().positive().max(1e7)], {
    error: '"episode" or a positive number of seconds <= 10000000',
  }).default("episode"),
  size: sizeSchema.default(D.size),
});

/**
 * Avellaneda–Stoikov quotes r ± spread/2, converted to offsets in ticks from the observed
 * mid and clipped to [0, maxOffsetTicks]. When inventory pushes r far enough that a quote
 * lands on the wrong side of the mid (a bid above it, an ask below it), that side gets
 * offset 0: the action space cannot cross the mid, so the quote sits at the mid — except in
 * the model tier with `model.allowCrossing`, where offsets are clipped to ±maxOffsetTicks
 * and the quote crosses the mid as the formula says (as in the paper's simulation).
 * When the observed mid is not finite the agent posts nothing (sizes 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AvellanedaStoikovAgent } from "./avellaneda_stoikov.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * const agent = new AvellanedaStoikovAgent({ gamma: 0.05, horizon: 60 });
 * agent.reset({ config: parseEnvConfig({ tier: "model" }), numEnvs: 8, seed: 1 });
 * assert.equal(agent.k, 30); // not given: the config's model.k
 * ```
 */
export class AvellanedaStoikovAgent implements Agent {
  /** Registry id. */
  readonly id = "avellaneda-stoikov";
  /** Display name. */
  readonly name = "Avellaneda–Stoikov";
  /** The validated parameters (k and A unset mean "from the config"). */
  readonly params: Readonly<AvellanedaStoikovParams>;
  #k = NaN;
  #A = NaN;
  #nominalSigma = NaN;
  #tick = 0.01;
  #maxOffset = 0;
  #minOffset = 0;
  #size = 0;

  /** Creates the agent; throws a ValidationError naming a bad parameter. */
  constructor(params: Partial<AvellanedaStoikovParams> = {}) {
    this.params = Object.freeze(parseParams(schema, this.id, params));
  }

  /** k in use (1/$): the parameter, or the config's `model.k` after `reset`. */
  get k(): number {
    return this.#k;
  }

  /** A in use (fills/s): the parameter, or the config's `model.A` after `reset`. */
  get A(): number {
    return this.#A;
  }

  /** Resolves k, A and the fallback σ from `ctx.config`; reads the action bounds. */
  reset(ctx: AgentContext): void {
    const c = ctx.config;
    this.#k = this.params.k ?? c.model.k;
    this.#A = this.params.A ?? c.model.A;
    this.#nominalSigma = typeof this.params.sigma === "number"
      ? this.params.sigma
      : sigmaPerSqrtSecond(c);
    this.#tick = c.tickSize;
    this.#maxOffset = c.maxOffsetTicks;
    this.#minOffset = c.tier === "model" && c.model.allowCrossing ? -c.maxOffsetTicks : 0;
    this.#size = Math.min(this.params.size, c.maxQuoteSize);
  }

  /** Writes the AS quotes of every env. */
  act(_observations: Float64Array, view: AgentView, out: Float64Array): void {
    const gamma = this.params.gamma;
    const k = this.#k;
    const fixedTau = this.params.horizon === "episode" ? -1 : this.params.horizon;
    const fromView = this.params.sigma === "view";
    const tick = this.#tick;
    const maxOff = this.#maxOffset, minOff = this.#minOffset;
    const n = out.length / ACT_DIM;
    for (let i = 0; i < n; i++) {
      const s = view.mid[i];
      if (!Number.isFinite(s)) {
        writeNoQuote(out, i);
        continue;
      }
      let sigma = this.#nominalSigma;
      if (fromView) {
        const v = view.sigma[i];
        if (v > 0 && v < Infinity) sigma = v;
      }
      let tau = fixedTau;
      if (tau < 0) {
        tau = view.timeLeft[i];
        if (!(tau > 0)) tau = 0;
      }
      const q = view.inventory[i];
      // shift = r − s = −q·γ·σ²·τ (the reservation price relative to the mid). Quotes are
      // r ∓ half, so the bid sits half − shift below s and the ask half + shift above it
      // (computed relative to s, so no precision is lost subtracting prices near 100).
      const shift = asReservationPrice(0, Number.isFinite(q) ? q : 0, gamma, sigma, tau);
      const half = 0.5 * asOptimalSpread(gamma, sigma, tau, k);
      const bidOff = (half - shift) / tick, askOff = (half + shift) / tick;
      if (minOff < 0) {
        writeAction(
          out,
          i,
          clipOffsetSigned(bidOff, maxOff),
          clipOffsetSigned(askOff, maxOff),
          this.#size,
          this.#size,
        );
      } else {
        writeAction(
          out,
          i,
          clipOffset(bidOff, maxOff),
          clipOffset(askOff, maxOff),
          this.#size,
          this.#size,
        );
      }
    }
  }
}
