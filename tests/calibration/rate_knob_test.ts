import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { orderRateStep } from "../../lib/calibration/rate_knob.ts";

const rate = fc.double({ min: 1e-3, max: 1e3, noNaN: true });

Deno.test("orderRateStep: a thinned market's step never moves the knob away from the tape's rate", () => {
  fc.assert(
    fc.property(
      rate,
      rate,
      rate,
      rate,
      fc.double({ min: 0, max: 0.98, noNaN: true }),
      (v, sim, re, mu0, n) => {
        const next = orderRateStep(v, sim, re, mu0, n, true);
        assert.ok(next >= 1e-4 && next <= 1e5);
        if (next === 1e-4 || next === 1e5) return; // at a bound
        if (sim < re) assert.ok(next >= v, `${sim} < ${re}: ${v} → ${next}`);
        if (sim > re) assert.ok(next <= v, `${sim} > ${re}: ${v} → ${next}`);
      },
    ),
  );
});

Deno.test("orderRateStep: the Hawkes fixed point gives back the fitted process from its own realised rate", () => {
  // realised rate of scale k with a share 1 − q trading: r = (1 − q)kμ0 / (1 − (1 − q)kn)
  const mu0 = 1.2, n = 0.6, q = 0.1;
  for (const k of [0.5, 1, 1.5]) {
    const r = (1 - q) * k * mu0 / (1 - (1 - q) * k * n);
    const next = orderRateStep(k * mu0, r, 123, mu0, n, false);
    assert.ok(Math.abs(next - mu0 / (1 - q)) < 1e-9, `${k}: ${next}`);
  }
  // a Poisson market (no excitation): the ratio of the rates
  assert.equal(orderRateStep(4, 2, 3, 4, 0, false), 6);
  // the AMZN run-off: the fixed point rises while the simulation already trades too much
  assert.ok(orderRateStep(1, 0.47, 0.35, 1, 0.8, false) > 1);
  assert.ok(Math.abs(orderRateStep(1, 0.47, 0.35, 1, 0.8, true) - 0.35 / 0.47) < 1e-12);
});
