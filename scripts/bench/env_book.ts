/**
 * Book-tier environment throughput (`deno task bench --only env.book`).
 *
 * {@linkcode BookVecEnv} with the default configuration (the composed default flow:
 * Hawkes arrivals, metaorder signs, reference-price placement, queue-position cancellations,
 * stale-quote reactions, latent fundamental with trade impact, informed traders; default
 * regimes; 300 s episodes, dt = 100 ms, 10 s burn-in) steps 8 environments through whole
 * episodes with a static-spread action (2 ticks each side, 1 lot). One warm-up episode, then
 * 5 timed episodes (fresh seeds each); the values are medians over the timed episodes of
 * env-steps per second of the stepping loop (resets excluded), by the wall clock and by this
 * process's CPU time (on a loaded machine the second is the closer one to what an idle
 * machine does), and of book events per wall second. The same runs measure the book event
 * rate per market second (background limit/market/cancel orders, stale-quote reactions,
 * informed orders that traded, agent messages), which must be at least 200 events/s: the
 * benchmark throws otherwise.
 *
 * @module
 */
import process from "node:process";
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
  /** Median env-steps per wall-clock second. */
  stepsPerSecond: number;
  /** Median env-steps per second of this process's CPU time (user + system). */
  stepsPerCpuSecond: number;
  /** Median book events simulated per wall-clock second (all envs). */
  eventsPerSecond: number;
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
  const cpuSpeeds: number[] = [];
  const eventSpeeds: number[] = [];
  const rates: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    env.reset(Array.from({ length: NUM_ENVS }, (_, i) => 1000 * run + i));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    while (!env.terminated[0]) env.step(act);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    if (run === 0) continue;
    speeds.push((env.steps * NUM_ENVS) / seconds);
    cpuSpeeds.push((env.steps * NUM_ENVS) / ((cpu.user + cpu.system) / 1e6));
    let events = 0;
    for (let i = 0; i < NUM_ENVS; i++) events += env.market(i).events;
    eventSpeeds.push(events / seconds);
    rates.push(events / NUM_ENVS / cfg.duration);
  }
  const result = {
    stepsPerSecond: median(speeds),
    stepsPerCpuSecond: median(cpuSpeeds),
    eventsPerSecond: median(eventSpeeds),
    eventsPerMarketSecond: median(rates),
  };
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
    name: "env.book.steps_per_cpu_s",
    unit: "env-steps/cpu-s",
    target: ">= 100,000",
    run: () => measureEnvBook().stepsPerCpuSecond,
  },
  {
    name: "env.book.events_per_s",
    unit: "events/s",
    run: () => measureEnvBook().eventsPerSecond,
  },
  {
    name: "env.book.events_per_market_s",
    unit: "events/s",
    target: ">= 200",
    run: () => measureEnvBook().eventsPerMarketSecond,
  },
];
