/**
 * A trained PPO policy for inference, without tfjs: the plain-array weights, the saved
 * observation normalization and the action mapping. Deterministic: acts with the policy
 * mean.
 *
 * @module
 */
import type { EnvConfig } from "../env/config.ts";
import { ACT_DIM, type AgentView } from "../env/types.ts";
import { type ActionBounds, actionBounds, toRawActions } from "./action_map.ts";
import { type CheckpointState, loadCheckpoint, networkSpec } from "./checkpoint.ts";
import type { TrainConfig } from "./config.ts";
import { stageEnvConfig } from "./curriculum.ts";
import { FeatureBuilder } from "./features.ts";
import { mlpForward, mlpMaxWidth, type MlpWeights } from "./mlp.ts";
import type { NamedArray, NetworkSpec, PolicyWeights } from "./params.ts";
import { ResidualActionMap } from "./residual.ts";
import { normalizeRows, RunningMeanStd } from "./running_stats.ts";

/** Builds plain-array weights from checkpoint parameters (canonical names). */
export function policyWeights(spec: NetworkSpec, params: readonly NamedArray[]): PolicyWeights {
  const byName = new Map(params.map((p) => [p.name, p]));
  const mk = (net: string, outDim: number): MlpWeights => {
    const sizes = [spec.obsDim, ...spec.hiddenSizes, outDim];
    return {
      layers: sizes.slice(1).map((out, i) => ({
        inSize: sizes[i],
        outSize: out,
        w: byName.get(`${net}/dense${i}/kernel`)!.data,
        b: byName.get(`${net}/dense${i}/bias`)!.data,
      })),
    };
  };
  return {
    actor: mk("actor", spec.actDim),
    critic: mk("critic", 1),
    logStd: byName.get("actor/logStd")!.data,
  };
}

/**
 * Deterministic inference with a trained policy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPolicy } from "./policy.ts";
 * import { makeVecEnv } from "../env/make.ts";
 * const policy = await loadPolicy("data/models/ppo"); // the shipped model
 * const env = makeVecEnv({ tier: "model", duration: 10 }, 2);
 * env.reset([1, 2]);
 * policy.setEnvConfig(env.config, env.numEnvs);
 * const out = new Float64Array(env.numEnvs * 4);
 * policy.act(env.observations, env.view, env.numEnvs, out); // bid/ask offsets (ticks), sizes (lots)
 * for (let i = 0; i < env.numEnvs; i++) {
 *   assert.ok(out[4 * i] >= 0 && out[4 * i] <= env.config.maxOffsetTicks);
 *   assert.ok(out[4 * i + 1] >= 0 && out[4 * i + 1] <= env.config.maxOffsetTicks);
 * }
 * ```
 */
export class PpoPolicy {
  /** The training configuration the policy came from. */
  readonly config: TrainConfig;
  /** Network weights. */
  readonly weights: PolicyWeights;
  /** Observation normalization statistics. */
  readonly obsRms: RunningMeanStd;
  #bounds: ActionBounds;
  #features: FeatureBuilder;
  #residual: ResidualActionMap | undefined;
  #feat = new Float64Array(0);
  #norm = new Float64Array(0);
  #mean = new Float64Array(0);
  readonly #scratch: Float64Array;

  /** Wraps a loaded checkpoint. */
  constructor(state: CheckpointState) {
    this.config = state.config;
    this.weights = policyWeights(networkSpec(state.config), state.params);
    const spec = networkSpec(state.config);
    this.obsRms = new RunningMeanStd(spec.obsDim);
    this.obsRms.load(state.obsRms);
    this.#scratch = new Float64Array(2 * mlpMaxWidth(this.weights.actor));
    const stages = state.config.curriculum.stages.length;
    const envCfg = stageEnvConfig(state.config, stages - 1);
    this.#bounds = actionBounds(envCfg);
    this.#features = new FeatureBuilder(state.config.ppo.asFeatures, envCfg, 1);
    if (state.config.residual.enabled) {
      this.#residual = new ResidualActionMap(state.config.residual, envCfg, 1);
    }
  }

  /** Uses the action bounds of `cfg` (the env being traded, `numEnvs` at once). */
  setEnvConfig(cfg: EnvConfig, numEnvs = 1): void {
    this.#bounds = actionBounds(cfg);
    this.#features.reset(cfg, numEnvs);
    this.#residual?.reset(cfg, numEnvs);
  }

  /**
   * Writes the normalized policy mean (before clipping) for `rows` observations into `out`.
   */
  mean(observations: Float64Array, view: AgentView, rows: number, out: Float64Array): void {
    const d = this.#features.dim;
    if (this.#norm.length < rows * d) {
      this.#norm = new Float64Array(rows * d);
      this.#feat = new Float64Array(rows * d);
    }
    this.#features.build(observations, view, rows, this.#feat);
    const ppo = this.config.ppo;
    if (ppo.normalizeObs) normalizeRows(this.obsRms, this.#feat, rows, ppo.obsClip, this.#norm);
    else this.#norm.set(this.#feat.subarray(0, rows * d));
    mlpForward(this.weights.actor, this.#norm, rows, out, this.#scratch);
  }

  /** Writes raw actions (ticks, lots) for `rows` observations into `out`. */
  act(observations: Float64Array, view: AgentView, rows: number, out: Float64Array): void {
    if (this.#mean.length < rows * ACT_DIM) this.#mean = new Float64Array(rows * ACT_DIM);
    this.mean(observations, view, rows, this.#mean);
    if (this.#residual) this.#residual.toRaw(this.#mean, view, rows, out);
    else toRawActions(this.#mean, rows, this.#bounds, out);
  }
}

/** Loads the policy of the checkpoint in `dir` (a `CheckpointError` when it is bad). */
export async function loadPolicy(dir: string): Promise<PpoPolicy> {
  return new PpoPolicy(await loadCheckpoint(dir));
}
