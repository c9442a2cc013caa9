/**
 * When background orders arrive: a point process over three kinds, market orders, limit
 * orders and cancellations ({@linkcode ARRIVAL}).
 *
 * `"poisson"`: market and limit orders at constant rates (`marketRate`, `limitRate`, both
 * sides together); cancellations come only from the per-order hazards of the cancellation
 * model.
 *
 * `"hawkes"` (default): the same baselines, plus exponential-kernel excitation between the
 * kinds (see `hawkes.ts`): `alpha[i][j]` is the number of kind-i events one kind-j event
 * triggers on average, `beta[i][j]` the decay rate of that effect (1/s); kinds in the order
 * market, limit, cancel. The defaults put the market-order effects in (Large 2007; Bacry,
 * Mastromatteo & Muzy 2015): market orders cluster (α_MM), each one brings in new limit
 * orders (α_LM, replenishment) and a wave of cancellations (α_CM). Limit orders and
 * cancellations may excite any kind too (the other entries), at a cost in speed: the
 * simulator skips the kernel's decay for kinds that excite nothing. The cancellation kind has no baseline of its own:
 * the per-order hazards are its baseline, and a triggered cancellation hits an order
 * chosen in proportion to those hazards. Every realised cancellation (hazard or triggered)
 * excites the others. Stationarity (spectral radius of α below 1) is checked.
 *
 * Baselines are multiplied by the regime's flow multiplier; the excitation is not.
 *
 * Exact simulation by thinning: {@linkcode ArrivalProcess.bound} is the total intensity at
 * a time, which bounds it until the next event because the excitation only decays.
 *
 * Assumes: the kinds' sides, prices and sizes are drawn by the other models, independently
 * of the excitation. Ignores: side-specific excitation (a buy exciting asks), power-law
 * kernels, intraday seasonality of the baselines. Units: events per second.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import type { Infer } from "../validation.ts";
import { HawkesExcitation, hawkesMeanIntensity, validateHawkesParams } from "./hawkes.ts";

/** Event kinds of an {@linkcode ArrivalProcess}. */
export const ARRIVAL = {
  /** A market order (uninformed, or informed with the informed model's share). */
  MARKET: 0,
  /** A limit order. */
  LIMIT: 1,
  /** A cancellation. */
  CANCEL: 2,
} as const;

/** Number of arrival kinds. */
export const ARRIVAL_KINDS = 3;

/**
 * Schema of the arrival process of background orders.
 *
 * @ignore
 */
export const arrivalConfigSchema = z.strictObject({
  /** "hawkes": mutually exciting kinds; "poisson": constant rates. */
  kind: z.enum(["hawkes", "poisson"]).default("hawkes"),
  /** Baseline rate of market orders, both sides together, per second. */
  marketRate: z.number().min(0).max(100_000).default(1.8),
  /** Baseline rate of limit orders, both sides together, per second. */
  limitRate: z.number().min(0).max(100_000).default(105),
  /** Branching matrix α (3×3, kinds market, limit, cancel; row = triggered kind). */
  alpha: z.array(z.array(z.number().min(0).max(100))).default([
    [0.3, 0, 0],
    [2, 0, 0],
    [2, 0, 0],
  ]),
  /** Decay rates β of the kernels (3×3), per second. */
  beta: z.array(z.array(z.number().positive().max(1e6))).default([
    [4, 4, 4],
    [4, 4, 4],
    [4, 4, 4],
  ]),
});

/** The arrival process of background orders (see the schema's field docs). */
export type ArrivalConfig = Infer<typeof arrivalConfigSchema>;

/**
 * A point process over the {@linkcode ARRIVAL} kinds, simulated by thinning. The market
 * calls `bound(t)`, draws a candidate time t' from that rate, and calls `select(t', u)`;
 * realised events are reported with `excite`. The cancellation kind's own baseline (the
 * per-order hazards) is drawn by the market, not here.
 */
export interface ArrivalProcess {
  /** Clears the state and sets the clock to `t` (seconds). */
  reset(t: number): void;
  /**
   * An upper bound (events/s) of the total intensity of the three kinds (cancellation:
   * excitation only) from `t` until the next event, under flow multiplier `mult`.
   */
  bound(t: number, mult: number): number;
  /**
   * The kind of the candidate event at `t` (≥ the time of the last `bound`), `u` uniform on
   * [0, bound): an {@linkcode ARRIVAL} kind, or −1 when it is thinned out.
   */
  select(t: number, u: number, mult: number): number;
  /** Records a realised event of `kind` at `t` (seconds). */
  excite(kind: number, t: number): void;
  /**
   * Stationary mean rates (events/s, multiplier 1) of market orders, limit orders and
   * triggered cancellations, assuming hazard cancellations at `cancelBaseline` per second.
   */
  meanRates(cancelBaseline: number): Float64Array;
}

/** Constant-rate arrivals. */
export class PoissonArrivals implements ArrivalProcess {
  readonly #m: number;
  readonly #l: number;

  /** Market and limit orders at `marketRate` and `limitRate` per second. */
  constructor(marketRate: number, limitRate: number) {
    this.#m = marketRate;
    this.#l = limitRate;
  }

  reset(): void {}

  bound(_t: number, mult: number): number {
    return (this.#m + this.#l) * mult;
  }

  select(_t: number, u: number, mult: number): number {
    return u < this.#m * mult ? ARRIVAL.MARKET : ARRIVAL.LIMIT;
  }

  excite(): void {}

  meanRates(): Float64Array {
    return Float64Array.of(this.#m, this.#l, 0);
  }
}

/**
 * Mutually exciting arrivals (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ARRIVAL, arrivalConfigSchema, HawkesArrivals } from "./arrivals.ts";
 * const h = new HawkesArrivals(arrivalConfigSchema.parse({}));
 * h.reset(0);
 * const before = h.bound(0, 1); // the baselines only: 1.8 market + 105 limit orders per second
 * h.excite(ARRIVAL.MARKET, 0); // a market order excites all three kinds: α·β = 4·(0.3 + 2 + 2)
 * const after = h.bound(0, 1);
 * assert.ok(Math.abs(after - before - 4 * (0.3 + 2 + 2)) < 1e-9);
 * // one second later, a candidate in the market orders' excitation part (just above their
 * // 1.8/s baseline) is thinned out: that part has decayed from 1.2/s to 1.2·e^(−4)/s
 * assert.equal(h.select(1, 1.8 + 0.6, 1), -1);
 * assert.ok(h.bound(1, 1) < after);
 * ```
 */
export class HawkesArrivals implements ArrivalProcess {
  readonly #mu: Float64Array;
  readonly #alpha: number[][];
  readonly #ex: HawkesExcitation;
  readonly #at: Float64Array = new Float64Array(ARRIVAL_KINDS); // e_i at the bound's time
  // fast path when every kernel has the same decay: one total excitation per kind
  readonly #beta: number;
  readonly #jump: Float64Array; // α_ij·β, row-major
  readonly #e: Float64Array = new Float64Array(ARRIVAL_KINDS);
  readonly #quiet: Uint8Array = new Uint8Array(ARRIVAL_KINDS); // 1: column j of α is zero
  #t = 0;

  /** Creates the process; throws a {@linkcode ValidationError} unless it is stationary. */
  constructor(cfg: ArrivalConfig) {
    const p = { mu: [cfg.marketRate, cfg.limitRate, 0], alpha: cfg.alpha, beta: cfg.beta };
    validateHawkesParams(p, "flow.arrivals");
    this.#mu = Float64Array.from(p.mu);
    this.#alpha = cfg.alpha.map((r) => [...r]);
    this.#ex = new HawkesExcitation(cfg.alpha, cfg.beta);
    const b0 = cfg.beta[0][0];
    const uniform = cfg.beta.every((r) => r.every((b) => b === b0));
    this.#beta = uniform ? b0 : NaN;
    this.#jump = new Float64Array(ARRIVAL_KINDS * ARRIVAL_KINDS);
    for (let i = 0; i < ARRIVAL_KINDS; i++) {
      for (let j = 0; j < ARRIVAL_KINDS; j++) {
        this.#jump[i * ARRIVAL_KINDS + j] = cfg.alpha[i][j] * cfg.beta[i][j];
      }
    }
    for (let j = 0; j < ARRIVAL_KINDS; j++) {
      this.#quiet[j] = cfg.alpha.every((row) => row[j] === 0) ? 1 : 0;
    }
  }

  reset(t: number): void {
    this.#ex.reset(t);
    this.#e.fill(0);
    this.#t = t;
  }

  #decay(t: number): void {
    const b = this.#beta;
    if (b === b) {
      const dt = t - this.#t;
      if (dt > 0) {
        const d = Math.exp(-b * dt);
        const e = this.#e;
        e[0] *= d;
        e[1] *= d;
        e[2] *= d;
        this.#t = t;
      }
      return;
    }
    const ex = this.#ex;
    ex.decayTo(t);
    for (let i = 0; i < ARRIVAL_KINDS; i++) this.#e[i] = ex.excitation(i);
  }

  /**
   * The baselines plus the excitation as last decayed (at or before `t`): the excitation
   * only decays between events, so this bounds the intensity from `t` on, without a
   * `Math.exp` per candidate.
   */
  bound(_t: number, mult: number): number {
    const e = this.#e;
    const mu = this.#mu;
    this.#at[0] = e[0];
    this.#at[1] = e[1];
    this.#at[2] = e[2];
    return (mu[0] + mu[1] + mu[2]) * mult + e[0] + e[1] + e[2];
  }

  /** A candidate in a baseline part is kept at once; only one in an excitation part decays it. */
  select(t: number, u: number, mult: number): number {
    for (let i = 0; i < ARRIVAL_KINDS; i++) {
      const base = this.#mu[i] * mult;
      if (u < base) return i;
      u -= base;
      const ex = this.#at[i];
      if (u < ex) {
        this.#decay(t);
        return u < this.#e[i] ? i : -1;
      }
      u -= ex;
    }
    return -1;
  }

  excite(kind: number, t: number): void {
    if (this.#quiet[kind] === 1) return; // this kind excites nothing
    if (this.#beta === this.#beta) {
      this.#decay(t);
      const e = this.#e;
      const jump = this.#jump;
      e[0] += jump[kind];
      e[1] += jump[ARRIVAL_KINDS + kind];
      e[2] += jump[2 * ARRIVAL_KINDS + kind];
      return;
    }
    this.#ex.decayTo(t);
    this.#ex.excite(kind);
    for (let i = 0; i < ARRIVAL_KINDS; i++) this.#e[i] = this.#ex.excitation(i);
  }

  meanRates(cancelBaseline: number): Float64Array {
    const mu = [this.#mu[0], this.#mu[1], cancelBaseline];
    const lam = hawkesMeanIntensity(mu, this.#alpha);
    lam[2] -= cancelBaseline;
    return lam;
  }
}

/** Creates the arrival process of `cfg`. */
export function createArrivalProcess(cfg: ArrivalConfig): ArrivalProcess {
  if (cfg.kind === "poisson") return new PoissonArrivals(cfg.marketRate, cfg.limitRate);
  if (cfg.alpha.length !== ARRIVAL_KINDS || cfg.beta.length !== ARRIVAL_KINDS) {
    throw new ValidationError("flow.arrivals.alpha", cfg.alpha, "a 3×3 matrix");
  }
  return new HawkesArrivals(cfg);
}
