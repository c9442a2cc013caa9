/**
 * Getting plotly.js into a notebook page with no network access and no large message.
 *
 * A Jupyter output larger than a few MB is fragile: with the 11 MB unminified library in
 * one `display_data`, Jupyter servers (two IOPub subscribers) reject the message with
 * `Invalid Signature` and stop forwarding the kernel's output (see
 * `docs/jupyter_iopub_repro.md`). So the library travels as the minified build,
 * gzip-compressed and base64-encoded (about 1.95 MB), split into a few `display_data`
 * outputs of under {@linkcode PLOTLY_CHUNK_CHARS} characters each. Every part is a
 * `<script>` that stores its piece in `window.__alpePlotly`; the one that completes the
 * set decodes it (`atob`, `DecompressionStream("gzip")`) and evaluates it, which defines
 * `window.Plotly`, then draws every figure that was waiting. Figures queue themselves
 * until then ({@linkcode PAGE_RUNTIME_JS}), so the parts may arrive before or after them.
 *
 * When the parts are sent: {@linkcode loadPlotly} sends them every time it runs (the
 * notebooks call it in their first cell, so Run All, re-runs and saved notebooks always
 * hold exactly one copy), and a figure sends them first when no copy was sent yet in this
 * kernel session ({@linkcode ensurePlotly}).
 *
 * @module
 */
import { inJupyterKernel, publishDisplay } from "./kernel.ts";
import { plotlyGzipBase64, plotlyVersion } from "./plotly_source.ts";

/** Largest number of characters of library data in one output (about 0.7 MB). */
export const PLOTLY_CHUNK_CHARS = 700_000;

/** The MIME bundle of one part of the library. */
export interface PlotlyPartBundle {
  /** A `<script>` storing the part (and assembling the library once all parts are there). */
  "text/html": string;
  /** "plotly.js 3.7.0 for offline figures (part i of n)". */
  "text/plain": string;
  /** Index signature of MIME bundles. */
  [mime: string]: unknown;
}

/**
 * Page-side runtime shared by figure and library scripts (ES5, no dependency): makes
 * `g = window.__alpePlotly` with `g.ready(fn)` (call `fn` once `window.Plotly` exists)
 * and `g.flush()` (run the waiting callbacks).
 */
export const PAGE_RUNTIME_JS =
  `var g = window.__alpePlotly || (window.__alpePlotly = { builds: {}, queue: [] });
  g.ready = g.ready || function (fn) { if (window.Plotly) fn(); else g.queue.push(fn); };
  g.flush = g.flush || function () {
    var q = g.queue.splice(0);
    for (var j = 0; j < q.length; j++) { try { q[j](); } catch (e) { console.error(e); } }
  };`;

/** The part-storing and assembling function; called as `(key, i, n, data)`. */
const PART_JS = `function (key, i, n, data) {
  ${PAGE_RUNTIME_JS}
  if (window.Plotly) { g.flush(); return; }
  var b = g.builds[key] || (g.builds[key] = { parts: [], got: 0, started: false });
  if (b.parts[i] === undefined) { b.parts[i] = data; b.got++; }
  if (b.got < n || b.started) return;
  b.started = true;
  if (typeof DecompressionStream === "undefined") {
    g.failed = "this browser has no DecompressionStream"; g.flush(); return;
  }
  var bin = atob(b.parts.join("")), bytes = new Uint8Array(bin.length);
  b.parts = [];
  for (var j = 0; j < bin.length; j++) bytes[j] = bin.charCodeAt(j);
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text()
    .then(function (src) {
      // Shadow AMD/CommonJS globals (classic Notebook has require.js): the bundle sets window.Plotly.
      if (!window.Plotly) (new Function("define", "module", "exports", src)).call(window);
      g.flush();
    }, function (e) {
      g.failed = String(e); b.started = false;
      console.error("plotly.js could not be unpacked: " + e);
      g.flush();
    });
}`;

/** Identifies this build of the library on the page (version and size). */
function buildKey(data: string): string {
  return `plotly-${plotlyVersion()}-${data.length}`;
}

/**
 * The library as MIME bundles, each under `chunkChars` characters of data (default
 * {@linkcode PLOTLY_CHUNK_CHARS}); parts are of near-equal size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plotlyPartBundles } from "./plotly_loader.ts";
 * const parts = plotlyPartBundles();
 * assert.equal(parts.length, 3); // about 1.95 MB in parts of at most 0.7 MB
 * for (const p of parts) assert.ok(p["text/html"].length < 1_000_000);
 * assert.match(parts[0]["text/plain"], /^plotly\.js 3\.\d+\.\d+ for offline figures \(part 1 of 3\)$/);
 * ```
 */
export function plotlyPartBundles(chunkChars: number = PLOTLY_CHUNK_CHARS): PlotlyPartBundle[] {
  const data = plotlyGzipBase64();
  const n = Math.max(1, Math.ceil(data.length / chunkChars));
  const size = Math.ceil(data.length / n);
  const key = JSON.stringify(buildKey(data));
  const version = plotlyVersion();
  return Array.from({ length: n }, (_, i) => ({
    "text/html": `<script type="text/javascript">(${PART_JS})(${key}, ${i}, ${n}, "${
      data.slice(i * size, (i + 1) * size)
    }");</script>`,
    "text/plain": `plotly.js ${version} for offline figures (part ${i + 1} of ${n})`,
  }));
}

let shipped = false;

/** Whether this kernel session has sent plotly.js to the page. */
export function plotlyEmbedded(): boolean {
  return shipped;
}

/**
 * Forgets that plotly.js was sent in this kernel session, so that the next figure sends
 * it again (use after clearing the output that carried it; {@linkcode loadPlotly} is the
 * simpler way).
 */
export function resetPlotlyEmbedding(): void {
  shipped = false;
}

/**
 * Sends plotly.js to the page as a few `display_data` outputs when `force` is set or no
 * copy was sent yet in this kernel session. Returns whether parts were published (never
 * outside a kernel, where nothing happens).
 */
export async function ensurePlotly(force = false): Promise<boolean> {
  if (!inJupyterKernel() || (shipped && !force)) return false;
  for (const part of plotlyPartBundles()) await publishDisplay(part, undefined, false);
  shipped = true;
  return true;
}

/**
 * Puts plotly.js on the notebook page, offline, as this cell's outputs (three small parts,
 * about 1.95 MB in all), whether or not an earlier cell did. Call it in a notebook's first
 * cell (`await loadPlotly();`): Run All then ships the library exactly once, a re-run of
 * that cell ships it again, and a saved notebook carries one copy that draws every figure
 * when it is reopened. Without it, the first figure of a kernel session carries the parts.
 * Outside a Jupyter kernel it does nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPlotly, plotlyEmbedded } from "./plotly_loader.ts";
 * await loadPlotly(); // a no-op outside a notebook
 * assert.equal(plotlyEmbedded(), false);
 * ```
 */
export async function loadPlotly(): Promise<void> {
  await ensurePlotly(true);
}
