import assert from "node:assert/strict";
import {
  createTradeSignModel,
  metaorderLengthPmf,
  metaorderSignAutocorrelation,
  MetaorderSigns,
  tradeSignConfigSchema,
} from "../../lib/market/trade_signs.ts";
import { Rng } from "../../lib/rng/rng.ts";

const CFG = tradeSignConfigSchema.parse({});
const LAGS = [1, 2, 5, 10, 50, 200];

/** Sample autocorrelation at `lags` of ±1 signs, per batch (for a batch-means standard error). */
function batchAcf(x: Int8Array, lags: number[], batches: number): number[][] {
  const size = Math.floor(x.length / batches);
  const out: number[][] = lags.map(() => []);
  for (let b = 0; b < batches; b++) {
    const lo = b * size;
    const hi = lo + size;
    let m = 0;
    for (let i = lo; i < hi; i++) m += x[i];
    m /= size;
    let v = 0;
    for (let i = lo; i < hi; i++) v += (x[i] - m) ** 2;
    lags.forEach((lag, q) => {
      let c = 0;
      for (let i = lo; i + lag < hi; i++) c += (x[i] - m) * (x[i + lag] - m);
      out[q].push(c / v);
    });
  }
  return out;
}

Deno.test("metaorder signs: the sample autocorrelation matches the exact C(ℓ) at every lag", () => {
  const model = new MetaorderSigns(CFG);
  const rng = new Rng("signs-acf");
  model.reset(rng);
  const n = 1_200_000;
  const x = new Int8Array(n);
  for (let i = 0; i < n; i++) x[i] = model.next(rng);
  const theory = metaorderSignAutocorrelation(CFG, LAGS);
  const acf = batchAcf(x, LAGS, 24);
  LAGS.forEach((lag, q) => {
    const b = acf[q];
    const mean = b.reduce((s, v) => s + v, 0) / b.length;
    const sd = Math.sqrt(b.reduce((s, v) => s + (v - mean) ** 2, 0) / (b.length - 1));
    const se = sd / Math.sqrt(b.length);
    // batch means understate the error of a long-memory series a little: 5 standard errors
    assert.ok(
      Math.abs(mean - theory[q]) < 5 * se + 0.005,
      `lag ${lag}: sample ${mean.toFixed(4)} ± ${se.toFixed(4)}, theory ${theory[q].toFixed(4)}`,
    );
  });
  // long memory: still clearly positive after hundreds of trades
  assert.ok(theory[LAGS.length - 1] > 0.02);
});

Deno.test("metaorder signs: C(ℓ) decays as the power law ℓ^−(a−1) of the length tail", () => {
  for (const a of [1.5, 1.8]) {
    const cfg = tradeSignConfigSchema.parse({ lengthTail: a, maxLength: 1_000_000, metaorders: 2 });
    const [c1, c2] = metaorderSignAutocorrelation(cfg, [2_000, 16_000]);
    const slope = Math.log(c2 / c1) / Math.log(8);
    assert.ok(Math.abs(slope + (a - 1)) < 0.06, `a = ${a}: slope ${slope}`);
  }
  // the length distribution is a distribution
  const pmf = metaorderLengthPmf(CFG);
  assert.ok(Math.abs(pmf.reduce((s, v) => s + v, 0) - 1) < 1e-12);
});

Deno.test("metaorder signs: expected() is the conditional mean of the next sign; surprise variance 1 − 1/N", () => {
  const model = new MetaorderSigns(CFG);
  const rng = new Rng("signs-forecast");
  model.reset(rng);
  const n = 400_000;
  const sums = new Map<number, [number, number]>();
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const f = model.expected();
    const s = model.next(rng);
    const e = sums.get(f) ?? [0, 0];
    e[0] += s;
    e[1]++;
    sums.set(f, e);
    s2 += (s - f) ** 2;
  }
  assert.equal(sums.size, CFG.metaorders + 1); // (2k − N)/N for k = 0..N
  for (const [f, [s, count]] of sums) {
    const sd = Math.sqrt(Math.max(1e-9, 1 - f * f) / count);
    assert.ok(Math.abs(s / count - f) < 4.5 * sd + 1e-3, `forecast ${f}: mean ${s / count}`);
  }
  const v = s2 / n;
  assert.ok(Math.abs(v - model.surpriseVariance) < 0.01, `${v} vs ${model.surpriseVariance}`);
  assert.equal(model.surpriseVariance, 1 - 1 / CFG.metaorders);
});

Deno.test("iid signs: fair, uncorrelated, forecast 0", () => {
  const model = createTradeSignModel(tradeSignConfigSchema.parse({ kind: "iid" }));
  const rng = new Rng("iid");
  model.reset(rng);
  const n = 200_000;
  const x = new Int8Array(n);
  for (let i = 0; i < n; i++) x[i] = model.next(rng);
  const [acf] = batchAcf(x, [1], 1);
  assert.ok(Math.abs(acf[0]) < 4 / Math.sqrt(n));
  assert.equal(model.expected(), 0);
  assert.equal(model.surpriseVariance, 1);
  assert.throws(
    () => new MetaorderSigns(tradeSignConfigSchema.parse({ minLength: 50, maxLength: 10 })),
    /signs\.maxLength/,
  );
});

const PERSIST = tradeSignConfigSchema.parse({
  metaorders: 3,
  persistence: 0.5,
  lengthTail: 1.8,
  minLength: 3,
});

Deno.test("persistent metaorder signs: the sample C(ℓ) matches the dynamic-programming C(ℓ), C(1) above 1/N", () => {
  const model = new MetaorderSigns(PERSIST);
  const rng = new Rng("signs-persist");
  model.reset(rng);
  const n = 600_000;
  const x = new Int8Array(n);
  for (let i = 0; i < n; i++) x[i] = model.next(rng);
  const theory = metaorderSignAutocorrelation(PERSIST, LAGS);
  const acf = batchAcf(x, LAGS, 24);
  LAGS.forEach((lag, q) => {
    const b = acf[q];
    const mean = b.reduce((s, v) => s + v, 0) / b.length;
    const sd = Math.sqrt(b.reduce((s, v) => s + (v - mean) ** 2, 0) / (b.length - 1));
    const se = sd / Math.sqrt(b.length);
    assert.ok(
      Math.abs(mean - theory[q]) < 5 * se + 0.005,
      `lag ${lag}: sample ${mean.toFixed(4)} ± ${se.toFixed(4)}, theory ${theory[q].toFixed(4)}`,
    );
  });
  assert.ok(theory[0] > 0.5 && theory[0] > 1 / PERSIST.metaorders);
});

Deno.test("persistent metaorder signs: ρ → 0 gives the binomial closed form; ρ = 0 draws the same signs as before", () => {
  for (const n of [2, 5]) {
    const base = tradeSignConfigSchema.parse({ metaorders: n, lengthTail: 1.6, minLength: 2 });
    const exact = metaorderSignAutocorrelation(base, LAGS);
    const dp = metaorderSignAutocorrelation({ ...base, persistence: 1e-12 }, LAGS);
    LAGS.forEach((_, q) => assert.ok(Math.abs(exact[q] - dp[q]) < 1e-9, `N ${n} lag ${LAGS[q]}`));
  }
  // ρ = 0 uses one uniform per sign as before: the default model's path is unchanged
  const a = new MetaorderSigns(CFG), b = new MetaorderSigns({ ...CFG, persistence: 0 });
  const ra = new Rng(9), rb = new Rng(9);
  a.reset(ra);
  b.reset(rb);
  for (let i = 0; i < 1_000; i++) assert.equal(a.next(ra), b.next(rb));
  // with persistence: deterministic for a seed
  const p = new MetaorderSigns(PERSIST), q = new MetaorderSigns(PERSIST);
  const rp = new Rng("same"), rq = new Rng("same");
  p.reset(rp);
  q.reset(rq);
  for (let i = 0; i < 1_000; i++) {
    assert.equal(p.expected(), q.expected());
    assert.equal(p.next(rp), q.next(rq));
  }
});

Deno.test("persistent metaorder signs: expected() is the conditional mean; surprise variance 1 − ρ² − (1 − ρ²)/N", () => {
  const model = new MetaorderSigns(PERSIST);
  const rng = new Rng("signs-persist-forecast");
  model.reset(rng);
  const n = 400_000;
  const sums = new Map<number, [number, number]>();
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const f = model.expected();
    const s = model.next(rng);
    const e = sums.get(f) ?? [0, 0];
    e[0] += s;
    e[1]++;
    sums.set(f, e);
    s2 += (s - f) ** 2;
  }
  for (const [f, [s, count]] of sums) {
    const sd = Math.sqrt(Math.max(1e-9, 1 - f * f) / count);
    assert.ok(Math.abs(s / count - f) < 4.5 * sd + 1e-3, `forecast ${f}: mean ${s / count}`);
  }
  const rho = PERSIST.persistence, N = PERSIST.metaorders;
  assert.ok(Math.abs(model.surpriseVariance - (1 - rho * rho - (1 - rho * rho) / N)) < 1e-12);
  assert.ok(Math.abs(s2 / n - model.surpriseVariance) < 0.01, `${s2 / n}`);
});
