/**
 * The PPO actor-critic's parameters, independent of any tensor library: the network shape,
 * canonical parameter names and shapes (`actor/dense0/kernel`, …, `actor/logStd`, as stored
 * in checkpoints) and their orthogonal initialization (gain √2 on hidden layers, 0.01 on the
 * policy head, 1 on the value head; zero biases).
 *
 * @module
 */
import type { Rng } from "../rng/rng.ts";
import type { MlpWeights } from "./mlp.ts";
import { orthogonal } from "./orthogonal.ts";

/** Shape of the networks. */
export interface NetworkSpec {
  /** Observation width. */
  readonly obsDim: number;
  /** Action width. */
  readonly actDim: number;
  /** Hidden layer widths (shared by actor and critic), e.g. `[64, 64]`. */
  readonly hiddenSizes: readonly number[];
  /** Initial log standard deviation of the policy, in the normalized action space. */
  readonly initLogStd: number;
}

/** A named parameter array with its shape, as stored in a checkpoint. */
export interface NamedArray {
  /** Canonical name, e.g. `actor/dense0/kernel`. */
  readonly name: string;
  /** Shape. */
  readonly shape: readonly number[];
  /** Values (float32). */
  readonly data: Float32Array;
}

/** A copy of the network weights as plain arrays, for the TypeScript forward pass. */
export interface PolicyWeights {
  /** The policy-mean MLP. */
  readonly actor: MlpWeights;
  /** The value MLP (output width 1). */
  readonly critic: MlpWeights;
  /** Log standard deviation per action dimension. */
  readonly logStd: Float32Array;
}

/** Canonical parameter names and shapes of a network with `spec`, in a fixed order. */
export function parameterShapes(spec: NetworkSpec): { name: string; shape: number[] }[] {
  const out: { name: string; shape: number[] }[] = [];
  for (const [net, outDim] of [["actor", spec.actDim], ["critic", 1]] as const) {
    const sizes = [spec.obsDim, ...spec.hiddenSizes, outDim];
    for (let i = 0; i + 1 < sizes.length; i++) {
      out.push({ name: `${net}/dense${i}/kernel`, shape: [sizes[i], sizes[i + 1]] });
      out.push({ name: `${net}/dense${i}/bias`, shape: [sizes[i + 1]] });
    }
  }
  out.push({ name: "actor/logStd", shape: [spec.actDim] });
  return out;
}

/** Orthogonally initialized parameters for `spec`, drawn from `rng`. */
export function initialParameters(spec: NetworkSpec, rng: Rng): NamedArray[] {
  const nHidden = spec.hiddenSizes.length;
  return parameterShapes(spec).map(({ name, shape }) => {
    if (name === "actor/logStd") {
      return { name, shape, data: new Float32Array(shape[0]).fill(spec.initLogStd) };
    }
    if (name.endsWith("/bias")) return { name, shape, data: new Float32Array(shape[0]) };
    const layer = Number(/dense(\d+)/.exec(name)![1]);
    const head = layer === nHidden;
    const gain = !head ? Math.SQRT2 : name.startsWith("actor") ? 0.01 : 1;
    return { name, shape, data: orthogonal(shape[0], shape[1], gain, rng) };
  });
}
