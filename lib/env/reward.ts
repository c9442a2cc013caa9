/**
 * Per-step reward, shared by both fidelity tiers. With the weights `w` of
 * `config.reward`:
 *
 * - pnl term        = w.pnl · Δ(gross P&L), gross P&L being the mark-to-market P&L before
 *   impact costs (so Δgross = Δpnl + impact cost paid this step);
 * - inventory term  = w.inventory · q² (q the inventory in lots after the step);
 * - volatility term = w.volatility · σ̂ · |q| · lotSize · √dt (σ̂ in $/√s: a dollar risk);
 * - impact term     = w.impact · impact cost paid this step (dollars);
 * - reward          = pnl − inventory − volatility − impact.
 *
 * With the default weights (pnl = impact = 1) the pnl and impact terms together are
 * the change in net P&L.
 *
 * @module
 */
import type { EnvConfig } from "./config.ts";
import type { StepColumns } from "./types.ts";

/** Reward weights with the volatility weight's constant factors folded in. */
export interface RewardWeights {
  /** Weight of Δ gross P&L. */
  readonly pnl: number;
  /** Dollars per lot² of inventory. */
  readonly inventory: number;
  /** w.volatility · lotSize · √dt: multiply by σ̂·|q|. */
  readonly volatility: number;
  /** Weight of the impact cost. */
  readonly impact: number;
}

/** Precomputes the {@linkcode RewardWeights} of `cfg` (call once per env, not per step). */
export function rewardWeights(cfg: EnvConfig): RewardWeights {
  return {
    pnl: cfg.reward.pnl,
    inventory: cfg.reward.inventory,
    volatility: cfg.reward.volatility * cfg.lotSize * Math.sqrt(cfg.dt),
    impact: cfg.reward.impact,
  };
}

/**
 * Writes the four reward terms of env `i` into `columns` (`rewardPnl`,
 * `rewardInventory`, `rewardVolatility`, `rewardImpact`), the reward into `rewards[i]`,
 * and returns the reward. Allocates nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rewardWeights, writeReward } from "./reward.ts";
 * import { parseEnvConfig } from "./config.ts";
 * const w = rewardWeights(parseEnvConfig());
 * const col = () => new Float64Array(1);
 * const columns = {
 *   rewardPnl: col(), rewardInventory: col(), rewardVolatility: col(), rewardImpact: col(),
 * };
 * const rewards = col();
 * // $1.5 of P&L change, flat, σ̂ = 0.01, $0.2 of impact cost:
 * assert.equal(writeReward(w, columns, rewards, 0, 1.5, 0, 0.01, 0.2), 1.5 - 0.2);
 * assert.equal(rewards[0], 1.3);
 * ```
 */
export function writeReward(
  w: RewardWeights,
  columns: Pick<StepColumns, "rewardPnl" | "rewardInventory" | "rewardVolatility" | "rewardImpact">,
  rewards: Float64Array,
  i: number,
  grossPnlChange: number,
  inventory: number,
  sigmaHat: number,
  impactCost: number,
): number {
  const p = w.pnl * grossPnlChange;
  const inv = w.inventory * inventory * inventory;
  const vol = w.volatility * sigmaHat * (inventory < 0 ? -inventory : inventory);
  const imp = w.impact * impactCost;
  columns.rewardPnl[i] = p;
  columns.rewardInventory[i] = inv;
  columns.rewardVolatility[i] = vol;
  columns.rewardImpact[i] = imp;
  const r = p - inv - vol - imp;
  rewards[i] = r;
  return r;
}
