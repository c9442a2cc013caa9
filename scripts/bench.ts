/**
 * `deno task bench [--json] [--only PREFIX]`: runs every benchmark case in
 * `scripts/bench/*.ts` (each module exports `cases: BenchCase[]`) and prints a table,
 * or one JSON object per line `{"name", "value", "unit"}` with `--json`. A `--only` prefix
 * that matches no case is an error (exit code 2), reported before any case runs.
 *
 * @module
 */
import { defineCli, FlagError, flags, runCli, type Values } from "./_cli.ts";
import type { BenchCase } from "./bench/_types.ts";

/** The command line of `deno task bench` (exported for the CLI tests). */
export const benchCli = defineCli({
  name: "bench",
  summary: "Runs the benchmarks of scripts/bench/*.ts and prints a table (or JSON lines).",
  flags: {
    json: flags.boolean({ help: 'print one {"name","value","unit"} JSON object per line' }),
    only: flags.string({
      help: "run only the cases whose name starts with this prefix (e.g. book, env.model)",
      meta: "PREFIX",
    }),
  },
});

/** Every benchmark case, by module file name order. */
export async function loadBenchCases(): Promise<BenchCase[]> {
  const dir = new URL("./bench/", import.meta.url);
  const files: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".ts") && !e.name.startsWith("_")) files.push(e.name);
  }
  files.sort();
  const cases: BenchCase[] = [];
  for (const f of files) {
    const mod = await import(new URL(f, dir).href) as { cases: BenchCase[] };
    cases.push(...mod.cases);
  }
  return cases;
}

/** The cases `--only` selects, or a FlagError naming `--only` when it selects none. */
export function selectCases(cases: readonly BenchCase[], only: string | undefined): BenchCase[] {
  const picked = cases.filter((c) => only === undefined || c.name.startsWith(only));
  if (picked.length === 0) {
    const prefixes = [...new Set(cases.map((c) => c.name.split(".")[0]))].join(", ");
    throw new FlagError("--only", only, `a prefix of a benchmark name (e.g. ${prefixes})`);
  }
  return picked;
}

async function main(values: Values<typeof benchCli.spec.flags>): Promise<void> {
  const cases = selectCases(await loadBenchCases(), values.only);
  const rows: { name: string; value: number; unit: string; target?: string }[] = [];
  for (const c of cases) {
    const value = await c.run();
    const row = { name: c.name, value: Number(value.toPrecision(6)), unit: c.unit };
    if (values.json) console.log(JSON.stringify(row));
    rows.push({ ...row, target: c.target });
  }
  if (!values.json) {
    console.log("benchmark".padEnd(28) + "value".padStart(16) + "  unit".padEnd(18) + "target");
    for (const r of rows) {
      console.log(
        r.name.padEnd(28) + r.value.toLocaleString("en-US").padStart(16) +
          ("  " + r.unit).padEnd(18) +
          (r.target ?? ""),
      );
    }
  }
}

if (import.meta.main) await runCli(benchCli, main);
