/**
 * TensorFlow.js interop: a `tf.io.IOHandler` that saves and loads tfjs models as `model.json`
 * plus a weights file in a directory (tfjs's own `file://` handler needs tfjs-node). ALPE's
 * checkpoints write their `model.json` in this format, so tfjs tools can read the weights.
 *
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { CheckpointError } from "../errors.ts";
import { syncDir, writeFileDurable } from "./durable.ts";

/** tfjs's model save/load handler interface (`tf.io.IOHandler`). */
export type IOHandler = tf.io.IOHandler;

/**
 * A `tf.io.IOHandler` that saves and loads model artifacts as `model.json` plus one
 * weights file in directory `dir` (written durably), in tfjs's format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "npm:@tensorflow/tfjs@4.22.0";
 * import { fileIOHandler } from "./tfjs_io.ts";
 * const dir = await Deno.makeTempDir();
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * await model.save(fileIOHandler(dir));
 * assert.ok((await Deno.stat(`${dir}/model.json`)).isFile);
 * const again = await tf.loadLayersModel(fileIOHandler(dir));
 * assert.deepEqual(again.getWeights()[0].arraySync(), model.getWeights()[0].arraySync());
 * await Deno.remove(dir, { recursive: true });
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
      await writeFileDurable(`${dir}/${weightsFile}`, bytes);
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
      await writeFileDurable(`${dir}/model.json`, text);
      await syncDir(dir);
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
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new CheckpointError(`${path}: cannot read JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
}
