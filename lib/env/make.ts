/**
 * Environment factories: pick the fidelity tier from `config.tier` ("book": the L3
 * order-book simulator {@linkcode BookVecEnv}; "model": the vectorized Avellaneda–Stoikov
 * model {@linkcode ModelVecEnv}; "replay": recorded order books, {@linkcode ReplayVecEnv}).
 *
 * @module
 */
import { BookVecEnv } from "./book_env.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "./config.ts";
import { ModelVecEnv } from "./model_env.ts";
import { ReplayVecEnv } from "./replay_env.ts";
import { resolveReplay } from "./replay_setup.ts";
import { SingleEnv } from "./single_env.ts";
import type { Env, VecEnv } from "./types.ts";

/**
 * Resolves `config` (a partial input, validated and defaulted, or an already resolved
 * {@linkcode EnvConfig}, which is validated again so a hand-edited object cannot slip through).
 * A replay-tier config also loads its tapes and takes the tick, lot, price and volatility they
 * decide (see `resolveReplay`).
 */
export function resolveConfig(config: EnvConfigInput | EnvConfig = {}): EnvConfig {
  const cfg = parseEnvConfig(config as EnvConfigInput);
  return cfg.tier === "replay" ? resolveReplay(cfg).config : cfg;
}

/**
 * `numEnvs` environments of the tier named by `config.tier`. Throws a `ValidationError`
 * naming the offending field for a bad config or `numEnvs`.
 *
 * @example
 * ```ts
 * import { makeVecEnv } from "./make.ts";
 * const env = makeVecEnv({ tier: "model", duration: 60 }, 8);
 * env.reset([1, 2, 3, 4, 5, 6, 7, 8]);
 * env.step(new Float64Array(8 * 4).fill(1));
 * ```
 */
export function makeVecEnv(config: EnvConfigInput | EnvConfig, numEnvs: number): VecEnv {
  const cfg = resolveConfig(config);
  if (cfg.tier === "replay") return new ReplayVecEnv(cfg, numEnvs);
  return cfg.tier === "book" ? new BookVecEnv(cfg, numEnvs) : new ModelVecEnv(cfg, numEnvs);
}

/**
 * A single Gymnasium-style environment of the tier named by `config.tier`.
 *
 * @example
 * ```ts
 * import { makeEnv } from "./make.ts";
 * const env = makeEnv({ tier: "book", duration: 30 });
 * env.reset(7);
 * const r = env.step([1, 1, 2, 2]);
 * r.info.pnl;
 * ```
 */
export function makeEnv(config: EnvConfigInput | EnvConfig = {}): Env {
  return new SingleEnv(makeVecEnv(config, 1));
}
