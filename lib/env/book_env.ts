/**
 * The "book" fidelity tier: N independent event-driven markets on a real L3 order book
 * ({@linkcode BookMarket}), stepped in lockstep behind the {@linkcode VecEnv} interface.
 *
 * Per env, one agent step of `dt` seconds starting at market time T:
 * 1. the (clipped) action is turned into target quotes around the *observed* mid m (ticks,
 *    from the market-data-delayed snapshot): bid = ⌊m − bidOffset⌋, ask = ⌈m + askOffset⌉,
 *    sizes as given; a side whose full fill would breach ±`maxInventory` is not quoted; when
 *    both sides are quoted the ask is kept at least one tick above the bid (no self-trade);
 * 2. an unchanged (price, size) keeps the resting order and its queue position; otherwise the
 *    old order is cancelled and a new one sent: our messages reach the book after the
 *    order-entry / cancel latencies, as events in the market's event queue, and our orders sit
 *    in the book's FIFO queues (owner 1), filling only when the volume ahead of them has traded
 *    or cancelled (or when they cross on arrival);
 * 3. the market runs from T to T + dt: the background flow composed from the market's models
 *    (Hawkes arrivals, long-memory trade signs, sizes relative to the touch, limit orders placed
 *    around a reference price that moves with news and trade impact, cancellations by queue
 *    position, stale quotes re-priced after their owners' latency, informed traders: see
 *    `docs/models.md`), our messages and the market-data snapshot for the next observation
 *    (taken at T + dt − L, L the market-data latency);
 * 4. at T + dt the agent's aggressive lots of the step (orders that crossed on arrival) go through
 *    the {@linkcode ImpactModel} overlay: its offset moves the reference price (our crossing
 *    orders also moved it at once, as market events); no impact cost is charged (the book priced
 *    the crossing, and passive fills need none); then the regime chain advances by dt (a new
 *    regime's multipliers apply from then on).
 *
 * Accounting: cash = Σ fills (sells +, buys −, price·qty·lotSize) − fees (maker / taker);
 * `pnl = cash + inventory·lotSize·mid` with the true mid after the step; the `impact` column is
 * the reference-price shift our aggressive orders caused, `impactCost` is 0. Observation (see `OBS`): the
 * SPREAD, RETURN, VOLATILITY, IMBALANCE (5 levels), TRADE_FLOW (all aggressor volume) and queue
 * slots come from the delayed snapshot, as do `view.mid/bestBid/bestAsk/sigma`; INVENTORY and
 * TIME_LEFT are the agent's own state. Every episode starts after a burn-in (default 10 s, see
 * {@linkcode BookMarketOptions}) of flow around the initial price.
 *
 * @module
 */
import { clipObservation, resetObservationRow } from "./observation.ts";
import { requireInt } from "../errors.ts";
import { ASK, BID } from "../book/order_book.ts";
import { clipActions } from "./action.ts";
import { BookMarket, type BookMarketOptions, NS_PER_S } from "./book_market.ts";
import { resetStepRow } from "./columns.ts";
import { type EnvConfig, sigmaPerSqrtSecond } from "./config.ts";
import { FlowEstimator, VOL_HALF_LIFE_S, VolatilityEstimator } from "./estimators.ts";
import type { EnvMemory } from "./memory.ts";
import { type RewardWeights, rewardWeights, writeReward } from "./reward.ts";
import { ACT, ACT_DIM, OBS, OBS_DIM } from "./types.ts";
import { VecEnvBase } from "./vec_env_base.ts";

/** Largest number of environments one {@linkcode BookVecEnv} accepts. */
export const MAX_BOOK_ENVS = 4096;

/** Options of {@linkcode BookVecEnv}: the markets' options, and where the VecEnv arrays live. */
export interface BookEnvOptions extends BookMarketOptions {
  /** Where the VecEnv arrays live (default: one ordinary arena, `heapMemory`). */
  memory?: EnvMemory;
}

/**
 * N book-tier environments in lockstep (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BookVecEnv } from "./book_env.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const env = new BookVecEnv(parseEnvConfig({ tier: "book", duration: 30 }), 2);
 * env.reset([1, 2]);
 * // env 0 quotes at the touch, env 1 one tick further out: offsets (ticks), sizes (lots)
 * const actions = new Float64Array([0, 0, 2, 2, 1, 1, 1, 1]);
 * let fills = 0;
 * while (!env.terminated[0]) {
 *   env.step(actions);
 *   fills += env.columns.bidFilled[0] + env.columns.askFilled[0];
 * }
 * assert.equal(env.stepIndex, 300); // 30 s at dt = 0.1 s
 * assert.ok(fills > 0);
 * // the final mark-to-market P&L of each env, dollars: cash + inventory · lotSize · mid
 * const { cash, inventory, mid, pnl } = env.columns;
 * assert.equal(pnl[0], cash[0] + inventory[0] * env.config.lotSize * mid[0]);
 * ```
 */
export class BookVecEnv extends VecEnvBase {
  readonly #markets: BookMarket[] = [];
  readonly #act: Float64Array;
  readonly #prevSigned: Float64Array;
  readonly #prevTotal: Float64Array;
  readonly #vol: VolatilityEstimator;
  readonly #flow: FlowEstimator;
  readonly #w: RewardWeights;
  readonly #sigma0: number;

  /** Creates `numEnvs` book-tier environments running `config` (call `reset` before stepping). */
  constructor(config: EnvConfig, numEnvs: number, options: BookEnvOptions = {}) {
    super(config, numEnvs, MAX_BOOK_ENVS, "BookVecEnv", options.memory);
    const n = numEnvs;
    this.#vol = new VolatilityEstimator(n, config.dt, VOL_HALF_LIFE_S, this.agentView.sigma);
    this.#flow = new FlowEstimator(n, config.dt);
    this.#act = new Float64Array(n * ACT_DIM);
    this.#prevSigned = new Float64Array(n);
    this.#prevTotal = new Float64Array(n);
    this.#w = rewardWeights(config);
    this.#sigma0 = sigmaPerSqrtSecond(config);
    const { memory: _, ...marketOptions } = options;
    for (let i = 0; i < n; i++) this.#markets.push(new BookMarket(config, marketOptions));
  }

  /** The market of env `i` (its book, event queue and models), for inspection. */
  market(i: number): BookMarket {
    requireInt("i", i, 0, this.numEnvs - 1);
    return this.#markets[i];
  }

  /** Starts every market's episode (burn-in included) and the first observation. */
  protected resetEnvs(seeds: ArrayLike<number>): void {
    const n = this.numEnvs;
    const c = this.cols;
    const v = this.agentView;
    const tick = this.config.tickSize;
    for (let i = 0; i < n; i++) {
      const m = this.#markets[i];
      m.reset(seeds[i]);
      const snap = m.snapshot;
      this.#vol.reset(i, this.#sigma0);
      this.#flow.reset(i);
      this.#prevSigned[i] = snap.signedVolume;
      this.#prevTotal[i] = snap.totalVolume;
      resetStepRow(c, i, m.trueMid() * tick, m.regime.state);
      v.mid[i] = snap.mid * tick;
      v.bestBid[i] = snap.bid * tick;
      v.bestAsk[i] = snap.ask * tick;
      resetObservationRow(this.observations, i, snap.spread, snap.imbalance);
    }
  }

  /** One step of every market (see the module doc). */
  protected stepEnvs(actions: ArrayLike<number>, stepIndex: number): void {
    const cfg = this.config;
    const act = this.#act;
    clipActions(actions, act, cfg);
    const n = this.numEnvs;
    const c = this.cols;
    const v = this.agentView;
    const obs = this.observations;
    const dt = cfg.dt;
    const tick = cfg.tickSize;
    const lot = cfg.lotSize;
    const maxInv = cfg.maxInventory;
    const invScale = 1 / maxInv;
    const retScale = 1 / (this.#sigma0 * Math.sqrt(dt));
    const volScale = 1 / this.#sigma0;
    const tEndNs = Math.round(stepIndex * dt * NS_PER_S);
    const tEnd = stepIndex * dt;
    const timeLeft = cfg.duration - tEnd > 0 ? cfg.duration - tEnd : 0;
    const timeObs = timeLeft / cfg.duration;
    const vol = this.#vol;
    const flow = this.#flow;
    const w = this.#w;
    const rewards = this.rewards;
    for (let i = 0; i < n; i++) {
      const m = this.#markets[i];
      const a = i * ACT_DIM;
      const snap = m.snapshot;
      const inv0 = m.inventory;
      const pnl0 = c.pnl[i];
      // 1. target quotes from the observed mid
      const midT = snap.mid;
      let qb = act[a + ACT.BID_SIZE];
      let qa = act[a + ACT.ASK_SIZE];
      if (inv0 + qb > maxInv) qb = 0;
      if (inv0 - qa < -maxInv) qa = 0;
      const pb = Math.floor(midT - act[a + ACT.BID_OFFSET]);
      let pa = Math.ceil(midT + act[a + ACT.ASK_OFFSET]);
      if (qb > 0 && qa > 0 && pa <= pb) pa = pb + 1;
      if (pb < 1) qb = 0;
      // 2. order management
      m.clearStepFills();
      c.bidPosted[i] = m.quote(BID, pb, qb);
      c.askPosted[i] = m.quote(ASK, pa, qa);
      c.bidQuote[i] = qb > 0 ? pb * tick : NaN;
      c.askQuote[i] = qa > 0 ? pa * tick : NaN;
      // 3–4. run the market
      m.scheduleSnapshot(tEndNs);
      m.advance(tEndNs);
      m.endStep(dt);
      // columns
      const mid = m.trueMid() * tick;
      const inv = m.inventory;
      const cash = m.cash;
      const pnl = cash + inv * lot * mid;
      const cost = m.lastImpactCost;
      c.mid[i] = mid;
      c.cash[i] = cash;
      c.inventory[i] = inv;
      c.pnl[i] = pnl;
      c.bidFilled[i] = m.bidFilled;
      c.askFilled[i] = m.askFilled;
      c.bidFillPrice[i] = m.bidFilled > 0 ? (m.bidNotional / m.bidFilled) * tick : NaN;
      c.askFillPrice[i] = m.askFilled > 0 ? (m.askNotional / m.askFilled) * tick : NaN;
      c.regime[i] = m.lastRegime;
      c.impact[i] = m.lastImpactShift;
      this.impactCost[i] = cost;
      // observation from the delayed snapshot
      const oMid = snap.mid * tick;
      const dMid = oMid - v.mid[i];
      const sig = vol.update(i, dMid);
      const ds = snap.signedVolume - this.#prevSigned[i];
      const dv = snap.totalVolume - this.#prevTotal[i];
      this.#prevSigned[i] = snap.signedVolume;
      this.#prevTotal[i] = snap.totalVolume;
      const flowRatio = flow.update(i, 0.5 * (dv + ds), 0.5 * (dv - ds));
      writeReward(w, c, rewards, i, pnl - pnl0 + cost, inv, sig, cost);
      v.mid[i] = oMid;
      v.bestBid[i] = snap.bid * tick;
      v.bestAsk[i] = snap.ask * tick;
      v.timeLeft[i] = timeLeft;
      const o = i * OBS_DIM;
      obs[o + OBS.INVENTORY] = clipObservation(inv * invScale);
      obs[o + OBS.TIME_LEFT] = timeObs;
      obs[o + OBS.SPREAD] = clipObservation(snap.spread / 10);
      obs[o + OBS.RETURN] = clipObservation(dMid * retScale);
      obs[o + OBS.VOLATILITY] = clipObservation(sig * volScale);
      obs[o + OBS.IMBALANCE] = snap.imbalance;
      obs[o + OBS.TRADE_FLOW] = flowRatio;
      obs[o + OBS.BID_QUEUE] = snap.bidQueue;
      obs[o + OBS.ASK_QUEUE] = snap.askQueue;
    }
  }
}
