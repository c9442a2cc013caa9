/**
 * `deno task check`: the static checks every change must pass — `deno fmt --check`,
 * `deno lint`, `deno check` of the library, scripts and tests, `deno doc --lint mod.ts`, and
 * the layering of `lib/` (imports point one way; see `scripts/layers.ts`).
 *
 * @module
 */

/** Outcome of one static check. */
export interface CheckResult {
  name: string;
  ok: boolean;
  output: string;
}

import { defineCli, parseOrExit } from "./_cli.ts";
import { layerViolations, libEdges } from "./layers.ts";
import { checkNotebooks } from "./notebooks_build.ts";

/** The command line of `deno task check` (no flags besides --help). */
export const checkCli = defineCli({
  name: "check",
  summary: "Runs the static checks: deno fmt --check, deno lint, deno check, deno doc --lint " +
    "mod.ts, npm: pins against deno.json, notebooks against their sources, and the layering " +
    "of lib/.",
  flags: {},
});

/** Runs `deno <args>` and captures its combined output. */
async function deno(args: string[]): Promise<{ ok: boolean; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { ok: out.success, output: text };
}

/** Lists the TypeScript entry points under the given folders (sorted). */
async function tsFiles(dirs: string[]): Promise<string[]> {
  const files: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (e.isFile && p.endsWith(".ts")) files.push(p);
    }
  }
  for (const d of dirs) await walk(d);
  return files.sort();
}

/**
 * Inline `npm:name@version` specifiers (the sources use them so that `mod.ts` works
 * without this repository's deno.json) whose version differs from the pin in deno.json's
 * import map: one version of each package everywhere.
 */
export async function npmPinMismatches(): Promise<string[]> {
  const imports = JSON.parse(await Deno.readTextFile("deno.json")).imports as Record<
    string,
    string
  >;
  const pins = new Map<string, string>();
  for (const spec of Object.values(imports)) {
    const m = /^npm:((?:@[^/]+\/)?[^@/]+)@([^/]+)/.exec(spec);
    if (m) pins.set(m[1], m[2]);
  }
  const bad: string[] = [];
  for (const file of await tsFiles(["lib", "scripts", "tests"])) {
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(/"npm:((?:@[\w.-]+\/)?[\w.-]+)@([\w.-]+)/g)) {
      const pin = pins.get(m[1]);
      if (pin !== m[2]) {
        bad.push(`${file}: npm:${m[1]}@${m[2]} (deno.json pins ${pin ?? "nothing"})`);
      }
    }
  }
  return bad;
}

/** Runs every static check and returns their outcomes. */
export async function runStaticChecks(): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const checks: [string, string[]][] = [
    ["deno fmt --check", ["fmt", "--check"]],
    ["deno lint", ["lint"]],
    ["deno check", ["check", "mod.ts", ...await tsFiles(["scripts", "tests", "notebooks"])]],
    ["deno doc --lint mod.ts", ["doc", "--lint", "mod.ts"]],
  ];
  for (const [name, args] of checks) {
    const r = await deno(args);
    results.push({ name, ...r });
  }
  const pins = await npmPinMismatches();
  results.push({
    name: "npm: specifiers match deno.json",
    ok: pins.length === 0,
    output: pins.join("\n"),
  });
  const drift = checkNotebooks("notebooks");
  results.push({
    name: "notebooks match their sources (deno task notebooks:build --check)",
    ok: drift.length === 0,
    output: drift.join("\n"),
  });
  const bad = layerViolations(await libEdges());
  results.push({
    name: "lib/ layering (no import cycles)",
    ok: bad.length === 0,
    output: bad.join("\n"),
  });
  return results;
}

if (import.meta.main) {
  await parseOrExit(checkCli);
  const results = await runStaticChecks();
  for (const r of results) {
    console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}`);
    if (!r.ok) console.log(r.output.split("\n").slice(-40).join("\n"));
  }
  Deno.exit(results.every((r) => r.ok) ? 0 : 1);
}
