import assert from "node:assert/strict";
import { fitTiming, sendShareOf, timingLogLikelihood } from "../../lib/calibration/fit_timing.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** Multinomial sample of `n` orders over spreads 1..S with P(s) ∝ T_s·min(1, (s0/s)^γ). */
function sample(n: number, s0: number, gamma: number, rng: Rng) {
  const S = 30;
  const seconds = new Float64Array(S + 1);
  for (let s = 1; s <= S; s++) seconds[s] = Math.exp(-((s - 12) ** 2) / 50); // a hump at 12
  const w = Float64Array.from(seconds, (t, s) => s ? t * Math.min(1, (s0 / s) ** gamma) : 0);
  const total = w.reduce((a, b) => a + b, 0);
  const orders = new Float64Array(S + 1);
  for (let i = 0; i < n; i++) {
    let u = rng.next() * total, s = 1;
    while (s < S && (u -= w[s]) > 0) s++;
    orders[s]++;
  }
  return { orders, seconds };
}

Deno.test("fit_timing: recovers (s0, γ) within 4 standard errors", () => {
  const rng = new Rng("timing");
  for (const [s0, gamma] of [[1.5, 1.3], [4, 2]]) {
    const f = fitTiming(sample(20_000, s0, gamma, rng))!;
    assert.ok(Number.isFinite(f.exponentSe) && f.exponentSe > 0);
    assert.ok(Math.abs(f.exponent - gamma) < 4 * f.exponentSe, `γ ${f.exponent} ± ${f.exponentSe}`);
    assert.ok(Math.abs(f.scale - s0) < 4 * f.scaleSe + 0.01, `s0 ${f.scale} ± ${f.scaleSe}`);
    assert.ok(f.ratio < 1); // orders at narrower spreads than the time average
  }
});

Deno.test("fit_timing: the likelihood peaks at the estimate; too few orders give null", () => {
  const c = sample(5_000, 2, 1, new Rng("ll"));
  const f = fitTiming(c)!;
  const best = timingLogLikelihood(c, f.scale, f.exponent);
  for (const [ds, dg] of [[0.3, 0], [-0.3, 0], [0, 0.2], [0, -0.2]]) {
    assert.ok(timingLogLikelihood(c, Math.max(1, f.scale + ds), f.exponent + dg) <= best + 1e-9);
  }
  assert.equal(fitTiming(sample(50, 2, 1, new Rng("few"))), null);
});

Deno.test("sendShareOf: 1 when every spread is sent at, the time-weighted send probability otherwise", () => {
  const counts = { seconds: new Float64Array([0, 5, 5, 0, 10]), orders: new Float64Array(5) };
  assert.equal(sendShareOf(counts, 10, 2), 1);
  // a(s) = min(1, (2/s)^1): 1, 1, 0.5 at 1, 2, 4 ticks
  assert.equal(sendShareOf(counts, 2, 1), (5 + 5 + 10 * 0.5) / 20);
  assert.equal(sendShareOf({ seconds: new Float64Array(3), orders: new Float64Array(3) }, 2, 1), 1);
});
