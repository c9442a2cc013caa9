/**
 * Episodes of one agent, recorded step by step: the few lines every analysis starts with
 * (make a batch env, roll the agent out, record each step), as one call.
 *
 * @module
 */
import type { EnvConfig, EnvConfigInput } from "../env/config.ts";
import { makeVecEnv } from "../env/make.ts";
import { EpisodeRecorder } from "../env/recorder.ts";
import type { EpisodeRecord } from "../env/types.ts";
import { createAgent } from "./registry.ts";
import { rollout } from "./rollout.ts";
import type { Agent } from "./types.ts";

/** Options of {@linkcode recordEpisodes}. */
export interface RecordEpisodesOptions {
  /** Seed of the agent's own randomness (default 0, as {@linkcode rollout}). */
  agentSeed?: number;
  /** Parameters of the agent when it is given by id (default: its defaults). */
  params?: Record<string, unknown>;
}

/**
 * Runs `agent` (an agent or a registered id) on one episode per seed — one batch env of
 * `seeds.length` environments, so episode *k* sees the same market for every agent (common
 * random numbers) — and returns every episode's step-by-step record (P&L, inventory, mid,
 * fills, quotes), ready for `summarizeEpisode` or the figures.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordEpisodes } from "./record_episodes.ts";
 * const records = recordEpisodes("static-spread", { tier: "model", duration: 10 }, [1, 2]);
 * assert.equal(records.length, 2); // one per seed
 * assert.equal(records[0].seed, 1);
 * assert.equal(records[0].pnl.length, 100); // 10 s at dt = 0.1 s
 * // The same seed gives the same market and the same episode.
 * const again = recordEpisodes("static-spread", { tier: "model", duration: 10 }, [2]);
 * assert.deepEqual(again[0].pnl, records[1].pnl);
 * ```
 */
export function recordEpisodes(
  agent: Agent | string,
  config: EnvConfigInput | EnvConfig,
  seeds: readonly number[],
  options: RecordEpisodesOptions = {},
): EpisodeRecord[] {
  const env = makeVecEnv(config, seeds.length);
  const a = typeof agent === "string" ? createAgent(agent, options.params) : agent;
  const recorder = new EpisodeRecorder(env);
  rollout(env, a, seeds, {
    agentSeed: options.agentSeed,
    onStep: (e) => recorder.record(e),
  });
  return recorder.episodes(seeds, a.id);
}
