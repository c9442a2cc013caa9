/**
 * A chart that redraws in place while a simulation runs in a live Jupyter kernel.
 *
 * In the Deno kernel, {@linkcode LiveChart.update} publishes the figure as a
 * `display_data` message with a `display_id` the first time, then as
 * `update_display_data` messages for that id (throttled), so the frontend redraws
 * one output in place. {@linkcode LiveChart.finish} replaces that transient output
 * with a one-line note and returns the final figure via {@linkcode show}: end the
 * cell with it (`return await live.finish(fig)` or `await live.finish(fig)` as the
 * last expression). Headless runs (nbconvert / nbclient) therefore keep exactly one
 * durable figure per live cell, the cell's result. plotly.js is sent before the first
 * frame when the kernel session has not sent it yet (see `plotly_loader.ts`). Outside a kernel every call is a cheap no-op and `finish` just returns
 * `show(figure)`.
 *
 * @module
 */
import {
  type EmbedMode,
  plotlyBundle,
  type PlotlyOutput,
  shipPlotlyFor,
  show,
  type ShowOptions,
} from "./display.ts";
import { inJupyterKernel, publishDisplay } from "./kernel.ts";
import type { Figure } from "./types.ts";

/** Options of {@linkcode LiveChart}. */
export interface LiveChartOptions {
  /** Display id (default: a fresh unique one). */
  displayId?: string;
  /** Minimum time between two published frames, ms (default 300). */
  minIntervalMs?: number;
  /** When plotly.js is sent to the page (see `show`). */
  embed?: EmbedMode;
}

/**
 * A live-updating chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LiveChart } from "./live.ts";
 * const live = new LiveChart();
 * const fig = { data: [{ type: "scatter", x: [0], y: [0] }], layout: {} };
 * assert.equal(live.live, false); // outside a Jupyter kernel
 * assert.equal(await live.update(fig), false); // so nothing is published
 * assert.equal(live.frames, 0);
 * const out = await live.finish(fig); // the final figure, for the cell's value
 * assert.equal(out.figure, fig);
 * ```
 */
export class LiveChart {
  /** The display id used for in-place updates. */
  readonly displayId: string;
  /** Number of frames published so far. */
  frames = 0;
  #minInterval: number;
  #last = -Infinity;
  #embed: EmbedMode;
  #live: boolean;

  /** Creates a live chart (nothing is shown before the first `update`). */
  constructor(opts: LiveChartOptions = {}) {
    this.displayId = opts.displayId ??
      `alpe-live-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
    this.#minInterval = opts.minIntervalMs ?? 300;
    this.#embed = opts.embed ?? "auto";
    this.#live = inJupyterKernel();
  }

  /** True inside a Jupyter kernel, where updates are published. */
  get live(): boolean {
    return this.#live;
  }

  /**
   * Publishes `figure` (first call: a new display; later calls: an in-place update),
   * at most once per `minIntervalMs` unless `force`. Returns whether a frame was sent.
   */
  async update(figure: Figure, force = false): Promise<boolean> {
    if (!this.#live) return false;
    const now = performance.now();
    if (!force && this.frames > 0 && now - this.#last < this.#minInterval) return false;
    this.#last = now;
    // Before the first frame: the library parts, as outputs of their own that stay.
    if (this.frames === 0) await shipPlotlyFor(this.#embed);
    await publishDisplay(plotlyBundle(figure), this.displayId, this.frames > 0);
    this.frames += 1;
    return true;
  }

  /**
   * Ends the live view: the transient output becomes a short note, and the final
   * figure is returned for display as the cell's result.
   */
  async finish(figure: Figure, opts: ShowOptions = {}): Promise<PlotlyOutput> {
    if (this.#live && this.frames > 0) {
      const note = `Live view finished after ${this.frames} frames; the final figure is below.`;
      await publishDisplay(
        { "text/plain": note, "text/html": `<p style="color:#666;font-size:12px">${note}</p>` },
        this.displayId,
        true,
      );
    }
    return show(figure, { embed: this.#embed, ...opts });
  }
}
