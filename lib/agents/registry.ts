/**
 * The agent registry, open to agents defined outside the library: each agent registers an
 * {@linkcode AgentDefinition} that declares what the tools need to know about it — how to
 * create it, which of its parameters are tuned and over which grid, whether it takes the
 * calibrated market parameters (A, k, σ), whether it is learned and loaded from a model
 * directory. `deno task compare`, the tuning procedure and the dashboard read these
 * declarations and never branch on agent ids.
 *
 * @module
 */
import { NotAvailableError, ValidationError } from "../errors.ts";
import { AdaptiveSpreadAgent, type AdaptiveSpreadParams } from "./adaptive_spread.ts";
import { AvellanedaStoikovAgent, type AvellanedaStoikovParams } from "./avellaneda_stoikov.ts";
import { GlftAgent, type GlftParams } from "./glft.ts";
import { RandomAgent, type RandomAgentParams } from "./random.ts";
import { StaticSpreadAgent, type StaticSpreadParams } from "./static_spread.ts";
import {
  NO_INVENTORY_LIMIT,
  TouchAgent,
  type TouchParams,
  TouchSkewAgent,
  type TouchSkewParams,
} from "./touch.ts";
import { DEFAULT_GAMMA_GRID, GLFT_GAMMA_GRID } from "./tuning.ts";
import type { Agent } from "./types.ts";

/** How the tuning procedure treats an agent (see `tuneAgents` in lib/backtest). */
export interface AgentTuning {
  /**
   * True when the agent takes the market parameters calibrated on the calibration seeds —
   * `A` (fills/s), `k` (1/$) and `sigma` ($/√s) — as parameters.
   */
  readonly calibrated: boolean;
  /**
   * Its own parameters searched on the calibration seeds: parameter name → candidate
   * values. The search runs over the cartesian product, in declaration order (the first
   * point wins ties).
   */
  readonly grid: Readonly<Record<string, readonly number[]>>;
}

/** What the tools know about one agent. */
export interface AgentDefinition {
  /** Stable id: lowercase letters, digits and dashes, e.g. "avellaneda-stoikov". */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** One sentence on what it does. */
  readonly description: string;
  /**
   * `baseline`: a fixed rule; `model-based`: optimal control with calibrated parameters;
   * `learned`: trained, loaded from a model directory.
   */
  readonly kind: "baseline" | "model-based" | "learned";
  /**
   * Builds the agent from (unvalidated) parameters; throws a `ValidationError` naming a
   * bad parameter. Learned agents take `{ dir }` and may be loaded asynchronously.
   */
  readonly create: (params: Record<string, unknown>) => Agent | Promise<Agent>;
  /** Tuning declaration; absent: used as given (never tuned). */
  readonly tuning?: AgentTuning;
  /** Learned agents: the default model directory (relative to the working directory). */
  readonly modelDir?: string;
  /**
   * URL of a module whose import registers this agent. Worker threads import it before
   * creating the agent; an agent without one (e.g. defined in a notebook cell) can only
   * run in-process (`workers: 0`).
   */
  readonly module?: string;
}

const ID_RE = /^[a-z][a-z0-9-]{0,63}$/;

/** Ids of the agents built into ALPE, in display order. */
export const AGENT_IDS = [
  "random",
  "static-spread",
  "adaptive-spread",
  "touch",
  "touch-skew",
  "avellaneda-stoikov",
  "glft",
  "ppo",
] as const;

/** A built-in agent id. */
export type AgentId = typeof AGENT_IDS[number];

/** The built-in rule-based agents (all but the learned "ppo"). */
export const BASELINE_AGENT_IDS: readonly Exclude<AgentId, "ppo">[] = AGENT_IDS.filter(
  (id): id is Exclude<AgentId, "ppo"> => id !== "ppo",
);

/** Parameters accepted by each built-in agent id. */
export interface AgentParamsById {
  /** {@linkcode RandomAgent}: none. */
  "random": Partial<RandomAgentParams>;
  /** {@linkcode StaticSpreadAgent}. */
  "static-spread": Partial<StaticSpreadParams>;
  /** {@linkcode AdaptiveSpreadAgent}. */
  "adaptive-spread": Partial<AdaptiveSpreadParams>;
  /** {@linkcode TouchAgent}. */
  "touch": Partial<TouchParams>;
  /** {@linkcode TouchSkewAgent}. */
  "touch-skew": Partial<TouchSkewParams>;
  /** {@linkcode AvellanedaStoikovAgent}. */
  "avellaneda-stoikov": Partial<AvellanedaStoikovParams>;
  /** {@linkcode GlftAgent}. */
  "glft": Partial<GlftParams>;
  /** The PPO agent: `{ dir }`, its model directory (registered by lib/rl). */
  "ppo": Record<string, unknown>;
}

/** Builds an agent from (unvalidated) parameters; throws ValidationError on bad ones. */
export type AgentFactory = (params: Record<string, unknown>) => Agent;

const THIS_MODULE = import.meta.url;

/** A built-in definition: rule-based agents are registered by this module itself. */
function builtIn(d: Omit<AgentDefinition, "module">): AgentDefinition {
  return { ...d, module: d.kind === "learned" ? undefined : THIS_MODULE };
}

const BUILT_IN: readonly AgentDefinition[] = ([
  {
    id: "random",
    name: "Random",
    description: "Random offsets and sizes: a floor any strategy must clear.",
    kind: "baseline",
    create: (p) => new RandomAgent(p as Partial<RandomAgentParams>),
  },
  {
    id: "static-spread",
    name: "Static spread",
    description: "Fixed symmetric offsets around the mid (AS's symmetric benchmark).",
    kind: "baseline",
    create: (p) => new StaticSpreadAgent(p as Partial<StaticSpreadParams>),
    tuning: { calibrated: false, grid: { halfSpreadTicks: [0.5, 1, 2, 3, 5, 8] } },
  },
  {
    id: "adaptive-spread",
    name: "Adaptive spread",
    description: "Offsets that scale with the volatility estimate and skew with inventory.",
    kind: "baseline",
    create: (p) => new AdaptiveSpreadAgent(p as Partial<AdaptiveSpreadParams>),
    tuning: {
      calibrated: false,
      grid: { baseHalfSpreadTicks: [0.5, 1, 2, 4], inventorySkew: [0, 1, 3] },
    },
  },
  {
    id: "touch",
    name: "Touch",
    description: "Joins the best bid and ask; the side that would grow inventory backs off, " +
      "and stops at an inventory limit.",
    kind: "baseline",
    create: (p) => new TouchAgent(p as Partial<TouchParams>),
    tuning: {
      calibrated: false,
      grid: {
        backoffTicks: [0, 1, 2, 3, 5],
        inventoryLimit: [1, 2, 4, 8, 16, NO_INVENTORY_LIMIT],
      },
    },
  },
  {
    id: "touch-skew",
    name: "Touch (skewed)",
    description: "Joins the touch and shifts both quotes against inventory.",
    kind: "baseline",
    create: (p) => new TouchSkewAgent(p as Partial<TouchSkewParams>),
    tuning: { calibrated: false, grid: { skewTicksPerLot: [0, 0.25, 0.5, 1, 2] } },
  },
  {
    id: "avellaneda-stoikov",
    name: "Avellaneda–Stoikov",
    description: "Reservation price and optimal spread of Avellaneda & Stoikov (2008).",
    kind: "model-based",
    create: (p) => new AvellanedaStoikovAgent(p as Partial<AvellanedaStoikovParams>),
    tuning: { calibrated: true, grid: { gamma: DEFAULT_GAMMA_GRID } },
  },
  {
    id: "glft",
    name: "GLFT",
    description: "Guéant–Lehalle–Fernandez-Tapia (2013) asymptotic optimal quotes.",
    kind: "model-based",
    create: (p) => new GlftAgent(p as Partial<GlftParams>),
    tuning: { calibrated: true, grid: { gamma: GLFT_GAMMA_GRID } },
  },
  {
    id: "ppo",
    name: "PPO",
    description: "Proximal Policy Optimization policy (TensorFlow.js), trained by lib/rl.",
    kind: "learned",
    modelDir: "data/models/ppo",
    create: () => {
      throw new NotAvailableError(
        'agent "ppo" is not available: it is loaded by the RL module (lib/rl), which has not ' +
          "registered it (import lib/rl/ppo_agent.ts)",
      );
    },
  },
] as Omit<AgentDefinition, "module">[]).map(builtIn);

const definitions = new Map<string, AgentDefinition>(BUILT_IN.map((d) => [d.id, d]));

/**
 * Registers an agent (or, with `replace: true`, replaces the definition of an id already
 * registered). Throws a `ValidationError` for a malformed id, an id taken, or a bad tuning
 * grid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createAgent, registerAgent } from "./registry.ts";
 * import { ACT_DIM } from "../env/types.ts";
 * registerAgent({
 *   id: "always-two-ticks",
 *   name: "Two ticks",
 *   description: "Quotes one lot two ticks from the mid.",
 *   kind: "baseline",
 *   create: () => ({
 *     id: "always-two-ticks",
 *     name: "Two ticks",
 *     reset() {},
 *     act(_obs, _view, out) {
 *       for (let i = 0; i < out.length / ACT_DIM; i++) out.set([2, 2, 1, 1], i * ACT_DIM);
 *     },
 *   }),
 * });
 * const agent = createAgent("always-two-ticks");
 * assert.equal(agent.id, "always-two-ticks");
 * ```
 */
export function registerAgent(def: AgentDefinition, options: { replace?: boolean } = {}): void {
  if (typeof def?.id !== "string" || !ID_RE.test(def.id)) {
    throw new ValidationError("agent.id", def?.id, "lowercase letters, digits and dashes");
  }
  if (definitions.has(def.id) && !options.replace) {
    throw new ValidationError("agent.id", def.id, "an id not registered yet (or replace: true)");
  }
  if (typeof def.create !== "function") {
    throw new ValidationError(`${def.id}.create`, def.create, "a function");
  }
  if (def.tuning) {
    for (const [name, values] of Object.entries(def.tuning.grid)) {
      if (!Array.isArray(values) || values.length === 0 || !values.every(Number.isFinite)) {
        throw new ValidationError(`${def.id}.tuning.grid.${name}`, values, "finite numbers");
      }
    }
  }
  definitions.set(def.id, Object.freeze({ ...def }));
}

/** The definition of agent `id`; throws a `ValidationError` naming the known ids. */
export function agentDefinition(id: string, field = "agent"): AgentDefinition {
  const d = definitions.get(id);
  if (!d) throw new ValidationError(field, id, `one of ${agentIds().join(", ")}`);
  return d;
}

/** Every registered agent id: the built-ins in display order, then others as registered. */
export function agentIds(): string[] {
  return [...definitions.keys()];
}

/** True when `id` is a registered agent id. */
export function isAgentId(id: unknown): id is string {
  return typeof id === "string" && definitions.has(id);
}

/**
 * Replaces the factory of an already registered id (the RL module registers "ppo"'s this
 * way, avoiding an import cycle).
 */
export function registerAgentFactory(id: string, factory: AgentFactory): void {
  registerAgent({ ...agentDefinition(id), create: factory }, { replace: true });
}

/**
 * Creates the agent `id` with `params` (each agent validates its own parameters and
 * rejects unknown names with a ValidationError naming `<id>.<parameter>`). Throws a
 * ValidationError("agent", id, known ids) for an unknown id, a NotAvailableError for a
 * learned agent whose module has not registered a loader, and a NotAvailableError when
 * the factory is asynchronous (use {@linkcode createAgentAsync}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createAgent } from "./registry.ts";
 * const as = createAgent("avellaneda-stoikov", { gamma: 0.05 });
 * assert.equal(as.id, "avellaneda-stoikov");
 * ```
 */
export function createAgent<Id extends AgentId>(id: Id, params?: AgentParamsById[Id]): Agent;
/** Creates an agent from an id given as an arbitrary string (e.g. a CLI flag). */
export function createAgent(id: string, params?: Record<string, unknown>): Agent;
export function createAgent(id: string, params: Record<string, unknown> = {}): Agent {
  const agent = agentDefinition(id).create(params);
  if (agent instanceof Promise) {
    agent.catch(() => {});
    throw new NotAvailableError(`agent "${id}" loads asynchronously: use createAgentAsync`);
  }
  return agent;
}

/** Creates the agent `id` with `params`, awaiting an asynchronous factory (learned agents). */
export async function createAgentAsync(
  id: string,
  params: Record<string, unknown> = {},
): Promise<Agent> {
  return await agentDefinition(id).create(params);
}
