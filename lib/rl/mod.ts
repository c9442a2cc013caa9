/**
 * Proximal Policy Optimization (Schulman et al. 2017) for ALPE's market-making envs: Gaussian
 * actor-critic MLPs trained on WebAssembly SIMD kernels generated for the network's shape
 * (`nn`, gradients on several threads with a fixed reduction order), GAE, clipped surrogate and
 * value losses, observation/reward normalization, gradient clipping, learning-rate annealing,
 * KL early stopping, a curriculum over market regimes, durable checkpoints (weights in tfjs's
 * format) with exact resume, and a plain TypeScript policy for inference. TensorFlow.js
 * remains as the reference implementation the kernels are tested against
 * ({@linkcode TfjsPpoLearner}) and for tfjs interop ({@linkcode fileIOHandler}).
 *
 * By default the policy is **residual** (lib/rl/residual.ts): it corrects the quotes of a
 * GLFT (or, with `residual.base`, an Avellaneda–Stoikov) market maker calibrated on
 * training-only seeds, so action 0 is that market maker and training has to earn every
 * deviation from it (`residual.enabled: false` learns quotes
 * from scratch over the whole action box).
 *
 * @example
 * ```ts ignore
 * import { PpoTrainer, loadPolicy } from "./mod.ts";
 * const trainer = await PpoTrainer.create({ totalTimesteps: 200_000, seed: 7 }, { outDir: "out/ppo" });
 * await trainer.train();
 * trainer.dispose();
 * const policy = await loadPolicy("out/ppo");
 * ```
 *
 * @module
 */
export * from "./action_map.ts";
export * from "./backend.ts";
export * from "./buffer.ts";
export * from "./checkpoint.ts";
export * from "./config.ts";
export {
  marketCurriculum,
  stageEnvConfig,
  stageIndexAt,
  stageMarketCount,
  stageName,
  trainingEnvConfigs,
} from "./curriculum.ts";
export * from "./learner.ts";
export * from "./mlp.ts";
export * from "./network.ts";
export * from "./orthogonal.ts";
export * from "./policy.ts";
export * from "./ppo_agent.ts";
export * from "./running_stats.ts";
export * from "./tf_ops.ts";
export * from "./trainer.ts";
export * from "./features.ts";
export * from "./tf_types.ts";
export * from "./residual.ts";
export * from "./seeds.ts";
export * from "./params.ts";
export * from "./tfjs_io.ts";
export * from "./tfjs_learner.ts";
export * from "./nn/mod.ts";
