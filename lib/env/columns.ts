/**
 * The per-step columns every {@linkcode VecEnv} writes, declared once in
 * {@linkcode STEP_COLUMNS}: their storage, unit, reset value and meaning. Everything else is
 * derived from that table — the {@linkcode StepColumns} and {@linkcode EpisodeRecord}
 * types, allocation ({@linkcode createStepColumns}), the start-of-episode row
 * ({@linkcode resetStepRow}), the episode recorder, and the CSV / Arrow exports with their
 * units — so adding a column is one entry here.
 *
 * @module
 */
import type { EnvConfig } from "./config.ts";
import type { EnvMemory } from "./memory.ts";

/** How one step column is stored, what unit it is in, and its value at reset. */
export interface ColumnSpec {
  /** Storage: `f64` (Float64Array) or `i32` (Int32Array). */
  readonly type: "f64" | "i32";
  /** Unit, as written into exported files (e.g. "USD", "lots"). */
  readonly unit: string;
  /**
   * Value at the start of an episode: `zero`, `nan` (no quote / no fill yet), `mid` (the
   * initial mid) or `regime` (the initial regime index).
   */
  readonly reset: "zero" | "nan" | "mid" | "regime";
  /** One line saying what the column holds. */
  readonly doc: string;
}

/**
 * The step columns, in export order. Prices in dollars, quantities in lots; each row
 * describes the state after the step (or what happened during it).
 */
export const STEP_COLUMNS = {
  /** True mid after the step, dollars. */
  mid: { type: "f64", unit: "USD", reset: "mid", doc: "true mid after the step" },
  /** Cash, dollars (starts at 0): fills, minus fees and impact costs. */
  cash: { type: "f64", unit: "USD", reset: "zero", doc: "cash after the step" },
  /** Inventory, lots. */
  inventory: { type: "f64", unit: "lots", reset: "zero", doc: "inventory after the step" },
  /** Mark-to-market P&L: cash + inventory·lotSize·mid, dollars. */
  pnl: { type: "f64", unit: "USD", reset: "zero", doc: "mark-to-market P&L" },
  /** Our bid quote price posted this step, dollars (NaN when none). */
  bidQuote: { type: "f64", unit: "USD", reset: "nan", doc: "our bid price (NaN: none)" },
  /** Our ask quote price posted this step, dollars (NaN when none). */
  askQuote: { type: "f64", unit: "USD", reset: "nan", doc: "our ask price (NaN: none)" },
  /** Bid lots posted this step (new or re-sized orders). */
  bidPosted: { type: "f64", unit: "lots", reset: "zero", doc: "bid lots newly posted" },
  /** Ask lots posted this step (new or re-sized orders). */
  askPosted: { type: "f64", unit: "lots", reset: "zero", doc: "ask lots newly posted" },
  /** Bid lots filled this step. */
  bidFilled: { type: "f64", unit: "lots", reset: "zero", doc: "bid lots filled" },
  /** Ask lots filled this step. */
  askFilled: { type: "f64", unit: "lots", reset: "zero", doc: "ask lots filled" },
  /** Volume-weighted bid fill price this step, dollars (NaN if none). */
  bidFillPrice: { type: "f64", unit: "USD", reset: "nan", doc: "mean bid fill price" },
  /** Volume-weighted ask fill price this step, dollars (NaN if none). */
  askFillPrice: { type: "f64", unit: "USD", reset: "nan", doc: "mean ask fill price" },
  /** Volatility regime index in force during the step. */
  regime: { type: "i32", unit: "index", reset: "regime", doc: "volatility regime index" },
  /** Price impact our executions caused this step, dollars of mid shift. */
  impact: { type: "f64", unit: "USD", reset: "zero", doc: "mid shift our trades caused" },
  /** Weighted P&L reward term (added). */
  rewardPnl: { type: "f64", unit: "USD", reset: "zero", doc: "reward: P&L term" },
  /** Weighted inventory penalty term (subtracted). */
  rewardInventory: { type: "f64", unit: "USD", reset: "zero", doc: "reward: inventory penalty" },
  /** Weighted volatility penalty term (subtracted). */
  rewardVolatility: {
    type: "f64",
    unit: "USD",
    reset: "zero",
    doc: "reward: volatility penalty",
  },
  /** Weighted impact cost term (subtracted). */
  rewardImpact: { type: "f64", unit: "USD", reset: "zero", doc: "reward: impact cost" },
} as const satisfies Record<string, ColumnSpec>;

/** The name of a step column. */
export type StepColumnName = keyof typeof STEP_COLUMNS;

/** The typed array that stores a column of storage type `T`. */
export type ColumnArray<T extends ColumnSpec["type"]> = T extends "i32" ? Int32Array
  : Float64Array;

/**
 * Per-environment columns written by each step (length `numEnvs`, one entry per env), as
 * declared in {@linkcode STEP_COLUMNS}. The recorder and analytics read these; `info(i)`
 * wraps them as an object at the API edge.
 */
export type StepColumns = {
  readonly [K in StepColumnName]: ColumnArray<typeof STEP_COLUMNS[K]["type"]>;
};

/** {@linkcode StepColumns} with writable members, for the env that owns them. */
export type MutableStepColumns = { -readonly [K in keyof StepColumns]: StepColumns[K] };

/** The names of the Float64 step columns, in declaration order. */
export const F64_STEP_COLUMNS: readonly StepColumnName[] = (
  Object.keys(STEP_COLUMNS) as StepColumnName[]
).filter((k) => STEP_COLUMNS[k].type === "f64");

/** The names of the Int32 step columns, in declaration order. */
export const I32_STEP_COLUMNS: readonly StepColumnName[] = (
  Object.keys(STEP_COLUMNS) as StepColumnName[]
).filter((k) => STEP_COLUMNS[k].type === "i32");

/** Per-episode columns of an {@linkcode EpisodeRecord} (one entry per step). */
export type EpisodeColumns = { [K in StepColumnName]: ColumnArray<typeof STEP_COLUMNS[K]["type"]> };

/**
 * One recorded episode of one environment: every step column over the episode (row t holds
 * the state after step t+1; the P&L before the first step is 0), plus the step's end time
 * and reward. Produced by the episode recorder, consumed by analytics and plots.
 */
export interface EpisodeRecord extends EpisodeColumns {
  /** Seed the episode was reset with. */
  seed: number;
  /** Agent that produced it, when known. */
  agentId?: string;
  /** Number of recorded steps. */
  steps: number;
  /** Step length, seconds. */
  dt: number;
  /** Shares per lot. */
  lotSize: number;
  /** Tick size, dollars. */
  tickSize: number;
  /** Market time at the end of each step, seconds. */
  time: Float64Array;
  /** Reward of each step. */
  reward: Float64Array;
}

/**
 * Allocates zeroed step columns for `n` environments (through `memory`, under the names
 * `columns.<name>`, when given).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStepColumns } from "./columns.ts";
 * const cols = createStepColumns(4);
 * assert.equal(cols.pnl.length, 4);
 * assert.ok(cols.regime instanceof Int32Array);
 * ```
 */
export function createStepColumns(n: number, memory?: EnvMemory): MutableStepColumns {
  const cols = {} as Record<StepColumnName, Float64Array | Int32Array>;
  for (const name of Object.keys(STEP_COLUMNS) as StepColumnName[]) {
    const i32 = STEP_COLUMNS[name].type === "i32";
    cols[name] = memory
      ? (i32 ? memory.i32(`columns.${name}`, 1) : memory.f64(`columns.${name}`, 1))
      : (i32 ? new Int32Array(n) : new Float64Array(n));
  }
  return cols as MutableStepColumns;
}

/**
 * Puts env `i` of `cols` in its start-of-episode state, as each column's `reset` says:
 * flat, no cash, no quotes (quote and fill prices `NaN`), no fills, no reward terms, mid
 * `mid` (dollars) and regime `regime`. Used by every tier's `reset`, so they start
 * identically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStepColumns, resetStepRow } from "./columns.ts";
 * const cols = createStepColumns(2);
 * resetStepRow(cols, 1, 100, 0);
 * assert.equal(cols.mid[1], 100);
 * assert.ok(Number.isNaN(cols.bidQuote[1]));
 * ```
 */
export function resetStepRow(
  cols: MutableStepColumns,
  i: number,
  mid: number,
  regime: number,
): void {
  for (const name of RESET_ORDER) {
    const r = STEP_COLUMNS[name].reset;
    cols[name][i] = r === "zero" ? 0 : r === "nan" ? NaN : r === "mid" ? mid : regime;
  }
}

const RESET_ORDER = Object.keys(STEP_COLUMNS) as StepColumnName[];

/** `info` of one environment at the API edge. */
export interface StepInfo {
  /** Market time, seconds. */
  time: number;
  /** Steps since reset. */
  step: number;
  /** Mid price, dollars. */
  mid: number;
  /** Cash, dollars. */
  cash: number;
  /** Inventory, lots. */
  inventory: number;
  /** Mark-to-market P&L, dollars. */
  pnl: number;
  /** Regime index. */
  regime: number;
  /** Regime name. */
  regimeName: string;
  /** Price impact our executions caused, dollars. */
  impact: number;
  /** Lots filled this step per side. */
  fills: { bid: number; ask: number };
  /** The reward terms of the last step. */
  rewardTerms: { pnl: number; inventory: number; volatility: number; impact: number };
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
