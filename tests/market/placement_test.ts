import assert from "node:assert/strict";
import { ASK, BID } from "../../lib/book/order_book.ts";
import {
  buildAlias,
  placementConfigSchema,
  PowerLawPlacement,
} from "../../lib/market/placement.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("placement: distances follow the power law (alias table exact, sample within 4 sd)", () => {
  const place = new PowerLawPlacement(placementConfigSchema.parse({ alpha: 1.2, maxDistance: 10 }));
  const rng = new Rng("place");
  const n = 200_000;
  const counts = new Float64Array(10);
  for (let i = 0; i < n; i++) counts[place.distance(rng)]++;
  let z = 0;
  for (let i = 0; i < 10; i++) z += Math.pow(i + 1, -1.2);
  for (let i = 0; i < 10; i++) {
    const p = Math.pow(i + 1, -1.2) / z;
    assert.ok(Math.abs(place.distanceProbability(i) - p) < 1e-12);
    assert.ok(Math.abs(counts[i] / n - p) < 4 * Math.sqrt(p * (1 - p) / n));
  }
  assert.equal(place.distanceProbability(10), 0);
  assert.throws(() => buildAlias([0, 0]), ValidationError);
});

Deno.test("placement: anchored at the reference price, never through the other side", () => {
  const rng = new Rng("anchor");
  const near = new PowerLawPlacement(placementConfigSchema.parse({ maxDistance: 1 }));
  assert.equal(near.price(BID, 100.3, NaN, NaN, rng), 100);
  assert.equal(near.price(ASK, 100.3, NaN, NaN, rng), 101);
  assert.equal(near.price(BID, 100, NaN, NaN, rng), 99); // P on a tick: one tick each side
  const place = new PowerLawPlacement(placementConfigSchema.parse({}));
  for (let i = 0; i < 1000; i++) {
    const ref = 90 + 20 * rng.next(); // a book that lags the price
    assert.ok(place.price(BID, ref, 95, 100, rng) <= 99);
    assert.ok(place.price(ASK, ref, 95, 100, rng) >= 96);
  }
  // minEdge keeps new orders at least that far from the price
  const edge = new PowerLawPlacement(placementConfigSchema.parse({ maxDistance: 1, minEdge: 0.5 }));
  assert.equal(edge.price(BID, 100.3, NaN, NaN, rng), 99);
  assert.equal(edge.price(ASK, 100.3, NaN, NaN, rng), 101);
  // CST's zero intelligence: relative to the opposite best, whatever the reference
  const cst = new PowerLawPlacement(
    placementConfigSchema.parse({ anchor: "opposite-best", maxDistance: 1 }),
  );
  assert.equal(cst.price(BID, 500, 95, 100, rng), 99);
  assert.equal(cst.price(ASK, 500, 95, 100, rng), 96);
});
