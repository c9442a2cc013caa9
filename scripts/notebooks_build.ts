/**
 * `deno task notebooks:build`: builds every `notebooks/NN_name.ipynb` from its source
 * `notebooks/NN_name.ts` (percent format, see `scripts/_notebook_source.ts`): stable cell
 * ids, the Deno kernel's metadata, no outputs, the same bytes for the same source.
 *
 * - `--check` builds nothing: it exits 1 listing every notebook whose committed `.ipynb`
 *   differs from its source, has no source, or was never built (`deno task check` runs it).
 * - `--from-ipynb NAME` converts `NAME.ipynb` (one edited and saved in Jupyter: outputs and
 *   cell metadata are dropped) back into `NAME.ts`, formats it with `deno fmt`, and rebuilds
 *   `NAME.ipynb` from it, so an edit made in Jupyter is kept.
 *
 * - Building never overwrites an `.ipynb` that was saved in Jupyter and differs from its
 *   source (it says so and exits 1); `--force` does.
 *
 * Usage: `deno task notebooks:build [--check | --from-ipynb NAME] [--force] [--dir DIR]`.
 *
 * @module
 */
import { defineCli, FlagError, flags, parseOrExit, runMain } from "./_cli.ts";
import {
  cellsFromIpynb,
  isBuiltNotebook,
  notebookDrift,
  notebookJson,
  parseSource,
  renderSource,
} from "./_notebook_source.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The notebooks directory a `--dir` value names (relative paths: from the repository root). */
function notebooksDir(dir: string): string {
  return dir.startsWith("/") ? dir : `${ROOT}/${dir}`;
}

/** The command line of `deno task notebooks:build` (exported for the CLI tests). */
export const notebooksBuildCli = defineCli({
  name: "notebooks:build",
  summary: "Builds notebooks/NN_name.ipynb from its source notebooks/NN_name.ts (no outputs, " +
    "stable ids); --check lists the notebooks that differ from their sources; --from-ipynb " +
    "turns a notebook edited in Jupyter back into its source.",
  flags: {
    check: flags.boolean({
      help: "build nothing; exit 1 listing every notebook that differs from its source",
    }),
    "from-ipynb": flags.string({
      meta: "NAME",
      expected: "a notebook name",
      help: "convert NAME.ipynb (e.g. saved in Jupyter) back into NAME.ts, then rebuild NAME.ipynb",
    }),
    force: flags.boolean({
      help: "overwrite notebooks saved in Jupyter (their edits are lost; see --from-ipynb)",
    }),
    dir: flags.string({
      default: "notebooks",
      meta: "DIR",
      expected: "a directory path",
      help: "directory of the notebooks, relative to the repository root",
    }),
  },
  preflight: (values, given) => {
    if (values.check && given.has("from-ipynb")) {
      throw new FlagError(
        "--from-ipynb",
        values["from-ipynb"],
        "not with --check",
        "--from-ipynb: cannot be combined with --check",
      );
    }
    let info: Deno.FileInfo | undefined;
    try {
      info = Deno.statSync(notebooksDir(values.dir));
    } catch { /* reported below */ }
    if (!info?.isDirectory) throw new FlagError("--dir", values.dir, "an existing directory");
  },
});

/** The notebook names in `dir` (`.ts` or `.ipynb` files not starting with `_` or `.`). */
export function notebookNames(dir: string): { sources: string[]; notebooks: string[] } {
  const sources: string[] = [], notebooks: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (!e.isFile || /^[._]/.test(e.name)) continue;
    if (e.name.endsWith(".ts")) sources.push(e.name.slice(0, -3));
    else if (e.name.endsWith(".ipynb")) notebooks.push(e.name.slice(0, -6));
  }
  return { sources: sources.sort(), notebooks: notebooks.sort() };
}

function readOrUndefined(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Every problem of the notebooks in `dir` against their sources (empty: all match). */
export function checkNotebooks(dir: string): string[] {
  const { sources, notebooks } = notebookNames(dir);
  const names = [...new Set([...sources, ...notebooks])].sort();
  const problems: string[] = [];
  for (const name of names) {
    const problem = notebookDrift(
      name,
      readOrUndefined(`${dir}/${name}.ts`),
      readOrUndefined(`${dir}/${name}.ipynb`),
      dir,
    );
    if (problem) problems.push(problem);
  }
  return problems;
}

/** What {@linkcode buildNotebook} did with a notebook. */
export type BuildOutcome = "wrote" | "unchanged" | "kept";

/**
 * Builds `dir/name.ipynb` from `dir/name.ts`. An `.ipynb` that was saved outside the build
 * (by Jupyter: outputs, counts, kernel metadata) and differs from the source is `kept`, not
 * overwritten, unless `force`: its edits would be lost. A source that cannot be read throws
 * a NotebookSourceError naming the file and line.
 */
export function buildNotebook(dir: string, name: string, force = false): BuildOutcome {
  const src = `${dir}/${name}.ts`, out = `${dir}/${name}.ipynb`;
  const json = notebookJson(name, parseSource(Deno.readTextFileSync(src), src));
  const old = readOrUndefined(out);
  if (old === json) return "unchanged";
  if (old !== undefined && !force && !isBuiltNotebook(name, old)) return "kept";
  Deno.writeTextFileSync(out, json);
  return "wrote";
}

/** The notebook `NAME` names: an exact name, a file name or path, or a unique prefix. */
export function resolveNotebook(notebooks: readonly string[], raw: string): string {
  const want = raw.replace(/^.*\//, "").replace(/\.(ipynb|ts)$/, "");
  if (notebooks.includes(want)) return want;
  const matches = notebooks.filter((n) => n.startsWith(want));
  if (want !== "" && matches.length === 1) return matches[0];
  const expected = matches.length > 1
    ? `a unique notebook name (it matches ${matches.join(", ")})`
    : `a notebook in the directory: ${notebooks.join(", ") || "none"}`;
  throw new FlagError("--from-ipynb", raw, expected);
}

/** Runs `deno fmt` on one file with the repository's settings; returns its error text. */
async function fmt(file: string): Promise<string | undefined> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", `--config=${ROOT}/deno.json`, file],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return r.success ? undefined : new TextDecoder().decode(r.stderr).trim().split("\n")[0];
}

/**
 * Converts `dir/name.ipynb` into `dir/name.ts` (formatted with `deno fmt` when it parses)
 * and rebuilds `dir/name.ipynb` from it. Returns the number of cells and the formatter's
 * complaint, if any.
 */
export async function fromIpynb(
  dir: string,
  name: string,
): Promise<{ cells: number; fmtError?: string }> {
  const nbFile = `${dir}/${name}.ipynb`, src = `${dir}/${name}.ts`;
  const cells = cellsFromIpynb(Deno.readTextFileSync(nbFile), nbFile);
  Deno.writeTextFileSync(src, renderSource(cells));
  const fmtError = await fmt(src);
  buildNotebook(dir, name, true);
  return { cells: cells.length, fmtError };
}

async function main(): Promise<number> {
  const values = await parseOrExit(notebooksBuildCli);
  const dir = notebooksDir(values.dir);
  const shown = values.dir.replace(/\/$/, "");
  const { sources, notebooks } = notebookNames(dir);

  if (values.check) {
    const problems = checkNotebooks(dir).map((p) => p.replaceAll(`${dir}/`, `${shown}/`));
    for (const p of problems) console.log(`FAIL ${p}`);
    if (problems.length > 0) {
      console.log(
        "\nEdit the .ts source and run `deno task notebooks:build`; for a notebook edited in " +
          "Jupyter, run `deno task notebooks:build --from-ipynb NAME`.",
      );
      return 1;
    }
    console.log(`ok   ${sources.length} notebooks match their sources`);
    return 0;
  }

  const from = values["from-ipynb"];
  if (from !== undefined) {
    const name = resolveNotebook(notebooks, from);
    const r = await fromIpynb(dir, name);
    console.log(`wrote ${shown}/${name}.ts (${r.cells} cells) and rebuilt ${shown}/${name}.ipynb`);
    if (r.fmtError) console.log(`note: deno fmt could not format it: ${r.fmtError}`);
    console.log("review the change with `git diff`");
    return 0;
  }

  let kept = 0;
  for (const name of sources) {
    const outcome = buildNotebook(dir, name, values.force);
    if (outcome === "kept") {
      kept++;
      console.log(
        `FAIL ${shown}/${name}.ipynb was saved in Jupyter and differs from its source; keep ` +
          `its edits with \`--from-ipynb ${name}\`, or discard them with --force`,
      );
    } else console.log(`${outcome === "wrote" ? "wrote    " : "unchanged"} ${shown}/${name}.ipynb`);
  }
  const orphans = notebooks.filter((n) => !sources.includes(n));
  for (const n of orphans) {
    console.log(
      `FAIL ${shown}/${n}.ipynb has no source; create it with ` +
        `\`deno task notebooks:build --from-ipynb ${n}\``,
    );
  }
  return orphans.length + kept > 0 ? 1 : 0;
}

if (import.meta.main) {
  let code = 0;
  await runMain(async () => {
    code = await main();
  });
  Deno.exit(code);
}
