/**
 * Real market data: loaders for LOBSTER files, Binance raw feeds and a generic CSV format,
 * all producing one normalized event tape in typed-array columns (declared once in
 * `TAPE_COLUMNS`), cached on disk as Arrow IPC; reconstruction checks; summaries; episode
 * windows for the replay tier.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTapeSync, planWindows, summarizeTape } from "./mod.ts";
 * const tape = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz", { cacheDir: null });
 * const s = summarizeTape(tape);
 * assert.ok(s.spreadTicks.share["1"] > 0.9); // a one-tick market
 * assert.ok(planWindows([tape], 60).length >= 4);
 * ```
 *
 * @module
 */
export * from "./tape.ts";
export * from "./errors.ts";
export * from "./decimal.ts";
export * from "./builder.ts";
export * from "./l2_book.ts";
export * from "./book_state.ts";
export * from "./finish.ts";
export * from "./io.ts";
export * from "./lobster.ts";
export * from "./binance.ts";
export * from "./csv.ts";
export * from "./cache.ts";
export * from "./load.ts";
export * from "./inspect.ts";
export * from "./level_index.ts";
export * from "./windows.ts";
export * from "./series.ts";
export * from "./views.ts";
export * from "./settled.ts";
