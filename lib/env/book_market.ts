/**
 * One simulated market of the book tier: an L3 {@linkcode OrderBook} driven by
 * zero-intelligence and informed flow (Gillespie), a latent fundamental price with
 * regime-dependent volatility and the agent's market impact, and the agent's own orders,
 * which reach the book through order-entry / cancel latencies (as events in an
 * {@linkcode EventQueue}) and sit in its real FIFO queues. The agent sees the book through
 * the market-data latency: {@linkcode BookMarket.snapshot} holds the delayed view.
 *
 * {@linkcode BookVecEnv} steps N of these; this class is exported for tests and tools that
 * need one market's internals (the book, the clock).
 *
 * Time: integer nanoseconds on the event queue (the flow's Gillespie clock is continuous);
 * the episode starts at 0, after an optional burn-in run at negative times.
 *
 * @module
 */
import { ASK, BID, type ExecutionSink, OrderBook, type Side } from "../book/order_book.ts";
import { ValidationError } from "../errors.ts";
import { EventQueue } from "../market/event_queue.ts";
import { createImpactModel, impactMarketFromConfig } from "../market/impact.ts";
import { InformedFlow } from "../market/informed.ts";
import { createLatencyModel } from "../market/latency.ts";
import { ZeroIntelligenceFlow } from "../market/order_flow.ts";
import { createPriceProcess } from "../market/price_process.ts";
import { createRegimeModel } from "../market/regimes.ts";
import type { ImpactModel, LatencyModel, PriceProcess, RegimeModel } from "../market/types.ts";
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

/** Options of the book tier. */
export interface BookMarketOptions {
  /**
   * Seconds of flow simulated before the episode starts (at negative times, with the
   * fundamental held at `initialPrice` and no agent), so that the episode starts from a
   * book near its stationary shape rather than the stylised initial ladder. Default 10.
   */
  burnInSeconds?: number;
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
 * import { BookMarket } from "./book_market.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const m = new BookMarket(parseEnvConfig({ tier: "book" }));
 * m.reset(7);
 * m.quote(0, m.snapshot.bid, 2); // join the observed best bid with 2 lots
 * m.scheduleSnapshot(100_000_000);
 * m.advance(100_000_000); // 100 ms of market time
 * m.endStep(0.1);
 * m.inventory; // lots bought minus lots sold
 * ```
 */
export class BookMarket implements ExecutionSink {
  /** The order book. */
  readonly book: OrderBook = new OrderBook({ capacity: 2048 });
  /** Pending agent messages and market-data snapshots. */
  readonly queue: EventQueue = new EventQueue(64);
  /** Background zero-intelligence flow. */
  readonly flow: ZeroIntelligenceFlow;
  /** Informed traders. */
  readonly informed: InformedFlow;
  /** Volatility / flow regime. */
  readonly regime: RegimeModel;
  /** Impact of the agent's executions. */
  readonly impact: ImpactModel;
  /** The latent fundamental price (dollars, before the impact offset). */
  readonly fundamental: PriceProcess;
  /** The market-data view the agent has now (delayed by the market-data latency). */
  readonly snapshot: MarketSnapshot = emptySnapshot();

  /** Market time, ns (the events before it are processed). */
  nowNs = 0;
  /** Agent inventory, lots. */
  inventory = 0;
  /** Agent cash from fills, in ticks × lots (sells +, buys −), exact. */
  cashTicksLots = 0;
  /** Cumulative impact cost paid by the agent, dollars. */
  impactCost = 0;
  /** Impact offset change caused by the last step's trade, dollars. */
  lastImpactShift = 0;
  /** Impact cost of the last step, dollars. */
  lastImpactCost = 0;
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
  /** Cumulative signed aggressor volume (buys +), lots. */
  signedVolume = 0;
  /** Cumulative total aggressor volume, lots. */
  totalVolume = 0;
  /**
   * Book events since the episode start: background limit / market / cancel orders,
   * informed orders that traded, and the agent's order and cancel messages.
   */
  events = 0;
  /** Last true mid with both sides present, ticks. */
  lastMid: number = NaN;

  readonly #cfg: EnvConfig;
  readonly #tick: number;
  readonly #sigma0: number;
  readonly #infRate: number;
  readonly #burnInNs: number;
  readonly #orderLat: LatencyModel;
  readonly #cancelLat: LatencyModel;
  readonly #mdLat: LatencyModel;
  readonly #ringOn: boolean;
  #streams: RngStreams | null = null;
  #rFlow!: Rng;
  #rPrice!: Rng;
  #rRegime!: Rng;
  #rLat!: Rng;

  #mult = 1;
  #sigma = 0;
  #rate = 0;
  #nextFlowNs = Infinity;
  #fundNs = 0;

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

  /** Builds the market's models from `cfg` (validated by `parseEnvConfig`). */
  constructor(cfg: EnvConfig, options: BookMarketOptions = {}) {
    this.#cfg = cfg;
    this.#tick = cfg.tickSize;
    this.#sigma0 = sigmaPerSqrtSecond(cfg);
    this.#infRate = cfg.flow.informedRate;
    const burn = options.burnInSeconds ?? 10;
    if (!(burn >= 0 && burn <= 3600)) {
      throw new ValidationError("burnInSeconds", burn, "a number of seconds in [0, 3600]");
    }
    this.#burnInNs = Math.round(burn * NS_PER_S);
    this.flow = new ZeroIntelligenceFlow(cfg.flow);
    this.informed = new InformedFlow(cfg.flow.informedThreshold);
    this.regime = createRegimeModel(cfg.regimes);
    this.impact = createImpactModel(cfg.impact, impactMarketFromConfig(cfg));
    this.fundamental = createPriceProcess();
    this.#orderLat = createLatencyModel(cfg.latency.order);
    this.#cancelLat = createLatencyModel(cfg.latency.cancel);
    this.#mdLat = createLatencyModel(cfg.latency.marketData);
    const md = cfg.latency.marketData;
    this.#ringOn = !(md.kind === "constant" && md.ms * 1e6 <= cfg.dt * NS_PER_S);
    if (this.#ringOn) { for (let i = 0; i < RING; i++) this.#ring.push(emptySnapshot()); }
    this.book.sink = this;
  }

  /** Flow-intensity multiplier of the current regime. */
  get flowMultiplier(): number {
    return this.#mult;
  }

  /** Fundamental volatility of the current regime, dollars per √second. */
  get sigma(): number {
    return this.#sigma;
  }

  /** The fundamental including the agent's impact offset at time `timeNs`, dollars. */
  effectiveFundamental(timeNs: number = this.nowNs): number {
    return this.fundamental.price + this.impact.offset(timeNs / NS_PER_S);
  }

  /** Agent cash in dollars: fills minus impact costs. */
  get cash(): number {
    return this.cashTicksLots * this.#tick * this.#cfg.lotSize - this.impactCost;
  }

  /** Starts a new episode from `seed`: fresh book, models and streams, time 0. */
  reset(seed: number): void {
    const s = new RngStreams(seed);
    this.#streams = s;
    this.#rFlow = s.get(STREAM.flow);
    this.#rPrice = s.get(STREAM.price);
    this.#rRegime = s.get(STREAM.regime);
    this.#rLat = s.get(STREAM.latency);
    const cfg = this.#cfg;
    this.book.clear();
    this.queue.clear();
    this.impact.reset();
    this.informed.reset();
    this.regime.reset(this.#rRegime);
    this.#applyRegime();
    this.fundamental.reset(cfg.initialPrice);
    this.inventory = 0;
    this.cashTicksLots = 0;
    this.impactCost = 0;
    this.lastImpactShift = 0;
    this.lastImpactCost = 0;
    this.lastRegime = this.regime.state;
    this.clearStepFills();
    this.signedVolume = 0;
    this.totalVolume = 0;
    this.#nOrders = 0;
    this.curId.fill(-1);
    this.curPx.fill(0);
    this.curQty.fill(0);
    this.restingQty.fill(0);
    this.#ringN = 0;
    this.#ringHead = 0;
    this.#snapDirect = false;
    this.#snapFromRing = false;
    const mid0 = cfg.initialPrice / this.#tick;
    this.flow.seed(this.book, mid0, cfg.flow.initialLevels, cfg.flow.initialDepth, -this.#burnInNs);
    this.lastMid = mid0;
    this.#lastSpread = Math.floor(mid0) + 1 - (Math.ceil(mid0) - 1);
    this.snapshot.mid = NaN;
    this.snapshot.spread = NaN;
    // burn-in: flow and informed traders around a fixed fundamental
    this.nowNs = -this.#burnInNs;
    this.#fundNs = this.nowNs;
    const sigma = this.#sigma;
    this.#sigma = 0;
    this.#drawNextFlow(this.nowNs);
    this.advance(0);
    this.#sigma = sigma;
    this.#fundNs = 0;
    this.#drawNextFlow(0);
    this.events = 0;
    this.signedVolume = 0;
    this.totalVolume = 0;
    this.flow.counts.fill(0);
    this.informed.reset();
    this.#trackMid();
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
    for (;;) {
      const tf = this.#nextFlowNs;
      const tq = q.peekTime();
      if (tf <= tq) {
        if (tf >= untilNs) break;
        this.nowNs = tf;
        this.#fireFlow(tf);
      } else {
        if (tq >= untilNs) break;
        q.pop();
        this.nowNs = tq;
        this.#onMessage(tq);
      }
    }
    this.nowNs = untilNs;
  }

  /**
   * Closes a step of `dt` seconds at the current time: advances the fundamental, charges
   * the impact of the agent's net execution this step, advances the regime (its new
   * intensities apply from now on) and delivers the snapshot scheduled for this decision.
   */
  endStep(dt: number): void {
    const now = this.nowNs;
    this.#advanceFundamental(now);
    const t = now / NS_PER_S;
    const signed = this.bidFilled - this.askFilled;
    if (signed !== 0) {
      const before = this.impact.offset(t);
      const cost = this.impact.trade(signed, dt, t);
      this.lastImpactShift = this.impact.offset(t) - before;
      this.lastImpactCost = cost;
      this.impactCost += cost;
    } else {
      this.lastImpactShift = 0;
      this.lastImpactCost = 0;
    }
    this.lastRegime = this.regime.state;
    this.regime.advance(dt, this.#rRegime);
    this.#applyRegime();
    this.#drawNextFlow(now); // memoryless: intensities may have changed
    this.#trackMid();
    if (this.#ringOn) this.#pushRing();
    if (this.#snapDirect) this.#takeSnapshot(this.snapshot);
    else if (this.#snapFromRing) this.#fromRing(this.#snapTargetNs);
  }

  /** Zeroes the per-step fill counters. */
  clearStepFills(): void {
    this.bidFilled = 0;
    this.askFilled = 0;
    this.bidNotional = 0;
    this.askNotional = 0;
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
    _timeNs: number,
    restingRemaining: number,
  ): void {
    if (aggressorSide === BID) this.signedVolume += qty;
    else this.signedVolume -= qty;
    this.totalVolume += qty;
    if (restingOwner === AGENT_OWNER) {
      const side = aggressorSide ^ 1;
      this.#fill(side, priceTicks, qty);
      this.restingQty[side] -= qty;
      if (restingRemaining === 0) this.#status[restingId - AGENT_ID_BASE] = ST_DONE;
    } else if (restingRemaining === 0) {
      this.flow.onFilled(restingId);
    }
    if (aggressorId >= AGENT_ID_BASE) this.#fill(aggressorSide, priceTicks, qty);
  }

  #fill(side: number, price: number, qty: number): void {
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
  }

  #applyRegime(): void {
    this.#mult = this.regime.flowMultiplier();
    this.#sigma = this.#sigma0 * this.regime.volMultiplier();
  }

  #advanceFundamental(t: number): void {
    const dt = (t - this.#fundNs) / NS_PER_S;
    if (dt > 0) {
      if (this.#sigma > 0) this.fundamental.advance(dt, this.#sigma, this.#rPrice);
      this.#fundNs = t;
    }
  }

  #drawNextFlow(t: number): void {
    const rate = this.flow.rate(this.#mult) + this.#infRate * this.#mult;
    this.#rate = rate;
    this.#nextFlowNs = rate > 0 ? t + this.#rFlow.exponential(rate) * NS_PER_S : Infinity;
  }

  #fireFlow(t: number): void {
    const inf = this.#infRate * this.#mult;
    const u = this.#rFlow.next() * this.#rate;
    if (u < inf) {
      this.#advanceFundamental(t);
      const traded = this.informed.arrive(this.book, this.effectiveFundamental(t) / this.#tick, t);
      if (traded !== 0) this.events++;
    } else {
      this.flow.fire(
        this.book,
        t,
        this.#mult,
        u - inf,
        this.#rFlow,
        this.fundamental.price / this.#tick,
      );
      this.events++;
    }
    this.#drawNextFlow(t);
  }

  #onMessage(t: number): void {
    const q = this.queue;
    const type = q.type & 0xff;
    if (type === EV_SNAPSHOT) {
      this.#takeSnapshot(this.snapshot);
      return;
    }
    this.events++;
    const n = q.a;
    const id = AGENT_ID_BASE + n;
    if (type === EV_CANCEL) {
      if (this.#status[n] === ST_RESTING) {
        const side = this.book.orderSide(id);
        this.restingQty[side] -= this.book.cancel(id);
      }
      this.#status[n] = ST_DONE;
    } else {
      const side = (q.type >> 8) as Side;
      const price = q.b;
      const max = this.#cfg.maxInventory;
      const room = side === BID
        ? max - this.inventory - this.restingQty[BID]
        : max + this.inventory - this.restingQty[ASK];
      const qty = q.x < room ? q.x : room;
      if (qty <= 0 || this.#status[n] !== ST_FLIGHT) {
        this.#status[n] = ST_DONE;
      } else {
        const rest = this.book.addLimit(id, side, price, qty, t, AGENT_OWNER);
        if (rest > 0) {
          this.#status[n] = ST_RESTING;
          this.restingQty[side] += rest;
        } else {
          this.#status[n] = ST_DONE;
        }
      }
    }
    // the cancel intensity depends on the resting background orders: redraw (memoryless)
    this.#drawNextFlow(t);
  }

  #trackMid(): void {
    const b = this.book.bestBid();
    const a = this.book.bestAsk();
    if (b === b && a === a) {
      this.lastMid = (a + b) / 2;
      this.#lastSpread = a - b;
    }
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
