/**
 * The job worker: runs one dashboard job (comparison, deep analysis, portfolio, training,
 * real data) off the server's main thread and posts its progress and its report blocks.
 * Everything runs in this worker's own thread (backtests with `workers: 0`): a Deno Worker
 * terminated by its parent does not stop the Workers it started itself (measured with Deno
 * 2.9.6: the nested worker kept a core busy), so a job must not start any, or closing its
 * tab would leak work.
 *
 * @module
 */
import { AlpeError, ValidationError } from "../errors.ts";
import { runBacktest } from "../backtest/runner.ts";
import { runCompare } from "../backtest/compare.ts";
import { compareReportBlocks, compareReportIntro } from "../backtest/report.ts";
import { tuneAgents } from "../backtest/fair_params.ts";
import type { AgentSpec } from "../backtest/types.ts";
import { defaultCapitalBase } from "../analytics/mod.ts";
import { PpoTrainer, type TrainProgress } from "../rl/trainer.ts";
import type { MetricsRow } from "../viz/model_figures.ts";
import type { ReportBlock } from "../viz/report_page.ts";
import {
  dashboardTune,
  isTunable,
  resolveSpec,
  type TunedCache,
  tunedKey,
} from "./agent_params.ts";
import { deepAnalysisBlocks } from "./analysis.ts";
import { portfolioBlocks, type PortfolioData } from "./portfolio_view.ts";
import type { JobWorkerIn, JobWorkerOut } from "./protocol.ts";
import { realDataApi } from "./real_data.ts";
import { dashboardTrainConfig, trainingBlocks } from "./training.ts";
import { toWire } from "./wire.ts";

interface WorkerScope {
  postMessage(m: JobWorkerOut): void;
  onmessage: ((e: MessageEvent<JobWorkerIn>) => void) | null;
}
const scope = self as unknown as WorkerScope;

function post(m: JobWorkerOut): void {
  scope.postMessage(m);
}

function blocks(b: readonly ReportBlock[], final: boolean, extra?: unknown): void {
  post({ type: "blocks", blocks: toWire(b), final, extra });
}

const progress = (label: string) => (done: number, total: number) =>
  post({ type: "progress", done, total, label });

/** Tuned parameters of `ids` (from the cache, else tuned here and reported for caching). */
async function tunedFor(j: JobWorkerIn, ids: readonly string[]): Promise<TunedCache> {
  if (j.params !== "tuned") return {};
  const missing = ids.filter((id) => isTunable(id) && !j.tuned[tunedKey(j.config, j.seed, id)]);
  if (missing.length === 0) return j.tuned;
  post({ type: "progress", done: 0, total: 1, label: "tuning on 16 calibration seeds…" });
  const found = await dashboardTune(j.config, j.seed, missing, j.job.episodes ?? 1);
  post({ type: "tuned", tuned: found });
  return { ...j.tuned, ...found };
}

async function compare(j: JobWorkerIn): Promise<void> {
  const run = await runCompare({
    config: j.config,
    episodes: j.job.episodes,
    seed: j.seed,
    agents: j.job.agents,
    workers: 0,
    ppoDir: j.job.ppo,
    realism: j.realism,
    onProgress: progress("episodes"),
    log: (line) => post({ type: "progress", done: 0, total: 0, label: line }),
  });
  const intro: ReportBlock[] = compareReportIntro(run).map((text) => ({ text }));
  blocks([...intro, ...compareReportBlocks(run)], true);
}

async function analysis(j: JobWorkerIn): Promise<void> {
  const tuned = await tunedFor(j, [j.agent.id]);
  const r = resolveSpec(j.agent, tuned[tunedKey(j.config, j.seed, j.agent.id)] ?? null);
  const res = await runBacktest({
    config: j.config,
    agents: [r.spec],
    episodes: j.job.episodes ?? 16,
    seed: j.seed,
    workers: 0,
    recordSteps: true,
    onProgress: progress("episodes"),
  });
  const a = res.agents[0];
  blocks(
    deepAnalysisBlocks({
      agent: j.agentId,
      config: res.config,
      seed: j.seed,
      records: a.records ?? [],
      metrics: a.episodes,
      capitalBase: defaultCapitalBase(res.config),
      paramsNote: r.note,
    }),
    true,
  );
}

async function portfolio(j: JobWorkerIn): Promise<void> {
  const ids = j.job.agents ?? [];
  const tuned = await tunedFor(j, ids);
  const specs: AgentSpec[] = ids.map((id) =>
    id === "ppo"
      ? { id, params: { dir: j.job.ppo } }
      : resolveSpec({ id }, tuned[tunedKey(j.config, j.seed, id)] ?? null).spec
  );
  const res = await runBacktest({
    config: j.config,
    agents: specs,
    episodes: j.job.episodes ?? 32,
    seed: j.seed,
    workers: 0,
    onProgress: progress("episodes"),
  });
  const data: PortfolioData = {
    names: res.agents.map((a) => a.id),
    pnl: res.agents.map((a) => a.episodes.map((m) => m.totalPnl)),
    paths: res.agents.map((a) => a.curves.pnl.map((c) => Array.from(c))),
  };
  blocks(portfolioBlocks(data), true, data);
}

async function train(j: JobWorkerIn): Promise<void> {
  const rows: MetricsRow[] = [];
  const dir = j.outDir!;
  const input = dashboardTrainConfig(j.config, j.job.timesteps ?? 20_480, j.job.envs ?? 16, j.seed);
  post({ type: "progress", done: 0, total: input.totalTimesteps!, label: "setting up…" });
  const trainer = await PpoTrainer.create(input, {
    outDir: `${j.root}/${dir}`,
    onUpdate: (p: TrainProgress) => {
      rows.push({ ...p } as unknown as MetricsRow);
      post({
        type: "progress",
        done: p.timesteps,
        total: input.totalTimesteps!,
        label: "timesteps",
      });
      blocks(trainingBlocks(rows, `Training ${dir}`), false);
    },
    tuneBase: async (cfg, seeds, agent) => {
      post({
        type: "progress",
        done: 0,
        total: input.totalTimesteps!,
        label: `calibrating the residual policy's base (${agent})…`,
      });
      const fair = await tuneAgents(cfg, seeds, [agent], { workers: 0 });
      return fair.agents[agent].params as { gamma: number; A: number; k: number; sigma: number };
    },
  });
  try {
    await trainer.train();
  } finally {
    trainer.dispose();
  }
  blocks(
    [
      {
        text: `Saved to ${dir} (checkpoint, weights and metrics.jsonl). It is now in the agent ` +
          "list of the sidebar.",
      },
      ...trainingBlocks(rows, `Training ${dir}`),
    ],
    true,
    { dir },
  );
}

async function realdata(j: JobWorkerIn): Promise<void> {
  const api = realDataApi(j.root);
  if (j.job.action === "replay") {
    blocks(
      await api.replayBacktest({
        tape: j.job.tape ?? "",
        agents: j.job.agents ?? [],
        windows: j.job.episodes ?? 20,
        config: j.config,
        seed: j.seed,
        ppoDir: j.job.ppo,
      }, progress("windows")),
      true,
    );
  } else {
    post({ type: "progress", done: 0, total: 0, label: "loading the tape…" });
    blocks(
      await api.tapeView({ tape: j.job.tape ?? "", start: 0, seconds: j.config.duration }),
      true,
    );
  }
}

const RUNNERS: Record<JobWorkerIn["kind"], (j: JobWorkerIn) => Promise<void>> = {
  compare,
  analysis,
  portfolio,
  train,
  realdata,
};

scope.onmessage = (e: MessageEvent<JobWorkerIn>) => {
  RUNNERS[e.data.kind](e.data).then(
    () => post({ type: "done" }),
    (err: unknown) => {
      if (err instanceof ValidationError) {
        post({ type: "error", message: err.message, field: err.field });
      } else if (err instanceof AlpeError) {
        post({ type: "error", message: err.message });
      } else {
        const msg = err instanceof Error ? err.message : String(err);
        post({ type: "error", message: `job failed: ${msg}` });
      }
    },
  );
};
