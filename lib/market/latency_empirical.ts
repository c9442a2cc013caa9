/**
 * An empirical latency distribution: delays drawn uniformly from recorded values (e.g. the
 * feed latencies of a tape, local minus exchange time). Assumes: latencies are independent
 * draws from what was recorded. Ignores: their autocorrelation in time (bursts of slow
 * messages). Units: nanoseconds in and out.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import type { Rng } from "../rng/rng.ts";
import type { LatencyModel } from "./types.ts";

/**
 * A {@linkcode LatencyModel} sampling uniformly among `samplesNs` (finite, ≥ 0; rounded to
 * whole ns). The values are copied.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { empiricalLatencyModel } from "./latency_empirical.ts";
 * import { Rng } from "../rng/rng.ts";
 * const lat = empiricalLatencyModel([1e6, 3e6]);
 * assert.equal(lat.mean(), 2e6);
 * assert.ok([1e6, 3e6].includes(lat.sample(new Rng(1))));
 * ```
 */
export function empiricalLatencyModel(samplesNs: ArrayLike<number>): LatencyModel {
  const n = samplesNs.length;
  if (n === 0) throw new ValidationError("latency samples", samplesNs, "at least one value");
  const v = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = samplesNs[i];
    if (!(x >= 0) || !Number.isFinite(x)) {
      throw new ValidationError(`latency samples[${i}]`, x, "a finite number of ns >= 0");
    }
    v[i] = Math.round(x);
    sum += v[i];
  }
  const mean = sum / n;
  return {
    sample: (rng: Rng) => v[Math.min(n - 1, Math.floor(rng.next() * n))],
    mean: () => mean,
  };
}
