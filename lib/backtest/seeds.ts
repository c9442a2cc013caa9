/**
 * Seed plans of a backtest. Every seed is derived from one root seed with `childSeed`:
 *
 * - **evaluation seeds**: episode `e` (0-based) runs on `childSeed(root, e)` for *every*
 *   agent (common random numbers: each agent faces the same market, up to its own influence);
 * - **calibration seeds**: `childSeed(root, CALIBRATION_SEED_OFFSET + j)`, skipping any value
 *   that equals an evaluation seed, so calibration never sees an evaluation episode;
 * - **agent seeds**: the agent's own randomness (the random baseline, exploration) for the
 *   `c`-th chunk of episodes is `childSeed(agentRootSeed(root, id), c)`, which depends on the
 *   agent id, not on its position in the agent list nor on the worker count.
 *
 * @module
 */
import { childSeed, validateSeed } from "../rng/mod.ts";
import { requireInt } from "../errors.ts";

/** Index offset of the calibration seeds among the root seed's children. */
export const CALIBRATION_SEED_OFFSET = 1_000_000_000;

/** Largest number of episodes (and calibration seeds) a plan accepts. */
export const MAX_EPISODES = 100_000;

/**
 * The evaluation seeds: `childSeed(root, e)` for e = 0 … episodes − 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluationSeeds } from "./seeds.ts";
 * const seeds = evaluationSeeds(42, 3);
 * assert.equal(seeds.length, 3);
 * assert.deepEqual(evaluationSeeds(42, 2), seeds.slice(0, 2)); // more episodes extend the list
 * ```
 */
export function evaluationSeeds(root: number, episodes: number): number[] {
  validateSeed(root);
  requireInt("episodes", episodes, 1, MAX_EPISODES);
  return Array.from({ length: episodes }, (_, e) => childSeed(root, e));
}

/**
 * `count` calibration seeds, `childSeed(root, CALIBRATION_SEED_OFFSET + j)`, disjoint from
 * `exclude` (the evaluation seeds): a colliding value is skipped and the next index used.
 */
export function calibrationSeeds(
  root: number,
  count: number,
  exclude: readonly number[] = [],
): number[] {
  validateSeed(root);
  requireInt("calibrationEpisodes", count, 1, MAX_EPISODES);
  const taken = new Set(exclude);
  const out: number[] = [];
  for (let j = 0; out.length < count; j++) {
    const s = childSeed(root, CALIBRATION_SEED_OFFSET + j);
    if (taken.has(s)) continue;
    taken.add(s);
    out.push(s);
  }
  return out;
}

/** FNV-1a hash of a string, an unsigned 32-bit integer. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The root of an agent's own seeds under `root`: depends only on `root` and the agent id. */
export function agentRootSeed(root: number, agentId: string): number {
  validateSeed(root);
  return childSeed(fnv1a32(`alpe-agent:${root}:${agentId}`), 0);
}

/** The seed of the agent's own randomness for its `chunk`-th chunk of episodes. */
export function agentChunkSeed(root: number, agentId: string, chunk: number): number {
  return childSeed(agentRootSeed(root, agentId), chunk);
}
