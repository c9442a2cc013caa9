import assert from "node:assert/strict";
import {
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
