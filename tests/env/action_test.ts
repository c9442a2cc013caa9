import assert from "node:assert/strict";
import { clipActions, clipOffset, clipSize, validateActions } from "../../lib/env/action.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { ValidationError } from "../../lib/errors.ts";

const cfg = parseEnvConfig({ maxOffsetTicks: 20, maxQuoteSize: 5 });

Deno.test("clipActions clips offsets and sizes, rounds sizes", () => {
  const out = new Float64Array(8);
  clipActions([-3, 1e300, 2.6, 99, 1.25, 7, -1e300, 2.4], out, cfg);
  assert.deepEqual(Array.from(out), [0, 20, 3, 5, 1.25, 7, 0, 2]);
  assert.equal(clipOffset(-0.1, 20), 0);
  assert.equal(clipSize(4.5, 5), 5);
});

Deno.test("non-finite actions name action[i] and leave out unchanged", () => {
  const out = new Float64Array(8).fill(9);
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.throws(
      () => clipActions([1, 1, 1, 1, 1, 1, bad, 1], out, cfg),
      (e: unknown) => e instanceof ValidationError && e.field === "action[6]",
    );
  }
  assert.deepEqual(Array.from(out), new Array(8).fill(9));
  assert.throws(
    () => validateActions([1, 2, 3], 1),
    (e: unknown) => e instanceof ValidationError && e.field === "actions.length",
  );
});
