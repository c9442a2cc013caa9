/**
 * Cancellations of resting background orders: each order is cancelled at its own hazard
 * rate, which depends on where it stands (Cont, Stoikov & Talreja 2010 use one constant
 * rate θ per order; Huang, Lehalle & Rosenbaum 2015 make the rates at the touch depend on
 * the queue):
 *
 *     h = rate · (1 + queuePosition · x) · (1 + depletion · e^(−Q / v̄) at the touch)
 *
 * with x ∈ [0, 1) the share of the level's lots ahead of the order (orders at the back of a
 * queue, which will wait longest and fill last, leave more often), Q the lots at the
 * order's level and v̄ the mean market-order size (`depletionSize`, by default the size law's
 * mean): e^(−Q/v̄) is the chance that one market order of exponential size clears the level,
 * so orders at a nearly empty touch flee an imminent depletion. Every hazard is multiplied by the regime's flow multiplier.
 *
 * The market draws cancellations exactly by thinning, in two streams: candidates at rate
 * {@linkcode CancellationModel.maxHazard} per resting order, and, for the orders at the best
 * bid and ask, extra candidates at rate `touchBound(Q) − maxHazard` (Q the lots at that
 * touch); a candidate order with hazard h is kept with probability min(h, maxHazard)/maxHazard
 * in the first stream and (h − maxHazard)⁺/(touchBound(Q) − maxHazard) in the second, so it is
 * cancelled at rate h. The touch bound uses e^(−y) ≤ 1/(1 + y + y²/2), so that a deep touch
 * (where the depletion term is negligible) costs almost no candidates.
 *
 * Assumes: orders cancel independently given the book. Ignores: cancellations timed on the
 * order's age, partial cancellations (size reductions), owners who manage several orders.
 * Units: per second, lots, ticks.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Infer } from "../validation.ts";

/**
 * Schema of the cancellation model.
 *
 * @ignore
 */
export const cancellationConfigSchema = z.strictObject({
  /** Hazard of an order at the front of its queue away from the touch, per second. */
  rate: z.number().min(0).max(1_000).default(0.15),
  /** Extra hazard at the back of a queue: h ∝ 1 + queuePosition · (share of lots ahead). */
  queuePosition: z.number().min(0).max(100).default(1),
  /** Extra hazard at a nearly empty touch: h ∝ 1 + depletion · e^(−Q / mean order size). */
  depletion: z.number().min(0).max(100).default(2),
  /**
   * The depletion term's size v̄, lots (absent: the market orders' mean desired size,
   * `flow.sizes.marketMean`). A market restated in a finer lot keeps its hazards by keeping
   * this (`finer_lot.ts`), whatever law its sizes are then given.
   */
  depletionSize: z.number().gt(0).max(1e7).optional(),
});

/** The cancellation model (see the schema's field docs). */
export type CancellationConfig = Infer<typeof cancellationConfigSchema>;

/** The cancellation hazard of a resting background order. */
export interface CancellationModel {
  /** An upper bound of the hazard of an order away from the best bid and ask, per second. */
  readonly maxHazard: number;
  /**
   * An upper bound (≥ `maxHazard`) of the hazard of an order at a best bid or ask of
   * `levelQty` lots, whatever its queue position.
   */
  touchBound(levelQty: number): number;
  /**
   * A lower bound of every order's hazard (0 when none is known): a thinning candidate
   * below it is kept without looking up the order's queue.
   */
  readonly minHazard: number;
  /**
   * Hazard (per second, at flow multiplier 1) of an order with a share `ahead` ∈ [0, 1) of
   * its level's lots before it, in a level of `levelQty` lots, at the touch or not,
   * `distance` ticks from the reference price on its own side (negative when it is through
   * it); at most `maxHazard` away from the touch and `touchBound(levelQty)` at it.
   */
  hazard(ahead: number, levelQty: number, atTouch: boolean, distance: number): number;
}

/**
 * The default cancellation model (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cancellationConfigSchema, QueueCancellation } from "./cancellation.ts";
 * const c = new QueueCancellation(cancellationConfigSchema.parse({}), 4);
 * const front = c.hazard(0, 20, false, 3);
 * const back = c.hazard(0.95, 20, false, 3); // 95 % of the level ahead of it
 * assert.ok(Math.abs(back / front - 1.95) < 1e-12);
 * assert.ok(c.hazard(0, 1, true, 0) > c.hazard(0, 40, true, 0)); // a thin touch empties
 * ```
 */
export class QueueCancellation implements CancellationModel {
  readonly maxHazard: number;
  readonly minHazard: number;
  readonly #rate: number;
  readonly #pos: number;
  readonly #dep: number;
  readonly #invSize: number;

  /**
   * Creates the model; v̄ is `cfg.depletionSize` or else `meanOrderSize`, the mean market-order
   * size in lots.
   */
  constructor(cfg: CancellationConfig, meanOrderSize: number) {
    this.#rate = cfg.rate;
    this.#pos = cfg.queuePosition;
    this.#dep = cfg.depletion;
    this.#invSize = 1 / (cfg.depletionSize ?? meanOrderSize);
    this.maxHazard = cfg.rate * (1 + cfg.queuePosition);
    this.minHazard = cfg.rate;
  }

  touchBound(levelQty: number): number {
    const y = levelQty > 0 ? levelQty * this.#invSize : 0;
    return this.maxHazard * (1 + this.#dep / (1 + y + 0.5 * y * y)); // e^(−y) ≤ 1/(1+y+y²/2)
  }

  hazard(ahead: number, levelQty: number, atTouch: boolean, _distance: number): number {
    const h = this.#rate * (1 + this.#pos * ahead);
    return atTouch ? h * (1 + this.#dep * Math.exp(-levelQty * this.#invSize)) : h;
  }
}

/**
 * Creates the cancellation model of `cfg` (`meanOrderSize`: mean market-order size, lots, the
 * depletion term's v̄ unless `cfg.depletionSize` sets it).
 */
export function createCancellationModel(
  cfg: CancellationConfig,
  meanOrderSize: number,
): CancellationModel {
  return new QueueCancellation(cfg, meanOrderSize);
}
