/**
 * Every script's declared command line, by task name, for the CLI tests; and command-line
 * generators (fast-check) built from the declarations: lines that are valid, and lines with
 * exactly one fault whose offending flag is known.
 *
 * A new script joins the tests by exporting its `defineCli(...)` value and being listed in
 * {@linkcode CLIS}.
 *
 * @module
 */
import fc from "npm:fast-check@4.10.2";
import type { Cli, Flag, FlagSet } from "../../scripts/_cli.ts";
import { ablationCli } from "../../scripts/ablation.ts";
import { benchCli } from "../../scripts/bench.ts";
import { calibrateCli } from "../../scripts/calibrate.ts";
import { checkCli } from "../../scripts/check.ts";
import { compareCli } from "../../scripts/compare.ts";
import { dashboardCli } from "../../scripts/dashboard.ts";
import { labCli } from "../../scripts/lab.ts";
import { marketCli } from "../../scripts/market.ts";
import { notebooksCli } from "../../scripts/notebooks.ts";
import { notebooksLiveCli } from "../../scripts/notebooks_live.ts";
import { notebooksBuildCli } from "../../scripts/notebooks_build.ts";
import { realismCli } from "../../scripts/realism.ts";
import { setupCli } from "../../scripts/setup.ts";
import { simTapeCli } from "../../scripts/sim_tape.ts";
import { stressCli } from "../../scripts/stress.ts";
import { trainCli } from "../../scripts/train.ts";
import { sweepCli } from "../../scripts/sweep.ts";
import { workerCli } from "../../scripts/worker.ts";

/** The declared command lines, by task (script file) name. */
export const CLIS: Record<string, Cli<FlagSet>> = {
  ablation: ablationCli as unknown as Cli<FlagSet>,
  bench: benchCli as unknown as Cli<FlagSet>,
  calibrate: calibrateCli as unknown as Cli<FlagSet>,
  check: checkCli as unknown as Cli<FlagSet>,
  compare: compareCli as unknown as Cli<FlagSet>,
  dashboard: dashboardCli as unknown as Cli<FlagSet>,
  lab: labCli as unknown as Cli<FlagSet>,
  market: marketCli as unknown as Cli<FlagSet>,
  notebooks: notebooksCli as unknown as Cli<FlagSet>,
  notebooks_live: notebooksLiveCli as unknown as Cli<FlagSet>,
  "notebooks:build": notebooksBuildCli as unknown as Cli<FlagSet>,
  realism: realismCli as unknown as Cli<FlagSet>,
  setup: setupCli as unknown as Cli<FlagSet>,
  "sim-tape": simTapeCli as unknown as Cli<FlagSet>,
  stress: stressCli as unknown as Cli<FlagSet>,
  train: trainCli as unknown as Cli<FlagSet>,
  sweep: sweepCli as unknown as Cli<FlagSet>,
  worker: workerCli as unknown as Cli<FlagSet>,
};

/** One generated command line and what parsing it must give. */
export interface CommandLine {
  /** Task name (a key of {@linkcode CLIS}). */
  task: string;
  /** Valid, with exactly one fault, or drawn from a vocabulary (either outcome). */
  kind: "valid" | "faulty" | "garbage";
  /** The arguments. */
  args: string[];
  /** The offending flag (or argument) named by the error; undefined: the line is valid. */
  offending?: string;
  /** Kind of fault injected (for the report of a failure). */
  fault?: string;
  /** Expected values of the flags given (valid lines). */
  expected: Record<string, unknown>;
}

const WORD = fc.stringMatching(/^[a-z0-9_.][a-z0-9_./]{0,11}$/);

/** A valid raw value of `f` and the value parsing must give. */
function validValue(f: Flag<unknown>): fc.Arbitrary<[string, unknown]> {
  const s = f.shape;
  switch (s.kind) {
    case "int":
      return fc.oneof(
        fc.integer({ min: s.min, max: s.max }),
        fc.constantFrom(s.min, s.max),
      ).map((v) => [String(v), v]);
    case "number":
      return fc.oneof(
        fc.double({ min: s.min, max: s.max, noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(s.min, s.max),
      ).map((v) => [String(v), Number(String(v))]);
    case "choice":
      return fc.constantFrom(...s.choices).map((v) => [v, v]);
    case "list": {
      const items = s.choices
        ? fc.uniqueArray(fc.constantFrom(...s.choices), { minLength: 1 })
        : fc.uniqueArray(WORD, { minLength: 1, maxLength: 4 });
      return items.map((xs) => [xs.join(","), xs]);
    }
    case "string":
    case "path":
    case "multiple":
      return WORD.map((v) => [v, s.kind === "multiple" ? [v] : v]);
    case "boolean":
      return fc.constant(["", true]);
  }
}

const INT_RE = /^-?\d+$/;
const NUMBER_RE = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A raw value `f` must reject (independent of the parser's own code paths). */
function invalidValue(f: Flag<unknown>): fc.Arbitrary<string> {
  const s = f.shape;
  const junk = fc.string({ maxLength: 8 });
  switch (s.kind) {
    case "int":
      return fc.oneof(
        fc.constantFrom("0x10", "1e1", "1.0", "Infinity", "-Infinity", "NaN", "", " 5", "5 ", "+5"),
        fc.constantFrom("1_000", "0b1", "0o7", "١٢", "1,000"),
        fc.constant(String(s.min - 1)),
        fc.constant(String(s.max + 1)),
        fc.integer({ min: Math.min(s.max + 1, 2 ** 52), max: Number.MAX_SAFE_INTEGER })
          .map(String),
        fc.double({ noNaN: true }).filter((x) => !Number.isInteger(x)).map(String),
        junk.filter((x) => !INT_RE.test(x)),
      ).filter((x) => !(INT_RE.test(x) && Number(x) >= s.min && Number(x) <= s.max));
    case "number":
      return fc.oneof(
        fc.constantFrom("0x10", "Infinity", "-Infinity", "NaN", "", " 1", "1,5", "1e999", "--1"),
        fc.constant(String(s.max + Math.max(1, Math.abs(s.max)))),
        fc.constant(String(s.min - Math.max(1, Math.abs(s.min)))),
        junk.filter((x) => !NUMBER_RE.test(x)),
      ).filter((x) => !(NUMBER_RE.test(x) && Number(x) >= s.min && Number(x) <= s.max));
    case "choice":
      return fc.oneof(
        fc.constantFrom("", "zzz", s.choices[0].toUpperCase(), `${s.choices[0]}x`),
        junk,
      ).filter((x) => !s.choices.includes(x));
    case "list": {
      const item = s.choices ? s.choices[0] : "a";
      const bad = ["", ",", `${item},`, `,${item}`, `${item},,${item}`, `${item},${item}`];
      return fc.constantFrom(...bad, ...(s.choices ? ["nope!", `${item},nope!`] : []));
    }
    case "string":
    case "path":
    case "multiple":
      return fc.constantFrom("", " ", "   ");
    case "boolean":
      return fc.constant("");
  }
}

/** Splits a flag and its value into arguments, separately or attached with `=`. */
function occurrence(name: string, raw: string, f: Flag<unknown>, attached: boolean): string[] {
  if (f.type === "boolean") return [`--${name}`];
  // A value starting with "--" (or "-h") must be attached; one dash may stand alone.
  const mustAttach = raw.startsWith("--") || raw === "-h" || raw === "--help" || raw === "";
  return attached || mustAttach ? [`--${name}=${raw}`] : [`--${name}`, raw];
}

interface Segment {
  name: string;
  args: string[];
  value: unknown;
}

const memo = new Map<string, fc.Arbitrary<unknown>>();

/** Builds an arbitrary once per key (generators are rebuilt inside `chain` otherwise). */
function cached<T>(key: string, make: () => fc.Arbitrary<T>): fc.Arbitrary<T> {
  let a = memo.get(key);
  if (!a) memo.set(key, a = make());
  return a as fc.Arbitrary<T>;
}

/** Valid occurrences of distinct flags of `cli` (excluding `exclude`). */
function validSegments(cli: Cli<FlagSet>, exclude: string[] = []): fc.Arbitrary<Segment[]> {
  return cached(
    `segments:${cli.spec.name}:${exclude.join(",")}`,
    () => makeValidSegments(cli, exclude),
  );
}

function makeValidSegments(cli: Cli<FlagSet>, exclude: string[]): fc.Arbitrary<Segment[]> {
  const names = Object.keys(cli.spec.flags).filter((n) => !exclude.includes(n));
  if (names.length === 0) return fc.constant([]);
  return fc.shuffledSubarray(names).chain((picked) =>
    fc.tuple(
      ...picked.map((name) => {
        const f = cli.spec.flags[name];
        return fc.tuple(validValue(f), fc.boolean()).map(([[raw, value], attached]) => ({
          name,
          args: occurrence(name, raw, f, attached),
          value,
        }));
      }),
    )
  ).map((xs) => xs as Segment[]);
}

function assemble(segments: Segment[]): { args: string[]; expected: Record<string, unknown> } {
  const expected: Record<string, unknown> = {};
  for (const s of segments) expected[s.name] = s.value;
  return { args: segments.flatMap((s) => s.args), expected };
}

/** A valid command line of `task`. */
export function validLine(task: string): fc.Arbitrary<CommandLine> {
  return cached(`valid:${task}`, () => makeValidLine(task));
}

function makeValidLine(task: string): fc.Arbitrary<CommandLine> {
  return validSegments(CLIS[task]).map((segs) => ({
    task,
    kind: "valid" as const,
    ...assemble(segs),
  }));
}

const FAULTS = ["unknown", "positional", "missing", "duplicate", "value", "bool-value"] as const;

/** A command line of `task` with exactly one fault, and the flag the error must name. */
export function faultyLine(task: string): fc.Arbitrary<CommandLine> {
  return cached(`faulty:${task}`, () => makeFaultyLine(task));
}

function makeFaultyLine(task: string): fc.Arbitrary<CommandLine> {
  const cli = CLIS[task];
  const flags = cli.spec.flags;
  const names = Object.keys(flags);
  const valueFlags = names.filter((n) => flags[n].type === "value");
  const boolFlags = names.filter((n) => flags[n].type === "boolean");
  const singleFlags = names.filter((n) => !flags[n].multiple);
  const faults = FAULTS.filter((k) => (k !== "missing" && k !== "value") || valueFlags.length > 0)
    .filter((k) => k !== "bool-value" || boolFlags.length > 0)
    .filter((k) => k !== "duplicate" || singleFlags.length > 0);
  return fc.constantFrom(...faults).chain((fault) => {
    const pick = fault === "missing" || fault === "value"
      ? fc.constantFrom(...valueFlags)
      : fault === "bool-value"
      ? fc.constantFrom(...boolFlags)
      : fault === "duplicate"
      ? fc.constantFrom(...singleFlags)
      : fc.constant("");
    return pick.chain((flag) =>
      fc.tuple(
        validSegments(cli, flag ? [flag] : []),
        fc.nat(),
        badSegment(cli, fault, flag),
      ).map(([segs, at, bad]) => {
        const i = at % (segs.length + 1);
        const before = segs.slice(0, i);
        // A missing value is at the end, or just before a flag.
        const after = fault === "missing"
          ? segs.slice(i).filter((s) => s.args[0].startsWith("--"))
          : segs.slice(i);
        const args = [
          ...before.flatMap((s) => s.args),
          ...bad.args,
          ...after.flatMap((s) => s.args),
        ];
        return {
          task,
          kind: "faulty" as const,
          args,
          offending: bad.offending,
          fault,
          expected: {},
        };
      })
    );
  });
}

function badSegment(
  cli: Cli<FlagSet>,
  fault: (typeof FAULTS)[number],
  flag: string,
): fc.Arbitrary<{ args: string[]; offending: string }> {
  return cached(`bad:${cli.spec.name}:${fault}:${flag}`, () => makeBadSegment(cli, fault, flag));
}

function makeBadSegment(
  cli: Cli<FlagSet>,
  fault: (typeof FAULTS)[number],
  flag: string,
): fc.Arbitrary<{ args: string[]; offending: string }> {
  const names = Object.keys(cli.spec.flags);
  const f = cli.spec.flags[flag];
  switch (fault) {
    case "unknown":
      return fc.oneof(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
        names.length
          ? fc.constantFrom(...names).map((n) => n.slice(0, -1) || "x")
          : fc.constant("x"),
        names.length ? fc.constantFrom(...names).map((n) => n.toUpperCase()) : fc.constant("Y"),
      ).filter((n) => !names.includes(n) && n !== "help").map((n) => ({
        args: [`--${n}`],
        offending: `--${n}`,
      }));
    case "positional":
      return WORD.map((w) => ({ args: [w], offending: w }));
    case "missing":
      return fc.constant({ args: [`--${flag}`], offending: `--${flag}` });
    case "duplicate":
      return fc.tuple(validValue(f), validValue(f), fc.boolean()).map(([[a], [b], attached]) => ({
        args: [...occurrence(flag, a, f, attached), ...occurrence(flag, b, f, !attached)],
        offending: `--${flag}`,
      }));
    case "value":
      return fc.tuple(invalidValue(f), fc.boolean()).map(([raw, attached]) => ({
        args: occurrence(flag, raw, f, attached),
        offending: `--${flag}`,
      }));
    case "bool-value":
      return fc.constantFrom("1", "true", "", "no").map((v) => ({
        args: [`--${flag}=${v}`],
        offending: `--${flag}`,
      }));
  }
}

/** Arguments drawn from a vocabulary of flags, values and junk (no help flags). */
export function garbageLine(task: string): fc.Arbitrary<CommandLine> {
  const names = Object.keys(CLIS[task].spec.flags).map((n) => `--${n}`);
  const token = fc.oneof(
    names.length ? fc.constantFrom(...names) : fc.constant("--x"),
    fc.constantFrom("-1", "0", "1", "1e1", "0x10", "-", "--", "", "book", "x,y", "=", "--=1"),
    names.length ? fc.constantFrom(...names).map((n) => `${n}=-5`) : fc.constant("--y=1"),
    fc.string({ maxLength: 6 }).filter((s) => s !== "-h" && s !== "--help" && !/^-[^-]/.test(s)),
  );
  return fc.array(token, { maxLength: 8 }).map((args) => ({
    task,
    kind: "garbage" as const,
    args,
    expected: {},
  }));
}
