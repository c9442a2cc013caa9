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

/**
 * Largest allowed output, bytes of its JSON (about the size of its IOPub message):
 * Jupyter servers lose larger messages (see docs/jupyter_iopub_repro.md).
 */
export const OUTPUT_LIMIT = 1_000_000;

/** The text/plain of the first part of plotly.js (lib/viz/plotly_loader.ts). */
const LIBRARY_PART_1 = /^plotly\.js \S+ for offline figures \(part 1 of \d+\)$/;

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
  /** Bytes of the largest output's JSON. */
  largest: number;
  /** Bytes of the executed notebook file. */
  fileBytes: number;
}

/**
 * Error outputs, Plotly figure count, the size of the largest output (bytes of its JSON)
 * and the number of plotly.js copies (sets of library parts) of an executed notebook.
 */
export function scanOutputs(nb: { cells: { outputs?: NbOutput[] }[] }): {
  errors: string[];
  figures: number;
  largest: number;
  libraryCopies: number;
} {
  const errors: string[] = [];
  let figures = 0, largest = 0, libraryCopies = 0;
  const enc = new TextEncoder();
  nb.cells.forEach((cell, i) => {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "error") errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
      if (o.data && PLOTLY_MIME in o.data) figures++;
      const plain = o.data?.["text/plain"];
      const text = Array.isArray(plain) ? plain.join("") : plain;
      if (typeof text === "string" && LIBRARY_PART_1.test(text)) libraryCopies++;
      largest = Math.max(largest, enc.encode(JSON.stringify(o)).length);
    }
  });
  if (largest > OUTPUT_LIMIT) {
    errors.push(`an output of ${largest} bytes (limit ${OUTPUT_LIMIT}: Jupyter servers lose it)`);
  }
  if (libraryCopies > 1) errors.push(`${libraryCopies} copies of plotly.js (one is enough)`);
  if (figures > 0 && libraryCopies === 0) errors.push("figures but no copy of plotly.js");
  return { errors, figures, largest, libraryCopies };
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

/** Bytes as "1.23 MB". */
function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

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
    let figures = 0, largest = 0, fileBytes = 0;
    if (!r.success) {
      const err = new TextDecoder().decode(r.stderr).split("\n").filter((l) =>
        !l.includes("unstable")
      );
      errors.push(`executor failed: ${err.slice(-15).join("\n")}`);
    }
    try {
      const text = await Deno.readTextFile(outNb);
      fileBytes = new TextEncoder().encode(text).length;
      const scan = scanOutputs(JSON.parse(text));
      errors.push(...scan.errors);
      figures = scan.figures;
      largest = scan.largest;
    } catch (e) {
      errors.push(`no executed notebook: ${e}`);
    }
    const run = {
      name,
      ok: errors.length === 0,
      seconds,
      figures,
      errors,
      html,
      largest,
      fileBytes,
    };
    runs.push(run);
    console.log(
      `${run.ok ? "ok  " : "FAIL"} ${name.padEnd(28)} ${
        seconds.toFixed(1).padStart(6)
      } s  ${figures} figures, largest output ${mb(largest)}, notebook ${mb(fileBytes)}`,
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
