/**
 * The env seeds a PPO training run uses (kept free of TensorFlow.js, so evaluations can
 * check their seeds against a model's training seeds cheaply): env i of episode batch b
 * is reset with `childSeed(seed, 1 + b·numEnvs + i)`; the residual policy's AS
 * calibration uses `childSeed(seed, RESIDUAL_CALIBRATION_OFFSET + j)`.
 *
 * @module
 */
import { childSeed } from "../rng/streams.ts";
import type { TrainConfig } from "./config.ts";

/**
 * Index offset of the seeds that calibrate the residual policy's AS parameters among the
 * training seed's children (`childSeed(seed, RESIDUAL_CALIBRATION_OFFSET + j)`); episode
 * batches use indices from 1, far below it.
 */
export const RESIDUAL_CALIBRATION_OFFSET = 2_000_000_000;

/**
 * The seed of env `env` in episode batch `batch` of a run of `cfg`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { childSeed } from "../rng/streams.ts";
 * import { parseTrainConfig } from "./config.ts";
 * import { episodeSeed } from "./seeds.ts";
 * const cfg = parseTrainConfig({ seed: 1, ppo: { numEnvs: 16 } });
 * assert.equal(episodeSeed(cfg, 0, 0), childSeed(1, 1));
 * assert.equal(episodeSeed(cfg, 1, 2), childSeed(1, 1 + 16 + 2)); // batch 1, env 2
 * ```
 */
export function episodeSeed(cfg: TrainConfig, batch: number, env: number): number {
  return childSeed(cfg.seed, 1 + batch * cfg.ppo.numEnvs + env);
}

/**
 * The seeds that calibrate the residual policy's AS parameters for `cfg`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { childSeed } from "../rng/streams.ts";
 * import { parseTrainConfig } from "./config.ts";
 * import { RESIDUAL_CALIBRATION_OFFSET, residualCalibrationSeeds } from "./seeds.ts";
 * const seeds = residualCalibrationSeeds(parseTrainConfig({ seed: 1 }));
 * assert.equal(seeds.length, 16); // residual.calibrationEpisodes
 * assert.equal(seeds[0], childSeed(1, RESIDUAL_CALIBRATION_OFFSET));
 * ```
 */
export function residualCalibrationSeeds(cfg: TrainConfig): number[] {
  return Array.from(
    { length: cfg.residual.calibrationEpisodes },
    (_, j) => childSeed(cfg.seed, RESIDUAL_CALIBRATION_OFFSET + j),
  );
}

/**
 * Every env seed a run of `cfg` has used after `episodeBatches` episode batches: the
 * episode seeds and the residual calibration seeds. Evaluations check theirs against it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrainConfig } from "./config.ts";
 * import { trainingSeeds } from "./seeds.ts";
 * const cfg = parseTrainConfig({ seed: 1, ppo: { numEnvs: 4 } });
 * const seeds = trainingSeeds(cfg, 2);
 * assert.equal(seeds.length, 2 * 4 + 16); // 2 batches × 4 envs + 16 calibration seeds
 * assert.equal(new Set(seeds).size, seeds.length);
 * ```
 */
export function trainingSeeds(cfg: TrainConfig, episodeBatches: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < episodeBatches; b++) {
    for (let i = 0; i < cfg.ppo.numEnvs; i++) out.push(episodeSeed(cfg, b, i));
  }
  if (cfg.residual.enabled) out.push(...residualCalibrationSeeds(cfg));
  return out;
}
