/**
 * Multilayer perceptrons (tanh hidden layers, linear output) trained with the generated
 * WebAssembly SIMD kernels of `kernels.ts`: parameter layout in a flat f32 vector, forward
 * pass, backpropagation into a gradient vector, and the module that holds the kernels for a
 * set of networks.
 *
 * @module
 */
import {
  adamStep,
  type Blocking,
  DEFAULT_BLOCKING,
  denseForward,
  denseGradW,
  denseGradX,
  type DenseShape,
  pad4,
  shapeKey,
  sumSlots,
  tanhInPlace,
  transposeW,
} from "./kernels.ts";
import { buildModule, type ExportedFunc, type MemorySpec } from "./wasm.ts";

/** One dense layer of an {@linkcode MlpLayout}. */
export interface LayerLayout {
  /** Its shape. */
  readonly shape: DenseShape;
  /** Offset of the kernel `W` (`inSize × pad4(outSize)`) in the network's flat vector, floats. */
  readonly w: number;
  /** Offset of the bias (`pad4(outSize)`), floats. */
  readonly b: number;
  /** tanh after the layer (hidden layers) or linear (the output layer). */
  readonly act: "tanh" | "linear";
}

/**
 * Where each parameter of an MLP with layer widths `sizes` (`[in, hidden…, out]`) sits in a
 * flat f32 vector: per layer the kernel then the bias, both padded to whole f32x4 vectors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MlpLayout } from "./mlp.ts";
 * const l = new MlpLayout([9, 64, 64, 5]);
 * assert.equal(l.floats, 9 * 64 + 64 + 64 * 64 + 64 + 64 * 8 + 8);
 * ```
 */
export class MlpLayout {
  /** Layer widths, input first. */
  readonly sizes: readonly number[];
  /** The layers. */
  readonly layers: readonly LayerLayout[];
  /** Length of the flat vector, floats (a multiple of 4). */
  readonly floats: number;
  /** Widest padded activation, floats. */
  readonly maxWidth: number;

  /** The layout of an MLP with these widths. */
  constructor(sizes: readonly number[]) {
    this.sizes = [...sizes];
    const layers: LayerLayout[] = [];
    let o = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const shape = {
        inSize: sizes[l],
        outSize: sizes[l + 1],
        ldIn: l === 0 ? sizes[0] : pad4(sizes[l]),
      };
      const w = o;
      o += shape.inSize * pad4(shape.outSize);
      const b = o;
      o += pad4(shape.outSize);
      layers.push({ shape, w, b, act: l + 2 < sizes.length ? "tanh" : "linear" });
    }
    this.layers = layers;
    this.floats = o;
    this.maxWidth = Math.max(...sizes.slice(1).map(pad4));
  }

  /** Output width. */
  get outSize(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** Padded output row stride, floats. */
  get outStride(): number {
    return pad4(this.outSize);
  }

  /** Floats of transposed weights needed by {@linkcode MlpLayout.transpose} (layers ≥ 1). */
  get transposedFloats(): number {
    let n = 0;
    for (let l = 1; l < this.layers.length; l++) {
      n += pad4(this.layers[l].shape.outSize) * pad4(this.layers[l].shape.inSize);
    }
    return n;
  }

  /**
   * Copies layer `l`'s kernel (row-major `in × out`, unpadded) and bias from `flat` (this
   * layout, starting at `base`) into `w` and `b`.
   */
  read(flat: Float32Array, base: number, l: number, w: Float32Array, b: Float32Array): void {
    const { shape, w: wo, b: bo } = this.layers[l];
    const outP = pad4(shape.outSize);
    for (let i = 0; i < shape.inSize; i++) {
      for (let o = 0; o < shape.outSize; o++) {
        w[i * shape.outSize + o] = flat[base + wo + i * outP + o];
      }
    }
    for (let o = 0; o < shape.outSize; o++) b[o] = flat[base + bo + o];
  }

  /** The inverse of {@linkcode MlpLayout.read}: writes layer `l` into `flat` (padding zeroed). */
  write(
    flat: Float32Array,
    base: number,
    l: number,
    w: ArrayLike<number>,
    b: ArrayLike<number>,
  ): void {
    const { shape, w: wo, b: bo } = this.layers[l];
    const outP = pad4(shape.outSize);
    for (let i = 0; i < shape.inSize; i++) {
      for (let o = 0; o < outP; o++) {
        flat[base + wo + i * outP + o] = o < shape.outSize ? w[i * shape.outSize + o] : 0;
      }
    }
    for (let o = 0; o < outP; o++) flat[base + bo + o] = o < shape.outSize ? b[o] : 0;
  }
}

/** The exported kernels of a {@linkcode KernelModule} instance (byte offsets, row counts). */
export interface KernelExports {
  /** A kernel by name (see {@linkcode KernelModule} for the names). */
  [name: string]: (...args: number[]) => number | void;
}

/**
 * The kernels for a set of MLP layouts, compiled once; instantiate it on a memory (shared for
 * workers) with {@linkcode KernelModule.instantiate}.
 */
export class KernelModule {
  /** The compiled module. */
  readonly module: WebAssembly.Module;
  /** Its bytes. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The blocking it was generated with. */
  readonly blocking: Blocking;

  /** Generates and compiles the kernels for `layouts`. */
  constructor(
    layouts: readonly MlpLayout[],
    memory: MemorySpec,
    blocking: Blocking = DEFAULT_BLOCKING,
  ) {
    const funcs: ExportedFunc[] = [];
    const seen = new Set<string>();
    for (const layout of layouts) {
      layout.layers.forEach((layer, l) => {
        const key = shapeKey(layer.shape);
        const fwd = `fwd_${layer.act}_${key}`;
        if (!seen.has(fwd)) {
          seen.add(fwd);
          funcs.push({ name: fwd, func: denseForward(layer.shape, layer.act, blocking) });
        }
        if (!seen.has(`dw_${key}`)) {
          seen.add(`dw_${key}`);
          funcs.push({ name: `dw_${key}`, func: denseGradW(layer.shape, blocking) });
        }
        if (l > 0 && !seen.has(`dx_${key}`)) {
          seen.add(`dx_${key}`);
          funcs.push({ name: `dx_${key}`, func: denseGradX(layer.shape, blocking) });
          funcs.push({ name: `tr_${key}`, func: transposeW(layer.shape) });
        }
      });
    }
    funcs.push({ name: "adam", func: adamStep() });
    funcs.push({ name: "sum_slots", func: sumSlots() });
    funcs.push({ name: "tanh", func: tanhInPlace() });
    this.bytes = buildModule(funcs, memory);
    this.module = new WebAssembly.Module(this.bytes);
    this.blocking = blocking;
  }

  /** An instance on `memory`. */
  instantiate(memory: WebAssembly.Memory): KernelExports {
    const inst = new WebAssembly.Instance(this.module, { env: { memory } });
    return inst.exports as unknown as KernelExports;
  }
}

/** Byte offsets of one network's buffers for a block of rows (see {@linkcode forwardPass}). */
export interface MlpBuffers {
  /** Output of each layer (`rows × pad4(width)`), the last one is the network output. */
  readonly acts: readonly number[];
  /** Two gradient buffers of `rows × maxWidth` floats each (ping-pong). */
  readonly dz: readonly [number, number];
}

/**
 * Forward pass of `rows` rows of input `x` (row stride `sizes[0]`) with the parameters at
 * byte offset `params`; the layer outputs go to `buf.acts`.
 */
export function forwardPass(
  k: KernelExports,
  layout: MlpLayout,
  params: number,
  x: number,
  rows: number,
  buf: MlpBuffers,
): void {
  let input = x;
  layout.layers.forEach((layer, l) => {
    const fn = k[`fwd_${layer.act}_${shapeKey(layer.shape)}`];
    fn(input, params + layer.w * 4, params + layer.b * 4, buf.acts[l], rows);
    input = buf.acts[l];
  });
}

/** Writes the transposed weights of layers ≥ 1 (byte offset `wt`, consecutive) from `params`. */
export function transposeWeights(
  k: KernelExports,
  layout: MlpLayout,
  params: number,
  wt: number,
): void {
  let o = wt;
  for (let l = 1; l < layout.layers.length; l++) {
    const s = layout.layers[l].shape;
    k[`tr_${shapeKey(s)}`](params + layout.layers[l].w * 4, o);
    o += pad4(s.outSize) * pad4(s.inSize) * 4;
  }
}

/**
 * Backpropagation of the output gradient `dOut` (`rows × pad4(out)`, padding zero) after
 * {@linkcode forwardPass} on the same rows: adds the parameter gradients to the vector at
 * byte offset `grads` (this layout). `wt` holds the transposed weights
 * ({@linkcode transposeWeights}).
 */
export function backwardPass(
  k: KernelExports,
  layout: MlpLayout,
  wt: number,
  x: number,
  dOut: number,
  rows: number,
  buf: MlpBuffers,
  grads: number,
): void {
  const L = layout.layers.length;
  const wtOff: number[] = [0];
  let o = wt;
  for (let l = 1; l < L; l++) {
    wtOff.push(o);
    const s = layout.layers[l].shape;
    o += pad4(s.outSize) * pad4(s.inSize) * 4;
  }
  let dz = dOut;
  let which = 0;
  for (let l = L - 1; l >= 0; l--) {
    const layer = layout.layers[l];
    const key = shapeKey(layer.shape);
    const input = l === 0 ? x : buf.acts[l - 1];
    k[`dw_${key}`](input, dz, grads + layer.w * 4, grads + layer.b * 4, rows);
    if (l > 0) {
      const next = buf.dz[which];
      which ^= 1;
      k[`dx_${key}`](dz, wtOff[l], buf.acts[l - 1], next, rows);
      dz = next;
    }
  }
}

/**
 * Bump allocator of 16-byte aligned regions of a WebAssembly memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Arena } from "./mlp.ts";
 * const a = new Arena();
 * assert.equal(a.floats(3), 0);
 * assert.equal(a.floats(1), 16);
 * ```
 */
export class Arena {
  /** Bytes allocated so far. */
  bytes = 0;

  /** Reserves `n` floats; returns the byte offset. */
  floats(n: number): number {
    const at = this.bytes;
    this.bytes += Math.ceil((n * 4) / 16) * 16;
    return at;
  }

  /** Pages (64 KiB) that hold everything allocated. */
  get pages(): number {
    return Math.max(1, Math.ceil(this.bytes / 65536));
  }
}
