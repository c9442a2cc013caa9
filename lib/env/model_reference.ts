/**
 * The model tier composed from its processes: {@linkcode ModelReferenceVecEnv} steps, per
 * env, a {@linkcode ModelDynamics} bundle (midprice, fill probability, arrivals, impact,
 * regimes — `lib/market/`) in the order and with the accounting of the model tier (see
 * `lib/env/model_env.ts`'s module doc), one object call per process per env and step. It is
 * the readable definition of the model tier and the slow path for models defined outside
 * the library; {@linkcode ModelVecEnv} is its fused fast path, and with the built-in
 * processes ({@linkcode defaultModelDynamics}) the two produce the same bits from the same
 * seeds (tests/env/model_reference_test.ts).
 *
 * Randomness, per env: the step stream (`MODEL_STREAMS.step`, xoshiro128**) is drawn in the
 * order bid-fill uniform, ask-fill uniform (by the env, every step), then whatever the
 * midprice model draws, then whatever the arrival model draws (one uniform each for the
 * built-in models); the regime model draws from its own stream (`MODEL_STREAMS.regime`).
 *
 * @module
 */
import { clipObservation, resetObservationRow } from "./observation.ts";
import { resetStepRow } from "./columns.ts";
import { poissonMarketOrders } from "../market/model_arrivals.ts";
import { fillFee } from "../market/fees.ts";
import { exponentialFillModel } from "../market/fill_probability.ts";
import { createImpactModel, impactMarketFromConfig } from "../market/impact.ts";
import { createMidpriceModel } from "../market/midprice.ts";
import type { ModelDynamics } from "../market/model_dynamics.ts";
import { createRegimeModel } from "../market/regimes.ts";
import { Rng } from "../rng/rng.ts";
import { Xoshiro128 } from "../rng/xoshiro.ts";
import { clipOffset, clipOffsetSigned, clipSize, validateActions } from "./action.ts";
import { type EnvConfig, sigmaPerSqrtSecond } from "./config.ts";
import { FlowEstimator, VolatilityEstimator } from "./estimators.ts";
import type { EnvMemory } from "./memory.ts";
import { MAX_MODEL_ENVS, MODEL_STREAMS } from "./model_env.ts";
import { type RewardWeights, rewardWeights, writeReward } from "./reward.ts";
import { ACT, ACT_DIM, OBS, OBS_DIM } from "./types.ts";
import { VecEnvBase } from "./vec_env_base.ts";

/**
 * The built-in processes of the model tier for `config`: `model.priceModel` midprice,
 * exponential fills with `model.A`, `model.k`, `model.fillRule`, Poisson arrivals of
 * intensity `model.A`, the `impact` model and the `regimes` chain (volatility scale: the
 * nominal σ in $/√s).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultModelDynamics } from "./model_reference.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const d = defaultModelDynamics(parseEnvConfig({ tier: "model" }));
 * assert.equal(d.midprice.kind, "gaussian");
 * ```
 */
export function defaultModelDynamics(config: EnvConfig): ModelDynamics {
  const m = config.model;
  return {
    midprice: createMidpriceModel(m.priceModel),
    fills: exponentialFillModel({ A: m.A, k: m.k, rule: m.fillRule }),
    arrivals: poissonMarketOrders(m.A),
    impact: createImpactModel(config.impact, impactMarketFromConfig(config)),
    regimes: createRegimeModel(config.regimes, sigmaPerSqrtSecond(config)),
  };
}

/** Options of {@linkcode ModelReferenceVecEnv}. */
export interface ModelReferenceOptions {
  /**
   * Builds the processes of one env (called once per env; default
   * {@linkcode defaultModelDynamics}). Return fresh `impact` and `regimes` objects each call.
   */
  dynamics?: (config: EnvConfig) => ModelDynamics;
  /** Where the VecEnv arrays live (default: ordinary typed arrays). */
  memory?: EnvMemory;
}

/**
 * N model-tier environments, each stepped through its {@linkcode ModelDynamics} objects (see
 * the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ModelReferenceVecEnv } from "./model_reference.ts";
 * import { ModelVecEnv } from "./model_env.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const cfg = parseEnvConfig({ tier: "model", duration: 5 });
 * const ref = new ModelReferenceVecEnv(cfg, 2), fast = new ModelVecEnv(cfg, 2);
 * ref.reset([1, 2]);
 * fast.reset([1, 2]);
 * const a = new Float64Array([2, 2, 1, 1, 1, 3, 2, 1]);
 * while (!ref.terminated[0]) {
 *   ref.step(a);
 *   fast.step(a);
 * }
 * assert.deepEqual(ref.columns.pnl, fast.columns.pnl); // the same bits
 * ```
 */
export class ModelReferenceVecEnv extends VecEnvBase {
  readonly #dyn: ModelDynamics[] = [];
  #step: Xoshiro128[] = [];
  #regimeRng: Rng[] = [];
  #draw: (() => number)[] = [];
  readonly #fund: Float64Array;
  readonly #vol: VolatilityEstimator;
  readonly #flow: FlowEstimator;
  readonly #w: RewardWeights;
  readonly #sigma0: number;
  readonly #counts = { buys: 0, sells: 0 };

  /** Creates `numEnvs` envs running `config` with `options.dynamics` (built-in by default). */
  constructor(config: EnvConfig, numEnvs: number, options: ModelReferenceOptions = {}) {
    super(config, numEnvs, MAX_MODEL_ENVS, "ModelReferenceVecEnv", options.memory);
    const make = options.dynamics ?? defaultModelDynamics;
    for (let i = 0; i < numEnvs; i++) this.#dyn.push(make(config));
    this.#fund = new Float64Array(numEnvs);
    this.#vol = new VolatilityEstimator(numEnvs, config.dt);
    this.#flow = new FlowEstimator(numEnvs, config.dt);
    this.#w = rewardWeights(config);
    this.#sigma0 = sigmaPerSqrtSecond(config);
  }

  /** The processes of env `i`. */
  dynamics(i: number): ModelDynamics {
    return this.#dyn[i];
  }

  /** Starts every env: fresh streams, regime, impact, fundamental at `initialPrice`. */
  protected resetEnvs(seeds: ArrayLike<number>): void {
    const cfg = this.config;
    const v = this.agentView;
    const halfSpread = 0.5 * cfg.model.marketSpreadTicks * cfg.tickSize;
    this.#step = [];
    this.#regimeRng = [];
    this.#draw = [];
    for (let i = 0; i < this.numEnvs; i++) {
      const step = new Xoshiro128(seeds[i], MODEL_STREAMS.step);
      this.#step.push(step);
      this.#draw.push(step.source());
      const rng = new Rng(new Xoshiro128(seeds[i], MODEL_STREAMS.regime).source());
      this.#regimeRng.push(rng);
      const d = this.#dyn[i];
      d.regimes.reset(rng);
      d.impact.reset();
      this.#fund[i] = cfg.initialPrice;
      this.#vol.reset(i, this.#sigma0);
      this.#flow.reset(i);
      resetStepRow(this.cols, i, cfg.initialPrice, d.regimes.state);
      v.mid[i] = cfg.initialPrice;
      v.sigma[i] = this.#sigma0;
      v.bestBid[i] = cfg.initialPrice - halfSpread;
      v.bestAsk[i] = cfg.initialPrice + halfSpread;
      resetObservationRow(this.observations, i, cfg.model.marketSpreadTicks, 0);
    }
  }

  /** One step of every env through its processes. */
  protected stepEnvs(actions: ArrayLike<number>, stepIndex: number): void {
    validateActions(actions, this.numEnvs);
    const cfg = this.config;
    const c = this.cols;
    const v = this.agentView;
    const dt = cfg.dt, tick = cfg.tickSize, lot = cfg.lotSize, maxInv = cfg.maxInventory;
    const crossing = cfg.model.allowCrossing;
    const tEnd = stepIndex * dt;
    const timeLeft = cfg.duration - tEnd > 0 ? cfg.duration - tEnd : 0;
    const sigma0 = this.#sigma0;
    const retScale = sigma0 > 0 ? 1 / (sigma0 * Math.sqrt(dt)) : 0;
    const volScale = sigma0 > 0 ? 1 / sigma0 : 0;
    const halfSpread = 0.5 * cfg.model.marketSpreadTicks * tick;
    const counts = this.#counts;
    const invScale = 1 / maxInv;
    for (let i = 0; i < this.numEnvs; i++) {
      const d = this.#dyn[i];
      const draw = this.#draw[i];
      const a = i * ACT_DIM;
      const mid0 = c.mid[i];
      let inv = c.inventory[i];
      let cash = c.cash[i];
      const pnl0 = c.pnl[i];
      // 1. Regime over the step.
      const r = d.regimes.advance(dt, this.#regimeRng[i]);
      const sigma = d.regimes.volMultiplier();
      const flowMult = d.regimes.flowMultiplier();
      // 2. Quotes (the fill uniforms are drawn every step, quoted or not).
      const uBid = draw();
      const uAsk = draw();
      const qb = clipSize(actions[a + ACT.BID_SIZE], cfg.maxQuoteSize);
      const qa = clipSize(actions[a + ACT.ASK_SIZE], cfg.maxQuoteSize);
      const bidOn = qb > 0 && inv + qb <= maxInv;
      const askOn = qa > 0 && inv - qa >= -maxInv;
      const clip = crossing ? clipOffsetSigned : clipOffset;
      const deltaB = clip(actions[a + ACT.BID_OFFSET], cfg.maxOffsetTicks) * tick;
      const deltaA = clip(actions[a + ACT.ASK_OFFSET], cfg.maxOffsetTicks) * tick;
      const bid = mid0 - deltaB, ask = mid0 + deltaA;
      // 3. Fundamental.
      const s = d.midprice.next(this.#fund[i], sigma, dt, draw);
      this.#fund[i] = s;
      const pre = d.impact.offset(tEnd);
      // 4. Fills.
      let pB = 0, pA = 0, bf = 0, af = 0;
      const mEnd = s + pre;
      if (bidOn) {
        pB = d.fills.probability(
          cfg.model.fillReference === "end" ? mEnd - bid : deltaB,
          dt,
          flowMult,
        );
        c.bidQuote[i] = bid;
        c.bidPosted[i] = qb;
        c.bidFillPrice[i] = NaN;
        if (uBid < pB) {
          bf = qb;
          const notional = bid * qb * lot;
          cash -= notional;
          cash -= fillFee(cfg.fees, notional, true);
          c.bidFillPrice[i] = bid;
        }
      } else {
        c.bidQuote[i] = NaN;
        c.bidPosted[i] = 0;
        c.bidFillPrice[i] = NaN;
      }
      if (askOn) {
        pA = d.fills.probability(
          cfg.model.fillReference === "end" ? ask - mEnd : deltaA,
          dt,
          flowMult,
        );
        c.askQuote[i] = ask;
        c.askPosted[i] = qa;
        c.askFillPrice[i] = NaN;
        if (uAsk < pA) {
          af = qa;
          const notional = ask * qa * lot;
          cash += notional;
          cash -= fillFee(cfg.fees, notional, true);
          c.askFillPrice[i] = ask;
        }
      } else {
        c.askQuote[i] = NaN;
        c.askPosted[i] = 0;
        c.askFillPrice[i] = NaN;
      }
      c.bidFilled[i] = bf;
      c.askFilled[i] = af;
      inv += bf - af;
      // 5. Impact of the net execution.
      const net = bf - af;
      let cost = 0, offset = pre;
      if (net !== 0) {
        cost = d.impact.trade(net, dt, tEnd);
        offset = d.impact.offset(tEnd);
        cash -= cost;
      }
      const mid = s + offset;
      const pnl = cash + inv * lot * mid;
      c.mid[i] = mid;
      c.cash[i] = cash;
      c.inventory[i] = inv;
      c.pnl[i] = pnl;
      c.regime[i] = r;
      c.impact[i] = offset - pre;
      this.impactCost[i] = cost;
      // 6. Background market orders.
      d.arrivals.counts(dt, flowMult, draw, counts);
      // Estimators, reward, view, observation.
      const dMid = mid - mid0;
      const sig = this.#vol.update(i, dMid);
      const flowRatio = this.#flow.update(i, counts.buys, counts.sells);
      writeReward(this.#w, c, this.rewards, i, pnl - pnl0 + cost, inv, sig, cost);
      v.mid[i] = mid;
      v.sigma[i] = sig;
      v.bestBid[i] = mid - halfSpread;
      v.bestAsk[i] = mid + halfSpread;
      v.timeLeft[i] = timeLeft;
      const o = i * OBS_DIM;
      const obs = this.observations;
      obs[o + OBS.INVENTORY] = clipObservation(inv * invScale);
      obs[o + OBS.TIME_LEFT] = timeLeft / cfg.duration;
      obs[o + OBS.RETURN] = clipObservation(dMid * retScale);
      obs[o + OBS.VOLATILITY] = clipObservation(sig * volScale);
      obs[o + OBS.TRADE_FLOW] = flowRatio;
      obs[o + OBS.BID_QUEUE] = 1 - pB;
      obs[o + OBS.ASK_QUEUE] = 1 - pA;
    }
  }
}
