/**
 * Seeded randomness: one seed, independent named streams, allocation-free samplers.
 *
 * @module
 */
export * from "./rng.ts";
export * from "./streams.ts";
