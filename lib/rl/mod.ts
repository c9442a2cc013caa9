/**
 * Proximal Policy Optimization (Schulman et al. 2017) for ALPE's market-making envs,
 * with TensorFlow.js (wasm backend) for the updates and a plain TypeScript forward pass
 * for rollouts: Gaussian actor-critic MLPs, GAE, clipped surrogate and value losses,
 * observation/reward normalization, gradient clipping, learning-rate annealing, KL early
 * stopping, a curriculum over market regimes and atomic checkpoints in tfjs's format.
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
export { stageEnvConfig, stageIndexAt, stageName } from "./curriculum.ts";
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
