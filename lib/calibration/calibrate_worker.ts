/**
 * Worker entry point of `calibrateTapesOn` (`calibrate.ts`): runs one calibration start per
 * request (`runStart`: the calibration on its seed, and its comparison figures) and replies
 * with its outcome. Started as
 * `new Worker(new URL("./calibrate_worker.ts", import.meta.url).href, { type: "module" })`.
 *
 * @module
 */
import { runStart } from "./calibrate.ts";
import { serveTasks } from "./threads.ts";

serveTasks(runStart);
