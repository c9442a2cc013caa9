/**
 * The small market models the simulators are composed from: volatility regimes (CTMC),
 * latency distributions, market impact (Almgren–Chriss, square-root, transient) with the
 * literature's closed forms, the arithmetic Brownian mid price, fees; for the book tier the
 * event queue and the background flow's models (Hawkes arrivals with their likelihood,
 * metaorder trade signs, order sizes, placement, cancellations, reaction to price moves, the
 * latent fundamental with trade impact, informed traders), the market tape, markouts of
 * passive fills by flow type and market statistics (see `docs/models.md`); for the replay
 * tier the queue-position models.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   createImpactModel,
 *   createRegimeModel,
 *   impactConfigSchema,
 *   regimeConfigSchema,
 *   sqrtImpact,
 * } from "./mod.ts";
 * import { Rng } from "../rng/rng.ts";
 * const regimes = createRegimeModel(regimeConfigSchema.parse({}));
 * regimes.reset(new Rng("r"));
 * assert.ok([0.5, 1, 2.5].includes(regimes.volMultiplier())); // calm, normal or stressed
 * const impact = createImpactModel(impactConfigSchema.parse({}), { sigmaDaily: 2, lotSize: 100 });
 * assert.ok(Math.abs(impact.trade(3, 0.1, 0) - 0.18) < 1e-12); // 100·3·2e-5·3/0.1 dollars
 * assert.equal(sqrtImpact(0.5, 2, 20_000, 2_000_000), 0.1);
 * ```
 *
 * @module
 */
export type { Rng } from "../rng/rng.ts";
export type {
  ExecutionSink,
  L2Snapshot,
  OrderBook,
  OrderBookOptions,
  Side,
} from "../book/order_book.ts";
export type { FeeModel, ImpactModel, LatencyModel, PriceProcess, RegimeModel } from "./types.ts";
export {
  createRegimeModel,
  type CtmcRegimeModel,
  generatorMatrix,
  type RegimeConfig,
  regimeConfigSchema,
  stationaryDistribution,
} from "./regimes.ts";
export { createLatencyModel, type LatencySpec, latencySpecSchema, NS_PER_MS } from "./latency.ts";
export {
  almgrenChrissCost,
  almgrenChrissEtaTilde,
  almgrenChrissKappa,
  almgrenChrissLinearCost,
  type AlmgrenChrissParams,
  almgrenChrissTrajectory,
  createImpactModel,
  type ExecutionCost,
  type ImpactConfig,
  impactConfigSchema,
  impactDecays,
  type ImpactMarket,
  impactMarketFromConfig,
  sqrtImpact,
} from "./impact.ts";
export { createPriceProcess } from "./price_process.ts";
export { type FeeConfig, feeConfigSchema, fillFee } from "./fees.ts";
// Model-tier processes (composed in lib/env/model_reference.ts).
export * from "./midprice.ts";
export * from "./fill_probability.ts";
export * from "./model_arrivals.ts";
export * from "./model_dynamics.ts";
// Written by the book-tier engineer; re-exported whole so that their additions show up.
export * from "./event_queue.ts";
export * from "./order_flow.ts";
export * from "./informed.ts";
export * from "./snipers.ts";
export * from "./order_timing.ts";
export * from "./touch_flow.ts";
export * from "./hawkes.ts";
export * from "./arrivals.ts";
export * from "./trade_signs.ts";
export * from "./order_sizes.ts";
export * from "./size_law.ts";
export * from "./placement.ts";
export * from "./cancellation.ts";
export * from "./reaction.ts";
export * from "./refill.ts";
export * from "./improvement_takers.ts";
export * from "./liquidity_state.ts";
export * from "./fundamental.ts";
export * from "./tape.ts";
export * from "./markouts.ts";
export * from "./stats.ts";
// Replay tier: queue-position models for L2 data and the empirical latency distribution.
export * from "./queue.ts";
export { riskAverseQueueModel } from "./queue_risk_averse.ts";
export { probabilityQueueModel } from "./queue_prob.ts";
export { powerQueueModel } from "./queue_power.ts";
export { logQueueModel } from "./queue_log.ts";
export { empiricalLatencyModel } from "./latency_empirical.ts";
