/**
 * Simulated records of a book-tier market for the realism report and the calibration's
 * moment matching: episodes of the market (no agent, or a passive agent that keeps one lot
 * at the best bid and ask), each recorded on a `MarketTape` and turned into a
 * {@linkcode MarketRecord} observed at a given book resolution; and the fast traders' orders
 * of such a simulation ({@linkcode simulateFastOrders}), which a record does not tell apart.
 *
 * @module
 */
import { ASK, BID } from "../book/order_book.ts";
import { requireInt, ValidationError } from "../errors.ts";
import { BookMarket, NS_PER_S } from "../env/book_market.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { childSeed } from "../rng/streams.ts";
import { FLOW_TYPE, type MarketTape } from "../market/tape.ts";
import type { FastOrderSizes } from "./fast_sizes.ts";
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
  /**
   * Seconds of each episode left out of its record, from its start (default 0): a record of
   * the market once its slow state (the price's pools, the sign memory, the book built from
   * its initial depth) has left the episode's start behind. At most the episode's duration.
   */
  recordFrom?: number;
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
  const out: MarketRecord[] = [];
  const from = options.recordFrom ?? 0;
  const duration = parseEnvConfig({ ...(config as EnvConfigInput), tier: "book" }).duration;
  if (!(from >= 0 && from < duration)) {
    throw new ValidationError("recordFrom", from, `seconds in [0, ${duration}) (the episode)`);
  }
  runEpisodes(config, options, (tape, cfg, e) => {
    out.push(
      recordFromMarketTape(
        tape,
        from,
        cfg.duration,
        options.quoteInterval ?? 0,
        `episode ${e}`,
        options.timeResolution ?? 0,
      ),
    );
  });
  return out;
}

/** The fast traders' market orders of a simulation ({@linkcode simulateFastOrders}). */
export interface SimulatedFastOrders extends FastOrderSizes {
  /** Lots executed by each of the fast traders' orders. */
  sizes: Float64Array;
  /** Market orders in all (the background's and the fast traders'; the agent's excluded). */
  orders: number;
}

/**
 * Simulates `config` like {@linkcode simulateRecords} and returns the snipers' and informed
 * traders' market orders: the lots each executed (its executions summed, by order number),
 * and their share of every market order — the fixed component of the size fit that takes
 * them out of the background's law (`fast_sizes.ts`). Orders are told apart by their order
 * number (the options' `quoteInterval` and `timeResolution` do not apply: no clock merges
 * them). Deterministic for a seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulateFastOrders } from "./simulate.ts";
 * const f = simulateFastOrders(
 *   { duration: 30, flow: { snipers: { rate: 20, threshold: 1 } } },
 *   { seconds: 60, seed: 1 },
 * );
 * assert.ok(f.sizes.length > 0 && f.share > 0 && f.share < 1);
 * assert.equal(f.share, f.sizes.length / f.orders);
 * ```
 */
export function simulateFastOrders(
  config: EnvConfigInput | EnvConfig,
  options: SimulateOptions = {},
): SimulatedFastOrders {
  const sizes: number[] = [];
  let orders = 0;
  runEpisodes(config, options, (tape, cfg) => {
    let last = NaN, lots = 0, fast = false;
    const close = () => {
      if (lots > 0) {
        orders++;
        if (fast) sizes.push(lots);
      }
    };
    for (let k = 0; k < tape.trades; k++) {
      const t = tape.tradeTime[k];
      if (t < 0 || t > cfg.duration || tape.aggressor[k] === FLOW_TYPE.AGENT) continue;
      if (tape.order[k] !== last) {
        close();
        last = tape.order[k];
        lots = 0;
        fast = tape.aggressor[k] === FLOW_TYPE.INFORMED;
      }
      lots += tape.qty[k];
    }
    close();
  });
  return { sizes: Float64Array.from(sizes), share: orders > 0 ? sizes.length / orders : 0, orders };
}

/** Runs the episodes of {@linkcode simulateRecords}, handing each one's tape to `episode`. */
function runEpisodes(
  config: EnvConfigInput | EnvConfig,
  options: SimulateOptions,
  episode: (tape: MarketTape, cfg: EnvConfig, e: number) => void,
): void {
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
    episode(m.tape!, cfg, e);
    options.onProgress?.(e + 1, episodes);
  }
}
