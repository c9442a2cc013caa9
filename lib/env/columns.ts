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
