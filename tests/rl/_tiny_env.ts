/**
 * A tiny VecEnv for PPO tests: each step shows a target in [-1, 1] (obs[0]); the reward is
 * −(x − target)² where x = bidOffset / (maxOffsetTicks / 2) − 1 is the bid offset mapped to
 * [-1, 1]. The optimal policy's mean bid offset is (target + 1)·maxOffsetTicks / 2.
 *
 * @module
 */
import { type EnvConfig, parseEnvConfig } from "../../lib/env/config.ts";
import type { AgentView, StepColumns, StepInfo, VecEnv } from "../../lib/env/types.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** Target-tracking env (see module doc). */
export class TargetVecEnv implements VecEnv {
  readonly numEnvs: number;
  readonly config: EnvConfig;
  stepIndex = 0;
  readonly observations: Float64Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly view: AgentView;
  readonly columns: StepColumns;
  readonly episodeLength: number;
  #rngs: Rng[] = [];

  constructor(config: EnvConfig, numEnvs: number, episodeLength = 32) {
    this.numEnvs = numEnvs;
    this.config = config;
    this.episodeLength = episodeLength;
    this.observations = new Float64Array(numEnvs * 9);
    this.rewards = new Float64Array(numEnvs);
    this.terminated = new Uint8Array(numEnvs);
    this.truncated = new Uint8Array(numEnvs);
    const f = () => new Float64Array(numEnvs);
    this.view = { mid: f(), bestBid: f(), bestAsk: f(), inventory: f(), timeLeft: f(), sigma: f() };
    this.columns = { pnl: f() } as unknown as StepColumns;
  }

  reset(seeds: ArrayLike<number>): Float64Array {
    this.#rngs = Array.from({ length: this.numEnvs }, (_, i) => new Rng(seeds[i]));
    this.stepIndex = 0;
    this.terminated.fill(0);
    this.columns.pnl.fill(0);
    this.#draw();
    return this.observations;
  }

  step(actions: ArrayLike<number>): void {
    const half = this.config.maxOffsetTicks / 2;
    for (let i = 0; i < this.numEnvs; i++) {
      const x = actions[i * 4] / half - 1;
      const d = x - this.observations[i * 9];
      this.rewards[i] = -d * d;
      this.columns.pnl[i] += this.rewards[i];
    }
    this.stepIndex++;
    this.terminated.fill(this.stepIndex >= this.episodeLength ? 1 : 0);
    this.#draw();
  }

  info(_i: number): StepInfo {
    throw new Error("not used");
  }

  #draw(): void {
    for (let i = 0; i < this.numEnvs; i++) {
      this.observations[i * 9] = this.#rngs[i].uniform(-1, 1);
      this.observations[i * 9 + 1] = 1 - this.stepIndex / this.episodeLength;
    }
  }
}

/** The env config the tiny env pretends to have. */
export const TINY_CONFIG: EnvConfig = parseEnvConfig({ tier: "model" });

/** Factory for `TrainOptions.envFactory`. */
export function tinyFactory(cfg: EnvConfig, n: number): VecEnv {
  return new TargetVecEnv(cfg, n);
}

/** A factory whose envs report NaN rewards from their `fromStep`-th step on (counted across resets). */
export function nanRewardFactory(fromStep: number): (cfg: EnvConfig, n: number) => VecEnv {
  let steps = 0;
  return (cfg, n) => {
    const env = new TargetVecEnv(cfg, n);
    const step = env.step.bind(env);
    env.step = (a) => {
      step(a);
      if (++steps >= fromStep) env.rewards.fill(NaN);
    };
    return env;
  };
}
