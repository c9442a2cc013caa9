/**
 * When an uninformed market order is sent: traders who want to trade now time their market
 * orders to the spread. A trader arriving (from the arrival process) when the spread is s
 * ticks sends the order at once with probability a(s) = min(1, (s₀/s)^γ) (`scale` s₀,
 * `exponent` γ); otherwise it waits and looks again after an exponential delay of rate
 * `retryRate` (per second), deciding the same way, until it sends. So no order is lost (the
 * arrival process keeps its rate) but orders concentrate at narrow spreads, as in the data
 * (a LOBSTER AMZN day: a market order is 18 times as likely per second at a one-tick spread
 * as on average, and 0.6 times at ten ticks) and in the order-choice models of Parlour
 * (1998) and Foucault (1999), where a wide spread makes a limit order the better choice.
 *
 * With `kind: "immediate"` (the default) every order is sent when it arrives.
 *
 * With `kind: "intensity"` nobody waits: an arrival at spread s becomes a market order with
 * probability a(s) and is otherwise dropped (it does not excite the arrivals either), so the
 * market-order intensity is a(s(t))·λ(t), λ the arrival process's own (Hawkes) intensity
 * over the orders sent — a state-dependent intensity as in the queue-reactive model of Huang,
 * Lehalle & Rosenbaum (2015) and the state-dependent Hawkes processes of Morariu-Patrichi &
 * Pakkanen (2022), with the spread as the state. Informed arrivals are thinned alike (their
 * share of the orders sent is kept). The arrival rate is then the calibration's to restore (its
 * baseline is matched to the tape's order rate) and `sendShare`, the share of arrivals sent,
 * tells the fundamental's variance budget the rate of orders; `retryRate` and `burstMs` are not
 * used.
 *
 * With `kind: "baseline"` only the arrivals nobody's order excited are timed: the market-order
 * intensity is a(s(t))·μ + Σ_c α_c Σ_j β_c e^(−β_c (t − t_j)) — traders who come to the market
 * on their own (the Hawkes baseline μ) trade when the spread is narrow, while the orders a
 * trade excites (the rest of a split meta-order, traders who react to a trade) come whatever
 * the spread, as the bursts after a trade that widened it do on the tape. An arrival at
 * intensity λ(t) is a baseline one with probability μ/λ(t) (the cluster representation's
 * attribution), so it is dropped with probability (1 − a(s))·μ/λ(t); a dropped arrival excites
 * nothing. The bursts keep their rate, which `kind: "intensity"` thins with the spread the
 * burst's first order widened. On a LOBSTER AMZN day the joint maximum likelihood prefers it
 * by 151 log-likelihood units over `"intensity"`'s, at a stationary branching ratio (0.73
 * against 2.9 before the modulation: `lib/calibration/fit_spread_hawkes.ts`). `sendShare` is
 * the share of arrivals sent, as for `"intensity"`.
 *
 * Assumes: one decision rule for every uninformed trader; a waiting trader keeps the sign
 * it arrived with and draws its size when it sends; the waits are independent. Ignores:
 * traders who give up, or post a limit order instead; informed traders and snipers (they
 * trade on their edge, whatever the spread). Units: ticks; the retry rate per second.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Infer } from "../validation.ts";

/**
 * Schema of the market-order timing model.
 *
 * @ignore
 */
export const orderTimingConfigSchema = z.strictObject({
  /**
   * "immediate": sent on arrival; "spread": sent with probability a(spread), else wait;
   * "intensity": sent with probability a(spread), else dropped; "baseline": only the
   * baseline's arrivals are timed (dropped with probability (1 − a)·μ/λ).
   */
  kind: z.enum(["immediate", "spread", "intensity", "baseline"]).default("immediate"),
  /** Spread s₀ (ticks) at or under which an order is always sent at once. */
  scale: z.number().min(1).max(1_000).default(1),
  /** Exponent γ of a(s) = min(1, (s₀/s)^γ). */
  exponent: z.number().min(0).max(20).default(0),
  /** Rate (per second) at which a waiting trader looks at the spread again. */
  retryRate: z.number().gt(0).max(1e6).default(1),
  /**
   * `kind: "intensity"` or `"baseline"`: the share of arrivals sent on average (for the fundamental's variance
   * budget, which reads the arrival process's rate; the calibration derives it from the tape).
   */
  sendShare: z.number().gt(0).max(1).default(1),
  /** Burst time τ (ms): an order arriving Δt after the last market order is sent at once with probability exp(−Δt/τ) (0: never). */
  burstMs: z.number().min(0).max(1e6).default(0),
});

/** The market-order timing model (see the schema's field docs). */
export type OrderTimingConfig = Infer<typeof orderTimingConfigSchema>;

/** Whether an uninformed trader sends its market order now. */
export interface OrderTimingModel {
  /**
   * Probability of sending now at a spread of `spread` ticks (NaN: a side empty: 1),
   * `sinceLast` seconds after the last market order.
   */
  sendProbability(spread: number, sinceLast: number): number;
  /** Rate (per second) at which each waiting trader decides again (0: nobody waits). */
  readonly retryRate: number;
  /** Burst time τ, seconds (0: none). */
  readonly burst: number;
  /** True when an order not sent is dropped rather than kept waiting (`kind: "intensity"`). */
  readonly drops?: boolean;
  /**
   * True when only the baseline's arrivals are timed (`kind: "baseline"`): an arrival is
   * dropped with probability (1 − `sendProbability`)·μ/λ, μ the baseline and λ the intensity.
   */
  readonly baseline?: boolean;
}

/**
 * The spread-timing model (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { orderTimingConfigSchema, SpreadTiming } from "./order_timing.ts";
 * const t = new SpreadTiming(
 *   orderTimingConfigSchema.parse({ kind: "spread", scale: 2, exponent: 1 }),
 * );
 * assert.equal(t.sendProbability(1, 1), 1);
 * assert.equal(t.sendProbability(8, 1), 0.25);
 * assert.equal(t.sendProbability(NaN, 1), 1);
 * // only the baseline's arrivals are timed: the flow drops (1 − a)·μ/λ of the arrivals
 * const b = new SpreadTiming(
 *   orderTimingConfigSchema.parse({ kind: "baseline", scale: 2, exponent: 1 }),
 * );
 * assert.ok(b.drops && b.baseline && !t.baseline);
 * assert.equal(b.sendProbability(8, 1), 0.25);
 * ```
 */
export class SpreadTiming implements OrderTimingModel {
  readonly retryRate: number;
  readonly burst: number;
  readonly drops: boolean;
  readonly baseline: boolean;
  readonly #scale: number;
  readonly #exponent: number;

  /** Creates the model from its config. */
  constructor(cfg: OrderTimingConfig) {
    const drops = (cfg.kind === "intensity" || cfg.kind === "baseline") && cfg.exponent > 0;
    const on = (cfg.kind === "spread" && cfg.exponent > 0) || drops;
    this.drops = drops;
    this.baseline = drops && cfg.kind === "baseline";
    this.retryRate = on && !drops ? cfg.retryRate : 0;
    this.burst = drops ? 0 : cfg.burstMs / 1_000;
    this.#scale = cfg.scale;
    this.#exponent = on ? cfg.exponent : 0;
  }

  sendProbability(spread: number, sinceLast: number): number {
    if (this.#exponent === 0 || !(spread > this.#scale)) return 1;
    const a = Math.pow(this.#scale / spread, this.#exponent);
    const b = this.burst > 0 ? Math.exp(-sinceLast / this.burst) : 0;
    return b + (1 - b) * a;
  }
}

/**
 * Creates the timing model of `cfg`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createOrderTimingModel, orderTimingConfigSchema } from "./order_timing.ts";
 * const t = createOrderTimingModel(orderTimingConfigSchema.parse({}));
 * assert.equal(t.retryRate, 0); // immediate: nobody waits
 * assert.equal(t.sendProbability(30, 1), 1);
 * ```
 */
export function createOrderTimingModel(cfg: OrderTimingConfig): OrderTimingModel {
  return new SpreadTiming(cfg);
}
