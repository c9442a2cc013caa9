/**
 * Where a market maker's P&L comes from: **spread capture** (the edge earned at each fill
 * against the mid the quote was made against), **inventory P&L** (the mark-to-market
 * gains and losses of the position held between fills) and the **impact cost** paid, with
 *
 *     total P&L = spread capture + inventory P&L − impact cost
 *
 * exactly, per episode. And how an episode splits across volatility regimes: the P&L,
 * fills, time and inventory while each regime was in force.
 *
 * Units: dollars per episode; spread capture is the volume-weighted edge per share
 * (`spreadCaptured` of lib/analytics' execution metrics) × lots filled × lotSize.
 *
 * @module
 */
import type { EpisodeRecord } from "../env/types.ts";
import type { EpisodeMetrics } from "./summary.ts";

/** The P&L of one episode split into its sources, dollars. */
export interface PnlAttribution {
  /** Final mark-to-market P&L (net of impact costs). */
  total: number;
  /** Σ over fills of edge per share × lots × lotSize (0 without fills). */
  spreadCapture: number;
  /** total − spreadCapture + impactCost: what price moves did to the inventory held. */
  inventoryPnl: number;
  /** Impact cost paid (subtracted from the total). */
  impactCost: number;
}

/**
 * Splits an episode's P&L from its summary metrics (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pnlAttribution } from "./attribution.ts";
 * // 10 lots filled at an average edge of 0.005 $/share, 100 shares a lot: 5 $ of spread.
 * const a = pnlAttribution(
 *   { totalPnl: 3, spreadCaptured: 0.005, filledLots: 10, impactCost: 0.5 },
 *   100,
 * );
 * assert.ok(Math.abs(a.spreadCapture - 5) < 1e-12);
 * assert.ok(Math.abs(a.inventoryPnl - -1.5) < 1e-12); // 3 = 5 + (−1.5) − 0.5
 * ```
 */
export function pnlAttribution(
  m: Pick<EpisodeMetrics, "totalPnl" | "spreadCaptured" | "filledLots" | "impactCost">,
  lotSize: number,
): PnlAttribution {
  const spread = m.filledLots > 0 && Number.isFinite(m.spreadCaptured)
    ? m.spreadCaptured * m.filledLots * lotSize
    : 0;
  const impact = Number.isFinite(m.impactCost) ? m.impactCost : 0;
  return {
    total: m.totalPnl,
    spreadCapture: spread,
    inventoryPnl: m.totalPnl - spread + impact,
    impactCost: impact,
  };
}

/** What happened in one episode while one regime was in force. */
export interface RegimeSlice {
  /** Steps spent in the regime. */
  steps: number;
  /** P&L earned in the regime, dollars (the slices of an episode add up to its P&L). */
  pnl: number;
  /** Fills ((step, side) pairs with lots > 0). */
  fills: number;
  /** Σ |inventory| over the regime's steps, lots·steps (divide by `steps` for the mean). */
  absInventorySteps: number;
}

/**
 * Splits an episode's per-step P&L changes, fills and inventory by the regime in force
 * at each step. Returns one slice per regime index `0 … regimes − 1`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { regimeSlices } from "./attribution.ts";
 * const rec = {
 *   steps: 3,
 *   pnl: new Float64Array([1, 3, 2]),
 *   regime: new Int32Array([0, 1, 1]),
 *   inventory: new Float64Array([1, -2, 0]),
 *   bidFilled: new Float64Array([1, 0, 0]),
 *   askFilled: new Float64Array([0, 3, 0]),
 * };
 * const [calm, busy] = regimeSlices(rec, 2);
 * assert.deepEqual(calm, { steps: 1, pnl: 1, fills: 1, absInventorySteps: 1 });
 * assert.deepEqual(busy, { steps: 2, pnl: 1, fills: 1, absInventorySteps: 2 });
 * ```
 */
export function regimeSlices(
  rec: Pick<EpisodeRecord, "steps" | "pnl" | "regime" | "inventory" | "bidFilled" | "askFilled">,
  regimes: number,
): RegimeSlice[] {
  const out: RegimeSlice[] = Array.from(
    { length: regimes },
    () => ({ steps: 0, pnl: 0, fills: 0, absInventorySteps: 0 }),
  );
  let prev = 0;
  for (let t = 0; t < rec.steps; t++) {
    const g = out[rec.regime[t]];
    const p = rec.pnl[t];
    if (g) {
      g.steps++;
      g.pnl += p - prev;
      g.fills += (rec.bidFilled[t] > 0 ? 1 : 0) + (rec.askFilled[t] > 0 ? 1 : 0);
      g.absInventorySteps += Math.abs(rec.inventory[t]);
    }
    prev = p;
  }
  return out;
}
