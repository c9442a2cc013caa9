/**
 * Report pages that read well: sortable HTML tables that fit the page (they scroll
 * sideways inside their own box instead of being cut off), a table of contents, figures
 * with deterministic element ids (the same report gives the same bytes), and plotly.js
 * either inlined (one self-contained file) or loaded from a file next to the page (one
 * shared copy per output folder instead of 4.9 MB in every report).
 *
 * The dashboard renders the same {@linkcode SortableTable}s with {@linkcode sortableTableHtml},
 * so a table looks and sorts alike in a report and in the browser app.
 *
 * @module
 */
import { escapeHtml, figureHtml, plotlyScriptTag } from "./display.ts";
import type { Figure } from "./types.ts";

/** One cell of a {@linkcode SortableTable}. */
export interface TableCell {
  /** Text shown (escaped). */
  text: string;
  /** Smaller second line (e.g. a confidence interval), escaped. */
  sub?: string;
  /** Value the column sorts by (default: the text). `null` sorts last. */
  sort?: number | string | null;
  /** A colour swatch shown before the text (e.g. the agent's colour). */
  swatch?: string;
  /** Extra CSS class: "good" or "bad" colour the text (e.g. significant differences). */
  tone?: "good" | "bad" | "muted";
}

/** A table whose columns sort on click. */
export interface SortableTable {
  /** Column headers. */
  columns: string[];
  /** Optional tooltip per column (units, definitions). */
  columnTitles?: (string | undefined)[];
  /** Rows of cells (strings are shorthand for `{ text }`). */
  rows: (TableCell | string)[][];
  /** Caption above the table. */
  caption?: string;
  /** Element id of the table (deterministic ids keep reports byte-identical). */
  id?: string;
}

function cellOf(c: TableCell | string): TableCell {
  return typeof c === "string" ? { text: c } : c;
}

/**
 * A sortable table's html: `<table class="alpe-sortable">` inside a horizontally scrolling
 * wrapper. Sorting is done by {@linkcode SORT_SCRIPT} (a click on a header; again to reverse);
 * numeric cells carry their sort key in `data-sort`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sortableTableHtml } from "./report_page.ts";
 * const html = sortableTableHtml({
 *   columns: ["agent", "P&L ($)"],
 *   rows: [["glft", { text: "13.9", sub: "[8.6, 19.1]", sort: 13.85 }]],
 * });
 * assert.ok(html.includes('data-sort="13.85"'));
 * assert.ok(html.includes("alpe-sortable"));
 * ```
 */
export function sortableTableHtml(t: SortableTable): string {
  const head = t.columns.map((c, i) => {
    const title = t.columnTitles?.[i];
    return `<th data-col="${i}"${title ? ` title="${escapeHtml(title)}"` : ""}>${
      escapeHtml(c)
    }<span class="alpe-sort-mark"></span></th>`;
  }).join("");
  const body = t.rows.map((row) =>
    "<tr>" + row.map((raw) => {
      const c = cellOf(raw);
      const sort = c.sort === undefined ? undefined : c.sort;
      const attr = sort === undefined
        ? ""
        : ` data-sort="${
          sort === null || (typeof sort === "number" && !Number.isFinite(sort))
            ? ""
            : escapeHtml(String(sort))
        }"`;
      const cls = [typeof sort === "number" || sort === null ? "num" : "", c.tone ?? ""]
        .filter((x) => x).join(" ");
      const sw = c.swatch
        ? `<span class="alpe-swatch" style="background:${escapeHtml(c.swatch)}"></span>`
        : "";
      const sub = c.sub ? `<br><span class="alpe-ci">${escapeHtml(c.sub)}</span>` : "";
      return `<td${cls ? ` class="${cls}"` : ""}${attr}>${sw}${escapeHtml(c.text)}${sub}</td>`;
    }).join("") + "</tr>"
  ).join("\n");
  const caption = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : "";
  const id = t.id ? ` id="${escapeHtml(t.id)}"` : "";
  return `<div class="alpe-table-wrap"><table class="alpe-sortable"${id}>${caption}` +
    `<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * The script that makes every `table.alpe-sortable` sort on a header click (numbers by
 * value, empty cells last, text alphabetically). Plain ES5; attach once per page.
 */
export const SORT_SCRIPT = `(function () {
  function key(td) {
    var s = td.getAttribute("data-sort");
    if (s === null) return { t: (td.textContent || "").toLowerCase() };
    if (s === "") return { e: true };
    var n = Number(s);
    return isNaN(n) ? { t: s.toLowerCase() } : { n: n };
  }
  function cmp(a, b) {
    if (a.e || b.e) return a.e && b.e ? 0 : a.e ? 1 : -1;
    if (a.n !== undefined && b.n !== undefined) return a.n - b.n;
    var x = a.n !== undefined ? String(a.n) : a.t, y = b.n !== undefined ? String(b.n) : b.t;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  document.addEventListener("click", function (ev) {
    var th = ev.target && ev.target.closest ? ev.target.closest("table.alpe-sortable th") : null;
    if (!th) return;
    var table = th.closest("table"), col = Number(th.getAttribute("data-col"));
    var dir = th.getAttribute("data-dir") === "asc" ? "desc" : "asc";
    Array.prototype.forEach.call(table.querySelectorAll("th"), function (h) { h.removeAttribute("data-dir"); });
    th.setAttribute("data-dir", dir);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var a = key(r1.cells[col]), b = key(r2.cells[col]);
      if (a.e || b.e) return cmp(a, b);
      return dir === "asc" ? cmp(a, b) : cmp(b, a);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
})();`;

/** The stylesheet of report pages and sortable tables (also used by the dashboard). */
export const REPORT_CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1180px; color: #222; padding: 1rem 1.25rem 3rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #e5e5e5; padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
p.note, .alpe-note { color: #555; font-size: .92rem; }
nav.toc { font-size: .9rem; columns: 2; background: #fafafa; border: 1px solid #eee; padding: .5rem 1rem; border-radius: 6px; }
nav.toc a { color: #0b5394; text-decoration: none; } nav.toc a:hover { text-decoration: underline; }
.alpe-table-wrap { overflow-x: auto; max-width: 100%; margin: .75rem 0; }
table.alpe-sortable { border-collapse: collapse; font-size: .86rem; font-variant-numeric: tabular-nums; }
table.alpe-sortable caption { caption-side: top; text-align: left; font-weight: 600; padding: 4px 0; }
table.alpe-sortable th { background: #f4f5f7; position: sticky; top: 0; cursor: pointer; user-select: none; white-space: nowrap; text-align: left; }
table.alpe-sortable th, table.alpe-sortable td { border: 1px solid #dde; padding: 3px 8px; vertical-align: top; }
table.alpe-sortable td.num { text-align: right; white-space: nowrap; }
table.alpe-sortable th[data-dir="asc"] .alpe-sort-mark::after { content: " ▲"; font-size: .7em; }
table.alpe-sortable th[data-dir="desc"] .alpe-sort-mark::after { content: " ▼"; font-size: .7em; }
table.alpe-sortable tbody tr:nth-child(even) { background: #fbfbfd; }
.alpe-ci { color: #777; font-size: .8em; }
.alpe-swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-right: .4em; vertical-align: -0.05em; }
td.good { color: #006d2c; } td.bad { color: #a50f15; } td.muted { color: #888; }
figure { margin: 1rem 0; } figcaption { color: #555; font-size: .88rem; margin-top: .2rem; }
`;

/** One block of a {@linkcode reportPage}. */
export type ReportBlock =
  | { section: string; id?: string }
  | { subsection: string }
  | { text: string; note?: boolean }
  | { table: SortableTable }
  | { figure: Figure; caption?: string }
  | { html: string };

/** Options of {@linkcode reportPage}. */
export interface ReportPageOptions {
  /** Intro paragraphs under the title (plain text). */
  intro?: string[];
  /**
   * Where plotly.js comes from: `"inline"` (default: inlined once, a self-contained file)
   * or `{ src }`, a script file next to the page (e.g. "plotly.js" in the same folder).
   */
  plotly?: "inline" | { src: string };
  /** Show a table of contents of the sections (default true). */
  toc?: boolean;
}

function slug(text: string, used: Set<string>): string {
  const base = text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "section";
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
  used.add(id);
  return id;
}

/**
 * A complete HTML report: title, intro, table of contents, then the blocks in order. Figure
 * ids are `fig-1`, `fig-2`, … and section ids come from their titles, so equal inputs give
 * byte-identical pages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportPage } from "./report_page.ts";
 * const html = reportPage("Demo", [
 *   { section: "Results" },
 *   { table: { columns: ["a"], rows: [["1"]] } },
 *   { figure: { data: [{ type: "bar", x: ["a"], y: [1] }], layout: {} } },
 * ], { plotly: { src: "plotly.js" } });
 * assert.ok(html.includes('<script src="plotly.js"></script>'));
 * assert.ok(html.includes('id="fig-1"'));
 * assert.equal(html, reportPage("Demo", [
 *   { section: "Results" },
 *   { table: { columns: ["a"], rows: [["1"]] } },
 *   { figure: { data: [{ type: "bar", x: ["a"], y: [1] }], layout: {} } },
 * ], { plotly: { src: "plotly.js" } }));
 * ```
 */
export function reportPage(
  title: string,
  blocks: readonly ReportBlock[],
  opts: ReportPageOptions = {},
): string {
  const used = new Set<string>();
  const toc: string[] = [];
  const parts: string[] = [];
  let figures = 0;
  for (const b of blocks) {
    if ("section" in b) {
      const id = b.id ?? slug(b.section, used);
      toc.push(`<a href="#${id}">${escapeHtml(b.section)}</a>`);
      parts.push(`<h2 id="${id}">${escapeHtml(b.section)}</h2>`);
    } else if ("subsection" in b) {
      parts.push(`<h3>${escapeHtml(b.subsection)}</h3>`);
    } else if ("text" in b) {
      parts.push(`<p${b.note ? ' class="note"' : ""}>${escapeHtml(b.text)}</p>`);
    } else if ("table" in b) {
      parts.push(sortableTableHtml(b.table));
    } else if ("figure" in b) {
      figures++;
      const cap = b.caption ? `<figcaption>${escapeHtml(b.caption)}</figcaption>` : "";
      parts.push(
        `<figure>${figureHtml(b.figure, { includeLibrary: false, id: `fig-${figures}` })}${cap}` +
          `</figure>`,
      );
    } else {
      parts.push(b.html);
    }
  }
  const plotly = opts.plotly ?? "inline";
  const lib = plotly === "inline"
    ? plotlyScriptTag()
    : `<script src="${escapeHtml(plotly.src)}"></script>`;
  const intro = (opts.intro ?? []).map((p) => `<p>${escapeHtml(p)}</p>`).join("\n");
  const nav = (opts.toc ?? true) && toc.length > 1
    ? `<nav class="toc">${toc.map((a) => `<div>${a}</div>`).join("")}</nav>`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
${lib}
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${intro}
${nav}
${parts.join("\n")}
<script>${SORT_SCRIPT}</script>
</body>
</html>
`;
}
