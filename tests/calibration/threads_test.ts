import assert from "node:assert/strict";
import fc from "fast-check";
import { isPlainData, runTasks } from "../../lib/calibration/threads.ts";
import { ValidationError } from "../../lib/errors.ts";

/** A worker module answering with `body` (a function of the request `x`). */
function workerUrl(body: string): string {
  const src = `import { serveTasks } from ${
    JSON.stringify(import.meta.resolve("../../lib/calibration/threads.ts"))
  };
import { ValidationError } from ${JSON.stringify(import.meta.resolve("../../lib/errors.ts"))};
serveTasks(async (x) => { ${body} });`;
  return URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
}

Deno.test("runTasks: every request answered once under its own index, whatever order the workers finish in; values keep their bits", async () => {
  // later requests finish first: each waits (10 - x) ms
  const url = workerUrl(
    "await new Promise((r) => setTimeout(r, 10 - x)); return { x, v: new Float64Array([-0, NaN, x / 3]) };",
  );
  try {
    const got: { x: number; v: Float64Array }[] = [];
    const order: number[] = [];
    await runTasks<number, { x: number; v: Float64Array }>(
      url,
      [0, 1, 2, 3, 4, 5, 6, 7],
      3,
      (i, value) => {
        assert.equal(got[i], undefined, "answered once");
        got[i] = value;
        order.push(i);
      },
    );
    assert.deepEqual(got.map((g) => g.x), [0, 1, 2, 3, 4, 5, 6, 7]);
    for (const g of got) {
      assert.ok(Object.is(g.v[0], -0) && Number.isNaN(g.v[1]) && g.v[2] === g.x / 3);
    }
    assert.equal(order.length, 8);
  } finally {
    URL.revokeObjectURL(url);
  }
});

Deno.test("runTasks: a task's ValidationError is rethrown typed, with its field; an error in onDone rejects the run", async () => {
  const url = workerUrl(
    'if (x === 2) throw new ValidationError("seed", x, "not two"); return x;',
  );
  try {
    await assert.rejects(
      runTasks(url, [0, 1, 2, 3], 2, () => {}),
      (e) => e instanceof ValidationError && e.field === "seed" && e.value === 2,
    );
    await assert.rejects(
      runTasks<number, number>(url, [0, 1], 2, () => {
        throw new Error("disk full");
      }),
      /disk full/,
    );
    await runTasks(url, [], 2, () => assert.fail("no request, no answer"));
    await assert.rejects(runTasks(url, [1], 0, () => {}), /threads/);
  } finally {
    URL.revokeObjectURL(url);
  }
});

Deno.test("isPlainData: true exactly for what a structured clone keeps whole (property)", () => {
  fc.assert(
    fc.property(
      fc.jsonValue(),
      (v) => isPlainData(v) && isPlainData({ a: [v, new Int32Array(1)] }),
    ),
  );
  assert.ok(!isPlainData([1, { f: Math.max }]));
  assert.ok(!isPlainData({ s: Symbol("s") }));
  assert.ok(!isPlainData(new Map([["k", new (class A {})()]])));
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  assert.ok(isPlainData(cyclic));
});
