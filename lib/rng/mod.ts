/**
 * Seeded randomness: one seed, independent named streams, allocation-free samplers; the
 * fast xoshiro128** generator for hot loops, with its streams in typed arrays.
 *
 * @module
 */
export * from "./rng.ts";
export * from "./streams.ts";
export * from "./xoshiro.ts";
