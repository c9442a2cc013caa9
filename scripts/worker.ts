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
import { intFlag, parseFlags, runMain } from "./_cli.ts";

const OPTIONS = {
  redis: { type: "string" },
  concurrency: { type: "string" },
  queue: { type: "string" },
  "lock-ms": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const ALLOWED = Object.keys(OPTIONS).map((k) => `--${k}`).join(", ");

const HELP = `deno task worker --redis URL [flags]

Runs sweep jobs enqueued by \`deno task sweep --redis URL\` until stopped (SIGINT/SIGTERM).

Flags:
  --redis URL        the Redis of the sweep (redis://host:port[/db], rediss:// for TLS)
  --concurrency N    jobs at once, one thread each, 1-${MAX_THREADS} (default: the cores, ${cores()} here)
  --queue NAME       queue name prefix (default ${DEFAULT_QUEUE_PREFIX})
  --lock-ms MS       job lock duration, 500-3600000 (default ${DEFAULT_LOCK_MS}); a job whose
                     worker died goes to another worker after about twice this
  -h, --help         this help
`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, OPTIONS, ALLOWED);
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.redis === undefined) {
    throw new ValidationError("--redis", undefined, "a Redis URL redis://host:port");
  }
  const url = parseRedisUrl(values.redis);
  const concurrency = intFlag("concurrency", values.concurrency, cores(), 1, MAX_THREADS);
  const lockMs = intFlag("lock-ms", values["lock-ms"], DEFAULT_LOCK_MS, 500, 3_600_000);
  const log = (line: string) => console.log(line);
  const worker = await startSweepWorker({ url, concurrency, lockMs, prefix: values.queue, log });
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

if (import.meta.main) await runMain(main);
