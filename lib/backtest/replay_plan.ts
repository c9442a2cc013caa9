/**
 * Episode plans on recorded data (the replay tier): which windows of the tapes evaluate the
 * agents, which calibrate and tune the rivals, which a learned agent may train on — disjoint
 * by construction, held out by time (see `splitWindows`: the later part of every tape
 * evaluates, the earlier part calibrates and trains) — and the check that a trained model
 * never saw an evaluation window.
 *
 * A replay env's seed s replays window `s mod W` (W windows, no `replay.windows` list), so the
 * seed of a window w is `w + W·k` with k = root mod ⌊(2^32 − 1)/W − 1⌋: the window is fixed by
 * the plan, the root seed varies only the latency draws. Every agent replays the same
 * evaluation windows (common windows).
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { resolveReplay } from "../env/replay_setup.ts";
import { splitWindows } from "../data/windows.ts";

/** Default share of each tape's windows held out for evaluation (the later ones). */
export const DEFAULT_EVALUATION_FRACTION = 0.5;

/** A set of windows and the seeds that replay them. */
export interface WindowSet {
  /** Window indices, in plan order. */
  windows: number[];
  /** Window ids (`<tape>@<start s>`). */
  ids: string[];
  /** Each window's tape name and span, seconds since the tape's origin. */
  spans: WindowSpan[];
  /** Env seeds replaying them, in the same order. */
  seeds: number[];
}

/** Where a window lies: its tape's name and its span in seconds since the tape's origin. */
export interface WindowSpan {
  /** The tape's name. */
  tape: string;
  /** Start, s. */
  start: number;
  /** End (exclusive), s. */
  end: number;
}

/** The windows of a comparison on recorded data. */
export interface ReplayPlan {
  /** Windows the tapes hold for the episode duration. */
  total: number;
  /** Evaluation windows (every agent replays each once). */
  evaluation: WindowSet;
  /** Calibration windows (tuning of the rival agents; training of learned ones). */
  calibration: WindowSet;
  /** How the windows were chosen, in words. */
  rule: string;
}

/** `n` elements of `list`, evenly spread over it (all of it when n ≥ its length). */
function spread<T>(list: readonly T[], n: number): T[] {
  if (n >= list.length) return [...list];
  return Array.from({ length: n }, (_, k) => list[Math.floor(((k + 0.5) * list.length) / n)]);
}

/**
 * The plan of a comparison of `config` (tier "replay") with root seed `root`: up to `episodes`
 * evaluation windows and up to `calibrationEpisodes` calibration windows, spread evenly over
 * the later and the earlier part of each tape. Throws a ValidationError when the tapes hold
 * too few windows for both parts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEnvConfig } from "../env/config.ts";
 * import { replayPlan } from "./replay_plan.ts";
 * const cfg = parseEnvConfig({
 *   tier: "replay",
 *   duration: 60,
 *   replay: { data: ["data/real/binance/spot_btcusdt_20240808.gz"] },
 * });
 * const plan = replayPlan(cfg, 0, 50, 16);
 * assert.deepEqual(plan.evaluation.windows, [2, 3, 4]);
 * assert.deepEqual(plan.calibration.windows, [0, 1]);
 * ```
 */
export function replayPlan(
  config: EnvConfig,
  root: number,
  episodes: number,
  calibrationEpisodes: number,
  evaluationFraction = DEFAULT_EVALUATION_FRACTION,
): ReplayPlan {
  const setup = resolveReplay(config);
  if (config.replay.windows) {
    throw new ValidationError(
      "replay.windows",
      config.replay.windows,
      "no window list for a comparison (it chooses disjoint evaluation and calibration windows)",
    );
  }
  const W = setup.windows.length;
  const split = splitWindows(setup.windows, evaluationFraction);
  if (split.calibration.length === 0 || split.evaluation.length === 0) {
    throw new ValidationError(
      "duration",
      config.duration,
      `a window short enough for at least two windows per tape (the tapes hold ${W} ` +
        `window(s) of ${config.duration} s: none left to calibrate on, disjoint from evaluation)`,
    );
  }
  const k = root % Math.max(1, Math.floor(0xffffffff / W) - 1);
  const set = (windows: number[]): WindowSet => ({
    windows,
    ids: windows.map((w) => setup.windows[w].id),
    spans: windows.map((w) => spanOf(setup, w)),
    seeds: windows.map((w) => w + W * k),
  });
  const evaluation = set(spread(split.evaluation, episodes));
  const calibration = set(spread(split.calibration, calibrationEpisodes));
  return {
    total: W,
    evaluation,
    calibration,
    rule: `the ${W} windows of ${config.duration} s of ${config.replay.data.join(", ")} split by ` +
      `time per tape: the last ${Math.round(100 * evaluationFraction)}% evaluate, the earlier ` +
      "ones calibrate and tune (and train learned agents); up to the requested number of each, " +
      `spread evenly; window w replays with seed w + ${W}·${k} (root ${root})`,
  };
}

/**
 * The env config a learned agent trains on for recorded data: `config` restricted to the
 * calibration (earlier) windows of its tapes, so that a comparison's evaluation windows are
 * held out. The window list is part of the config, so the checkpoint records it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayTrainingConfig } from "./replay_plan.ts";
 * const cfg = replayTrainingConfig({
 *   tier: "replay",
 *   duration: 60,
 *   replay: { data: ["data/real/binance/spot_btcusdt_20240808.gz"] },
 * });
 * assert.deepEqual(cfg.replay?.windows, [0, 1]);
 * ```
 */
export function replayTrainingConfig(
  input: EnvConfigInput,
  evaluationFraction = DEFAULT_EVALUATION_FRACTION,
): EnvConfigInput {
  const cfg = parseEnvConfig(input);
  const setup = resolveReplay(cfg);
  const split = splitWindows(setup.windows, evaluationFraction);
  if (split.calibration.length === 0) {
    throw new ValidationError(
      "duration",
      cfg.duration,
      `a window short enough to leave training windows (the tapes hold ${setup.windows.length})`,
    );
  }
  return { ...input, replay: { ...(input.replay ?? {}), windows: split.calibration } };
}

/** What a trained model saw of a comparison's evaluation windows. */
export interface ReplayHeldOut {
  /** "replay" when the model trained on recorded windows, else "simulation". */
  trainedOn: "replay" | "simulation";
  /** Windows its training config could replay. */
  trainingWindows: number;
  /** Evaluation windows among them (0: held out). */
  evaluationWindowsSeenInTraining: number;
}

function spanOf(setup: ReturnType<typeof resolveReplay>, w: number): WindowSpan {
  const win = setup.windows[w];
  return {
    tape: setup.tapes[win.tape].meta.name,
    start: win.startTs / 1e9,
    end: win.endTs / 1e9,
  };
}

/**
 * Reads the env config a model trained on (`<dir>/checkpoint.json`, `config.env`) and counts
 * the evaluation windows (`evaluation`, spans) that overlap in time any window its training
 * could replay (every window its config maps seeds onto: an upper bound on what it saw), on
 * the same tape.
 */
export async function replayHeldOut(
  dir: string,
  evaluation: readonly WindowSpan[],
): Promise<ReplayHeldOut> {
  const rec = JSON.parse(await Deno.readTextFile(`${dir}/checkpoint.json`));
  const env = rec?.config?.env ?? {};
  if (env.tier !== "replay") {
    return { trainedOn: "simulation", trainingWindows: 0, evaluationWindowsSeenInTraining: 0 };
  }
  const setup = resolveReplay(parseEnvConfig(env));
  const trained = Array.from(setup.allowed, (w) => spanOf(setup, w));
  const seen =
    evaluation.filter((e) =>
      trained.some((t) => t.tape === e.tape && t.start < e.end && e.start < t.end)
    ).length;
  return {
    trainedOn: "replay",
    trainingWindows: trained.length,
    evaluationWindowsSeenInTraining: seen,
  };
}
