/**
 * Contracts of the small market models the simulators are composed from. Each model
 * has one job, holds its state in plain numbers or typed arrays, and draws only from
 * the {@linkcode Rng} it is given, so any one can be swapped or tested alone.
 *
 * @module
 */
import type { Rng } from "../rng/rng.ts";

/** Continuous-time Markov chain over volatility regimes. */
export interface RegimeModel {
  /** Number of regimes. */
  readonly size: number;
  /** Current regime index. */
  readonly state: number;
  /** Resets to `initial` (an index) or a draw from the stationary distribution. */
  reset(rng: Rng): void;
  /** Advances the chain by `dt` seconds (exact: may jump several times); returns the new state. */
  advance(dt: number, rng: Rng): number;
  /** Volatility multiplier of the current regime. */
  volMultiplier(): number;
  /** Flow-intensity multiplier of the current regime. */
  flowMultiplier(): number;
  /** Stationary distribution of the chain. */
  stationary(): Float64Array;
}

/** A latency distribution: draws delays in integer nanoseconds. */
export interface LatencyModel {
  /** One delay, nanoseconds (integer, ≥ 0). */
  sample(rng: Rng): number;
  /** Mean delay, nanoseconds. */
  mean(): number;
}

/**
 * Market impact of the agent's own executions. `trade` is called with the signed
 * quantity (lots; + buy, − sell) the agent executed over an interval of `dt` seconds at
 * time `t` (s); it returns the temporary cost in dollars charged to the agent for that
 * trade, and updates the price offset the model adds to the fundamental/mid price.
 */
export interface ImpactModel {
  /** Clears all state. */
  reset(): void;
  /** Records an execution; returns its temporary impact cost in dollars (≥ 0). */
  trade(signedLots: number, dt: number, t: number): number;
  /** Current price offset in dollars (permanent + not-yet-decayed transient) at time `t`. */
  offset(t: number): number;
}

/** Mid/fundamental price dynamics: arithmetic Brownian motion scaled by the regime. */
export interface PriceProcess {
  /** Current price, dollars. */
  readonly price: number;
  /** Resets to `price0`. */
  reset(price0: number): void;
  /** Advances by `dt` seconds with volatility `sigma` ($/√s); returns the new price. */
  advance(dt: number, sigma: number, rng: Rng): number;
}

/**
 * Exchange fees on our fills: `fee` returns dollars (positive: we pay; negative: a rebate)
 * for a fill of `notional` dollars as maker (our resting order was hit) or taker.
 */
export interface FeeModel {
  /** The fee in dollars on a fill of `notional` dollars (its absolute value is used). */
  fee(notional: number, maker: boolean): number;
}
