/**
 * Small multilayer perceptrons trained on WebAssembly SIMD kernels generated at run time for
 * the network's exact shape (`kernels.ts`, written with the minimal WebAssembly writer of
 * `wasm.ts`): dense forward/backward passes, Adam, memory plans, and an engine whose Deno
 * Workers compute chunk gradients in parallel with a fixed reduction order, so results have
 * the same bits with any number of threads. lib/rl's `PpoLearner` is built on it.
 *
 * @module
 */
export * from "./adam.ts";
export * from "./engine.ts";
export { type Blocking, DEFAULT_BLOCKING, type DenseShape, pad4 } from "./kernels.ts";
export * from "./mlp.ts";
export * from "./plan.ts";
export { gaussianLogProb, type ThreadContext, threadContext } from "./tasks.ts";
export type { MemorySpec } from "./wasm.ts";
