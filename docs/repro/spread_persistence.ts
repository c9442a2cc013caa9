/**
 * How long a preset's spread stays wide or narrow, against the tape's (docs/calibration.md,
 * "Stop 59"; measured at stop 59): the log of the time-weighted mean spread over 60-s bins, its
 * variance and autocorrelation at lags of 1, 2, 5, 10 and 30 minutes, the correlation over bins
 * of the spread and the number of market orders, and the liquidity state's fit
 * (`fitLiquidityState`: σ and τ of the slow part), on the tape and on the preset simulated for
 * as long (realism seed 0).
 *
 * Usage, from the repository root:
 * `deno run -A docs/repro/spread_persistence.ts PRESET DATA…` (a preset's name or file; a few
 * seconds for the AMZN day).
 *
 * @module
 */
import {
  fitLiquidityState,
  loadTapeSync,
  type MarketRecord,
  resolveMarket,
  runRealism,
  timeWeightedSpread,
} from "../../mod.ts";

const BIN = 60;

/** Per bin of each segment: the log time-weighted spread, the orders, and the segment. */
function bins(recs: readonly MarketRecord[]): { y: number[]; n: number[]; seg: number[] } {
  const y: number[] = [], n: number[] = [], seg: number[] = [];
  let s = 0;
  for (const r of recs) {
    let i = 0;
    for (const [a, b] of r.segments) {
      for (let t0 = a; t0 + BIN <= b; t0 += BIN) {
        const [mean, tw] = timeWeightedSpread(r, t0, t0 + BIN);
        let c = 0;
        while (i < r.moTime.length && r.moTime[i] < t0) i++;
        for (; i < r.moTime.length && r.moTime[i] < t0 + BIN; i++) c++;
        if (tw > 0) {
          y.push(Math.log(mean));
          n.push(c);
          seg.push(s);
        }
      }
      s++;
    }
  }
  return { y, n, seg };
}

/** Correlation of x[i] and y[i + lag] over pairs in one segment. */
function corr(x: number[], y: number[], seg: number[], lag: number): number {
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i + lag < x.length; i++) {
    if (seg[i] !== seg[i + lag]) continue;
    a.push(x[i]);
    b.push(y[i + lag]);
  }
  const ma = a.reduce((u, v) => u + v, 0) / a.length;
  const mb = b.reduce((u, v) => u + v, 0) / b.length;
  let c = 0, va = 0, vb = 0;
  for (let i = 0; i < a.length; i++) {
    c += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return c / Math.sqrt(va * vb);
}

const [presetPath, ...data] = Deno.args;
if (presetPath === undefined || data.length === 0) {
  console.error("usage: deno run -A docs/repro/spread_persistence.ts PRESET DATA…");
  Deno.exit(2);
}
const market = await resolveMarket(presetPath, "preset");
const run = runRealism(market.config, data.map((d) => loadTapeSync(d)), { seed: 0, resamples: 20 });
const f = (x: number) => x.toFixed(3);
for (const [name, recs] of [["tape", run.real], ["simulation", run.sim]] as const) {
  const { y, n, seg } = bins(recs);
  const m = y.reduce((u, v) => u + v, 0) / y.length;
  const variance = y.reduce((u, v) => u + (v - m) ** 2, 0) / y.length;
  const lags = [1, 2, 5, 10, 30].map((l) => `${l} min ${f(corr(y, y, seg, l))}`).join(", ");
  const fit = fitLiquidityState(recs);
  console.log(
    `${name}: log 60-s spread variance ${f(variance)}; autocorrelation ${lags}; ` +
      `corr(spread, orders) ${f(corr(y, n, seg, 0))}; ` +
      (fit === null
        ? "the liquidity state is not identified"
        : `slow part σ ${f(fit.sigma)} ± ${f(fit.sigmaSe)}, τ ${fit.timeScale.toFixed(0)} ± ` +
          `${fit.timeScaleSe.toFixed(0)} s`),
  );
}
