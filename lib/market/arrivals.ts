/**
 * When background orders arrive: a point process over three kinds, market orders, limit
 * orders and cancellations ({@linkcode ARRIVAL}).
 *
 * `"poisson"`: market and limit orders at constant rates (`marketRate`, `limitRate`, both
 * sides together); cancellations come only from the per-order hazards of the cancellation
 * model.
 *
 * `"hawkes"` (default): the same baselines, plus excitation between the kinds (see
 * `hawkes.ts`) by kernels that are one exponential or a sum of them: `alpha[i][j]` is the
 * number of kind-i events one kind-j event triggers on average, `beta[i][j]` the decay rate
 * of that effect (1/s); kinds in the order market, limit, cancel. `extraKernels` adds
 * further components (α, β) with other decay rates: with time scales from milliseconds to
 * minutes they approximate the power-law kernels measured on order flow (Bacry,
 * Mastromatteo & Muzy 2015), which one exponential cannot (it puts every triggered order
 * within a few 1/β of its parent). The defaults put the market-order effects in (Large 2007; Bacry,
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
 * of the excitation. Ignores: side-specific excitation (a buy exciting asks), kernel shapes
 * other than sums of exponentials, intraday seasonality of the baselines. Units: events per second.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import type { Infer } from "../validation.ts";
import {
  branchingMatrix,
  hawkesMeanIntensity,
  kernelComponents,
  kernelComponentSchema,
  validateHawkesParams,
} from "./hawkes.ts";

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

/** Largest entry of a branching matrix α, events per event. */
export const MAX_BRANCHING = 10_000;
/** Largest decay rate β of a kernel, per second (a tenth of a microsecond). */
export const MAX_DECAY = 1e7;

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
  /**
   * Branching matrix α (3×3, kinds market, limit, cancel; row = triggered kind), events per
   * event, each at most 10,000: a market order may bring in hundreds of limit orders over the
   * whole book (a tape's touch share of them, scaled up by the placement's).
   */
  alpha: z.array(z.array(z.number().min(0).max(MAX_BRANCHING))).default([
    [0.3, 0, 0],
    [2, 0, 0],
    [2, 0, 0],
  ]),
  /** Decay rates β of the kernels (3×3), per second. */
  beta: z.array(z.array(z.number().positive().max(MAX_DECAY))).default([
    [4, 4, 4],
    [4, 4, 4],
    [4, 4, 4],
  ]),
  /**
   * Further exponential components of the kernels (optional, at most 3): each an `alpha`
   * and a `beta` (3×3) like the first, added to it, so that the kernel of a pair is a sum of
   * exponentials with several time scales. The branching matrix is the sum of the
   * components' `alpha`.
   */
  extraKernels: z.array(kernelComponentSchema).max(3).optional(),
  /**
   * Start each episode with the excitation at its stationary mean (α^c_ij·Λ_j per component,
   * Λ the stationary rates of market and limit orders, triggered cancellations only) instead
   * of empty: the mean rate is then stationary from the first event, where an empty start
   * leaves it low for a few 1/(β(1 − n)) — minutes with a slow kernel component. Default
   * false (an empty start, as before).
   */
  stationaryStart: z.boolean().default(false),
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
   * The market orders' intensity (events/s) at `t` (≥ the last event's time), baseline ×
   * `mult` plus the excitation; optional (a placement that depends on the activity reads it).
   */
  marketIntensity?(t: number, mult: number): number;
  /**
   * The market orders' baseline intensity (events/s) under `mult`: the part of
   * `marketIntensity` that no event excited; optional (a timing that modulates only the
   * baseline reads it).
   */
  marketBaseline?(mult: number): number;
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

  marketIntensity(_t: number, mult: number): number {
    return this.#m * mult;
  }

  marketBaseline(mult: number): number {
    return this.#m * mult;
  }

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
  readonly #alpha: number[][]; // branching matrix, summed over the components
  readonly #at: Float64Array = new Float64Array(ARRIVAL_KINDS); // e_i at the bound's time
  // the excitation as terms: one per (triggered kind i, distinct decay β) with a non-zero
  // component, exact (each decays as one exponential), summed per kind into #e
  readonly #termKind: Int32Array;
  readonly #termRate: Int32Array; // index into #rates
  readonly #termJump: Float64Array; // α·β of the term per exciting kind, row-major (term, j)
  readonly #term: Float64Array; // state of each term, events per second
  readonly #rates: Float64Array; // distinct decays of the terms
  readonly #dec: Float64Array; // e^(−β Δ) scratch per distinct decay
  readonly #e: Float64Array = new Float64Array(ARRIVAL_KINDS);
  readonly #quiet: Uint8Array = new Uint8Array(ARRIVAL_KINDS); // 1: kind j excites nothing
  readonly #start: Float64Array; // state of each term at reset
  #t = 0;

  /** Creates the process; throws a {@linkcode ValidationError} unless it is stationary. */
  constructor(cfg: ArrivalConfig) {
    const p = {
      mu: [cfg.marketRate, cfg.limitRate, 0],
      alpha: cfg.alpha,
      beta: cfg.beta,
      extraKernels: cfg.extraKernels,
    };
    validateHawkesParams(p, "flow.arrivals");
    this.#mu = Float64Array.from(p.mu);
    this.#alpha = branchingMatrix(p);
    const kinds: number[] = [], rates: number[] = [], idx: number[] = [], jumps: number[][] = [];
    for (const comp of kernelComponents(p)) {
      for (let i = 0; i < ARRIVAL_KINDS; i++) {
        for (let j = 0; j < ARRIVAL_KINDS; j++) {
          const a = comp.alpha[i][j], b = comp.beta[i][j];
          if (a === 0) continue;
          let t = 0;
          while (t < kinds.length && !(kinds[t] === i && rates[t] === b)) t++;
          if (t === kinds.length) {
            kinds.push(i);
            rates.push(b);
            jumps.push([0, 0, 0]);
          }
          jumps[t][j] += a * b;
        }
      }
    }
    const distinct = [...new Set(rates)];
    for (const r of rates) idx.push(distinct.indexOf(r));
    this.#termKind = Int32Array.from(kinds);
    this.#termRate = Int32Array.from(idx);
    this.#termJump = Float64Array.from(jumps.flat());
    this.#term = new Float64Array(kinds.length);
    this.#rates = Float64Array.from(distinct);
    this.#dec = new Float64Array(distinct.length);
    for (let j = 0; j < ARRIVAL_KINDS; j++) {
      this.#quiet[j] = jumps.every((r) => r[j] === 0) ? 1 : 0;
    }
    // stationary mean of a term: Σ_j (α·β)_j / β · Λ_j
    this.#start = new Float64Array(kinds.length);
    if (cfg.stationaryStart) {
      const lam = hawkesMeanIntensity(p.mu, this.#alpha);
      for (let q = 0; q < kinds.length; q++) {
        let v = 0;
        for (let j = 0; j < ARRIVAL_KINDS; j++) v += jumps[q][j] / rates[q] * lam[j];
        this.#start[q] = v;
      }
    }
  }

  reset(t: number): void {
    const term = this.#term, e = this.#e, tk = this.#termKind;
    term.set(this.#start);
    e.fill(0);
    for (let q = 0; q < term.length; q++) e[tk[q]] += term[q];
    this.#t = t;
  }

  #decay(t: number): void {
    const dt = t - this.#t;
    if (!(dt > 0)) return;
    this.#t = t;
    const rates = this.#rates, dec = this.#dec, term = this.#term, e = this.#e;
    for (let g = 0; g < rates.length; g++) dec[g] = Math.exp(-rates[g] * dt);
    const rate = this.#termRate, kind = this.#termKind;
    e[0] = 0;
    e[1] = 0;
    e[2] = 0;
    for (let q = 0; q < term.length; q++) {
      const v = term[q] * dec[rate[q]];
      term[q] = v;
      e[kind[q]] += v;
    }
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

  marketIntensity(t: number, mult: number): number {
    this.#decay(t);
    return this.#mu[0] * mult + this.#e[0];
  }

  marketBaseline(mult: number): number {
    return this.#mu[0] * mult;
  }

  excite(kind: number, t: number): void {
    if (this.#quiet[kind] === 1) return; // this kind excites nothing
    this.#decay(t);
    const term = this.#term, jump = this.#termJump, tk = this.#termKind, e = this.#e;
    for (let q = 0; q < term.length; q++) {
      const v = jump[q * ARRIVAL_KINDS + kind];
      term[q] += v;
      e[tk[q]] += v;
    }
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
  (cfg.extraKernels ?? []).forEach((c, n) => {
    if (c.alpha.length !== ARRIVAL_KINDS || c.beta.length !== ARRIVAL_KINDS) {
      throw new ValidationError(`flow.arrivals.extraKernels.${n}.alpha`, c.alpha, "a 3×3 matrix");
    }
  });
  return new HawkesArrivals(cfg);
}
