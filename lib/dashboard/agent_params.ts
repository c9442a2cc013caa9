/**
 * The parameters an agent runs with in the dashboard: the registry's defaults, or "tuned as
 * compare does" for every agent that declares a tuning grid (A, k, σ fitted for the agents
 * that take them, then the grid searched on {@linkcode DASHBOARD_CALIBRATION_EPISODES}
 * calibration seeds of the same root seed: `tuneAgents`, in the calling thread — no nested
 * workers, so that terminating a job's worker stops all of its work). Tuned parameters are
 * cached by the server per market config, root seed and agent.
 *
 * @module
 */
import { agentDefinition, isAgentId } from "../agents/registry.ts";
import type { Agent } from "../agents/types.ts";
import { agentSpec, createAgentFromSpec } from "../backtest/agent_spec.ts";
import { DEFAULT_CALIBRATION_EPISODES } from "../backtest/compare.ts";
import { tuneAgents, type TunedAgentParams } from "../backtest/fair_params.ts";
import { calibrationSeeds, evaluationSeeds } from "../backtest/seeds.ts";
import type { AgentSpec } from "../backtest/types.ts";
import type { EnvConfig } from "../env/config.ts";

/** Calibration episodes of the "tuned" mode (as `deno task compare`). */
export const DASHBOARD_CALIBRATION_EPISODES = DEFAULT_CALIBRATION_EPISODES;

/** Tuned parameters by cache key ({@linkcode tunedKey}). */
export type TunedCache = Record<string, TunedAgentParams>;

/** The cache key of one agent's tuned parameters: market config, root seed, agent. */
export function tunedKey(config: EnvConfig, seed: number, id: string): string {
  return `${id}:${seed}:${DASHBOARD_CALIBRATION_EPISODES}:${JSON.stringify(config)}`;
}

/** True for the agents that declare a tuning grid. */
export function isTunable(id: string): boolean {
  return isAgentId(id) && agentDefinition(id).tuning !== undefined;
}

/**
 * Tunes `ids` (those with a grid) for `config` and root `seed` in this thread, as compare
 * does, and returns their parameters by cache key.
 */
export async function dashboardTune(
  config: EnvConfig,
  seed: number,
  ids: readonly string[],
  episodes = 1,
): Promise<TunedCache> {
  const tunable = ids.filter(isTunable);
  if (tunable.length === 0) return {};
  const seeds = calibrationSeeds(
    seed,
    DASHBOARD_CALIBRATION_EPISODES,
    evaluationSeeds(seed, episodes),
  );
  const fair = await tuneAgents(config, seeds, tunable, { workers: 0 });
  const out: TunedCache = {};
  for (const [id, t] of Object.entries(fair.agents)) out[tunedKey(config, seed, id)] = t;
  return out;
}

/** An agent with the parameters it runs with and where they come from. */
export interface ResolvedAgent {
  /** The spec (with tuned parameters when given). */
  spec: AgentSpec;
  /** The tuned parameters, else null. */
  params: Record<string, number> | null;
  /** One line on where the parameters come from. */
  note: string;
}

/** `spec` with `tuned` parameters when given (learned agents keep their model). */
export function resolveSpec(spec: AgentSpec, tuned: TunedAgentParams | null): ResolvedAgent {
  if (isAgentId(spec.id) && agentDefinition(spec.id).kind === "learned") {
    return { spec, params: null, note: "trained model" };
  }
  if (!tuned) return { spec, params: null, note: "the registry's defaults (not tuned)" };
  return {
    spec: agentSpec(spec.id, { ...tuned.params }),
    params: { ...tuned.params },
    note: `tuned on ${DASHBOARD_CALIBRATION_EPISODES} calibration seeds, as deno task compare`,
  };
}

/** Builds the agent of a resolved spec. */
export function buildAgent(r: ResolvedAgent): Promise<Agent> {
  return createAgentFromSpec(r.spec);
}
