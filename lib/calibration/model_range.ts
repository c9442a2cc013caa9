/**
 * Fitted values beyond what a model accepts. A direct fit reads the tape, not the model's
 * schema: a touch whose thin queues are cancelled far faster per lot than the book behind it
 * gives a depletion hazard above the cancellation model's range (random LOBSTER books: 110 to
 * 640 against the model's bound of 100; the AMZN tape: 1.1). Rather than fail the whole
 * calibration on one such value, the calibration sets it to the nearest value the model
 * accepts, says so in the estimate's note and in a warning (the fitted value, the bound), and
 * goes on: the preset is then the model's closest market to the tape, and every realism report
 * on it says which of its values sit on a bound. Only values the calibration fitted are
 * moved (an {@linkcode Estimate} under the config path the schema names); any other
 * validation failure is left to the caller, which reports it as an error.
 *
 * @module
 */
import { envConfigSchema } from "../env/config.ts";
import { valueAt } from "../validation.ts";
import { type Estimate, sig } from "./estimate.ts";

/**
 * Moves every estimate of `est` (keyed by config path, e.g. `flow.cancellation.depletion`)
 * that `config()` (built from `est`) puts beyond a numeric bound of the environment schema to
 * that bound (a strict bound: 0.1 % inside it, or 10⁻⁶ above a strict 0), with a note on the
 * estimate and one warning each in `warnings`. Returns the config paths moved. Stops when the
 * config validates or no estimate is left to move (then the caller's validation names the
 * field that still fails).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitted } from "./estimate.ts";
 * import { clampToModelRange } from "./model_range.ts";
 * const est = { "flow.cancellation.depletion": fitted(198.5, 3, "ratio", "a fit") };
 * const warnings: string[] = [];
 * const config = () => ({
 *   tier: "book",
 *   flow: { cancellation: { depletion: est["flow.cancellation.depletion"].value } },
 * });
 * assert.deepEqual(clampToModelRange(config, est, warnings), ["flow.cancellation.depletion"]);
 * assert.equal(est["flow.cancellation.depletion"].value, 100);
 * assert.match(warnings[0], /fitted 198\.5, beyond the model's range: set to its bound 100/);
 * assert.deepEqual(clampToModelRange(config, est, warnings), []);
 * ```
 */
export function clampToModelRange(
  config: () => Record<string, unknown>,
  est: Record<string, Estimate>,
  warnings: string[],
): string[] {
  const moved: string[] = [];
  for (let pass = 0; pass < 100; pass++) {
    const c = config();
    const r = envConfigSchema.safeParse(c);
    if (r.success) break;
    let any = false;
    for (const issue of r.error.issues) {
      if (issue.code !== "too_big" && issue.code !== "too_small") continue;
      const path = issue.path.map(String);
      const key = path.join(".");
      const e = est[key];
      const limit = Number(issue.code === "too_big" ? issue.maximum : issue.minimum);
      if (e === undefined || !Number.isFinite(e.value) || !Number.isFinite(limit)) continue;
      const up = issue.code === "too_small";
      const bound = issue.inclusive
        ? limit
        : limit === 0
        ? (up ? 1e-6 : -1e-6)
        : limit * (up === limit > 0 ? 1.001 : 0.999);
      // the config reads the estimate, or holds a value computed from it once (the arrival
      // process): set both, and keep the move only if the next config carries it
      const old = e.value;
      e.value = bound;
      setAt(c, path, bound);
      const carried = valueAt(config(), path);
      e.value = old;
      if (carried !== bound && carried !== sig(bound)) continue;
      moveToBound(key, e, bound, warnings);
      if (!moved.includes(key)) moved.push(key);
      any = true;
    }
    if (!any) break;
  }
  return moved;
}

/**
 * Sets the estimate `e` (config path `key`) to `bound`, beyond which its model does not go: the
 * fitted value and the bound in its note and, when `warnings` is given, in one warning there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitted } from "./estimate.ts";
 * import { moveToBound } from "./model_range.ts";
 * const e = fitted(2.5e14, 1, "per second", "a fit");
 * const warnings: string[] = [];
 * moveToBound("flow.arrivals.beta.0", e, 1e7, warnings);
 * assert.equal(e.value, 1e7);
 * assert.equal(e.note, "fitted 250000000000000, beyond the model's range: set to its bound 10000000");
 * assert.equal(warnings[0], `flow.arrivals.beta.0: ${e.note}`);
 * ```
 */
export function moveToBound(key: string, e: Estimate, bound: number, warnings?: string[]): void {
  const line = `fitted ${sig(e.value)}, beyond the model's range: set to its bound ${sig(bound)}`;
  e.note = e.note ? `${e.note}; ${line}` : line;
  warnings?.push(`${key}: ${line}`);
  e.value = bound;
}

function setAt(o: unknown, path: readonly string[], value: number): void {
  const parent = valueAt(o, path.slice(0, -1));
  if (parent !== null && typeof parent === "object") {
    (parent as Record<string, unknown>)[path[path.length - 1]] = value;
  }
}
