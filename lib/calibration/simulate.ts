/**
 * Simulated records of a book-tier market for the realism report and the calibration's
 * moment matching: episodes of the market (no agent, or a passive agent that keeps one lot
 * at the best bid and ask), each recorded on a `MarketTape` and turned into a
 * {@linkcode MarketRecord} observed at a given book resolution.
 *
 * @module
 */
import { ASK, BID } from "../book/order_book.ts";
import { requireInt, ValidationError } from "../errors.ts";
import { BookMarket, NS_PER_S } from "../env/book_market.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { childSeed } from "../rng/streams.ts";
import { type MarketRecord, recordFromMarketTape } from "./record.ts";

/** Options of {@linkcode simulateRecords}. */
export interface SimulateOptions {
  /** Market seconds to simulate in all (default 3,600); episodes of the config's duration. */
  seconds?: number;
  /** Root seed; episode e uses `childSeed(seed, e)` (default 0). */
  seed?: number;
  /** Book observation resolution of the records, s (default 0: every event). */
  quoteInterval?: number;
  /**
   * Clock the records are observed on, s (default 0: exact times; a tape's
   * `timeResolution` to observe the simulation the way that tape was, see `record.ts`).
   */
  timeResolution?: number;
  /**
   * "none" (default): the background flow alone; "touch": a passive agent that keeps one
   * lot at the best bid and one at the best ask (re-quoted every step), whose fills are
   * passive fills like any other.
   */
  agent?: "none" | "touch";
  /** Called after each episode with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Simulates `config` (forced to the book tier) for `options.seconds` of market time and
 * returns one record per episode. Deterministic for a seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulateRecords } from "./simulate.ts";
 * const recs = simulateRecords({ duration: 20 }, { seconds: 40, seed: 1 });
 * assert.equal(recs.length, 2);
 * assert.ok(recs[0].moTime.length > 10 && recs[0].qTime.length > 10);
 * ```
 */
export function simulateRecords(
  config: EnvConfigInput | EnvConfig,
  options: SimulateOptions = {},
): MarketRecord[] {
  const cfg = parseEnvConfig({ ...(config as EnvConfigInput), tier: "book" });
  const seconds = options.seconds ?? 3_600;
  if (!(seconds > 0) || !Number.isFinite(seconds) || seconds > 1e7) {
    throw new ValidationError("seconds", seconds, "a simulated time in (0, 1e7] s");
  }
  const episodes = requireInt("episodes", Math.max(1, Math.round(seconds / cfg.duration)), 1, 1e6);
  const seed = options.seed ?? 0;
  const agent = options.agent ?? "none";
  const m = new BookMarket(cfg, { tape: true });
  const steps = Math.round(cfg.duration / cfg.dt);
  const out: MarketRecord[] = [];
  for (let e = 0; e < episodes; e++) {
    m.reset(childSeed(seed, e));
    for (let k = 1; k <= steps; k++) {
      if (agent === "touch") {
        const s = m.snapshot;
        if (s.bid === s.bid) m.quote(BID, s.bid, 1);
        if (s.ask === s.ask) m.quote(ASK, s.ask, 1);
      }
      const end = Math.round(k * cfg.dt * NS_PER_S);
      m.scheduleSnapshot(end);
      m.advance(end);
      m.endStep(cfg.dt);
      m.clearStepFills();
    }
    out.push(
      recordFromMarketTape(
        m.tape!,
        0,
        cfg.duration,
        options.quoteInterval ?? 0,
        `episode ${e}`,
        options.timeResolution ?? 0,
      ),
    );
    options.onProgress?.(e + 1, episodes);
  }
  return out;
}
