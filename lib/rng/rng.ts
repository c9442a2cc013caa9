/**
 * A seeded random number generator with the samplers a market simulator needs.
 * Backed by `npm:seedrandom`'s Alea generator. Sampling methods allocate nothing,
 * so they are safe in hot loops.
 *
 * @module
 */
import seedrandom from "npm:seedrandom@3.0.5";
import { ValidationError } from "../errors.ts";

/** A source of uniform doubles in [0, 1). */
export type UniformSource = () => number;

/**
 * Seeded generator with uniform, normal, exponential, Poisson and categorical samplers.
 * The source is Alea (from a seed) or any {@linkcode UniformSource}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "./rng.ts";
 * const a = new Rng("42/flow");
 * const b = new Rng("42/flow");
 * assert.equal(a.normal(), b.normal()); // same seed, same draws
 * ```
 */
export class Rng {
  #u: UniformSource;
  #spare = 0;
  #hasSpare = false;

  /**
   * Creates a generator from a seed string (or number), with Alea behind it, or around a
   * given uniform source (e.g. an `Xoshiro128` stream's `source()`), so that the
   * samplers below can draw from any generator.
   */
  constructor(seed: string | number | UniformSource) {
    this.#u = typeof seed === "function" ? seed : seedrandom.alea(String(seed));
  }

  /** A uniform double in [0, 1). */
  next(): number {
    return this.#u();
  }

  /** A uniform double in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.#u();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.#u() * n);
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    return this.#u() < p;
  }

  /** A normal draw N(mean, sd²) by Marsaglia's polar method (the spare is cached). */
  normal(mean = 0, sd = 1): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return mean + sd * this.#spare;
    }
    let x = 0, y = 0, s = 0;
    do {
      x = 2 * this.#u() - 1;
      y = 2 * this.#u() - 1;
      s = x * x + y * y;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt(-2 * Math.log(s) / s);
    this.#spare = y * f;
    this.#hasSpare = true;
    return mean + sd * x * f;
  }

  /** An exponential draw with the given rate (mean 1/rate); Infinity when rate is 0. */
  exponential(rate: number): number {
    if (rate <= 0) return Infinity;
    return -Math.log(1 - this.#u()) / rate;
  }

  /**
   * A Poisson draw with the given mean: inversion by sequential search for
   * mean < 10, Hörmann's PTRS transformed rejection otherwise.
   */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean < 10) {
      let k = 0;
      let p = Math.exp(-mean);
      let cdf = p;
      const u = this.#u();
      while (u > cdf && k < 1000) {
        k++;
        p *= mean / k;
        cdf += p;
      }
      return k;
    }
    // PTRS (Hörmann 1993, "The transformed rejection method for generating Poisson random variables").
    const slam = Math.sqrt(mean);
    const loglam = Math.log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.#u() - 0.5;
      const v = this.#u();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor((2 * a / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
          -mean + k * loglam - logFactorial(k)
      ) return k;
    }
  }

  /**
   * An index in [0, n) drawn with probability proportional to `weights[i]`.
   * Pass `total` (the sum of the first n weights) to skip summing.
   */
  categorical(weights: ArrayLike<number>, n = weights.length, total = -1): number {
    let t = total;
    if (t < 0) {
      t = 0;
      for (let i = 0; i < n; i++) t += weights[i];
    }
    let u = this.#u() * t;
    for (let i = 0; i < n - 1; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return n - 1;
  }
}

const LOG_FACT = new Float64Array(256);
for (let i = 2; i < 256; i++) LOG_FACT[i] = LOG_FACT[i - 1] + Math.log(i);

/** ln(k!) exactly from a table for k < 256, Stirling's series above. */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACT[k];
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) -
    1 / (360 * x * x * x);
}

/** Largest seed accepted: seeds are integers in [0, 2^32). */
export const MAX_SEED = 0xffffffff;

/** Throws a {@linkcode ValidationError} naming `field` unless `seed` is an integer in [0, 2^32). */
export function validateSeed(seed: number, field = "seed"): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new ValidationError(field, seed, `an integer in [0, ${MAX_SEED}]`);
  }
  return seed;
}
