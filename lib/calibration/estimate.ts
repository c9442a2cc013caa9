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
