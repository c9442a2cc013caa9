import assert from "node:assert/strict";
import { fitImprovementTakers } from "../../lib/calibration/fit_improvement_takers.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";
import { resolveMarket } from "../../lib/env/markets.ts";
import { BookMarket } from "../../lib/env/book_market.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { FLOW_COUNT } from "../../lib/market/order_flow.ts";
import { BID } from "../../lib/book/order_book.ts";
import { improvementTakerConfigSchema } from "../../lib/market/improvement_takers.ts";

const amzn = (await resolveMarket("amzn")).config as unknown as Record<string, unknown>;
const withTakers = (takers: Record<string, unknown> | undefined) => ({
  ...amzn,
  flow: { ...(amzn.flow as Record<string, unknown>), ...(takers ? { takers } : {}) },
});

Deno.test("improvement takers: off by default, and probability 0 is off bit for bit", () => {
  assert.equal(improvementTakerConfigSchema.parse({}).probability, 0);
  const a = simulateRecords(withTakers(undefined), { seconds: 300, seed: 4 });
  const b = simulateRecords(withTakers({ probability: 0 }), { seconds: 300, seed: 4 });
  assert.deepEqual(a[0].moTime, b[0].moTime);
  assert.deepEqual(a[0].qTime, b[0].qTime);
  assert.deepEqual(a[0].bid, b[0].bid);
});

Deno.test("improvement takers: the fit recovers the answer probability and delay it was given", () => {
  const seconds = 6_000;
  const base = fitImprovementTakers(simulateRecords(withTakers(undefined), { seconds, seed: 1 }))!;
  const q = 0.4;
  const on = fitImprovementTakers(
    simulateRecords(withTakers({ probability: q, latency: { kind: "constant", ms: 2 } }), {
      seconds,
      seed: 1,
    }),
  )!;
  // the takers' answers come on top of the market's own (its bursts answer some already)
  const extra = on.probability - base.probability * (1 - q);
  assert.ok(Math.abs(extra - q) < 0.08, `extra answer probability ${extra} for ${q}`);
  // most answers are the takers', 2 ms after the improvement
  assert.ok(Math.abs(on.medianMs - 2) < 0.5, `median delay ${on.medianMs} ms for 2`);
  assert.ok(base.medianMs > 2.5 || base.probability < 0.1);
});

Deno.test("improvement takers: an order that is gone by the time they come is not answered", () => {
  // a delay far longer than the improvements last: most answers find the quote gone
  const cfg = withTakers({ probability: 1, latency: { kind: "constant", ms: 10_000 } });
  const m = new BookMarket(parseEnvConfig({ ...cfg, duration: 600 } as never), { tape: true });
  m.reset(3);
  m.advance(600e9);
  const takers = m.flow.counts[FLOW_COUNT.TAKER];
  const thinned = m.flow.counts[FLOW_COUNT.THINNED];
  assert.ok(takers < thinned, `${takers} answers sent against ${thinned} thinned`);
});

Deno.test("improvement takers: they answer the agent's improvement too", () => {
  const fills = (probability: number) => {
    const cfg = withTakers({ probability, latency: { kind: "constant", ms: 1 } });
    const c = {
      ...cfg,
      duration: 1_500,
      latency: {
        order: { kind: "constant", ms: 0 },
        cancel: { kind: "constant", ms: 0 },
        marketData: { kind: "constant", ms: 0 },
      },
    };
    const m = new BookMarket(parseEnvConfig(c as never));
    m.reset(5);
    let tried = 0, filled = 0;
    for (let s = 1; s < 1_490 && tried < 40; s += 5) {
      m.advance(s * 1e9);
      const bid = m.book.bestBid(), ask = m.book.bestAsk();
      if (!(ask - bid >= 3)) continue;
      tried++;
      const before = m.bidFilled;
      m.quote(BID, bid + 1, 1); // one tick inside the spread: an improvement
      m.advance(s * 1e9 + 3e6); // 3 ms: the answer comes 1 ms after the order
      if (m.bidFilled > before) filled++;
      m.quote(BID, 0, 0);
    }
    assert.ok(tried >= 20, `${tried} tries`);
    return filled / tried;
  };
  const on = fills(1), off = fills(0);
  assert.ok(on > 0.7, `filled within 3 ms with the takers: ${on}`);
  assert.ok(off < 0.3, `without them: ${off}`);
});

Deno.test("improvement takers: with followSigns the answers follow the flow's sign forecast, at the same mean rate", () => {
  const seconds = 6_000;
  const latency = { kind: "constant", ms: 2 };
  const plain = fitImprovementTakers(
    simulateRecords(withTakers({ probability: 0.2, latency }), { seconds, seed: 2 }),
  )!;
  const follow = fitImprovementTakers(
    simulateRecords(withTakers({ probability: 0.2, latency, followSigns: true }), {
      seconds,
      seed: 2,
    }),
  )!;
  // the market's own orders follow their predecessors' signs; the answers, only when they follow
  assert.ok(follow.sameSignOthers > 0.6, `${follow.sameSignOthers}`);
  assert.ok(plain.sameSign < 0.62, `answers without following: ${plain.sameSign}`);
  assert.ok(follow.sameSign > plain.sameSign + 0.1, `${follow.sameSign} against ${plain.sameSign}`);
  assert.ok(
    Math.abs(follow.probability - plain.probability) < 0.06,
    `${follow.probability} against ${plain.probability}`,
  );
});
