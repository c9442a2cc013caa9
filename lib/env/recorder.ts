/**
 * Records the per-step columns of every env of a {@linkcode VecEnv} into typed arrays
 * (env-major, grown by doubling; nothing allocated per step once the capacity fits),
 * and cuts them into {@linkcode EpisodeRecord}s at the end.
 *
 * @module
 */
import { AlpeError, ValidationError } from "../errors.ts";
import { stepsPerEpisode } from "./config.ts";
import {
  type EpisodeRecord,
  F64_STEP_COLUMNS,
  I32_STEP_COLUMNS,
  type StepColumnName,
} from "./columns.ts";
import type { VecEnv } from "./types.ts";

/**
 * Records a batch of episodes. Call {@linkcode EpisodeRecorder.record} after every
 * `step`; row `stepIndex − 1` of every env is written, so a new `reset` simply starts
 * over at row 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EpisodeRecorder } from "./recorder.ts";
 * import { ModelVecEnv } from "./model_env.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const env = new ModelVecEnv(parseEnvConfig({ tier: "model", duration: 30 }), 2);
 * const rec = new EpisodeRecorder(env);
 * env.reset([7, 8]);
 * const a = new Float64Array([2, 2, 1, 1, 2, 2, 1, 1]);
 * while (!env.terminated[0]) {
 *   env.step(a);
 *   rec.record(env);
 * }
 * const [ep7] = rec.episodes([7, 8], "static");
 * assert.equal(ep7.pnl.length, 300); // 30 s at dt = 0.1 s
 * ```
 */
export class EpisodeRecorder {
  /** Number of envs recorded. */
  readonly numEnvs: number;
  #cap: number;
  #rows = 0;
  #dt: number;
  #lotSize: number;
  #tickSize: number;
  #f64: Map<StepColumnName, Float64Array> = new Map();
  #i32: Map<StepColumnName, Int32Array> = new Map();
  #time: Float64Array;
  #reward: Float64Array;

  /** A recorder for `vec`'s envs, preallocated for one episode of its config. */
  constructor(vec: VecEnv, capacitySteps: number = stepsPerEpisode(vec.config)) {
    if (!Number.isInteger(capacitySteps) || capacitySteps < 1) {
      throw new ValidationError("capacitySteps", capacitySteps, "an integer >= 1");
    }
    this.numEnvs = vec.numEnvs;
    this.#cap = capacitySteps;
    this.#dt = vec.config.dt;
    this.#lotSize = vec.config.lotSize;
    this.#tickSize = vec.config.tickSize;
    const size = this.numEnvs * capacitySteps;
    for (const name of F64_STEP_COLUMNS) this.#f64.set(name, new Float64Array(size));
    for (const name of I32_STEP_COLUMNS) this.#i32.set(name, new Int32Array(size));
    this.#time = new Float64Array(size);
    this.#reward = new Float64Array(size);
  }

  /** Steps recorded in the current batch. */
  get steps(): number {
    return this.#rows;
  }

  /** Copies the columns of the step `vec` just took (row `vec.stepIndex − 1`). */
  record(vec: VecEnv): void {
    const n = this.numEnvs;
    if (vec.numEnvs !== n) throw new ValidationError("vec.numEnvs", vec.numEnvs, `${n}`);
    const t = vec.stepIndex - 1;
    if (t < 0) throw new AlpeError("EpisodeRecorder.record: call it after a step, not a reset");
    if (t >= this.#cap) this.#grow(Math.max(t + 1, 2 * this.#cap));
    this.#rows = t + 1;
    const cap = this.#cap;
    const cols = vec.columns;
    for (const [name, dst] of this.#f64) {
      const src = cols[name];
      for (let i = 0, j = t; i < n; i++, j += cap) dst[j] = src[i];
    }
    for (const [name, dst] of this.#i32) {
      const src = cols[name];
      for (let i = 0, j = t; i < n; i++, j += cap) dst[j] = src[i];
    }
    const time = vec.stepIndex * vec.config.dt;
    const reward = vec.rewards;
    for (let i = 0, j = t; i < n; i++, j += cap) {
      this.#time[j] = time;
      this.#reward[j] = reward[i];
    }
  }

  /**
   * The recorded episodes, one per env (copies), `seeds[i]` being env i's seed.
   */
  episodes(seeds: ArrayLike<number>, agentId?: string): EpisodeRecord[] {
    if (seeds.length !== this.numEnvs) {
      throw new ValidationError("seeds.length", seeds.length, `${this.numEnvs}`);
    }
    const out: EpisodeRecord[] = [];
    const steps = this.#rows;
    const cap = this.#cap;
    for (let i = 0; i < this.numEnvs; i++) {
      const lo = i * cap, hi = lo + steps;
      const rec = {
        seed: seeds[i],
        steps,
        dt: this.#dt,
        lotSize: this.#lotSize,
        tickSize: this.#tickSize,
        time: this.#time.slice(lo, hi),
        reward: this.#reward.slice(lo, hi),
      } as EpisodeRecord;
      const cols = rec as unknown as Record<StepColumnName, Float64Array | Int32Array>;
      for (const [name, src] of this.#f64) cols[name] = src.slice(lo, hi);
      for (const [name, src] of this.#i32) cols[name] = src.slice(lo, hi);
      if (agentId !== undefined) rec.agentId = agentId;
      out.push(rec);
    }
    return out;
  }

  #grow(cap: number): void {
    const n = this.numEnvs;
    const old = this.#cap;
    const rows = this.#rows;
    const move = <T extends Float64Array | Int32Array>(src: T, dst: T): T => {
      for (let i = 0; i < n; i++) dst.set(src.subarray(i * old, i * old + rows), i * cap);
      return dst;
    };
    for (const [name, a] of this.#f64) this.#f64.set(name, move(a, new Float64Array(n * cap)));
    for (const [name, a] of this.#i32) this.#i32.set(name, move(a, new Int32Array(n * cap)));
    this.#time = move(this.#time, new Float64Array(n * cap));
    this.#reward = move(this.#reward, new Float64Array(n * cap));
    this.#cap = cap;
  }
}
