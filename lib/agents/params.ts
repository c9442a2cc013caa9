/**
 * Parameter validation shared by the agents: each agent declares a strict `zod`
 * schema, and {@linkcode parseParams} turns the first issue into a
 * {@linkcode ValidationError} naming `<agent id>.<parameter>`, its value and what is
 * allowed. Unknown parameter names are rejected, naming the closest known one; parameters
 * that are not an object (`null`, a number, a string, an array) are a named error too.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import { closestName, zodIssueToError } from "../validation.ts";

/** A σ source: `"view"` (the env's estimate, `view.sigma`) or a fixed value in $/√s. */
export const sigmaSourceSchema: z.ZodUnion<[z.ZodLiteral<"view">, z.ZodNumber]> = z.union([
  z.literal("view"),
  z.number().positive().max(1e6),
], { error: '"view" or a positive number (dollars per √second) <= 1000000' });

/** A quote size in lots (an integer ≥ 0; 0 disables quoting). */
export const sizeSchema: z.ZodNumber = z.number().int().min(0).max(1_000_000);

/**
 * Validates `input` against `schema` (defaults filled), or throws a
 * {@linkcode ValidationError} whose field is `<agentId>.<parameter>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "npm:zod@4.6.7";
 * import { parseParams } from "./params.ts";
 * const schema = z.strictObject({ size: z.number().int().min(0).default(1) });
 * assert.equal(parseParams(schema, "static-spread", {}).size, 1);
 * assert.throws(() => parseParams(schema, "static-spread", { size: -1 }), /static-spread\.size/);
 * ```
 */
export function parseParams<S extends z.ZodType>(
  schema: S,
  agentId: string,
  input: unknown,
): z.output<S> {
  if (
    input !== undefined && (input === null || typeof input !== "object" || Array.isArray(input))
  ) {
    throw new ValidationError(`${agentId}.params`, input, "an object of parameters");
  }
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const unknown = r.error.issues.find((i) => i.code === "unrecognized_keys");
  if (unknown?.code === "unrecognized_keys" && unknown.path.length === 0) {
    const key = unknown.keys[0];
    const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    const near = closestName(key, known);
    throw new ValidationError(
      `${agentId}.${key}`,
      (input as Record<string, unknown>)[key],
      near
        ? `a known parameter (did you mean "${near}"? known: ${known.join(", ")})`
        : `a known parameter (${known.length ? `one of: ${known.join(", ")}` : "none"})`,
    );
  }
  throw zodIssueToError(r.error, input, agentId, schema);
}
