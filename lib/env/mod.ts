/**
 * Gymnasium-style market-making environments in two fidelity tiers behind one API:
 * the full event-driven order-book simulator ("book") and the vectorized
 * Avellaneda–Stoikov model ("model"); configuration, rewards, recording.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeEnv, OBS_DIM } from "./mod.ts";
 * const env = makeEnv({ tier: "model", duration: 10 });
 * const { observation } = env.reset(1);
 * assert.equal(observation.length, OBS_DIM);
 * const r = env.step([2, 2, 1, 1]); // bid/ask 2 ticks from the mid, 1 lot each
 * assert.equal(r.info.time, 0.1);
 * ```
 *
 * @module
 */
export * from "./config.ts";
export * from "./types.ts";
export * from "./columns.ts";
export * from "./vec_env_base.ts";
export * from "./action.ts";
export * from "./reward.ts";
export * from "./estimators.ts";
export * from "./model_env.ts";
export * from "./model_reference.ts";
export * from "./memory.ts";
export * from "./book_market.ts";
export * from "./book_env.ts";
export * from "./book_report.ts";
export * from "./single_env.ts";
export * from "./recorder.ts";
export * from "./parallel.ts";
export * from "./make.ts";
export * from "./replay_config.ts";
export * from "./replay_setup.ts";
export * from "./replay_env.ts";
export * from "./markets.ts";
export * from "./preset_realism.ts";
