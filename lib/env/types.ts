/**
 * The environment contract shared by both fidelity tiers ("book" and "model"):
 * observation and action layouts, the batched {@linkcode VecEnv} interface with
 * its typed-array columns, and the Gymnasium-style single {@linkcode Env}.
 *
 * @module
 */
import type { EnvConfig } from "./config.ts";
import type { StepColumns, StepInfo } from "./columns.ts";

export type { EpisodeRecord, StepColumns, StepInfo } from "./columns.ts";

/** Observation dimension. */
export const OBS_DIM = 9;
/** Action dimension. */
export const ACT_DIM = 4;

/**
 * Observation layout (all normalized, roughly in [-1, 1] or [0, 1]; clipped to [-5, 5]):
 * - `INVENTORY`: inventory / maxInventory.
 * - `TIME_LEFT`: time remaining / duration, 1 at reset, 0 at the end.
 * - `SPREAD`: market spread in ticks / 10 (model tier: the nominal `model.marketSpreadTicks` / 10).
 * - `RETURN`: mid change over the last step / nominal σ over one step.
 * - `VOLATILITY`: EWMA volatility estimate / nominal σ (1 means "as configured").
 * - `IMBALANCE`: (bid depth − ask depth) / (sum) over the top 5 levels, in [-1, 1]
 *   (model tier: 0).
 * - `TRADE_FLOW`: EWMA of signed market-order volume (buys positive) / (EWMA of total), in [-1, 1]
 *   (model tier: the same on the model's simulated market orders).
 * - `BID_QUEUE`, `ASK_QUEUE`: our order's queue position, lots ahead / lots at its level, in [0, 1];
 *   1 when we have no resting order on that side (model tier: 1 − per-step fill probability of
 *   the current quote).
 */
export const OBS = {
  INVENTORY: 0,
  TIME_LEFT: 1,
  SPREAD: 2,
  RETURN: 3,
  VOLATILITY: 4,
  IMBALANCE: 5,
  TRADE_FLOW: 6,
  BID_QUEUE: 7,
  ASK_QUEUE: 8,
} as const;

/** Human-readable names of the observation elements, in order. */
export const OBS_NAMES: readonly string[] = [
  "inventory",
  "timeLeft",
  "spread",
  "return",
  "volatility",
  "imbalance",
  "tradeFlow",
  "bidQueue",
  "askQueue",
];

/**
 * Action layout (raw units, not normalized):
 * - `BID_OFFSET`, `ASK_OFFSET`: distance of our quote from the (observed) mid, in ticks, in
 *   [0, maxOffsetTicks]. The book tier rounds away from the mid to a whole tick
 *   (bid = floor(mid/tick − offset), ask = ceil(mid/tick + offset)); the model tier uses δ =
 *   offset·tickSize dollars without rounding.
 * - `BID_SIZE`, `ASK_SIZE`: quote size in lots, in [0, maxQuoteSize], rounded to the nearest
 *   integer; 0 means no quote on that side.
 *
 * Finite values outside the bounds are clipped. A non-finite value (NaN, ±Infinity) is rejected
 * with a `ValidationError` naming `action[i]` (index within the batch), and the env is unchanged.
 */
export const ACT = { BID_OFFSET: 0, ASK_OFFSET: 1, BID_SIZE: 2, ASK_SIZE: 3 } as const;

/**
 * What a strategy may legitimately see besides the observation, per environment
 * (arrays of length `numEnvs`, updated in place each step). Book tier: values as
 * seen through the market-data latency.
 */
export interface AgentView {
  /** Observed mid price, dollars. */
  readonly mid: Float64Array;
  /** Observed best bid / ask, dollars (NaN when that side is empty). */
  readonly bestBid: Float64Array;
  /** Observed best ask, dollars (NaN when empty). */
  readonly bestAsk: Float64Array;
  /** Our inventory, lots. */
  readonly inventory: Float64Array;
  /** Seconds left in the episode. */
  readonly timeLeft: Float64Array;
  /** Volatility estimate of the mid, dollars per √second (EWMA of squared mid changes). */
  readonly sigma: Float64Array;
}

/** The result of `reset`. */
export interface ResetResult {
  /** The observation (OBS_DIM values). */
  observation: Float64Array;
  /** Details of the step. */
  info: StepInfo;
}

/** The result of `step`. */
export interface StepResult {
  /** The observation (OBS_DIM values). */
  observation: Float64Array;
  /** Reward. */
  reward: number;
  /** The episode reached its end. */
  terminated: boolean;
  /** The episode was cut short (never, in ALPE). */
  truncated: boolean;
  /** Details of the step. */
  info: StepInfo;
}

/**
 * N environments stepped in lockstep. All episodes have the same number of steps
 * (`round(duration/dt)`); at the last step every env reports `terminated = 1` (time is
 * part of the state, so the horizon is a true terminal). After that, call `reset`
 * again; stepping a finished batch throws.
 */
export interface VecEnv {
  /** Number of environments. */
  readonly numEnvs: number;
  /** The resolved configuration. */
  readonly config: EnvConfig;
  /** Steps taken since the last reset. */
  readonly stepIndex: number;
  /** Observations, row-major `numEnvs × OBS_DIM`, updated in place. */
  readonly observations: Float64Array;
  /** Rewards of the last step. */
  readonly rewards: Float64Array;
  /** 1 where the episode ended at the last step. */
  readonly terminated: Uint8Array;
  /** 1 where the episode was cut short (not used by ALPE's envs: always 0). */
  readonly truncated: Uint8Array;
  /** What agents may see besides the observation. */
  readonly view: AgentView;
  /** Per-environment columns of the last step. */
  readonly columns: StepColumns;
  /** Resets every env, env i with `seeds[i]`; returns `observations`. */
  reset(seeds: ArrayLike<number>): Float64Array;
  /** Steps every env with `actions` (row-major `numEnvs × ACT_DIM`). */
  step(actions: ArrayLike<number>): void;
  /** The info object of env `i` (allocates; for the API edge). */
  info(i: number): StepInfo;
}

/** A single Gymnasium-style environment. */
export interface Env {
  /** The resolved configuration. */
  readonly config: EnvConfig;
  /** Starts an episode with `seed`. */
  reset(seed: number): ResetResult;
  /** Takes one step. */
  step(action: ArrayLike<number>): StepResult;
}
