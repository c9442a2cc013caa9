/**
 * Configuration of the replay tier (`replay` in the env config; used when `tier` is
 * `"replay"`): which recorded tapes to replay, how episodes map onto their windows, and the
 * models of how our orders meet the recorded market (queue position, latencies, impact
 * overlay). docs/replay.md says what each assumes.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import { latencySpecSchema } from "../market/latency.ts";
import { queueModelSpecSchema } from "../market/queue.ts";
import type { Infer } from "../validation.ts";

/**
 * Schema of the replay tier's configuration.
 *
 * @ignore
 */
export const replayConfigSchema = z.strictObject({
  /**
   * Tape files: a LOBSTER message (or orderbook) file, a Binance raw feed, or a CSV tape
   * (docs/data.md); all must share one tick size. Required for the replay tier.
   */
  data: z.array(z.string().min(1)).max(256).default([]),
  /**
   * Seconds between the starts of consecutive windows (default: the episode duration, so
   * windows are disjoint).
   */
  stride: z.number().min(0.01).max(604_800).optional(),
  /**
   * The window indices (in plan order, see `replayWindows`) that seeds map onto: env seed s
   * replays window `windows[s mod windows.length]`. Default: every window.
   */
  windows: z.array(z.number().int().min(0).max(1e9)).min(1).optional(),
  /** Queue-position model for tapes without order ids (L2 tapes). */
  queue: queueModelSpecSchema.default({ model: "risk-averse" }),
  /**
   * Where the tape carries order ids (LOBSTER), follow our queue position exactly through
   * them (true) or use the `queue` model as for L2 tapes (false).
   */
  exactQueue: z.boolean().default(true),
  /** Exchange → us: how late we learn of a fill, a cancel or an order's acceptance. */
  responseLatency: latencySpecSchema.default({ kind: "constant", ms: 5 }),
  /**
   * Exchange → us for market data: `"recorded"` draws from the tape's own local − exchange
   * times where it has both clocks (else `latency.marketData`); or a latency distribution.
   */
  feedLatency: z.union([z.literal("recorded"), latencySpecSchema]).default("recorded"),
  /**
   * Instrument units per lot: `"tape"` takes the tape's suggestion (LOBSTER: 100 shares; else
   * the power of ten nearest the median trade), or a number. Overrides the env's `lotSize`.
   */
  lotSize: z.union([z.literal("tape"), z.number().positive().max(1e9)]).default("tape"),
  /**
   * Apply the env's `impact` model to our own executions as an overlay on the recorded mid
   * (it shifts the mid we are marked at and observe, and charges its cost); the recorded book
   * itself never changes. Off by default.
   */
  impactOverlay: z.boolean().default(false),
  /** Binance feeds: shift local times so that no feed latency is negative. */
  clockCorrection: z.boolean().default(true),
});

/** The replay tier's configuration (see the schema's field docs). */
export type ReplayConfig = Infer<typeof replayConfigSchema>;

/**
 * Checks what the schema cannot: the replay tier needs at least one tape file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayConfigSchema, validateReplayConfig } from "./replay_config.ts";
 * assert.throws(() => validateReplayConfig(replayConfigSchema.parse({})), /replay\.data/);
 * ```
 */
export function validateReplayConfig(r: ReplayConfig): void {
  if (r.data.length === 0) {
    throw new ValidationError(
      "replay.data",
      r.data,
      "at least one tape file for the replay tier (a LOBSTER message file, a Binance raw " +
        "feed or a CSV tape, e.g. data/real/binance/spot_btcusdt_20240808.gz)",
    );
  }
}
