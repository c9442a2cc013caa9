import assert from "node:assert/strict";
import { jobName, runJobs } from "../../lib/backtest/pool.ts";
import type { BacktestJob, JobResult } from "../../lib/backtest/types.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { decodeValue, encodeValue } from "../../lib/codec.ts";
import type { ProgressStore } from "../../lib/progress_store.ts";

const config = parseEnvConfig({ tier: "model", duration: 10 });
const jobs: BacktestJob[] = [[1, 2], [3, 4], [5, 6], [7, 8]].map((seeds, i) => ({
  index: i,
  agentIndex: 0,
  chunk: i,
  firstEpisode: 2 * i,
  config,
  agent: { id: i % 2 ? "avellaneda-stoikov" : "static-spread" },
  seeds,
  agentSeed: 7,
  summary: { capitalBase: 500_000, period: 1, impactWeight: 1 },
  curvePoints: 5,
  recordSteps: i === 3,
}));

/** A store of the caller's (the interface is all runJobs needs), keeping exact copies. */
function memoryStore(): ProgressStore<JobResult> & { saved: string[]; map: Map<string, string> } {
  const map = new Map<string, string>();
  const saved: string[] = [];
  return {
    map,
    saved,
    load: (name) => {
      const text = map.get(name);
      return text === undefined ? undefined : decodeValue(JSON.parse(text)) as JobResult;
    },
    save: (name, value) => {
      saved.push(name);
      map.set(name, JSON.stringify(encodeValue(value, { sortKeys: false })));
    },
  };
}

Deno.test("runJobs with a progress store: saved jobs are not run again, and the results are those of a run without one", async () => {
  const plain = await runJobs(jobs, 0);
  for (const workers of [0, 2]) {
    const store = memoryStore();
    const first = await runJobs(jobs.slice(0, 2), workers, undefined, store); // stopped after two
    assert.deepEqual(store.saved.sort(), jobs.slice(0, 2).map((j) => jobName(j)!).sort());
    assert.deepEqual(first, plain.slice(0, 2));
    store.saved.length = 0;
    const seen: number[] = [];
    const all = await runJobs(jobs, workers, (r) => seen.push(r.index), store);
    // only the rest ran
    assert.deepEqual(store.saved.sort(), jobs.slice(2).map((j) => jobName(j)!).sort());
    assert.deepEqual(seen.sort(), [0, 1, 2, 3]); // every job reported, loaded ones too
    assert.deepEqual(all, plain);
    assert.ok(all[3].records && all[3].records.length === 2); // full records survive the store
  }
});

Deno.test("jobName: one name per job content; a job that cannot be encoded has none (it always runs)", () => {
  const names = new Set(jobs.map(jobName));
  assert.equal(names.size, jobs.length);
  assert.equal(jobName({ ...jobs[0] }), jobName(jobs[0]));
  assert.notEqual(jobName({ ...jobs[0], agentSeed: 8 }), jobName(jobs[0]));
  const odd = { ...jobs[0], agent: { id: "static-spread", params: { f: new Float32Array(1) } } };
  assert.equal(jobName(odd), undefined);
});
