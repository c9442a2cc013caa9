import assert from "node:assert/strict";
import {
  createRefillModel,
  LagProportionalRefill,
  refillConfigSchema,
  refillMeanMs,
} from "../../lib/market/refill.ts";
import { Rng } from "../../lib/rng/rng.ts";
import { BookMarket } from "../../lib/env/book_market.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";
import { quoteIndexAt } from "../../lib/calibration/record.ts";

Deno.test("refill: off by default, a delay exponential with mean k·lag", () => {
  const off = refillConfigSchema.parse({});
  assert.equal(off.msPerTick, 0);
  assert.equal(createRefillModel(off), undefined);
  assert.ok(createRefillModel({ msPerTick: 0.01 }) instanceof LagProportionalRefill);
  assert.throws(() => refillConfigSchema.parse({ msPerTick: -1 }));
  assert.equal(refillMeanMs(0.02, 500), 10);
  const m = new LagProportionalRefill({ msPerTick: 0.02 });
  const rng = new Rng("refill");
  const n = 40_000;
  let sum = 0, above = 0;
  for (let i = 0; i < n; i++) {
    const d = m.delayNs(500, rng);
    assert.ok(d >= 0);
    sum += d;
    if (d > 10e6) above++;
  }
  // mean 10 ms (se 0.05 ms); P(D > mean) = e^-1 for an exponential (se 0.0024)
  assert.ok(Math.abs(sum / n / 1e6 - 10) < 0.25, `mean ${sum / n / 1e6}`);
  assert.ok(Math.abs(above / n - Math.exp(-1)) < 0.012, `tail ${above / n}`);
  assert.equal(m.delayNs(0, rng), 0);
  assert.equal(m.delayNs(-3, rng), 0);
});

const preset = JSON.parse(Deno.readTextFileSync("data/presets/btcusdt.json"));

function wideShares(config: Record<string, unknown>): { short: number; gap: number } {
  const recs = simulateRecords(config, { seconds: 600, seed: 3, quoteInterval: 0.1 });
  let n = 0, short = 0, gap = 0;
  for (const r of recs) {
    for (const [a, b] of r.segments) {
      for (let t = a; t < b; t += 0.1) {
        const q = quoteIndexAt(r, t);
        if (q < 0) continue;
        const s = r.ask[q] - r.bid[q];
        if (!(s === s)) continue;
        n++;
        if (s >= 5) gap++;
        else if (s >= 2) short++;
      }
    }
  }
  return { short: short / n, gap: gap / n };
}

Deno.test("refill: in the calibrated one-tick market it makes the gaps of five ticks and more", () => {
  const flow = preset.config.flow;
  assert.ok(flow.refill.msPerTick > 0);
  const on = wideShares({ ...preset.config, duration: 300 });
  const off = wideShares({
    ...preset.config,
    duration: 300,
    flow: { ...flow, refill: { msPerTick: 0 } },
  });
  // without it the book is almost never 5+ ticks wide (the tape: 0.55 % of the snapshots)
  assert.ok(off.gap < 0.0005, `off ${off.gap}`);
  assert.ok(on.gap > 0.001 && on.gap > 4 * off.gap, `on ${on.gap} off ${off.gap}`);
});

Deno.test("refill: the one-tick book starts one tick wide (the price held half a tick off the grid)", () => {
  const on = parseEnvConfig({ ...preset.config, tier: "book" });
  const off = parseEnvConfig({
    ...preset.config,
    tier: "book",
    flow: { ...preset.config.flow, refill: { msPerTick: 0 } },
  });
  const p0 = Math.round(on.initialPrice / on.tickSize);
  const a = new BookMarket(on, {});
  a.reset(1);
  assert.equal(a.flow.reference(a.nowNs), p0 + 0.5);
  assert.equal(a.book.bestAsk() - a.book.bestBid(), 1);
  const b = new BookMarket(off, {});
  b.reset(1);
  assert.equal(b.flow.reference(b.nowNs), p0); // as before: earlier presets simulate unchanged
  assert.equal(b.book.bestAsk() - b.book.bestBid(), 2); // the artefact the refill's market avoids
});
