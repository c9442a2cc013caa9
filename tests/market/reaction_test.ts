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
