/**
 * Volatility regimes as a continuous-time Markov chain (CTMC). The chain holds each
 * regime for an exponential time with rate equal to the row's total exit rate, then
 * jumps to j ≠ i with probability `rates[i][j] / exitRate(i)`. A row with zero exit
 * rate is absorbing.
 *
 * Simulation is exact: the holding time of the current regime is drawn once on
 * entry and counted down by {@linkcode RegimeModel.advance}; by memorylessness this is
 * the same law as competing exponential clocks re-drawn at every call, and it draws
 * nothing on steps without a jump. One `advance(dt)` may jump several times.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Infer } from "../validation.ts";
import { ValidationError } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import type { RegimeModel } from "./types.ts";

/** Largest volatility or flow multiplier a regime may have. */
export const MAX_REGIME_MULTIPLIER = 20;
/** Largest transition rate between regimes, per second. */
export const MAX_REGIME_RATE = 100;

/**
 * Schema of the volatility regimes: a continuous-time Markov chain over named regimes,
 * each scaling the volatility and the order-flow intensities.
 *
 * @ignore
 */
export const regimeConfigSchema = z.strictObject({
  /** Regime names, e.g. calm, normal, stressed. */
  names: z.array(z.string().min(1)).min(1).max(8).default(["calm", "normal", "stressed"]),
  /** Multiplier of `volatility` in each regime. */
  volMultipliers: z.array(z.number().min(0).max(MAX_REGIME_MULTIPLIER)).min(1).max(8)
    .default([0.5, 1, 2.5]),
  /** Multiplier of the order-flow intensities in each regime. */
  flowMultipliers: z.array(z.number().min(0).max(MAX_REGIME_MULTIPLIER)).min(1).max(8)
    .default([0.8, 1, 1.6]),
  /**
   * Transition rates per second: `rates[i][j]` is the rate of jumping from i to j
   * (the diagonal is ignored); the generator matrix of a continuous-time Markov chain.
   */
  rates: z.array(z.array(z.number().min(0).max(MAX_REGIME_RATE))).default([
    [0, 1 / 120, 1 / 600],
    [1 / 90, 0, 1 / 180],
    [1 / 60, 1 / 60, 0],
  ]),
  /** Initial regime: an index, or "stationary" to draw it from the stationary distribution. */
  initial: z.union([z.literal("stationary"), z.number().int().min(0).max(7)]).default(
    "stationary",
  ),
});

/** Volatility regimes: a continuous-time Markov chain (see the schema's field docs). */
export type RegimeConfig = Infer<typeof regimeConfigSchema>;

/**
 * Stationary distribution π of the CTMC with off-diagonal rates `rates` (πQ = 0,
 * Σπ = 1), by Gaussian elimination with partial pivoting. When the chain is reducible
 * (e.g. it has absorbing regimes) πQ = 0 has no unique solution; the long-run
 * distribution started from the uniform distribution is returned instead (the
 * uniformized transition matrix raised to the power 2^64 by repeated squaring).
 */
export function stationaryDistribution(rates: readonly (readonly number[])[]): Float64Array {
  const n = rates.length;
  const q = generatorMatrix(rates);
  // Solve Qᵀ πᵀ = 0 with the last equation replaced by Σπ = 1.
  const a: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) row.push(i === n - 1 ? 1 : q[j][i]);
    row.push(i === n - 1 ? 1 : 0);
    a.push(row);
  }
  let scale = 1e-300;
  for (const row of q) for (const v of row) scale = Math.max(scale, Math.abs(v));
  let singular = false;
  for (let c = 0; c < n && !singular; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-12 * Math.max(1, scale)) {
      singular = true;
      break;
    }
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      if (f === 0) continue;
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  const pi = new Float64Array(n);
  if (!singular) {
    let ok = true;
    for (let i = 0; i < n; i++) {
      pi[i] = a[i][n] / a[i][i];
      if (!(pi[i] > -1e-9)) ok = false;
    }
    if (ok) {
      let s = 0;
      for (let i = 0; i < n; i++) s += pi[i] = Math.max(0, pi[i]);
      for (let i = 0; i < n; i++) pi[i] /= s;
      return pi;
    }
  }
  return longRunFromUniform(q);
}

/** The generator matrix Q of off-diagonal `rates` (diagonal = −row sum). */
export function generatorMatrix(rates: readonly (readonly number[])[]): number[][] {
  const n = rates.length;
  const q: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    let out = 0;
    for (let j = 0; j < n; j++) {
      const r = i === j ? 0 : rates[i][j];
      row.push(r);
      out += r;
    }
    row[i] = -out;
    q.push(row);
  }
  return q;
}

function longRunFromUniform(q: number[][]): Float64Array {
  const n = q.length;
  let lam = 0;
  for (let i = 0; i < n; i++) lam = Math.max(lam, -q[i][i]);
  const pi = new Float64Array(n).fill(1 / n);
  if (lam === 0) return pi;
  lam *= 1.05; // keep a self-loop in every row (aperiodic)
  // P = I + Q/λ, squared 64 times: P^(2^64), the long run at any horizon a simulation reaches,
  // in 64 products of n×n matrices (stepping P one power at a time took up to a million
  // products per call, and stopped early where the chain mixes slowly)
  let p = q.map((row, i) => row.map((v, j) => (i === j ? 1 : 0) + v / lam));
  for (let it = 0; it < 64; it++) {
    const p2 = p.map((row) => {
      const out = new Array<number>(n).fill(0);
      for (let k = 0; k < n; k++) {
        const a = row[k];
        if (a === 0) continue;
        for (let j = 0; j < n; j++) out[j] += a * p[k][j];
      }
      let sum = 0;
      for (let j = 0; j < n; j++) sum += out[j] = Math.max(0, out[j]);
      return out.map((v) => v / sum);
    });
    p = p2;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j] += p[i][j] / n;
  let sum = 0;
  for (let j = 0; j < n; j++) sum += out[j];
  for (let j = 0; j < n; j++) out[j] /= sum;
  return out;
}

/**
 * Creates a regime CTMC from the `regimes` section of the config. `volatilityScale`
 * (default 1) multiplies every `volMultipliers` entry, so that e.g. passing the nominal
 * σ in $/√s makes {@linkcode RegimeModel.volMultiplier} return the regime's σ directly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRegimeModel, regimeConfigSchema } from "./regimes.ts";
 * import { Rng } from "../rng/rng.ts";
 * const model = createRegimeModel(regimeConfigSchema.parse({}));
 * const rng = new Rng("regimes");
 * model.reset(rng); // initial regime drawn from the stationary distribution
 * assert.equal(model.advance(0.1, rng), 0); // exact CTMC step of 0.1 s: still calm
 * assert.equal(model.volMultiplier(), 0.5); // calm 0.5, normal 1, stressed 2.5 by default
 * ```
 */
export function createRegimeModel(cfg: RegimeConfig, volatilityScale = 1): CtmcRegimeModel {
  return new CtmcRegimes(cfg, volatilityScale);
}

/**
 * A {@linkcode RegimeModel} that also exposes the time left before its next jump, so a
 * vectorized caller can skip `advance` calls until then: advancing by any total time
 * shorter than {@linkcode CtmcRegimeModel.timeToJump} changes nothing.
 */
export interface CtmcRegimeModel extends RegimeModel {
  /** Seconds until the next jump (Infinity in an absorbing regime). */
  readonly timeToJump: number;
}

class CtmcRegimes implements CtmcRegimeModel {
  readonly size: number;
  #state = 0;
  #left = Infinity;
  readonly #initial: number | "stationary";
  readonly #vol: Float64Array;
  readonly #flow: Float64Array;
  readonly #exit: Float64Array;
  readonly #jump: Float64Array[];
  readonly #pi: Float64Array;

  constructor(cfg: RegimeConfig, volatilityScale: number) {
    const n = cfg.names.length;
    if (n < 1) throw new ValidationError("regimes.names", cfg.names, "at least one regime");
    if (!(volatilityScale >= 0) || !Number.isFinite(volatilityScale)) {
      throw new ValidationError("volatilityScale", volatilityScale, "a finite number >= 0");
    }
    if (cfg.volMultipliers.length !== n) {
      throw new ValidationError("regimes.volMultipliers", cfg.volMultipliers, `${n} entries`);
    }
    if (cfg.flowMultipliers.length !== n) {
      throw new ValidationError("regimes.flowMultipliers", cfg.flowMultipliers, `${n} entries`);
    }
    if (cfg.rates.length !== n) {
      throw new ValidationError("regimes.rates", cfg.rates, `a ${n}×${n} matrix`);
    }
    this.size = n;
    this.#initial = cfg.initial;
    this.#vol = new Float64Array(n);
    this.#flow = new Float64Array(n);
    this.#exit = new Float64Array(n);
    this.#jump = [];
    for (let i = 0; i < n; i++) {
      this.#vol[i] = cfg.volMultipliers[i] * volatilityScale;
      this.#flow[i] = cfg.flowMultipliers[i];
      const row = cfg.rates[i];
      if (row.length !== n) throw new ValidationError(`regimes.rates.${i}`, row, `${n} entries`);
      const w = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const r = row[j];
        if (!(r >= 0) || !Number.isFinite(r)) {
          throw new ValidationError(`regimes.rates.${i}.${j}`, r, "a finite rate >= 0");
        }
        if (j !== i) {
          w[j] = r;
          this.#exit[i] += r;
        }
      }
      this.#jump.push(w);
    }
    this.#pi = stationaryDistribution(cfg.rates);
    this.#state = typeof cfg.initial === "number" ? cfg.initial : 0;
  }

  get state(): number {
    return this.#state;
  }

  get timeToJump(): number {
    return this.#left;
  }

  reset(rng: Rng): void {
    const init = this.#initial;
    this.#state = init === "stationary" ? rng.categorical(this.#pi, this.size, 1) : init;
    this.#left = rng.exponential(this.#exit[this.#state]);
  }

  advance(dt: number, rng: Rng): number {
    this.#left -= dt;
    while (this.#left <= 0) {
      const s = this.#state;
      const next = rng.categorical(this.#jump[s], this.size, this.#exit[s]);
      this.#state = next;
      this.#left += rng.exponential(this.#exit[next]);
    }
    return this.#state;
  }

  volMultiplier(): number {
    return this.#vol[this.#state];
  }

  flowMultiplier(): number {
    return this.#flow[this.#state];
  }

  stationary(): Float64Array {
    return this.#pi.slice();
  }
}
