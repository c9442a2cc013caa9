/**
 * Where background limit orders go.
 *
 * `"reference"` (default): liquidity follows the price. A buy order is placed i ticks below
 * the highest price that is at least `minEdge` ticks under the reference price P (the
 * public efficient price of the fundamental model): bid = ⌈P − minEdge⌉ − 1 − i, and a
 * sell symmetrically, ask = ⌊P + minEdge⌋ + 1 + i, with P(i) ∝ (i + 1)^(−α) for i = 0 …
 * `maxDistance` − 1 (a power law in the distance, as in Bouchaud, Mézard & Potters 2002
 * and Cont, Stoikov & Talreja 2010). An order never crosses: a bid is placed at most one
 * tick under the best ask (and an ask one tick above the best bid), so when the book lags
 * the price the new order joins just inside it.
 *
 * With `edge: "uniform"` each order asks for its own edge, uniform on
 * [(1 − w), (1 + w)]·`minEdge` (w = `edgeSpread`): liquidity providers differ in the edge
 * they need, and the touch is set by the keenest resting order, so the spread is wide when
 * those have been consumed and narrow when a keen one arrives. `"fixed"` (default): every
 * order asks for `minEdge`.
 *
 * `"opposite-best"`: the zero-intelligence rule of Cont, Stoikov & Talreja (2010) as used by
 * ALPE before: i + 1 ticks from the opposite best quote (bid = best ask − 1 − i), whatever
 * the price; the book then drifts only through its own order flow.
 *
 * With `activityExponent` η > 0 (reference anchor), each order's edge is scaled by
 * (λ/λ̄)^(−η), λ the market orders' intensity when the order is placed and λ̄ its stationary
 * mean (the factor within [1/64, 64]): liquidity providers quote tighter while the market
 * trades faster than usual and wider while it trades slower (competition for the flow, and
 * the wait to be filled: in the model of Guéant, Lehalle & Fernandez-Tapia 2013 the
 * inventory term of the optimal spread falls with the arrival rate), so a burst that has
 * widened the spread is met by orders inside it. 0 (the default): edges independent of the
 * activity.
 *
 * With `touchShare` p₀ the distance 0 (the best price the anchor allows: the touch, or the
 * first price inside the spread) gets probability p₀ and the distances 1 … `maxDistance` − 1
 * share 1 − p₀ by the same power law, P(i) ∝ (i + 1)^(−α): a book whose updates come in two
 * populations, those at the touch and those spread far behind it (the Binance BTCUSDT tape:
 * 31 % of the level updates within 1,000 ticks of the touch are at it, and the rest thin out
 * over hundreds of ticks), which one power law from the touch does not fit. Absent (the
 * default): the power law alone.
 *
 * Both sides are equally likely. Assumes: distances independent of sizes, of the queue
 * lengths and of recent flow. Ignores: orders placed in response to imbalance, hidden and
 * iceberg orders. Units: ticks.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ASK, BID, type Side } from "../book/order_book.ts";
import { ValidationError } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import type { Infer } from "../validation.ts";

/**
 * Schema of the limit-order placement model.
 *
 * @ignore
 */
export const placementConfigSchema = z.strictObject({
  /** "reference": relative to the reference price; "opposite-best": CST's zero intelligence. */
  anchor: z.enum(["reference", "opposite-best"]).default("reference"),
  /** Power-law exponent α of the distance distribution, P(i) ∝ (i + 1)^(−α). */
  alpha: z.number().min(0).max(10).default(1),
  /** Number of distances (ticks) at which limit orders arrive. */
  maxDistance: z.number().int().min(1).max(1_000).default(40),
  /**
   * p₀: probability of distance 0 (the touch); the other distances share 1 − p₀ by the
   * power law. Absent: the power law over every distance.
   */
  touchShare: z.number().min(0).max(1).optional(),
  /** Smallest edge over the reference price a new order asks for, ticks ("reference" only). */
  minEdge: z.number().min(0).max(1_000).default(0),
  /** "fixed": every order asks for `minEdge`; "uniform": each its own edge ("reference" only). */
  edge: z.enum(["fixed", "uniform"]).default("fixed"),
  /** Half-width w of the uniform edges, a share of `minEdge`: [(1 − w), (1 + w)]·minEdge. */
  edgeSpread: z.number().min(0).max(1).default(0.5),
  /** η: edges scaled by (λ/λ̄)^(−η), λ the market orders' intensity ("reference" only). */
  activityExponent: z.number().min(0).max(4).default(0),
});

/** The limit-order placement model (see the schema's field docs). */
export type PlacementConfig = Infer<typeof placementConfigSchema>;

/** Chooses the side and the price of background limit orders. */
export interface PlacementModel {
  /** Side of the next limit order. */
  side(rng: Rng): Side;
  /**
   * Price (integer ticks, may be < 1: the caller drops such an order) of a limit order on
   * `side`, given the reference price (ticks, fractional), the best quotes (ticks, NaN
   * when a side is empty) and, where the model reads it, the activity (the market orders'
   * intensity over its stationary mean; 1 when not given) and a factor on the edge over the
   * reference price (the liquidity state, `liquidity_state.ts`; the "reference" anchor only; 1
   * when not given).
   */
  price(
    side: Side,
    reference: number,
    bestBid: number,
    bestAsk: number,
    rng: Rng,
    activity?: number,
    edgeScale?: number,
  ): number;
  /** Distances beyond which the placement never puts an order (ticks from the anchor). */
  readonly maxDistance: number;
  /**
   * η > 0: `price` reads `activity`, the market orders' intensity over its stationary mean
   * (absent or 0: it does not, and the caller need not compute it).
   */
  readonly activityExponent?: number;
}

/**
 * The default placement model (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BID } from "../book/order_book.ts";
 * import { placementConfigSchema, PowerLawPlacement } from "./placement.ts";
 * import { Rng } from "../rng/rng.ts";
 * const place = new PowerLawPlacement(placementConfigSchema.parse({ maxDistance: 1 }));
 * // reference 100.3: the best possible bid is 100 and the ask 101
 * assert.equal(place.price(BID, 100.3, 99, 102, new Rng(1)), 100);
 * // a stale ask at 100 below the reference: the bid goes just under it, never through
 * assert.equal(place.price(BID, 100.3, 98, 100, new Rng(1)), 99);
 * ```
 */
export class PowerLawPlacement implements PlacementModel {
  readonly maxDistance: number;
  readonly activityExponent: number;
  readonly #anchorRef: boolean;
  readonly #edge: number;
  readonly #edgeWidth: number; // 0: fixed edges
  readonly #prob: Float64Array;
  readonly #alias: Int32Array;

  /** Creates the model from its config. */
  constructor(cfg: PlacementConfig) {
    this.maxDistance = cfg.maxDistance;
    this.#anchorRef = cfg.anchor === "reference";
    this.activityExponent = this.#anchorRef ? cfg.activityExponent : 0;
    this.#edge = cfg.minEdge;
    this.#edgeWidth = cfg.edge === "uniform" && this.#anchorRef
      ? 2 * cfg.edgeSpread * cfg.minEdge
      : 0;
    const t = buildAlias(placementWeights(cfg));
    this.#prob = t.prob;
    this.#alias = t.alias;
  }

  side(rng: Rng): Side {
    return rng.next() < 0.5 ? BID : ASK;
  }

  /** A distance i in [0, maxDistance) with P(i) ∝ (i + 1)^(−α) (alias method, one uniform). */
  distance(rng: Rng): number {
    const x = rng.next() * this.maxDistance;
    const k = x | 0;
    return x - k < this.#prob[k] ? k : this.#alias[k];
  }

  price(
    side: Side,
    reference: number,
    bestBid: number,
    bestAsk: number,
    rng: Rng,
    activity = 1,
    edgeScale = 1,
  ): number {
    const i = this.distance(rng);
    const w = this.#edgeWidth;
    let edge = w > 0 ? this.#edge + w * (rng.next() - 0.5) : this.#edge;
    const eta = this.activityExponent;
    if (eta > 0 && activity !== 1) edge *= activityFactor(activity, eta);
    if (edgeScale !== 1) edge *= edgeScale;
    if (side === BID) {
      let p: number;
      if (this.#anchorRef) p = Math.ceil(reference - edge) - 1 - i;
      else if (bestAsk === bestAsk) p = bestAsk - 1 - i;
      else if (bestBid === bestBid) p = bestBid - i;
      else p = Math.ceil(reference) - 1 - i;
      if (bestAsk === bestAsk && p >= bestAsk) p = bestAsk - 1;
      return p;
    }
    let p: number;
    if (this.#anchorRef) p = Math.floor(reference + edge) + 1 + i;
    else if (bestBid === bestBid) p = bestBid + 1 + i;
    else if (bestAsk === bestAsk) p = bestAsk + i;
    else p = Math.floor(reference) + 1 + i;
    if (bestBid === bestBid && p <= bestBid) p = bestBid + 1;
    return p;
  }

  /** Probability that a limit order lands at distance `i` (0-based) from its anchor. */
  distanceProbability(i: number): number {
    const d = this.maxDistance;
    if (!Number.isInteger(i) || i < 0 || i >= d) return 0;
    let hits = 0;
    for (let k = 0; k < d; k++) {
      if (k === i) hits += this.#prob[k];
      else if (this.#alias[k] === i) hits += 1 - this.#prob[k];
    }
    return hits / d;
  }
}

/**
 * The edge's factor (λ/λ̄)^(−η) of an activity λ/λ̄, within [1/64, 64] (no activity at
 * all: 64).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { activityFactor } from "./placement.ts";
 * assert.equal(activityFactor(4, 0.5), 0.5); // four times the mean flow: half the edge
 * assert.equal(activityFactor(0.25, 1), 4); // slower than usual: a wider edge
 * assert.equal(activityFactor(0, 1), 64);
 * ```
 */
export function activityFactor(activity: number, eta: number): number {
  const f = activity > 0 ? Math.pow(activity, -eta) : Infinity;
  return f > 64 ? 64 : f < 1 / 64 ? 1 / 64 : f;
}

/**
 * The placement's unnormalized weights of the distances 0 … `maxDistance` − 1: (i + 1)^(−α),
 * with the distance 0's weight set to give it `touchShare` of the total where that is set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placementConfigSchema, placementWeights } from "./placement.ts";
 * const w = placementWeights(placementConfigSchema.parse({ alpha: 1, maxDistance: 3, touchShare: 0.5 }));
 * assert.deepEqual([...w], [1 / 2 + 1 / 3, 1 / 2, 1 / 3]); // the touch: half of the total
 * ```
 */
export function placementWeights(cfg: PlacementConfig): Float64Array {
  const d = cfg.maxDistance;
  const w = new Float64Array(d);
  for (let i = 0; i < d; i++) w[i] = Math.pow(i + 1, -cfg.alpha);
  const p0 = cfg.touchShare;
  if (p0 === undefined) return w;
  if (p0 >= 1 || d === 1) {
    // the touch alone
    w.fill(0);
    w[0] = 1;
    return w;
  }
  // rest > 0: α ≤ 10 keeps 2^(−α) a positive double
  let rest = 0;
  for (let i = 1; i < d; i++) rest += w[i];
  w[0] = (p0 * rest) / (1 - p0);
  return w;
}

/** Creates the placement model of `cfg`. */
export function createPlacementModel(cfg: PlacementConfig): PlacementModel {
  return new PowerLawPlacement(cfg);
}

/**
 * Walker/Vose alias table for sampling index i with probability ∝ `w[i]` from one uniform:
 * x = u·n, k = ⌊x⌋, return k if x − k < prob[k] else alias[k].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildAlias } from "./placement.ts";
 * const { prob, alias } = buildAlias([1, 3]);
 * assert.equal(prob.length, 2);
 * assert.ok(alias[0] === 1 && Math.abs(prob[0] - 0.5) < 1e-12);
 * ```
 */
export function buildAlias(w: ArrayLike<number>): { prob: Float64Array; alias: Int32Array } {
  const n = w.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i];
  if (!(total > 0)) throw new ValidationError("weights", total, "a positive total weight");
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    scaled[i] = (w[i] * n) / total;
    (scaled[i] < 1 ? small : large).push(i);
    alias[i] = i;
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1;
  return { prob, alias };
}
