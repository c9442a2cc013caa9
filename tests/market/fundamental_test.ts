import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import {
  forecastSurpriseVariance,
  fundamentalConfigSchema,
  LatentFundamental,
  paceMoment,
  surpriseResponse,
} from "../../lib/market/fundamental.ts";
import {
  metaorderSignAutocorrelation,
  MetaorderSigns,
  tradeSignConfigSchema,
} from "../../lib/market/trade_signs.ts";
import { Rng } from "../../lib/rng/rng.ts";

const FACTS = {
  sigmaTicks: 1.3,
  marketOrderRate: 3,
  surpriseVariance: 0.75,
  meanOrderSize: 4,
  sizeMoment: 1,
};

Deno.test("fundamental: the variance budget holds for the public price and the informed value", () => {
  const cfg = fundamentalConfigSchema.parse({});
  const f = new LatentFundamental(cfg, FACTS);
  // θ² · rate · E[(ε − ε̂)²] = impactShare · σ²; news jumps carry the public remainder
  assert.ok(Math.abs(f.theta ** 2 * 3 * 0.75 - cfg.impactShare * 1.69) < 1e-12);
  assert.ok(
    Math.abs(f.newsJump ** 2 * cfg.newsRate - (1 - cfg.impactShare - cfg.privateShare) * 1.69) <
      1e-12,
  );
  // simulate: the model's own events, and trades at rate 3 whose signs have forecast ±0.5 and
  // the matching conditional mean (surprise variance 1 − 0.25 = 0.75)
  const rng = new Rng("fundamental");
  f.reset(10_000);
  let t = 0;
  const T = 20_000;
  const h = 10;
  let next = h;
  let lastP = f.reference(0);
  let lastV = f.value(0);
  let rvP = 0, rvV = 0, n = 0;
  for (;;) {
    const total = f.eventRate() + 3;
    t += rng.exponential(total);
    while (next <= t && next <= T) {
      const p = f.reference(next);
      const v = f.value(next);
      rvP += (p - lastP) ** 2;
      rvV += (v - lastV) ** 2;
      lastP = p;
      lastV = v;
      n++;
      next += h;
    }
    if (t > T) break;
    const u = rng.next() * total;
    if (u < 3) {
      const e = rng.next() < 0.5 ? 0.5 : -0.5;
      f.onTrade(rng.next() < (1 + e) / 2 ? 1 : -1, 4, e, t, false);
    } else f.fire(u - 3, rng, t);
  }
  // 2,000 ten-second increments: the variance estimate's standard error is √(2/2000) ≈ 3 %
  for (const [name, rv] of [["public price", rvP], ["value", rvV]] as const) {
    const rate = rv / (n * h);
    assert.ok(Math.abs(rate / 1.69 - 1) < 0.13, `${name} variance ${rate}/s, want 1.69`);
  }
  assert.ok(f.pendingCount < 10 * cfg.privateRate / cfg.revealRate + 10);
});

Deno.test("fundamental: a trade's transient impact decays with its half-life; regimes scale it", () => {
  const f = new LatentFundamental(
    fundamentalConfigSchema.parse({ transientRatio: 2, transientHalfLife: 3, sizeExponent: 0.5 }),
    { ...FACTS, sigmaTicks: 1, marketOrderRate: 2, surpriseVariance: 1 },
  );
  f.reset(0);
  const shift = f.onTrade(1, 16, 0.25, 0, false); // g = (16/4)^0.5 = 2; surprise 0.75
  assert.ok(Math.abs(shift - f.theta * 2 * 0.75) < 1e-12);
  const psi = 2 * f.theta * 2; // ψ·g·ε
  for (const t of [0, 1, 3, 6, 30]) {
    assert.ok(Math.abs(f.reference(t) - (shift + psi * Math.pow(0.5, t / 3))) < 1e-12, `t ${t}`);
  }
  assert.ok(Math.abs(f.value(1) - shift) < 1e-12); // the value carries no transient pressure
  f.reset(0);
  f.setVolMultiplier(2); // a regime with twice the volatility doubles a trade's impact
  assert.ok(Math.abs(f.onTrade(-1, 4, 0, 0, false) + 2 * f.theta) < 1e-12);
});

Deno.test("fundamental: private news reaches the public after a mean delay of 1/revealRate", () => {
  const cfg = fundamentalConfigSchema.parse({
    impactShare: 0,
    privateShare: 1,
    privateRate: 0.5,
    revealRate: 0.25,
  });
  const f = new LatentFundamental(cfg, FACTS);
  const rng = new Rng("reveal");
  f.reset(0);
  // the number pending is an M/M/∞ queue: mean privateRate / revealRate = 2
  let t = 0, area = 0;
  const T = 40_000;
  for (;;) {
    const rate = f.eventRate();
    const w = rng.exponential(rate);
    if (t + w > T) {
      area += f.pendingCount * (T - t);
      break;
    }
    area += f.pendingCount * w;
    t += w;
    f.fire(rng.next() * rate, rng, t);
  }
  const mean = area / T;
  // Var of the time average ≈ 2·mean/(revealRate·T) for an M/M/∞ occupancy
  assert.ok(Math.abs(mean - 2) < 4 * Math.sqrt(2 * 2 / (0.25 * T)), `mean pending ${mean}`);
  assert.throws(
    () =>
      new LatentFundamental(
        fundamentalConfigSchema.parse({ impactShare: 0.9, privateShare: 0.2 }),
        FACTS,
      ),
    /fundamental\.privateShare/,
  );
  assert.throws(
    () =>
      new LatentFundamental(fundamentalConfigSchema.parse({}), { ...FACTS, marketOrderRate: 0 }),
    /fundamental\.impactShare/,
  );
});

Deno.test("fundamental: informed trades price in their news; uninformed ones move the value", () => {
  const cfg = fundamentalConfigSchema.parse({
    impactShare: 0.3,
    privateShare: 0.6,
    privateRate: 0.2,
    revealRate: 1,
  });
  const f = new LatentFundamental(cfg, FACTS);
  const rng = new Rng("priced-in");
  f.reset(0);
  // one private jump bigger than a trade's impact (θ ≈ 0.48 ticks, jumps ≈ 2.25 ticks)
  do {
    f.reset(0);
    f.fire(cfg.newsRate, rng, 0); // u in the private-news segment
  } while (Math.abs(f.pending) < 1);
  const p0 = f.reference(0);
  const v0 = f.value(0);
  const gap = v0 - p0;
  assert.ok(gap !== 0);
  const sign = gap > 0 ? 1 : -1;
  // an informed trade in the news' direction moves P, not V
  const shift = f.onTrade(sign, 4, 0, 0, true);
  assert.ok(Math.abs(f.reference(0) - (p0 + shift)) < 1e-12);
  assert.ok(Math.abs(f.value(0) - v0) < 1e-12);
  assert.ok(Math.abs(f.pending - (gap - shift)) < 1e-12);
  // an uninformed trade moves both
  const s2 = f.onTrade(-sign, 4, 0, 0, false);
  assert.ok(Math.abs(f.value(0) - (v0 + s2)) < 1e-12);
  // once every private jump is public, P = V again: the priced-in part did not count twice
  const before = f.value(0);
  assert.equal(f.pendingCount, 1);
  f.fire(f.eventRate() * (1 - 1e-9), rng, 0); // u at the end: the revelation segment
  assert.equal(f.pendingCount, 0);
  assert.ok(Math.abs(f.reference(0) - before) < 1e-9, `P ${f.reference(0)}, V ${before}`);
  assert.ok(Math.abs(f.value(0) - before) < 1e-12);
});

Deno.test("fundamental: with informedImpact toValue an informed trade moves P at most to V", () => {
  const base = { impactShare: 0.3, privateShare: 0.6, privateRate: 0.2, revealRate: 1 };
  const rng = new Rng("to-value");
  for (const kind of ["surprise", "toValue"] as const) {
    const cfg = fundamentalConfigSchema.parse({ ...base, informedImpact: kind });
    const f = new LatentFundamental(cfg, FACTS);
    // a private jump smaller than a trade's impact θ·(ε − ε̂) at ε̂ = −1 (2θ ≈ 0.96 ticks)
    do {
      f.reset(0);
      f.fire(cfg.newsRate, rng, 0);
    } while (!(Math.abs(f.pending) > 0.05 && Math.abs(f.pending) < 0.4));
    const gap = f.value(0) - f.reference(0);
    const sign = gap > 0 ? 1 : -1;
    const shift = f.onTrade(sign, 4, -sign, 0, true);
    if (kind === "surprise") {
      // the full impact: P passes V
      assert.ok(Math.abs(shift - 2 * f.theta * sign) < 1e-12);
      assert.ok((f.reference(0) - f.value(0)) * sign > 0);
    } else {
      // capped at the news: P lands on V, and a second informed trade does not move it
      assert.ok(Math.abs(shift - gap) < 1e-12);
      assert.ok(Math.abs(f.reference(0) - f.value(0)) < 1e-12);
      assert.equal(f.onTrade(sign, 4, 0, 0, true), 0);
      // nor does one against it (its shift is capped at 0 on that side)
      assert.equal(f.onTrade(-sign, 4, 0, 0, true), 0);
      // an uninformed trade is never capped
      assert.ok(Math.abs(f.onTrade(sign, 4, 0, 0, false) - f.theta * sign) < 1e-12);
    }
  }
});

Deno.test("fundamental: a trade within the pace window moves the price paceRatio times as much, and the budget counts it", () => {
  // Poisson trades at rate 3: the share within 0.1 s of the previous one is 1 − e^(−0.3)
  const share = 1 - Math.exp(-0.3);
  const cfg = fundamentalConfigSchema.parse({
    paceWindow: 0.1,
    paceRatio: 3,
    paceShare: share,
    impactShare: 0.9,
    privateShare: 0,
  });
  const f = new LatentFundamental(cfg, FACTS);
  const eh2 = paceMoment(0.1, 3, share);
  assert.ok(Math.abs(f.theta ** 2 * 3 * 0.75 * eh2 - 0.9 * 1.69) < 1e-12);
  f.reset(0);
  assert.ok(Math.abs(f.onTrade(1, 4, 0, 5, false) - f.theta) < 1e-12); // the first: after
  assert.ok(Math.abs(f.onTrade(1, 4, 0, 5.05, false) - 3 * f.theta) < 1e-12); // within 0.1 s
  assert.ok(Math.abs(f.onTrade(-1, 4, 0, 5.2, false) + f.theta) < 1e-12); // 0.15 s later
  f.reset(0);
  assert.ok(Math.abs(f.onTrade(1, 4, 0, 5.2, false) - f.theta) < 1e-12); // reset forgets
  // the realized variance of the public price over 2,000 ten-second increments is σ²
  const rng = new Rng("pace");
  f.reset(10_000);
  let t = 0, next = 10, last = f.reference(0), rv = 0, n = 0;
  for (;;) {
    const total = f.eventRate() + 3;
    t += rng.exponential(total);
    while (next <= t && next <= 20_000) {
      rv += (f.reference(next) - last) ** 2;
      last = f.reference(next);
      n++;
      next += 10;
    }
    if (t > 20_000) break;
    const u = rng.next() * total;
    if (u < 3) {
      const e = rng.next() < 0.5 ? 0.5 : -0.5;
      f.onTrade(rng.next() < (1 + e) / 2 ? 1 : -1, 4, e, t, false);
    } else f.fire(u - 3, rng, t);
  }
  assert.ok(Math.abs(rv / (n * 10) / 1.69 - 1) < 0.13, `variance ${rv / (n * 10)}/s, want 1.69`);
  // without the share in the budget the variance would be E[h²] = 3.07 times as large
  assert.ok(eh2 > 3);
});

Deno.test("fundamental: with forecast weight κ the budget uses E[(ε − κ·ε̄)²] and impact follows κ", () => {
  const cfg = fundamentalConfigSchema.parse({ forecastWeight: 0.4 });
  const f = new LatentFundamental(cfg, FACTS);
  const eu2 = forecastSurpriseVariance(0.75, 0.4); // 1 − 0.4·1.6·0.25 = 0.84
  assert.ok(Math.abs(eu2 - 0.84) < 1e-12);
  assert.ok(Math.abs(f.theta ** 2 * 3 * eu2 - cfg.impactShare * 1.69) < 1e-12);
  f.reset(0);
  // a buy forecast at +0.5 moves P by θ·(1 − 0.4·0.5), not θ·(1 − 0.5)
  assert.ok(Math.abs(f.onTrade(1, 4, 0.5, 0, false) - 0.8 * f.theta) < 1e-12);
  assert.throws(() => forecastSurpriseVariance(0.75, 1.5), /forecastWeight/);
});

Deno.test("fundamental: E[u²] and the response R(ℓ) of the surprise u = ε − κ·E[ε|state] match a simulation of the metaorder signs", () => {
  const signCfg = tradeSignConfigSchema.parse({
    metaorders: 2,
    lengthTail: 2.5,
    minLength: 3,
    persistence: 0.45,
  });
  const lags = [1, 2, 5, 20];
  const c = metaorderSignAutocorrelation(signCfg, Array.from({ length: 19 }, (_, i) => i + 1));
  for (const kappa of [1, 0.3]) {
    const signs = new MetaorderSigns(signCfg);
    const rng = new Rng(`kappa-${kappa}`);
    signs.reset(rng);
    const n = 400_000;
    const eps = new Int8Array(n);
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const e = signs.expected();
      eps[i] = signs.next(rng);
      u[i] = eps[i] - kappa * e;
    }
    let u2 = 0;
    for (let i = 0; i < n; i++) u2 += u[i] * u[i] / n;
    assert.ok(Math.abs(u2 - forecastSurpriseVariance(signs.surpriseVariance, kappa)) < 0.01);
    const want = surpriseResponse(c, signs.surpriseVariance, kappa);
    for (const l of lags) {
      let r = 0, m = 0;
      for (let i = 0; i + l < n; i++) {
        let s = 0;
        for (let k = 0; k < l; k++) s += u[i + k];
        r += eps[i] * s;
        m++;
      }
      r /= m;
      // sampling error grows with ℓ (long memory): a few standard errors of the mean
      assert.ok(
        Math.abs(r - want[l - 1]) < 0.03 + 0.01 * l,
        `κ ${kappa}, ℓ ${l}: ${r} vs ${want[l - 1]}`,
      );
    }
    if (kappa === 1) assert.ok(Math.abs(want[19] - want[0]) < 1e-12); // flat: a martingale
    else assert.ok(want[19] > 2 * want[0]); // grows with the sign memory
  }
});

Deno.test("fundamental: with κ < 1 one trade's impact has the budgeted variance and the price's variance per trade grows with the horizon (a rising signature plot)", () => {
  const signCfg = tradeSignConfigSchema.parse({
    metaorders: 2,
    lengthTail: 2.5,
    persistence: 0.45,
  });
  const ratio: number[] = [];
  for (const kappa of [1, 0.5]) {
    const signs = new MetaorderSigns(signCfg);
    const f = new LatentFundamental(
      fundamentalConfigSchema.parse({ impactShare: 0.9, privateShare: 0, forecastWeight: kappa }),
      { ...FACTS, marketOrderRate: 1, surpriseVariance: signs.surpriseVariance },
    );
    const rng = new Rng(`signature-${kappa}`);
    signs.reset(rng);
    f.reset(0);
    const n = 200_000;
    const p = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const e = signs.expected();
      f.onTrade(signs.next(rng), 4, e, i, false); // one trade a second, no news fired
      p[i + 1] = f.reference(i);
    }
    const rv = (h: number) => {
      let s = 0, m = 0;
      for (let i = 0; i + h <= n; i += h) {
        s += (p[i + h] - p[i]) ** 2;
        m++;
      }
      return s / m / h;
    };
    // the budget: θ²·E[u²]·(1 trade/s) = impactShare·σ² at the scale of one trade
    assert.ok(Math.abs(rv(1) / (0.9 * 1.69) - 1) < 0.03, `κ ${kappa}: ${rv(1)}`);
    ratio.push(rv(50) / rv(1));
  }
  assert.ok(Math.abs(ratio[0] - 1) < 0.1, `martingale: ${ratio[0]}`);
  assert.ok(ratio[1] > 1.5, `κ = 0.5: ${ratio[1]}`);
});

Deno.test("fundamental: with a lumpy impact P follows the plain model's price to within the lump, and moves only by whole lumps on uninformed trades", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          sign: fc.constantFrom(-1, 1),
          lots: fc.integer({ min: 1, max: 40 }),
          expected: fc.double({ min: -0.9, max: 0.9, noNaN: true }),
          informed: fc.boolean(),
        }),
        { minLength: 1, maxLength: 300 },
      ),
      fc.double({ min: 0.1, max: 20, noNaN: true }),
      (trades, lump) => {
        const base = { impactShare: 0.4, sizeExponent: 0.5, forecastWeight: 0.8 };
        const plain = new LatentFundamental(fundamentalConfigSchema.parse(base), FACTS);
        const lumpy = new LatentFundamental(
          fundamentalConfigSchema.parse({ ...base, impactLump: lump }),
          FACTS,
        );
        plain.reset(1_000);
        lumpy.reset(1_000);
        let unpriced = 0; // the uninformed impacts the lumpy price has not taken yet
        for (const [i, t] of trades.entries()) {
          const before = lumpy.reference(i);
          const s = plain.onTrade(t.sign, t.lots, t.expected, i, t.informed);
          const l = lumpy.onTrade(t.sign, t.lots, t.expected, i, t.informed);
          if (t.informed) assert.ok(Math.abs(l - s) < 1e-9); // informed: at once, as before
          else {
            unpriced += s;
            if (l !== 0) {
              assert.ok(Math.abs(l) >= lump - 1e-9); // a whole lump or nothing
              assert.ok(Math.abs(l - unpriced) < 1e-9);
              unpriced = 0;
            }
          }
          assert.ok(Math.abs(lumpy.reference(i) - before - l) < 1e-9);
          const gap = plain.reference(i) - lumpy.reference(i);
          assert.ok(Math.abs(gap - unpriced) < 1e-6);
          assert.ok(Math.abs(gap) < lump + 1e-9);
        }
      },
    ),
    { numRuns: 200 },
  );
  // absent (or 0): the plain model exactly
  const z = new LatentFundamental(fundamentalConfigSchema.parse({ impactLump: 0 }), FACTS);
  const p = new LatentFundamental(fundamentalConfigSchema.parse({}), FACTS);
  z.reset(0);
  p.reset(0);
  assert.equal(z.onTrade(1, 3, 0.2, 0, false), p.onTrade(1, 3, 0.2, 0, false));
});
