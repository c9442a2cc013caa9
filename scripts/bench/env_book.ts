/**
 * Book-tier environment throughput (`deno task bench --only env.book`).
 *
 * {@linkcode BookVecEnv} with the default configuration (default flow and regimes, 300 s
 * episodes, dt = 100 ms, 10 s burn-in) steps 8 environments through whole episodes with a
 * static-spread action (2 ticks each side, 1 lot). One warm-up episode, then 5 timed
 * episodes (fresh seeds each); the value is the median of env-steps per second of the
 * stepping loop (resets excluded). The same runs measure the book event rate per market
 * second (background limit/market/cancel orders, informed orders that traded, agent
 * messages), which must be at least 200 events/s: the benchmark throws otherwise.
 *
 * @module
 */
import { AlpeError } from "../../lib/errors.ts";
import { BookVecEnv } from "../../lib/env/book_env.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { ACT_DIM } from "../../lib/env/types.ts";
import { type BenchCase, median } from "./_types.ts";

/** Environments stepped in lockstep. */
export const NUM_ENVS = 8;
/** Timed episodes (the first, untimed, warms up the JIT). */
export const RUNS = 5;
/** Minimum book events per market second of the default flow. */
export const MIN_EVENT_RATE = 200;

/** Throughput and event rate of one measurement. */
export interface EnvBookMeasurement {
  /** Median env-steps per second. */
  stepsPerSecond: number;
  /** Median book events per market second, per env. */
  eventsPerMarketSecond: number;
}

let cached: EnvBookMeasurement | null = null;

/** Runs the measurement (once per process; later calls return the cached result). */
export function measureEnvBook(): EnvBookMeasurement {
  if (cached !== null) return cached;
  const cfg = parseEnvConfig({ tier: "book" });
  const env = new BookVecEnv(cfg, NUM_ENVS);
  const act = new Float64Array(NUM_ENVS * ACT_DIM);
  for (let i = 0; i < NUM_ENVS; i++) act.set([2, 2, 1, 1], i * ACT_DIM);
  const speeds: number[] = [];
  const rates: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    env.reset(Array.from({ length: NUM_ENVS }, (_, i) => 1000 * run + i));
    const t0 = performance.now();
    while (!env.terminated[0]) env.step(act);
    const seconds = (performance.now() - t0) / 1000;
    if (run === 0) continue;
    speeds.push((env.steps * NUM_ENVS) / seconds);
    let events = 0;
    for (let i = 0; i < NUM_ENVS; i++) events += env.market(i).events;
    rates.push(events / NUM_ENVS / cfg.duration);
  }
  const result = { stepsPerSecond: median(speeds), eventsPerMarketSecond: median(rates) };
  if (result.eventsPerMarketSecond < MIN_EVENT_RATE) {
    throw new AlpeError(
      `env.book: the default flow made ${result.eventsPerMarketSecond.toFixed(1)} book events ` +
        `per market second, below the required ${MIN_EVENT_RATE}`,
    );
  }
  cached = result;
  return result;
}

/** The book-tier environment benchmark cases. */
export const cases: BenchCase[] = [
  {
    name: "env.book.steps_per_s",
    unit: "env-steps/s",
    target: ">= 100,000",
    run: () => measureEnvBook().stepsPerSecond,
  },
  {
    name: "env.book.events_per_market_s",
    unit: "events/s",
    target: ">= 200",
    run: () => measureEnvBook().eventsPerMarketSecond,
  },
];
