import assert from "node:assert/strict";
import {
  defaultCapitalBase,
  episodeReturns,
  periodPnl,
  periodsPerYear,
  stepsPerPeriod,
} from "../../lib/analytics/returns.ts";
import { ValidationError } from "../../lib/errors.ts";

Deno.test("periodsPerYear: 252 days × 23,400 s / period", () => {
  assert.equal(periodsPerYear(1), 5_896_800);
  assert.ok(Math.abs(periodsPerYear(0.1) / 58_968_000 - 1) < 1e-12);
  assert.equal(periodsPerYear(23_400), 252);
  assert.throws(() => periodsPerYear(0), ValidationError);
});

Deno.test("defaultCapitalBase: maxInventory × lotSize × initialPrice", () => {
  // default config: 50 lots × 100 shares × $100 = $500,000
  assert.equal(defaultCapitalBase({ maxInventory: 50, lotSize: 100, initialPrice: 100 }), 500_000);
  assert.equal(defaultCapitalBase({ maxInventory: 10, lotSize: 1, initialPrice: 80 }), 800);
});

Deno.test("stepsPerPeriod: whole multiples of dt only", () => {
  assert.equal(stepsPerPeriod(0.1, 1), 10);
  assert.equal(stepsPerPeriod(0.1, 5), 50);
  assert.equal(stepsPerPeriod(0.1, "step"), 1);
  assert.equal(stepsPerPeriod(0.25), 4); // default 1 s
  assert.throws(() => stepsPerPeriod(0.3, 1), ValidationError);
  assert.throws(() => stepsPerPeriod(1, 0.5), ValidationError);
});

Deno.test("periodPnl: differences at period ends, P&L starts at 0, partial period dropped", () => {
  // 7 steps, m = 3: ends at indices 2 and 5 → [pnl[2] − 0, pnl[5] − pnl[2]] = [3, −4]; step 6 dropped
  const pnl = [1, 2, 3, 1, 0, -1, 9];
  assert.deepEqual(Array.from(periodPnl(pnl, 3)), [3, -4]);
  assert.deepEqual(Array.from(periodPnl(pnl, 1)), [1, 1, 1, -2, -1, -1, 10]);
  assert.deepEqual(Array.from(periodPnl(pnl, 3, 3)), [3]);
});

Deno.test("episodeReturns: ΔP&L / capital base per 1-second period", () => {
  // dt = 0.5 → 2 steps per second; pnl at steps 2, 4, 6 = 2, 5, 4 → ΔP&L 2, 3, −1
  const rec = { pnl: new Float64Array([1, 2, 2, 5, 7, 4]), dt: 0.5, steps: 6 };
  const r = episodeReturns(rec, { capitalBase: 100 });
  assert.deepEqual(Array.from(r.pnlChanges), [2, 3, -1]);
  assert.deepEqual(Array.from(r.returns), [0.02, 0.03, -0.01]);
  assert.equal(r.stepsPerPeriod, 2);
  assert.equal(r.periodSeconds, 1);
  assert.equal(r.periodsPerYear, 5_896_800);
  const s = episodeReturns(rec, { capitalBase: 100, period: "step" });
  assert.deepEqual(Array.from(s.pnlChanges), [1, 1, 0, 3, 2, -3]);
  assert.equal(s.periodsPerYear, 252 * 23_400 * 2);
  assert.throws(() => episodeReturns(rec, { capitalBase: 0 }), ValidationError);
});
