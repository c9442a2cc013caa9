/**
 * The agent contract: act on a batch of observations plus the {@linkcode AgentView}
 * (what a strategy may legitimately see), writing raw actions in place.
 *
 * @module
 */
import type { EnvConfig } from "../env/config.ts";
import type { AgentView } from "../env/types.ts";

/** What an agent is told about the market it trades in, once per batch of episodes. */
export interface AgentContext {
  /** The environment configuration (tick size, lot size, dt, bounds…). */
  readonly config: EnvConfig;
  /** Number of environments in the batch. */
  readonly numEnvs: number;
  /** Seed for the agent's own randomness (exploration, random baseline). */
  readonly seed: number;
}

/**
 * A market-making strategy acting on N environments at once.
 *
 * `act` reads `observations` (row-major N × OBS_DIM) and `view`, and writes raw actions
 * (row-major N × ACT_DIM: bid offset ticks, ask offset ticks, bid size lots, ask size lots)
 * into `out`. It must be deterministic given the seed passed to `reset`.
 */
export interface Agent {
  /** Stable identifier, e.g. "avellaneda-stoikov". */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Prepares for a new batch of episodes. */
  reset(ctx: AgentContext): void;
  /** Computes actions for every environment. */
  act(observations: Float64Array, view: AgentView, out: Float64Array): void;
}
