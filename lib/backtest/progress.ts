/**
 * A progress bar on stderr (`npm:cli-progress`), shown only when stderr is a terminal,
 * so piped or captured runs stay quiet.
 *
 * @module
 */
import cliProgress from "npm:cli-progress@3.12.0";
import process from "node:process";

/** A progress reporter. */
export interface Progress {
  /** Reports `done` of `total` units. */
  update(done: number, total: number): void;
  /** Removes the bar (call once at the end). */
  stop(): void;
}

/** Options of {@linkcode createProgress}. */
export interface ProgressOptions {
  /** Force the bar on or off (default: on when stderr is a terminal). */
  enabled?: boolean;
  /** Unit shown after the counts, e.g. "episodes". */
  unit?: string;
}

/**
 * A progress bar labelled `label` on stderr; a no-op when stderr is not a terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createProgress } from "./progress.ts";
 * const bar = createProgress("backtest", { enabled: false }); // disabled: draws nothing
 * bar.update(5, 10);
 * bar.stop();
 * assert.doesNotThrow(() => bar.stop()); // stopping twice is harmless
 * ```
 */
export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const enabled = options.enabled ?? Deno.stderr.isTerminal();
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} ${options.unit ?? ""} | {duration}s`,
    hideCursor: true,
    clearOnComplete: true,
    stream: process.stderr,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
