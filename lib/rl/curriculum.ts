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
import { DEFAULT_STAGES, mergeConfig, type StageConfigInput, type TrainConfig } from "./config.ts";

export { DEFAULT_STAGES };

/**
 * Index of the stage in force after `timesteps` of `cfg.totalTimesteps`
 * (always 0 with the curriculum disabled, where the base env is used).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrainConfig } from "./config.ts";
 * import { stageIndexAt, stageName } from "./curriculum.ts";
 * const cfg = parseTrainConfig({ totalTimesteps: 1000 });
 * assert.equal(stageIndexAt(cfg, 0), 0);
 * assert.equal(stageName(cfg, stageIndexAt(cfg, 0)), "calm");
 * assert.equal(stageIndexAt(cfg, 200), 1); // "normal" from 20 % of the run
 * assert.equal(stageIndexAt(cfg, 600), 2); // "full" from 50 %
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

/**
 * The resolved env config of stage `index` and market `variant` (see `StageConfig.markets`):
 * the base env, or the stage's market `variant mod markets.length` when it lists markets,
 * with the stage's overrides.
 */
export function stageEnvConfig(cfg: TrainConfig, index: number, variant = 0): EnvConfig {
  const stage = cfg.curriculum.enabled ? cfg.curriculum.stages[index] : undefined;
  const markets = stage?.markets ?? [];
  const base = markets.length > 0 ? markets[variant % markets.length] : cfg.env;
  return parseEnvConfig(mergeConfig(base, stage?.env ?? {}) as EnvConfigInput);
}

/**
 * The default curriculum over several markets (domain randomization), calm to stressed: the
 * stages of {@linkcode DEFAULT_STAGES} (their latency and impact overrides; their regime
 * overrides only when every market has the library's three regimes), where the calm and
 * normal stages cycle through the `base` markets and the last, full stage through the base
 * markets and their `stressed` variants.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { marketCurriculum } from "./curriculum.ts";
 * const a = { tier: "model", volatility: 0.02 } as const;
 * const b = { tier: "model", volatility: 0.06 } as const;
 * const stages = marketCurriculum([a], [b]);
 * assert.deepEqual(stages.map((s) => s.markets?.length), [1, 1, 2]);
 * ```
 */
export function marketCurriculum(
  base: readonly EnvConfigInput[],
  stressed: readonly EnvConfigInput[] = [],
): StageConfigInput[] {
  const threeRegimes = [...base, ...stressed].every((m) =>
    parseEnvConfig(m).regimes.names.length === 3
  );
  return DEFAULT_STAGES.map((st, i) => {
    const { regimes: _r, ...rest } = (st.env ?? {}) as Record<string, unknown>;
    const last = i === DEFAULT_STAGES.length - 1;
    return {
      ...st,
      env: threeRegimes ? st.env : rest,
      markets: (last ? [...base, ...stressed] : [...base]) as Record<string, unknown>[],
    };
  });
}

/** Number of markets stage `index` cycles through (1 when it uses the base env). */
export function stageMarketCount(cfg: TrainConfig, index: number): number {
  if (!cfg.curriculum.enabled) return 1;
  return Math.max(1, cfg.curriculum.stages[index].markets.length);
}

/** Every env config a run trains in: each stage × market (for held-out checks). */
export function trainingEnvConfigs(cfg: TrainConfig): EnvConfig[] {
  const stages = cfg.curriculum.enabled ? cfg.curriculum.stages.length : 1;
  const out: EnvConfig[] = [];
  for (let s = 0; s < stages; s++) {
    for (let v = 0; v < stageMarketCount(cfg, s); v++) out.push(stageEnvConfig(cfg, s, v));
  }
  return out;
}
