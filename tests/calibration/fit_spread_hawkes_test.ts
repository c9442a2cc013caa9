import assert from "node:assert/strict";
import {
  fitSpreadHawkes,
  spreadBaselineStage,
  spreadHawkesLogLikelihood,
  type SpreadHawkesParams,
  type SpreadTimeline,
  spreadTimeline,
} from "../../lib/calibration/fit_spread_hawkes.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";
import { Rng } from "../../lib/rng/rng.ts";
import { type Estimate, sig } from "../../lib/calibration/estimate.ts";

/**
 * Simulates the modulated Hawkes process of `p` by Ogata thinning over `n` pieces of spread
 * (1 s each, spreads drawn from `spreads`), and returns its timeline.
 */
function simulate(
  p: SpreadHawkesParams,
  n: number,
  spreads: number[],
  seed: string,
): SpreadTimeline {
  const rng = new Rng(seed);
  const dt: number[] = [], sp: number[] = [], ev: number[] = [], rs: number[] = [];
  const S = new Float64Array(p.beta.length);
  const a = (s: number) => s > p.scale ? Math.pow(p.scale / s, p.exponent) : 1;
  const base = p.modulation === "baseline";
  // λ = a·(μ + e) or (baseline only) a·μ + e
  const lam = (s: number, e: number) => base ? a(s) * p.mu + e : a(s) * (p.mu + e);
  let orders = 0;
  for (let k = 0; k < n; k++) {
    const s = spreads[Math.floor(rng.next() * spreads.length)];
    let left = 1;
    for (;;) {
      let e = 0;
      for (let c = 0; c < S.length; c++) e += p.alpha[c] * S[c];
      const bound = lam(s, e); // the excitation only decays until the next event
      const w = -Math.log(1 - rng.next()) / bound;
      const step = Math.min(w, left);
      let now = 0;
      for (let c = 0; c < S.length; c++) {
        S[c] *= Math.exp(-p.beta[c] * step);
        now += p.alpha[c] * S[c];
      }
      left -= step;
      const hit = w < left + step && rng.next() * bound < lam(s, now);
      dt.push(step);
      sp.push(s);
      ev.push(hit ? 1 : 0);
      rs.push(dt.length === 1 ? 1 : 0);
      if (hit) {
        orders++;
        for (let c = 0; c < S.length; c++) S[c] += p.beta[c];
      }
      if (!(left > 0) || w >= left + step) break;
    }
  }
  return {
    dt: Float64Array.from(dt),
    spread: Float64Array.from(sp),
    event: Uint8Array.from(ev),
    reset: Uint8Array.from(rs),
    orders,
  };
}

Deno.test("spread Hawkes: the likelihood's compensator integrates λ exactly, the whole intensity or the baseline alone modulated", () => {
  // one order at t = 1 (spread 2: a = 1), then 3 s at spread 8 (a = 1/4): −∫λ after the
  // order = −(1/4)(μ·3 + α(1 − e^(−3β)))
  const tl: SpreadTimeline = {
    dt: Float64Array.of(1, 3),
    spread: Float64Array.of(2, 8),
    event: Uint8Array.of(1, 0),
    reset: Uint8Array.of(1, 0),
    orders: 1,
  };
  const p = { mu: 0.5, alpha: [0.4], beta: [2], scale: 2, exponent: 1 };
  const want = Math.log(0.5) - 0.5 - 0.25 * (0.5 * 3 + 0.4 * (1 - Math.exp(-6)));
  assert.ok(Math.abs(spreadHawkesLogLikelihood(tl, p) - want) < 1e-12);
  // the baseline alone modulated: −∫λ after the order = −((1/4)·μ·3 + α(1 − e^(−3β)))
  const b = { ...p, modulation: "baseline" as const };
  const wantB = Math.log(0.5) - 0.5 - (0.25 * 0.5 * 3 + 0.4 * (1 - Math.exp(-6)));
  assert.ok(Math.abs(spreadHawkesLogLikelihood(tl, b) - wantB) < 1e-12);
  // a piece without a spread: no baseline at all, the excitation runs on
  const gap: SpreadTimeline = { ...tl, spread: Float64Array.of(2, Infinity) };
  const wantGap = Math.log(0.5) - 0.5 - 0.4 * (1 - Math.exp(-6));
  assert.ok(Math.abs(spreadHawkesLogLikelihood(gap, { ...b, exponent: 0 }) - wantGap) < 1e-12);
});

Deno.test("spread Hawkes: the fit recovers known parameters within its standard errors", () => {
  const truth = { mu: 0.8, alpha: [0.5], beta: [5], scale: 2, exponent: 1.2 };
  const tl = simulate(truth, 20_000, [2, 4, 8, 16], "spread-hawkes");
  assert.ok(tl.orders > 3_000, `${tl.orders}`);
  const f = fitSpreadHawkes(tl, { ...truth, mu: 0.4, alpha: [0.2], exponent: 0.5 });
  assert.ok(f.converged);
  const z = (v: number, t: number, se: number) => Math.abs(v - t) / se;
  assert.ok(z(f.exponent, truth.exponent, f.exponentSe) < 4, `γ ${f.exponent} ± ${f.exponentSe}`);
  assert.ok(z(f.mu, truth.mu, f.muSe) < 4, `μ ${f.mu} ± ${f.muSe}`);
  assert.ok(z(f.alpha[0], 0.5, f.alphaSe[0]) < 4, `α ${f.alpha[0]} ± ${f.alphaSe[0]}`);
  assert.ok(f.exponentSe > 0 && f.exponentSe < 0.2);
});

Deno.test("spread Hawkes: the timeline covers a simulated record, orders at their spreads", () => {
  const recs = simulateRecords({ duration: 120 }, { seconds: 120, seed: 2 });
  const tl = spreadTimeline(recs);
  assert.ok(Math.abs(tl.dt.reduce((a, b) => a + b, 0) - 120) < 1e-6);
  assert.equal(tl.reset[0], 1);
  let n = 0;
  for (let k = 0; k < tl.event.length; k++) {
    if (tl.event[k] === 1) {
      n++;
      assert.ok(tl.spread[k] >= 1 && Number.isFinite(tl.spread[k]));
    }
  }
  assert.equal(n, tl.orders);
});

Deno.test("spread Hawkes (baseline only): the fit recovers μ, α, γ and s₀ within their standard errors and tells the two models apart", () => {
  const truth = {
    mu: 1.5,
    alpha: [0.6],
    beta: [5],
    scale: 3,
    exponent: 1.5,
    modulation: "baseline" as const,
  };
  const tl = simulate(truth, 20_000, [1, 2, 3, 4, 6, 8, 12, 16], "spread-baseline");
  assert.ok(tl.orders > 3_000, `${tl.orders}`);
  const f = fitSpreadHawkes(tl, { ...truth, mu: 0.5, alpha: [0.2], scale: 1.5, exponent: 0.7 }, {
    fitScale: true,
  });
  assert.ok(f.converged);
  const z = (v: number, t: number, se: number) => Math.abs(v - t) / se;
  assert.ok(z(f.exponent, truth.exponent, f.exponentSe) < 4, `γ ${f.exponent} ± ${f.exponentSe}`);
  assert.ok(z(f.mu, truth.mu, f.muSe) < 4, `μ ${f.mu} ± ${f.muSe}`);
  assert.ok(z(f.alpha[0], 0.6, f.alphaSe[0]) < 4, `α ${f.alpha[0]} ± ${f.alphaSe[0]}`);
  assert.ok(z(f.scale, truth.scale, f.scaleSe) < 4, `s₀ ${f.scale} ± ${f.scaleSe}`);
  assert.ok(f.scaleSe > 0);
  // the whole intensity modulated instead fits these data worse
  const all = fitSpreadHawkes(tl, { ...truth, modulation: "all" });
  assert.ok(f.logLikelihood > all.logLikelihood + 10, `${f.logLikelihood} vs ${all.logLikelihood}`);
});

Deno.test("spread Hawkes: the calibration's stage writes the kernel, a(s) and the share sent, or nothing", () => {
  // a wide-spread market whose market orders excite each other
  const recs = simulateRecords({
    duration: 1_800,
    flow: {
      arrivals: { kind: "hawkes", marketRate: 0.5, alpha: [[0.4, 0, 0], [0, 0, 0], [0, 0, 0]] },
      placement: { minEdge: 4, edge: "uniform", edgeSpread: 1 },
      timing: { kind: "baseline", scale: 3, exponent: 1.5, sendShare: 0.5 },
    },
  }, { seconds: 1_800, seed: 4 });
  const arrivals: Record<string, unknown> = {
    kind: "hawkes",
    marketRate: 0.3,
    alpha: [[0.3, 0, 0], [0, 0, 0], [0, 0, 0]],
    beta: [[10, 10, 10], [10, 10, 10], [10, 10, 10]],
  };
  const est: Record<string, Estimate> = {};
  const fit = spreadBaselineStage(recs, arrivals, est, () => {});
  assert.ok(fit !== null);
  assert.equal(arrivals.marketRate, sig(fit.mu));
  assert.ok(Math.abs((arrivals.alpha as number[][])[0][0] - fit.alpha[0]) < 1e-3 * fit.alpha[0]);
  for (const k of ["flow.timing.scale", "flow.timing.exponent", "flow.arrivals.alpha.0.0"]) {
    assert.equal(est[k].status, "fit", k);
    assert.match(est[k].method, /joint maximum likelihood/);
  }
  // the share sent makes the variance budget's rate the records' order rate
  const n = fit.alpha[0];
  const rate = recs.reduce((a, r) => a + r.moTime.length, 0) / 1_800;
  const share = est["flow.timing.sendShare"].value;
  assert.ok(Math.abs(share * fit.mu / (1 - n) - rate) < 0.05 * rate, `${share}`);
  // a Poisson kernel has no excitation to keep apart from the baseline: nothing written
  const none: Record<string, Estimate> = {};
  const poisson = { ...arrivals, alpha: [[0, 0, 0], [0, 0, 0], [0, 0, 0]] };
  assert.equal(spreadBaselineStage(recs, poisson, none, () => {}), null);
  assert.deepEqual(none, {});
});
