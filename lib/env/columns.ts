/**
 * Allocation of the per-environment typed-array columns every {@linkcode VecEnv}
 * writes, and the `info` object built from them at the API edge. Shared by both
 * tiers so that their columns and info stay identical in shape.
 *
 * @module
 */
import type { EnvConfig } from "./config.ts";
import type { StepColumns, StepInfo } from "./types.ts";

/** {@linkcode StepColumns} with writable members, for the env that owns them. */
export type MutableStepColumns = { -readonly [K in keyof StepColumns]: StepColumns[K] };

/**
 * Allocates zeroed step columns for `n` environments.
 *
 * @example
 * ```ts
 * import { createStepColumns } from "./columns.ts";
 * const cols = createStepColumns(4);
 * cols.pnl.length; // 4
 * ```
 */
export function createStepColumns(n: number): MutableStepColumns {
  const f = () => new Float64Array(n);
  return {
    mid: f(),
    cash: f(),
    inventory: f(),
    pnl: f(),
    bidQuote: f(),
    askQuote: f(),
    bidPosted: f(),
    askPosted: f(),
    bidFilled: f(),
    askFilled: f(),
    bidFillPrice: f(),
    askFillPrice: f(),
    regime: new Int32Array(n),
    impact: f(),
    rewardPnl: f(),
    rewardInventory: f(),
    rewardVolatility: f(),
    rewardImpact: f(),
  };
}

/** The {@linkcode StepInfo} of env `i` after `stepIndex` steps (allocates; API edge only). */
export function stepInfo(
  cols: StepColumns,
  config: EnvConfig,
  i: number,
  stepIndex: number,
): StepInfo {
  const r = cols.regime[i];
  return {
    time: stepIndex * config.dt,
    step: stepIndex,
    mid: cols.mid[i],
    cash: cols.cash[i],
    inventory: cols.inventory[i],
    pnl: cols.pnl[i],
    regime: r,
    regimeName: config.regimes.names[r],
    impact: cols.impact[i],
    fills: { bid: cols.bidFilled[i], ask: cols.askFilled[i] },
    rewardTerms: {
      pnl: cols.rewardPnl[i],
      inventory: cols.rewardInventory[i],
      volatility: cols.rewardVolatility[i],
      impact: cols.rewardImpact[i],
    },
  };
}

/**
 * Puts env `i` of `cols` in its start-of-episode state: flat, no cash, no quotes
 * (quote and fill prices `NaN`), no fills, no reward terms, mid `mid` (dollars) and
 * regime `regime`. Used by both tiers' `reset`, so they start identically.
 *
 * @example
 * ```ts
 * import { createStepColumns, resetStepRow } from "./columns.ts";
 * const cols = createStepColumns(2);
 * resetStepRow(cols, 1, 100, 0);
 * cols.mid[1]; // 100
 * cols.bidQuote[1]; // NaN
 * ```
 */
export function resetStepRow(
  cols: MutableStepColumns,
  i: number,
  mid: number,
  regime: number,
): void {
  cols.mid[i] = mid;
  cols.cash[i] = 0;
  cols.inventory[i] = 0;
  cols.pnl[i] = 0;
  cols.bidQuote[i] = NaN;
  cols.askQuote[i] = NaN;
  cols.bidPosted[i] = 0;
  cols.askPosted[i] = 0;
  cols.bidFilled[i] = 0;
  cols.askFilled[i] = 0;
  cols.bidFillPrice[i] = NaN;
  cols.askFillPrice[i] = NaN;
  cols.regime[i] = regime;
  cols.impact[i] = 0;
  cols.rewardPnl[i] = 0;
  cols.rewardInventory[i] = 0;
  cols.rewardVolatility[i] = 0;
  cols.rewardImpact[i] = 0;
}
