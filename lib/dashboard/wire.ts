/**
 * Report blocks for the browser: tables are rendered to html on the server (the same
 * {@linkcode sortableTableHtml} as in report.html), figures become plain Plotly JSON.
 *
 * @module
 */
import { figureToJson } from "../viz/display.ts";
import { type ReportBlock, sortableTableHtml } from "../viz/report_page.ts";
import type { WireBlock } from "./protocol.ts";

/**
 * The wire form of report blocks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toWire } from "./wire.ts";
 * const w = toWire([{ section: "A" }, { table: { columns: ["x"], rows: [["1"]] } }]);
 * assert.deepEqual(w[0], { section: "A" });
 * assert.ok("html" in w[1] && w[1].html.includes("alpe-sortable"));
 * ```
 */
export function toWire(blocks: readonly ReportBlock[]): WireBlock[] {
  return blocks.map((b): WireBlock => {
    if ("table" in b) return { html: sortableTableHtml(b.table) };
    if ("figure" in b) return { figure: figureToJson(b.figure), caption: b.caption };
    if ("section" in b) return { section: b.section };
    return b;
  });
}
