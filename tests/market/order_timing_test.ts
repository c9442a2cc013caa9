import assert from "node:assert/strict";
import {
  createOrderTimingModel,
  orderTimingConfigSchema,
  SpreadTiming,
} from "../../lib/market/order_timing.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";
import { fitTiming, spreadCounts } from "../../lib/calibration/fit_timing.ts";

Deno.test("order timing: a(s) = min(1, (s0/s)^γ), bursts sent with probability exp(−Δt/τ)", () => {
  const t = new SpreadTiming(
    orderTimingConfigSchema.parse({ kind: "spread", scale: 2, exponent: 2, burstMs: 100 }),
  );
  assert.equal(t.sendProbability(2, Infinity), 1);
  assert.ok(Math.abs(t.sendProbability(4, Infinity) - 0.25) < 1e-15);
  assert.ok(Math.abs(t.sendProbability(10, Infinity) - 0.04) < 1e-15);
  // 0.1 s after the last order: e^{-1} of the orders are a burst and go at once
  const b = Math.exp(-1);
  assert.ok(Math.abs(t.sendProbability(4, 0.1) - (b + (1 - b) * 0.25)) < 1e-15);
  assert.equal(t.sendProbability(4, 0), 1);
  assert.equal(t.burst, 0.1);
  assert.equal(t.retryRate, 1);
  const off = createOrderTimingModel(orderTimingConfigSchema.parse({ exponent: 3 }));
  assert.equal(off.retryRate, 0); // kind "immediate": nobody waits
  assert.equal(off.sendProbability(50, Infinity), 1);
  assert.throws(() => orderTimingConfigSchema.parse({ retryRate: 0 }));
});

const wide = (timing?: Record<string, unknown>) => ({
  duration: 300,
  flow: {
    placement: { minEdge: 4, edge: "uniform" as const, edgeSpread: 1 },
    ...(timing ? { timing } : {}),
  },
});

Deno.test("order timing: immediate timing leaves the simulation unchanged", () => {
  const a = simulateRecords(wide(), { seconds: 300, seed: 3 })[0];
  const b = simulateRecords(wide({ kind: "immediate", exponent: 2 }), { seconds: 300, seed: 3 })[0];
  assert.deepEqual(b.moTime, a.moTime);
  assert.deepEqual(b.qTime, a.qTime);
});

/**
 * The wide market without and with `timing` (1,800 s, seed 5): market orders counted, and the
 * mean spread at them over the time-weighted mean (checked deterministic per seed).
 */
function timingEffect(timing: Record<string, unknown>) {
  const off = simulateRecords(wide(), { seconds: 1_800, seed: 5 });
  const on = simulateRecords(wide(timing), { seconds: 1_800, seed: 5 });
  const again = simulateRecords(wide(timing), { seconds: 1_800, seed: 5 });
  assert.deepEqual(again[0].moTime, on[0].moTime);
  const n = (rs: typeof on) => rs.reduce((a, r) => a + r.moTime.length, 0);
  return {
    ratioOff: fitTiming(spreadCounts(off))!.ratio,
    ratioOn: fitTiming(spreadCounts(on))!.ratio,
    ordersOff: n(off),
    ordersOn: n(on),
  };
}

Deno.test("order timing: orders move to narrow spreads, none lost, deterministic per seed", () => {
  const e = timingEffect({ kind: "spread", scale: 1, exponent: 1.5, retryRate: 2 });
  // the mean spread at market orders falls relative to the time-weighted mean spread
  assert.ok(e.ratioOn < e.ratioOff - 0.05, `${e.ratioOn} vs ${e.ratioOff}`);
  // waiting traders send later, not never: the order count stays within 15 %
  assert.ok(Math.abs(e.ordersOn / e.ordersOff - 1) < 0.15, `${e.ordersOn} vs ${e.ordersOff}`);
});

Deno.test("order timing (intensity): a(s) thins arrivals, nobody waits, no burst exemption", () => {
  const t = new SpreadTiming(
    orderTimingConfigSchema.parse({ kind: "intensity", scale: 2, exponent: 2, burstMs: 100 }),
  );
  assert.equal(t.drops, true);
  assert.equal(t.retryRate, 0);
  assert.equal(t.burst, 0);
  assert.ok(Math.abs(t.sendProbability(4, 0) - 0.25) < 1e-15); // a burst is thinned too
  assert.equal(t.sendProbability(1, 0), 1);
  assert.equal(new SpreadTiming(orderTimingConfigSchema.parse({ kind: "intensity" })).drops, false);
  assert.throws(() => orderTimingConfigSchema.parse({ kind: "intensity", sendShare: 0 }));
});

Deno.test("order timing (intensity): orders dropped at wide spreads, the rest at narrow ones", () => {
  const e = timingEffect({ kind: "intensity", scale: 1, exponent: 1.5, sendShare: 0.2 });
  assert.ok(e.ratioOn < e.ratioOff - 0.05, `${e.ratioOn} vs ${e.ratioOff}`);
  // dropped, not delayed: far fewer orders at the same arrival rate
  assert.ok(e.ordersOn < 0.7 * e.ordersOff, `${e.ordersOn} vs ${e.ordersOff}`);
});

Deno.test("order timing (baseline): only the baseline's arrivals are timed; γ = 0 changes nothing", () => {
  const t = new SpreadTiming(
    orderTimingConfigSchema.parse({ kind: "baseline", scale: 2, exponent: 2, burstMs: 100 }),
  );
  assert.ok(t.drops && t.baseline);
  assert.equal(t.retryRate, 0);
  assert.equal(t.burst, 0);
  assert.ok(Math.abs(t.sendProbability(4, 0) - 0.25) < 1e-15);
  const off = new SpreadTiming(orderTimingConfigSchema.parse({ kind: "baseline" }));
  assert.ok(!off.drops && !off.baseline);
  const a = simulateRecords(wide(), { seconds: 300, seed: 3 })[0];
  const b = simulateRecords(wide({ kind: "baseline", exponent: 0 }), { seconds: 300, seed: 3 })[0];
  assert.deepEqual(b.moTime, a.moTime);
});

Deno.test("order timing (baseline): the bursts a trade excites are kept where the intensity's thinning cuts them", () => {
  // market orders that excite each other (the library's kernel, β = 4/s); the same a(s)
  // applied to the whole intensity or only to its baseline
  const hawkes = (timing: Record<string, unknown>) => ({
    duration: 1_800,
    flow: {
      arrivals: {
        kind: "hawkes" as const,
        marketRate: 0.6,
        alpha: [[0.6, 0, 0], [0, 0, 0], [0, 0, 0]],
      },
      placement: { minEdge: 4, edge: "uniform" as const, edgeSpread: 1 },
      timing,
    },
  });
  const run = (timing: Record<string, unknown>) =>
    simulateRecords(hawkes(timing), { seconds: 1_800, seed: 6 });
  const a = { scale: 1, exponent: 2, sendShare: 0.3 };
  const off = run({ kind: "immediate" });
  const thinned = run({ kind: "intensity", ...a });
  const base = run({ kind: "baseline", ...a });
  // the share of orders that follow another within 50 ms: a burst's
  const burst = (rs: typeof off) => {
    let n = 0, close = 0;
    for (const r of rs) {
      for (let i = 1; i < r.moTime.length; i++, n++) {
        if (r.moTime[i] - r.moTime[i - 1] < 0.05) close++;
      }
    }
    return close / n;
  };
  assert.ok(burst(base) > burst(thinned) + 0.03, `${burst(base)} vs ${burst(thinned)}`);
  // both move the orders to narrow spreads
  const ratio = (rs: typeof off) => fitTiming(spreadCounts(rs))!.ratio;
  assert.ok(ratio(base) < ratio(off) - 0.05, `${ratio(base)} vs ${ratio(off)}`);
  // deterministic per seed
  assert.deepEqual(run({ kind: "baseline", ...a })[0].moTime, base[0].moTime);
});
