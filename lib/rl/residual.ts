/**
 * The residual policy: PPO acts as a bounded correction to analytic (GLFT or AS) quotes
 * instead of choosing quotes from scratch. With the normalized action a ∈ [-1, 1]^4 and the
 * base action (offsets o_b, o_a in ticks, size s lots per side, from the base agent, e.g.
 * {@linkcode AvellanedaStoikovAgent} with the stored, calibrated parameters):
 *
 *     bid offset = clip(o_b + a_0 · R, 0, maxOffsetTicks)
 *     ask offset = clip(o_a + a_1 · R, 0, maxOffsetTicks)
 *     bid size   = s · (1 + a_2),   ask size = s · (1 + a_3)   (the env rounds to lots)
 *
 * with R = `residual.offsetTicks`. So a = 0 is exactly the base market maker, a policy can
 * widen, tighten or skew each quote by up to R ticks, and can pull a side (size 0 for
 * a_j < −0.5 with s = 1) or double it. The policy network's output layer starts near zero
 * (orthogonal init with gain 0.01), so training starts from the base and has to earn every
 * deviation from it: the design suggested by the literature on residual RL (Silver et
 * al. 2018, "Residual Policy Learning"; Johannink et al. 2019).
 *
 * The base is GLFT by default (`residual.base: "glft"`, tuned on its own γ grid) or
 * Avellaneda–Stoikov (`"avellaneda-stoikov"`); the formulas above apply to either. Its
 * parameters are calibrated on training-only seeds (see the trainer) and stored in the
 * training config, so a saved policy always quotes around the same base it learned on.
 *
 * @module
 */
import { AvellanedaStoikovAgent } from "../agents/avellaneda_stoikov.ts";
import { GlftAgent } from "../agents/glft.ts";
import type { Agent } from "../agents/types.ts";
import type { EnvConfig } from "../env/config.ts";
import { ACT, ACT_DIM, type AgentView } from "../env/types.ts";
import { CheckpointError } from "../errors.ts";
import type { ResidualConfig } from "./config.ts";

/**
 * Maps normalized actions onto raw quotes around the base agent's quotes (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEnvConfig } from "../env/config.ts";
 * import { ResidualActionMap } from "./residual.ts";
 * const cfg = parseEnvConfig({ tier: "model" });
 * const map = new ResidualActionMap({
 *   enabled: true, base: "avellaneda-stoikov", offsetTicks: 4, calibrationEpisodes: 16,
 *   params: { gamma: 0.1, A: 2, k: 30, sigma: 0.013 },
 * }, cfg, 1);
 * const view = {
 *   mid: Float64Array.of(100), bestBid: Float64Array.of(99.99), bestAsk: Float64Array.of(100.01),
 *   inventory: Float64Array.of(0), timeLeft: Float64Array.of(60), sigma: Float64Array.of(0.013),
 * };
 * const raw = new Float64Array(4);
 * map.toRaw(new Float64Array(4), view, 1, raw); // a = 0: exactly the base (here AS) quotes
 * assert.deepEqual([...raw], [...map.base.slice(0, 4)]);
 * map.toRaw(Float64Array.of(1, -1, 0, 0), view, 1, raw); // widen the bid, tighten the ask
 * assert.equal(raw[0], Math.min(map.base[0] + 4, cfg.maxOffsetTicks));
 * assert.equal(raw[1], Math.max(map.base[1] - 4, 0));
 * ```
 */
export class ResidualActionMap {
  /** The analytic agent that gives the base quotes (AS, or GLFT with `base: "glft"`). */
  readonly agent: Agent;
  /** Largest offset correction, ticks. */
  readonly offsetTicks: number;
  #maxOffset: number;
  #base = new Float64Array(0);

  /** A map for `numEnvs` envs of `envCfg`; throws when `residual.params` is not set. */
  constructor(residual: ResidualConfig, envCfg: EnvConfig, numEnvs: number) {
    if (!residual.params) {
      throw new CheckpointError(
        "residual.params: the residual policy needs the calibrated parameters of its base agent",
      );
    }
    const { gamma, A, k, sigma } = residual.params;
    this.agent = residual.base === "glft"
      ? new GlftAgent({ gamma, A, k, sigma })
      : new AvellanedaStoikovAgent({ gamma, A, k, sigma });
    this.offsetTicks = residual.offsetTicks;
    this.#maxOffset = envCfg.maxOffsetTicks;
    this.reset(envCfg, numEnvs);
  }

  /** The base agent's actions of the last {@linkcode toRaw} call (row-major, ACT_DIM each). */
  get base(): Float64Array {
    return this.#base;
  }

  /** Prepares for `numEnvs` envs of `envCfg`. */
  reset(envCfg: EnvConfig, numEnvs: number): void {
    this.#maxOffset = envCfg.maxOffsetTicks;
    this.agent.reset({ config: envCfg, numEnvs, seed: 0 });
    if (this.#base.length !== numEnvs * ACT_DIM) this.#base = new Float64Array(numEnvs * ACT_DIM);
  }

  /** Writes the raw actions of `rows` normalized actions (clipped to [-1, 1]) into `out`. */
  toRaw(normalized: ArrayLike<number>, view: AgentView, rows: number, out: Float64Array): void {
    if (this.#base.length !== rows * ACT_DIM) this.#base = new Float64Array(rows * ACT_DIM);
    const base = this.#base;
    this.agent.act(NO_OBS, view, base); // the base agents read the view only
    const r = this.offsetTicks, maxOff = this.#maxOffset;
    for (let i = 0; i < rows; i++) {
      const o = i * ACT_DIM;
      const bid = base[o + ACT.BID_OFFSET] + clip1(normalized[o + ACT.BID_OFFSET]) * r;
      const ask = base[o + ACT.ASK_OFFSET] + clip1(normalized[o + ACT.ASK_OFFSET]) * r;
      out[o + ACT.BID_OFFSET] = bid < 0 ? 0 : bid > maxOff ? maxOff : bid;
      out[o + ACT.ASK_OFFSET] = ask < 0 ? 0 : ask > maxOff ? maxOff : ask;
      out[o + ACT.BID_SIZE] = base[o + ACT.BID_SIZE] * (1 + clip1(normalized[o + ACT.BID_SIZE]));
      out[o + ACT.ASK_SIZE] = base[o + ACT.ASK_SIZE] * (1 + clip1(normalized[o + ACT.ASK_SIZE]));
    }
  }
}

const NO_OBS = new Float64Array(0);

function clip1(a: number): number {
  return a > 1 ? 1 : a < -1 ? -1 : a;
}
