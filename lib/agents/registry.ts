/**
 * The agent registry: ids, construction by id with per-agent parameter validation.
 *
 * @module
 */
import { NotAvailableError, ValidationError } from "../errors.ts";
import type { Agent } from "./types.ts";
import { AdaptiveSpreadAgent, type AdaptiveSpreadParams } from "./adaptive_spread.ts";
import { AvellanedaStoikovAgent, type AvellanedaStoikovParams } from "./avellaneda_stoikov.ts";
import { GlftAgent, type GlftParams } from "./glft.ts";
import { RandomAgent, type RandomAgentParams } from "./random.ts";
import { StaticSpreadAgent, type StaticSpreadParams } from "./static_spread.ts";

/** Every agent id ALPE knows, in display order ("ppo" is built by the RL module). */
export const AGENT_IDS = [
  "random",
  "static-spread",
  "adaptive-spread",
  "avellaneda-stoikov",
  "glft",
  "ppo",
] as const;

/** An agent id. */
export type AgentId = typeof AGENT_IDS[number];

/** The ids of the rule-based agents implemented in this module (all but "ppo"). */
export const BASELINE_AGENT_IDS: readonly Exclude<AgentId, "ppo">[] = AGENT_IDS.filter(
  (id): id is Exclude<AgentId, "ppo"> => id !== "ppo",
);

/** Parameters accepted by each agent id. */
export interface AgentParamsById {
  /** {@linkcode RandomAgent}: none. */
  "random": Partial<RandomAgentParams>;
  /** {@linkcode StaticSpreadAgent}. */
  "static-spread": Partial<StaticSpreadParams>;
  /** {@linkcode AdaptiveSpreadAgent}. */
  "adaptive-spread": Partial<AdaptiveSpreadParams>;
  /** {@linkcode AvellanedaStoikovAgent}. */
  "avellaneda-stoikov": Partial<AvellanedaStoikovParams>;
  /** {@linkcode GlftAgent}. */
  "glft": Partial<GlftParams>;
  /** The PPO agent's parameters, validated by its factory (registered by lib/rl). */
  "ppo": Record<string, unknown>;
}

/** Builds an agent from (unvalidated) parameters; throws ValidationError on bad ones. */
export type AgentFactory = (params: Record<string, unknown>) => Agent;

const factories = new Map<AgentId, AgentFactory>([
  ["random", (p) => new RandomAgent(p as Partial<RandomAgentParams>)],
  ["static-spread", (p) => new StaticSpreadAgent(p as Partial<StaticSpreadParams>)],
  ["adaptive-spread", (p) => new AdaptiveSpreadAgent(p as Partial<AdaptiveSpreadParams>)],
  [
    "avellaneda-stoikov",
    (p) => new AvellanedaStoikovAgent(p as Partial<AvellanedaStoikovParams>),
  ],
  ["glft", (p) => new GlftAgent(p as Partial<GlftParams>)],
]);

/** True when `id` is one of {@linkcode AGENT_IDS}. */
export function isAgentId(id: unknown): id is AgentId {
  return typeof id === "string" && (AGENT_IDS as readonly string[]).includes(id);
}

/**
 * Registers the factory of an id whose implementation lives outside this module (the
 * RL module registers "ppo" this way, avoiding an import cycle). Replaces any earlier
 * factory for that id.
 */
export function registerAgentFactory(id: AgentId, factory: AgentFactory): void {
  if (!isAgentId(id)) throw new ValidationError("agent", id, `one of ${AGENT_IDS.join(", ")}`);
  factories.set(id, factory);
}

/**
 * Creates the agent `id` with `params` (each agent validates its own parameters and
 * rejects unknown names with a ValidationError naming `<id>.<parameter>`).
 * Throws a ValidationError("agent", id, allowed ids) for an unknown id, and a
 * NotAvailableError for "ppo" until the RL module registered it.
 *
 * @example
 * ```ts
 * import { createAgent } from "./registry.ts";
 * const as = createAgent("avellaneda-stoikov", { gamma: 0.05 });
 * as.id; // "avellaneda-stoikov"
 * ```
 */
export function createAgent<Id extends AgentId>(id: Id, params?: AgentParamsById[Id]): Agent;
/** Creates an agent from an id given as an arbitrary string (e.g. a CLI flag). */
export function createAgent(id: string, params?: Record<string, unknown>): Agent;
export function createAgent(id: string, params: Record<string, unknown> = {}): Agent {
  if (!isAgentId(id)) {
    throw new ValidationError("agent", id, `one of ${AGENT_IDS.join(", ")}`);
  }
  const factory = factories.get(id);
  if (!factory) {
    throw new NotAvailableError(
      `agent "${id}" is not available: it is created by the RL module (lib/rl), which has not registered it`,
    );
  }
  return factory(params);
}
