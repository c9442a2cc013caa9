/**
 * Market-making agents and their calibration: the random, static-spread and
 * adaptive-spread baselines, Avellaneda–Stoikov (2008) and Guéant–Lehalle–Fernandez-Tapia
 * (2013) model-based market makers, fill-intensity / volatility calibration, the agent
 * registry and the tuning of rivals on training seeds.
 *
 * Units across the module: prices and depths in dollars per share, σ in $/√s, k in 1/$,
 * A in fills/s, γ in 1/$ per lot, inventory in lots, actions in ticks and lots.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createAgent } from "./mod.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * import { ACT_DIM, OBS_DIM } from "../env/types.ts";
 * const agent = createAgent("avellaneda-stoikov", { gamma: 0.1, sigma: 0.013 });
 * agent.reset({ config: parseEnvConfig({ tier: "model" }), numEnvs: 1, seed: 0 });
 * const view = {
 *   mid: Float64Array.of(100), bestBid: Float64Array.of(99.99), bestAsk: Float64Array.of(100.01),
 *   inventory: Float64Array.of(2), timeLeft: Float64Array.of(60), sigma: Float64Array.of(0.013),
 * };
 * const out = new Float64Array(ACT_DIM);
 * agent.act(new Float64Array(OBS_DIM), view, out); // out: bid/ask offsets (ticks), sizes (lots)
 * assert.ok(out[0] > out[1]); // long 2 lots: the bid sits further from the mid than the ask
 * ```
 *
 * @module
 */
export * from "./types.ts";
export type { EnvConfig } from "../env/config.ts";
export type { AgentView, VecEnv } from "../env/types.ts";
export * from "./quotes.ts";
export * from "./random.ts";
export * from "./static_spread.ts";
export * from "./adaptive_spread.ts";
export * from "./avellaneda_stoikov.ts";
export * from "./glft.ts";
export * from "./touch.ts";
export * from "./calibration.ts";
export * from "./calibrate_env.ts";
export * from "./tuning.ts";
export * from "./registry.ts";
export * from "./rollout.ts";
export * from "./record_episodes.ts";
export * from "./as2008.ts";
