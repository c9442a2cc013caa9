/**
 * `deno task bench [--json] [--only PREFIX]`: runs every benchmark case in
 * `scripts/bench/*.ts` (each module exports `cases: BenchCase[]`) and prints a table,
 * or one JSON object per line `{"name", "value", "unit"}` with `--json`.
 *
 * @module
 */
import { parseFlags, runMain } from "./_cli.ts";
import type { BenchCase } from "./bench/_types.ts";

await runMain(async () => {
  const { values } = parseFlags(Deno.args, {
    json: { type: "boolean" },
    only: { type: "string" },
    help: { type: "boolean" },
  }, "--json, --only PREFIX, --help");
  if (values.help) {
    console.log("usage: deno task bench [--json] [--only PREFIX]");
    return;
  }
  const dir = new URL("./bench/", import.meta.url);
  const files: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".ts") && !e.name.startsWith("_")) files.push(e.name);
  }
  files.sort();
  const rows: { name: string; value: number; unit: string; target?: string }[] = [];
  for (const f of files) {
    const mod = await import(new URL(f, dir).href) as { cases: BenchCase[] };
    for (const c of mod.cases) {
      if (values.only && !c.name.startsWith(values.only)) continue;
      const value = await c.run();
      const row = { name: c.name, value: Number(value.toPrecision(6)), unit: c.unit };
      if (values.json) console.log(JSON.stringify(row));
      rows.push({ ...row, target: c.target });
    }
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
});
