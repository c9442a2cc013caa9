/**
 * Latency distributions, specified in milliseconds, sampled as integer nanoseconds
 * (the event queue's clock). Samples are rounded to the nearest nanosecond.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import type { Infer } from "../validation.ts";
import type { Rng } from "../rng/rng.ts";
import type { LatencyModel } from "./types.ts";

/**
 * Schema of a latency distribution, in milliseconds (`kind` selects the family).
 *
 * @ignore
 */
export const latencySpecSchema = z.discriminatedUnion("kind", [
  /** Always `ms`. */
  z.strictObject({ kind: z.literal("constant"), ms: z.number().min(0).max(10_000) }),
  /** Exponential with mean `meanMs`. */
  z.strictObject({ kind: z.literal("exponential"), meanMs: z.number().min(0).max(10_000) }),
  /** `medianMs · e^(sigma·Z)`, Z standard normal. */
  z.strictObject({
    kind: z.literal("lognormal"),
    medianMs: z.number().min(0).max(10_000),
    sigma: z.number().min(0).max(5),
  }),
  /** Uniform on [`minMs`, `maxMs`]. */
  z.strictObject({
    kind: z.literal("uniform"),
    minMs: z.number().min(0).max(10_000),
    maxMs: z.number().min(0).max(10_000),
  }),
]);

/** A latency distribution, in milliseconds. */
export type LatencySpec = Infer<typeof latencySpecSchema>;

/** Nanoseconds per millisecond. */
export const NS_PER_MS = 1_000_000;

/**
 * Creates a latency model:
 * - `constant`: always `ms` (no draw);
 * - `exponential`: mean `meanMs` (inversion, one uniform);
 * - `lognormal`: `medianMs · e^(sigma·Z)`, mean `medianMs · e^(sigma²/2)`;
 * - `uniform`: uniform on [`minMs`, `maxMs`] (`minMs` ≤ `maxMs`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLatencyModel } from "./latency.ts";
 * import { Rng } from "../rng/rng.ts";
 * const lat = createLatencyModel({ kind: "constant", ms: 5 });
 * assert.equal(lat.sample(new Rng(1)), 5_000_000); // nanoseconds
 * assert.equal(lat.mean(), 5_000_000);
 * ```
 */
export function createLatencyModel(spec: LatencySpec): LatencyModel {
  const nonNeg = (field: string, v: number): number => {
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new ValidationError(`latency.${field}`, v, "a finite number >= 0");
    }
    return v;
  };
  switch (spec.kind) {
    case "constant": {
      const ns = Math.round(nonNeg("ms", spec.ms) * NS_PER_MS);
      return { sample: () => ns, mean: () => ns };
    }
    case "exponential": {
      const mean = nonNeg("meanMs", spec.meanMs) * NS_PER_MS;
      return {
        sample: (rng: Rng) => Math.round(-Math.log(1 - rng.next()) * mean),
        mean: () => mean,
      };
    }
    case "lognormal": {
      const median = nonNeg("medianMs", spec.medianMs) * NS_PER_MS;
      const s = nonNeg("sigma", spec.sigma);
      const mean = median * Math.exp(0.5 * s * s);
      return {
        sample: (rng: Rng) => Math.round(median * Math.exp(s * rng.normal())),
        mean: () => mean,
      };
    }
    case "uniform": {
      const lo = nonNeg("minMs", spec.minMs) * NS_PER_MS;
      const hi = nonNeg("maxMs", spec.maxMs) * NS_PER_MS;
      if (hi < lo) {
        throw new ValidationError("latency.maxMs", spec.maxMs, `>= minMs (${spec.minMs})`);
      }
      return {
        sample: (rng: Rng) => Math.round(lo + (hi - lo) * rng.next()),
        mean: () => 0.5 * (lo + hi),
      };
    }
    default: {
      const kind = (spec as { kind: unknown }).kind;
      throw new ValidationError(
        "latency.kind",
        kind,
        '"constant", "exponential", "lognormal" or "uniform"',
      );
    }
  }
}
