/**
 * The scaffold every {@linkcode VecEnv} tier shares: the buffers of the VecEnv contract
 * (observations, rewards, terminal flags, the agent's view, the step columns), seed and
 * lifecycle validation (`reset` before `step`, no step past the episode's end), the step
 * counter, `info(i)` and `seed(i)`. A tier implements only what is its own:
 * {@linkcode VecEnvBase.resetEnvs} (start every env's episode) and
 * {@linkcode VecEnvBase.stepEnvs} (one step of every env, in one hot loop).
 *
 * @module
 */
import { AlpeError, requireInt, ValidationError } from "../errors.ts";
import { validateSeed } from "../rng/rng.ts";
import { createStepColumns, type MutableStepColumns, stepInfo } from "./columns.ts";
import { type EnvConfig, stepsPerEpisode } from "./config.ts";
import { type EnvArraySpec, type EnvMemory, heapMemory } from "./memory.ts";
import { type AgentView, OBS_DIM, type StepColumns, type StepInfo, type VecEnv } from "./types.ts";

/** {@linkcode AgentView} with writable members, for the env that owns it. */
export type MutableAgentView = { -readonly [K in keyof AgentView]: AgentView[K] };

/**
 * The shared part of every tier (see the module doc). Subclasses write into
 * {@linkcode VecEnvBase.cols}, {@linkcode VecEnvBase.agentView}, `observations`,
 * `rewards` and `impactCost`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VecEnvBase } from "./vec_env_base.ts";
 * import { parseEnvConfig } from "./config.ts";
 * class Flat extends VecEnvBase {
 *   protected resetEnvs(): void {
 *     for (let i = 0; i < this.numEnvs; i++) this.cols.mid[i] = 100;
 *   }
 *   protected stepEnvs(): void {
 *     this.rewards.fill(0);
 *   }
 * }
 * const env = new Flat(parseEnvConfig({ duration: 1, dt: 0.5 }), 2, 8, "Flat");
 * env.reset([1, 2]);
 * env.step(new Float64Array(8));
 * env.step(new Float64Array(8));
 * assert.equal(env.terminated[0], 1);
 * assert.throws(() => env.step(new Float64Array(8)), /ended after 2 steps/);
 * ```
 */
export abstract class VecEnvBase implements VecEnv {
  /** Number of environments. */
  readonly numEnvs: number;
  /** The configuration every env runs. */
  readonly config: EnvConfig;
  /** Observations, row-major `numEnvs × OBS_DIM`. */
  readonly observations: Float64Array;
  /** Rewards of the last step. */
  readonly rewards: Float64Array;
  /** 1 where the episode ended at the last step. */
  readonly terminated: Uint8Array;
  /** Always 0 (episodes are never cut short). */
  readonly truncated: Uint8Array;
  /** What a strategy may see. */
  readonly view: AgentView;
  /** Per-step columns. */
  readonly columns: StepColumns;
  /** Impact cost paid in the last step, dollars (already subtracted from cash). */
  readonly impactCost: Float64Array;
  /** Number of steps in an episode. */
  readonly steps: number;

  /** The step columns, writable. */
  protected readonly cols: MutableStepColumns;
  /** The agent's view, writable (its `inventory` is the inventory column). */
  protected readonly agentView: MutableAgentView;
  /** The seed each env was last reset with. */
  protected readonly seeds: Float64Array;
  /** Where the arrays live: a tier allocates its internal per-env arrays from it too. */
  protected readonly memory: EnvMemory;
  readonly #tier: string;
  #stepIndex = 0;
  #ready = false;

  /**
   * Allocates the buffers of `numEnvs` envs (1 ≤ numEnvs ≤ `maxEnvs`) running `config`
   * (through `memory` when given, e.g. shared memory; see `lib/env/memory.ts`); `tier` names
   * the class in lifecycle errors. Without `memory`, the contract's arrays and the tier's
   * `internal` ones share one arena (`heapMemory`), laid out so that they do not compete for
   * cache sets.
   */
  constructor(
    config: EnvConfig,
    numEnvs: number,
    maxEnvs: number,
    tier: string,
    memory?: EnvMemory,
    internal: readonly EnvArraySpec[] = [],
  ) {
    requireInt("numEnvs", numEnvs, 1, maxEnvs);
    this.numEnvs = numEnvs;
    this.config = config;
    this.#tier = tier;
    this.steps = stepsPerEpisode(config);
    const n = numEnvs;
    const mem = memory ?? heapMemory(n, internal);
    if (mem.numEnvs !== n) throw new ValidationError("memory.numEnvs", mem.numEnvs, `${n}`);
    this.memory = mem;
    this.observations = mem.f64("observations", OBS_DIM);
    this.rewards = mem.f64("rewards", 1);
    this.terminated = mem.u8("terminated", 1);
    this.truncated = mem.u8("truncated", 1);
    this.impactCost = mem.f64("impactCost", 1);
    this.seeds = new Float64Array(n);
    this.cols = createStepColumns(n, mem);
    this.columns = this.cols;
    this.agentView = {
      mid: mem.f64("view.mid", 1),
      bestBid: mem.f64("view.bestBid", 1),
      bestAsk: mem.f64("view.bestAsk", 1),
      inventory: this.cols.inventory,
      timeLeft: mem.f64("view.timeLeft", 1),
      sigma: mem.f64("view.sigma", 1),
    };
    this.view = this.agentView;
  }

  /** Steps taken since the last reset. */
  get stepIndex(): number {
    return this.#stepIndex;
  }

  /** The seed env `i` was last reset with. */
  seed(i: number): number {
    requireInt("i", i, 0, this.numEnvs - 1);
    return this.seeds[i];
  }

  /** Resets every env, env i with `seeds[i]` (integers in [0, 2^32)); returns `observations`. */
  reset(seeds: ArrayLike<number>): Float64Array {
    const n = this.numEnvs;
    if (seeds.length !== n) throw new ValidationError("seeds.length", seeds.length, `${n}`);
    for (let i = 0; i < n; i++) validateSeed(seeds[i], `seeds[${i}]`);
    for (let i = 0; i < n; i++) this.seeds[i] = seeds[i];
    this.rewards.fill(0);
    this.impactCost.fill(0);
    this.terminated.fill(0);
    this.truncated.fill(0);
    this.agentView.timeLeft.fill(this.config.duration);
    this.resetEnvs(seeds);
    this.#stepIndex = 0;
    this.#ready = true;
    return this.observations;
  }

  /**
   * Steps every env with raw `actions` (row-major `numEnvs × ACT_DIM`, see `ACT`). A tier
   * throws a `ValidationError` naming `action[i]` on a non-finite value (the envs are
   * unchanged); stepping before `reset` or after the last step is an `AlpeError`.
   */
  step(actions: ArrayLike<number>): void {
    if (!this.#ready) throw new AlpeError(`${this.#tier}.step: call reset(seeds) first`);
    if (this.#stepIndex >= this.steps) {
      throw new AlpeError(
        `${this.#tier}.step: the episode ended after ${this.steps} steps; call reset(seeds)`,
      );
    }
    const stepIndex = this.#stepIndex + 1;
    this.stepEnvs(actions, stepIndex);
    this.#stepIndex = stepIndex;
    if (stepIndex >= this.steps) this.terminated.fill(1);
  }

  /** The info object of env `i` (allocates; for the API edge). */
  info(i: number): StepInfo {
    requireInt("i", i, 0, this.numEnvs - 1);
    return stepInfo(this.cols, this.config, i, this.#stepIndex);
  }

  /**
   * Starts every env's episode, env i with `seeds[i]` (validated): writes its step-column
   * row (`resetStepRow`), view and observation row.
   */
  protected abstract resetEnvs(seeds: ArrayLike<number>): void;

  /**
   * One step of every env with raw `actions`, the `stepIndex`-th of the episode (1-based):
   * validates the actions before changing anything, then writes columns, view, observations,
   * rewards and impact costs.
   */
  protected abstract stepEnvs(actions: ArrayLike<number>, stepIndex: number): void;
}
