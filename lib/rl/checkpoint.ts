/**
 * Checkpoints in TensorFlow.js's own artifact format plus the training state.
 *
 * A checkpoint directory holds:
 * - `model.json`: the tfjs model artifacts JSON (`modelTopology`, `format`,
 *   `weightsManifest`, …) describing the actor-critic parameters;
 * - `weights-<update>.bin`: the parameters, float32 little-endian, in manifest order
 *   (tfjs's weight-file layout);
 * - `optimizer-<update>.bin`: Adam's step count and moments, same layout;
 * - `checkpoint.json`: the commit record: format version, obs/act dims, the training
 *   config, update and timestep counters, curriculum stage, learning-rate position,
 *   observation and reward normalization statistics, the manifests and checksums of the
 *   two binary files and a copy of `model.json`.
 *
 * Every file is written to a temporary name and renamed into place; binary files get a
 * fresh name per update and `checkpoint.json` is renamed last, so a kill at any moment
 * leaves the previous checkpoint loadable. `model.json` is written through a custom
 * `tf.io.IOHandler` ({@linkcode fileIOHandler}), since tfjs's `file://` handler needs
 * tfjs-node.
 *
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { ACT_DIM, OBS_DIM } from "../env/types.ts";
import { CheckpointError, ValidationError } from "../errors.ts";
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from "./config.ts";
import { featureDim } from "./features.ts";
import { type NamedArray, type NetworkSpec, parameterShapes } from "./network.ts";
import type { RunningMeanStdState } from "./running_stats.ts";

/** Version of the checkpoint layout. */
export const CHECKPOINT_VERSION = 1;
/** The `format` field of ALPE's model.json. */
export const MODEL_FORMAT = "alpe-ppo-actor-critic";

/** tfjs's model save/load handler interface (`tf.io.IOHandler`). */
export type IOHandler = tf.io.IOHandler;

/** Everything needed to continue training (or to act with the policy). */
export interface CheckpointState {
  /** The training configuration. */
  config: TrainConfig;
  /** PPO updates done. */
  update: number;
  /** Environment steps done. */
  timesteps: number;
  /** Episode batches started (drives the env seeds). */
  episodeBatch: number;
  /** Curriculum stage in force. */
  stageIndex: number;
  /** Learning rate of the last update. */
  learningRate: number;
  /** Observation normalization statistics. */
  obsRms: RunningMeanStdState;
  /** Statistics of the discounted returns (reward scaling). */
  rewardRms: RunningMeanStdState;
  /** Network parameters (canonical names). */
  params: NamedArray[];
  /** Adam state (may be empty). */
  optimizer: NamedArray[];
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

/** FNV-1a 32-bit hash of `bytes`, as 8 hex digits. */
export function checksum(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Writes `data` to `path` atomically: a temporary file in the same directory, then rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  if (typeof data === "string") await Deno.writeTextFile(tmp, data);
  else await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

function encode(
  arrays: readonly NamedArray[],
): { specs: tf.io.WeightsManifestEntry[]; bytes: Uint8Array } {
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

function decode(specs: readonly tf.io.WeightsManifestEntry[], bytes: Uint8Array, file: string) {
  const out: NamedArray[] = [];
  let o = 0;
  for (const s of specs) {
    if (s.dtype !== "float32" || !Array.isArray(s.shape)) {
      throw new CheckpointError(`${file}: weight ${s.name} is not a float32 array`);
    }
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

/**
 * A `tf.io.IOHandler` that saves and loads model artifacts as `model.json` plus one
 * weights file in directory `dir` (written atomically), in tfjs's format.
 *
 * @example
 * ```ts ignore
 * import * as tf from "npm:@tensorflow/tfjs@4.22.0";
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * await model.save(fileIOHandler("out/m"));
 * const again = await tf.loadLayersModel(fileIOHandler("out/m"));
 * ```
 */
export function fileIOHandler(dir: string, weightsFile = "weights.bin"): IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await Deno.mkdir(dir, { recursive: true });
      const data = artifacts.weightData;
      const bytes = data === undefined
        ? new Uint8Array(0)
        : new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
      await writeFileAtomic(`${dir}/${weightsFile}`, bytes);
      const json: tf.io.ModelJSON = {
        modelTopology: (artifacts.modelTopology ?? {}) as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      const text = JSON.stringify(json);
      await writeFileAtomic(`${dir}/model.json`, text);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = await readJson(`${dir}/model.json`) as tf.io.ModelJSON;
      if (!json || !Array.isArray(json.weightsManifest)) {
        throw new CheckpointError(`${dir}/model.json: no weightsManifest`);
      }
      return await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const parts: Uint8Array[] = [];
        for (const group of manifest) {
          for (const p of group.paths) parts.push(await readBytes(`${dir}/${p}`));
          specs.push(...group.weights);
        }
        let n = 0;
        for (const p of parts) n += p.length;
        const all = new Uint8Array(n);
        let o = 0;
        for (const p of parts) {
          all.set(p, o);
          o += p.length;
        }
        return [specs, all.buffer];
      });
    },
  };
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    throw new CheckpointError(`${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new CheckpointError(`${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CheckpointError(`${path}: not valid JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
}

/**
 * Saves `state` into `dir` (see the module doc for the layout and atomicity).
 *
 * @example
 * ```ts ignore
 * await saveCheckpoint("out/ppo", state);
 * const back = await loadCheckpoint("out/ppo");
 * ```
 */
export async function saveCheckpoint(dir: string, state: CheckpointState): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const spec = networkSpec(state.config);
  const weightsFile = `weights-${state.update}.bin`;
  const optFile = `optimizer-${state.update}.bin`;
  const w = encode(state.params);
  const opt = encode(state.optimizer);
  const artifacts: tf.io.ModelArtifacts = {
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
    weightSpecs: w.specs,
    weightData: w.bytes.slice().buffer,
    userDefinedMetadata: { update: state.update, timesteps: state.timesteps },
  };
  await writeFileAtomic(`${dir}/${optFile}`, opt.bytes);
  await fileIOHandler(dir, weightsFile).save!(artifacts);
  const modelJson = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  const record = {
    version: CHECKPOINT_VERSION,
    envObsDim: OBS_DIM,
    obsDim: spec.obsDim,
    actDim: spec.actDim,
    update: state.update,
    timesteps: state.timesteps,
    episodeBatch: state.episodeBatch,
    stageIndex: state.stageIndex,
    learningRate: state.learningRate,
    obsRms: state.obsRms,
    rewardRms: state.rewardRms,
    weights: { path: weightsFile, checksum: checksum(w.bytes), manifest: w.specs },
    optimizer: { path: optFile, checksum: checksum(opt.bytes), manifest: opt.specs },
    model: modelJson,
    config: state.config,
    savedAt: new Date().toISOString(),
  };
  await writeFileAtomic(`${dir}/checkpoint.json`, JSON.stringify(record, null, 1));
  for await (const e of Deno.readDir(dir)) {
    if (
      /^(weights|optimizer)-\d+\.bin$/.test(e.name) && e.name !== weightsFile &&
      e.name !== optFile
    ) await Deno.remove(`${dir}/${e.name}`).catch(() => {});
  }
}

/** True when `dir` holds a `checkpoint.json`. */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  try {
    return (await Deno.stat(`${dir}/checkpoint.json`)).isFile;
  } catch {
    return false;
  }
}

interface FileRecord {
  path: string;
  checksum: string;
  manifest: tf.io.WeightsManifestEntry[];
}

/**
 * Loads and validates the checkpoint in `dir`. Throws a {@linkcode CheckpointError} when a
 * file is missing, is not valid JSON, does not match its checksum, or describes different
 * observation/action dimensions, parameter names or shapes than the config implies.
 */
export async function loadCheckpoint(dir: string): Promise<CheckpointState> {
  const path = `${dir}/checkpoint.json`;
  const rec = await readJson(path) as Record<string, unknown>;
  if (typeof rec !== "object" || rec === null) throw new CheckpointError(`${path}: not an object`);
  if (rec.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`${path}: version ${rec.version}, expected ${CHECKPOINT_VERSION}`);
  }
  if (rec.envObsDim !== OBS_DIM || rec.actDim !== ACT_DIM) {
    throw new CheckpointError(
      `${path}: observation/action dims ${rec.envObsDim}/${rec.actDim} differ from this ` +
        `build's ${OBS_DIM}/${ACT_DIM}`,
    );
  }
  let config: TrainConfig;
  try {
    // Checkpoints written before the residual policy existed act on the whole action box.
    const raw = rec.config as Record<string, unknown> | undefined;
    const input = raw && typeof raw === "object" && !("residual" in raw)
      ? { ...raw, residual: { enabled: false } }
      : raw;
    config = parseTrainConfig(input as TrainConfigInput);
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new CheckpointError(`${path}: bad config: ${err.message}`, { cause: err });
    }
    throw err;
  }
  for (const k of ["update", "timesteps", "episodeBatch", "stageIndex", "learningRate"]) {
    if (typeof rec[k] !== "number" || !Number.isFinite(rec[k])) {
      throw new CheckpointError(`${path}: field ${k} is missing or not a number`);
    }
  }
  const spec = networkSpec(config);
  if (rec.obsDim !== spec.obsDim) {
    throw new CheckpointError(
      `${path}: policy input width ${rec.obsDim} differs from the config's ${spec.obsDim}`,
    );
  }
  const weights = rec.weights as FileRecord;
  const params = await readArrays(dir, weights, "weights");
  const expected = parameterShapes(spec);
  if (params.length !== expected.length) {
    throw new CheckpointError(
      `${dir}/${weights.path}: ${params.length} parameter arrays, expected ${expected.length}`,
    );
  }
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], p = params[i];
    if (p.name !== e.name || p.shape.join("x") !== e.shape.join("x")) {
      throw new CheckpointError(
        `${dir}/${weights.path}: parameter ${i} is ${p.name} [${p.shape}], expected ` +
          `${e.name} [${e.shape}] (hiddenSizes ${JSON.stringify(spec.hiddenSizes)})`,
      );
    }
  }
  const optimizer = rec.optimizer
    ? await readArrays(dir, rec.optimizer as FileRecord, "optimizer")
    : [];
  const obsRms = checkRms(rec.obsRms, spec.obsDim, `${path}: obsRms`);
  const rewardRms = checkRms(rec.rewardRms, 1, `${path}: rewardRms`);
  return {
    config,
    update: rec.update as number,
    timesteps: rec.timesteps as number,
    episodeBatch: rec.episodeBatch as number,
    stageIndex: rec.stageIndex as number,
    learningRate: rec.learningRate as number,
    obsRms,
    rewardRms,
    params,
    optimizer,
  };
}

async function readArrays(dir: string, r: FileRecord, what: string): Promise<NamedArray[]> {
  if (!r || typeof r.path !== "string" || !Array.isArray(r.manifest)) {
    throw new CheckpointError(`${dir}/checkpoint.json: no ${what} record`);
  }
  const file = `${dir}/${r.path}`;
  const bytes = await readBytes(file);
  if (checksum(bytes) !== r.checksum) {
    throw new CheckpointError(`${file}: checksum ${checksum(bytes)} != recorded ${r.checksum}`);
  }
  return decode(r.manifest, bytes, file);
}

function checkRms(v: unknown, dim: number, where: string): RunningMeanStdState {
  const s = v as RunningMeanStdState;
  const ok = s && typeof s.count === "number" && Array.isArray(s.mean) && Array.isArray(s.var) &&
    s.mean.length === dim && s.var.length === dim &&
    [...s.mean, ...s.var].every((x) => typeof x === "number" && Number.isFinite(x));
  if (!ok) throw new CheckpointError(`${where}: expected ${dim} finite means and variances`);
  return s;
}
