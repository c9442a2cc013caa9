import assert from "node:assert/strict";
import { simulateFastOrders, simulateRecords } from "../../lib/calibration/simulate.ts";

const PRESET = JSON.parse(
  Deno.readTextFileSync(new URL("../../data/presets/btcusdt.json", import.meta.url)),
);
const MARKET = { ...PRESET.config, duration: 60 };

Deno.test("simulateFastOrders: counts the same market orders as the records, the fast traders' a share of them, deterministically", () => {
  const opts = { seconds: 120, seed: 5 };
  const f = simulateFastOrders(MARKET, opts);
  const recs = simulateRecords(MARKET, opts);
  const orders = recs.reduce((n, r) => n + r.moQty.length, 0);
  assert.equal(f.orders, orders);
  assert.ok(f.sizes.length > 0 && f.sizes.length < orders);
  assert.equal(f.share, f.sizes.length / f.orders);
  // a fast order takes whole lots, at most the snipers' and informed traders' cap
  const cap = Math.max(MARKET.flow.snipers.maxLots, MARKET.flow.informed.maxLots);
  for (const s of f.sizes) assert.ok(Number.isInteger(s) && s >= 1 && s <= cap, `${s}`);
  // the fast orders' lots are among the records' order sizes
  const recorded = new Set(recs.flatMap((r) => [...r.moQty]));
  for (const s of f.sizes) assert.ok(recorded.has(s));
  assert.deepEqual(simulateFastOrders(MARKET, opts), f);
});

Deno.test("simulateFastOrders: a market without snipers or informed traders has no fast orders", () => {
  const flow = { ...MARKET.flow, snipers: { rate: 0 }, informed: { share: 0 } };
  const f = simulateFastOrders({ ...MARKET, flow }, { seconds: 60, seed: 1 });
  assert.equal(f.sizes.length, 0);
  assert.equal(f.share, 0);
  assert.ok(f.orders > 100);
});
