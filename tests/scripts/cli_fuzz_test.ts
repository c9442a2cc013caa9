/**
 * Fuzz tests of every script's command line: thousands of generated lines parsed in-process
 * (each script exports its declared CLI; parsing is a pure function), and a sample spawned as
 * real processes to check the exit code, the single stderr line and the absence of a stack
 * trace end to end.
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { ValidationError } from "../../lib/errors.ts";
import { CLIS, type CommandLine, faultyLine, garbageLine, validLine } from "./_clis.ts";
import { runScript } from "./_run.ts";

const TASKS = Object.keys(CLIS);

/** Checks one line against its oracle; returns "ok" or "error". */
function check(line: CommandLine): "ok" | "error" {
  const cli = CLIS[line.task];
  let parsed;
  try {
    parsed = cli.parse(line.args);
  } catch (err) {
    assert.ok(err instanceof ValidationError, `${line.task} ${JSON.stringify(line.args)}: ${err}`);
    assert.ok(!/[\r\n]/.test(err.message), `one line: ${err.message}`);
    const shown = [err.field, JSON.stringify(err.field)];
    assert.ok(shown.some((s) => err.message.startsWith(s)), `names its flag: ${err.message}`);
    if (line.kind === "faulty") {
      assert.equal(
        err.field,
        line.offending,
        `${line.task} ${JSON.stringify(line.args)} (${line.fault}): ${err.message}`,
      );
    } else if (line.kind === "valid") {
      // A valid line may only fail on a declared rule between flags (spec.check).
      assert.ok(cli.spec.check, `${line.task} ${JSON.stringify(line.args)}: ${err.message}`);
    } else {
      // Garbage: the error names something that is on the line.
      assert.ok(
        line.args.some((a) => a === err.field || a.startsWith(`${err.field}=`)),
        `${JSON.stringify(line.args)}: ${err.message}`,
      );
    }
    return "error";
  }
  assert.notEqual(line.kind, "faulty", `${line.task} ${JSON.stringify(line.args)} passed`);
  assert.equal(parsed.help, false);
  if (line.kind === "valid") {
    for (const [name, f] of Object.entries(cli.spec.flags)) {
      const want = name in line.expected ? line.expected[name] : f.default;
      assert.deepEqual(parsed.values[name], want, `${line.task} --${name}`);
    }
  }
  return "ok";
}

Deno.test("CLI fuzz: 1,500 generated command lines across the tasks, parsed in-process", () => {
  const counts = { lines: 0, ok: 0, error: 0 };
  const line = fc.constantFrom(...TASKS).chain((task) =>
    fc.oneof(
      { weight: 2, arbitrary: validLine(task) },
      { weight: 5, arbitrary: faultyLine(task) },
      { weight: 2, arbitrary: garbageLine(task) },
    )
  );
  fc.assert(
    fc.property(line, (l) => {
      counts.lines++;
      counts[check(l)]++;
    }),
    { numRuns: 1500, seed: 15 },
  );
  assert.ok(counts.lines >= 1000, `only ${counts.lines} lines`);
  assert.ok(counts.ok >= 100 && counts.error >= 500, JSON.stringify(counts));
});

Deno.test("CLI fuzz: every fault kind of every task names the offending flag", () => {
  for (const task of TASKS) {
    fc.assert(
      fc.property(faultyLine(task), (l) => {
        assert.equal(check(l), "error");
      }),
      { numRuns: 60, seed: 7 },
    );
    fc.assert(fc.property(validLine(task), (l) => void check(l)), { numRuns: 30, seed: 7 });
  }
});

Deno.test("CLI: every task has a help text naming each of its flags", () => {
  for (const [task, cli] of Object.entries(CLIS)) {
    assert.equal(cli.parse(["--help"]).help, true);
    assert.equal(cli.parse(["-h", "--bogus"]).help, true, "help wins");
    const help = cli.help();
    assert.ok(help.startsWith(`usage: deno task ${task}`), help);
    for (const name of Object.keys(cli.spec.flags)) assert.ok(help.includes(`--${name}`), name);
    assert.ok(help.includes("-h, --help"));
  }
});

/** Lines that fail before any work starts, spawned as real processes. */
const SPAWNED: [string, string[], string][] = [
  ["compare", ["--seed", "-1"], "--seed"],
  ["compare", ["--seed", "1", "--seed", "2"], "--seed"],
  ["compare", ["--episodes"], "--episodes"],
  ["compare", ["--out", "/dev/null"], "--out"],
  ["compare", ["--out", "/proc/alpe-cannot-write/here"], "--out"],
  ["bench", ["--only", "nothing"], "--only"],
  ["stress", ["--events", "-5"], "--events"],
  ["notebooks", ["--timeout", "0x10"], "--timeout"],
  ["check", ["--fix"], "--fix"],
  ["setup", ["now"], "now"],
  ["test", ["--bogus"], "--bogus"],
];

async function spawnCheck(task: string, args: string[], flag: string): Promise<void> {
  const r = await runScript(task, args);
  const what = `${task} ${JSON.stringify(args)}`;
  assert.equal(r.code, 2, `${what}: ${r.stderr}`);
  assert.equal(r.stdout, "", what);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
  assert.ok(
    lines[0].startsWith(`error: ${flag}`) || lines[0].startsWith(`error: "${flag}"`),
    r.stderr,
  );
  assert.ok(!/^\s+at /m.test(r.stderr), r.stderr);
}

Deno.test("CLI end to end: bad lines exit 2 with one stderr line naming the flag, no stack trace", async () => {
  // The fixed lines above, plus a sample of generated faulty lines (fixed seed).
  const sample = fc.sample(
    fc.constantFrom(...TASKS).chain((t) => faultyLine(t)),
    { numRuns: 4, seed: 2024 },
  ).map((l) => [l.task, l.args, l.offending!] as [string, string[], string]);
  const all = [...SPAWNED, ...sample];
  for (let i = 0; i < all.length; i += 4) {
    await Promise.all(all.slice(i, i + 4).map(([t, a, f]) => spawnCheck(t, a, f)));
  }
});

Deno.test("CLI end to end: --help exits 0 (the declared help; the others in-process)", async () => {
  for (const task of ["compare", "test", "train"]) {
    const r = await runScript(task, ["--help"]);
    assert.equal(r.code, 0, `${task}: ${r.stderr}`);
    assert.ok(r.stdout.includes(`deno task ${task}`), r.stdout);
  }
});
