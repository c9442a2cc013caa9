/**
 * Static checks of the committed notebooks: nbformat 4.5 structure with cell ids, the
 * Deno kernelspec, no committed outputs, imports only through `../mod.ts`, and every
 * notebook's code type-checks (`deno check` on its cells concatenated into a module).
 */
import assert from "node:assert/strict";

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

/**
 * The notebook's code as one module: imports hoisted to the top, all other code
 * concatenated in cell order inside one async function (the kernel shares one scope
 * between cells and allows top-level await).
 */
export function notebookModule(nb: Nb): string {
  const imports: string[] = [];
  const bodies: string[] = [];
  nb.cells.filter((c) => c.cell_type === "code").forEach((c, i) => {
    const body = src(c).replace(IMPORT_RE, (m) => {
      imports.push(m.trim());
      return "";
    });
    bodies.push(`// ---- code cell ${i}\n${body};`);
  });
  return `${imports.join("\n")}\n\nexport async function __notebook(): Promise<void> {\n${
    bodies.join("\n")
  }\n}\n`;
}

Deno.test("there are eight notebooks", () => {
  assert.deepEqual(names.map((n) => n.slice(0, 3)), [
    "01_",
    "02_",
    "03_",
    "04_",
    "05_",
    "06_",
    "07_",
    "08_",
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

  Deno.test(`${name}: every code cell type-checks`, async () => {
    const nb = read(name);
    // A temporary directory directly under the repo root: "../mod.ts" resolves as in notebooks/.
    const dir = await Deno.makeTempDir({ dir: ROOT.pathname, prefix: ".nbcheck_" });
    try {
      const file = `${dir}/${name.replace(".ipynb", "")}.ts`;
      await Deno.writeTextFile(file, notebookModule(nb));
      const r = await new Deno.Command(Deno.execPath(), {
        args: ["check", "--quiet", file],
        cwd: ROOT.pathname,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(r.stderr);
      assert.ok(r.success, `deno check failed for ${name}:\n${err.slice(0, 4000)}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
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
