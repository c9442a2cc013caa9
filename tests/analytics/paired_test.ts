import assert from "node:assert/strict";
import {
  compareMetrics,
  pairedComparison,
  pairedTTest,
  signFlipTest,
  wilcoxonSignedRank,
} from "../../lib/analytics/paired.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

Deno.test("pairedTTest: hand value and scipy.stats.ttest_1samp", () => {
  // d = [1, 2, 3, −1, 0]: mean 1; deviations 0, 1, 2, −2, −1 → Σ² 10 / 4 = 2.5;
  // se = √2.5/√5 = √0.5 → t = √2; df 4; scipy p = 0.2301996410804989
  const r = pairedTTest([1, 2, 3, -1, 0]);
  close(r.t, Math.SQRT2);
  assert.equal(r.df, 4);
  close(r.p, 0.2301996410804989, 1e-12);
  // scipy: ttest_1samp([.5,−1.2,2.2,2.2,−.5,.9,1.4,0,3.1,−2.2,.7,1.1], 0) → t 1.5721731388619433,
  // p 0.1442116895204604
  const s = pairedTTest([0.5, -1.2, 2.2, 2.2, -0.5, 0.9, 1.4, 0, 3.1, -2.2, 0.7, 1.1]);
  close(s.t, 1.5721731388619433, 1e-12);
  close(s.p, 0.1442116895204604, 1e-12);
  assert.ok(Number.isNaN(pairedTTest([1]).p));
  assert.ok(Number.isNaN(pairedTTest([0, 0, 0]).p));
  assert.equal(pairedTTest([2, 2, 2]).p, 0);
});

Deno.test("wilcoxonSignedRank: hand value and scipy.stats.wilcoxon(method='approx')", () => {
  // d = [1, 2, 3, −1, 0]: the zero is dropped; |d| = 1, 2, 3, 1 → ranks 1.5, 3, 4, 1.5
  // W⁺ = 1.5 + 3 + 4 = 8.5, W⁻ = 1.5 → T = 1.5; n = 4: μ = 5,
  // var = 4·5·9/24 − (2³ − 2)/48 = 7.5 − 0.125 = 7.375 → z = −3.5/√7.375 = −1.28880
  // p = 2Φ(z) = 0.1974660733580187 (scipy)
  const r = wilcoxonSignedRank([1, 2, 3, -1, 0]);
  assert.equal(r.statistic, 1.5);
  assert.equal(r.n, 4);
  close(r.z, -3.5 / Math.sqrt(7.375));
  close(r.p, 0.1974660733580187, 1e-12);
  // scipy values (zero_method="wilcox", correction=False, method="approx")
  const s = wilcoxonSignedRank([0.5, -1.2, 2.2, 2.2, -0.5, 0.9, 1.4, 0, 3.1, -2.2, 0.7, 1.1]);
  assert.equal(s.statistic, 16.5);
  close(s.p, 0.1413813277366144, 1e-12);
  const t = wilcoxonSignedRank([1, 1, 1, -1, 2, 2, -2, 3, 3, 3, 3, -3, 4, 5]);
  assert.equal(t.statistic, 18.5);
  close(t.p, 0.03135780735508925, 1e-12);
  assert.ok(Number.isNaN(wilcoxonSignedRank([0, 0]).p));
});

Deno.test("signFlipTest: exact enumeration by hand, Monte Carlo agrees", () => {
  // 2³ sign patterns of [1, 2, 3]: sums ±6, ±4, ±2, ±0 … |Σ| ≥ 6 only for +++ and −−−
  close(signFlipTest([1, 2, 3]), 2 / 8);
  // [1, −1]: observed |Σ| = 0, every pattern has |Σ| ≥ 0
  close(signFlipTest([1, -1]), 1);
  // [3, 1, 1]: sums 5, 3, 3, 1, −1, −3, −3, −5 (flipping 1, 1, or 3) → |Σ| ≥ 5: 2 of 8
  close(signFlipTest([3, 1, 1]), 0.25);
  // Monte Carlo (exactMaxN 0) vs exact on n = 12: agree within 4 binomial sd
  const rng = new Rng("signflip");
  const d = Array.from({ length: 12 }, () => rng.normal(0.4, 1));
  const exact = signFlipTest(d);
  const mc = signFlipTest(d, { exactMaxN: 0, permutations: 20_000, seed: 3 });
  const sd = Math.sqrt(exact * (1 - exact) / 20_000);
  assert.ok(Math.abs(mc - exact) < 4 * sd + 1e-4, `mc ${mc} exact ${exact}`);
  assert.equal(mc, signFlipTest(d, { exactMaxN: 0, permutations: 20_000, seed: 3 }));
  assert.ok(Number.isNaN(signFlipTest([])));
});

Deno.test("pairedComparison: scipy.stats.ttest_rel values, CI, tests agree in direction", () => {
  const a = [3.1, 2.4, 4.0, 1.9, 3.3, 2.8];
  const b = [2.5, 2.6, 3.1, 1.2, 2.9, 2.0];
  // d = 0.6, −0.2, 0.9, 0.7, 0.4, 0.8 → mean 3.2/6 = 0.5333…
  // scipy ttest_rel: t = 3.27968024676315, p = 0.021962282317035935
  const c = pairedComparison(a, b, { seed: 1 });
  assert.equal(c.n, 6);
  close(c.meanDiff, 3.2 / 6, 1e-12);
  close(c.tStatistic, 3.27968024676315, 1e-10);
  close(c.tTestP, 0.021962282317035935, 1e-12);
  assert.ok(c.ci95[0] > 0 && c.ci95[0] < c.meanDiff && c.meanDiff < c.ci95[1]);
  // exact sign flip: |Σ| = 3.2 is reached by flipping nothing or only −0.2 (→ 3.6), and the
  // mirrors: 4 of 64 patterns
  close(c.permutationP, 4 / 64);
  // Wilcoxon: |d| ranks 0.2→1, 0.4→2, 0.6→3, 0.7→4, 0.8→5, 0.9→6; W⁻ = 1 → T = 1
  assert.equal(c.wilcoxonStatistic, 1);
  assert.deepEqual(pairedComparison(a, b, { seed: 1 }), c);
  assert.throws(() => pairedComparison([1, 2], [1]), ValidationError);
  // non-finite pairs are dropped
  assert.equal(pairedComparison([1, NaN, 3, 4], [0, 1, 1, 1]).n, 3);
});

Deno.test("paired tests hold their size under the null (seeded simulation)", () => {
  // 300 null experiments of n = 30 N(0, 1) differences: the rejection rate at 5 % should be
  // within Binomial(300, 0.05) tolerance (sd 0.0126): accept [0.01, 0.10]
  const rng = new Rng("null-size");
  const d = new Float64Array(30);
  let rt = 0, rw = 0;
  for (let r = 0; r < 300; r++) {
    for (let i = 0; i < d.length; i++) d[i] = rng.normal();
    if (pairedTTest(d).p < 0.05) rt++;
    if (wilcoxonSignedRank(d).p < 0.05) rw++;
  }
  assert.ok(rt / 300 >= 0.01 && rt / 300 <= 0.1, `t-test size ${rt / 300}`);
  assert.ok(rw / 300 >= 0.01 && rw / 300 <= 0.1, `wilcoxon size ${rw / 300}`);
});

Deno.test("compareMetrics: per-metric paired comparisons with flattened keys", () => {
  const A = [{ pnl: 3, mk: { "1s": 0.2 } }, { pnl: 5, mk: { "1s": 0.1 } }, {
    pnl: 4,
    mk: { "1s": 0 },
  }];
  const B = [{ pnl: 1, mk: { "1s": 0.1 } }, { pnl: 2, mk: { "1s": 0.1 } }, {
    pnl: 2,
    mk: { "1s": 0.1 },
  }];
  const c = compareMetrics(A, B, 5);
  assert.deepEqual(Object.keys(c), ["pnl", "mk.1s"]);
  // pnl diffs 2, 3, 2 → mean 7/3
  close(c.pnl.meanDiff, 7 / 3);
  assert.deepEqual(Array.from(c.pnl.diffs), [2, 3, 2]);
  assert.throws(() => compareMetrics(A, B.slice(1), 5), ValidationError);
});
