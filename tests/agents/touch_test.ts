import assert from "node:assert/strict";
import { rollout } from "../../lib/agents/rollout.ts";
import { TouchAgent, TouchSkewAgent } from "../../lib/agents/touch.ts";
import { makeVecEnv } from "../../lib/env/make.ts";
import type { VecEnv } from "../../lib/env/types.ts";

/** Runs `agent` and checks every posted quote against the observed touch before the step. */
function quotesAgainstTouch(
  env: VecEnv,
  agent: TouchAgent | TouchSkewAgent,
  check: (bid: number, ask: number, bestBid: number, bestAsk: number, inv: number) => void,
): number {
  const tick = env.config.tickSize;
  let prevBid = NaN, prevAsk = NaN, prevInv = 0, checked = 0;
  rollout(env, agent, [3], {
    onReset: (e) => {
      prevBid = e.view.bestBid[0];
      prevAsk = e.view.bestAsk[0];
    },
    onStep: (e) => {
      const c = e.columns;
      if (Number.isFinite(prevBid) && Number.isFinite(prevAsk)) {
        check(
          Math.round(c.bidQuote[0] / tick),
          Math.round(c.askQuote[0] / tick),
          Math.round(prevBid / tick),
          Math.round(prevAsk / tick),
          prevInv,
        );
        checked++;
      }
      prevBid = e.view.bestBid[0];
      prevAsk = e.view.bestAsk[0];
      prevInv = e.view.inventory[0];
    },
  });
  return checked;
}

Deno.test("touch joins the observed best bid and ask; the side that grows inventory backs off", () => {
  const env = makeVecEnv({ tier: "book", duration: 30 }, 1);
  let longs = 0;
  const n = quotesAgainstTouch(env, new TouchAgent({ backoffTicks: 2 }), (b, a, bb, ba, q) => {
    if (a <= b) return; // the env keeps the ask above the bid: skip the rare adjusted step
    if (q > 0) {
      longs++;
      assert.equal(b, bb - 2);
      assert.equal(a, ba);
    } else if (q < 0) {
      assert.equal(b, bb);
      assert.equal(a, ba + 2);
    } else {
      assert.equal(b, bb);
      assert.equal(a, ba);
    }
  });
  assert.ok(n > 250, `${n} steps checked`);
  assert.ok(longs > 0, "the episode held inventory at some point");
});

Deno.test("touch-skew moves both quotes against inventory and never crosses the mid", () => {
  const env = makeVecEnv({ tier: "book", duration: 30 }, 1);
  const skew = 1;
  quotesAgainstTouch(env, new TouchSkewAgent({ skewTicksPerLot: skew }), (b, a, bb, ba, q) => {
    if (a <= b) return;
    const mid = (bb + ba) / 2;
    assert.ok(b <= Math.floor(mid) && a >= Math.ceil(mid), `bid ${b} ask ${a} mid ${mid}`);
    if (q === 0) assert.deepEqual([b, a], [bb, ba]);
    if (q > 0) assert.ok(b < bb && a <= ba, `long: bid ${b} vs ${bb}, ask ${a} vs ${ba}`);
    if (q < 0) assert.ok(a > ba && b >= bb, `short: bid ${b} vs ${bb}, ask ${a} vs ${ba}`);
  });
});

Deno.test("touch rules quote in the model tier too (nominal spread around the mid)", () => {
  const env = makeVecEnv({ tier: "model", duration: 10 }, 2);
  let fills = 0;
  rollout(env, new TouchAgent(), [1, 2], {
    onStep: (e) => (fills += e.columns.bidFilled[0] + e.columns.askFilled[1]),
  });
  assert.ok(fills > 0);
});

/** The largest |inventory| and the steps spent at ±`at` lots over two 60-s book-tier episodes. */
function heldInventory(agent: TouchAgent, at: number): { maxAbs: number; atSteps: number } {
  const env = makeVecEnv({ tier: "book", duration: 60 }, 2);
  let maxAbs = 0, atSteps = 0;
  rollout(env, agent, [3, 4], {
    onStep: (e) => {
      for (let i = 0; i < 2; i++) {
        const q = Math.abs(e.view.inventory[i]);
        maxAbs = Math.max(maxAbs, q);
        if (q === at) atSteps++;
      }
    },
  });
  return { maxAbs, atSteps };
}

Deno.test("touch with an inventory limit never holds more than it; without it the same episodes hold more", () => {
  const unlimited = heldInventory(new TouchAgent({ backoffTicks: 0 }), 0).maxAbs;
  for (const limit of [1, 2, 3]) {
    const { maxAbs, atSteps } = heldInventory(
      new TouchAgent({ backoffTicks: 0, inventoryLimit: limit }),
      limit,
    );
    assert.ok(maxAbs <= limit, `limit ${limit}: held ${maxAbs}`);
    assert.ok(atSteps > 0, `limit ${limit}: the episodes reached the limit`);
    // the limit is what bounds them
    assert.ok(unlimited > limit, `without the limit: ${unlimited}`);
  }
});

Deno.test("touch's inventory limit: the side whose fill passes it gets size 0, the other keeps its size", () => {
  const agent = new TouchAgent({ size: 2, inventoryLimit: 5 });
  agent.reset({
    config: makeVecEnv({ tier: "model", duration: 10 }, 1).config,
    numEnvs: 5,
    seed: 0,
  });
  const inv = [-5, -4, 0, 3, 4];
  const view = {
    mid: new Float64Array(5).fill(100.005),
    bestBid: new Float64Array(5).fill(100),
    bestAsk: new Float64Array(5).fill(100.01),
    inventory: Float64Array.from(inv),
    timeLeft: new Float64Array(5).fill(1),
    sigma: new Float64Array(5).fill(0.01),
  };
  const out = new Float64Array(20);
  agent.act(new Float64Array(45), view, out);
  const sizes = inv.map((_, i) => [out[4 * i + 2], out[4 * i + 3]]);
  // bid fills add 2: allowed while q + 2 ≤ 5; ask fills take 2: allowed while q − 2 ≥ −5
  assert.deepEqual(sizes, [[2, 0], [2, 0], [2, 2], [2, 2], [0, 2]]);
  assert.throws(() => new TouchAgent({ inventoryLimit: 0 }), /touch\.inventoryLimit/);
  assert.throws(() => new TouchAgent({ inventoryLimit: 1.5 }), /touch\.inventoryLimit/);
});
