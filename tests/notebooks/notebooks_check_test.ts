/**
 * Static checks of the committed notebooks: nbformat 4.5 structure with cell ids, the
 * Deno kernelspec, no committed outputs, imports only through `../mod.ts`, and each is
 * exactly what `deno task notebooks:build` builds from its source `NN_name.ts`. The
 * sources themselves are formatted, linted and type-checked with the rest of the code
 * (`deno task check` runs `deno check notebooks/*.ts`).
 */
import assert from "node:assert/strict";
import { notebookDrift } from "../../scripts/_notebook_source.ts";

const ROOT = new URL("../../", import.meta.url);
const NB_DIR = new URL("notebooks/", ROOT);

interface NbCell {
  cell_type: string;
  id?: string;
  source: string[] | string;
  outputs?: unknown[];
  execution_count?: number | null;
  metadata?: Record<string, unknown>;
}
interface Nb {
  cells: NbCell[];
  metadata: { kernelspec?: { name?: string; language?: string } };
  nbformat: number;
  nbformat_minor: number;
}

const names = [...Deno.readDirSync(NB_DIR)]
  .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
  .map((e) => e.name)
  .sort();

function src(cell: NbCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

function read(name: string): Nb {
  return JSON.parse(Deno.readTextFileSync(new URL(name, NB_DIR)));
}

const IMPORT_RE = /^\s*import\s[\s\S]*?from\s+["']([^"']+)["'];?[ \t]*$/gm;
const DYNAMIC_IMPORT_RE = /\bimport\s*\(\s*["']([^"']+)["']/g;

Deno.test("there are nine notebooks", () => {
  assert.deepEqual(names.map((n) => n.slice(0, 3)), [
    "01_",
    "02_",
    "03_",
    "04_",
    "05_",
    "06_",
    "07_",
    "08_",
    "09_",
  ]);
});

for (const name of names) {
  Deno.test(`${name}: nbformat 4.5, deno kernel, ids, no outputs, imports via ../mod.ts`, () => {
    const nb = read(name);
    assert.equal(nb.nbformat, 4);
    assert.ok(nb.nbformat_minor >= 5, "nbformat_minor >= 5 (cell ids)");
    assert.equal(nb.metadata.kernelspec?.name, "deno");
    assert.equal(nb.metadata.kernelspec?.language, "typescript");
    const ids = new Set<string>();
    for (const c of nb.cells) {
      assert.ok(c.cell_type === "markdown" || c.cell_type === "code", c.cell_type);
      assert.match(c.id ?? "", /^[a-zA-Z0-9-_]{1,64}$/, "valid cell id");
      assert.ok(!ids.has(c.id!), `duplicate id ${c.id}`);
      ids.add(c.id!);
      assert.ok(typeof c.metadata === "object");
      if (c.cell_type === "code") {
        assert.deepEqual(c.outputs, [], `outputs committed in ${c.id}`);
        assert.equal(c.execution_count, null);
        const s = src(c);
        for (const m of [...s.matchAll(IMPORT_RE), ...s.matchAll(DYNAMIC_IMPORT_RE)]) {
          assert.equal(m[1], "../mod.ts", `cell ${c.id} imports ${m[1]}`);
        }
      }
    }
    assert.ok(nb.cells[0].cell_type === "markdown", "starts with prose");
    assert.ok(nb.cells.filter((c) => c.cell_type === "markdown").length >= 4, "teaches in prose");
  });

  Deno.test(`${name}: is built from its source ${name.replace(".ipynb", ".ts")}`, () => {
    const stem = name.replace(".ipynb", "");
    const source = Deno.readTextFileSync(new URL(`${stem}.ts`, NB_DIR));
    const committed = Deno.readTextFileSync(new URL(name, NB_DIR));
    assert.equal(notebookDrift(stem, source, committed), undefined);
  });
}

for (const name of names) {
  Deno.test(`${name}: loads plotly.js in its first code cell, spreads no array into Math.min/max`, () => {
    const code = read(name).cells.filter((c) => c.cell_type === "code").map(src);
    // Run All re-sends the library from the first cell, so a saved notebook carries one copy.
    assert.match(code[0], /^await loadPlotly\(\);$/m, "first code cell calls loadPlotly()");
    assert.ok(!code.slice(1).some((s) => /\bloadPlotly\(/.test(s)), "only the first cell");
    // Math.max(...xs) overflows the stack past ~120 000 elements (notebook 05's RangeError).
    for (const [i, s] of code.entries()) {
      assert.doesNotMatch(
        s,
        /Math\.(min|max)\(\s*\.\.\./,
        `code cell ${i}: use minOf/maxOf/extent`,
      );
    }
  });
}

for (const name of names) {
  Deno.test(`${name}: prose has at most one $ per cell (classic Notebook's MathJax)`, () => {
    // Two dollar signs in one markdown cell, even escaped as \$, make Debian's classic Notebook
    // typeset the text as math and request a web font (a console error, a blocked request).
    for (const c of read(name).cells.filter((c) => c.cell_type === "markdown")) {
      const dollars = src(c).match(/\$/g) ?? [];
      assert.ok(dollars.length < 2, `cell ${c.id}: write USD (or split the cell)`);
    }
  });
}
