/**
 * Visualization: Plotly figure builders, offline display in the Deno Jupyter
 * kernel ({@linkcode show}, {@linkcode LiveChart}) and self-contained HTML reports
 * ({@linkcode htmlPage}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlPage, metricBarsFigure, show } from "./mod.ts";
 * const fig = metricBarsFigure([{ name: "AS", value: 1.2, lo: 0.9, hi: 1.5 }]);
 * assert.deepEqual(fig.data[0].y, [1.2]); // one bar, the 95 % interval as error bars
 * const out = show(fig); // renders as a chart when it is a notebook cell's value
 * assert.equal(out.figure, fig);
 * const html = htmlPage([fig], "Report"); // one offline document
 * assert.ok(html.includes('id="alpe-figure-1"'));
 * ```
 *
 * @module
 */
export * from "./types.ts";
export {
  type EmbedMode,
  escapeHtml,
  figureHtml,
  type FigureHtmlOptions,
  figureText,
  figureToJson,
  inJupyterKernel,
  JUPYTER_DISPLAY,
  loadPlotly,
  PLOTLY_MIME,
  type PlotlyBundle,
  plotlyBundle,
  plotlyEmbedded,
  type PlotlyOutput,
  publishDisplay,
  resetPlotlyEmbedding,
  resolveEmbedMode,
  scriptJson,
  shipPlotlyFor,
  show,
  type ShowOptions,
} from "./display.ts";
export { plotlyGzipBase64, plotlySource, plotlyVersion } from "./plotly_source.ts";
export {
  ensurePlotly,
  PAGE_RUNTIME_JS,
  PLOTLY_CHUNK_CHARS,
  type PlotlyPartBundle,
  plotlyPartBundles,
} from "./plotly_loader.ts";
export * from "./page.ts";
export * from "./live.ts";
export * from "./episode_figures.ts";
export * from "./stats_figures.ts";
export * from "./model_figures.ts";
export * from "./colors.ts";
export * from "./report_page.ts";
export * from "./compare_figures.ts";
export * from "./live_figures.ts";
export * from "./tape_figures.ts";
