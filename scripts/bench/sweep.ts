/**
 * Sweep benchmarks (`deno task bench --only sweep`), on a private `redis-server` started on
 * 127.0.0.1 with two `deno task worker` processes (one thread each):
 *
 * - `sweep.jobs_per_s`: throughput of small jobs (one 1-s model-tier episode each, a few
 *   ms of work) through Redis and both workers, coordinator included (it stores every
 *   result durably);
 * - `sweep.local_jobs_per_s`: the same jobs on two local threads, for comparison;
 * - `sweep.overhead_pct`: the extra time per job of the distributed path (enqueue, pick-up,
 *   thread hand-off, result transport, event, durable store) for jobs of about one second,
 *   in percent of the same kind of job run in-process, as in a sweep: several jobs queued
 *   at once on one worker, the wall time less the time the worker's thread spent on them
 *   (measured by the worker on the same jobs, so the machine's noise cancels), per job;
 * - `sweep.roundtrip_overhead_ms`: the same for one job at a time (its round trip less its
 *   time in the thread, median of interleaved runs), where none of the coordinator's round
 *   trips overlap work. Printed beside them: a job's time in a worker thread over
 *   in-process (the same code; expected about 1).
 *
 * Without `redis-server` the Redis cases print why and report NaN.
 *
 * @module
 */
import { findRedisServer, type RedisServer, startRedisServer } from "../_redis.ts";
import { redisBackend } from "../../lib/sweep/distributed.ts";
import { executeJob, type JobPayload } from "../../lib/sweep/execute.ts";
import { localBackend } from "../../lib/sweep/local.ts";
import { type PlannedJob, planSweep, type SweepPlan } from "../../lib/sweep/plan.ts";
import { executePlan, type SweepBackend } from "../../lib/sweep/scheduler.ts";
import { ResultStore } from "../../lib/sweep/store.ts";
import { type BenchCase, median } from "./_types.ts";

const SMALL_JOBS = 300;
const PAIRS = 7;
const WARM = 3;
const QUEUED = 8;

/** Measured by the overhead case, reported by the next one. */
let roundTripMs = NaN;

interface Setup {
  redis: RedisServer;
  workers: Deno.ChildProcess[];
  tmp: string;
}

let setup: Promise<Setup | undefined> | undefined;
const children: Deno.ChildProcess[] = [];
let redisPid: number | undefined;

globalThis.addEventListener("unload", () => {
  for (const c of children) {
    try {
      c.kill("SIGKILL");
    } catch { /* gone */ }
  }
  if (redisPid !== undefined) {
    try {
      Deno.kill(redisPid, "SIGKILL");
    } catch { /* gone */ }
  }
});

/** Seconds each job took inside a worker (its `done KEY in S s` lines). */
const workerSeconds = new Map<string, number>();

/** Reads a worker's output: resolves at its first line matching `re`, then keeps reading. */
async function followWorker(child: Deno.ChildProcess, re: RegExp): Promise<void> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  let ready = false;
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const m = /^done ([0-9a-f]{32}) in ([\d.]+) s/.exec(line);
        if (m) workerSeconds.set(m[1], Number(m[2]));
        if (!ready && re.test(line)) {
          ready = true;
          resolve();
        }
      }
    }
    if (!ready) reject(new Error(`worker exited before ${re}`));
  })();
  return await promise;
}

function start(): Promise<Setup | undefined> {
  setup ??= (async () => {
    const bin = await findRedisServer();
    if (!bin) {
      console.error(
        "sweep: redis-server not found (deno task setup installs it); Redis cases skipped",
      );
      return undefined;
    }
    const redis = await startRedisServer(bin);
    redisPid = redis.pid;
    const workers: Deno.ChildProcess[] = [];
    for (let i = 0; i < 2; i++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "scripts/worker.ts", "--redis", redis.url, "--concurrency", "1"],
        stdout: "piped",
        stderr: "null",
        stdin: "null",
      }).spawn();
      children.push(child);
      workers.push(child);
    }
    for (const w of workers) await followWorker(w, /serving/);
    return { redis, workers, tmp: await Deno.makeTempDir({ prefix: "alpe-bench-sweep-" }) };
  })();
  return setup;
}

async function smallPlan(seed: number): Promise<SweepPlan> {
  return await planSweep({
    seed,
    episodes: SMALL_JOBS,
    chunkSize: 1,
    curvePoints: 0,
    env: { tier: "model", duration: 1 },
    agents: [{ id: "static-spread" }],
  });
}

async function throughput(backend: SweepBackend, plan: SweepPlan, dir: string): Promise<number> {
  const t0 = performance.now();
  const out = await executePlan(plan, new ResultStore(dir), backend);
  const s = (performance.now() - t0) / 1000;
  await backend.close();
  if (out.failures.size) {
    const [key, e] = [...out.failures][0];
    throw new Error(`${out.failures.size} jobs failed, e.g. ${key}: ${e.name}: ${e.message}`);
  }
  return plan.jobs.length / s;
}

function payload(plan: SweepPlan, j: PlannedJob): JobPayload {
  return { key: j.key, code: plan.code, task: j.task, data: j.data, deps: {}, title: j.title };
}

/**
 * Model-tier jobs of about `seconds` each on this machine: the episode duration is scaled
 * from a probe job timed after warm-up (V8 needs a few jobs to compile the step loop).
 */
async function secondJobs(
  seconds: number,
  count: number,
): Promise<{ plan: SweepPlan; jobSeconds: number }> {
  const base = 3_600;
  const probe = await planSweep({
    seed: 1,
    episodes: 4,
    chunkSize: 1,
    curvePoints: 0,
    env: { tier: "model", duration: base },
    agents: [{ id: "glft" }],
  });
  const times: number[] = [];
  for (const j of probe.jobs) {
    const t0 = performance.now();
    await executeJob(payload(probe, j));
    times.push((performance.now() - t0) / 1000);
  }
  const t = Math.min(...times.slice(-2));
  const duration = Math.min(604_800, Math.round((base * seconds) / t));
  const plan = await planSweep({
    seed: 77,
    episodes: count,
    chunkSize: 1,
    curvePoints: 0,
    env: { tier: "model", duration },
    agents: [{ id: "glft" }],
  });
  return { plan, jobSeconds: (t * duration) / base };
}

/** The sweep benchmark cases. */
export const cases: BenchCase[] = [
  {
    name: "sweep.jobs_per_s",
    unit: "jobs/s",
    target: "small jobs, 2 workers via Redis",
    async run() {
      const s = await start();
      if (!s) return NaN;
      const plan = await smallPlan(1);
      const url = s.redis.url;
      return await throughput(
        await redisBackend({ url, code: plan.code }),
        plan,
        `${s.tmp}/small-redis`,
      );
    },
  },
  {
    name: "sweep.local_jobs_per_s",
    unit: "jobs/s",
    target: "same jobs, 2 local threads",
    async run() {
      const plan = await smallPlan(2);
      const dir = await Deno.makeTempDir({ prefix: "alpe-bench-sweep-local-" });
      try {
        return await throughput(localBackend({ threads: 2, code: plan.code }), plan, dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  },
  {
    name: "sweep.overhead_pct",
    unit: "%",
    target: "< 5 (1-s jobs)",
    async run() {
      const s = await start();
      if (!s) return NaN;
      try {
        // One worker, so that the same (warm) thread runs every job sent through Redis.
        s.workers[1].kill("SIGTERM");
        await s.workers[1].status;
        const { plan, jobSeconds } = await secondJobs(1, 2 * (PAIRS + WARM) + QUEUED);
        const backend = await redisBackend({ url: s.redis.url, code: plan.code });
        const store = new ResultStore(`${s.tmp}/overhead`);
        const noop = { onActive() {} };
        const viaRedis = async (j: PlannedJob) => {
          const r = await backend.run(payload(plan, j), noop);
          await store.put(j.key, "eval", r.text);
        };
        const local: number[] = [], remote: number[] = [], remoteKeys: string[] = [];
        // Warm-up pairs, then interleaved pairs: one job in-process, one through Redis.
        for (let i = 0; i < PAIRS + WARM; i++) {
          const a = plan.jobs[2 * i], b = plan.jobs[2 * i + 1];
          let t0 = performance.now();
          JSON.stringify(await executeJob(payload(plan, a)));
          const tl = (performance.now() - t0) / 1000;
          t0 = performance.now();
          await viaRedis(b);
          const tr = (performance.now() - t0) / 1000;
          if (i >= WARM) {
            local.push(tl);
            remote.push(tr);
            remoteKeys.push(b.key);
          }
        }
        // A sweep enqueues many jobs at once: the worker takes the next job as it reports
        // the last, and the coordinator's round trips overlap the work.
        const queued = plan.jobs.slice(2 * (PAIRS + WARM));
        const t0 = performance.now();
        await Promise.all(queued.map(viaRedis));
        const wall = (performance.now() - t0) / 1000;
        await backend.close();
        let inWorker = 0;
        for (const j of queued) inWorker += workerSeconds.get(j.key) ?? NaN;
        const pipelined = (wall - inWorker) / queued.length;

        const ml = median(local);
        // One job at a time: its round trip less its own time in the worker's thread (both
        // measured on the same job, so the machine's noise cancels).
        const single = median(remoteKeys.map((k, i) => remote[i] - (workerSeconds.get(k) ?? NaN)));
        const computeRatio = median(
          remoteKeys.map((k, i) => (workerSeconds.get(k) ?? NaN) / local[i]),
        );
        const load = (await Deno.readTextFile("/proc/loadavg").catch(() => "?")).split(" ")[0];
        console.error(
          `sweep: load average ${load} on ${navigator.hardwareConcurrency} cores; ~${
            jobSeconds.toFixed(2)
          } s jobs, in-process median ${(ml * 1000).toFixed(0)} ms; overhead per job through ` +
            `Redis: ${(pipelined * 1000).toFixed(1)} ms with ${queued.length} jobs queued ` +
            `(wall time less the time in the worker's thread), ${(single * 1000).toFixed(1)} ms ` +
            `for one job at a time (round trip less its time in the thread, median); a job in ` +
            `a worker thread / in-process: ${computeRatio.toFixed(3)} (median of pairs)`,
        );
        roundTripMs = single * 1000;
        return (100 * pipelined) / ml;
      } finally {
        for (const w of s.workers) {
          try {
            w.kill("SIGTERM");
          } catch { /* gone */ }
          await w.status;
        }
        await s.redis.stop();
        redisPid = undefined;
        await Deno.remove(s.tmp, { recursive: true }).catch(() => {});
      }
    },
  },
  {
    name: "sweep.roundtrip_overhead_ms",
    unit: "ms",
    target: "one job at a time",
    run: () => roundTripMs,
  },
];
