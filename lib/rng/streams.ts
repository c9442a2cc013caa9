/**
 * Named, independent random streams derived from one seed. Each component draws
 * from its own stream, so adding a component (or a draw in one) never shifts the
 * draws of another.
 *
 * @module
 */
import { Rng, validateSeed } from "./rng.ts";

/** Well-known stream names used by the simulator and agents. */
export const STREAM = {
  flow: "flow",
  price: "price",
  regime: "regime",
  latency: "latency",
  informed: "informed",
  fills: "fills",
  agent: "agent",
  init: "init",
} as const;

/**
 * A family of independent generators keyed by name, all derived from one seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RngStreams } from "./streams.ts";
 * const streams = new RngStreams(7);
 * const flow = streams.get("flow");
 * const regime = streams.get("regime"); // independent of `flow`
 * assert.notEqual(flow.next(), regime.next());
 * assert.equal(streams.get("flow"), flow); // the same object on every call
 * ```
 */
export class RngStreams {
  /** The root seed. */
  readonly seed: number;
  #cache = new Map<string, Rng>();

  /** Creates the family for `seed` (an integer in [0, 2^32)). */
  constructor(seed: number) {
    this.seed = validateSeed(seed);
  }

  /** The stream called `name` (created on first use, then the same object). */
  get(name: string): Rng {
    let r = this.#cache.get(name);
    if (!r) {
      r = new Rng(streamSeed(this.seed, name));
      this.#cache.set(name, r);
    }
    return r;
  }
}

/** The seed string of stream `name` under root `seed`. */
export function streamSeed(seed: number, name: string): string {
  return `alpe:${seed}:${name}`;
}

/**
 * Derives the `index`-th child seed (an integer in [0, 2^32)) of `seed`, e.g.
 * one seed per episode or per vectorized environment.
 */
export function childSeed(seed: number, index: number): number {
  const r = new Rng(`alpe-child:${seed}:${index}`);
  return Math.floor(r.next() * 4294967296) >>> 0;
}
