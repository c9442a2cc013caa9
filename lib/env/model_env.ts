/**
 * The fast "model" fidelity tier: the classic Avellaneda–Stoikov (2008) market-making
 * model, vectorized over N environments stepped in lockstep in typed-array columns.
 *
 * Per env and step of `dt` seconds, in this order:
 * 1. the volatility regime (a CTMC, {@linkcode createRegimeModel}) advances exactly over
 *    the step; the regime reached is the one used for the whole step and reported in
 *    `columns.regime`;
 * 2. the agent's quotes sit at δ = offset·tickSize dollars from the current mid (no tick
 *    rounding); a side whose fill could breach ±`maxInventory` is not quoted;
 * 3. each quote fills wholly (its `size` lots) with probability p, with the intensity
 *    λ(δ) = A·m·e^(−kδ) (A = `model.A`, k = `model.k`, m the regime's flow multiplier):
 *    `fillRule` "linear" uses p = min(1, λ·dt) (the AS paper's rule, clamped at 1),
 *    "exact" uses p = 1 − e^(−λ·dt) (the probability of at least one Poisson arrival);
 *    a bid fill buys at the bid, an ask fill sells at the ask (cash ∓ price·size·lotSize);
 * 4. the fundamental moves as arithmetic Brownian motion, ΔS = σ·v·√dt·Z, with σ =
 *    {@linkcode sigmaPerSqrtSecond} and v the regime's volatility multiplier;
 * 5. the net executed lots n = bid fills − ask fills go to the {@linkcode ImpactModel} at
 *    the end of the step: its cost is taken from cash and the mid is S + impact offset;
 * 6. background market orders (unit size) arrive per side as Poisson(A·m·dt) counts — the
 *    same intensity as a quote at the mid — and feed the TRADE_FLOW observation.
 *
 * Accounting: cash changes only by fills and impact costs; `pnl = cash +
 * inventory·lotSize·mid` at every step. Random draws come from per-env named streams
 * (`RngStreams(seed)` with the names of {@linkcode STREAM}: regime, fills, price, flow), so
 * the draws of one component never shift another's. For speed, each of the fills, price
 * and flow streams gives exactly one uniform per env and step (pre-drawn in small
 * blocks): the price move uses Φ⁻¹(u) ({@linkcode normalFromUniform}); the two fill
 * decisions share one uniform u (the bid fills iff u < p_bid, the ask uses the residual
 * u/p_bid or (u − p_bid)/(1 − p_bid), which is uniform and independent of the bid's
 * outcome); likewise the sell count is drawn from the residual of the buy count's
 * inversion. These are exact up to the generator's 32-bit resolution.
 *
 * Observation slots (see {@linkcode OBS}): SPREAD is the nominal `model.marketSpreadTicks`/10;
 * IMBALANCE is 0; BID_QUEUE / ASK_QUEUE are 1 − the fill probability of this step's
 * quote (1 when not quoted). The view's best bid/ask are mid ∓ half the nominal spread.
 *
 * @module
 */
import { resetStepRow } from "./columns.ts";
import { clipObservation, resetObservationRow } from "./observation.ts";
import type { ImpactModel } from "../market/types.ts";
import { createImpactModel, impactDecays, impactMarketFromConfig } from "../market/impact.ts";
import { createRegimeModel, type CtmcRegimeModel } from "../market/regimes.ts";
import { normalFromUniform } from "../market/price_process.ts";
import type { Rng } from "../rng/rng.ts";
import { RngStreams, STREAM } from "../rng/streams.ts";
import { clipOffset, clipSize, validateActions } from "./action.ts";
import { type EnvConfig, sigmaPerSqrtSecond } from "./config.ts";
import { FlowEstimator, VolatilityEstimator } from "./estimators.ts";
import { type RewardWeights, rewardWeights } from "./reward.ts";
import { ACT, ACT_DIM, OBS, OBS_DIM } from "./types.ts";
import { VecEnvBase } from "./vec_env_base.ts";

/** Uniforms pre-drawn per env and stream at a time. */
const UNIFORM_BLOCK = 8;

/**
 * Blocks of uniforms pre-drawn from every env's stream, in each stream's order: the values
 * consumed are exactly the stream's `next()` sequence, but drawing them in blocks keeps
 * each generator's state hot in cache. Every env consumes one uniform per step from each
 * buffered stream, so one position serves the whole batch; the block is step-major
 * (`buf[j·numEnvs + i]`), so the step loop reads contiguous memory.
 */
class UniformBlocks {
  readonly buf: Float64Array;
  readonly #n: number;
  #rngs: Rng[] = [];

  constructor(n: number) {
    this.#n = n;
    this.buf = new Float64Array(n * UNIFORM_BLOCK);
  }

  /** Makes `rng` env i's stream. */
  attach(i: number, rng: Rng): void {
    this.#rngs[i] = rng;
  }

  /** Draws the next block of every env. */
  refill(): void {
    const n = this.#n;
    const buf = this.buf;
    for (let i = 0; i < n; i++) {
      const rng = this.#rngs[i];
      for (let j = 0, k = i; j < UNIFORM_BLOCK; j++, k += n) buf[k] = rng.next();
    }
  }
}

/** Largest number of environments one {@linkcode ModelVecEnv} accepts. */
export const MAX_MODEL_ENVS = 1 << 20;

/**
 * N Avellaneda–Stoikov model environments in lockstep (see the module doc).
 *
 * @example
 * ```ts
 * import { ModelVecEnv } from "./model_env.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const env = new ModelVecEnv(parseEnvConfig({ tier: "model", duration: 60 }), 2);
 * env.reset([1, 2]);
 * const actions = new Float64Array([2, 2, 1, 1, 3, 3, 1, 1]); // offsets (ticks), sizes (lots)
 * while (!env.terminated[0]) env.step(actions);
 * env.columns.pnl; // final mark-to-market P&L of each env, dollars
 * ```
 */
export class ModelVecEnv extends VecEnvBase {
  readonly #fund: Float64Array;
  readonly #regimes: CtmcRegimeModel[] = [];
  // Regime countdown mirrors: time since the last sync and the time to jump then.
  readonly #regSince: Float64Array;
  readonly #impOffset: Float64Array;
  readonly #scratch: Float64Array;
  readonly #impDecays: boolean;
  readonly #regLeft: Float64Array;
  readonly #impacts: ImpactModel[] = [];
  #rngRegime: Rng[] = [];
  readonly #bufFills: UniformBlocks;
  readonly #bufPrice: UniformBlocks;
  readonly #bufFlow: UniformBlocks;
  /** Position in the current blocks (shared by all envs and buffered streams). */
  #blockPos = UNIFORM_BLOCK;
  readonly #vol: VolatilityEstimator;
  readonly #flow: FlowEstimator;
  readonly #w: RewardWeights;
  // Per-regime tables.
  readonly #sigStep: Float64Array;
  readonly #lamA: Float64Array;
  readonly #flowMean: Float64Array;
  readonly #flowP0: Float64Array;
  // Fill-probability caches per env and side, keyed by (offset, regime).
  readonly #cOffB: Float64Array;
  readonly #cRegB: Int32Array;
  readonly #cPB: Float64Array;
  readonly #cOffA: Float64Array;
  readonly #cRegA: Int32Array;
  readonly #cPA: Float64Array;
  readonly #sigma0: number;

  /** Creates `numEnvs` environments running `config` (call {@linkcode reset} before stepping). */
  constructor(config: EnvConfig, numEnvs: number) {
    super(config, numEnvs, MAX_MODEL_ENVS, "ModelVecEnv");
    const n = numEnvs;
    this.#vol = new VolatilityEstimator(n, config.dt);
    this.#flow = new FlowEstimator(n, config.dt);
    this.agentView.mid = this.cols.mid;
    this.agentView.sigma = this.#vol.sigma;
    this.#fund = new Float64Array(n);
    this.#w = rewardWeights(config);
    this.#sigma0 = sigmaPerSqrtSecond(config);
    const market = impactMarketFromConfig(config);
    for (let i = 0; i < n; i++) {
      this.#regimes.push(createRegimeModel(config.regimes));
      this.#impacts.push(createImpactModel(config.impact, market));
    }
    const nr = config.regimes.names.length;
    this.#sigStep = new Float64Array(nr);
    this.#lamA = new Float64Array(nr);
    this.#flowMean = new Float64Array(nr);
    this.#flowP0 = new Float64Array(nr);
    const sqrtDt = Math.sqrt(config.dt);
    for (let r = 0; r < nr; r++) {
      this.#sigStep[r] = this.#sigma0 * config.regimes.volMultipliers[r] * sqrtDt;
      this.#lamA[r] = config.model.A * config.regimes.flowMultipliers[r];
      this.#flowMean[r] = this.#lamA[r] * config.dt;
      this.#flowP0[r] = Math.exp(-this.#flowMean[r]);
    }
    this.#regSince = new Float64Array(n);
    this.#impOffset = new Float64Array(n);
    this.#scratch = new Float64Array(n * ACT_DIM);
    this.#impDecays = impactDecays(config.impact);
    this.#regLeft = new Float64Array(n);
    this.#bufFills = new UniformBlocks(n);
    this.#bufPrice = new UniformBlocks(n);
    this.#bufFlow = new UniformBlocks(n);
    this.#cOffB = new Float64Array(n);
    this.#cRegB = new Int32Array(n);
    this.#cPB = new Float64Array(n);
    this.#cOffA = new Float64Array(n);
    this.#cRegA = new Int32Array(n);
    this.#cPA = new Float64Array(n);
  }

  /** Starts every env's episode: fresh streams, regime, impact, fundamental at `initialPrice`. */
  protected resetEnvs(seeds: ArrayLike<number>): void {
    const n = this.numEnvs;
    const cfg = this.config;
    const c = this.cols;
    const v = this.agentView;
    const halfSpread = 0.5 * cfg.model.marketSpreadTicks * cfg.tickSize;
    this.#rngRegime = [];
    for (let i = 0; i < n; i++) {
      const s = new RngStreams(seeds[i]);
      this.#rngRegime.push(s.get(STREAM.regime));
      this.#bufFills.attach(i, s.get(STREAM.fills));
      this.#bufPrice.attach(i, s.get(STREAM.price));
      this.#bufFlow.attach(i, s.get(STREAM.flow));
      this.#regimes[i].reset(this.#rngRegime[i]);
      this.#regSince[i] = 0;
      this.#regLeft[i] = this.#regimes[i].timeToJump;
      this.#impacts[i].reset();
      this.#impOffset[i] = 0;
      this.#vol.reset(i, this.#sigma0);
      this.#flow.reset(i);
      this.#fund[i] = cfg.initialPrice;
      resetStepRow(c, i, cfg.initialPrice, this.#regimes[i].state);
      v.bestBid[i] = cfg.initialPrice - halfSpread;
      v.bestAsk[i] = cfg.initialPrice + halfSpread;
      this.#cOffB[i] = NaN;
      this.#cOffA[i] = NaN;
      resetObservationRow(this.observations, i, cfg.model.marketSpreadTicks, 0);
    }
    this.#blockPos = UNIFORM_BLOCK;
  }

  /** One step of every env (see the module doc), in one loop over typed-array columns. */
  protected stepEnvs(actions: ArrayLike<number>, stepIndex: number): void {
    const cfg = this.config;
    validateActions(actions, this.numEnvs);
    // Monomorphic Float64Array loads in the loop: copy other array-likes once.
    let act: Float64Array;
    if (actions instanceof Float64Array) act = actions;
    else {
      act = this.#scratch;
      act.set(actions);
    }
    const maxOff = cfg.maxOffsetTicks;
    const maxSize = cfg.maxQuoteSize;
    const n = this.numEnvs;
    const c = this.cols;
    const cMid = c.mid;
    const cCash = c.cash;
    const cInventory = c.inventory;
    const cPnl = c.pnl;
    const cBidQuote = c.bidQuote;
    const cAskQuote = c.askQuote;
    const cBidPosted = c.bidPosted;
    const cAskPosted = c.askPosted;
    const cBidFilled = c.bidFilled;
    const cAskFilled = c.askFilled;
    const cBidFillPrice = c.bidFillPrice;
    const cAskFillPrice = c.askFillPrice;
    const cRegime = c.regime;
    const cImpact = c.impact;
    const v = this.agentView;
    const vBestBid = v.bestBid, vBestAsk = v.bestAsk, vTimeLeft = v.timeLeft;
    const obs = this.observations;
    const dt = cfg.dt;
    const tick = cfg.tickSize;
    const lot = cfg.lotSize;
    const maxInv = cfg.maxInventory;
    const invScale = 1 / maxInv;
    const k = cfg.model.k;
    const linear = cfg.model.fillRule === "linear";
    const retScale = this.#sigma0 > 0 ? 1 / (this.#sigma0 * Math.sqrt(dt)) : 0;
    const volScale = this.#sigma0 > 0 ? 1 / this.#sigma0 : 0;
    const halfSpread = 0.5 * cfg.model.marketSpreadTicks * tick;
    const tEnd = stepIndex * dt;
    const timeLeft = cfg.duration - tEnd > 0 ? cfg.duration - tEnd : 0;
    const timeObs = timeLeft / cfg.duration;
    const regimes = this.#regimes;
    const regSince = this.#regSince, regLeft = this.#regLeft;
    const impacts = this.#impacts;
    const rRegime = this.#rngRegime;
    if (this.#blockPos === UNIFORM_BLOCK) {
      this.#bufFills.refill();
      this.#bufPrice.refill();
      this.#bufFlow.refill();
      this.#blockPos = 0;
    }
    const uBase = this.#blockPos * n;
    this.#blockPos++;
    const uFills = this.#bufFills.buf, uPrice = this.#bufPrice.buf, uFlow = this.#bufFlow.buf;
    const sigStep = this.#sigStep;
    const lamA = this.#lamA;
    const flowMean = this.#flowMean;
    const flowP0 = this.#flowP0;
    const cOffB = this.#cOffB, cRegB = this.#cRegB, cPB = this.#cPB;
    const cOffA = this.#cOffA, cRegA = this.#cRegA, cPA = this.#cPA;
    const fund = this.#fund;
    const vol = this.#vol, volVar = vol.variance, volSig = vol.sigma, volA = vol.alpha;
    const invDt = 1 / dt;
    const flow = this.#flow, flowA = flow.alpha;
    const flowSigned = flow.signed, flowTotal = flow.total, flowRatioArr = flow.ratio;
    const impOffset = this.#impOffset;
    const impDecays = this.#impDecays;
    const w = this.#w;
    const wPnl = w.pnl, wInv = w.inventory, wVol = w.volatility, wImp = w.impact;
    const cRewardPnl = c.rewardPnl, cRewardInventory = c.rewardInventory;
    const cRewardVolatility = c.rewardVolatility, cRewardImpact = c.rewardImpact;
    const rewards = this.rewards;
    const impactCost = this.impactCost;
    for (let i = 0; i < n; i++) {
      const a = i * ACT_DIM;
      const mid0 = cMid[i];
      let inv = cInventory[i];
      let cash = cCash[i];
      const pnl0 = cPnl[i];
      // 1. Regime over the step.
      // (the model is only called when its holding time has run out).
      let r = cRegime[i];
      const since = regSince[i] + dt;
      if (since >= regLeft[i]) {
        const reg = regimes[i];
        r = reg.advance(since, rRegime[i]);
        regSince[i] = 0;
        regLeft[i] = reg.timeToJump;
      } else regSince[i] = since;
      // 2–3. Quotes and fills.
      const qb = clipSize(act[a + ACT.BID_SIZE], maxSize);
      const qa = clipSize(act[a + ACT.ASK_SIZE], maxSize);
      let bf = 0, af = 0, pB = 0, pA = 0;
      // One uniform serves both sides: the bid uses u, the ask the residual of u given
      // the bid's outcome (uniform on [0, 1) and independent of it).
      let u = uFills[uBase + i];
      if (qb > 0 && inv + qb <= maxInv) {
        const off = clipOffset(act[a + ACT.BID_OFFSET], maxOff);
        if (off !== cOffB[i] || r !== cRegB[i]) {
          cOffB[i] = off;
          cRegB[i] = r;
          cPB[i] = fillProbability(lamA[r] * Math.exp(-k * off * tick), dt, linear);
        }
        pB = cPB[i];
        const price = mid0 - off * tick;
        cBidQuote[i] = price;
        cBidPosted[i] = qb;
        if (u < pB) {
          u = u / pB;
          bf = qb;
          cash -= price * qb * lot;
          cBidFillPrice[i] = price;
        } else {
          u = (u - pB) / (1 - pB);
          cBidFillPrice[i] = NaN;
        }
      } else {
        cBidQuote[i] = NaN;
        cBidPosted[i] = 0;
        cBidFillPrice[i] = NaN;
      }
      if (qa > 0 && inv - qa >= -maxInv) {
        const off = clipOffset(act[a + ACT.ASK_OFFSET], maxOff);
        if (off !== cOffA[i] || r !== cRegA[i]) {
          cOffA[i] = off;
          cRegA[i] = r;
          cPA[i] = fillProbability(lamA[r] * Math.exp(-k * off * tick), dt, linear);
        }
        pA = cPA[i];
        const price = mid0 + off * tick;
        cAskQuote[i] = price;
        cAskPosted[i] = qa;
        if (u < pA) {
          af = qa;
          cash += price * qa * lot;
          cAskFillPrice[i] = price;
        } else cAskFillPrice[i] = NaN;
      } else {
        cAskQuote[i] = NaN;
        cAskPosted[i] = 0;
        cAskFillPrice[i] = NaN;
      }
      cBidFilled[i] = bf;
      cAskFilled[i] = af;
      inv += bf - af;
      // 4. Fundamental.
      const s = fund[i] + sigStep[r] * normalFromUniform(uPrice[uBase + i]);
      fund[i] = s;
      // 5. Impact of the net execution.
      const net = bf - af;
      let cost = 0;
      let shift = 0;
      let offset: number;
      if (net !== 0) {
        const imp = impacts[i];
        const pre = imp.offset(tEnd);
        cost = imp.trade(net, dt, tEnd);
        offset = imp.offset(tEnd);
        impOffset[i] = offset;
        shift = offset - pre;
        cash -= cost;
      } else if (impDecays) offset = impacts[i].offset(tEnd);
      else offset = impOffset[i]; // time-invariant models only move on trades
      const mid = s + offset;
      const pnl = cash + inv * lot * mid;
      cMid[i] = mid;
      cCash[i] = cash;
      cInventory[i] = inv;
      cPnl[i] = pnl;
      cRegime[i] = r;
      cImpact[i] = shift;
      impactCost[i] = cost;
      // 6. Background market orders (unit size), one Poisson count per side.
      const fm = flowMean[r], f0 = flowP0[r];
      // Buys by inversion of one uniform; sells from its residual given the buys.
      let uf = uFlow[uBase + i];
      let buys = 0, pk = f0, cdf = f0;
      while (uf > cdf && buys < 1000) {
        buys++;
        pk *= fm / buys;
        cdf += pk;
      }
      uf = (uf - (cdf - pk)) / pk;
      const sells = poissonInv(uf, fm, f0);
      // Estimators, reward, view, observation.
      const dMid = mid - mid0;
      // EWMAs (lib/env/estimators.ts's update formulas, inlined).
      const var1 = volVar[i] + volA * (dMid * dMid * invDt - volVar[i]);
      volVar[i] = var1;
      const sig = Math.sqrt(var1);
      volSig[i] = sig;
      const fs = flowSigned[i] + flowA * (buys - sells - flowSigned[i]);
      const ft = flowTotal[i] + flowA * (buys + sells - flowTotal[i]);
      flowSigned[i] = fs;
      flowTotal[i] = ft;
      const flowRatio = ft > 0 ? fs / ft : 0;
      flowRatioArr[i] = flowRatio;
      // Reward terms (lib/env/reward.ts's writeReward, inlined for speed).
      const rP = wPnl * (pnl - pnl0 + cost);
      const rI = wInv * inv * inv;
      const rV = wVol * sig * (inv < 0 ? -inv : inv);
      const rM = wImp * cost;
      cRewardPnl[i] = rP;
      cRewardInventory[i] = rI;
      cRewardVolatility[i] = rV;
      cRewardImpact[i] = rM;
      rewards[i] = rP - rI - rV - rM;
      vBestBid[i] = mid - halfSpread;
      vBestAsk[i] = mid + halfSpread;
      vTimeLeft[i] = timeLeft;
      const o = i * OBS_DIM;
      obs[o + OBS.INVENTORY] = clipObservation(inv * invScale);
      obs[o + OBS.TIME_LEFT] = timeObs;
      obs[o + OBS.RETURN] = clipObservation(dMid * retScale);
      obs[o + OBS.VOLATILITY] = clipObservation(sig * volScale);
      obs[o + OBS.TRADE_FLOW] = flowRatio;
      obs[o + OBS.BID_QUEUE] = 1 - pB;
      obs[o + OBS.ASK_QUEUE] = 1 - pA;
    }
  }
}

/**
 * Per-step fill probability of a quote with intensity `lambda` (fills/s) over `dt`:
 * `min(1, λ·dt)` for the "linear" rule, `1 − e^(−λ·dt)` for the "exact" rule.
 */
export function fillProbability(lambda: number, dt: number, linear: boolean): number {
  const x = lambda * dt;
  return linear ? (x < 1 ? x : 1) : -Math.expm1(-x);
}

/** Poisson(mean) by inversion from uniform `u`, given `p0 = e^(−mean)`. */
function poissonInv(u: number, mean: number, p0: number): number {
  let k = 0;
  let p = p0;
  let cdf = p0;
  while (u > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}
