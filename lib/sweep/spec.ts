/**
 * The sweep spec: a JSON document that names the grid of a study — markets, agents and
 * their parameter grids, evaluation seeds and episodes, optional PPO trainings — validated
 * by a strict schema whose errors name the offending field (`agents[2].grid.gamma`).
 *
 * A minimal spec:
 *
 * ```json
 * {
 *   "name": "as-gamma",
 *   "episodes": 20,
 *   "env": { "tier": "model", "duration": 60 },
 *   "markets": ["default", { "name": "volatile", "config": { "volatility": 0.05 } }],
 *   "agents": [
 *     { "id": "avellaneda-stoikov", "grid": { "gamma": [0.01, 0.1, 1] } },
 *     { "id": "glft", "tune": true }
 *   ]
 * }
 * ```
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { MAX_SEED } from "../rng/rng.ts";
import { type Infer, type InferInput, zodIssueToError } from "../validation.ts";

const seedSchema = z.number().int().min(0).max(MAX_SEED);
const configRecord = z.record(z.string(), z.unknown());

/**
 * Schema of PPO trainings run as sweep jobs.
 *
 * @ignore
 */
export const trainSpecSchema = z.strictObject({
  /** Training seeds: one model per seed (and per market with `perMarket`). */
  seeds: z.array(seedSchema).min(1).max(1_000),
  /**
   * Training config (the format of `deno task train --config`); its `seed` is set per model.
   * Its `env` is the training market unless `perMarket`.
   */
  config: configRecord.default({}),
  /**
   * Train one model per market and seed, on that market's config, and evaluate it there
   * only. Default: one model per seed on the config's own env, evaluated on every market
   * (so every market but the training one is held out).
   */
  perMarket: z.boolean().default(false),
});

/** PPO trainings of an agent entry (see the schema's field docs). */
export type TrainSpec = Infer<typeof trainSpecSchema>;

/**
 * Schema of one agent entry: an agent and the grid of its parameters.
 *
 * @ignore
 */
export const sweepAgentSchema = z.strictObject({
  /**
   * A registered agent id (`agentIds()`: "glft", "touch", "ppo", …), or the id that
   * `module` registers.
   */
  id: z.string().min(1).max(100),
  /** Name in the results (default: the id, with the grid values in brackets). */
  label: z.string().min(1).max(200).optional(),
  /** Fixed parameters handed to the agent's factory. */
  params: configRecord.default({}),
  /**
   * Parameter grid: every combination of the listed values is one variant (keys in the
   * order given, the first varying slowest); a grid value overrides `params`.
   */
  grid: z.record(z.string(), z.array(z.unknown()).min(1).max(10_000)).default({}),
  /**
   * Tune the agent in every market by `deno task compare`'s procedure (its registry tuning
   * grid on the calibration seeds, with calibrated A, k, σ where it takes them); `params`
   * and `grid` override the tuned values.
   */
  tune: z.boolean().default(false),
  /** Learned agents: the model directory to evaluate (default: the agent's own; not with `train`). */
  model: z.string().min(1).optional(),
  /** PPO: train models as jobs of the sweep, then evaluate each. */
  train: trainSpecSchema.optional(),
  /**
   * A TypeScript module, path from the project root, whose import registers the agent `id`
   * (`registerAgent`); it is part of the data every worker checks.
   */
  module: z.string().min(1).optional(),
});

/** One agent entry of a sweep spec (see the schema's field docs). */
export type SweepAgentSpec = Infer<typeof sweepAgentSchema>;

/**
 * Schema of a market given inline: a named market with config overrides.
 *
 * @ignore
 */
export const inlineMarketSchema = z.strictObject({
  /** Name of the market in the results. */
  name: z.string().min(1).max(100),
  /** The market it starts from: any market name (default "default"). */
  base: z.string().min(1).max(1_000).default("default"),
  /** Env config overrides, deep-merged onto the base market (after the spec's `env`). */
  config: configRecord.default({}),
});

/** A market given inline (see the schema's field docs). */
export type InlineMarket = Infer<typeof inlineMarketSchema>;

/**
 * Schema of a sweep spec.
 *
 * @ignore
 */
export const sweepSpecSchema = z.strictObject({
  /** Name of the sweep (default output directory `out/sweeps/<name>`). */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' or '-'").max(100)
    .default("sweep"),
  /** Root seed: evaluation episode e uses `childSeed(seed, e)` in every market, for every agent. */
  seed: seedSchema.default(0),
  /** Evaluation episodes per market and agent variant. */
  episodes: z.number().int().min(1).max(100_000).default(50),
  /** Episodes per evaluation job; part of the plan (the random agent draws one stream per chunk). */
  chunkSize: z.number().int().min(1).max(4_096).default(10),
  /** Calibration episodes of tuned agents (seeds disjoint from the evaluation seeds). */
  calibrationEpisodes: z.number().int().min(1).max(100_000).default(16),
  /**
   * Env config overrides (`lib/env/config.ts`) deep-merged onto every market, e.g.
   * `{ "duration": 60 }`.
   */
  env: configRecord.default({}),
  /**
   * Markets: names that a market resolver knows (`default`, presets, `MARKET+variant`,
   * `replay:FILE`), or inline `{ "name", "base", "config" }` markets.
   */
  markets: z.array(z.union([z.string().min(1).max(1_000), configRecord])).min(1).max(10_000)
    .default(["default"]),
  /** Agents and their parameter grids. */
  agents: z.array(sweepAgentSchema).min(1).max(10_000),
  /** Label of the paired tests' baseline (default "avellaneda-stoikov" when one runs). */
  baseline: z.string().min(1).optional(),
  /** Attempts of a job before it is reported failed (a killed worker does not use one up). */
  attempts: z.number().int().min(1).max(20).default(3),
  /** Points kept per equity curve (for the report's figures). */
  curvePoints: z.number().int().min(0).max(10_000).default(100),
  /** Return period of the risk metrics: seconds of market time, or "step". */
  period: z.union([z.number().positive().max(86_400), z.literal("step")]).default(1),
});

/** A validated sweep spec (defaults filled in). */
export type SweepSpec = Infer<typeof sweepSpecSchema>;

/** A sweep spec as written (fields with defaults may be left out). */
export type SweepSpecInput = InferInput<typeof sweepSpecSchema>;

/**
 * Validates a sweep spec and fills its defaults; throws a `ValidationError` naming the
 * first bad field (an unknown key names the closest known one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSweepSpec } from "./spec.ts";
 * const spec = parseSweepSpec({ agents: [{ id: "glft", tune: true }] });
 * assert.equal(spec.episodes, 50);
 * assert.throws(() => parseSweepSpec({ agents: [{ id: "glft", tnue: true }] }), /did you mean "tune"/);
 * ```
 */
export function parseSweepSpec(input: unknown): SweepSpec {
  const r = sweepSpecSchema.safeParse(input);
  if (r.success) return r.data;
  // A misspelt required key ("agnets") is reported as such, not as a missing "agents".
  const issues = r.error.issues;
  const typo = issues.findIndex((i) => i.code === "unrecognized_keys");
  if (typo > 0) issues.unshift(...issues.splice(typo, 1));
  throw zodIssueToError(r.error, input, "", sweepSpecSchema);
}
