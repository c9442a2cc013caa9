/**
 * What a book-tier market looks like, measured: runs episodes of the background flow alone
 * (no agent orders), records each on a {@linkcode MarketTape} and returns the regime facts
 * ({@linkcode marketStats}, averaged over episodes) and the markout curves of passive fills
 * by flow type ({@linkcode summarizeMarkouts}). `deno task market` prints it; the notebook
 * on market models and `docs/models.md` show it for the default market.
 *
 * @module
 */
import { requireInt } from "../errors.ts";
import {
  type MarkoutSummary,
  PASSIVE_MARKOUT_HORIZONS,
  type PassiveMarkouts,
  passiveMarkouts,
  summarizeMarkouts,
} from "../market/markouts.ts";
import { FLOW_COUNT, FLOW_COUNTS } from "../market/order_flow.ts";
import { type MarketStats, marketStats } from "../market/stats.ts";
import { childSeed } from "../rng/streams.ts";
import { BookMarket, type BookModelsFactory, NS_PER_S } from "./book_market.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "./config.ts";

/** Options of {@linkcode measureBookMarket}. */
export interface BookReportOptions {
  /** Episodes (default 16). */
  episodes?: number;
  /** Root seed; episode e uses `childSeed(seed, e)` (default 0). */
  seed?: number;
  /** Markout horizons, seconds (default {@linkcode PASSIVE_MARKOUT_HORIZONS}). */
  horizons?: readonly number[];
  /** Models replacing the defaults (see `BookMarketOptions.models`). */
  models?: BookModelsFactory;
}

/** What {@linkcode measureBookMarket} returns. */
export interface BookReport {
  /** The configuration measured. */
  config: EnvConfig;
  /** Episodes run. */
  episodes: number;
  /** Regime facts, mean over episodes. */
  stats: MarketStats;
  /** Background events per market second, by `FLOW_COUNT` kind (mean over episodes). */
  flowRates: Record<string, number>;
  /** Book events per market second (mean over episodes). */
  eventsPerSecond: number;
  /** Markouts of every passive fill (against the mid), by flow type, with 95 % CIs. */
  markouts: MarkoutSummary;
  /** The same against the simulator's reference price (no bid–ask bounce). */
  referenceMarkouts: MarkoutSummary;
}

/**
 * Runs `options.episodes` episodes of the market `config` with no agent orders and
 * measures them (see the module doc). Deterministic for a seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { measureBookMarket } from "./book_report.ts";
 * const r = measureBookMarket({ duration: 30 }, { episodes: 2, horizons: [0, 5] });
 * assert.ok(r.stats.oneTickShare > 0.5 && r.eventsPerSecond > 200);
 * assert.equal(r.markouts.uninformed.horizons.length, 2);
 * ```
 */
export function measureBookMarket(
  config: EnvConfigInput | EnvConfig = {},
  options: BookReportOptions = {},
): BookReport {
  const cfg = parseEnvConfig({ ...(config as EnvConfigInput), tier: "book" });
  const episodes = requireInt("episodes", options.episodes ?? 16, 1, 100_000);
  const seed = options.seed ?? 0;
  const horizons = options.horizons ?? PASSIVE_MARKOUT_HORIZONS;
  const m = new BookMarket(cfg, { tape: true, models: options.models });
  const steps = Math.round(cfg.duration / cfg.dt);
  const sums: Record<string, number> = {};
  const rates = new Float64Array(FLOW_COUNTS);
  let events = 0;
  const marks: PassiveMarkouts[] = [];
  const refMarks: PassiveMarkouts[] = [];
  for (let e = 0; e < episodes; e++) {
    m.reset(childSeed(seed, e));
    for (let k = 1; k <= steps; k++) {
      const end = Math.round(k * cfg.dt * NS_PER_S);
      m.scheduleSnapshot(end);
      m.advance(end);
      m.endStep(cfg.dt);
    }
    const tape = m.tape!;
    const s = marketStats(tape, { start: 0, end: cfg.duration });
    for (const [k, v] of Object.entries(s)) sums[k] = (sums[k] ?? 0) + v / episodes;
    for (let i = 0; i < FLOW_COUNTS; i++) rates[i] += m.flow.counts[i] / cfg.duration / episodes;
    events += m.events / cfg.duration / episodes;
    const opts = { horizons, maker: "background" as const, end: cfg.duration };
    marks.push(passiveMarkouts(tape, opts));
    refMarks.push(passiveMarkouts(tape, { ...opts, against: "reference" }));
  }
  const flowRates: Record<string, number> = {};
  for (const [name, i] of Object.entries(FLOW_COUNT)) flowRates[name] = rates[i];
  return {
    config: cfg,
    episodes,
    stats: sums as unknown as MarketStats,
    flowRates,
    eventsPerSecond: events,
    markouts: summarizeMarkouts(marks),
    referenceMarkouts: summarizeMarkouts(refMarks),
  };
}
