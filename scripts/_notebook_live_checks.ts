/**
 * The checks of the live notebook test (scripts/notebooks_live.ts), as pure functions of
 * what the page showed: every code cell executed, every figure output drawn, no error
 * output, outputs matching the headless run, the live chart updated in place, no console
 * error and no request outside the server. Kept apart from the browser so that they can be
 * tested on plain data.
 *
 * @module
 */

/** The MIME type of Plotly figures. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** One output of a cell, as the page's notebook model holds it. */
export interface LiveOutput {
  /** `stream`, `display_data`, `execute_result` or `error`. */
  type: string;
  /** MIME types of its data (empty for streams and errors). */
  mimes: string[];
  /** Error name (errors only). */
  ename?: string;
  /** Error value (errors only). */
  evalue?: string;
}

/** One code cell as the page shows it after Run All. */
export interface LiveCell {
  /** Index among the notebook's code cells (0-based). */
  index: number;
  /** The input prompt: a number once executed, `"*"` while queued or running, else null. */
  prompt: number | string | null;
  /** The cell's outputs (the page's model). */
  outputs: LiveOutput[];
  /** Plotly graph divs (`.js-plotly-plot`) in the cell's output area. */
  plots: number;
  /** Of those, the ones with at least one drawn trace. */
  drawn: number;
}

/** What the page showed once the run ended. */
export interface LiveSnapshot {
  /** The code cells, in order. */
  cells: LiveCell[];
  /** Class of the kernel indicator icon (`kernel_idle_icon` when idle). */
  indicator: string;
}

/** One sample of a live-chart cell taken while the notebook ran. */
export interface LiveSample {
  /** The cell's input prompt at that moment (`"*"`: queued or running). */
  prompt: number | string | null;
  /** Figure outputs in the cell's model. */
  figures: number;
  /** Plotly graph divs in the cell's output area. */
  plots: number;
  /** Titles of the drawn plots in the cell. */
  titles: string[];
}

/** What a code cell of the headless (nbclient) run produced, to compare with. */
export interface ReferenceCell {
  /** Figure outputs. */
  figures: number;
  /** Output kinds other than streams, in order (e.g. `execute_result`, `display_data`). */
  kinds: string[];
}

/** An output of an nbformat notebook (the fields read here). */
export interface NbOutput {
  /** nbformat output type. */
  output_type: string;
  /** MIME bundle (display_data, execute_result). */
  data?: Record<string, unknown>;
}

/** Whether an output carries a Plotly figure. */
export function isFigure(o: { mimes: string[] } | NbOutput): boolean {
  return "mimes" in o
    ? o.mimes.includes(PLOTLY_MIME)
    : o.data !== undefined && PLOTLY_MIME in o.data;
}

/**
 * The reference of every code cell of an executed nbformat notebook; undefined when the
 * headless run itself failed (an error output), which is no reference.
 */
export function referenceCells(
  nb: { cells: { cell_type: string; outputs?: NbOutput[] }[] },
): ReferenceCell[] | undefined {
  const code = nb.cells.filter((c) => c.cell_type === "code");
  if (code.some((c) => (c.outputs ?? []).some((o) => o.output_type === "error"))) return undefined;
  return code.map((c) => {
    const outs = c.outputs ?? [];
    return {
      figures: outs.filter((o) => isFigure(o)).length,
      kinds: outs.filter((o) => o.output_type !== "stream").map((o) => o.output_type),
    };
  });
}

/**
 * Problems of a finished run, one short phrase each (empty: the run passed these checks):
 * cells without an execution count, error outputs, figure outputs that were not drawn,
 * and the kernel indicator not idle.
 */
export function snapshotProblems(s: LiveSnapshot): string[] {
  const problems: string[] = [];
  const notRun = s.cells.filter((c) => typeof c.prompt !== "number").map((c) => c.index);
  if (notRun.length) {
    problems.push(`${notRun.length} code cells without an execution count (cells ${list(notRun)})`);
  }
  for (const c of s.cells) {
    for (const o of c.outputs) {
      if (o.type === "error") {
        problems.push(`cell ${c.index}: error output ${o.ename}: ${oneLine(o.evalue ?? "")}`);
      }
    }
    const figures = c.outputs.filter((o) => isFigure(o)).length;
    if (c.drawn !== figures || c.plots !== figures) {
      problems.push(
        `cell ${c.index}: ${c.drawn} of ${figures} figure outputs drawn` +
          (c.plots !== c.drawn ? ` (${c.plots} plot divs)` : ""),
      );
    }
  }
  if (!s.indicator.includes("kernel_idle")) {
    problems.push(`kernel indicator not idle (${s.indicator || "none"})`);
  }
  return problems;
}

/** What {@linkcode compareWithReference} found. */
export interface ReferenceComparison {
  /** Figures or outputs of the notebook that differ (lost or extra outputs). */
  problems: string[];
  /**
   * Cells whose outputs differ while the notebook as a whole has the same ones: outputs
   * shown under a neighbouring cell (the front end sends every cell's request at once, and
   * the Deno kernel may publish a cell's last outputs under the next request).
   */
  notes: string[];
}

/**
 * Compares a run with the headless (nbclient) run of the same notebook: the figures and
 * the non-stream outputs (by kind) of the whole notebook must match; outputs that are
 * all there but under a neighbouring cell are reported as notes.
 */
export function compareWithReference(
  s: LiveSnapshot,
  reference: readonly ReferenceCell[],
): ReferenceComparison {
  const problems: string[] = [];
  const notes: string[] = [];
  if (reference.length !== s.cells.length) {
    problems.push(`${s.cells.length} code cells, the headless run has ${reference.length}`);
    return { problems, notes };
  }
  const kindsOf = (c: LiveCell) => c.outputs.filter((o) => o.type !== "stream").map((o) => o.type);
  const figuresOf = (c: LiveCell) => c.outputs.filter((o) => isFigure(o)).length;
  const figureDiffs: string[] = [];
  const figureCells: number[] = [];
  const moved: number[] = [];
  for (const c of s.cells) {
    const ref = reference[c.index];
    if (figuresOf(c) !== ref.figures) {
      figureCells.push(c.index);
      figureDiffs.push(
        `cell ${c.index}: ${figuresOf(c)} figure outputs, the headless run has ${ref.figures}`,
      );
    } else if (kindsOf(c).join() !== ref.kinds.join()) moved.push(c.index);
  }
  const liveFigures = s.cells.reduce((n, c) => n + figuresOf(c), 0);
  const refFigures = reference.reduce((n, r) => n + r.figures, 0);
  if (figureDiffs.length && liveFigures !== refFigures) problems.push(...figureDiffs);
  else if (figureDiffs.length) {
    notes.push(`figures of cells ${list(figureCells)} shown under a neighbouring cell`);
  }
  const count = (kinds: string[]) =>
    [...new Set(kinds)].sort().map((k) => `${kinds.filter((x) => x === k).length} ${k}`)
      .join(", ");
  const live = count(s.cells.flatMap(kindsOf));
  const ref = count(reference.flatMap((r) => r.kinds));
  if (live !== ref) {
    const cells = [...new Set([...figureCells, ...moved])].sort((a, b) => a - b);
    problems.push(
      `outputs differ from the headless run in cells ${list(cells)} (notebook: ${live}; ` +
        `headless: ${ref})`,
    );
  } else if (moved.length) {
    notes.push(`outputs of cells ${list(moved)} shown under a neighbouring cell`);
  }
  return { problems, notes };
}

/** What {@linkcode liveChartProblems} found. */
export interface LiveChartReport {
  /** Distinct titles drawn while the cell ran. */
  titles: string[];
  /** Problems, one phrase each (empty: the chart updated in place). */
  problems: string[];
}

/**
 * Checks a live-chart cell from samples taken during the run: while it ran, the chart
 * was drawn with at least `minTitles` different titles, and at no time did the cell
 * hold more than one figure (updates replace the output instead of adding new ones).
 */
export function liveChartProblems(
  cell: number,
  samples: readonly LiveSample[],
  minTitles = 3,
): LiveChartReport {
  const titles: string[] = [];
  let maxFigures = 0, maxPlots = 0;
  for (const s of samples) {
    maxFigures = Math.max(maxFigures, s.figures);
    maxPlots = Math.max(maxPlots, s.plots);
    if (s.prompt !== "*") continue;
    for (const t of s.titles) if (t && !titles.includes(t)) titles.push(t);
  }
  const problems: string[] = [];
  if (titles.length < minTitles) {
    problems.push(
      `cell ${cell}: live chart drew ${titles.length} distinct titles while running ` +
        `(expected at least ${minTitles}, ${samples.length} samples)`,
    );
  }
  if (maxFigures > 1 || maxPlots > 1) {
    problems.push(
      `cell ${cell}: live chart not updated in place (up to ${Math.max(maxFigures, maxPlots)} ` +
        `figures in the cell)`,
    );
  }
  return { titles, problems };
}

/**
 * Whether a console error is known noise of Debian's Notebook 6.4 page rather than of the
 * notebooks, with any kernel: the page always tries to load ipywidgets' nbextension, which
 * Debian does not ship (a 404 and a refused script); and MathJax, typesetting the math of
 * markdown cells, probes web-font loading with an `about:blank` font (a CORS error and a
 * failed load). `url` is the console message's location.
 */
export function isKnownConsoleNoise(text: string, url = ""): boolean {
  const widgets = "/nbextensions/widgets/notebook/js/extension.js";
  if (url.includes(widgets)) return true;
  if (text.startsWith("Refused to execute script") && text.includes(widgets)) return true;
  if (text.startsWith("Access to font at 'about:blank'")) return true;
  return url === "about:blank" && text === "Failed to load resource: net::ERR_FAILED";
}

/** Whether `url` stays on `origin` (same scheme, host and port) or is local to the page. */
export function isLocalRequest(url: string, origin: string): boolean {
  if (/^(data|blob|about):/.test(url)) return true;
  try {
    const u = new URL(url);
    const o = new URL(origin);
    const wsScheme = o.protocol === "https:" ? "wss:" : "ws:";
    return (u.protocol === o.protocol || u.protocol === wsScheme) && u.host === o.host;
  } catch {
    return false;
  }
}

/** Server log lines that explain a lost connection (e.g. the IOPub `Invalid Signature`). */
export function serverLogProblems(lines: readonly string[]): string[] {
  const found: string[] = [];
  for (const line of lines) {
    if (/Invalid Signature|Traceback|\[E \d/.test(line)) {
      const short = oneLine(line).slice(0, 160);
      if (!found.includes(short)) found.push(short);
    }
  }
  return found;
}

/** The report line of one run: `ok   NAME run K …` or `FAIL NAME run K: problems`. */
export function runLine(
  name: string,
  run: number,
  problems: readonly string[],
  detail: string,
): string {
  return problems.length === 0
    ? `ok   ${name} run ${run}  ${detail}`
    : `FAIL ${name} run ${run}: ${problems.join("; ")}  (${detail})`;
}

function list(xs: readonly number[]): string {
  return xs.length > 8 ? `${xs.slice(0, 8).join(", ")}, …` : xs.join(", ");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}
