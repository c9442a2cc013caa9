/**
 * Where a {@linkcode VecEnv}'s arrays live. A tier allocates the arrays of the VecEnv
 * contract (observations, rewards, flags, view, step columns) through an
 * {@linkcode EnvMemory}, by name: {@linkcode heapMemory} gives ordinary typed arrays; the
 * parallel VecEnv (`lib/env/parallel.ts`) gives each worker's envs views into shared memory,
 * so that a shard steps in place and nothing is copied between threads.
 *
 * @module
 */
import { STEP_COLUMNS, type StepColumnName } from "./columns.ts";
import { OBS_DIM } from "./types.ts";

/** Element type of a VecEnv array. */
export type EnvArrayType = "f64" | "i32" | "u8";

/** Allocates the named arrays of `numEnvs` envs, `perEnv` elements per env. */
export interface EnvMemory {
  /** Number of envs every array is sized for. */
  readonly numEnvs: number;
  /** A Float64Array of `numEnvs · perEnv` elements for the array called `name`. */
  f64(name: string, perEnv: number): Float64Array;
  /** An Int32Array of `numEnvs · perEnv` elements for the array called `name`. */
  i32(name: string, perEnv: number): Int32Array;
  /** A Uint8Array of `numEnvs · perEnv` elements for the array called `name`. */
  u8(name: string, perEnv: number): Uint8Array;
}

/** One array of the VecEnv contract: its name, element type and elements per env. */
export interface EnvArraySpec {
  /** Name passed to {@linkcode EnvMemory} (e.g. `observations`, `columns.pnl`). */
  readonly name: string;
  /** Element type. */
  readonly type: EnvArrayType;
  /** Elements per env. */
  readonly perEnv: number;
}

/**
 * Every array a VecEnv exposes, by the names tiers allocate them under: `observations`,
 * `rewards`, `terminated`, `truncated`, `impactCost`, `view.<member>` (mid, bestBid, bestAsk,
 * timeLeft, sigma; `view.inventory` is `columns.inventory`) and `columns.<name>` for every
 * step column.
 */
export const VEC_ENV_ARRAYS: readonly EnvArraySpec[] = [
  { name: "observations", type: "f64", perEnv: OBS_DIM },
  { name: "rewards", type: "f64", perEnv: 1 },
  { name: "terminated", type: "u8", perEnv: 1 },
  { name: "truncated", type: "u8", perEnv: 1 },
  { name: "impactCost", type: "f64", perEnv: 1 },
  { name: "view.mid", type: "f64", perEnv: 1 },
  { name: "view.bestBid", type: "f64", perEnv: 1 },
  { name: "view.bestAsk", type: "f64", perEnv: 1 },
  { name: "view.timeLeft", type: "f64", perEnv: 1 },
  { name: "view.sigma", type: "f64", perEnv: 1 },
  ...(Object.keys(STEP_COLUMNS) as StepColumnName[]).map((k) => ({
    name: `columns.${k}`,
    type: STEP_COLUMNS[k].type,
    perEnv: 1,
  })),
];

/**
 * Ordinary (heap) typed arrays for `numEnvs` envs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { heapMemory } from "./memory.ts";
 * const mem = heapMemory(3);
 * assert.equal(mem.f64("observations", 9).length, 27);
 * ```
 */
export function heapMemory(numEnvs: number): EnvMemory {
  return {
    numEnvs,
    f64: (_name, perEnv) => new Float64Array(numEnvs * perEnv),
    i32: (_name, perEnv) => new Int32Array(numEnvs * perEnv),
    u8: (_name, perEnv) => new Uint8Array(numEnvs * perEnv),
  };
}
