/**
 * Self-contained offline HTML reports: several Plotly figures, tables and text in
 * one document with plotly.js inlined once (no network access needed to view it).
 *
 * @module
 */
import { escapeHtml, figureHtml, JUPYTER_DISPLAY, plotlyScriptTag } from "./display.ts";
import type { Figure } from "./types.ts";

/** A table for {@linkcode htmlTable} and report pages. */
export interface TableSpec {
  /** Column headers. */
  columns: string[];
  /** Rows of cells; numbers are formatted with `digits` decimals. */
  rows: (string | number | null)[][];
  /** Decimals for numeric cells (default 4 significant-ish: 4 decimals). */
  digits?: number;
  /** Optional caption above the table. */
  caption?: string;
}

/** One block of a report page. */
export type PageBlock =
  | { figure: Figure; caption?: string }
  | { table: TableSpec }
  | { heading: string }
  | { text: string }
  | { html: string };

/** Options of {@linkcode htmlPage}. */
export interface HtmlPageOptions {
  /** Introductory paragraph under the title (plain text). */
  intro?: string;
  /** Footer line (plain text). */
  footer?: string;
}

function formatCell(v: string | number | null, digits: number): string {
  if (v === null) return "";
  if (typeof v === "string") return escapeHtml(v);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "−∞";
  if (Number.isInteger(v) && Math.abs(v) < 1e12) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e9)) return v.toExponential(Math.max(1, digits - 1));
  return v.toFixed(digits);
}

/**
 * An HTML `<table>` (escaped cells; numbers right-aligned).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlTable } from "./page.ts";
 * const t = htmlTable({ columns: ["agent", "mean"], rows: [["AS & co", 1.23456]], digits: 2 });
 * assert.ok(t.includes('<td class="num">1.23</td>')); // numbers to `digits` places
 * assert.ok(t.includes("<td>AS &amp; co</td>")); // text is escaped
 * ```
 */
export function htmlTable(spec: TableSpec): string {
  const digits = spec.digits ?? 4;
  const head = spec.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = spec.rows.map((row) =>
    "<tr>" + row.map((c) =>
      `<td${typeof c === "number" ? ' class="num"' : ""}>${formatCell(c, digits)}</td>`
    ).join("") + "</tr>"
  ).join("\n");
  const caption = spec.caption ? `<caption>${escapeHtml(spec.caption)}</caption>` : "";
  return `<table class="alpe-table">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
.alpe-table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
.alpe-table th, .alpe-table td { border: 1px solid #ddd; padding: 4px 8px; }
.alpe-table th { background: #f4f4f4; } .alpe-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.alpe-table caption { caption-side: top; text-align: left; font-weight: 600; padding: 4px 0; }
figure { margin: 1.5rem 0; } figcaption { color: #555; font-size: 0.9rem; }
</style>`;

function isFigure(x: PageBlock | Figure): x is Figure {
  return "data" in x && "layout" in x;
}

/**
 * A complete, offline HTML document: `title`, then each block in order (figures,
 * tables, headings, paragraphs or raw html). plotly.js is inlined once in `<head>`. The
 * same blocks give the same bytes (figure element ids are numbered in page order).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlPage } from "./page.ts";
 * const html = htmlPage([
 *   { heading: "Results" },
 *   { figure: { data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }], layout: {} } },
 *   { table: { columns: ["agent", "P&L"], rows: [["a", 1], ["b", 2]] } },
 * ], "Comparison");
 * assert.ok(html.startsWith("<!DOCTYPE html>"));
 * assert.ok(html.includes("<title>Comparison</title>"));
 * assert.ok(html.includes("window.Plotly")); // plotly.js inlined: the page works offline
 * ```
 */
export function htmlPage(
  blocks: (PageBlock | Figure)[],
  title: string,
  opts: HtmlPageOptions = {},
): string {
  const parts: string[] = [];
  // Element ids numbered in page order, so that the same blocks give the same bytes.
  let figures = 0;
  const figure = (fig: Figure) =>
    figureHtml(fig, { includeLibrary: false, id: `alpe-figure-${++figures}` });
  for (const block of blocks) {
    if (isFigure(block)) {
      parts.push(`<figure>${figure(block)}</figure>`);
    } else if ("figure" in block) {
      const cap = block.caption ? `<figcaption>${escapeHtml(block.caption)}</figcaption>` : "";
      parts.push(`<figure>${figure(block.figure)}${cap}</figure>`);
    } else if ("table" in block) {
      parts.push(htmlTable(block.table));
    } else if ("heading" in block) {
      parts.push(`<h2>${escapeHtml(block.heading)}</h2>`);
    } else if ("text" in block) {
      parts.push(`<p>${escapeHtml(block.text)}</p>`);
    } else {
      parts.push(block.html);
    }
  }
  const intro = opts.intro ? `<p>${escapeHtml(opts.intro)}</p>\n` : "";
  const footer = opts.footer
    ? `<footer><p><small>${escapeHtml(opts.footer)}</small></p></footer>\n`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${STYLE}
${plotlyScriptTag()}
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${intro}${parts.join("\n")}
${footer}</body>
</html>
`;
}

/** An HTML fragment the Deno kernel displays as html (with a text/plain fallback). */
export interface HtmlOutput {
  /** The html. */
  readonly html: string;
  /** Builds the MIME bundle; called by the kernel. */
  [JUPYTER_DISPLAY](): { "text/html": string; "text/plain": string };
}

/** Wraps an html fragment for display as a notebook cell's value. */
export function showHtml(html: string, plain = "(html output)"): HtmlOutput {
  return { html, [JUPYTER_DISPLAY]: () => ({ "text/html": html, "text/plain": plain }) };
}

function plainTable(spec: TableSpec): string {
  const digits = spec.digits ?? 4;
  const cell = (c: string | number | null) =>
    c === null
      ? ""
      : typeof c === "number"
      ? (Number.isInteger(c) ? String(c) : c.toFixed(digits))
      : c;
  return [spec.columns.join("\t"), ...spec.rows.map((r) => r.map(cell).join("\t"))].join("\n");
}

/**
 * Displays a table in a notebook (html, with a tab-separated text fallback).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JUPYTER_DISPLAY } from "./display.ts";
 * import { showTable } from "./page.ts";
 * const t = showTable({ columns: ["agent", "P&L"], rows: [["AS", 12.5]] });
 * assert.ok(t.html.startsWith('<table class="alpe-table">'));
 * const bundle = t[JUPYTER_DISPLAY](); // what the notebook renders
 * assert.equal(bundle["text/plain"], "agent\tP&L\nAS\t12.5000");
 * ```
 */
export function showTable(spec: TableSpec): HtmlOutput {
  return showHtml(htmlTable(spec), plainTable(spec));
}
