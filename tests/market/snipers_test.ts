import assert from "node:assert/strict";
import { ASK, BID, OrderBook } from "../../lib/book/order_book.ts";
import type { FundamentalModel } from "../../lib/market/fundamental.ts";
import {
  BackgroundFlow,
  createFlowModels,
  FLOW_COUNT,
  flowConfigSchema,
} from "../../lib/market/order_flow.ts";
import { snipeProbability, sniperConfigSchema, Snipers } from "../../lib/market/snipers.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** Private news of `gap` ticks known to the snipers at once, priced by liquidity at rate κ. */
class Gap implements FundamentalModel {
  readonly continuous = false;
  price = 0;
  pending = false;
  constructor(readonly gap: number, readonly kappa: number) {}
  reset(p: number): void {
    this.price = p;
    this.pending = true;
  }
  setVolMultiplier(): void {}
  eventRate(): number {
    return this.pending ? this.kappa : 0;
  }
  fire(): void {
    this.pending = false;
  }
  reference(): number {
    return this.price;
  }
  value(): number {
    return this.price + (this.pending ? this.gap : 0);
  }
  onTrade(): number {
    return 0;
  }
}

Deno.test("snipers: intensity only while a quote is stale by the threshold; they take only the stale lots, up to maxLots", () => {
  const s = new Snipers(sniperConfigSchema.parse({ rate: 7, threshold: 2, maxLots: 6 }));
  assert.equal(s.intensity(99, 101, 102.9), 0);
  assert.equal(s.intensity(99, 101, 103), 7);
  assert.equal(s.intensity(99, 101, 97), 7);
  assert.equal(new Snipers(sniperConfigSchema.parse({})).intensity(99, 101, 1e9), 0); // off
  const book = new OrderBook();
  book.addLimit(1, ASK, 101, 4, 0);
  book.addLimit(2, ASK, 102, 4, 0);
  book.addLimit(3, ASK, 103, 4, 0);
  book.addLimit(4, BID, 99, 4, 0);
  // V = 104.5: asks at 101 and 102 have edges 3.5 and 2.5, the one at 103 only 1.5
  assert.equal(s.arrive(book, 104.5, 1, -1), 6); // 8 stale lots, capped at 6
  assert.equal(book.bestAsk(), 102);
  assert.equal(s.arrive(book, 104.5, 2, -1), 2);
  assert.equal(s.arrive(book, 104.5, 3, -1), 0); // nothing stale left
  assert.equal(book.bestBid(), 99); // never the other side
  // a cap below maxLots (a drawn size) takes that many
  book.addLimit(5, ASK, 100, 9, 0);
  assert.equal(s.arrive(book, 104.5, 4, -1, 5), 5); // 9 stale lots at 100
});

Deno.test("snipers: a stale quote is taken before liquidity requotes with probability λ / (λ + κ), and its maker loses the gap", () => {
  const lambda = 3, kappa = 1, gap = 4.5;
  const cfg = flowConfigSchema.parse({
    arrivals: { kind: "poisson", marketRate: 0, limitRate: 0 },
    cancellation: { rate: 0 },
    informed: { share: 0 },
    snipers: { rate: lambda, threshold: 1, maxLots: 1_000 },
    initialLevels: 1,
    initialDepth: 8,
  });
  const n = 4_000;
  let sniped = 0, makerGain = 0, lots = 0;
  const fund = new Gap(gap, kappa);
  const book = new OrderBook();
  const flow = new BackgroundFlow(
    book,
    createFlowModels(cfg, { sigmaTicks: 1 }, { fundamental: fund }),
    cfg,
  );
  book.sink = {
    onExecution(id, owner, _a, side, price, qty, _t, left) {
      if (owner === 0 && left === 0) flow.onFilled(id);
      // the maker's gain against the value it did not know (side: the aggressor's)
      makerGain += (side === BID ? price - fund.value() : fund.value() - price) * qty;
      lots += qty;
    },
  };
  for (let i = 0; i < n; i++) {
    const r = (k: string) => new Rng(`race:${i}:${k}`);
    book.clear();
    flow.reset(1000.5, 0, { flow: r("f"), price: r("p"), signs: r("s"), informed: r("i") });
    flow.counts.fill(0);
    flow.fireNext(); // the first event: a sniper or the requote
    if (flow.counts[FLOW_COUNT.SNIPER] === 1) sniped++;
    else assert.equal(flow.counts[FLOW_COUNT.FUNDAMENTAL], 1);
  }
  const p = snipeProbability(lambda, kappa);
  assert.equal(p, 0.75);
  const se = Math.sqrt(p * (1 - p) / n);
  assert.ok(Math.abs(sniped / n - p) < 4 * se, `sniped ${sniped / n}, expected ${p}`);
  // every sniped lot is an ask at 1001 bought with V = 1005: the maker lost 4 ticks each
  assert.equal(lots, 8 * sniped);
  assert.ok(Math.abs(makerGain / lots - -(1000.5 + gap - 1001)) < 1e-9);
});

/**
 * The lots each sniper took, over 600 episodes of a book with `depth` lots at the one stale
 * ask (news of 4.5 ticks, known to the snipers at once), for snipers of config `snipers`.
 */
function sniperOrders(
  snipers: Record<string, unknown>,
  depth: number,
  sizes?: Record<string, unknown>,
): number[] {
  const cfg = flowConfigSchema.parse({
    arrivals: { kind: "poisson", marketRate: 0, limitRate: 0 },
    cancellation: { rate: 0 },
    informed: { share: 0 },
    ...(sizes ? { sizes } : {}),
    snipers: { rate: 3, threshold: 1, ...snipers },
    initialLevels: 1,
    initialDepth: depth,
  });
  const book = new OrderBook();
  const flow = new BackgroundFlow(
    book,
    createFlowModels(cfg, { sigmaTicks: 1 }, { fundamental: new Gap(4.5, 1) }),
    cfg,
  );
  const out: number[] = [];
  let lots = 0;
  book.sink = {
    onExecution(id, owner, _a, _s, _p, qty, _t, left) {
      if (owner === 0 && left === 0) flow.onFilled(id);
      lots += qty;
    },
  };
  for (let i = 0; i < 600; i++) {
    const r = (k: string) => new Rng(`sizes:${i}:${k}`);
    book.clear();
    flow.reset(1000.5, 0, { flow: r("f"), price: r("p"), signs: r("s"), informed: r("i") });
    flow.counts.fill(0);
    lots = 0;
    flow.fireNext();
    if (flow.counts[FLOW_COUNT.SNIPER] === 1) out.push(lots);
  }
  return out;
}

Deno.test("snipers: with sizes drawn, each sniper takes at most a size drawn from the market orders' law", () => {
  // the law's sizes: 3 lots (σ tiny: round(X) = 3 every time)
  const law = { law: "lognormal", marketMean: 3, marketLogSd: 0.01 };
  const stale = sniperOrders({ maxLots: 1_000 }, 8, law);
  const drawn = sniperOrders({ maxLots: 1_000, sizes: "drawn" }, 8, law);
  assert.ok(stale.length > 400 && drawn.length > 400);
  assert.ok(stale.every((v) => v === 8)); // every stale lot at 1001
  assert.ok(drawn.every((v) => v === 3)); // the drawn size
});

Deno.test("snipers: with dispersed sizes, each sniper takes at most a log-normal budget whose mean is maxLots", () => {
  // a book deep enough that the budget, not the book, decides
  const run = (sigma: number) =>
    sniperOrders({ maxLots: 20, sizes: "dispersed", sizeSigma: sigma }, 5_000);
  assert.ok(run(0).every((s) => s === 20)); // σ = 0: the mean, every time
  const s = run(1);
  assert.ok(s.length > 400, `${s.length}`);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (s.length - 1));
  // log-normal of mean 20 and log-sd 1 (sd 20·√(e − 1) ≈ 26): the mean within 4 standard errors
  assert.ok(Math.abs(mean - 20) < 4 * sd / Math.sqrt(s.length), `mean ${mean}, sd ${sd}`);
  assert.ok(sd > 15 && sd < 40, `sd ${sd}`);
  assert.ok(s.some((v) => v > 60) && s.some((v) => v < 8)); // beyond maxLots, and well below
});

Deno.test("snipers: with shared sizes, each sniper takes a log-normal share of the stale lots, at most all of them", () => {
  const run = (median: number, sigma: number) =>
    sniperOrders({ maxLots: 20, sizes: "share", shareMedian: median, sizeSigma: sigma }, 1_000);
  // σ = 0: a tenth of the 1,000 stale lots, every time (not capped at maxLots = 20)
  assert.ok(run(0.1, 0).every((s) => s === 100));
  const s = run(0.1, 1.5).sort((a, b) => a - b);
  assert.ok(s.length > 400, `${s.length}`);
  const median = s[Math.floor(s.length / 2)];
  assert.ok(median > 70 && median < 140, `median ${median}`); // 0.1 × 1,000
  const whole = s.filter((v) => v === 1_000).length / s.length; // P(0.1·e^{1.5Z} ≥ 1) = 6.2 %
  assert.ok(whole > 0.03 && whole < 0.1, `${whole}`);
  assert.ok(s[s.length - 1] === 1_000 && s[0] >= 1);
});

Deno.test("snipers: the same seed gives the same path", async () => {
  const { simulateRecords } = await import("../../lib/calibration/simulate.ts");
  const cfg = { duration: 20, flow: { snipers: { rate: 50, threshold: 0.5 } } };
  const [a] = simulateRecords(cfg, { seconds: 20, seed: 4 });
  const [b] = simulateRecords(cfg, { seconds: 20, seed: 4 });
  assert.deepEqual(a.moTime, b.moTime);
  assert.deepEqual(a.fillPrice, b.fillPrice);
  assert.ok(a.moTime.length > 0);
});
