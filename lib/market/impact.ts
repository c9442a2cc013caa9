/**
 * Market impact of the agent's own executions, and the closed-form formulas of the
 * impact literature (Almgren & Chriss 2001; the square-root law; transient impact).
 *
 * Units (consistent with `lib/env/config.ts`): quantities in lots (`lotSize` shares
 * each), prices and price offsets in dollars per share, costs in dollars. A trade of
 * `n` lots (+ buy, − sell) over `dt` seconds at time `t`:
 *
 * - `"none"`: no cost, no offset.
 * - `"almgren-chriss"`: permanent impact g = γ·n shifts the price for good by
 *   `permanent` (γ) dollars per lot; temporary impact h = ε·sgn(n) + η·n/dt is a price
 *   concession (dollars/share) paid on every share of the trade, so the cost is
 *   `lotSize·|n|·(ε + η·|n|/dt)` dollars (ε = `fixed`, η = `temporary`, n/dt in lots/s).
 * - `"sqrt"`: the square-root law I = Y·σ_daily·√(|n|/V) (σ_daily the daily volatility in
 *   dollars, V = `dailyVolume` lots) is the temporary price concession, cost
 *   `lotSize·|n|·I` dollars; the trade also moves the price by sgn(n)·I, and that offset
 *   decays exponentially with `halfLife` (it is transient, not permanent).
 * - `"transient"`: each trade shifts the price by `transientPerLot`·n, and the sum of
 *   shifts decays exponentially with `halfLife` (kept as one decayed sum: O(1) per call).
 *   The trade walks the price from the pre-trade to the post-trade offset, so it pays the
 *   average of the two; since the execution price is quoted around a mid that already
 *   includes the pre-trade offset, the cost charged is the excess over it:
 *   `lotSize·|n|·|Δ|/2 = lotSize·transientPerLot·n²/2` dollars.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import type { Infer } from "../validation.ts";
import type { ImpactModel } from "./types.ts";

/**
 * Schema of the impact model of the agent's own executions (one model per run).
 *
 * @ignore
 */
export const impactConfigSchema = z.strictObject({
  /** Which impact model applies to the agent's own executions. */
  model: z.enum(["none", "almgren-chriss", "sqrt", "transient"]).default("almgren-chriss"),
  /** Almgren–Chriss permanent impact γ: dollars of price shift per lot traded. */
  permanent: z.number().min(0).max(1).default(2e-5),
  /** Almgren–Chriss temporary impact η: dollars per (lot per second) of trading rate. */
  temporary: z.number().min(0).max(1).default(2e-5),
  /** Almgren–Chriss fixed cost ε: dollars per lot (half-spread-like cost), usually 0 here. */
  fixed: z.number().min(0).max(1).default(0),
  /** Square-root law prefactor Y (of order one). */
  sqrtY: z.number().min(0).max(10).default(0.5),
  /** Daily volume V in lots, for the square-root law I = Y·σ·√(Q/V). */
  dailyVolume: z.number().positive().max(1e12).default(2_000_000),
  /** Transient impact: instantaneous price shift per lot, decaying exponentially. */
  transientPerLot: z.number().min(0).max(1).default(4e-5),
  /** Half-life of transient impact, seconds. */
  halfLife: z.number().positive().max(86_400).default(5),
});

/** Market impact of the agent's own executions (see the schema's field docs). */
export type ImpactConfig = Infer<typeof impactConfigSchema>;

/** Market facts the impact models need besides their own parameters. */
export interface ImpactMarket {
  /** Daily volatility of the price in dollars (`volatility · initialPrice`). */
  sigmaDaily: number;
  /** Shares per lot. */
  lotSize: number;
}

/**
 * The {@linkcode ImpactMarket} implied by a market's daily volatility of returns,
 * initial price (dollars) and lot size (shares), e.g. an `EnvConfig`.
 */
export function impactMarketFromConfig(
  cfg: { volatility: number; initialPrice: number; lotSize: number },
): ImpactMarket {
  return { sigmaDaily: cfg.volatility * cfg.initialPrice, lotSize: cfg.lotSize };
}

/**
 * Whether the offset of `cfg`'s model changes with time between trades (true for
 * "sqrt" and "transient"); for "none" and "almgren-chriss" it only moves on trades.
 */
export function impactDecays(cfg: ImpactConfig): boolean {
  return cfg.model === "sqrt" || cfg.model === "transient";
}

/**
 * Square-root law: I(Q) = Y·σ·√(Q/V), in the units of σ (dollars when σ is the daily
 * volatility in dollars); Q and V in the same quantity unit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqrtImpact } from "./impact.ts";
 * assert.equal(sqrtImpact(0.5, 2, 20_000, 2_000_000), 0.1); // 0.5·2·√0.01
 * ```
 */
export function sqrtImpact(Y: number, sigma: number, Q: number, V: number): number {
  if (!(V > 0)) throw new ValidationError("V", V, "a daily volume > 0");
  if (!(Q >= 0)) throw new ValidationError("Q", Q, "a quantity >= 0");
  return Y * sigma * Math.sqrt(Q / V);
}

/**
 * Parameters of the Almgren–Chriss (2001) liquidation problem, in the paper's units:
 * sell `X` shares over `T` time units in `N` equal intervals τ = T/N; σ in
 * dollars/share/√time; permanent γ in $/share²; temporary η in ($/share)/(share/time);
 * fixed cost ε in $/share; risk aversion λ in 1/$.
 */
export interface AlmgrenChrissParams {
  /** Shares to liquidate. */
  X: number;
  /** Horizon (time units, e.g. days). */
  T: number;
  /** Number of trading intervals. */
  N: number;
  /** Volatility, $/share/√time. */
  sigma: number;
  /** Temporary impact η. */
  eta: number;
  /** Permanent impact γ. */
  gamma: number;
  /** Fixed cost ε per share. */
  epsilon: number;
  /** Risk aversion λ (0 gives the linear, TWAP, schedule). */
  lambda: number;
}

/** Expected cost and variance of a liquidation schedule, dollars and dollars². */
export interface ExecutionCost {
  /** E: expected implementation shortfall, dollars. */
  expectation: number;
  /** V: variance of the shortfall, dollars². */
  variance: number;
}

function validateAc(p: AlmgrenChrissParams): void {
  for (const k of ["X", "T", "sigma", "eta", "gamma", "epsilon", "lambda"] as const) {
    if (!Number.isFinite(p[k])) throw new ValidationError(k, p[k], "a finite number");
  }
  if (!(p.T > 0)) throw new ValidationError("T", p.T, "a horizon > 0");
  if (!Number.isInteger(p.N) || p.N < 1) throw new ValidationError("N", p.N, "an integer >= 1");
  if (p.lambda < 0) throw new ValidationError("lambda", p.lambda, "a risk aversion >= 0");
  if (!(almgrenChrissEtaTilde(p) > 0)) {
    throw new ValidationError("eta", p.eta, "η > γτ/2 (so that η̃ = η − γτ/2 > 0)");
  }
}

/** η̃ = η − γτ/2 with τ = T/N. */
export function almgrenChrissEtaTilde(p: AlmgrenChrissParams): number {
  return p.eta - 0.5 * p.gamma * (p.T / p.N);
}

/**
 * κ of the optimal trajectory, solving (2/τ²)(cosh(κτ) − 1) = λσ²/η̃ (0 when λ = 0).
 */
export function almgrenChrissKappa(p: AlmgrenChrissParams): number {
  validateAc(p);
  const tau = p.T / p.N;
  const kt2 = p.lambda * p.sigma * p.sigma / almgrenChrissEtaTilde(p);
  return Math.acosh(1 + 0.5 * kt2 * tau * tau) / tau;
}

/**
 * Optimal holdings x_j = X·sinh(κ(T − t_j))/sinh(κT), j = 0..N (x_0 = X, x_N = 0),
 * t_j = j·τ; the linear schedule X(1 − t_j/T) when κ = 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { almgrenChrissTrajectory } from "./impact.ts";
 * // The paper's Table 1 example with λ = 1e-6: κ ≈ 0.6 per day.
 * const x = almgrenChrissTrajectory({
 *   X: 1e6, T: 5, N: 5, sigma: 0.95, eta: 2.5e-6, gamma: 2.5e-7, epsilon: 0.0625, lambda: 1e-6,
 * });
 * assert.equal(x.length, 6); // from 1e6 down to 0
 * assert.deepEqual([x[0], x[5]], [1e6, 0]);
 * assert.equal(Math.round(x[1]), 541_956); // front-loaded: TWAP would hold 800 000
 * ```
 */
export function almgrenChrissTrajectory(p: AlmgrenChrissParams): Float64Array {
  const kappa = almgrenChrissKappa(p);
  const tau = p.T / p.N;
  const x = new Float64Array(p.N + 1);
  const denom = Math.sinh(kappa * p.T);
  const linear = kappa * p.T < 1e-12;
  for (let j = 0; j <= p.N; j++) {
    x[j] = linear ? p.X * (p.N - j) / p.N : p.X * Math.sinh(kappa * (p.T - j * tau)) / denom;
  }
  x[0] = p.X;
  x[p.N] = 0;
  return x;
}

/**
 * E and V of a schedule given by holdings x_0..x_N (x_0 = X, x_N = 0):
 * E = ½γX² + ε·Σ|n_k| + (η̃/τ)·Σn_k², V = σ²·Σ_{k=1..N} τ·x_k², with n_k = x_{k−1} − x_k.
 */
export function almgrenChrissCost(
  p: AlmgrenChrissParams,
  holdings: ArrayLike<number>,
): ExecutionCost {
  validateAc(p);
  if (holdings.length !== p.N + 1) {
    throw new ValidationError("holdings.length", holdings.length, `N + 1 = ${p.N + 1}`);
  }
  const tau = p.T / p.N;
  const etaT = almgrenChrissEtaTilde(p);
  let sumAbs = 0, sumSq = 0, sumX2 = 0;
  for (let k = 1; k <= p.N; k++) {
    const n = holdings[k - 1] - holdings[k];
    sumAbs += Math.abs(n);
    sumSq += n * n;
    sumX2 += holdings[k] * holdings[k];
  }
  return {
    expectation: 0.5 * p.gamma * p.X * p.X + p.epsilon * sumAbs + (etaT / tau) * sumSq,
    variance: p.sigma * p.sigma * tau * sumX2,
  };
}

/**
 * Closed form for the linear (TWAP) schedule: E = ½γX² + εX + η̃X²/T,
 * V = ⅓σ²X²T(1 − 1/N)(1 − 1/(2N)).
 */
export function almgrenChrissLinearCost(p: AlmgrenChrissParams): ExecutionCost {
  validateAc(p);
  const X = Math.abs(p.X);
  return {
    expectation: 0.5 * p.gamma * X * X + p.epsilon * X + almgrenChrissEtaTilde(p) * X * X / p.T,
    variance: (1 / 3) * p.sigma * p.sigma * X * X * p.T * (1 - 1 / p.N) * (1 - 1 / (2 * p.N)),
  };
}

/**
 * Creates the impact model selected by `cfg.model` (see the module doc for the
 * formulas and units).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createImpactModel, impactConfigSchema } from "./impact.ts";
 * const cfg = impactConfigSchema.parse({ model: "almgren-chriss", permanent: 1e-4 });
 * const impact = createImpactModel(cfg, { sigmaDaily: 2, lotSize: 100 });
 * const cost = impact.trade(5, 0.1, 0);
 * assert.ok(Math.abs(cost - 0.5) < 1e-12); // 100·5·(0 + 2e-5·5/0.1) = $0.5
 * assert.ok(Math.abs(impact.offset(1) - 5e-4) < 1e-12); // 5·1e-4: $0.0005 permanent shift
 * ```
 */
export function createImpactModel(cfg: ImpactConfig, market: ImpactMarket): ImpactModel {
  const lot = market.lotSize;
  if (!(lot > 0) || !Number.isFinite(lot)) throw new ValidationError("lotSize", lot, "a size > 0");
  switch (cfg.model) {
    case "none":
      return new NoImpact();
    case "almgren-chriss":
      return new AlmgrenChrissImpact(cfg.permanent, cfg.temporary, cfg.fixed, lot);
    case "sqrt": {
      const s = market.sigmaDaily;
      if (!(s >= 0) || !Number.isFinite(s)) {
        throw new ValidationError("sigmaDaily", s, "a daily volatility in dollars >= 0");
      }
      if (!(cfg.dailyVolume > 0)) {
        throw new ValidationError("impact.dailyVolume", cfg.dailyVolume, "a volume > 0");
      }
      return new DecayingImpact(
        "sqrt",
        cfg.sqrtY * s / Math.sqrt(cfg.dailyVolume),
        cfg.halfLife,
        lot,
      );
    }
    case "transient":
      return new DecayingImpact("transient", cfg.transientPerLot, cfg.halfLife, lot);
    default: {
      const m = (cfg as { model: unknown }).model;
      throw new ValidationError(
        "impact.model",
        m,
        '"none", "almgren-chriss", "sqrt" or "transient"',
      );
    }
  }
}

class NoImpact implements ImpactModel {
  reset(): void {}
  trade(): number {
    return 0;
  }
  offset(): number {
    return 0;
  }
}

class AlmgrenChrissImpact implements ImpactModel {
  #permanentOffset = 0;
  readonly #gamma: number;
  readonly #eta: number;
  readonly #eps: number;
  readonly #lot: number;

  constructor(gamma: number, eta: number, eps: number, lot: number) {
    this.#gamma = gamma;
    this.#eta = eta;
    this.#eps = eps;
    this.#lot = lot;
  }

  reset(): void {
    this.#permanentOffset = 0;
  }

  trade(signedLots: number, dt: number): number {
    if (signedLots === 0) return 0;
    if (!(dt > 0)) throw new ValidationError("dt", dt, "an interval > 0 s");
    this.#permanentOffset += this.#gamma * signedLots;
    const q = Math.abs(signedLots);
    return this.#lot * q * (this.#eps + this.#eta * q / dt);
  }

  offset(): number {
    return this.#permanentOffset;
  }
}

/** Transient (and square-root) impact: one exponentially decayed sum of shifts. */
class DecayingImpact implements ImpactModel {
  #level = 0;
  #lastT = 0;
  readonly #kind: "sqrt" | "transient";
  readonly #coef: number;
  readonly #rate: number;
  readonly #lot: number;

  constructor(kind: "sqrt" | "transient", coef: number, halfLife: number, lot: number) {
    if (!(halfLife > 0)) throw new ValidationError("impact.halfLife", halfLife, "a time > 0 s");
    this.#kind = kind;
    this.#coef = coef;
    this.#rate = Math.LN2 / halfLife;
    this.#lot = lot;
  }

  reset(): void {
    this.#level = 0;
    this.#lastT = 0;
  }

  trade(signedLots: number, _dt: number, t: number): number {
    if (signedLots === 0) return 0;
    const pre = this.offset(t);
    const q = Math.abs(signedLots);
    let cost: number;
    let shift: number;
    if (this.#kind === "transient") {
      shift = this.#coef * signedLots;
      cost = 0.5 * this.#lot * q * Math.abs(shift);
    } else {
      const i = this.#coef * Math.sqrt(q);
      shift = signedLots > 0 ? i : -i;
      cost = this.#lot * q * i;
    }
    this.#level = pre + shift;
    if (t > this.#lastT) this.#lastT = t;
    return cost;
  }

  offset(t: number): number {
    const l = this.#level;
    if (l === 0) return 0;
    const gap = t - this.#lastT;
    return gap > 0 ? l * Math.exp(-this.#rate * gap) : l;
  }
}
