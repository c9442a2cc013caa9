import assert from "node:assert/strict";
import {
  asOptimalSpread,
  asReservationPrice,
  AvellanedaStoikovAgent,
} from "../../lib/agents/avellaneda_stoikov.ts";
import { ValidationError } from "../../lib/errors.ts";
import { actRows, assertClose, modelConfig } from "./_helpers.ts";

Deno.test("AS reservation price and spread at the paper's parameters", () => {
  // s = 100, q = 2, γ = 0.1, σ = 2, T − t = 0.5, k = 1.5
  // r = 100 − 2·0.1·2²·0.5 = 100 − 0.4 = 99.6
  assertClose(asReservationPrice(100, 2, 0.1, 2, 0.5), 99.6, 1e-12, "r");
  // spread = 0.1·4·0.5 + (2/0.1)·ln(1 + 0.1/1.5) = 0.2 + 20·ln(16/15)
  //        = 0.2 + 20·(2.7725887 − 2.7080502) = 0.2 + 20·0.0645385 = 1.490770
  assertClose(asOptimalSpread(0.1, 2, 0.5, 1.5), 1.49077, 1e-5, "spread");
  // Short inventory moves r above s: q = −1 → r = 100 + 0.1·4·0.5 = 100.2
  assertClose(asReservationPrice(100, -1, 0.1, 2, 0.5), 100.2, 1e-12, "r(q<0)");
  // γ → 0: (2/γ)ln(1 + γ/k) → 2/k = 1.3333 and the risk term vanishes
  assertClose(asOptimalSpread(1e-9, 2, 0.5, 1.5), 2 / 1.5, 1e-6, "spread(γ→0)");
});

Deno.test("AS agent quotes r ± spread/2 as tick offsets from the mid (finite horizon)", () => {
  const agent = new AvellanedaStoikovAgent({ gamma: 0.1, k: 30, sigma: 0.013 });
  agent.reset({ config: modelConfig(), numEnvs: 2, seed: 0 });
  // Row 0: s = 100, q = 3 lots, τ = timeLeft = 60 s, tick = 0.01 $.
  //   q·γ·σ²·τ = 3·0.1·0.000169·60 = 0.003042 $ → r = 99.996958
  //   spread = 0.1·0.000169·60 + 20·ln(1 + 0.1/30) = 0.001014 + 20·0.00332779 = 0.0675698
  //   half = 0.0337849; bid offset = (0.003042 + 0.0337849)/0.01 = 3.68269 ticks,
  //   ask offset = (0.0337849 − 0.003042)/0.01 = 3.07429 ticks.
  // Row 1: q = 0, τ = 0: both offsets = (1/γ)ln(1 + γ/k)/tick = 10·0.00332779/0.01 = 3.32779.
  const rows = actRows(agent, [
    { mid: 100, inventory: 3, timeLeft: 60 },
    { mid: 100, inventory: 0, timeLeft: 0 },
  ]);
  assertClose(rows[0][0], 3.68269, 1e-4, "bid offset");
  assertClose(rows[0][1], 3.07429, 1e-4, "ask offset");
  assert.deepEqual(rows[0].slice(2), [1, 1]);
  assertClose(rows[1][0], 3.32779, 1e-4, "bid offset (τ = 0)");
  assertClose(rows[1][1], 3.32779, 1e-4, "ask offset (τ = 0)");
});

Deno.test("AS infinite-horizon variant uses the fixed horizon instead of time left", () => {
  const agent = new AvellanedaStoikovAgent({ gamma: 0.1, k: 30, sigma: 0.013, horizon: 60 });
  agent.reset({ config: modelConfig(), numEnvs: 1, seed: 0 });
  // τ = 60 whatever timeLeft says: the same quote as row 0 of the previous test.
  const [row] = actRows(agent, [{ mid: 100, inventory: 3, timeLeft: 5 }]);
  assertClose(row[0], 3.68269, 1e-4, "bid offset");
  assertClose(row[1], 3.07429, 1e-4, "ask offset");
});

Deno.test("AS quote on the wrong side of the mid gets offset 0; offsets clip at maxOffsetTicks", () => {
  const agent = new AvellanedaStoikovAgent({ gamma: 1, k: 30, sigma: 0.013 });
  agent.reset({ config: modelConfig(), numEnvs: 2, seed: 0 });
  // q = 40, γ = 1, τ = 300: q·γ·σ²·τ = 40·0.000169·300 = 2.028 $ ≫ half-spread (≈ 0.058 $):
  // the ask r + half lies below the mid → offset 0; the bid is ~208 ticks away → clipped to 20.
  const rows = actRows(agent, [
    { inventory: 40, timeLeft: 300 },
    { inventory: -40, timeLeft: 300 },
  ]);
  assert.deepEqual(rows[0].slice(0, 2), [20, 0]);
  assert.deepEqual(rows[1].slice(0, 2), [0, 20]);
});

Deno.test("AS σ from the view, falling back to the config's nominal σ", () => {
  const cfg = modelConfig();
  const fromView = new AvellanedaStoikovAgent({ gamma: 0.5, k: 30 });
  fromView.reset({ config: cfg, numEnvs: 3, seed: 0 });
  // nominal σ = 0.02·100/√23400 = 0.0130744 $/√s
  const fixedNominal = new AvellanedaStoikovAgent({ gamma: 0.5, k: 30, sigma: 0.0130744 });
  fixedNominal.reset({ config: cfg, numEnvs: 3, seed: 0 });
  const fixedHigh = new AvellanedaStoikovAgent({ gamma: 0.5, k: 30, sigma: 0.05 });
  fixedHigh.reset({ config: cfg, numEnvs: 3, seed: 0 });
  const rows = [
    { inventory: 2, timeLeft: 100, sigma: 0 },
    { inventory: 2, timeLeft: 100, sigma: NaN },
    { inventory: 2, timeLeft: 100, sigma: 0.05 },
  ];
  const v = actRows(fromView, rows);
  const n = actRows(fixedNominal, rows);
  const h = actRows(fixedHigh, rows);
  for (let j = 0; j < 2; j++) {
    assertClose(v[0][j], n[0][j], 1e-4, "σ = 0 falls back");
    assertClose(v[1][j], n[1][j], 1e-4, "σ = NaN falls back");
    assertClose(v[2][j], h[2][j], 1e-12, "σ from the view");
  }
  // Higher σ widens the spread: 0.5·0.05²·100 = 0.125 $ extra total → much wider.
  assert.ok(v[2][0] + v[2][1] > v[0][0] + v[0][1] + 10);
});

Deno.test("AS defaults take k from the config; no quote when the mid is not finite", () => {
  const agent = new AvellanedaStoikovAgent();
  agent.reset({ config: modelConfig({ model: { k: 45, A: 3 } }), numEnvs: 1, seed: 0 });
  assert.equal(agent.k, 45);
  assert.equal(agent.A, 3);
  assert.equal(agent.params.horizon, "episode");
  assert.equal(agent.params.sigma, "view");
  const [row] = actRows(agent, [{ mid: NaN }]);
  assert.deepEqual(row, [0, 0, 0, 0]);
});

Deno.test("AS rejects bad parameters with the parameter named", () => {
  assert.throws(
    () => new AvellanedaStoikovAgent({ gamma: 0 }),
    (e: unknown) => e instanceof ValidationError && e.field === "avellaneda-stoikov.gamma",
  );
  assert.throws(
    () => new AvellanedaStoikovAgent({ horizon: -5 }),
    (e: unknown) => e instanceof ValidationError && e.field === "avellaneda-stoikov.horizon",
  );
  assert.throws(
    () => new AvellanedaStoikovAgent({ sigma: "ewma" as unknown as number }),
    (e: unknown) => e instanceof ValidationError && e.field === "avellaneda-stoikov.sigma",
  );
});
