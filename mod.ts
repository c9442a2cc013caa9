/**
 * ALPE — Adaptive Liquidity Provision Engine: a limit-order-book market simulator, the
 * replay of recorded order books (LOBSTER, Binance, CSV), market-making agents (classic optimal control and PPO), risk analytics and
 * plotting helpers, for market-making research in Deno and Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createAgent, makeVecEnv, rollout } from "./mod.ts";
 * const env = makeVecEnv({ tier: "book", duration: 30 }, 4); // 4 markets in lockstep
 * const agent = createAgent("avellaneda-stoikov");
 * const steps = rollout(env, agent, [1, 2, 3, 4]);
 * assert.equal(steps, 300); // 30 s at dt = 0.1 s
 * assert.equal(env.numEnvs, 4);
 * ```
 *
 * @module
 */
export * from "./lib/errors.ts";
export * from "./lib/progress_store.ts";
export type { Infer, InferInput } from "./lib/validation.ts";
export * from "./lib/rng/mod.ts";
export * from "./lib/book/mod.ts";
export * from "./lib/data/mod.ts";
export * from "./lib/market/mod.ts";
export * from "./lib/env/mod.ts";
export * from "./lib/agents/mod.ts";
export * from "./lib/analytics/mod.ts";
export * from "./lib/backtest/mod.ts";
export * from "./lib/calibration/mod.ts";
export * from "./lib/rl/mod.ts";
export * from "./lib/viz/mod.ts";
export * from "./lib/sweep/mod.ts";
