/** A job refuses to run on another code version or with other data; module agents are data. */
import assert from "node:assert/strict";
import { CodeMismatchError, executeJob } from "../../lib/sweep/execute.ts";
import { jobErrorInfo } from "../../lib/sweep/errors.ts";
import { planSweep } from "../../lib/sweep/plan.ts";
import { codeVersion, DataMismatchError } from "../../lib/sweep/version.ts";

Deno.test("executeJob: other code or other data is refused, and retried elsewhere (not deterministic)", async () => {
  // Module paths are relative to the project root: the copy lives under out/.
  await Deno.mkdir("out", { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: "out", prefix: "sweep-exec-" });
  try {
    const module = `${tmp}/agent.ts`;
    await Deno.copyFile("tests/sweep/fixtures/failing_agent.ts", module);
    // The copy imports relative to tests/sweep/fixtures: rewrite its imports for out/<tmp>.
    const text = (await Deno.readTextFile(module)).replaceAll("../../../lib/", "../../lib/");
    await Deno.writeTextFile(module, text);
    const spec = {
      episodes: 2,
      chunkSize: 2,
      env: { tier: "model", duration: 5 },
      agents: [{ id: "failing-agent", module }],
    };
    const plan = await planSweep(spec);
    const job = plan.jobs[0];
    assert.deepEqual(Object.keys(job.data), [module]);
    const payload = {
      key: job.key,
      code: plan.code,
      task: job.task,
      data: job.data,
      deps: {},
      title: job.title,
    };
    const ok = await executeJob(payload);
    assert.ok(ok && typeof ok === "object");

    await assert.rejects(executeJob({ ...payload, code: "0".repeat(64) }), CodeMismatchError);
    assert.equal(plan.code, await codeVersion());

    // The module changes on this machine: the job is refused, and its key would differ.
    await Deno.writeTextFile(module, text + "\n// edited\n");
    const err = await executeJob(payload).then(() => undefined, (e) => e);
    assert.ok(err instanceof DataMismatchError, String(err));
    assert.match(err.message, /agent\.ts differs on this machine/);
    assert.equal(jobErrorInfo(err).deterministic, false);
    const replanned = await planSweep(spec);
    assert.notEqual(replanned.jobs[0].key, job.key);
    await Deno.remove(module);
    await assert.rejects(executeJob(payload), /is missing on this machine/);
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
});
