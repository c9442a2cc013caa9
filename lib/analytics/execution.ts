/**
 * Execution-quality metrics of an episode's fills and quotes. Fills are read per step
 * and side from the recorder's columns (`bidFilled`/`askFilled` lots at the
 * volume-weighted `bidFillPrice`/`askFillPrice`); one "fill" is one (step, side) with
 * lots > 0. Prices are dollars per share.
 *
 * Sign conventions: positive = good for the market maker.
 * - Spread captured of a fill: bid (we bought) mid − price; ask (we sold) price − mid,
 *   with mid the mid at the **start** of the fill's step (the mid the quote was made
 *   against: `mid[t − 1]`, and `initialMid` for t = 0).
 * - Markout at horizon h of a fill in step t: bid mid(t + h) − price, ask
 *   price − mid(t + h), with mid(t + h) = `mid[t + round(h/dt)]` (the mid recorded
 *   h seconds after the end of the fill's step). It includes the spread captured;
 *   a negative markout is adverse selection against the maker.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import type { EpisodeRecord } from "../env/types.ts";
import { requirePositive } from "./_stats.ts";

/** The fill columns of an {@linkcode EpisodeRecord}. */
export type FillColumns = Pick<
  EpisodeRecord,
  "steps" | "bidFilled" | "askFilled" | "bidFillPrice" | "askFillPrice"
>;

/** Number of fills: (step, side) pairs with filled lots > 0. */
export function countFills(rec: FillColumns): number {
  let n = 0;
  for (let t = 0; t < rec.steps; t++) {
    if (rec.bidFilled[t] > 0) n++;
    if (rec.askFilled[t] > 0) n++;
  }
  return n;
}

/** Total lots filled, both sides. */
export function filledLots(rec: FillColumns): number {
  let n = 0;
  for (let t = 0; t < rec.steps; t++) {
    if (rec.bidFilled[t] > 0) n += rec.bidFilled[t];
    if (rec.askFilled[t] > 0) n += rec.askFilled[t];
  }
  return n;
}

/**
 * Fill ratio: filled lots / posted lots, both sides (posted = lots of new or re-sized
 * orders, per the recorder). NaN when nothing was posted.
 */
export function fillRatio(
  rec: Pick<EpisodeRecord, "steps" | "bidFilled" | "askFilled" | "bidPosted" | "askPosted">,
): number {
  let filled = 0, posted = 0;
  for (let t = 0; t < rec.steps; t++) {
    filled += rec.bidFilled[t] + rec.askFilled[t];
    posted += rec.bidPosted[t] + rec.askPosted[t];
  }
  return posted > 0 ? filled / posted : NaN;
}

/** Mean |inventory| over the recorded steps, lots. NaN for an empty record. */
export function avgAbsInventory(inventory: ArrayLike<number>, steps = inventory.length): number {
  if (steps === 0) return NaN;
  let s = 0;
  for (let t = 0; t < steps; t++) s += Math.abs(inventory[t]);
  return s / steps;
}

/** Traded notional in dollars: Σ lots · fill price · lotSize, both sides. */
export function tradedNotional(rec: FillColumns & Pick<EpisodeRecord, "lotSize">): number {
  let s = 0;
  for (let t = 0; t < rec.steps; t++) {
    if (rec.bidFilled[t] > 0) s += rec.bidFilled[t] * rec.bidFillPrice[t];
    if (rec.askFilled[t] > 0) s += rec.askFilled[t] * rec.askFillPrice[t];
  }
  return s * rec.lotSize;
}

/** Turnover of the episode: traded notional / capitalBase (not annualized). */
export function turnover(
  rec: FillColumns & Pick<EpisodeRecord, "lotSize">,
  capitalBase: number,
): number {
  return tradedNotional(rec) / requirePositive("capitalBase", capitalBase);
}

/** Volume-weighted spread captured, per share. */
export interface SpreadCaptured {
  /** Dollars per share (volume-weighted over fills); NaN without fills. */
  perShare: number;
  /** The same in ticks (perShare / tickSize). */
  ticks: number;
  /** Total dollars: Σ edge · lots · lotSize. */
  total: number;
}

/**
 * Volume-weighted spread captured per fill against the start-of-step mid (see the
 * module doc). `initialMid` is the mid before the first step (default `mid[0]`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spreadCaptured } from "./execution.ts";
 * const nan = NaN;
 * const rec = {
 *   steps: 2, lotSize: 100, tickSize: 0.01,
 *   mid: new Float64Array([100, 100.02]),
 *   bidFilled: new Float64Array([0, 2]), bidFillPrice: new Float64Array([nan, 99.98]),
 *   askFilled: new Float64Array([1, 0]), askFillPrice: new Float64Array([100.03, nan]),
 * };
 * // ask at t=0: 100.03 − 100 = 0.03 (1 lot); bid at t=1: 100 − 99.98 = 0.02 (2 lots)
 * const { perShare } = spreadCaptured(rec, 100);
 * assert.ok(Math.abs(perShare - (0.03 + 2 * 0.02) / 3) < 1e-12); // ≈ $0.0233 a share
 * ```
 */
export function spreadCaptured(
  rec: FillColumns & Pick<EpisodeRecord, "mid" | "lotSize" | "tickSize">,
  initialMid: number = rec.mid[0],
): SpreadCaptured {
  let edge = 0, lots = 0;
  for (let t = 0; t < rec.steps; t++) {
    const m = t === 0 ? initialMid : rec.mid[t - 1];
    const qb = rec.bidFilled[t], qa = rec.askFilled[t];
    if (qb > 0) {
      edge += qb * (m - rec.bidFillPrice[t]);
      lots += qb;
    }
    if (qa > 0) {
      edge += qa * (rec.askFillPrice[t] - m);
      lots += qa;
    }
  }
  const perShare = lots > 0 ? edge / lots : NaN;
  return { perShare, ticks: perShare / rec.tickSize, total: edge * rec.lotSize };
}

/** Default markout horizons, seconds. */
export const DEFAULT_MARKOUT_HORIZONS: readonly number[] = [1, 5, 30];

/**
 * Volume-weighted markout in dollars per share at horizon `horizonSeconds` (see the
 * module doc for the sign). Fills whose horizon runs past the last recorded step are
 * left out; NaN when no fill qualifies.
 */
export function markout(
  rec: FillColumns & Pick<EpisodeRecord, "mid" | "dt">,
  horizonSeconds: number,
): number {
  if (!(horizonSeconds >= 0) || !Number.isFinite(horizonSeconds)) {
    throw new ValidationError("horizonSeconds", horizonSeconds, "a finite number >= 0");
  }
  const hs = Math.round(horizonSeconds / rec.dt);
  let sum = 0, lots = 0;
  for (let t = 0; t + hs < rec.steps; t++) {
    const qb = rec.bidFilled[t], qa = rec.askFilled[t];
    if (!(qb > 0) && !(qa > 0)) continue;
    const m = rec.mid[t + hs];
    if (qb > 0) {
      sum += qb * (m - rec.bidFillPrice[t]);
      lots += qb;
    }
    if (qa > 0) {
      sum += qa * (rec.askFillPrice[t] - m);
      lots += qa;
    }
  }
  return lots > 0 ? sum / lots : NaN;
}

/**
 * Markouts at several horizons, keyed `"<h>s"` (e.g. `"1s"`, `"5s"`, `"30s"`), dollars
 * per share (divide by tickSize for ticks).
 */
export function markouts(
  rec: FillColumns & Pick<EpisodeRecord, "mid" | "dt">,
  horizonsSeconds: readonly number[] = DEFAULT_MARKOUT_HORIZONS,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const h of horizonsSeconds) out[`${h}s`] = markout(rec, h);
  return out;
}
