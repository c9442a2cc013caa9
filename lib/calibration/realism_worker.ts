/**
 * Worker entry point of `runRealismSeedsOn` (`realism_seeds.ts`): runs one realism seed per
 * request (`runSeedRequest`: `runRealism` on the records it is sent) and replies with its
 * verdicts. Started as
 * `new Worker(new URL("./realism_worker.ts", import.meta.url).href, { type: "module" })`.
 *
 * @module
 */
import { runSeedRequest } from "./realism_seeds.ts";
import { serveTasks } from "./threads.ts";

serveTasks(runSeedRequest);
