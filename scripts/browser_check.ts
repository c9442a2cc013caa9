/**
 * Opens HTML exports in headless Chromium (Debian's /usr/bin/chromium, driven by
 * npm:playwright-core), fully offline, and checks that every Plotly figure drew
 * traces, that the console shows no errors and that no network request was made.
 * Saves a full-page screenshot next to each file (`<name>.png`).
 *
 * Usage: `deno run -A scripts/browser_check.ts [--expect N] FILE.html...`
 *
 * @module
 */
import { chromium } from "npm:playwright-core@1.65.1";

/** Chromium flags for a quiet, offline, sandbox-free headless run. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Result of checking one HTML file. */
export interface BrowserCheckResult {
  /** The file checked. */
  file: string;
  /** Plot containers found (`div.alpe-plot` or plotly's own `.plotly-graph-div`). */
  containers: number;
  /** Figures that plotly drew (`.js-plotly-plot` with at least one rendered trace). */
  rendered: number;
  /** Expected figure count, when given. */
  expected?: number;
  /** Console errors and page errors. */
  consoleErrors: string[];
  /** Requests to anything but file:, data:, blob: and about: URLs (all blocked). */
  networkRequests: string[];
  /** Screenshot path, if one was saved. */
  screenshot?: string;
  /** Whether the file passed. */
  ok: boolean;
  /** Seconds spent. */
  seconds: number;
}

/** Options of {@linkcode checkHtmlFiles}. */
export interface BrowserCheckOptions {
  /** Expected number of figures per file (by path). */
  expected?: Map<string, number>;
  /** Chromium executable (default: `CHROMIUM` env var, else /usr/bin/chromium). */
  executablePath?: string;
  /** Save screenshots (default true). */
  screenshots?: boolean;
  /** Per-file timeout for all figures to draw, ms (default 90 000). */
  timeoutMs?: number;
}

const LOCAL = /^(file|data|blob|about):/;

// Page-side scripts as strings (this module is type-checked without the DOM library).
const PLOTS = `Array.from(document.querySelectorAll(".alpe-plot, .plotly-graph-div"))`;
const PLOT_OF =
  `(b) => b.classList.contains("js-plotly-plot") ? b : b.querySelector(".js-plotly-plot")`;
/** True once every plot container holds a plotly graph div. */
const ALL_DRAWN_JS = `${PLOTS}.every((b) => !!(${PLOT_OF})(b))`;
/** Counts containers and plots with at least one drawn trace. */
const COUNT_JS = `(() => {
  const boxes = ${PLOTS};
  let rendered = 0;
  for (const b of boxes) {
    const plot = (${PLOT_OF})(b);
    if (!plot) continue;
    const drawn = plot.querySelectorAll(
      ".plot-container .trace, .plot-container .heatmaplayer image, .plot-container .hm image").length;
    if (drawn > 0) rendered++;
  }
  return { containers: boxes.length, rendered };
})()`;

/** Checks each HTML file; see {@linkcode BrowserCheckResult}. */
export async function checkHtmlFiles(
  files: readonly string[],
  opts: BrowserCheckOptions = {},
): Promise<BrowserCheckResult[]> {
  const executablePath = opts.executablePath ?? Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  const results: BrowserCheckResult[] = [];
  try {
    for (const file of files) {
      const t0 = performance.now();
      const abs = await Deno.realPath(file);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      const networkRequests: string[] = [];
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (LOCAL.test(url)) return route.continue();
        networkRequests.push(url);
        return route.abort();
      });
      page.on("console", (m) => {
        if (m.type() === "error") consoleErrors.push(m.text().slice(0, 300));
      });
      page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${String(e).slice(0, 300)}`));
      page.on("requestfailed", (r) => {
        if (LOCAL.test(r.url())) consoleErrors.push(`request failed: ${r.url().slice(0, 200)}`);
      });
      await page.goto("file://" + abs, { waitUntil: "load", timeout: opts.timeoutMs ?? 90_000 });
      // Wait until every container holds a drawn plot (or the deadline passes).
      await page.waitForFunction(ALL_DRAWN_JS, undefined, { timeout: opts.timeoutMs ?? 90_000 })
        .catch(() => undefined);
      await page.waitForTimeout(500);
      const counts = await page.evaluate(COUNT_JS) as { containers: number; rendered: number };
      let screenshot: string | undefined;
      if (opts.screenshots ?? true) {
        screenshot = abs.replace(/\.html?$/i, "") + ".png";
        try {
          await page.screenshot({ path: screenshot, fullPage: true, timeout: 60_000 });
        } catch {
          await page.screenshot({ path: screenshot, timeout: 60_000 });
        }
      }
      await context.close();
      const expected = opts.expected?.get(file);
      const ok = consoleErrors.length === 0 && networkRequests.length === 0 &&
        counts.rendered === counts.containers &&
        (expected === undefined || expected === counts.rendered);
      results.push({
        file,
        ...counts,
        expected,
        consoleErrors,
        networkRequests,
        screenshot,
        ok,
        seconds: (performance.now() - t0) / 1000,
      });
    }
  } finally {
    await browser.close();
  }
  return results;
}

/** One human-readable line per result. */
export function formatResult(r: BrowserCheckResult): string {
  const exp = r.expected === undefined ? "" : ` (expected ${r.expected})`;
  const extra = [
    ...r.consoleErrors.map((e) => `\n    console: ${e}`),
    ...r.networkRequests.map((u) => `\n    network: ${u}`),
  ].join("");
  return `${
    r.ok ? "ok  " : "FAIL"
  } ${r.file}: ${r.rendered}/${r.containers} figures rendered${exp}, ` +
    `${r.consoleErrors.length} console errors, ${r.networkRequests.length} network requests, ` +
    `${r.seconds.toFixed(1)} s${extra}`;
}

if (import.meta.main) {
  const files: string[] = [];
  let expect: number | undefined;
  for (let i = 0; i < Deno.args.length; i++) {
    const a = Deno.args[i];
    if (a === "--expect") expect = Number(Deno.args[++i]);
    else files.push(a);
  }
  if (files.length === 0) {
    console.error("usage: deno run -A scripts/browser_check.ts [--expect N] FILE.html...");
    Deno.exit(2);
  }
  const expected = expect === undefined ? undefined : new Map(files.map((f) => [f, expect]));
  const results = await checkHtmlFiles(files, { expected });
  for (const r of results) console.log(formatResult(r));
  Deno.exit(results.every((r) => r.ok) ? 0 : 1);
}
