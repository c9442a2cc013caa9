import assert from "node:assert/strict";
import { fitTouchExcitation } from "../../lib/calibration/fit_touch_excitation.ts";
import { ValidationError } from "../../lib/errors.ts";
import { simulateHawkes } from "../../lib/market/hawkes.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** A Hawkes path of baseline `mu` read against a table rate `table` (so c = mu / table). */
function data(
  mu: number,
  table: number,
  alpha: number[],
  decay: number[],
  T: number,
  seed: number,
) {
  const extra = alpha.slice(1).map((a, j) => ({ alpha: [[a]], beta: [[decay[j + 1]]] }));
  const p = simulateHawkes(
    { mu: [mu], alpha: [[alpha[0] ?? 0]], beta: [[decay[0] ?? 1]], extraKernels: extra },
    T,
    new Rng(seed),
  );
  const n = p.times.length;
  return { t: p.times, rate: new Float64Array(n).fill(table), compensator: table * T, horizon: T };
}

Deno.test("fitTouchExcitation recovers the baseline's scale and a two-exponential kernel within 4 standard errors", () => {
  for (const seed of [2, 3, 4]) {
    const d = data(1, 2.5, [0.3, 0.2], [2_000, 50], 3_000, seed);
    const f = fitTouchExcitation(d);
    assert.equal(f.reason, "", `seed ${seed}`);
    assert.equal(f.alpha.length, 2, `seed ${seed}: ${f.alpha}`);
    const at = `seed ${seed}: ${JSON.stringify(f)}`;
    assert.ok(Math.abs(f.scale - 0.4) < 4 * f.se.scale, at);
    assert.ok(Math.abs(f.alpha[0] - 0.3) < 4 * f.se.alpha[0], at);
    assert.ok(Math.abs(f.alpha[1] - 0.2) < 4 * f.se.alpha[1], at);
    assert.ok(Math.abs(f.decay[0] - 2_000) < 4 * f.se.decay[0], at);
    assert.ok(Math.abs(f.decay[1] - 50) < 4 * f.se.decay[1], at);
    assert.ok(f.logLik > f.tableLogLik);
  }
});

Deno.test("fitTouchExcitation: a Poisson stream at the table's rate has no excitation worth its parameters", () => {
  let none = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const d = data(2, 2, [], [], 1_000, 10 + seed); // χ² at 0.001: a false one in 1,000
    const f = fitTouchExcitation(d);
    if (f.alpha.length === 0) {
      none++;
      assert.equal(f.scale, 1);
      assert.match(f.reason, /likelihood ratio|converged/);
    }
  }
  assert.equal(none, 5);
});

Deno.test("fitTouchExcitation: too few events is a ValidationError naming the field", () => {
  const d = { t: [1, 2, 3], rate: [1, 1, 1], compensator: 4, horizon: 4 };
  assert.throws(
    () => fitTouchExcitation(d),
    (e: unknown) => e instanceof ValidationError && e.field === "touch.excitation",
  );
});
