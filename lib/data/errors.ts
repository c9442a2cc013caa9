/**
 * Typed errors of the data layer. Each names the file (and, for a malformed row, the line
 * and column) and says what is wrong in one line, so that a command-line tool can print it
 * without a stack trace.
 *
 * @module
 */
import { AlpeError } from "../errors.ts";

/** Base class of every data-layer error: bad or missing input files. */
export class DataError extends AlpeError {
  /** The file the error is about. */
  readonly file: string;
  /** Creates a data error about `file`. */
  constructor(file: string, message: string, options?: ErrorOptions) {
    super(`${file}: ${message}`, options);
    this.name = "DataError";
    this.file = file;
  }
}

/** A file that does not exist or cannot be read. */
export class MissingFileError extends DataError {
  /** Creates a missing-file error for `file`; `why` says what was looked for. */
  constructor(file: string, why = "no such file") {
    super(file, why);
    this.name = "MissingFileError";
  }
}

/**
 * A row that cannot be parsed: names the file, the 1-based line and column, and what the
 * column should hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MalformedRowError } from "./errors.ts";
 * const e = new MalformedRowError("a.csv", 12, 3, "price", "a number", "x");
 * assert.equal(e.message, 'a.csv: line 12, column 3 (price): expected a number, got "x"');
 * ```
 */
export class MalformedRowError extends DataError {
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column number (0 when the whole line is at fault). */
  readonly column: number;
  /** Name of the column. */
  readonly columnName: string;
  /** Creates the error; `expected` says what the column should hold, `got` what it held. */
  constructor(
    file: string,
    line: number,
    column: number,
    columnName: string,
    expected: string,
    got: string,
  ) {
    const shown = got.length > 60 ? got.slice(0, 57) + "..." : got;
    super(
      file,
      `line ${line}, column ${column} (${columnName}): expected ${expected}, got ${
        JSON.stringify(shown)
      }`,
    );
    this.name = "MalformedRowError";
    this.line = line;
    this.column = column;
    this.columnName = columnName;
  }
}

/**
 * A feed whose update-id sequence breaks (an update is missing) and is not re-synchronized
 * by a later snapshot: the book after the gap is unknown, so the load stops.
 */
export class SequenceGapError extends DataError {
  /** 1-based line of the event after the gap. */
  readonly line: number;
  /** The first update id the book needed. */
  readonly expected: number;
  /** The first update id the event carried. */
  readonly got: number;
  /** Creates the error for the event on `line` whose first id `got` should be `expected`. */
  constructor(file: string, line: number, expected: number, got: number, detail = "") {
    super(
      file,
      `line ${line}: depth update sequence gap: expected first update id ${expected}, got ${got} ` +
        `(${got - expected} updates missing) and no later snapshot re-synchronizes the book` +
        (detail ? `; ${detail}` : ""),
    );
    this.name = "SequenceGapError";
    this.line = line;
    this.expected = expected;
    this.got = got;
  }
}

/** Two files that must describe the same events do not (e.g. LOBSTER message vs orderbook). */
export class FileMismatchError extends DataError {
  /** Creates the error about `file`, saying what does not match. */
  constructor(file: string, message: string) {
    super(file, message);
    this.name = "FileMismatchError";
  }
}

/** A tape too short for what was asked of it (e.g. no whole window of the episode length). */
export class TapeTooShortError extends DataError {
  /** Creates the error about the tape loaded from `file`. */
  constructor(file: string, message: string) {
    super(file, message);
    this.name = "TapeTooShortError";
  }
}
