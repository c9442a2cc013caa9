import assert from "node:assert/strict";
import { adaptiveHalfSpread, AdaptiveSpreadAgent } from "../../lib/agents/adaptive_spread.ts";
import { RandomAgent } from "../../lib/agents/random.ts";
import { StaticSpreadAgent } from "../../lib/agents/static_spread.ts";
import { ACT_DIM, OBS, OBS_DIM } from "../../lib/env/types.ts";
import { ValidationError } from "../../lib/errors.ts";
import { actRows, makeView, modelConfig } from "./_helpers.ts";

function randomActions(seed: number, n: number, steps: number): Float64Array {
  const agent = new RandomAgent();
  agent.reset({ config: modelConfig(), numEnvs: n, seed });
  const all = new Float64Array(steps * n * ACT_DIM);
  const out = new Float64Array(n * ACT_DIM);
  const view = makeView(Array.from({ length: n }, () => ({})));
  for (let t = 0; t < steps; t++) {
    agent.act(new Float64Array(n * OBS_DIM), view, out);
    all.set(out, t * n * ACT_DIM);
  }
  return all;
}

Deno.test("random agent: within bounds, integer sizes, every size drawn", () => {
  // Default config: maxOffsetTicks 20, maxQuoteSize 5.
  const a = randomActions(7, 8, 500);
  const sizes = new Set<number>();
  let offSum = 0, offCount = 0;
  for (let j = 0; j < a.length; j += ACT_DIM) {
    for (const off of [a[j], a[j + 1]]) {
      assert.ok(off >= 0 && off <= 20, `offset ${off}`);
      offSum += off;
      offCount++;
    }
    for (const s of [a[j + 2], a[j + 3]]) {
      assert.ok(Number.isInteger(s) && s >= 1 && s <= 5, `size ${s}`);
      sizes.add(s);
    }
  }
  assert.deepEqual([...sizes].sort(), [1, 2, 3, 4, 5]);
  // Uniform on [0, 20]: mean 10, sd 20/√12 = 5.77; over 8000 draws the mean's sd is 0.065.
  assert.ok(Math.abs(offSum / offCount - 10) < 0.4, `mean offset ${offSum / offCount}`);
});

Deno.test("random agent: deterministic per seed, different across seeds, restarts on reset", () => {
  assert.deepEqual(randomActions(42, 4, 50), randomActions(42, 4, 50));
  assert.notDeepEqual(randomActions(42, 4, 50), randomActions(43, 4, 50));
  const agent = new RandomAgent();
  const ctx = { config: modelConfig(), numEnvs: 2, seed: 5 };
  agent.reset(ctx);
  const first = actRows(agent, [{}, {}]);
  agent.reset(ctx);
  assert.deepEqual(actRows(agent, [{}, {}]), first);
  assert.throws(() => new RandomAgent({ foo: 1 } as never), ValidationError);
});

Deno.test("static-spread agent: fixed symmetric offsets, clipped to the bounds", () => {
  const agent = new StaticSpreadAgent({ halfSpreadTicks: 3.5, size: 2 });
  agent.reset({ config: modelConfig(), numEnvs: 2, seed: 0 });
  const rows = actRows(agent, [{ inventory: 30 }, { inventory: -10, mid: 120 }]);
  assert.deepEqual(rows, [[3.5, 3.5, 2, 2], [3.5, 3.5, 2, 2]]);
  const wide = new StaticSpreadAgent({ halfSpreadTicks: 30, size: 9 });
  wide.reset({ config: modelConfig(), numEnvs: 1, seed: 0 }); // maxOffsetTicks 20, maxQuoteSize 5
  assert.deepEqual(actRows(wide, [{}]), [[20, 20, 5, 5]]);
  assert.deepEqual(new StaticSpreadAgent().params, { halfSpreadTicks: 2, size: 1 });
  assert.throws(
    () => new StaticSpreadAgent({ size: 1.5 }),
    (e: unknown) => e instanceof ValidationError && e.field === "static-spread.size",
  );
});

function obsWithVol(vols: number[]): Float64Array<ArrayBuffer> {
  const o = new Float64Array(vols.length * OBS_DIM);
  vols.forEach((v, i) => (o[i * OBS_DIM + OBS.VOLATILITY] = v));
  return o;
}

Deno.test("adaptive-spread agent: volatility scaling and inventory skew", () => {
  const agent = new AdaptiveSpreadAgent({ baseHalfSpreadTicks: 2, inventorySkew: 1 });
  agent.reset({ config: modelConfig(), numEnvs: 5, seed: 0 }); // maxInventory 50
  const rows = actRows(
    agent,
    [{ inventory: 0 }, { inventory: 25 }, { inventory: -25 }, { inventory: 0 }, { inventory: 0 }],
    obsWithVol([1, 2, 2, 10, NaN]),
  );
  // Flat, ρ = 1: half = 2 each side.
  assert.deepEqual(rows[0], [2, 2, 1, 1]);
  // Long 25 of 50 lots (x = 0.5), ρ = 2: half = 4; bid 4·(1 + 0.5) = 6 (wider: buying grows
  // |q|), ask 4·(1 − 0.5) = 2 (tighter: selling shrinks it).
  assert.deepEqual(rows[1].slice(0, 2), [6, 2]);
  // Short 25: the mirror image.
  assert.deepEqual(rows[2].slice(0, 2), [2, 6]);
  // ρ = 10 is clamped to maxVolRatio 4: half = 8; ρ = NaN counts as 1.
  assert.deepEqual(rows[3].slice(0, 2), [8, 8]);
  assert.deepEqual(rows[4].slice(0, 2), [2, 2]);
});

Deno.test("adaptive-spread agent: ρ from the view, exponent, and limits", () => {
  const cfg = modelConfig(); // nominal σ = 0.0130744 $/√s
  const agent = new AdaptiveSpreadAgent({ volSource: "view", volExponent: 0.5 });
  agent.reset({ config: cfg, numEnvs: 2, seed: 0 });
  // σ̂ = 4 × nominal → ρ = 4, half = 2·4^0.5 = 4; inventory 50 (x = 1): bid 8, ask 0.
  const rows = actRows(agent, [
    { sigma: 4 * 0.013074409009212268, inventory: 50 },
    { sigma: 4 * 0.013074409009212268, inventory: 500 }, // x clamps at 1
  ]);
  assert.ok(Math.abs(rows[0][0] - 8) < 1e-9 && rows[0][1] === 0, String(rows[0]));
  assert.ok(Math.abs(rows[1][0] - 8) < 1e-9 && rows[1][1] === 0, String(rows[1]));
  // adaptiveHalfSpread clamps below too: ρ = 0.1 → 0.25 (minVolRatio) → 2·0.25 = 0.5
  assert.equal(adaptiveHalfSpread(new AdaptiveSpreadAgent().params, 0.1), 0.5);
  assert.throws(
    () => new AdaptiveSpreadAgent({ volSource: "ewma" as "view" }),
    (e: unknown) => e instanceof ValidationError && e.field === "adaptive-spread.volSource",
  );
});
