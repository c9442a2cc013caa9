import assert from "node:assert/strict";
import { fitHawkes } from "../../lib/calibration/hawkes_fit.ts";
import { InsufficientDataError } from "../../lib/calibration/errors.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";
import { hawkesLogLikelihood, simulateHawkes } from "../../lib/market/hawkes.ts";
import { Rng } from "../../lib/rng/rng.ts";

const within = (est: number, se: number, truth: number, k = 3) =>
  assert.ok(Math.abs(est - truth) <= k * se, `${est} ± ${se} vs ${truth}`);

Deno.test("hawkes fit: a 3-kind process simulated with known parameters is recovered within 3 standard errors", () => {
  const truth = {
    mu: [0.5, 2, 0.3],
    alpha: [[0.3, 0, 0.1], [1.2, 0.2, 0], [0.8, 0, 0.1]],
    beta: [[4, 20, 1], [4, 20, 1], [4, 20, 1]],
  };
  const path = simulateHawkes(truth, 1_500, new Rng(11));
  const fit = fitHawkes(path.times, path.kinds, path.horizon);
  assert.ok(fit.converged, fit.reason);
  assert.ok(fit.seAvailable);
  for (let i = 0; i < 3; i++) {
    within(fit.params.mu[i], fit.muSe[i], truth.mu[i]);
    within(fit.decay[i], fit.decaySe[i], truth.beta[0][i]);
    for (let j = 0; j < 3; j++) {
      const se = fit.alphaSe[i][j];
      // entries at the boundary 0 carry no standard error: they must be near 0 in truth
      if (Number.isNaN(se)) assert.ok(truth.alpha[i][j] === 0, `alpha[${i}][${j}]`);
      else within(fit.params.alpha[i][j], se, truth.alpha[i][j]);
    }
  }
  // the value reported is the library's own likelihood, and it beats the Poisson fit
  assert.equal(
    fit.logLikelihood,
    hawkesLogLikelihood(fit.params, path.times, path.kinds, path.horizon),
  );
  assert.ok(fit.logLikelihood > fit.poissonLogLikelihood + 100);
  assert.ok(fit.branchingRatio < 1);
});

Deno.test("hawkes fit: standard errors are honest (coverage over 20 simulated paths)", () => {
  let covered = 0;
  for (let s = 0; s < 20; s++) {
    const path = simulateHawkes({ mu: [1], alpha: [[0.5]], beta: [[5]] }, 600, new Rng(`cov-${s}`));
    const fit = fitHawkes(path.times, path.kinds, path.horizon);
    if (Math.abs(fit.params.alpha[0][0] - 0.5) <= 1.96 * fit.alphaSe[0][0]) covered++;
  }
  // 95 % nominal: at least 15 of 20 (P[Bin(20, 0.95) < 15] < 0.3 %)
  assert.ok(covered >= 15, `covered ${covered} of 20`);
});

Deno.test("hawkes fit: the book tier's market orders, simulated with known excitation, are fitted back", () => {
  const cfg = {
    duration: 600,
    regimes: {
      names: ["one"],
      volMultipliers: [1],
      flowMultipliers: [1],
      rates: [[0]],
      initial: 0,
    },
    flow: {
      informed: { share: 0 },
      arrivals: {
        marketRate: 1.5,
        alpha: [[0.4, 0, 0], [2, 0, 0], [2, 0, 0]],
        beta: [[6, 6, 6], [6, 6, 6], [6, 6, 6]],
      },
    },
  };
  const [rec] = simulateRecords(cfg, { seconds: 600, seed: 4 });
  const t0 = rec.segments[0][0];
  const times = Float64Array.from(rec.moTime, (t) => t - t0);
  const fit = fitHawkes(times, new Int32Array(times.length), rec.segments[0][1] - t0);
  assert.ok(fit.converged);
  within(fit.params.mu[0], fit.muSe[0], 1.5);
  within(fit.params.alpha[0][0], fit.alphaSe[0][0], 0.4);
  within(fit.decay[0], fit.decaySe[0], 6);
});

Deno.test("hawkes fit: too few events is a named error; an optimizer stopped early says so", () => {
  const path = simulateHawkes({ mu: [1], alpha: [[0.3]], beta: [[2]] }, 20, new Rng(1));
  assert.throws(
    () => fitHawkes(path.times, path.kinds, path.horizon, { minEvents: 100 }),
    (e: unknown) => e instanceof InsufficientDataError && /hawkes \(kind 0\)/.test(e.message),
  );
  const long = simulateHawkes({ mu: [1], alpha: [[0.3]], beta: [[2]] }, 500, new Rng(2));
  const fit = fitHawkes(long.times, long.kinds, long.horizon, { maxIterations: 1 });
  assert.equal(fit.converged, false);
  assert.match(fit.reason, /iteration limit/);
  assert.throws(() => fitHawkes([2, 1], [0, 0], 3), /sorted times/);
});
