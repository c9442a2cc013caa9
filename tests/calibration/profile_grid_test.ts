import assert from "node:assert/strict";
import { profileGrid } from "../../lib/calibration/profile_grid.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("profile grid: finds the least point of a χ² bowl, its interval the points within 1 of the minimum, for any bowl on the grid", () => {
  const rng = new Rng("profile-grid");
  const xs = [0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32];
  const ys = [0.5, 1, 1.5, 2, 2.5, 3, 3.5];
  for (let run = 0; run < 50; run++) {
    const i = rng.int(xs.length), j = rng.int(ys.length);
    const sx = 0.2 + 2 * rng.uniform(), sy = 0.2 + 2 * rng.uniform();
    const q = (x: number, y: number) =>
      ((Math.log(x) - Math.log(xs[i])) / sx) ** 2 + ((y - ys[j]) / sy) ** 2;
    const fit = profileGrid(xs, ys, q);
    assert.deepEqual([fit.x, fit.y, fit.objective], [xs[i], ys[j], 0]);
    assert.equal(fit.points.length, 49);
    assert.equal(fit.atEdge, i === 0 || i === 6 || j === 0 || j === 6);
    // the interval: every point within 1 of the minimum, and nothing beyond
    const near = fit.points.filter((p) => p.q <= 1);
    const half = (v: number[]) => (Math.max(...v) - Math.min(...v)) / 2;
    const wx = half(near.map((p) => p.x)), wy = half(near.map((p) => p.y));
    assert.equal(
      fit.xSe,
      wx > 0 ? wx : Math.min(...xs.filter((x) => x !== xs[i]).map((x) => Math.abs(x - xs[i]))) / 2,
    );
    assert.equal(fit.ySe, wy > 0 ? wy : 0.25);
  }
});

Deno.test("profile grid: a point whose objective is not finite is never the minimum; none finite, or a grid of one value, is a named error", () => {
  const fit = profileGrid([1, 2, 3], [1, 2], (x, y) => x === 1 ? NaN : x + y);
  assert.deepEqual([fit.x, fit.y, fit.objective], [2, 1, 3]);
  assert.throws(
    () => profileGrid([1, 2], [1, 2], () => NaN),
    (e) => e instanceof ValidationError && e.field === "objective",
  );
  assert.throws(
    () => profileGrid([1], [1, 2], () => 0),
    (e) => e instanceof ValidationError && e.field === "xs",
  );
  assert.throws(
    () => profileGrid([1, 2], [], () => 0),
    (e) => e instanceof ValidationError && e.field === "ys",
  );
});
