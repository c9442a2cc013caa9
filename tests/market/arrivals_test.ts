import assert from "node:assert/strict";
import {
  ARRIVAL,
  arrivalConfigSchema,
  createArrivalProcess,
  HawkesArrivals,
} from "../../lib/market/arrivals.ts";
import {
  branchingMatrix,
  hawkesCountCovariance,
  hawkesMeanIntensity,
} from "../../lib/market/hawkes.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("arrivals: thinning reproduces the Hawkes and Poisson mean rates", () => {
  const cfg = arrivalConfigSchema.parse({});
  const mu = [cfg.marketRate, cfg.limitRate, 0];
  for (const kind of ["hawkes", "poisson"] as const) {
    const proc = createArrivalProcess({ ...cfg, kind });
    const T = 2_000;
    const { counts } = run(proc, T, `arrivals-${kind}`);
    const want = proc.meanRates(0);
    const lam = kind === "hawkes" ? hawkesMeanIntensity(mu, cfg.alpha) : Float64Array.from(mu);
    const cov = hawkesCountCovariance(
      mu,
      kind === "hawkes" ? cfg.alpha : [[0, 0, 0], [0, 0, 0], [
        0,
        0,
        0,
      ]],
    );
    for (let i = 0; i < 3; i++) {
      assert.ok(Math.abs(want[i] - lam[i]) < 1e-9);
      const sd = Math.sqrt(Math.max(1, T * cov[i * 3 + i])); // Var N_i(T) ≈ T·Σ_ii
      assert.ok(
        Math.abs(counts[i] - lam[i] * T) < 4 * sd,
        `${kind} kind ${i}: ${counts[i]} vs ${lam[i] * T} ± ${sd}`,
      );
    }
    if (kind === "poisson") assert.equal(counts[ARRIVAL.CANCEL], 0);
  }
});

Deno.test("arrivals: mixed decays take the general path; non-stationary kernels are refused", () => {
  const cfg = arrivalConfigSchema.parse({ beta: [[2, 4, 4], [4, 4, 4], [8, 4, 4]] });
  const mixed = new HawkesArrivals(cfg);
  mixed.reset(0);
  const before = mixed.bound(0, 1);
  mixed.excite(ARRIVAL.MARKET, 0);
  // α·β of the market column: 0.3·2 + 2·4 + 2·8
  assert.ok(Math.abs(mixed.bound(0, 1) - before - (0.6 + 8 + 16)) < 1e-9);
  // a candidate in the market orders' excitation part decays the state to t = 1: each part at
  // its own rate
  mixed.select(1, cfg.marketRate + 1e-9, 1);
  const want = before + 0.6 * Math.exp(-2) + 8 * Math.exp(-4) + 16 * Math.exp(-8);
  assert.ok(Math.abs(mixed.bound(1, 1) - want) < 1e-9);
  assert.throws(
    () =>
      createArrivalProcess(
        arrivalConfigSchema.parse({ alpha: [[1.1, 0, 0], [0, 0, 0], [0, 0, 0]] }),
      ),
    (e: unknown) => e instanceof ValidationError && e.field === "flow.arrivals.alpha",
  );
});

Deno.test("arrivals: kinds whose column of α is zero excite nothing", () => {
  const h = new HawkesArrivals(arrivalConfigSchema.parse({}));
  h.reset(0);
  const b = h.bound(0, 1);
  h.excite(ARRIVAL.LIMIT, 0);
  h.excite(ARRIVAL.CANCEL, 0);
  assert.equal(h.bound(0, 1), b);
});

/** Market orders excited by a kernel of three exponentials (1 ms, 100 ms, 10 s). */
const MULTI = arrivalConfigSchema.parse({
  marketRate: 0.5,
  limitRate: 20,
  alpha: [[0.2, 0, 0], [1, 0, 0], [0.5, 0, 0]],
  beta: [[1000, 4, 4], [5, 4, 4], [5, 4, 4]],
  extraKernels: [
    {
      alpha: [[0.2, 0, 0], [0, 0, 0], [0, 0, 0]],
      beta: [[10, 10, 10], [10, 10, 10], [10, 10, 10]],
    },
    { alpha: [[0.3, 0, 0], [0, 0, 0], [0, 0, 0]], beta: [[0.1, 1, 1], [1, 1, 1], [1, 1, 1]] },
  ],
});

/** Runs `proc` by thinning on [0, T]; returns the counts per kind and the market-order times. */
function run(proc: ReturnType<typeof createArrivalProcess>, T: number, seed: string) {
  const rng = new Rng(seed);
  proc.reset(0);
  let t = 0;
  const counts = [0, 0, 0];
  const times: number[] = [];
  for (;;) {
    const bound = proc.bound(t, 1);
    t += rng.exponential(bound);
    if (t > T) break;
    const k = proc.select(t, rng.next() * bound, 1);
    if (k < 0) continue;
    counts[k]++;
    if (k === ARRIVAL.MARKET) times.push(t);
    proc.excite(k, t);
  }
  return { counts, times };
}

Deno.test("arrivals: a kernel of several exponentials gives the stationary rate λ0/(1 − Σα) and its fast clustering", () => {
  const proc = createArrivalProcess(MULTI);
  const T = 20_000;
  const { counts, times } = run(proc, T, "arrivals-multi");
  const mu = [MULTI.marketRate, MULTI.limitRate, 0];
  const a = branchingMatrix(MULTI);
  assert.ok(Math.abs(a[0][0] - 0.7) < 1e-12);
  const lam = hawkesMeanIntensity(mu, a);
  assert.ok(Math.abs(lam[0] - 0.5 / 0.3) < 1e-12); // λ0/(1 − ‖α‖)
  const want = proc.meanRates(0);
  const cov = hawkesCountCovariance(mu, a);
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(want[i] - lam[i]) < 1e-9);
    const sd = Math.sqrt(Math.max(1, T * cov[i * 3 + i]));
    assert.ok(
      Math.abs(counts[i] - lam[i] * T) < 4 * sd,
      `kind ${i}: ${counts[i]} vs ${lam[i] * T}`,
    );
  }
  // the 1-ms component: about 0.2 of the market orders are its children, nearly all within
  // 5 ms of their parent
  let short = 0;
  for (let n = 1; n < times.length; n++) if (times[n] - times[n - 1] < 0.005) short++;
  const share = short / (times.length - 1);
  assert.ok(share > 0.15 && share < 0.3, `share ${share}`);
});

Deno.test("arrivals: extra components that trigger nothing change nothing, bit for bit; runs are deterministic", () => {
  const one = arrivalConfigSchema.parse({ beta: [[2, 4, 4], [4, 4, 4], [8, 4, 4]] });
  const zero = arrivalConfigSchema.parse({
    ...one,
    extraKernels: [{ alpha: [[0, 0, 0], [0, 0, 0], [0, 0, 0]], beta: one.beta }],
  });
  const a = run(createArrivalProcess(one), 500, "same");
  const b = run(createArrivalProcess(zero), 500, "same");
  assert.deepEqual(a, b);
  const c = run(createArrivalProcess(MULTI), 500, "same");
  const d = run(createArrivalProcess(MULTI), 500, "same");
  assert.deepEqual(c, d);
  assert.notDeepEqual(c.times, a.times);
  // extra components are validated like the first: shapes, and stationarity of the sum
  assert.throws(
    () =>
      createArrivalProcess(
        arrivalConfigSchema.parse({
          extraKernels: [{ alpha: [[0.8, 0, 0], [0, 0, 0], [0, 0, 0]], beta: one.beta }],
        }),
      ),
    (e: unknown) => e instanceof ValidationError && /spectral radius/.test(e.message),
  );
  assert.throws(
    () =>
      createArrivalProcess(
        arrivalConfigSchema.parse({ extraKernels: [{ alpha: [[0.1]], beta: [[1]] }] }),
      ),
    /flow\.arrivals\.extraKernels\.0\.alpha/,
  );
});

Deno.test("arrivals: a stationary start puts the excitation at its mean, an empty start at zero", () => {
  const empty = new HawkesArrivals(MULTI);
  empty.reset(0);
  const base = MULTI.marketRate + MULTI.limitRate;
  assert.ok(Math.abs(empty.bound(0, 1) - base) < 1e-9);
  const warm = new HawkesArrivals({ ...MULTI, stationaryStart: true });
  warm.reset(0);
  const lam = hawkesMeanIntensity([MULTI.marketRate, MULTI.limitRate, 0], branchingMatrix(MULTI));
  // E[excitation of kind i] = Σ_j α_ij Λ_j: market 0.7·Λ_M, limit 1·Λ_M, cancel 0.5·Λ_M
  const want = base + (0.7 + 1 + 0.5) * lam[0];
  assert.ok(Math.abs(warm.bound(0, 1) - want) < 1e-9, `${warm.bound(0, 1)} vs ${want}`);
  // over short episodes the mean rate is then right from the start: 400 episodes of 20 s
  // (the slow component's 1/β is 10 s): the empty start loses a large part of it
  let nWarm = 0, nEmpty = 0;
  for (let e = 0; e < 400; e++) {
    nWarm += run(warm, 20, `ep-${e}`).counts[0];
    nEmpty += run(empty, 20, `ep-${e}`).counts[0];
  }
  const expected = lam[0] * 20 * 400;
  assert.ok(Math.abs(nWarm / expected - 1) < 0.1, `stationary start: ${nWarm} vs ${expected}`);
  assert.ok(nEmpty / expected < 0.85, `empty start: ${nEmpty} vs ${expected}`);
});

Deno.test("arrivals: the market orders' intensity — the baseline × mult, plus each market order's excitation decaying", () => {
  const cfg = arrivalConfigSchema.parse({
    marketRate: 0.5,
    limitRate: 10,
    alpha: [[0.4, 0, 0], [0, 0, 0], [0, 0, 0]],
    beta: [[2, 1, 1], [1, 1, 1], [1, 1, 1]],
  });
  const h = new HawkesArrivals(cfg);
  h.reset(0);
  assert.equal(h.marketIntensity(0, 1), 0.5);
  assert.equal(h.marketIntensity(0.1, 3), 1.5); // the regime's multiplier scales the baseline
  h.excite(ARRIVAL.MARKET, 1);
  // a jump of α·β = 0.8 at t = 1, decaying at β = 2
  assert.ok(Math.abs(h.marketIntensity(1, 1) - 1.3) < 1e-12);
  assert.ok(Math.abs(h.marketIntensity(1.5, 1) - (0.5 + 0.8 * Math.exp(-1))) < 1e-12);
  // its stationary mean: μ/(1 − n)
  assert.ok(Math.abs(h.meanRates(0)[ARRIVAL.MARKET] - 0.5 / 0.6) < 1e-12);
  // the baseline alone: the part no event excited
  assert.equal(h.marketBaseline(2), 1);
  const p = createArrivalProcess({ ...cfg, kind: "poisson" });
  assert.equal(p.marketIntensity?.(3, 2), 1);
  assert.equal(p.marketBaseline?.(2), 1);
});
