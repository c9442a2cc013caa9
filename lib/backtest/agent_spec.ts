/**
 * Creates agents from {@linkcode AgentSpec}s, in the main thread or in a worker. The
 * PPO agent is loaded on demand from `lib/rl/ppo_agent.ts` (so TensorFlow.js is only
 * loaded when PPO runs); when it or its trained model is missing, a `NotAvailableError`
 * says why.
 *
 * @module
 */
import { AlpeError, NotAvailableError } from "../errors.ts";
import { createAgent } from "../agents/registry.ts";
import type { Agent } from "../agents/types.ts";
import type { AgentSpec } from "./types.ts";

/** Default directory of the trained PPO model. */
export const DEFAULT_PPO_DIR = "data/models/ppo";

/** The module that exports `loadPpoAgent(dir)`. */
const PPO_MODULE = new URL("../rl/ppo_agent.ts", import.meta.url).href;

const ppoCache = new Map<string, Promise<Agent>>();

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
 * The agent described by `spec`: `createAgent(id, params)` for the rule-based agents,
 * {@linkcode loadPpo} for "ppo".
 *
 * @example
 * ```ts
 * import { createAgentFromSpec } from "./agent_spec.ts";
 * const agent = await createAgentFromSpec({ id: "static-spread" });
 * agent.id; // "static-spread"
 * ```
 */
export async function createAgentFromSpec(spec: AgentSpec): Promise<Agent> {
  if (spec.id === "ppo") {
    const raw = spec.params?.dir;
    const dir = typeof raw === "string" ? raw : DEFAULT_PPO_DIR;
    // One loaded model per thread and directory: jobs run one after another in a thread
    // and every job calls `reset`, so reusing the agent is safe and skips reloading.
    let agent = ppoCache.get(dir);
    if (!agent) {
      agent = loadPpo(dir);
      ppoCache.set(dir, agent);
      agent.catch(() => ppoCache.delete(dir));
    }
    return await agent;
  }
  return createAgent(spec.id, spec.params ?? {});
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0];
}
