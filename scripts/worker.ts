/**
 * `deno task worker --redis URL [--concurrency N]`: runs sweep jobs from the Redis that a
 * `deno task sweep --redis URL` enqueued them on, on any machine that can reach it with
 * this project checked out at the same commit (a worker only serves the queue of its own
 * code version, and checks each job's data files against its own). Runs until stopped:
 * SIGINT or SIGTERM finishes the running jobs and exits; a second signal abandons them
 * (another worker takes them over once their locks expire).
 *
 * Prints one line per job: `start KEY …`, `done KEY in S s`, `fail KEY …`.
 *
 * @module
 */
import { ValidationError } from "../lib/errors.ts";
import { cores } from "../lib/sweep/local.ts";
import { DEFAULT_QUEUE_PREFIX, parseRedisUrl, redactUrl } from "../lib/sweep/redis.ts";
import { MAX_THREADS } from "../lib/sweep/threads.ts";
import { DEFAULT_LOCK_MS, startSweepWorker } from "../lib/sweep/worker.ts";
import { codeVersion } from "../lib/sweep/version.ts";
import { defineCli, flags, runCli, type Values } from "./_cli.ts";

/** The command line of `deno task worker` (exported for the CLI tests). */
export const workerCli = defineCli({
  name: "worker",
  summary: "Runs the sweep jobs that `deno task sweep --redis URL` enqueues, until stopped " +
    "(SIGINT/SIGTERM finish the running jobs; a second signal abandons them).",
  flags: {
    redis: flags.string({
      help: "the Redis of the sweep (redis://host:port[/db], rediss:// for TLS; required)",
      meta: "URL",
    }),
    concurrency: flags.int({
      min: 1,
      max: MAX_THREADS,
      help: "jobs at once, one thread each",
      defaultText: `the cores, ${cores()} here`,
    }),
    queue: flags.string({
      help: `queue name prefix (default ${DEFAULT_QUEUE_PREFIX})`,
      meta: "NAME",
    }),
    "lock-ms": flags.int({
      min: 500,
      max: 3_600_000,
      default: DEFAULT_LOCK_MS,
      help: "job lock duration, ms: a job whose worker died goes to another worker after " +
        "about twice this",
      meta: "MS",
    }),
  },
});

async function main(values: Values<typeof workerCli.spec.flags>): Promise<void> {
  if (values.redis === undefined) {
    throw new ValidationError("--redis", undefined, "a Redis URL redis://host:port");
  }
  const url = parseRedisUrl(values.redis);
  const concurrency = values.concurrency ?? cores();
  const log = (line: string) => console.log(line);
  const worker = await startSweepWorker({
    url,
    concurrency,
    lockMs: values["lock-ms"],
    prefix: values.queue,
    log,
  });
  log(
    `worker ${Deno.pid}: serving ${worker.queue} on ${redactUrl(url)} with ${concurrency} ` +
      `thread(s); code version ${(await codeVersion()).slice(0, 16)}`,
  );
  const { promise: stopped, resolve } = Promise.withResolvers<void>();
  let signals = 0;
  const stop = () => {
    signals++;
    if (signals > 1) {
      // Their locks expire and other workers take them over.
      log(`worker ${Deno.pid}: abandoning running jobs`);
      Deno.exit(1);
    }
    log("stopping: finishing running jobs (signal again to abandon them)");
    worker.close().then(resolve, resolve);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await stopped;
  log(`worker ${Deno.pid}: stopped after ${worker.finished} job(s)`);
  Deno.exit(0);
}

if (import.meta.main) await runCli(workerCli, main);
