/**
 * Takers who answer an improvement: when a limit order narrows the spread (a bid above the
 * best bid or an ask below the best ask, strictly inside the spread), with probability
 * `probability` a trader who was watching the quotes sends a market order against it after
 * a reaction delay drawn from `latency`: a sell into the improved bid, a buy from the
 * improved ask. If the improvement is gone when the order arrives (the improved quote was
 * cancelled, taken or repriced away), the trader does not trade. A point-process reading: the
 * market orders' intensity on a side gets a kernel q·f(Δ) after each improvement of the
 * opposite quote, f the delay's density (a cross-excitation from quotes to trades, Bacry,
 * Mastromatteo & Muzy 2015; Large 2007 for the book's resilience).
 *
 * On the AMZN LOBSTER day 8 % of the visible market orders take a side improved less than a
 * millisecond before and 20 % one improved within 100 ms, where independent arrivals would
 * give 0.03 % and 3 %: takers come when a provider has narrowed the spread, so they meet a
 * narrower spread than the time-weighted one (`lib/calibration/fit_improvement_takers.ts`
 * fits it).
 *
 * Assumes: each improvement is answered at most once, independently of the others, of the
 * spread and of the improving order's size; the answering order is uninformed (it moves the
 * price like any uninformed market order, its size drawn from the market orders' size model
 * against the depth at the improved quote) and its sign is that of the improvement, not the
 * sign model's (it does not advance the sign model); with `followSigns` it is sent only as
 * often as the flow's sign forecast agrees with it (the AMZN day's answers have the sign of the
 * order before them 71 % of the time). Ignores: who improved (the agent's
 * improvements are answered like the background's), improvements that are answered by a
 * limit order, and the answer's dependence on how much the spread narrowed. The market
 * orders it sends come on top of the arrival process's: a calibration that fits the total
 * rate of market orders takes their share out of the arrivals. Units: a probability; the
 * latency in milliseconds.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Rng } from "../rng/rng.ts";
import type { Infer } from "../validation.ts";
import { createLatencyModel, latencySpecSchema } from "./latency.ts";
import type { LatencyModel } from "./types.ts";

/**
 * Schema of the takers who answer an improvement.
 *
 * @ignore
 */
export const improvementTakerConfigSchema = z.strictObject({
  /** Probability that an improvement is answered by a market order against it (0: off). */
  probability: z.number().min(0).max(1).default(0),
  /**
   * Whether the answers follow the order flow's sign forecast E (the sign model's expected next
   * sign): an answer of sign s is sent with probability (1 + s·E)/2 when it comes, and
   * improvements are answered with probability min(1, 2·`probability`), so that with E
   * symmetric about 0 the mean answer probability is still `probability`. Off: every answer
   * comes (the improvement's side alone sets its sign).
   */
  followSigns: z.boolean().default(false),
  /** The answering trader's delay after the improvement (default: the AMZN day's fit, rounded). */
  latency: latencySpecSchema.default({ kind: "lognormal", medianMs: 1.5, sigma: 2.9 }),
});

/** The takers who answer an improvement (see the schema's field docs). */
export type ImprovementTakerConfig = Infer<typeof improvementTakerConfigSchema>;

/** Takers who answer an improvement of the quotes (see the module doc). */
export interface ImprovementTakerModel {
  /** Probability that an improvement is answered (in (0, 1]). */
  readonly probability: number;
  /**
   * Probability that an answer of sign `sign` (±1) is sent when the flow's forecast of the next
   * sign is `expected` (in [−1, 1]); absent: always.
   */
  sendProbability?(sign: number, expected: number): number;
  /** Probability that an improvement is scheduled for an answer (default `probability`). */
  readonly scheduleProbability?: number;
  /** The answer's delay after the improvement, nanoseconds (integer, ≥ 1). */
  delayNs(rng: Rng): number;
}

/**
 * The default model: a coin of `probability` (of twice it, with `followSigns`, then a coin of
 * {@linkcode followingSend} when the answer comes), a delay from the latency spec.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../rng/rng.ts";
 * import { improvementTakerConfigSchema, LatencyTakers } from "./improvement_takers.ts";
 * const cfg = improvementTakerConfigSchema.parse({
 *   probability: 0.2,
 *   latency: { kind: "exponential", meanMs: 5 },
 * });
 * const m = new LatencyTakers(cfg);
 * const rng = new Rng(3);
 * let s = 0;
 * for (let i = 0; i < 20_000; i++) s += m.delayNs(rng);
 * assert.ok(Math.abs(s / 20_000 / 1e6 - 5) < 0.2); // mean 5 ms
 * assert.equal(m.scheduleProbability, 0.2);
 * assert.equal(m.sendProbability, undefined); // every answer is sent
 * const f = new LatencyTakers({ ...cfg, followSigns: true });
 * assert.equal(f.scheduleProbability, 0.4);
 * assert.equal(f.sendProbability?.(-1, 0.5), 0.25);
 * ```
 */
export class LatencyTakers implements ImprovementTakerModel {
  readonly probability: number;
  readonly scheduleProbability: number;
  readonly sendProbability?: (sign: number, expected: number) => number;
  readonly #latency: LatencyModel;

  /** Creates the model from its config. */
  constructor(cfg: ImprovementTakerConfig) {
    this.probability = cfg.probability;
    this.scheduleProbability = cfg.followSigns ? Math.min(1, 2 * cfg.probability) : cfg.probability;
    if (cfg.followSigns) this.sendProbability = followingSend;
    this.#latency = createLatencyModel(cfg.latency);
  }

  delayNs(rng: Rng): number {
    const d = this.#latency.sample(rng);
    return d >= 1 ? d : 1; // after the improvement, never at its instant
  }
}

/**
 * An answer's send probability when it follows the flow: (1 + s·E)/2 for sign `sign` and the
 * flow's forecast `expected`, within [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { followingSend } from "./improvement_takers.ts";
 * assert.equal(followingSend(1, 0), 0.5); // no forecast: a fair coin
 * assert.equal(followingSend(-1, 0.6), 0.2); // against a buying flow: seldom
 * assert.equal(followingSend(1, 2), 1);
 * ```
 */
export function followingSend(sign: number, expected: number): number {
  const p = (1 + sign * expected) / 2;
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/**
 * The model of `cfg`, or undefined when it is off (`probability` 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createImprovementTakers, improvementTakerConfigSchema } from "./improvement_takers.ts";
 * assert.equal(createImprovementTakers(improvementTakerConfigSchema.parse({})), undefined);
 * const m = createImprovementTakers(improvementTakerConfigSchema.parse({ probability: 0.1 }));
 * assert.equal(m?.probability, 0.1);
 * ```
 */
export function createImprovementTakers(
  cfg: ImprovementTakerConfig,
): ImprovementTakerModel | undefined {
  return cfg.probability > 0 ? new LatencyTakers(cfg) : undefined;
}
