/**
 * One argument parser for every ALPE script, with the same rules everywhere.
 *
 * A script declares its flags once ({@linkcode defineCli} with the builders of
 * {@linkcode flags}: type, range, default, help text); the help text and every check are
 * derived from that one definition. Tokenizing follows the GNU conventions through the
 * runtime's own parser (`node:util`'s `parseArgs`, in Deno's Node compatibility layer:
 * `--flag value`, `--flag=value`, `-h`); the rules below are ALPE's:
 *
 * - every script has `-h` / `--help` (it wins over everything else on the line);
 * - an unknown flag, a positional argument, a flag given twice (unless declared
 *   `multiple`), a value flag without a value and a boolean flag with one are errors;
 * - a value may start with one dash (`--seed -1` reaches the range check of `--seed`); a
 *   value starting with two dashes must be attached (`--out=--odd-name`);
 * - numbers are decimal: integers match `-?[0-9]+` (no `0x10`, `1e1`, `1.0`), other
 *   numbers `-?digits[.digits][e±digits]`; `Infinity`, `NaN`, blanks and empty values are
 *   rejected, as is anything outside the declared range;
 * - output paths are checked before any work starts (not a file, writable, no previous
 *   result replaced without `--force`): see `lib/output_dir.ts`.
 *
 * Every violation is a {@linkcode ValidationError} whose `field` is the offending flag (or
 * argument); {@linkcode runMain} prints it as one line `error: …` on stderr and exits with
 * code 2, never with a stack trace. {@linkcode Cli.parse} is a pure function of the
 * arguments, so tests can check thousands of command lines in-process.
 *
 * `parseFlags`, `intFlag` and `numberFlag` are the older per-script helpers, kept as thin
 * wrappers over the same rules.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { AlpeError, ValidationError } from "../lib/errors.ts";
import { checkOutputDir, checkOutputFile } from "../lib/output_dir.ts";
import { closestName } from "../lib/validation.ts";

// ----------------------------------------------------------------------------- errors

/** A command-line error: a {@linkcode ValidationError} whose field is the offending flag. */
export class FlagError extends ValidationError {
  /** Creates the error; `message` replaces the standard "field: expected …, got …" text. */
  constructor(flag: string, value: unknown, expected: string, message?: string) {
    super(flag, value, expected);
    this.name = "FlagError";
    if (message !== undefined) this.message = message;
  }
}

/** Collapses a message to one line (a JSON parser's message may quote a multi-line text). */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/**
 * Runs `main`, turning ALPE errors (bad input) into one line `error: …` on stderr and exit
 * code 2, and file-system errors (disk full, permissions changed during the run) into one
 * line and exit code 1. Anything else is a bug and keeps its stack trace.
 */
export async function runMain(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof AlpeError) {
      console.error(`error: ${oneLine(err.message)}`);
      Deno.exit(2);
    }
    if (isFsError(err)) {
      console.error(`error: ${oneLine((err as Error).message)}`);
      Deno.exit(1);
    }
    throw err;
  }
}

function isFsError(err: unknown): boolean {
  const e = Deno.errors;
  return [
    e.NotFound,
    e.PermissionDenied,
    e.AlreadyExists,
    e.NotADirectory,
    e.IsADirectory,
    e.NotSupported,
    e.FilesystemLoop,
    e.WriteZero,
    e.UnexpectedEof,
  ].some((C) => C !== undefined && err instanceof C);
}

// ----------------------------------------------------------------------------- flags

/** What an output or input path flag refers to (checked by {@linkcode Cli.preflight}). */
export type PathRole =
  | { role: "out-dir"; kind: string; replaceDefault?: boolean; knownFiles?: readonly string[] }
  | { role: "out-file"; replaceDefault?: boolean }
  | { role: "in-file" }
  | { role: "in-dir" };

/** What values a flag takes, as data (for generated help, docs and fuzz tests). */
export type FlagShape =
  | { kind: "boolean" }
  | { kind: "int" | "number"; min: number; max: number }
  | { kind: "choice"; choices: readonly string[] }
  | { kind: "list"; choices?: readonly string[] }
  | { kind: "string" }
  | { kind: "path" }
  | { kind: "multiple" };

/** One declared flag: how its value is read, checked, defaulted and documented. */
export interface Flag<T> {
  /** What values it takes. */
  readonly shape: FlagShape;
  /** `boolean` flags take no value; `value` flags take exactly one per occurrence. */
  readonly type: "boolean" | "value";
  /** One-line help text (what the flag does). */
  readonly help: string;
  /** Placeholder of the value in the help, e.g. `N`, `DIR`. */
  readonly meta: string;
  /** What a value must be, phrased to follow "expected ", e.g. "an integer in [1, 10]". */
  readonly expected: string;
  /** The value when the flag is absent. */
  readonly default: T;
  /** How the default reads in the help (omitted: none shown). */
  readonly defaultText?: string;
  /** May be given several times (each value is kept, in order). */
  readonly multiple: boolean;
  /** Path flags: what the path is, for the checks before work starts. */
  readonly path?: PathRole;
  /** Reads the values of every occurrence (one unless `multiple`) or throws a FlagError. */
  convert(raws: readonly string[], flag: string): T;
}

/** Options common to every value flag builder. */
export interface FlagOptions<T> {
  /** One-line help text. */
  help: string;
  /** Placeholder of the value in the help. */
  meta?: string;
  /** The value when the flag is absent (omitted: `undefined`). */
  default?: T;
  /** How the default reads in the help (default: the default value). */
  defaultText?: string;
}

/** Options of a number flag. */
export interface RangeOptions<T> extends FlagOptions<T> {
  /** Smallest allowed value. */
  min: number;
  /** Largest allowed value. */
  max: number;
}

const INT_RE = /^-?\d+$/;
const NUMBER_RE = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Reads a decimal integer in [min, max] (`0x10`, `1e1`, `1.0`, blanks rejected). */
export function parseDecimalInt(flag: string, raw: string, min: number, max: number): number {
  const v = Number(raw);
  if (!INT_RE.test(raw) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new FlagError(flag, raw, `an integer in [${min}, ${max}]`);
  }
  return v === 0 ? 0 : v; // no -0
}

/** Reads a finite decimal number in [min, max] (`0x10`, `Infinity`, blanks rejected). */
export function parseDecimalNumber(flag: string, raw: string, min: number, max: number): number {
  const v = Number(raw);
  if (!NUMBER_RE.test(raw) || !Number.isFinite(v) || v < min || v > max) {
    throw new FlagError(flag, raw, `a number in [${min}, ${max}]`);
  }
  return v === 0 ? 0 : v;
}

function single<T>(
  shape: FlagShape,
  opts: FlagOptions<T>,
  meta: string,
  expected: string,
  read: (raw: string, flag: string) => T,
  path?: PathRole,
): Flag<T> {
  return {
    shape,
    type: "value",
    help: opts.help,
    meta: opts.meta ?? meta,
    expected,
    default: opts.default as T,
    defaultText: opts.defaultText ??
      (opts.default === undefined ? undefined : String(opts.default)),
    multiple: false,
    path,
    convert: (raws, flag) => read(raws[0], flag),
  };
}

function nonEmptyPath(raw: string, flag: string, what: string): string {
  if (raw.trim() === "" || raw.includes("\0")) throw new FlagError(flag, raw, what);
  return raw;
}

function int(o: RangeOptions<number> & { default: number }): Flag<number>;
function int(o: RangeOptions<number>): Flag<number | undefined>;
function int(o: RangeOptions<number>): Flag<number | undefined> {
  const expected = `an integer in [${o.min}, ${o.max}]`;
  return single(
    { kind: "int", min: o.min, max: o.max },
    o,
    "N",
    expected,
    (raw, flag) => parseDecimalInt(flag, raw, o.min, o.max),
  );
}

function number(o: RangeOptions<number> & { default: number }): Flag<number>;
function number(o: RangeOptions<number>): Flag<number | undefined>;
function number(o: RangeOptions<number>): Flag<number | undefined> {
  const expected = `a number in [${o.min}, ${o.max}]`;
  return single(
    { kind: "number", min: o.min, max: o.max },
    o,
    "X",
    expected,
    (raw, flag) => parseDecimalNumber(flag, raw, o.min, o.max),
  );
}

/** Options of a free-text flag. */
export interface StringOptions extends FlagOptions<string> {
  /** What a value must be (default "a non-empty value"). */
  expected?: string;
  /** Accepts the value (default: any non-blank value). */
  accept?: (value: string) => boolean;
}

function string(o: StringOptions & { default: string }): Flag<string>;
function string(o: StringOptions): Flag<string | undefined>;
function string(o: StringOptions): Flag<string | undefined> {
  const expected = o.expected ?? "a non-empty value";
  const accept = o.accept ?? ((v: string) => v.trim() !== "");
  return single({ kind: "string" }, o, "TEXT", expected, (raw, flag) => {
    if (!accept(raw)) throw new FlagError(flag, raw, expected);
    return raw;
  });
}

function choice<const C extends readonly string[]>(
  choices: C,
  o: FlagOptions<C[number]> & { default: C[number] },
): Flag<C[number]>;
function choice<const C extends readonly string[]>(
  choices: C,
  o: FlagOptions<C[number]>,
): Flag<C[number] | undefined>;
function choice<const C extends readonly string[]>(
  choices: C,
  o: FlagOptions<C[number]>,
): Flag<C[number] | undefined> {
  const expected = `one of ${choices.join(", ")}`;
  return single({ kind: "choice", choices }, o, choices.join("|"), expected, (raw, flag) => {
    if (!choices.includes(raw)) {
      const near = closestName(raw, choices);
      throw new FlagError(flag, raw, near ? `${expected} (did you mean ${near}?)` : expected);
    }
    return raw as C[number];
  });
}

/** Options of a comma-separated list flag. */
export interface ListOptions extends FlagOptions<string[]> {
  /** Allowed items (omitted: any non-empty item). */
  choices?: readonly string[];
}

function list(o: ListOptions & { default: string[] }): Flag<string[]>;
function list(o: ListOptions): Flag<string[] | undefined>;
function list(o: ListOptions): Flag<string[] | undefined> {
  const what = o.choices ? `of ${o.choices.join(", ")}` : "of non-empty items";
  const expected = `a comma-separated list ${what}, each at most once`;
  return single({ kind: "list", choices: o.choices }, o, "A,B", expected, (raw, flag) => {
    const items = raw.split(",").map((s) => s.trim());
    const seen = new Set<string>();
    for (const item of items) {
      if (item === "" || (o.choices && !o.choices.includes(item)) || seen.has(item)) {
        const near = o.choices && item !== "" ? closestName(item, o.choices) : undefined;
        const hint = item === ""
          ? " (an item is empty)"
          : seen.has(item)
          ? ` (${JSON.stringify(item)} is repeated)`
          : ` (${JSON.stringify(item)} is not one${near ? `; did you mean ${near}?` : ""})`;
        throw new FlagError(flag, raw, expected + hint);
      }
      seen.add(item);
    }
    return items;
  });
}

/** Options of a path flag. */
export type PathOptions = FlagOptions<string>;

function pathFlag(role: PathRole, meta: string, what: string) {
  function make(o: PathOptions & { default: string }): Flag<string>;
  function make(o: PathOptions): Flag<string | undefined>;
  function make(o: PathOptions): Flag<string | undefined> {
    return single(
      { kind: "path" },
      o,
      meta,
      what,
      (raw, flag) => nonEmptyPath(raw, flag, what),
      role,
    );
  }
  return make;
}

/** Options of an output directory flag. */
export interface OutDirOptions extends PathOptions {
  /** Kind of output set (its manifest); a directory holding another kind is never touched. */
  kind: string;
  /**
   * The default directory is a scratch location that each run replaces (a previous set of
   * the same kind only); an explicitly given one needs `--force` to be replaced.
   */
  replaceDefault?: boolean;
  /** File names of this output: a directory holding only these counts as a previous set. */
  knownFiles?: readonly string[];
}

function outDir(o: OutDirOptions & { default: string }): Flag<string>;
function outDir(o: OutDirOptions): Flag<string | undefined>;
function outDir(o: OutDirOptions): Flag<string | undefined> {
  const role: PathRole = {
    role: "out-dir",
    kind: o.kind,
    replaceDefault: o.replaceDefault,
    knownFiles: o.knownFiles,
  };
  return pathFlag(role, "DIR", "a directory path")(o);
}

/** Options of an output file flag. */
export interface OutFileOptions extends PathOptions {
  /** The default file is replaced by each run; an explicit one needs `--force`. */
  replaceDefault?: boolean;
}

function outFile(o: OutFileOptions & { default: string }): Flag<string>;
function outFile(o: OutFileOptions): Flag<string | undefined>;
function outFile(o: OutFileOptions): Flag<string | undefined> {
  return pathFlag({ role: "out-file", replaceDefault: o.replaceDefault }, "FILE", "a file path")(
    o,
  );
}

function boolean(o: { help: string }): Flag<boolean> {
  return {
    shape: { kind: "boolean" },
    type: "boolean",
    help: o.help,
    meta: "",
    expected: "no value",
    default: false,
    multiple: false,
    convert: () => true,
  };
}

/** Options of a repeatable flag. */
export interface MultipleOptions {
  /** One-line help text. */
  help: string;
  /** Placeholder of one value. */
  meta?: string;
}

function multiple(o: MultipleOptions): Flag<string[]> {
  const expected = "a non-empty value";
  return {
    shape: { kind: "multiple" },
    type: "value",
    help: o.help,
    meta: o.meta ?? "TEXT",
    expected,
    default: [],
    multiple: true,
    convert: (raws, flag) =>
      raws.map((r) => {
        if (r.trim() === "") throw new FlagError(flag, r, expected);
        return r;
      }),
  };
}

/**
 * Builders of declared flags. Each returns a {@linkcode Flag}; with a `default` its value
 * is never `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defineCli, flags } from "./_cli.ts";
 * const cli = defineCli({
 *   name: "demo",
 *   summary: "A demo.",
 *   flags: {
 *     episodes: flags.int({ min: 1, max: 100, default: 10, help: "episodes" }),
 *     tier: flags.choice(["book", "model"], { default: "book", help: "simulator tier" }),
 *     json: flags.boolean({ help: "print JSON" }),
 *   },
 * });
 * assert.deepEqual(cli.parse(["--episodes", "3", "--json"]).values, {
 *   episodes: 3,
 *   tier: "book",
 *   json: true,
 * });
 * assert.throws(() => cli.parse(["--episodes", "0x10"]), /--episodes: expected an integer/);
 * ```
 */
export const flags = {
  /** A decimal integer in [min, max]. */
  int,
  /** A finite decimal number in [min, max]. */
  number,
  /** Free text (non-blank unless `accept` says otherwise). */
  string,
  /** One of a fixed set of words. */
  choice,
  /** A comma-separated list, each item at most once (optionally from a fixed set). */
  list,
  /** A switch: present or not, no value. */
  boolean,
  /** A value that may be given several times, kept in order. */
  multiple,
  /** An output directory, written as a set (lib/output_dir.ts): checked before work. */
  outDir,
  /** An output file, written atomically: checked before work. */
  outFile,
  /** An existing readable file. */
  inFile: pathFlag({ role: "in-file" }, "FILE", "a file path"),
  /** An existing directory. */
  inDir: pathFlag({ role: "in-dir" }, "DIR", "a directory path"),
};

// ----------------------------------------------------------------------------- CLI

/** The flags of a CLI, by name (without the leading dashes). */
export type FlagSet = Record<string, Flag<unknown>>;

/** The parsed values of a flag set, by flag name. */
export type Values<F extends FlagSet> = {
  -readonly [K in keyof F]: F[K] extends Flag<infer T> ? T : never;
};

/** Declaration of a script's command line. */
export interface CliSpec<F extends FlagSet> {
  /** The task name, e.g. `compare` (help shows `deno task compare`). */
  name: string;
  /** What the script does: a short paragraph for the help. */
  summary: string;
  /** The flags (`help` / `-h` is added to every CLI). */
  flags: F;
  /** Extra help text after the flags (examples, notes). */
  notes?: string;
  /** Rules between flags, checked after each value (pure; throw a FlagError). */
  check?: (values: Values<F>, given: ReadonlySet<string>) => void;
  /** Checks that need the file system or modules, run before any work (after paths). */
  preflight?: (values: Values<F>, given: ReadonlySet<string>) => Promise<void> | void;
}

/** The result of {@linkcode Cli.parse}. */
export interface Parsed<F extends FlagSet> {
  /** `-h` / `--help` was given: print {@linkcode Cli.help} and do nothing else. */
  help: boolean;
  /** Every flag's value (its default when absent; only defaults when `help`). */
  values: Values<F>;
  /** Names of the flags given on the command line. */
  given: ReadonlySet<string>;
}

/** A script's command line: pure parsing, generated help, checks before work. */
export interface Cli<F extends FlagSet> {
  /** The declaration. */
  readonly spec: CliSpec<F>;
  /** Parses `args` (pure: no I/O) or throws a {@linkcode FlagError} naming the flag. */
  parse(args: readonly string[]): Parsed<F>;
  /** The help text, derived from the declaration. */
  help(): string;
  /** Checks output/input paths (and `spec.preflight`) before any work starts. */
  preflight(values: Values<F>, given: ReadonlySet<string>): Promise<void>;
}

const HELP_NAMES = new Set(["--help", "-h"]);

/** Declares a script's command line; see the module doc for the rules. */
export function defineCli<F extends FlagSet>(spec: CliSpec<F>): Cli<F> {
  for (const name of Object.keys(spec.flags)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name) || name === "help") {
      throw new Error(`defineCli(${spec.name}): bad flag name ${name}`);
    }
  }
  return {
    spec,
    parse: (args) => parseCli(spec, args),
    help: () => helpText(spec),
    preflight: (values, given) => preflight(spec, values, given),
  };
}

function defaults<F extends FlagSet>(spec: CliSpec<F>): Values<F> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec.flags)) {
    out[name] = Array.isArray(f.default) ? [...f.default] : f.default;
  }
  return out as Values<F>;
}

/**
 * Reads `args` with `node:util`'s tokenizer and applies the rules in argument order: the
 * first offending argument is the one reported. Returns each given flag's raw values.
 */
function scan(flagSet: FlagSet, args: readonly string[]): Map<string, string[]> {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, f] of Object.entries(flagSet)) {
    options[name] = { type: f.type === "boolean" ? "boolean" : "string" };
  }
  // Non-strict: the tokenizer never throws; a value flag takes the next argument whatever
  // it is, and the rules are applied to the tokens below.
  const { tokens } = parseArgs({
    args: [...args],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const known = Object.keys(flagSet).map((n) => `--${n}`);
  const seen = new Map<string, string[]>();
  for (const t of tokens) {
    if (t.kind !== "option") {
      const arg = t.kind === "positional" ? t.value : "--";
      throw new FlagError(
        arg,
        arg,
        "a flag",
        `${JSON.stringify(arg)}: unexpected argument (this command takes flags only; see --help)`,
      );
    }
    const flag = t.rawName;
    if (t.name === "help" && (flag === "--help" || flag === "-h")) {
      if (t.value !== undefined) {
        throw new FlagError(flag, t.value, "no value", `${flag}: takes no value`);
      }
      continue;
    }
    const f = flagSet[t.name];
    if (!f || flag !== `--${t.name}`) {
      const near = closestName(flag, known);
      throw new FlagError(
        flag,
        flag,
        "a known flag",
        `${flag}: unknown flag${near ? ` (did you mean ${near}?)` : ""}; see --help`,
      );
    }
    if (f.type === "boolean") {
      if (t.value !== undefined) {
        throw new FlagError(
          flag,
          t.value,
          "no value",
          `${flag}: takes no value, got ${JSON.stringify(t.value)}`,
        );
      }
    } else if (
      t.value === undefined ||
      (!t.inlineValue && (t.value.startsWith("--") || HELP_NAMES.has(t.value)))
    ) {
      throw new FlagError(
        flag,
        undefined,
        f.expected,
        `${flag}: missing value (expected ${f.expected})`,
      );
    }
    const raw = t.value ?? "";
    const raws = seen.get(t.name) ?? [];
    if (raws.length > 0 && !f.multiple) {
      const shown = (v: string) => (f.type === "boolean" ? "" : ` ${JSON.stringify(v)}`);
      throw new FlagError(
        flag,
        t.value,
        "one occurrence",
        `${flag}: given more than once (${flag}${shown(raws[0])} and ${flag}${
          shown(raw)
        }); give it once`,
      );
    }
    f.convert([raw], flag); // checks this value now, so errors come in argument order
    raws.push(raw);
    seen.set(t.name, raws);
  }
  return seen;
}

function parseCli<F extends FlagSet>(spec: CliSpec<F>, args: readonly string[]): Parsed<F> {
  if (args.some((a) => HELP_NAMES.has(a))) {
    return { help: true, values: defaults(spec), given: new Set() };
  }
  const seen = scan(spec.flags, args);
  const values = defaults(spec) as Record<string, unknown>;
  for (const [name, raws] of seen) values[name] = spec.flags[name].convert(raws, `--${name}`);
  const given = new Set(seen.keys());
  spec.check?.(values as Values<F>, given);
  return { help: false, values: values as Values<F>, given };
}

function wrap(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/).filter((w) => w !== "");
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + 1 + w.length > width - indent) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join("\n" + " ".repeat(indent));
}

function helpText<F extends FlagSet>(spec: CliSpec<F>): string {
  const rows: [string, string][] = [];
  for (const [name, f] of Object.entries(spec.flags)) {
    const left = f.type === "boolean" ? `--${name}` : `--${name} ${f.meta}`;
    let desc = f.help;
    if (f.type === "value") desc += `; ${f.expected}`;
    if (f.multiple) desc += " (may be repeated)";
    if (f.defaultText !== undefined) desc += ` (default ${f.defaultText})`;
    rows.push([left, desc]);
  }
  rows.push(["-h, --help", "print this help and exit"]);
  const col = Math.min(30, Math.max(...rows.map(([l]) => l.length)) + 2);
  const lines = rows.map(([l, d]) => {
    const pad = l.length + 2 > col ? `\n${" ".repeat(2 + col)}` : " ".repeat(col - l.length);
    return `  ${l}${pad}${wrap(d, 100, 2 + col)}`;
  });
  const parts = [
    `usage: deno task ${spec.name} [flags]`,
    wrap(spec.summary, 100, 0),
    `flags:\n${lines.join("\n")}`,
  ];
  if (spec.notes) parts.push(spec.notes.trim());
  parts.push(
    "Numbers are decimal; a negative value may follow its flag (--seed -1). Bad input " +
      "prints one line naming the flag and exits with code 2.",
  );
  return parts.join("\n\n") + "\n";
}

async function preflight<F extends FlagSet>(
  spec: CliSpec<F>,
  values: Values<F>,
  given: ReadonlySet<string>,
): Promise<void> {
  const v = values as Record<string, unknown>;
  const force = v.force === true;
  for (const [name, f] of Object.entries(spec.flags)) {
    const path = v[name];
    if (!f.path || typeof path !== "string") continue;
    const field = `--${name}`;
    const replaceHint = "force" in spec.flags ? "pass --force" : "choose another path";
    if (f.path.role === "out-dir") {
      const replace = force || (!given.has(name) && f.path.replaceDefault === true);
      const { kind, knownFiles } = f.path;
      await checkOutputDir(path, { kind, knownFiles, replace, field, replaceHint });
    } else if (f.path.role === "out-file") {
      const replace = force || (!given.has(name) && f.path.replaceDefault === true);
      await checkOutputFile(path, { replace, field, replaceHint });
    } else {
      const want = f.path.role === "in-file" ? "file" : "directory";
      let info: Deno.FileInfo;
      try {
        info = await Deno.stat(path);
      } catch (err) {
        const why = err instanceof Deno.errors.NotFound ? "not found" : oneLine(String(err));
        throw new FlagError(field, path, `an existing ${want} (${why})`);
      }
      if (want === "file" ? !info.isFile : !info.isDirectory) {
        throw new FlagError(field, path, `an existing ${want}`);
      }
    }
  }
  await spec.preflight?.(values, given);
}

/**
 * Runs a script: parses `args` (default `Deno.args`), prints the help for `-h`/`--help`,
 * runs the checks before work ({@linkcode Cli.preflight}), then `main` — all under
 * {@linkcode runMain}, so bad input is one line and exit code 2.
 */
export async function runCli<F extends FlagSet>(
  cli: Cli<F>,
  main: (values: Values<F>, given: ReadonlySet<string>) => Promise<void> | void,
  args: readonly string[] = Deno.args,
): Promise<void> {
  await runMain(async () => {
    const { help, values, given } = cli.parse(args);
    if (help) {
      await Deno.stdout.write(new TextEncoder().encode(cli.help()));
      return;
    }
    await cli.preflight(values, given);
    await main(values, given);
  });
}

/**
 * For scripts whose body runs at the top level: parses `args` (default `Deno.args`), prints
 * the help and exits 0 for `-h`/`--help`, prints one line and exits 2 on bad input, runs the
 * checks before work, and returns the values.
 */
export async function parseOrExit<F extends FlagSet>(
  cli: Cli<F>,
  args: readonly string[] = Deno.args,
): Promise<Values<F>> {
  let out: Values<F> | undefined;
  await runMain(async () => {
    const { help, values, given } = cli.parse(args);
    if (help) {
      await Deno.stdout.write(new TextEncoder().encode(cli.help()));
      Deno.exit(0);
    }
    await cli.preflight(values, given);
    out = values;
  });
  return out as Values<F>;
}

/**
 * Reads a JSON file given by a flag and requires an object (a config): a missing file,
 * invalid JSON, or `null`, a number, a string or an array are one-line errors naming the
 * flag.
 */
export async function readJsonObject(flag: string, path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "not found" : oneLine(String(err));
    throw new FlagError(flag, path, `a readable JSON file (${why})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FlagError(flag, path, `a JSON file (${oneLine((err as Error).message)})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const got = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw new FlagError(flag, path, `a JSON object of settings (the file holds ${got})`);
  }
  return value as Record<string, unknown>;
}

// ----------------------------------------------------------------------------- compatibility

/** Options of {@linkcode parseFlags}, as `node:util`'s `parseArgs` takes them. */
export type LegacyOptions = Record<
  string,
  { type: "string" | "boolean"; short?: string; multiple?: boolean }
>;

type LegacyValues<T extends LegacyOptions> = {
  [K in keyof T]?: T[K]["type"] extends "boolean"
    ? (T[K]["multiple"] extends true ? boolean[] : boolean)
    : (T[K]["multiple"] extends true ? string[] : string);
};

/**
 * Older helper: parses `args` against `options` (raw strings, no conversion) with the same
 * rules as {@linkcode defineCli} (unknown flags with a suggestion, positionals, missing
 * values, duplicates, negative values). Prefer {@linkcode defineCli} in new scripts.
 * `allowed` is kept for compatibility (the message now suggests the closest flag). When
 * `options` has no `help`, `-h`/`--help` prints the flags and exits 0.
 */
export function parseFlags<T extends LegacyOptions>(
  args: string[],
  options: T,
  _allowed?: string,
): { values: LegacyValues<T> } {
  const set: FlagSet = {};
  for (const [name, o] of Object.entries(options)) {
    if (name === "help") continue;
    const raw: Flag<unknown> = o.type === "boolean"
      ? boolean({ help: "" })
      : string({ help: "", accept: () => true });
    set[name] = o.multiple
      ? { ...raw, multiple: true, convert: (r) => r.map((x) => raw.convert([x], name)) }
      : raw;
  }
  if (args.some((a) => HELP_NAMES.has(a))) {
    if ("help" in options) return { values: { help: true } as unknown as LegacyValues<T> };
    // A script that declares no help of its own still answers --help: its flags, exit 0.
    const task = Deno.mainModule.replace(/^.*\//, "").replace(/\.ts$/, "");
    const list = Object.entries(options)
      .map(([n, o]) =>
        `  --${n}${o.type === "string" ? " VALUE" : ""}${o.multiple ? " (repeatable)" : ""}`
      )
      .join("\n");
    console.log(`usage: deno task ${task} [flags]\n\nflags:\n${list}\n  -h, --help`);
    Deno.exit(0);
  }
  const values: Record<string, unknown> = {};
  for (const [name, raws] of scan(set, args)) values[name] = set[name].convert(raws, `--${name}`);
  return { values: values as LegacyValues<T> };
}

/** Older helper: a decimal integer flag value in [min, max], or `fallback` when absent. */
export function intFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  return parseDecimalInt(`--${flag.replace(/^--/, "")}`, raw, min, max);
}

/** Older helper: a finite decimal number flag value in [min, max], or `fallback` when absent. */
export function numberFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  return parseDecimalNumber(`--${flag.replace(/^--/, "")}`, raw, min, max);
}
