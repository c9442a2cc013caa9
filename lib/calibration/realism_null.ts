/**
 * The realism report's null: what a market that **is** the model would pass. Each tape's
 * record is replaced by a simulation of the preset itself, as long as the tape's record and
 * observed the way the tape was (its book resolution and its clock), on a seed of its own; the
 * report then compares the preset with that stand-in exactly as it compares it with the
 * tapes. A fact's tolerance is the 95 % quantile of its distance when both samples come from
 * one market, so under the null each fact should fail on about 5 % of seeds; the null's
 * counts say how many facts a perfect model passes on a tape of this length and this
 * observation (`realism --null`), which is what a preset's own counts are to be read against.
 *
 * - **Assumes:** the preset's simulation, observed as the tape was, stands for a tape of the
 *   model: the same length in one continuous episode per tape record (a tape's gaps are not
 *   reproduced), no agent.
 * - **Ignores:** what only the real data have — a LOBSTER file's hidden executions, an
 *   exchange's message batching beyond the book resolution — so a fact that depends on them is
 *   judged under the null on the model's own mechanics.
 * - **Units:** the tape's (seconds, ticks, the preset's lots).
 *
 * @module
 */
import type { EnvConfig } from "../env/config.ts";
import { childSeed } from "../rng/streams.ts";
import { type MarketRecord, recordSeconds } from "./record.ts";
import { simulateRecords } from "./simulate.ts";

/** Child index of the comparison's seed that roots the null's stand-in tapes. */
export const NULL_TAPE_STREAM = 7_919;

/**
 * Seconds each stand-in's episode runs before its record starts, so that it is a stretch of
 * the market in its stationary state, as a tape is, not the first minutes after the
 * simulation's start (its initial book, a held price, no sign memory yet).
 */
export const NULL_WARMUP_SECONDS = 600;

/**
 * Stand-ins for `real` under the null: for record i, the book-tier market `config` simulated
 * for as long as that record (one episode), observed at its book resolution and on its clock,
 * on the seed `childSeed(childSeed(seed, NULL_TAPE_STREAM), i)` — never a seed of the
 * comparison's own simulation (`childSeed(seed, e)`). Deterministic for a seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEnvConfig } from "../env/config.ts";
 * import { simulateRecords } from "./simulate.ts";
 * import { recordSeconds } from "./record.ts";
 * import { nullTapeRecords } from "./realism_null.ts";
 * const config = parseEnvConfig({ tier: "book", duration: 30 });
 * const real = simulateRecords(config, { seconds: 30, seed: 9, quoteInterval: 0.1 });
 * const stand = nullTapeRecords(config, real, 0);
 * assert.equal(stand.length, 1);
 * assert.equal(stand[0].quoteInterval, 0.1); // observed as the tape was
 * assert.equal(recordSeconds(stand[0]), recordSeconds(real[0]));
 * assert.notDeepEqual(stand[0].moTime, real[0].moTime); // another draw of the same market
 * ```
 */
export function nullTapeRecords(
  config: EnvConfig,
  real: readonly MarketRecord[],
  seed: number,
): MarketRecord[] {
  const root = childSeed(seed, NULL_TAPE_STREAM);
  return real.map((r, i) => {
    const seconds = recordSeconds(r);
    const duration = NULL_WARMUP_SECONDS + seconds;
    const [stand] = simulateRecords({ ...config, tier: "book", duration }, {
      seconds: duration,
      recordFrom: NULL_WARMUP_SECONDS,
      seed: childSeed(root, i),
      quoteInterval: r.quoteInterval,
      timeResolution: r.timeResolution ?? 0,
    });
    return { ...stand, source: `null stand-in for ${r.source}` };
  });
}
