/**
 * The law of a market order's desired size V (lots, an integer ≥ 1), before the trader looks
 * at the book (`order_sizes.ts` caps it at the touch): the size a trader wants, whatever the
 * depth.
 *
 * - `lomax` (the default): V = 1 + ⌊X⌋, X Lomax with mean `marketMean` − ½ and tail
 *   P(X > x) ~ x^(−ζ), ζ = `marketTail` — the power-law trade sizes of Gopikrishnan, Plerou,
 *   Gabaix & Stanley (2000), ζ ≈ 1.5. Its density is largest at 1 lot and falls
 *   monotonically: the smallest orders are the most frequent.
 * - `lognormal`: V = max(1, round(X)), ln X normal with standard deviation σ =
 *   `marketLogSd` and E[X] = `marketMean` (so ln X has mean ln(`marketMean`) − σ²/2). A law
 *   with a mode away from one lot and sizes spread evenly over decades, as trade sizes are on
 *   tapes whose lot is much smaller than the typical order (the shipped BTCUSDT tape: its
 *   market orders' 1 % and 99 % quantiles 0.00009 and 1.2 BTC; Bouchaud, Bonart, Donier &
 *   Gould 2018, §4.2, on the log-normal body of order sizes).
 * - `lognormal-mix`: V = max(1, round(X)), X a mixture of log-normal `components` (each a
 *   weight, a median in lots and the standard deviation of its log): tapes whose small
 *   orders sit apart from a broad body of larger ones (the BTCUSDT tape's fit: 29 % of the
 *   orders around 0.00023 BTC with a log's σ of 0.56, the rest around 0.011 BTC with σ 2.08)
 *   are two populations, which one log-normal blurs into a single hump.
 *
 * Each draws one uniform per order. Assumes: sizes independent of sign, time and each other.
 * Ignores: round-lot clustering beyond one mixture component of tiny σ per spike, the upper
 * cap `marketMax` (applied by the size model). The mixture also draws limit-order sizes
 * (`order_sizes.ts`, `limitComponents`). Units: lots.
 *
 * @module
 */
import type { Rng } from "../rng/rng.ts";
import { ValidationError } from "../errors.ts";
import { normalFromUniform } from "./price_process.ts";

/** The laws of desired market-order sizes, by name. */
export const SIZE_LAWS = ["lomax", "lognormal", "lognormal-mix"] as const;

/** A law's name (see the module doc). */
export type SizeLawName = typeof SIZE_LAWS[number];

/** The parameters a law is made from (those of `flow.sizes`). */
export interface SizeLawParams {
  /** Which law (default `lomax`). */
  law?: SizeLawName;
  /** Mean desired size, lots. */
  marketMean: number;
  /** Tail exponent ζ of the Lomax law (> 1). */
  marketTail: number;
  /** Standard deviation σ of the log-normal law's log (default 1). */
  marketLogSd?: number;
  /** The components of the `lognormal-mix` law (weights summing to 1). */
  components?: readonly LogNormalComponent[];
}

/** One component of a log-normal mixture. */
export interface LogNormalComponent {
  /** Share of the orders, in (0, 1]. */
  weight: number;
  /** Median size, lots. */
  median: number;
  /** Standard deviation of the log of the size. */
  logSd: number;
}

/** A law of desired market-order sizes. */
export interface SizeLaw {
  /** Its name. */
  readonly name: SizeLawName;
  /** One desired size, lots (an integer ≥ 1), from one uniform draw of `rng`. */
  draw(rng: Rng): number;
}

/**
 * V = 1 + ⌊X⌋, X Lomax(λ, ζ) with λ = (mean − ½)(ζ − 1): E[V] ≈ mean.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LomaxSizeLaw } from "./size_law.ts";
 * import { Rng } from "../rng/rng.ts";
 * const law = new LomaxSizeLaw(4, 3);
 * const rng = new Rng(1);
 * let sum = 0;
 * for (let i = 0; i < 100_000; i++) sum += law.draw(rng);
 * assert.ok(Math.abs(sum / 100_000 - 4) < 0.1);
 * ```
 */
export class LomaxSizeLaw implements SizeLaw {
  readonly name = "lomax";
  readonly #scale: number;
  readonly #invTail: number;

  /** The law of mean `mean` lots and tail exponent `tail`. */
  constructor(mean: number, tail: number) {
    this.#scale = Math.max(1e-9, (mean - 0.5) * (tail - 1));
    this.#invTail = 1 / tail;
  }

  draw(rng: Rng): number {
    const x = this.#scale * (Math.pow(1 - rng.next(), -this.#invTail) - 1);
    return 1 + Math.floor(x);
  }
}

/**
 * V = max(1, round(X)), ln X ~ N(ln(mean) − σ²/2, σ²).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LogNormalSizeLaw } from "./size_law.ts";
 * import { Rng } from "../rng/rng.ts";
 * const law = new LogNormalSizeLaw(50, 1);
 * const rng = new Rng(1);
 * const v: number[] = [];
 * for (let i = 0; i < 20_001; i++) v.push(law.draw(rng));
 * v.sort((a, b) => a - b);
 * const median = 50 * Math.exp(-0.5); // e^μ
 * assert.ok(Math.abs(v[10_000] - median) <= 1.5);
 * ```
 */
export class LogNormalSizeLaw implements SizeLaw {
  readonly name = "lognormal";
  readonly #mu: number;
  readonly #sigma: number;

  /** The law of mean `mean` lots whose log has standard deviation `sigma`. */
  constructor(mean: number, sigma: number) {
    this.#sigma = sigma;
    this.#mu = Math.log(mean) - sigma * sigma / 2;
  }

  draw(rng: Rng): number {
    const v = Math.round(Math.exp(this.#mu + this.#sigma * normalFromUniform(rng.next())));
    return v > 1 ? v : 1;
  }
}

/**
 * V = max(1, round(X)), X from a mixture of log-normals: component k (weight w_k) has
 * ln X ~ N(ln median_k, logSd_k²). One uniform u picks the component by its weights and,
 * rescaled within the component's share, the quantile.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LogNormalMixtureSizeLaw } from "./size_law.ts";
 * import { Rng } from "../rng/rng.ts";
 * const law = new LogNormalMixtureSizeLaw([
 *   { weight: 0.3, median: 2, logSd: 0.1 },
 *   { weight: 0.7, median: 1_000, logSd: 0.1 },
 * ]);
 * const rng = new Rng(1);
 * let small = 0;
 * for (let i = 0; i < 10_000; i++) if (law.draw(rng) < 10) small++;
 * assert.ok(Math.abs(small / 10_000 - 0.3) < 0.02);
 * ```
 */
export class LogNormalMixtureSizeLaw implements SizeLaw {
  readonly name = "lognormal-mix";
  readonly #cum: Float64Array;
  readonly #mu: Float64Array;
  readonly #sigma: Float64Array;

  /** The mixture of `components` (their weights are normalized to sum to 1). */
  constructor(components: readonly LogNormalComponent[]) {
    const k = components.length;
    let total = 0;
    for (const c of components) total += c.weight;
    this.#cum = new Float64Array(k);
    this.#mu = new Float64Array(k);
    this.#sigma = new Float64Array(k);
    let acc = 0;
    for (let i = 0; i < k; i++) {
      const c = components[i];
      acc += c.weight / total;
      this.#cum[i] = i === k - 1 ? 1 : acc;
      this.#mu[i] = Math.log(c.median);
      this.#sigma[i] = c.logSd;
    }
  }

  draw(rng: Rng): number {
    const u = rng.next();
    const cum = this.#cum;
    let i = 0;
    while (i < cum.length - 1 && u >= cum[i]) i++;
    const lo = i === 0 ? 0 : cum[i - 1];
    const w = cum[i] - lo;
    const q = w > 0 ? Math.min((u - lo) / w, 1 - 2 ** -33) : 0.5;
    const v = Math.round(Math.exp(this.#mu[i] + this.#sigma[i] * normalFromUniform(q)));
    return v > 1 ? v : 1;
  }
}

/**
 * The law named by `params.law` (default `lomax`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSizeLaw } from "./size_law.ts";
 * assert.equal(createSizeLaw({ marketMean: 4, marketTail: 1.5 }).name, "lomax");
 * assert.equal(
 *   createSizeLaw({ law: "lognormal", marketMean: 4, marketTail: 1.5, marketLogSd: 2 }).name,
 *   "lognormal",
 * );
 * ```
 */
export function createSizeLaw(params: SizeLawParams): SizeLaw {
  if (params.law === "lognormal-mix") {
    if (params.components === undefined) {
      throw new ValidationError("components", undefined, "the lognormal-mix law's components");
    }
    return new LogNormalMixtureSizeLaw(params.components);
  }
  return params.law === "lognormal"
    ? new LogNormalSizeLaw(params.marketMean, params.marketLogSd ?? 1)
    : new LomaxSizeLaw(params.marketMean, params.marketTail);
}
