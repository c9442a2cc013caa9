/**
 * The processes one model-tier market is composed of, as mbt_gym's `ModelDynamics`: a
 * midprice model, a fill-probability model for the agent's quotes, an arrival model of
 * background market orders, an impact model of the agent's own executions, and a regime
 * model that scales volatility and flow. The composed reference env
 * (`lib/env/model_reference.ts`) steps any such bundle — the built-in models or ones
 * defined outside the library — and the fused kernel (`lib/env/model_env.ts`) is the fast
 * path of the built-in bundle, tested equal to it.
 *
 * @module
 */
import type { MarketOrderArrivalModel } from "./model_arrivals.ts";
import type { FillProbabilityModel } from "./fill_probability.ts";
import type { MidpriceModel } from "./midprice.ts";
import type { ImpactModel, RegimeModel } from "./types.ts";

/**
 * The models of one env. `impact` and `regimes` hold state, so each env gets its own
 * bundle; the others may be shared.
 */
export interface ModelDynamics {
  /** How the fundamental moves over a step. */
  readonly midprice: MidpriceModel;
  /** The chance that one of our quotes fills within a step. */
  readonly fills: FillProbabilityModel;
  /** Background market orders per step (the trade-flow observation). */
  readonly arrivals: MarketOrderArrivalModel;
  /** Price impact and cost of our net execution. */
  readonly impact: ImpactModel;
  /**
   * Volatility regimes; `volMultiplier()` is the regime's σ in dollars per √second (build it
   * with the nominal σ as its volatility scale) and `flowMultiplier()` scales the flow.
   */
  readonly regimes: RegimeModel;
}
