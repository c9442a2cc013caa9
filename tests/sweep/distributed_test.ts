/**
 * The distributed sweep end to end, on a private `redis-server` (127.0.0.1, a free port):
 * three worker processes, one SIGKILLed in the middle of a job, give the local run's
 * result byte for byte; a job that fails every attempt is reported without stalling the
 * sweep; a restarted coordinator recomputes nothing; a worker of another code version
 * takes no job and is reported. Skipped, with a message, where `redis-server` is missing
 * (`deno task setup` installs Debian's package as root).
 */
import assert from "node:assert/strict";
import { findRedisServer, type RedisServer, startRedisServer } from "../../scripts/_redis.ts";
import { localBackend } from "../../lib/sweep/local.ts";
import { redisBackend } from "../../lib/sweep/distributed.ts";
import { runSweep } from "../../lib/sweep/run.ts";
import { queueName } from "../../lib/sweep/redis.ts";
import { startSweepWorker } from "../../lib/sweep/worker.ts";
import { EXACT_FILES, readFiles, type Spawned, spawnScript } from "./_helpers.ts";

const REDIS = await findRedisServer();
if (!REDIS) {
  console.warn(
    "SKIPPED distributed sweep tests: redis-server not found (run `deno task setup` as root on " +
      "Debian to install it, or set REDIS_SERVER to its path)",
  );
}

/** Model-tier jobs of about half a second each, a tuned agent (a dependency) and a job that always fails. */
const SPEC = {
  name: "dist-test",
  seed: 3,
  episodes: 8,
  chunkSize: 4,
  calibrationEpisodes: 2,
  attempts: 2,
  curvePoints: 20,
  env: { tier: "model", duration: 1500 },
  markets: ["default", { name: "volatile", config: { volatility: 0.06 } }],
  agents: [
    { id: "avellaneda-stoikov", tune: true },
    { id: "glft", grid: { gamma: [0.2, 2] } },
    { id: "random" },
    {
      id: "failing-agent",
      label: "broken",
      module: "tests/sweep/fixtures/failing_agent.ts",
      params: { failAfter: 5 },
    },
    {
      // a quoting agent whose jobs take ~1.5 s (15,000 steps × 100 µs): the one worker 1 is
      // killed in, so that the kill always lands mid-job, however late the test reads its log
      id: "failing-agent",
      label: "slow",
      module: "tests/sweep/fixtures/failing_agent.ts",
      params: { slowMicrosPerStep: 100 },
    },
  ],
};

Deno.test({
  name:
    "sweep: 3 workers, one SIGKILLed mid-job: the local run's bytes; failures reported; restart recomputes nothing",
  ignore: !REDIS,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "alpe-sweep-dist-" });
    const started: Spawned[] = [];
    let redis: RedisServer | undefined;
    try {
      redis = await startRedisServer(REDIS!);
      const specPath = `${tmp}/spec.json`;
      await Deno.writeTextFile(specPath, JSON.stringify(SPEC));

      // The reference: the same spec on this machine's threads.
      const local = await runSweep({
        spec: SPEC,
        out: `${tmp}/local`,
        backend: (p) => localBackend({ threads: 2, attempts: p.spec.attempts }),
      });
      assert.equal(
        local.outcome.failures.size,
        4,
        "the broken agent fails its 2 chunks in each of 2 markets",
      );
      const total = local.plan.jobs.length;

      // Three workers; the first is SIGKILLed as soon as it starts an evaluation job of the slow
      // agent (it would finish a fast job before the kill lands on a loaded machine).
      const workerArgs = ["--redis", redis.url, "--concurrency", "1", "--lock-ms", "2500"];
      let killedKey: string | undefined;
      const w1 = spawnScript("scripts/worker.ts", workerArgs, (line) => {
        const m = /^start ([0-9a-f]{32}) eval (default|volatile)\/slow\b/.exec(line);
        if (m && !killedKey) {
          killedKey = m[1];
          w1.child.kill("SIGKILL");
        }
      });
      started.push(w1);
      const w2 = spawnScript("scripts/worker.ts", workerArgs);
      const w3 = spawnScript("scripts/worker.ts", workerArgs);
      started.push(w2, w3);
      for (const w of started) await w.waitFor(/^worker \d+: serving/);

      const logs: string[] = [];
      const dist = await runSweep({
        spec: SPEC,
        out: `${tmp}/dist`,
        backend: (p) =>
          redisBackend({
            url: redis!.url,
            code: p.code,
            attempts: p.spec.attempts,
            log: (l) => logs.push(l),
            reconcileMs: 1_000,
          }),
        log: (l) => logs.push(l),
      });
      assert.ok(killedKey, "worker 1 was killed in the middle of a job");
      const w1Status = await w1.status;
      assert.equal(w1Status.signal, "SIGKILL");
      assert.ok(
        !w1.lines.some((l) => l.startsWith(`done ${killedKey}`)),
        "the killed job never finished on worker 1",
      );
      const others = [...w2.lines, ...w3.lines];
      assert.ok(
        others.some((l) => l.startsWith(`done ${killedKey}`)),
        "the killed job was retried on another worker",
      );
      assert.ok(
        logs.some((l) => l.includes(killedKey!.slice(0, 12)) && /Stalled/.test(l)),
        `BullMQ's stalled-job check put it back in the queue:\n${logs.join("\n")}`,
      );

      // Byte for byte the local result, failures included.
      assert.deepEqual(
        await readFiles(`${tmp}/dist/result`, EXACT_FILES),
        await readFiles(`${tmp}/local/result`, EXACT_FILES),
      );
      assert.equal(dist.outcome.failures.size, local.outcome.failures.size);
      // Each failing job was tried exactly `attempts` times (BullMQ's record), then reported.
      const { Job, Queue } = await import("npm:bullmq@6.7.0");
      const queue = new Queue(queueName(dist.plan.code), { connection: { url: redis.url } });
      try {
        for (const [key, err] of dist.outcome.failures) {
          assert.match(err.message, /deliberate failure/);
          const job = await Job.fromId(queue, key);
          assert.equal(await job?.getState(), "failed");
          assert.equal(job?.attemptsMade, SPEC.attempts, key);
          assert.match(job?.failedReason ?? "", /^Error: failing-agent: deliberate failure/);
        }
      } finally {
        await queue.close();
      }
      assert.equal(dist.outcome.computed.length + dist.outcome.failures.size, total);

      // The coordinator stopped and started again: everything is reused, nothing recomputed.
      const again = await runSweep({
        spec: SPEC,
        out: `${tmp}/dist`,
        backend: (p) => redisBackend({ url: redis!.url, code: p.code, attempts: p.spec.attempts }),
      });
      assert.equal(again.outcome.computed.length, 0);
      assert.equal(again.outcome.reused.length, total - local.outcome.failures.size);
      assert.deepEqual(
        await readFiles(`${tmp}/dist/result`, EXACT_FILES),
        await readFiles(`${tmp}/local/result`, EXACT_FILES),
      );

      // A fresh output directory: the results finished in Redis are collected, not recomputed.
      const before = others.filter((l) => l.startsWith("done ")).length;
      const collected = await runSweep({
        spec: SPEC,
        out: `${tmp}/dist2`,
        backend: (p) => redisBackend({ url: redis!.url, code: p.code, attempts: p.spec.attempts }),
      });
      assert.equal(collected.outcome.collected.length, total - local.outcome.failures.size);
      assert.equal(collected.outcome.computed.length, 0);
      assert.equal([...w2.lines, ...w3.lines].filter((l) => l.startsWith("done ")).length, before);
      assert.deepEqual(
        await readFiles(`${tmp}/dist2/result`, EXACT_FILES),
        await readFiles(`${tmp}/local/result`, EXACT_FILES),
      );

      // Graceful stop on SIGTERM.
      for (const w of [w2, w3]) {
        w.child.kill("SIGTERM");
        assert.equal((await w.status).code, 0);
        assert.ok(w.lines.some((l) => /stopped after \d+ job/.test(l)));
      }
    } finally {
      for (const s of started) await s.kill();
      await redis?.stop();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "sweep: a worker of another code version takes no job and the coordinator names it",
  ignore: !REDIS,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "alpe-sweep-foreign-" });
    let redis: RedisServer | undefined;
    const workers: { close(force?: boolean): Promise<void>; finished: number }[] = [];
    try {
      redis = await startRedisServer(REDIS!);
      const spec = {
        name: "foreign",
        episodes: 2,
        chunkSize: 2,
        env: { tier: "model", duration: 10 },
        agents: [{ id: "static-spread" }],
      };
      const foreign = await startSweepWorker({
        url: redis.url,
        code: "f".repeat(64),
        lockMs: 1_000,
      });
      workers.push(foreign);
      const logs: string[] = [];
      const run = runSweep({
        spec,
        out: `${tmp}/out`,
        backend: (p) =>
          redisBackend({
            url: redis!.url,
            code: p.code,
            log: (l) => logs.push(l),
            reconcileMs: 200,
          }),
        log: (l) => logs.push(l),
      });
      // Wait until the coordinator has reported the foreign worker, then start a good one.
      for (let i = 0; i < 100 && !logs.some((l) => /other code/.test(l)); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(
        logs.some((l) =>
          /none serves queue .* 1 worker\(s\) run other code \(.*ffffffffffff/.test(l)
        ),
        logs.join("\n"),
      );
      const good = await startSweepWorker({ url: redis.url, lockMs: 1_000 });
      workers.push(good);
      const done = await run;
      assert.equal(done.outcome.computed.length, 1);
      assert.equal(foreign.finished, 0, "the foreign worker ran nothing");
      assert.equal(good.finished, 1);
    } finally {
      for (const w of workers) await w.close(true);
      await redis?.stop();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
