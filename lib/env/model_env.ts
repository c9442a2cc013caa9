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
 * regime clock, estimators, impact level, fill-probability cache, the step stream) sits in
 * one 96-byte record per env, so a step streams through one internal array; the regime
 * stream and the decaying impact's clock, touched only on jumps and trades, sit apart.
 *
 * Observation slots (see {@linkcode OBS}): SPREAD is the nominal `model.marketSpreadTicks`/10;
 * IMBALANCE is 0; BID_QUEUE / ASK_QUEUE are 1 − the fill probability of this step's
 * quote (1 when not quoted). The view's best bid/ask are mid ∓ half the nominal spread.
 *
 * @module
 */
import { resetStepRow } from "./columns.ts";
import { resetObservationRow } from "./observation.ts";
import { createImpactModel, impactMarketFromConfig } from "../market/impact.ts";
import { createRegimeModel } from "../market/regimes.ts";
import { fillProbability } from "../market/fill_probability.ts";
import { seedXoshiro, U32_TO_UNIT, xoshiroNext } from "../rng/xoshiro.ts";
import { validateActions } from "./action.ts";
import { type EnvConfig, sigmaPerSqrtSecond } from "./config.ts";
import { ewmaAlpha, FLOW_HALF_LIFE_S, VOL_HALF_LIFE_S } from "./estimators.ts";
import type { EnvArraySpec, EnvMemory } from "./memory.ts";
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
  /**
   * Step the envs from the last to the first (default: first to last). The results are the
   * same bits either way (envs are independent); a `ParallelVecEnv` steps neighbouring shards
   * in opposite directions, away from the seam between them (see `stepOrderOfShard`).
   */
  descending?: boolean;
}

// Internal record of one env: REC Float64 slots (96 bytes), the last two holding the step
// stream's 4×32-bit state (read through an Int32Array view of the same buffer). The regime
// stream and the decaying impact's clock, rarely touched, live in arrays of their own.
const REC = 12;
const R_FUND = 0;
const R_REG_LEFT = 1;
const R_VOL_VAR = 2;
const R_FLOW_S = 3;
const R_FLOW_T = 4;
const R_IMP_LEVEL = 5;
const R_OFF_B = 6;
const R_P_B = 7;
const R_OFF_A = 8;
const R_P_A = 9;
/** Int32 index of the step stream within a record (record i starts at Int32 index 24·i). */
const W_STEP = 20;
/** Int32 words per record. */
const REC32 = 2 * REC;

/**
 * The model tier's internal per-env arrays, allocated from its {@linkcode EnvMemory} with the
 * contract's (one arena by default): the 96-byte record, the regime stream (4 words), the
 * decaying impact's clock and the scratch copy of non-Float64Array actions.
 */
export const MODEL_STATE_ARRAYS: readonly EnvArraySpec[] = [
  { name: "model.record", type: "f64", perEnv: REC },
  { name: "model.regimeStream", type: "i32", perEnv: 4 },
  { name: "model.impactClock", type: "f64", perEnv: 1 },
  { name: "model.actions", type: "f64", perEnv: ACT_DIM },
];

// The step's constants, read from one Float64Array so that V8 keeps them as doubles (a
// number read from a config object is a tagged value, and a tagged operand of a ternary made
// V8 box its result on every iteration).
const K_DT = 0;
const K_TICK = 1;
const K_LOT = 2;
const K_MAX_INV = 3;
const K_MAX_OFF = 4;
const K_MIN_OFF = 5;
const K_MAX_SIZE = 6;
const K_K = 7;
const K_SIGMA0 = 8;
const K_HALF_SPREAD = 9;
const K_DURATION = 10;
const K_MAKER = 11;
const K_VOL_A = 12;
const K_FLOW_A = 13;
const K_W_PNL = 14;
const K_W_INV = 15;
const K_W_VOL = 16;
const K_W_IMP = 17;
const K_IMP_A = 18;
const K_IMP_B = 19;
const K_IMP_C = 20;
const K_IMP_RATE = 21;
const K_COUNT = 22;

// Impact model codes.
const IMP_NONE = 0;
const IMP_AC = 1;
const IMP_SQRT = 2;
const IMP_TRANSIENT = 3;

// Acklam's inverse normal: the constants and expressions of `normalFromUniform`, inlined in
// the kernel (a call there would make V8 box the result and reload every array's map).
const A1 = -3.969683028665376e1, A2 = 2.209460984245205e2, A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2, A5 = -3.066479806614716e1, A6 = 2.506628277459239;
const B1 = -5.447609879822406e1, B2 = 1.615858368580409e2, B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1, B5 = -1.328068155288572e1;
const C1 = -7.784894002430293e-3, C2 = -3.223964580411365e-1, C3 = -2.400758277161838;
const C4 = -2.549732539343734, C5 = 4.374664141464968, C6 = 2.938163982698783;
const D1 = 7.784695709041462e-3, D2 = 3.224671290700398e-1, D3 = 2.445134137142996;
const D4 = 3.754408661907416;
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
  // The arrays of the hot loop, each in a field of its own (V8 then knows their maps).
  readonly #c_mid: Float64Array;
  readonly #c_cash: Float64Array;
  readonly #c_inventory: Float64Array;
  readonly #c_pnl: Float64Array;
  readonly #c_bidQuote: Float64Array;
  readonly #c_askQuote: Float64Array;
  readonly #c_bidPosted: Float64Array;
  readonly #c_askPosted: Float64Array;
  readonly #c_bidFilled: Float64Array;
  readonly #c_askFilled: Float64Array;
  readonly #c_bidFillPrice: Float64Array;
  readonly #c_askFillPrice: Float64Array;
  readonly #c_impact: Float64Array;
  readonly #c_rewardPnl: Float64Array;
  readonly #c_rewardInventory: Float64Array;
  readonly #c_rewardVolatility: Float64Array;
  readonly #c_rewardImpact: Float64Array;
  readonly #c_regime: Int32Array;
  readonly #v_mid: Float64Array;
  readonly #v_bestBid: Float64Array;
  readonly #v_bestAsk: Float64Array;
  readonly #v_timeLeft: Float64Array;
  readonly #v_sigma: Float64Array;
  readonly #obs: Float64Array;
  readonly #rewards: Float64Array;
  readonly #impactCost: Float64Array;
  readonly #rec: Float64Array;
  readonly #rec32: Int32Array;
  /** Regime stream of each env (4 words each). */
  readonly #regRng: Int32Array;
  /** Time of the last trade of each env (decaying impact). */
  readonly #impLast: Float64Array;
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
  readonly #impKind: number;
  readonly #sigma0: number;
  /** The step's numeric constants (indices K_*). */
  readonly #num: Float64Array = new Float64Array(K_COUNT);
  readonly #linear: boolean;
  readonly #descending: boolean;
  readonly #binomial: boolean;
  readonly #fillAtEnd: boolean;

  /**
   * Creates `numEnvs` environments running `config` (call {@linkcode reset} before
   * stepping); `options.memory` says where the VecEnv arrays live.
   */
  constructor(config: EnvConfig, numEnvs: number, options: ModelEnvOptions = {}) {
    super(config, numEnvs, MAX_MODEL_ENVS, "ModelVecEnv", options.memory, MODEL_STATE_ARRAYS);
    const n = numEnvs;
    const m = config.model;
    this.#c_mid = this.cols.mid;
    this.#c_cash = this.cols.cash;
    this.#c_inventory = this.cols.inventory;
    this.#c_pnl = this.cols.pnl;
    this.#c_bidQuote = this.cols.bidQuote;
    this.#c_askQuote = this.cols.askQuote;
    this.#c_bidPosted = this.cols.bidPosted;
    this.#c_askPosted = this.cols.askPosted;
    this.#c_bidFilled = this.cols.bidFilled;
    this.#c_askFilled = this.cols.askFilled;
    this.#c_bidFillPrice = this.cols.bidFillPrice;
    this.#c_askFillPrice = this.cols.askFillPrice;
    this.#c_impact = this.cols.impact;
    this.#c_rewardPnl = this.cols.rewardPnl;
    this.#c_rewardInventory = this.cols.rewardInventory;
    this.#c_rewardVolatility = this.cols.rewardVolatility;
    this.#c_rewardImpact = this.cols.rewardImpact;
    this.#c_regime = this.cols.regime;
    this.#v_mid = this.agentView.mid;
    this.#v_bestBid = this.agentView.bestBid;
    this.#v_bestAsk = this.agentView.bestAsk;
    this.#v_timeLeft = this.agentView.timeLeft;
    this.#v_sigma = this.agentView.sigma;
    this.#obs = this.observations;
    this.#rewards = this.rewards;
    this.#impactCost = this.impactCost;
    const mem = this.memory;
    this.#rec = mem.f64("model.record", REC);
    this.#rec32 = new Int32Array(this.#rec.buffer, this.#rec.byteOffset, 2 * n * REC);
    this.#regRng = mem.i32("model.regimeStream", 4);
    this.#impLast = mem.f64("model.impactClock", 1);
    this.#scratch = mem.f64("model.actions", ACT_DIM);
    this.#sigma0 = sigmaPerSqrtSecond(config);
    const K = this.#num;
    K[K_DT] = config.dt;
    K[K_TICK] = config.tickSize;
    K[K_LOT] = config.lotSize;
    K[K_MAX_INV] = config.maxInventory;
    K[K_MAX_OFF] = config.maxOffsetTicks;
    K[K_MIN_OFF] = m.allowCrossing ? -config.maxOffsetTicks : 0;
    K[K_MAX_SIZE] = config.maxQuoteSize;
    K[K_K] = m.k;
    K[K_SIGMA0] = this.#sigma0;
    K[K_HALF_SPREAD] = 0.5 * m.marketSpreadTicks * config.tickSize;
    K[K_DURATION] = config.duration;
    K[K_MAKER] = config.fees.makerRate;
    K[K_VOL_A] = ewmaAlpha(config.dt, VOL_HALF_LIFE_S);
    K[K_FLOW_A] = ewmaAlpha(config.dt, FLOW_HALF_LIFE_S);
    const w = rewardWeights(config);
    K[K_W_PNL] = w.pnl;
    K[K_W_INV] = w.inventory;
    K[K_W_VOL] = w.volatility;
    K[K_W_IMP] = w.impact;
    this.#linear = m.fillRule === "linear";
    this.#descending = options.descending === true;
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
    switch (imp.model) {
      case "none":
        this.#impKind = IMP_NONE;
        break;
      case "almgren-chriss":
        this.#impKind = IMP_AC;
        K[K_IMP_A] = imp.permanent;
        K[K_IMP_B] = imp.temporary;
        K[K_IMP_C] = imp.fixed;
        break;
      case "sqrt":
        this.#impKind = IMP_SQRT;
        K[K_IMP_A] = imp.sqrtY * market.sigmaDaily / Math.sqrt(imp.dailyVolume);
        K[K_IMP_RATE] = Math.LN2 / imp.halfLife;
        break;
      default:
        this.#impKind = IMP_TRANSIENT;
        K[K_IMP_A] = imp.transientPerLot;
        K[K_IMP_RATE] = Math.LN2 / imp.halfLife;
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
      const b = i * REC;
      rec.fill(0, b, b + REC);
      this.#impLast[i] = 0;
      seedXoshiro(rec32, REC32 * i + W_STEP, seeds[i], MODEL_STREAMS.step);
      seedXoshiro(this.#regRng, 4 * i, seeds[i], MODEL_STREAMS.regime);
      // Initial regime and holding time: CtmcRegimeModel.reset's draws.
      let r = this.#initialRegime;
      if (r < 0) r = this.#categorical(this.#pi, 0, 1, 4 * i);
      rec[b + R_REG_LEFT] = this.#exponential(this.#exit[r], 4 * i);
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
    const cMid = this.#c_mid, cCash = this.#c_cash;
    const cInventory = this.#c_inventory, cPnl = this.#c_pnl;
    const cBidQuote = this.#c_bidQuote, cAskQuote = this.#c_askQuote;
    const cBidPosted = this.#c_bidPosted, cAskPosted = this.#c_askPosted;
    const cBidFilled = this.#c_bidFilled, cAskFilled = this.#c_askFilled;
    const cBidFillPrice = this.#c_bidFillPrice, cAskFillPrice = this.#c_askFillPrice;
    const cRegime = this.#c_regime, cImpact = this.#c_impact;
    const cRewardPnl = this.#c_rewardPnl, cRewardInventory = this.#c_rewardInventory;
    const cRewardVolatility = this.#c_rewardVolatility, cRewardImpact = this.#c_rewardImpact;
    const vMid = this.#v_mid, vBestBid = this.#v_bestBid, vBestAsk = this.#v_bestAsk;
    const vTimeLeft = this.#v_timeLeft, vSigma = this.#v_sigma;
    const obs = this.#obs;
    const rewards = this.#rewards;
    const impactCost = this.#impactCost;
    const rec = this.#rec, rec32 = this.#rec32, impLast = this.#impLast;
    const K = this.#num;
    const dt = K[K_DT];
    const invDt = 1 / dt;
    const tick = K[K_TICK];
    const lot = K[K_LOT];
    const maxInv = K[K_MAX_INV];
    const invScale = 1 / maxInv;
    const maxOff = K[K_MAX_OFF], minOff = K[K_MIN_OFF];
    const maxSize = K[K_MAX_SIZE];
    const k = K[K_K];
    const linear = this.#linear, binomial = this.#binomial, fillAtEnd = this.#fillAtEnd;
    const sigma0 = K[K_SIGMA0];
    const retScale = sigma0 > 0 ? 1 / (sigma0 * Math.sqrt(dt)) : 0;
    const volScale = sigma0 > 0 ? 1 / sigma0 : 0;
    const halfSpread = K[K_HALF_SPREAD];
    const duration = K[K_DURATION];
    const tEnd = stepIndex * dt;
    const timeLeft = duration - tEnd > 0 ? duration - tEnd : 0;
    const timeObs = timeLeft / duration;
    const regimesMove = this.#regimesMove;
    const sigStep = this.#sigStep, lamA = this.#lamA;
    const flowMean = this.#flowMean, flowP0 = this.#flowP0;
    const makerRate = K[K_MAKER];
    const volA = K[K_VOL_A], flowA = K[K_FLOW_A];
    const wPnl = K[K_W_PNL], wInv = K[K_W_INV], wVol = K[K_W_VOL], wImp = K[K_W_IMP];
    const impKind = this.#impKind;
    const impDecays = impKind >= IMP_SQRT;
    const impA = K[K_IMP_A], impB = K[K_IMP_B], impC = K[K_IMP_C], impRate = K[K_IMP_RATE];
    // Module constants as locals: V8 reloads and re-checks a module binding (or an imported
    // object's property) at each use in a loop, a local is a plain value.
    const RS = REC, WS = W_STEP, U2F = U32_TO_UNIT, AD = ACT_DIM, OD = OBS_DIM;
    const FUND = R_FUND, REG_LEFT = R_REG_LEFT, VOL_VAR = R_VOL_VAR;
    const FLOW_S = R_FLOW_S, FLOW_T = R_FLOW_T, IMP_LEVEL = R_IMP_LEVEL, RS32 = REC32;
    const OFF_B = R_OFF_B, P_B = R_P_B, OFF_A = R_OFF_A, P_A = R_P_A;
    const A_BO = ACT.BID_OFFSET, A_AO = ACT.ASK_OFFSET, A_BS = ACT.BID_SIZE, A_AS = ACT.ASK_SIZE;
    const O_INV = OBS.INVENTORY, O_TIME = OBS.TIME_LEFT, O_RET = OBS.RETURN;
    const O_VOL = OBS.VOLATILITY, O_FLOW = OBS.TRADE_FLOW;
    const O_BQ = OBS.BID_QUEUE, O_AQ = OBS.ASK_QUEUE;
    const pLow = P_LOW, pHigh = P_HIGH, uShift = U_SHIFT;
    const impNone = IMP_NONE, impAc = IMP_AC, impTransient = IMP_TRANSIENT;
    // A loop, not TypedArray.fill: that builtin is a C++ call costing more than N = 1's step.
    for (let i = 0; i < n; i++) vTimeLeft[i] = timeLeft;
    // 1. Regimes over the step (CtmcRegimeModel.advance(dt)), in a loop of their own so
    // that the main loop calls no function: the regime reached goes into `columns.regime`.
    if (regimesMove) {
      for (let i = 0, b = REG_LEFT; i < n; i++, b += RS) {
        const left = rec[b] - dt;
        rec[b] = left;
        if (left <= 0) cRegime[i] = this.#regimeJump(i, cRegime[i]);
      }
    }
    // Env i = first + c·dir: 0 … n−1, or n−1 … 0 (the same work, the same bits).
    const first = this.#descending ? n - 1 : 0, dir = this.#descending ? -1 : 1;
    for (let c = 0, i = first; c < n; c++, i += dir) {
      const b = i * RS;
      const a = i * AD;
      const mid0 = cMid[i];
      let inv = cInventory[i];
      let cash = cCash[i];
      const pnl0 = cPnl[i];
      const r = cRegime[i];
      // The step's four uniforms, from the env's step stream (xoshiro128**, inlined).
      const o = RS32 * i + WS;
      let s0 = rec32[o], s1 = rec32[o + 1], s2 = rec32[o + 2], s3 = rec32[o + 3];
      let x = Math.imul(s1, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      let t = s1 << 9;
      s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
      const uBid = (x >>> 0) * U2F;
      x = Math.imul(s1, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
      const uAsk = (x >>> 0) * U2F;
      x = Math.imul(s1, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
      const uPrice = (x >>> 0) * U2F;
      x = Math.imul(s1, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
      let uFlow = (x >>> 0) * U2F;
      rec32[o] = s0, rec32[o + 1] = s1, rec32[o + 2] = s2, rec32[o + 3] = s3;
      // 2. Quotes.
      let qb = act[a + A_BS];
      qb = Math.round(qb < 0 ? 0 : qb > maxSize ? maxSize : qb);
      let qa = act[a + A_AS];
      qa = Math.round(qa < 0 ? 0 : qa > maxSize ? maxSize : qa);
      const bidOn = qb > 0 && inv + qb <= maxInv;
      const askOn = qa > 0 && inv - qa >= -maxInv;
      let offB = act[a + A_BO];
      offB = offB > maxOff ? maxOff : offB < minOff ? minOff : offB;
      let offA = act[a + A_AO];
      offA = offA > maxOff ? maxOff : offA < minOff ? minOff : offA;
      const deltaB = offB * tick, deltaA = offA * tick;
      const bid = mid0 - deltaB, ask = mid0 + deltaA;
      // 3. Fundamental.
      const sigmaStep = sigStep[r];
      let move: number;
      if (binomial) move = uPrice < 0.5 ? -sigmaStep : sigmaStep;
      else {
        const p = uPrice + uShift;
        let z: number;
        if (p >= pLow && p <= pHigh) {
          const q = p - 0.5;
          const rr = q * q;
          z = (((((A1 * rr + A2) * rr + A3) * rr + A4) * rr + A5) * rr + A6) * q /
            (((((B1 * rr + B2) * rr + B3) * rr + B4) * rr + B5) * rr + 1);
        } else if (p < pLow) {
          const q = Math.sqrt(-2 * Math.log(p));
          z = (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) /
            ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
        } else {
          const q = Math.sqrt(-2 * Math.log(1 - p));
          z = -(((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) /
            ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
        }
        move = sigmaStep * z;
      }
      const s = rec[b + FUND] + move;
      rec[b + FUND] = s;
      // Impact offset before this step's trades (at the step's end time).
      let level = rec[b + IMP_LEVEL];
      let pre = level;
      if (impDecays && level !== 0) {
        const gap = tEnd - impLast[i];
        if (gap > 0) pre = level * Math.exp(-impRate * gap);
      }
      // 4. Fills.
      let pB = 0, pA = 0, bf = 0, af = 0;
      if (fillAtEnd) {
        const mEnd = s + pre;
        if (bidOn) {
          const x = lamA[r] * Math.exp(-k * (mEnd - bid)) * dt;
          pB = linear ? (x < 1 ? x : 1) : -Math.expm1(-x);
        }
        if (askOn) {
          const x = lamA[r] * Math.exp(-k * (ask - mEnd)) * dt;
          pA = linear ? (x < 1 ? x : 1) : -Math.expm1(-x);
        }
      } else {
        if (bidOn) {
          if (offB !== rec[b + OFF_B]) {
            rec[b + OFF_B] = offB;
            const x = lamA[r] * Math.exp(-k * deltaB) * dt;
            rec[b + P_B] = linear ? (x < 1 ? x : 1) : -Math.expm1(-x);
          }
          pB = rec[b + P_B];
        }
        if (askOn) {
          if (offA !== rec[b + OFF_A]) {
            rec[b + OFF_A] = offA;
            const x = lamA[r] * Math.exp(-k * deltaA) * dt;
            rec[b + P_A] = linear ? (x < 1 ? x : 1) : -Math.expm1(-x);
          }
          pA = rec[b + P_A];
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
      if (net !== 0 && impKind !== impNone) {
        const q = net < 0 ? -net : net;
        if (impKind === impAc) {
          level += impA * net;
          cost = lot * q * (impC + impB * q / dt);
          offset = level;
        } else {
          let shift: number;
          if (impKind === impTransient) {
            shift = impA * net;
            cost = 0.5 * lot * q * (shift < 0 ? -shift : shift);
          } else {
            const im = impA * Math.sqrt(q);
            shift = net > 0 ? im : -im;
            cost = lot * q * im;
          }
          level = pre + shift;
          if (tEnd > impLast[i]) impLast[i] = tEnd;
          offset = level;
        }
        rec[b + IMP_LEVEL] = level;
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
      const vv = rec[b + VOL_VAR];
      const var1 = vv + volA * (dMid * dMid * invDt - vv);
      rec[b + VOL_VAR] = var1;
      const sig = Math.sqrt(var1);
      vSigma[i] = sig;
      const fs0 = rec[b + FLOW_S], ft0 = rec[b + FLOW_T];
      const fs = fs0 + flowA * (buys - sells - fs0);
      const ft = ft0 + flowA * (buys + sells - ft0);
      rec[b + FLOW_S] = fs;
      rec[b + FLOW_T] = ft;
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
      const ob = i * OD;
      // Observations clipped to ±5 (clipObservation's bounds, written out).
      const oi = inv * invScale;
      obs[ob + O_INV] = oi < -5 ? -5 : oi > 5 ? 5 : oi;
      obs[ob + O_TIME] = timeObs;
      const or = dMid * retScale;
      obs[ob + O_RET] = or < -5 ? -5 : or > 5 ? 5 : or;
      const ov = sig * volScale;
      obs[ob + O_VOL] = ov < -5 ? -5 : ov > 5 ? 5 : ov;
      obs[ob + O_FLOW] = flowRatio;
      obs[ob + O_BQ] = 1 - pB;
      obs[ob + O_AQ] = 1 - pA;
    }
  }

  /**
   * The regime chain's jumps once its holding time has run out (the rare path of step 1):
   * CtmcRegimeModel.advance's draws and arithmetic. Invalidates env i's fill cache.
   */
  #regimeJump(i: number, r: number): number {
    const b = i * REC, w = 4 * i;
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

  /**
   * `Rng.categorical` over `weights[from .. from + nr)` with total `total`, from the regime
   * stream at `#regRng[w ..]`.
   */
  #categorical(weights: Float64Array, from: number, total: number, w: number): number {
    const nr = this.#nr;
    let u = xoshiroNext(this.#regRng, w) * U32_TO_UNIT * total;
    for (let j = 0; j < nr - 1; j++) {
      u -= weights[from + j];
      if (u < 0) return j;
    }
    return nr - 1;
  }

  /** `Rng.exponential(rate)` from the regime stream at `w` (no draw, Infinity, when rate ≤ 0). */
  #exponential(rate: number, w: number): number {
    if (rate <= 0) return Infinity;
    return -Math.log(1 - xoshiroNext(this.#regRng, w) * U32_TO_UNIT) / rate;
  }
}
