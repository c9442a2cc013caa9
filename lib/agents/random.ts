/**
 * The random baseline: uniform random offsets and sizes, seeded and deterministic.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { AlpeError } from "../errors.ts";
import { ACT_DIM, type AgentView } from "../env/types.ts";
import { type Rng, RngStreams, STREAM } from "../rng/mod.ts";
import type { Agent, AgentContext } from "./types.ts";
import { parseParams } from "./params.ts";
import { writeAction } from "./quotes.ts";

/** Parameters of {@linkcode RandomAgent} (none: the bounds come from the env config). */
export type RandomAgentParams = Record<string, never>;

const schema = z.strictObject({});

/**
 * Quotes uniformly random offsets in [0, maxOffsetTicks] (continuous, ticks) and uniformly
 * random integer sizes in [1, maxQuoteSize] (lots), independently per side and per env.
 * Draws come from the `agent` stream of `RngStreams(ctx.seed)`, so the same seed gives the
 * same actions; each `reset` restarts the stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RandomAgent } from "./random.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * import { ACT_DIM, OBS_DIM } from "../env/types.ts";
 * const agent = new RandomAgent();
 * const ctx = { config: parseEnvConfig({ tier: "model" }), numEnvs: 4, seed: 7 };
 * const col = () => new Float64Array(4).fill(100);
 * const view = {
 *   mid: col(), bestBid: col(), bestAsk: col(), inventory: col(), timeLeft: col(), sigma: col(),
 * };
 * const obs = new Float64Array(4 * OBS_DIM);
 * const a = new Float64Array(4 * ACT_DIM), b = new Float64Array(4 * ACT_DIM);
 * agent.reset(ctx);
 * agent.act(obs, view, a);
 * agent.reset(ctx); // restarts the stream: the same actions again
 * agent.act(obs, view, b);
 * assert.deepEqual(a, b);
 * ```
 */
export class RandomAgent implements Agent {
  /** Registry id. */
  readonly id = "random";
  /** Display name. */
  readonly name = "Random";
  #rng: Rng | null = null;
  #maxOffset = 0;
  #maxSize = 1;

  /** Creates the agent; it takes no parameters (an empty object is accepted). */
  constructor(params: Partial<RandomAgentParams> = {}) {
    parseParams(schema, this.id, params);
  }

  /** Restarts the random stream from `ctx.seed` and reads the action bounds. */
  reset(ctx: AgentContext): void {
    this.#rng = new RngStreams(ctx.seed).get(STREAM.agent);
    this.#maxOffset = ctx.config.maxOffsetTicks;
    this.#maxSize = ctx.config.maxQuoteSize;
  }

  /** Writes random quotes for every env (bid offset, ask offset, bid size, ask size order). */
  act(_observations: Float64Array, _view: AgentView, out: Float64Array): void {
    const rng = this.#rng;
    if (rng === null) throw new AlpeError("RandomAgent.act called before reset");
    const n = out.length / ACT_DIM;
    const maxOff = this.#maxOffset;
    const maxSize = this.#maxSize;
    for (let i = 0; i < n; i++) {
      const bidOff = rng.uniform(0, maxOff);
      const askOff = rng.uniform(0, maxOff);
      const bidSize = 1 + rng.int(maxSize);
      const askSize = 1 + rng.int(maxSize);
      writeAction(out, i, bidOff, askOff, bidSize, askSize);
    }
  }
}
