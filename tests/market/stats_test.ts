import assert from "node:assert/strict";
import { FLOW_TYPE, MAKER, MarketTape } from "../../lib/market/tape.ts";
import { marketStats } from "../../lib/market/stats.ts";

Deno.test("market stats: time-weighted spread and depth, orders, mid changes, volatility", () => {
  const t = new MarketTape();
  t.quote(0, 99, 100, 8, 4); // spread 1, depth 6, mid 99.5
  t.trade(2, 100, 2, 0, FLOW_TYPE.UNINFORMED, MAKER.BACKGROUND, 2e9);
  t.trade(2, 101, 1, 0, FLOW_TYPE.UNINFORMED, MAKER.BACKGROUND, 2e9); // same order, 2 fills
  t.quote(2, 99, 101, 8, 6); // spread 2, depth 7, mid 100
  t.trade(6, 99, 4, 1, FLOW_TYPE.INFORMED, MAKER.BACKGROUND, 6e9);
  t.quote(6, 98, 101, 2, 6); // spread 3, depth 4, mid 99.5
  const s = marketStats(t, { start: 0, end: 10, sampleSeconds: 5 });
  assert.equal(s.seconds, 10);
  assert.equal(s.oneTickShare, 0.2);
  assert.equal(s.twoTickShare, 0.4);
  assert.equal(s.meanSpread, (2 * 1 + 4 * 2 + 4 * 3) / 10);
  assert.equal(s.touchDepth, (2 * 6 + 4 * 7 + 4 * 4) / 10);
  assert.equal(s.marketOrdersPerSecond, 0.2);
  assert.equal(s.meanOrderSize, 3.5);
  assert.equal(s.touchDepthInOrders, s.touchDepth / 3.5);
  assert.equal(s.midChangesPerSecond, 0.2);
  assert.equal(s.volumePerSecond, 0.7);
  assert.equal(s.informedVolumeShare, 4 / 7);
  // mids at 0, 5, 10: 99.5, 100, 99.5 → two squared moves of 0.25 over 10 s, per day
  assert.ok(Math.abs(s.dailyVolatilityTicks - Math.sqrt(0.5 / 10 * 23_400)) < 1e-9);
  assert.throws(() => marketStats(new MarketTape()), /tape/);
  assert.throws(() => marketStats(t, { start: 5, end: 5 }), /end/);
});
