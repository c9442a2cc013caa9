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
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { zodIssueToError } from "../validation.ts";

/** Seconds in one trading day (6.5 hours), the unit in which `volatility` is quoted. */
export const SECONDS_PER_DAY = 23_400;

const latencySpec = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant"), ms: z.number().min(0).max(10_000) }),
  z.object({ kind: z.literal("exponential"), meanMs: z.number().min(0).max(10_000) }),
  z.object({
    kind: z.literal("lognormal"),
    medianMs: z.number().min(0).max(10_000),
    sigma: z.number().min(0).max(5),
  }),
  z.object({
    kind: z.literal("uniform"),
    minMs: z.number().min(0).max(10_000),
    maxMs: z.number().min(0).max(10_000),
  }),
]);

/** A latency distribution, in milliseconds. */
export type LatencySpec =
  | { kind: "constant"; ms: number }
  | { kind: "exponential"; meanMs: number }
  | { kind: "lognormal"; medianMs: number; sigma: number }
  | { kind: "uniform"; minMs: number; maxMs: number };

const regimeSchema = z.object({
  /** Regime names, e.g. calm, normal, stressed. */
  names: z.array(z.string().min(1)).min(1).max(8).default(["calm", "normal", "stressed"]),
  /** Multiplier of `volatility` in each regime. */
  volMultipliers: z.array(z.number().min(0).max(20)).min(1).max(8).default([0.5, 1, 2.5]),
  /** Multiplier of the order-flow intensities in each regime. */
  flowMultipliers: z.array(z.number().min(0).max(20)).min(1).max(8).default([0.8, 1, 1.6]),
  /**
   * Transition rates per second: `rates[i][j]` is the rate of jumping from i to j
   * (the diagonal is ignored); the generator matrix of a continuous-time Markov chain.
   */
  rates: z.array(z.array(z.number().min(0).max(100))).default([
    [0, 1 / 120, 1 / 600],
    [1 / 90, 0, 1 / 180],
    [1 / 60, 1 / 60, 0],
  ]),
  /** Initial regime: an index, or "stationary" to draw it from the stationary distribution. */
  initial: z.union([z.literal("stationary"), z.number().int().min(0).max(7)]).default(
    "stationary",
  ),
});

const impactSchema = z.object({
  /** Which impact model applies to the agent's own executions. */
  model: z.enum(["none", "almgren-chriss", "sqrt", "transient"]).default("almgren-chriss"),
  /** Almgren–Chriss permanent impact γ: dollars of price shift per lot traded. */
  permanent: z.number().min(0).max(1).default(2e-5),
  /** Almgren–Chriss temporary impact η: dollars per (lot per second) of trading rate. */
  temporary: z.number().min(0).max(1).default(2e-5),
  /** Almgren–Chriss fixed cost ε: dollars per lot (half-spread-like cost), usually 0 here. */
  fixed: z.number().min(0).max(1).default(0),
  /** Square-root law prefactor Y (of order one). */
  sqrtY: z.number().min(0).max(10).default(0.5),
  /** Daily volume V in lots, for the square-root law I = Y·σ·√(Q/V). */
  dailyVolume: z.number().positive().max(1e12).default(2_000_000),
  /** Transient impact: instantaneous price shift per lot, decaying exponentially. */
  transientPerLot: z.number().min(0).max(1).default(4e-5),
  /** Half-life of transient impact, seconds. */
  halfLife: z.number().positive().max(86_400).default(5),
});

const flowSchema = z.object({
  /** Limit-order arrival rate per side, orders per second, summed over all distances. */
  limitRate: z.number().min(0).max(100_000).default(70),
  /** Power-law exponent α of the limit-order intensity λ(i) ∝ 1/i^α by distance i (ticks). */
  limitAlpha: z.number().min(0).max(10).default(0.8),
  /** Furthest distance (ticks from the opposite best quote) at which limit orders arrive. */
  maxDistance: z.number().int().min(1).max(1_000).default(50),
  /** Market-order arrival rate per side, orders per second. */
  marketRate: z.number().min(0).max(100_000).default(8),
  /** Cancellation rate θ per resting order per second. */
  cancelRate: z.number().min(0).max(1_000).default(0.25),
  /** Mean order size in lots (sizes are 1 + Poisson(mean − 1)). */
  meanSize: z.number().min(1).max(10_000).default(3),
  /** Rate of informed market orders per second (trade toward the latent fundamental). */
  informedRate: z.number().min(0).max(10_000).default(1),
  /** Informed traders act when |fundamental − mid| exceeds this many ticks. */
  informedThreshold: z.number().min(0).max(1_000).default(1),
  /** Initial depth: lots per level at the start of an episode. */
  initialDepth: z.number().int().min(0).max(100_000).default(20),
  /** Levels per side populated at the start. */
  initialLevels: z.number().int().min(1).max(1_000).default(30),
});

const modelTierSchema = z.object({
  /** Fill intensity at the mid, A, in fills per second. */
  A: z.number().positive().max(1e6).default(2),
  /** Decay k of the fill intensity A·e^(−kδ), per dollar of depth δ. */
  k: z.number().positive().max(1e6).default(30),
  /** Per-step fill rule: "linear" uses λ·dt (the AS paper), "exact" uses 1 − e^(−λ·dt). */
  fillRule: z.enum(["linear", "exact"]).default("exact"),
  /** Nominal market spread in ticks, reported in the observation's spread slot. */
  marketSpreadTicks: z.number().min(0).max(1_000).default(2),
});

const rewardSchema = z.object({
  /** Weight of the change in gross mark-to-market P&L (dollars). */
  pnl: z.number().min(0).max(1e6).default(1),
  /** Inventory penalty: dollars per lot² per step. */
  inventory: z.number().min(0).max(1e6).default(2e-5),
  /** Volatility penalty: weight on σ̂·|q|·lotSize·√dt (dollars) per step. */
  volatility: z.number().min(0).max(1e6).default(0.1),
  /** Weight of the impact cost (dollars) paid this step. */
  impact: z.number().min(0).max(1e6).default(1),
});

const envConfigSchema = z.object({
  /** "book": full L3 order-book simulator; "model": vectorized AS-style model. */
  tier: z.enum(["book", "model"]).default("book"),
  /** Episode duration in seconds. */
  duration: z.number().min(10).max(500).default(300),
  /** Initial mid price in dollars. */
  initialPrice: z.number().min(50).max(200).default(100),
  /** Daily volatility of relative returns (see module doc), 0.01–0.10. */
  volatility: z.number().min(0.01).max(0.1).default(0.02),
  /** Tick size in dollars. */
  tickSize: z.number().min(1e-4).max(1).default(0.01),
  /** Shares per lot. */
  lotSize: z.number().int().min(1).max(1_000_000).default(100),
  /** Agent step length in seconds. */
  dt: z.number().min(0.001).max(10).default(0.1),
  /** Inventory limit in lots: quotes that could breach it are not posted. */
  maxInventory: z.number().int().min(1).max(1_000_000).default(50),
  /** Largest quote offset from the mid, in ticks (action bound). */
  maxOffsetTicks: z.number().min(1).max(10_000).default(20),
  /** Largest quote size in lots (action bound). */
  maxQuoteSize: z.number().int().min(1).max(1_000_000).default(5),
  regimes: regimeSchema.prefault({}),
  latency: z.object({
    order: latencySpec.default({ kind: "constant", ms: 5 }),
    cancel: latencySpec.default({ kind: "constant", ms: 5 }),
    marketData: latencySpec.default({ kind: "constant", ms: 2 }),
  }).prefault({}),
  impact: impactSchema.prefault({}),
  flow: flowSchema.prefault({}),
  model: modelTierSchema.prefault({}),
  reward: rewardSchema.prefault({}),
});

/** Volatility regimes: a continuous-time Markov chain (see the schema's field docs). */
export interface RegimeConfig {
  /** Regime names, e.g. calm, normal, stressed. */
  names: string[];
  /** Multiplier of `volatility` in each regime. */
  volMultipliers: number[];
  /** Multiplier of the order-flow intensities in each regime. */
  flowMultipliers: number[];
  /** `rates[i][j]`: jump rate from regime i to j per second (diagonal ignored). */
  rates: number[][];
  /** Initial regime index, or "stationary" to draw it from the stationary distribution. */
  initial: "stationary" | number;
}

/** Latencies of order entry, cancels and market data. */
export interface LatencyConfig {
  /** Decision → our new order reaches the book. */
  order: LatencySpec;
  /** Decision → our cancel reaches the book. */
  cancel: LatencySpec;
  /** Book event → we observe it. */
  marketData: LatencySpec;
}

/** Market impact of the agent's own executions (one model per run). */
export interface ImpactConfig {
  /** Which model applies. */
  model: "none" | "almgren-chriss" | "sqrt" | "transient";
  /** Almgren–Chriss permanent γ: dollars of price shift per lot. */
  permanent: number;
  /** Almgren–Chriss temporary η: dollars per (lot per second). */
  temporary: number;
  /** Almgren–Chriss fixed cost ε: dollars per lot. */
  fixed: number;
  /** Square-root law prefactor Y. */
  sqrtY: number;
  /** Daily volume V in lots (square-root law). */
  dailyVolume: number;
  /** Transient impact per lot, dollars. */
  transientPerLot: number;
  /** Half-life of transient impact, seconds. */
  halfLife: number;
}

/** Zero-intelligence background order flow of the book tier. */
export interface FlowConfig {
  /** Limit orders per second per side. */
  limitRate: number;
  /** Power-law exponent α of the limit intensity by distance. */
  limitAlpha: number;
  /** Furthest arrival distance, ticks. */
  maxDistance: number;
  /** Market orders per second per side. */
  marketRate: number;
  /** Cancellation rate θ per resting order per second. */
  cancelRate: number;
  /** Mean order size, lots. */
  meanSize: number;
  /** Informed market orders per second. */
  informedRate: number;
  /** Informed traders act beyond this gap (ticks) between fundamental and mid. */
  informedThreshold: number;
  /** Initial lots per level. */
  initialDepth: number;
  /** Initial levels per side. */
  initialLevels: number;
}

/** Parameters of the fast model tier. */
export interface ModelTierConfig {
  /** Fill intensity at the mid, fills per second. */
  A: number;
  /** Decay of A·e^(−kδ) per dollar of depth. */
  k: number;
  /** Per-step fill rule. */
  fillRule: "linear" | "exact";
  /** Nominal market spread (ticks) reported in the observation. */
  marketSpreadTicks: number;
}

/** Reward weights. */
export interface RewardConfig {
  /** Weight of the change in gross P&L. */
  pnl: number;
  /** Dollars per lot² per step. */
  inventory: number;
  /** Weight on σ̂·|q|·lotSize·√dt. */
  volatility: number;
  /** Weight of the impact cost. */
  impact: number;
}

/** A fully resolved (defaults applied, validated) environment configuration. */
export interface EnvConfig {
  /** "book": full L3 order-book simulator; "model": vectorized AS-style model. */
  tier: "book" | "model";
  /** Episode duration, seconds (10–500). */
  duration: number;
  /** Initial mid price, dollars (50–200). */
  initialPrice: number;
  /** Daily volatility of relative returns (0.01–0.10), day = 23,400 s. */
  volatility: number;
  /** Tick size, dollars. */
  tickSize: number;
  /** Shares per lot. */
  lotSize: number;
  /** Agent step length, seconds. */
  dt: number;
  /** Inventory limit, lots. */
  maxInventory: number;
  /** Largest quote offset from the mid, ticks. */
  maxOffsetTicks: number;
  /** Largest quote size, lots. */
  maxQuoteSize: number;
  /** Volatility regimes. */
  regimes: RegimeConfig;
  /** Latencies. */
  latency: LatencyConfig;
  /** Market impact. */
  impact: ImpactConfig;
  /** Background order flow (book tier). */
  flow: FlowConfig;
  /** Model-tier parameters. */
  model: ModelTierConfig;
  /** Reward weights. */
  reward: RewardConfig;
}

/** A partial configuration: any field may be omitted and takes its default. */
export interface EnvConfigInput {
  /** See {@linkcode EnvConfig}. */
  tier?: EnvConfig["tier"];
  /** See {@linkcode EnvConfig}. */
  duration?: number;
  /** See {@linkcode EnvConfig}. */
  initialPrice?: number;
  /** See {@linkcode EnvConfig}. */
  volatility?: number;
  /** See {@linkcode EnvConfig}. */
  tickSize?: number;
  /** See {@linkcode EnvConfig}. */
  lotSize?: number;
  /** See {@linkcode EnvConfig}. */
  dt?: number;
  /** See {@linkcode EnvConfig}. */
  maxInventory?: number;
  /** See {@linkcode EnvConfig}. */
  maxOffsetTicks?: number;
  /** See {@linkcode EnvConfig}. */
  maxQuoteSize?: number;
  /** See {@linkcode EnvConfig}. */
  regimes?: Partial<RegimeConfig>;
  /** See {@linkcode EnvConfig}. */
  latency?: Partial<LatencyConfig>;
  /** See {@linkcode EnvConfig}. */
  impact?: Partial<ImpactConfig>;
  /** See {@linkcode EnvConfig}. */
  flow?: Partial<FlowConfig>;
  /** See {@linkcode EnvConfig}. */
  model?: Partial<ModelTierConfig>;
  /** See {@linkcode EnvConfig}. */
  reward?: Partial<RewardConfig>;
}

// Compile-time proof that the schema and the interfaces agree in both directions.
type SchemaOut = z.output<typeof envConfigSchema>;
const _schemaMatches: [SchemaOut, EnvConfig] extends [EnvConfig, SchemaOut] ? true : never = true;
void _schemaMatches;

/**
 * Validates `input` and fills defaults. Throws a {@linkcode ValidationError} that
 * names the first offending field (dotted path), its value and what is allowed.
 *
 * @example
 * ```ts
 * import { parseEnvConfig } from "./config.ts";
 * const cfg = parseEnvConfig({ duration: 60, volatility: 0.05 });
 * cfg.tickSize; // 0.01 (default)
 * ```
 */
export function parseEnvConfig(input: EnvConfigInput = {}): EnvConfig {
  const r = envConfigSchema.safeParse(input);
  if (!r.success) throw zodIssueToError(r.error, input);
  const cfg: EnvConfig = r.data;
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
