/**
 * Deterministic expansion of a sweep spec into jobs. Three kinds:
 *
 * - **tune**: calibrate A, k, σ and tune γ of avellaneda-stoikov or glft in one market on
 *   the calibration seeds (`fairModelParams`, as `deno task compare` does);
 * - **train**: one PPO training run (`PpoTrainer`) for one training seed (and market);
 * - **eval**: one agent variant over one chunk of evaluation episodes in one market
 *   (`runJob`), depending on a tune or train job when its parameters or model come from one.
 *
 * Every job has a key: the first 128 bits of the SHA-256 of the canonical JSON of its
 * content — what it computes (configs, parameters, seeds, dependency keys), the digests of
 * the files it reads, and the code version — never where, when or under which label it
 * runs. The plan lists jobs in a fixed order (tune and train jobs first, then evaluations
 * by market, variant and chunk) and is the same on every machine for the same spec, code
 * and data.
 *
 * Seeds follow `deno task compare`: evaluation episode e uses `childSeed(seed, e)` in
 * every market for every agent (common random numbers); calibration seeds are
 * `calibrationSeeds(seed, calibrationEpisodes, evaluation)`; an agent's own randomness
 * in chunk c is `agentChunkSeed(seed, id, c)`. A sweep of one market with compare's agents
 * therefore reproduces compare's numbers.
 *
 * @module
 */
import type { EnvConfig } from "../env/config.ts";
import { ValidationError } from "../errors.ts";
import { type AgentDefinition, agentDefinition, agentIds, isAgentId } from "../agents/registry.ts";
import { defaultCapitalBase } from "../analytics/mod.ts";
import { createAgentFromSpec, DEFAULT_PPO_DIR } from "../backtest/agent_spec.ts";
import { agentChunkSeed, calibrationSeeds, evaluationSeeds } from "../backtest/seeds.ts";
import type { JobSummaryOptions } from "../backtest/types.ts";
import { mergeConfig, parseTrainConfig, type TrainConfig } from "../rl/config.ts";
import { trainingSeeds } from "../rl/seeds.ts";
import { contentKey } from "./hash.ts";
import { type MarketResolver, type ResolvedMarket, resolveMarkets } from "./markets.ts";
import { parseSweepSpec, type SweepAgentSpec, type SweepSpec } from "./spec.ts";
import { codeVersion, dataDigests, modelFiles } from "./version.ts";

/** Version of the job-key layout (part of every key). */
export const KEY_FORMAT = 1;

/** Tune one agent in one market by compare's procedure (`tuneAgents`). */
export interface TuneTask {
  /** "tune". */
  kind: "tune";
  /** The market's env config. */
  config: EnvConfig;
  /** The agent tuned (a registered id with a tuning declaration). */
  agent: string;
  /** The module that registers it, path from the project root (agents from outside ALPE). */
  module?: string;
  /** Calibration seeds. */
  seeds: number[];
}

/** Train one PPO model. */
export interface TrainTask {
  /** "train". */
  kind: "train";
  /** The validated training config (seed set). */
  config: TrainConfig;
}

/** How an evaluation builds its agent. */
export interface EvalAgent {
  /** Agent id (a registry id, "ppo", or the name of a module agent). */
  id: string;
  /** Parameters (for tuned agents: merged over the tune job's result). */
  params: Record<string, unknown>;
  /** The module that registers the agent, path from the project root (agents from outside ALPE). */
  module?: string;
  /** Model directory, for learned agents evaluated from a directory. */
  modelDir?: string;
  /** Key of the tune job whose parameters this agent starts from. */
  tune?: string;
  /** Key of the train job whose model this agent runs. */
  model?: string;
}

/** Run one agent variant over a chunk of evaluation episodes. */
export interface EvalTask {
  /** "eval". */
  kind: "eval";
  /** The market's env config. */
  config: EnvConfig;
  /** The agent. */
  agent: EvalAgent;
  /** Evaluation seeds of the chunk. */
  seeds: number[];
  /** Seed of the agent's own randomness in this chunk. */
  agentSeed: number;
  /** How episodes are summarized. */
  summary: JobSummaryOptions;
  /** Points per equity curve. */
  curvePoints: number;
}

/** What a job computes. */
export type SweepTask = TuneTask | TrainTask | EvalTask;

/** A job of the plan. */
export interface PlannedJob {
  /** Content key. */
  key: string;
  /** What it computes. */
  task: SweepTask;
  /** Keys of the jobs whose results it needs. */
  deps: string[];
  /** Digests of the files it reads: `{ path: sha256 }`. */
  data: Record<string, string>;
  /** A short human description, e.g. `eval default/glft #2`. */
  title: string;
}

/** How an agent variant gets its agent. */
export type VariantSource = "params" | "tuned" | "model" | "trained" | "module";

/** One agent variant: an agent entry with one combination of its grid (and training seed). */
export interface Variant {
  /** Name in the results (distinct). */
  label: string;
  /** Agent id. */
  id: string;
  /** Index of its entry in the spec's `agents`. */
  entry: number;
  /** Where its agent comes from. */
  source: VariantSource;
  /** Its fixed parameters (grid values included). */
  params: Record<string, unknown>;
  /** PPO model directory (source "model"). */
  modelDir?: string;
  /** Training seed (source "trained"). */
  trainSeed?: number;
  /** Module path (source "module"). */
  module?: string;
  /** Source "model": evaluation seeds the model saw in training (from its checkpoint). */
  heldOut?: { evaluationSeedsSeenInTraining: number; trainingSeeds: number };
}

/** One cell of the result: a variant in a market, and the jobs of its chunks. */
export interface Cell {
  /** Market name. */
  market: string;
  /** Variant label. */
  variant: string;
  /** Evaluation job keys, in chunk order. */
  jobs: string[];
  /** The tune job the variant depends on in this market. */
  tune?: string;
  /** The train job whose model the variant runs in this market. */
  model?: string;
}

/** The expanded sweep. */
export interface SweepPlan {
  /** The validated spec. */
  spec: SweepSpec;
  /** Content key of the spec (canonical JSON). */
  specKey: string;
  /** Code version the plan (and every key) was made with. */
  code: string;
  /** Markets, in spec order. */
  markets: ResolvedMarket[];
  /** Agent variants, in spec order. */
  variants: Variant[];
  /** Seeds used. */
  seeds: { evaluation: number[]; calibration: number[] };
  /** Every job once (identical content: one job), dependencies first. */
  jobs: PlannedJob[];
  /** Market-major, then variant. */
  cells: Cell[];
}

/** Options of {@linkcode planSweep}. */
export interface PlanOptions {
  /** Market resolvers (default `defaultMarketResolvers()`). */
  resolvers?: readonly MarketResolver[];
  /** Code version (default: this checkout's {@linkcode codeVersion}). */
  code?: string;
}

/**
 * Validates `input` (a sweep spec) and expands it into jobs. Every agent variant is built
 * once here, so that a bad id or parameter fails before any job runs, with the field named
 * (`agents[1].params.gamma`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planSweep } from "./plan.ts";
 * const plan = await planSweep({
 *   episodes: 4, chunkSize: 2, env: { tier: "model", duration: 10 },
 *   agents: [{ id: "static-spread" }, { id: "avellaneda-stoikov", grid: { gamma: [0.1, 1] } }],
 * });
 * assert.equal(plan.jobs.length, 3 * 2); // 3 variants × 2 chunks
 * assert.deepEqual(plan.variants.map((v) => v.label), [
 *   "static-spread", "avellaneda-stoikov[gamma=0.1]", "avellaneda-stoikov[gamma=1]",
 * ]);
 * ```
 */
export async function planSweep(input: unknown, options: PlanOptions = {}): Promise<SweepPlan> {
  const spec = parseSweepSpec(input);
  const code = options.code ?? await codeVersion();
  const markets = await resolveMarkets(spec.markets, spec.env, options.resolvers);
  const evaluation = evaluationSeeds(spec.seed, spec.episodes);
  const variants = await expandVariants(spec);
  const needsCalibration = variants.some((v) => v.source === "tuned");
  const calibration = needsCalibration
    ? calibrationSeeds(spec.seed, spec.calibrationEpisodes, evaluation)
    : [];

  const jobs = new Map<string, PlannedJob>();
  const add = (
    task: SweepTask,
    deps: string[],
    data: Record<string, string>,
    title: string,
  ): string => {
    const key = contentKey({ format: KEY_FORMAT, code, task, data });
    if (!jobs.has(key)) jobs.set(key, { key, task, deps, data, title });
    return key;
  };

  // Training jobs: per (entry, seed), or per (entry, market, seed).
  const trainKey = new Map<string, string>(); // `${label}\u0000${market}` → key
  for (const v of variants.filter((v) => v.source === "trained")) {
    const entry = spec.agents[v.entry];
    const train = entry.train!;
    const field = `agents[${v.entry}].train.config`;
    const targets = train.perMarket ? markets : [null];
    for (const m of targets) {
      const input = mergeConfig(train.config, { seed: v.trainSeed! });
      if (m) input.env = m.config;
      const config = parsePrefixed(() => parseTrainConfig(input), field);
      const key = add(
        { kind: "train", config },
        [],
        await dataDigests(m ? m.files : [], "markets data"),
        `train ${v.label}${m ? ` on ${m.name}` : ""}`,
      );
      for (const mm of train.perMarket ? [m!] : markets) {
        trainKey.set(`${v.label}\u0000${mm.name}`, key);
      }
    }
  }

  // Tune jobs: per (market, agent id).
  const tuneKey = new Map<string, string>(); // `${id}\u0000${market}` → key
  const tunedIds = [...new Set(variants.filter((v) => v.source === "tuned").map((v) => v.id))];
  for (const m of markets) {
    for (const id of tunedIds) {
      const module = variants.find((v) => v.id === id && v.module)?.module;
      const task: TuneTask = { kind: "tune", config: m.config, agent: id, seeds: calibration };
      if (module) task.module = module;
      const data = await dataDigests(
        [...m.files, ...(module ? [module] : [])],
        "markets/agents data",
      );
      const key = add(task, [], data, `tune ${m.name}/${id}`);
      tuneKey.set(`${id}\u0000${m.name}`, key);
    }
  }

  // Data read by evaluations: models, modules, market files.
  const variantFiles = new Map<string, string[]>();
  for (const v of variants) {
    const files: string[] = [];
    if (v.source === "model") {
      files.push(...await modelFiles(v.modelDir!, `agents[${v.entry}].model`));
      try {
        const rec = JSON.parse(await Deno.readTextFile(`${v.modelDir}/checkpoint.json`));
        v.heldOut = heldOut(rec, evaluation);
      } catch { /* an unreadable record is caught when the model loads */ }
    }
    if (v.module) files.push(v.module);
    variantFiles.set(v.label, files);
  }

  const cells: Cell[] = [];
  for (const m of markets) {
    const summary: JobSummaryOptions = {
      capitalBase: defaultCapitalBase(m.config),
      period: spec.period,
      impactWeight: m.config.reward.impact,
    };
    for (const v of variants) {
      const data = await dataDigests(
        [...m.files, ...variantFiles.get(v.label)!],
        `markets/agents data`,
      );
      const tune = v.source === "tuned" ? tuneKey.get(`${v.id}\u0000${m.name}`) : undefined;
      const model = v.source === "trained" ? trainKey.get(`${v.label}\u0000${m.name}`) : undefined;
      if (v.source === "trained" && !model) continue; // perMarket model of another market
      const agent: EvalAgent = { id: v.id, params: v.params };
      if (v.module) agent.module = v.module;
      if (v.modelDir) agent.modelDir = v.modelDir;
      if (tune) agent.tune = tune;
      if (model) agent.model = model;
      const deps = [tune, model].filter((k): k is string => k !== undefined);
      const keys: string[] = [];
      for (let first = 0, chunk = 0; first < evaluation.length; first += spec.chunkSize, chunk++) {
        keys.push(add(
          {
            kind: "eval",
            config: m.config,
            agent,
            seeds: evaluation.slice(first, first + spec.chunkSize),
            agentSeed: agentChunkSeed(spec.seed, v.id, chunk),
            summary,
            curvePoints: spec.curvePoints,
          },
          deps,
          data,
          `eval ${m.name}/${v.label} #${chunk}`,
        ));
      }
      const cell: Cell = { market: m.name, variant: v.label, jobs: keys };
      if (tune) cell.tune = tune;
      if (model) cell.model = model;
      cells.push(cell);
    }
  }
  const ordered = [...jobs.values()];
  const rank = (j: PlannedJob) => (j.task.kind === "eval" ? 1 : 0);
  ordered.sort((a, b) => rank(a) - rank(b)); // stable: insertion order within a rank
  return {
    spec,
    specKey: contentKey(spec),
    code,
    markets,
    variants,
    seeds: { evaluation, calibration },
    jobs: ordered,
    cells,
  };
}

/** Evaluation seeds among a checkpoint record's training seeds. */
export function heldOut(
  rec: { config: unknown; episodeBatch: unknown },
  evaluation: readonly number[],
): { evaluationSeedsSeenInTraining: number; trainingSeeds: number } {
  const cfg = parseTrainConfig(rec.config as TrainConfig);
  const seen = new Set(trainingSeeds(cfg, Number(rec.episodeBatch) + 1));
  return {
    evaluationSeedsSeenInTraining: evaluation.filter((s) => seen.has(s)).length,
    trainingSeeds: seen.size,
  };
}

function parsePrefixed<T>(f: () => T, field: string): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new ValidationError(`${field}.${err.field}`, err.value, err.expected);
    }
    throw err;
  }
}

function formatGridValue(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Every combination of `grid` (first key slowest), as parameter objects. */
export function gridCombinations(grid: Readonly<Record<string, readonly unknown[]>>): {
  params: Record<string, unknown>;
  suffix: string;
}[] {
  let out = [{ params: {} as Record<string, unknown>, parts: [] as string[] }];
  for (const [k, values] of Object.entries(grid)) {
    const next: typeof out = [];
    for (const o of out) {
      for (const v of values) {
        next.push({
          params: { ...o.params, [k]: v },
          parts: [...o.parts, `${k}=${formatGridValue(v)}`],
        });
      }
    }
    out = next;
  }
  return out.map((o) => ({
    params: o.params,
    suffix: o.parts.length ? `[${o.parts.join(",")}]` : "",
  }));
}

/** The file URL of `path`, a module path from the working directory (the project root). */
export function moduleUrl(path: string): string {
  return new URL(path, `file://${Deno.cwd()}/`).href;
}

/**
 * Imports the module at `path` (from the working directory), whose import registers
 * agents; throws a `ValidationError` naming `field` when it cannot be imported.
 */
export async function importAgentModule(path: string, field = "module"): Promise<void> {
  try {
    await import(moduleUrl(path));
  } catch (err) {
    throw new ValidationError(field, path, `an importable module (${firstLine(err)})`);
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}

async function expandVariants(spec: SweepSpec): Promise<Variant[]> {
  const out: Variant[] = [];
  const labels = new Map<string, number>();
  for (let i = 0; i < spec.agents.length; i++) {
    const a = spec.agents[i];
    const field = `agents[${i}]`;
    if (a.module) await importAgentModule(a.module, `${field}.module`);
    const def = checkEntry(a, field);
    const base = a.label ?? a.id;
    const push = (v: Variant) => {
      const prev = labels.get(v.label);
      if (prev !== undefined) {
        throw new ValidationError(
          `${field}.label`,
          v.label,
          `a label distinct from agents[${prev}]'s (set "label" on one of them)`,
        );
      }
      labels.set(v.label, i);
      out.push(v);
    };
    if (def.kind === "learned") {
      if (a.train) {
        for (const seed of a.train.seeds) {
          push({
            label: `${base}[seed=${seed}]`,
            id: a.id,
            entry: i,
            source: "trained",
            params: {},
            trainSeed: seed,
          });
        }
      } else {
        const dir = a.model ?? def.modelDir ?? DEFAULT_PPO_DIR;
        const v: Variant = {
          label: base,
          id: a.id,
          entry: i,
          source: "model",
          params: {},
          modelDir: dir,
        };
        if (a.module) v.module = a.module;
        push(v);
      }
      continue;
    }
    for (const c of gridCombinations(a.grid)) {
      const params = { ...a.params, ...c.params };
      await checkAgent(a, params, field);
      const v: Variant = {
        label: `${base}${c.suffix}`,
        id: a.id,
        entry: i,
        source: a.tune ? "tuned" : a.module ? "module" : "params",
        params,
      };
      if (a.module) v.module = a.module;
      push(v);
    }
  }
  return out;
}

function checkEntry(a: SweepAgentSpec, field: string): AgentDefinition {
  if (a.module && !isAgentId(a.id)) {
    throw new ValidationError(
      `${field}.module`,
      a.module,
      `a module whose import registers agent "${a.id}" (registerAgent); it registers ` +
        "none by that id",
    );
  }
  const def = agentDefinition(a.id, `${field}.id`);
  if (def.kind === "learned") {
    if (a.model && a.train) {
      throw new ValidationError(`${field}.train`, a.train, "either model or train, not both");
    }
    if (a.train && a.id !== "ppo") {
      throw new ValidationError(`${field}.train`, a.train, "training only for ppo");
    }
    if (Object.keys(a.params).length || Object.keys(a.grid).length) {
      throw new ValidationError(
        `${field}.params`,
        a.params,
        `no params or grid for the learned agent ${a.id} (give model or train)`,
      );
    }
    if (a.tune) throw new ValidationError(`${field}.tune`, true, `false for ${a.id} (learned)`);
    return def;
  }
  if (a.model || a.train) {
    throw new ValidationError(
      `${field}.${a.model ? "model" : "train"}`,
      a.model ?? a.train,
      "only for learned agents",
    );
  }
  if (a.tune && !def.tuning) {
    throw new ValidationError(
      `${field}.tune`,
      true,
      `false (${a.id} declares no tuning grid; tuned agents: ${
        agentIds().filter((id) => agentDefinition(id).tuning).join(", ")
      })`,
    );
  }
  return def;
}

async function checkAgent(
  a: SweepAgentSpec,
  params: Record<string, unknown>,
  field: string,
): Promise<void> {
  try {
    await createAgentFromSpec({ id: a.id, params });
  } catch (err) {
    if (err instanceof ValidationError) {
      const dot = err.field.indexOf(".");
      const inner = err.field === "agent"
        ? "id"
        : `params.${dot >= 0 ? err.field.slice(dot + 1) : err.field}`;
      throw new ValidationError(`${field}.${inner}`, err.value, err.expected);
    }
    throw err;
  }
}
