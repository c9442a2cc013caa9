import assert from "node:assert/strict";
import { JobScheduler } from "../../lib/dashboard/jobs.ts";
import type { JobWorkerIn, JobWorkerOut } from "../../lib/dashboard/protocol.ts";

const ECHO = new URL("./_echo_worker.ts", import.meta.url).href;

function job(id: string, ms: number): JobWorkerIn {
  return { id, job: { ms } } as unknown as JobWorkerIn;
}

Deno.test("JobScheduler: at most maxJobs at once, the rest queued in order, all finish", async () => {
  const s = new JobScheduler(1, ECHO);
  const events: string[] = [];
  const ended: Promise<void>[] = [];
  for (const id of ["a", "b", "c"]) {
    const { promise, resolve } = Promise.withResolvers<void>();
    ended.push(promise);
    s.submit(0, job(id, 30), {
      onMessage: (m: JobWorkerOut) => events.push(`${id}:${m.type}`),
      onQueued: (p) => events.push(`${id}:queued@${p}`),
      onEnd: () => resolve(),
    });
  }
  assert.equal(s.running, 1);
  assert.equal(s.queued, 2);
  await Promise.all(ended);
  assert.equal(s.running + s.queued, 0);
  const order = events.filter((e) => e.endsWith(":done")).map((e) => e[0]);
  assert.deepEqual(order, ["a", "b", "c"]);
  assert.ok(events.includes("c:queued@2"));
});

Deno.test("JobScheduler: cancelling a running job terminates it and starts the next", async () => {
  const s = new JobScheduler(1, ECHO);
  let aEnded = false, aDone = false;
  const b = Promise.withResolvers<void>();
  const ha = s.submit(0, job("a", 10_000), {
    onMessage: (m) => {
      if (m.type === "done") aDone = true;
    },
    onQueued: () => {},
    onEnd: () => (aEnded = true),
  });
  s.submit(0, job("b", 0), { onMessage: () => {}, onQueued: () => {}, onEnd: () => b.resolve() });
  s.cancel(ha);
  assert.ok(aEnded);
  assert.equal(ha.worker, undefined);
  await b.promise;
  assert.ok(!aDone);
  assert.equal(s.running, 0);
});

Deno.test("JobScheduler: cancelling a queued job drops it; cancelAll ends everything", () => {
  const s = new JobScheduler(1, ECHO);
  const noop = { onMessage: () => {}, onQueued: () => {}, onEnd: () => {} };
  s.submit(0, job("a", 10_000), noop);
  const hb = s.submit(0, job("b", 10_000), noop);
  s.cancel(hb);
  assert.equal(hb.state, "ended");
  assert.equal(s.queued, 0);
  s.cancelAll();
  assert.equal(s.running, 0);
});
