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
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPolicy, PpoTrainer } from "./mod.ts";
 * const outDir = await Deno.makeTempDir();
 * // A toy run (2 updates of 4 envs × 50 steps); `deno task train` runs ~10⁶ steps.
 * const trainer = await PpoTrainer.create({
 *   seed: 7,
 *   totalTimesteps: 2 * 4 * 50,
 *   env: { tier: "model", duration: 10 },
 *   // The GLFT base's parameters, given here; `deno task train` tunes them (`tuneBase`).
 *   residual: { params: { gamma: 0.1, A: 2, k: 30, sigma: 0.013 } },
 *   ppo: { numEnvs: 4, nSteps: 50, minibatchSize: 100, epochs: 2 },
 * }, { outDir, threads: 1 });
 * const last = await trainer.train();
 * assert.equal(last?.update, 2);
 * trainer.dispose();
 * const policy = await loadPolicy(outDir); // the checkpoint written at the end
 * assert.equal(policy.config.seed, 7);
 * await Deno.remove(outDir, { recursive: true });
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
