import assert from "node:assert/strict";
import {
  compareWithReference,
  isKnownConsoleNoise,
  isLocalRequest,
  type LiveCell,
  liveChartProblems,
  type LiveSample,
  type LiveSnapshot,
  PLOTLY_MIME,
  referenceCells,
  runLine,
  serverLogProblems,
  snapshotProblems,
} from "../../scripts/_notebook_live_checks.ts";
import { notebookServerArgs, randomToken } from "../../scripts/_notebook_server.ts";
import { notebooksLiveCli } from "../../scripts/notebooks_live.ts";

const FIG = { type: "display_data", mimes: [PLOTLY_MIME, "text/html", "text/plain"] };
const TEXT = { type: "execute_result", mimes: ["text/plain"] };

function cell(index: number, over: Partial<LiveCell> = {}): LiveCell {
  return { index, prompt: index + 1, outputs: [], plots: 0, drawn: 0, ...over };
}

function snap(cells: LiveCell[], indicator = "kernel_idle_icon"): LiveSnapshot {
  return { cells, indicator };
}

Deno.test("snapshotProblems: a finished run with every figure drawn passes", () => {
  const s = snap([
    cell(0),
    cell(1, { outputs: [TEXT] }),
    cell(2, { outputs: [FIG], plots: 1, drawn: 1 }),
  ]);
  assert.deepEqual(snapshotProblems(s), []);
});

Deno.test("snapshotProblems: cells not executed, errors, undrawn figures, busy kernel", () => {
  const s = snap([
    cell(0),
    cell(1, { prompt: "*" }),
    cell(2, { prompt: null }),
    cell(3, { outputs: [{ type: "error", mimes: [], ename: "RangeError", evalue: "too\ndeep" }] }),
    cell(4, { outputs: [FIG, FIG], plots: 2, drawn: 1 }),
    cell(5, { outputs: [FIG], plots: 0, drawn: 0 }),
  ], "kernel_busy_icon");
  const p = snapshotProblems(s);
  assert.deepEqual(p, [
    "2 code cells without an execution count (cells 1, 2)",
    "cell 3: error output RangeError: too deep",
    "cell 4: 1 of 2 figure outputs drawn (2 plot divs)",
    "cell 5: 0 of 1 figure outputs drawn",
    "kernel indicator not idle (kernel_busy_icon)",
  ]);
});

Deno.test("snapshotProblems: a plot drawn without a figure output is reported", () => {
  const p = snapshotProblems(snap([cell(0, { outputs: [TEXT], plots: 1, drawn: 1 })]));
  assert.deepEqual(p, ["cell 0: 1 of 0 figure outputs drawn"]);
});

Deno.test("compareWithReference: figures per cell and the notebook's outputs must match", () => {
  const stream = { type: "stream", mimes: [] };
  const s = snap([
    cell(0, { outputs: [stream, TEXT] }),
    cell(1, { outputs: [FIG], plots: 1, drawn: 1 }),
    cell(2, { outputs: [] }),
  ]);
  // Streams are ignored (front ends merge chunks differently); everything else must match.
  const same = [
    { figures: 0, kinds: ["execute_result"] },
    { figures: 1, kinds: ["display_data"] },
    { figures: 0, kinds: [] },
  ];
  assert.deepEqual(compareWithReference(s, same), { problems: [], notes: [] });
  const lost = [
    { figures: 0, kinds: ["execute_result"] },
    { figures: 2, kinds: ["display_data", "display_data"] },
    { figures: 0, kinds: ["execute_result"] },
  ];
  assert.deepEqual(compareWithReference(s, lost).problems, [
    "cell 1: 1 figure outputs, the headless run has 2",
    "outputs differ from the headless run in cells 1, 2 (notebook: 1 display_data, 1 " +
    "execute_result; headless: 2 display_data, 2 execute_result)",
  ]);
  assert.deepEqual(compareWithReference(s, same.slice(1)).problems, [
    "3 code cells, the headless run has 2",
  ]);
});

Deno.test("compareWithReference: outputs shown under the next cell are a note, not a failure", () => {
  const part = { type: "display_data", mimes: ["text/html", "text/plain"] };
  const s = snap([cell(0, { outputs: [part] }), cell(1, { outputs: [part, part, TEXT] })]);
  const ref = [
    { figures: 0, kinds: ["display_data", "display_data", "display_data"] },
    { figures: 0, kinds: ["execute_result"] },
  ];
  assert.deepEqual(compareWithReference(s, ref), {
    problems: [],
    notes: ["outputs of cells 0, 1 shown under a neighbouring cell"],
  });
  // A figure under the next cell: a note while the notebook has all its figures.
  const f = snap([
    cell(0, { outputs: [TEXT] }),
    cell(1, { outputs: [FIG, TEXT], plots: 1, drawn: 1 }),
  ]);
  const fRef = [
    { figures: 1, kinds: ["execute_result", "display_data"] },
    { figures: 0, kinds: ["execute_result"] },
  ];
  assert.deepEqual(compareWithReference(f, fRef), {
    problems: [],
    notes: ["figures of cells 0, 1 shown under a neighbouring cell"],
  });
});

Deno.test("referenceCells: reads an executed nbformat notebook's code cells", () => {
  const nb = {
    cells: [
      { cell_type: "markdown" },
      {
        cell_type: "code",
        outputs: [
          { output_type: "stream" },
          { output_type: "display_data", data: { [PLOTLY_MIME]: {}, "text/html": "" } },
          { output_type: "execute_result", data: { "text/plain": "1" } },
        ],
      },
      { cell_type: "code" },
    ],
  };
  assert.deepEqual(referenceCells(nb), [
    { figures: 1, kinds: ["display_data", "execute_result"] },
    { figures: 0, kinds: [] },
  ]);
  // A failed headless run is no reference.
  nb.cells[2] = { cell_type: "code", outputs: [{ output_type: "error" }] } as typeof nb.cells[1];
  assert.equal(referenceCells(nb), undefined);
});

function sample(prompt: number | string | null, titles: string[], figures = titles.length) {
  return { prompt, figures, plots: titles.length, titles } satisfies LiveSample;
}

Deno.test("liveChartProblems: one figure whose title changes while the cell runs passes", () => {
  const samples = [
    sample("*", []),
    sample("*", ["t = 5 s"]),
    sample("*", ["t = 5 s"]),
    sample("*", ["t = 10 s"]),
    sample("*", ["t = 15 s"]),
    sample(7, ["final"]),
  ];
  const r = liveChartProblems(6, samples);
  assert.deepEqual(r.titles, ["t = 5 s", "t = 10 s", "t = 15 s"]);
  assert.deepEqual(r.problems, []);
});

Deno.test("liveChartProblems: no updates while running, or figures piling up, fail", () => {
  const still = liveChartProblems(6, [sample("*", []), sample("*", []), sample(7, ["final"])]);
  assert.deepEqual(still.titles, []);
  assert.match(still.problems.join(), /drew 0 distinct titles while running/);
  const piled = liveChartProblems(6, [
    sample("*", ["a"]),
    sample("*", ["a", "b"]),
    sample("*", ["a", "b", "c"]),
  ]);
  assert.deepEqual(piled.problems, [
    "cell 6: live chart not updated in place (up to 3 figures in the cell)",
  ]);
  // Titles seen only after the cell finished do not count as live updates.
  const after = liveChartProblems(6, [sample(7, ["a"]), sample(7, ["b"]), sample(7, ["c"])]);
  assert.equal(after.problems.length, 1);
});

Deno.test("isKnownConsoleNoise: only the page's own widget and MathJax probes", () => {
  const widgets = "http://127.0.0.1:1/nbextensions/widgets/notebook/js/extension.js?v=1";
  assert.equal(isKnownConsoleNoise("Failed to load resource: 404 (Not Found)", widgets), true);
  assert.equal(
    isKnownConsoleNoise(`Refused to execute script from '${widgets}' because its MIME type`),
    true,
  );
  assert.equal(
    isKnownConsoleNoise("Access to font at 'about:blank' from origin 'http://127.0.0.1:1' …"),
    true,
  );
  assert.equal(
    isKnownConsoleNoise("Failed to load resource: net::ERR_FAILED", "about:blank"),
    true,
  );
  assert.equal(
    isKnownConsoleNoise("Failed to load resource: net::ERR_FAILED", "http://x/a.js"),
    false,
  );
  assert.equal(isKnownConsoleNoise("Uncaught TypeError: Plotly is undefined"), false);
  assert.equal(isKnownConsoleNoise("Failed to load resource: 404", "http://x/plotly.js"), false);
});

Deno.test("isLocalRequest: same origin (http and ws) and page-local schemes only", () => {
  const o = "http://127.0.0.1:8888";
  assert.equal(isLocalRequest("http://127.0.0.1:8888/static/x.js", o), true);
  assert.equal(isLocalRequest("ws://127.0.0.1:8888/api/kernels/1/channels", o), true);
  assert.equal(isLocalRequest("data:image/png;base64,AA", o), true);
  assert.equal(isLocalRequest("blob:http://127.0.0.1:8888/1", o), true);
  assert.equal(isLocalRequest("about:blank", o), true);
  assert.equal(isLocalRequest("http://127.0.0.1:8889/x", o), false);
  assert.equal(isLocalRequest("http://localhost:8888/x", o), false);
  assert.equal(isLocalRequest("https://cdn.plot.ly/plotly-2.js", o), false);
  assert.equal(isLocalRequest("wss://127.0.0.1:8888/x", o), false);
  assert.equal(isLocalRequest("not a url", o), false);
});

Deno.test("serverLogProblems: finds the IOPub signature failure once", () => {
  const lines = [
    "[I 06:53:39 NotebookApp] Kernel started: f8d1, name: deno",
    "[E 06:56:03.585 NotebookApp] Uncaught exception in ZMQStream callback",
    "Traceback (most recent call last):",
    '    raise ValueError("Invalid Signature: %r" % signature)',
    '    raise ValueError("Invalid Signature: %r" % signature)',
  ];
  const p = serverLogProblems(lines);
  assert.equal(p.length, 3);
  assert.ok(p.some((l) => l.includes("Invalid Signature")));
  assert.deepEqual(serverLogProblems(lines.slice(0, 1)), []);
});

Deno.test("runLine: the formats test.ts counts", () => {
  assert.equal(runLine("01_tutorial", 1, [], "9.0 s"), "ok   01_tutorial run 1  9.0 s");
  const fail = runLine("01_tutorial", 2, ["a", "b"], "9.0 s");
  assert.equal(fail, "FAIL 01_tutorial run 2: a; b  (9.0 s)");
  assert.match(fail, /^(ok|FAIL)\s+(\S+)/);
});

Deno.test("notebook server: local-only command line with token; root needs --allow-root", () => {
  const token = randomToken();
  assert.match(token, /^[0-9a-f]{32}$/);
  assert.notEqual(token, randomToken());
  const args = notebookServerArgs(8888, token, "/tmp/nb");
  assert.ok(args.includes("--ip=127.0.0.1"));
  assert.ok(args.includes("--port=8888"));
  assert.ok(args.includes("--no-browser"));
  assert.ok(args.includes(`--NotebookApp.token=${token}`));
  assert.ok(args.includes("--notebook-dir=/tmp/nb"));
  assert.ok(!args.includes("--allow-root"));
  assert.ok(notebookServerArgs(8888, token, "/tmp/nb", true).includes("--allow-root"));
});

Deno.test("notebooks_live CLI: defaults and bad values", () => {
  const ok = notebooksLiveCli.parse([]);
  assert.equal(ok.values.runs, 2);
  assert.equal(ok.values.timeout, 120);
  assert.deepEqual(ok.values.only, []);
  const two = notebooksLiveCli.parse(["--only", "01", "--only", "02", "--runs", "3"]);
  assert.deepEqual(two.values.only, ["01", "02"]);
  assert.equal(two.values.runs, 3);
  assert.throws(() => notebooksLiveCli.parse(["--runs", "0"]), /--runs/);
  assert.throws(() => notebooksLiveCli.parse(["--timeout", "5"]), /--timeout/);
});
