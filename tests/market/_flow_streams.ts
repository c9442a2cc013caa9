/**
 * The four random streams of a `BackgroundFlow` for tests, named after `seed`.
 *
 * @module
 */
import type { FlowStreams } from "../../lib/market/order_flow.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** Streams `seed:flow`, `seed:price`, `seed:signs` and `seed:informed`. */
export const streams = (seed: string): FlowStreams => ({
  flow: new Rng(`${seed}:flow`),
  price: new Rng(`${seed}:price`),
  signs: new Rng(`${seed}:signs`),
  informed: new Rng(`${seed}:informed`),
});
