import assert from "node:assert/strict";
import { ASK, BID, OrderBook } from "../../lib/book/order_book.ts";
import {
  BackgroundFlow,
  createFlowModels,
  FLOW_COUNT,
  flowConfigSchema,
} from "../../lib/market/order_flow.ts";
import { TouchFlow, touchFlowConfigSchema } from "../../lib/market/touch_flow.ts";
import { Rng } from "../../lib/rng/rng.ts";
import { streams } from "./_flow_streams.ts";

const model = (touch: Record<string, unknown>) => new TouchFlow(touchFlowConfigSchema.parse(touch));

Deno.test("touch flow: rates by spread bucket; nothing inside a one-tick spread", () => {
  const m = model({ spreadEdges: [1, 3, 9], inSpreadRate: [2, 0.5, 1], cancelRate: [3, 0.2, 0.4] });
  assert.equal(m.rate(0.5), 0); // below the first edge
  assert.equal(m.inSpreadRate(1), 0); // no room inside one tick, whatever the table says
  assert.equal(m.cancelRate(1), 3);
  assert.equal(m.rate(2), 5); // bucket [1, 3)
  assert.equal(m.rate(3), 0.7); // edges are inclusive below
  assert.equal(m.rate(8.5), 0.7);
  assert.equal(m.rate(400), 1.4); // the last bucket is open above
  assert.equal(m.rate(NaN), 0); // an empty side
  assert.equal(m.maxRate, 5);
});

Deno.test("touch flow: improvements are 1 + geometric with the configured mean, capped inside the spread", () => {
  const m = model({ spreadEdges: [1], inSpreadRate: [1], cancelRate: [0], improveMean: 3 });
  const rng = new Rng(5);
  const n = 40_000;
  let sum = 0;
  let sumSq = 0;
  let ones = 0;
  for (let i = 0; i < n; i++) {
    const d = m.improvement(1_000, rng);
    assert.ok(Number.isInteger(d) && d >= 1);
    sum += d;
    sumSq += d * d;
    if (d === 1) ones++;
  }
  const mean = sum / n;
  const sd = Math.sqrt(sumSq / n - mean * mean);
  assert.ok(Math.abs(mean - 3) < 4 * sd / Math.sqrt(n), `mean ${mean}`);
  // geometric: P(d = 1) = 1/mean
  assert.ok(Math.abs(ones / n - 1 / 3) < 4 * Math.sqrt((1 / 3) * (2 / 3) / n), `${ones / n}`);
  for (let i = 0; i < 1_000; i++) assert.ok(m.improvement(4, rng) <= 3); // never to the other side
  assert.equal(m.improvement(1, rng), 1);
});

Deno.test("touch flow: follow probabilities by the last trade's age; ½ without a trade", () => {
  const m = model({
    spreadEdges: [1],
    inSpreadRate: [1],
    cancelRate: [1],
    inSpreadFollow: [0.7, 0.6, 0.55],
    cancelFollow: [0.65],
  });
  assert.equal(m.followProbability(false, 0.5), 0.7);
  assert.equal(m.followProbability(false, 5), 0.6);
  assert.equal(m.followProbability(false, 50), 0.55);
  assert.equal(m.followProbability(true, 50), 0.65); // one value: every age
  assert.equal(m.followProbability(false, Infinity), 0.5);
});

Deno.test("touch flow: a config with mismatched arrays or unsorted edges is refused", () => {
  assert.throws(
    () => model({ spreadEdges: [1, 2], inSpreadRate: [1], cancelRate: [1, 1] }),
    /touch/,
  );
  assert.throws(
    () => model({ spreadEdges: [2, 1], inSpreadRate: [1, 1], cancelRate: [1, 1] }),
    /touch/,
  );
});

/**
 * A flow whose only events are the touch flow's (and `limitRate` limit orders a second), over
 * a book with a 10-tick spread.
 */
function wide(touch: Record<string, unknown>, seed: string, limitRate = 0) {
  const cfg = flowConfigSchema.parse({
    arrivals: { kind: "poisson", marketRate: 0, limitRate },
    fundamental: { impactShare: 0, privateShare: 0 }, // no volatility: news moves nothing
    cancellation: { rate: 0, queuePosition: 0, depletion: 0 },
    touch,
    initialLevels: 20,
    initialDepth: 3,
    sizes: { marketMean: 1 },
  });
  const book = new OrderBook();
  const flow = new BackgroundFlow(book, createFlowModels(cfg, { sigmaTicks: 0 }), cfg);
  flow.reset(100.5, 0, streams(seed));
  // open the spread: remove every order within 5 ticks of the mid
  for (let id = 0; id < flow.nextId; id++) {
    if (!flow.isLive(id)) continue;
    const p = book.orderPrice(id);
    if (p > 95 && p < 106) {
      book.cancel(id);
      flow.onFilled(id);
    }
  }
  flow.redraw(0);
  return { book, flow };
}

Deno.test("touch flow in the background flow: the first deletion at the touch waits Exp(rate)", () => {
  const rate = 2;
  const trials = 4_000;
  let sum = 0;
  for (let k = 0; k < trials; k++) {
    const { book, flow } = wide(
      { spreadEdges: [1], inSpreadRate: [0], cancelRate: [rate] },
      `d${k}`,
    );
    assert.equal(book.spread(), 11);
    const before = [book.bestQty(BID), book.bestQty(ASK)];
    let t = 0;
    while (flow.counts[FLOW_COUNT.CANCEL] === 0) {
      t = flow.nextNs;
      flow.fireNext();
    }
    // one order of a best level went (sizes of 1 lot)
    assert.equal(before[0] + before[1] - 1, book.bestQty(BID) + book.bestQty(ASK));
    sum += t / 1e9;
  }
  const mean = sum / trials;
  assert.ok(Math.abs(mean - 1 / rate) < 4 / rate / Math.sqrt(trials), `${mean}`);
});

Deno.test("touch flow in the background flow: with deletions only, the placement's orders may go inside the spread; with orders inside the spread of its own, they join the best at most", () => {
  // the placement's limit orders go i ticks behind the price (half a tick off the mid), P(i)
  // ∝ 1/(i + 1): about half of them inside the 10-tick spread, unless the touch flow places
  // every order inside it
  const inside = (touch: Record<string, unknown>) => {
    let n = 0;
    for (let k = 0; k < 100; k++) {
      const { book, flow } = wide(touch, `p${k}`, 5);
      const spread = book.spread();
      while (flow.counts[FLOW_COUNT.LIMIT] === 0) flow.fireNext();
      if (book.spread() < spread) n++;
    }
    return n;
  };
  const deletions = { spreadEdges: [1], inSpreadRate: [0], cancelRate: [1e-6] };
  assert.equal(model(deletions).placesInside, false);
  assert.ok(inside(deletions) > 30);
  const both = { spreadEdges: [1], inSpreadRate: [1e-6], cancelRate: [1e-6] };
  assert.equal(model(both).placesInside, true);
  assert.equal(inside(both), 0);
});

Deno.test("touch flow in the background flow: an order inside the spread improves the best by d and moves the price by its share of the mid's change", () => {
  for (let k = 0; k < 200; k++) {
    const { book, flow } = wide({
      spreadEdges: [2],
      inSpreadRate: [1],
      cancelRate: [0],
      improveMean: 2,
      inSpreadImpact: 0.5,
    }, `i${k}`);
    const bid = book.bestBid();
    const ask = book.bestAsk();
    const ref = flow.reference(0);
    while (flow.counts[FLOW_COUNT.LIMIT] === 0) flow.fireNext();
    const t = flow.nextNs; // the next event's time: the reference has no drift
    const dBid = book.bestBid() - bid;
    const dAsk = ask - book.bestAsk();
    assert.ok((dBid > 0) !== (dAsk > 0), "one side improved");
    const d = dBid + dAsk;
    assert.ok(d >= 1 && d <= 10);
    const move = (dBid - dAsk) / 2; // the mid's change
    assert.ok(Math.abs(flow.reference(Number.isFinite(t) ? t : 1e9) - ref - 0.5 * move) < 1e-9);
  }
});

Deno.test("touch flow in the background flow: after a buy, orders inside the spread go to the bid with the follow probability", () => {
  let bids = 0;
  const trials = 400;
  for (let k = 0; k < trials; k++) {
    const { book, flow } = wide({
      spreadEdges: [2],
      inSpreadRate: [1],
      cancelRate: [0],
      inSpreadFollow: [0.8, 0.8, 0.8],
    }, `f${k}`);
    const bid = book.bestBid();
    flow.externalTrade(1, 1, 0);
    while (flow.counts[FLOW_COUNT.LIMIT] === 0) flow.fireNext();
    if (book.bestBid() > bid) bids++;
  }
  const p = bids / trials;
  assert.ok(Math.abs(p - 0.8) < 4 * Math.sqrt(0.16 / trials), `${p}`);
});

Deno.test("touch flow in the background flow: a fleeting order is deleted after Exp(fleetingRate), the book back as before", () => {
  const rate = 50;
  const trials = 2_000;
  let sum = 0;
  for (let k = 0; k < trials; k++) {
    const { book, flow } = wide({
      spreadEdges: [2],
      inSpreadRate: [0.01], // the next order inside the spread comes ~100 s later
      cancelRate: [0],
      fleetingShare: 1,
      fleetingRate: rate,
    }, `l${k}`);
    const before = [book.bestBid(), book.bestAsk()];
    let added = NaN;
    while (flow.counts[FLOW_COUNT.CANCEL] === 0) {
      const t = flow.nextNs;
      flow.fireNext();
      if (added !== added && flow.counts[FLOW_COUNT.LIMIT] === 1) added = t;
      if (flow.counts[FLOW_COUNT.CANCEL] === 1) sum += (t - added) / 1e9;
    }
    assert.equal(flow.counts[FLOW_COUNT.LIMIT], 1);
    assert.deepEqual([book.bestBid(), book.bestAsk()], before);
  }
  const mean = sum / trials;
  assert.ok(Math.abs(mean - 1 / rate) < 4 / rate / Math.sqrt(trials), `${mean}`);
});

Deno.test("touch flow in the background flow: without fleeting orders nothing placed inside the spread is deleted", () => {
  const { flow } = wide({ spreadEdges: [2], inSpreadRate: [5], cancelRate: [0] }, "nf");
  while (flow.counts[FLOW_COUNT.LIMIT] < 8) flow.fireNext();
  for (let i = 0; i < 50 && flow.nextNs < 1e12; i++) flow.fireNext();
  assert.equal(flow.counts[FLOW_COUNT.CANCEL], 0);
});

Deno.test("touch flow: fleeting orders without a deletion rate are refused, naming the field", () => {
  assert.throws(
    () => model({ spreadEdges: [1], inSpreadRate: [1], cancelRate: [0], fleetingShare: 0.3 }),
    /touch\.fleetingRate/,
  );
});

Deno.test("touch flow in the background flow: self-excitation makes μT/(1 − α) events, in bursts", () => {
  const mu = 2, alpha = 0.5, beta = 50, T = 10;
  const trials = 300;
  const counts: number[] = [];
  let gaps = 0, short = 0;
  for (let k = 0; k < trials; k++) {
    const { flow } = wide({
      spreadEdges: [1],
      inSpreadRate: [0],
      cancelRate: [mu],
      excitation: [alpha],
      excitationDecay: [beta],
    }, `x${k}`);
    let last = NaN;
    while (flow.nextNs < T * 1e9) {
      const t = flow.nextNs / 1e9;
      const before = flow.counts[FLOW_COUNT.CANCEL];
      flow.fireNext();
      if (flow.counts[FLOW_COUNT.CANCEL] === before) continue;
      if (last === last) {
        gaps++;
        if (t - last < 1 / beta) short++;
      }
      last = t;
    }
    counts.push(flow.counts[FLOW_COUNT.CANCEL]);
  }
  const mean = counts.reduce((a, b) => a + b, 0) / trials;
  const sd = Math.sqrt(counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (trials - 1));
  // E N(T) from an unexcited start: μT/(1 − α) − μα(1 − e^(−β(1−α)T))/(β(1 − α)²)
  const expected = mu * T / (1 - alpha) -
    mu * alpha * (1 - Math.exp(-beta * (1 - alpha) * T)) / (beta * (1 - alpha) ** 2);
  assert.ok(Math.abs(mean - expected) < 4 * sd / Math.sqrt(trials), `${mean} vs ${expected}`);
  // a Poisson stream of the same rate has 1 − e^(−4/50) = 7.7 % of its gaps below 1/β
  assert.ok(short / gaps > 0.2, `${short / gaps}`);
});

Deno.test("touch flow: self-excitation needs one decay per component and a branching ratio below 1", () => {
  assert.throws(
    () => model({ spreadEdges: [1], inSpreadRate: [1], cancelRate: [1], excitation: [0.3] }),
    /touch\.excitationDecay/,
  );
  assert.throws(
    () =>
      model({
        spreadEdges: [1],
        inSpreadRate: [1],
        cancelRate: [1],
        excitation: [0.6, 0.5],
        excitationDecay: [100, 10],
      }),
    /touch\.excitation/,
  );
});
