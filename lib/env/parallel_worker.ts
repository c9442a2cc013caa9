/**
 * The worker thread behind each non-local shard of a `ParallelVecEnv`: it receives a
 * `ShardInit` as its `workerData`, builds its shard with `makeVecEnv(config, count, { memory })`
 * over the shared arena, answers `{ ok: true }` (or `{ ok: false, error }`), then serves
 * commands from the control words until told to close. Not meant to be imported.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { makeVecEnv } from "./make.ts";
import {
  allActionsFinite,
  controlWords,
  PARALLEL_CMD,
  reportShardError,
  runShardCommand,
  shardCopies,
  type ShardInit,
  sharedF64,
  sharedShardMemory,
  signalDone,
  stepOrderOfShard,
  waitChange,
} from "./parallel.ts";
import type { VecEnv } from "./types.ts";

/** Serves commands for the shard described by `init` until the close command. */
function serve(init: ShardInit, env: VecEnv): void {
  const ctrl = controlWords(init.control);
  const { start, count, arena } = init;
  const actions = sharedF64(arena, "actions", start, count);
  const seeds = sharedF64(arena, "seeds", start, count);
  const copies = shardCopies(env, arena, start, count);
  let gen = 0; // the generation before the first command (a later read could miss it)
  for (;;) {
    gen = waitChange(ctrl, 0, gen);
    const cmd = Atomics.load(ctrl, 1);
    try {
      const checked = cmd === PARALLEL_CMD.step && init.parallelCheck;
      if (!checked || allActionsFinite(ctrl, init.workers + 1, actions, start)) {
        runShardCommand(cmd, env, actions, seeds, copies);
      }
    } catch (e) {
      reportShardError(init, e);
    }
    signalDone(ctrl, init.workers);
    if (cmd === PARALLEL_CMD.close) break;
  }
}

function main(): void {
  const init = workerData as ShardInit;
  let env: VecEnv;
  try {
    env = makeVecEnv(init.config, init.count, {
      memory: sharedShardMemory(init.arena, init.start, init.count),
      descending: stepOrderOfShard(init.index),
    });
  } catch (err) {
    parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
    return;
  }
  parentPort?.postMessage({ ok: true });
  // Leave the module's evaluation before blocking in the command loop.
  setTimeout(() => serve(init, env), 0);
}

main();
