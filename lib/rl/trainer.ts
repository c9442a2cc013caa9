/**
 * The PPO training loop: batched rollouts on a {@linkcode VecEnv} (the policy's forward pass
 * on the generated WebAssembly kernels), GAE, the update ({@linkcode PpoLearner}), linear
 * learning-rate annealing, the curriculum, the training log and durable checkpoints.
 *
 * Seeds: weights are initialized from `Rng("<seed>/ppo/init")`; the action noise and
 * minibatch shuffles of update u come from `Rng("<seed>/ppo/sample/<u>")` and
 * `Rng("<seed>/ppo/shuffle/<u>")`; env i of episode batch b is reset with
 * `childSeed(seed, 1 + b·numEnvs + i)`. Gradients are summed in a fixed order, so a run gives
 * the same bits with any number of threads.
 *
 * Exact resume: a checkpoint holds everything the next update depends on (parameters, Adam,
 * normalizers, counters, the reward scaler's returns and the running episode returns) and the
 * raw actions of the episode batch in progress; resuming resets that batch with its seeds and
 * replays them, so an interrupted and resumed run writes the same bytes as an uninterrupted
 * one. The training log (`metrics.jsonl`) holds only deterministic fields and is truncated back
 * to the checkpoint on resume.
 *
 * Safety: a fresh run refuses a directory that holds a run unless `force` is set; a non-finite
 * loss or gradient aborts the update with a {@linkcode NonFiniteError} that names the last
 * good checkpoint, which is left untouched.
 *
 * @module
 */
import { type EnvConfig, stepsPerEpisode } from "../env/config.ts";
import { makeParallelVecEnv, makeVecEnv } from "../env/make.ts";
import { ACT_DIM, type VecEnv } from "../env/types.ts";
import { CheckpointError, ValidationError } from "../errors.ts";
import { Rng } from "../rng/rng.ts";
import { type ActionBounds, actionBounds, toRawActions } from "./action_map.ts";
import { RolloutBuffer } from "./buffer.ts";
import {
  type CheckpointState,
  hasCheckpoint,
  learningRateAt,
  loadCheckpoint,
  METRICS_FILE,
  networkSpec,
  RUN_FILE,
  saveCheckpoint,
  totalUpdates,
} from "./checkpoint.ts";
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from "./config.ts";
import { stageEnvConfig, stageIndexAt, stageMarketCount, stageName } from "./curriculum.ts";
import { sha256Hex, writeFileDurable } from "./durable.ts";
import { FeatureBuilder } from "./features.ts";
import { NonFiniteError, PpoLearner, type UpdateStats } from "./learner.ts";
import { gaussianLogProb } from "./nn/tasks.ts";
import { initialParameters } from "./params.ts";
import { ResidualActionMap } from "./residual.ts";
import { normalizeRows, RewardScaler, RunningMeanStd } from "./running_stats.ts";
import { episodeSeed, residualCalibrationSeeds } from "./seeds.ts";

/** One line of `metrics.jsonl`: the deterministic part of an update's report. */
export interface MetricsLine extends UpdateStats {
  /** Updates done. */
  update: number;
  /** Updates the run will take in total. */
  totalUpdates: number;
  /** Environment steps done. */
  timesteps: number;
  /** Curriculum stage name. */
  stage: string;
  /** Learning rate of this update. */
  learningRate: number;
  /** Episodes finished so far (per env batch: numEnvs each). */
  episodes: number;
  /** Mean undiscounted (raw) reward sum of the last finished episode batch (NaN before). */
  episodeReturn: number;
  /** Mean final mark-to-market P&L ($) of the last finished episode batch (NaN before). */
  episodePnl: number;
}

/** What one update reports: its log line and its timings (which vary between runs). */
export interface TrainProgress extends MetricsLine {
  /** Timesteps per second of this update (rollout + update). */
  fps: number;
  /** Seconds spent in the rollout. */
  rolloutSeconds: number;
  /** Seconds spent in the update. */
  updateSeconds: number;
}

/** Options of a training run. */
export interface TrainOptions {
  /** Directory for checkpoints and `metrics.jsonl` (none: nothing is written). */
  outDir?: string;
  /** A fresh run may replace a run already in `outDir` (default: refused). */
  force?: boolean;
  /** Called after every update. */
  onUpdate?: (p: TrainProgress) => void;
  /** Called after every checkpoint with its update. */
  onCheckpoint?: (update: number) => void;
  /**
   * Builds the envs of a curriculum stage (default: `makeVecEnv`, or `makeParallelVecEnv`
   * with `envWorkers` > 1); may be async. Every stage's envs are built when the trainer is
   * created and closed (`close()`, when they have one) by `dispose`. Any VecEnv whose results
   * depend only on its seeds and actions works, exact resume included.
   */
  envFactory?: (cfg: EnvConfig, numEnvs: number) => VecEnv | Promise<VecEnv>;
  /**
   * Threads stepping the envs (default 1: this one); more use a `ParallelVecEnv` over shared
   * memory. The results do not depend on it.
   */
  envWorkers?: number;
  /** Stop after this many updates in this call (the run can be continued). */
  maxUpdates?: number;
  /** Threads for the gradients (default: the cores, at most the chunks of a minibatch). */
  threads?: number;
  /**
   * Fair parameters of the residual policy's base agent: calibrates A, k, σ and tunes γ of
   * `agent` in `config` on `seeds` (training-only seeds). Needed only when the residual is
   * enabled and its `params` are not given; `deno task train` passes the backtest's
   * `tuneBaseAgent` (lib/rl does not import the backtest layer).
   */
  tuneBase?: (
    config: EnvConfig,
    seeds: readonly number[],
    agent: "avellaneda-stoikov" | "glft",
  ) => Promise<{ gamma: number; A: number; k: number; sigma: number }>;
}

/** The files of a training run found in `dir` (empty when none or no such directory). */
export async function runFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && RUN_FILE.test(e.name)) out.push(e.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    if (err instanceof Deno.errors.NotADirectory) {
      throw new ValidationError("outDir", dir, "a directory (it is a file)");
    }
    throw err;
  }
  return out.sort();
}

/** The advice of the error for a directory that holds a run (the CLI words it with flags). */
export const RESUME_OR_FORCE = "resume it, or force a fresh run to replace it";

/**
 * Checks, without changing anything, that `dir` can receive a fresh run: a directory path
 * (existing or not) under a writable directory, holding no training run unless `force`.
 * Returns the run files that a forced run will replace. Throws a `ValidationError` naming
 * `outDir`.
 */
export async function checkOutDir(dir: string, force = false): Promise<string[]> {
  if (typeof dir !== "string" || dir.trim() === "") {
    throw new ValidationError("outDir", dir, "a directory path");
  }
  const files = await runFiles(dir);
  if (files.length > 0 && !force) {
    let what = `training files (${files.slice(0, 3).join(", ")})`;
    if (await hasCheckpoint(dir)) {
      try {
        const u = JSON.parse(await Deno.readTextFile(`${dir}/checkpoint.json`))?.update;
        what = Number.isInteger(u) ? `the model of update ${u}` : "a checkpoint";
      } catch {
        what = "a checkpoint";
      }
    }
    throw new ValidationError(
      "outDir",
      dir,
      `a directory without a training run; it holds ${what}: ${RESUME_OR_FORCE}`,
    );
  }
  // Writable: probe the directory, or the nearest existing directory above it.
  let probeDir = dir.replace(/\/+$/, "") || "/";
  for (;;) {
    try {
      if ((await Deno.stat(probeDir)).isDirectory) break;
      throw new ValidationError("outDir", dir, `a directory (${probeDir} is a file)`);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        if (err instanceof ValidationError) throw err;
        throw new ValidationError(
          "outDir",
          dir,
          `a reachable directory (${(err as Error).message})`,
        );
      }
      const up = probeDir.includes("/") ? probeDir.slice(0, probeDir.lastIndexOf("/")) : ".";
      probeDir = up === "" ? "/" : up;
    }
  }
  const probe = `${probeDir}/.alpe-write-test-${Deno.pid}`;
  try {
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (err) {
    throw new ValidationError("outDir", dir, `a writable directory (${(err as Error).message})`);
  }
  return files;
}

/** {@linkcode checkOutDir}, then creates `dir` and removes the run a forced run replaces. */
async function prepareOutDir(dir: string, force: boolean): Promise<void> {
  const files = await checkOutDir(dir, force);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    throw new ValidationError(
      "outDir",
      dir,
      `a directory that can be created (${(err as Error).message})`,
    );
  }
  for (const f of files) await Deno.remove(`${dir}/${f}`);
}

/**
 * A PPO training run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PpoTrainer } from "./trainer.ts";
 * const outDir = await Deno.makeTempDir();
 * // A toy run: 2 updates of 4 envs × 50 steps (episodes of 100 steps), no residual base.
 * const trainer = await PpoTrainer.create({
 *   seed: 1,
 *   totalTimesteps: 2 * 4 * 50,
 *   env: { tier: "model", duration: 10 },
 *   residual: { enabled: false },
 *   ppo: { numEnvs: 4, nSteps: 50, minibatchSize: 100, epochs: 2 },
 * }, { outDir, threads: 1 });
 * await trainer.train(); // checkpoints into outDir at the end
 * assert.equal(trainer.update, 2);
 * trainer.dispose();
 * // Later: continue the same run up to 4 updates.
 * const more = await PpoTrainer.resume(outDir, { threads: 1 }, 4 * 4 * 50);
 * assert.equal(more.update, 2);
 * assert.equal((await more.train())?.update, 4);
 * more.dispose();
 * await Deno.remove(outDir, { recursive: true });
 * ```
 */
export class PpoTrainer {
  /** The resolved configuration. */
  readonly config: TrainConfig;
  /** Parameters, Adam and the kernels. */
  readonly learner: PpoLearner;
  /** Observation (policy input) statistics. */
  readonly obsRms: RunningMeanStd;
  /** Reward scaler. */
  readonly rewardScaler: RewardScaler;
  /** PPO updates done. */
  update = 0;
  /** Environment steps done. */
  timesteps = 0;
  /** Index of the episode batch in progress (drives env seeds). */
  episodeBatch = 0;
  /** Curriculum stage of the episode batch in progress. */
  stageIndex = 0;
  /** Total seconds in rollouts and in updates (for profiling). */
  readonly seconds = { rollout: 0, update: 0 };
  /** The last update saved in a checkpoint (−1: none). */
  lastCheckpoint: number = -1;
  readonly #opts: TrainOptions;
  readonly #buf: RolloutBuffer;
  readonly #n: number;
  readonly #dim: number;
  #env: VecEnv | undefined;
  /** The envs of each curriculum stage and market, keyed `stage:market`. */
  readonly #envs = new Map<string, VecEnv>();
  #variant = 0;
  #bounds: ActionBounds | undefined;
  #features: FeatureBuilder | undefined;
  #residual: ResidualActionMap | undefined;
  #episodes = 0;
  #lastReturn = NaN;
  #lastPnl = NaN;
  #log = new Float64Array(0);
  readonly #normObs: Float64Array;
  readonly #feat: Float64Array;
  readonly #raw: Float64Array;
  readonly #scaled: Float32Array;
  readonly #epReturn: Float64Array;
  readonly #lastValues: Float64Array;
  #metrics: Deno.FsFile | undefined;
  #metricsBytes = 0;

  private constructor(config: TrainConfig, opts: TrainOptions, learner: PpoLearner) {
    this.config = config;
    this.#opts = opts;
    this.learner = learner;
    const ppo = config.ppo;
    const n = this.#n = ppo.numEnvs;
    const dim = this.#dim = networkSpec(config).obsDim;
    this.rewardScaler = new RewardScaler(n, ppo.gamma, ppo.rewardClip);
    this.obsRms = new RunningMeanStd(dim);
    this.#buf = new RolloutBuffer(ppo.nSteps, n, dim, ACT_DIM);
    this.#normObs = new Float64Array(n * dim);
    this.#feat = new Float64Array(n * dim);
    this.#raw = new Float64Array(n * ACT_DIM);
    this.#scaled = new Float32Array(n);
    this.#epReturn = new Float64Array(n);
    this.#lastValues = new Float64Array(n);
  }

  /**
   * Starts a new run from `input` (validated; see {@linkcode parseTrainConfig}). With an
   * `outDir` that holds a run, throws a `ValidationError` naming `outDir` unless `force`.
   */
  static async create(input: TrainConfigInput, opts: TrainOptions = {}): Promise<PpoTrainer> {
    const cfg = parseTrainConfig(input);
    if (opts.outDir !== undefined) await prepareOutDir(opts.outDir, opts.force ?? false);
    if (cfg.residual.enabled && !cfg.residual.params) {
      // Calibrate A, k, σ and tune γ of the base agent on training-only seeds, in the final
      // stage's market (the one evaluations use), as `deno task compare` does for its rival.
      const last = cfg.curriculum.enabled ? cfg.curriculum.stages.length - 1 : 0;
      if (!opts.tuneBase) {
        throw new ValidationError(
          "residual.params",
          undefined,
          "the base agent's parameters, or a `tuneBase` option that tunes them",
        );
      }
      const params = await opts.tuneBase(
        stageEnvConfig(cfg, last),
        residualCalibrationSeeds(cfg),
        cfg.residual.base,
      );
      cfg.residual.params = { ...params };
    }
    const spec = networkSpec(cfg);
    const learner = await PpoLearner.create(
      spec,
      cfg.ppo,
      initialParameters(spec, new Rng(`${cfg.seed}/ppo/init`)),
      { threads: opts.threads, inferRows: cfg.ppo.numEnvs },
    );
    const t = new PpoTrainer(cfg, opts, learner);
    await t.#prepareEnvs();
    return t;
  }

  /**
   * Continues the run checkpointed in `dir` exactly where it stopped (weights, Adam,
   * normalizers, counters, the episode batch in progress); `totalTimesteps` may extend the
   * run. Writes to `opts.outDir` (default `dir`, whose training log is truncated back to the
   * checkpoint). Throws a `CheckpointError` for a bad checkpoint.
   */
  static async resume(
    dir: string,
    opts: TrainOptions = {},
    totalTimesteps?: number,
  ): Promise<PpoTrainer> {
    const state = await loadCheckpoint(dir);
    let cfg = state.config;
    if (totalTimesteps !== undefined) {
      if (totalTimesteps < state.timesteps) {
        throw new ValidationError(
          "totalTimesteps",
          totalTimesteps,
          `at least the ${state.timesteps} timesteps already done`,
        );
      }
      cfg = parseTrainConfig({ ...state.config, totalTimesteps });
    }
    const outDir = opts.outDir ?? dir;
    const metrics = await checkedMetrics(dir, state);
    if (outDir !== dir) await prepareOutDir(outDir, opts.force ?? false);
    const learner = await PpoLearner.create(networkSpec(cfg), cfg.ppo, state.params, {
      threads: opts.threads,
      inferRows: cfg.ppo.numEnvs,
    });
    learner.loadOptimizerState(state.optimizer);
    const t = new PpoTrainer(cfg, { ...opts, outDir }, learner);
    await t.#prepareEnvs();
    t.#restore(state);
    // The log back to the checkpoint (a run killed after it wrote more lines): truncating
    // keeps the checkpoint's prefix intact at every moment.
    if (outDir === dir) {
      await Deno.truncate(`${outDir}/${METRICS_FILE}`, metrics.length).catch((err) => {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      });
    } else {
      await writeFileDurable(`${outDir}/${METRICS_FILE}`, metrics);
    }
    t.#metricsBytes = metrics.length;
    t.lastCheckpoint = state.update;
    return t;
  }

  /** Total updates of the run. */
  get totalUpdates(): number {
    return totalUpdates(this.config);
  }

  /** The current env (built lazily). */
  get env(): VecEnv {
    if (!this.#env) this.#startBatch(true);
    return this.#env!;
  }

  /** Runs updates until the total timesteps (or `maxUpdates` of this call) are done. */
  async train(): Promise<TrainProgress | undefined> {
    const { outDir, onUpdate, maxUpdates } = this.#opts;
    if (outDir !== undefined) {
      this.#metrics ??= await Deno.open(`${outDir}/${METRICS_FILE}`, {
        create: true,
        append: true,
      });
    }
    let last: TrainProgress | undefined;
    let done = 0;
    const enc = new TextEncoder();
    while (this.timesteps < this.config.totalTimesteps && (maxUpdates ?? Infinity) > done) {
      try {
        last = this.step();
      } catch (err) {
        if (err instanceof NonFiniteError) {
          const kept = outDir === undefined
            ? "nothing was saved"
            : this.lastCheckpoint >= 0
            ? `the last good checkpoint (update ${this.lastCheckpoint}) in ${outDir} is kept`
            : `no checkpoint was written to ${outDir}`;
          throw new NonFiniteError(
            err.what,
            `update ${this.update + 1} of ${this.totalUpdates} aborted: ${err.message}; ` +
              `the update was discarded and ${kept}`,
          );
        }
        throw err;
      }
      done++;
      if (this.#metrics) {
        const bytes = enc.encode(JSON.stringify(metricsLine(last)) + "\n");
        await writeAll(this.#metrics, bytes);
        this.#metricsBytes += bytes.length;
      }
      onUpdate?.(last);
      const finished = this.timesteps >= this.config.totalTimesteps;
      if (outDir !== undefined && (this.update % this.config.checkpointEvery === 0 || finished)) {
        await this.checkpoint();
      }
    }
    return last;
  }

  /** Writes a checkpoint of the current state to the output directory. */
  async checkpoint(): Promise<void> {
    const outDir = this.#opts.outDir;
    if (outDir === undefined) throw new ValidationError("outDir", outDir, "a directory");
    await this.#metrics?.sync();
    await saveCheckpoint(outDir, await this.state());
    this.lastCheckpoint = this.update;
    this.#opts.onCheckpoint?.(this.update);
  }

  /** One iteration: a rollout of nSteps on every env, then one PPO update. */
  step(): TrainProgress {
    const lr = learningRateAt(this.config, this.update);
    const t0 = performance.now();
    this.#rollout(new Rng(`${this.config.seed}/ppo/sample/${this.update}`));
    const t1 = performance.now();
    this.learner.learningRate = lr;
    const stats = this.learner.update(
      this.#buf,
      new Rng(`${this.config.seed}/ppo/shuffle/${this.update}`),
    );
    const t2 = performance.now();
    this.update++;
    this.seconds.rollout += (t1 - t0) / 1000;
    this.seconds.update += (t2 - t1) / 1000;
    return {
      update: this.update,
      totalUpdates: this.totalUpdates,
      timesteps: this.timesteps,
      stage: stageName(this.config, this.stageIndex),
      learningRate: lr,
      episodes: this.#episodes,
      episodeReturn: this.#lastReturn,
      episodePnl: this.#lastPnl,
      ...stats,
      fps: this.#buf.size / ((t2 - t0) / 1000),
      rolloutSeconds: (t1 - t0) / 1000,
      updateSeconds: (t2 - t1) / 1000,
    };
  }

  /** The state to checkpoint (the training log's digest read from the output directory). */
  async state(): Promise<CheckpointState> {
    const env = this.env;
    const step = env.stepIndex;
    let metrics = { bytes: 0, sha256: await sha256Hex(new Uint8Array(0)) };
    const outDir = this.#opts.outDir;
    if (outDir !== undefined && this.#metricsBytes > 0) {
      const bytes = (await Deno.readFile(`${outDir}/${METRICS_FILE}`)).subarray(
        0,
        this.#metricsBytes,
      );
      metrics = { bytes: bytes.length, sha256: await sha256Hex(bytes) };
    }
    return {
      config: this.config,
      update: this.update,
      timesteps: this.timesteps,
      episodeBatch: this.episodeBatch,
      stageIndex: this.stageIndex,
      learningRate: learningRateAt(this.config, Math.max(0, this.update - 1)),
      episodes: this.#episodes,
      lastReturn: this.#lastReturn,
      lastPnl: this.#lastPnl,
      obsRms: this.obsRms.toJSON(),
      rewardRms: this.rewardScaler.rms.toJSON(),
      params: this.learner.parameters(),
      optimizer: this.learner.optimizerState(),
      episode: {
        step,
        actions: this.#log.slice(0, step * this.#n * ACT_DIM),
        rewardReturns: this.rewardScaler.returns(),
        episodeReturns: [...this.#epReturn],
      },
      metrics,
    };
  }

  /** Closes the training log and stops the gradient threads. */
  dispose(): void {
    this.#metrics?.close();
    this.#metrics = undefined;
    this.learner.dispose();
    for (const env of this.#envs.values()) (env as { close?: () => void }).close?.();
    this.#envs.clear();
  }

  #restore(s: CheckpointState): void {
    this.update = s.update;
    this.timesteps = s.timesteps;
    this.episodeBatch = s.episodeBatch;
    this.#episodes = s.episodes;
    this.#lastReturn = s.lastReturn;
    this.#lastPnl = s.lastPnl;
    this.obsRms.load(s.obsRms);
    this.rewardScaler.rms.load(s.rewardRms);
    // The episode batch in progress: same stage, same seeds, same actions.
    this.#buildEnv(s.stageIndex, this.#variantOf(s.stageIndex));
    this.#resetBatch();
    this.rewardScaler.loadReturns(s.episode.rewardReturns);
    this.#epReturn.set(s.episode.episodeReturns);
    const env = this.#env!;
    const w = this.#n * ACT_DIM;
    for (let t = 0; t < s.episode.step; t++) {
      const a = s.episode.actions.subarray(t * w, (t + 1) * w);
      this.#log.set(a, t * w);
      env.step(a);
      if (env.terminated[0]) {
        throw new CheckpointError(
          `episode state: the replayed episode ended after ${t + 1} of ${s.episode.step} steps ` +
            `(the environment is not the one the checkpoint was written with)`,
        );
      }
    }
  }

  /** Builds the envs of every curriculum stage (the factory may be async). */
  async #prepareEnvs(): Promise<void> {
    const workers = this.#opts.envWorkers ?? 1;
    const factory = this.#opts.envFactory ??
      (workers > 1
        ? (cfg: EnvConfig, n: number) => makeParallelVecEnv(cfg, n, { workers })
        : makeVecEnv);
    const stages = this.config.curriculum.enabled ? this.config.curriculum.stages.length : 1;
    try {
      for (let s = 0; s < stages; s++) {
        for (let v = 0; v < stageMarketCount(this.config, s); v++) {
          const env = await factory(stageEnvConfig(this.config, s, v), this.#n);
          this.#envs.set(`${s}:${v}`, env);
          if (env.numEnvs !== this.#n) {
            throw new CheckpointError(`env factory built ${env.numEnvs} envs, expected ${this.#n}`);
          }
        }
      }
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  /** The market of stage `stage` that the current episode batch trades in. */
  #variantOf(stage: number): number {
    return this.episodeBatch % stageMarketCount(this.config, stage);
  }

  #buildEnv(stage: number, variant: number): void {
    this.stageIndex = stage;
    this.#variant = variant;
    this.#env = this.#envs.get(`${stage}:${variant}`)!;
    this.#bounds = actionBounds(this.#env.config);
    this.#features = new FeatureBuilder(this.config.ppo.asFeatures, this.#env.config, this.#n);
    this.#residual = this.config.residual.enabled
      ? new ResidualActionMap(this.config.residual, this.#env.config, this.#n)
      : undefined;
    const need = stepsPerEpisode(this.#env.config) * this.#n * ACT_DIM;
    if (this.#log.length < need) this.#log = new Float64Array(need);
  }

  #resetBatch(): void {
    const env = this.#env!;
    this.#features!.reset(env.config, this.#n);
    this.#residual?.reset(env.config, this.#n);
    const seeds = new Array<number>(this.#n);
    for (let i = 0; i < this.#n; i++) seeds[i] = episodeSeed(this.config, this.episodeBatch, i);
    env.reset(seeds);
    this.#epReturn.fill(0);
  }

  #startBatch(first: boolean): void {
    const stage = stageIndexAt(this.config, this.timesteps);
    const variant = this.#variantOf(stage);
    if (first || !this.#env || stage !== this.stageIndex || variant !== this.#variant) {
      this.#buildEnv(stage, variant);
    }
    this.#resetBatch();
  }

  #rollout(rng: Rng): void {
    const ppo = this.config.ppo;
    const n = this.#n, dim = this.#dim;
    const buf = this.#buf;
    const L = this.learner;
    const f32 = L.engine.f32;
    const input = L.input;
    const muOff = L.meansOffset, vOff = L.valuesOffset, vs = L.valueStride;
    const logStd = L.logStd;
    const std = new Float64Array(ACT_DIM), invStd = new Float64Array(ACT_DIM);
    const z = new Float64Array(ACT_DIM);
    let logStdSum = 0;
    for (let j = 0; j < ACT_DIM; j++) {
      std[j] = Math.exp(logStd[j]);
      invStd[j] = Math.exp(-logStd[j]);
      logStdSum += logStd[j];
    }
    const act = new Float64Array(n * ACT_DIM);
    for (let t = 0; t < ppo.nSteps; t++) {
      if (!this.#env) this.#startBatch(true);
      const env = this.#env!;
      this.#observe(true);
      for (let k = 0; k < n * dim; k++) input[k] = this.#normObs[k];
      buf.obs.set(input.subarray(0, n * dim), t * n * dim);
      L.forward(n);
      const base = t * n;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < ACT_DIM; j++) {
          const k = i * ACT_DIM + j;
          const mu = f32[muOff + k];
          if (!Number.isFinite(mu)) {
            throw new NonFiniteError(
              "policy",
              `the policy's mean action ${j} of env ${i} is ${mu}`,
            );
          }
          buf.actions[base * ACT_DIM + k] = mu + std[j] * rng.normal();
          act[k] = buf.actions[base * ACT_DIM + k];
        }
        buf.logProbs[base + i] = gaussianLogProb(
          buf.actions,
          (base + i) * ACT_DIM,
          f32,
          muOff + i * ACT_DIM,
          invStd,
          logStdSum,
          z,
        );
        buf.values[base + i] = f32[vOff + i * vs];
      }
      if (this.#residual) this.#residual.toRaw(act, env.view, n, this.#raw);
      else toRawActions(act, n, this.#bounds!, this.#raw);
      this.#log.set(this.#raw, env.stepIndex * n * ACT_DIM);
      env.step(this.#raw);
      if (ppo.normalizeReward) this.rewardScaler.scale(env.rewards, env.terminated, this.#scaled);
      else this.#scaled.set(env.rewards);
      buf.rewards.set(this.#scaled, base);
      buf.dones.set(env.terminated, base);
      for (let i = 0; i < n; i++) this.#epReturn[i] += env.rewards[i];
      this.timesteps += n;
      if (env.terminated[0]) {
        let r = 0, p = 0;
        for (let i = 0; i < n; i++) {
          r += this.#epReturn[i];
          p += env.columns.pnl[i];
        }
        this.#lastReturn = r / n;
        this.#lastPnl = p / n;
        this.#episodes += n;
        this.episodeBatch++;
        this.#startBatch(false);
      }
    }
    this.#observe(false);
    for (let k = 0; k < n * dim; k++) input[k] = this.#normObs[k];
    L.forward(n);
    for (let i = 0; i < n; i++) this.#lastValues[i] = f32[vOff + i * vs];
    buf.computeGae(this.#lastValues, ppo.gamma, ppo.gaeLambda);
  }

  #observe(update: boolean): void {
    const ppo = this.config.ppo;
    const env = this.#env!;
    const obs = this.#feat;
    this.#features!.build(env.observations, env.view, this.#n, obs);
    if (ppo.normalizeObs) {
      if (update) this.obsRms.update(obs, this.#n);
      normalizeRows(this.obsRms, obs, this.#n, ppo.obsClip, this.#normObs);
    } else {
      this.#normObs.set(obs);
    }
  }
}

/** The deterministic fields of `p`, in a fixed order (one line of `metrics.jsonl`). */
export function metricsLine(p: MetricsLine): MetricsLine {
  return {
    update: p.update,
    totalUpdates: p.totalUpdates,
    timesteps: p.timesteps,
    stage: p.stage,
    learningRate: p.learningRate,
    episodes: p.episodes,
    episodeReturn: p.episodeReturn,
    episodePnl: p.episodePnl,
    policyLoss: p.policyLoss,
    valueLoss: p.valueLoss,
    entropy: p.entropy,
    approxKl: p.approxKl,
    clipFraction: p.clipFraction,
    gradNorm: p.gradNorm,
    explainedVariance: p.explainedVariance,
    epochs: p.epochs,
    gradSteps: p.gradSteps,
  };
}

/** The checkpoint's prefix of `dir`'s training log, checked against its length and digest. */
async function checkedMetrics(dir: string, s: CheckpointState): Promise<Uint8Array> {
  const path = `${dir}/${METRICS_FILE}`;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound) || s.metrics.bytes > 0) {
      throw new CheckpointError(`${path}: cannot read (${(err as Error).message})`);
    }
    bytes = new Uint8Array(0);
  }
  if (bytes.length < s.metrics.bytes) {
    throw new CheckpointError(
      `${path}: ${bytes.length} bytes, shorter than the ${s.metrics.bytes} the checkpoint covers`,
    );
  }
  const prefix = bytes.subarray(0, s.metrics.bytes);
  if ((await sha256Hex(prefix)) !== s.metrics.sha256) {
    throw new CheckpointError(
      `${path}: its first ${s.metrics.bytes} bytes do not match the checkpoint's digest`,
    );
  }
  return prefix;
}

async function writeAll(f: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let o = 0;
  while (o < bytes.length) o += await f.write(bytes.subarray(o));
}

/** Episode length in steps of the run's base env (for sizing runs). */
export function episodeSteps(cfg: TrainConfig): number {
  return stepsPerEpisode(stageEnvConfig(cfg, 0));
}
