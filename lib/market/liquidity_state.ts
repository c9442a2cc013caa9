/**
 * A slow liquidity state: the liquidity providers' edge over the reference price is scaled by a
 * factor L(t) = exp(x(t) − σ²/2), x an Ornstein–Uhlenbeck process of stationary standard
 * deviation σ (`sigma`) and time scale τ (`timeScale`), so that E[L] = 1 and
 * log L has the autocovariance σ²·e^(−|h|/τ). Spreads then drift between wide and narrow
 * periods of minutes, whatever the order flow does: on the AMZN LOBSTER day the logarithm of
 * the 60-s mean spread has a variance of 0.084 and an autocorrelation of 0.67 one minute later,
 * 0.39 five minutes later and 0.21 half an hour later, and is not higher in the minutes with more
 * market orders (correlation −0.18); a market whose spread comes from its orders alone has
 * neither (0.26, 0.13 and −0.15; +0.57: its busy minutes are its wide ones;
 * `docs/repro/spread_persistence.ts`).
 *
 * Simulation is exact: x is advanced from the last query to `t` with its transition law,
 * x ← x·e^(−Δ/τ) + σ·√(1 − e^(−2Δ/τ))·Z, one normal draw per query, and started from its
 * stationary law at each episode.
 *
 * Assumes: a placement anchored at the reference price (the `opposite-best` anchor asks for no
 * edge, so the state does nothing there); one state for both sides and every provider,
 * independent of the order flow, the volatility regimes and the price; stationary (an intraday pattern of the spread is read as a
 * slow state). Ignores: depth (only the prices of new orders move; resting orders stay where
 * they are until they are cancelled or repriced), the reaction model's `follow` distance (not
 * scaled with the edge), and any asymmetry between the sides. Units:
 * σ in natural-log units of the edge; τ in seconds. Off (`sigma` 0) by default; fitted by
 * `lib/calibration/fit_liquidity_state.ts`.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Rng } from "../rng/rng.ts";
import { normalFromUniform } from "./price_process.ts";
import type { Infer } from "../validation.ts";

/**
 * Schema of the liquidity state.
 *
 * @ignore
 */
export const liquidityStateConfigSchema = z.strictObject({
  /** Stationary standard deviation of the log edge factor (natural log); 0: off. */
  sigma: z.number().min(0).max(3).default(0),
  /** Time scale τ of the state (its autocorrelation e^(−h/τ)), seconds. */
  timeScale: z.number().positive().max(1e6).default(600),
});

/** The liquidity state's config (see the schema's field docs). */
export type LiquidityStateConfig = Infer<typeof liquidityStateConfigSchema>;

/** A factor on the liquidity providers' edge that changes slowly with time. */
export interface LiquidityStateModel {
  /** Starts an episode at `t` (seconds), drawing the state from `rng`. */
  reset(t: number, rng: Rng): void;
  /** The edge factor at `t` (seconds, not before the last call), advancing the state with `rng`. */
  factor(t: number, rng: Rng): number;
}

/**
 * The default model: a log-normal factor whose logarithm is an Ornstein–Uhlenbeck process (see
 * the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../rng/rng.ts";
 * import { OuLiquidityState } from "./liquidity_state.ts";
 * const m = new OuLiquidityState({ sigma: 0.3, timeScale: 60 });
 * const rng = new Rng(5);
 * let s = 0, c = 0, n = 0;
 * for (let e = 0; e < 4_000; e++) {
 *   m.reset(0, rng);
 *   const a = Math.log(m.factor(0, rng));
 *   const b = Math.log(m.factor(60, rng)); // one time scale later
 *   s += m.factor(60, rng);
 *   c += (a + 0.045) * (b + 0.045);
 *   n++;
 * }
 * assert.ok(Math.abs(s / n - 1) < 0.02); // E[L] = 1
 * assert.ok(Math.abs(c / n - 0.09 * Math.exp(-1)) < 0.006); // σ²·e^(−1)
 * ```
 */
export class OuLiquidityState implements LiquidityStateModel {
  readonly #sigma: number;
  readonly #tau: number;
  #x = 0;
  #t = 0;

  /** Creates the model from its config. */
  constructor(cfg: LiquidityStateConfig) {
    this.#sigma = cfg.sigma;
    this.#tau = cfg.timeScale;
  }

  reset(t: number, rng: Rng): void {
    this.#x = this.#sigma * normalFromUniform(rng.next());
    this.#t = t;
  }

  factor(t: number, rng: Rng): number {
    const dt = t - this.#t;
    if (dt > 0) {
      const a = Math.exp(-dt / this.#tau);
      this.#x = this.#x * a + this.#sigma * Math.sqrt(1 - a * a) * normalFromUniform(rng.next());
      this.#t = t;
    }
    const s = this.#sigma;
    return Math.exp(this.#x - s * s / 2);
  }
}

/**
 * The liquidity state of `cfg`, or `undefined` when it is off (`sigma` 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLiquidityState, liquidityStateConfigSchema } from "./liquidity_state.ts";
 * assert.equal(createLiquidityState(liquidityStateConfigSchema.parse({})), undefined);
 * assert.ok(createLiquidityState({ sigma: 0.2, timeScale: 600 }) !== undefined);
 * ```
 */
export function createLiquidityState(cfg: LiquidityStateConfig): LiquidityStateModel | undefined {
  return cfg.sigma > 0 ? new OuLiquidityState(cfg) : undefined;
}
