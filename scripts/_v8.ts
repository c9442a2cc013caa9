/**
 * The V8 flags every ALPE process runs with (`deno.json`'s tasks, the test runner's child
 * processes, the Jupyter kernel).
 *
 * `--no-concurrent-recompilation`: V8 optimizes hot functions on this thread instead of a
 * background one. Measured with deno 2.9.6 (V8 15.0) on our 2-core machine: a worker thread
 * (`node:worker_threads` or a web `Worker`) that runs a long synchronous loop — a
 * ParallelVecEnv shard, a backtest or sweep job — sometimes never receives the code V8
 * compiled for it in the background (`--trace-opt` shows the jobs started and never
 * finished), so it stays on unoptimized code: the model tier's kernel ran 35× slower in a
 * worker in about one run of three, and 1.1–2× slower in others. With this flag it ran at
 * the calling thread's speed in 8 runs of 8. The cost is a pause of a few milliseconds per
 * hot function on the thread that optimizes it. See docs/performance.md.
 *
 * @module
 */

/** The flags, as passed to `--v8-flags=`. */
export const V8_FLAGS = "--no-concurrent-recompilation";

/**
 * `env` with {@linkcode V8_FLAGS} added to `DENO_V8_FLAGS` (kept: the caller's own flags,
 * which come after ours and so win where they conflict).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { V8_FLAGS, withV8Flags } from "./_v8.ts";
 * assert.equal(withV8Flags({}, undefined).DENO_V8_FLAGS, V8_FLAGS);
 * assert.equal(withV8Flags({ A: "1" }, "--foo").DENO_V8_FLAGS, `${V8_FLAGS},--foo`);
 * ```
 */
export function withV8Flags(
  env: Record<string, string>,
  current: string | undefined = Deno.env.get("DENO_V8_FLAGS"),
): Record<string, string> {
  const own = current ? `${V8_FLAGS},${current}` : V8_FLAGS;
  return { ...env, DENO_V8_FLAGS: own };
}
