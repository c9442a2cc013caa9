/**
 * The background order flow of the book tier, composed from small models, each with one
 * job and passed in as an object ({@linkcode FlowModels}, like mbt_gym's `ModelDynamics`):
 *
 * | model          | job                                                    | default (file)                   |
 * | -------------- | ------------------------------------------------------ | -------------------------------- |
 * | `arrivals`     | when market / limit / cancel events happen             | Hawkes (`arrivals.ts`)           |
 * | `signs`        | the sign of an uninformed market order                 | metaorders (`trade_signs.ts`)    |
 * | `sizes`        | market-order sizes (relative to the touch), limit sizes | Pareto, capped (`order_sizes.ts`) |
 * | `placement`    | the price of a limit order                             | around the price (`placement.ts`) |
 * | `cancellation` | each resting order's cancellation hazard               | by queue position (`cancellation.ts`) |
 * | `reaction`     | what happens to orders the price moved through         | re-post / cancel (`reaction.ts`) |
 * | `refill`       | how long the side left behind by a large move stays withdrawn | lag-proportional delay (`refill.ts`, off by default) |
 * | `fundamental`  | the reference price and the informed value, impact     | latent (`fundamental.ts`)        |
 * | `informed`     | what an informed arrival trades                        | IOC at value (`informed.ts`)     |
 * | `snipers`      | latency arbitrage on quotes the value left stale       | race at a rate (`snipers.ts`)    |
 * | `timing`       | when an uninformed market order is sent                | at once, or by spread (`order_timing.ts`) |
 * | `touch`        | orders inside the spread, deletions at the touch       | off, or by spread (`touch_flow.ts`) |
 * | `takers`       | market orders that answer an improvement of the quotes | off (`improvement_takers.ts`)    |
 * | `liquidity`    | a slow factor on the providers' edge                   | off (`liquidity_state.ts`)       |
 *
 * {@linkcode BackgroundFlow} runs them on a live {@linkcode OrderBook} by exact thinning:
 * candidates arrive at the sum of the arrival process's bound, the cancellation bound
 * (largest hazard × resting orders × flow multiplier), the fundamental's own event rate and
 * the snipers' intensity (constant between events: it depends on the book and the value)
 * and the waiting market-order traders' retry rate (rate × number waiting);
 * each candidate is kept or dropped in proportion to the true intensities at its time.
 * Stale orders are handled by reaction events in an {@linkcode EventQueue}. The caller (the
 * book tier's market) owns the clock and interleaves its own messages: it reads
 * {@linkcode BackgroundFlow.nextNs} and calls {@linkcode BackgroundFlow.fireNext}.
 *
 * Background orders belong to owner 0 and get ids 0, 1, 2, … per episode; the book's sink
 * must report fully executed ones with {@linkcode BackgroundFlow.onFilled}.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ASK, BID, type OrderBook, type Side } from "../book/order_book.ts";
import { ValidationError } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import type { Infer } from "../validation.ts";
import {
  ARRIVAL,
  arrivalConfigSchema,
  type ArrivalProcess,
  createArrivalProcess,
} from "./arrivals.ts";
import {
  cancellationConfigSchema,
  type CancellationModel,
  createCancellationModel,
} from "./cancellation.ts";
import { EventQueue } from "./event_queue.ts";
import type { HawkesExcitation } from "./hawkes.ts";
import {
  fundamentalConfigSchema,
  type FundamentalModel,
  LatentFundamental,
} from "./fundamental.ts";
import {
  createImprovementTakers,
  improvementTakerConfigSchema,
  type ImprovementTakerModel,
} from "./improvement_takers.ts";
import {
  createLiquidityState,
  liquidityStateConfigSchema,
  type LiquidityStateModel,
} from "./liquidity_state.ts";
import { createInformedModel, informedConfigSchema, type InformedModel } from "./informed.ts";
import { createSniperModel, sniperConfigSchema, type SniperModel } from "./snipers.ts";
import {
  createOrderTimingModel,
  orderTimingConfigSchema,
  type OrderTimingModel,
} from "./order_timing.ts";
import { createOrderSizeModel, orderSizeConfigSchema, type OrderSizeModel } from "./order_sizes.ts";
import { createPlacementModel, placementConfigSchema, type PlacementModel } from "./placement.ts";
import { normalFromUniform } from "./price_process.ts";
import { createReactionModel, reactionConfigSchema, type ReactionModel } from "./reaction.ts";
import { createRefillModel, refillConfigSchema, type RefillModel } from "./refill.ts";
import { createTradeSignModel, tradeSignConfigSchema, type TradeSignModel } from "./trade_signs.ts";
import { createTouchFlow, type TouchFlow, touchFlowConfigSchema } from "./touch_flow.ts";
import type { ImpactModel } from "./types.ts";

/**
 * Schema of the book tier's background order flow: one section per model.
 *
 * @ignore
 */
export const flowConfigSchema = z.strictObject({
  /** When market, limit and cancel events happen. */
  arrivals: arrivalConfigSchema.prefault({}),
  /** Signs of uninformed market orders. */
  signs: tradeSignConfigSchema.prefault({}),
  /** Sizes of market and limit orders. */
  sizes: orderSizeConfigSchema.prefault({}),
  /** Prices of limit orders. */
  placement: placementConfigSchema.prefault({}),
  /** Cancellation hazards of resting orders. */
  cancellation: cancellationConfigSchema.prefault({}),
  /** Reaction of resting orders to price moves. */
  reaction: reactionConfigSchema.prefault({}),
  /** How long the side a large move left behind stays withdrawn (off by default). */
  refill: refillConfigSchema.prefault({}),
  /** Reference price, informed value and the impact of trades. */
  fundamental: fundamentalConfigSchema.prefault({}),
  /** Informed traders. */
  informed: informedConfigSchema.prefault({}),
  /** Latency arbitrageurs (off by default). */
  snipers: sniperConfigSchema.prefault({}),
  /** When uninformed market orders are sent (at once by default). */
  timing: orderTimingConfigSchema.prefault({}),
  /** Spread-dependent orders inside the spread and deletions at the touch (off by default). */
  touch: touchFlowConfigSchema.prefault({}),
  /** Market orders that answer an improvement of the quotes (off by default). */
  takers: improvementTakerConfigSchema.prefault({}),
  /** A slow factor on the liquidity providers' edge (off by default). */
  liquidity: liquidityStateConfigSchema.prefault({}),
  /** Lots per level of the initial book (before the burn-in). */
  initialDepth: z.number().int().min(0).max(100_000).default(10),
  /** Levels per side of the initial book. */
  initialLevels: z.number().int().min(1).max(1_000).default(30),
  /**
   * Name of a set of user models registered in this process with `registerBookModels`
   * (replacing some or all of the defaults); none by default.
   */
  models: z.string().min(1).max(200).optional(),
});

/** The background order flow of the book tier (see the schema's field docs). */
export type FlowConfig = Infer<typeof flowConfigSchema>;

/** The models the background flow is composed from (see the module doc). */
export interface FlowModels {
  /** When market / limit / cancel events happen. */
  arrivals: ArrivalProcess;
  /** Signs of uninformed market orders, and their forecast. */
  signs: TradeSignModel;
  /** Sizes of market and limit orders. */
  sizes: OrderSizeModel;
  /** Prices of limit orders. */
  placement: PlacementModel;
  /** Cancellation hazards. */
  cancellation: CancellationModel;
  /** Reaction to price moves. */
  reaction: ReactionModel;
  /** Reference price, value and impact. */
  fundamental: FundamentalModel;
  /** Informed traders. */
  informed: InformedModel;
  /** Latency arbitrageurs (none when absent). */
  snipers?: SniperModel;
  /** Delay before the side a large move left behind is re-posted (none when absent). */
  refill?: RefillModel;
  /** When uninformed market orders are sent (at once when absent). */
  timing?: OrderTimingModel;
  /** Orders inside the spread and deletions at the touch by spread (none when absent). */
  touch?: TouchFlow | null;
  /** Takers who answer an improvement of the quotes (none when absent). */
  takers?: ImprovementTakerModel;
  /** A slow factor on the liquidity providers' edge (none when absent). */
  liquidity?: LiquidityStateModel;
}

/** Market facts the default models are built from. */
export interface FlowMarket {
  /** Volatility of the price, ticks per √second (before regime multipliers). */
  sigmaTicks: number;
}

/**
 * The flow's models: the defaults built from `cfg`, with any of `overrides` in their
 * place. The default fundamental model's variance budget uses the arrivals' mean rate of
 * uninformed market orders, the signs' surprise variance and the sizes' mean, whichever
 * models those are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createFlowModels, flowConfigSchema } from "./order_flow.ts";
 * import type { TradeSignModel } from "./trade_signs.ts";
 * const alwaysBuy: TradeSignModel = {
 *   surpriseVariance: 1,
 *   reset() {},
 *   expected: () => 0,
 *   next: () => 1,
 * };
 * const models = createFlowModels(flowConfigSchema.parse({}), { sigmaTicks: 1 }, {
 *   signs: alwaysBuy,
 * });
 * assert.equal(models.signs, alwaysBuy);
 * ```
 */
export function createFlowModels(
  cfg: FlowConfig,
  market: FlowMarket,
  overrides: Partial<FlowModels> = {},
): FlowModels {
  const arrivals = overrides.arrivals ?? createArrivalProcess(cfg.arrivals);
  const signs = overrides.signs ?? createTradeSignModel(cfg.signs);
  const sizes = overrides.sizes ?? createOrderSizeModel(cfg.sizes);
  const placement = overrides.placement ?? createPlacementModel(cfg.placement);
  const cancellation = overrides.cancellation ??
    createCancellationModel(cfg.cancellation, sizes.marketMean);
  const reaction = overrides.reaction ?? createReactionModel(cfg.reaction);
  const informed = overrides.informed ?? createInformedModel(cfg.informed);
  let fundamental = overrides.fundamental;
  if (fundamental === undefined) {
    const rates = arrivals.meanRates(cfg.arrivals.limitRate);
    fundamental = new LatentFundamental(cfg.fundamental, {
      sigmaTicks: market.sigmaTicks,
      // uninformed market orders (informed ones trade only with an edge: a few per cent)
      // (with a spread-dependent intensity, the share of arrivals sent: timing.sendShare)
      marketOrderRate: rates[ARRIVAL.MARKET] * (1 - informed.share) *
        (cfg.timing.kind === "intensity" || cfg.timing.kind === "baseline"
          ? cfg.timing.sendShare
          : 1),
      surpriseVariance: signs.surpriseVariance,
      meanOrderSize: sizes.marketMean,
      sizeMoment: 1,
    });
  }
  const snipers = overrides.snipers ?? createSniperModel(cfg.snipers);
  const timing = overrides.timing ?? createOrderTimingModel(cfg.timing);
  const refill = overrides.refill ?? createRefillModel(cfg.refill);
  const touch = overrides.touch !== undefined ? overrides.touch : createTouchFlow(cfg.touch);
  const takers = overrides.takers ?? createImprovementTakers(cfg.takers);
  const liquidity = overrides.liquidity ?? createLiquidityState(cfg.liquidity);
  return {
    arrivals,
    signs,
    sizes,
    placement,
    cancellation,
    reaction,
    fundamental,
    informed,
    snipers,
    timing,
    ...(refill === undefined ? {} : { refill }),
    touch,
    ...(takers === undefined ? {} : { takers }),
    ...(liquidity === undefined ? {} : { liquidity }),
  };
}

/** Who sent the market order being executed ({@linkcode BackgroundFlow.aggressor}). */
export const AGGRESSOR = {
  /** Not a background market order (the agent, or nothing). */
  NONE: 0,
  /** An uninformed background market order. */
  UNINFORMED: 1,
  /** An informed trader. */
  INFORMED: 2,
} as const;

/** Indices of {@linkcode BackgroundFlow.counts}. */
export const FLOW_COUNT = {
  /** Limit orders added. */
  LIMIT: 0,
  /** Uninformed market orders sent. */
  MARKET: 1,
  /** Informed arrivals. */
  INFORMED_ARRIVAL: 2,
  /** Informed arrivals that traded. */
  INFORMED_TRADE: 3,
  /** Cancellations at the orders' own hazards. */
  CANCEL: 4,
  /** Cancellations triggered by the arrival process's excitation. */
  CANCEL_TRIGGERED: 5,
  /** Stale orders cancelled by their owners. */
  STALE_CANCEL: 6,
  /** Stale orders re-posted at a new price. */
  STALE_REPRICE: 7,
  /** Fundamental events (news, private news, revelations). */
  FUNDAMENTAL: 8,
  /** Candidates thinned out. */
  THINNED: 9,
  /** Sniper arrivals (latency arbitrage on stale quotes). */
  SNIPER: 10,
  /** Market orders that answered an improvement (`takers`; also counted in `MARKET`). */
  TAKER: 11,
} as const;

/** Number of {@linkcode FLOW_COUNT} entries. */
export const FLOW_COUNTS = 12;

/** The random streams the flow draws from (one per concern, so models stay independent). */
export interface FlowStreams {
  /** Event times, kinds, victims, placement and sizes. */
  flow: Rng;
  /** Fundamental news. */
  price: Rng;
  /** Signs of uninformed market orders. */
  signs: Rng;
  /** Reaction delays and the informed share. */
  informed: Rng;
}

/** Owner id of background orders. */
export const BACKGROUND_OWNER = 0;

const EV_STALE = 1;
/** Event type: a fleeting order's deletion (`touch.fleetingShare`); payload a = its id. */
const EV_FLEETING = 2;
/** Event type: a taker answering an improvement (`takers`); payload a = side, x = price. */
const EV_TAKE = 3;
/** Re-scans in a row a side may get from re-posts that lagged by their own distance. */
const MAX_BEHIND_RETRIES = 16;
const WAIT_CAPACITY = 1024; // waiting market-order traders at most (beyond: sent at once)
const NS = 1e9;

/**
 * The background flow over one order book (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OrderBook } from "../book/order_book.ts";
 * import { Rng } from "../rng/rng.ts";
 * import { BackgroundFlow, createFlowModels, flowConfigSchema } from "./order_flow.ts";
 * const cfg = flowConfigSchema.parse({});
 * const book = new OrderBook();
 * const flow = new BackgroundFlow(book, createFlowModels(cfg, { sigmaTicks: 1.3 }), cfg);
 * book.sink = { onExecution: (id, owner, _a, _s, _p, _q, _t, left) => {
 *   if (owner === 0 && left === 0) flow.onFilled(id);
 * } };
 * const r = (s: string) => new Rng(s);
 * flow.reset(10_000.5, 0, { flow: r("f"), price: r("p"), signs: r("s"), informed: r("i") });
 * while (flow.nextNs < 10e9) flow.fireNext(); // ten seconds
 * assert.ok(book.spread() >= 1 && flow.events > 1_000);
 * ```
 */
export class BackgroundFlow {
  /** The models. */
  readonly models: FlowModels;
  /** Event counts since the last reset, by {@linkcode FLOW_COUNT}. */
  readonly counts: Float64Array = new Float64Array(FLOW_COUNTS);
  /** Book events (orders, cancels and trades sent to the book) since the last reset. */
  events = 0;
  /** The kind ({@linkcode AGGRESSOR}) of the market order now executing. */
  aggressor = 0;

  readonly #book: OrderBook;
  readonly #arr: ArrivalProcess;
  readonly #signs: TradeSignModel;
  readonly #sizes: OrderSizeModel;
  readonly #place: PlacementModel;
  /** The market orders' stationary mean rate where the placement reads the activity; else 0. */
  readonly #marketMean: number;
  readonly #cancel: CancellationModel;
  readonly #react: ReactionModel;
  readonly #fund: FundamentalModel;
  readonly #inf: InformedModel;
  readonly #snipe: SniperModel | null;
  readonly #timing: OrderTimingModel | null;
  readonly #timeBase: boolean; // only the baseline's arrivals are timed (timing.baseline)
  readonly #touch: TouchFlow | null;
  // the touch flow's self-excitation (null: none)
  readonly #exc: HawkesExcitation | null;
  #segQb = 0; // the touch flow's baseline part of #segQ (the rest: its excitation's bound)
  #lastTradeSign = 0;
  #lastTradeT = -Infinity;
  #segQ = 0;
  readonly #retry: number;
  #waitN = 0; // uninformed traders waiting for a narrower spread
  #segW = 0;
  #lastSent = -Infinity; // time (s) of the last market order sent (bursts are not timed)
  readonly #initialDepth: number;
  readonly #initialLevels: number;
  readonly #queue = new EventQueue(64);
  #overlay: ImpactModel | null = null;
  #overlayScale = 0;

  #rFlow: Rng | null = null;
  #rPrice!: Rng;
  #rSigns!: Rng;
  #rInf!: Rng;
  #mult = 1;
  #informedShare = 0; // running share of informed orders among market orders (LPs' estimate)
  #candNs = Infinity;
  #segA = 0;
  #segC = 0;
  #segT = 0;
  #segS = 0;
  #xb = 0; // touch-stream excess bound per order at the best bid (per second)
  #xa = 0; // … at the best ask
  #total = 0;

  // live background orders: dense ids + position by id (−1 when not live); stale flags by id
  #live = new Int32Array(1024);
  #pos = new Int32Array(4096).fill(-1);
  #flag = new Uint8Array(4096);
  #px = new Int32Array(4096);
  #sd = new Uint8Array(4096);
  #refNs = NaN;
  #ref = 0;
  #n = 0;
  #nextId = 0;
  #ids = new Int32Array(256);
  readonly #qpos = new Float64Array(2);
  #scanB = Infinity;
  #scanA = -Infinity;
  // The best quote of the last "behind" scan of each side (reaction.follow; NaN: none). It
  // flagged every order on the levels it covered; while the side stays behind with the same
  // best quote and no order is added to those levels or left unflagged there, scanning again
  // would schedule nothing, so it is skipped.
  #behB = NaN;
  #behA = NaN;
  // The opposite best quote at that scan: a re-posted order is kept off the opposite side, so
  // a side may stay behind only because the other lagged; when that one moves, scan again.
  #behBo = NaN;
  #behAo = NaN;
  // Re-posts granted a new scan in a row because they landed behind by their own drawn
  // distance (see #stale), per side; reset when the side is no longer behind.
  #retryB = 0;
  #retryA = 0;
  readonly #follows: boolean;
  readonly #refill: RefillModel | null;
  readonly #takers: ImprovementTakerModel | null;
  readonly #liq: LiquidityStateModel | null;

  /** Creates the flow over `book` from `models`; `cfg` gives the initial book's shape. */
  constructor(
    book: OrderBook,
    models: FlowModels,
    cfg: Pick<FlowConfig, "initialDepth" | "initialLevels">,
  ) {
    this.#book = book;
    this.models = models;
    this.#arr = models.arrivals;
    this.#signs = models.signs;
    this.#sizes = models.sizes;
    this.#place = models.placement;
    const eta = models.placement.activityExponent ?? 0;
    if (eta > 0 && models.arrivals.marketIntensity === undefined) {
      throw new ValidationError(
        "flow.placement.activityExponent",
        eta,
        "0 with an arrival process that does not report the market orders' intensity (marketIntensity)",
      );
    }
    this.#marketMean = eta > 0 ? models.arrivals.meanRates(0)[ARRIVAL.MARKET] : 0;
    this.#cancel = models.cancellation;
    this.#react = models.reaction;
    this.#fund = models.fundamental;
    this.#inf = models.informed;
    this.#snipe = models.snipers !== undefined && models.snipers.rate > 0 ? models.snipers : null;
    this.#follows = models.reaction.behindFrom !== undefined;
    this.#refill = models.refill !== undefined && models.refill.msPerTick > 0
      ? models.refill
      : null;
    const timing = models.timing;
    this.#retry = timing !== undefined && timing.retryRate > 0 ? timing.retryRate : 0;
    this.#timing = this.#retry > 0 || timing?.drops === true ? timing! : null;
    this.#timeBase = this.#timing !== null && this.#timing.baseline === true;
    if (
      this.#timeBase &&
      (models.arrivals.marketIntensity === undefined ||
        models.arrivals.marketBaseline === undefined)
    ) {
      throw new ValidationError(
        "flow.timing.kind",
        "baseline",
        "an arrival process that reports the market orders' intensity and baseline (marketIntensity, marketBaseline)",
      );
    }
    this.#touch = models.touch ?? null;
    this.#takers = models.takers !== undefined && models.takers.probability > 0
      ? models.takers
      : null;
    this.#exc = this.#touch === null ? null : this.#touch.excitationState();
    this.#liq = models.liquidity ?? null;
    if (!(models.cancellation.maxHazard >= 0) || !Number.isFinite(models.cancellation.maxHazard)) {
      throw new ValidationError(
        "cancellation.maxHazard",
        models.cancellation.maxHazard,
        "a finite hazard >= 0 per second",
      );
    }
    this.#initialDepth = cfg.initialDepth;
    this.#initialLevels = cfg.initialLevels;
  }

  /**
   * Adds an impact overlay (the agent's own impact model, offsets in dollars) to the
   * reference price and the value; `tickSize` converts its dollars to ticks.
   */
  setOverlay(overlay: ImpactModel | null, tickSize: number): void {
    this.#overlay = overlay;
    this.#overlayScale = 1 / tickSize;
  }

  /** Number of resting background orders. */
  get liveCount(): number {
    return this.#n;
  }

  /** Next background order id. */
  get nextId(): number {
    return this.#nextId;
  }

  /** Time (ns) of the next background event (candidate or reaction); Infinity when none. */
  get nextNs(): number {
    const q = this.#queue.peekTime();
    return q < this.#candNs ? q : this.#candNs;
  }

  /** Public reference price at `timeNs`, ticks (fundamental plus the overlay). */
  reference(timeNs: number): number {
    if (timeNs === this.#refNs) return this.#ref;
    const t = timeNs / NS;
    const o = this.#overlay;
    const r = this.#fund.reference(t) + (o === null ? 0 : o.offset(t) * this.#overlayScale);
    this.#refNs = timeNs;
    this.#ref = r;
    return r;
  }

  /** Value known to informed traders at `timeNs`, ticks (fundamental plus the overlay). */
  value(timeNs: number): number {
    const t = timeNs / NS;
    const o = this.#overlay;
    return this.#fund.value(t) + (o === null ? 0 : o.offset(t) * this.#overlayScale);
  }

  /**
   * Starts an episode at `timeNs`: forgets every order (the book must be empty), resets the
   * models around `midTicks`, seeds the initial book ( `initialLevels` levels per side of
   * `initialDepth` lots, bids from ⌈mid⌉ − 1 down, asks from ⌊mid⌋ + 1 up) and draws the
   * first candidate.
   */
  reset(midTicks: number, timeNs: number, streams: FlowStreams): void {
    for (let j = 0; j < this.#n; j++) {
      this.#pos[this.#live[j]] = -1;
      this.#flag[this.#live[j]] = 0;
    }
    this.#flag.fill(0);
    this.#n = 0;
    this.#nextId = 0;
    this.counts.fill(0);
    this.events = 0;
    this.aggressor = 0;
    this.#queue.clear();
    this.#rFlow = streams.flow;
    this.#rPrice = streams.price;
    this.#rSigns = streams.signs;
    this.#rInf = streams.informed;
    this.#scanB = Infinity;
    this.#scanA = -Infinity;
    this.#behB = this.#behA = NaN;
    this.#retryB = this.#retryA = 0;
    this.#informedShare = 0;
    this.#waitN = 0;
    this.#lastSent = -Infinity;
    this.#lastTradeSign = 0;
    this.#lastTradeT = -Infinity;
    this.#exc?.reset(timeNs / NS);
    const t = timeNs / NS;
    this.#arr.reset(t);
    this.#liq?.reset(t, streams.flow);
    this.#fund.reset(midTicks);
    this.#refNs = NaN;
    this.#signs.reset(streams.signs);
    const bid0 = Math.ceil(midTicks) - 1;
    const ask0 = Math.floor(midTicks) + 1;
    const chunk = Math.max(1, Math.round(this.#sizes.marketMean));
    for (let l = 0; l < this.#initialLevels; l++) {
      for (let side = 0; side < 2; side++) {
        const price = side === BID ? bid0 - l : ask0 + l;
        if (price < 1) continue;
        let left = this.#initialDepth;
        while (left > 0) {
          const q = left < chunk ? left : chunk;
          this.#add(side as Side, price, q, timeNs);
          left -= q;
        }
      }
    }
    this.#draw(timeNs);
  }

  /** Sets the regime's flow and volatility multipliers (call {@linkcode BackgroundFlow.redraw} after). */
  setRegime(flowMultiplier: number, volMultiplier: number): void {
    this.#mult = flowMultiplier;
    this.#fund.setVolMultiplier(volMultiplier);
    this.#refNs = NaN;
  }

  /**
   * Draws a new candidate from `timeNs` (exact: the candidate process is memoryless). Call
   * it after anything else changed the book (the cancellation bounds depend on the touch).
   */
  redraw(timeNs: number): void {
    this.#draw(timeNs);
  }

  /** Processes the earliest background event (candidate or reaction). */
  fireNext(): void {
    const q = this.#queue;
    if (q.peekTime() < this.#candNs) {
      q.pop();
      if (q.type === EV_FLEETING) {
        if (this.#fleetingDelete(q.time, q.a, q.x)) this.#checkStale(q.time); // as a touch deletion
      } else if (q.type === EV_TAKE) {
        if (this.#take(q.time, q.a as Side, q.x)) this.#checkStale(q.time);
      } else {
        this.#stale(q.time, q.a);
        this.#checkStale(q.time);
      }
      this.#draw(q.time); // the book changed: the cancellation bounds with it
      return;
    }
    this.#fire(this.#candNs);
  }

  /**
   * The agent's aggressive order of `sign` (±1) and `lots` executed at `timeNs`: moves the
   * price like any market order (the forecast is the sign model's current one) and checks
   * for stale quotes. Returns the permanent shift of the reference price, ticks.
   */
  externalTrade(sign: number, lots: number, timeNs: number): number {
    const shift = this.#fund.onTrade(sign, lots, this.forecast(), timeNs / NS, false);
    this.#noteTrade(sign, timeNs / NS);
    this.#refNs = NaN;
    this.#arr.excite(ARRIVAL.MARKET, timeNs / NS);
    this.#checkStale(timeNs);
    this.#draw(timeNs);
    return shift;
  }

  /** Re-checks for stale quotes after an outside change at `timeNs` (e.g. the overlay moved). */
  checkStale(timeNs: number): void {
    this.#refNs = NaN;
    this.#checkStale(timeNs);
  }

  /** Tells the flow that background order `id` was fully executed (it no longer rests). */
  onFilled(id: number): void {
    if (id >= this.#pos.length) return;
    const j = this.#pos[id];
    if (j >= 0) this.#removeAt(j, id);
  }

  /** True when background order `id` rests in the book. */
  isLive(id: number): boolean {
    return id >= 0 && id < this.#pos.length && this.#pos[id] >= 0;
  }

  /**
   * Tells the flow that an order from outside (the agent's) improved `side`'s best quote to
   * `price` (ticks) at `timeNs`, with `bid` and `ask` the best quotes before it: the takers
   * may answer it (`takers`; nothing happens without them).
   */
  externalImprovement(side: Side, price: number, bid: number, ask: number, timeNs: number): void {
    if (this.#takers !== null) this.#improved(side, price, bid, ask, timeNs);
  }

  // ------------------------------------------------------------------ internals

  #draw(timeNs: number): void {
    const rng = this.#rFlow;
    if (rng === null) return;
    const t = timeNs / NS;
    const book = this.#book;
    const mult = this.#mult;
    const a = this.#arr.bound(t, mult);
    const cancel = this.#cancel;
    const lo = cancel.maxHazard;
    const c = lo * mult * this.#n;
    // the touch stream: each side's excess bound over maxHazard, at its current depth
    const nb = book.bestOrders(BID);
    const na = book.bestOrders(ASK);
    const xb = nb > 0 ? cancel.touchBound(book.bestQty(BID)) - lo : 0;
    const xa = na > 0 ? cancel.touchBound(book.bestQty(ASK)) - lo : 0;
    this.#xb = xb > 0 ? xb : 0;
    this.#xa = xa > 0 ? xa : 0;
    const touch = mult * (this.#xb * nb + this.#xa * na);
    const f = this.#fund.eventRate();
    const sn = this.#snipe;
    const s = sn === null ? 0 : sn.intensity(book.bestBid(), book.bestAsk(), this.value(timeNs));
    const w = this.#waitN * this.#retry;
    const tf = this.#touch;
    const sp = tf === null ? 0 : book.spread();
    const tqb = tf === null || !(sp > 0) ? 0 : mult * tf.bound(sp, t - this.#lastTradeT);
    const tq = tqb + (this.#exc !== null && sp > 0 ? this.#exc.excitationAt(0, t) : 0);
    const total = a + c + touch + s + w + tq + f;
    this.#segA = a;
    this.#segC = c;
    this.#segT = touch;
    this.#segS = s;
    this.#segW = w;
    this.#segQ = tq;
    this.#segQb = tqb;
    this.#total = total;
    this.#candNs = total > 0 ? timeNs - Math.log(1 - rng.next()) / total * NS : Infinity;
  }

  #fire(timeNs: number): void {
    const rng = this.#rFlow!;
    const t = timeNs / NS;
    let u = rng.next() * this.#total;
    // Only a move of the reference price can leave quotes stale: new orders are placed on
    // the right side of it, and removing orders never exposes a worse one. So the check runs
    // after trades and fundamental events (and after every event when the reference drifts
    // between events).
    let moved = this.#fund.continuous;
    // (with reaction.follow, also after cancellations: removing the best quote can expose a
    // level the price has left behind)
    if (u < this.#segA) {
      const kind = this.#arr.select(t, u, this.#mult);
      if (kind === ARRIVAL.MARKET) {
        this.#market(timeNs, t);
        moved = true;
      } else if (kind === ARRIVAL.LIMIT) this.#limit(timeNs, t, rng);
      else if (kind === ARRIVAL.CANCEL) {
        this.#triggeredCancel(timeNs, t, rng);
        moved = this.#follows; // a cancel can expose a level the price left behind
      } else this.counts[FLOW_COUNT.THINNED]++;
    } else if ((u -= this.#segA) < this.#segC) {
      moved = this.#hazardCancel(timeNs, t, rng) && this.#follows;
    } else if ((u -= this.#segC) < this.#segT) {
      moved = this.#touchCancel(timeNs, t, rng) && this.#follows;
    } else if ((u -= this.#segT) < this.#segS) {
      moved = this.#sniper(timeNs, t);
    } else if ((u -= this.#segS) < this.#segW) {
      moved = this.#retryWaiting(timeNs, t);
    } else if ((u -= this.#segW) < this.#segQ) {
      moved = u < this.#segQb
        ? this.#touchFlow(timeNs, u / this.#mult, rng)
        : this.#excitedTouch(timeNs, t, u - this.#segQb, rng);
    } else {
      u -= this.#segQ;
      this.#fund.fire(u, this.#rPrice, t);
      this.#refNs = NaN;
      this.counts[FLOW_COUNT.FUNDAMENTAL]++;
      moved = true;
    }
    if (moved) this.#checkStale(timeNs);
    this.#draw(timeNs);
  }

  /**
   * The liquidity providers' forecast of the next market order's sign: the sign model's
   * forecast for an uninformed order, weighted by the running share of uninformed orders
   * (an informed order's sign does not follow the uninformed flow).
   */
  forecast(): number {
    return (1 - this.#informedShare) * this.#signs.expected();
  }

  #learnShare(informed: boolean): void {
    this.#informedShare += ((informed ? 1 : 0) - this.#informedShare) * 1e-3;
  }

  #market(timeNs: number, t: number): void {
    const book = this.#book;
    const expected = this.forecast();
    const timing = this.#timing;
    if (timing !== null && this.#retry === 0 && this.#dropped(timing, book.spread(), t)) {
      // state-dependent intensity: an arrival the spread does not call for is dropped
      this.counts[FLOW_COUNT.THINNED]++;
      return;
    }
    if (this.#inf.share > 0 && this.#rInf.next() < this.#inf.share) {
      this.counts[FLOW_COUNT.INFORMED_ARRIVAL]++;
      this.aggressor = AGGRESSOR.INFORMED;
      const inf = this.#inf;
      const cap = inf.drawsSize === true
        ? this.#sizes.desiredSize(this.#rInf)
        : inf.budget !== undefined
        ? inf.budget(normalFromUniform(this.#rInf.next()))
        : Infinity;
      const share = inf.stake !== undefined ? inf.stake(normalFromUniform(this.#rInf.next())) : 1;
      const lots = inf.arrive(
        book,
        this.value(timeNs),
        this.reference(timeNs),
        timeNs,
        -1,
        cap,
        share,
      );
      this.aggressor = AGGRESSOR.NONE;
      if (lots !== 0) {
        this.#noteTrade(lots, t);
        this.#learnShare(true);
        this.counts[FLOW_COUNT.INFORMED_TRADE]++;
        this.events++;
        this.#arr.excite(ARRIVAL.MARKET, t);
        this.#lastSent = t;
        this.#fund.onTrade(lots > 0 ? 1 : -1, lots > 0 ? lots : -lots, expected, t, true);
        this.#refNs = NaN;
      }
      return;
    }
    if (
      timing !== null && this.#retry > 0 && this.#waitN < WAIT_CAPACITY &&
      this.#rFlow!.next() >= timing.sendProbability(book.spread(), t - this.#lastSent)
    ) {
      this.#waitN++;
      return;
    }
    this.#send(expected, timeNs, t);
  }

  /**
   * Whether a market-order arrival at `t` is dropped by the state-dependent intensity: with
   * probability 1 − a(s), or (only the baseline timed) (1 − a(s))·μ/λ(t), the probability that
   * the arrival came from the baseline times that of its not being sent.
   */
  #dropped(timing: OrderTimingModel, spread: number, t: number): boolean {
    const u = this.#rFlow!.next();
    const a = timing.sendProbability(spread, Infinity);
    if (!this.#timeBase) return u >= a;
    const notSent = 1 - a;
    const lambda = this.#arr.marketIntensity!(t, this.#mult);
    const mu = this.#arr.marketBaseline!(this.#mult);
    return lambda > 0 && u < notSent * Math.min(1, mu / lambda);
  }

  /** A waiting trader looks at the spread again; true when it traded. */
  #retryWaiting(timeNs: number, t: number): boolean {
    const p = this.#timing!.sendProbability(this.#book.spread(), Infinity);
    if (this.#rFlow!.next() >= p) return false;
    this.#waitN--;
    this.#send(this.forecast(), timeNs, t);
    return true;
  }

  /**
   * Sends an uninformed market order: its sign from the sign model (drawn when it is sent,
   * so the sent orders' signs follow the sign model whoever waited), its size against the
   * touch.
   */
  #send(expected: number, timeNs: number, t: number): void {
    this.#sendSigned(this.#signs.next(this.#rSigns), expected, timeNs, t);
  }

  /** Sends an uninformed market order of sign `sign` (see {@linkcode BackgroundFlow.#send}). */
  #sendSigned(sign: number, expected: number, timeNs: number, t: number): void {
    const book = this.#book;
    const side: Side = sign > 0 ? BID : ASK;
    const depth = book.bestQty(side === BID ? ASK : BID);
    const size = this.#sizes.marketSize(depth, this.#rFlow!);
    this.counts[FLOW_COUNT.MARKET]++;
    this.events++;
    this.#arr.excite(ARRIVAL.MARKET, t);
    this.#lastSent = t;
    if (depth <= 0) return; // nothing to trade against: no trade, no impact
    this.aggressor = AGGRESSOR.UNINFORMED;
    const filled = book.market(side, size, timeNs);
    this.aggressor = AGGRESSOR.NONE;
    if (filled > 0) {
      this.#noteTrade(sign, t);
      this.#learnShare(false);
      this.#fund.onTrade(sign, filled, expected, t, false);
      this.#refNs = NaN;
    }
  }

  /**
   * `side`'s best quote was improved to `price` at `timeNs` (`bid`, `ask`: the best quotes
   * before): with the takers' probability, an answer is scheduled after their delay.
   */
  #improved(side: Side, price: number, bid: number, ask: number, timeNs: number): void {
    if (!(price > bid && price < ask)) return; // strictly inside the spread
    const tk = this.#takers!;
    const rng = this.#rInf;
    if (rng.next() >= (tk.scheduleProbability ?? tk.probability)) return;
    this.#queue.push(timeNs + tk.delayNs(rng), EV_TAKE, side, 0, price);
  }

  /**
   * A taker answers the improvement of `side`'s quote to `price`: a market order against
   * that side if the quote is still there or better (a sell into a bid at or above `price`);
   * true when one was sent.
   */
  #take(timeNs: number, side: Side, price: number): boolean {
    const book = this.#book;
    const best = side === BID ? book.bestBid() : book.bestAsk();
    if (!(side === BID ? best >= price : best <= price)) {
      this.counts[FLOW_COUNT.THINNED]++; // the improvement is gone: no answer
      return false;
    }
    const sign = side === BID ? -1 : 1;
    const send = this.#takers!.sendProbability;
    if (send !== undefined && this.#rInf.next() >= send(sign, this.#signs.expected())) {
      this.counts[FLOW_COUNT.THINNED]++; // against the flow's forecast: not sent
      return false;
    }
    this.counts[FLOW_COUNT.TAKER]++;
    this.#sendSigned(sign, this.forecast(), timeNs, timeNs / NS);
    return true;
  }

  /** A sniper's arrival (only while a quote is stale); true when it traded. */
  #sniper(timeNs: number, t: number): boolean {
    const expected = this.forecast();
    this.counts[FLOW_COUNT.SNIPER]++;
    this.aggressor = AGGRESSOR.INFORMED;
    const sn = this.#snipe!;
    const cap = sn.drawsSize === true
      ? this.#sizes.desiredSize(this.#rFlow!)
      : sn.budget !== undefined
      ? sn.budget(normalFromUniform(this.#rFlow!.next()))
      : Infinity;
    const share = sn.stake !== undefined ? sn.stake(normalFromUniform(this.#rFlow!.next())) : 1;
    const lots = sn.arrive(this.#book, this.value(timeNs), timeNs, -1, cap, share);
    this.aggressor = AGGRESSOR.NONE;
    if (lots === 0) return false;
    this.#noteTrade(lots, t);
    this.#learnShare(true);
    this.events++;
    this.#arr.excite(ARRIVAL.MARKET, t);
    this.#lastSent = t;
    this.#fund.onTrade(lots > 0 ? 1 : -1, lots > 0 ? lots : -lots, expected, t, true);
    this.#refNs = NaN;
    return true;
  }

  /** Remembers the last trade's sign (that of `signed`) and time `t` (s), for the touch flow. */
  #noteTrade(signed: number, t: number): void {
    this.#lastTradeSign = signed > 0 ? 1 : -1;
    this.#lastTradeT = t;
  }

  /**
   * An event of the touch-flow model, `u` uniform on [0, rate(spread)): an order inside the
   * spread, or a deletion at the touch (true when one was deleted).
   */
  #touchFlow(timeNs: number, u: number, rng: Rng): boolean {
    const book = this.#book;
    const tf = this.#touch!;
    const bid = book.bestBid();
    const ask = book.bestAsk();
    const s = ask - bid;
    const age = timeNs / NS - this.#lastTradeT;
    const last = this.#lastTradeSign;
    const li = tf.inSpreadRate(s, age);
    if (u >= li + tf.cancelRate(s, age)) { // thinned: the bound's excess
      this.counts[FLOW_COUNT.THINNED]++;
      return false;
    }
    if (u < li) {
      // on the last aggressor's side (a buy: a bid) with the follow probability
      const follow = rng.next() < tf.followProbability(false, age);
      const side: Side = (last > 0) === follow ? BID : ASK;
      const d = tf.improvement(s, rng);
      const price = side === BID ? bid + d : ask - d;
      if (!(price > bid && price < ask)) return false;
      const id = this.#nextId;
      this.#add(side, price, this.#sizes.limitSize(rng), timeNs);
      this.counts[FLOW_COUNT.LIMIT]++;
      this.events++;
      this.#excite(timeNs / NS);
      const impact = tf.inSpreadImpact * (side === BID ? d : -d) / 2;
      const life = tf.fleetingLifetime(rng);
      if (life === life && this.isLive(id)) {
        this.#queue.push(timeNs + Math.max(1, Math.round(life * NS)), EV_FLEETING, id, 0, impact);
      }
      return this.#quoteImpact(impact);
    }
    // on the side the last trade hit (a buy: the ask) with the follow probability
    const follow = rng.next() < tf.followProbability(true, age);
    let side: Side = (last > 0) === follow ? ASK : BID;
    if (book.bestOrders(side) === 0) side = side === BID ? ASK : BID;
    const n = book.bestOrders(side);
    if (n === 0) return false;
    const id = book.bestOrderId(side, Math.floor(rng.next() * n));
    if (!this.isLive(id)) { // the agent's order: not the background's to delete
      this.counts[FLOW_COUNT.THINNED]++;
      return false;
    }
    book.cancel(id);
    this.#removeAt(this.#pos[id], id);
    this.counts[FLOW_COUNT.CANCEL]++;
    this.events++;
    this.#excite(timeNs / NS);
    const after = side === BID ? book.bestBid() : book.bestAsk();
    const move = after === after ? (after - (side === BID ? bid : ask)) / 2 : 0;
    this.#quoteImpact(tf.cancelImpact * move);
    return true;
  }

  /**
   * The deletion at `timeNs` of fleeting order `id`, if it still rests (it may have been executed,
   * cancelled or repriced as a new order meanwhile): takes back the `impact` (ticks) its
   * placement gave the price, so that a fleeting order moves nothing for good (its fit
   * leaves the fleeting orders out of the impacts' estimates, `fit_touch.ts`). True when it
   * was deleted.
   */
  #fleetingDelete(timeNs: number, id: number, impact: number): boolean {
    if (!this.isLive(id)) return false;
    this.#book.cancel(id);
    this.#removeAt(this.#pos[id], id);
    this.counts[FLOW_COUNT.CANCEL]++;
    this.events++;
    this.#excite(timeNs / NS);
    this.#quoteImpact(-impact);
    return true;
  }

  /** A touch event at `t` (s): every excitation component jumps by α_c·β_c. */
  #excite(t: number): void {
    const ex = this.#exc;
    if (ex === null) return;
    ex.decayTo(t);
    ex.excite(0);
  }

  /**
   * A candidate of the touch flow's excitation, `v` uniform on [0, its bound at the last
   * draw): kept with probability (intensity now)/(bound), then a placement inside the spread
   * or a deletion at the touch in the proportion of the current cell's rates.
   */
  #excitedTouch(timeNs: number, t: number, v: number, rng: Rng): boolean {
    const e = this.#exc!.excitationAt(0, t);
    if (!(v < e)) {
      this.counts[FLOW_COUNT.THINNED]++;
      return false;
    }
    const tf = this.#touch!;
    const book = this.#book;
    const s = book.bestAsk() - book.bestBid();
    const age = t - this.#lastTradeT;
    const total = tf.inSpreadRate(s, age) + tf.cancelRate(s, age);
    if (!(total > 0)) {
      this.counts[FLOW_COUNT.THINNED]++;
      return false;
    }
    return this.#touchFlow(timeNs, (v / e) * total, rng);
  }

  /** Moves the public price by `ticks` (a quote event's impact); true when it moved. */
  #quoteImpact(ticks: number): boolean {
    const f = this.#fund;
    if (ticks === 0 || f.onQuote === undefined) return false;
    f.onQuote(ticks);
    this.#refNs = NaN;
    return true;
  }

  /**
   * The market orders' intensity at `t` over its stationary mean, where the placement reads
   * it (else 1, and nothing computed).
   */
  #activity(t: number): number {
    const mean = this.#marketMean;
    const arr = this.#arr;
    if (!(mean > 0) || arr.marketIntensity === undefined) return 1;
    return arr.marketIntensity(t, this.#mult) / mean;
  }

  #limit(timeNs: number, t: number, rng: Rng): void {
    const book = this.#book;
    const side = this.#place.side(rng);
    let price = this.#place.price(
      side,
      this.reference(timeNs),
      book.bestBid(),
      book.bestAsk(),
      rng,
      this.#activity(t),
      this.#liq === null ? 1 : this.#liq.factor(t, rng),
    );
    this.#arr.excite(ARRIVAL.LIMIT, t);
    if (!(price >= 1)) return;
    // with the touch flow, every order inside the spread is its (the fitted rates are the
    // tape's totals): the placement's orders join the best quote at most
    if (this.#touch !== null && this.#touch.placesInside) {
      const best = side === BID ? book.bestBid() : book.bestAsk();
      if (side === BID ? price > best : price < best) price = best;
    }
    this.#add(side, price, this.#sizes.limitSize(rng), timeNs);
    this.counts[FLOW_COUNT.LIMIT]++;
    this.events++;
  }

  /**
   * Hazard of live background order `id` at `timeNs` (per second, multiplier 1), and
   * whether it is at the touch (in `#atTouch`).
   */
  #hazard(id: number, timeNs: number): number {
    const book = this.#book;
    const side = this.#sd[id] as Side;
    const price = this.#px[id];
    const ref = this.reference(timeNs);
    const atTouch = price === (side === BID ? book.bestBid() : book.bestAsk());
    const distance = side === BID ? ref - price : price - ref;
    const pos = this.#qpos;
    book.queuePosition(id, pos);
    const q = pos[1];
    return this.#cancel.hazard(q > 0 ? pos[0] / q : 0, q, atTouch, distance);
  }

  /** First thinning stream: every resting order, bound `maxHazard`. */
  #acceptBase(id: number, timeNs: number, rng: Rng): boolean {
    const u = rng.next() * this.#cancel.maxHazard;
    return u < this.#cancel.minHazard || u < this.#hazard(id, timeNs);
  }

  #hazardCancel(timeNs: number, t: number, rng: Rng): boolean {
    if (this.#n === 0) return false;
    const j = Math.floor(rng.next() * this.#n);
    const id = this.#live[j];
    if (!this.#acceptBase(id, timeNs, rng)) {
      this.counts[FLOW_COUNT.THINNED]++;
      return false;
    }
    this.#cancelAt(j, id, t, FLOW_COUNT.CANCEL);
    return true;
  }

  /** Second thinning stream: orders at the best bid and ask, the excess over `maxHazard`. */
  #touchCancel(timeNs: number, t: number, rng: Rng): boolean {
    const book = this.#book;
    const nb = book.bestOrders(BID);
    const na = book.bestOrders(ASK);
    const wb = this.#xb * nb;
    const w = wb + this.#xa * na;
    if (!(w > 0)) return false;
    const v = rng.next() * w;
    const bid = v < wb;
    const id = bid
      ? book.bestOrderId(BID, Math.floor(v / this.#xb))
      : book.bestOrderId(ASK, Math.floor((v - wb) / this.#xa));
    const lo = this.#cancel.maxHazard;
    const u = lo + rng.next() * (bid ? this.#xb : this.#xa);
    if (!this.isLive(id) || u >= this.#hazard(id, timeNs)) {
      this.counts[FLOW_COUNT.THINNED]++;
      return false;
    }
    this.#cancelAt(this.#pos[id], id, t, FLOW_COUNT.CANCEL);
    return true;
  }

  #cancelAt(j: number, id: number, t: number, count: number): void {
    this.#book.cancel(id);
    this.#removeAt(j, id);
    this.counts[count]++;
    this.events++;
    this.#arr.excite(ARRIVAL.CANCEL, t);
  }

  #triggeredCancel(timeNs: number, t: number, rng: Rng): void {
    // a victim in proportion to the hazards, by rejection from the two thinning streams'
    // proposal (every order at maxHazard, the touch orders at their side's excess besides)
    const book = this.#book;
    const lo = this.#cancel.maxHazard;
    for (let tries = 0; tries < 256 && this.#n > 0; tries++) {
      const bb = book.bestBid();
      const ba = book.bestAsk();
      const nb = book.bestOrders(BID);
      const na = book.bestOrders(ASK);
      const xb = nb > 0 ? Math.max(0, this.#cancel.touchBound(book.bestQty(BID)) - lo) : 0;
      const xa = na > 0 ? Math.max(0, this.#cancel.touchBound(book.bestQty(ASK)) - lo) : 0;
      const wA = lo * this.#n;
      const wb = xb * nb;
      const v = rng.next() * (wA + wb + xa * na);
      let id: number;
      if (v < wA) id = this.#live[Math.floor(rng.next() * this.#n)];
      else if (v < wA + wb) id = book.bestOrderId(BID, Math.floor((v - wA) / xb));
      else id = book.bestOrderId(ASK, Math.floor((v - wA - wb) / xa));
      if (!this.isLive(id)) continue;
      const side = this.#sd[id];
      const atTouch = this.#px[id] === (side === BID ? bb : ba);
      const bound = lo + (atTouch ? (side === BID ? xb : xa) : 0);
      const u = rng.next() * bound;
      if (u < this.#cancel.minHazard || u < this.#hazard(id, timeNs)) {
        this.#cancelAt(this.#pos[id], id, t, FLOW_COUNT.CANCEL_TRIGGERED);
        return;
      }
    }
    this.#arr.excite(ARRIVAL.CANCEL, t);
  }

  /** A reaction event for order `id` at `timeNs`. */
  #stale(timeNs: number, id: number): void {
    if (id < this.#flag.length) this.#flag[id] = 0;
    if (!this.isLive(id)) return;
    const book = this.#book;
    const side = this.#sd[id] as Side;
    const price = this.#px[id];
    const ref = this.reference(timeNs);
    const from = this.#react.staleFrom(side, ref);
    const lim = this.#react.behindFrom ? this.#react.behindFrom(side, ref) : NaN;
    const behind = lim === lim &&
      (side === BID ? price < lim && book.bestBid() < lim : price > lim && book.bestAsk() > lim);
    if ((side === BID ? price < from : price > from) && !behind) {
      // no longer stale: let the next check rescan this side
      if (side === BID) this.#scanB = Infinity;
      else this.#scanA = -Infinity;
      // left unflagged: the next behind scan of this side must look again
      if (side === BID) this.#behB = NaN;
      else this.#behA = NaN;
      return;
    }
    const qty = book.orderQty(id);
    book.cancel(id);
    this.#removeAt(this.#pos[id], id);
    this.events++;
    const rng = this.#rFlow!;
    if (rng.next() < this.#react.repriceProbability) {
      const bb = book.bestBid(), ba = book.bestAsk();
      const t = timeNs / NS;
      const scale = this.#liq === null ? 1 : this.#liq.factor(t, rng);
      const p = this.#place.price(side, ref, bb, ba, rng, this.#activity(t), scale);
      if (p >= 1) {
        // A re-posted order that still lags waits for the best quote to change before it
        // reacts again, instead of re-posting at every reaction latency (10,000 times a second
        // against an opposite quote that keeps it behind and does not move) — unless it landed
        // less than a tick behind the limit while the opposite quote left room for a price
        // within it: the placement's whole-tick distances put it one tick further than the
        // price calls for (in a one-tick market, a two-tick book held until the next order
        // arrived there: BTCUSDT, 50–180 ms, after a third of its requotes). Such a side looks
        // again, at most MAX_BEHIND_RETRIES times in a row, so no placement can loop. An
        // order placed further back stays where its owner's distance put it.
        let retry = false;
        if (lim === lim) {
          if (side === BID) {
            retry = p < lim && p >= lim - 1 && !(Math.ceil(lim) >= ba) &&
              this.#retryB < MAX_BEHIND_RETRIES;
            if (retry) this.#retryB++;
          } else {
            retry = p > lim && p <= lim + 1 && !(Math.floor(lim) <= bb) &&
              this.#retryA < MAX_BEHIND_RETRIES;
            if (retry) this.#retryA++;
          }
        }
        this.#add(side, p, qty, timeNs, retry);
        this.events++;
      }
      this.counts[FLOW_COUNT.STALE_REPRICE]++;
    } else {
      this.counts[FLOW_COUNT.STALE_CANCEL]++;
    }
  }

  /** Schedules a reaction for every unflagged background order on stale levels. */
  #checkStale(timeNs: number): void {
    const book = this.#book;
    const ref = this.reference(timeNs);
    const bb = book.bestBid();
    if (bb === bb) {
      const from = this.#react.staleFrom(BID, ref);
      if (bb >= from) {
        if (from < this.#scanB) {
          const top = bb < this.#scanB - 1 ? bb : this.#scanB - 1;
          for (let p = top; p >= from; p--) this.#scheduleLevel(BID, p, timeNs);
          this.#scanB = from;
        }
      } else this.#scanB = Infinity;
    }
    const ba = book.bestAsk();
    if (ba === ba) {
      const from = this.#react.staleFrom(ASK, ref);
      if (ba <= from) {
        if (from > this.#scanA) {
          const low = ba > this.#scanA + 1 ? ba : this.#scanA + 1;
          for (let p = low; p <= from; p++) this.#scheduleLevel(ASK, p, timeNs);
          this.#scanA = from;
        }
      } else this.#scanA = -Infinity;
    }
    // the side the price moved away from, when liquidity follows the price (reaction.follow)
    const react = this.#react;
    if (react.behindFrom) {
      const d = this.#place.maxDistance;
      const limB = bb === bb ? react.behindFrom(BID, ref) : NaN;
      if (bb < limB) {
        if (bb !== this.#behB || ba !== this.#behBo) {
          // a large move: the side's providers come back together after the refill delay
          const t = this.#refill === null
            ? timeNs
            : timeNs + this.#refill.delayNs(ref - bb, this.#rInf);
          for (let p = bb; p > bb - d && p >= 1; p--) this.#scheduleLevel(BID, p, t);
          this.#behB = bb;
          this.#behBo = ba;
        }
      } else {
        this.#behB = NaN;
        this.#retryB = 0;
      }
      const limA = ba === ba ? react.behindFrom(ASK, ref) : NaN;
      if (ba > limA) {
        if (ba !== this.#behA || bb !== this.#behAo) {
          const t = this.#refill === null
            ? timeNs
            : timeNs + this.#refill.delayNs(ba - ref, this.#rInf);
          for (let p = ba; p < ba + d; p++) this.#scheduleLevel(ASK, p, t);
          this.#behA = ba;
          this.#behAo = bb;
        }
      } else {
        this.#behA = NaN;
        this.#retryA = 0;
      }
    }
  }

  #scheduleLevel(side: Side, price: number, timeNs: number): void {
    if (price < 1) return;
    const book = this.#book;
    let n = book.levelOrderIds(side, price, this.#ids);
    if (n > this.#ids.length) {
      this.#ids = new Int32Array(Math.max(n, this.#ids.length * 2));
      n = book.levelOrderIds(side, price, this.#ids);
    }
    const ids = this.#ids;
    const rng = this.#rInf;
    for (let k = 0; k < n; k++) {
      const id = ids[k];
      if (!this.isLive(id) || this.#flag[id] === 1) continue;
      this.#flag[id] = 1;
      this.#queue.push(timeNs + this.#react.delayNs(rng), EV_STALE, id);
    }
  }

  #add(side: Side, price: number, qty: number, timeNs: number, rescan = true): void {
    const id = this.#nextId++;
    const book = this.#book;
    const bid = this.#takers === null ? NaN : book.bestBid();
    const ask = this.#takers === null ? NaN : book.bestAsk();
    if (book.addLimit(id, side, price, qty, timeNs, BACKGROUND_OWNER) === 0) return;
    if (this.#takers !== null) this.#improved(side, price, bid, ask, timeNs);
    if (this.#n === this.#live.length) {
      const a = new Int32Array(this.#live.length * 2);
      a.set(this.#live);
      this.#live = a;
    }
    if (id >= this.#pos.length) {
      const a = new Int32Array(this.#pos.length * 2).fill(-1);
      a.set(this.#pos);
      this.#pos = a;
      const f = new Uint8Array(this.#pos.length);
      f.set(this.#flag);
      this.#flag = f;
      const px = new Int32Array(this.#pos.length);
      px.set(this.#px);
      this.#px = px;
      const sd = new Uint8Array(this.#pos.length);
      sd.set(this.#sd);
      this.#sd = sd;
    }
    this.#px[id] = price;
    this.#sd[id] = side;
    // an order on a level the last behind scan covered: that side is scanned again
    const d = this.#place.maxDistance;
    if (!rescan) {
      // not rescanned: see #stale
    } else if (side === BID) {
      if (price <= this.#behB && price > this.#behB - d) this.#behB = NaN;
    } else if (price >= this.#behA && price < this.#behA + d) this.#behA = NaN;
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
