/**
 * Checkpoints: everything the next PPO update depends on, written durably and validated field
 * by field when read back.
 *
 * A checkpoint directory holds:
 * - `checkpoint.json`: the commit record (format version 2): the training config, the
 *   counters (update, timesteps, episode batch, curriculum stage, learning rate, finished
 *   episodes and the last batch's return and P&L), the observation and reward normalization
 *   statistics, the state of the episode batch in progress (the reward scaler's discounted
 *   returns, the running episode returns and the number of steps taken), the length and
 *   SHA-256 of the training log it covers, the SHA-256 and manifest of each binary file, a
 *   copy of `model.json`, one SHA-256 per section (`config.seed`, `config.ppo`, `obsRms`, …)
 *   and one of the whole record;
 * - `weights-<update>.bin`: the parameters, float32 little-endian in manifest order (tfjs's
 *   weight-file layout), described by `model.json` (tfjs's model artifacts format);
 * - `optimizer-<update>.bin`: Adam's step count and moments, same layout;
 * - `episode-<update>.bin`: the raw actions (float64) of the episode batch in progress: the
 *   environment state is restored exactly by resetting the batch with its seeds and replaying
 *   them (the envs are deterministic functions of their seeds and actions);
 * - `metrics.jsonl`: the training log (one line per update), of which the checkpoint covers a
 *   prefix: a resumed run truncates the log back to it.
 *
 * Saving writes each file under a temporary name, fsyncs and renames it (binary files get a
 * fresh name per update), renames `checkpoint.json` last, syncs the directory and only then
 * removes the previous checkpoint's files: a kill at any moment leaves a loadable checkpoint.
 * Loading rejects, with a {@linkcode CheckpointError} naming the field, any value out of range
 * or inconsistent with the config (`update: -5`, `timesteps: 1e300`, a negative count), any
 * section whose digest does not match (an edited `config.seed`), and any binary file whose
 * SHA-256 or size does not match.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { stepsPerEpisode } from "../env/config.ts";
import { ACT_DIM, OBS_DIM } from "../env/types.ts";
import { CheckpointError, ValidationError } from "../errors.ts";
import { zodIssueToError } from "../validation.ts";
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from "./config.ts";
import { stageEnvConfig } from "./curriculum.ts";
import { sha256Hex, syncDir, writeFileDurable } from "./durable.ts";
import { featureDim } from "./features.ts";
import { type NamedArray, type NetworkSpec, parameterShapes } from "./params.ts";
import type { RunningMeanStdState } from "./running_stats.ts";

/** Version of the checkpoint layout. */
export const CHECKPOINT_VERSION = 2;
/** The `format` field of checkpoint.json. */
export const CHECKPOINT_FORMAT = "alpe-ppo-checkpoint";
/** The `format` field of ALPE's model.json. */
export const MODEL_FORMAT = "alpe-ppo-actor-critic";
/** Name of the training log in a checkpoint directory. */
export const METRICS_FILE = "metrics.jsonl";

/** The state of the episode batch in progress. */
export interface EpisodeState {
  /** Steps taken since the batch was reset. */
  step: number;
  /** The raw actions given to the envs so far, `step × numEnvs × ACT_DIM` (float64). */
  actions: Float64Array;
  /** The reward scaler's discounted return of each env. */
  rewardReturns: number[];
  /** The undiscounted reward sum of each env's episode so far. */
  episodeReturns: number[];
}

/** Everything needed to continue training exactly (or to act with the policy). */
export interface CheckpointState {
  /** The training configuration. */
  config: TrainConfig;
  /** PPO updates done. */
  update: number;
  /** Environment steps done. */
  timesteps: number;
  /** Index of the episode batch in progress (its envs were reset with its seeds). */
  episodeBatch: number;
  /** Curriculum stage of the episode batch in progress. */
  stageIndex: number;
  /** Learning rate of the last update (the schedule's value; checked on load). */
  learningRate: number;
  /** Episodes finished (all envs of a batch finish together). */
  episodes: number;
  /** Mean raw return of the last finished batch (NaN before the first). */
  lastReturn: number;
  /** Mean final P&L of the last finished batch (NaN before the first). */
  lastPnl: number;
  /** Observation normalization statistics. */
  obsRms: RunningMeanStdState;
  /** Statistics of the discounted returns (reward scaling). */
  rewardRms: RunningMeanStdState;
  /** Network parameters (canonical names). */
  params: NamedArray[];
  /** Adam state (empty before the first update). */
  optimizer: NamedArray[];
  /** The episode batch in progress. */
  episode: EpisodeState;
  /** The prefix of `metrics.jsonl` this checkpoint covers. */
  metrics: { bytes: number; sha256: string };
}

/** The network spec implied by a training config. */
export function networkSpec(cfg: TrainConfig): NetworkSpec {
  return {
    obsDim: featureDim(cfg.ppo.asFeatures),
    actDim: ACT_DIM,
    hiddenSizes: cfg.ppo.hiddenSizes,
    initLogStd: cfg.ppo.initLogStd,
  };
}

/** Updates of a run of `cfg`. */
export function totalUpdates(cfg: TrainConfig): number {
  return Math.ceil(cfg.totalTimesteps / (cfg.ppo.numEnvs * cfg.ppo.nSteps));
}

/** The learning rate of update `u + 1` (0-based `u`), annealed linearly if configured. */
export function learningRateAt(cfg: TrainConfig, u: number): number {
  const ppo = cfg.ppo;
  return ppo.annealLr
    ? ppo.learningRate * Math.max(0, 1 - u / totalUpdates(cfg))
    : ppo.learningRate;
}

// ---- Binary encoding ---------------------------------------------------------------------

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: "float32";
}

function encode(arrays: readonly NamedArray[]): { specs: WeightSpec[]; bytes: Uint8Array } {
  let n = 0;
  for (const a of arrays) n += a.data.length;
  const all = new Float32Array(n);
  let o = 0;
  for (const a of arrays) {
    all.set(a.data, o);
    o += a.data.length;
  }
  return {
    specs: arrays.map((a) => ({ name: a.name, shape: [...a.shape], dtype: "float32" })),
    bytes: new Uint8Array(all.buffer),
  };
}

function decode(specs: readonly WeightSpec[], bytes: Uint8Array, file: string): NamedArray[] {
  const out: NamedArray[] = [];
  let o = 0;
  for (const s of specs) {
    const len = s.shape.reduce((a, b) => a * b, 1);
    if (o + len * 4 > bytes.length) {
      throw new CheckpointError(`${file}: truncated (${bytes.length} bytes, weight ${s.name})`);
    }
    const data = new Float32Array(len);
    new Uint8Array(data.buffer).set(bytes.subarray(o, o + len * 4));
    out.push({ name: s.name, shape: s.shape, data });
    o += len * 4;
  }
  if (o !== bytes.length) {
    throw new CheckpointError(`${file}: ${bytes.length} bytes, manifest describes ${o}`);
  }
  return out;
}

// ---- The record --------------------------------------------------------------------------

const finite = z.number().refine(Number.isFinite, "a finite number");
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const sha = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in hex");
const fileName = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-\\d+\\.bin$`), `a file name ${prefix}-<update>.bin`);
const rms = z.strictObject({
  /** Samples seen (starts at 1e-4). */
  count: z.number().gt(0).refine(Number.isFinite, "a finite number"),
  /** Mean per dimension. */
  mean: z.array(finite),
  /** Variance per dimension. */
  var: z.array(z.number().min(0).refine(Number.isFinite, "a finite number")),
});
const weightSpec = z.strictObject({
  name: z.string(),
  shape: z.array(count),
  dtype: z.literal("float32"),
});
const binFile = (prefix: string) =>
  z.strictObject({
    path: fileName(prefix),
    sha256: sha,
    manifest: z.array(weightSpec),
  });

const recordSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  envObsDim: z.literal(OBS_DIM),
  obsDim: count,
  actDim: z.literal(ACT_DIM),
  update: count,
  timesteps: count,
  episodeBatch: count,
  stageIndex: count,
  learningRate: z.number().min(0).max(1),
  episodes: count,
  lastReturn: finite.nullable(),
  lastPnl: finite.nullable(),
  obsRms: rms,
  rewardRms: rms,
  episode: z.strictObject({
    step: count,
    rewardReturns: z.array(finite),
    episodeReturns: z.array(finite),
    actions: z.strictObject({ path: fileName("episode"), sha256: sha, bytes: count }),
  }),
  metrics: z.strictObject({ path: z.literal(METRICS_FILE), bytes: count, sha256: sha }),
  weights: binFile("weights"),
  optimizer: binFile("optimizer"),
  model: z.record(z.string(), z.unknown()),
  config: z.record(z.string(), z.unknown()),
  digests: z.record(z.string(), sha),
  digest: sha,
});

type CheckpointRecord = z.infer<typeof recordSchema>;

/** The sections of a record that carry their own digest: every field, config key by key. */
function sections(rec: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (k === "digests" || k === "digest") continue;
    if (k === "config" && v && typeof v === "object") {
      for (const [ck, cv] of Object.entries(v)) out.push([`config.${ck}`, cv]);
    } else out.push([k, v]);
  }
  return out;
}

async function digests(rec: Record<string, unknown>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, v] of sections(rec)) out[name] = await sha256Hex(JSON.stringify(v));
  return out;
}

function withoutDigest(rec: Record<string, unknown>): Record<string, unknown> {
  const { digest: _, ...rest } = rec;
  return rest;
}

/** True when `dir` holds a `checkpoint.json`. */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  try {
    return (await Deno.stat(`${dir}/checkpoint.json`)).isFile;
  } catch {
    return false;
  }
}

/** Files of a training run in a directory (what `--force` replaces). */
export const RUN_FILE =
  /^(checkpoint\.json|model\.json|metrics\.jsonl|(weights|optimizer|episode)-\d+\.bin)(\.tmp)?$/;

/**
 * Saves `state` into `dir` (see the module doc for the layout and the order of the writes).
 * The training log must already hold (and have flushed) the prefix `state.metrics` describes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
 * import { PpoTrainer } from "./trainer.ts";
 * const trainer = await PpoTrainer.create({
 *   totalTimesteps: 4 * 30,
 *   env: { tier: "model", duration: 10 }, // 100 steps per episode
 *   residual: { enabled: false },
 *   ppo: { numEnvs: 4, nSteps: 30, minibatchSize: 40, epochs: 1 },
 * }, { threads: 1 });
 * await trainer.train(); // one update, which stops 30 steps into the episodes
 * const dir = await Deno.makeTempDir();
 * await saveCheckpoint(dir, await trainer.state());
 * const back = await loadCheckpoint(dir);
 * assert.equal(back.update, 1);
 * assert.equal(back.episode.step, 30); // replayed on resume
 * assert.deepEqual(back.params, trainer.learner.parameters());
 * trainer.dispose();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveCheckpoint(dir: string, state: CheckpointState): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const spec = networkSpec(state.config);
  const u = state.update;
  const files = {
    weights: `weights-${u}.bin`,
    optimizer: `optimizer-${u}.bin`,
    episode: `episode-${u}.bin`,
  };
  const w = encode(state.params);
  const opt = encode(state.optimizer);
  const ep = new Uint8Array(
    state.episode.actions.buffer,
    state.episode.actions.byteOffset,
    state.episode.actions.byteLength,
  );
  await writeFileDurable(`${dir}/${files.weights}`, w.bytes);
  await writeFileDurable(`${dir}/${files.optimizer}`, opt.bytes);
  await writeFileDurable(`${dir}/${files.episode}`, ep);
  const model = {
    modelTopology: {
      class_name: "AlpePpoActorCritic",
      config: {
        obsDim: spec.obsDim,
        actDim: spec.actDim,
        hiddenSizes: spec.hiddenSizes,
        hiddenActivation: "tanh",
        outputActivation: "linear",
        policy: "diagonal Gaussian, state-independent logStd, actions in [-1, 1]",
      },
    },
    format: MODEL_FORMAT,
    generatedBy: "ALPE lib/rl",
    convertedBy: null,
    weightsManifest: [{ paths: [files.weights], weights: w.specs }],
    userDefinedMetadata: { update: u, timesteps: state.timesteps },
  };
  const rec: Record<string, unknown> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    envObsDim: OBS_DIM,
    obsDim: spec.obsDim,
    actDim: spec.actDim,
    update: u,
    timesteps: state.timesteps,
    episodeBatch: state.episodeBatch,
    stageIndex: state.stageIndex,
    learningRate: state.learningRate,
    episodes: state.episodes,
    lastReturn: Number.isFinite(state.lastReturn) ? state.lastReturn : null,
    lastPnl: Number.isFinite(state.lastPnl) ? state.lastPnl : null,
    obsRms: state.obsRms,
    rewardRms: state.rewardRms,
    episode: {
      step: state.episode.step,
      rewardReturns: state.episode.rewardReturns,
      episodeReturns: state.episode.episodeReturns,
      actions: { path: files.episode, sha256: await sha256Hex(ep), bytes: ep.length },
    },
    metrics: { path: METRICS_FILE, ...state.metrics },
    weights: { path: files.weights, sha256: await sha256Hex(w.bytes), manifest: w.specs },
    optimizer: { path: files.optimizer, sha256: await sha256Hex(opt.bytes), manifest: opt.specs },
    model,
    config: state.config,
  };
  // Normalize through JSON so the digests are those of what a reader parses.
  const plain = JSON.parse(JSON.stringify(rec)) as Record<string, unknown>;
  plain.digests = await digests(plain);
  plain.digest = await sha256Hex(JSON.stringify(plain));
  await writeFileDurable(`${dir}/model.json`, JSON.stringify(model));
  await writeFileDurable(`${dir}/checkpoint.json`, JSON.stringify(plain, null, 1) + "\n");
  await syncDir(dir);
  const keep = new Set([...Object.values(files), "checkpoint.json", "model.json", METRICS_FILE]);
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && RUN_FILE.test(e.name) && !keep.has(e.name)) {
      await Deno.remove(`${dir}/${e.name}`).catch(() => {});
    }
  }
  await syncDir(dir);
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    throw new CheckpointError(`${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
}

function fail(path: string, field: string, message: string): never {
  throw new CheckpointError(`${path}: ${field}: ${message}`);
}

/**
 * Loads and validates the checkpoint in `dir`. Throws a {@linkcode CheckpointError} naming the
 * file and field when a file is missing or not valid JSON, a field is out of range or
 * inconsistent with the config, a section does not match its digest (an edited file), or a
 * binary file does not match its SHA-256, size or manifest.
 */
export async function loadCheckpoint(dir: string): Promise<CheckpointState> {
  const path = `${dir}/checkpoint.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    const what = err instanceof SyntaxError ? "not valid JSON" : "cannot read";
    throw new CheckpointError(`${path}: ${what} (${(err as Error).message})`, { cause: err });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new CheckpointError(`${path}: expected a JSON object`);
  }
  const obj = raw as Record<string, unknown>;
  if (obj.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `${path}: version: expected ${CHECKPOINT_VERSION}, got ${JSON.stringify(obj.version)}` +
        (obj.version === 1
          ? " (a checkpoint from before exact resume; retrain it with `deno task train`)"
          : ""),
    );
  }
  const parsed = recordSchema.safeParse(obj);
  if (!parsed.success) {
    const e = zodIssueToError(parsed.error, obj, "", recordSchema);
    throw new CheckpointError(`${path}: ${e.message}`, { cause: e });
  }
  const rec: CheckpointRecord = parsed.data;
  let config: TrainConfig;
  try {
    config = parseTrainConfig(rec.config as TrainConfigInput);
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new CheckpointError(`${path}: config.${err.message}`, { cause: err });
    }
    throw err;
  }
  checkConsistency(path, rec, config);
  const want = await digests(withoutDigest(obj));
  for (const [name] of sections(withoutDigest(obj))) {
    if (rec.digests[name] !== want[name]) {
      fail(
        path,
        name,
        rec.digests[name] === undefined
          ? "has no digest"
          : "does not match its digest: the file was edited or is corrupt",
      );
    }
  }
  for (const name of Object.keys(rec.digests)) {
    if (!(name in want)) fail(path, `digests.${name}`, "names no section of the record");
  }
  if ((await sha256Hex(JSON.stringify(withoutDigest(obj)))) !== rec.digest) {
    fail(path, "digest", "does not match the record: the file was edited or is corrupt");
  }
  const spec = networkSpec(config);
  const params = await readArrays(dir, rec.weights, "weights");
  checkNames(dir, rec.weights.path, params, parameterShapes(spec), spec);
  const optimizer = await readArrays(dir, rec.optimizer, "optimizer");
  if (optimizer.length > 0) {
    const expected = [
      { name: "optimizer/iter", shape: [] as number[] },
      ...parameterShapes(spec).map((s) => ({ ...s, name: `optimizer/m/${s.name}` })),
      ...parameterShapes(spec).map((s) => ({ ...s, name: `optimizer/v/${s.name}` })),
    ];
    checkNames(dir, rec.optimizer.path, optimizer, expected, spec);
    const iter = optimizer[0].data[0];
    const maxSteps = rec.update * config.ppo.epochs *
      Math.floor((config.ppo.numEnvs * config.ppo.nSteps) / config.ppo.minibatchSize);
    if (!Number.isInteger(iter) || iter < 1 || iter > maxSteps) {
      fail(
        `${dir}/${rec.optimizer.path}`,
        "optimizer/iter",
        `expected an integer in [1, ${maxSteps}], got ${iter}`,
      );
    }
  } else if (rec.update > 0) {
    fail(path, "optimizer", `no Adam state after ${rec.update} updates`);
  }
  const epBytes = await readBytes(`${dir}/${rec.episode.actions.path}`);
  if (epBytes.length !== rec.episode.actions.bytes) {
    fail(
      `${dir}/${rec.episode.actions.path}`,
      "size",
      `${epBytes.length} bytes, expected ${rec.episode.actions.bytes}`,
    );
  }
  if ((await sha256Hex(epBytes)) !== rec.episode.actions.sha256) {
    fail(
      `${dir}/${rec.episode.actions.path}`,
      "sha256",
      "does not match the record (corrupt file)",
    );
  }
  const actions = new Float64Array(epBytes.length / 8);
  new Uint8Array(actions.buffer).set(epBytes);
  return {
    config,
    update: rec.update,
    timesteps: rec.timesteps,
    episodeBatch: rec.episodeBatch,
    stageIndex: rec.stageIndex,
    learningRate: rec.learningRate,
    episodes: rec.episodes,
    lastReturn: rec.lastReturn ?? NaN,
    lastPnl: rec.lastPnl ?? NaN,
    obsRms: rec.obsRms,
    rewardRms: rec.rewardRms,
    params,
    optimizer,
    episode: {
      step: rec.episode.step,
      actions,
      rewardReturns: rec.episode.rewardReturns,
      episodeReturns: rec.episode.episodeReturns,
    },
    metrics: { bytes: rec.metrics.bytes, sha256: rec.metrics.sha256 },
  };
}

/** Cross-field checks: every counter consistent with the config and the others. */
function checkConsistency(path: string, rec: CheckpointRecord, cfg: TrainConfig): void {
  const ppo = cfg.ppo;
  const n = ppo.numEnvs;
  if (cfg.residual.enabled && !cfg.residual.params) {
    fail(path, "config.residual.params", "the base agent's parameters (null in a checkpoint)");
  }
  const batch = n * ppo.nSteps;
  const spec = networkSpec(cfg);
  if (rec.episode.rewardReturns.length !== n || rec.episode.episodeReturns.length !== n) {
    fail(
      path,
      "config.ppo.numEnvs",
      `${n} environments, but the saved episode state has ${rec.episode.rewardReturns.length}`,
    );
  }

  const updates = totalUpdates(cfg);
  if (rec.update > updates) {
    fail(path, "update", `expected at most ${updates} (the run's updates), got ${rec.update}`);
  }
  if (rec.timesteps !== rec.update * batch) {
    fail(
      path,
      "timesteps",
      `expected update·numEnvs·nSteps = ${rec.update * batch}, got ${rec.timesteps}`,
    );
  }
  const lr = learningRateAt(cfg, Math.max(0, rec.update - 1));
  if (rec.learningRate !== lr) {
    fail(
      path,
      "learningRate",
      `expected ${lr} (the schedule at update ${rec.update}), got ${rec.learningRate}`,
    );
  }
  const stages = cfg.curriculum.enabled ? cfg.curriculum.stages.length : 1;
  if (rec.stageIndex >= stages) {
    fail(path, "stageIndex", `expected an integer in [0, ${stages - 1}], got ${rec.stageIndex}`);
  }
  if (rec.episodes !== rec.episodeBatch * n) {
    fail(
      path,
      "episodes",
      `expected episodeBatch·numEnvs = ${rec.episodeBatch * n}, got ${rec.episodes}`,
    );
  }
  if (rec.episodeBatch * n > rec.timesteps) {
    fail(
      path,
      "episodeBatch",
      `expected at most timesteps/numEnvs = ${rec.timesteps / n}, got ${rec.episodeBatch}`,
    );
  }
  const steps = stepsPerEpisode(stageEnvConfig(cfg, rec.stageIndex, rec.episodeBatch));
  if (rec.episode.step >= steps) {
    fail(path, "episode.step", `expected an integer in [0, ${steps - 1}], got ${rec.episode.step}`);
  }
  if (rec.episode.actions.bytes !== rec.episode.step * n * ACT_DIM * 8) {
    fail(
      path,
      "episode.actions.bytes",
      `expected step·numEnvs·${ACT_DIM}·8 = ${
        rec.episode.step * n * ACT_DIM * 8
      }, got ${rec.episode.actions.bytes}`,
    );
  }
  if (rec.obsDim !== spec.obsDim) {
    fail(path, "obsDim", `expected ${spec.obsDim} (the config's policy input), got ${rec.obsDim}`);
  }
  for (
    const [name, s, dim] of [["obsRms", rec.obsRms, spec.obsDim], [
      "rewardRms",
      rec.rewardRms,
      1,
    ]] as const
  ) {
    if (s.mean.length !== dim || s.var.length !== dim) {
      fail(
        path,
        name,
        `expected ${dim} means and variances, got ${s.mean.length} and ${s.var.length}`,
      );
    }
  }
}

function checkNames(
  dir: string,
  file: string,
  arrays: readonly NamedArray[],
  expected: readonly { name: string; shape: readonly number[] }[],
  spec: NetworkSpec,
): void {
  if (arrays.length !== expected.length) {
    fail(`${dir}/${file}`, "manifest", `${arrays.length} arrays, expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], p = arrays[i];
    if (p.name !== e.name || p.shape.join("x") !== e.shape.join("x")) {
      fail(
        `${dir}/${file}`,
        `manifest[${i}]`,
        `${p.name} [${p.shape}], expected ${e.name} [${e.shape}] (hiddenSizes ${
          JSON.stringify(spec.hiddenSizes)
        })`,
      );
    }
    for (let j = 0; j < p.data.length; j++) {
      if (!Number.isFinite(p.data[j])) {
        fail(`${dir}/${file}`, `${p.name}[${j}]`, `expected a finite number, got ${p.data[j]}`);
      }
    }
  }
}

async function readArrays(
  dir: string,
  r: { path: string; sha256: string; manifest: WeightSpec[] },
  what: string,
): Promise<NamedArray[]> {
  const file = `${dir}/${r.path}`;
  const bytes = await readBytes(file);
  if ((await sha256Hex(bytes)) !== r.sha256) {
    fail(file, "sha256", `does not match the record's ${what} digest (corrupt file)`);
  }
  return decode(r.manifest, bytes, file);
}
