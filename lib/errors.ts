/**
 * Typed errors used across ALPE. Every error that reports bad input names the
 * offending field and the value it got, so that a CLI can print one clear line.
 *
 * @module
 */

/** Base class of every error ALPE throws on purpose. */
export class AlpeError extends Error {
  /** Creates an error with a message and an optional cause. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AlpeError";
  }
}

/** Formats a value for an error message: short, and safe for NaN, Infinity and objects. */
export function formatValue(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? s.slice(0, 77) + "..." : s;
  } catch {
    return String(value);
  }
}

/**
 * Bad input: names the field, the value received and what was expected.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ValidationError } from "./errors.ts";
 * const e = new ValidationError("episodes", -3, "an integer in [1, 100000]");
 * assert.equal(e.message, "episodes: expected an integer in [1, 100000], got -3");
 * assert.equal(e.field, "episodes");
 * ```
 */
export class ValidationError extends AlpeError {
  /** The offending field (dotted path for nested config, e.g. `impact.halfLife`). */
  readonly field: string;
  /** The value that was rejected. */
  readonly value: unknown;
  /** What the field accepts. */
  readonly expected: string;
  /** Creates a validation error for `field` holding `value`. */
  constructor(field: string, value: unknown, expected: string) {
    super(`${field}: expected ${expected}, got ${formatValue(value)}`);
    this.name = "ValidationError";
    this.field = field;
    this.value = value;
    this.expected = expected;
  }
}

/** A limit order book rejected an operation; the book is left unchanged. */
export class OrderBookError extends ValidationError {
  /** Creates an order-book error for `field` holding `value`. */
  constructor(field: string, value: unknown, expected: string) {
    super(field, value, expected);
    this.name = "OrderBookError";
  }
}

/** A checkpoint or model directory is missing, corrupt or does not match the config. */
export class CheckpointError extends AlpeError {
  /** Creates a checkpoint error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CheckpointError";
  }
}

/** A capability that is not built (yet) was asked for. */
export class NotAvailableError extends AlpeError {
  /** Creates a not-available error. */
  constructor(message: string) {
    super(message);
    this.name = "NotAvailableError";
  }
}

/** Throws a {@linkcode ValidationError} unless `value` is a finite number. */
export function requireFinite(field: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValidationError(field, value, "a finite number");
  }
  return value;
}

/** Throws a {@linkcode ValidationError} unless `value` is an integer in [min, max]. */
export function requireInt(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, value, `an integer in [${min}, ${max}]`);
  }
  return value;
}
