/**
 * The fast "model" fidelity tier: the classic Avellaneda–Stoikov (2008) market-making
 * model, vectorized over N environments stepped in lockstep, as one fused kernel over
 * typed arrays. Its composed reference, {@linkcode ModelReferenceVecEnv}
 * (`lib/env/model_reference.ts`), builds the same market from the small process models of
 * `lib/market/` (midprice, fills, arrivals, impact, regimes); the two are tested equal, bit
 * for bit, on the same random streams.
 *
 * Per env and step of `dt` seconds, in this order:
 * 1. the volatility regime (a CTMC, as `createRegimeModel`) advances exactly over the step;
 *    the regime reached is the one used for the whole step and reported in `columns.regime`;
 * 2. the agent's quotes sit at δ = offset·tickSize dollars from the current mid m (no tick
 *    rounding; offsets are clipped to [0, maxOffsetTicks], or to ±maxOffsetTicks with
 *    `model.allowCrossing`); a side whose fill could breach ±`maxInventory` is not quoted;
 * 3. the fundamental moves: ΔS = σ·v·√dt·Z (`model.priceModel` "gaussian") or ±σ·v·√dt
 *    ("binomial"), σ = {@linkcode sigmaPerSqrtSecond}, v the regime's volatility multiplier;
 * 4. each quote fills wholly (its `size` lots) with probability p, from the intensity
 *    λ(δ) = A·f·e^(−kδ) (A = `model.A`, k = `model.k`, f the regime's flow multiplier):
 *    `fillRule` "linear" p = min(1, λ·dt) (the AS paper's rule), "exact" p = 1 − e^(−λ·dt)
 *    (at least one Poisson arrival); δ is measured from the mid at the start of the step
 *    (`model.fillReference` "start") or from the mid after the move of step 3 ("end"). A
 *    bid fill buys at the bid, an ask fill sells at the ask (cash ∓ price·size·lotSize),
 *    and pays the maker fee of `fees` (`lib/market/fees.ts`; negative: a rebate);
 * 5. the net executed lots n = bid fills − ask fills go to the impact model (as
 *    `createImpactModel`) at the end of the step: its cost is taken from cash and the mid is
 *    S + impact offset;
 * 6. background market orders (unit size) arrive per side as Poisson(A·f·dt) counts — the
 *    same intensity as a quote at the mid — and feed the TRADE_FLOW observation.
 *
 * Accounting: cash changes by fills, fees and impact costs; `pnl = cash +
 * inventory·lotSize·mid` at every step; the reward's P&L term is the change of P&L before
 * impact costs (fees included). Randomness: each env has two xoshiro128** streams
 * (`lib/rng/xoshiro.ts`) derived from its seed: {@linkcode MODEL_STREAMS}.step gives exactly
 * four uniforms per step, in the order bid fill, ask fill, price, flow (drawn whether or
 * not a side is quoted, so no component's draws ever shift another's), and
 * {@linkcode MODEL_STREAMS}.regime the regime chain's draws. The bid fills iff u_bid < p_bid
 * (likewise the ask); the gaussian move is Φ⁻¹(u_price) (`normalFromUniform`), the binomial
 * move is down iff u_price < ½; the buy count is Poisson by inversion of u_flow, the sell
 * count by inversion of the residual uniform. An env's results depend only on its seed and
 * actions, whatever N and however the batch is split across workers.
 *
 * Layout: the exposed arrays are those of the VecEnv contract (allocated through an
 * {@linkcode EnvMemory}, e.g. shared memory); every internal per-env state (fundamental,
 * regime clock, estimators, impact state, fill-probability cache, both generators) sits in
 * one 128-byte record per env, so a step streams through one internal array.
 *
 * Observation slots (see {@linkcode OBS}): SPREAD is the nominal `model.marketSpreadTicks`/10;
 * IMBALANCE is 0; BID_QUEUE / ASK_QUEUE are 1 − the fill probability of this step's
 * quote (1 when not quoted). The view's best bid/ask are mid ∓ half the nominal spread.
 *
 * @module
 */
import { resetStepRow } from "./columns.ts";
import { clipObservation, resetObservationRow } from "./observation.ts";
import { createImpactModel, impactMarketFromConfig } from "../market/impact.ts";
import { createRegimeModel } from "../market/regimes.ts";
import { normalFromUniform } from "../market/price_process.ts";
import { fillProbability } from "../market/fill_probability.ts";
import { seedXoshiro, U32_TO_UNIT, xoshiroNext } from "../rng/xoshiro.ts";
import { validateActions } from "./action.ts";
import { type EnvConfig, sigmaPerSqrtSecond } from "./config.ts";
import { ewmaAlpha, FLOW_HALF_LIFE_S, VOL_HALF_LIFE_S } from "./estimators.ts";
import type { EnvMemory } from "./memory.ts";
import { rewardWeights } from "./reward.ts";
import { ACT, ACT_DIM, OBS, OBS_DIM } from "./types.ts";
import { VecEnvBase } from "./vec_env_base.ts";

export { fillProbability };

/** Largest number of environments one {@linkcode ModelVecEnv} accepts. */
export const MAX_MODEL_ENVS = 1 << 20;

/** Names of each env's two random streams (xoshiro128**, derived from the env's seed). */
export const MODEL_STREAMS = {
  /** Four uniforms per step: bid fill, ask fill, price move, background flow. */
  step: "model-step",
  /** The regime chain's draws (initial regime, jumps, holding times). */
  regime: "regime",
} as const;

/** Options of {@linkcode ModelVecEnv}. */
export interface ModelEnvOptions {
  /** Where the VecEnv arrays live (default: ordinary typed arrays). */
  memory?: EnvMemory;
}

// Internal record of one env: REC Float64 slots (128 bytes), the last four holding the two
// generators' 4×32-bit states (read through an Int32Array view of the same buffer).
const REC = 16;
const R_FUND = 0;
const R_REG_LEFT = 1;
const R_VOL_VAR = 2;
const R_FLOW_S = 3;
const R_FLOW_T = 4;
const R_IMP_LEVEL = 5;
const R_IMP_LAST_T = 6;
const R_OFF_B = 7;
const R_P_B = 8;
const R_OFF_A = 9;
const R_P_A = 10;
/** Int32 index of the step stream within a record (record i starts at Int32 index 32·i). */
const W_STEP = 24;
/** Int32 index of the regime stream within a record. */
const W_REGIME = 28;

// Impact model codes.
const IMP_NONE = 0;
const IMP_AC = 1;
const IMP_SQRT = 2;
const IMP_TRANSIENT = 3;

// Acklam's inverse-normal central branch (the same constants and expression as
// `normalFromUniform`, inlined in the kernel; the tails call that function).
const A1 = -3.969683028665376e1, A2 = 2.209460984245205e2, A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2, A5 = -3.066479806614716e1, A6 = 2.506628277459239;
const B1 = -5.447609879822406e1, B2 = 1.615858368580409e2, B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1, B5 = -1.328068155288572e1;
const P_LOW = 0.02425;
const P_HIGH = 1 - P_LOW;
const U_SHIFT = 1.1641532182693481e-10;

/**
 * N Avellaneda–Stoikov model environments in lockstep (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ModelVecEnv } from "./model_env.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const env = new ModelVecEnv(parseEnvConfig({ tier: "model", duration: 60 }), 2);
 * env.reset([1, 2]);
 * const actions = new Float64Array([2, 2, 1, 1, 3, 3, 1, 1]); // offsets (ticks), sizes (lots)
 * while (!env.terminated[0]) env.step(actions);
 * assert.equal(env.stepIndex, 600);
 * assert.ok(Number.isFinite(env.columns.pnl[1])); // final mark-to-market P&L, dollars
 * ```
 */
export class ModelVecEnv extends VecEnvBase {
  readonly #rec: Float64Array;
  readonly #rec32: Int32Array;
  readonly #scratch: Float64Array;
  // Per-regime tables.
  readonly #sigStep: Float64Array;
  readonly #lamA: Float64Array;
  readonly #flowMean: Float64Array;
  readonly #flowP0: Float64Array;
  readonly #exit: Float64Array;
  readonly #jumpRates: Float64Array;
  readonly #pi: Float64Array;
  readonly #nr: number;
  readonly #initialRegime: number;
  readonly #regimesMove: boolean;
  // Impact.
  readonly #impKind: number;
  readonly #impA: number;
  readonly #impB: number;
  readonly #impC: number;
  readonly #impRate: number;
  // Constants of the step.
  readonly #sigma0: number;
  readonly #makerRate: number;
  readonly #volAlpha: number;
  readonly #flowAlpha: number;
  readonly #wPnl: number;
  readonly #wInv: number;
  readonly #wVol: number;
  readonly #wImp: number;
  readonly #minOff: number;
  readonly #linear: boolean;
  readonly #binomial: boolean;
  readonly #fillAtEnd: boolean;

  /**
   * Creates `numEnvs` environments running `config` (call {@linkcode reset} before
   * stepping); `options.memory` says where the VecEnv arrays live.
   */
  constructor(config: EnvConfig, numEnvs: number, options: ModelEnvOptions = {}) {
    super(config, numEnvs, MAX_MODEL_ENVS, "ModelVecEnv", options.memory);
    const n = numEnvs;
    const m = config.model;
    this.#rec = new Float64Array(n * REC);
    this.#rec32 = new Int32Array(this.#rec.buffer);
    this.#scratch = new Float64Array(n * ACT_DIM);
    this.#sigma0 = sigmaPerSqrtSecond(config);
    this.#makerRate = config.fees.makerRate;
    this.#volAlpha = ewmaAlpha(config.dt, VOL_HALF_LIFE_S);
    this.#flowAlpha = ewmaAlpha(config.dt, FLOW_HALF_LIFE_S);
    const w = rewardWeights(config);
    this.#wPnl = w.pnl;
    this.#wInv = w.inventory;
    this.#wVol = w.volatility;
    this.#wImp = w.impact;
    this.#minOff = m.allowCrossing ? -config.maxOffsetTicks : 0;
    this.#linear = m.fillRule === "linear";
    this.#binomial = m.priceModel === "binomial";
    this.#fillAtEnd = m.fillReference === "end";
    // Regimes: the same tables as the CTMC model (createRegimeModel validates the config).
    const reg = config.regimes;
    const nr = reg.names.length;
    const chain = createRegimeModel(reg);
    this.#nr = nr;
    this.#pi = chain.stationary();
    this.#initialRegime = typeof reg.initial === "number" ? reg.initial : -1;
    this.#exit = new Float64Array(nr);
    this.#jumpRates = new Float64Array(nr * nr);
    for (let i = 0; i < nr; i++) {
      for (let j = 0; j < nr; j++) {
        if (j === i) continue;
        const r = reg.rates[i][j];
        this.#jumpRates[i * nr + j] = r;
        this.#exit[i] += r;
      }
    }
    let moves = false;
    for (let i = 0; i < nr; i++) if (this.#exit[i] > 0) moves = true;
    this.#regimesMove = moves;
    this.#sigStep = new Float64Array(nr);
    this.#lamA = new Float64Array(nr);
    this.#flowMean = new Float64Array(nr);
    this.#flowP0 = new Float64Array(nr);
    const sqrtDt = Math.sqrt(config.dt);
    for (let r = 0; r < nr; r++) {
      this.#sigStep[r] = this.#sigma0 * reg.volMultipliers[r] * sqrtDt;
      this.#lamA[r] = m.A * reg.flowMultipliers[r];
      this.#flowMean[r] = this.#lamA[r] * config.dt;
      this.#flowP0[r] = Math.exp(-this.#flowMean[r]);
    }
    // Impact: the formulas of lib/market/impact.ts in typed arrays (createImpactModel
    // validates the parameters; the reference env uses its objects).
    const imp = config.impact;
    const market = impactMarketFromConfig(config);
    createImpactModel(imp, market);
    this.#impA = 0;
    this.#impB = 0;
    this.#impC = 0;
    this.#impRate = 0;
    switch (imp.model) {
      case "none":
        this.#impKind = IMP_NONE;
        break;
      case "almgren-chriss":
        this.#impKind = IMP_AC;
        this.#impA = imp.permanent;
        this.#impB = imp.temporary;
        this.#impC = imp.fixed;
        break;
      case "sqrt":
        this.#impKind = IMP_SQRT;
        this.#impA = imp.sqrtY * market.sigmaDaily / Math.sqrt(imp.dailyVolume);
        this.#impRate = Math.LN2 / imp.halfLife;
        break;
      default:
        this.#impKind = IMP_TRANSIENT;
        this.#impA = imp.transientPerLot;
        this.#impRate = Math.LN2 / imp.halfLife;
    }
  }

  /** Starts every env's episode: fresh streams, regime, impact, fundamental at `initialPrice`. */
  protected resetEnvs(seeds: ArrayLike<number>): void {
    const n = this.numEnvs;
    const cfg = this.config;
    const c = this.cols;
    const v = this.agentView;
    const rec = this.#rec, rec32 = this.#rec32;
    const halfSpread = 0.5 * cfg.model.marketSpreadTicks * cfg.tickSize;
    for (let i = 0; i < n; i++) {
      const b = i * REC, b32 = 32 * i;
      rec.fill(0, b, b + REC);
      seedXoshiro(rec32, b32 + W_STEP, seeds[i], MODEL_STREAMS.step);
      seedXoshiro(rec32, b32 + W_REGIME, seeds[i], MODEL_STREAMS.regime);
      // Initial regime and holding time: CtmcRegimeModel.reset's draws.
      let r = this.#initialRegime;
      if (r < 0) r = this.#categorical(this.#pi, 0, 1, b32 + W_REGIME);
      rec[b + R_REG_LEFT] = this.#exponential(this.#exit[r], b32 + W_REGIME);
      rec[b + R_FUND] = cfg.initialPrice;
      rec[b + R_VOL_VAR] = this.#sigma0 * this.#sigma0;
      rec[b + R_OFF_B] = NaN;
      rec[b + R_OFF_A] = NaN;
      resetStepRow(c, i, cfg.initialPrice, r);
      v.mid[i] = cfg.initialPrice;
      v.sigma[i] = this.#sigma0;
      v.bestBid[i] = cfg.initialPrice - halfSpread;
      v.bestAsk[i] = cfg.initialPrice + halfSpread;
      resetObservationRow(this.observations, i, cfg.model.marketSpreadTicks, 0);
    }
  }

  /** One step of every env (see the module doc), in one loop over typed arrays. */
  protected stepEnvs(actions: ArrayLike<number>, stepIndex: number): void {
    const n = this.numEnvs;
    validateActions(actions, n);
    // Monomorphic Float64Array loads in the loop: copy other array-likes once.
    let act: Float64Array;
    if (actions instanceof Float64Array) act = actions;
    else {
      act = this.#scratch;
      act.set(actions);
    }
    const cfg = this.config;
    const c = this.cols;
    const cMid = c.mid, cCash = c.cash, cInventory = c.inventory, cPnl = c.pnl;
    const cBidQuote = c.bidQuote, cAskQuote = c.askQuote;
    const cBidPosted = c.bidPosted, cAskPosted = c.askPosted;
    const cBidFilled = c.bidFilled, cAskFilled = c.askFilled;
    const cBidFillPrice = c.bidFillPrice, cAskFillPrice = c.askFillPrice;
    const cRegime = c.regime, cImpact = c.impact;
    const cRewardPnl = c.rewardPnl, cRewardInventory = c.rewardInventory;
    const cRewardVolatility = c.rewardVolatility, cRewardImpact = c.rewardImpact;
    const v = this.agentView;
    const vMid = v.mid, vBestBid = v.bestBid, vBestAsk = v.bestAsk;
    const vTimeLeft = v.timeLeft, vSigma = v.sigma;
    const obs = this.observations;
    const rewards = this.rewards;
    const impactCost = this.impactCost;
    const rec = this.#rec, rec32 = this.#rec32;
    const dt = cfg.dt;
    const invDt = 1 / dt;
    const tick = cfg.tickSize;
    const lot = cfg.lotSize;
    const maxInv = cfg.maxInventory;
    const invScale = 1 / maxInv;
    const maxOff = cfg.maxOffsetTicks, minOff = this.#minOff;
    const maxSize = cfg.maxQuoteSize;
    const k = cfg.model.k;
    const linear = this.#linear, binomial = this.#binomial, fillAtEnd = this.#fillAtEnd;
    const sigma0 = this.#sigma0;
    const retScale = sigma0 > 0 ? 1 / (sigma0 * Math.sqrt(dt)) : 0;
    const volScale = sigma0 > 0 ? 1 / sigma0 : 0;
    const halfSpread = 0.5 * cfg.model.marketSpreadTicks * tick;
    const tEnd = stepIndex * dt;
    const timeLeft = cfg.duration - tEnd > 0 ? cfg.duration - tEnd : 0;
    const timeObs = timeLeft / cfg.duration;
    const regimesMove = this.#regimesMove;
    const sigStep = this.#sigStep, lamA = this.#lamA;
    const flowMean = this.#flowMean, flowP0 = this.#flowP0;
    const makerRate = this.#makerRate;
    const volA = this.#volAlpha, flowA = this.#flowAlpha;
    const wPnl = this.#wPnl, wInv = this.#wInv, wVol = this.#wVol, wImp = this.#wImp;
    const impKind = this.#impKind;
    const impDecays = impKind >= IMP_SQRT;
    const impA = this.#impA, impB = this.#impB, impC = this.#impC, impRate = this.#impRate;
    for (let i = 0; i < n; i++) {
      const b = i * REC;
      const a = i * ACT_DIM;
      const mid0 = cMid[i];
      let inv = cInventory[i];
      let cash = cCash[i];
      const pnl0 = cPnl[i];
      // 1. Regime over the step (CtmcRegimeModel.advance(dt)).
      let r = cRegime[i];
      if (regimesMove) {
        const left = rec[b + R_REG_LEFT] - dt;
        rec[b + R_REG_LEFT] = left;
        if (left <= 0) r = this.#regimeJump(i, r);
      }
      // The step's four uniforms, from the env's step stream (xoshiro128**, inlined).
      const o = 32 * i + W_STEP;
      let s0 = rec32[o], s1 = rec32[o + 1], s2 = rec32[o + 2], s3 = rec32[o + 3];
      let x = Math.imul(s1, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      let t = s1 << 9;
      s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
      const uBid = (x >>> 0) * U32_TO_UNIT;
      x = Math.imul(s1, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
      const uAsk = (x >>> 0) * U32_TO_UNIT;
      x = Math.imul(s1, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
      const uPrice = (x >>> 0) * U32_TO_UNIT;
      x = Math.imul(s1, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
      let uFlow = (x >>> 0) * U32_TO_UNIT;
      rec32[o] = s0, rec32[o + 1] = s1, rec32[o + 2] = s2, rec32[o + 3] = s3;
      // 2. Quotes.
      let qb = act[a + ACT.BID_SIZE];
      qb = Math.round(qb < 0 ? 0 : qb > maxSize ? maxSize : qb);
      let qa = act[a + ACT.ASK_SIZE];
      qa = Math.round(qa < 0 ? 0 : qa > maxSize ? maxSize : qa);
      const bidOn = qb > 0 && inv + qb <= maxInv;
      const askOn = qa > 0 && inv - qa >= -maxInv;
      let offB = act[a + ACT.BID_OFFSET];
      offB = offB > maxOff ? maxOff : offB < minOff ? minOff : offB;
      let offA = act[a + ACT.ASK_OFFSET];
      offA = offA > maxOff ? maxOff : offA < minOff ? minOff : offA;
      const deltaB = offB * tick, deltaA = offA * tick;
      const bid = mid0 - deltaB, ask = mid0 + deltaA;
      // 3. Fundamental.
      let z: number;
      if (binomial) z = uPrice < 0.5 ? -1 : 1;
      else {
        const p = uPrice + U_SHIFT;
        if (p >= P_LOW && p <= P_HIGH) {
          const q = p - 0.5;
          const rr = q * q;
          z = (((((A1 * rr + A2) * rr + A3) * rr + A4) * rr + A5) * rr + A6) * q /
            (((((B1 * rr + B2) * rr + B3) * rr + B4) * rr + B5) * rr + 1);
        } else z = normalFromUniform(uPrice);
      }
      const s = rec[b + R_FUND] + sigStep[r] * z;
      rec[b + R_FUND] = s;
      // Impact offset before this step's trades (at the step's end time).
      let level = rec[b + R_IMP_LEVEL];
      let pre = level;
      if (impDecays && level !== 0) {
        const gap = tEnd - rec[b + R_IMP_LAST_T];
        if (gap > 0) pre = level * Math.exp(-impRate * gap);
      }
      // 4. Fills.
      let pB = 0, pA = 0, bf = 0, af = 0;
      if (fillAtEnd) {
        const mEnd = s + pre;
        if (bidOn) pB = fillProbability(lamA[r] * Math.exp(-k * (mEnd - bid)), dt, linear);
        if (askOn) pA = fillProbability(lamA[r] * Math.exp(-k * (ask - mEnd)), dt, linear);
      } else {
        if (bidOn) {
          if (offB !== rec[b + R_OFF_B]) {
            rec[b + R_OFF_B] = offB;
            rec[b + R_P_B] = fillProbability(lamA[r] * Math.exp(-k * deltaB), dt, linear);
          }
          pB = rec[b + R_P_B];
        }
        if (askOn) {
          if (offA !== rec[b + R_OFF_A]) {
            rec[b + R_OFF_A] = offA;
            rec[b + R_P_A] = fillProbability(lamA[r] * Math.exp(-k * deltaA), dt, linear);
          }
          pA = rec[b + R_P_A];
        }
      }
      if (bidOn) {
        cBidQuote[i] = bid;
        cBidPosted[i] = qb;
        if (uBid < pB) {
          bf = qb;
          const notional = bid * qb * lot;
          cash -= notional;
          cash -= Math.abs(notional) * makerRate;
          cBidFillPrice[i] = bid;
        } else cBidFillPrice[i] = NaN;
      } else {
        cBidQuote[i] = NaN;
        cBidPosted[i] = 0;
        cBidFillPrice[i] = NaN;
      }
      if (askOn) {
        cAskQuote[i] = ask;
        cAskPosted[i] = qa;
        if (uAsk < pA) {
          af = qa;
          const notional = ask * qa * lot;
          cash += notional;
          cash -= Math.abs(notional) * makerRate;
          cAskFillPrice[i] = ask;
        } else cAskFillPrice[i] = NaN;
      } else {
        cAskQuote[i] = NaN;
        cAskPosted[i] = 0;
        cAskFillPrice[i] = NaN;
      }
      cBidFilled[i] = bf;
      cAskFilled[i] = af;
      inv += bf - af;
      // 5. Impact of the net execution (lib/market/impact.ts's models).
      const net = bf - af;
      let cost = 0, offset = pre;
      if (net !== 0 && impKind !== IMP_NONE) {
        const q = net < 0 ? -net : net;
        if (impKind === IMP_AC) {
          level += impA * net;
          cost = lot * q * (impC + impB * q / dt);
          offset = level;
        } else {
          let shift: number;
          if (impKind === IMP_TRANSIENT) {
            shift = impA * net;
            cost = 0.5 * lot * q * (shift < 0 ? -shift : shift);
          } else {
            const im = impA * Math.sqrt(q);
            shift = net > 0 ? im : -im;
            cost = lot * q * im;
          }
          level = pre + shift;
          if (tEnd > rec[b + R_IMP_LAST_T]) rec[b + R_IMP_LAST_T] = tEnd;
          offset = level;
        }
        rec[b + R_IMP_LEVEL] = level;
        cash -= cost;
      }
      const mid = s + offset;
      const pnl = cash + inv * lot * mid;
      cMid[i] = mid;
      cCash[i] = cash;
      cInventory[i] = inv;
      cPnl[i] = pnl;
      cRegime[i] = r;
      cImpact[i] = offset - pre;
      impactCost[i] = cost;
      // 6. Background market orders: buys by inversion of u_flow, sells from its residual.
      const fm = flowMean[r], f0 = flowP0[r];
      let buys = 0, pk = f0, cdf = f0;
      while (uFlow > cdf && buys < 1000) {
        buys++;
        pk *= fm / buys;
        cdf += pk;
      }
      uFlow = (uFlow - (cdf - pk)) / pk;
      let sells = 0;
      pk = f0;
      cdf = f0;
      while (uFlow > cdf && sells < 1000) {
        sells++;
        pk *= fm / sells;
        cdf += pk;
      }
      // Estimators (lib/env/estimators.ts's EWMA formulas), reward, view, observation.
      const dMid = mid - mid0;
      const vv = rec[b + R_VOL_VAR];
      const var1 = vv + volA * (dMid * dMid * invDt - vv);
      rec[b + R_VOL_VAR] = var1;
      const sig = Math.sqrt(var1);
      vSigma[i] = sig;
      const fs0 = rec[b + R_FLOW_S], ft0 = rec[b + R_FLOW_T];
      const fs = fs0 + flowA * (buys - sells - fs0);
      const ft = ft0 + flowA * (buys + sells - ft0);
      rec[b + R_FLOW_S] = fs;
      rec[b + R_FLOW_T] = ft;
      const flowRatio = ft > 0 ? fs / ft : 0;
      // Reward terms (lib/env/reward.ts's writeReward, inlined).
      const rP = wPnl * (pnl - pnl0 + cost);
      const rI = wInv * inv * inv;
      const rV = wVol * sig * (inv < 0 ? -inv : inv);
      const rM = wImp * cost;
      cRewardPnl[i] = rP;
      cRewardInventory[i] = rI;
      cRewardVolatility[i] = rV;
      cRewardImpact[i] = rM;
      rewards[i] = rP - rI - rV - rM;
      vMid[i] = mid;
      vBestBid[i] = mid - halfSpread;
      vBestAsk[i] = mid + halfSpread;
      vTimeLeft[i] = timeLeft;
      const ob = i * OBS_DIM;
      obs[ob + OBS.INVENTORY] = clipObservation(inv * invScale);
      obs[ob + OBS.TIME_LEFT] = timeObs;
      obs[ob + OBS.RETURN] = clipObservation(dMid * retScale);
      obs[ob + OBS.VOLATILITY] = clipObservation(sig * volScale);
      obs[ob + OBS.TRADE_FLOW] = flowRatio;
      obs[ob + OBS.BID_QUEUE] = 1 - pB;
      obs[ob + OBS.ASK_QUEUE] = 1 - pA;
    }
  }

  /**
   * The regime chain's jumps once its holding time has run out (the rare path of step 1):
   * CtmcRegimeModel.advance's draws and arithmetic. Invalidates env i's fill cache.
   */
  #regimeJump(i: number, r: number): number {
    const b = i * REC, w = 32 * i + W_REGIME;
    let left = this.#rec[b + R_REG_LEFT];
    while (left <= 0) {
      r = this.#categorical(this.#jumpRates, r * this.#nr, this.#exit[r], w);
      left += this.#exponential(this.#exit[r], w);
    }
    const rec = this.#rec;
    rec[b + R_REG_LEFT] = left;
    rec[b + R_OFF_B] = NaN;
    rec[b + R_OFF_A] = NaN;
    return r;
  }

  /** `Rng.categorical` over `weights[from .. from + nr)` with total `total`, from stream `w`. */
  #categorical(weights: Float64Array, from: number, total: number, w: number): number {
    const nr = this.#nr;
    let u = xoshiroNext(this.#rec32, w) * U32_TO_UNIT * total;
    for (let j = 0; j < nr - 1; j++) {
      u -= weights[from + j];
      if (u < 0) return j;
    }
    return nr - 1;
  }

  /** `Rng.exponential(rate)` from stream `w` (no draw, Infinity, when rate ≤ 0). */
  #exponential(rate: number, w: number): number {
    if (rate <= 0) return Infinity;
    return -Math.log(1 - xoshiroNext(this.#rec32, w) * U32_TO_UNIT) / rate;
  }
}
