/**
 * Where a {@linkcode VecEnv}'s arrays live. A tier allocates the arrays of the VecEnv
 * contract (observations, rewards, flags, view, step columns) through an
 * {@linkcode EnvMemory}, by name: {@linkcode heapMemory} gives ordinary typed arrays; the
 * parallel VecEnv (`lib/env/parallel.ts`) gives each worker's envs views into shared memory,
 * so that a shard steps in place and nothing is copied between threads.
 *
 * @module
 */
import { STEP_COLUMNS, type StepColumnName } from "./columns.ts";
import { OBS_DIM } from "./types.ts";

/** Element type of a VecEnv array. */
export type EnvArrayType = "f64" | "i32" | "u8";

/** Allocates the named arrays of `numEnvs` envs, `perEnv` elements per env. */
export interface EnvMemory {
  /** Number of envs every array is sized for. */
  readonly numEnvs: number;
  /** A Float64Array of `numEnvs · perEnv` elements for the array called `name`. */
  f64(name: string, perEnv: number): Float64Array;
  /** An Int32Array of `numEnvs · perEnv` elements for the array called `name`. */
  i32(name: string, perEnv: number): Int32Array;
  /** A Uint8Array of `numEnvs · perEnv` elements for the array called `name`. */
  u8(name: string, perEnv: number): Uint8Array;
}

/** One array of the VecEnv contract: its name, element type and elements per env. */
export interface EnvArraySpec {
  /** Name passed to {@linkcode EnvMemory} (e.g. `observations`, `columns.pnl`). */
  readonly name: string;
  /** Element type. */
  readonly type: EnvArrayType;
  /** Elements per env. */
  readonly perEnv: number;
}

/**
 * Every array a VecEnv exposes, by the names tiers allocate them under: `observations`,
 * `rewards`, `terminated`, `truncated`, `impactCost`, `view.<member>` (mid, bestBid, bestAsk,
 * timeLeft, sigma, inventory) and `columns.<name>` for every step column. `view.inventory` is
 * the inventory as the agent knows it: the replay tier's lags fills by the response latency;
 * the model and book tiers' is `columns.inventory` itself (they do not allocate it).
 */
export const VEC_ENV_ARRAYS: readonly EnvArraySpec[] = [
  { name: "observations", type: "f64", perEnv: OBS_DIM },
  { name: "rewards", type: "f64", perEnv: 1 },
  { name: "terminated", type: "u8", perEnv: 1 },
  { name: "truncated", type: "u8", perEnv: 1 },
  { name: "impactCost", type: "f64", perEnv: 1 },
  { name: "view.mid", type: "f64", perEnv: 1 },
  { name: "view.bestBid", type: "f64", perEnv: 1 },
  { name: "view.bestAsk", type: "f64", perEnv: 1 },
  { name: "view.timeLeft", type: "f64", perEnv: 1 },
  { name: "view.sigma", type: "f64", perEnv: 1 },
  { name: "view.inventory", type: "f64", perEnv: 1 },
  ...(Object.keys(STEP_COLUMNS) as StepColumnName[]).map((k) => ({
    name: `columns.${k}`,
    type: STEP_COLUMNS[k].type,
    perEnv: 1,
  })),
];

/** Bytes of a cache line: every arena array starts on one. */
export const CACHE_LINE = 64;
/** Bytes after which L1 cache sets (and 4K-aliasing) repeat: 64 sets of 64-byte lines. */
export const CACHE_SET_SPAN = 4096;
const BYTES = { f64: 8, i32: 4, u8: 1 } as const;

/** Bytes of a WebAssembly page: the memory {@linkcode pageAlignedBuffer} hands out grows by these. */
const WASM_PAGE = 65_536;
/** Most pages {@linkcode pageAlignedBuffer} asks a WebAssembly memory for (2 GiB). */
const MAX_WASM_PAGES = 32_768;

/**
 * A zeroed buffer of at least `bytes` bytes whose first byte sits at the start of a memory
 * page (so at the start of a cache line), shared between threads when `shared`: the memory of
 * a `WebAssembly.Memory` of as many 64-KiB pages as it takes, which the engine maps
 * page-aligned. Its length is a whole number of pages; a request of 0 bytes or of more than
 * 2 GiB, or one the engine refuses, gets an ordinary buffer of exactly `bytes`.
 *
 * Why: the layout of an arena ({@linkcode arenaLayout}) puts each array on a cache line
 * counted from the buffer's start, which is a cache line in memory only if the buffer's is.
 * An ordinary buffer is not: with deno 2.9.6 on Linux, a large `ArrayBuffer` or
 * `SharedArrayBuffer` starts 16 bytes past a page (the allocator's header before an
 * `mmap`ed block) and a small one anywhere on 16 bytes. Every array then started 16 bytes into
 * a line, so in a `ParallelVecEnv` the line at the seam between two threads' envs held both
 * threads' elements in every array, some 40 lines that the two cores took from each other at
 * every step (measured: docs/performance.md, "Both cores", item 7).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pageAlignedBuffer } from "./memory.ts";
 * const b = pageAlignedBuffer(100_000);
 * assert.ok(b.byteLength >= 100_000 && b.byteLength % 65_536 === 0);
 * assert.ok(pageAlignedBuffer(64, true) instanceof SharedArrayBuffer);
 * assert.equal(pageAlignedBuffer(0).byteLength, 0);
 * ```
 */
export function pageAlignedBuffer(bytes: number, shared: true): SharedArrayBuffer;
/** An unshared page-aligned buffer of at least `bytes` bytes (see the shared overload). */
export function pageAlignedBuffer(bytes: number, shared?: false): ArrayBuffer;
export function pageAlignedBuffer(
  bytes: number,
  shared = false,
): ArrayBuffer | SharedArrayBuffer {
  const pages = Math.ceil(bytes / WASM_PAGE);
  if (pages > 0 && pages <= MAX_WASM_PAGES) {
    try {
      return new WebAssembly.Memory({ initial: pages, maximum: pages, shared }).buffer;
    } catch {
      // the engine refused the mapping (address space, limits): an ordinary buffer below
    }
  }
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** Where each array of an arena starts, in bytes from the start of its buffer. */
export interface ArenaLayout {
  /** Total bytes of the buffer. */
  readonly bytes: number;
  /** Byte offset of each array, by name. */
  readonly offsets: Readonly<Record<string, number>>;
}

/**
 * Lays out the arrays `specs` of `numEnvs` envs in one buffer, in order, each starting at a
 * multiple of {@linkcode CACHE_LINE} bytes from the buffer's start (a cache line in memory
 * when the buffer starts on one: {@linkcode pageAlignedBuffer}), at least {@linkcode CACHE_SET_SPAN} bytes (a page) after the end of the previous one,
 * and at an offset modulo {@linkcode CACHE_SET_SPAN} (its L1 cache set) that no earlier array
 * of the buffer starts at — moved up a line or more when it would — so that env i's element
 * of every array falls in a different L1 set (for up to 64 arrays; then the sets are
 * reused).
 *
 * Why the sets: a step writes env i's element of some 40 arrays. When the arrays start at
 * the same offset modulo 4,096 bytes — as separately allocated buffers often do,
 * page-aligned — all 40 elements compete for the 8 ways of one L1 set and the loads alias
 * the stores (4K aliasing): the model tier ran 2.2× slower with such a layout (122–137
 * against 57–60 ns per env-step, N = 1,024; docs/performance.md), and by chance on some runs
 * and not others, since where an allocator puts a buffer varies.
 *
 * Why the page: hardware prefetchers follow a stream to the end of its 4 KB page. With a
 * page between arrays, a thread streaming to the end of its part of one array never pulls in
 * the start of the next array, which another thread may be writing (`ParallelVecEnv`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { arenaLayout, CACHE_SET_SPAN } from "./memory.ts";
 * const specs = [
 *   { name: "a", type: "f64", perEnv: 1 },
 *   { name: "b", type: "f64", perEnv: 1 },
 * ] as const;
 * const { offsets, bytes } = arenaLayout(specs, 512); // 4,096 bytes each
 * assert.equal(offsets.a, 0);
 * // a page after a's end, and one line up: 2·4,096 would share a's sets
 * assert.equal(offsets.b, 2 * 4096 + 64);
 * assert.notEqual(offsets.a % CACHE_SET_SPAN, offsets.b % CACHE_SET_SPAN);
 * assert.equal(bytes, offsets.b + 4096);
 * ```
 */
export function arenaLayout(specs: readonly EnvArraySpec[], numEnvs: number): ArenaLayout {
  const offsets: Record<string, number> = {};
  const lines = CACHE_SET_SPAN / CACHE_LINE;
  const used = new Set<number>();
  let top = -CACHE_SET_SPAN;
  for (const spec of specs) {
    if (used.size === lines) used.clear();
    let at = Math.ceil((top + CACHE_SET_SPAN) / CACHE_LINE) * CACHE_LINE;
    while (used.has((at % CACHE_SET_SPAN) / CACHE_LINE)) at += CACHE_LINE;
    used.add((at % CACHE_SET_SPAN) / CACHE_LINE);
    offsets[spec.name] = at;
    top = at + numEnvs * spec.perEnv * BYTES[spec.type];
  }
  return { bytes: Math.max(0, Math.ceil(top / CACHE_LINE) * CACHE_LINE), offsets };
}

/** An arena: one buffer holding the arrays of `specs` for `numEnvs` envs at `layout`. */
export interface EnvArena {
  /** The buffer (shared when threads step the envs). */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Byte offset of the arena's first byte in `buffer`. */
  readonly base: number;
  /** Envs each array is sized for. */
  readonly numEnvs: number;
  /** The arrays it holds. */
  readonly specs: readonly EnvArraySpec[];
  /** Where each starts, relative to `base`. */
  readonly layout: ArenaLayout;
}

/** A typed array of any element type an {@linkcode EnvMemory} hands out. */
export type EnvArray = Float64Array | Int32Array | Uint8Array;

/**
 * The view of envs [start, start + count) of the array called `name` in `arena`
 * (undefined when the arena holds no such array).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { arenaLayout, arenaView } from "./memory.ts";
 * const specs = [{ name: "actions", type: "f64", perEnv: 4 }] as const;
 * const layout = arenaLayout(specs, 3);
 * const arena = { buffer: new ArrayBuffer(layout.bytes), base: 0, numEnvs: 3, specs, layout };
 * assert.equal(arenaView(arena, "actions", 1, 2)?.length, 8);
 * assert.equal(arenaView(arena, "seeds", 0, 3), undefined);
 * ```
 */
export function arenaView(
  arena: EnvArena,
  name: string,
  start: number,
  count: number,
): EnvArray | undefined {
  const spec = arena.specs.find((s) => s.name === name);
  if (!spec) return undefined;
  const at = arena.base + arena.layout.offsets[name] + start * spec.perEnv * BYTES[spec.type];
  const len = count * spec.perEnv;
  if (spec.type === "f64") return new Float64Array(arena.buffer, at, len);
  return spec.type === "i32"
    ? new Int32Array(arena.buffer, at, len)
    : new Uint8Array(arena.buffer, at, len);
}

/**
 * The {@linkcode EnvMemory} of envs [start, start + count) of `arena`: each named array it
 * holds is a view of that range; any other name, a name asked for with another element type
 * or width, or a name asked for a second time, gets an ordinary array of its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { arenaLayout, arenaMemory } from "./memory.ts";
 * const specs = [{ name: "rewards", type: "f64", perEnv: 1 }] as const;
 * const layout = arenaLayout(specs, 4);
 * const arena = { buffer: new ArrayBuffer(layout.bytes), base: 0, numEnvs: 4, specs, layout };
 * const all = arenaMemory(arena, 0, 4).f64("rewards", 1);
 * arenaMemory(arena, 2, 2).f64("rewards", 1)[0] = 7; // env 2
 * assert.equal(all[2], 7);
 * ```
 */
export function arenaMemory(arena: EnvArena, start: number, count: number): EnvMemory {
  const given = new Set<string>();
  const fresh = heapArrays(count);
  const pick = (type: EnvArrayType, name: string, perEnv: number) => {
    const spec = arena.specs.find((s) => s.name === name);
    if (!spec || spec.type !== type || spec.perEnv !== perEnv || given.has(name)) return null;
    given.add(name);
    return arenaView(arena, name, start, count) ?? null;
  };
  return {
    numEnvs: count,
    f64: (name, perEnv) => (pick("f64", name, perEnv) as Float64Array) ?? fresh.f64(name, perEnv),
    i32: (name, perEnv) => (pick("i32", name, perEnv) as Int32Array) ?? fresh.i32(name, perEnv),
    u8: (name, perEnv) => (pick("u8", name, perEnv) as Uint8Array) ?? fresh.u8(name, perEnv),
  };
}

/** Separate, ordinary typed arrays for `numEnvs` envs. */
function heapArrays(numEnvs: number): EnvMemory {
  return {
    numEnvs,
    f64: (_name, perEnv) => new Float64Array(numEnvs * perEnv),
    i32: (_name, perEnv) => new Int32Array(numEnvs * perEnv),
    u8: (_name, perEnv) => new Uint8Array(numEnvs * perEnv),
  };
}

/**
 * Ordinary (unshared) memory for `numEnvs` envs: the arrays of {@linkcode VEC_ENV_ARRAYS} and
 * `extra` (a tier's internal arrays) in one page-aligned arena ({@linkcode pageAlignedBuffer})
 * laid out by {@linkcode arenaLayout}; other names get arrays of their own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { heapMemory } from "./memory.ts";
 * const mem = heapMemory(3);
 * const obs = mem.f64("observations", 9);
 * assert.equal(obs.length, 27);
 * assert.ok(obs.every((v) => v === 0));
 * ```
 */
export function heapMemory(numEnvs: number, extra: readonly EnvArraySpec[] = []): EnvMemory {
  const specs = [...VEC_ENV_ARRAYS, ...extra];
  const layout = arenaLayout(specs, numEnvs);
  const arena = { buffer: pageAlignedBuffer(layout.bytes), base: 0, numEnvs, specs, layout };
  return arenaMemory(arena, 0, numEnvs);
}
