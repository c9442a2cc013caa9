/**
 * Displaying Plotly figures in Jupyter (Deno kernel) with no network access.
 *
 * {@linkcode show} returns an object that the Deno kernel renders through the
 * `Symbol.for("Jupyter.display")` protocol as ONE small MIME bundle (the figure's data,
 * no library):
 *
 * - `application/vnd.plotly.v1+json`: `{ data, layout, config }`, drawn by frontends
 *   that ship a Plotly renderer (JupyterLab with the plotly extension, VS Code's
 *   notebook renderers, nteract). They ignore the HTML part.
 * - `text/html`: a `<div>` plus a small script that draws the figure with
 *   `window.Plotly` as soon as it exists. Used by classic Notebook, JupyterLab without
 *   the extension (outputs of executed notebooks are trusted, so scripts run) and by
 *   `jupyter nbconvert --to html` exports.
 * - `text/plain`: a one-line description (terminals, untrusted fallbacks).
 *
 * Where plotly.js comes from (no CDN, ever): `plotly_loader.ts`. The library travels
 * once, as a few outputs of under 1 MB each ({@linkcode loadPlotly}, called in the first
 * cell of every notebook, or else before the first figure of a kernel session); figure
 * scripts wait for it. `{ embed: "always" }` (or `ALPE_PLOTLY_EMBED=always` in the
 * kernel's environment) sends the parts before every figure (robust where outputs are
 * isolated from each other, but 1.95 MB per figure); `"never"` relies on a Plotly
 * renderer or a page that already has `window.Plotly`.
 *
 * Nothing here touches `Deno.jupyter`: the kernel calls the display method itself, and
 * only `kernel.ts` publishes, after checking that we run inside `deno jupyter`.
 *
 * @module
 */
import { inJupyterKernel, publishDisplay } from "./kernel.ts";
import {
  ensurePlotly,
  loadPlotly,
  PAGE_RUNTIME_JS,
  plotlyEmbedded,
  resetPlotlyEmbedding,
} from "./plotly_loader.ts";
import { plotlySource } from "./plotly_source.ts";
import type { Figure, PlotConfig } from "./types.ts";

export { inJupyterKernel, loadPlotly, plotlyEmbedded, publishDisplay, resetPlotlyEmbedding };

/** The symbol of the Deno kernel's display protocol. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** The MIME type of Plotly figures. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** How plotly.js is embedded into a figure's html part. */
export type EmbedMode = "auto" | "once" | "always" | "never";

/** Options of {@linkcode show} and {@linkcode figureHtml}. */
export interface ShowOptions {
  /**
   * "auto" (default): `ALPE_PLOTLY_EMBED` if set, else "once". "once": plotly.js is
   * sent before this figure when no copy was sent yet in the kernel session. "always":
   * sent before every figure. "never": not sent.
   */
  embed?: EmbedMode;
  /** Height of the plot in px (default: `layout.height`, else 420). */
  height?: number;
}

/** A Jupyter MIME bundle as produced by {@linkcode show}. */
export interface PlotlyBundle {
  /** The figure as JSON. */
  [PLOTLY_MIME]: { data: unknown[]; layout: Record<string, unknown>; config: PlotConfig };
  /** Self-contained html drawing the figure. */
  "text/html": string;
  /** One-line description. */
  "text/plain": string;
  /** Index signature of MIME bundles. */
  [mime: string]: unknown;
}

/** What {@linkcode show} returns: the Deno kernel displays it as a Plotly figure. */
export interface PlotlyOutput {
  /** The figure shown. */
  readonly figure: Figure;
  /**
   * Builds the MIME bundle; called (and awaited) by the kernel once per display. In a
   * kernel it first sends plotly.js when the embed mode asks for it.
   */
  [JUPYTER_DISPLAY](): Promise<PlotlyBundle>;
}

const DEFAULT_CONFIG: PlotConfig = { responsive: true, displaylogo: false };

let counter = 0;

function envEmbedMode(): Exclude<EmbedMode, "auto"> | undefined {
  try {
    const v = Deno.env.get("ALPE_PLOTLY_EMBED");
    if (v === "once" || v === "always" || v === "never") return v;
  } catch {
    // no env permission: use the default
  }
  return undefined;
}

/** Resolves "auto" to a concrete mode. */
export function resolveEmbedMode(mode: EmbedMode = "auto"): Exclude<EmbedMode, "auto"> {
  if (mode !== "auto") return mode;
  return envEmbedMode() ?? "once";
}

function plainValue(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, (v) => Number.isFinite(v) ? v : null);
  }
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return value;
}

/**
 * The figure as plain JSON data: typed arrays become arrays, NaN and ±Infinity
 * become `null` (a gap in Plotly), and the default config is merged in.
 */
export function figureToJson(
  figure: Figure,
): { data: unknown[]; layout: Record<string, unknown>; config: PlotConfig } {
  const plain = JSON.parse(JSON.stringify(
    { data: figure.data, layout: figure.layout, config: { ...DEFAULT_CONFIG, ...figure.config } },
    plainValue,
  ));
  return plain;
}

/** JSON text that is safe inside an HTML `<script>` element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, plainValue)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** The figure's title text, if any. */
export function figureTitle(figure: Figure): string {
  return figure.layout.title?.text ?? "";
}

/** A `<script>` element holding plotly.js (defines `window.Plotly`). */
export function plotlyScriptTag(): string {
  return `<script type="text/javascript">/* plotly.js (npm:plotly.js-dist-min), inlined for offline use */\n${plotlySource()}\n</script>`;
}

function nextId(): string {
  counter += 1;
  const rnd = Math.floor(Math.random() * 0x7fffffff).toString(36);
  return `alpe-plot-${rnd}-${counter}`;
}

/** Options of {@linkcode figureHtml}. */
export interface FigureHtmlOptions {
  /** Put plotly.js inline before the drawing script. */
  includeLibrary: boolean;
  /** Height of the plot in px. */
  height?: number;
  /** Element id (default: a fresh unique id). */
  id?: string;
}

/**
 * The html fragment drawing `figure`: a `div.alpe-plot`, optionally plotly.js inline (for
 * standalone pages), and a script that draws with `window.Plotly` once both the div is
 * in the document (front ends may run output scripts before attaching the output) and
 * the library is there (`window.__alpePlotly.ready`, see `plotly_loader.ts`). When the
 * library has not arrived after 20 s the div says how to load it, and the figure is still
 * drawn if it arrives later.
 */
export function figureHtml(figure: Figure, opts: FigureHtmlOptions): string {
  const id = opts.id ?? nextId();
  const height = opts.height ?? figure.layout.height ?? 420;
  const json = scriptJson(figureToJson(figure));
  const title = escapeHtml(figureTitle(figure) || "Plotly figure");
  const lib = opts.includeLibrary ? plotlyScriptTag() + "\n" : "";
  return `<div class="alpe-plot" id="${id}" style="width:100%;min-height:${height}px;">` +
    `<span class="alpe-plot-fallback" style="font:13px sans-serif;color:#888">` +
    `${title} (Plotly; drawn by script)</span></div>\n${lib}` +
    `<script type="text/javascript">
(function () {
  ${PAGE_RUNTIME_JS}
  var id = ${JSON.stringify(id)};
  var fig = ${json};
  var tries = 0;
  function find() {
    var el = document.getElementById(id);
    if (!el) { if (++tries < 400) setTimeout(find, 50); return; }
    var hint = setTimeout(function () {
      if (window.Plotly) return;
      var fb = el.querySelector(".alpe-plot-fallback");
      if (fb) fb.innerHTML = "plotly.js is not loaded on this page yet: run <code>await loadPlotly()</code> " +
        "in a cell (the notebooks do it in their first cell), or re-run the notebook.";
    }, 20000);
    g.ready(function () {
      clearTimeout(hint);
      if (!window.Plotly) return;
      var fb = el.querySelector(".alpe-plot-fallback");
      if (fb) fb.remove();
      window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);
    });
  }
  find();
})();
</script>`;
}

/** A short text/plain description of `figure`. */
export function figureText(figure: Figure): string {
  const title = figureTitle(figure);
  const kinds = [...new Set(figure.data.map((t) => t.type))].join(", ");
  return `Plotly figure${title ? `: ${title}` : ""} (${figure.data.length} traces: ${
    kinds || "none"
  })`;
}

/**
 * Builds the MIME bundle of `figure` (the figure's JSON, html drawing it with the page's
 * plotly.js, and a text line). It never carries the library: see {@linkcode show}.
 */
export function plotlyBundle(figure: Figure, opts: ShowOptions = {}): PlotlyBundle {
  return {
    [PLOTLY_MIME]: figureToJson(figure),
    "text/html": figureHtml(figure, { includeLibrary: false, height: opts.height }),
    "text/plain": figureText(figure),
  };
}

/**
 * Sends plotly.js to the page, before a figure, when `mode` asks for it: "always", or
 * "once" when no copy was sent yet in this kernel session. Outside a kernel: nothing.
 */
export async function shipPlotlyFor(mode: EmbedMode = "auto"): Promise<boolean> {
  const m = resolveEmbedMode(mode);
  if (m === "never") return false;
  return await ensurePlotly(m === "always");
}

/**
 * Wraps `figure` for display: the value of a notebook cell's last expression (or
 * `await Deno.jupyter.display(show(fig))`) renders as an interactive Plotly chart.
 * Outside a kernel it is an inert object (`.figure` holds the figure).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JUPYTER_DISPLAY, PLOTLY_MIME, show } from "./display.ts";
 * const out = show({
 *   data: [{ type: "scatter", x: [1, 2, 3], y: [2, 1, 3] }],
 *   layout: { title: { text: "demo" } },
 * });
 * assert.equal(out.figure.data.length, 1);
 * const bundle = await out[JUPYTER_DISPLAY](); // what the kernel renders
 * assert.deepEqual(bundle[PLOTLY_MIME].data, out.figure.data);
 * assert.equal(bundle["text/plain"], "Plotly figure: demo (1 traces: scatter)");
 * ```
 */
export function show(figure: Figure, opts: ShowOptions = {}): PlotlyOutput {
  return {
    figure,
    [JUPYTER_DISPLAY]: async () => {
      await shipPlotlyFor(opts.embed);
      return plotlyBundle(figure, opts);
    },
  };
}
