/**
 * The sweep's progress on stderr: a bar with jobs done, running and failed and the ETA
 * on a terminal (`npm:cli-progress`); elsewhere (CI logs, `kubectl logs`) one plain line
 * at most every `intervalS` seconds and at the end.
 *
 * @module
 */
import cliProgress from "npm:cli-progress@3.12.0";
import process from "node:process";
import type { SweepProgress } from "./scheduler.ts";

/** A progress display. */
export interface SweepProgressDisplay {
  /** Shows `p`. */
  update(p: SweepProgress): void;
  /** Removes the bar (call once at the end). */
  stop(): void;
}

/**
 * `eta` seconds as `1h02m`, `3m05s` or `12s` ("?" when unknown).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./progress.ts";
 * assert.equal(formatDuration(185), "3m05s");
 * assert.equal(formatDuration(NaN), "?");
 * ```
 */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  const t = Math.round(s);
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, "0")}s`;
  return `${sec}s`;
}

/**
 * One line of progress, e.g.
 * `120/400 done (40 reused) | 4 running | 1 failed | 12.3 s | ETA 1m30s`.
 */
export function progressLine(p: SweepProgress): string {
  return `${p.done}/${p.total} done (${p.reused} reused) | ${p.running} running | ${p.failed} failed | ` +
    `${p.elapsed.toFixed(1)} s | ETA ${formatDuration(p.eta)}`;
}

/** A progress display labelled `label`; a bar on a terminal, plain lines otherwise. */
export function sweepProgress(
  label: string,
  options: { terminal?: boolean; intervalS?: number; write?: (line: string) => void } = {},
): SweepProgressDisplay {
  const terminal = options.terminal ?? Deno.stderr.isTerminal();
  if (!terminal) {
    const write = options.write ?? ((line: string) => console.error(line));
    let last = -Infinity;
    let latest: SweepProgress | undefined;
    return {
      update(p) {
        latest = p;
        const now = performance.now() / 1000;
        if (now - last >= (options.intervalS ?? 10)) {
          last = now;
          write(`${label}: ${progressLine(p)}`);
        }
      },
      stop() {
        if (latest) write(`${label}: ${progressLine(latest)}`);
      },
    };
  }
  const bar = new cliProgress.SingleBar({
    format:
      `${label} [{bar}] {value}/{total} done | {running} running | {failed} failed | ETA {etaText}`,
    hideCursor: true,
    clearOnComplete: true,
    stream: process.stderr,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(p) {
      const payload = { running: p.running, failed: p.failed, etaText: formatDuration(p.eta) };
      if (!started) {
        bar.start(p.total, p.done, payload);
        started = true;
      } else {
        bar.setTotal(p.total);
        bar.update(p.done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
