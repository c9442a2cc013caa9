/**
 * Zero-intelligence order flow in the style of Cont, Stoikov & Talreja (2010), "A
 * stochastic model for order book dynamics" (see /work/shared/REFERENCES.md), driven by
 * the Gillespie algorithm on a live {@linkcode OrderBook}:
 *
 * - limit orders arrive on each side at total rate `limitRate`, at a distance of `i` ticks
 *   (1 ≤ i ≤ `maxDistance`) from the opposite best quote with probability ∝ 1/i^α, so they
 *   never cross (a buy at distance 1 from the ask improves the bid when the spread is wider
 *   than one tick);
 * - market orders arrive on each side at rate `marketRate`;
 * - each resting background order is cancelled at rate θ = `cancelRate`, so the total
 *   cancellation intensity is θ × (number of resting background orders) and the victim is
 *   drawn uniformly among them (O(1) via a dense id array with swap-remove);
 * - every intensity is multiplied by the current regime's flow multiplier;
 * - sizes are 1 + Poisson(`meanSize` − 1) lots.
 *
 * The caller owns the clock: it draws the waiting time from {@linkcode ZeroIntelligenceFlow.rate}
 * (plus any other competing intensities), then calls {@linkcode ZeroIntelligenceFlow.fire}
 * with a uniform point in [0, rate) that selects the event type (the Gillespie direct
 * method). Background orders belong to owner 0 and get ids 0, 1, 2, …; when one of them is
 * fully executed the caller must report it with {@linkcode ZeroIntelligenceFlow.onFilled}.
 *
 * @module
 */
import { ASK, BID, type OrderBook } from "../book/order_book.ts";
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import type { Infer } from "../validation.ts";

/**
 * Schema of the book tier's background order flow: zero-intelligence limit, market and
 * cancel orders, and informed traders.
 *
 * @ignore
 */
export const flowConfigSchema = z.strictObject({
  /** Limit-order arrival rate per side, orders per second, summed over all distances. */
  limitRate: z.number().min(0).max(100_000).default(70),
  /** Power-law exponent α of the limit-order intensity λ(i) ∝ 1/i^α by distance i (ticks). */
  limitAlpha: z.number().min(0).max(10).default(0.8),
  /** Furthest distance (ticks from the opposite best quote) at which limit orders arrive. */
  maxDistance: z.number().int().min(1).max(1_000).default(50),
  /** Market-order arrival rate per side, orders per second. */
  marketRate: z.number().min(0).max(100_000).default(8),
  /** Cancellation rate θ per resting order per second. */
  cancelRate: z.number().min(0).max(1_000).default(0.25),
  /** Mean order size in lots (sizes are 1 + Poisson(mean − 1)). */
  meanSize: z.number().min(1).max(10_000).default(3),
  /** Rate of informed market orders per second (trade toward the latent fundamental). */
  informedRate: z.number().min(0).max(10_000).default(1),
  /** Informed traders act when |fundamental − mid| exceeds this many ticks. */
  informedThreshold: z.number().min(0).max(1_000).default(1),
  /** Initial depth: lots per level at the start of an episode. */
  initialDepth: z.number().int().min(0).max(100_000).default(20),
  /** Levels per side populated at the start. */
  initialLevels: z.number().int().min(1).max(1_000).default(30),
});

/** Background order flow of the book tier (see the schema's field docs). */
export type FlowConfig = Infer<typeof flowConfigSchema>;

/** Parameters of the zero-intelligence flow (the fields of `EnvConfig["flow"]` it uses). */
export interface ZeroIntelligenceParams {
  /** Limit-order arrival rate per side, orders per second. */
  limitRate: number;
  /** Power-law exponent α of the limit-order intensity by distance. */
  limitAlpha: number;
  /** Furthest distance (ticks from the opposite best quote) of a limit order. */
  maxDistance: number;
  /** Market-order arrival rate per side, orders per second. */
  marketRate: number;
  /** Cancellation rate per resting order per second. */
  cancelRate: number;
  /** Mean order size in lots (≥ 1). */
  meanSize: number;
}

/** Event type codes of the flow (indices of {@linkcode ZeroIntelligenceFlow.counts}). */
export const FLOW_EVENT = {
  LIMIT_BID: 0,
  LIMIT_ASK: 1,
  MARKET_BUY: 2,
  MARKET_SELL: 3,
  CANCEL: 4,
} as const;

/** Number of flow event types. */
export const FLOW_EVENT_TYPES = 5;

/** Owner id of background (zero-intelligence) orders. */
export const BACKGROUND_OWNER = 0;

/**
 * Background flow generator over one order book.
 *
 * @example
 * ```ts
 * import { OrderBook } from "../book/order_book.ts";
 * import { Rng } from "../rng/rng.ts";
 * import { ZeroIntelligenceFlow } from "./order_flow.ts";
 * const book = new OrderBook();
 * const flow = new ZeroIntelligenceFlow({
 *   limitRate: 60, limitAlpha: 0.8, maxDistance: 50, marketRate: 8, cancelRate: 0.25, meanSize: 3,
 * });
 * book.sink = { onExecution: (id, owner, _a, _s, _p, _q, _t, left) => {
 *   if (owner === 0 && left === 0) flow.onFilled(id);
 * } };
 * flow.seed(book, 10_000, 30, 20, 0);
 * const rng = new Rng("demo");
 * let t = 0;
 * for (let k = 0; k < 1000; k++) {
 *   const rate = flow.rate(1);
 *   t += rng.exponential(rate);
 *   flow.fire(book, Math.round(t * 1e9), 1, rng.next() * rate, rng, 10_000);
 * }
 * book.spread(); // a few ticks
 * ```
 */
export class ZeroIntelligenceFlow {
  /** Number of events fired since the last reset, by {@linkcode FLOW_EVENT} type. */
  readonly counts: Float64Array = new Float64Array(FLOW_EVENT_TYPES);
  /** The parameters. */
  readonly params: Readonly<ZeroIntelligenceParams>;

  #limitRate: number;
  #marketRate: number;
  #cancelRate: number;
  #sizeMean: number;
  #sizeExp: number;
  #maxDistance: number;
  #aliasProb: Float64Array;
  #aliasIdx: Int32Array;
  // live background orders: dense ids + position by id (−1 when not live)
  #live = new Int32Array(1024);
  #pos = new Int32Array(4096).fill(-1);
  #n = 0;
  #nextId = 0;

  /** Creates the flow; throws a {@linkcode ValidationError} naming a bad parameter. */
  constructor(params: ZeroIntelligenceParams) {
    const p = params;
    checkRange("flow.limitRate", p.limitRate, 0, 1e5);
    checkRange("flow.limitAlpha", p.limitAlpha, 0, 10);
    checkRange("flow.marketRate", p.marketRate, 0, 1e5);
    checkRange("flow.cancelRate", p.cancelRate, 0, 1e3);
    checkRange("flow.meanSize", p.meanSize, 1, 1e4);
    if (!Number.isInteger(p.maxDistance) || p.maxDistance < 1 || p.maxDistance > 1000) {
      throw new ValidationError("flow.maxDistance", p.maxDistance, "an integer in [1, 1000]");
    }
    this.params = { ...p };
    this.#limitRate = p.limitRate;
    this.#marketRate = p.marketRate;
    this.#cancelRate = p.cancelRate;
    this.#sizeMean = p.meanSize - 1;
    this.#sizeExp = Math.exp(-(p.meanSize - 1));
    this.#maxDistance = p.maxDistance;
    const w = new Float64Array(p.maxDistance);
    for (let i = 0; i < w.length; i++) w[i] = Math.pow(i + 1, -p.limitAlpha);
    const alias = buildAlias(w);
    this.#aliasProb = alias.prob;
    this.#aliasIdx = alias.alias;
  }

  /** Number of resting background orders the flow tracks. */
  get liveCount(): number {
    return this.#n;
  }

  /** Next background order id (ids are 0, 1, 2, … within an episode). */
  get nextId(): number {
    return this.#nextId;
  }

  /** Probability that a limit order lands at distance `i` ticks (1-based) from the opposite best. */
  distanceProbability(i: number): number {
    const d = this.#maxDistance;
    if (!Number.isInteger(i) || i < 1 || i > d) return 0;
    const a = this.params.limitAlpha;
    let z = 0;
    for (let k = 1; k <= d; k++) z += Math.pow(k, -a);
    return Math.pow(i, -a) / z;
  }

  /** Forgets every live order and zeroes the counters and the id sequence. */
  reset(): void {
    for (let j = 0; j < this.#n; j++) this.#pos[this.#live[j]] = -1;
    this.#n = 0;
    this.#nextId = 0;
    this.counts.fill(0);
  }

  /**
   * Resets the flow and places `levels` levels per side of `depth` lots each (as orders of
   * about `meanSize` lots) around `midTicks`: bids at ⌈mid⌉−1, ⌈mid⌉−2, …, asks at
   * ⌊mid⌋+1, ⌊mid⌋+2, … (so the initial spread is 1 tick for a half-tick mid, 2 ticks for
   * a whole-tick mid). The book must be empty.
   */
  seed(book: OrderBook, midTicks: number, levels: number, depth: number, timeNs: number): void {
    this.reset();
    const bid0 = Math.ceil(midTicks) - 1;
    const ask0 = Math.floor(midTicks) + 1;
    const chunk = Math.max(1, Math.round(this.params.meanSize));
    for (let l = 0; l < levels; l++) {
      for (let side = 0; side < 2; side++) {
        const price = side === BID ? bid0 - l : ask0 + l;
        if (price < 1) continue;
        let left = depth;
        while (left > 0) {
          const q = left < chunk ? left : chunk;
          this.#add(book, side as 0 | 1, price, q, timeNs);
          left -= q;
        }
      }
    }
  }

  /** Total intensity (events per second) of the flow under flow multiplier `mult`. */
  rate(mult: number): number {
    return mult * (2 * (this.#limitRate + this.#marketRate) + this.#cancelRate * this.#n);
  }

  /**
   * Fires one event. `u` in [0, {@linkcode ZeroIntelligenceFlow.rate}(mult)) selects its type
   * (limit bid, limit ask, market buy, market sell, cancel, in that order of the rate
   * partition); `rng` draws its distance, size and cancel victim. `refTicks` anchors limit
   * orders only when both sides of the book are empty. Returns the {@linkcode FLOW_EVENT}
   * type fired.
   */
  fire(
    book: OrderBook,
    timeNs: number,
    mult: number,
    u: number,
    rng: Rng,
    refTicks: number,
  ): number {
    const lim = mult * this.#limitRate;
    const mkt = mult * this.#marketRate;
    let type: number;
    if (u < lim) type = FLOW_EVENT.LIMIT_BID;
    else if (u < 2 * lim) type = FLOW_EVENT.LIMIT_ASK;
    else if (u < 2 * lim + mkt) type = FLOW_EVENT.MARKET_BUY;
    else if (u < 2 * lim + 2 * mkt) type = FLOW_EVENT.MARKET_SELL;
    else type = this.#n > 0 ? FLOW_EVENT.CANCEL : FLOW_EVENT.MARKET_SELL;
    this.counts[type]++;
    switch (type) {
      case FLOW_EVENT.LIMIT_BID: {
        const d = this.#distance(rng);
        let opp = book.bestAsk();
        if (opp !== opp) {
          const b = book.bestBid();
          opp = b === b ? b + 1 : Math.floor(refTicks) + 1;
        }
        const price = opp - d;
        if (price >= 1) this.#add(book, BID, price, this.#size(rng), timeNs);
        break;
      }
      case FLOW_EVENT.LIMIT_ASK: {
        const d = this.#distance(rng);
        let opp = book.bestBid();
        if (opp !== opp) {
          const a = book.bestAsk();
          opp = a === a ? a - 1 : Math.floor(refTicks);
        }
        this.#add(book, ASK, opp + d, this.#size(rng), timeNs);
        break;
      }
      case FLOW_EVENT.MARKET_BUY:
        book.market(BID, this.#size(rng), timeNs);
        break;
      case FLOW_EVENT.MARKET_SELL:
        book.market(ASK, this.#size(rng), timeNs);
        break;
      default: {
        const j = rng.int(this.#n);
        const id = this.#live[j];
        book.cancel(id);
        this.#removeAt(j, id);
      }
    }
    return type;
  }

  /** Tells the flow that background order `id` was fully executed (is no longer resting). */
  onFilled(id: number): void {
    if (id >= this.#pos.length) return;
    const j = this.#pos[id];
    if (j >= 0) this.#removeAt(j, id);
  }

  /** True when background order `id` is tracked as resting. */
  isLive(id: number): boolean {
    return id >= 0 && id < this.#pos.length && this.#pos[id] >= 0;
  }

  #distance(rng: Rng): number {
    const x = rng.next() * this.#maxDistance;
    const k = x | 0;
    return (x - k < this.#aliasProb[k] ? k : this.#aliasIdx[k]) + 1;
  }

  /** 1 + Poisson(meanSize − 1) by inversion (PTRS via Rng for large means). */
  #size(rng: Rng): number {
    const m = this.#sizeMean;
    if (m <= 0) return 1;
    if (m >= 10) return 1 + rng.poisson(m);
    let k = 0;
    let p = this.#sizeExp;
    let cdf = p;
    const u = rng.next();
    while (u > cdf && k < 1000) {
      k++;
      p *= m / k;
      cdf += p;
    }
    return 1 + k;
  }

  #add(book: OrderBook, side: 0 | 1, price: number, qty: number, timeNs: number): void {
    const id = this.#nextId++;
    if (book.addLimit(id, side, price, qty, timeNs, BACKGROUND_OWNER) === 0) return;
    if (this.#n === this.#live.length) {
      const a = new Int32Array(this.#live.length * 2);
      a.set(this.#live);
      this.#live = a;
    }
    if (id >= this.#pos.length) {
      const a = new Int32Array(this.#pos.length * 2).fill(-1);
      a.set(this.#pos);
      this.#pos = a;
    }
    this.#live[this.#n] = id;
    this.#pos[id] = this.#n++;
  }

  #removeAt(j: number, id: number): void {
    const last = --this.#n;
    const moved = this.#live[last];
    this.#live[j] = moved;
    this.#pos[moved] = j;
    this.#pos[id] = -1;
  }
}

function checkRange(field: string, v: number, lo: number, hi: number): void {
  if (typeof v !== "number" || !(v >= lo && v <= hi)) {
    throw new ValidationError(field, v, `a number in [${lo}, ${hi}]`);
  }
}

/**
 * Walker/Vose alias table for sampling index i with probability ∝ `w[i]` from one uniform:
 * x = u·n, k = ⌊x⌋, return k if x − k < prob[k] else alias[k].
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
