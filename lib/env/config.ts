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
export type LatencySpec = z.infer<typeof latencySpec>;

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
  limitRate: z.number().min(0).max(100_000).default(60),
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

/** The full environment configuration schema. */
export const envConfigSchema = z.object({
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

/** A fully resolved (defaults applied, validated) environment configuration. */
export type EnvConfig = z.infer<typeof envConfigSchema>;

/** A partial configuration: any field may be omitted and takes its default. */
export type EnvConfigInput = z.input<typeof envConfigSchema>;

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
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.map(String).join(".") || "(config)";
    throw new ValidationError(field, valueAt(input, issue.path), describeIssue(issue));
  }
  const cfg = r.data;
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

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_big":
      return `a value ${issue.inclusive ? "<=" : "<"} ${String(issue.maximum)}`;
    case "too_small":
      return `a value ${issue.inclusive ? ">=" : ">"} ${String(issue.minimum)}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_type":
      return `a value of type ${issue.expected}`;
    default:
      return issue.message;
  }
}
