/**
 * The PPO training loop: batched rollouts on a {@linkcode VecEnv} (the policy's forward
 * pass in plain TypeScript on weights copied after each update), GAE, the tfjs update,
 * linear learning-rate annealing, the curriculum, metrics and periodic checkpoints.
 *
 * Seeds: weights are initialized from `Rng("<seed>/ppo/init")`; the action noise and
 * minibatch shuffles of update u come from `Rng("<seed>/ppo/sample/<u>")` and
 * `Rng("<seed>/ppo/shuffle/<u>")`; env i of episode batch b is reset with
 * `childSeed(seed, 1 + b·numEnvs + i)`. The RNG position is therefore just the update and
 * episode-batch counters, which checkpoints store. A resumed run starts a fresh episode
 * batch (env state is not checkpointed), so it matches an uninterrupted run only up to
 * that point.
 *
 * @module
 */
import { type EnvConfig, stepsPerEpisode } from "../env/config.ts";
import { makeVecEnv } from "../env/make.ts";
import { ACT_DIM, type VecEnv } from "../env/types.ts";
import { CheckpointError, ValidationError } from "../errors.ts";
import { Rng } from "../rng/rng.ts";
import { type ActionBounds, actionBounds, toRawActions } from "./action_map.ts";
import { initBackend } from "./backend.ts";
import { RolloutBuffer } from "./buffer.ts";
import { FeatureBuilder } from "./features.ts";
import { type CheckpointState, loadCheckpoint, networkSpec, saveCheckpoint } from "./checkpoint.ts";
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from "./config.ts";
import { stageEnvConfig, stageIndexAt, stageName } from "./curriculum.ts";
import { PpoLearner, type UpdateStats } from "./learner.ts";
import { mlpForward, mlpMaxWidth } from "./mlp.ts";
import { ActorCritic, initialParameters, type PolicyWeights } from "./network.ts";
import { normalizeRows, RewardScaler, RunningMeanStd } from "./running_stats.ts";
import { ResidualActionMap } from "./residual.ts";
import { episodeSeed, residualCalibrationSeeds } from "./seeds.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** What one update reports (also one line of `metrics.jsonl`). */
export interface TrainProgress extends UpdateStats {
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
  /** Timesteps per second of this update (rollout + update). */
  fps: number;
  /** Seconds spent in the rollout and in the update of this iteration. */
  rolloutSeconds: number;
  /** Seconds spent in the tfjs update. */
  updateSeconds: number;
  /** Episodes finished so far (per env batch: numEnvs each). */
  episodes: number;
  /** Mean undiscounted (raw) reward sum of the last finished episode batch (NaN before). */
  episodeReturn: number;
  /** Mean final mark-to-market P&L ($) of the last finished episode batch (NaN before). */
  episodePnl: number;
}

/** Options of a training run. */
export interface TrainOptions {
  /** Directory for checkpoints and `metrics.jsonl` (none: nothing is written). */
  outDir?: string;
  /** Called after every update. */
  onUpdate?: (p: TrainProgress) => void;
  /** Builds the envs (default: `makeVecEnv`); tests pass small envs. */
  envFactory?: (cfg: EnvConfig, numEnvs: number) => VecEnv;
  /** Stop after this many updates in this call (the run can be continued). */
  maxUpdates?: number;
  /**
   * Fair parameters of the residual policy's base agent: calibrates A, k, σ and tunes γ of
   * `agent` in `config` on `seeds` (training-only seeds). Needed only when the residual is
   * enabled and its `params` are not given; `deno task train` passes the backtest's
   * `fairModelParams` (lib/rl does not import the backtest layer).
   */
  tuneBase?: (
    config: EnvConfig,
    seeds: readonly number[],
    agent: "avellaneda-stoikov" | "glft",
  ) => Promise<{ gamma: number; A: number; k: number; sigma: number }>;
}

/**
 * A PPO training run.
 *
 * @example
 * ```ts ignore
 * import { PpoTrainer } from "./trainer.ts";
 * const trainer = await PpoTrainer.create({ totalTimesteps: 100_000, seed: 1 }, { outDir: "out/ppo" });
 * await trainer.train();
 * trainer.dispose();
 * // later: (await PpoTrainer.resume("out/ppo")).train()
 * ```
 */
export class PpoTrainer {
  /** The resolved configuration. */
  readonly config: TrainConfig;
  /** The networks. */
  readonly net: ActorCritic;
  /** The optimizer wrapper. */
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
  /** Curriculum stage in force. */
  stageIndex = 0;
  /** Total seconds in rollouts and in updates (for profiling). */
  readonly seconds = { rollout: 0, update: 0 };
  readonly #opts: TrainOptions;
  readonly #buf: RolloutBuffer;
  #env: VecEnv | undefined;
  #bounds: ActionBounds | undefined;
  #weights: PolicyWeights;
  #episodes = 0;
  #lastReturn = NaN;
  #lastPnl = NaN;
  readonly #n: number;
  readonly #normObs: Float64Array;
  readonly #feat: Float64Array;
  #features: FeatureBuilder | undefined;
  #residual: ResidualActionMap | undefined;
  readonly #mu: Float64Array;
  readonly #values: Float64Array;
  readonly #act: Float64Array;
  readonly #raw: Float64Array;
  readonly #scaled: Float32Array;
  readonly #epReturn: Float64Array;
  readonly #scratch: Float64Array;
  #metrics: Deno.FsFile | undefined;

  private constructor(config: TrainConfig, opts: TrainOptions, restored?: CheckpointState) {
    this.config = config;
    this.#opts = opts;
    const ppo = config.ppo;
    const spec = networkSpec(config);
    this.net = new ActorCritic(
      spec,
      restored?.params ?? initialParameters(spec, new Rng(`${config.seed}/ppo/init`)),
    );
    this.learner = new PpoLearner(this.net, ppo);
    this.rewardScaler = new RewardScaler(ppo.numEnvs, ppo.gamma, ppo.rewardClip);
    const n = this.#n = ppo.numEnvs;
    const dim = spec.obsDim;
    this.obsRms = new RunningMeanStd(dim);
    this.#buf = new RolloutBuffer(ppo.nSteps, n, dim, ACT_DIM);
    this.#normObs = new Float64Array(n * dim);
    this.#feat = new Float64Array(n * dim);
    this.#mu = new Float64Array(n * ACT_DIM);
    this.#values = new Float64Array(n);
    this.#act = new Float64Array(n * ACT_DIM);
    this.#raw = new Float64Array(n * ACT_DIM);
    this.#scaled = new Float32Array(n);
    this.#epReturn = new Float64Array(n);
    this.#weights = this.net.snapshot();
    this.#scratch = new Float64Array(
      2 * Math.max(mlpMaxWidth(this.#weights.actor), mlpMaxWidth(this.#weights.critic)),
    );
    if (restored) {
      this.update = restored.update;
      this.timesteps = restored.timesteps;
      this.episodeBatch = restored.episodeBatch + 1;
      this.stageIndex = restored.stageIndex;
      this.obsRms.load(restored.obsRms);
      this.rewardScaler.rms.load(restored.rewardRms);
      this.learner.learningRate = restored.learningRate;
    }
  }

  /** Starts a new run from `input` (validated; see {@linkcode parseTrainConfig}). */
  static async create(input: TrainConfigInput, opts: TrainOptions = {}): Promise<PpoTrainer> {
    const cfg = parseTrainConfig(input);
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
    await initBackend();
    return new PpoTrainer(cfg, opts);
  }

  /**
   * Continues the run checkpointed in `dir` (weights, Adam state, normalization, counters).
   * `totalTimesteps` may extend the run. Throws a `CheckpointError` for a bad checkpoint.
   */
  static async resume(
    dir: string,
    opts: TrainOptions = {},
    totalTimesteps?: number,
  ): Promise<PpoTrainer> {
    await initBackend();
    const state = await loadCheckpoint(dir);
    const cfg = totalTimesteps === undefined
      ? state.config
      : parseTrainConfig({ ...state.config, totalTimesteps });
    const t = new PpoTrainer(cfg, { outDir: dir, ...opts }, state);
    await t.learner.loadOptimizerState(state.optimizer);
    return t;
  }

  /** Total updates of the run. */
  get totalUpdates(): number {
    const batch = this.#n * this.config.ppo.nSteps;
    return Math.ceil(this.config.totalTimesteps / batch);
  }

  /** The current env (built lazily). */
  get env(): VecEnv {
    if (!this.#env) this.#startEpisodes(true);
    return this.#env!;
  }

  /** Runs updates until the total timesteps (or `maxUpdates` of this call) are done. */
  async train(): Promise<TrainProgress | undefined> {
    const { outDir, onUpdate, maxUpdates } = this.#opts;
    if (outDir) {
      await Deno.mkdir(outDir, { recursive: true });
      this.#metrics ??= await Deno.open(`${outDir}/metrics.jsonl`, {
        create: true,
        append: true,
      });
    }
    let last: TrainProgress | undefined;
    let done = 0;
    const enc = new TextEncoder();
    while (this.timesteps < this.config.totalTimesteps && (maxUpdates ?? Infinity) > done) {
      last = this.step();
      done++;
      onUpdate?.(last);
      if (this.#metrics) await this.#metrics.write(enc.encode(JSON.stringify(last) + "\n"));
      const finished = this.timesteps >= this.config.totalTimesteps;
      if (outDir && (this.update % this.config.checkpointEvery === 0 || finished)) {
        await saveCheckpoint(outDir, await this.state());
      }
    }
    return last;
  }

  /** One iteration: a rollout of nSteps on every env, then one PPO update. */
  step(): TrainProgress {
    const ppo = this.config.ppo;
    const env = this.env;
    const lr = ppo.annealLr
      ? ppo.learningRate * Math.max(0, 1 - this.update / this.totalUpdates)
      : ppo.learningRate;
    const t0 = performance.now();
    this.#rollout(new Rng(`${this.config.seed}/ppo/sample/${this.update}`));
    void env;
    const t1 = performance.now();
    this.learner.learningRate = lr;
    const stats = this.learner.update(
      this.#buf,
      new Rng(`${this.config.seed}/ppo/shuffle/${this.update}`),
    );
    this.#weights = this.net.snapshot();
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
      fps: this.#buf.size / ((t2 - t0) / 1000),
      rolloutSeconds: (t1 - t0) / 1000,
      updateSeconds: (t2 - t1) / 1000,
      episodes: this.#episodes,
      episodeReturn: this.#lastReturn,
      episodePnl: this.#lastPnl,
      ...stats,
    };
  }

  /** The state to checkpoint. */
  async state(): Promise<CheckpointState> {
    return {
      config: this.config,
      update: this.update,
      timesteps: this.timesteps,
      episodeBatch: this.episodeBatch,
      stageIndex: this.stageIndex,
      learningRate: this.learner.learningRate,
      obsRms: this.obsRms.toJSON(),
      rewardRms: this.rewardScaler.rms.toJSON(),
      params: this.net.parameters(),
      optimizer: await this.learner.optimizerState(),
    };
  }

  /** Closes the metrics file and frees tensors. */
  dispose(): void {
    this.#metrics?.close();
    this.#metrics = undefined;
    this.learner.dispose();
    this.net.dispose();
  }

  #startEpisodes(first: boolean): void {
    const stage = stageIndexAt(this.config, this.timesteps);
    if (!this.#env || stage !== this.stageIndex || first) {
      this.stageIndex = stage;
      const envCfg = stageEnvConfig(this.config, stage);
      const factory = this.#opts.envFactory ?? makeVecEnv;
      this.#env = factory(envCfg, this.#n);
      if (this.#env.numEnvs !== this.#n) {
        throw new CheckpointError(
          `env factory built ${this.#env.numEnvs} envs, expected ${this.#n}`,
        );
      }
      this.#bounds = actionBounds(this.#env.config);
      this.#features = new FeatureBuilder(this.config.ppo.asFeatures, this.#env.config, this.#n);
      this.#residual = this.config.residual.enabled
        ? new ResidualActionMap(this.config.residual, this.#env.config, this.#n)
        : undefined;
    }
    this.#features!.reset(this.#env.config, this.#n);
    this.#residual?.reset(this.#env.config, this.#n);
    const seeds = new Array<number>(this.#n);
    for (let i = 0; i < this.#n; i++) {
      seeds[i] = episodeSeed(this.config, this.episodeBatch, i);
    }
    this.#env.reset(seeds);
    this.#epReturn.fill(0);
  }

  #rollout(rng: Rng): void {
    const ppo = this.config.ppo;
    const n = this.#n;
    const buf = this.#buf;
    const w = this.#weights;
    const std = Float64Array.from(w.logStd, Math.exp);
    let logStdSum = 0;
    for (let j = 0; j < ACT_DIM; j++) logStdSum += w.logStd[j];
    const logpConst = -logStdSum - ACT_DIM * HALF_LOG_2PI;
    for (let t = 0; t < ppo.nSteps; t++) {
      const env = this.#env!;
      this.#observe(true);
      buf.obs.set(this.#normObs, t * n * buf.obsDim);
      mlpForward(w.actor, this.#normObs, n, this.#mu, this.#scratch);
      mlpForward(w.critic, this.#normObs, n, this.#values, this.#scratch);
      const base = t * n;
      for (let i = 0; i < n; i++) {
        let sq = 0;
        for (let j = 0; j < ACT_DIM; j++) {
          const eps = rng.normal();
          const k = i * ACT_DIM + j;
          this.#act[k] = this.#mu[k] + std[j] * eps;
          sq += eps * eps;
        }
        buf.logProbs[base + i] = -0.5 * sq + logpConst;
        buf.values[base + i] = this.#values[i];
      }
      buf.actions.set(this.#act, base * ACT_DIM);
      if (this.#residual) this.#residual.toRaw(this.#act, env.view, n, this.#raw);
      else toRawActions(this.#act, n, this.#bounds!, this.#raw);
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
        this.#startEpisodes(false);
      }
    }
    this.#observe(false);
    mlpForward(w.critic, this.#normObs, n, this.#values, this.#scratch);
    buf.computeGae(this.#values, ppo.gamma, ppo.gaeLambda);
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

/** Episode length in steps of the run's base env (for sizing runs). */
export function episodeSteps(cfg: TrainConfig): number {
  return stepsPerEpisode(stageEnvConfig(cfg, 0));
}
