/**
 * The latent price of the book tier: what liquidity providers quote around (the public
 * reference price P) and what informed traders know (the value V), in ticks.
 *
 *     P(t) = P₀ + Σ public news + Σ revealed private news + Σ_trades θ·g(v)·(ε − ε̂) + transient(t)
 *     V(t) = P(t) − transient(t) + Σ private news not yet revealed
 *
 * - Public news: jumps N(0, s_n²) at rate `newsRate`, seen by everyone at once.
 * - Private news: jumps N(0, s_p²) at rate `privateRate`, seen by informed traders (and the
 *   snipers of `snipers.ts`) at once and by the public after an exponential delay of mean
 *   1/`revealRate` (each pending jump is revealed at rate `revealRate`): the source of adverse
 *   selection over seconds, and of latency arbitrage (fast traders take the quotes a jump
 *   left stale before liquidity prices it).
 * - Trade impact: every market order (background, informed or ours) of sign ε and v lots
 *   moves P by θ·g(v)·(ε − ε̂) for good, where ε̂ is the liquidity providers' forecast of that sign
 *   (so a predictable order moves the price less and the price stays a martingale although
 *   signs have long memory: Lillo & Farmer 2004, Bouchaud et al. 2004; the "surprise" or
 *   history-dependent impact model of Bouchaud, Bonart, Donier & Gould 2018, ch. 13) and
 *   g(v) = (v/v̄)^δ, v̄ the mean market-order size. The liquidity providers use a share κ
 *   (`forecastWeight`) of the sign model's forecast E[ε | state]: ε̂ = κ·E[ε | state]. κ = 1
 *   (the default) is the efficient case above: the permanent price is a martingale and the
 *   average response to a trade R(ℓ) = E[ε_t (P_{t+ℓ} − P_t)] is flat in ℓ. κ = 0 is the
 *   raw-sign permanent impact (every order moves the price θ whether predicted or not) and
 *   R(ℓ) grows like 1 + Σ_{k<ℓ} C(k), C the sign autocorrelation. In between, liquidity
 *   providers forecast the flow imperfectly (Lillo & Farmer 2004; Bouchaud et al. 2018, ch.
 *   13, the history-dependent impact's "partial anticipation"): writing ε = E[ε|state] + η,
 *   the surprise is u = ε − κ·E[ε|state] = η + (1 − κ)·E[ε|state], so
 *   E[ε_t u_{t+k}] = (1 − κ)·C(k) for k ≥ 1 and
 *   R(ℓ) = θ·(1 − κ·(1 − V) + (1 − κ)·Σ_{k=1}^{ℓ−1} C(k)) ({@linkcode surpriseResponse};
 *   V = E[η²], the sign model's surprise variance). It also adds a transient
 *   pressure ψ·g(v)·ε that decays exponentially with half-life `transientHalfLife`
 *   (ψ = `transientRatio`·θ), a propagator with kernel G(τ) = θ·1[τ ≥ 0] + ψ·e^(−τ ln2 / h)
 *   for the surprise and raw sign respectively. An uninformed order's impact is permanent
 *   in the value too (V moves with P: the market's consensus is the value, as in propagator
 *   models); an informed order's impact prices in part of its private news instead (V does
 *   not move; the news it priced in moves P no further when it is revealed), so informed
 *   trading makes the price more informative without counting the news twice. With
 *   `informedImpact: "toValue"` an informed order (or a sniper's) moves P at most to V: its
 *   impact prices in no more than the news it traded on. Otherwise (the default) P can pass
 *   V, and on a thin book a race of snipers then runs away: each takes a quote left below V,
 *   pushes P a full θ further past it, the book is re-posted around P, and the next quote
 *   still below V is taken (measured on the AMZN preset: P 90 ticks above the book in 70 ms,
 *   90 % of the 1-s returns' fourth moment from ten such runs in 6.7 hours).
 *
 * Consistency with the configured volatility σ (ticks²/s, before regime multipliers): the
 * variance rates add up, s_n²·newsRate + s_p²·privateRate + Λ_M·θ²·E[(ε − ε̂)²]·E[g²]·E[h²] = σ²,
 * split by `impactShare` (trades) and `privateShare` (private news), the rest public news;
 * Λ_M is the mean rate of market orders. So `volatility` keeps its meaning whatever the
 * flow, and θ follows from it (read {@linkcode LatentFundamental.theta}). With κ < 1,
 * E[(ε − ε̂)²] = 1 − κ(2 − κ)(1 − V) ({@linkcode forecastSurpriseVariance}): the variance
 * of one trade's impact. The impacts are then positively correlated (the predictable part
 * (1 − κ)·E[ε|state] is), so σ² is the variance rate at the scale of one trade (the short
 * end of the signature plot) and the realized variance per second grows with the horizon
 * over the sign memory's span: the signature plot rises, by up to 1 + 2Σ_k corr(u_t, u_{t+k})
 * (a trending price, as real ones are over tens of trades). The calibration matches σ to the
 * realized variance at its horizon, whatever κ.
 *
 * Pace of trading (Dufour & Engle 2000, "Time and the price impact of a trade"): trades that
 * follow each other quickly carry more information, so a market order that comes within
 * `paceWindow` seconds of the previous market order (of anyone) moves P by `paceRatio` times
 * the impact of one that comes later: θ·g(v)·h·(ε − ε̂), h = `paceRatio` or 1. The budget
 * below then counts E[h²] = 1 + (`paceRatio`² − 1)·`paceShare`, `paceShare` the share of
 * market orders that come within the window (the calibration measures it on the tape; a
 * flow whose share differs gives the price another volatility in proportion). With
 * `paceWindow` 0 (the default) every trade has h = 1. θ is the impact of an order that
 * comes after the window.
 *
 * Lumpy impact (`impactLump` h > 0): the liquidity providers price the uninformed flow in
 * lumps — each uninformed order's permanent impact is added to a pool, and P moves only when
 * the pool reaches h ticks in absolute value, by the whole pool, which then empties. The idea
 * is the uncertainty zones of Robert & Rosenbaum (2011): in a large-tick market the quoted
 * price changes only once the efficient price has moved far enough from it, and then by much
 * (on BTCUSDT the mid changes over 8 % of its 0.1-s intervals, by 265 ticks at the median,
 * where every trade moving the price gives 36 % by 89). The impacts' sum is the same, and so
 * is the variance they carry; what changes is when it shows: a trade moves the price a lump
 * or not at all, so the response to a trade is small at the next order and grows over the
 * next ones, as the tape's does. Informed orders and snipers still move P at once (they price
 * in their own news, which the liquidity providers learn from being picked off), and the value
 * V does not include the pool.
 *
 * Regimes multiply the news jumps and the impact of each trade by the volatility
 * multiplier (so the price's volatility scales by it); the trade impact's variance also
 * grows with the flow multiplier (more trades).
 *
 * Assumes: news and trade impact independent; private news revealed whole after an
 * exponential delay; permanent impact linear in the surprise; the pace's effect a step at
 * `paceWindow` (two impact levels, not a curve in the gap); without `impactLump`, every
 * trade moves P at once (in a one-tick market the book follows, so the mid moves a little at
 * most trades, where a real one can be sticky and jump: the realism fact `midChanges`); with
 * it, one fixed lump (not one that depends on the book or the volatility). Ignores: learning from
 * informed trades (the public learns private news at the same rate whatever is traded),
 * intraday seasonality, jumps in the trade impact, mean reversion of the value. Units:
 * ticks, seconds, lots.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import type { Infer } from "../validation.ts";

/**
 * Schema of the latent fundamental (reference price and informed value).
 *
 * @ignore
 */
export const fundamentalConfigSchema = z.strictObject({
  /** Share of the price variance caused by trade impact, in [0, 1). */
  impactShare: z.number().min(0).max(0.99).default(0.85),
  /** Share of the price variance from private news (known first to informed traders). */
  privateShare: z.number().min(0).max(1).default(0.1),
  /** Public news jumps per second. */
  newsRate: z.number().positive().max(1e4).default(1),
  /** Private news jumps per second. */
  privateRate: z.number().positive().max(1e4).default(0.2),
  /** Rate (per second) at which each pending private jump becomes public (mean delay 1/rate). */
  revealRate: z.number().positive().max(1e4).default(0.2),
  /** Exponent δ of the impact's size dependence g(v) = (v / mean size)^δ (0: sign only). */
  sizeExponent: z.number().min(0).max(1).default(0),
  /** Transient pressure per trade as a multiple ψ/θ of the permanent impact θ. */
  transientRatio: z.number().min(0).max(100).default(0),
  /** Half-life of the transient pressure, seconds. */
  transientHalfLife: z.number().positive().max(86_400).default(2),
  /**
   * Window (s) of the pace of trading: a market order within it of the previous one moves
   * the price `paceRatio` times as much (0: off).
   */
  paceWindow: z.number().min(0).max(60).default(0),
  /** Impact of a market order within `paceWindow` of the previous one, over a later one's. */
  paceRatio: z.number().min(0).max(100).default(1),
  /**
   * Share of market orders within `paceWindow` of the previous one, for the variance budget
   * (E[h²] = 1 + (paceRatio² − 1)·paceShare; the calibration measures it on the tape).
   */
  paceShare: z.number().min(0).max(1).default(0),
  /**
   * "surprise" (default): an informed order's permanent impact is θ·g(v)·(ε − ε̂) like any
   * order's; "toValue": the same, but never past the value V it traded on (it prices in at
   * most the private news it knew).
   */
  informedImpact: z.enum(["surprise", "toValue"]).default("surprise"),
  /**
   * κ ∈ [0, 1]: the share of the sign model's forecast the liquidity providers price in,
   * ε̂ = κ·E[ε | state] (1: the efficient, martingale case; 0: raw-sign permanent impact).
   */
  forecastWeight: z.number().min(0).max(1).default(1),
  /**
   * Lumpy impact, ticks (absent or 0: off): the uninformed trades' permanent impacts add up
   * unseen and move P only once their sum reaches this size, all at once (see the module doc).
   */
  impactLump: z.number().min(0).max(1e6).optional(),
});

/** The latent fundamental (see the schema's field docs). */
export type FundamentalConfig = Infer<typeof fundamentalConfigSchema>;

/** What the fundamental needs to know about the rest of the market. */
export interface FundamentalFacts {
  /** Volatility of the price, ticks per √second (before regime multipliers). */
  sigmaTicks: number;
  /** Mean rate of market orders of every origin, per second (at flow multiplier 1). */
  marketOrderRate: number;
  /**
   * E[(ε − E[ε | state])²] of the sign model (1 − 1/N for N metaorders, 1 for iid signs); the
   * fundamental budgets with {@linkcode forecastSurpriseVariance} of it and its κ.
   */
  surpriseVariance: number;
  /** Mean market-order size v̄, lots (the unit of g). */
  meanOrderSize: number;
  /** E[g(v)²] = E[(v/v̄)^(2δ)] (1 when δ = 0). */
  sizeMoment: number;
}

/**
 * The latent price process (see the module doc). Anything that is not the library's
 * default must implement this to replace it.
 */
export interface FundamentalModel {
  /**
   * Whether the reference price moves between the model's own events and trades (e.g. a
   * decaying transient impact); the market then checks for stale quotes after every event.
   */
  readonly continuous: boolean;
  /** Starts at reference = value = `priceTicks`, nothing pending. */
  reset(priceTicks: number): void;
  /**
   * Sets the regime's volatility multiplier: it scales news jumps and the impact of trades
   * (so the price's volatility scales by it).
   */
  setVolMultiplier(multiplier: number): void;
  /** Rate (per second) of the model's own events (news, private news, revelations). */
  eventRate(): number;
  /** Fires one own event at `t` (s); `u` in [0, eventRate()) selects it. */
  fire(u: number, rng: Rng, t: number): void;
  /** Public reference price at `t` (s), ticks. */
  reference(t: number): number;
  /** Value known to informed traders at `t` (s), ticks. */
  value(t: number): number;
  /**
   * A market order of sign `sign` (±1) and `lots` at `t` (s), whose sign was forecast as
   * `expected` ∈ [−1, 1], sent by an informed trader or not: applies its impact; returns
   * the permanent shift of P (ticks).
   */
  onTrade(sign: number, lots: number, expected: number, t: number, informed: boolean): number;
  /**
   * A public quote event (an order placed inside the spread, a deletion at the touch) that
   * moves the public price and the value by `ticks` (optional: ignored when absent).
   */
  onQuote?(ticks: number): void;
}

/**
 * E[(ε − κ·ε̄)²] of signs ε = ±1 whose forecast ε̄ = E[ε | state] has surprise variance
 * V = E[(ε − ε̄)²], the liquidity providers using the share κ of it:
 * 1 − κ(2 − κ)(1 − V) (E[ε·ε̄] = E[ε̄²] = 1 − V). κ = 1 gives V, κ = 0 gives 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forecastSurpriseVariance } from "./fundamental.ts";
 * assert.equal(forecastSurpriseVariance(0.6, 1), 0.6);
 * assert.equal(forecastSurpriseVariance(0.6, 0), 1);
 * assert.ok(Math.abs(forecastSurpriseVariance(0.6, 0.5) - (1 - 0.75 * 0.4)) < 1e-12);
 * ```
 */
export function forecastSurpriseVariance(surpriseVariance: number, kappa: number): number {
  if (!(kappa >= 0 && kappa <= 1)) {
    throw new ValidationError("fundamental.forecastWeight", kappa, "a share in [0, 1]");
  }
  return 1 - kappa * (2 - kappa) * (1 - surpriseVariance);
}

/**
 * E[h²] of the pace of trading's impact multiplier h (`paceRatio` for the share `paceShare`
 * of market orders within `paceWindow` of the previous one, 1 for the others): 1 + (r² −
 * 1)·share; 1 when the window is 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paceMoment } from "./fundamental.ts";
 * assert.equal(paceMoment(0, 3, 0.5), 1); // off
 * assert.equal(paceMoment(0.01, 3, 0.25), 0.75 + 0.25 * 9);
 * ```
 */
export function paceMoment(window: number, ratio: number, share: number): number {
  return window > 0 ? 1 + (ratio * ratio - 1) * share : 1;
}

/**
 * The average response R(ℓ) = E[ε_t (P_{t+ℓ} − P_t)] of the permanent price to a trade, in
 * units of θ, for signs with autocorrelation `c` (c[k − 1] = C(k), k = 1 … ℓ − 1), surprise
 * variance V of their forecast and liquidity providers using the share κ of it (module doc):
 * 1 − κ(1 − V) + (1 − κ)·Σ_{k=1}^{ℓ−1} C(k), for ℓ = 1 … c.length + 1 (news, transient
 * impact and the book left out; sizes of mean g).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { surpriseResponse } from "./fundamental.ts";
 * const c = [0.5, 0.25];
 * assert.deepEqual(Array.from(surpriseResponse(c, 0.7, 1)), [0.7, 0.7, 0.7]); // flat
 * assert.deepEqual(Array.from(surpriseResponse(c, 0.7, 0)), [1, 1.5, 1.75]); // 1 + ΣC
 * ```
 */
export function surpriseResponse(
  c: ArrayLike<number>,
  surpriseVariance: number,
  kappa: number,
): Float64Array {
  const out = new Float64Array(c.length + 1);
  let acc = 1 - kappa * (1 - surpriseVariance);
  out[0] = acc;
  for (let k = 0; k < c.length; k++) out[k + 1] = acc += (1 - kappa) * c[k];
  return out;
}

/**
 * The default latent fundamental (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fundamentalConfigSchema, LatentFundamental } from "./fundamental.ts";
 * const f = new LatentFundamental(fundamentalConfigSchema.parse({ transientRatio: 1 }), {
 *   sigmaTicks: 1, marketOrderRate: 6, surpriseVariance: 2 / 3, meanOrderSize: 4, sizeMoment: 1,
 * });
 * f.reset(10_000);
 * const shift = f.onTrade(1, 4, 0, 0, false); // an unpredicted uninformed buy of a mean size
 * assert.ok(Math.abs(shift - f.theta) < 1e-12);
 * assert.ok(Math.abs(f.reference(0) - (10_000 + 2 * f.theta)) < 1e-9); // + transient θ
 * const h = 2; // default half-life: half the transient is left after 2 s
 * assert.ok(Math.abs(f.reference(h) - (10_000 + 1.5 * f.theta)) < 1e-9);
 * ```
 */
export class LatentFundamental implements FundamentalModel {
  /** Permanent impact θ of a unit surprise of a mean-size order (after the pace window), ticks. */
  readonly theta: number;
  /** Transient impact ψ per unit sign of a mean-size order, ticks. */
  readonly psi: number;
  /** Standard deviation of a public news jump, ticks. */
  readonly newsJump: number;
  /** True when the transient impact is on (the reference price decays between events). */
  readonly continuous: boolean;
  /** Standard deviation of a private news jump, ticks. */
  readonly privateJump: number;
  readonly #newsRate: number;
  readonly #privRate: number;
  readonly #reveal: number;
  readonly #delta: number;
  readonly #vbar: number;
  readonly #decay: number; // ln2 / half-life
  readonly #toValue: boolean;
  readonly #kappa: number;
  readonly #paceWindow: number;
  readonly #paceRatio: number;
  #lastTrade = -Infinity;
  #vol = 1;
  #base = 0;
  #trans = 0;
  #transT = 0;
  #pending = new Float64Array(64);
  #nPending = 0;
  #sumPending = 0;
  #priced = 0; // private news already priced in by informed trades, ticks
  #pool = 0; // uninformed impacts not yet in P (lumpy impact), ticks
  readonly #lump: number;

  /** Creates the model; θ and the news jump sizes follow from the variance budget. */
  constructor(cfg: FundamentalConfig, facts: FundamentalFacts) {
    const s2 = facts.sigmaTicks * facts.sigmaTicks;
    if (!(s2 >= 0) || !Number.isFinite(s2)) {
      throw new ValidationError("sigmaTicks", facts.sigmaTicks, "a finite volatility >= 0");
    }
    if (cfg.impactShare + cfg.privateShare > 1) {
      throw new ValidationError(
        "fundamental.privateShare",
        cfg.privateShare,
        `at most 1 − impactShare = ${1 - cfg.impactShare}`,
      );
    }
    const kappa = cfg.forecastWeight;
    const tradeVar = facts.marketOrderRate *
      forecastSurpriseVariance(facts.surpriseVariance, kappa) * facts.sizeMoment *
      paceMoment(cfg.paceWindow, cfg.paceRatio, cfg.paceShare);
    if (cfg.impactShare > 0 && !(tradeVar > 0)) {
      throw new ValidationError(
        "fundamental.impactShare",
        cfg.impactShare,
        "0 when there are no market orders or their signs are fully predictable",
      );
    }
    this.theta = cfg.impactShare > 0 ? Math.sqrt(cfg.impactShare * s2 / tradeVar) : 0;
    this.psi = cfg.transientRatio * this.theta;
    this.continuous = this.psi !== 0;
    const newsVar = Math.max(0, 1 - cfg.impactShare - cfg.privateShare) * s2;
    this.newsJump = Math.sqrt(newsVar / cfg.newsRate);
    this.privateJump = Math.sqrt(cfg.privateShare * s2 / cfg.privateRate);
    this.#newsRate = newsVar > 0 ? cfg.newsRate : 0;
    this.#privRate = cfg.privateShare > 0 ? cfg.privateRate : 0;
    this.#reveal = cfg.revealRate;
    this.#delta = cfg.sizeExponent;
    this.#vbar = facts.meanOrderSize;
    this.#decay = Math.LN2 / cfg.transientHalfLife;
    this.#toValue = cfg.informedImpact === "toValue";
    this.#lump = cfg.impactLump ?? 0;
    this.#kappa = kappa;
    this.#paceWindow = cfg.paceWindow;
    this.#paceRatio = cfg.paceRatio;
  }

  /** Private news not yet in the public price, ticks (V − P + transient). */
  get pending(): number {
    return this.#sumPending - this.#priced;
  }

  /** Number of private jumps not yet public. */
  get pendingCount(): number {
    return this.#nPending;
  }

  reset(priceTicks: number): void {
    this.#base = priceTicks;
    this.#trans = 0;
    this.#transT = 0;
    this.#nPending = 0;
    this.#sumPending = 0;
    this.#priced = 0;
    this.#pool = 0;
    this.#lastTrade = -Infinity;
  }

  setVolMultiplier(multiplier: number): void {
    this.#vol = multiplier;
  }

  eventRate(): number {
    return this.#newsRate + this.#privRate + this.#reveal * this.#nPending;
  }

  fire(u: number, rng: Rng, _t: number): void {
    if (u < this.#newsRate) {
      this.#base += this.newsJump * this.#vol * rng.normal();
      return;
    }
    u -= this.#newsRate;
    if (u < this.#privRate || this.#nPending === 0) {
      const j = this.privateJump * this.#vol * rng.normal();
      if (this.#nPending === this.#pending.length) {
        const a = new Float64Array(this.#pending.length * 2);
        a.set(this.#pending);
        this.#pending = a;
      }
      this.#pending[this.#nPending++] = j;
      this.#sumPending += j;
      return;
    }
    // reveal one pending jump, uniformly (each has the same revelation hazard)
    const k = Math.floor(rng.next() * this.#nPending);
    const j = this.#pending[k];
    this.#pending[k] = this.#pending[--this.#nPending];
    // the part of this news that informed trades already priced in does not move P again
    const a = this.#priced;
    const used = a * j > 0 ? (Math.abs(a) < Math.abs(j) ? a : j) : 0;
    this.#priced = a - used;
    this.#base += j - used;
    this.#sumPending = this.#nPending === 0 ? 0 : this.#sumPending - j;
  }

  reference(t: number): number {
    return this.#base + this.#transientAt(t);
  }

  value(_t: number): number {
    return this.#base + this.#sumPending - this.#priced;
  }

  onQuote(ticks: number): void {
    this.#base += ticks;
  }

  onTrade(sign: number, lots: number, expected: number, t: number, informed: boolean): number {
    let g = this.#vol * (this.#delta === 0 ? 1 : Math.pow(lots / this.#vbar, this.#delta));
    if (t - this.#lastTrade < this.#paceWindow) g *= this.#paceRatio;
    this.#lastTrade = t;
    let shift = this.theta * g * (sign - this.#kappa * expected);
    if (informed && this.#toValue) {
      // at most the private news not yet priced (V − P without the transient), never past V
      const gap = this.#sumPending - this.#priced;
      shift = shift > 0 ? Math.min(shift, Math.max(0, gap)) : Math.max(shift, Math.min(0, gap));
    }
    if (this.#lump > 0 && !informed) {
      // lumpy impact: P moves once the uninformed impacts not yet priced add up to the lump
      this.#pool += shift;
      if (Math.abs(this.#pool) < this.#lump) shift = 0;
      else {
        shift = this.#pool;
        this.#pool = 0;
      }
    }
    this.#base += shift;
    if (informed) this.#priced += shift;
    if (this.psi !== 0) {
      this.#trans = this.#transientAt(t) + this.psi * g * sign;
      this.#transT = t;
    }
    return shift;
  }

  #transientAt(t: number): number {
    const x = this.#trans;
    if (x === 0) return 0;
    const gap = t - this.#transT;
    return gap > 0 ? x * Math.exp(-this.#decay * gap) : x;
  }
}
