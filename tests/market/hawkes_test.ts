import assert from "node:assert/strict";
import {
  branchingMatrix,
  hawkesCountCovariance,
  hawkesLogLikelihood,
  hawkesMeanIntensity,
  type HawkesParams,
  parseHawkesParams,
  simulateHawkes,
  spectralRadius,
} from "../../lib/market/hawkes.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** A 3-kind process (market, limit, cancel) with self- and cross-excitation, two decays. */
const P3: HawkesParams = {
  mu: [1.5, 4, 2],
  alpha: [[0.3, 0, 0.1], [0.8, 0.2, 0], [0.6, 0.1, 0.25]],
  beta: [[3, 3, 3], [5, 3, 3], [5, 3, 8]],
};

Deno.test("spectralRadius: known matrices, reducible and defective ones included", () => {
  assert.ok(Math.abs(spectralRadius([[0.5]]) - 0.5) < 1e-12);
  assert.ok(Math.abs(spectralRadius([[0.2, 0.3], [0.3, 0.2]]) - 0.5) < 1e-9);
  // triangular (reducible): the largest diagonal entry
  assert.ok(Math.abs(spectralRadius([[0.3, 0, 0], [2, 0.2, 0], [2, 0, 0.2]]) - 0.3) < 1e-9);
  // defective (a Jordan block): power iteration would converge slowly
  assert.ok(Math.abs(spectralRadius([[0.4, 1], [0, 0.4]]) - 0.4) < 1e-9);
  // a cycle: eigenvalues are the cube roots of 0.125, modulus 0.5
  assert.ok(Math.abs(spectralRadius([[0, 0.5, 0], [0, 0, 0.5], [0.5, 0, 0]]) - 0.5) < 1e-9);
  assert.equal(spectralRadius([[0, 0], [0, 0]]), 0);
  assert.throws(() => spectralRadius([[1, -1], [0, 1]]), /matrix\.0\.1/);
});

Deno.test("parseHawkesParams rejects shapes and non-stationary branching matrices by name", () => {
  assert.throws(
    () =>
      parseHawkesParams({ mu: [1, 1], alpha: [[0.6, 0.5], [0.5, 0.6]], beta: [[1, 1], [1, 1]] }),
    (e: unknown) =>
      e instanceof ValidationError && e.field === "hawkes.alpha" && /1\.100/.test(e.message),
  );
  assert.throws(
    () => parseHawkesParams({ mu: [1, 1], alpha: [[0.1]], beta: [[1, 1], [1, 1]] }),
    /hawkes\.alpha/,
  );
  assert.throws(
    () => parseHawkesParams({ mu: [1], alpha: [[0.1]], beta: [[0]] }),
    /hawkes\.beta/,
  );
  assert.throws(() => parseHawkesParams({ mu: [1], alpha: [[0.1]], beta: [[1]], nu: 1 }), /nu/);
  assert.doesNotThrow(() => parseHawkesParams(P3));
});

Deno.test("Hawkes simulation: mean intensity matches Λ = (I − α)⁻¹μ within the count's standard deviation", () => {
  const T = 4_000;
  const path = simulateHawkes(P3, T, new Rng("hawkes-mean"));
  const lam = hawkesMeanIntensity(P3.mu, P3.alpha);
  const cov = hawkesCountCovariance(P3.mu, P3.alpha);
  const counts = [0, 0, 0];
  for (const k of path.kinds) counts[k]++;
  for (let i = 0; i < 3; i++) {
    const sd = Math.sqrt(T * cov[i * 3 + i]); // Var N_i(T) ≈ T·Σ_ii for a long window
    const z = (counts[i] - lam[i] * T) / sd;
    assert.ok(Math.abs(z) < 4, `kind ${i}: ${counts[i]} events, expected ${lam[i] * T} ± ${sd}`);
  }
  // the counts really are overdispersed (a Poisson process would have Σ_ii = Λ_i)
  assert.ok(cov[0] > 1.5 * lam[0]);
  // times increase and stay in the window
  for (let n = 1; n < path.times.length; n++) assert.ok(path.times[n] >= path.times[n - 1]);
  assert.ok(path.times[path.times.length - 1] <= T);
});

Deno.test("Hawkes simulation: direct children per parent match the branching matrix α", () => {
  const T = 4_000;
  const path = simulateHawkes(P3, T, new Rng("hawkes-branching"));
  const k = 3;
  // expected direct children of each kind-j event, truncated at the horizon:
  // α_ij·(1 − e^(−β_ij (T − t))); the count is Poisson given the parents
  const expected = new Float64Array(k * k);
  const children = new Float64Array(k * k);
  const parents = [0, 0, 0];
  for (let n = 0; n < path.times.length; n++) {
    const j = path.kinds[n];
    parents[j]++;
    for (let i = 0; i < k; i++) {
      expected[i * k + j] += P3.alpha[i][j] * (1 - Math.exp(-P3.beta[i][j] * (T - path.times[n])));
    }
    if (path.parents[n] >= 0) children[path.kinds[n] * k + path.parents[n]]++;
  }
  let immigrants = 0;
  for (let n = 0; n < path.parents.length; n++) if (path.parents[n] < 0) immigrants++;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const e = expected[i * k + j];
      if (P3.alpha[i][j] === 0) {
        assert.equal(children[i * k + j], 0);
        continue;
      }
      const z = (children[i * k + j] - e) / Math.sqrt(e);
      assert.ok(Math.abs(z) < 4, `α[${i}][${j}]: ${children[i * k + j]} children, expected ${e}`);
      const ratio = children[i * k + j] / parents[j];
      assert.ok(Math.abs(ratio - P3.alpha[i][j]) < 0.05, `ratio ${ratio}`);
    }
  }
  // immigrants arrive at Σμ
  const muT = (P3.mu[0] + P3.mu[1] + P3.mu[2]) * T;
  assert.ok(Math.abs(immigrants - muT) < 4 * Math.sqrt(muT));
});

/** The log-likelihood by its definition, in O(n²): every past event's kernel summed directly. */
function bruteLogLikelihood(p: HawkesParams, t: Float64Array, k: Int32Array, T: number): number {
  let ll = 0;
  for (let n = 0; n < t.length; n++) {
    const i = k[n];
    let lam = p.mu[i];
    for (let m = 0; m < n; m++) {
      const j = k[m];
      if (t[m] < t[n]) {
        lam += p.alpha[i][j] * p.beta[i][j] * Math.exp(-p.beta[i][j] * (t[n] - t[m]));
      }
    }
    ll += Math.log(lam);
  }
  let comp = 0;
  for (let i = 0; i < p.mu.length; i++) {
    comp += p.mu[i] * T;
    for (let m = 0; m < t.length; m++) {
      const j = k[m];
      comp += p.alpha[i][j] * (1 - Math.exp(-p.beta[i][j] * (T - t[m])));
    }
  }
  return ll - comp;
}

Deno.test("Hawkes log-likelihood: Ozaki's recursion equals the O(n²) definition", () => {
  const T = 60;
  const path = simulateHawkes(P3, T, new Rng("hawkes-ll"));
  assert.ok(path.times.length > 300);
  for (
    const q of [
      P3,
      { ...P3, mu: [0.5, 1, 3] },
      {
        mu: [1, 2, 1],
        alpha: [[0.9, 0.5, 0], [0, 0, 0.4], [1, 1, 1]],
        beta: [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
      },
    ]
  ) {
    const fast = hawkesLogLikelihood(q, path.times, path.kinds, T);
    const slow = bruteLogLikelihood(q, path.times, path.kinds, T);
    assert.ok(Math.abs(fast - slow) < 1e-9 * Math.abs(slow), `${fast} vs ${slow}`);
  }
  assert.equal(
    hawkesLogLikelihood({ mu: [0], alpha: [[0]], beta: [[1]] }, [1], [0], 2),
    -Infinity,
  );
  assert.throws(() => hawkesLogLikelihood(P3, [2, 1], [0, 0], 5), /times\[1\]/);
  assert.throws(() => hawkesLogLikelihood(P3, [1], [3], 5), /kinds\[0\]/);
});

Deno.test("Hawkes log-likelihood: maximal at the true parameters on a long path", () => {
  const p: HawkesParams = { mu: [2], alpha: [[0.5]], beta: [[3]] };
  const T = 5_000;
  const path = simulateHawkes(p, T, new Rng("hawkes-mle"));
  const ll = (mu: number, a: number, b: number) =>
    hawkesLogLikelihood({ mu: [mu], alpha: [[a]], beta: [[b]] }, path.times, path.kinds, T);
  const best = ll(2, 0.5, 3);
  // ~10k events: the standard errors are a few percent, so ±20 % moves must lose likelihood
  for (
    const [mu, a, b] of [[2.4, 0.5, 3], [1.6, 0.5, 3], [2, 0.6, 3], [2, 0.4, 3], [2, 0.5, 3.6], [
      2,
      0.5,
      2.4,
    ]]
  ) {
    assert.ok(ll(mu, a, b) < best, `(${mu}, ${a}, ${b}) beats the truth`);
  }
});

/** A 2-kind process whose kernels are sums of three exponentials (ms, 100 ms, 10 s). */
const PS: HawkesParams = {
  mu: [0.8, 1.5],
  alpha: [[0.15, 0], [0.2, 0.1]],
  beta: [[500, 500], [500, 300]],
  extraKernels: [
    { alpha: [[0.2, 0.05], [0, 0.1]], beta: [[10, 10], [10, 8]] },
    { alpha: [[0.2, 0], [0.1, 0.1]], beta: [[0.1, 0.1], [0.2, 0.1]] },
  ],
};

Deno.test("sum-of-exponential kernels: validation sums the components and names the bad one", () => {
  assert.doesNotThrow(() => parseHawkesParams(PS));
  // each component alone is stationary, their sum is not
  assert.throws(
    () =>
      parseHawkesParams({
        mu: [1],
        alpha: [[0.6]],
        beta: [[100]],
        extraKernels: [{ alpha: [[0.5]], beta: [[1]] }],
      }),
    (e: unknown) => e instanceof ValidationError && /1\.100/.test(e.message),
  );
  assert.throws(
    () =>
      parseHawkesParams({
        mu: [1],
        alpha: [[0.1]],
        beta: [[1]],
        extraKernels: [{ alpha: [[0.1, 0]], beta: [[1]] }],
      }),
    (e: unknown) => e instanceof ValidationError && e.field === "hawkes.extraKernels.0.alpha.0",
  );
  assert.deepEqual(branchingMatrix(PS), [[0.55, 0.05], [0.30000000000000004, 0.30000000000000004]]);
});

Deno.test("sum-of-exponential kernels: the simulated rate is μ/(1 − ‖α‖) per kind (Λ = (I − Σα)⁻¹μ)", () => {
  const T = 20_000;
  const path = simulateHawkes(PS, T, new Rng("hawkes-sum-rate"));
  const a = branchingMatrix(PS);
  const lam = hawkesMeanIntensity(PS.mu, a);
  const cov = hawkesCountCovariance(PS.mu, a);
  const counts = [0, 0];
  for (const k of path.kinds) counts[k]++;
  for (let i = 0; i < 2; i++) {
    const sd = Math.sqrt(T * cov[i * 2 + i]);
    const z = (counts[i] - lam[i] * T) / sd;
    assert.ok(Math.abs(z) < 4, `kind ${i}: ${counts[i]} events, expected ${lam[i] * T} ± ${sd}`);
  }
  // univariate: μ/(1 − Σ_c α_c)
  const uni = simulateHawkes(
    { mu: [1], alpha: [[0.3]], beta: [[200]], extraKernels: [{ alpha: [[0.4]], beta: [[0.5]] }] },
    T,
    new Rng("hawkes-sum-uni"),
  );
  const want = 1 / (1 - 0.7);
  const sd = Math.sqrt(T * 1 / (1 - 0.7) ** 3); // Var N(T)/T → μ/(1 − n)³
  assert.ok(Math.abs(uni.times.length - want * T) < 4 * sd, `${uni.times.length} vs ${want * T}`);
});

Deno.test("sum-of-exponential kernels: a fast component puts children within a few 1/β of their parent", () => {
  // two components of equal weight, 1 ms and 10 s: half of the direct children of an event
  // come within 5 ms of it (1 − e^(−5) of the fast half), almost none of the slow half does
  const p: HawkesParams = {
    mu: [2],
    alpha: [[0.25]],
    beta: [[1000]],
    extraKernels: [{ alpha: [[0.25]], beta: [[0.1]] }],
  };
  const path = simulateHawkes(p, 5_000, new Rng("hawkes-sum-gaps"));
  const t = path.times;
  let short = 0;
  for (let n = 1; n < t.length; n++) if (t[n] - t[n - 1] < 0.005) short++;
  // Λ = 2/(1 − 0.5) = 4/s, a quarter of the events are fast children (0.25·Λ per second),
  // each within 5 ms of its parent (so of the previous event) with probability 1 − e^(−5);
  // other gaps are below 5 ms with probability ≈ 1 − e^(−4·0.005) ≈ 2 %: ≈ 0.26 in all
  // (a single exponential at 0.1/s with the same branching would give ≈ 2 %)
  const share = short / (t.length - 1);
  assert.ok(share > 0.18 && share < 0.32, `share ${share}`);
});

Deno.test("sum-of-exponential kernels: Ozaki's recursion equals the O(n²) definition", () => {
  const T = 40;
  const path = simulateHawkes(PS, T, new Rng("hawkes-sum-ll"));
  assert.ok(path.times.length > 80);
  const comps = [{ alpha: PS.alpha, beta: PS.beta }, ...PS.extraKernels!];
  // direct evaluation: λ summed over components, compensator over components
  let ll = 0;
  for (let n = 0; n < path.times.length; n++) {
    const i = path.kinds[n];
    let lam = PS.mu[i];
    for (let m = 0; m < n; m++) {
      const j = path.kinds[m];
      if (path.times[m] >= path.times[n]) continue;
      for (const c of comps) {
        lam += c.alpha[i][j] * c.beta[i][j] *
          Math.exp(-c.beta[i][j] * (path.times[n] - path.times[m]));
      }
    }
    ll += Math.log(lam);
  }
  let comp = (PS.mu[0] + PS.mu[1]) * T;
  for (let m = 0; m < path.times.length; m++) {
    const j = path.kinds[m];
    for (const c of comps) {
      for (let i = 0; i < 2; i++) {
        comp += c.alpha[i][j] * (1 - Math.exp(-c.beta[i][j] * (T - path.times[m])));
      }
    }
  }
  const fast = hawkesLogLikelihood(PS, path.times, path.kinds, T);
  assert.ok(Math.abs(fast - (ll - comp)) < 1e-9 * Math.abs(ll - comp), `${fast} vs ${ll - comp}`);
});

Deno.test("Hawkes simulation is deterministic per seed, bit for bit (one and several components)", () => {
  for (const p of [P3, PS]) {
    const a = simulateHawkes(p, 300, new Rng("det"));
    const b = simulateHawkes(p, 300, new Rng("det"));
    const c = simulateHawkes(p, 300, new Rng("det-other"));
    assert.deepEqual(a.times, b.times);
    assert.deepEqual(a.kinds, b.kinds);
    assert.deepEqual(a.parents, b.parents);
    assert.notDeepEqual(a.times, c.times);
  }
  // extra components with zero weight leave the path unchanged
  const zero = {
    ...P3,
    extraKernels: [{ alpha: P3.alpha.map((r) => r.map(() => 0)), beta: P3.beta }],
  };
  assert.deepEqual(
    simulateHawkes(zero, 300, new Rng("det")).times,
    simulateHawkes(P3, 300, new Rng("det")).times,
  );
});
