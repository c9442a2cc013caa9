/**
 * Turns a `zod` validation failure into ALPE's {@linkcode ValidationError}: the first
 * issue becomes one message naming the field (dotted path, optionally prefixed), the
 * value it held and what is allowed. Shared by every schema-validated config.
 *
 * @module
 */
import type { z } from "zod";
import { ValidationError } from "./errors.ts";

/**
 * The {@linkcode ValidationError} for the first issue of a failed `safeParse`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { zodIssueToError } from "./validation.ts";
 * const r = z.object({ n: z.number().max(3) }).safeParse({ n: 9 });
 * if (!r.success) zodIssueToError(r.error, { n: 9 }, "cfg").message; // "cfg.n: expected a value <= 3, got 9"
 * ```
 */
export function zodIssueToError(
  error: z.ZodError,
  input: unknown,
  prefix = "",
): ValidationError {
  const issue = error.issues[0];
  const join = (path: string) => prefix && path ? `${prefix}.${path}` : prefix || path;
  const base = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    const field = join(base ? `${base}.${key}` : key);
    return new ValidationError(
      field,
      valueAt(input, [...issue.path, key]),
      "a known field (unknown name)",
    );
  }
  return new ValidationError(
    join(base) || "(config)",
    valueAt(input, issue.path),
    describeIssue(issue),
  );
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
      return `a value of type ${issue.expected}`;
    default:
      return issue.message;
  }
}
