/**
 * Parameter and market sweeps — agents × parameters × markets × seeds × PPO trainings —
 * on this machine's threads or on any number of machines through BullMQ on Redis, with a
 * result that is the same bytes however the jobs ran.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localBackend, runSweep, sweepTablesText } from "./mod.ts";
 * const out = await Deno.makeTempDir(); // e.g. out/sweeps/demo
 * const run = await runSweep({
 *   spec: {
 *     episodes: 2, // 20 or more for a real comparison
 *     calibrationEpisodes: 2,
 *     env: { tier: "model", duration: 10 },
 *     agents: [{ id: "glft", tune: true }, { id: "static-spread" }],
 *   },
 *   out,
 *   backend: () => localBackend({ threads: 2 }),
 * });
 * assert.equal(run.outcome.failures.size, 0);
 * assert.match(sweepTablesText(run.result), /^glft +\d/m); // one table row per agent
 * assert.ok(run.written.includes(`${out}/result/report.html`));
 * await Deno.remove(out, { recursive: true });
 * ```
 *
 * @module
 */
export * from "./spec.ts";
export * from "./markets.ts";
export * from "./hash.ts";
export * from "../codec.ts";
export * from "./version.ts";
export * from "./plan.ts";
export * from "./errors.ts";
export * from "./execute.ts";
export * from "./threads.ts";
export * from "./store.ts";
export * from "./scheduler.ts";
export * from "./local.ts";
export * from "./redis.ts";
export * from "./distributed.ts";
export * from "./worker.ts";
export * from "./merge.ts";
export * from "./report.ts";
export * from "./progress.ts";
export * from "./run.ts";
