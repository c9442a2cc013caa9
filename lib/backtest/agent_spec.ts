/**
 * Creates agents from {@linkcode AgentSpec}s, in the main thread or in a worker. The
 * PPO agent is loaded on demand from `lib/rl/ppo_agent.ts` (so TensorFlow.js is only
 * loaded when PPO runs); when it or its trained model is missing, a `NotAvailableError`
 * says why.
 *
 * @module
 */
import { AlpeError, NotAvailableError } from "../errors.ts";
import { agentDefinition, createAgentAsync, isAgentId } from "../agents/registry.ts";
import type { Agent } from "../agents/types.ts";
import type { AgentSpec } from "./types.ts";

/** Default directory of the trained PPO model. */
export const DEFAULT_PPO_DIR = "data/models/ppo";

/** The module that exports `loadPpoAgent(dir)`. */
const PPO_MODULE = new URL("../rl/ppo_agent.ts", import.meta.url).href;

const learnedCache = new Map<string, Promise<Agent>>();

const BUILT_IN_MODULE = agentDefinition("random").module;

type PpoModule = { loadPpoAgent?: (dir: string) => Agent | Promise<Agent> };

/**
 * Loads the trained PPO agent from `dir`. Throws a `NotAvailableError` when the PPO module
 * or a trained model is not there.
 */
export async function loadPpo(dir: string = DEFAULT_PPO_DIR): Promise<Agent> {
  // Any trained model lives in `dir`: without it, say so without loading TensorFlow.js.
  try {
    await Deno.stat(dir);
  } catch {
    throw new NotAvailableError(
      `agent "ppo" is not available: no trained model at ${dir} (train one with ` +
        "`deno task train`)",
    );
  }
  let mod: PpoModule;
  try {
    mod = await import(PPO_MODULE) as PpoModule;
  } catch (err) {
    const missing = /module not found/i.test(firstLine(err));
    throw new NotAvailableError(
      missing
        ? `agent "ppo" is not available: the PPO agent (lib/rl/ppo_agent.ts) is not built ` +
          `yet, so there is no trained model to load from ${dir}`
        : `agent "ppo" is not available: lib/rl/ppo_agent.ts could not be loaded (${
          firstLine(err)
        })`,
    );
  }
  if (typeof mod.loadPpoAgent !== "function") {
    throw new NotAvailableError(
      'agent "ppo" is not available: lib/rl/ppo_agent.ts does not export loadPpoAgent',
    );
  }
  try {
    return await mod.loadPpoAgent(dir);
  } catch (err) {
    if (err instanceof AlpeError) throw err;
    throw new NotAvailableError(
      `agent "ppo" is not available: loading ${dir} failed (${firstLine(err)})`,
    );
  }
}

/**
 * The agent described by `spec`: learned agents are loaded from their model directory
 * (`params.dir`, else the definition's `modelDir`; ALPE's "ppo" through
 * {@linkcode loadPpo}, once per thread and directory), every other agent is created through
 * the registry. When the id is not registered in this thread (a worker) and the spec names
 * the `module` that registers it, that module is imported first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createAgentFromSpec } from "./agent_spec.ts";
 * const agent = await createAgentFromSpec({ id: "static-spread" });
 * assert.equal(agent.id, "static-spread");
 * ```
 */
export async function createAgentFromSpec(spec: AgentSpec): Promise<Agent> {
  if (!isAgentId(spec.id) && spec.module) await import(spec.module);
  const def = agentDefinition(spec.id);
  if (def.kind === "learned") {
    const raw = spec.params?.dir;
    const dir = typeof raw === "string" ? raw : def.modelDir ?? DEFAULT_PPO_DIR;
    // One loaded model per thread, agent and directory: jobs run one after another in a
    // thread and every job calls `reset`, so reusing the agent is safe and skips reloading.
    const key = `${def.id}\u0000${dir}`;
    let agent = learnedCache.get(key);
    if (!agent) {
      agent = def.id === "ppo" ? loadPpo(dir) : createAgentAsync(def.id, { dir });
      learnedCache.set(key, agent);
      agent.catch(() => learnedCache.delete(key));
    }
    return await agent;
  }
  return await createAgentAsync(spec.id, spec.params ?? {});
}

/**
 * The spec of agent `id` with `params`, carrying the module that registers it when that is
 * not ALPE's own registry (so that worker threads can create it).
 */
export function agentSpec(id: string, params?: Record<string, unknown>): AgentSpec {
  const def = agentDefinition(id);
  const spec: AgentSpec = params ? { id, params } : { id };
  if (def.module && def.module !== BUILT_IN_MODULE) spec.module = def.module;
  return spec;
}

/**
 * True when every spec can be created in a worker thread: built-in agents, learned agents,
 * and agents whose definition names the module that registers them. An agent defined in a
 * notebook cell (no module) runs in the main thread only.
 */
export function specsRunInWorkers(specs: readonly AgentSpec[]): boolean {
  return specs.every((s) => {
    const def = agentDefinition(s.id);
    return def.kind === "learned" || def.module !== undefined;
  });
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0];
}
