/**
 * Environment configuration: one schema (validated with `npm:zod`) for both
 * fidelity tiers, with documented units, defaults and allowed ranges.
 *
 * Units used throughout ALPE:
 * - time in seconds of market time (the event queue uses integer nanoseconds);
 * - prices in dollars at the API edge, integer ticks inside the order book;
 * - quantities in integer lots (`lotSize` shares each);
 * - `volatility` is the daily volatility of relative price changes, with a trading
 *   day of {@linkcode SECONDS_PER_DAY} seconds (6.5 h): the mid's standard deviation
 *   over `h` seconds is `volatility · initialPrice · √(h / SECONDS_PER_DAY)` dollars.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import { feeConfigSchema } from "../market/fees.ts";
import { flowConfigSchema } from "../market/order_flow.ts";
import { impactConfigSchema } from "../market/impact.ts";
import { latencySpecSchema } from "../market/latency.ts";
import { regimeConfigSchema } from "../market/regimes.ts";
import { replayConfigSchema, validateReplayConfig } from "./replay_config.ts";
import { type Infer, type InferInput, parseWith } from "../validation.ts";

export type { FeeConfig } from "../market/fees.ts";
export type { FlowConfig } from "../market/order_flow.ts";
export type { ImpactConfig } from "../market/impact.ts";
export type { LatencySpec } from "../market/latency.ts";
export type { RegimeConfig } from "../market/regimes.ts";
export type { ReplayConfig } from "./replay_config.ts";

/** Seconds in one trading day (6.5 hours), the unit in which `volatility` is quoted. */
export const SECONDS_PER_DAY = 23_400;

/**
 * Schema of the model tier's parameters (the Avellaneda–Stoikov fill model).
 *
 * @ignore
 */
export const modelTierConfigSchema = z.strictObject({
  /** Fill intensity at the mid, A, in fills per second. */
  A: z.number().positive().max(1e6).default(2),
  /** Decay k of the fill intensity A·e^(−kδ), per dollar of depth δ. */
  k: z.number().positive().max(1e6).default(30),
  /** Per-step fill rule: "linear" uses λ·dt (the AS paper), "exact" uses 1 − e^(−λ·dt). */
  fillRule: z.enum(["linear", "exact"]).default("exact"),
  /** Nominal market spread in ticks, reported in the observation's spread slot. */
  marketSpreadTicks: z.number().min(0).max(1_000).default(2),
  /**
   * Mid-price increments: "gaussian" σ·√dt·Z (arithmetic Brownian motion, exact for any
   * dt), or "binomial" ±σ·√dt with probability ½ each (the AS 2008 simulation).
   */
  priceModel: z.enum(["gaussian", "binomial"]).default("gaussian"),
  /**
   * The mid a quote's depth δ is measured from for its fill probability: "start" the mid
   * when the quote was placed (the start of the step), "end" the mid after the step's move
   * (a quote left standing while the mid moves; see docs/as2008.md). Fill prices are the
   * quoted prices either way.
   */
  fillReference: z.enum(["start", "end"]).default("start"),
  /**
   * Let quotes cross the mid: offsets are clipped to ±`maxOffsetTicks` instead of [0,
   * `maxOffsetTicks`], so a negative offset puts a bid above (an ask below) the mid, as
   * the AS formulas do at large inventory. Such a quote fills with intensity A·e^(−kδ) > A.
   */
  allowCrossing: z.boolean().default(false),
});

/** Parameters of the fast model tier (see the schema's field docs). */
export type ModelTierConfig = Infer<typeof modelTierConfigSchema>;

/**
 * Schema of the reward weights: reward = pnl·ΔP&L − inventory·q² − volatility·σ̂·|q| − impact·cost.
 *
 * @ignore
 */
export const rewardConfigSchema = z.strictObject({
  /** Weight of the change in gross mark-to-market P&L (dollars). */
  pnl: z.number().min(0).max(1e6).default(1),
  /** Inventory penalty: dollars per lot² per step. */
  inventory: z.number().min(0).max(1e6).default(2e-5),
  /** Volatility penalty: weight on σ̂·|q|·lotSize·√dt (dollars) per step. */
  volatility: z.number().min(0).max(1e6).default(0.1),
  /** Weight of the impact cost (dollars) paid this step. */
  impact: z.number().min(0).max(1e6).default(1),
});

/** Reward weights (see the schema's field docs). */
export type RewardConfig = Infer<typeof rewardConfigSchema>;

/**
 * Schema of the latencies of order entry, cancels and market data.
 *
 * @ignore
 */
export const latencyConfigSchema = z.strictObject({
  /** Decision → our new order reaches the book. */
  order: latencySpecSchema.default({ kind: "constant", ms: 5 }),
  /** Decision → our cancel reaches the book. */
  cancel: latencySpecSchema.default({ kind: "constant", ms: 5 }),
  /** Book event → we observe it. */
  marketData: latencySpecSchema.default({ kind: "constant", ms: 2 }),
});

/** Latencies of order entry, cancels and market data (see the schema's field docs). */
export type LatencyConfig = Infer<typeof latencyConfigSchema>;

/**
 * The environment schema: every field documented once, here and in the model files
 * whose schemas it composes.
 *
 * @ignore
 */
export const envConfigSchema = z.strictObject({
  /**
   * "book": full L3 order-book simulator; "model": vectorized AS-style model; "replay":
   * recorded order books replayed, our orders simulated against them (see `replay`).
   */
  tier: z.enum(["book", "model", "replay"]).default("book"),
  /**
   * Episode duration in seconds (the command-line tools keep the original dashboard's
   * 10–500 s as their limits; the library accepts up to a week of market time).
   */
  duration: z.number().min(0.01).max(604_800).default(300),
  /** Initial mid price in dollars (the command-line tools: $50–200). */
  initialPrice: z.number().positive().max(1e9).default(100),
  /**
   * Daily volatility of relative returns (see module doc); the command-line tools:
   * 0.01–0.10.
   */
  volatility: z.number().min(0).max(10).default(0.02),
  /** Tick size in dollars. */
  tickSize: z.number().min(1e-8).max(1e4).default(0.01),
  /** Shares (units of the asset) per lot; fractional for assets such as BTC (e.g. 1e-5). */
  lotSize: z.number().positive().max(1e9).default(100),
  /** Agent step length in seconds. */
  dt: z.number().min(1e-4).max(3600).default(0.1),
  /** Inventory limit in lots: quotes that could breach it are not posted. */
  maxInventory: z.number().int().min(1).max(1_000_000).default(50),
  /** Largest quote offset from the mid, in ticks (action bound). */
  maxOffsetTicks: z.number().min(1).max(10_000).default(20),
  /** Largest quote size in lots (action bound). */
  maxQuoteSize: z.number().int().min(1).max(1_000_000).default(5),
  /** Volatility regimes. */
  regimes: regimeConfigSchema.prefault({}),
  /** Latencies. */
  latency: latencyConfigSchema.prefault({}),
  /** Market impact of the agent's own executions. */
  impact: impactConfigSchema.prefault({}),
  /** Background order flow (book tier). */
  flow: flowConfigSchema.prefault({}),
  /** Model-tier parameters. */
  model: modelTierConfigSchema.prefault({}),
  /** Exchange fees on our fills (every tier; default none). */
  fees: feeConfigSchema.prefault({}),
  /** Reward weights. */
  reward: rewardConfigSchema.prefault({}),
  /** Replay-tier parameters: tapes, windows, queue and latency models (lib/env/replay_config.ts). */
  replay: replayConfigSchema.prefault({}),
});

/** A fully resolved (defaults applied, validated) environment configuration. */
export type EnvConfig = Infer<typeof envConfigSchema>;

/** A partial configuration: any field may be omitted and takes its default. */
export type EnvConfigInput = InferInput<typeof envConfigSchema>;

/**
 * Validates `input` and fills defaults. Throws a {@linkcode ValidationError} that
 * names the first offending field (dotted path), its value and what is allowed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEnvConfig } from "./config.ts";
 * const cfg = parseEnvConfig({ duration: 60, volatility: 0.05 });
 * assert.equal(cfg.tickSize, 0.01); // the default
 * assert.throws(() => parseEnvConfig({ duration: -1 }), /^ValidationError: duration/);
 * ```
 */
export function parseEnvConfig(input: EnvConfigInput | EnvConfig = {}): EnvConfig {
  const cfg = parseWith(envConfigSchema, input);
  const n = cfg.regimes.names.length;
  const r2 = cfg.regimes;
  if (r2.volMultipliers.length !== n) {
    throw new ValidationError(
      "regimes.volMultipliers",
      r2.volMultipliers,
      `${n} entries (one per regime)`,
    );
  }
  if (r2.flowMultipliers.length !== n) {
    throw new ValidationError(
      "regimes.flowMultipliers",
      r2.flowMultipliers,
      `${n} entries (one per regime)`,
    );
  }
  if (r2.rates.length !== n || r2.rates.some((row) => row.length !== n)) {
    throw new ValidationError("regimes.rates", r2.rates, `a ${n}×${n} matrix`);
  }
  if (typeof r2.initial === "number" && r2.initial >= n) {
    throw new ValidationError("regimes.initial", r2.initial, `"stationary" or 0..${n - 1}`);
  }
  if (cfg.tier === "replay") validateReplayConfig(cfg.replay);
  if (cfg.dt >= cfg.duration) {
    throw new ValidationError("dt", cfg.dt, `less than duration (${cfg.duration} s)`);
  }
  return cfg;
}

/** Number of agent steps in an episode: `round(duration / dt)`. */
export function stepsPerEpisode(cfg: EnvConfig): number {
  return Math.round(cfg.duration / cfg.dt);
}

/** Mid-price volatility in dollars per √second implied by `cfg` (before regime multipliers). */
export function sigmaPerSqrtSecond(cfg: EnvConfig): number {
  return cfg.volatility * cfg.initialPrice / Math.sqrt(SECONDS_PER_DAY);
}
