import assert from "node:assert/strict";
import { scanOutputs } from "../../scripts/notebooks.ts";

Deno.test("scanOutputs reports error outputs with their cell and counts Plotly figures", () => {
  const nb = {
    cells: [
      { outputs: [] },
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
  assert.deepEqual(scanOutputs(nb), { errors: ["cell 3: TypeError: x is undefined"], figures: 1 });
});
