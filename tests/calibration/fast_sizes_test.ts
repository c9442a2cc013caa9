import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { fastSizePmf, validateFastOrders } from "../../lib/calibration/fast_sizes.ts";
import { ValidationError } from "../../lib/errors.ts";

Deno.test("fast sizes (property): g sums to 1 over whole lots, gives every sampled size mass, and keeps a spike's share exactly", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0.01, max: 5_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
      fc.integer({ min: 1, max: 2_000 }),
      fc.integer({ min: 0, max: 200 }),
      (body, cap, spike) => {
        const sizes = [...body, ...Array(spike).fill(cap)];
        const g = fastSizePmf(sizes);
        let total = 0;
        for (let s = 1; s <= 10_000; s++) {
          assert.ok(g(s) >= 0);
          total += g(s);
        }
        assert.ok(Math.abs(total - 1) < 1e-9, `sums to ${total}`);
        for (const v of sizes) assert.ok(g(v) > 0, `no mass at ${v}`);
        // a size with at least 2 % of the orders and 5 of them keeps its own share
        const n = sizes.length;
        const atCap = sizes.filter((v) => Math.max(1, Math.round(v)) === cap).length;
        if (atCap >= 5 && atCap >= 0.02 * n) assert.equal(g(cap), atCap / n);
      },
    ),
    { numRuns: 60, seed: 12 },
  );
});

Deno.test("fast sizes: bad input is a named error", () => {
  assert.throws(
    () => fastSizePmf([]),
    (e) => e instanceof ValidationError && e.field === "fast.sizes",
  );
  assert.throws(
    () => fastSizePmf([3, -1]),
    (e) => e instanceof ValidationError && e.field === "fast.sizes[1]",
  );
  assert.throws(() => fastSizePmf([3, NaN]), /fast\.sizes\[1\]/);
  for (const share of [-0.1, 0.96, NaN]) {
    assert.throws(
      () => validateFastOrders({ share, sizes: [1] }),
      (e) => e instanceof ValidationError && e.field === "fast.share",
    );
  }
});
