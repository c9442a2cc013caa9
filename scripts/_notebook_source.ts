/**
 * Notebook sources: each notebook is a plain TypeScript file, `notebooks/NN_name.ts`, in
 * the "percent" format, and its `.ipynb` is built from it. The source is the one a human
 * edits; it is formatted, linted and type-checked as code.
 *
 * The format:
 *
 * - `// %%` on a line of its own starts a code cell; the lines after it, up to the next
 *   marker, are the cell's code;
 * - `// %% [markdown]` starts a markdown cell; each of its lines is `// ` followed by the
 *   markdown text, or `//` alone for an empty line;
 * - the file starts with a marker; blank lines around a cell's content are not part of
 *   the cell (cells are separated by one blank line).
 *
 * Everything here is a pure function of its inputs: {@linkcode parseSource} (source →
 * cells), {@linkcode renderSource} (cells → source), {@linkcode notebookJson} (cells →
 * nbformat 4.5 JSON, byte-stable: stable cell ids, no outputs, the Deno kernel's metadata),
 * {@linkcode cellsFromIpynb} (an `.ipynb`, for instance one saved from Jupyter, → cells;
 * outputs and cell metadata are dropped) and {@linkcode notebookDrift} (what differs between
 * a committed `.ipynb` and its source). Bad input is a {@linkcode NotebookSourceError}
 * naming the file and line (or cell).
 *
 * @module
 */
import { AlpeError } from "../lib/errors.ts";

/** One notebook cell: its kind and its text (lines joined by `\n`, no final newline). */
export interface NotebookCell {
  /** A code cell (TypeScript, run by the Deno kernel) or a markdown cell. */
  kind: "code" | "markdown";
  /** The cell's text. */
  source: string;
}

/** A notebook source or `.ipynb` that cannot be read; the message names the file and line. */
export class NotebookSourceError extends AlpeError {
  /** Creates the error; `where` is `file:line` or `file, cell N`. */
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = "NotebookSourceError";
  }
}

/** The marker line of a code cell. */
export const CODE_MARKER = "// %%";
/** The marker line of a markdown cell. */
export const MARKDOWN_MARKER = "// %% [markdown]";

const MARKER_RE = /^\s*\/\/\s*%%/;

/** Whether a line looks like a cell marker (well-formed or not). */
function isMarkerLike(line: string): boolean {
  return MARKER_RE.test(line);
}

/** The lines without the blank lines at both ends. */
function trimBlankLines(lines: readonly string[]): { kept: string[] } {
  let a = 0, b = lines.length;
  while (a < b && lines[a].trim() === "") a++;
  while (b > a && lines[b - 1].trim() === "") b--;
  return { kept: lines.slice(a, b) };
}

/**
 * Reads a notebook source into its cells. `file` names the source in errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSource } from "./_notebook_source.ts";
 * const text = "// %% [markdown]\n// # Title\n//\n// Prose.\n\n// %%\nconst x = 1;\n";
 * assert.deepEqual(parseSource(text, "demo.ts"), [
 *   { kind: "markdown", source: "# Title\n\nProse." },
 *   { kind: "code", source: "const x = 1;" },
 * ]);
 * assert.throws(() => parseSource("const x = 1;\n", "demo.ts"), /demo\.ts:1: /);
 * ```
 */
export function parseSource(text: string, file: string): NotebookCell[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const cells: NotebookCell[] = [];
  let kind: NotebookCell["kind"] | undefined;
  let start = 0;
  let body: string[] = [];
  const close = () => {
    if (kind === undefined) return;
    if (kind === "markdown") {
      const md = body.map((line, j) => {
        if (line.trim() === "" || line.trimEnd() === "//") return "";
        if (line.startsWith("// ")) return line.slice(3);
        throw new NotebookSourceError(
          `${file}:${start + j + 1}`,
          `a markdown cell's lines must start with "// " (or be "//"), got ${
            JSON.stringify(line.slice(0, 60))
          }`,
        );
      });
      cells.push({ kind, source: trimBlankLines(md).kept.join("\n") });
    } else {
      cells.push({ kind, source: trimBlankLines(body).kept.join("\n") });
    }
  };
  lines.forEach((line, i) => {
    if (isMarkerLike(line)) {
      const marker = line.trimEnd();
      if (marker !== CODE_MARKER && marker !== MARKDOWN_MARKER) {
        throw new NotebookSourceError(
          `${file}:${i + 1}`,
          `unknown cell marker ${
            JSON.stringify(line)
          } (expected "${CODE_MARKER}" or "${MARKDOWN_MARKER}")`,
        );
      }
      close();
      kind = marker === CODE_MARKER ? "code" : "markdown";
      start = i + 1;
      body = [];
      return;
    }
    if (kind === undefined) {
      if (line.trim() === "") return;
      throw new NotebookSourceError(
        `${file}:${i + 1}`,
        `text before the first cell marker (a source starts with "${CODE_MARKER}" or "${MARKDOWN_MARKER}")`,
      );
    }
    body.push(line);
  });
  close();
  if (cells.length === 0) {
    throw new NotebookSourceError(`${file}:1`, "no cells (no cell marker in the file)");
  }
  return cells;
}

/**
 * Writes cells as a notebook source (the inverse of {@linkcode parseSource} for cells
 * without blank lines at their ends).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSource } from "./_notebook_source.ts";
 * assert.equal(
 *   renderSource([{ kind: "markdown", source: "# T\n\nP." }, { kind: "code", source: "1;" }]),
 *   "// %% [markdown]\n// # T\n//\n// P.\n\n// %%\n1;\n",
 * );
 * ```
 */
export function renderSource(cells: readonly NotebookCell[]): string {
  return cells.map((c) => {
    if (c.kind === "code") return c.source === "" ? CODE_MARKER : `${CODE_MARKER}\n${c.source}`;
    if (c.source === "") return MARKDOWN_MARKER;
    const md = c.source.split("\n").map((l) => (l === "" ? "//" : `// ${l}`));
    return `${MARKDOWN_MARKER}\n${md.join("\n")}`;
  }).join("\n\n") + "\n";
}

/** The notebook-level metadata of every committed notebook (the Deno kernel). */
export const NOTEBOOK_METADATA = {
  kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
  language_info: {
    codemirror_mode: "typescript",
    file_extension: ".ts",
    mimetype: "text/x.typescript",
    name: "typescript",
    nbconvert_exporter: "script",
    pygments_lexer: "typescript",
  },
} as const;

/**
 * The id of cell `index` of notebook `name`: the notebook's number and the cell's index,
 * e.g. `07-012` (or the whole name when it does not start with a number).
 */
export function cellId(name: string, index: number): string {
  const prefix = /^(\d+)_/.exec(name)?.[1] ?? name.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 56);
  return `${prefix}-${String(index).padStart(3, "0")}`;
}

/** A cell's text as nbformat stores it: lines, each but the last ending in `\n`. */
function sourceLines(source: string): string[] {
  if (source === "") return [];
  return source.split("\n").map((l, j, a) => (j < a.length - 1 ? `${l}\n` : l));
}

/**
 * The `.ipynb` text of a notebook: nbformat 4.5, keys sorted and one-space indent as
 * Jupyter writes them, cell ids from {@linkcode cellId}, no outputs, the Deno kernel's
 * metadata, a final newline. The same cells always give the same bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookJson } from "./_notebook_source.ts";
 * const nb = JSON.parse(notebookJson("01_demo", [{ kind: "code", source: "a;\nb;" }]));
 * assert.deepEqual(nb.cells[0], {
 *   cell_type: "code",
 *   execution_count: null,
 *   id: "01-000",
 *   metadata: {},
 *   outputs: [],
 *   source: ["a;\n", "b;"],
 * });
 * assert.equal(nb.nbformat_minor, 5);
 * ```
 */
export function notebookJson(name: string, cells: readonly NotebookCell[]): string {
  const nb = {
    cells: cells.map((c, i) =>
      c.kind === "markdown"
        ? {
          cell_type: "markdown",
          id: cellId(name, i),
          metadata: {},
          source: sourceLines(c.source),
        }
        : {
          cell_type: "code",
          execution_count: null,
          id: cellId(name, i),
          metadata: {},
          outputs: [],
          source: sourceLines(c.source),
        }
    ),
    metadata: NOTEBOOK_METADATA,
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + "\n";
}

/**
 * Reads the cells of an `.ipynb` (a committed one, or one saved from Jupyter with outputs):
 * markdown and code cells in order, their text with blank lines at the ends dropped (as a
 * source holds them). Outputs, execution counts, ids and metadata are ignored. A raw cell,
 * a line that would read as a cell marker, or JSON that is not a notebook is an error
 * naming `file` and the cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellsFromIpynb } from "./_notebook_source.ts";
 * const ipynb = JSON.stringify({
 *   cells: [{ cell_type: "code", source: ["x\n", "\n"], outputs: [{ output_type: "stream" }] }],
 *   nbformat: 4,
 * });
 * assert.deepEqual(cellsFromIpynb(ipynb, "x.ipynb"), [{ kind: "code", source: "x" }]);
 * assert.throws(() => cellsFromIpynb("{", "x.ipynb"), /x\.ipynb: /);
 * ```
 */
export function cellsFromIpynb(text: string, file: string): NotebookCell[] {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (err) {
    throw new NotebookSourceError(file, `not JSON (${(err as Error).message.split("\n")[0]})`);
  }
  const cells = (nb as { cells?: unknown })?.cells;
  if (typeof nb !== "object" || nb === null || !Array.isArray(cells)) {
    throw new NotebookSourceError(file, "not a notebook (no cells array)");
  }
  return cells.map((cell: unknown, i: number): NotebookCell => {
    const where = `${file}, cell ${i}`;
    const c = cell as { cell_type?: unknown; source?: unknown; attachments?: unknown };
    if (c === null || typeof c !== "object") {
      throw new NotebookSourceError(where, "a cell must be an object");
    }
    if (c.attachments !== undefined && Object.keys(c.attachments ?? {}).length > 0) {
      throw new NotebookSourceError(
        where,
        "has attachments (pasted images), which a source cannot hold: save the image as a " +
          "file and link it instead",
      );
    }
    if (c.cell_type !== "code" && c.cell_type !== "markdown") {
      throw new NotebookSourceError(
        where,
        `cell_type must be "code" or "markdown", got ${JSON.stringify(c.cell_type)}`,
      );
    }
    const raw = Array.isArray(c.source) && c.source.every((s) => typeof s === "string")
      ? c.source.join("")
      : c.source;
    if (typeof raw !== "string") {
      throw new NotebookSourceError(where, "source must be a string or a list of strings");
    }
    let lines = trimBlankLines(raw.replace(/\r\n?/g, "\n").split("\n")).kept;
    // A markdown line of spaces reads back as an empty line ("//").
    if (c.cell_type === "markdown") lines = lines.map((l) => (l.trim() === "" ? "" : l));
    const asSource = c.cell_type === "markdown" ? (l: string) => `// ${l}` : (l: string) => l;
    const marker = lines.findIndex((l) => isMarkerLike(asSource(l)));
    if (marker >= 0) {
      throw new NotebookSourceError(
        `${where}, line ${marker + 1}`,
        `${JSON.stringify(lines[marker])} would read as a cell marker in the source`,
      );
    }
    return { kind: c.cell_type, source: lines.join("\n") };
  });
}

/**
 * Whether `ipynb` is exactly what {@linkcode notebookJson} writes for its own cells: a
 * notebook built from a source, not one saved by Jupyter (which adds outputs, execution
 * counts, kernel versions or ids of its own).
 */
export function isBuiltNotebook(name: string, ipynb: string): boolean {
  try {
    return notebookJson(name, cellsFromIpynb(ipynb, name)) === ipynb;
  } catch {
    return false;
  }
}

/** Where two lists of cells first differ, in words; undefined when they are equal. */
export function cellsDiffer(
  committed: readonly NotebookCell[],
  source: readonly NotebookCell[],
): string | undefined {
  const n = Math.max(committed.length, source.length);
  for (let i = 0; i < n; i++) {
    const a = committed[i], b = source[i];
    if (a === undefined) return `the source has ${source.length - i} more cell(s) from cell ${i}`;
    if (b === undefined) {
      return `the notebook has ${committed.length - i} more cell(s) from cell ${i}`;
    }
    if (a.kind !== b.kind) return `cell ${i} is ${a.kind} in the notebook, ${b.kind} in the source`;
    if (a.source !== b.source) {
      const al = a.source.split("\n"), bl = b.source.split("\n");
      let j = 0;
      while (j < al.length && j < bl.length && al[j] === bl[j]) j++;
      return `cell ${i} (${a.kind}) differs from line ${j + 1}`;
    }
  }
  return undefined;
}

/**
 * What is wrong with a committed notebook against its source: `undefined` when the
 * `.ipynb` is exactly what {@linkcode notebookJson} builds from the source, else a
 * one-line reason (no source, no notebook, which cell differs, or outputs/metadata/layout).
 * `name` is the notebook's name without extension; `dir` prefixes the file names shown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookDrift, notebookJson } from "./_notebook_source.ts";
 * const ts = "// %%\nconst a = 1;\n";
 * const built = notebookJson("01_x", [{ kind: "code", source: "const a = 1;" }]);
 * assert.equal(notebookDrift("01_x", ts, built), undefined);
 * assert.match(notebookDrift("01_x", "// %%\nconst a = 2;\n", built)!, /cell 0/);
 * assert.match(notebookDrift("01_x", undefined, built)!, /no source/);
 * ```
 */
export function notebookDrift(
  name: string,
  source: string | undefined,
  ipynb: string | undefined,
  dir = "notebooks",
): string | undefined {
  const ts = `${dir}/${name}.ts`, nb = `${dir}/${name}.ipynb`;
  if (source === undefined) return `${nb}: no source (${ts} is missing)`;
  if (ipynb === undefined) return `${nb}: missing (not built from ${ts})`;
  let cells: NotebookCell[];
  try {
    cells = parseSource(source, ts);
  } catch (err) {
    return (err as Error).message;
  }
  const built = notebookJson(name, cells);
  if (built === ipynb) return undefined;
  let committed: NotebookCell[];
  try {
    committed = cellsFromIpynb(ipynb, nb);
  } catch (err) {
    return `${nb}: differs from ${ts} (${(err as Error).message})`;
  }
  const where = cellsDiffer(committed, cells) ?? "same cells; outputs, ids, metadata or layout";
  return `${nb}: differs from ${ts} (${where})`;
}
