import assert from "node:assert/strict";
import {
  MOMENTS_STRIDE,
  packMoments,
  pooledRatios,
  pooledSummary,
  returnMoments,
} from "../../lib/analytics/pooled.ts";
import { sharpeRatio, sortinoRatio } from "../../lib/analytics/ratios.ts";
import fc from "npm:fast-check@4.10.2";

function pack(episodes: number[][]): Float64Array {
  const out = new Float64Array(episodes.length * MOMENTS_STRIDE);
  episodes.forEach((r, i) => packMoments(returnMoments(r), out, i));
  return out;
}

Deno.test("pooled ratios equal the ratios of the concatenated series (property)", () => {
  const ret = fc.double({ min: -0.01, max: 0.01, noNaN: true });
  fc.assert(
    fc.property(
      fc.array(fc.array(ret, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 8 }),
      (eps) => {
        const all = eps.flat();
        fc.pre(all.length >= 2);
        const p = pooledRatios(pack(eps), 252);
        const s = sharpeRatio(all, 252), so = sortinoRatio(all, 252);
        const near = (a: number, b: number) =>
          (Number.isNaN(a) && Number.isNaN(b)) ||
          Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
        // Near-zero dispersion makes both sides numerically fragile: compare when well defined.
        if (Number.isFinite(s) && Math.abs(s) < 1e6) {
          assert.ok(near(p.sharpe, s), `${p.sharpe} vs ${s}`);
        }
        if (Number.isFinite(so) && Math.abs(so) < 1e6) {
          assert.ok(near(p.sortino, so), `${p.sortino} vs ${so}`);
        }
      },
    ),
    { numRuns: 200, seed: 7 },
  );
});

Deno.test("a pooled Sharpe has the sign of the mean P&L even when episode Sharpes disagree", () => {
  // Nine calm winning episodes and one volatile big loser: the mean of per-episode Sharpe
  // ratios is positive, the total P&L and the pooled Sharpe are negative.
  const eps: number[][] = [];
  for (let i = 0; i < 9; i++) eps.push([0.001, 0.0011, 0.0009, 0.001]);
  eps.push([-0.05, 0.01, -0.04, 0.02]);
  const meanEpSharpe = eps.map((r) => sharpeRatio(r, 252)).reduce((a, b) => a + b) / eps.length;
  const total = eps.flat().reduce((a, b) => a + b);
  assert.ok(meanEpSharpe > 0 && total < 0);
  const s = pooledSummary(pack(eps), eps.map((r) => r.reduce((a, b) => a + b)), 252, "t");
  assert.ok(s.sharpePooled.mean < 0);
  assert.ok(
    s.sharpePooled.ci95[0] <= s.sharpePooled.mean && s.sharpePooled.mean <= s.sharpePooled.ci95[1],
  );
  assert.ok(s.episodeSharpe.mean < 0);
  // Deterministic for the same seed.
  assert.deepEqual(
    pooledSummary(pack(eps), [1, 2, 3, 4, 5, 6, 7, 8, 9, -40], 252, "t"),
    pooledSummary(pack(eps), [1, 2, 3, 4, 5, 6, 7, 8, 9, -40], 252, "t"),
  );
});
