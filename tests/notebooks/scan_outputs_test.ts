import assert from "node:assert/strict";
import { OUTPUT_LIMIT, scanOutputs } from "../../scripts/notebooks.ts";
import { plotlyPartBundles } from "../../lib/viz/plotly_loader.ts";
import { plotlyBundle } from "../../lib/viz/display.ts";

const part1 = {
  output_type: "display_data",
  data: { "text/plain": "plotly.js 3.7.0 for offline figures (part 1 of 3)" },
};

Deno.test("scanOutputs reports error outputs with their cell and counts Plotly figures", () => {
  const nb = {
    cells: [
      { outputs: [part1] },
      {
        outputs: [
          { output_type: "stream" },
          {
            output_type: "execute_result",
            data: { "application/vnd.plotly.v1+json": {}, "text/html": "" },
          },
        ],
      },
      { outputs: [{ output_type: "display_data", data: { "text/html": "<p>note</p>" } }] },
      { outputs: [{ output_type: "error", ename: "TypeError", evalue: "x is undefined" }] },
      {},
    ],
  };
  const scan = scanOutputs(nb);
  assert.deepEqual(scan.errors, ["cell 3: TypeError: x is undefined"]);
  assert.equal(scan.figures, 1);
  assert.equal(scan.libraryCopies, 1);
  assert.equal(scan.largest, JSON.stringify(part1).length);
});

Deno.test("scanOutputs fails outputs over 1 MB, several plotly.js copies, or none", () => {
  const big = { output_type: "display_data", data: { "text/html": "x".repeat(OUTPUT_LIMIT) } };
  assert.match(
    scanOutputs({ cells: [{ outputs: [part1, big] }] }).errors.join(),
    /an output of 10000\d\d bytes/,
  );
  assert.match(
    scanOutputs({ cells: [{ outputs: [part1] }, { outputs: [part1] }] }).errors.join(),
    /2 copies of plotly\.js/,
  );
  const fig = { output_type: "execute_result", data: { "application/vnd.plotly.v1+json": {} } };
  assert.match(scanOutputs({ cells: [{ outputs: [fig] }] }).errors.join(), /no copy of plotly/);
});

Deno.test("what the kernel sends passes the scan: the library's parts and a figure, each < 1 MB", () => {
  const outputs = [
    ...plotlyPartBundles().map((data) => ({ output_type: "display_data", data })),
    {
      output_type: "execute_result",
      data: plotlyBundle({ data: [{ type: "scatter", x: [1], y: [2] }], layout: {} }),
    },
  ];
  const scan = scanOutputs({ cells: [{ outputs }] });
  assert.deepEqual(scan.errors, []);
  assert.equal(scan.libraryCopies, 1);
  assert.ok(scan.largest < OUTPUT_LIMIT, `${scan.largest}`);
});
