import assert from "node:assert/strict";
import {
  derived,
  type Estimate,
  fitted,
  indistinctFromZero,
  unidentified,
} from "../../lib/calibration/estimate.ts";

Deno.test("indistinctFromZero: a value is flagged exactly when its 95 % interval contains 0", () => {
  const est: Record<string, Estimate> = {
    // ± 1.96 se reaches 0 on either side
    weakPositive: fitted(1, 0.52, "per second", "fit"),
    weakNegative: fitted(-1, 0.6, "ticks", "fit"),
    // just clear of it
    clear: fitted(1, 0.5, "per second", "fit"),
    // its own interval decides over the standard error
    ownInterval: { ...fitted(1, 0.1, "ms", "bootstrap"), ci: [-0.2, 2] },
    ownIntervalClear: { ...fitted(1, 5, "ms", "bootstrap"), ci: [0.1, 2] },
    // no standard error, a zero value, chosen and derived values: not judged
    noSe: fitted(1, NaN, "per second", "fit"),
    zero: fitted(0, 1, "per second", "fit"),
    chosen: unidentified(1, "ticks", "the library's default"),
    fromOthers: derived(1, 5, "ticks", "a ratio"),
  };
  const matched: Estimate = { ...fitted(2, 1.5, "ticks", "matched"), status: "moment-matched" };
  est.matched = matched;
  const names = indistinctFromZero(est).map((w) => w.split(" = ")[0]);
  assert.deepEqual(names, ["weakPositive", "weakNegative", "ownInterval", "matched"]);
  const [w] = indistinctFromZero({ ownInterval: est.ownInterval });
  assert.equal(
    w,
    "ownInterval = 1 ms (95 % interval [-0.2, 2]); fit; its 95 % interval contains 0 — the tape does not pin it down",
  );
});
