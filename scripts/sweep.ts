/**
 * `deno task sweep --spec FILE [--redis URL]`: runs a sweep — agents × parameter grids ×
 * markets × seeds × optional PPO trainings — and writes its merged result (results.json,
 * CSVs, report.html) into `--out`/result.
 *
 * Without `--redis` the jobs run on this machine's threads; with `--redis URL` they are
 * enqueued on a BullMQ queue in that Redis and run by `deno task worker --redis URL` on
 * any machine with the same checkout, while this command waits and collects. Either way
 * the merged result is the same bytes. Finished jobs are stored in `--out`/jobs as they
 * arrive: run the same command again after an interruption and nothing finished is
 * recomputed.
 *
 * Exit codes: 0 every job finished; 1 some jobs failed (the result lists them); 2 bad
 * input, an output directory holding other results, or Redis unreachable.
 *
 * @module
 */
import { ValidationError } from "../lib/errors.ts";
import { cores, localBackend } from "../lib/sweep/local.ts";
import { redisBackend } from "../lib/sweep/distributed.ts";
import { DEFAULT_QUEUE_PREFIX, parseRedisUrl } from "../lib/sweep/redis.ts";
import { sweepProgress } from "../lib/sweep/progress.ts";
import { sweepReportJson } from "../lib/sweep/merge.ts";
import { sweepTablesText } from "../lib/sweep/report.ts";
import { runSweep } from "../lib/sweep/run.ts";
import { MAX_THREADS } from "../lib/sweep/threads.ts";
import { defineCli, flags, runCli, type Values } from "./_cli.ts";

/** The command line of `deno task sweep` (exported for the CLI tests). */
export const sweepCli = defineCli({
  name: "sweep",
  summary: "Runs a sweep spec (JSON; see docs/sweeps.md) on this machine's threads, or with " +
    "--redis on `deno task worker` processes anywhere, and writes the merged result into " +
    "--out/result; finished jobs are kept in --out/jobs and reused when the same command " +
    "runs again.",
  flags: {
    spec: flags.string({ help: "the sweep spec, a JSON file (required)", meta: "FILE" }),
    redis: flags.string({
      help: "distributed mode: enqueue the jobs on this Redis (redis://host:port[/db], " +
        "rediss:// for TLS) and wait for `deno task worker --redis URL` to run them",
      meta: "URL",
    }),
    out: flags.string({
      help: "output directory (default out/sweeps/<spec name>)",
      meta: "DIR",
    }),
    workers: flags.int({
      min: 1,
      max: MAX_THREADS,
      help: "local mode: threads (never changes the results)",
      defaultText: `the cores, ${cores()} here`,
    }),
    queue: flags.string({
      help: `queue name prefix in Redis (default ${DEFAULT_QUEUE_PREFIX})`,
      meta: "NAME",
    }),
    force: flags.boolean({ help: "replace the results of another sweep (or code) in --out" }),
    json: flags.boolean({ help: "print exactly one JSON object (results.json) on stdout" }),
  },
  notes: "Exit codes: 0 every job finished; 1 some jobs failed (the result lists them); 2 bad " +
    "input, an output directory holding other results, or Redis unreachable.",
});

async function main(values: Values<typeof sweepCli.spec.flags>): Promise<void> {
  if (values.spec === undefined) {
    throw new ValidationError("--spec", undefined, "a sweep spec file (JSON)");
  }
  let spec: unknown;
  try {
    spec = JSON.parse(await Deno.readTextFile(values.spec));
  } catch (err) {
    const why = (err as Error).message.split("\n")[0];
    throw new ValidationError("--spec", values.spec, `a readable JSON file (${why})`);
  }
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new ValidationError("--spec", values.spec, "a file holding a JSON object");
  }
  const redis = values.redis === undefined ? undefined : parseRedisUrl(values.redis);
  if (redis && values.workers !== undefined) {
    throw new ValidationError(
      "--workers",
      values.workers,
      "no value with --redis (workers are separate processes)",
    );
  }
  const threads = values.workers ?? cores();
  const log = (line: string) => console.error(line);
  const bar = sweepProgress("sweep");
  let run;
  try {
    run = await runSweep({
      spec,
      out: values.out,
      force: values.force,
      backend: (plan) =>
        redis
          ? redisBackend({
            url: redis,
            code: plan.code,
            attempts: plan.spec.attempts,
            prefix: values.queue,
            log,
          })
          : localBackend({ threads, attempts: plan.spec.attempts, code: plan.code }),
      onProgress: (p) => bar.update(p),
      log,
    });
  } finally {
    bar.stop();
  }
  const o = run.outcome;
  const summary =
    `${run.plan.jobs.length} jobs: ${o.reused.length} reused, ${o.collected.length} ` +
    `collected, ${o.computed.length} computed, ${o.failures.size} failed in ${
      run.seconds.toFixed(1)
    } s`;
  if (values.json) {
    await Deno.stdout.write(new TextEncoder().encode(sweepReportJson(run.result)));
    log(`${summary}; wrote ${run.written.join(", ")}`);
  } else {
    console.log(sweepTablesText(run.result));
    console.log(`\n${summary}.\nWrote ${run.written.join(", ")}.`);
  }
  if (o.failures.size > 0) Deno.exit(1);
}

if (import.meta.main) await runCli(sweepCli, main);
