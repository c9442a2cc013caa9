import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { InsufficientDataError } from "../../lib/calibration/errors.ts";
import { fastShares, fitFastShare } from "../../lib/calibration/fit_fast_share.ts";
import type { MarketRecord } from "../../lib/calibration/record.ts";
import { normalFromUniform } from "../../lib/market/price_process.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** A record of market orders at 1, 2, … s, each with its quotes before and 50 ms after. */
function record(
  orders: { sign: number; qty: number; depth: number; move: number }[],
): MarketRecord {
  const e = new Float64Array(0);
  const qTime: number[] = [], bid: number[] = [], ask: number[] = [];
  let mid = 100;
  orders.forEach((o, i) => {
    qTime.push(i + 0.5);
    bid.push(mid - 0.5);
    ask.push(mid + 0.5);
    mid += o.move;
    qTime.push(i + 1.05);
    bid.push(mid - 0.5);
    ask.push(mid + 0.5);
  });
  return {
    source: "test",
    segments: [[0, orders.length + 1]],
    quoteInterval: 0.1,
    moTime: Float64Array.from(orders, (_, i) => i + 1),
    moSign: Float64Array.from(orders, (o) => o.sign),
    moQty: Float64Array.from(orders, (o) => o.qty),
    moDepth: Float64Array.from(orders, (o) => o.depth),
    moLevels: Float64Array.from(orders, () => 1),
    moPrice: Float64Array.from(orders, () => 100),
    fillTime: e,
    fillPrice: e,
    fillQty: e,
    fillSide: e,
    fillAtTouch: e,
    qTime: Float64Array.from(qTime),
    bid: Float64Array.from(bid),
    ask: Float64Array.from(ask),
    bidQty: Float64Array.from(qTime, () => 1),
    askQty: Float64Array.from(qTime, () => 1),
  };
}

Deno.test("fastShares: the shares of the touch of the orders after which the mid moved their way within the horizon", () => {
  const r = record([
    { sign: 1, qty: 2, depth: 10, move: 1 }, // a buy the mid followed up: 0.2
    { sign: 1, qty: 3, depth: 10, move: -1 }, // the mid moved against it: not fast
    { sign: -1, qty: 5, depth: 4, move: -2 }, // a sell the mid followed down: 1.25 (censored)
    { sign: -1, qty: 1, depth: 8, move: 0 }, // no move: not fast
    { sign: 1, qty: 1, depth: NaN, move: 1 }, // the touch unknown: left out
  ]);
  assert.deepEqual(Array.from(fastShares([r])), [0.2, 1.25]);
  // moves after the horizon do not count (the quotes 50 ms after; a 10-ms horizon sees none)
  assert.deepEqual(Array.from(fastShares([r], 0.01)), []);
});

Deno.test("fitFastShare: recovers the median and log-sd of censored log-normal shares (property)", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.01, max: 0.5, noNaN: true }),
      fc.double({ min: 0.5, max: 3.5, noNaN: true }),
      fc.integer({ min: 0, max: 1_000 }),
      (median, sigma, seed) => {
        const rng = new Rng(`share:${seed}`);
        const n = 4_000;
        const shares = Array.from(
          { length: n },
          () => Math.min(1, median * Math.exp(sigma * normalFromUniform(rng.next()))),
        );
        const fit = fitFastShare(shares);
        const zm = (Math.log(fit.median.value) - Math.log(median)) /
          (fit.median.se / fit.median.value);
        const zs = (fit.sigma.value - sigma) / fit.sigma.se;
        // within 5 standard errors (the errors are the fit's own, from its Hessian)
        assert.ok(Math.abs(zm) < 5 && Math.abs(zs) < 5, `${median} ${sigma}: ${zm} ${zs}`);
        assert.ok(fit.median.se > 0 && fit.sigma.se > 0);
        assert.equal(fit.censored, shares.filter((s) => s >= 1).length);
      },
    ),
    { numRuns: 25, seed: 54 },
  );
});

Deno.test("fitFastShare: too few orders is a named error, never a silent default", () => {
  assert.throws(
    () => fitFastShare(Array.from({ length: 40 }, () => 0.1)),
    (e) => e instanceof InsufficientDataError && /at least 50 orders/.test(e.message),
  );
  assert.throws(
    () => fitFastShare(Array.from({ length: 60 }, (_, i) => (i < 55 ? 1 : 0.5))),
    (e) => e instanceof InsufficientDataError && /less than the whole touch/.test(e.message),
  );
});
