/**
 * The notebooks as a user meets them: Debian's classic Notebook server (`jupyter-notebook`
 * 6.4) on 127.0.0.1 with the project's Deno kernel, each notebook opened in headless
 * Chromium (npm:playwright-core) and run with Cell › Run All, each at least twice (the
 * failures this guards against are intermittent). Every run checks that every code cell
 * executed, every figure output was drawn (a `.js-plotly-plot` with traces), there is no
 * error output, the outputs match the headless nbclient run (out/notebooks, when present
 * and newer than the notebook), the console shows no error, no request leaves the
 * server's origin and the kernel is idle again; a live chart (`new LiveChart`) must
 * redraw in place while its cell runs (one figure, changing title).
 *
 * The server serves a temporary copy of the notebooks (the user's files are never
 * touched), made next to them so that their `../mod.ts` imports resolve; each run starts
 * from a fresh copy, a fresh page and a fresh kernel. Everything started (server, kernels,
 * browser, copies) is stopped or removed at the end, also on failure or Ctrl-C.
 *
 * Prints one line per run, `ok   NAME run K …` or `FAIL NAME run K: reasons`, then a total
 * line; exits 1 on any failure.
 *
 * Usage: `deno run -A scripts/notebooks_live.ts [--only NAME]... [--runs N] [--timeout S]
 * [--screenshot FILE]`
 *
 * @module
 */
import { chromium } from "npm:playwright-core@1.65.1";
import type { Browser, Page } from "npm:playwright-core@1.65.1";
import { defineCli, flags, parseOrExit } from "./_cli.ts";
import { ensureChromium, ensureJupyter, findNotebookServer } from "./_jupyter.ts";
import { CHROMIUM_ARGS } from "./browser_check.ts";
import { type NotebookServer, startNotebookServer } from "./_notebook_server.ts";
import {
  compareWithReference,
  isKnownConsoleNoise,
  isLocalRequest,
  liveChartProblems,
  type LiveSample,
  type LiveSnapshot,
  type ReferenceCell,
  referenceCells,
  runLine,
  serverLogProblems,
  snapshotProblems,
} from "./_notebook_live_checks.ts";

/** The command line of the live notebook test (exported for the CLI tests). */
export const notebooksLiveCli = defineCli({
  name: "notebooks_live",
  summary: "Runs every notebook in a live classic Jupyter Notebook server in headless " +
    "Chromium (Cell > Run All, each notebook --runs times) and checks cells, figures, " +
    "errors, console, network, kernel state and the live chart; one line per run.",
  flags: {
    only: flags.multiple({
      help: "run only the notebooks whose name starts with or contains NAME",
      meta: "NAME",
    }),
    runs: flags.int({ min: 1, max: 50, default: 2, help: "runs of each notebook" }),
    timeout: flags.int({
      min: 10,
      max: 3600,
      default: 120,
      help: "time limit of one run (page load and Run All), seconds",
      meta: "S",
    }),
    dir: flags.string({
      default: "notebooks",
      meta: "DIR",
      expected: "a directory path",
      help: "directory of the notebooks, relative to the repository root",
    }),
    reference: flags.string({
      default: "out/notebooks",
      meta: "DIR",
      expected: "a directory path",
      help: "executed notebooks of the headless run to compare outputs with (used when " +
        "present and newer than the notebook)",
    }),
    screenshot: flags.outFile({
      help: "save a PNG of the first notebook's first run, scrolled to its first drawn figure",
    }),
    force: flags.boolean({ help: "replace an existing --screenshot file" }),
  },
});

const isSignature = (line: string) => /Invalid Signature/.test(line);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Thrown when the page does not answer (its main thread is blocked). */
class Unresponsive extends Error {}

/** Evaluates `js` in the page, giving up after `ms` (a busy page never answers). */
async function evaluate<T>(page: Page, js: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Unresponsive(`page did not answer in ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([page.evaluate(js) as Promise<T>, late]);
  } finally {
    clearTimeout(timer);
  }
}

// Page-side scripts, as strings (this module is type-checked without the DOM library).
const KERNEL_READY_JS = `!!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel &&
  Jupyter.notebook.kernel.is_connected() && Jupyter.notebook.kernel.info_reply &&
  Jupyter.notebook.kernel.info_reply.status === "ok")`;

const DRAWN_SELECTOR =
  ".plot-container .trace, .plot-container .heatmaplayer image, .plot-container .hm image";

/** Per code cell: prompt, outputs (model), plot divs and drawn plots (DOM). */
const CELLS_JS = `(() => {
  const code = Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
  return code.map((c, index) => {
    const area = c.output_area.element[0];
    const plots = Array.from(area.querySelectorAll(".js-plotly-plot"));
    return {
      index,
      prompt: c.input_prompt_number === undefined ? null : c.input_prompt_number,
      outputs: c.output_area.outputs.map((o) => ({
        type: o.output_type, mimes: Object.keys(o.data || {}), ename: o.ename, evalue: o.evalue,
      })),
      plots: plots.length,
      drawn: plots.filter((p) => p.querySelector(${JSON.stringify(DRAWN_SELECTOR)})).length,
    };
  });
})()`;

const SNAPSHOT_JS = `({ cells: ${CELLS_JS},
  indicator: (document.querySelector("#kernel_indicator_icon") || {}).className || "" })`;

/** Every figure container holds a drawn plot (or the page gave up: a fallback message). */
const ALL_DRAWN_JS = `Array.from(document.querySelectorAll("#notebook .alpe-plot")).every((b) =>
  b.querySelector(${JSON.stringify(DRAWN_SELECTOR)}) || b.querySelector("em"))`;

const STATE_JS = `(() => {
  const code = Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
  return { prompts: code.map((c) => c.input_prompt_number === undefined ? null : c.input_prompt_number),
    indicator: (document.querySelector("#kernel_indicator_icon") || {}).className || "" };
})()`;

/** Samples live-chart cells (`new LiveChart`) every 50 ms into `window.__alpeLive`. */
const SAMPLER_JS = `(() => {
  const code = Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
  const live = code.map((c, i) => [c, i]).filter(([c]) => /new\\s+LiveChart\\b/.test(c.get_text()));
  window.__alpeLive = live.map(([, i]) => ({ cell: i, samples: [] }));
  window.__alpeLiveTimer = setInterval(() => {
    live.forEach(([c], k) => {
      const area = c.output_area.element[0];
      const plots = Array.from(area.querySelectorAll(".js-plotly-plot"));
      window.__alpeLive[k].samples.push({
        prompt: c.input_prompt_number === undefined ? null : c.input_prompt_number,
        figures: c.output_area.outputs.filter((o) => o.data && ${
  JSON.stringify("application/vnd.plotly.v1+json")
} in o.data).length,
        plots: plots.length,
        titles: plots.map((p) => (p.querySelector(".gtitle") || {}).textContent || ""),
      });
    });
  }, 50);
  return live.length;
})()`;

const STOP_SAMPLER_JS =
  `(() => { clearInterval(window.__alpeLiveTimer); return window.__alpeLive; })()`;

interface CellState {
  prompts: (number | string | null)[];
  indicator: string;
}

/** Everything a run needs. */
interface RunContext {
  browser: Browser;
  server: NotebookServer;
  copyDir: string;
  sourceDir: string;
  referenceDir: string;
  timeoutS: number;
  screenshot?: string;
}

/** The result of one run. */
interface RunResult {
  problems: string[];
  detail: string;
  seconds: number;
}

async function readReference(
  referenceDir: string,
  sourceDir: string,
  name: string,
): Promise<ReferenceCell[] | undefined> {
  try {
    const ref = `${referenceDir}/${name}.ipynb`;
    const [r, s] = [await Deno.stat(ref), await Deno.stat(`${sourceDir}/${name}.ipynb`)];
    if (!r.mtime || !s.mtime || r.mtime < s.mtime) return undefined;
    return referenceCells(JSON.parse(await Deno.readTextFile(ref)));
  } catch {
    return undefined;
  }
}

async function closeSessions(server: NotebookServer): Promise<void> {
  try {
    const sessions = await server.api("GET", "/api/sessions") as { id: string }[];
    for (const s of sessions) await server.api("DELETE", `/api/sessions/${s.id}`).catch(() => {});
  } catch {
    // server gone
  }
  await server.shutdownKernels();
}

async function kernelStates(server: NotebookServer): Promise<string[]> {
  try {
    const kernels = await server.api("GET", "/api/kernels") as { execution_state: string }[];
    return kernels.map((k) => k.execution_state);
  } catch (e) {
    return [`unknown (${String(e).slice(0, 80)})`];
  }
}

async function saveScreenshot(page: Page, path: string): Promise<void> {
  // Scroll the notebook so that the first drawn figure and its cell are in view.
  await evaluate(
    page,
    `(() => {
    const plot = document.querySelector("#notebook .js-plotly-plot");
    const cell = plot && plot.closest(".cell");
    if (cell) cell.scrollIntoView({ block: "start" });
  })()`,
  );
  await sleep(300);
  await page.screenshot({ path, type: "png" });
}

/** Opens `name` in a fresh page on a fresh copy, runs all cells and checks the result. */
async function runNotebook(ctx: RunContext, name: string): Promise<RunResult> {
  const t0 = performance.now();
  const problems: string[] = [];
  const notes: string[] = [];
  await Deno.copyFile(`${ctx.sourceDir}/${name}.ipynb`, `${ctx.copyDir}/${name}.ipynb`);
  const reference = await readReference(ctx.referenceDir, ctx.sourceDir, name);
  const origin = ctx.server.origin;
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const consoleErrors: string[] = [];
  const outside: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLocalRequest(url, origin)) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const at = m.location().url;
    if (isKnownConsoleNoise(m.text(), at)) return;
    consoleErrors.push(`${m.text().slice(0, 200)}${at ? ` (at ${at.slice(0, 100)})` : ""}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on("websocket", (ws) => {
    if (!isLocalRequest(ws.url(), origin)) outside.push(ws.url());
  });
  const logMark = ctx.server.log.length;
  let runSeconds = 0;
  let liveTitles = 0;
  let figures = 0;
  const deadline = Date.now() + ctx.timeoutS * 1000;
  const left = () => Math.max(1, deadline - Date.now());
  try {
    await page.goto(
      `${origin}/notebooks/${encodeURIComponent(name)}.ipynb?token=${ctx.server.token}`,
      {
        waitUntil: "load",
        timeout: left(),
      },
    );
    await page.waitForFunction(KERNEL_READY_JS, undefined, { timeout: left(), polling: 100 });
    // No autosave: the copy stays as it was (each run starts from a fresh one anyway).
    await evaluate(page, `Jupyter.notebook.set_autosave_interval(0)`);
    const liveCells = await evaluate<number>(page, SAMPLER_JS);
    // Cell > Run All, through the menu as a user would.
    await page.locator("#menus a.dropdown-toggle", { hasText: /^Cell$/ }).click({
      timeout: 10_000,
    });
    await page.locator("#run_all_cells > a").click({ timeout: 10_000 });
    const tRun = performance.now();
    let state: CellState = { prompts: [], indicator: "" };
    let idleSince = 0;
    let finished = false;
    let brokenAt = 0;
    let unresponsive = 0; // seconds the page has not answered
    while (Date.now() < deadline) {
      await sleep(100);
      // After an IOPub `Invalid Signature` the server forwards nothing more: give the page
      // 10 s to prove otherwise, then report what it shows.
      if (!brokenAt && serverLogProblems(ctx.server.log.slice(logMark)).some(isSignature)) {
        brokenAt = Date.now();
      }
      if (brokenAt && Date.now() - brokenAt > 10_000) break;
      try {
        state = await evaluate<CellState>(page, STATE_JS, Math.min(5_000, left()));
        unresponsive = 0;
      } catch (e) {
        if (!(e instanceof Unresponsive)) throw e;
        unresponsive += 5;
        continue;
      }
      const done = state.prompts.length > 0 &&
        state.prompts.every((p) => typeof p === "number") &&
        state.indicator.includes("kernel_idle");
      // Idle for 0.5 s: outputs that trail the `idle` status have arrived.
      if (done) idleSince ||= performance.now();
      else idleSince = 0;
      if (done && performance.now() - idleSince >= 500) {
        finished = true;
        break;
      }
    }
    runSeconds = (performance.now() - tRun) / 1000;
    if (!finished) {
      const queued = state.prompts.filter((p) => typeof p !== "number").length;
      const why = unresponsive
        ? `page unresponsive for the last ${unresponsive} s of ${ctx.timeoutS} s`
        : brokenAt
        ? `run stuck 10 s after "Invalid Signature" in the server log`
        : `run did not finish in ${ctx.timeoutS} s`;
      const kernel = state.indicator.replace(/^kernel_|_icon$/g, "") || "unknown";
      problems.push(
        unresponsive ? why : `${why} (${queued} cells not done, kernel ${kernel})`,
      );
    }
    await page.waitForFunction(ALL_DRAWN_JS, undefined, {
      timeout: Math.min(20_000, left()),
      polling: 200,
    }).catch(() => undefined);
    const samples = await evaluate<{ cell: number; samples: LiveSample[] }[] | undefined>(
      page,
      STOP_SAMPLER_JS,
    );
    const snap = await evaluate<LiveSnapshot>(page, SNAPSHOT_JS);
    figures = snap.cells.reduce((n, c) => n + c.drawn, 0);
    problems.push(...snapshotProblems(snap));
    if (reference) {
      const cmp = compareWithReference(snap, reference);
      problems.push(...cmp.problems);
      notes.push(...cmp.notes);
    }
    if (liveCells > 0) {
      for (const { cell, samples: s } of samples ?? []) {
        const live = liveChartProblems(cell, s);
        liveTitles += live.titles.length;
        problems.push(...live.problems);
      }
    }
    const states = await kernelStates(ctx.server);
    if (states.some((s) => s !== "idle")) {
      problems.push(`kernel state (server) ${states.join(", ")}`);
    }
    if (ctx.screenshot) await saveScreenshot(page, ctx.screenshot);
  } catch (e) {
    problems.push(`page: ${String(e instanceof Error ? e.message : e).split("\n")[0]}`);
  } finally {
    await context.close().catch(() => undefined);
    await closeSessions(ctx.server);
  }
  for (const e of consoleErrors) problems.push(`console: ${e.replace(/\s+/g, " ")}`);
  for (const u of outside) problems.push(`request outside the server: ${u.slice(0, 120)}`);
  const logged = serverLogProblems(ctx.server.log.slice(logMark));
  if (problems.length && logged.length) {
    problems.push(`server log: ${logged.slice(0, 3).join(" | ")}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const detail =
    `${seconds.toFixed(1)} s (Run All ${runSeconds.toFixed(1)} s), ${figures} figures drawn` +
    (liveTitles ? `, live chart ${liveTitles} titles` : "") +
    (reference ? ", outputs compared with the headless run" : "") +
    (notes.length ? `; note: ${notes.join("; ")}` : "");
  return { problems, detail, seconds };
}

async function main(): Promise<number> {
  const opts = await parseOrExit(notebooksLiveCli);
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const screenshot = opts.screenshot === undefined
    ? undefined
    : opts.screenshot.startsWith("/")
    ? opts.screenshot
    : `${Deno.cwd()}/${opts.screenshot}`;
  Deno.chdir(root);
  const names = [...Deno.readDirSync(opts.dir)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name.replace(/\.ipynb$/, ""))
    .filter((n) =>
      opts.only.length === 0 || opts.only.some((o) => n === o || n.startsWith(o) || n.includes(o))
    )
    .sort();
  if (names.length === 0) {
    console.error(`no notebook matches ${opts.only.join(", ") || `${opts.dir}/*.ipynb`}`);
    return 1;
  }
  const bin = await findNotebookServer(false, true);
  const setup = await ensureJupyter(root);
  const chromiumPath = await ensureChromium();
  if (!bin || !setup || !chromiumPath) {
    console.log("FAIL notebooks_live: needs jupyter-notebook, the Deno kernel and Chromium");
    return 1;
  }
  const t0 = performance.now();
  // The copy sits next to notebooks/ so that `../mod.ts` and `../data` resolve as for the user.
  const copyDir = await Deno.makeTempDir({ dir: root, prefix: ".nblive-" });
  let server: NotebookServer | undefined;
  let browser: Browser | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    cleaning ??= (async () => {
      await browser?.close().catch(() => undefined);
      await server?.stop().catch(() => undefined);
      await Deno.remove(copyDir, { recursive: true }).catch(() => undefined);
    })();
  const onSignal = () => cleanup().finally(() => Deno.exit(130));
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  let ok = 0, failed = 0;
  const times = new Map<string, number[]>();
  try {
    server = await startNotebookServer(bin, { notebookDir: copyDir, env: setup.env });
    browser = await chromium.launch({ executablePath: chromiumPath, args: [...CHROMIUM_ARGS] });
    console.log(
      `notebook server ${server.origin} (jupyter-notebook), ${names.length} notebooks × ` +
        `${opts.runs} runs`,
    );
    for (let run = 1; run <= opts.runs; run++) {
      for (const name of names) {
        const shot = screenshot && run === 1 && name === names[0] ? screenshot : undefined;
        const r = await runNotebook({
          browser,
          server,
          copyDir,
          sourceDir: `${root}/${opts.dir}`,
          referenceDir: `${root}/${opts.reference}`,
          timeoutS: opts.timeout,
          screenshot: shot,
        }, name);
        console.log(runLine(name, run, r.problems, r.detail));
        if (r.problems.length === 0) ok++;
        else failed++;
        times.set(name, [...(times.get(name) ?? []), r.seconds]);
      }
    }
  } catch (e) {
    console.log(
      `FAIL notebooks_live: ${String(e instanceof Error ? e.message : e).split("\n")[0]}`,
    );
    failed++;
  } finally {
    await cleanup();
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
  console.log(
    `live notebooks: ${ok} runs ok, ${failed} failed, ${
      ((performance.now() - t0) / 1000).toFixed(0)
    } s`,
  );
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
