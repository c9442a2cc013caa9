import assert from "node:assert/strict";
import { ASK, BID } from "../../lib/book/order_book.ts";
import {
  activityFactor,
  buildAlias,
  placementConfigSchema,
  placementWeights,
  PowerLawPlacement,
} from "../../lib/market/placement.ts";
import fc from "npm:fast-check@4.10.2";
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

Deno.test("placement: a touch atom gets its share, the other distances the power law's proportions (property)", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 10, noNaN: true }),
      fc.integer({ min: 1, max: 1_000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (alpha, maxDistance, touchShare) => {
        const cfg = placementConfigSchema.parse({ alpha, maxDistance, touchShare });
        const place = new PowerLawPlacement(cfg);
        const p0 = maxDistance === 1 ? 1 : touchShare;
        assert.ok(Math.abs(place.distanceProbability(0) - p0) < 1e-9);
        let rest = 0;
        for (let i = 1; i < maxDistance; i++) rest += Math.pow(i + 1, -alpha);
        for (const i of [1, 2, maxDistance - 1].filter((i) => i >= 1 && i < maxDistance)) {
          const want = (1 - p0) * Math.pow(i + 1, -alpha) / rest;
          assert.ok(Math.abs(place.distanceProbability(i) - want) < 1e-9 * Math.max(1, want));
        }
        // without the atom: the plain law, as before
        const plain = placementWeights(placementConfigSchema.parse({ alpha, maxDistance }));
        assert.equal(plain[0], 1);
      },
    ),
    { numRuns: 200 },
  );
  // sampled: the touch's share within 4 sd
  const place = new PowerLawPlacement(
    placementConfigSchema.parse({ alpha: 0.8, maxDistance: 1_000, touchShare: 0.3 }),
  );
  const rng = new Rng("atom");
  const n = 100_000;
  let at0 = 0;
  for (let i = 0; i < n; i++) if (place.distance(rng) === 0) at0++;
  assert.ok(Math.abs(at0 / n - 0.3) < 4 * Math.sqrt(0.3 * 0.7 / n));
  assert.throws(() => placementConfigSchema.parse({ touchShare: 1.5 }));
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

Deno.test("placement: uniform edges spread the price over [(1 − w), (1 + w)]·minEdge; fixed edges unchanged", () => {
  const cfg = { maxDistance: 1, minEdge: 6, edge: "uniform" as const, edgeSpread: 0.5 };
  const place = new PowerLawPlacement(placementConfigSchema.parse(cfg));
  const rng = new Rng("uniform-edge");
  const n = 60_000;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    // reference 100 (integer): bid = ⌈100 − e⌉ − 1 with e uniform on [3, 9]
    const p = place.price(BID, 100, NaN, NaN, rng);
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  // 100 − e uniform on [91, 97]: ⌈100 − e⌉ − 1 ∈ {91 … 96}, each with probability 1/6
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [91, 92, 93, 94, 95, 96]);
  for (const p of [91, 92, 93, 94, 95, 96]) {
    const share = counts.get(p)! / n;
    assert.ok(Math.abs(share - 1 / 6) < 4 * Math.sqrt((1 / 6) * (5 / 6) / n), `${p}: ${share}`);
  }
  // asks mirror bids
  const ask = place.price(ASK, 100, NaN, NaN, new Rng(1));
  assert.ok(ask >= 104 && ask <= 109);
  // fixed edges draw nothing extra: the same stream gives the same prices as before
  const fixed = new PowerLawPlacement(placementConfigSchema.parse({ minEdge: 6 }));
  const r1 = new Rng(5), r2 = new Rng(5);
  for (let i = 0; i < 100; i++) {
    const d = fixed.distance(r2);
    assert.equal(fixed.price(BID, 100.4, NaN, NaN, r1), Math.ceil(100.4 - 6) - 1 - d);
  }
});

Deno.test("placement: with activityExponent η, edges scale by (λ/λ̄)^(−η); η = 0 ignores the activity", () => {
  const cfg = { maxDistance: 1, minEdge: 8, activityExponent: 1 };
  const place = new PowerLawPlacement(placementConfigSchema.parse(cfg));
  const rng = new Rng("activity");
  // reference 100: bid = ⌈100 − e⌉ − 1 with e = 8·(λ/λ̄)^(−1)
  assert.equal(place.price(BID, 100, NaN, NaN, rng, 1), 91);
  assert.equal(place.price(BID, 100, NaN, NaN, rng, 4), 97); // e = 2
  assert.equal(place.price(ASK, 100, NaN, NaN, rng, 4), 103);
  assert.equal(place.price(BID, 100, NaN, NaN, rng, 0.5), 83); // slower than usual: e = 16
  // never through the other side, however busy the market
  assert.equal(place.price(BID, 100, 95, 99, rng, 1e6), 98);
  // bounded factor: within [1/64, 64] of the edge
  assert.equal(activityFactor(0, 2), 64);
  assert.equal(activityFactor(1e9, 0.5), 1 / 64);
  // property: the edge falls with the activity, for every η > 0
  for (let i = 0; i < 200; i++) {
    const eta = 0.05 + 3 * rng.next();
    const a = 0.1 + 10 * rng.next();
    assert.ok(activityFactor(a * 1.5, eta) <= activityFactor(a, eta));
  }
  // η = 0 and the opposite-best anchor: the activity changes nothing
  const off = new PowerLawPlacement(placementConfigSchema.parse({ minEdge: 8 }));
  const cst = new PowerLawPlacement(
    placementConfigSchema.parse({ anchor: "opposite-best", activityExponent: 2 }),
  );
  assert.equal(cst.activityExponent, 0);
  for (const p of [off, cst]) {
    const r1 = new Rng(9), r2 = new Rng(9);
    for (let i = 0; i < 100; i++) {
      assert.equal(p.price(BID, 100.4, 90, 101, r1, 7), p.price(BID, 100.4, 90, 101, r2));
    }
  }
});
