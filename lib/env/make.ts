/**
 * Environment factories: pick the fidelity tier from `config.tier` ("book": the L3
 * order-book simulator {@linkcode BookVecEnv}; "model": the vectorized Avellaneda–Stoikov
 * model {@linkcode ModelVecEnv}; "replay": recorded order books, {@linkcode ReplayVecEnv}), in
 * this thread or split across worker threads ({@linkcode makeParallelVecEnv}).
 *
 * @module
 */
import { BookVecEnv } from "./book_env.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "./config.ts";
import type { EnvArraySpec, EnvMemory } from "./memory.ts";
import { MODEL_STATE_ARRAYS, ModelVecEnv } from "./model_env.ts";
import { type ParallelEnvOptions, ParallelVecEnv } from "./parallel.ts";
import { ReplayVecEnv } from "./replay_env.ts";
import { resolveReplay } from "./replay_setup.ts";
import { SingleEnv } from "./single_env.ts";
import type { Env, VecEnv } from "./types.ts";

/**
 * Resolves `config` (a partial input, validated and defaulted, or an already resolved
 * {@linkcode EnvConfig}, which is validated again so a hand-edited object cannot slip through).
 * A replay-tier config also loads its tapes and takes the tick, lot, price and volatility they
 * decide (see `resolveReplay`).
 */
export function resolveConfig(config: EnvConfigInput | EnvConfig = {}): EnvConfig {
  const cfg = parseEnvConfig(config as EnvConfigInput);
  return cfg.tier === "replay" ? resolveReplay(cfg).config : cfg;
}

/**
 * `numEnvs` environments of the tier named by `config.tier`. Throws a `ValidationError`
 * naming the offending field for a bad config or `numEnvs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeVecEnv } from "./make.ts";
 * const env = makeVecEnv({ tier: "model", duration: 60 }, 8);
 * env.reset([1, 2, 3, 4, 5, 6, 7, 8]);
 * env.step(new Float64Array(8 * 4).fill(1)); // every env: 1 tick out, 1 lot a side
 * assert.equal(env.stepIndex, 1);
 * assert.equal(env.rewards.length, 8);
 * assert.throws(() => makeVecEnv({ tier: "model" }, 0), /numEnvs/);
 * ```
 */
export function makeVecEnv(
  config: EnvConfigInput | EnvConfig,
  numEnvs: number,
  options: MakeVecEnvOptions = {},
): VecEnv {
  const cfg = resolveConfig(config);
  if (cfg.tier === "replay") return new ReplayVecEnv(cfg, numEnvs, { memory: options.memory });
  return cfg.tier === "book"
    ? new BookVecEnv(cfg, numEnvs, { memory: options.memory })
    : new ModelVecEnv(cfg, numEnvs, { memory: options.memory, descending: options.descending });
}

/** Options of {@linkcode makeVecEnv}. */
export interface MakeVecEnvOptions {
  /**
   * Where the VecEnv arrays live (every tier allocates them through it; default: one
   * ordinary arena per VecEnv, `heapMemory`).
   */
  memory?: EnvMemory;
  /**
   * Step the envs from the last to the first where the tier supports it (the model tier);
   * the same results either way.
   */
  descending?: boolean;
}

/**
 * `numEnvs` environments of the tier named by `config.tier`, stepped by `options.workers`
 * threads (default 2: this one and a worker thread) over shared memory: a
 * {@linkcode ParallelVecEnv}, bit-identical to {@linkcode makeVecEnv}'s for the same seeds
 * and actions whatever the number of workers. Call `close()` when done.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeParallelVecEnv, makeVecEnv } from "./make.ts";
 * const par = await makeParallelVecEnv({ tier: "model", duration: 1 }, 4, { workers: 2 });
 * const one = makeVecEnv({ tier: "model", duration: 1 }, 4);
 * par.reset([1, 2, 3, 4]);
 * one.reset([1, 2, 3, 4]);
 * const a = new Float64Array(16).fill(1);
 * while (!one.terminated[0]) {
 *   par.step(a);
 *   one.step(a);
 * }
 * assert.deepEqual(par.columns.pnl, one.columns.pnl);
 * par.close();
 * ```
 */
export function makeParallelVecEnv(
  config: EnvConfigInput | EnvConfig,
  numEnvs: number,
  options: ParallelEnvOptions = {},
): Promise<ParallelVecEnv> {
  const cfg = resolveConfig(config);
  return ParallelVecEnv.create(cfg, numEnvs, options, makeVecEnv, internalArrays(cfg));
}

/**
 * The per-env arrays the tier of `config` allocates for itself through its memory, beyond
 * the VecEnv contract's (the model tier's `MODEL_STATE_ARRAYS`; none for the others), so that
 * a {@linkcode ParallelVecEnv} can lay them out in its shared arena.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { internalArrays, resolveConfig } from "./make.ts";
 * assert.ok(internalArrays(resolveConfig({ tier: "model" })).length > 0);
 * assert.equal(internalArrays(resolveConfig({ tier: "book" })).length, 0);
 * ```
 */
export function internalArrays(config: EnvConfig): readonly EnvArraySpec[] {
  return config.tier === "model" ? MODEL_STATE_ARRAYS : [];
}

/**
 * A single Gymnasium-style environment of the tier named by `config.tier`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeEnv } from "./make.ts";
 * const env = makeEnv({ tier: "book", duration: 30 });
 * env.reset(7);
 * const r = env.step([1, 1, 2, 2]);
 * assert.equal(r.info.step, 1);
 * assert.equal(r.terminated, false);
 * assert.equal(r.info.pnl, r.info.cash + r.info.inventory * 100 * r.info.mid); // 100 shares a lot
 * ```
 */
export function makeEnv(config: EnvConfigInput | EnvConfig = {}): Env {
  return new SingleEnv(makeVecEnv(config, 1));
}
