import assert from "node:assert/strict";
import {
  createSizeLaw,
  LogNormalMixtureSizeLaw,
  LogNormalSizeLaw,
  LomaxSizeLaw,
} from "../../lib/market/size_law.ts";
import { orderSizeConfigSchema, TouchRelativeSizes } from "../../lib/market/order_sizes.ts";
import { normalCdf } from "../../lib/analytics/distributions.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("size law: the log-normal law's distribution is that of max(1, round(X)), ln X ~ N(ln m − σ²/2, σ²)", () => {
  for (const [mean, sigma] of [[3, 0.5], [400, 2.5], [1.2, 1]] as const) {
    const law = new LogNormalSizeLaw(mean, sigma);
    const rng = new Rng(`ln:${mean}`);
    const n = 200_000;
    const ks = [1, 2, 5, 50, 500];
    const below = new Float64Array(ks.length);
    for (let i = 0; i < n; i++) {
      const v = law.draw(rng);
      assert.ok(Number.isInteger(v) && v >= 1);
      for (let j = 0; j < ks.length; j++) if (v <= ks[j]) below[j]++;
    }
    const mu = Math.log(mean) - sigma * sigma / 2;
    for (let j = 0; j < ks.length; j++) {
      const p = normalCdf((Math.log(ks[j] + 0.5) - mu) / sigma);
      const sd = Math.sqrt(p * (1 - p) / n) + 1e-4; // + the inverse normal's approximation error
      assert.ok(
        Math.abs(below[j] / n - p) < 4 * sd,
        `m ${mean} σ ${sigma}: P(V ≤ ${ks[j]}) = ${below[j] / n}, expected ${p}`,
      );
    }
  }
});

Deno.test("size law: the Lomax law draws what the size model drew before the laws were separate (bit for bit)", () => {
  for (const [mean, tail] of [[4, 1.5], [37.3, 1.1], [2, 7]] as const) {
    const law = new LomaxSizeLaw(mean, tail);
    const a = new Rng(`lomax:${mean}`), b = new Rng(`lomax:${mean}`);
    const scale = Math.max(1e-9, (mean - 0.5) * (tail - 1));
    for (let i = 0; i < 10_000; i++) {
      const want = 1 + Math.floor(scale * (Math.pow(1 - b.next(), -1 / tail) - 1));
      assert.equal(law.draw(a), want);
    }
  }
});

Deno.test("size law: the size model draws from the configured law and caps it at marketMax", () => {
  const cfg = orderSizeConfigSchema.parse({
    law: "lognormal",
    marketMean: 1e4,
    marketLogSd: 3,
    marketMax: 5_000,
    sweepProbability: 0,
  });
  assert.equal(createSizeLaw(cfg).name, "lognormal");
  const sizes = new TouchRelativeSizes(cfg);
  const rng = new Rng(2);
  let atMax = 0, small = 0;
  for (let i = 0; i < 10_000; i++) {
    const v = sizes.desiredSize(rng);
    assert.ok(v >= 1 && v <= 5_000);
    if (v === 5_000) atMax++;
    if (v < 10) small++;
    assert.ok(sizes.marketSize(7, rng) <= 7); // capped at the touch, never swept (p = 0)
  }
  // median e^(ln 10⁴ − 4.5) ≈ 111: both ends are populated
  assert.ok(atMax > 500 && small > 500, `${atMax} at the cap, ${small} under 10 lots`);
  // the schema keeps the new fields optional: an old config parses to what it did
  assert.deepEqual(Object.keys(orderSizeConfigSchema.parse({})).sort(), [
    "limitMean",
    "marketMax",
    "marketMean",
    "marketTail",
    "sweepProbability",
  ]);
});

Deno.test("size law: a log-normal mixture draws each component in its share, one uniform per draw", () => {
  const comps = [
    { weight: 0.25, median: 3, logSd: 0.4 },
    { weight: 0.75, median: 300, logSd: 1.5 },
  ];
  const law = new LogNormalMixtureSizeLaw(comps);
  const rng = new Rng("mix"), count = new Rng("mix");
  const n = 200_000;
  const ks = [1, 3, 10, 100, 1_000, 10_000];
  const below = new Float64Array(ks.length);
  for (let i = 0; i < n; i++) {
    const v = law.draw(rng);
    count.next();
    for (let j = 0; j < ks.length; j++) if (v <= ks[j]) below[j]++;
  }
  assert.equal(rng.next(), count.next()); // one uniform per draw
  for (let j = 0; j < ks.length; j++) {
    let p = 0;
    for (const c of comps) {
      p += c.weight * normalCdf((Math.log(ks[j] + 0.5) - Math.log(c.median)) / c.logSd);
    }
    const sd = Math.sqrt(p * (1 - p) / n) + 1e-4;
    assert.ok(
      Math.abs(below[j] / n - p) < 4 * sd,
      `P(V ≤ ${ks[j]}) = ${below[j] / n}, expected ${p}`,
    );
  }
  // the schema asks for the components of a mixture
  assert.throws(
    () => orderSizeConfigSchema.parse({ law: "lognormal-mix" }),
    /components/,
  );
  assert.equal(
    createSizeLaw(orderSizeConfigSchema.parse({ law: "lognormal-mix", components: comps })).name,
    "lognormal-mix",
  );
});
