import assert from "node:assert/strict";
import { fitLiquidityState } from "../../lib/calibration/fit_liquidity_state.ts";
import type { MarketRecord } from "../../lib/calibration/record.ts";
import { Rng } from "../../lib/rng/rng.ts";
import { normalFromUniform } from "../../lib/market/price_process.ts";

/** A record whose spread is base·e^(x + noise), x an AR(1) over steps of `step` seconds. */
function spreadRecord(
  seed: number,
  opts: { sigma: number; tau: number; noise: number; minutes: number; segments?: number },
): MarketRecord {
  const rng = new Rng(seed);
  const step = 5;
  const rho = Math.exp(-step / opts.tau);
  const n = opts.minutes * 60 / step;
  const t: number[] = [], bid: number[] = [], ask: number[] = [];
  let x = opts.sigma * normalFromUniform(rng.next());
  for (let i = 0; i < n; i++) {
    x = rho * x + opts.sigma * Math.sqrt(1 - rho * rho) * normalFromUniform(rng.next());
    t.push(i * step);
    bid.push(10_000);
    ask.push(10_000 + 12 * Math.exp(x + opts.noise * normalFromUniform(rng.next())));
  }
  const k = opts.segments ?? 1;
  const len = n * step / k;
  const segments = Array.from({ length: k }, (_, j) => [j * len, (j + 1) * len]);
  return {
    segments,
    qTime: Float64Array.from(t),
    bid: Float64Array.from(bid),
    ask: Float64Array.from(ask),
  } as unknown as MarketRecord;
}

Deno.test("fit liquidity state: recovers σ and τ of a slow log spread under fast noise", () => {
  for (const [sigma, tau] of [[0.2, 600], [0.4, 1_800]]) {
    const fits = [1, 2, 3].map((s) =>
      fitLiquidityState([spreadRecord(s, { sigma, tau, noise: 0.5, minutes: 3_000 })])!
    );
    for (const f of fits) {
      assert.ok(Math.abs(f.sigma - sigma) < 4 * f.sigmaSe + 0.03, `σ̂ ${f.sigma} ± ${f.sigmaSe}`);
      assert.ok(f.timeScale > tau / 2.5 && f.timeScale < tau * 2.5, `τ̂ ${f.timeScale} for ${tau}`);
      // the fast noise is in the variance (lag 0), not in the fit
      assert.ok(f.variance > sigma * sigma + 0.001);
    }
  }
});

Deno.test("fit liquidity state: no slow state gives σ near 0; short records give null", () => {
  const f = fitLiquidityState([spreadRecord(5, { sigma: 0, tau: 600, noise: 0.5, minutes: 600 })])!;
  assert.ok(f.sigma < 0.06, `σ̂ ${f.sigma}`);
  assert.equal(
    fitLiquidityState([spreadRecord(5, { sigma: 0.3, tau: 600, noise: 0, minutes: 15 })]),
    null,
  );
});

Deno.test("fit liquidity state: no pair spans two segments", () => {
  // the same bins, as one segment and as 120 segments of ten minutes (ten bins each)
  const one = fitLiquidityState([
    spreadRecord(7, { sigma: 0.3, tau: 3_000, noise: 0.2, minutes: 1_200 }),
  ])!;
  const many = fitLiquidityState([
    spreadRecord(7, { sigma: 0.3, tau: 3_000, noise: 0.2, minutes: 1_200, segments: 120 }),
  ])!;
  // ten-minute segments hold lags up to 9 bins only: the later lags have no pairs
  assert.equal(one.bins, many.bins);
  assert.ok(many.autocovariance.slice(9).every((c) => Number.isNaN(c)));
  assert.ok(one.autocovariance.every((c) => Number.isFinite(c)));
});
