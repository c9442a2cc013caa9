/**
 * Replay-tier throughput and tape load times (`deno task bench --only replay`).
 *
 * - `replay.events_per_s`: recorded tape events replayed per second (summed over envs) while
 *   the static-spread agent quotes every 100 ms of market time at the touch (half a tick from
 *   the mid: it joins the best bid and ask of this one-tick market, so most events touch its
 *   levels), with the risk-averse queue model, on the shipped Binance BTCUSDT feed (16 windows
 *   of 60 s, one every 10 s, in lockstep). One warm-up pass, then 5 timed passes; the median.
 *   The agent's own time is in the figure (it is what a backtest pays).
 * - `replay.scan_ratio`: the same replay's events per second over those of a bare loop that
 *   only reads each event of the same windows (time, kind, side, price, quantity), the two
 *   measured in alternation in this process: a figure of the replay's overhead that the load
 *   of a shared machine does not move much.
 * - `replay.events_per_cpu_s`: the replay's events per second of this process's CPU time
 *   (user + system, `process.cpuUsage`) rather than wall-clock time: what the replay costs when
 *   other processes share the cores.
 * - `replay.load.<tape>.cold_s` / `.cached_s`: seconds to load each shipped file from its source
 *   (parse, book reconstruction, derived columns, cache write) and then from the Arrow cache
 *   (memo cleared), each the median of 3 runs in a fresh temporary cache directory.
 *
 * @module
 */
import { createAgent } from "../../lib/agents/registry.ts";
import { rollout } from "../../lib/agents/rollout.ts";
import { clearTapeMemo, loadTapeSyncWithInfo } from "../../lib/data/load.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { ReplayVecEnv } from "../../lib/env/replay_env.ts";
import process from "node:process";
import { type BenchCase, median } from "./_types.ts";

/** The shipped tapes. */
export const SHIPPED = {
  lobster_amzn: "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv",
  binance_btcusdt: "data/real/binance/spot_btcusdt_20240808.gz",
} as const;

const NUM_ENVS = 16;
const RUNS = 5;

/** Events per second of the replay and of the bare scan, measured in alternation. */
export interface ReplayMeasurement {
  /** Median tape events per second of the replay with the agent. */
  eventsPerSecond: number;
  /** Median ratio replay / bare scan (interleaved runs). */
  scanRatio: number;
  /** Median tape events per second of CPU time. */
  eventsPerCpuSecond: number;
}

let measured: ReplayMeasurement | null = null;

/** Tape events per second of a replay with an agent quoting every 100 ms (see the module doc). */
export function measureReplayEvents(): number {
  return measureReplay().eventsPerSecond;
}

/** Both replay figures (once per process). */
export function measureReplay(): ReplayMeasurement {
  if (measured) return measured;
  const cfg = parseEnvConfig({
    tier: "replay",
    duration: 60,
    dt: 0.1,
    replay: { data: [SHIPPED.binance_btcusdt], stride: 10, queue: { model: "risk-averse" } },
  });
  const env = new ReplayVecEnv(cfg, NUM_ENVS);
  const agent = createAgent("static-spread", { halfSpreadTicks: 0.5, size: 1 });
  const speeds: number[] = [], ratios: number[] = [], cpu: number[] = [];
  let sink = 0;
  for (let run = 0; run <= RUNS; run++) {
    const seeds = Array.from({ length: NUM_ENVS }, (_, i) => (i + run * 3) % env.windows.length);
    // the bare scan of the same windows
    let t0 = performance.now();
    let scanned = 0;
    for (const s of seeds) {
      const w = env.windows[env.windowOf(s)];
      const c = env.tapes[w.tape].columns;
      for (let e = w.startRow; e < w.endRow; e++) {
        sink += c.ts[e] + c.kind[e] + c.side[e] + c.price[e] + c.qty[e];
        scanned++;
      }
    }
    const scanSpeed = scanned / ((performance.now() - t0) / 1000);
    const e0 = env.counters.events;
    const c0 = process.cpuUsage();
    t0 = performance.now();
    rollout(env, agent, seeds);
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(c0);
    const events = env.counters.events - e0;
    if (run > 0) {
      speeds.push(events / seconds);
      ratios.push(events / seconds / scanSpeed);
      cpu.push(events / ((used.user + used.system) / 1e6));
    }
  }
  if (sink === 42) console.error(""); // keep the scan from being optimized away
  measured = {
    eventsPerSecond: median(speeds),
    scanRatio: median(ratios),
    eventsPerCpuSecond: median(cpu),
  };
  return measured;
}

const loads = new Map<string, { cold: number; cached: number }>();

/** Cold and cached load seconds of `path` (medians of 3, fresh cache directories). */
export function measureLoad(path: string): { cold: number; cached: number } {
  const hit = loads.get(path);
  if (hit) return hit;
  const cold: number[] = [], cached: number[] = [];
  for (let r = 0; r < 3; r++) {
    const dir = Deno.makeTempDirSync();
    try {
      clearTapeMemo();
      const a = loadTapeSyncWithInfo(path, { cacheDir: dir });
      if (a.from !== "source") throw new Error(`bench: expected a cold load of ${path}`);
      cold.push(a.seconds);
      clearTapeMemo();
      const b = loadTapeSyncWithInfo(path, { cacheDir: dir });
      if (b.from !== "cache") throw new Error(`bench: expected a cached load of ${path}`);
      cached.push(b.seconds);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  }
  clearTapeMemo();
  const out = { cold: median(cold), cached: median(cached) };
  loads.set(path, out);
  return out;
}

/** The replay benchmark cases. */
export const cases: BenchCase[] = [
  {
    name: "replay.events_per_s",
    unit: "events/s",
    target: ">= 5,000,000",
    run: measureReplayEvents,
  },
  {
    name: "replay.events_per_cpu_s",
    unit: "events/cpu-s",
    run: () => measureReplay().eventsPerCpuSecond,
  },
  {
    name: "replay.scan_ratio",
    unit: "ratio",
    run: () => measureReplay().scanRatio,
  },
  ...Object.entries(SHIPPED).flatMap(([name, path]): BenchCase[] => [
    {
      name: `replay.load.${name}.cold_s`,
      unit: "s",
      run: () => measureLoad(path).cold,
    },
    {
      name: `replay.load.${name}.cached_s`,
      unit: "s",
      run: () => measureLoad(path).cached,
    },
  ]),
];
