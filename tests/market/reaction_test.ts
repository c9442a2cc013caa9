import assert from "node:assert/strict";
import { ASK, BID } from "../../lib/book/order_book.ts";
import { reactionConfigSchema, StaleQuoteReaction } from "../../lib/market/reaction.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("reaction: stale thresholds and the latency distribution", () => {
  const r = new StaleQuoteReaction(reactionConfigSchema.parse({
    tolerance: 0.5,
    latency: { kind: "uniform", minMs: 10, maxMs: 30 },
  }));
  assert.equal(r.staleFrom(BID, 100.2), 101); // bids ≥ 100.7
  assert.equal(r.staleFrom(ASK, 100.2), 99); // asks ≤ 99.7
  const rng = new Rng("react");
  let sum = 0;
  const n = 10_000;
  for (let i = 0; i < n; i++) {
    const d = r.delayNs(rng);
    assert.ok(d >= 10e6 && d <= 30e6);
    sum += d;
  }
  const sd = 20e6 / Math.sqrt(12); // uniform on [10, 30] ms
  assert.ok(Math.abs(sum / n - 20e6) < 4 * sd / Math.sqrt(n));
});

Deno.test("reaction: with follow, the side the price moved away from is requoted too (the book moves as a whole)", async () => {
  const { measureBookMarket } = await import("../../lib/env/book_report.ts");
  const jumpy = (follow?: number) => ({
    duration: 120,
    volatility: 0.3, // large public news jumps: many ticks at a time
    regimes: {
      names: ["one"],
      volMultipliers: [1],
      flowMultipliers: [1],
      rates: [[0]],
      initial: 0,
    },
    flow: {
      fundamental: { impactShare: 0, privateShare: 0, newsRate: 0.5 },
      reaction: {
        reprice: 1,
        latency: { kind: "constant" as const, ms: 5 },
        ...(follow === undefined ? {} : { follow }),
      },
    },
  });
  const off = measureBookMarket(jumpy(), { episodes: 2, horizons: [0] }).stats;
  const on = measureBookMarket(jumpy(1), { episodes: 2, horizons: [0] }).stats;
  // without following, the lagging side waits for new orders: wide spreads after each jump
  assert.ok(
    on.meanSpread - 1 < 0.25 * (off.meanSpread - 1),
    `${on.meanSpread} vs ${off.meanSpread}`,
  );
  assert.ok(on.oneTickShare > off.oneTickShare);
  const r = new StaleQuoteReaction(reactionConfigSchema.parse({ follow: 3 }));
  assert.equal(r.behindFrom(BID, 100), 97);
  assert.equal(r.behindFrom(ASK, 100), 103);
});
