/**
 * Test helpers for the agents: a hand-filled AgentView and a small scripted VecEnv.
 *
 * @module
 */
import { createStepColumns } from "../../lib/env/columns.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../../lib/env/config.ts";
import {
  ACT,
  ACT_DIM,
  type AgentView,
  OBS_DIM,
  type StepColumns,
  type StepInfo,
  type VecEnv,
} from "../../lib/env/types.ts";
import { Rng } from "../../lib/rng/mod.ts";

/** Fields of one environment's view (defaults: mid 100, flat, 60 s left, σ = 0.013). */
export interface ViewRow {
  mid?: number;
  inventory?: number;
  timeLeft?: number;
  sigma?: number;
}

/** Builds an AgentView with one row per entry of `rows`. */
export function makeView(rows: ViewRow[]): AgentView {
  const col = (f: (r: ViewRow) => number) => Float64Array.from(rows.map(f));
  return {
    mid: col((r) => r.mid ?? 100),
    bestBid: col((r) => (r.mid ?? 100) - 0.01),
    bestAsk: col((r) => (r.mid ?? 100) + 0.01),
    inventory: col((r) => r.inventory ?? 0),
    timeLeft: col((r) => r.timeLeft ?? 60),
    sigma: col((r) => r.sigma ?? 0.013),
  };
}

/** The model-tier default config (tick 0.01 $, maxOffsetTicks 20, maxQuoteSize 5, maxInventory 50). */
export function modelConfig(input: EnvConfigInput = {}): EnvConfig {
  return parseEnvConfig({ tier: "model", ...input });
}

/** Runs `act` for `rows` and returns the actions as rows [bidOff, askOff, bidSize, askSize]. */
export function actRows(
  agent: {
    act(o: Float64Array, v: AgentView, out: Float64Array): void;
  },
  rows: ViewRow[],
  observations: Float64Array = new Float64Array(rows.length * OBS_DIM),
): number[][] {
  const out = new Float64Array(rows.length * ACT_DIM);
  agent.act(observations, makeView(rows), out);
  return rows.map((_, i) => Array.from(out.subarray(i * ACT_DIM, (i + 1) * ACT_DIM)));
}

/** Asserts |actual − expected| ≤ tol with a readable message. */
export function assertClose(actual: number, expected: number, tol: number, what = "value"): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: expected ${expected} ± ${tol}, got ${actual}`);
  }
}

/** Options of {@linkcode ToyVecEnv}. */
export interface ToyOptions {
  /** Intensity at the mid (fills/s) and decay (1/$) of λ(δ) = A·e^(−kδ). */
  A: number;
  k: number;
  /** Mid volatility, $/√s. */
  sigma: number;
  /** Steps per episode. */
  steps: number;
  /** Scripted P&L paths (one per env, length `steps`) instead of simulated trading. */
  pnlPaths?: number[][];
}

/**
 * A minimal VecEnv for tests that must not depend on the real envs: the mid is a Gaussian
 * random walk (σ·√dt per step), a 1-lot quote at depth δ = offset·tick fills during a step
 * with probability 1 − e^(−λ(δ)·dt), one lot at most; P&L marks inventory to the mid.
 */
export class ToyVecEnv implements VecEnv {
  readonly numEnvs: number;
  readonly config: EnvConfig;
  stepIndex = 0;
  readonly observations: Float64Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly view: AgentView;
  readonly columns: StepColumns;
  readonly #o: ToyOptions;
  #rngs: Rng[] = [];

  constructor(config: EnvConfig, numEnvs: number, options: ToyOptions) {
    this.config = config;
    this.numEnvs = numEnvs;
    this.#o = options;
    this.observations = new Float64Array(numEnvs * OBS_DIM);
    this.rewards = new Float64Array(numEnvs);
    this.terminated = new Uint8Array(numEnvs);
    this.truncated = new Uint8Array(numEnvs);
    this.view = makeView(Array.from({ length: numEnvs }, () => ({})));
    this.columns = createStepColumns(numEnvs);
  }

  reset(seeds: ArrayLike<number>): Float64Array {
    if (seeds.length !== this.numEnvs) throw new Error("seed count");
    this.stepIndex = 0;
    this.#rngs = Array.from({ length: this.numEnvs }, (_, i) => new Rng(`toy:${seeds[i]}`));
    this.terminated.fill(0);
    const v = this.view as { [K in keyof AgentView]: Float64Array };
    v.mid.fill(100);
    v.inventory.fill(0);
    v.sigma.fill(this.#o.sigma);
    v.timeLeft.fill(this.#o.steps * this.config.dt);
    this.columns.pnl.fill(0);
    this.columns.cash.fill(0);
    return this.observations;
  }

  step(actions: ArrayLike<number>): void {
    if (this.stepIndex >= this.#o.steps) throw new Error("episode over");
    const { A, k, sigma } = this.#o;
    const dt = this.config.dt;
    const tick = this.config.tickSize;
    const c = this.columns;
    const v = this.view as { [K in keyof AgentView]: Float64Array };
    for (let i = 0; i < this.numEnvs; i++) {
      const rng = this.#rngs[i];
      const o = i * ACT_DIM;
      const mid = v.mid[i];
      const bidSize = Math.round(actions[o + ACT.BID_SIZE]);
      const askSize = Math.round(actions[o + ACT.ASK_SIZE]);
      const db = actions[o + ACT.BID_OFFSET] * tick;
      const da = actions[o + ACT.ASK_OFFSET] * tick;
      c.bidQuote[i] = bidSize > 0 ? mid - db : NaN;
      c.askQuote[i] = askSize > 0 ? mid + da : NaN;
      const bidFill = bidSize > 0 && rng.bernoulli(1 - Math.exp(-A * Math.exp(-k * db) * dt));
      const askFill = askSize > 0 && rng.bernoulli(1 - Math.exp(-A * Math.exp(-k * da) * dt));
      c.bidFilled[i] = bidFill ? 1 : 0;
      c.askFilled[i] = askFill ? 1 : 0;
      if (bidFill) {
        v.inventory[i] += 1;
        c.cash[i] -= (mid - db) * this.config.lotSize;
      }
      if (askFill) {
        v.inventory[i] -= 1;
        c.cash[i] += (mid + da) * this.config.lotSize;
      }
      v.mid[i] = mid + rng.normal(0, sigma * Math.sqrt(dt));
      v.timeLeft[i] -= dt;
      c.mid[i] = v.mid[i];
      c.inventory[i] = v.inventory[i];
      c.pnl[i] = this.#o.pnlPaths
        ? this.#o.pnlPaths[i][this.stepIndex]
        : c.cash[i] + v.inventory[i] * this.config.lotSize * v.mid[i];
    }
    this.stepIndex++;
    if (this.stepIndex === this.#o.steps) this.terminated.fill(1);
  }

  info(_i: number): StepInfo {
    throw new Error("not used in tests");
  }
}
