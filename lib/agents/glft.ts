/**
 * The Guéant–Lehalle–Fernandez-Tapia (2013) market maker: the closed-form asymptotic
 * (T → ∞) optimal quotes, with the adverse-selection variant.
 *
 * Units: the paper quotes depths in ticks (σ in ticks/√s, k and γ in 1/tick, A in 1/s).
 * The formulas are homogeneous, so any consistent unit of price works; ALPE uses
 * **dollars**: depths δ in $, σ in $/√s, k in 1/$, γ in 1/$ (per lot, as for
 * Avellaneda–Stoikov), ξ in $, A in fills/s. Tick-denominated values convert as
 * k$ = k_ticks / tickSize, γ$ = γ_ticks / tickSize, σ$ = σ_ticks · tickSize,
 * ξ$ = ξ_ticks · tickSize (and depths δ$ = δ_ticks · tickSize).
 *
 * Inventory: the paper's q counts orders of the quote size Δ. The agent quotes Δ = `size`
 * lots and uses the general-Δ form (Guéant 2017, "Optimal market making", Appl. Math.
 * Finance 24(2)), which is the Δ = 1 formula with q_Δ = q / size (q in lots) and
 * γ_Δ = γ · size; with the default size 1 these are the paper's formulas verbatim.
 *
 * Scale of γ: γ is the same CARA risk aversion as Avellaneda–Stoikov's, but the skew it
 * buys is far smaller. AS skews by γσ²(T − t) per lot; GLFT's stationary C ≈ σ√(eγ/(2kA))
 * (γ ≪ k) accounts for fills unwinding the inventory and grows only like √γ. In the book
 * tier (A ≈ 2.5/s, k ≈ 116/$, σ ≈ 0.015 $/√s) γ = 1 gives C ≈ 0.1 tick per lot against AS's
 * ≈ 3.4 ticks at mid-episode, so GLFT needs γ in the tens or hundreds for real inventory
 * control: tune it on `GLFT_GAMMA_GRID` (lib/agents/tuning.ts), not on AS's grid.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { sigmaPerSqrtSecond } from "../env/config.ts";
import { ACT_DIM, type AgentView } from "../env/types.ts";
import type { Agent, AgentContext } from "./types.ts";
import { parseParams, sigmaSourceSchema, sizeSchema } from "./params.ts";
import { clipOffset, writeAction, writeNoQuote } from "./quotes.ts";

/**
 * The GLFT inventory coefficient
 * C = √[ σ²γ/(2kA) · (1 + γ/k)^(1 + k/γ) ] · e^(k·ξ/4)
 * (ξ = 0 without adverse selection). Units of σ (price/√s): C is a price per unit of q.
 */
export function glftInventoryCoefficient(
  gamma: number,
  k: number,
  A: number,
  sigma: number,
  xi = 0,
): number {
  const pow = Math.exp((1 + k / gamma) * Math.log1p(gamma / k)); // (1 + γ/k)^(1 + k/γ)
  const c = Math.sqrt((sigma * sigma * gamma) / (2 * k * A) * pow);
  return xi === 0 ? c : c * Math.exp(k * xi / 4);
}

/** The GLFT half-spread term (1/γ)·ln(1 + γ/k) (→ 1/k as γ → 0). */
export function glftBaseDepth(gamma: number, k: number): number {
  return Math.log1p(gamma / k) / gamma;
}

/**
 * Bid depth below the mid δb(q) = (1/γ)ln(1+γ/k) + ((2q+1)/2)·C + ξ/2, with C from
 * {@linkcode glftInventoryCoefficient} (which already carries e^(kξ/4)).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glftBidDepth, glftInventoryCoefficient } from "./glft.ts";
 * const C = glftInventoryCoefficient(0.1, 30, 2, 0.013);
 * const half = Math.log(1 + 0.1 / 30) / 0.1; // (1/γ)·ln(1 + γ/k) ≈ 0.0333
 * assert.ok(Math.abs(glftBidDepth(0, 0.1, 30, C) - (half + 0.5 * C)) < 1e-12); // dollars
 * assert.ok(glftBidDepth(2, 0.1, 30, C) > glftBidDepth(0, 0.1, 30, C)); // long: bid deeper
 * ```
 */
export function glftBidDepth(q: number, gamma: number, k: number, C: number, xi = 0): number {
  return glftBaseDepth(gamma, k) + ((2 * q + 1) / 2) * C + xi / 2;
}

/** Ask depth above the mid δa(q) = (1/γ)ln(1+γ/k) − ((2q−1)/2)·C + ξ/2. */
export function glftAskDepth(q: number, gamma: number, k: number, C: number, xi = 0): number {
  return glftBaseDepth(gamma, k) - ((2 * q - 1) / 2) * C + xi / 2;
}

/** Parameters of {@linkcode GlftAgent} (units: see the module doc). */
export interface GlftParams {
  /**
   * Risk aversion γ, 1/$ per lot (default 0.1: mild; see the module doc for the scale, and
   * `GLFT_GAMMA_GRID` for the range `deno task compare` tunes over).
   */
  gamma: number;
  /** Intensity decay k, 1/$ (default: the config's `model.k`). */
  k?: number;
  /** Intensity at the mid A, fills/s (default: the config's `model.A`). */
  A?: number;
  /**
   * σ in $/√s, or `"view"` (default) for `view.sigma`, falling back to the config's nominal
   * σ while that is not a positive finite number.
   */
  sigma: "view" | number;
  /** Adverse-selection jump ξ, $ (default 0: the plain model). */
  xi: number;
  /** Quote size Δ on each side, lots (default 1; clipped to maxQuoteSize). */
  size: number;
}

/** Default parameters of {@linkcode GlftAgent}. */
export const GLFT_DEFAULTS: Readonly<GlftParams> = Object.freeze({
  gamma: 0.1,
  sigma: "view",
  xi: 0,
  size: 1,
});

const schema = z.strictObject({
  gamma: z.number().positive().max(1e6).default(GLFT_DEFAULTS.gamma),
  k: z.number().positive().max(1e6).optional(),
  A: z.number().positive().max(1e6).optional(),
  sigma: sigmaSourceSchema.default("view"),
  xi: z.number().min(0).max(1e3).default(GLFT_DEFAULTS.xi),
  size: sizeSchema.default(GLFT_DEFAULTS.size),
});

/**
 * Quotes the GLFT asymptotic depths δb(q_Δ), δa(q_Δ) around the observed mid, converted
 * to ticks and clipped to [0, maxOffsetTicks]; a depth that is negative (the quote would
 * cross the mid at large inventory) gets offset 0. The quotes do not depend on time left
 * (stationary, T → ∞). Nothing is posted while the observed mid is not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GlftAgent } from "./glft.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * import { ACT_DIM, OBS_DIM } from "../env/types.ts";
 * const agent = new GlftAgent({ gamma: 0.2, xi: 0.005 });
 * agent.reset({ config: parseEnvConfig({ tier: "model" }), numEnvs: 1, seed: 1 });
 * const view = {
 *   mid: Float64Array.of(100), bestBid: Float64Array.of(99.99), bestAsk: Float64Array.of(100.01),
 *   inventory: Float64Array.of(2), timeLeft: Float64Array.of(60), sigma: Float64Array.of(0.013),
 * };
 * const out = new Float64Array(ACT_DIM);
 * agent.act(new Float64Array(OBS_DIM), view, out);
 * assert.ok(out[0] > out[1]); // long 2 lots: the bid sits deeper than the ask
 * assert.deepEqual([out[2], out[3]], [1, 1]); // one lot a side
 * ```
 */
export class GlftAgent implements Agent {
  /** Registry id. */
  readonly id = "glft";
  /** Display name. */
  readonly name = "Guéant–Lehalle–Fernandez-Tapia";
  /** The validated parameters (k and A unset mean "from the config"). */
  readonly params: Readonly<GlftParams>;
  #k = NaN;
  #A = NaN;
  #nominalSigma = NaN;
  #gammaD = NaN;
  #fixedC = NaN;
  #tick = 0.01;
  #maxOffset = 0;
  #size = 0;

  /** Creates the agent; throws a ValidationError naming a bad parameter. */
  constructor(params: Partial<GlftParams> = {}) {
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

  /** Resolves k, A and σ from `ctx.config`; reads the action bounds. */
  reset(ctx: AgentContext): void {
    const c = ctx.config;
    const p = this.params;
    this.#k = p.k ?? c.model.k;
    this.#A = p.A ?? c.model.A;
    this.#nominalSigma = typeof p.sigma === "number" ? p.sigma : sigmaPerSqrtSecond(c);
    this.#tick = c.tickSize;
    this.#maxOffset = c.maxOffsetTicks;
    this.#size = Math.min(p.size, c.maxQuoteSize);
    this.#gammaD = p.gamma * Math.max(this.#size, 1);
    this.#fixedC = glftInventoryCoefficient(
      this.#gammaD,
      this.#k,
      this.#A,
      this.#nominalSigma,
      p.xi,
    );
  }

  /** Writes the GLFT quotes of every env. */
  act(_observations: Float64Array, view: AgentView, out: Float64Array): void {
    const k = this.#k;
    const A = this.#A;
    const g = this.#gammaD;
    const xi = this.params.xi;
    const fromView = this.params.sigma === "view";
    const perClip = 1 / Math.max(this.#size, 1);
    const tick = this.#tick;
    const maxOff = this.#maxOffset;
    const n = out.length / ACT_DIM;
    for (let i = 0; i < n; i++) {
      const s = view.mid[i];
      if (!Number.isFinite(s)) {
        writeNoQuote(out, i);
        continue;
      }
      let C = this.#fixedC;
      if (fromView) {
        const v = view.sigma[i];
        if (v > 0 && v < Infinity) C = glftInventoryCoefficient(g, k, A, v, xi);
      }
      const q0 = view.inventory[i];
      const q = Number.isFinite(q0) ? q0 * perClip : 0;
      const db = glftBidDepth(q, g, k, C, xi);
      const da = glftAskDepth(q, g, k, C, xi);
      writeAction(
        out,
        i,
        clipOffset(db / tick, maxOff),
        clipOffset(da / tick, maxOff),
        this.#size,
        this.#size,
      );
    }
  }
}
