/**
 * The limit loop of the model tier: the irreducible work of one env-step, hand-written in
 * one function over typed arrays, for the `env.model.limit_ratio` benchmark.
 *
 * Per env and step: one normal draw (the mid's move), two uniform draws (a fill decision per
 * side, against a fill probability computed once, as the env's cache does for a standing
 * quote), and the cash / inventory / mid updates on Float64Arrays. The draws come from the
 * same generator as the env's (xoshiro128**, one stream per env, state in an Int32Array and in
 * registers during the env's step) and the normal from the same transform (Acklam's Φ⁻¹,
 * inline), so that the ratio measures what the env adds over this work — not a
 * choice of generator. `scripts/bench/env_model.ts` also reports the generator's raw speed.
 *
 * @module
 */
import { seedXoshiro, U32_TO_UNIT } from "../../lib/rng/xoshiro.ts";

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

/** State of N envs of the limit loop. */
export class LimitLoop {
  /** Number of envs. */
  readonly numEnvs: number;
  /** Mid of each env, dollars. */
  readonly mid: Float64Array;
  /** Cash of each env, dollars. */
  readonly cash: Float64Array;
  /** Inventory of each env, lots. */
  readonly inventory: Float64Array;
  readonly #rng: Int32Array;

  /** N envs at mid 100, flat, each with its own stream. */
  constructor(numEnvs: number) {
    this.numEnvs = numEnvs;
    this.mid = new Float64Array(numEnvs).fill(100);
    this.cash = new Float64Array(numEnvs);
    this.inventory = new Float64Array(numEnvs);
    this.#rng = new Int32Array(4 * numEnvs);
    for (let i = 0; i < numEnvs; i++) seedXoshiro(this.#rng, 4 * i, i + 1, "limit");
  }

  /**
   * Runs `steps` steps of every env: quotes `halfSpread` dollars around the mid, each side
   * filling one lot of `lot` shares with probability `p`, the mid moving `sigmaStep`·Z.
   * Returns a checksum (so the work cannot be optimized away).
   */
  run(steps: number, sigmaStep = 0.0041, p = 0.109, halfSpread = 0.02, lot = 100): number {
    const n = this.numEnvs;
    const mid = this.mid, cash = this.cash, inv = this.inventory, st = this.#rng;
    for (let step = 0; step < steps; step++) {
      for (let i = 0; i < n; i++) {
        const o = i << 2;
        let s0 = st[o], s1 = st[o + 1], s2 = st[o + 2], s3 = st[o + 3];
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
        st[o] = s0, st[o + 1] = s1, st[o + 2] = s2, st[o + 3] = s3;
        const m = mid[i];
        let c = cash[i], q = inv[i];
        if (uBid < p) {
          c -= (m - halfSpread) * lot;
          q += 1;
        }
        if (uAsk < p) {
          c += (m + halfSpread) * lot;
          q -= 1;
        }
        cash[i] = c;
        inv[i] = q;
        let z: number;
        const pp = uPrice + U_SHIFT;
        if (pp >= P_LOW && pp <= P_HIGH) {
          const qq = pp - 0.5;
          const r = qq * qq;
          z = (((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * qq /
            (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1);
        } else if (pp < P_LOW) {
          const qq = Math.sqrt(-2 * Math.log(pp));
          z = (((((C1 * qq + C2) * qq + C3) * qq + C4) * qq + C5) * qq + C6) /
            ((((D1 * qq + D2) * qq + D3) * qq + D4) * qq + 1);
        } else {
          const qq = Math.sqrt(-2 * Math.log(1 - pp));
          z = -(((((C1 * qq + C2) * qq + C3) * qq + C4) * qq + C5) * qq + C6) /
            ((((D1 * qq + D2) * qq + D3) * qq + D4) * qq + 1);
        }
        mid[i] = m + sigmaStep * z;
      }
    }
    return cash[0] + inv[n - 1] + mid[n >> 1];
  }
}
