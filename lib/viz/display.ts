/**
 * Displaying Plotly figures in Jupyter (Deno kernel) with no network access.
 *
 * {@linkcode show} returns an object that the Deno kernel renders through the
 * `Symbol.for("Jupyter.display")` protocol as ONE MIME bundle:
 *
 * - `application/vnd.plotly.v1+json`: `{ data, layout, config }`, drawn by frontends
 *   that ship a Plotly renderer (JupyterLab with the plotly extension, VS Code's
 *   notebook renderers, nteract). They ignore the HTML part.
 * - `text/html`: a `<div>` plus a small script that draws the figure with
 *   `window.Plotly`. Used by classic Notebook, JupyterLab without the extension
 *   (outputs of executed notebooks are trusted, so scripts run) and by
 *   `jupyter nbconvert --to html` exports.
 * - `text/plain`: a one-line description (terminals, untrusted fallbacks).
 *
 * Where plotly.js comes from (no CDN, ever): the html part of the first figure a
 * kernel session displays carries the whole library (~11 MB) inline, in a
 * `<script>` placed before the drawing script; later figures reuse `window.Plotly`,
 * and when it is not there yet they wait for it (up to 15 s) and then print a
 * visible hint instead of failing silently. This works wherever outputs share one
 * page: live classic Notebook and JupyterLab, reopened trusted notebooks (outputs
 * are rendered in document order) and nbconvert HTML exports (scripts run in
 * document order). It does not work where every output is isolated in its own
 * iframe and no Plotly renderer exists, or when the output carrying the library
 * was cleared: set `ALPE_PLOTLY_EMBED=always` in the kernel's environment, or
 * pass `{ embed: "always" }`, to inline the library in every output (robust, but
 * 11 MB per figure), or call {@linkcode resetPlotlyEmbedding} so that the next
 * figure carries it again. `embed: "never"` relies on a Plotly renderer or on a
 * page that already has `window.Plotly`.
 *
 * Nothing here touches `Deno.jupyter`: the kernel calls the display method itself.
 * Only {@linkcode publishDisplay} does, and only after {@linkcode inJupyterKernel}
 * has said that we run inside `deno jupyter`.
 *
 * @module
 */
import { plotlySource } from "./plotly_source.ts";
import type { Figure, PlotConfig } from "./types.ts";

/** The symbol of the Deno kernel's display protocol. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** The MIME type of Plotly figures. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** How plotly.js is embedded into a figure's html part. */
export type EmbedMode = "auto" | "once" | "always" | "never";

/** Options of {@linkcode show} and {@linkcode figureHtml}. */
export interface ShowOptions {
  /**
   * "auto" (default): `ALPE_PLOTLY_EMBED` if set, else "once". "once": the first
   * displayed figure of the kernel session carries plotly.js. "always": every
   * figure does. "never": none does.
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
  /** Builds the MIME bundle; called by the kernel (once per display). */
  [JUPYTER_DISPLAY](): PlotlyBundle;
}

const DEFAULT_CONFIG: PlotConfig = { responsive: true, displaylogo: false };

let libraryShipped = false;
let counter = 0;

/**
 * Forgets that plotly.js was already shipped in this kernel session, so that the
 * next figure displayed carries it again (use after clearing outputs).
 */
export function resetPlotlyEmbedding(): void {
  libraryShipped = false;
}

/** Whether plotly.js has been shipped in an output of this session. */
export function plotlyEmbedded(): boolean {
  return libraryShipped;
}

/**
 * True when running inside the Deno Jupyter kernel (`deno jupyter --kernel`).
 * Decided from `Deno.mainModule` (the kernel's REPL module) without reading
 * `Deno.jupyter`, whose getter throws outside the kernel.
 */
export function inJupyterKernel(): boolean {
  try {
    return /\$deno\$jupyter_repl\.m?ts$/.test(Deno.mainModule);
  } catch {
    return false;
  }
}

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
  return `<script type="text/javascript">/* plotly.js (npm:plotly.js-dist), inlined for offline use */\n${plotlySource()}\n</script>`;
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
 * The html fragment drawing `figure`: a `div.alpe-plot`, optionally plotly.js, and
 * a script that draws with `window.Plotly` as soon as it exists (polling for up to
 * 15 s, then showing a hint in the div).
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
  var id = ${JSON.stringify(id)};
  var fig = ${json};
  var tries = 0;
  function draw() {
    var el = document.getElementById(id);
    if (!el) return;
    if (!window.Plotly) {
      if (++tries < 150) { setTimeout(draw, 100); return; }
      el.innerHTML = '<em style="font:13px sans-serif;color:#a00">plotly.js is not loaded in this output; ' +
        're-run with show(fig, { embed: "always" }) or set ALPE_PLOTLY_EMBED=always</em>';
      return;
    }
    var fb = el.querySelector(".alpe-plot-fallback");
    if (fb) fb.remove();
    window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);
  }
  draw();
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
 * Builds the MIME bundle of `figure`. `durable` outputs (the default) mark
 * plotly.js as shipped when they carry it; a transient live view passes false so
 * that the final, durable figure carries the library again.
 */
export function plotlyBundle(
  figure: Figure,
  opts: ShowOptions = {},
  durable = true,
): PlotlyBundle {
  const mode = resolveEmbedMode(opts.embed);
  const includeLibrary = mode === "always" || (mode === "once" && !libraryShipped);
  if (includeLibrary && mode === "once" && durable) libraryShipped = true;
  return {
    [PLOTLY_MIME]: figureToJson(figure),
    "text/html": figureHtml(figure, { includeLibrary, height: opts.height }),
    "text/plain": figureText(figure),
  };
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
 * const bundle = out[JUPYTER_DISPLAY](); // what the kernel renders
 * assert.deepEqual(bundle[PLOTLY_MIME].data, out.figure.data);
 * assert.equal(bundle["text/plain"], "Plotly figure: demo (1 traces: scatter)");
 * ```
 */
export function show(figure: Figure, opts: ShowOptions = {}): PlotlyOutput {
  return {
    figure,
    [JUPYTER_DISPLAY]: () => plotlyBundle(figure, opts),
  };
}

/**
 * Publishes a MIME bundle on the kernel's IOPub channel, as a new display
 * (`update: false`) or as an update of the display with `displayId`. Returns false,
 * without touching `Deno.jupyter`, outside a kernel.
 */
export async function publishDisplay(
  bundle: Record<string, unknown>,
  displayId: string,
  update: boolean,
): Promise<boolean> {
  if (!inJupyterKernel()) return false;
  await Deno.jupyter.broadcast(update ? "update_display_data" : "display_data", {
    data: bundle,
    metadata: {},
    transient: { display_id: displayId },
  });
  return true;
}
