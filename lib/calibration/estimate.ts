/**
 * One fitted value with its uncertainty and where it comes from: every number a calibration
 * writes into a preset is an {@linkcode Estimate}, so the provenance says, for each, the
 * method, the standard error or interval, and whether the data identify it at all.
 *
 * @module
 */

/** A fitted (or chosen) value. */
export interface Estimate {
  /** The value written into the preset (in the config's units). */
  value: number;
  /** Standard error (NaN when none: not identified, or chosen). */
  se: number;
  /** A 95 % interval when one was computed otherwise (bootstrap, profile likelihood). */
  ci?: [number, number];
  /** Unit of the value. */
  unit: string;
  /** How it was obtained (one line). */
  method: string;
  /**
   * "fit": estimated from the data; "moment-matched": adjusted by simulation so that the
   * simulated market matches a real statistic; "derived": computed from other estimates;
   * "not identified": the data say nothing about it — the library's default is kept (or the
   * stated choice), never tuned.
   */
  status: "fit" | "moment-matched" | "derived" | "not identified";
  /** Anything a reader should know (a boundary, a warning). */
  note?: string;
}

/** An estimate from the data with its standard error. */
export function fitted(
  value: number,
  se: number,
  unit: string,
  method: string,
  note?: string,
): Estimate {
  return { value, se, unit, method, status: "fit", ...(note ? { note } : {}) };
}

/** A value the data cannot identify: the stated choice (the library's default unless said). */
export function unidentified(value: number, unit: string, why: string): Estimate {
  return { value, se: NaN, unit, method: why, status: "not identified" };
}

/** A value computed from other estimates (with its delta-method standard error, if any). */
export function derived(value: number, se: number, unit: string, method: string): Estimate {
  return { value, se, unit, method, status: "derived" };
}

/** Rounds to `digits` significant digits (for presets that people read). */
export function sig(x: number, digits = 4): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

/** An estimate as JSON (NaN standard errors become null). */
export function estimateJson(e: Estimate): Record<string, unknown> {
  return {
    value: sig(e.value, 6),
    se: Number.isFinite(e.se) ? sig(e.se, 3) : null,
    ...(e.ci ? { ci95: e.ci.map((v) => sig(v, 4)) } : {}),
    unit: e.unit,
    status: e.status,
    method: e.method,
    ...(e.note ? { note: e.note } : {}),
  };
}

/**
 * The estimates the data do not tell from zero: a fitted or moment-matched value whose 95 %
 * interval — its own (`ci`) where it has one, else value ± 1.96 standard errors — contains 0.
 * The preset keeps such a value (it is what the fit or the matching ended at), and says, one
 * line per name, that the tape does not pin it down: a reader who varies it within its interval
 * gets a market the same tape fits as well. Chosen and derived values are not judged (they
 * have no interval of their own), nor is a value of exactly 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitted, indistinctFromZero } from "./estimate.ts";
 * const warnings = indistinctFromZero({
 *   "flow.cancellation.rate": fitted(0.0048, 0.0043, "per second", "matched"),
 *   "flow.market.rate": fitted(0.064, 0.0007, "per second", "fit"),
 * });
 * assert.equal(warnings.length, 1);
 * assert.equal(
 *   warnings[0],
 *   "flow.cancellation.rate = 0.0048 ± 0.0043 per second; fit; its 95 % interval contains 0 — the tape does not pin it down",
 * );
 * ```
 */
export function indistinctFromZero(estimates: Record<string, Estimate>): string[] {
  const out: string[] = [];
  for (const [name, e] of Object.entries(estimates)) {
    if (e.status !== "fit" && e.status !== "moment-matched") continue;
    if (e.value === 0 || !Number.isFinite(e.value)) continue;
    const [lo, hi] = e.ci ??
      (Number.isFinite(e.se) ? [e.value - 1.96 * e.se, e.value + 1.96 * e.se] : [NaN, NaN]);
    if (!(lo <= 0 && hi >= 0)) continue;
    const value = e.ci
      ? `${sig(e.value, 3)} ${e.unit} (95 % interval [${sig(lo, 3)}, ${sig(hi, 3)}])`
      : `${sig(e.value, 3)} ± ${sig(e.se, 3)} ${e.unit}`;
    out.push(
      `${name} = ${value}; ${e.status}; its 95 % interval contains 0 — the tape does not pin it down`,
    );
  }
  return out;
}
