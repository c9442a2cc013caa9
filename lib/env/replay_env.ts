/**
 * The "replay" tier: N episodes of recorded market data stepped in lockstep behind the
 * {@linkcode VecEnv} interface, with the same 9-D observation and 4-D action as the other
 * tiers. An episode is a window of a tape (see `lib/data/windows.ts`): env seed s replays
 * window `allowed[s mod allowed.length]` and seeds its latency draws.
 *
 * **The recorded market replays exactly as it happened; our orders are simulated against it
 * and never change it** (no market impact on the book, as in hftbacktest; the env's impact
 * model can be laid over the mid we are marked at, `replay.impactOverlay`). docs/replay.md
 * describes every assumption; in short, per env and agent step of `dt` seconds from exchange
 * time T:
 *
 * 1. Quotes: the clipped action sets target quotes around the *observed* mid m (ticks):
 *    bid = ⌊m − bidOffset⌋, ask = ⌈m + askOffset⌉ (as the book tier), sizes in lots; a side whose
 *    full fill could breach ±maxInventory is not quoted. An unchanged (price, size) keeps the
 *    order and its queue position; otherwise the old order is cancelled (effective at
 *    T + cancel latency, never before it arrived) and a new one sent (arrives at T + order
 *    latency). We believe an order alive until we learn it is done (response latency).
 * 2. The tape's events in [T, T + dt) are replayed in exchange-time order, our messages
 *    interleaved at their arrival times (an event at the same nanosecond comes first). On
 *    arrival an order is cut to the inventory limit; if it crosses the recorded book it takes
 *    the recorded levels at their prices, up to their displayed quantities, as a taker, and
 *    the rest is cancelled; otherwise it joins the back of its level's displayed queue.
 * 3. Fills of a resting order (maker), at its own price, never better, partial when the
 *    traded quantity is smaller:
 *    - a trade at our price after the quantity ahead of us has gone (order-id tapes: exactly,
 *      by the ids of what trades and cancels ahead of or behind us; L2 tapes: the queue
 *      model decides what part of a cancellation was ahead of us);
 *    - a trade through our price (a sell below our bid), up to its quantity;
 *    - liquidity on the other side arriving at or through our price (an ask appearing at or
 *      below our bid), up to the quantity that arrived.
 * 4. At T + dt: the true mid is the recorded mid then (plus the impact overlay's offset); the
 *    observation describes the book at T + dt − L with L the feed latency (the tape's recorded
 *    latencies, or a distribution), never going back in time; inventory in the observation is
 *    what we have been told of (response latency); fees per fill (maker / taker rates).
 *
 * Accounting: cash = Σ fills (sells +, buys −, price·qty·lotSize) − fees − impact costs;
 * `pnl = cash + inventory·lotSize·mid`. Columns as the other tiers (`regime` is always 0).
 *
 * @module
 */
import { requireInt } from "../errors.ts";
import { changesLevel } from "../data/tape.ts";
import { EVENT, FLAG, type Tape, upperBound } from "../data/tape.ts";
import type { TapeWindow } from "../data/windows.ts";
import { LevelIndex } from "../data/level_index.ts";
import { createImpactModel, impactMarketFromConfig } from "../market/impact.ts";
import { createLatencyModel } from "../market/latency.ts";
import { empiricalLatencyModel } from "../market/latency_empirical.ts";
import { createQueueModel, type QueueModel } from "../market/queue.ts";
import type { ImpactModel, LatencyModel } from "../market/types.ts";
import type { Rng } from "../rng/rng.ts";
import { RngStreams, STREAM } from "../rng/streams.ts";
import { clipActions } from "./action.ts";
import { resetStepRow } from "./columns.ts";
import { type EnvConfig, sigmaPerSqrtSecond } from "./config.ts";
import { FlowEstimator, VOL_HALF_LIFE_S, VolatilityEstimator } from "./estimators.ts";
import type { EnvMemory } from "./memory.ts";
import { clipObservation, resetObservationRow } from "./observation.ts";
import { resolveReplay } from "./replay_setup.ts";
import { type RewardWeights, rewardWeights, writeReward } from "./reward.ts";
import { ACT, ACT_DIM, OBS, OBS_DIM } from "./types.ts";
import { VecEnvBase } from "./vec_env_base.ts";

/** Largest number of environments one {@linkcode ReplayVecEnv} accepts. */
export const MAX_REPLAY_ENVS = 4096;
/** Order slots per env (live orders and orders whose cancel is in flight). */
export const REPLAY_ORDER_SLOTS = 8;
const NOTIFY = 64; // pending fill notifications per env (response latency)
const BID = 0;
const ASK = 1;
const FREE = 0;
const FLIGHT = 1;
const RESTING = 2;
const NS = 1e9;

/** Options of {@linkcode ReplayVecEnv}: models passed in as objects override the config's. */
export interface ReplayEnvOptions {
  /** Where the VecEnv arrays live (default: one ordinary arena, `heapMemory`). */
  memory?: EnvMemory;
  /** The loaded tapes of `config.replay.data` (default: loaded from the files). */
  tapes?: readonly Tape[];
  /** Queue model for L2 tapes (default: from `config.replay.queue`). */
  queueModel?: QueueModel;
  /** Order-entry latency (default `config.latency.order`). */
  orderLatency?: LatencyModel;
  /** Cancel latency (default `config.latency.cancel`). */
  cancelLatency?: LatencyModel;
  /** Response latency (default `config.replay.responseLatency`). */
  responseLatency?: LatencyModel;
  /**
   * Feed latency (default: `config.replay.feedLatency`: the tape's recorded latencies, or
   * `config.latency.marketData` for a tape with one clock).
   */
  feedLatency?: LatencyModel;
}

/** Counters of what the replay did (since construction), for benchmarks and reports. */
export interface ReplayCounters {
  /** Tape events replayed (summed over envs). */
  events: number;
  /** Our orders that reached the exchange. */
  ordersArrived: number;
  /** Orders not sent because every order slot was in use. */
  ordersDropped: number;
  /** Fills as maker / as taker. */
  makerFills: number;
  /** Fills as taker. */
  takerFills: number;
}

/**
 * N replay environments in lockstep (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEnvConfig } from "./config.ts";
 * import { ReplayVecEnv } from "./replay_env.ts";
 * const env = new ReplayVecEnv(parseEnvConfig({
 *   tier: "replay",
 *   duration: 30,
 *   replay: { data: ["data/real/binance/spot_btcusdt_20240808.gz"] },
 * }), 2);
 * env.reset([0, 1]); // the first two 30-second windows
 * const act = new Float64Array([0, 0, 1, 1, 0, 0, 1, 1]); // join both sides, 1 lot
 * while (!env.terminated[0]) env.step(act);
 * assert.ok(env.counters.events > 0);
 * assert.ok(Number.isFinite(env.columns.pnl[0]));
 * ```
 */
export class ReplayVecEnv extends VecEnvBase {
  /** The tapes replayed. */
  readonly tapes: readonly Tape[];
  /** Every window of the tapes, in plan order. */
  readonly windows: readonly TapeWindow[];
  /** The window indices seeds map onto. */
  readonly allowed: Int32Array;
  /** What the replay did since construction. */
  readonly counters: ReplayCounters = {
    events: 0,
    ordersArrived: 0,
    ordersDropped: 0,
    makerFills: 0,
    takerFills: 0,
  };

  readonly #index: LevelIndex[];
  readonly #queue: QueueModel;
  readonly #exact: boolean[];
  readonly #orderLat: LatencyModel;
  readonly #cancelLat: LatencyModel;
  readonly #respLat: LatencyModel;
  readonly #feedLat: LatencyModel[];
  readonly #impact: ImpactModel[] | null;
  readonly #w: RewardWeights;
  readonly #sigma0: number;
  readonly #vol: VolatilityEstimator;
  readonly #flow: FlowEstimator;
  readonly #act: Float64Array;
  readonly #rng: Rng[] = [];
  readonly #lotUnits: Float64Array; // tape quantity units per lot, per tape

  // per env
  readonly #win: Int32Array;
  readonly #cursor: Int32Array;
  readonly #end: Int32Array;
  readonly #t0: Float64Array;
  readonly #snapRow: Int32Array;
  readonly #trueMid: Float64Array; // ticks
  readonly #obsMid: Float64Array; // ticks
  readonly #obsSpread: Float64Array; // ticks
  readonly #prevBuy: Float64Array;
  readonly #prevSell: Float64Array;
  readonly #nextMsg: Float64Array;
  readonly #bidHi: Float64Array; // highest / lowest price of our resting bids
  readonly #bidLo: Float64Array;
  readonly #askLo: Float64Array; // lowest / highest price of our resting asks
  readonly #askHi: Float64Array;
  readonly #nRest: Int32Array;
  readonly #restUnits: Float64Array; // 2 per env: our resting quantity, tape units
  readonly #invUnits: Float64Array; // inventory in tape units (exact integers)
  readonly #knownUnits: Float64Array; // inventory we have been told of, tape units
  readonly #curSlot: Int32Array; // 2 per env
  readonly #curPx: Float64Array;
  readonly #curQty: Float64Array;
  readonly #known: Float64Array; // inventory we have been told of
  readonly #notT: Float64Array;
  readonly #notQ: Float64Array;
  readonly #notHead: Int32Array;
  readonly #notN: Int32Array;
  readonly #bidNotional: Float64Array;
  readonly #askNotional: Float64Array;
  readonly #fees: Float64Array; // cumulative fees per env, dollars
  readonly #impactCost: Float64Array; // cumulative, dollars
  readonly #cashFills: Float64Array; // cumulative cash from fills and fees, dollars
  // per slot (numEnvs × REPLAY_ORDER_SLOTS)
  readonly #sStatus: Uint8Array;
  readonly #sSide: Uint8Array;
  readonly #sUnknown: Uint8Array;
  readonly #sPx: Float64Array;
  readonly #sQty: Float64Array; // remaining, tape units
  readonly #sFront: Float64Array;
  readonly #sTraded: Float64Array;
  readonly #sArrive: Float64Array;
  readonly #sCancel: Float64Array;
  readonly #sAck: Float64Array;
  readonly #sDoneLocal: Float64Array;
  readonly #sJoin: Int32Array;
  readonly #sLevel: Float64Array; // displayed quantity at the order's level, tape units

  /**
   * Creates `numEnvs` replay environments for `config` (tier "replay"; its tapes are loaded
   * unless `options.tapes` is given). `env.config` is the resolved config (tick, lot, price
   * and volatility from the tapes, see `resolveReplay`).
   */
  constructor(config: EnvConfig, numEnvs: number, options: ReplayEnvOptions = {}) {
    const setup = resolveReplay(config, options.tapes);
    super(setup.config, numEnvs, MAX_REPLAY_ENVS, "ReplayVecEnv", options.memory);
    const cfg = this.config;
    this.tapes = setup.tapes;
    this.windows = setup.windows;
    this.allowed = setup.allowed;
    this.#index = this.tapes.map((t) => LevelIndex.of(t));
    this.#queue = options.queueModel ?? createQueueModel(cfg.replay.queue);
    this.#exact = this.tapes.map((t) => t.meta.hasOrderIds && cfg.replay.exactQueue);
    this.#orderLat = options.orderLatency ?? createLatencyModel(cfg.latency.order);
    this.#cancelLat = options.cancelLatency ?? createLatencyModel(cfg.latency.cancel);
    this.#respLat = options.responseLatency ?? createLatencyModel(cfg.replay.responseLatency);
    this.#feedLat = this.tapes.map((t) => options.feedLatency ?? feedLatencyOf(cfg, t));
    this.#lotUnits = Float64Array.from(this.tapes, (t) => {
      const u = cfg.lotSize / t.meta.qtyStep;
      const r = Math.round(u);
      return Math.abs(u - r) <= 1e-9 * u ? r : u; // 0.001 / 1e-6 is 1000, not 999.99…
    });
    this.#w = rewardWeights(cfg);
    this.#sigma0 = sigmaPerSqrtSecond(cfg);
    const n = numEnvs;
    this.#vol = new VolatilityEstimator(n, cfg.dt, VOL_HALF_LIFE_S, this.agentView.sigma);
    this.#flow = new FlowEstimator(n, cfg.dt);
    this.#known = this.memory.f64("view.inventory", 1);
    this.agentView.inventory = this.#known;
    this.#act = new Float64Array(n * ACT_DIM);
    const f = (k = 1) => new Float64Array(n * k);
    const i32 = (k = 1) => new Int32Array(n * k);
    this.#win = i32();
    this.#cursor = i32();
    this.#end = i32();
    this.#t0 = f();
    this.#snapRow = i32();
    this.#trueMid = f();
    this.#obsMid = f();
    this.#obsSpread = f();
    this.#prevBuy = f();
    this.#prevSell = f();
    this.#nextMsg = f();
    this.#bidHi = f();
    this.#bidLo = f();
    this.#askLo = f();
    this.#askHi = f();
    this.#nRest = i32();
    this.#restUnits = f(2);
    this.#invUnits = f();
    this.#knownUnits = f();
    this.#curSlot = i32(2);
    this.#curPx = f(2);
    this.#curQty = f(2);
    this.#notT = f(NOTIFY);
    this.#notQ = f(NOTIFY);
    this.#notHead = i32();
    this.#notN = i32();
    this.#bidNotional = f();
    this.#askNotional = f();
    this.#fees = f();
    this.#impactCost = f();
    this.#cashFills = f();
    const S = REPLAY_ORDER_SLOTS;
    this.#sStatus = new Uint8Array(n * S);
    this.#sSide = new Uint8Array(n * S);
    this.#sUnknown = new Uint8Array(n * S);
    this.#sPx = f(S);
    this.#sQty = f(S);
    this.#sFront = f(S);
    this.#sTraded = f(S);
    this.#sArrive = f(S);
    this.#sCancel = f(S);
    this.#sAck = f(S);
    this.#sDoneLocal = f(S);
    this.#sJoin = i32(S);
    this.#sLevel = f(S);
    if (cfg.replay.impactOverlay) {
      const market = impactMarketFromConfig(cfg);
      this.#impact = Array.from({ length: n }, () => createImpactModel(cfg.impact, market));
    } else this.#impact = null;
  }

  /** The window env `i` replays in its current episode. */
  window(i: number): TapeWindow {
    requireInt("i", i, 0, this.numEnvs - 1);
    return this.windows[this.#win[i]];
  }

  /** The window index (in plan order) that seed `seed` replays. */
  windowOf(seed: number): number {
    return this.allowed[seed % this.allowed.length];
  }

  /** Cumulative fees paid by env `i` this episode, dollars (negative: rebates received). */
  feesPaid(i: number): number {
    requireInt("i", i, 0, this.numEnvs - 1);
    return this.#fees[i];
  }

  /** Starts every env's window and its first observation. */
  protected resetEnvs(seeds: ArrayLike<number>): void {
    const n = this.numEnvs;
    const c = this.cols;
    const v = this.agentView;
    const S = REPLAY_ORDER_SLOTS;
    this.#rng.length = n;
    for (let i = 0; i < n; i++) {
      const w = this.windowOf(seeds[i]);
      const win = this.windows[w];
      const tape = this.tapes[win.tape];
      const tc = tape.columns;
      this.#win[i] = w;
      this.#t0[i] = win.startTs;
      this.#cursor[i] = win.startRow;
      this.#end[i] = win.endRow;
      const rng = new RngStreams(seeds[i]).get(STREAM.latency);
      this.#rng[i] = rng;
      for (let s = i * S; s < (i + 1) * S; s++) {
        this.#sStatus[s] = FREE;
        this.#sCancel[s] = Infinity;
        this.#sDoneLocal[s] = -Infinity;
      }
      this.#curSlot[2 * i] = -1;
      this.#curSlot[2 * i + 1] = -1;
      this.#restUnits[2 * i] = 0;
      this.#restUnits[2 * i + 1] = 0;
      this.#invUnits[i] = 0;
      this.#knownUnits[i] = 0;
      this.#nextMsg[i] = Infinity;
      this.#bidHi[i] = -Infinity;
      this.#bidLo[i] = Infinity;
      this.#askLo[i] = Infinity;
      this.#askHi[i] = -Infinity;
      this.#nRest[i] = 0;
      this.#known[i] = 0;
      this.#notN[i] = 0;
      this.#notHead[i] = 0;
      this.#fees[i] = 0;
      this.#impactCost[i] = 0;
      this.#cashFills[i] = 0;
      this.#impact?.[i].reset();
      // the true book at the window's start (two-sided by construction of the windows)
      const r0 = win.startRow - 1;
      const mid0 = (tc.bestBid[r0] + tc.bestAsk[r0]) / 2;
      this.#trueMid[i] = mid0;
      // what we see of it, through the feed latency
      const L = this.#feedLat[win.tape].sample(rng);
      let sr = upperBound(tc.ts, win.startTs - L, 0, win.startRow) - 1;
      if (sr < tape.meta.bookStart || !(tc.bestBid[sr] < tc.bestAsk[sr])) sr = r0;
      this.#snapRow[i] = sr;
      const ob = tc.bestBid[sr], oa = tc.bestAsk[sr];
      this.#obsMid[i] = (ob + oa) / 2;
      this.#obsSpread[i] = oa - ob;
      this.#prevBuy[i] = tc.cumBuy[sr];
      this.#prevSell[i] = tc.cumSell[sr];
      const tick = this.config.tickSize;
      resetStepRow(c, i, mid0 * tick, 0);
      v.mid[i] = this.#obsMid[i] * tick;
      v.bestBid[i] = ob * tick;
      v.bestAsk[i] = oa * tick;
      this.#vol.reset(i, this.#sigma0);
      this.#flow.reset(i);
      resetObservationRow(this.observations, i, oa - ob, tc.imbalance[sr]);
    }
  }

  /** One step of every env (see the module doc). */
  protected stepEnvs(actions: ArrayLike<number>, stepIndex: number): void {
    const cfg = this.config;
    const act = this.#act;
    clipActions(actions, act, cfg);
    const n = this.numEnvs;
    const c = this.cols;
    const v = this.agentView;
    const obs = this.observations;
    const dt = cfg.dt;
    const dtNs = Math.round(dt * NS);
    const tick = cfg.tickSize;
    const lot = cfg.lotSize;
    const maxInv = cfg.maxInventory;
    const invScale = 1 / maxInv;
    const retScale = 1 / (this.#sigma0 * Math.sqrt(dt));
    const volScale = 1 / this.#sigma0;
    const timeLeft = Math.max(0, cfg.duration - stepIndex * dt);
    const timeObs = timeLeft / cfg.duration;
    const w = this.#w;
    for (let i = 0; i < n; i++) {
      const win = this.windows[this.#win[i]];
      const tape = this.tapes[win.tape];
      const tc = tape.columns;
      const T = this.#t0[i] + (stepIndex - 1) * dtNs;
      const tEnd = T + dtNs;
      const rng = this.#rng[i];
      const a = i * ACT_DIM;
      const inv0 = this.#known[i]; // our risk check knows what we have been told
      const pnl0 = c.pnl[i];
      c.bidFilled[i] = 0;
      c.askFilled[i] = 0;
      this.#bidNotional[i] = 0;
      this.#askNotional[i] = 0;
      // 1. quotes from the observed mid
      const m = this.#obsMid[i];
      let qb = act[a + ACT.BID_SIZE];
      let qa = act[a + ACT.ASK_SIZE];
      if (inv0 + qb > maxInv) qb = 0;
      if (inv0 - qa < -maxInv) qa = 0;
      const pb = Math.floor(m - act[a + ACT.BID_OFFSET]);
      let pa = Math.ceil(m + act[a + ACT.ASK_OFFSET]);
      if (qb > 0 && qa > 0 && pa <= pb) pa = pb + 1;
      if (pb < 1) qb = 0;
      c.bidPosted[i] = this.#quote(i, BID, pb, qb, T, rng);
      c.askPosted[i] = this.#quote(i, ASK, pa, qa, T, rng);
      c.bidQuote[i] = qb > 0 ? pb * tick : NaN;
      c.askQuote[i] = qa > 0 ? pa * tick : NaN;
      // 2–3. replay the tape's events of the step, our messages interleaved
      let e = this.#cursor[i];
      const end = this.#end[i];
      const ts = tc.ts;
      const e0 = e;
      if (this.#nRest[i] === 0 && this.#nextMsg[i] >= tEnd) {
        e = upperBound(ts, tEnd - 1, e, end);
      } else {
        const kind = tc.kind, side = tc.side, price = tc.price;
        let nm = this.#nextMsg[i], nr = this.#nRest[i];
        let bidHi = this.#bidHi[i], bidLo = this.#bidLo[i];
        let askLo = this.#askLo[i], askHi = this.#askHi[i];
        for (; e < end; e++) {
          const t = ts[e];
          if (t >= tEnd) break;
          if (nm < t) {
            this.#messages(i, t, e - 1, tape);
            nm = this.#nextMsg[i];
            nr = this.#nRest[i];
            bidHi = this.#bidHi[i], bidLo = this.#bidLo[i];
            askLo = this.#askLo[i], askHi = this.#askHi[i];
          }
          if (nr === 0) continue;
          // only events at our levels, trading at or through them, or crossing them matter
          const p = price[e];
          const k = kind[e];
          const trade = k === EVENT.EXECUTE || k === EVENT.HIDDEN_EXECUTE || k === EVENT.TRADE;
          const hit = side[e] === BID
            ? (p <= bidHi && (trade || p >= bidLo)) || p >= askLo
            : (p >= askLo && (trade || p <= askHi)) || p <= bidHi;
          if (!hit) continue;
          this.#onEvent(i, e, tape);
          nm = this.#nextMsg[i];
          nr = this.#nRest[i];
          bidHi = this.#bidHi[i], bidLo = this.#bidLo[i];
          askLo = this.#askLo[i], askHi = this.#askHi[i];
        }
        if (this.#nextMsg[i] < tEnd) this.#messages(i, tEnd, e - 1, tape);
      }
      this.counters.events += e - e0;
      this.#cursor[i] = e;
      // 4. the step's end: true mid, observation, accounting
      const r = e - 1;
      if (tc.bestBid[r] < tc.bestAsk[r]) this.#trueMid[i] = (tc.bestBid[r] + tc.bestAsk[r]) / 2;
      let mid = this.#trueMid[i] * tick;
      let cost = 0, shift = 0;
      const signed = c.bidFilled[i] - c.askFilled[i];
      if (this.#impact) {
        const model = this.#impact[i];
        const tSec = (tEnd - this.#t0[i]) / NS;
        const before = model.offset(tSec);
        if (signed !== 0) cost = model.trade(signed, dt, tSec);
        const off = model.offset(tSec);
        shift = off - before;
        this.#impactCost[i] += cost;
        mid += off;
      }
      const L = this.#feedLat[win.tape].sample(rng);
      let sr = upperBound(ts, tEnd - L, 0, e) - 1;
      if (sr < this.#snapRow[i]) sr = this.#snapRow[i]; // what we saw never goes back in time
      this.#snapRow[i] = sr;
      const ob = tc.bestBid[sr], oa = tc.bestAsk[sr];
      const prevObs = this.#obsMid[i];
      if (ob < oa) {
        this.#obsMid[i] = (ob + oa) / 2;
        this.#obsSpread[i] = oa - ob;
      }
      const off = this.#impact ? this.#impact[i].offset((tEnd - this.#t0[i]) / NS) / tick : 0;
      const oMid = (this.#obsMid[i] + off) * tick;
      const dMid = (this.#obsMid[i] - prevObs) * tick;
      // inventory we have been told of
      this.#deliverNotices(i, tEnd);
      const inv = c.inventory[i];
      const cash = this.#cashFills[i] - this.#impactCost[i];
      const pnl = cash + inv * lot * mid;
      c.mid[i] = mid;
      c.cash[i] = cash;
      c.pnl[i] = pnl;
      c.bidFillPrice[i] = c.bidFilled[i] > 0 ? (this.#bidNotional[i] / c.bidFilled[i]) * tick : NaN;
      c.askFillPrice[i] = c.askFilled[i] > 0 ? (this.#askNotional[i] / c.askFilled[i]) * tick : NaN;
      c.regime[i] = 0;
      c.impact[i] = shift;
      this.impactCost[i] = cost;
      const sig = this.#vol.update(i, dMid);
      const buy = tc.cumBuy[sr], sell = tc.cumSell[sr];
      const flowRatio = this.#flow.update(i, buy - this.#prevBuy[i], sell - this.#prevSell[i]);
      this.#prevBuy[i] = buy;
      this.#prevSell[i] = sell;
      writeReward(w, c, this.rewards, i, pnl - pnl0 + cost, inv, sig, cost);
      v.mid[i] = oMid;
      v.bestBid[i] = ob * tick + off * tick;
      v.bestAsk[i] = oa * tick + off * tick;
      v.timeLeft[i] = timeLeft;
      const o = i * OBS_DIM;
      obs[o + OBS.INVENTORY] = clipObservation(this.#known[i] * invScale);
      obs[o + OBS.TIME_LEFT] = timeObs;
      obs[o + OBS.SPREAD] = clipObservation(this.#obsSpread[i] / 10);
      obs[o + OBS.RETURN] = clipObservation(dMid * retScale);
      obs[o + OBS.VOLATILITY] = clipObservation(sig * volScale);
      obs[o + OBS.IMBALANCE] = tc.imbalance[sr];
      obs[o + OBS.TRADE_FLOW] = flowRatio;
      obs[o + OBS.BID_QUEUE] = this.#queueSlot(i, BID, tEnd);
      obs[o + OBS.ASK_QUEUE] = this.#queueSlot(i, ASK, tEnd);
    }
  }

  /** Sets our quote on `side` at decision time `T` (see the module doc); returns lots posted. */
  #quote(i: number, side: number, px: number, qty: number, T: number, rng: Rng): number {
    const k = 2 * i + side;
    const cur = this.#curSlot[k];
    const st = this.#sStatus;
    const aliveLocal = cur >= 0 && (st[cur] !== FREE || this.#sDoneLocal[cur] > T);
    if (aliveLocal && qty > 0 && this.#curPx[k] === px && this.#curQty[k] === qty) return 0;
    if (cur >= 0 && st[cur] !== FREE && this.#sCancel[cur] === Infinity) {
      let tc = T + this.#cancelLat.sample(rng);
      if (tc < this.#sArrive[cur]) tc = this.#sArrive[cur];
      this.#sCancel[cur] = tc;
      if (tc < this.#nextMsg[i]) this.#nextMsg[i] = tc;
    }
    this.#curSlot[k] = -1;
    this.#curQty[k] = 0;
    if (qty <= 0 || !(px >= 1)) return 0;
    const S = REPLAY_ORDER_SLOTS;
    let j = -1;
    for (let s = i * S; s < (i + 1) * S; s++) {
      if (st[s] === FREE && s !== this.#curSlot[2 * i] && s !== this.#curSlot[2 * i + 1]) {
        j = s;
        break;
      }
    }
    if (j < 0) {
      this.counters.ordersDropped++;
      return 0;
    }
    st[j] = FLIGHT;
    this.#sSide[j] = side;
    this.#sPx[j] = px;
    this.#sQty[j] = qty * this.#lotUnits[this.windows[this.#win[i]].tape];
    this.#sFront[j] = 0;
    this.#sTraded[j] = 0;
    this.#sUnknown[j] = 0;
    const t = T + this.#orderLat.sample(rng);
    this.#sArrive[j] = t;
    this.#sCancel[j] = Infinity;
    this.#sAck[j] = Infinity;
    this.#sDoneLocal[j] = Infinity;
    this.#curSlot[k] = j;
    this.#curPx[k] = px;
    this.#curQty[k] = qty;
    if (t < this.#nextMsg[i]) this.#nextMsg[i] = t;
    return qty;
  }

  /** Processes our messages (arrivals, cancels) of env `i` timed before `t`; `row`: the book. */
  #messages(i: number, t: number, row: number, tape: Tape): void {
    const S = REPLAY_ORDER_SLOTS;
    const st = this.#sStatus;
    for (;;) {
      let best = Infinity, j = -1;
      for (let s = i * S; s < (i + 1) * S; s++) {
        const x = st[s] === FLIGHT
          ? this.#sArrive[s]
          : st[s] === RESTING
          ? this.#sCancel[s]
          : Infinity;
        if (x < best) {
          best = x;
          j = s;
        }
      }
      if (j < 0 || best >= t) {
        this.#nextMsg[i] = best;
        break;
      }
      if (st[j] === FLIGHT) this.#arrive(i, j, row, tape);
      else {
        // our cancel reaches the exchange
        st[j] = FREE;
        this.#restUnits[2 * i + this.#sSide[j]] -= this.#sQty[j];
        this.#sDoneLocal[j] = this.#sCancel[j] + this.#respLat.sample(this.#rng[i]);
        this.#refresh(i);
      }
    }
  }

  /** Our order in slot `j` reaches the exchange; the book is the one after `row`. */
  #arrive(i: number, j: number, row: number, tape: Tape): void {
    const cfg = this.config;
    const st = this.#sStatus;
    const side = this.#sSide[j];
    const px = this.#sPx[j];
    const t = this.#sArrive[j];
    const resp = this.#respLat.sample(this.#rng[i]);
    this.counters.ordersArrived++;
    const ti = this.windows[this.#win[i]].tape;
    const units = this.#lotUnits[ti];
    const inv = this.#invUnits[i];
    const limit = cfg.maxInventory * units;
    const room = side === BID
      ? limit - inv - this.#restUnits[2 * i]
      : limit + inv - this.#restUnits[2 * i + 1];
    let qty = this.#sQty[j];
    if (qty > room) qty = room;
    if (!(qty > 0) || this.#sCancel[j] <= t) {
      st[j] = FREE;
      this.#sDoneLocal[j] = t + resp;
      return;
    }
    const tc = tape.columns;
    const bb = tc.bestBid[row], ba = tc.bestAsk[row];
    const idx = this.#index[ti];
    if ((side === BID && px >= ba) || (side === ASK && px <= bb)) {
      // marketable: take the recorded levels up to our price, at their prices; cancel the rest
      const step = side === BID ? 1 : -1;
      let p = side === BID ? ba : bb;
      let rem = qty;
      for (
        let k = 0;
        rem > 0 && k < 100_000 && (side === BID ? p <= px : p >= px);
        k++, p += step
      ) {
        const avail = idx.qtyAt(1 - side, p, row);
        if (avail > 0) {
          const f = avail < rem ? avail : rem;
          this.#account(i, side, p, f, false, t);
          rem -= f;
        }
      }
      st[j] = FREE;
      this.#sDoneLocal[j] = t + resp;
      return;
    }
    st[j] = RESTING;
    this.#sQty[j] = qty;
    this.#restUnits[2 * i + side] += qty;
    this.#sFront[j] = idx.qtyAt(side, px, row);
    this.#sLevel[j] = this.#sFront[j];
    this.#sTraded[j] = 0;
    this.#sJoin[j] = row + 1;
    this.#sAck[j] = t + resp;
    // a depth-limited file cannot show the queue beyond its depth
    const vis = side === BID ? tc.visibleBid[row] : tc.visibleAsk[row];
    this.#sUnknown[j] = vis === vis && (side === BID ? px < vis : px > vis) ? 1 : 0;
    this.#refresh(i);
  }

  /** Applies tape row `e` to env `i`'s resting orders (fills, queue positions). */
  #onEvent(i: number, e: number, tape: Tape): void {
    const S = REPLAY_ORDER_SLOTS;
    const st = this.#sStatus;
    const tc = tape.columns;
    const k = tc.kind[e];
    const s = tc.side[e];
    const p = tc.price[e];
    const q = tc.qty[e];
    const ti = this.windows[this.#win[i]].tape;
    const exact = this.#exact[ti];
    const trade = k === EVENT.TRADE || k === EVENT.EXECUTE || k === EVENT.HIDDEN_EXECUTE;
    const t = tc.ts[e];
    for (let j = i * S; j < (i + 1) * S; j++) {
      if (st[j] !== RESTING) continue;
      const os = this.#sSide[j];
      const op = this.#sPx[j];
      if (s === os) {
        if (p === op) this.#sameLevel(i, j, e, k, q, exact, tape);
        else if (trade && (os === BID ? p < op : p > op)) {
          // traded through our price: we would have been hit first
          this.#fill(i, j, q, true, t);
        }
      } else if (os === BID ? p <= op : p >= op) {
        // liquidity on the other side at or through our price would have met us
        let inc = 0;
        if (k === EVENT.ADD) inc = q;
        else if (k === EVENT.LEVEL) inc = tc.levelAfter[e] - tc.levelBefore[e];
        if (inc > 0) this.#fill(i, j, inc, true, t);
      }
    }
  }

  /** Row `e` touches the level of our resting order in slot `j`. */
  #sameLevel(
    i: number,
    j: number,
    e: number,
    k: number,
    q: number,
    exact: boolean,
    tape: Tape,
  ): void {
    const tc = tape.columns;
    const t = tc.ts[e];
    const level = changesLevel(k);
    if (level) this.#sLevel[j] = tc.levelAfter[e];
    if (this.#sUnknown[j] && level) {
      // the level is visible now: everything shown is taken to be ahead of us
      this.#sFront[j] = k === EVENT.LEVEL ? tc.levelAfter[e] : tc.levelBefore[e];
      this.#sUnknown[j] = 0;
      if (k === EVENT.LEVEL) return;
    }
    if (exact) {
      const ahead = tc.addIndex[e] < this.#sJoin[j];
      switch (k) {
        case EVENT.CANCEL:
        case EVENT.DELETE:
          if (ahead) this.#sFront[j] = Math.max(0, this.#sFront[j] - q);
          return;
        case EVENT.EXECUTE:
          if (ahead) {
            const f = this.#sFront[j] - q;
            if (f < 0) {
              this.#sFront[j] = 0;
              this.#fill(i, j, -f, true, t);
            } else this.#sFront[j] = f;
          } else {
            // an order behind us traded: FIFO says we were first
            this.#sFront[j] = 0;
            this.#fill(i, j, q, true, t);
          }
          return;
        case EVENT.LEVEL:
          if (tc.levelAfter[e] < this.#sFront[j]) this.#sFront[j] = tc.levelAfter[e];
          return;
        default:
          return; // ADD: behind us; HIDDEN_EXECUTE: hidden orders come after displayed ones
      }
    }
    if (k === EVENT.TRADE || k === EVENT.EXECUTE) {
      const f = this.#sFront[j] - q;
      this.#sTraded[j] += q;
      if (f < 0) {
        this.#sFront[j] = 0;
        this.#fill(i, j, -f, true, t);
      } else this.#sFront[j] = f;
    }
    if (level) {
      const step = tape.meta.qtyStep;
      const next = this.#queue.depth(
        this.#sFront[j] * step,
        this.#sTraded[j] * step,
        tc.levelBefore[e] * step,
        tc.levelAfter[e] * step,
      ) / step;
      this.#sFront[j] = next > 0 ? next : 0;
      this.#sTraded[j] = 0;
    }
  }

  /**
   * Fills up to `qty` tape units (whole units, rounded down: never more than traded) of the
   * resting order in slot `j` at its price.
   */
  #fill(i: number, j: number, qty: number, maker: boolean, t: number): void {
    const rem = this.#sQty[j];
    const whole = Math.floor(qty + 1e-9);
    const f = whole < rem ? whole : rem;
    if (!(f > 0)) return;
    const side = this.#sSide[j];
    this.#account(i, side, this.#sPx[j], f, maker, t);
    const left = rem - f;
    this.#restUnits[2 * i + side] -= f;
    if (left <= 0) {
      this.#sQty[j] = 0;
      this.#sStatus[j] = FREE;
      this.#sDoneLocal[j] = t + this.#respLat.sample(this.#rng[i]);
      this.#refresh(i);
    } else this.#sQty[j] = left;
  }

  /** Books a fill of `qty` tape units at `px` ticks on `side` at exchange time `t`. */
  #account(i: number, side: number, px: number, qty: number, maker: boolean, t: number): void {
    const cfg = this.config;
    const units = this.#lotUnits[this.windows[this.#win[i]].tape];
    const lots = qty / units;
    const notional = px * cfg.tickSize * lots * cfg.lotSize;
    const fee = notional * (maker ? cfg.fees.makerRate : cfg.fees.takerRate);
    const c = this.cols;
    this.#invUnits[i] += side === BID ? qty : -qty;
    c.inventory[i] = this.#invUnits[i] / units;
    if (side === BID) {
      this.#cashFills[i] -= notional + fee;
      c.bidFilled[i] += lots;
      this.#bidNotional[i] += px * lots;
    } else {
      this.#cashFills[i] += notional - fee;
      c.askFilled[i] += lots;
      this.#askNotional[i] += px * lots;
    }
    this.#fees[i] += fee;
    if (maker) this.counters.makerFills++;
    else this.counters.takerFills++;
    // we learn of it after the response latency
    const tl = t + this.#respLat.sample(this.#rng[i]);
    const signed = side === BID ? qty : -qty;
    if (this.#notN[i] === NOTIFY) this.#deliverOldest(i);
    const slot = i * NOTIFY + ((this.#notHead[i] + this.#notN[i]) % NOTIFY);
    this.#notT[slot] = tl;
    this.#notQ[slot] = signed;
    this.#notN[i]++;
  }

  #deliverOldest(i: number): void {
    const slot = i * NOTIFY + this.#notHead[i];
    this.#knownUnits[i] += this.#notQ[slot];
    this.#known[i] = this.#knownUnits[i] / this.#lotUnits[this.windows[this.#win[i]].tape];
    this.#notHead[i] = (this.#notHead[i] + 1) % NOTIFY;
    this.#notN[i]--;
  }

  /** Delivers the fill notices of env `i` due by `t` (they arrive in order of fill time). */
  #deliverNotices(i: number, t: number): void {
    while (this.#notN[i] > 0) {
      const slot = i * NOTIFY + this.#notHead[i];
      if (this.#notT[slot] > t) break;
      this.#deliverOldest(i);
    }
  }

  /** Recomputes env `i`'s resting-order filters. */
  #refresh(i: number): void {
    const S = REPLAY_ORDER_SLOTS;
    let bh = -Infinity, bl = Infinity, al = Infinity, ah = -Infinity, nr = 0;
    for (let s = i * S; s < (i + 1) * S; s++) {
      if (this.#sStatus[s] !== RESTING) continue;
      nr++;
      const p = this.#sPx[s];
      if (this.#sSide[s] === BID) {
        if (p > bh) bh = p;
        if (p < bl) bl = p;
      } else {
        if (p < al) al = p;
        if (p > ah) ah = p;
      }
    }
    this.#bidHi[i] = bh;
    this.#bidLo[i] = bl;
    this.#askLo[i] = al;
    this.#askHi[i] = ah;
    this.#nRest[i] = nr;
  }

  /** Queue slot of the observation: lots ahead / (displayed + ours), 1 when none known. */
  #queueSlot(i: number, side: number, t: number): number {
    const j = this.#curSlot[2 * i + side];
    if (j < 0 || this.#sStatus[j] !== RESTING || this.#sAck[j] > t) return 1;
    if (this.#sUnknown[j]) return 1;
    const level = this.#sLevel[j];
    const ours = this.#sQty[j];
    const total = (level > this.#sFront[j] ? level : this.#sFront[j]) + ours;
    return total > 0 ? this.#sFront[j] / total : 0;
  }
}

const recorded = new WeakMap<Tape, LatencyModel | null>();

/**
 * The feed-latency model of `tape` under `cfg` (see `replay.feedLatency`): with "recorded",
 * the tape's own local − exchange times (rows with an estimated exchange time left out),
 * memoized per tape; `cfg.latency.marketData` for a tape with one clock.
 */
export function feedLatencyOf(cfg: EnvConfig, tape: Tape): LatencyModel {
  const spec = cfg.replay.feedLatency;
  if (spec !== "recorded") return createLatencyModel(spec);
  if (!tape.meta.hasLocalTime) return createLatencyModel(cfg.latency.marketData);
  let model = recorded.get(tape);
  if (model === undefined) {
    const c = tape.columns;
    const lat: number[] = [];
    for (let i = 0; i < tape.length; i++) {
      if (c.flags[i] & FLAG.ESTIMATED_TS) continue;
      const l = c.localTs[i] - c.ts[i];
      if (l >= 0 && Number.isFinite(l)) lat.push(l);
    }
    model = lat.length ? empiricalLatencyModel(lat) : null;
    recorded.set(tape, model);
  }
  return model ?? createLatencyModel(cfg.latency.marketData);
}
