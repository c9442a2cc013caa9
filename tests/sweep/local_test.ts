/**
 * Local sweeps: the result does not depend on the thread count; failures are reported
 * after bounded attempts and fail their dependents; PPO trainings run as jobs and are
 * evaluated; a second run reuses everything; an output directory holding other results is
 * refused unless forced.
 */
import assert from "node:assert/strict";
import { ValidationError } from "../../lib/errors.ts";
import { localBackend } from "../../lib/sweep/local.ts";
import { OutputConflictError, runSweep, SWEEP_FILES } from "../../lib/sweep/run.ts";
import { ResultStore } from "../../lib/sweep/store.ts";
import { sweepTablesText } from "../../lib/sweep/report.ts";
import { EXACT_FILES, readFiles } from "./_helpers.ts";

const SPEC = {
  name: "local-test",
  seed: 11,
  episodes: 6,
  chunkSize: 2,
  calibrationEpisodes: 2,
  attempts: 2,
  env: { tier: "model", duration: 15 },
  markets: ["default", { name: "calm", config: { volatility: 0.01 } }],
  agents: [
    { id: "glft", tune: true },
    { id: "random" },
    {
      id: "failing-agent",
      label: "fixture",
      module: "tests/sweep/fixtures/failing_agent.ts",
      grid: { halfSpread: [1, 3] },
    },
  ],
};

async function withTmp(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "alpe-sweep-local-" });
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test("local sweep: the same bytes with 1 or 3 threads; a second run recomputes nothing", async () => {
  await withTmp(async (tmp) => {
    const one = await runSweep({
      spec: SPEC,
      out: `${tmp}/one`,
      backend: () => localBackend({ threads: 1 }),
    });
    await runSweep({
      spec: SPEC,
      out: `${tmp}/three`,
      backend: () => localBackend({ threads: 3 }),
    });
    assert.equal(one.outcome.failures.size, 0);
    assert.equal(one.outcome.computed.length, one.plan.jobs.length);
    assert.deepEqual(
      await readFiles(`${tmp}/three/result`, EXACT_FILES),
      await readFiles(`${tmp}/one/result`, EXACT_FILES),
    );
    // Module agents ran, with their grid.
    const labels = one.result.cells.map((c) => c.agent);
    assert.ok(labels.includes("fixture[halfSpread=3]"));

    const stat = async () =>
      Object.fromEntries(
        await Promise.all(
          one.plan.jobs.map(async (
            j,
          ) => [j.key, (await Deno.stat(`${tmp}/one/jobs/${j.key}.json`)).mtime?.getTime()]),
        ),
      );
    const before = await stat();
    const again = await runSweep({
      spec: SPEC,
      out: `${tmp}/one`,
      backend: () => localBackend({ threads: 2 }),
    });
    assert.equal(again.outcome.computed.length, 0);
    assert.equal(again.outcome.reused.length, one.plan.jobs.length);
    assert.deepEqual(await stat(), before, "no stored job was rewritten");
    assert.deepEqual(
      await readFiles(`${tmp}/one/result`, EXACT_FILES),
      await readFiles(`${tmp}/three/result`, EXACT_FILES),
    );
    const runs = (await Deno.readTextFile(`${tmp}/one/${SWEEP_FILES.runs}`)).trim().split("\n").map(
      (l) => JSON.parse(l),
    );
    assert.deepEqual(runs.map((r) => r.computed), [one.plan.jobs.length, 0]);
  });
});

Deno.test("local sweep: a failing job is reported after its attempts; its dependents fail; the rest finish", async () => {
  await withTmp(async (tmp) => {
    const logs: string[] = [];
    const spec = {
      ...SPEC,
      name: "failing",
      agents: [
        { id: "glft", tune: true, params: { gamma: -1 } }, // valid at planning? no: rejected below
      ],
    };
    await assert.rejects(
      runSweep({ spec, out: `${tmp}/bad`, backend: () => localBackend({ threads: 1 }) }),
      ValidationError,
    );

    const failing = {
      ...SPEC,
      name: "failing",
      markets: ["default"],
      agents: [
        { id: "static-spread" },
        {
          id: "failing-agent",
          label: "broken",
          module: "tests/sweep/fixtures/failing_agent.ts",
          params: { failAfter: 3 },
        },
      ],
    };
    const run = await runSweep({
      spec: failing,
      out: `${tmp}/fail`,
      backend: (p) => localBackend({ threads: 2, attempts: p.spec.attempts }),
      log: (l) => logs.push(l),
    });
    const broken = run.result.cells.find((c) => c.agent === "broken")!;
    assert.equal(broken.status, "failed");
    assert.match(broken.error!, /deliberate failure after 3 steps/);
    assert.equal(run.result.cells.find((c) => c.agent === "static-spread")!.status, "ok");
    assert.equal(run.outcome.failures.size, 3); // 6 episodes in chunks of 2
    // Non-deterministic errors are retried: attempts = 2.
    assert.equal(logs.filter((l) => l.startsWith("retrying eval default/broken")).length, 3);
    const report = JSON.parse(await Deno.readTextFile(`${tmp}/fail/result/results.json`));
    assert.equal(report.failures.length, 3);
    assert.equal(report.cells[1].status, "failed");
    // Failed jobs are not stored: a rerun tries them again (and fails the same way).
    const store = new ResultStore(`${tmp}/fail/jobs`);
    await store.load();
    assert.equal(store.keys().length, 3);
  });
});

Deno.test("local sweep: PPO trained as jobs is evaluated, held out, and exact across thread counts", async () => {
  await withTmp(async (tmp) => {
    const spec = {
      name: "train",
      seed: 2,
      episodes: 4,
      chunkSize: 2,
      env: { tier: "model", duration: 10 },
      markets: ["default", { name: "volatile", config: { volatility: 0.05 } }],
      agents: [
        { id: "static-spread" },
        {
          id: "ppo",
          train: {
            seeds: [1, 2],
            config: {
              totalTimesteps: 512,
              env: { tier: "model", duration: 10 },
              curriculum: { enabled: false },
              residual: { enabled: false },
              ppo: { numEnvs: 4, nSteps: 64, minibatchSize: 64, epochs: 2 },
            },
          },
        },
      ],
    };
    const a = await runSweep({
      spec,
      out: `${tmp}/a`,
      backend: () => localBackend({ threads: 2 }),
    });
    assert.equal(
      a.outcome.failures.size,
      0,
      [...a.outcome.failures.values()].map((e) => e.message).join("; "),
    );
    assert.equal(a.plan.jobs.filter((j) => j.task.kind === "train").length, 2);
    const ppo = a.result.cells.filter((c) => c.agent.startsWith("ppo"));
    assert.deepEqual(ppo.map((c) => `${c.market}/${c.agent}`), [
      "default/ppo[seed=1]",
      "default/ppo[seed=2]",
      "volatile/ppo[seed=1]",
      "volatile/ppo[seed=2]",
    ]);
    // Root seed 2 evaluates on childSeed(2, e); the model trained with seed 2 reset its envs
    // with childSeed(2, 1 + k): three of the four evaluation seeds. The check says so.
    assert.deepEqual(ppo.map((c) => c.heldOut?.evaluationSeedsSeenInTraining), [0, 3, 0, 3]);
    assert.match(
      sweepTablesText(a.result),
      /ppo\[seed=2\] in default: 3 of 4 evaluation seeds were used in its training/,
    );
    assert.equal(a.result.training.length, 2);
    assert.ok(a.result.training.every((t) => t.log.length === 2)); // 512 / (4 × 64) updates
    await runSweep({
      spec,
      out: `${tmp}/b`,
      backend: () => localBackend({ threads: 1 }),
    });
    assert.deepEqual(
      await readFiles(`${tmp}/b/result`, EXACT_FILES),
      await readFiles(`${tmp}/a/result`, EXACT_FILES),
    );
    // The trained models themselves are the same bytes.
    for (const j of a.plan.jobs.filter((j) => j.task.kind === "train")) {
      assert.equal(
        await Deno.readTextFile(`${tmp}/b/jobs/${j.key}.json`),
        await Deno.readTextFile(`${tmp}/a/jobs/${j.key}.json`),
      );
    }
  });
});

Deno.test("local sweep: an output directory holding other results is refused unless forced", async () => {
  await withTmp(async (tmp) => {
    const small = { ...SPEC, markets: ["default"], agents: [{ id: "static-spread" }] };
    const out = `${tmp}/out`;
    await runSweep({ spec: small, out, backend: () => localBackend({ threads: 1 }) });
    const other = { ...small, seed: 12 };
    await assert.rejects(
      runSweep({ spec: other, out, backend: () => localBackend({ threads: 1 }) }),
      (e) =>
        e instanceof OutputConflictError && /holds the results of another sweep/.test(e.message),
    );
    const held = await Deno.readTextFile(`${out}/result/results.json`);
    assert.equal(JSON.parse(held).spec.seed, 11, "the refused run left the results alone");
    const forced = await runSweep({
      spec: other,
      out,
      force: true,
      backend: () => localBackend({ threads: 1 }),
    });
    assert.equal(JSON.parse(await Deno.readTextFile(`${out}/result/results.json`)).spec.seed, 12);
    assert.equal(forced.outcome.computed.length, forced.plan.jobs.length);
    // A directory that is not a sweep's, and a file.
    await Deno.mkdir(`${tmp}/mine`);
    await Deno.writeTextFile(`${tmp}/mine/notes.txt`, "mine");
    await assert.rejects(
      runSweep({ spec: small, out: `${tmp}/mine`, backend: () => localBackend({ threads: 1 }) }),
      /does not hold a sweep/,
    );
    await assert.rejects(
      runSweep({
        spec: small,
        out: `${tmp}/mine/notes.txt`,
        backend: () => localBackend({ threads: 1 }),
      }),
      /is a file/,
    );
    assert.equal(await Deno.readTextFile(`${tmp}/mine/notes.txt`), "mine");
    // Another live sweep holds the lock.
    await Deno.writeTextFile(
      `${out}/${SWEEP_FILES.lock}`,
      JSON.stringify({ pid: Deno.pid, host: (await import("node:os")).hostname() }),
    );
    await assert.rejects(
      runSweep({ spec: other, out, backend: () => localBackend({ threads: 1 }) }),
      /in use by another sweep/,
    );
  });
});
