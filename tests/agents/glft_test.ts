import assert from "node:assert/strict";
import {
  GlftAgent,
  glftAskDepth,
  glftBidDepth,
  glftInventoryCoefficient,
} from "../../lib/agents/glft.ts";
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
