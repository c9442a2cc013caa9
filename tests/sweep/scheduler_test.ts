/**
 * The scheduler on fake backends: whatever the order and timing in which jobs finish, the
 * merged result is the same bytes; a failed dependency fails its dependents and nothing
 * else; results are stored as they arrive.
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { executeJob, type JobPayload } from "../../lib/sweep/execute.ts";
import { JobError } from "../../lib/sweep/errors.ts";
import { mergeSweep, sweepReportJson } from "../../lib/sweep/merge.ts";
import { planSweep } from "../../lib/sweep/plan.ts";
import { executePlan, type SweepBackend } from "../../lib/sweep/scheduler.ts";
import { ResultStore } from "../../lib/sweep/store.ts";

const SPEC = {
  seed: 4,
  episodes: 4,
  chunkSize: 2,
  calibrationEpisodes: 2,
  env: { tier: "model", duration: 5 },
  markets: ["default", { name: "b", config: { volatility: 0.04 } }],
  agents: [{ id: "avellaneda-stoikov", tune: true }, { id: "random" }, { id: "static-spread" }],
};

/** Results of every job, computed once in this thread (in dependency order). */
async function computeAll(
  plan: Awaited<ReturnType<typeof planSweep>>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const j of plan.jobs) {
    const payload: JobPayload = {
      key: j.key,
      code: plan.code,
      task: j.task,
      data: j.data,
      deps: Object.fromEntries(j.deps.map((d) => [d, JSON.parse(out.get(d)!)])),
      title: j.title,
    };
    out.set(j.key, JSON.stringify(await executeJob(payload, { code: plan.code })));
  }
  return out;
}

Deno.test("scheduler: any completion order and timing gives the same merged bytes", async () => {
  const plan = await planSweep(SPEC);
  const results = await computeAll(plan);
  const reference = sweepReportJson(
    await mergeSweep(plan, {
      done: new Set(results.keys()),
      failures: new Map(),
      reused: [],
      collected: [],
      computed: [...results.keys()],
      read: (k) => Promise.resolve(JSON.parse(results.get(k)!)),
    }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 8 }), {
        minLength: plan.jobs.length,
        maxLength: plan.jobs.length,
      }),
      async (delays) => {
        const dir = await Deno.makeTempDir();
        try {
          const order = new Map(plan.jobs.map((j, i) => [j.key, delays[i]]));
          const backend: SweepBackend = {
            name: "shuffled",
            async run(p, hooks) {
              hooks.onActive();
              assert.deepEqual(
                Object.keys(p.deps).sort(),
                plan.jobs.find((j) => j.key === p.key)!.deps.slice().sort(),
              );
              await new Promise((r) => setTimeout(r, order.get(p.key)!));
              return { text: results.get(p.key)! };
            },
            close: () => Promise.resolve(),
          };
          const outcome = await executePlan(plan, new ResultStore(dir), backend);
          assert.equal(sweepReportJson(await mergeSweep(plan, outcome)), reference);
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    ),
    { numRuns: 8, seed: 3 },
  );
});

Deno.test("scheduler: a failed dependency fails its dependents only; progress adds up", async () => {
  const plan = await planSweep(SPEC);
  const results = await computeAll(plan);
  const tune = plan.jobs.find((j) => j.task.kind === "tune" && j.title.includes("default"))!;
  const dir = await Deno.makeTempDir();
  try {
    const seen: string[] = [];
    let last = { done: 0, failed: 0, total: 0, running: 0 };
    const backend: SweepBackend = {
      name: "failing",
      run(p, hooks) {
        seen.push(p.key);
        hooks.onActive();
        if (p.key === tune.key) {
          return Promise.reject(
            new JobError({ name: "TypeError", message: "boom", deterministic: true }),
          );
        }
        return Promise.resolve({ text: results.get(p.key)! });
      },
      close: () => Promise.resolve(),
    };
    const outcome = await executePlan(plan, new ResultStore(dir), backend, {
      onProgress: (p) => (last = p),
    });
    const dependents = plan.jobs.filter((j) => j.deps.includes(tune.key)).map((j) => j.key);
    assert.equal(dependents.length, 2);
    assert.deepEqual([...outcome.failures.keys()].sort(), [tune.key, ...dependents].sort());
    for (const d of dependents) {
      assert.equal(outcome.failures.get(d)!.name, "DependencyFailed");
      assert.ok(!seen.includes(d), "a dependent of a failed job is never run");
    }
    assert.equal(outcome.done.size, plan.jobs.length - 3);
    assert.deepEqual(
      { done: last.done, failed: last.failed, total: last.total, running: last.running },
      { done: plan.jobs.length - 3, failed: 3, total: plan.jobs.length, running: 0 },
    );
    const merged = await mergeSweep(plan, outcome);
    const cell = merged.cells.find((c) =>
      c.market === "default" && c.agent === "avellaneda-stoikov"
    )!;
    assert.equal(cell.status, "failed");
    assert.match(cell.error!, /DependencyFailed: tune default\/avellaneda-stoikov .* boom/);
    assert.equal(merged.cells.filter((c) => c.status === "ok").length, merged.cells.length - 1);
    // Every finished job is on disk.
    const store = new ResultStore(dir);
    await store.load();
    assert.equal(store.keys().length, plan.jobs.length - 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
