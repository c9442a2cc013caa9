/**
 * Worker entry point of `runRealismSeedsOn` (`realism_seeds.ts`): runs one realism seed per request
 * (`runRealism` on the records it is sent) and replies with its verdicts. Started as
 * `new Worker(new URL("./realism_worker.ts", import.meta.url).href, { type: "module" })`.
 *
 * @module
 */
import { runRealism } from "./realism.ts";
import type { RealismSeedRequest } from "./realism_seeds.ts";
import { serveTasks } from "./threads.ts";

serveTasks((r: RealismSeedRequest) =>
  runRealism(r.config, [], { ...r.options, seed: r.seed, real: r.real }).result
);
