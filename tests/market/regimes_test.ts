import assert from "node:assert/strict";
import { parseEnvConfig, type RegimeConfig } from "../../lib/env/config.ts";
import { ValidationError } from "../../lib/errors.ts";
import {
  createRegimeModel,
  generatorMatrix,
  stationaryDistribution,
} from "../../lib/market/regimes.ts";
import { Rng } from "../../lib/rng/rng.ts";

function regimes(rates: number[][], initial: number | "stationary" = "stationary"): RegimeConfig {
  return {
    names: rates.map((_, i) => `r${i}`),
    volMultipliers: rates.map((_, i) => i + 1),
    flowMultipliers: rates.map((_, i) => 10 * (i + 1)),
    rates,
    initial,
  };
}

Deno.test("stationary distribution solves πQ = 0 and sums to 1 (default chain)", () => {
  const rates = parseEnvConfig().regimes.rates;
  const pi = stationaryDistribution(rates);
  const q = generatorMatrix(rates);
  let sum = 0;
  for (let j = 0; j < pi.length; j++) {
    let r = 0;
    for (let i = 0; i < pi.length; i++) r += pi[i] * q[i][j];
    assert.ok(Math.abs(r) < 1e-14, `(πQ)[${j}] = ${r}`);
    assert.ok(pi[j] > 0);
    sum += pi[j];
  }
  assert.ok(Math.abs(sum - 1) < 1e-14);
});

Deno.test("two-state chain: π = (b, a)/(a + b)", () => {
  const pi = stationaryDistribution([[0, 0.3], [0.1, 0]]);
  assert.ok(Math.abs(pi[0] - 0.25) < 1e-14 && Math.abs(pi[1] - 0.75) < 1e-14);
});

Deno.test("reducible and stiff chains: the long run from the uniform start, exactly", () => {
  // two closed classes, {0, 1} (π ∝ (1, 2) within it) and {2}: each keeps its uniform third
  const two = stationaryDistribution([[0, 2, 0], [1, 0, 0], [0, 0, 0]]);
  [2 / 9, 4 / 9, 1 / 3].forEach((v, i) => assert.ok(Math.abs(two[i] - v) < 1e-12, `${two}`));
  // regime 2 leaves at 10⁻¹³/s, below the solver's pivot: the elimination gives up, and the
  // long run is still (½, ½, 0) (stepping P one power at a time stopped at a third each)
  const stiff = stationaryDistribution([[0, 1, 0], [1, 0, 0], [1e-13, 0, 0]]);
  [0.5, 0.5, 0].forEach((v, i) => assert.ok(Math.abs(stiff[i] - v) < 1e-12, `${stiff}`));
});

Deno.test("absorbing regime: stationary mass on it, and the chain stays there", () => {
  const cfg = regimes([[0, 1], [0, 0]], 0);
  const m = createRegimeModel(cfg);
  const pi = m.stationary();
  assert.ok(Math.abs(pi[0]) < 1e-9 && Math.abs(pi[1] - 1) < 1e-9);
  const rng = new Rng("absorb");
  m.reset(rng);
  assert.equal(m.state, 0);
  m.advance(100, rng); // P(still in 0) = e^-100
  assert.equal(m.state, 1);
  assert.equal(m.timeToJump, Infinity);
  for (let i = 0; i < 100; i++) assert.equal(m.advance(1e3, rng), 1);
});

Deno.test("occupancy matches π within 5 standard errors (two-state chain)", () => {
  // Rates a (0→1) = 0.1, b (1→0) = 0.05: π0 = b/(a+b) = 1/3. The time average over T has
  // variance ≈ 2ab/((a+b)³·T).
  const a = 0.1, b = 0.05, T = 200_000;
  const m = createRegimeModel(regimes([[0, a], [b, 0]]));
  const rng = new Rng("occupancy");
  m.reset(rng);
  let in0 = 0;
  const dt = 0.5;
  const steps = T / dt;
  for (let t = 0; t < steps; t++) if (m.advance(dt, rng) === 0) in0++;
  const se = Math.sqrt(2 * a * b / ((a + b) ** 3 * T));
  assert.ok(Math.abs(in0 / steps - 1 / 3) < 5 * se, `${in0 / steps} vs 1/3 (se ${se})`);
});

Deno.test("holding times are exponential with mean 1/exit rate; jumps ∝ rates", () => {
  const rates = [[0, 0.2, 0.6], [1, 0, 1], [0.5, 0.5, 0]];
  const m = createRegimeModel(regimes(rates, 0));
  const rng = new Rng("holding");
  const n = 20_000;
  let sum = 0;
  const to = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    m.reset(rng);
    const h = m.timeToJump;
    sum += h;
    // Advancing by exactly the holding time makes exactly one jump.
    m.advance(h, rng);
    to[m.state]++;
  }
  const mean = 1 / 0.8;
  assert.ok(Math.abs(sum / n - mean) < 5 * mean / Math.sqrt(n), `${sum / n} vs ${mean}`);
  assert.equal(to[0], 0);
  const p1 = 0.25;
  const se = Math.sqrt(p1 * (1 - p1) / n);
  assert.ok(Math.abs(to[1] / n - p1) < 5 * se, `${to[1] / n}`);
});

Deno.test("one long advance may jump many times: the state is drawn from π", () => {
  const cfg = parseEnvConfig().regimes;
  const m = createRegimeModel({ ...cfg, initial: 0 });
  const pi = m.stationary();
  const rng = new Rng("long");
  const n = 4000;
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    m.reset(rng);
    counts[m.advance(5_000, rng)]++; // ≫ mixing time (~100 s)
  }
  for (let j = 0; j < 3; j++) {
    const se = Math.sqrt(pi[j] * (1 - pi[j]) / n);
    assert.ok(
      Math.abs(counts[j] / n - pi[j]) < 5 * se,
      `regime ${j}: ${counts[j] / n} vs ${pi[j]}`,
    );
  }
});

Deno.test("initial regime, multipliers, volatilityScale and determinism", () => {
  const m = createRegimeModel(regimes([[0, 1], [1, 0]], 1), 0.5);
  m.reset(new Rng(1));
  assert.equal(m.state, 1);
  assert.equal(m.volMultiplier(), 2 * 0.5);
  assert.equal(m.flowMultiplier(), 20);
  const run = (seed: string) => {
    const r = new Rng(seed);
    const mm = createRegimeModel(parseEnvConfig().regimes);
    mm.reset(r);
    const out: number[] = [];
    for (let i = 0; i < 2000; i++) out.push(mm.advance(0.7, r));
    return out;
  };
  assert.deepEqual(run("a"), run("a"));
  assert.notDeepEqual(run("a"), run("b"));
  assert.throws(
    () => createRegimeModel(regimes([[0, -1], [1, 0]])),
    (e: unknown) => e instanceof ValidationError && e.field === "regimes.rates.0.1",
  );
});
