/**
 * Curriculum learning over market regimes: training starts in calm, latency-free,
 * impact-free markets and moves to full regime switching with latency and impact as
 * the run progresses (stages in {@linkcode TrainConfig}`.curriculum`, defaults in
 * {@linkcode DEFAULT_STAGES}).
 *
 * A stage applies while `timesteps / totalTimesteps < stage.until`. Since all
 * environments end their episodes together, stages change only at episode boundaries:
 * the env is rebuilt for the new stage when the batch resets.
 *
 * @module
 */
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { DEFAULT_STAGES, mergeConfig, type TrainConfig } from "./config.ts";

export { DEFAULT_STAGES };

/**
 * Index of the stage in force after `timesteps` of `cfg.totalTimesteps`
 * (always 0 with the curriculum disabled, where the base env is used).
 *
 * @example
 * ```ts
 * import { parseTrainConfig } from "./config.ts";
 * import { stageIndexAt } from "./curriculum.ts";
 * const cfg = parseTrainConfig({ totalTimesteps: 1000 });
 * stageIndexAt(cfg, 0); // 0 ("calm")
 * stageIndexAt(cfg, 600); // 2 ("full")
 * ```
 */
export function stageIndexAt(cfg: TrainConfig, timesteps: number): number {
  if (!cfg.curriculum.enabled) return 0;
  const f = timesteps / cfg.totalTimesteps;
  const stages = cfg.curriculum.stages;
  for (let i = 0; i < stages.length; i++) if (f < stages[i].until) return i;
  return stages.length - 1;
}

/** Name of stage `index` ("base" with the curriculum disabled). */
export function stageName(cfg: TrainConfig, index: number): string {
  return cfg.curriculum.enabled ? cfg.curriculum.stages[index].name : "base";
}

/** The resolved env config of stage `index`: the base env with the stage's overrides. */
export function stageEnvConfig(cfg: TrainConfig, index: number): EnvConfig {
  const over = cfg.curriculum.enabled ? cfg.curriculum.stages[index].env : {};
  return parseEnvConfig(mergeConfig(cfg.env, over) as EnvConfigInput);
}
