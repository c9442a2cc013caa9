/**
 * Memory plans: where every buffer of a training task lives in one (shared) WebAssembly
 * memory, as plain JSON so that worker threads can receive it. A plan holds the parameters,
 * their reduced gradient and Adam moments, one gradient slot per chunk of a minibatch, the
 * minibatch itself, per-thread scratch for a block of rows, chunk statistics and the control
 * words of the worker pool.
 *
 * Chunks fix the arithmetic: a minibatch of `m` rows is cut into `chunks(m)` chunks of
 * consecutive rows (a function of `m` only), each chunk's gradient is summed over its rows in
 * order into its own slot, and the slots are added in chunk order. Which thread computes which
 * chunk never changes a bit of the result.
 *
 * @module
 */
import { Arena, MlpLayout } from "./mlp.ts";

/** Rows per scratch block (a chunk is processed in blocks of at most this many rows). */
export const BLOCK_ROWS = 256;
/** Most chunks a minibatch is cut into. */
export const MAX_CHUNKS = 16;

/** Chunks of a minibatch of `m` rows: one per {@linkcode BLOCK_ROWS} rows, at most 16. */
export function chunkCount(m: number): number {
  return Math.max(1, Math.min(MAX_CHUNKS, Math.ceil(m / BLOCK_ROWS)));
}

/** Rows `[start, end)` of chunk `c` of `n` over `m` rows. */
export function chunkRows(m: number, n: number, c: number): [number, number] {
  return [Math.floor((c * m) / n), Math.floor(((c + 1) * m) / n)];
}

/** Buffers of one network for a block of rows (byte offsets). */
export interface NetScratch {
  /** Layer outputs. */
  acts: number[];
  /** Gradient ping-pong buffers. */
  dz: [number, number];
  /** Output gradient (`rows × pad4(out)`). */
  dOut: number;
}

/** Control words (Int32) of the pool. */
export const CTRL = {
  /** Generation: bumped to start a job. */
  GEN: 0,
  /** Command of the job (see {@linkcode CMD}). */
  CMD: 1,
  /** Chunks of the job. */
  CHUNKS: 2,
  /** Next chunk to take. */
  NEXT: 3,
  /** Chunks completed (by any thread). */
  DONE: 4,
  /** Set to 1 by a thread that failed. */
  ERROR: 5,
} as const;

/** Pool commands. */
export const CMD = { GRAD: 1, EXIT: 2 } as const;

/** Everything a thread needs to compute chunk gradients of a task. */
export interface TaskPlan {
  /** The task ("ppo" or "mse"). */
  kind: "ppo" | "mse";
  /** Layer widths of each network, input first. */
  nets: number[][];
  /** Floats of all parameters (the networks' flat vectors, then extras such as logStd). */
  paramFloats: number;
  /** Float offset of each network within the parameter vector. */
  netOffsets: number[];
  /** Extra parameters after the networks (PPO: logStd), floats (padded to 4). */
  extraFloats: number;
  /** Byte offsets of the parameters, reduced gradient and Adam moments. */
  params: number;
  /** Reduced gradient. */
  grad: number;
  /** Adam first moment. */
  m: number;
  /** Adam second moment. */
  v: number;
  /** Transposed weights of each network (layers ≥ 1). */
  wt: number[];
  /** Gradient slots (one per chunk), `slotBytes` apart. */
  slots: number;
  /** Bytes per slot. */
  slotBytes: number;
  /** Largest minibatch. */
  maxRows: number;
  /** Minibatch columns (byte offsets): name → [offset, floats per row]. */
  batch: Record<string, [number, number]>;
  /** Per thread, per network scratch. */
  scratch: NetScratch[][];
  /** Float64 statistics, 8 per chunk (byte offset). */
  stats: number;
  /** Int32 control words (byte offset, 16 words). */
  ctrl: number;
  /** Float64 job parameters (byte offset, 16 values). */
  args: number;
  /** Rows of the inference buffers. */
  inferRows: number;
  /** Inference input (`inferRows × nets[0][0]`) and per-network outputs. */
  infer: { x: number; nets: NetScratch[] };
  /** Memory size, 64 KiB pages. */
  pages: number;
}

function netScratch(a: Arena, layout: MlpLayout, rows: number): NetScratch {
  return {
    acts: layout.layers.map((l) => a.floats(rows * Math.ceil(l.shape.outSize / 4) * 4)),
    dz: [a.floats(rows * layout.maxWidth), a.floats(rows * layout.maxWidth)],
    dOut: a.floats(rows * layout.outStride),
  };
}

/**
 * A plan for `kind` with networks `nets`, minibatches up to `maxRows` rows, `threads` threads
 * and inference on up to `inferRows` rows; `columns` are the minibatch columns (floats per
 * row), `extraFloats` extra parameters.
 */
export function makePlan(
  kind: "ppo" | "mse",
  nets: number[][],
  extraFloats: number,
  columns: Record<string, number>,
  maxRows: number,
  threads: number,
  inferRows: number,
): TaskPlan {
  const layouts = nets.map((s) => new MlpLayout(s));
  const a = new Arena();
  const netOffsets: number[] = [];
  let p = 0;
  for (const l of layouts) {
    netOffsets.push(p);
    p += l.floats;
  }
  const extra = Math.ceil(extraFloats / 4) * 4;
  const paramFloats = p + extra;
  const ctrl = a.floats(16);
  const args = a.floats(32);
  const params = a.floats(paramFloats);
  const grad = a.floats(paramFloats);
  const m = a.floats(paramFloats);
  const v = a.floats(paramFloats);
  const wt = layouts.map((l) => a.floats(l.transposedFloats));
  const slotBytes = Math.ceil((paramFloats * 4) / 16) * 16;
  const slots = a.floats(MAX_CHUNKS * slotBytes / 4);
  const batch: Record<string, [number, number]> = {};
  for (const [name, w] of Object.entries(columns)) batch[name] = [a.floats(maxRows * w), w];
  const block = Math.min(BLOCK_ROWS, maxRows);
  const scratch = Array.from(
    { length: threads },
    () => layouts.map((l) => netScratch(a, l, block)),
  );
  const stats = a.floats(MAX_CHUNKS * 16);
  const inferX = a.floats(inferRows * nets[0][0]);
  const inferNets = layouts.map((l) => netScratch(a, l, inferRows));
  return {
    kind,
    nets,
    paramFloats,
    netOffsets,
    extraFloats: extra,
    params,
    grad,
    m,
    v,
    wt,
    slots,
    slotBytes,
    maxRows,
    batch,
    scratch,
    stats,
    ctrl,
    args,
    inferRows,
    infer: { x: inferX, nets: inferNets },
    pages: a.pages,
  };
}
