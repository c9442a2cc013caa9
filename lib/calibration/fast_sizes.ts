/**
 * The fast traders' market orders as a fixed component of the market-order size fit.
 *
 * A tape's market orders are the background flow's and the fast traders' (the snipers and
 * the informed traders of `lib/market/snipers.ts` and `informed.ts`), and only the
 * background's desired sizes follow the size law (`flow.sizes`): a sniper takes the stale
 * lots it finds, up to its `maxLots`. Fitted to every order, the law takes the fast traders'
 * orders for background flow, and the simulation then adds the fast traders again (the
 * `btcusdt` preset simulated and recalibrated: a background mean of 99 lots against the
 * true 41, docs/realism.md). {@linkcode fastSizePmf} turns the executed sizes of the fast
 * traders' orders in a simulation of the calibrated market into a probability mass function
 * g over whole lots, which the size fit (`fitMarketSizes` in `fit_flow.ts`) mixes with the
 * law as (1 − π)·(background likelihood) + π·g(s), π their share of the orders.
 *
 * - **Assumes:** the fast traders' sizes independent of the touch depth an order meets (the
 *   background's likelihood is conditional on it, theirs is not); the simulation's share π
 *   and sizes stand for the tape's.
 * - **Ignores:** orders that a coarse clock merges (a fast and a background order in one tick
 *   and side are one order on such a tape, two here).
 * - **Units:** lots; shares dimensionless.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";

/** The fast traders' orders in a simulation: their share of all orders and their sizes. */
export interface FastOrderSizes {
  /** Share π of all market orders that are the fast traders', in [0, 0.95]. */
  share: number;
  /** Lots executed by each of the fast traders' orders (rounded to whole lots, at least 1). */
  sizes: ArrayLike<number>;
}

/** A size with at least this share of the fast orders (and 5 of them) is a point mass of g. */
const ATOM_SHARE = 0.02;

/** Index of the quarter-decade bin of a size ≥ 1 lot: ⌊4·log₁₀ s⌋. */
function binOf(s: number): number {
  return Math.floor(4 * Math.log10(s) + 1e-9);
}

/** The whole lots of quarter-decade bin b: [⌈10^(b/4)⌉, ⌈10^((b+1)/4)⌉ − 1]. */
function binLots(b: number): [number, number] {
  const lo = Math.ceil(Math.pow(10, b / 4) - 1e-9);
  const hi = Math.ceil(Math.pow(10, (b + 1) / 4) - 1e-9) - 1;
  return [lo, Math.max(lo, hi)];
}

/**
 * The probability mass function g over whole lots of the fast traders' executed sizes
 * `sizes` (a simulation's): a size that holds at least 2 % of them (and 5 orders) keeps its
 * own mass — a sniper capped at its `maxLots` makes such a spike — and the rest is a histogram
 * over quarter decades of size, each bin's mass spread evenly over its whole lots, so that a
 * size the simulation did not happen to draw still has the mass of its neighbours. g sums to
 * 1 over the whole lots; sizes are rounded to whole lots, at least 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fastSizePmf } from "./fast_sizes.ts";
 * const sizes = [...Array(90).fill(100), 2, 3, 3, 6, 7, 8, 9, 40, 41, 52];
 * const g = fastSizePmf(sizes);
 * assert.equal(g(100), 0.9); // the spike at the cap, exact
 * assert.equal(g(2), 3 / 100 / 2); // 2 and 3 share a bin of two lots
 * let total = 0;
 * for (let s = 1; s <= 1000; s++) total += g(s);
 * assert.ok(Math.abs(total - 1) < 1e-12);
 * ```
 */
export function fastSizePmf(sizes: ArrayLike<number>): (lots: number) => number {
  const n = sizes.length;
  if (n === 0) throw new ValidationError("fast.sizes", n, "at least one fast order's size");
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = sizes[i];
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new ValidationError(`fast.sizes[${i}]`, v, "a positive number of lots");
    }
    const s = Math.max(1, Math.round(v));
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const atoms = new Map<number, number>();
  const bins = new Map<number, number>();
  for (const [s, c] of counts) {
    if (c >= 5 && c >= ATOM_SHARE * n) atoms.set(s, c / n);
    else bins.set(binOf(s), (bins.get(binOf(s)) ?? 0) + c);
  }
  // each bin's mass is spread over its lots that are not atoms
  const perLot = new Map<number, number>();
  for (const [b, c] of bins) {
    const [lo, hi] = binLots(b);
    let free = hi - lo + 1;
    for (const k of atoms.keys()) if (k >= lo && k <= hi) free--;
    perLot.set(b, c / n / free);
  }
  return (lots: number): number => {
    const s = Math.max(1, Math.round(lots));
    return atoms.get(s) ?? perLot.get(binOf(s)) ?? 0;
  };
}

/**
 * Checks a {@linkcode FastOrderSizes} (share in [0, 0.95], at least one size) and returns it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateFastOrders } from "./fast_sizes.ts";
 * assert.equal(validateFastOrders({ share: 0.2, sizes: [1, 5] }).share, 0.2);
 * assert.throws(() => validateFastOrders({ share: 1, sizes: [1] }), /fast\.share/);
 * ```
 */
export function validateFastOrders(fast: FastOrderSizes): FastOrderSizes {
  if (!(fast.share >= 0 && fast.share <= 0.95)) {
    throw new ValidationError(
      "fast.share",
      fast.share,
      "a share of the market orders in [0, 0.95] (the background needs orders of its own)",
    );
  }
  if (fast.sizes.length === 0) {
    throw new ValidationError("fast.sizes", 0, "at least one fast order's size");
  }
  return fast;
}
