/**
 * One simulated market of the book tier: an L3 {@linkcode OrderBook} driven by a
 * {@linkcode BackgroundFlow} composed from small models (arrivals, trade signs, sizes,
 * placement, cancellations, reaction to price moves, the latent fundamental with trade
 * impact, informed traders), the volatility regimes, and the agent's own orders, which reach
 * the book through order-entry / cancel latencies (as events in an {@linkcode EventQueue})
 * and sit in its real FIFO queues. The agent sees the book through the market-data latency:
 * {@linkcode BookMarket.snapshot} holds the delayed view.
 *
 * Every model is an object ({@linkcode BookModels}); the defaults are built from the config
 * ({@linkcode createBookModels}) and any of them can be replaced, by passing a factory in
 * {@linkcode BookMarketOptions.models} or by naming one registered with
 * {@linkcode registerBookModels} in `flow.models` (which also works through the JSON configs
 * of the command-line tools and `runCompare`, in-process).
 *
 * Accounting: cash = Σ fills (sells +, buys −) − fees (maker rate on our resting orders'
 * fills, taker rate on our crossing orders'). No impact cost is charged: the book prices our
 * aggressive orders (they walk its levels) and our passive fills need no charge. Our
 * aggressive orders move the reference price like any market order (the fundamental model's
 * trade impact), plus the optional `impact` overlay model; that shift is reported
 * ({@linkcode BookMarket.lastImpactShift}).
 *
 * {@linkcode BookVecEnv} steps N of these; this class is exported for tests and tools that
 * need one market's internals (the book, the clock, the flow, the tape).
 *
 * Time: nanoseconds (float) on the clock; the episode starts at 0, after a burn-in at
 * negative times.
 *
 * @module
 */
import { ASK, BID, type ExecutionSink, OrderBook, type Side } from "../book/order_book.ts";
import { ValidationError } from "../errors.ts";
import { EventQueue } from "../market/event_queue.ts";
import { fillFee } from "../market/fees.ts";
import { createImpactModel, impactMarketFromConfig } from "../market/impact.ts";
import { createLatencyModel } from "../market/latency.ts";
import {
  AGGRESSOR,
  BackgroundFlow,
  createFlowModels,
  type FlowModels,
} from "../market/order_flow.ts";
import { createRegimeModel } from "../market/regimes.ts";
import { FLOW_TYPE, MAKER, MarketTape } from "../market/tape.ts";
import type { FeeModel, ImpactModel, LatencyModel, RegimeModel } from "../market/types.ts";
import type { Rng } from "../rng/rng.ts";
import { RngStreams, STREAM } from "../rng/streams.ts";
import { type EnvConfig, sigmaPerSqrtSecond } from "./config.ts";

/** Owner id of the agent's orders in the book (background orders are owner 0). */
export const AGENT_OWNER = 1;
/** Agent order ids are `AGENT_ID_BASE + n` (n = 0, 1, … per episode). */
export const AGENT_ID_BASE = 1 << 30;
/** Levels per side in the observed imbalance. */
export const IMBALANCE_LEVELS = 5;
/** Nanoseconds per second. */
export const NS_PER_S = 1e9;

const EV_NEW = 1; // b: price (ticks), a: order number, x: qty; side in the type's high bit
const EV_CANCEL = 2; // a: order number
const EV_SNAPSHOT = 3;
const RING = 64;

const ST_DONE = 0;
const ST_FLIGHT = 1;
const ST_RESTING = 2;

/**
 * Every model a book-tier market is composed from: the background flow's
 * ({@linkcode FlowModels}) and the market's own.
 */
export interface BookModels extends FlowModels {
  /** Volatility / flow regimes. */
  regimes: RegimeModel;
  /** Impact overlay of our aggressive executions (added to the reference price). */
  impact: ImpactModel;
  /** Decision → our new order reaches the book. */
  orderLatency: LatencyModel;
  /** Decision → our cancel reaches the book. */
  cancelLatency: LatencyModel;
  /** Book event → we observe it. */
  marketDataLatency: LatencyModel;
  /** Fees on our fills. */
  fees: FeeModel;
}

/** Builds (part of) a market's models from the config; called once per market. */
export type BookModelsFactory = (cfg: EnvConfig) => Partial<BookModels>;

const REGISTRY = new Map<string, BookModelsFactory>();

/**
 * Registers `factory` under `name` in this process, so that a config can select it with
 * `flow: { models: name }` (its models replace the defaults; the others stay). A JSON
 * config can name it, but Worker threads do not share the registration: use it in-process
 * (e.g. `runCompare({ workers: 0 })`) or register it in every worker.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BookMarket, registerBookModels } from "./book_market.ts";
 * import { parseEnvConfig } from "./config.ts";
 * registerBookModels("always-buy", () => ({
 *   signs: { surpriseVariance: 1, reset() {}, expected: () => 0, next: () => 1 },
 * }));
 * const m = new BookMarket(parseEnvConfig({ flow: { models: "always-buy" } }));
 * m.reset(1);
 * const mid0 = m.trueMid();
 * m.advance(20e9);
 * assert.ok(m.trueMid() > mid0); // only buyers: the price rises
 * ```
 */
export function registerBookModels(name: string, factory: BookModelsFactory): void {
  if (typeof name !== "string" || name.length === 0 || name.length > 200) {
    throw new ValidationError("name", name, "a name of 1–200 characters");
  }
  if (typeof factory !== "function") {
    throw new ValidationError("factory", factory, "a function (cfg) => models");
  }
  REGISTRY.set(name, factory);
}

/** Names registered with {@linkcode registerBookModels} in this process. */
export function registeredBookModels(): string[] {
  return [...REGISTRY.keys()];
}

/**
 * The market's models: the defaults built from `cfg`, with `overrides` in their place
 * (for the fundamental's variance budget, the defaults read the arrivals, signs and sizes
 * actually used).
 */
export function createBookModels(cfg: EnvConfig, overrides: Partial<BookModels> = {}): BookModels {
  const flow = createFlowModels(
    cfg.flow,
    { sigmaTicks: sigmaPerSqrtSecond(cfg) / cfg.tickSize },
    overrides,
  );
  const fees = cfg.fees;
  return {
    ...flow,
    regimes: overrides.regimes ?? createRegimeModel(cfg.regimes),
    impact: overrides.impact ?? createImpactModel(cfg.impact, impactMarketFromConfig(cfg)),
    orderLatency: overrides.orderLatency ?? createLatencyModel(cfg.latency.order),
    cancelLatency: overrides.cancelLatency ?? createLatencyModel(cfg.latency.cancel),
    marketDataLatency: overrides.marketDataLatency ?? createLatencyModel(cfg.latency.marketData),
    fees: overrides.fees ?? { fee: (notional, maker) => fillFee(fees, notional, maker) },
  };
}

/** Options of the book tier. */
export interface BookMarketOptions {
  /**
   * Seconds of flow simulated before the episode starts (at negative times, with the
   * price held: news and trade impact off, no agent), so that the episode starts from a
   * book near its stationary shape rather than the stylised initial ladder. Default 10.
   */
  burnInSeconds?: number;
  /**
   * Models replacing the defaults, built once per market (each market needs its own
   * stateful instances). Takes precedence over `flow.models` in the config.
   */
  models?: BookModelsFactory;
  /** Record every execution and quote change of the episode into a {@linkcode MarketTape}. */
  tape?: boolean;
}

/** The delayed market-data view of one market (prices in ticks). */
export interface MarketSnapshot {
  /** Market time the snapshot describes, ns. */
  timeNs: number;
  /** Best bid, ticks (NaN when the side is empty). */
  bid: number;
  /** Best ask, ticks (NaN when the side is empty). */
  ask: number;
  /** Mid, ticks: the last one with both sides present. */
  mid: number;
  /** Spread, ticks: the last one with both sides present. */
  spread: number;
  /** Depth imbalance over {@linkcode IMBALANCE_LEVELS} levels, in [-1, 1]. */
  imbalance: number;
  /** Cumulative signed aggressor volume (buys +) since reset, lots. */
  signedVolume: number;
  /** Cumulative total aggressor volume since reset, lots. */
  totalVolume: number;
  /** Our resting bid's lots ahead / lots at its level, in [0, 1) (1 when none). */
  bidQueue: number;
  /** Our resting ask's lots ahead / lots at its level, in [0, 1) (1 when none). */
  askQueue: number;
}

function emptySnapshot(): MarketSnapshot {
  return {
    timeNs: 0,
    bid: NaN,
    ask: NaN,
    mid: NaN,
    spread: NaN,
    imbalance: 0,
    signedVolume: 0,
    totalVolume: 0,
    bidQueue: 1,
    askQueue: 1,
  };
}

function copySnapshot(from: MarketSnapshot, to: MarketSnapshot): void {
  to.timeNs = from.timeNs;
  to.bid = from.bid;
  to.ask = from.ask;
  to.mid = from.mid;
  to.spread = from.spread;
  to.imbalance = from.imbalance;
  to.signedVolume = from.signedVolume;
  to.totalVolume = from.totalVolume;
  to.bidQueue = from.bidQueue;
  to.askQueue = from.askQueue;
}

/**
 * One book-tier market with the agent's order management and accounting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BookMarket } from "./book_market.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const m = new BookMarket(parseEnvConfig({ tier: "book" }));
 * m.reset(7);
 * m.quote(0, m.snapshot.bid, 2); // join the observed best bid with 2 lots
 * m.scheduleSnapshot(100_000_000);
 * m.advance(100_000_000); // 100 ms of market time
 * m.endStep(0.1);
 * assert.ok(m.inventory >= 0 && m.inventory <= 2); // lots bought minus lots sold
 * ```
 */
export class BookMarket implements ExecutionSink {
  /** The order book. */
  readonly book: OrderBook = new OrderBook({ capacity: 2048 });
  /** Pending agent messages and market-data snapshots. */
  readonly queue: EventQueue = new EventQueue(64);
  /** The models this market is composed from. */
  readonly models: BookModels;
  /** The background order flow. */
  readonly flow: BackgroundFlow;
  /** Volatility / flow regime. */
  readonly regime: RegimeModel;
  /** Impact overlay of the agent's aggressive executions. */
  readonly impact: ImpactModel;
  /** The market-data view the agent has now (delayed by the market-data latency). */
  readonly snapshot: MarketSnapshot = emptySnapshot();
  /** The episode's executions and quote changes (when `options.tape`), else null. */
  readonly tape: MarketTape | null;

  /** Market time, ns (the events before it are processed). */
  nowNs = 0;
  /** Agent inventory, lots. */
  inventory = 0;
  /** Agent cash from fills, in ticks × lots (sells +, buys −), exact. */
  cashTicksLots = 0;
  /** Cumulative fees paid by the agent, dollars (negative: rebates received). */
  fees = 0;
  /** Shift of the reference price caused by our aggressive orders in the last step, dollars. */
  lastImpactShift = 0;
  /** Impact cost charged in the last step, dollars: always 0 (the book prices our trades). */
  readonly lastImpactCost = 0;
  /** Regime in force during the last step. */
  lastRegime = 0;
  /** Lots the agent bought since the last {@linkcode BookMarket.clearStepFills}. */
  bidFilled = 0;
  /** Lots the agent sold since the last {@linkcode BookMarket.clearStepFills}. */
  askFilled = 0;
  /** Σ price·qty (ticks × lots) of those buys. */
  bidNotional = 0;
  /** Σ price·qty (ticks × lots) of those sells. */
  askNotional = 0;
  /** Of those, lots bought / sold by our orders that crossed on arrival (taker). */
  readonly aggressiveFilled: Float64Array = new Float64Array(2);
  /** Cumulative signed aggressor volume (buys +), lots. */
  signedVolume = 0;
  /** Cumulative total aggressor volume, lots. */
  totalVolume = 0;
  /** Last true mid with both sides present, ticks. */
  lastMid: number = NaN;

  readonly #cfg: EnvConfig;
  readonly #tick: number;
  readonly #dollarsPerTickLot: number;
  readonly #burnInNs: number;
  readonly #orderLat: LatencyModel;
  readonly #cancelLat: LatencyModel;
  readonly #mdLat: LatencyModel;
  readonly #fees: FeeModel;
  readonly #ringOn: boolean;
  #streams: RngStreams | null = null;
  #rRegime!: Rng;
  #rLat!: Rng;
  #agentEvents = 0;
  #orderAgg = 0; // signed lots our arriving order took (while it matches)

  // agent orders by order number n (id = AGENT_ID_BASE + n)
  #status = new Uint8Array(4096);
  #arrival = new Float64Array(4096);
  #nOrders = 0;
  /** Id of our latest intended order per side (−1 when none). */
  readonly curId: Int32Array = new Int32Array(2).fill(-1);
  /** Price (ticks) of our latest intended order per side. */
  readonly curPx: Float64Array = new Float64Array(2);
  /** Size (lots) of our latest intended order per side, as sent. */
  readonly curQty: Float64Array = new Float64Array(2);
  /** Lots of our orders resting in the book, by side. */
  readonly restingQty: Float64Array = new Float64Array(2);

  // market data
  #snapDirect = false;
  #snapFromRing = false;
  #snapTargetNs = 0;
  #ring: MarketSnapshot[] = [];
  #ringN = 0;
  #ringHead = 0;
  #lastSpread = NaN;

  /**
   * Builds the market's models from `cfg` (validated by `parseEnvConfig`), replacing any
   * given by `options.models` or by the factory registered under `cfg.flow.models`.
   */
  constructor(cfg: EnvConfig, options: BookMarketOptions = {}) {
    this.#cfg = cfg;
    this.#tick = cfg.tickSize;
    this.#dollarsPerTickLot = cfg.tickSize * cfg.lotSize;
    const burn = options.burnInSeconds ?? 10;
    if (!(burn >= 0 && burn <= 3600)) {
      throw new ValidationError("burnInSeconds", burn, "a number of seconds in [0, 3600]");
    }
    this.#burnInNs = Math.round(burn * NS_PER_S);
    let factory = options.models;
    if (factory === undefined && cfg.flow.models !== undefined) {
      factory = REGISTRY.get(cfg.flow.models);
      if (factory === undefined) {
        const known = registeredBookModels();
        throw new ValidationError(
          "flow.models",
          cfg.flow.models,
          `a name registered with registerBookModels in this process (${
            known.length ? `registered: ${known.join(", ")}` : "none is"
          }; Worker threads do not share registrations: run in-process, e.g. workers: 0)`,
        );
      }
    }
    const overrides = factory === undefined ? {} : factory(cfg);
    if (overrides === null || typeof overrides !== "object") {
      throw new ValidationError("models", overrides, "an object of models (or {})");
    }
    const models = createBookModels(cfg, overrides);
    this.models = models;
    this.regime = models.regimes;
    this.impact = models.impact;
    this.#orderLat = models.orderLatency;
    this.#cancelLat = models.cancelLatency;
    this.#mdLat = models.marketDataLatency;
    this.#fees = models.fees;
    this.flow = new BackgroundFlow(this.book, models, cfg.flow);
    this.flow.setOverlay(this.impact, cfg.tickSize);
    const md = cfg.latency.marketData;
    this.#ringOn = overrides.marketDataLatency !== undefined ||
      !(md.kind === "constant" && md.ms * 1e6 <= cfg.dt * NS_PER_S);
    if (this.#ringOn) { for (let i = 0; i < RING; i++) this.#ring.push(emptySnapshot()); }
    this.tape = options.tape ? new MarketTape() : null;
    this.book.sink = this;
  }

  /** Book events since the episode start: background orders, cancels and trades, and ours. */
  get events(): number {
    return this.flow.events + this.#agentEvents;
  }

  /** Flow-intensity multiplier of the current regime. */
  get flowMultiplier(): number {
    return this.regime.flowMultiplier();
  }

  /** Public reference price now (the fundamental model's P plus the overlay), dollars. */
  referencePrice(timeNs: number = this.nowNs): number {
    return this.flow.reference(timeNs) * this.#tick;
  }

  /** Value known to informed traders now, dollars. */
  informedValue(timeNs: number = this.nowNs): number {
    return this.flow.value(timeNs) * this.#tick;
  }

  /** Agent cash in dollars: fills minus fees. */
  get cash(): number {
    return this.cashTicksLots * this.#dollarsPerTickLot - this.fees;
  }

  /** Starts a new episode from `seed`: fresh book, models and streams, time 0. */
  reset(seed: number): void {
    const s = new RngStreams(seed);
    this.#streams = s;
    this.#rRegime = s.get(STREAM.regime);
    this.#rLat = s.get(STREAM.latency);
    const cfg = this.#cfg;
    this.book.clear();
    this.queue.clear();
    this.impact.reset();
    this.regime.reset(this.#rRegime);
    this.inventory = 0;
    this.cashTicksLots = 0;
    this.fees = 0;
    this.lastImpactShift = 0;
    this.lastRegime = this.regime.state;
    this.clearStepFills();
    this.signedVolume = 0;
    this.totalVolume = 0;
    this.#nOrders = 0;
    this.#agentEvents = 0;
    this.curId.fill(-1);
    this.curPx.fill(0);
    this.curQty.fill(0);
    this.restingQty.fill(0);
    this.#ringN = 0;
    this.#ringHead = 0;
    this.#snapDirect = false;
    this.#snapFromRing = false;
    // A one-tick book (zero placement edge) quotes the ticks strictly either side of the
    // reference price: held on a tick during the burn-in, as every price on the grid is, it
    // starts two ticks wide and stays so until the price first moves (seconds: 0.4-1.2 % of
    // BTCUSDT's simulated time). With the refill model on, whose gaps are then the wide books,
    // the price is held half a tick up (off by default: earlier presets simulate as before)
    const p0 = cfg.initialPrice / this.#tick;
    const onTick = Math.abs(p0 - Math.round(p0)) < 1e-6;
    const mid0 = cfg.flow.placement.minEdge === 0 && cfg.flow.refill.msPerTick > 0 && onTick
      ? Math.round(p0) + 0.5
      : p0;
    // burn-in: flow around a held price (no news, no impact), at negative times
    this.nowNs = -this.#burnInNs;
    this.flow.setRegime(this.regime.flowMultiplier(), 0);
    this.flow.reset(mid0, this.nowNs, {
      flow: s.get(STREAM.flow),
      price: s.get(STREAM.price),
      signs: s.get("signs"),
      informed: s.get(STREAM.informed),
    });
    this.lastMid = mid0;
    this.#lastSpread = Math.floor(mid0) + 1 - (Math.ceil(mid0) - 1);
    this.snapshot.mid = NaN;
    this.snapshot.spread = NaN;
    this.advance(0);
    this.flow.setRegime(this.regime.flowMultiplier(), this.regime.volMultiplier());
    this.flow.redraw(0);
    this.flow.events = 0;
    this.flow.counts.fill(0);
    this.signedVolume = 0;
    this.totalVolume = 0;
    this.#trackMid();
    if (this.tape !== null) {
      this.tape.clear();
      this.#recordQuote(0);
    }
    this.#takeSnapshot(this.snapshot);
    if (this.#ringOn) this.#pushRing();
  }

  /** The stream `name` of the current episode (for components outside this class). */
  stream(name: string): Rng {
    if (this.#streams === null) throw new ValidationError("market", "not reset", "reset() first");
    return this.#streams.get(name);
  }

  /**
   * Sets the agent's quote on `side` at `priceTicks` for `qty` lots (0: no quote), as of
   * now. An unchanged (price, size) keeps the live order and its queue position (even if
   * partly filled); otherwise the old order is cancelled (the cancel arrives after the
   * cancel latency, never before the order itself: one session's messages stay in order)
   * and a new one is sent (it arrives after the order-entry latency; on arrival a risk
   * check cuts it so that inventory + our resting lots on that side can never breach
   * ±maxInventory). Returns the lots newly posted.
   */
  quote(side: Side, priceTicks: number, qty: number): number {
    const cur = this.curId[side];
    const alive = cur >= 0 && this.#status[cur - AGENT_ID_BASE] !== ST_DONE;
    if (alive && qty > 0 && this.curPx[side] === priceTicks && this.curQty[side] === qty) return 0;
    const now = this.nowNs;
    if (alive) {
      const n = cur - AGENT_ID_BASE;
      let tc = now + this.#cancelLat.sample(this.#rLat);
      if (tc < this.#arrival[n]) tc = this.#arrival[n];
      this.queue.push(tc, EV_CANCEL, n);
    }
    if (qty <= 0 || !(priceTicks >= 1)) {
      this.curId[side] = -1;
      this.curQty[side] = 0;
      return 0;
    }
    const n = this.#nOrders++;
    if (n === this.#status.length) this.#growOrders();
    const t = now + this.#orderLat.sample(this.#rLat);
    this.#status[n] = ST_FLIGHT;
    this.#arrival[n] = t;
    this.queue.push(t, EV_NEW | (side << 8), n, priceTicks, qty);
    this.curId[side] = AGENT_ID_BASE + n;
    this.curPx[side] = priceTicks;
    this.curQty[side] = qty;
    return qty;
  }

  /**
   * Samples the market-data latency L of the observation for the decision at
   * `decisionNs` and arranges for {@linkcode BookMarket.snapshot} to describe the book at
   * `decisionNs − L` once the market reaches `decisionNs` (exact when L ≤ dt; a larger L
   * uses the latest step-boundary snapshot at or before `decisionNs − L`).
   */
  scheduleSnapshot(decisionNs: number): void {
    const s = decisionNs - this.#mdLat.sample(this.#rLat);
    this.#snapDirect = false;
    this.#snapFromRing = false;
    if (s >= decisionNs) this.#snapDirect = true;
    else if (s >= this.nowNs) this.queue.push(s, EV_SNAPSHOT);
    else {
      this.#snapFromRing = true;
      this.#snapTargetNs = s;
    }
  }

  /** Processes every event before `untilNs` and sets the clock to `untilNs`. */
  advance(untilNs: number): void {
    const q = this.queue;
    const flow = this.flow;
    const tape = this.tape;
    for (;;) {
      const tf = flow.nextNs;
      const tq = q.peekTime();
      if (tf <= tq) {
        if (tf >= untilNs) break;
        this.nowNs = tf;
        flow.fireNext();
      } else {
        if (tq >= untilNs) break;
        q.pop();
        this.nowNs = tq;
        this.#onMessage(tq);
      }
      if (tape !== null) this.#recordQuote(this.nowNs);
    }
    this.nowNs = untilNs;
  }

  /**
   * Closes a step of `dt` seconds at the current time: applies the overlay impact of the
   * agent's aggressive lots this step (its offset moves the reference price), advances the
   * regime (a new regime's multipliers apply from now on) and delivers the snapshot
   * scheduled for this decision.
   */
  endStep(dt: number): void {
    const now = this.nowNs;
    const t = now / NS_PER_S;
    const signed = this.aggressiveFilled[BID] - this.aggressiveFilled[ASK];
    if (signed !== 0) {
      const before = this.impact.offset(t);
      this.impact.trade(signed, dt, t); // its modelled cost is not charged (see module doc)
      this.lastImpactShift += this.impact.offset(t) - before;
      this.flow.checkStale(now);
    }
    const before = this.regime.state;
    this.lastRegime = before;
    if (this.regime.advance(dt, this.#rRegime) !== before) {
      this.flow.setRegime(this.regime.flowMultiplier(), this.regime.volMultiplier());
      this.flow.redraw(now); // memoryless: the intensities changed
    }
    this.#trackMid();
    if (this.#ringOn) this.#pushRing();
    if (this.#snapDirect) this.#takeSnapshot(this.snapshot);
    else if (this.#snapFromRing) this.#fromRing(this.#snapTargetNs);
  }

  /** Zeroes the per-step fill counters and the impact shift. */
  clearStepFills(): void {
    this.bidFilled = 0;
    this.askFilled = 0;
    this.bidNotional = 0;
    this.askNotional = 0;
    this.aggressiveFilled[0] = 0;
    this.aggressiveFilled[1] = 0;
    this.lastImpactShift = 0;
  }

  /** True mid (ticks), or the last one with both sides present. */
  trueMid(): number {
    const m = this.book.mid();
    return m === m ? m : this.lastMid;
  }

  /** The book's {@linkcode ExecutionSink}: agent fills, trade flow, background bookkeeping. */
  onExecution(
    restingId: number,
    restingOwner: number,
    aggressorId: number,
    aggressorSide: Side,
    priceTicks: number,
    qty: number,
    timeNs: number,
    restingRemaining: number,
  ): void {
    if (aggressorSide === BID) this.signedVolume += qty;
    else this.signedVolume -= qty;
    this.totalVolume += qty;
    const agentAggressor = aggressorId >= AGENT_ID_BASE;
    if (restingOwner === AGENT_OWNER) {
      const side = aggressorSide ^ 1;
      this.#fill(side, priceTicks, qty, true);
      this.restingQty[side] -= qty;
      if (restingRemaining === 0) this.#status[restingId - AGENT_ID_BASE] = ST_DONE;
    } else if (restingRemaining === 0) {
      this.flow.onFilled(restingId);
    }
    if (agentAggressor) {
      this.#fill(aggressorSide, priceTicks, qty, false);
      this.aggressiveFilled[aggressorSide] += qty;
      this.#orderAgg += aggressorSide === BID ? qty : -qty;
    }
    const tape = this.tape;
    if (tape !== null) {
      const who = agentAggressor
        ? FLOW_TYPE.AGENT
        : this.flow.aggressor === AGGRESSOR.INFORMED
        ? FLOW_TYPE.INFORMED
        : FLOW_TYPE.UNINFORMED;
      tape.trade(
        timeNs / NS_PER_S,
        priceTicks,
        qty,
        aggressorSide,
        who,
        restingOwner === AGENT_OWNER ? MAKER.AGENT : MAKER.BACKGROUND,
        timeNs,
      );
    }
  }

  #fill(side: number, price: number, qty: number, maker: boolean): void {
    if (side === BID) {
      this.inventory += qty;
      this.cashTicksLots -= price * qty;
      this.bidFilled += qty;
      this.bidNotional += price * qty;
    } else {
      this.inventory -= qty;
      this.cashTicksLots += price * qty;
      this.askFilled += qty;
      this.askNotional += price * qty;
    }
    this.fees += this.#fees.fee(price * qty * this.#dollarsPerTickLot, maker);
  }

  #onMessage(t: number): void {
    const q = this.queue;
    const type = q.type & 0xff;
    if (type === EV_SNAPSHOT) {
      this.#takeSnapshot(this.snapshot);
      return;
    }
    this.#agentEvents++;
    const n = q.a;
    const id = AGENT_ID_BASE + n;
    if (type === EV_CANCEL) {
      if (this.#status[n] === ST_RESTING) {
        const side = this.book.orderSide(id);
        this.restingQty[side] -= this.book.cancel(id);
        this.flow.redraw(t); // the touch changed: so do the flow's cancellation bounds
      }
      this.#status[n] = ST_DONE;
      return;
    }
    const side = (q.type >> 8) as Side;
    const price = q.b;
    const max = this.#cfg.maxInventory;
    const room = side === BID
      ? max - this.inventory - this.restingQty[BID]
      : max + this.inventory - this.restingQty[ASK];
    const qty = q.x < room ? q.x : room;
    if (qty <= 0 || this.#status[n] !== ST_FLIGHT) {
      this.#status[n] = ST_DONE;
      return;
    }
    this.#orderAgg = 0;
    const bid = this.book.bestBid();
    const ask = this.book.bestAsk();
    const rest = this.book.addLimit(id, side, price, qty, t, AGENT_OWNER);
    if (rest > 0) {
      this.#status[n] = ST_RESTING;
      this.restingQty[side] += rest;
      // inside the spread: the takers who answer improvements may come (flow.takers)
      if (this.#orderAgg === 0) this.flow.externalImprovement(side, price, bid, ask, t);
    } else {
      this.#status[n] = ST_DONE;
    }
    const took = this.#orderAgg;
    if (took !== 0) {
      // our crossing order is a market event: it moves the reference price (and redraws)
      const shift = this.flow.externalTrade(took > 0 ? 1 : -1, took > 0 ? took : -took, t);
      this.lastImpactShift += shift * this.#tick;
      this.#orderAgg = 0;
    } else this.flow.redraw(t); // the touch changed: so do the flow's cancellation bounds
  }

  #trackMid(): void {
    const b = this.book.bestBid();
    const a = this.book.bestAsk();
    if (b === b && a === a) {
      this.lastMid = (a + b) / 2;
      this.#lastSpread = a - b;
    }
  }

  #recordQuote(timeNs: number): void {
    const book = this.book;
    this.tape!.quote(
      timeNs / NS_PER_S,
      book.bestBid(),
      book.bestAsk(),
      book.bestQty(BID),
      book.bestQty(ASK),
      this.flow.reference(timeNs),
    );
  }

  #takeSnapshot(s: MarketSnapshot): void {
    const book = this.book;
    const b = book.bestBid();
    const a = book.bestAsk();
    s.timeNs = this.nowNs;
    s.bid = b;
    s.ask = a;
    if (b === b && a === a) {
      s.mid = (a + b) / 2;
      s.spread = a - b;
    } else {
      // a side is empty: keep the last complete quote (or the true one if none yet)
      s.mid = s.mid === s.mid ? s.mid : this.lastMid;
      s.spread = s.spread === s.spread ? s.spread : this.#lastSpread;
    }
    s.imbalance = book.imbalance(IMBALANCE_LEVELS);
    s.signedVolume = this.signedVolume;
    s.totalVolume = this.totalVolume;
    s.bidQueue = this.#queuePos(BID);
    s.askQueue = this.#queuePos(ASK);
  }

  #queuePos(side: Side): number {
    const id = this.curId[side];
    if (id < 0 || this.#status[id - AGENT_ID_BASE] !== ST_RESTING) return 1;
    const level = this.book.levelQty(side, this.book.orderPrice(id));
    return level > 0 ? this.book.queueAhead(id) / level : 1;
  }

  #pushRing(): void {
    const slot = this.#ring[this.#ringHead];
    copySnapshot(this.snapshot, slot); // keep mid/spread fallbacks continuous
    this.#takeSnapshot(slot);
    this.#ringHead = (this.#ringHead + 1) % RING;
    if (this.#ringN < RING) this.#ringN++;
  }

  #fromRing(target: number): void {
    // newest first: the latest boundary snapshot at or before `target`, else the oldest kept
    let pick = -1;
    for (let k = 1; k <= this.#ringN; k++) {
      const i = (this.#ringHead - k + RING) % RING;
      pick = i;
      if (this.#ring[i].timeNs <= target) break;
    }
    if (pick >= 0) copySnapshot(this.#ring[pick], this.snapshot);
  }

  #growOrders(): void {
    const s = new Uint8Array(this.#status.length * 2);
    s.set(this.#status);
    this.#status = s;
    const a = new Float64Array(this.#arrival.length * 2);
    a.set(this.#arrival);
    this.#arrival = a;
  }
}
