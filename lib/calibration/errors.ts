/**
 * Errors of the calibration layer: data too thin to fit a model, fits that do not converge.
 * Each names the fit (or the fact) and the reason, in one line.
 *
 * @module
 */
import { AlpeError } from "../errors.ts";

export { FitNotConvergedError } from "./optimize.ts";

/**
 * A tape holds too little of what a fit needs (too few trades, too short a span): names the
 * fit, what it needs and what the tape holds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InsufficientDataError } from "./errors.ts";
 * const e = new InsufficientDataError("hawkes", "at least 200 market orders", "37");
 * assert.equal(e.message, "hawkes: the tape is too short to fit (needs at least 200 market orders, has 37)");
 * ```
 */
export class InsufficientDataError extends AlpeError {
  /** The fit or statistic that could not be computed. */
  readonly fit: string;
  /** What it needs. */
  readonly needs: string;
  /** What the data holds. */
  readonly has: string;
  /** Creates the error. */
  constructor(fit: string, needs: string, has: string) {
    super(`${fit}: the tape is too short to fit (needs ${needs}, has ${has})`);
    this.name = "InsufficientDataError";
    this.fit = fit;
    this.needs = needs;
    this.has = has;
  }
}
