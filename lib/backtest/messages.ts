/**
 * Messages between the runner and its workers, and the transport of typed errors across
 * the worker boundary (a `ValidationError` thrown in a worker is rethrown as one).
 *
 * @module
 */
import { AlpeError, NotAvailableError, ValidationError } from "../errors.ts";
import type { BacktestJob, JobResult } from "./types.ts";

/** Runner → worker: run this job. */
export interface JobRequest {
  /** The job. */
  job: BacktestJob;
}

/** An error as it crosses the worker boundary. */
export interface SerializedError {
  /** Error class name, e.g. "ValidationError". */
  name: string;
  /** Its message. */
  message: string;
  /** True for ALPE's own (typed) errors. */
  alpe: boolean;
  /** `ValidationError` details. */
  field?: string;
  /** The rejected value (`ValidationError`). */
  value?: unknown;
  /** What was expected (`ValidationError`). */
  expected?: string;
  /** Stack of an unexpected error, for debugging. */
  stack?: string;
}

/** Worker → runner: a job's result, or the error it failed with. */
export type JobReply =
  | { ok: true; result: JobResult }
  | { ok: false; index: number; error: SerializedError };

/** Serializes an error thrown by a job. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof ValidationError) {
    return {
      name: err.name,
      message: err.message,
      alpe: true,
      field: err.field,
      value: cloneable(err.value),
      expected: err.expected,
    };
  }
  if (err instanceof Error) {
    return {
      name: err.name,
      message: err.message,
      alpe: err instanceof AlpeError,
      stack: err.stack,
    };
  }
  return { name: "Error", message: String(err), alpe: false };
}

/** Rebuilds an error serialized by {@linkcode serializeError}, typed where it was typed. */
export function deserializeError(e: SerializedError): Error {
  if (e.field !== undefined && e.expected !== undefined) {
    return new ValidationError(e.field, e.value, e.expected);
  }
  if (e.name === "NotAvailableError") return new NotAvailableError(e.message);
  if (e.alpe) return new AlpeError(e.message);
  const err = new Error(`${e.name}: ${e.message} (in a backtest worker)`);
  if (e.stack) err.stack = e.stack;
  return err;
}

/** Buffers of a result that can be transferred instead of copied. */
export function transferables(result: JobResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [
    result.curves.buffer as ArrayBuffer,
    result.curveTime.buffer as ArrayBuffer,
    result.inventoryCounts.buffer as ArrayBuffer,
    result.moments.buffer as ArrayBuffer,
  ];
  for (const rec of result.records ?? []) {
    for (const v of Object.values(rec)) {
      if (ArrayBuffer.isView(v)) out.push(v.buffer as ArrayBuffer);
    }
  }
  return [...new Set(out)];
}

function cloneable(v: unknown): unknown {
  try {
    structuredClone(v);
    return v;
  } catch {
    return String(v);
  }
}
