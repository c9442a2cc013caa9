/**
 * Runs one {@linkcode BacktestJob}: one agent over a chunk of episodes as one batch
 * VecEnv (one `act` call per step for the whole batch), recorded with the
 * `EpisodeRecorder` and summarized per episode. The same function runs in a worker and
 * in-process, so results do not depend on where a job ran.
 *
 * @module
 */
import { makeVecEnv } from "../env/make.ts";
import { EpisodeRecorder } from "../env/recorder.ts";
import { ACT_DIM } from "../env/types.ts";
import {
  episodeReturns,
  MOMENTS_STRIDE,
  packMoments,
  returnMoments,
  summarizeEpisode,
} from "../analytics/mod.ts";
import { rollout } from "../agents/rollout.ts";
import { createAgentFromSpec } from "./agent_spec.ts";
import type { BacktestJob, JobResult } from "./types.ts";

/**
 * Runs `job` and returns the per-episode metrics, the sampled equity curves and the
 * inventory histogram (and the full records when `job.recordSteps`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runJob } from "./job.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * const r = await runJob({
 *   index: 0, agentIndex: 0, chunk: 0, firstEpisode: 0,
 *   config: parseEnvConfig({ tier: "model", duration: 10 }),
 *   agent: { id: "static-spread" }, seeds: [1, 2], agentSeed: 7,
 *   summary: { capitalBase: 500_000, period: 1, impactWeight: 1 },
 *   curvePoints: 10, recordSteps: false,
 * });
 * assert.equal(r.metrics.length, 2); // one per seed
 * ```
 */
export async function runJob(job: BacktestJob): Promise<JobResult> {
  const n = job.seeds.length;
  const env = makeVecEnv(job.config, n);
  const cfg = env.config;
  const agent = await createAgentFromSpec(job.agent);
  const recorder = new EpisodeRecorder(env);
  const actions = new Float64Array(n * ACT_DIM);
  const maxInv = cfg.maxInventory;
  const inventoryCounts = new Float64Array(2 * maxInv + 1);

  const inv = env.columns.inventory;
  let initialMid = new Float64Array(n);
  rollout(env, agent, job.seeds, {
    agentSeed: job.agentSeed,
    actions,
    onReset: (e) => (initialMid = Float64Array.from(e.columns.mid)),
    onStep: (e) => {
      recorder.record(e);
      for (let i = 0; i < n; i++) {
        let q = Math.round(inv[i]);
        q = q < -maxInv ? -maxInv : q > maxInv ? maxInv : q;
        if (q === q) inventoryCounts[q + maxInv]++;
      }
    },
  });

  const records = recorder.episodes(job.seeds, job.agent.id);
  const metrics = records.map((rec, i) =>
    summarizeEpisode(rec, {
      capitalBase: job.summary.capitalBase,
      period: job.summary.period,
      impactWeight: job.summary.impactWeight,
      initialMid: Number.isFinite(initialMid[i]) ? initialMid[i] : cfg.initialPrice,
    })
  );

  const steps = recorder.steps;
  const points = Math.min(job.curvePoints, steps);
  const curves = new Float64Array(n * points);
  const curveTime = new Float64Array(points);
  for (let j = 0; j < points; j++) {
    const t = Math.round(((j + 1) * steps) / points) - 1;
    curveTime[j] = (t + 1) * cfg.dt;
    for (let i = 0; i < n; i++) curves[i * points + j] = records[i].pnl[t];
  }
  const moments = new Float64Array(n * MOMENTS_STRIDE);
  records.forEach((rec, i) => {
    const series = episodeReturns(rec, {
      capitalBase: job.summary.capitalBase,
      period: job.summary.period,
    });
    packMoments(returnMoments(series.returns), moments, i);
  });
  const result: JobResult = {
    index: job.index,
    metrics,
    curves,
    curveTime,
    inventoryCounts,
    moments,
  };
  if (job.recordSteps) result.records = records;
  if (job.chunk === 0 && records.length > 0) result.sample = records[0];
  return result;
}
