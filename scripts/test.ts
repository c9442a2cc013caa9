/**
 * `deno task test`: every test. Installs what it needs (npm packages, Jupyter, the
 * Deno kernel, Chromium), runs the static checks, the unit/property/integration tests
 * (`deno test`), the `@example` blocks of the library's doc comments (`deno test --doc`
 * over `DOC_TEST_PATHS` below), executes every notebook headlessly and checks the HTML
 * exports in a headless browser, then runs every notebook twice in a live classic Notebook
 * server in headless Chromium (scripts/notebooks_live.ts). Ends with one plain line
 * `N passed, N failed`.
 *
 * Set `ALPE_SKIP_NOTEBOOKS=1` to skip the notebooks locally (CI never sets it).
 *
 * @module
 */
import { runStaticChecks } from "./check.ts";
import { setup } from "./setup.ts";
import { defineCli, parseOrExit } from "./_cli.ts";
import { withV8Flags } from "./_v8.ts";

/** The command line of `deno task test` (no flags besides --help). */
const testCli = defineCli({
  name: "test",
  summary: "Runs every test: set-up, static checks, deno test, the notebooks and the browser " +
    "check; ends with one line `N passed, N failed`. ALPE_SKIP_NOTEBOOKS=1 skips the notebooks.",
  flags: {},
});
await parseOrExit(testCli);

/**
 * Where `deno test --doc` runs the `@example` blocks: every one in the library, each of
 * which asserts its result.
 */
const DOC_TEST_PATHS = ["mod.ts", "lib/"];

let passed = 0;
let failed = 0;
const failures: string[] = [];

function count(name: string, ok: boolean): void {
  if (ok) passed++;
  else {
    failed++;
    failures.push(name);
  }
}

/** Runs a command with inherited output, also capturing stdout to parse it. */
async function run(args: string[], env: Record<string, string> = {}): Promise<
  { ok: boolean; stdout: string }
> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "inherit",
    env: withV8Flags(env),
  }).spawn();
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    const text = decoder.decode(chunk, { stream: true });
    chunks.push(text);
    await Deno.stdout.write(chunk);
  }
  const status = await child.status;
  return { ok: status.success, stdout: chunks.join("") };
}

const t0 = performance.now();
const tools = await setup();

console.log("\n== static checks");
for (const r of await runStaticChecks()) {
  console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}`);
  if (!r.ok) console.log(r.output.split("\n").slice(-40).join("\n"));
  count(r.name, r.ok);
}

console.log("\n== deno test");
const unit = await run(["test", "-A", "--parallel", "tests/"], { NO_COLOR: "1" });
// Deno prints e.g. "ok | 120 passed (4 steps) | 0 failed (12s)" or "FAILED | 3 passed | 1 failed".
const m = /(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(unit.stdout);
if (m) {
  passed += Number(m[1]);
  failed += Number(m[2]);
  if (Number(m[2]) > 0) failures.push("deno test");
}
if (!m || (!unit.ok && Number(m[2]) === 0)) count("deno test (did not finish)", false);

console.log("\n== doc examples (deno test --doc)");
const docT0 = performance.now();
const doc = await run(["test", "-A", "--parallel", "--doc", ...DOC_TEST_PATHS], { NO_COLOR: "1" });
console.log(`doc examples took ${((performance.now() - docT0) / 1000).toFixed(0)} s`);
const d = /(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(doc.stdout);
if (d) {
  passed += Number(d[1]);
  failed += Number(d[2]);
  if (Number(d[2]) > 0) failures.push("doc examples");
}
if (!d || (!doc.ok && Number(d[2]) === 0)) count("doc examples (did not finish)", false);

console.log("\n== dashboard in headless Chromium");
if (!tools.chromium) count("chromium available (dashboard browser test)", false);
else {
  // Its own step, after the parallel tests: it measures the live charts' update rate.
  const e2e = await run(["test", "-A", "tests/dashboard/browser_e2e.ts"], { NO_COLOR: "1" });
  const r = /(\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed/.exec(e2e.stdout);
  count("dashboard browser test", e2e.ok && r !== null && Number(r[3]) === 0);
}

if (Deno.env.get("ALPE_SKIP_NOTEBOOKS") === "1") {
  console.log("\n== notebooks skipped (ALPE_SKIP_NOTEBOOKS=1)");
} else {
  console.log("\n== notebooks");
  if (!tools.jupyter) count("jupyter available", false);
  else {
    const nb = await run([
      "run",
      "-A",
      "scripts/notebooks.ts",
      ...(tools.chromium ? [] : ["--skip-browser"]),
    ]);
    // scripts/notebooks.ts prints one line per check: "ok   <name> …" or "FAIL <name> …".
    let lines = 0;
    for (const line of nb.stdout.split("\n")) {
      const r = /^(ok|FAIL)\s+(\S+)/.exec(line);
      if (r) {
        lines++;
        count(`notebook ${r[2]}`, r[1] === "ok");
      }
    }
    if (lines === 0 || (!nb.ok && !failures.some((f) => f.startsWith("notebook")))) {
      count("notebooks (runner failed)", false);
    }
  }
  if (!tools.chromium) count("chromium available (browser check)", false);

  console.log("\n== notebooks live (classic Notebook server, headless Chromium)");
  // scripts/notebooks_live.ts prints one line per run: "ok   <name> run <k> …" or "FAIL …".
  const live = await run(["run", "-A", "scripts/notebooks_live.ts"]);
  let liveLines = 0, liveFailed = 0;
  for (const line of live.stdout.split("\n")) {
    const r = /^(ok|FAIL)\s+(\S+)(?: run (\d+))?/.exec(line);
    if (r) {
      liveLines++;
      if (r[1] !== "ok") liveFailed++;
      count(`notebook live ${r[2]}${r[3] ? ` run ${r[3]}` : ""}`, r[1] === "ok");
    }
  }
  if (liveLines === 0 || (!live.ok && liveFailed === 0)) {
    count("notebooks live (runner failed)", false);
  }
}

console.log(`\ntests took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
if (failures.length) console.log(`failing: ${failures.join(", ")}`);
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
