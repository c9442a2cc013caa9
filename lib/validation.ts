/**
 * Turns a `zod` validation failure into ALPE's {@linkcode ValidationError}: the first
 * issue becomes one message naming the field (dotted path, optionally prefixed), the
 * value it held and what is allowed. Shared by every schema-validated config.
 *
 * @module
 */
import type { z } from "npm:zod@4.6.7";
import { ValidationError } from "./errors.ts";

/**
 * The validated type of a schema (what `parse` returns: defaults filled in). Schemas are
 * the one definition of each config; their types are inferred with this.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "npm:zod@4.6.7";
 * import type { Infer } from "./validation.ts";
 * const schema = z.strictObject({ n: z.number().default(1) });
 * const v: Infer<typeof schema> = schema.parse({});
 * assert.ok(v.n === 1);
 * ```
 */
export type Infer<S extends { _zod: { output: unknown } }> = S["_zod"]["output"];

/** The accepted input type of a schema (fields with defaults are optional). */
export type InferInput<S extends { _zod: { input: unknown } }> = S["_zod"]["input"];

/**
 * The {@linkcode ValidationError} for the first issue of a failed `safeParse` (an unknown
 * key first, when there is one: it names the closest known key).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "npm:zod@4.6.7";
 * import { zodIssueToError } from "./validation.ts";
 * const r = z.object({ n: z.number().max(3) }).safeParse({ n: 9 });
 * assert.ok(!r.success);
 * const e = zodIssueToError(r.error, { n: 9 }, "cfg");
 * assert.equal(e.message, "cfg.n: expected a value <= 3, got 9");
 * ```
 */
export function zodIssueToError(
  error: z.ZodError,
  input: unknown,
  prefix = "",
  schema?: z.ZodType,
): ValidationError {
  // A typo in a key often also leaves a required field missing: name the unknown key first.
  const issue = error.issues.find((i) => i.code === "unrecognized_keys") ?? error.issues[0];
  const join = (path: string) => prefix && path ? `${prefix}.${path}` : prefix || path;
  const base = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    const field = join(base ? `${base}.${key}` : key);
    const known = schema ? knownKeysAt(schema, issue.path) : [];
    const near = closestName(key, known);
    const expected = near
      ? `a known field (unknown name; did you mean "${near}"?)`
      : known.length
      ? `a known field (unknown name; known: ${known.join(", ")})`
      : "a known field (unknown name)";
    return new ValidationError(field, valueAt(input, [...issue.path, key]), expected);
  }
  return new ValidationError(
    join(base) || "(config)",
    valueAt(input, issue.path),
    describeIssue(issue),
  );
}

/**
 * Validates `input` against `schema` (defaults filled in) or throws the
 * {@linkcode ValidationError} of its first issue, field names prefixed with `prefix`; an
 * unknown key of a strict object names the closest known key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "npm:zod@4.6.7";
 * import { parseWith } from "./validation.ts";
 * const schema = z.strictObject({ volatility: z.number().default(0.02) });
 * let message = "";
 * try {
 *   parseWith(schema, { volatilty: 0.05 });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * assert.ok(message.includes('did you mean "volatility"'), message);
 * ```
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix = "",
): Infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw zodIssueToError(r.error, input, prefix, schema);
  return r.data as Infer<S>;
}

/** The keys an object schema accepts at `path` (unwrapping defaults, optionals, arrays). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  for (let i = 0; i <= path.length; i++) {
    s = unwrap(s);
    if (i === path.length) break;
    const def = defOf(s);
    if (def?.type === "object") s = (def.shape as Record<string, unknown>)[String(path[i])];
    else if (def?.type === "array") s = def.element;
    else if (def?.type === "record") s = def.valueType;
    else return [];
  }
  const def = defOf(s);
  return def?.type === "object" ? Object.keys(def.shape as Record<string, unknown>) : [];
}

type Def = {
  type?: string;
  innerType?: unknown;
  shape?: unknown;
  element?: unknown;
  valueType?: unknown;
};

function defOf(s: unknown): Def | undefined {
  return (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

function unwrap(s: unknown): unknown {
  for (let d = defOf(s); d && d.innerType !== undefined; d = defOf(s)) s = d.innerType;
  return s;
}

/** The name in `names` closest to `name` by edit distance, if it is close enough to be a typo. */
export function closestName(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const a = name.toLowerCase();
  for (const n of names) {
    const d = editDistance(a, n.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The value at `path` inside `input`, or undefined. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** What a zod issue says is allowed, phrased to follow "expected ". */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_big":
      return `a value ${issue.inclusive ? "<=" : "<"} ${String(issue.maximum)}`;
    case "too_small":
      return `a value ${issue.inclusive ? ">=" : ">"} ${String(issue.minimum)}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_type":
      return issue.expected === "object"
        ? "an object"
        : issue.expected === "array"
        ? "an array"
        : `a value of type ${issue.expected}`;
    default:
      return issue.message;
  }
}
