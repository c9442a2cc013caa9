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
