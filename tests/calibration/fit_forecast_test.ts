import assert from "node:assert/strict";
import {
  fitForecast,
  fitForecastWeight,
  FORECAST_PARAMETER,
  responseGrowth,
} from "../../lib/calibration/fit_forecast.ts";
import { type Estimate, unidentified } from "../../lib/calibration/estimate.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("forecast weight: a noisy concave binding function is inverted near its crossing, the error covers the truth", () => {
  // G(κ) = 1 + 9(1 − κ)^0.6 plus simulation noise of sd 0.15; the tape's G at κ = 0.8
  const truth = 0.8;
  const g = (k: number) => 1 + 9 * Math.pow(1 - k, 0.6);
  const rng = new Rng("binding");
  const fit = fitForecastWeight((k) => g(k) + 0.15 * rng.normal(), {
    value: g(truth),
    se: 0.3,
    seconds: 1,
  });
  assert.ok(Math.abs(fit.kappa - truth) < 0.05, `κ ${fit.kappa}`);
  assert.ok(fit.se > 0 && fit.se < 0.1 && Math.abs(fit.kappa - truth) < 3 * fit.se);
  assert.ok(fit.simulationSe > 0 && fit.slope < 0);
  // the test-inversion interval holds the estimate and the truth, inside [0, 1]
  assert.ok(fit.ci[0] <= fit.kappa && fit.kappa <= fit.ci[1], `${fit.ci}`);
  assert.ok(fit.ci[0] <= truth && truth <= fit.ci[1] && fit.ci[0] >= 0 && fit.ci[1] <= 1);
  assert.ok(fit.se >= (fit.ci[1] - fit.ci[0]) / (2 * 1.96) - 1e-12);
  // 11 coarse points and 5 around the crossing
  assert.equal(fit.path.length, 16);
});

Deno.test("forecast weight: a tape beyond the binding function's range gives the nearest bound", () => {
  const fit = fitForecastWeight((k) => 1 + 3 * (1 - k), { value: 0.5, se: 0.1, seconds: 1 });
  assert.equal(fit.kappa, 1);
  const flat = fitForecastWeight(() => 2, { value: 3, se: 0.1, seconds: 1 });
  assert.ok(Number.isNaN(flat.se)); // a flat binding function identifies nothing
  // a tape whose error spans half the binding function's range: two simulations, κ = 1
  const noisy = fitForecastWeight((k) => 1 + 3 * (1 - k), { value: 2, se: 1.5, seconds: 1 });
  assert.equal(noisy.kappa, 1);
  assert.ok(Number.isNaN(noisy.se));
  assert.equal(noisy.path.length, 2);
});

Deno.test("forecast weight: the response grows as κ falls, and the fit recovers a known κ from simulated tapes", async () => {
  const preset = JSON.parse(
    await Deno.readTextFile(new URL("../../data/presets/amzn.json", import.meta.url)),
  );
  const est: Record<string, Estimate> = { [FORECAST_PARAMETER]: unidentified(1, "", "start") };
  const config = () => {
    const c = structuredClone(preset.config);
    c.flow.fundamental.forecastWeight = est[FORECAST_PARAMETER].value;
    return c;
  };
  // the "tapes": the market with κ = 0.8, other seeds than the fit's simulations
  const truth = 0.8;
  est[FORECAST_PARAMETER].value = truth;
  const tape = simulateRecords(config(), { seconds: 12_000, seed: 101 });
  // the response's growth with κ = 0.8 and κ = 1 on the same seed, four times the fits' tape
  // length (the difference is about two standard errors on 12,000 s with the stop-24 preset's
  // impact share, 0.61, and 1.9 on 24,000 s with the stop-29 preset's, 0.40: κ scales the
  // impact's predictable part, so a smaller impact share shows it less)
  const growth = (kappa: number, resamples?: number) => {
    est[FORECAST_PARAMETER].value = kappa;
    return responseGrowth(simulateRecords(config(), { seconds: 48_000, seed: 101 }), 0, resamples);
  };
  const flat = growth(1, 0);
  const g = growth(truth);
  est[FORECAST_PARAMETER].value = 1;
  assert.ok(g.value > flat.value + 2 * g.se, `growth ${g.value} ± ${g.se} vs κ = 1: ${flat.value}`);
  // the binding function simulated on 4 tape lengths, as the calibration does (SIMULATION_RATIO)
  const fits: number[] = [], ses: number[] = [];
  for (const seed of [101, 102, 103]) {
    est[FORECAST_PARAMETER] = unidentified(1, "", "start");
    est[FORECAST_PARAMETER].value = truth;
    const t = seed === 101 ? tape : simulateRecords(config(), { seconds: 12_000, seed });
    est[FORECAST_PARAMETER].value = 1;
    const rec = fitForecast(t, est, config, { quoteInterval: 0, seconds: 48_000, seed: 7 });
    const e = est[FORECAST_PARAMETER];
    assert.equal(e.status, "fit");
    assert.ok(e.se > 0 && e.se < 0.3, `se ${e.se}`);
    assert.equal(rec.simulatedSeconds, 48_000);
    fits.push(e.value);
    ses.push(e.se);
  }
  // measured on this market (docs/calibration.md, stage 3b): recovered within 0.15 of the truth
  // (the stop-23 preset: 0.85–0.93 on four tapes, biased towards 1; the stop-24 preset: 0.92,
  // 0.76, 0.75 on these three, standard errors 0.06, 0.13, 0.26; the stop-29 preset, impact
  // share 0.40: 0.80, 0.68, 0.67, standard errors 0.05, 0.13, 0.18), and their mean within two
  // of its standard errors (the fits' errors combined, the tapes independent)
  const mean = fits.reduce((a, b) => a + b, 0) / fits.length;
  const seMean = Math.sqrt(ses.reduce((a, b) => a + b * b, 0)) / fits.length;
  for (const k of fits) assert.ok(Math.abs(k - truth) < 0.15, `κ ${fits}`);
  assert.ok(Math.abs(mean - truth) < 2 * seMean, `mean κ ${mean} ± ${seMean}`);
});
