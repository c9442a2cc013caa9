/**
 * The agent list of the sidebar: every agent of the registry, and one PPO entry per trained
 * model found (a folder with a `checkpoint.json` under `data/models/` or under the
 * dashboard's own training runs in `out/dashboard/models/`).
 *
 * @module
 */
import { agentDefinition, agentIds } from "../agents/registry.ts";
import { DEFAULT_PPO_DIR } from "../backtest/agent_spec.ts";
import type { AgentSpec } from "../backtest/types.ts";

/** One agent of the sidebar. */
export interface AgentEntry {
  /** Select value: the registry id, or "ppo:<dir>" for a model other than the default. */
  id: string;
  /** Label. */
  label: string;
  /** "rule": a rule-based agent of the registry; "ppo": a trained model. */
  kind: "rule" | "ppo";
  /** How to build it (`createAgentFromSpec`). */
  spec: AgentSpec;
  /** False when it cannot run. */
  available: boolean;
  /** Why not. */
  reason?: string;
  /** Model directory (PPO), relative to the root. */
  modelDir?: string;
  /** Where the model comes from: "shipped" (data/models) or "dashboard" (trained here). */
  origin?: "shipped" | "dashboard";
}

/** Folders searched for trained PPO models, relative to the root. */
export const MODEL_DIRS: readonly { dir: string; origin: "shipped" | "dashboard" }[] = [
  { dir: "data/models", origin: "shipped" },
  { dir: "out/dashboard/models", origin: "dashboard" },
];

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** The trained models under `root`'s model folders, sorted by folder. */
export async function findModels(
  root: string,
): Promise<{ dir: string; name: string; origin: "shipped" | "dashboard" }[]> {
  const out: { dir: string; name: string; origin: "shipped" | "dashboard" }[] = [];
  for (const { dir, origin } of MODEL_DIRS) {
    const names: string[] = [];
    try {
      for await (const e of Deno.readDir(`${root}/${dir}`)) if (e.isDirectory) names.push(e.name);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (await isFile(`${root}/${dir}/${name}/checkpoint.json`)) {
        out.push({ dir: `${dir}/${name}`, name, origin });
      }
    }
  }
  return out;
}

/**
 * The sidebar's agents: the registry's non-learned agents, then one entry per trained model
 * (`ppo` for the default model `data/models/ppo`, `ppo:<dir>` for the others).
 */
export async function listAgents(root: string): Promise<AgentEntry[]> {
  const out: AgentEntry[] = agentIds().filter((id) => agentDefinition(id).kind !== "learned")
    .map((id) => ({
      id,
      label: agentDefinition(id).name,
      kind: "rule",
      spec: { id },
      available: true,
    }));
  const models = await findModels(root);
  for (const m of models) {
    const isDefault = m.dir === DEFAULT_PPO_DIR;
    out.push({
      id: isDefault ? "ppo" : `ppo:${m.dir}`,
      label: `PPO (${m.name}${m.origin === "dashboard" ? ", trained here" : ""})`,
      kind: "ppo",
      spec: { id: "ppo", params: { dir: `${root}/${m.dir}` } },
      available: true,
      modelDir: m.dir,
      origin: m.origin,
    });
  }
  if (!models.some((m) => m.dir === DEFAULT_PPO_DIR)) {
    out.push({
      id: "ppo",
      label: "PPO (no model)",
      kind: "ppo",
      spec: { id: "ppo" },
      available: false,
      reason: `agent: no trained model at ${DEFAULT_PPO_DIR} (train one in the Training mode ` +
        "or with `deno task train`)",
    });
  }
  return out;
}
