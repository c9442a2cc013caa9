import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import {
  allocationCloud,
  allocationGrid,
  candidateAllocations,
  covarianceMatrix,
  efficientEnvelope,
  gridSize,
  gridSteps,
  portfolioMean,
  portfolioRisk,
  sampleMeans,
  weightedSum,
} from "../../lib/analytics/portfolio.ts";

Deno.test("allocationGrid: every row is long-only, sums to 1, rows are distinct", () => {
  for (const [k, steps] of [[1, 5], [2, 4], [3, 10], [5, 6]]) {
    const g = allocationGrid(k, steps);
    assert.equal(g.length / k, gridSize(k, steps));
    const seen = new Set<string>();
    for (let r = 0; r < g.length / k; r++) {
      const row = Array.from(g.subarray(r * k, (r + 1) * k));
      assert.ok(row.every((w) => w >= 0));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      seen.add(row.join(","));
    }
    assert.equal(seen.size, g.length / k);
  }
});

Deno.test("gridSteps: the grid stays within its size budget", () => {
  for (let k = 1; k <= 9; k++) assert.ok(gridSize(k, gridSteps(k, 100_000)) <= 100_000);
});

Deno.test("portfolio risk matches the sample std of the weighted P&L (property)", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 6, maxLength: 6 }),
        {
          minLength: 2,
          maxLength: 4,
        },
      ),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
      (samples, raw) => {
        const k = samples.length;
        const s = raw.slice(0, k).reduce((a, b) => a + b, 0);
        fc.pre(s > 1e-6);
        const w = raw.slice(0, k).map((x) => x / s);
        const mix = samples[0].map((_, e) => samples.reduce((acc, x, i) => acc + w[i] * x[e], 0));
        const m = mix.reduce((a, b) => a + b, 0) / mix.length;
        const sd = Math.sqrt(mix.reduce((a, v) => a + (v - m) ** 2, 0) / (mix.length - 1));
        const cov = covarianceMatrix(samples);
        assert.ok(Math.abs(portfolioRisk(w, cov) - sd) < 1e-6 * (1 + sd));
        assert.ok(Math.abs(portfolioMean(w, sampleMeans(samples)) - m) < 1e-9 * (1 + Math.abs(m)));
      },
    ),
  );
});

Deno.test("candidateAllocations: the minimum-risk mix is no riskier than any single strategy", () => {
  const a = [1, 2, 3, 2, 1, 4, 2, 3], b = [3, 1, 2, 4, 2, 1, 3, 2], c = [2, 2, 2, 3, 2, 2, 2, 2];
  const mu = sampleMeans([a, b, c]), cov = covarianceMatrix([a, b, c]);
  const cloud = allocationCloud(mu, cov);
  const [equal, minRisk, best] = candidateAllocations(cloud);
  assert.equal(equal.name, "equal weight");
  for (let i = 0; i < 3; i++) {
    const unit = [0, 1, 2].map((j) => (j === i ? 1 : 0));
    assert.ok(portfolioRisk(minRisk.weights, cov) <= portfolioRisk(unit, cov) + 1e-12);
    assert.ok(
      portfolioMean(best.weights, mu) / portfolioRisk(best.weights, cov) >=
        portfolioMean(unit, mu) / portfolioRisk(unit, cov) - 1e-12,
    );
  }
});

Deno.test("efficientEnvelope: risk and mean both increase along the envelope", () => {
  const risk = Array.from({ length: 200 }, (_, i) => 1 + (i * 37 % 101) / 10);
  const mean = risk.map((r, i) => Math.sqrt(r) - (i % 7) * 0.1);
  const e = efficientEnvelope(risk, mean, 25);
  for (let i = 1; i < e.risk.length; i++) {
    assert.ok(e.risk[i] > e.risk[i - 1]);
    assert.ok(e.mean[i] > e.mean[i - 1]);
  }
});

Deno.test("covarianceMatrix rejects samples of different lengths, naming the sample", () => {
  assert.throws(() => covarianceMatrix([[1, 2], [1]]), /samples\[1\]\.length/);
  assert.deepEqual(Array.from(weightedSum([0.5, 0.5], [[2, 4], [0, 2]])), [1, 3]);
});
