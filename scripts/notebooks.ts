/**
 * `deno task notebooks`: executes every notebook in notebooks/ headlessly on the Deno
 * kernel, fails on any error output, writes executed notebooks and offline HTML
 * exports to out/notebooks/, then opens each export in headless Chromium to check
 * that every figure rendered (see scripts/browser_check.ts).
 *
 * Usage: `deno task notebooks [--only NAME]... [--skip-browser] [--timeout S] [--dir D]`
 * (`--dir` runs the notebooks of another directory, default notebooks/).
 *
 * @module
 */
import { ensureChromium, ensureJupyter, EXECUTOR_PY } from "./_jupyter.ts";
import { checkHtmlFiles, formatResult } from "./browser_check.ts";
import { defineCli, flags, parseOrExit } from "./_cli.ts";

const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** An output of an executed notebook (the fields this script reads). */
interface NbOutput {
  output_type: string;
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
}

/** Summary of one executed notebook. */
export interface NotebookRun {
  /** Notebook name without extension. */
  name: string;
  /** Whether it executed without error outputs. */
  ok: boolean;
  /** Seconds spent executing. */
  seconds: number;
  /** Number of outputs carrying a Plotly figure. */
  figures: number;
  /** Error outputs ("ename: evalue", with the cell index). */
  errors: string[];
  /** The HTML export. */
  html: string;
}

/** Error outputs and Plotly figure count of an executed notebook's JSON. */
export function scanOutputs(nb: { cells: { outputs?: NbOutput[] }[] }): {
  errors: string[];
  figures: number;
} {
  const errors: string[] = [];
  let figures = 0;
  nb.cells.forEach((cell, i) => {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "error") errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
      if (o.data && PLOTLY_MIME in o.data) figures++;
    }
  });
  return { errors, figures };
}

/** The command line of `deno task notebooks` (exported for the CLI tests). */
export const notebooksCli = defineCli({
  name: "notebooks",
  summary: "Executes every notebook headlessly on the Deno kernel, fails on any error output, " +
    "exports HTML to out/notebooks/ and checks each export in headless Chromium.",
  flags: {
    only: flags.multiple({
      help: "run only the notebooks whose name starts with or contains NAME",
      meta: "NAME",
    }),
    "skip-browser": flags.boolean({ help: "skip the headless Chromium check" }),
    timeout: flags.int({
      min: 1,
      max: 86_400,
      default: 900,
      help: "per-cell timeout in seconds",
      meta: "S",
    }),
    dir: flags.string({
      default: "notebooks",
      meta: "DIR",
      expected: "a directory path",
      help: "directory of the notebooks, relative to the repository root",
    }),
  },
});

async function main(): Promise<number> {
  const flagValues = await parseOrExit(notebooksCli);
  const { only, timeout, dir } = flagValues, skipBrowser = flagValues["skip-browser"];
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  Deno.chdir(root);
  const names = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name.replace(/\.ipynb$/, ""))
    .filter((n) =>
      only.length === 0 || only.some((o) => n === o || n.startsWith(o) || n.includes(o))
    )
    .sort();
  if (names.length === 0) {
    console.error(`no notebook matches ${only.join(", ") || `${dir}/*.ipynb`}`);
    return 1;
  }
  const setup = await ensureJupyter(root);
  if (!setup) return 1;
  await Deno.mkdir("out/notebooks", { recursive: true });
  const executor = `${setup.jupyterPath}/execute.py`;
  await Deno.writeTextFile(executor, EXECUTOR_PY);

  const runs: NotebookRun[] = [];
  for (const name of names) {
    const t0 = performance.now();
    const outNb = `out/notebooks/${name}.ipynb`, html = `out/notebooks/${name}.html`;
    const r = await new Deno.Command(setup.python, {
      args: [executor, `${dir}/${name}.ipynb`, outNb, html, String(timeout)],
      env: setup.env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const seconds = (performance.now() - t0) / 1000;
    const errors: string[] = [];
    let figures = 0;
    if (!r.success) {
      const err = new TextDecoder().decode(r.stderr).split("\n").filter((l) =>
        !l.includes("unstable")
      );
      errors.push(`executor failed: ${err.slice(-15).join("\n")}`);
    }
    try {
      const scan = scanOutputs(JSON.parse(await Deno.readTextFile(outNb)));
      errors.push(...scan.errors);
      figures = scan.figures;
    } catch (e) {
      errors.push(`no executed notebook: ${e}`);
    }
    const run = { name, ok: errors.length === 0, seconds, figures, errors, html };
    runs.push(run);
    console.log(
      `${run.ok ? "ok  " : "FAIL"} ${name.padEnd(28)} ${
        seconds.toFixed(1).padStart(6)
      } s  ${figures} figures`,
    );
    for (const e of errors) console.log(`     ${e.replaceAll("\n", "\n     ")}`);
  }

  let browserOk = true;
  if (!skipBrowser) {
    const chromium = await ensureChromium();
    if (!chromium) return 1;
    const files = runs.map((r) => r.html);
    const expected = new Map(runs.map((r) => [r.html, r.figures]));
    const results = await checkHtmlFiles(files, { expected, executablePath: chromium });
    for (const res of results) console.log(formatResult(res));
    browserOk = results.every((r) => r.ok);
  }
  const total = runs.reduce((s, r) => s + r.seconds, 0);
  const failed = runs.filter((r) => !r.ok).length;
  console.log(
    `${runs.length - failed}/${runs.length} notebooks ok in ${total.toFixed(1)} s` +
      (skipBrowser
        ? " (browser check skipped)"
        : browserOk
        ? "; browser check ok"
        : "; browser check FAILED"),
  );
  return failed === 0 && browserOk ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
