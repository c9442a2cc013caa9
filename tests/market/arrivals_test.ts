import assert from "node:assert/strict";
import {
  ARRIVAL,
  arrivalConfigSchema,
  createArrivalProcess,
  HawkesArrivals,
} from "../../lib/market/arrivals.ts";
import { hawkesCountCovariance, hawkesMeanIntensity } from "../../lib/market/hawkes.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("arrivals: thinning reproduces the Hawkes and Poisson mean rates", () => {
  const cfg = arrivalConfigSchema.parse({});
  const mu = [cfg.marketRate, cfg.limitRate, 0];
  for (const kind of ["hawkes", "poisson"] as const) {
    const proc = createArrivalProcess({ ...cfg, kind });
    const rng = new Rng(`arrivals-${kind}`);
    proc.reset(0);
    let t = 0;
    const T = 2_000;
    const counts = [0, 0, 0];
    for (;;) {
      const bound = proc.bound(t, 1);
      t += rng.exponential(bound);
      if (t > T) break;
      const k = proc.select(t, rng.next() * bound, 1);
      if (k < 0) continue;
      counts[k]++;
      proc.excite(k, t);
    }
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
