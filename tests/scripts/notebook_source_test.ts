/**
 * Notebook sources (`scripts/_notebook_source.ts`): source ↔ cells ↔ `.ipynb` round trips
 * (a property over generated cell lists), drift between a notebook and its source, bad
 * input naming the file and line; and the `notebooks:build` command end to end in a
 * temporary directory.
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import {
  cellId,
  cellsFromIpynb,
  type NotebookCell,
  notebookDrift,
  notebookJson,
  NotebookSourceError,
  parseSource,
  renderSource,
} from "../../scripts/_notebook_source.ts";
import { runScript } from "./_run.ts";

/** A line of a cell: no line break, not a cell marker (checked by the filters below). */
const line = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("", "//", "// %", "%%", "  indented", "const x = 1;", "# Heading", "é ✓ 𝜎"),
).filter((l) => !/[\r\n]/.test(l));

const isBlank = (l: string) => l.trim() === "";
const markerLike = (l: string) => /^\s*\/\/\s*%%/.test(l);

/** Cells as a source holds them: no blank lines at the ends, no line reading as a marker. */
const cellArb: fc.Arbitrary<NotebookCell> = fc.oneof(
  fc.array(line, { maxLength: 6 })
    .map((ls) => ls.filter((l) => !markerLike(l)))
    .filter((ls) => ls.length === 0 || (!isBlank(ls[0]) && !isBlank(ls.at(-1)!)))
    .map((ls): NotebookCell => ({ kind: "code", source: ls.join("\n") })),
  fc.array(line, { maxLength: 6 })
    .map((ls) => ls.map((l) => (isBlank(l) ? "" : l)).filter((l) => !markerLike(`// ${l}`)))
    .filter((ls) => ls.length === 0 || (ls[0] !== "" && ls.at(-1) !== ""))
    .map((ls): NotebookCell => ({ kind: "markdown", source: ls.join("\n") })),
);
const cellsArb = fc.array(cellArb, { minLength: 1, maxLength: 8 });

Deno.test("notebook source: cells → source → cells and cells → ipynb → cells are identities", () => {
  fc.assert(
    fc.property(cellsArb, (cells) => {
      assert.deepEqual(parseSource(renderSource(cells), "gen.ts"), cells);
      assert.deepEqual(cellsFromIpynb(notebookJson("01_gen", cells), "gen.ipynb"), cells);
    }),
    { numRuns: 400, seed: 18 },
  );
});

Deno.test("notebook source: ts → ipynb → ts gives back the same text, ipynb bytes are stable", () => {
  fc.assert(
    fc.property(cellsArb, (cells) => {
      const ts = renderSource(cells);
      const ipynb = notebookJson("02_gen", parseSource(ts, "gen.ts"));
      assert.equal(renderSource(cellsFromIpynb(ipynb, "gen.ipynb")), ts);
      assert.equal(notebookJson("02_gen", parseSource(ts, "gen.ts")), ipynb);
      assert.equal(notebookDrift("02_gen", ts, ipynb), undefined);
    }),
    { numRuns: 300, seed: 7 },
  );
});

Deno.test("notebook source: a notebook saved by Jupyter (outputs, counts, metadata) reads back as its cells", () => {
  const cells: NotebookCell[] = [
    { kind: "markdown", source: "# T\n\nSome *prose*." },
    { kind: "code", source: 'const a = 1;\nshow("x");' },
  ];
  const nb = JSON.parse(notebookJson("03_x", cells));
  nb.cells[1].outputs = [{ output_type: "stream", name: "stdout", text: ["hi\n"] }];
  nb.cells[1].execution_count = 4;
  nb.cells[1].metadata = { collapsed: true };
  nb.cells[1].source = nb.cells[1].source.join(""); // a string, as some tools write it
  nb.cells[0].source.push("\n", "  \n"); // trailing blank lines
  nb.metadata.language_info.version = "5.9";
  const saved = JSON.stringify(nb, null, 2);
  assert.deepEqual(cellsFromIpynb(saved, "03_x.ipynb"), cells);
  const drift = notebookDrift("03_x", renderSource(cells), saved);
  assert.match(drift!, /03_x\.ipynb: differs from notebooks\/03_x\.ts \(same cells; outputs/);
});

Deno.test("notebook source: cell ids are stable, unique and valid nbformat ids", () => {
  assert.equal(cellId("07_market_models", 12), "07-012");
  assert.equal(cellId("scratch pad", 0), "scratch-pad-000");
  const nb = JSON.parse(notebookJson("05_p", Array(30).fill({ kind: "code", source: "1;" })));
  const ids = nb.cells.map((c: { id: string }) => c.id);
  assert.equal(new Set(ids).size, 30);
  for (const id of ids) assert.match(id, /^[a-zA-Z0-9-_]{1,64}$/);
  assert.equal(nb.cells[0].source.length, 1);
  assert.deepEqual(
    JSON.parse(notebookJson("05_p", [{ kind: "code", source: "" }])).cells[0].source,
    [],
  );
});

Deno.test("notebook source: drift is detected and located", () => {
  const ts = "// %% [markdown]\n// # T\n\n// %%\nconst a = 1;\nconst b = 2;\n";
  const built = notebookJson("04_d", parseSource(ts, "x"));
  assert.equal(notebookDrift("04_d", ts, built), undefined);
  assert.match(
    notebookDrift("04_d", ts.replace("b = 2", "b = 3"), built)!,
    /^notebooks\/04_d\.ipynb: differs from notebooks\/04_d\.ts \(cell 1 \(code\) differs from line 2\)$/,
  );
  assert.match(notebookDrift("04_d", `${ts}\n// %%\nc;\n`, built)!, /source has 1 more cell/);
  assert.match(
    notebookDrift("04_d", "// %% [markdown]\n// # T\n\n// %% [markdown]\n// b\n", built)!,
    /cell 1 is code in the notebook, markdown in the source/,
  );
  assert.match(
    notebookDrift("04_d", undefined, built)!,
    /no source \(notebooks\/04_d\.ts is missing\)/,
  );
  assert.match(notebookDrift("04_d", ts, undefined)!, /04_d\.ipynb: missing/);
  assert.match(
    notebookDrift("04_d", "oops\n", built, "nb")!,
    /^nb\/04_d\.ts:1: text before the first cell marker/,
  );
});

Deno.test("notebook source: bad input names the file and line (or cell)", () => {
  const bad: [string, RegExp][] = [
    ["import x;\n// %%\n", /^f\.ts:1: text before the first cell marker/],
    ["// %%\na;\n\n// %% [code]\nb;\n", /^f\.ts:4: unknown cell marker "\/\/ %% \[code\]"/],
    [
      "// %%\na;\n// %% [markdown]\n\n// fine\nnot a comment\n",
      /^f\.ts:6: a markdown cell's lines must start with "\/\/ "/,
    ],
    ["// %% [markdown]\n//no space\n", /^f\.ts:2: /],
    ["\n\n", /^f\.ts:1: no cells/],
  ];
  for (const [text, re] of bad) {
    assert.throws(() => parseSource(text, "f.ts"), (e: Error) => {
      assert.ok(e instanceof NotebookSourceError, String(e));
      assert.match(e.message, re);
      assert.ok(!e.message.includes("\n"), "one line");
      return true;
    });
  }
  const nb = (cells: unknown) => JSON.stringify({ cells, nbformat: 4 });
  const badNb: [string, RegExp][] = [
    ["{", /: n\.ipynb: not JSON/],
    ["[]", /: n\.ipynb: not a notebook/],
    [
      nb([{ cell_type: "raw", source: "x" }]),
      /: n\.ipynb, cell 0: cell_type must be "code" or "markdown", got "raw"/,
    ],
    [
      nb([{ cell_type: "code", source: "a" }, { cell_type: "code", source: 3 }]),
      /: n\.ipynb, cell 1: source must be/,
    ],
    [
      nb([{ cell_type: "code", source: "a\n// %% x" }]),
      /: n\.ipynb, cell 0, line 2: "\/\/ %% x" would read as a cell marker/,
    ],
    [
      nb([{ cell_type: "markdown", source: "%% not a marker here" }]),
      /cell 0, line 1: .* would read as a cell marker/,
    ],
    [
      nb([{
        cell_type: "markdown",
        source: "![x](attachment:x.png)",
        attachments: { "x.png": {} },
      }]),
      /: n\.ipynb, cell 0: has attachments/,
    ],
  ];
  for (const [text, re] of badNb) assert.throws(() => cellsFromIpynb(text, "n.ipynb"), re);
});

Deno.test("notebook source: CRLF sources read as LF; blank lines around cells are not content", () => {
  const cells = parseSource(
    "\r\n// %%\r\n\r\na;\r\n\r\n\r\n// %% [markdown]\r\n//\r\n// b\r\n",
    "f.ts",
  );
  assert.deepEqual(cells, [{ kind: "code", source: "a;" }, { kind: "markdown", source: "b" }]);
});

Deno.test("notebooks:build end to end: build, check, drift, --from-ipynb, bad lines", async () => {
  const dir = await Deno.makeTempDir({ prefix: "alpe_nbbuild_" });
  try {
    const ts = "// %% [markdown]\n// # One\n\n// %%\nconst a = 1;\na;\n";
    await Deno.writeTextFile(`${dir}/01_one.ts`, ts);
    await Deno.writeTextFile(`${dir}/02_two.ts`, "// %%\nconst b = 2;\n");
    await Deno.writeTextFile(`${dir}/_helper.ts`, "export const x = 1;\n"); // not a notebook

    let r = await runScript("notebooks_build", ["--dir", dir, "--check"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /01_one\.ipynb: missing/);
    assert.match(r.stdout, /02_two\.ipynb: missing/);

    r = await runScript("notebooks_build", ["--dir", dir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const built = await Deno.readTextFile(`${dir}/01_one.ipynb`);
    assert.equal(built, notebookJson("01_one", parseSource(ts, "x")));
    r = await runScript("notebooks_build", ["--dir", dir, "--check"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ok {3}2 notebooks match their sources/);

    // Edited in Jupyter: a new cell, outputs; --check fails, --from-ipynb brings it back.
    const nb = JSON.parse(built);
    nb.cells.push({
      cell_type: "code",
      execution_count: 3,
      id: "x",
      metadata: {},
      outputs: [{ output_type: "execute_result", data: { "text/plain": ["1"] } }],
      source: ["const  c = a+1;"],
    });
    await Deno.writeTextFile(`${dir}/01_one.ipynb`, JSON.stringify(nb));
    await Deno.remove(`${dir}/02_two.ts`);
    r = await runScript("notebooks_build", ["--dir", dir, "--check"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /FAIL .*01_one\.ipynb: differs from .*01_one\.ts \(the notebook has 1 more cell\(s\) from cell 2\)/,
    );
    assert.match(r.stdout, /FAIL .*02_two\.ipynb: no source/);
    r = await runScript("notebooks_build", ["--dir", dir]);
    assert.equal(r.code, 1, "a notebook without a source fails the build");
    assert.match(r.stdout, /02_two\.ipynb has no source; create it with .*--from-ipynb 02_two/);
    assert.match(r.stdout, /FAIL .*01_one\.ipynb was saved in Jupyter .*--from-ipynb 01_one/);
    assert.equal(
      await Deno.readTextFile(`${dir}/01_one.ipynb`),
      JSON.stringify(nb),
      "the build does not overwrite the edit made in Jupyter",
    );

    r = await runScript("notebooks_build", ["--dir", dir, "--from-ipynb", "01"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const source = await Deno.readTextFile(`${dir}/01_one.ts`);
    assert.equal(source, `${ts}\n// %%\nconst c = a + 1;\n`, "converted and formatted");
    const rebuilt = JSON.parse(await Deno.readTextFile(`${dir}/01_one.ipynb`));
    assert.deepEqual(rebuilt.cells[2].outputs, [], "outputs dropped");
    assert.equal(rebuilt.cells[2].id, "01-002");
    r = await runScript("notebooks_build", ["--dir", dir, "--from-ipynb", "02_two.ipynb"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    r = await runScript("notebooks_build", ["--dir", dir, "--check"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);

    // Bad input: one line naming the flag or the file and line, exit 2.
    await Deno.writeTextFile(`${dir}/03_bad.ts`, "// %%\na;\n// %% [markdown]\nnot markdown\n");
    const bad: [string[], RegExp][] = [
      [["--dir", dir], /^error: .*03_bad\.ts:4: a markdown cell's lines/],
      [
        ["--dir", dir, "--from-ipynb", "09"],
        /^error: --from-ipynb: expected a notebook in the directory: 01_one, 02_two/,
      ],
      [
        ["--dir", dir, "--from-ipynb", "0"],
        /^error: --from-ipynb: expected a unique notebook name \(it matches 01_one, 02_two\)/,
      ],
      [["--check", "--from-ipynb", "01"], /^error: --from-ipynb: cannot be combined with --check/],
      [["--dir", `${dir}/none`], /^error: --dir: expected an existing directory/],
    ];
    for (const [args, re] of bad) {
      r = await runScript("notebooks_build", args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
