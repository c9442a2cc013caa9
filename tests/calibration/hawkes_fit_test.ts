import assert from "node:assert/strict";
import { fitHawkes, fitHawkesComponents, jitterTimes } from "../../lib/calibration/hawkes_fit.ts";
import { timeResolution } from "../../lib/calibration/record.ts";
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

Deno.test("hawkes fit: kernels of two exponentials are recovered within 3 standard errors (property over random truths)", () => {
  // random truths: a fast (100–1,000/s) and a slow (0.5–5/s) component, total branching
  // 0.3–0.7; every parameter must be within 3 standard errors (9 parameters × 4 truths:
  // a 3σ miss has probability ≈ 1 %)
  const rng = new Rng("sumexp-property");
  let misses = 0;
  for (let r = 0; r < 4; r++) {
    const fastB = 100 * 10 ** rng.next(), slowB = 0.5 * 10 ** rng.next();
    const n = 0.3 + 0.4 * rng.next(), share = 0.3 + 0.4 * rng.next();
    const truth = {
      mu: [0.5 + rng.next()],
      alpha: [[n * share]],
      beta: [[fastB]],
      extraKernels: [{ alpha: [[n * (1 - share)]], beta: [[slowB]] }],
    };
    const path = simulateHawkes(truth, 3_000, new Rng(`sumexp-${r}`));
    const fit = fitHawkes(path.times, path.kinds, path.horizon, { components: 2 });
    assert.ok(fit.converged, fit.reason);
    assert.ok(fit.seAvailable, fit.notes.join("; "));
    const [fast, slow] = fit.components;
    const checks: [number, number, number][] = [
      [fit.params.mu[0], fit.muSe[0], truth.mu[0]],
      [fast.alpha[0][0], fast.alphaSe[0][0], n * share],
      [fast.decay[0], fast.decaySe[0], fastB],
      [slow.alpha[0][0], slow.alphaSe[0][0], n * (1 - share)],
      [slow.decay[0], slow.decaySe[0], slowB],
    ];
    for (const [est, se, want] of checks) if (Math.abs(est - want) > 3 * se) misses++;
    // the extra component is in params, fastest first, and the likelihood is the library's
    assert.equal(fit.params.extraKernels?.length, 1);
    assert.equal(
      fit.logLikelihood,
      hawkesLogLikelihood(fit.params, path.times, path.kinds, path.horizon),
    );
    assert.equal(fit.parameters, 5);
  }
  assert.ok(misses <= 1, `${misses} of 20 estimates beyond 3 standard errors`);
});

Deno.test("hawkes fit: AIC picks two exponentials for a two-scale truth and one for a one-scale truth", () => {
  const two = simulateHawkes(
    { mu: [1], alpha: [[0.3]], beta: [[300]], extraKernels: [{ alpha: [[0.3]], beta: [[1]] }] },
    2_000,
    new Rng("aic-two"),
  );
  const r2 = fitHawkesComponents(two.times, two.kinds, two.horizon, { maxComponents: 3 });
  assert.equal(r2.components, 2, r2.fits.map((f) => f.aic).join(", "));
  assert.ok(r2.fits[1].logLikelihood > r2.fits[0].logLikelihood + 50);
  const one = simulateHawkes({ mu: [1], alpha: [[0.5]], beta: [[20]] }, 2_000, new Rng("aic-one"));
  const r1 = fitHawkesComponents(one.times, one.kinds, one.horizon, { maxComponents: 2 });
  assert.equal(r1.components, 1, r1.fits.map((f) => f.aic).join(", "));
  // nesting: the 2-component fit starts from the 1-component optimum, so it is at least as good
  assert.ok(r1.fits[1].logLikelihood >= r1.fits[0].logLikelihood - 1e-6);
  assert.throws(
    () => fitHawkesComponents(one.times, one.kinds, one.horizon, { maxComponents: 9 }),
    /maxComponents/,
  );
});

Deno.test("hawkes fit: Poisson arrivals are preferred to any kernel by the same criterion; clustered ones are not", () => {
  let preferred = 0;
  for (let r = 0; r < 10; r++) {
    const flat = simulateHawkes({ mu: [2], alpha: [[0]], beta: [[5]] }, 1_000, new Rng(`poi-${r}`));
    const f = fitHawkesComponents(flat.times, flat.kinds, flat.horizon, { maxComponents: 2 });
    const n = flat.times.length;
    // the Poisson process at its maximum: n log(n/T) − n, one parameter
    assert.ok(Math.abs(f.poisson.logLikelihood - (n * Math.log(n / flat.horizon) - n)) < 1e-6);
    assert.equal(f.poisson.aic, 2 - 2 * f.poisson.logLikelihood);
    assert.equal(f.poisson.rates[0], n / flat.horizon);
    assert.equal(f.poissonPreferred, f.poisson.aic <= f.chosen.aic);
    if (f.poissonPreferred) preferred++;
  }
  // AIC pays 2 per parameter: a kernel (α, β) on Poisson data wins when its likelihood ratio
  // exceeds 4, about 1 time in 10 for a boundary parameter
  assert.ok(preferred >= 7, `${preferred} of 10`);
  const clustered = simulateHawkes(
    { mu: [2], alpha: [[0.3]], beta: [[5]] },
    1_000,
    new Rng("poi-c"),
  );
  const c = fitHawkesComponents(clustered.times, clustered.kinds, clustered.horizon, {
    maxComponents: 2,
  });
  assert.equal(c.poissonPreferred, false);
  // with a known modulation m of the baseline, the Poisson fit is μ·m: μ = n / ∫m, and the
  // likelihood counts Σ log m at the events
  const m = Float64Array.from(clustered.times, (t) => (t < clustered.horizon / 2 ? 0.5 : 1.5));
  const mod = fitHawkesComponents(clustered.times, clustered.kinds, clustered.horizon, {
    maxComponents: 1,
    baseline: { atEvents: m, integral: clustered.horizon },
  });
  const n = clustered.times.length;
  const logM = m.reduce((a, v) => a + Math.log(v), 0);
  const expected = n * Math.log(n / clustered.horizon) - n + logM;
  assert.ok(Math.abs(mod.poisson.logLikelihood - expected) < 1e-6);
});

Deno.test("hawkes fit: a millisecond clock is detected and jittered away; the fast decay is then not the clock's", () => {
  const truth = {
    mu: [2],
    alpha: [[0.3]],
    beta: [[150]],
    extraKernels: [{ alpha: [[0.3]], beta: [[5]] }],
  };
  const path = simulateHawkes(truth, 1_500, new Rng("clock"));
  const stamped = path.times.map((t) => Math.floor(t * 1000) / 1000);
  assert.equal(timeResolution(stamped), 0.001);
  assert.equal(timeResolution(path.times), 0);
  const { times, order } = jitterTimes(stamped, 0.001, new Rng("j"));
  for (let m = 0; m < times.length; m++) {
    assert.ok(times[m] >= stamped[order[m]] && times[m] < stamped[order[m]] + 0.001);
    if (m > 0) assert.ok(times[m] >= times[m - 1]);
  }
  const fit = fitHawkes(times, new Int32Array(times.length), path.horizon + 0.001, {
    components: 2,
  });
  assert.ok(fit.converged);
  const fast = fit.components[0];
  assert.ok(
    Math.abs(fast.decay[0] - 150) < 3 * fast.decaySe[0],
    `${fast.decay[0]} ± ${fast.decaySe[0]}`,
  );
});

/** A 1-kind exponential Hawkes process with baseline μ·m(t) (Ogata's thinning). */
function modulatedHawkes(
  mu: number,
  alpha: number,
  beta: number,
  m: (t: number) => number,
  mMax: number,
  horizon: number,
  rng: Rng,
): number[] {
  const times: number[] = [];
  let t = 0, e = 0; // e: excitation at t
  for (;;) {
    const bound = mu * mMax + e;
    const dt = rng.exponential(bound);
    t += dt;
    e *= Math.exp(-beta * dt);
    if (t >= horizon) return times;
    if (rng.next() * bound < mu * m(t) + e) {
      times.push(t);
      e += alpha * beta;
    }
  }
}

Deno.test("hawkes fit: with a known baseline modulation (regimes), the kernel and baseline are recovered and the plain fit over-states the excitation", () => {
  // baseline 0.25× for 300 s, then 1.75× for 300 s, …: mean multiplier 1
  const m = (t: number) => Math.floor(t / 300) % 2 === 0 ? 0.25 : 1.75;
  const horizon = 12_000;
  const times = modulatedHawkes(0.5, 0.4, 5, m, 1.75, horizon, new Rng(21));
  const at = Float64Array.from(times, m);
  const fit = fitHawkes(times, new Int32Array(times.length), horizon, {
    baseline: { atEvents: at, integral: horizon },
  });
  assert.ok(fit.converged, fit.reason);
  within(fit.params.mu[0], fit.muSe[0], 0.5);
  within(fit.params.alpha[0][0], fit.alphaSe[0][0], 0.4);
  within(fit.decay[0], fit.decaySe[0], 5);
  // the same tape without the modulation: the excitation absorbs the regimes' clustering
  const plain = fitHawkes(times, new Int32Array(times.length), horizon);
  assert.ok(plain.branchingRatio > fit.branchingRatio + 0.05, `${plain.branchingRatio}`);
  assert.ok(fit.logLikelihood > plain.logLikelihood);
});

Deno.test("hawkes fit: a bad baseline modulation is a one-line error naming it", () => {
  assert.throws(
    () =>
      fitHawkes([1, 2], [0, 0], 3, { minEvents: 1, baseline: { atEvents: [1, 0], integral: 3 } }),
    /baseline\.atEvents\[1\]/,
  );
  assert.throws(
    () => fitHawkes([1, 2], [0, 0], 3, { minEvents: 1, baseline: { atEvents: [1], integral: 3 } }),
    /baseline\.atEvents\.length/,
  );
});
