import assert from "node:assert/strict";
import { ASK, BID, OrderBook } from "../../lib/book/order_book.ts";
import type { FundamentalModel } from "../../lib/market/fundamental.ts";
import {
  BackgroundFlow,
  createFlowModels,
  FLOW_COUNT,
  type FlowConfig,
  flowConfigSchema,
  type FlowModels,
} from "../../lib/market/order_flow.ts";
import { streams } from "./_flow_streams.ts";

function wire(book: OrderBook, flow: BackgroundFlow): void {
  book.sink = {
    onExecution(id, owner, _a, _s, _p, _q, _t, left) {
      if (owner === 0 && left === 0) flow.onFilled(id);
    },
  };
}

function make(
  input: Record<string, unknown>,
  sigmaTicks = 1.3,
  overrides: Partial<FlowModels> = {},
) {
  const cfg: FlowConfig = flowConfigSchema.parse(input);
  const book = new OrderBook();
  const flow = new BackgroundFlow(book, createFlowModels(cfg, { sigmaTicks }, overrides), cfg);
  wire(book, flow);
  return { cfg, book, flow };
}

/** A fundamental model whose reference price the test sets by hand (a user-supplied model). */
class Manual implements FundamentalModel {
  readonly continuous = false;
  price = 0;
  reset(p: number): void {
    this.price = p;
  }
  setVolMultiplier(): void {}
  eventRate(): number {
    return 0;
  }
  fire(): void {}
  reference(): number {
    return this.price;
  }
  value(): number {
    return this.price;
  }
  onTrade(): number {
    return 0;
  }
}

Deno.test("background flow: the book holds exactly the flow's live orders; same seed, same path", () => {
  const run = (seed: string) => {
    const { book, flow } = make({});
    flow.reset(10_000.5, 0, streams(seed));
    const mids: number[] = [];
    for (let s = 1; s <= 60; s++) {
      while (flow.nextNs < s * 1e9) {
        flow.fireNext();
        assert.equal(flow.liveCount, book.orderCount);
      }
      mids.push(book.mid());
    }
    assert.ok(flow.events > 60 * 200, `${flow.events} events in 60 s`);
    assert.ok(flow.counts[FLOW_COUNT.STALE_CANCEL] + flow.counts[FLOW_COUNT.STALE_REPRICE] > 0);
    assert.ok(flow.counts[FLOW_COUNT.INFORMED_TRADE] > 0);
    return mids;
  };
  assert.deepEqual(run("a"), run("a"));
  assert.notDeepEqual(run("a"), run("b"));
});

Deno.test("background flow: cancellations hit each order at its hazard (queue position, thin touch)", () => {
  // no arrivals, no news: only the cancellation streams act on a fixed initial book of two
  // levels per side, five orders of 2 lots each per level
  const input = {
    arrivals: { kind: "poisson", marketRate: 0, limitRate: 0 },
    fundamental: { impactShare: 0, privateShare: 0 },
    sizes: { marketMean: 2 },
    cancellation: { rate: 0.2, queuePosition: 2, depletion: 4 },
    initialLevels: 2,
    initialDepth: 10,
  };
  const probe = make(input, 0);
  probe.flow.reset(100.5, 0, streams("probe"));
  // the hazards of the 20 orders, from the model, on the untouched book
  const model = probe.flow.models.cancellation;
  const ids: number[] = [];
  const hazards: number[] = [];
  for (let id = 0; id < probe.flow.nextId; id++) {
    const side = probe.book.orderSide(id);
    const price = probe.book.orderPrice(id);
    const level = probe.book.levelQty(side, price);
    const atTouch = price === (side === BID ? probe.book.bestBid() : probe.book.bestAsk());
    const dist = side === BID ? 100.5 - price : price - 100.5;
    ids.push(id);
    hazards.push(model.hazard(probe.book.queueAhead(id) / level, level, atTouch, dist));
  }
  assert.equal(ids.length, 20);
  const total = hazards.reduce((s, h) => s + h, 0);
  const trials = 20_000;
  const first = new Float64Array(20);
  const { book, flow } = make(input, 0);
  for (let k = 0; k < trials; k++) {
    book.clear();
    flow.reset(100.5, 0, streams(`c${k}`));
    while (flow.counts[FLOW_COUNT.CANCEL] === 0) flow.fireNext();
    for (let id = 0; id < 20; id++) {
      if (!book.has(id)) {
        first[id]++;
        break;
      }
    }
  }
  // the first victim is order i with probability h_i / Σh
  for (let i = 0; i < 20; i++) {
    const p = hazards[i] / total;
    const sd = Math.sqrt(p * (1 - p) / trials);
    assert.ok(
      Math.abs(first[i] / trials - p) < 4.5 * sd,
      `order ${i}: first ${first[i] / trials}, hazard share ${p}`,
    );
  }
  // the back of a queue goes first more often than its front; a thin touch more than deep
  assert.ok(hazards[4] > hazards[0]);
});

Deno.test("background flow: the first cancellation waits Exp(Σ hazards)", () => {
  const input = {
    arrivals: { kind: "poisson", marketRate: 0, limitRate: 0 },
    fundamental: { impactShare: 0, privateShare: 0 },
    sizes: { marketMean: 2 },
    cancellation: { rate: 0.5, queuePosition: 1, depletion: 1 },
    initialLevels: 3,
    initialDepth: 6,
  };
  const { book, flow } = make(input, 0);
  flow.reset(50.5, 0, streams("wait"));
  const model = flow.models.cancellation;
  let total = 0;
  for (let id = 0; id < flow.nextId; id++) {
    const side = book.orderSide(id);
    const price = book.orderPrice(id);
    const level = book.levelQty(side, price);
    const atTouch = price === (side === BID ? book.bestBid() : book.bestAsk());
    total += model.hazard(book.queueAhead(id) / level, level, atTouch, 1);
  }
  const trials = 5_000;
  let sum = 0;
  const m = make(input, 0);
  for (let k = 0; k < trials; k++) {
    m.book.clear();
    m.flow.reset(50.5, 0, streams(`w${k}`));
    let t = 0;
    while (m.flow.counts[FLOW_COUNT.CANCEL] === 0) {
      t = m.flow.nextNs;
      m.flow.fireNext();
    }
    sum += t / 1e9;
  }
  const mean = sum / trials;
  // exponential: sd of the mean = (1/Σh)/√n
  assert.ok(Math.abs(mean - 1 / total) < 4 / total / Math.sqrt(trials), `${mean} vs ${1 / total}`);
});

Deno.test("background flow: stale quotes are re-posted or cancelled after the reaction latency", () => {
  const manual = new Manual();
  const { book, flow } = make(
    {
      arrivals: { kind: "poisson", marketRate: 0, limitRate: 0 },
      cancellation: { rate: 0 },
      reaction: { latency: { kind: "constant", ms: 20 }, reprice: 0.5 },
      informed: { share: 0 },
      initialLevels: 10,
      initialDepth: 8,
    },
    1,
    { fundamental: manual },
  );
  flow.reset(1000.5, 0, streams("stale"));
  const before = book.orderCount;
  let stale = 0;
  for (let p = 1001; p <= 1003; p++) stale += book.levelOrders(ASK, p);
  assert.ok(stale >= 3);
  assert.equal(book.bestAsk(), 1001);
  // the price jumps up 3.2 ticks: asks at 1001..1003 are now at or below it
  manual.price = 1003.7;
  flow.checkStale(1e9);
  while (flow.nextNs < 1e9 + 20e6) flow.fireNext();
  assert.equal(book.bestAsk(), 1001); // nobody reacted yet
  while (flow.nextNs <= 1e9 + 20e6) flow.fireNext();
  // every stale ask is gone; about half were re-posted above the new price
  assert.ok(book.bestAsk() >= 1004, `best ask ${book.bestAsk()}`);
  const reposted = flow.counts[FLOW_COUNT.STALE_REPRICE];
  const cancelled = flow.counts[FLOW_COUNT.STALE_CANCEL];
  assert.equal(reposted + cancelled, stale);
  assert.ok(reposted > 0 && cancelled > 0);
  assert.ok(book.orderCount === before - cancelled);
  // bids are untouched (none is above the price)
  assert.equal(book.bestBid(), 1000);
  assert.equal(book.levelQty(ASK, 1001), 0);
});

Deno.test("background flow: with reaction.follow, a side left behind by the price is requoted (after a cancel at the touch, after the other side moves)", async () => {
  const { simulateRecords } = await import("../../lib/calibration/simulate.ts");
  const preset = JSON.parse(await Deno.readTextFile("data/presets/btcusdt.json"));
  const [r] = simulateRecords(preset.config, { seconds: 60, seed: 3 });
  const [a, b] = r.segments[0];
  // time-weighted share of the episode with a spread above maxDistance (40 ticks): a side
  // the price left behind and nothing requoted (16 % before both fixes; the real tape: 0.4 %)
  let wide = 0;
  for (let k = 0; k + 1 < r.qTime.length; k++) {
    if (r.ask[k] - r.bid[k] > 40) wide += r.qTime[k + 1] - r.qTime[k];
  }
  assert.ok(wide / (b - a) < 0.01, `wide spread ${wide / (b - a)}`);
});

Deno.test("background flow: with reaction.follow, a side whose re-posted orders drew distances behind the price looks again (no two-tick book held until the next arrival)", async () => {
  const { BookMarket } = await import("../../lib/env/book_market.ts");
  const { parseEnvConfig } = await import("../../lib/env/config.ts");
  const preset = JSON.parse(await Deno.readTextFile("data/presets/btcusdt.json"));
  const cfg = parseEnvConfig({ ...preset.config, tier: "book", duration: 300 });
  const follow = cfg.flow.reaction.follow!;
  const m = new BookMarket(cfg, {});
  let behind = 0, n = 0;
  for (const seed of [1, 2]) {
    m.reset(seed);
    for (let k = 1; k <= 30_000; k++) {
      m.advance(k * 10_000_000); // every 10 ms
      const p = m.referencePrice() / cfg.tickSize;
      const bb = m.book.bestBid(), ba = m.book.bestAsk();
      n++;
      // lagging by a tick or two (a large move's refill delay is the refill model's business)
      const lag = Math.max(p - bb, ba - p);
      if (lag > follow && lag <= follow + 2) behind++;
    }
  }
  // shipped preset: 0.34 % of the samples before the fix (two-tick books held 50–180 ms: a
  // re-posted order that landed a tick behind waited for the next limit order there), 0.16 %
  // after — the rest are three-tick books whose re-posts all drew two ticks or more, which
  // wait by design (the preset of the fix's first measurement: 0.33 % → 0.04 %)
  assert.ok(behind / n < 0.0022, `behind ${behind / n}`);
});

Deno.test("background flow: the activity placement — the same path with η = 0 as without; with η > 0 a book invariant holds, and an arrival process that cannot report its intensity is refused", () => {
  const path = (placement: Record<string, unknown>) => {
    const { book, flow } = make({ placement: { minEdge: 4, ...placement } });
    flow.reset(10_000.5, 0, streams("activity"));
    const mids: number[] = [];
    for (let s = 1; s <= 30; s++) {
      while (flow.nextNs < s * 1e9) {
        flow.fireNext();
        assert.equal(flow.liveCount, book.orderCount);
        const bb = book.bestBid(), ba = book.bestAsk();
        if (bb === bb && ba === ba) assert.ok(bb < ba, `crossed book ${bb} ≥ ${ba}`);
      }
      mids.push(book.mid());
    }
    return mids;
  };
  const off = path({});
  // η = 0: not read at all, the same path bit for bit
  assert.deepEqual(path({ activityExponent: 0 }), off);
  // η > 0: another path, and the book never crosses
  assert.notDeepEqual(path({ activityExponent: 1 }), off);
  // a user's arrival process without marketIntensity cannot drive it: a named error
  const cfg: FlowConfig = flowConfigSchema.parse({ placement: { activityExponent: 1 } });
  const models = createFlowModels(cfg, { sigmaTicks: 1.3 });
  const arrivals = {
    reset: (t: number) => models.arrivals.reset(t),
    bound: (t: number, m: number) => models.arrivals.bound(t, m),
    select: (t: number, u: number, m: number) => models.arrivals.select(t, u, m),
    excite: (k: number, t: number) => models.arrivals.excite(k, t),
    meanRates: (c: number) => models.arrivals.meanRates(c),
  };
  assert.throws(
    () => new BackgroundFlow(new OrderBook(), { ...models, arrivals }, cfg),
    (e: unknown) => e instanceof Error && /flow\.placement\.activityExponent/.test(e.message),
  );
});
