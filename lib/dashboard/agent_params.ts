/**
 * The parameters an agent runs with in the dashboard. Avellaneda–Stoikov and GLFT run
 * either with the library's defaults or "calibrated as compare does": A, k, σ fitted and γ
 * tuned on {@linkcode DASHBOARD_CALIBRATION_EPISODES} calibration seeds of the same root
 * seed (`fairModelParams`, in the calling thread: no nested workers, so that terminating a
 * job's worker stops all of its work).
 *
 * @module
 */
import { createAgentFromSpec } from "../backtest/agent_spec.ts";
import { type FairModelParams, fairModelParams } from "../backtest/fair_params.ts";
import { DEFAULT_CALIBRATION_EPISODES } from "../backtest/compare.ts";
import { calibrationSeeds, evaluationSeeds } from "../backtest/seeds.ts";
import type { AgentSpec } from "../backtest/types.ts";
import type { EnvConfig } from "../env/config.ts";
import type { Agent } from "../agents/types.ts";

/** Calibration episodes of the "calibrated" mode (as `deno task compare`). */
export const DASHBOARD_CALIBRATION_EPISODES = DEFAULT_CALIBRATION_EPISODES;

/** The cache key of fair parameters: the config and the root seed. */
export function fairKey(config: EnvConfig, seed: number): string {
  return `${seed}:${DASHBOARD_CALIBRATION_EPISODES}:${JSON.stringify(config)}`;
}

/** True for the agents whose parameters are calibrated. */
export function isModelAgent(id: string): id is "avellaneda-stoikov" | "glft" {
  return id === "avellaneda-stoikov" || id === "glft";
}

/** Fair parameters of AS and GLFT for `config` and root `seed` (both tuned, in this thread). */
export function dashboardFairParams(
  config: EnvConfig,
  seed: number,
  episodes = 1,
): Promise<FairModelParams> {
  const seeds = calibrationSeeds(
    seed,
    DASHBOARD_CALIBRATION_EPISODES,
    evaluationSeeds(seed, episodes),
  );
  return fairModelParams(config, seeds, { workers: 0 });
}

/** An agent with the parameters it runs with and where they come from. */
export interface ResolvedAgent {
  /** The spec (with calibrated parameters when asked for). */
  spec: AgentSpec;
  /** AS/GLFT parameters, else null. */
  params: Record<string, number> | null;
  /** One line on where the parameters come from. */
  note: string;
}

/** The spec of `spec` with calibrated parameters for AS/GLFT when `fair` is given. */
export function resolveSpec(spec: AgentSpec, fair: FairModelParams | null): ResolvedAgent {
  if (!isModelAgent(spec.id)) {
    return {
      spec,
      params: null,
      note: spec.id === "ppo" ? "trained model" : "library defaults",
    };
  }
  if (!fair) return { spec, params: null, note: "library defaults (not calibrated)" };
  const p = fair[spec.id].params;
  return {
    spec: { id: spec.id, params: { ...p } },
    params: { ...p },
    note: `calibrated on ${fair.seeds.length} calibration seeds (A, k, σ fitted; γ tuned), ` +
      "as deno task compare",
  };
}

/** Builds the agent of a resolved spec. */
export function buildAgent(r: ResolvedAgent): Promise<Agent> {
  return createAgentFromSpec(r.spec);
}
