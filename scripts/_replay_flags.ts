/**
 * The command-line flags of the replay tier, shared by `deno task compare` and
 * `deno task train`: `--data FILE[,FILE…]` (repeatable) and `--window SEC`. The tapes are
 * loaded here, streamed with a progress bar, so that their cache is warm before any worker
 * starts and a bad file fails at once with its own error.
 *
 * @module
 */
import { ValidationError } from "../lib/errors.ts";
import { loadTapeWithInfo } from "../lib/data/mod.ts";
import type { EnvConfigInput } from "../lib/env/config.ts";
import { createProgress } from "../lib/backtest/progress.ts";
import { flags, numberFlag } from "./_cli.ts";

/** Default episode window on recorded data, seconds. */
export const DEFAULT_WINDOW = 60;

/** The replay flags, for `parseFlags` (scripts on the older helper). */
export const REPLAY_FLAGS = {
  data: { type: "string", multiple: true },
  window: { type: "string" },
} as const;

/** The replay flags, for `defineCli`. */
export const REPLAY_CLI_FLAGS = {
  data: flags.multiple({
    help: "with --tier replay: recorded tapes (LOBSTER message file, Binance raw feed, CSV " +
      "tape; see docs/data.md), FILE[,FILE…], repeatable",
    meta: "FILE",
  }),
  window: flags.number({
    min: 1,
    max: 86_400,
    help: "with --tier replay: the episode window in seconds",
    defaultText: String(DEFAULT_WINDOW),
    meta: "SEC",
  }),
};

/** Help lines of the replay flags. */
export const REPLAY_HELP =
  `  --data FILE[,FILE…]       with --tier replay: recorded tapes (LOBSTER message file,
                            Binance raw feed, CSV tape; see docs/data.md); repeatable
  --window SEC              with --tier replay: episode window, 1-86400 s (default ${DEFAULT_WINDOW})`;

/**
 * The env config of the replay flags for `tier`, with the tapes loaded (progress on a
 * terminal); null when `tier` is not "replay" (then neither flag may be given).
 */
export async function replayConfigFromFlags(
  tier: string,
  values: { data?: string[]; window?: string | number },
): Promise<EnvConfigInput | null> {
  if (tier !== "replay") {
    if (values.data !== undefined && values.data.length > 0) {
      throw new ValidationError("--data", values.data.join(","), "only with --tier replay");
    }
    if (values.window !== undefined) {
      throw new ValidationError("--window", values.window, "only with --tier replay");
    }
    return null;
  }
  const files = (values.data ?? []).flatMap((d) => d.split(",")).map((f) => f.trim())
    .filter((f) => f !== "");
  if (files.length === 0) {
    throw new ValidationError(
      "--data",
      "",
      "at least one tape file with --tier replay (e.g. data/real/binance/spot_btcusdt_20240808.gz)",
    );
  }
  const window = typeof values.window === "number"
    ? values.window
    : numberFlag("window", values.window, DEFAULT_WINDOW, 1, 86_400);
  for (const file of files) {
    const bar = createProgress(`loading ${file.split("/").pop()}`, { unit: "KiB" });
    try {
      await loadTapeWithInfo(file, { onProgress: (r, t) => bar.update(r >> 10, t >> 10) });
    } finally {
      bar.stop();
    }
  }
  return { tier: "replay", duration: window, replay: { data: files } };
}
