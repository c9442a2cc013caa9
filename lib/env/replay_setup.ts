/**
 * Resolving a replay-tier config: load its tapes (synchronously, from the Arrow cache when it
 * is warm), plan the episode windows, and fill the config fields that the recorded market
 * decides, so that agents and analytics see the market as it is:
 *
 * - `tickSize`: the tape's tick (all tapes must share it);
 * - `lotSize`: `replay.lotSize`, or the tape's suggested lot;
 * - `initialPrice`: the tapes' mean mid (sets the capital base of the risk metrics);
 * - `volatility`: the tapes' realized daily volatility of one-second relative mid changes
 *   (normalizes the observation's return and volatility slots, and is what AS/GLFT calibrate
 *   against anyway).
 *
 * The rest of the config (duration, dt, limits, latencies, fees, reward) applies as given.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { loadTapeSync } from "../data/load.ts";
import { midStats } from "../data/series.ts";
import type { Tape } from "../data/tape.ts";
import { planWindows, type TapeWindow } from "../data/windows.ts";
import { type EnvConfig, parseEnvConfig, SECONDS_PER_DAY } from "./config.ts";

/** A resolved replay config with its tapes and windows. */
export interface ReplaySetup {
  /** The config with the tape-decided fields filled (see the module doc). */
  config: EnvConfig;
  /** The loaded tapes, in `replay.data` order. */
  tapes: Tape[];
  /** Every window of the tapes for `duration` and `replay.stride`, in plan order. */
  windows: TapeWindow[];
  /** The window indices seeds map onto (`replay.windows`, or all). */
  allowed: Int32Array;
}

const memo = new Map<string, ReplaySetup>();

function memoKey(cfg: EnvConfig): string {
  const r = cfg.replay;
  return JSON.stringify([
    r.data,
    r.stride ?? null,
    r.windows ?? null,
    r.lotSize,
    r.clockCorrection,
    cfg.duration,
  ]);
}

/**
 * Loads and plans the replay of `cfg` (tier "replay"); `tapes`, when given, are used instead
 * of loading `cfg.replay.data` (they must be its tapes, in order). Memoized per process for
 * configs that load from files. Throws typed data errors naming the file for a missing or bad
 * tape, a TapeTooShortError when no window fits, and a ValidationError naming `replay.…` for
 * tapes that do not share a tick or a window index out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEnvConfig } from "./config.ts";
 * import { resolveReplay } from "./replay_setup.ts";
 * const r = resolveReplay(parseEnvConfig({
 *   tier: "replay",
 *   duration: 60,
 *   replay: { data: ["data/real/binance/spot_btcusdt_20240808.gz"] },
 * }));
 * assert.equal(r.config.tickSize, 0.01);
 * assert.equal(r.config.lotSize, 0.001); // BTC
 * assert.ok(r.windows.length >= 4);
 * ```
 */
export function resolveReplay(cfg: EnvConfig, tapes?: readonly Tape[]): ReplaySetup {
  if (cfg.tier !== "replay") {
    throw new ValidationError("tier", cfg.tier, '"replay" for a replay setup');
  }
  const key = tapes ? null : memoKey(cfg);
  const hit = key ? memo.get(key) : undefined;
  if (hit) return { ...hit, config: withTapeFields(cfg, hit.tapes) };
  const r = cfg.replay;
  const loaded = tapes
    ? [...tapes]
    : r.data.map((path) => loadTapeSync(path, { clockCorrection: r.clockCorrection }));
  if (loaded.length === 0) {
    throw new ValidationError("replay.data", r.data, "at least one tape file");
  }
  const tick = loaded[0].meta.tickSize;
  loaded.forEach((t, i) => {
    if (t.meta.tickSize !== tick) {
      throw new ValidationError(
        `replay.data[${i}]`,
        t.meta.sources[0],
        `a tape with the tick size of ${
          loaded[0].meta.sources[0]
        } (${tick}), not ${t.meta.tickSize}`,
      );
    }
  });
  const windows = planWindows(loaded, cfg.duration, r.stride ?? cfg.duration);
  let allowed: Int32Array;
  if (r.windows) {
    r.windows.forEach((w, i) => {
      if (w >= windows.length) {
        throw new ValidationError(
          `replay.windows[${i}]`,
          w,
          `a window index in [0, ${
            windows.length - 1
          }] (the tapes hold ${windows.length} windows ` +
            `of ${cfg.duration} s)`,
        );
      }
    });
    allowed = Int32Array.from(r.windows);
  } else allowed = Int32Array.from(windows, (_, i) => i);
  const setup: ReplaySetup = {
    config: withTapeFields(cfg, loaded),
    tapes: loaded,
    windows,
    allowed,
  };
  if (key) memo.set(key, setup);
  return setup;
}

/** `cfg` with the fields the tapes decide (see the module doc), validated again. */
function withTapeFields(cfg: EnvConfig, tapes: readonly Tape[]): EnvConfig {
  const stats = midStats(tapes, SECONDS_PER_DAY);
  const lot = cfg.replay.lotSize === "tape" ? tapes[0].meta.lotSuggestion : cfg.replay.lotSize;
  const vol = Number.isFinite(stats.dailyVolatility) && stats.dailyVolatility > 0
    ? Math.min(10, stats.dailyVolatility)
    : cfg.volatility;
  return parseEnvConfig({
    ...cfg,
    tickSize: tapes[0].meta.tickSize,
    lotSize: lot,
    initialPrice: Number.isFinite(stats.meanPrice) ? stats.meanPrice : cfg.initialPrice,
    volatility: Number(vol.toPrecision(6)),
  });
}

/**
 * The windows a replay config's seeds map onto, with their ids: what a run of `cfg` can
 * replay (e.g. to check that a model never trained on an evaluation window).
 */
export function replayWindowIds(cfg: EnvConfig): string[] {
  const r = resolveReplay(cfg);
  return Array.from(r.allowed, (w) => r.windows[w].id);
}
