import assert from "node:assert/strict";
import {
  GlftAgent,
  glftAskDepth,
  glftBidDepth,
  glftInventoryCoefficient,
} from "../../lib/agents/glft.ts";
import { DEFAULT_GAMMA_GRID, GLFT_GAMMA_GRID } from "../../lib/agents/tuning.ts";
import { sigmaPerSqrtSecond } from "../../lib/env/config.ts";
import { actRows, assertClose, modelConfig } from "./_helpers.ts";

// Hand computation for γ = 1 /$, k = 30 /$, A = 2 /s, σ = 0.05 $/√s:
//   ln(1 + 1/30) = 0.0327898 → (1/γ)ln(1 + γ/k) = 0.0327898 $
//   (1 + 1/30)^(1 + 30) = exp(31·0.0327898) = exp(1.0164838) = 2.7634616
//   σ²γ/(2kA) = 0.0025/120 = 2.083333e-5; × 2.7634616 = 5.757212e-5; √ → C = 0.0075876 $
//   q = 2: δb = 0.0327898 + (5/2)·0.0075876 = 0.0517588 $; δa = 0.0327898 − (3/2)·0.0075876 = 0.0214084 $
// Adverse selection ξ = 0.01 $: C' = C·e^(30·0.01/4) = 0.0075876·1.0778842 = 0.0081786 $
//   δb = 0.0327898 + 2.5·0.0081786 + 0.005 = 0.0582363 $; δa = 0.0327898 − 1.5·0.0081786 + 0.005 = 0.0255219 $

Deno.test("GLFT inventory coefficient and depths at hand-computed points", () => {
  const C = glftInventoryCoefficient(1, 30, 2, 0.05);
  assertClose(C, 0.0075876, 2e-7, "C");
  assertClose(glftBidDepth(2, 1, 30, C), 0.0517588, 1e-6, "δb(2)");
  assertClose(glftAskDepth(2, 1, 30, C), 0.0214084, 1e-6, "δa(2)");
  // q = 0: symmetric, each side base + C/2 = 0.0327898 + 0.0037938 = 0.0365836
  assertClose(glftBidDepth(0, 1, 30, C), 0.0365836, 1e-6, "δb(0)");
  assertClose(glftAskDepth(0, 1, 30, C), 0.0365836, 1e-6, "δa(0)");
  // Total spread is independent of q: 2·0.0327898 + C = 0.0731672
  assertClose(glftBidDepth(-3, 1, 30, C) + glftAskDepth(-3, 1, 30, C), 0.0731672, 1e-6, "spread");
});

Deno.test("GLFT adverse-selection variant (ξ)", () => {
  const C = glftInventoryCoefficient(1, 30, 2, 0.05, 0.01);
  assertClose(C, 0.0081786, 2e-7, "C with ξ");
  assertClose(glftBidDepth(2, 1, 30, C, 0.01), 0.0582363, 1e-6, "δb(2) with ξ");
  assertClose(glftAskDepth(2, 1, 30, C, 0.01), 0.0255219, 1e-6, "δa(2) with ξ");
});

Deno.test("GLFT agent converts depths to ticks (tick = 0.01 $)", () => {
  const agent = new GlftAgent({ gamma: 1, k: 30, A: 2, sigma: 0.05 });
  agent.reset({ config: modelConfig(), numEnvs: 2, seed: 0 });
  const rows = actRows(agent, [{ inventory: 2 }, { inventory: 2, timeLeft: 1 }]);
  // 0.0517588 $ = 5.17588 ticks, 0.0214084 $ = 2.14084 ticks; time left does not matter.
  for (const r of rows) {
    assertClose(r[0], 5.17588, 1e-4, "bid offset");
    assertClose(r[1], 2.14084, 1e-4, "ask offset");
    assert.deepEqual(r.slice(2), [1, 1]);
  }
  const xi = new GlftAgent({ gamma: 1, k: 30, A: 2, sigma: 0.05, xi: 0.01 });
  xi.reset({ config: modelConfig(), numEnvs: 1, seed: 0 });
  const [r] = actRows(xi, [{ inventory: 2 }]);
  assertClose(r[0], 5.82363, 1e-4, "bid offset with ξ");
  assertClose(r[1], 2.55219, 1e-4, "ask offset with ξ");
});

Deno.test("GLFT with size Δ uses q/Δ and γ·Δ", () => {
  // size 2, γ = 0.5 per lot, q = 4 lots → γΔ = 1, qΔ = 2: the same depths as above.
  const agent = new GlftAgent({ gamma: 0.5, k: 30, A: 2, sigma: 0.05, size: 2 });
  agent.reset({ config: modelConfig(), numEnvs: 1, seed: 0 });
  const [r] = actRows(agent, [{ inventory: 4 }]);
  assertClose(r[0], 5.17588, 1e-4, "bid offset");
  assertClose(r[1], 2.14084, 1e-4, "ask offset");
  assert.deepEqual(r.slice(2), [2, 2]);
});

Deno.test("GLFT: negative depth → offset 0; σ from the view; k, A from the config", () => {
  const agent = new GlftAgent({ gamma: 1, k: 30, A: 2, sigma: 0.05 });
  agent.reset({ config: modelConfig(), numEnvs: 1, seed: 0 });
  // q = 10: δa = 0.0327898 − 9.5·0.0075876 = −0.0393 $ < 0 → 0; δb = 0.0327898 + 10.5·C = 0.112460 → 11.246 ticks
  const [r] = actRows(agent, [{ inventory: 10 }]);
  assert.equal(r[1], 0);
  assertClose(r[0], 11.2460, 1e-3, "bid offset");

  const viewAgent = new GlftAgent({ gamma: 1 });
  viewAgent.reset({ config: modelConfig({ model: { k: 30, A: 2 } }), numEnvs: 1, seed: 0 });
  assert.equal(viewAgent.k, 30);
  assert.equal(viewAgent.A, 2);
  const [v] = actRows(viewAgent, [{ inventory: 2, sigma: 0.05 }]);
  assertClose(v[0], 5.17588, 1e-4, "bid offset from view σ");
  assertClose(v[1], 2.14084, 1e-4, "ask offset from view σ");
});

// Hand computation at γ = k = 100 /$ (γ/k = 1), A = 2.5 /s, σ = 0.015 $/√s, tick 0.01 $
// (close to the book tier's calibration, k ≈ 116 /$, A ≈ 2.5 /s, σ ≈ 0.015 $/√s):
//   (1/γ)ln(1 + γ/k) = ln 2 / 100 = 0.00693147 $ = 0.693147 ticks
//   (1 + γ/k)^(1 + k/γ) = 2² = 4; σ²γ/(2kA) = 0.000225·100/500 = 4.5e-5; × 4 = 1.8e-4
//   C = √1.8e-4 = 0.0134164 $ = 1.341641 ticks per lot
//   δb(q) = 0.693147 + (q + ½)·1.341641 ticks, δa(q) = 0.693147 − (q − ½)·1.341641 = δb(−q):
//   q:   −3        −2        −1       0        1        2        3
//   δb: −2.66095  −1.31931  0.02233  1.36397  2.70561  4.04725  5.38889   (negative → 0)
Deno.test("GLFT agent quotes at q = −3..3 at a hand-computed point (γ = k)", () => {
  const agent = new GlftAgent({ gamma: 100, k: 100, A: 2.5, sigma: 0.015 });
  agent.reset({ config: modelConfig(), numEnvs: 7, seed: 0 });
  assertClose(glftInventoryCoefficient(100, 100, 2.5, 0.015), 0.0134164, 1e-7, "C");
  const qs = [-3, -2, -1, 0, 1, 2, 3];
  const rows = actRows(agent, qs.map((q) => ({ inventory: q })));
  const bid = [0, 0, 0.02233, 1.36397, 2.70561, 4.04725, 5.38889];
  qs.forEach((q, i) => {
    assertClose(rows[i][0], bid[i], 1e-4, `bid offset at q = ${q}`);
    assertClose(rows[i][1], bid[6 - i], 1e-4, `ask offset at q = ${q}`);
    assert.deepEqual(rows[i].slice(2), [1, 1]);
  });
  // Long inventory makes the bid deeper and the ask more aggressive (and short the reverse),
  // by exactly C per lot on each side (where neither quote is clipped at the mid).
  for (let i = 3; i < 7; i++) {
    assertClose(rows[i][0] - rows[i - 1][0], 1.341641, 1e-5, "bid step per lot");
    assertClose(rows[6 - i][1] - rows[7 - i][1], 1.341641, 1e-5, "ask step per lot");
  }
  // q = 14: δb = 0.693147 + 14.5·1.341641 = 20.1469 ticks → maxOffsetTicks (20); δa = −17.42 → 0.
  const [far] = actRows(agent, [{ inventory: 14 }]);
  assert.equal(far[0], 20);
  assert.equal(far[1], 0);
});

Deno.test("GLFT's C grows like √γ for γ ≪ k: C → σ·√(e·γ/(2kA))", () => {
  // Why GLFT and AS need different γ ranges: AS's skew per lot is γσ²τ (linear in γ),
  // GLFT's stationary C = γσ²·τ* with τ* = √(e/(2kAγσ²)).
  for (const gamma of [1e-6, 1e-4]) {
    const C = glftInventoryCoefficient(gamma, 30, 2, 0.013);
    const limit = 0.013 * Math.sqrt(Math.E * gamma / (2 * 30 * 2));
    assertClose(C / limit, 1, 1e-4, `C / limit at γ = ${gamma}`);
  }
  // Monotone in γ.
  let prev = 0;
  for (const g of GLFT_GAMMA_GRID) {
    const C = glftInventoryCoefficient(g, 116, 2.5, 0.015);
    assert.ok(C > prev, `C increases at γ = ${g}`);
    prev = C;
  }
});

// The bug this guards against: GLFT was tuned on Avellaneda–Stoikov's γ grid (0.001 … 3), on
// which C stays below 0.2 ticks per lot in the book tier (0.35 in the model tier). With the
// book's whole-tick quotes that left GLFT without inventory control (tuned γ = 0.001,
// C = 0.003 ticks: avg |inventory| 6.9 lots against AS's 0.12 in `deno task compare`).
Deno.test("GLFT's γ grid spans symmetric quoting to strong inventory control", () => {
  const model = modelConfig();
  const markets = [
    {
      name: "model tier defaults",
      A: model.model.A,
      k: model.model.k,
      sigma: sigmaPerSqrtSecond(model),
    },
    { name: "book tier calibration", A: 2.54, k: 116, sigma: 0.0151 },
  ];
  const tick = model.tickSize;
  for (const m of markets) {
    const cTicks = (g: number) => glftInventoryCoefficient(g, m.k, m.A, m.sigma) / tick;
    const cs = GLFT_GAMMA_GRID.map(cTicks);
    assert.ok(cs[0] < 0.05, `${m.name}: the smallest γ quotes ≈ symmetrically (C = ${cs[0]})`);
    assert.ok(
      cs[cs.length - 1] >= model.maxOffsetTicks / 2,
      `${m.name}: the largest γ skews by ≥ half the offset range per lot (C = ${cs.at(-1)})`,
    );
    // Fine enough that some grid point skews by about one tick per lot.
    assert.ok(cs.some((c) => c >= 0.5 && c <= 2), `${m.name}: a γ with C ≈ 1 tick`);
    for (let i = 1; i < cs.length; i++) assert.ok(cs[i] / cs[i - 1] < 4, `${m.name}: steps`);
    // The grid GLFT used to be tuned on (AS's, then 0.001 … 3) would not do: at γ = 3, C is
    // a fraction of a tick. AS's grid reaches only a few C ≈ tick points even now.
    assert.ok(cTicks(3) < 0.5, `${m.name}: C at γ = 3 is ${cTicks(3)}`);
    assert.ok(DEFAULT_GAMMA_GRID.filter((g) => cTicks(g) >= 0.5).length <= 2);
  }
});
