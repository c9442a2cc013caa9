import assert from "node:assert/strict";
import {
  avgAbsInventory,
  countFills,
  filledLots,
  fillRatio,
  markout,
  markouts,
  spreadCaptured,
  tradedNotional,
  turnover,
} from "../../lib/analytics/execution.ts";
import { handRecord } from "./_fixture.ts";

const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

Deno.test("fill counts, fill ratio, |inventory|, turnover", () => {
  const rec = handRecord();
  assert.equal(countFills(rec), 4);
  assert.equal(filledLots(rec), 7); // 2 + 1 + 1 + 3
  // posted: bid 2+1+1+1 = 5, ask 1+1+3 = 5 → 7/10
  close(fillRatio(rec), 0.7);
  // |inv| = 0+2+1+1+2+2+2+1+1+1 = 13 over 10 steps
  close(avgAbsInventory(rec.inventory), 1.3);
  // notional = (2·99.99 + 99.98 + 100.04 + 3·100.05)·100 = 700.15·100 = 70,015
  close(tradedNotional(rec), 70_015, 1e-7);
  close(turnover(rec, 1_000), 70.015, 1e-10);
});

Deno.test("spreadCaptured: vs the start-of-step mid, volume-weighted", () => {
  const rec = handRecord();
  // step 1 bid: mid[0] 100 − 99.99 = 0.01 × 2 lots
  // step 2 ask: 100.04 − mid[1] 100.01 = 0.03 × 1
  // step 4 bid: mid[3] 100.00 − 99.98 = 0.02 × 1
  // step 7 ask: 100.05 − mid[6] 100.03 = 0.02 × 3
  // Σ = 0.02 + 0.03 + 0.02 + 0.06 = 0.13 over 7 lots
  const sc = spreadCaptured(rec);
  close(sc.perShare, 0.13 / 7);
  close(sc.ticks, 13 / 7, 1e-7);
  close(sc.total, 13, 1e-7); // 0.13 $/share·lot × 100 shares
  // a fill in step 0 uses initialMid
  const r0 = handRecord();
  r0.askFilled[0] = 1;
  r0.askFillPrice[0] = 100.02;
  // + (100.02 − 99.99) × 1 = 0.03 → (0.13 + 0.03)/8
  close(spreadCaptured(r0, 99.99).perShare, 0.16 / 8);
});

Deno.test("markouts: mid h seconds later minus price (bid), signed for the maker", () => {
  const rec = handRecord();
  // h = 1 s = 2 steps:
  // step 1 bid: mid[3] 100.00 − 99.99 = +0.01 × 2 = 0.02
  // step 2 ask: 100.04 − mid[4] 99.99 = +0.05 × 1
  // step 4 bid: mid[6] 100.03 − 99.98 = +0.05 × 1
  // step 7 ask: 100.05 − mid[9] 100.05 = 0 × 3
  // Σ 0.12 over 7 lots
  close(markout(rec, 1), 0.12 / 7);
  // h = 2 s = 4 steps: step 7 + 4 = 11 runs past the end (excluded)
  // step 1: mid[5] 100.00 − 99.99 = 0.01 × 2; step 2: 100.04 − mid[6] 100.03 = 0.01;
  // step 4: mid[8] 100.04 − 99.98 = 0.06 → Σ 0.09 over 4 lots
  close(markout(rec, 2), 0.09 / 4);
  // horizon past every fill → NaN
  assert.ok(Number.isNaN(markout(rec, 30)));
  const m = markouts(rec, [1, 2, 30]);
  assert.deepEqual(Object.keys(m), ["1s", "2s", "30s"]);
  close(m["1s"], 0.12 / 7);
  // adverse selection: a bid filled right before the mid drops gives a negative markout
  const adv = handRecord();
  adv.bidFilled.fill(0);
  adv.askFilled.fill(0);
  adv.bidFilled[0] = 1;
  adv.bidFillPrice[0] = 100.0;
  adv.mid[2] = 99.95; // 1 s later
  close(markout(adv, 1), -0.05);
});
