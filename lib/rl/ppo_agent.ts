/**
 * The trained PPO policy as an {@linkcode Agent} (id "ppo"): deterministic (acts with
 * the policy mean), applies the observation normalization saved with the model, and maps
 * the normalized action to raw quotes with the bounds of the env it trades in.
 *
 * @module
 */
import { NotAvailableError } from "../errors.ts";
import { type CheckpointState, hasCheckpoint, loadCheckpoint } from "./checkpoint.ts";
import { PpoPolicy } from "./policy.ts";
import { agentDefinition, registerAgent, registerAgentFactory } from "../agents/registry.ts";
import { type AgentView, OBS_DIM } from "../env/types.ts";
import type { Agent, AgentContext } from "../agents/types.ts";

/** Where the shipped model lives, relative to the repository root. */
export const DEFAULT_PPO_MODEL_DIR = "data/models/ppo";

/** The PPO agent around a loaded {@linkcode PpoPolicy}. */
export class PpoAgent implements Agent {
  /** "ppo". */
  readonly id = "ppo";
  /** Display name. */
  readonly name = "PPO";
  /** The policy. */
  readonly policy: PpoPolicy;
  #rows = 0;

  /** Wraps `policy`. */
  constructor(policy: PpoPolicy) {
    this.policy = policy;
  }

  /** Takes the action bounds of `ctx.config`. */
  reset(ctx: AgentContext): void {
    this.policy.setEnvConfig(ctx.config, ctx.numEnvs);
    this.#rows = ctx.numEnvs;
  }

  /** Raw actions from the policy mean for every env. */
  act(observations: Float64Array, view: AgentView, out: Float64Array): void {
    const rows = this.#rows || Math.floor(observations.length / OBS_DIM);
    this.policy.act(observations, view, rows, out);
  }
}

/**
 * Loads the PPO agent from `dir` (default `data/models/ppo`). Throws a
 * `NotAvailableError` when there is no model there and a `CheckpointError` when the
 * model is corrupt or does not match this build.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPpoAgent } from "./ppo_agent.ts";
 * import { makeVecEnv } from "../env/make.ts";
 * import { ACT_DIM } from "../env/types.ts";
 * const env = makeVecEnv({ tier: "model", duration: 10 }, 2);
 * env.reset([1, 2]);
 * const agent = await loadPpoAgent(); // the shipped model in data/models/ppo
 * agent.reset({ config: env.config, numEnvs: 2, seed: 1 });
 * const actions = new Float64Array(2 * ACT_DIM);
 * agent.act(env.observations, env.view, actions); // bid/ask offsets (ticks), sizes (lots)
 * assert.ok(actions.every((a) => Number.isFinite(a) && a >= 0));
 * await assert.rejects(loadPpoAgent("no/such/dir"), /no trained model at no\/such\/dir/);
 * ```
 */
export async function loadPpoAgent(dir: string = DEFAULT_PPO_MODEL_DIR): Promise<PpoAgent> {
  return new PpoAgent(new PpoPolicy(await loadModel(dir)));
}

async function loadModel(dir: string): Promise<CheckpointState> {
  if (!(await hasCheckpoint(dir))) {
    throw new NotAvailableError(
      `ppo: no trained model at ${dir}; run \`deno task train --seed 1 --out ${dir}\` to train one`,
    );
  }
  return await loadCheckpoint(dir);
}

/**
 * Loads the model in `dir` once and registers "ppo" with the agent registry, so that
 * `createAgent("ppo")` returns a fresh {@linkcode PpoAgent} (each with its own buffers).
 * Same errors as {@linkcode loadPpoAgent}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createAgent } from "../agents/registry.ts";
 * import { registerPpoAgent } from "./ppo_agent.ts";
 * await registerPpoAgent(); // loads data/models/ppo once
 * const a = createAgent("ppo"), b = createAgent("ppo");
 * assert.equal(a.id, "ppo");
 * assert.notEqual(a, b); // a fresh agent (with its own buffers) each time
 * ```
 */
export async function registerPpoAgent(dir: string = DEFAULT_PPO_MODEL_DIR): Promise<void> {
  const state = await loadModel(dir);
  registerAgentFactory("ppo", () => new PpoAgent(new PpoPolicy(state)));
}

// Importing this module makes "ppo" loadable through the registry: `createAgentAsync("ppo",
// { dir })` loads the model in `dir` (default data/models/ppo).
registerAgent({
  ...agentDefinition("ppo"),
  create: (p) => loadPpoAgent(typeof p.dir === "string" ? p.dir : DEFAULT_PPO_MODEL_DIR),
  module: import.meta.url,
}, { replace: true });
