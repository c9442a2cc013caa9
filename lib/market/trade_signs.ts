/**
 * Signs of uninformed market orders (+1 buy, −1 sell), with long memory.
 *
 * `"metaorders"` (the default) is the order-splitting model of Lillo, Mike & Farmer (2005):
 * `metaorders` traders each work a hidden metaorder of L child orders, all of one sign
 * drawn at random; each market order comes from one of them chosen uniformly; a finished
 * metaorder is replaced at once by a new one. With lengths of Pareto tail P(L > x) ~ x^(−a),
 * the sign autocorrelation decays as a power law C(ℓ) ~ ℓ^(−(a − 1)) (a = 1.5 gives the
 * empirical γ ≈ 0.5 of Lillo & Farmer 2004). {@linkcode metaorderSignAutocorrelation} gives
 * C(ℓ) exactly for the discretised, truncated lengths used here.
 *
 * `persistence` ρ adds the first lags' order splitting on top: with probability ρ the next
 * market order comes from the same metaorder as the previous one (a trader slicing an order
 * into consecutive prints), else from one chosen uniformly (as above). With ρ > 0 the slot
 * choice is a Markov chain and C(1) can reach 1 for any N (ρ = 0 is the model above, whose
 * C(ℓ) ≤ 1/N); the long-memory tail is unchanged.
 *
 * `"iid"`: independent fair signs (C(ℓ) = 0), as in zero-intelligence models.
 *
 * The model also forecasts the next sign: {@linkcode TradeSignModel.expected} is E[ε | the
 * active metaorders] = the mean of their signs, the best forecast the model allows. The
 * market's impact model moves the price by the surprise ε − E[ε], which keeps the price a
 * martingale although signs are predictable (the "efficient market" resolution of the
 * long-memory puzzle, Bouchaud, Gefen, Potters & Wyart 2004; Lillo & Farmer 2004).
 *
 * Assumes: a fixed number of concurrently active metaorders, chosen uniformly; lengths
 * independent of sign and of time; lengths counted in child orders (event time).
 * Ignores: metaorder sizes in shares and the participation rate, traders who stop early,
 * any dependence on the price. Units: signs ±1; lengths in market orders.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import type { Infer } from "../validation.ts";

/**
 * Schema of the sign model of uninformed market orders.
 *
 * @ignore
 */
export const tradeSignConfigSchema = z.strictObject({
  /** "metaorders": long memory by order splitting (Lillo–Mike–Farmer); "iid": fair coin. */
  kind: z.enum(["metaorders", "iid"]).default("metaorders"),
  /** Number of metaorders active at any time, N. */
  metaorders: z.number().int().min(1).max(1_000).default(4),
  /** Tail exponent a of the metaorder length, P(L > x) ~ x^(−a); C(ℓ) ~ ℓ^(−(a−1)). */
  lengthTail: z.number().min(1.05).max(10).default(1.5),
  /** Smallest metaorder length, child orders (the Pareto scale). */
  minLength: z.number().min(1).max(1e4).default(2),
  /** Largest metaorder length, child orders (truncation, keeps every moment finite). */
  maxLength: z.number().int().min(1).max(1e7).default(10_000),
  /**
   * Persistence ρ ∈ [0, 1): probability that a market order comes from the same metaorder as
   * the previous one before the uniform choice (consecutive prints of one trader).
   */
  persistence: z.number().min(0).max(0.99).default(0),
});

/** The sign model of uninformed market orders (see the schema's field docs). */
export type TradeSignConfig = Infer<typeof tradeSignConfigSchema>;

/** Draws signs of uninformed market orders and forecasts the next one. */
export interface TradeSignModel {
  /**
   * E[(ε − E[ε | state])²], the variance of the sign's surprise (1 − 1/N for N metaorders
   * without persistence, 1 − ρ² − (1 − ρ²)/N with it; 1 for independent signs): the market's impact model budgets volatility with it.
   */
  readonly surpriseVariance: number;
  /** Starts a new path (stationary state). */
  reset(rng: Rng): void;
  /** E[next sign | state] ∈ [−1, 1] (the forecast liquidity providers are assumed to hold). */
  expected(): number;
  /** Draws the next sign (+1 or −1) and advances the state. */
  next(rng: Rng): number;
}

/** Independent fair signs. */
class IidSigns implements TradeSignModel {
  readonly surpriseVariance = 1;
  reset(): void {}
  expected(): number {
    return 0;
  }
  next(rng: Rng): number {
    return rng.next() < 0.5 ? 1 : -1;
  }
}

/**
 * The Lillo–Mike–Farmer order-splitting sign process (see the module doc). Slot state in
 * typed arrays; O(1) per sign; allocation-free.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MetaorderSigns, tradeSignConfigSchema } from "./trade_signs.ts";
 * import { Rng } from "../rng/rng.ts";
 * const signs = new MetaorderSigns(tradeSignConfigSchema.parse({}));
 * const rng = new Rng(3);
 * signs.reset(rng);
 * let same = 0, prev = signs.next(rng);
 * for (let i = 0; i < 20_000; i++) {
 *   const s = signs.next(rng);
 *   if (s === prev) same++;
 *   prev = s;
 * }
 * assert.ok(same / 20_000 > 0.55); // C(1) ≈ 0.21: P(same sign) = (1 + C(1))/2 ≈ 0.6
 * ```
 */
export class MetaorderSigns implements TradeSignModel {
  readonly surpriseVariance: number;
  readonly #sign: Int8Array;
  readonly #left: Float64Array;
  #sum = 0;
  #last = 0;
  readonly #n: number;
  readonly #rho: number;
  readonly #a: number;
  readonly #lmin: number;
  readonly #lmax: number;

  /** Creates the process from its config. */
  constructor(cfg: TradeSignConfig) {
    if (cfg.maxLength < cfg.minLength) {
      throw new ValidationError(
        "signs.maxLength",
        cfg.maxLength,
        `>= minLength (${cfg.minLength})`,
      );
    }
    this.#n = cfg.metaorders;
    const rho = cfg.persistence;
    this.#rho = rho;
    // E[E[ε|state]²] = ρ² + 2ρ(1 − ρ)/N + (1 − ρ)²/N (the slots' signs are independent)
    this.surpriseVariance = 1 - rho * rho - (1 - rho * rho) / cfg.metaorders;
    this.#a = cfg.lengthTail;
    this.#lmin = cfg.minLength;
    this.#lmax = cfg.maxLength;
    this.#sign = new Int8Array(this.#n);
    this.#left = new Float64Array(this.#n);
  }

  /**
   * Starts every slot in its stationary state: a metaorder drawn length-biased (the one
   * covering a random instant) with a uniform number of child orders left.
   */
  reset(rng: Rng): void {
    let sum = 0;
    for (let s = 0; s < this.#n; s++) {
      const sign = rng.next() < 0.5 ? 1 : -1;
      this.#sign[s] = sign;
      sum += sign;
      const len = this.#biasedLength(rng);
      this.#left[s] = 1 + Math.floor(rng.next() * len);
    }
    this.#sum = sum;
    // the previous order's slot (drawn only with persistence: without it the path is the
    // model's without persistence, draw for draw)
    this.#last = this.#rho > 0 ? Math.floor(rng.next() * this.#n) : 0;
  }

  expected(): number {
    const rho = this.#rho;
    return rho * this.#sign[this.#last] + (1 - rho) * this.#sum / this.#n;
  }

  next(rng: Rng): number {
    // one uniform: below ρ the previous slot again, else a uniform slot (ρ = 0: ⌊u·N⌋)
    const u = rng.next();
    const rho = this.#rho;
    const s = u < rho ? this.#last : Math.floor(((u - rho) / (1 - rho)) * this.#n);
    this.#last = s;
    const sign = this.#sign[s];
    if (--this.#left[s] <= 0) {
      const ns = rng.next() < 0.5 ? 1 : -1;
      this.#sum += ns - sign;
      this.#sign[s] = ns;
      this.#left[s] = this.#length(rng);
    }
    return sign;
  }

  /** L = ⌈X⌉, X Pareto(a, minLength) truncated at maxLength (inversion). */
  #length(rng: Rng): number {
    const a = this.#a;
    const lo = this.#lmin;
    const hi = this.#lmax;
    const tail = Math.pow(lo / hi, a);
    const x = lo / Math.pow(1 - rng.next() * (1 - tail), 1 / a);
    return Math.min(hi, Math.ceil(x));
  }

  /** Length-biased draw (density ∝ x·f(x), a Pareto(a − 1) when a ≠ 1), discretised. */
  #biasedLength(rng: Rng): number {
    const b = this.#a - 1;
    const lo = this.#lmin;
    const hi = this.#lmax;
    const u = rng.next();
    let x: number;
    if (Math.abs(b) < 1e-9) x = lo * Math.pow(hi / lo, u);
    else {
      const tail = Math.pow(lo / hi, b);
      x = lo / Math.pow(1 - u * (1 - tail), 1 / b);
    }
    return Math.min(hi, Math.ceil(x));
  }
}

/**
 * Creates the sign model selected by `cfg.kind`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTradeSignModel, tradeSignConfigSchema } from "./trade_signs.ts";
 * const iid = createTradeSignModel(tradeSignConfigSchema.parse({ kind: "iid" }));
 * assert.equal(iid.expected(), 0);
 * ```
 */
export function createTradeSignModel(cfg: TradeSignConfig): TradeSignModel {
  return cfg.kind === "iid" ? new IidSigns() : new MetaorderSigns(cfg);
}

/** P(L = n) for n = 0..maxLength of the discretised truncated Pareto lengths (index = n). */
export function metaorderLengthPmf(cfg: TradeSignConfig): Float64Array {
  const a = cfg.lengthTail;
  const lo = cfg.minLength;
  const hi = cfg.maxLength;
  const tail = Math.pow(lo / hi, a);
  const cdf = (x: number) => x < lo ? 0 : x >= hi ? 1 : (1 - Math.pow(lo / x, a)) / (1 - tail);
  const pmf = new Float64Array(hi + 1);
  // each cdf value once (the fits call this for every trial of the tail and the minimum)
  let below = cdf(0);
  for (let n = 1; n <= hi; n++) {
    const at = cdf(n);
    pmf[n] = at - below;
    below = at;
  }
  return pmf;
}

/**
 * The exact sign autocorrelation C(ℓ) = E[ε_t ε_{t+ℓ}] of the stationary metaorder model,
 * for each lag in `lags` (≥ 1): the two signs are equal in law only when they come from the
 * same metaorder, which needs the same slot (probability 1/N at lag ℓ's order) and that
 * metaorder to last j + 1 more children, j ~ Binomial(ℓ − 1, 1/N) picks of the slot in
 * between:
 *
 *     C(ℓ) = (1/N) Σ_{j=0}^{ℓ−1} Bin(j; ℓ−1, 1/N) · E[(L − j − 1)⁺] / E[L]
 *
 * (a uniformly chosen child of a stationary renewal sequence has at least m children after
 * it in its metaorder with probability E[(L − m)⁺]/E[L]). With persistence ρ > 0 the slot
 * sequence is a Markov chain (stay with probability ρ + (1 − ρ)/N, come back from another
 * slot with (1 − ρ)/N), and the binomial weights are replaced by the chain's joint law of
 * (slot at lag ℓ, picks of the slot in between), computed by dynamic programming:
 *
 *     C(ℓ) = Σ_{j=0}^{ℓ−1} P(slot_ℓ = slot_0, j picks of it in 1…ℓ−1) · E[(L − j − 1)⁺] / E[L]
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metaorderSignAutocorrelation, tradeSignConfigSchema } from "./trade_signs.ts";
 * const c = metaorderSignAutocorrelation(tradeSignConfigSchema.parse({}), [1, 100]);
 * assert.ok(c[0] > 0.2 && c[0] < 0.35 && c[1] < c[0]);
 * ```
 */
export function metaorderSignAutocorrelation(
  cfg: TradeSignConfig,
  lags: readonly number[],
): Float64Array {
  const pmf = metaorderLengthPmf(cfg);
  const hi = cfg.maxLength;
  // E[(L − m)⁺] for m = 0..hi via the survival function: E[(L−m)⁺] = Σ_{n>m} P(L ≥ n)… build
  // tail sums S1(m) = Σ_{n≥m} P(n), S2(m) = Σ_{n≥m} n·P(n); E[(L−m)⁺] = S2(m+1) − m·S1(m+1).
  const s1 = new Float64Array(hi + 2);
  const s2 = new Float64Array(hi + 2);
  for (let n = hi; n >= 0; n--) {
    s1[n] = s1[n + 1] + pmf[n];
    s2[n] = s2[n + 1] + n * pmf[n];
  }
  const meanL = s2[0];
  const excess = (m: number) => m >= hi ? 0 : s2[m + 1] - m * s1[m + 1];
  const nSlots = cfg.metaorders;
  const p = 1 / nSlots;
  const out = new Float64Array(lags.length);
  for (let q = 0; q < lags.length; q++) {
    const lag = lags[q];
    if (!Number.isInteger(lag) || lag < 1) {
      throw new ValidationError(`lags[${q}]`, lag, "an integer >= 1");
    }
  }
  if (cfg.persistence > 0) return persistentC(cfg.persistence, nSlots, lags, excess, meanL);
  for (let q = 0; q < lags.length; q++) {
    const lag = lags[q];
    const trials = lag - 1;
    let c = 0;
    if (nSlots === 1) {
      c = excess(trials + 1) / meanL;
    } else {
      // binomial pmf by recursion in log space for stability
      let logPmf = trials * Math.log1p(-p); // j = 0
      const logRatio = Math.log(p / (1 - p));
      for (let j = 0; j <= trials; j++) {
        if (j > 0) logPmf += Math.log((trials - j + 1) / j) + logRatio;
        const w = Math.exp(logPmf);
        if (w < 1e-18 && j > trials * p) break;
        c += w * excess(j + 1);
      }
      c /= meanL;
    }
    out[q] = p * c;
  }
  return out;
}

/** C(ℓ) of the persistent model by dynamic programming over (picks of the slot, in the slot). */
function persistentC(
  rho: number,
  nSlots: number,
  lags: readonly number[],
  excess: (m: number) => number,
  meanL: number,
): Float64Array {
  let maxLag = 1;
  for (const l of lags) maxLag = Math.max(maxLag, l);
  const stay = rho + (1 - rho) / nSlots; // slot_0 → slot_0
  const back = (1 - rho) / nSlots; // another slot → slot_0
  // inA[j] / inB[j]: P(at step t the slot is slot_0 / another, j picks of slot_0 in 1…t)
  let inA = new Float64Array(maxLag + 1);
  let inB = new Float64Array(maxLag + 1);
  let nA = new Float64Array(maxLag + 1);
  let nB = new Float64Array(maxLag + 1);
  inA[0] = 1; // step 0: slot_0 (its pick at 0 is not counted)
  const c = new Float64Array(maxLag + 1);
  for (let t = 0; t < maxLag; t++) {
    // C(t + 1): step t + 1 picks slot_0 after j picks in 1…t
    let acc = 0;
    for (let j = 0; j <= t; j++) {
      const w = inA[j] * stay + inB[j] * back;
      if (w > 0) acc += w * excess(j + 1);
    }
    c[t + 1] = acc / meanL;
    // step t + 1: A with j + 1 picks, B with j
    nA.fill(0);
    nB.fill(0);
    for (let j = 0; j <= t; j++) {
      const a = inA[j], b = inB[j];
      nA[j + 1] += a * stay + b * back;
      nB[j] += a * (1 - stay) + b * (1 - back);
    }
    [inA, nA] = [nA, inA];
    [inB, nB] = [nB, inB];
  }
  const out = new Float64Array(lags.length);
  for (let q = 0; q < lags.length; q++) out[q] = c[lags[q]];
  return out;
}
