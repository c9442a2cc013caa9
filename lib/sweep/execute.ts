/**
 * Runs one sweep job wherever it is: in a thread of this machine's pool or in a BullMQ
 * worker on another machine. The same function runs everywhere, on the job's content
 * only, so a result does not depend on where or when it was computed. Before running, it
 * checks the code version and the digests of the files the job reads against this
 * checkout's.
 *
 * @module
 */
import { CheckpointError, ValidationError } from "../errors.ts";
import { isAgentId } from "../agents/registry.ts";
import {
  type MarketCalibration,
  tuneAgents,
  type TunedAgentParams,
} from "../backtest/fair_params.ts";
import { runJob } from "../backtest/job.ts";
import type { AgentSpec, BacktestJob, JobResult } from "../backtest/types.ts";
import type { EnvConfig } from "../env/config.ts";
import { base64ToBytes, bytesToBase64, decodeValue, type Encoded, encodeValue } from "../codec.ts";
import { importAgentModule, moduleUrl, type SweepTask, type TrainTask } from "./plan.ts";
import { checkDataDigests, codeVersion } from "./version.ts";

/** Everything a worker needs to run a job: the job and its dependencies' results. */
export interface JobPayload {
  /** The job's key. */
  key: string;
  /** Code version the job was planned with. */
  code: string;
  /** What to compute. */
  task: SweepTask;
  /** Digests of the files it reads. */
  data: Record<string, string>;
  /** Encoded results of the jobs it depends on, by key. */
  deps: Record<string, Encoded>;
  /** A short description for logs. */
  title: string;
}

/**
 * Result of an evaluation job (one chunk of episodes): the backtest job's result (metrics,
 * equity curves, inventory counts, step Sharpe, return moments) without its plan index.
 */
export type EvalResult = Omit<JobResult, "index" | "records">;

/** Result of a tune job: the agent's tuned parameters and the market calibration. */
export interface TuneResult extends TunedAgentParams {
  /** The calibrated A, k, σ (null when the agent does not take them). */
  calibration: MarketCalibration | null;
}

/** One line of a training log (the deterministic fields of `TrainProgress`). */
export interface TrainLogEntry {
  /** Updates done. */
  update: number;
  /** Environment steps done. */
  timesteps: number;
  /** Curriculum stage. */
  stage: string;
  /** Mean raw reward sum of the last finished episode batch (NaN before). */
  episodeReturn: number;
  /** Mean final P&L of the last finished episode batch, dollars (NaN before). */
  episodePnl: number;
}

/** Result of a train job: the model's checkpoint files and its training log. */
export interface TrainResult {
  /** Checkpoint files by name, base64 (`checkpoint.json` without its `savedAt` time). */
  files: Record<string, string>;
  /** One entry per update. */
  log: TrainLogEntry[];
}

/** Options of {@linkcode executeJob}. */
export interface ExecuteJobOptions {
  /** Directory for materialized models (default `out/.sweep-cache`). */
  cacheDir?: string;
  /** Code version of this checkout (default: computed). */
  code?: string;
}

/** Default cache directory of materialized models, from the working directory. */
export const DEFAULT_MODEL_CACHE_DIR = "out/.sweep-cache";

/** A job was planned with another code version than this checkout's. */
export class CodeMismatchError extends CheckpointError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "CodeMismatchError";
  }
}

/**
 * Runs `payload` and returns its encoded result (see `codec.ts`). Throws
 * `CodeMismatchError` / `DataMismatchError` when this checkout's code or data differ from
 * the job's, and whatever the job throws otherwise.
 */
export async function executeJob(
  payload: JobPayload,
  options: ExecuteJobOptions = {},
): Promise<Encoded> {
  const code = options.code ?? await codeVersion();
  if (payload.code !== code) {
    throw new CodeMismatchError(
      `job ${payload.key} was planned with code version ${payload.code.slice(0, 12)}…, this ` +
        `checkout is ${code.slice(0, 12)}… (check out the same commit on every machine)`,
    );
  }
  await checkDataDigests(payload.data);
  const task = payload.task;
  switch (task.kind) {
    case "tune":
      return encodeValue(await runTune(task.config, task.seeds, task.agent, task.module));
    case "train":
      return encodeValue(await runTrain(task));
    case "eval":
      return encodeValue(await runEval(payload, options.cacheDir ?? DEFAULT_MODEL_CACHE_DIR));
  }
}

async function runTune(
  config: EnvConfig,
  seeds: number[],
  agent: string,
  module?: string,
): Promise<TuneResult> {
  if (module && !isAgentId(agent)) await importAgentModule(module);
  const fair = await tuneAgents(config, seeds, [agent], { workers: 0 });
  const t = fair.agents[agent];
  if (!t) throw new ValidationError("tune", agent, "an agent with a tuning declaration");
  return { ...t, calibration: fair.calibration };
}

async function runTrain(task: TrainTask): Promise<TrainResult> {
  const { PpoTrainer } = await import("../rl/trainer.ts");
  const { saveCheckpoint } = await import("../rl/checkpoint.ts");
  const log: TrainLogEntry[] = [];
  const trainer = await PpoTrainer.create(structuredClone(task.config), {
    // `tuneBaseAgent` of lib/backtest, on this thread (a sweep thread starts no workers).
    tuneBase: async (config, seeds, agent) => {
      const p = (await runTune(config, [...seeds], agent)).params;
      if (!(p.gamma > 0) || !(p.A > 0) || !(p.k > 0) || !(p.sigma > 0)) {
        throw new ValidationError("residual.base", agent, "an agent tuned over γ with A, k, σ");
      }
      return { gamma: p.gamma, A: p.A, k: p.k, sigma: p.sigma };
    },
    onUpdate: (p) =>
      log.push({
        update: p.update,
        timesteps: p.timesteps,
        stage: p.stage,
        episodeReturn: p.episodeReturn,
        episodePnl: p.episodePnl,
      }),
  });
  const dir = await Deno.makeTempDir({ prefix: "alpe-sweep-train-" });
  try {
    await trainer.train();
    await saveCheckpoint(dir, await trainer.state());
    const files: Record<string, string> = {};
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) if (e.isFile) names.push(e.name);
    for (const name of names.sort()) {
      let bytes = await Deno.readFile(`${dir}/${name}`);
      if (name === "checkpoint.json") {
        // The save time is the only part of a checkpoint that differs between two runs.
        const rec = JSON.parse(new TextDecoder().decode(bytes));
        delete rec.savedAt;
        bytes = new TextEncoder().encode(JSON.stringify(rec, null, 1));
      }
      files[name] = bytesToBase64(bytes);
    }
    return { files, log };
  } finally {
    trainer.dispose();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function runEval(payload: JobPayload, cacheDir: string): Promise<EvalResult> {
  const task = payload.task;
  if (task.kind !== "eval") throw new TypeError("not an eval task");
  const a = task.agent;
  let params = a.params;
  if (a.tune) {
    const tuned = decodeValue(payload.deps[a.tune]) as TuneResult | undefined;
    if (!tuned) throw new TypeError(`job ${payload.key}: missing result of tune job ${a.tune}`);
    params = { ...tuned.params, ...a.params };
  }
  let spec: AgentSpec = { id: a.id, params };
  if (a.modelDir || a.model) {
    let dir = a.modelDir;
    if (a.model) {
      const trained = decodeValue(payload.deps[a.model]) as TrainResult | undefined;
      if (!trained) {
        throw new TypeError(`job ${payload.key}: missing result of train job ${a.model}`);
      }
      dir = await materializeModel(`${cacheDir}/models/${a.model}`, trained.files);
    }
    spec = { id: a.id, params: { dir } };
  }
  if (a.module) spec.module = moduleUrl(a.module);
  const job: BacktestJob = {
    index: 0,
    agentIndex: 0,
    chunk: 0,
    firstEpisode: 0,
    config: task.config,
    agent: spec,
    seeds: task.seeds,
    agentSeed: task.agentSeed,
    summary: task.summary,
    curvePoints: task.curvePoints,
    recordSteps: false,
  };
  const { index: _index, records: _records, ...result } = await runJob(job);
  return result;
}

/**
 * Writes a trained model's files into `dir` once (a temporary directory renamed into
 * place, so a half-written model is never seen) and returns `dir`.
 */
export async function materializeModel(
  dir: string,
  files: Readonly<Record<string, string>>,
): Promise<string> {
  try {
    if ((await Deno.stat(`${dir}/checkpoint.json`)).isFile) return dir;
  } catch { /* not there yet */ }
  const parent = dir.slice(0, dir.lastIndexOf("/"));
  await Deno.mkdir(parent, { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: parent, prefix: ".tmp-model-" });
  try {
    for (const [name, b64] of Object.entries(files)) {
      if (!/^[\w.-]+$/.test(name)) {
        throw new TypeError(`bad model file name ${JSON.stringify(name)}`);
      }
      await Deno.writeFile(`${tmp}/${name}`, base64ToBytes(b64));
    }
    await Deno.rename(tmp, dir);
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    // Another thread or process put the same model there first: identical content.
    if (!(await exists(`${dir}/checkpoint.json`))) throw err;
  }
  return dir;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
