/**
 * A failed job's error as it crosses threads, processes and machines: its name, message,
 * whether it is deterministic (the same job fails the same way everywhere, so retrying is
 * pointless) and, for unexpected errors, the stack.
 *
 * @module
 */
import { AlpeError } from "../errors.ts";
import { DataMismatchError } from "./version.ts";

/** A job's error, serialized. */
export interface JobErrorInfo {
  /** Error class name, e.g. "ValidationError". */
  name: string;
  /** Its message. */
  message: string;
  /**
   * True for ALPE's typed errors about the job's own input (the same job fails the same
   * way on every machine); false for everything else (a crash, a missing file on one
   * machine, an unexpected exception), which is retried.
   */
  deterministic: boolean;
  /** Stack of an unexpected error. */
  stack?: string;
}

/** A job failed; `info` says how. */
export class JobError extends AlpeError {
  /** The serialized error. */
  readonly info: JobErrorInfo;
  /** Creates the error from `info`. */
  constructor(info: JobErrorInfo) {
    super(`${info.name}: ${info.message}`);
    this.name = "JobError";
    this.info = info;
  }
}

/**
 * Serializes `err`. ALPE's typed errors are deterministic, except those that depend on
 * the machine (its data or code differ: `DataMismatchError`, `CodeMismatchError`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ValidationError } from "../errors.ts";
 * import { jobErrorInfo } from "./errors.ts";
 * assert.equal(jobErrorInfo(new ValidationError("x", 1, "2")).deterministic, true);
 * assert.equal(jobErrorInfo(new TypeError("boom")).deterministic, false);
 * ```
 */
export function jobErrorInfo(err: unknown): JobErrorInfo {
  if (err instanceof JobError) return err.info;
  if (err instanceof Error) {
    const machine = err instanceof DataMismatchError || err.name === "CodeMismatchError";
    const deterministic = err instanceof AlpeError && !machine;
    const info: JobErrorInfo = { name: err.name, message: err.message, deterministic };
    if (!(err instanceof AlpeError) && err.stack) info.stack = err.stack;
    return info;
  }
  return { name: "Error", message: String(err), deterministic: false };
}
