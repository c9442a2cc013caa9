/**
 * Spread-dependent flow at the touch (queue-reactive in the spread, after Huang, Lehalle &
 * Rosenbaum 2015): limit orders placed **inside the spread** and **deletions at the
 * touch**, each a Poisson stream whose intensity is a function of the current spread.
 *
 * The spread axis is cut into buckets by `spreadEdges` (ticks, increasing): bucket k holds
 * the spreads s with edges[k] ≤ s < edges[k + 1] (the last bucket is open above; spreads
 * below the first edge have rate 0). In bucket k,
 *
 * - limit orders inside the spread arrive at `inSpreadRate[k]` per second (both sides
 *   together; a side with probability ½): a bid improves the best bid by d ticks, an ask the
 *   best ask, d = 1 + G with G geometric of mean `improveMean` − 1, and never reaches the
 *   opposite best (d ≤ s − 1);
 * - deletions at the touch arrive at `cancelRate[k]` per second (both sides together; a
 *   side with probability ½, the other when that one is empty): one order of the best level,
 *   uniformly among the level's orders, is deleted.
 *
 * Each event's change of the mid, Δ, moves the public price P (and the value) by
 * `inSpreadImpact`·Δ or `cancelImpact`·Δ (Eisler, Bouchaud & Kockelkoren 2012: quote events
 * have a permanent impact, as trades do), so that the rest of the book follows the touch.
 *
 * The side of an event follows the last trade: an order inside the spread is on the side of
 * its aggressor with probability `inSpreadFollow`, a deletion on the side it hit with
 * probability `cancelFollow`, each by the trade's age (< 1 s, 1–10 s, later); ½ before any
 * trade.
 *
 * With `fleetingShare` φ > 0, an order placed inside the spread is **fleeting** with
 * probability φ (Hasbrouck & Saar 2009): it is deleted after an exponential lifetime of rate
 * `fleetingRate` μ (per second) unless it was executed, repriced or cancelled before. Its
 * deletion takes back the impact its placement gave the price: a fleeting order moves nothing
 * for good (the fit measures the impacts on the other orders). On the AMZN
 * tape 12 % of the orders placed inside the spread are deleted within a millisecond and 32 %
 * within 0.1 s: they come and go in pairs, most often within one 0.1-s interval, so they
 * change the best quotes without changing the mid between two looks at it. The fitted
 * `cancelRate` then leaves out the deletions the fleeting component explains
 * (`fit_touch.ts`).
 *
 * With `excitation` (α_c) and `excitationDecay` (β_c) the touch's events excite each other
 * (Hawkes): each placement inside the spread or deletion at the touch (a fleeting one's
 * included) adds Σ_c α_c·β_c·e^(−β_c·(t − t_i)) to the flow's total intensity, whose event is
 * then a placement or a deletion in the proportion of the current cell's rates. The table's
 * rates are then the baseline (the fit scales the tape's totals down, `fit_touch.ts`). On the
 * AMZN tape a touch event triggers 0.51 more on average, within milliseconds: its quote
 * changes come in bursts (docs/realism.md).
 *
 * With `ageEdges` the rates are a table by spread bucket and by the time since the last
 * trade (on AMZN both rates are 20 times higher within 0.1 s of a trade than 10 s after it:
 * trades set off the touch's reactions); the flow thins candidates drawn at the largest rate
 * of the current and older age buckets, exactly.
 *
 * The rates are multiplied by the regime's flow multiplier. Fitted on order-level tapes by
 * counting events per second of time spent in each bucket (`fit_touch.ts`). Empty arrays
 * (the default): the model is off.
 *
 * Assumes: intensities depend on the spread only (not on the queue sizes, the time, or the
 * recent flow: on the AMZN tape the touch deletions per side are 0.32–0.44 per second at
 * every queue size while both rates change up to sixfold with the spread), both sides alike,
 * improvements independent of the spread beyond the cap; with self-excitation, a baseline
 * proportional to the tape's rates in every cell. Ignores: the excitation of these events by
 * other kinds of events (beyond the last trade's age), partial cancellations, which order of
 * the level is deleted (uniform), the size of a placed order relative to the queue; a
 * fleeting order's lifetime does not depend on what happens in the book while it rests (a
 * repriced order is a new, regular one). Units: seconds, ticks.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import { HawkesExcitation } from "./hawkes.ts";
import type { Infer } from "../validation.ts";

/**
 * Schema of the touch-flow model.
 *
 * @ignore
 */
export const touchFlowConfigSchema = z.strictObject({
  /** Lower edges of the spread buckets, ticks, increasing (empty: the model is off). */
  spreadEdges: z.array(z.number().min(0).max(1e6)).max(64).default([]),
  /** Limit orders inside the spread per second in each bucket (both sides). */
  inSpreadRate: z.array(z.number().min(0).max(1e6)).max(1024).default([]),
  /** Deletions at the touch per second in each bucket (both sides). */
  cancelRate: z.array(z.number().min(0).max(1e6)).max(1024).default([]),
  /**
   * Upper edges of the buckets of the time since the last trade, s, increasing (empty: one
   * bucket). With A edges the rates hold A + 1 values per spread bucket, by spread first:
   * rate[k·(A + 1) + a].
   */
  ageEdges: z.array(z.number().min(0).max(1e6)).max(16).default([]),
  /** Mean improvement of an order inside the spread, ticks (≥ 1). */
  improveMean: z.number().min(1).max(1e6).default(1),
  /** Share of the mid's change by an order inside the spread that moves the price P. */
  inSpreadImpact: z.number().min(0).max(10).default(0),
  /** Share of the mid's change by a deletion at the touch that moves the price P. */
  cancelImpact: z.number().min(0).max(10).default(0),
  /**
   * Probability that an order inside the spread is on the side of the last trade's
   * aggressor (a buy: a bid), by the trade's age: < 1 s, 1–10 s, ≥ 10 s (empty: ½).
   */
  inSpreadFollow: z.array(z.number().min(0).max(1)).max(3).default([]),
  /**
   * Probability that a deletion at the touch is on the side the last trade hit (a buy: an
   * ask), by the trade's age as `inSpreadFollow` (empty: ½).
   */
  cancelFollow: z.array(z.number().min(0).max(1)).max(3).default([]),
  /**
   * Probability that an order inside the spread is fleeting: deleted after an exponential
   * lifetime of rate `fleetingRate` (0: none is).
   */
  fleetingShare: z.number().min(0).max(1).default(0),
  /** Deletion rate of a fleeting order, per second (its mean lifetime is 1/rate). */
  fleetingRate: z.number().min(0).max(1e9).default(0),
  /**
   * Self-excitation: each component's branching ratio α_c (the expected number of events one
   * touch event triggers through it; empty: none). Their sum is below 1.
   */
  excitation: z.array(z.number().min(0).max(1)).max(4).default([]),
  /** Each excitation component's decay β_c, per second (one per `excitation` entry). */
  excitationDecay: z.array(z.number().gt(0).max(1e7)).max(4).default([]),
});

/** Upper edges of the trade-age buckets of the follow probabilities, s. */
export const TOUCH_FOLLOW_AGES: readonly number[] = [1, 10];

/** Throws a ValidationError naming `field` at the first edge not above the one before. */
function requireIncreasing(field: string, edges: readonly number[]): void {
  for (let k = 1; k < edges.length; k++) {
    if (!(edges[k] > edges[k - 1])) throw new ValidationError(field, edges[k], "increasing edges");
  }
}

/** The touch-flow model's config (see the schema's field docs). */
export type TouchFlowConfig = Infer<typeof touchFlowConfigSchema>;

/**
 * The touch-flow model (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TouchFlow, touchFlowConfigSchema } from "./touch_flow.ts";
 * import { Rng } from "../rng/rng.ts";
 * const m = new TouchFlow({
 *   spreadEdges: [2, 10],
 *   ageEdges: [1], // within 1 s of a trade, and later
 *   inSpreadRate: [5, 0.5, 10, 1],
 *   cancelRate: [1, 0.25, 2, 0.5],
 *   improveMean: 1,
 *   inSpreadImpact: 1,
 *   cancelImpact: 0.5,
 *   inSpreadFollow: [0.6, 0.55, 0.5],
 *   cancelFollow: [],
 *   fleetingShare: 0, // no fleeting orders
 *   fleetingRate: 0,
 *   excitation: [], // no self-excitation
 *   excitationDecay: [],
 * });
 * assert.equal(m.inSpreadRate(1), 0); // a one-tick book has no room inside
 * assert.equal(m.rate(5), 0.75); // no trade yet: the oldest age bucket
 * assert.equal(m.rate(5, 0.2), 6); // 0.2 s after a trade
 * assert.equal(m.bound(5, 0.2), 6); // the age only grows until the next event
 * assert.equal(m.cancelRate(40), 0.5);
 * assert.equal(m.improvement(9, new Rng(1)), 1); // mean 1: always one tick
 * assert.equal(m.followProbability(false, 0.2), 0.6); // a bid after a fresh buy
 * assert.equal(m.followProbability(true, 0.2), 0.5);
 * assert.ok(Number.isNaN(m.fleetingLifetime(new Rng(1)))); // no fleeting orders
 * const all = { fleetingShare: 1, fleetingRate: 200 }; // every order fleeting, 5 ms
 * const f = new TouchFlow({ ...touchFlowConfigSchema.parse({}), ...all });
 * const r = new Rng(3);
 * let sum = 0;
 * for (let i = 0; i < 10_000; i++) sum += f.fleetingLifetime(r);
 * assert.ok(Math.abs(sum / 10_000 - 0.005) < 0.0005); // mean lifetime 1/200 s
 * ```
 */
export class TouchFlow {
  /** Largest total rate over the buckets, per second. */
  readonly maxRate: number;
  /**
   * Whether it places orders inside the spread (some bucket's rate above 0). Only then is every
   * order inside the spread its: the placement model's join the best quote at most.
   */
  readonly placesInside: boolean;
  readonly #edges: Float64Array;
  readonly #in: Float64Array;
  readonly #ages: Float64Array;
  readonly #na: number;
  readonly #cancel: Float64Array;
  /** Share of an order's mid change inside the spread that moves the price. */
  readonly inSpreadImpact: number;
  /** Share of a deletion's mid change at the touch that moves the price. */
  readonly cancelImpact: number;
  readonly #inFollow: Float64Array;
  readonly #cancelFollow: Float64Array;
  readonly #q: number; // geometric continuation probability of the improvement
  /** Probability that an order inside the spread is fleeting. */
  readonly fleetingShare: number;
  /** Deletion rate of a fleeting order, per second. */
  readonly fleetingRate: number;

  /** Creates the model from its config (arrays of one length, edges increasing). */
  constructor(cfg: TouchFlowConfig) {
    const na = cfg.ageEdges.length + 1;
    const n = cfg.spreadEdges.length * na;
    if (cfg.inSpreadRate.length !== n || cfg.cancelRate.length !== n) {
      throw new ValidationError(
        "touch.inSpreadRate",
        `${cfg.inSpreadRate.length}/${cfg.cancelRate.length}`,
        `one rate per spread and age bucket (${n})`,
      );
    }
    requireIncreasing("touch.ageEdges", cfg.ageEdges);
    this.#ages = Float64Array.from(cfg.ageEdges);
    this.#na = na;
    requireIncreasing("touch.spreadEdges", cfg.spreadEdges);
    this.#edges = Float64Array.from(cfg.spreadEdges);
    this.#in = Float64Array.from(cfg.inSpreadRate);
    this.#cancel = Float64Array.from(cfg.cancelRate);
    let max = 0;
    for (let k = 0; k < n; k++) max = Math.max(max, this.#in[k] + this.#cancel[k]);
    this.maxRate = max;
    this.placesInside = this.#in.some((r) => r > 0);
    this.inSpreadImpact = cfg.inSpreadImpact;
    this.cancelImpact = cfg.cancelImpact;
    this.#inFollow = Float64Array.from(cfg.inSpreadFollow);
    this.#cancelFollow = Float64Array.from(cfg.cancelFollow);
    // G geometric on 0, 1, … with mean m − 1: P(G ≥ j) = q^j, q = (m − 1)/m
    this.#q = (cfg.improveMean - 1) / cfg.improveMean;
    if (cfg.fleetingShare > 0 && !(cfg.fleetingRate > 0)) {
      throw new ValidationError(
        "touch.fleetingRate",
        cfg.fleetingRate,
        "a rate > 0 per second when touch.fleetingShare is above 0",
      );
    }
    this.fleetingShare = cfg.fleetingShare;
    this.fleetingRate = cfg.fleetingRate;
    if (cfg.excitationDecay.length !== cfg.excitation.length) {
      throw new ValidationError(
        "touch.excitationDecay",
        cfg.excitationDecay.length,
        `one decay per excitation component (${cfg.excitation.length})`,
      );
    }
    const branching = cfg.excitation.reduce((a, b) => a + b, 0);
    if (!(branching < 1)) {
      throw new ValidationError("touch.excitation", branching, "branching ratios summing below 1");
    }
    this.excitation = Float64Array.from(cfg.excitation);
    this.excitationDecay = Float64Array.from(cfg.excitationDecay);
  }

  /** Branching ratio α_c of each self-excitation component (empty: none). */
  readonly excitation: Float64Array;
  /** Decay β_c of each self-excitation component, per second. */
  readonly excitationDecay: Float64Array;

  /**
   * A fresh state of the self-excitation (a one-kind Hawkes excitation whose components are
   * (α_c, β_c); every touch event is its kind 0), or null without one.
   */
  excitationState(): HawkesExcitation | null {
    const a = this.excitation, b = this.excitationDecay;
    if (a.length === 0) return null;
    const extra = [];
    for (let c = 1; c < a.length; c++) extra.push({ alpha: [[a[c]]], beta: [[b[c]]] });
    return new HawkesExcitation([[a[0]]], [[b[0]]], extra);
  }

  /**
   * The lifetime (s) of an order just placed inside the spread if it is fleeting, else NaN;
   * draws from `rng` only when the model has fleeting orders.
   */
  fleetingLifetime(rng: Rng): number {
    const p = this.fleetingShare;
    if (!(p > 0) || rng.next() >= p) return NaN;
    return -Math.log(1 - rng.next()) / this.fleetingRate;
  }

  /**
   * Probability that an event follows the last trade (`cancel`: a deletion on the side it
   * hit; else an order inside the spread on its aggressor's side), the trade `age` s ago
   * (Infinity: none; then ½).
   */
  followProbability(cancel: boolean, age: number): number {
    const p = cancel ? this.#cancelFollow : this.#inFollow;
    if (!(age < Infinity) || p.length === 0) return 0.5;
    const k = age < TOUCH_FOLLOW_AGES[0] ? 0 : age < TOUCH_FOLLOW_AGES[1] ? 1 : 2;
    return p[k < p.length ? k : p.length - 1];
  }

  /** Bucket of spread `s` (ticks), −1 below the first edge or when `s` is NaN. */
  bucket(s: number): number {
    const e = this.#edges;
    let k = -1;
    for (let i = 0; i < e.length && s >= e[i]; i++) k = i;
    return k;
  }

  /** Age bucket of a last trade `age` s ago (Infinity: none, the oldest bucket). */
  ageBucket(age: number): number {
    const e = this.#ages;
    let a = 0;
    while (a < e.length && !(age < e[a])) a++;
    return a;
  }

  /**
   * Limit orders inside the spread per second at spread `s` (ticks; both sides), the last
   * trade `age` s ago (default: none).
   */
  inSpreadRate(s: number, age = Infinity): number {
    const k = this.bucket(s);
    return k < 0 || !(s > 1) ? 0 : this.#in[k * this.#na + this.ageBucket(age)];
  }

  /** Deletions at the touch per second at spread `s` (ticks; both sides), trade `age` s ago. */
  cancelRate(s: number, age = Infinity): number {
    const k = this.bucket(s);
    return k < 0 ? 0 : this.#cancel[k * this.#na + this.ageBucket(age)];
  }

  /** Total rate of the model's events at spread `s`, the last trade `age` s ago, per second. */
  rate(s: number, age = Infinity): number {
    return this.inSpreadRate(s, age) + this.cancelRate(s, age);
  }

  /**
   * A bound on the total rate at spread `s` from now until the next event: the largest over
   * the current age bucket and the older ones (the age only grows between events).
   */
  bound(s: number, age = Infinity): number {
    const k = this.bucket(s);
    if (k < 0) return 0;
    let max = 0;
    const room = s > 1;
    for (let a = this.ageBucket(age); a < this.#na; a++) {
      const r = (room ? this.#in[k * this.#na + a] : 0) + this.#cancel[k * this.#na + a];
      if (r > max) max = r;
    }
    return max;
  }

  /** Improvement d (ticks, 1 ≤ d ≤ max(1, s − 1)) of an order placed inside spread `s`. */
  improvement(s: number, rng: Rng): number {
    const q = this.#q;
    const g = q > 0 ? Math.floor(Math.log(1 - rng.next()) / Math.log(q)) : 0;
    const d = 1 + g;
    const cap = s - 1 >= 1 ? s - 1 : 1;
    return d < cap ? d : cap;
  }
}

/**
 * The touch-flow model of `cfg`, or null when it is off (no buckets or every rate 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTouchFlow, touchFlowConfigSchema } from "./touch_flow.ts";
 * assert.equal(createTouchFlow(touchFlowConfigSchema.parse({})), null);
 * ```
 */
export function createTouchFlow(cfg: TouchFlowConfig): TouchFlow | null {
  const m = new TouchFlow(cfg);
  return m.maxRate > 0 ? m : null;
}
