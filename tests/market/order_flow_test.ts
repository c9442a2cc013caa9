import assert from "node:assert/strict";
import { ASK, BID, OrderBook } from "../../lib/book/order_book.ts";
import { buildAlias, FLOW_EVENT, ZeroIntelligenceFlow } from "../../lib/market/order_flow.ts";
import { InformedFlow } from "../../lib/market/informed.ts";
import { parseEnvConfig, sigmaPerSqrtSecond } from "../../lib/env/config.ts";
import { Rng } from "../../lib/rng/rng.ts";
import { ValidationError } from "../../lib/errors.ts";

const CFG = parseEnvConfig({});
const P = CFG.flow;

function wire(book: OrderBook, flow: ZeroIntelligenceFlow): void {
  book.sink = {
    onExecution(id, owner, _a, _s, _p, _q, _t, left) {
      if (owner === 0 && left === 0) flow.onFilled(id);
    },
  };
}

/** |x − mean| ≤ k·sd. */
function within(x: number, mean: number, sd: number, k = 5): void {
  assert.ok(Math.abs(x - mean) <= k * sd, `${x} not within ${k}·${sd} of ${mean}`);
}

Deno.test("flow: event counts match the Poisson rates; cancels ∝ resting orders", () => {
  for (const mult of [1, 2]) {
    const book = new OrderBook();
    const flow = new ZeroIntelligenceFlow(P);
    wire(book, flow);
    flow.seed(book, 10_000, P.initialLevels, P.initialDepth, 0);
    const rng = new Rng(`counts-${mult}`);
    const T = 400;
    let t = 0;
    let liveTime = 0; // ∫ N(t) dt
    for (;;) {
      const rate = flow.rate(mult);
      const w = rng.exponential(rate);
      if (t + w > T) {
        liveTime += flow.liveCount * (T - t);
        break;
      }
      liveTime += flow.liveCount * w;
      t += w;
      flow.fire(book, Math.round(t * 1e9), mult, rng.next() * rate, rng, 10_000);
      assert.equal(flow.liveCount, book.orderCount);
    }
    const c = flow.counts;
    for (
      const [type, r] of [
        [FLOW_EVENT.LIMIT_BID, P.limitRate],
        [FLOW_EVENT.LIMIT_ASK, P.limitRate],
        [FLOW_EVENT.MARKET_BUY, P.marketRate],
        [FLOW_EVENT.MARKET_SELL, P.marketRate],
      ] as const
    ) {
      const lam = r * mult * T;
      within(c[type], lam, Math.sqrt(lam));
    }
    // the cancel count's compensator is θ·mult·∫N dt (a Poisson-like martingale)
    const lamC = P.cancelRate * mult * liveTime;
    within(c[FLOW_EVENT.CANCEL], lamC, Math.sqrt(lamC));
    // total book event rate of the default flow: at least 200 per second
    const total = c.reduce((a, b) => a + b, 0);
    assert.ok(total / T >= 200 * mult, `event rate ${total / T}/s`);
  }
});

Deno.test("flow: limit orders land 1..maxDistance ticks from the opposite best, ∝ 1/i^α", () => {
  const book = new OrderBook();
  const flow = new ZeroIntelligenceFlow(P);
  wire(book, flow);
  flow.seed(book, 10_000.5, P.initialLevels, P.initialDepth, 0);
  const rng = new Rng("dist");
  const hist = new Float64Array(P.maxDistance + 1);
  let n = 0;
  let sizeSum = 0;
  let t = 0;
  for (let k = 0; k < 100_000; k++) {
    const rate = flow.rate(1);
    t += rng.exponential(rate);
    const ask = book.bestAsk();
    const bid = book.bestBid();
    const id = flow.nextId;
    const added = book.addedQty;
    const type = flow.fire(book, Math.round(t * 1e9), 1, rng.next() * rate, rng, 10_000);
    if (type === FLOW_EVENT.LIMIT_BID || type === FLOW_EVENT.LIMIT_ASK) {
      assert.ok(book.has(id));
      const d = type === FLOW_EVENT.LIMIT_BID
        ? ask - book.orderPrice(id)
        : book.orderPrice(id) - bid;
      assert.ok(d >= 1 && d <= P.maxDistance, `distance ${d}`);
      hist[d]++;
      n++;
      sizeSum += book.addedQty - added;
    }
  }
  for (const i of [1, 2, 5, 10, 50]) {
    const p = flow.distanceProbability(i);
    within(hist[i], n * p, Math.sqrt(n * p * (1 - p)));
  }
  // sizes 1 + Poisson(meanSize − 1): mean meanSize, variance meanSize − 1
  within(sizeSum / n, P.meanSize, Math.sqrt((P.meanSize - 1) / n));
});

Deno.test("buildAlias samples proportionally to the weights", () => {
  const w = [5, 1, 0, 3, 1];
  const { prob, alias } = buildAlias(w);
  const rng = new Rng("alias");
  const h = new Float64Array(w.length);
  const N = 200_000;
  for (let k = 0; k < N; k++) {
    const x = rng.next() * w.length;
    const j = x | 0;
    h[x - j < prob[j] ? j : alias[j]]++;
  }
  for (let i = 0; i < w.length; i++) {
    const p = w[i] / 10;
    within(h[i], N * p, Math.sqrt(N * p * (1 - p)) + 1e-9);
  }
  assert.throws(() => buildAlias([0, 0]), ValidationError);
});

Deno.test("flow rejects bad parameters with a named ValidationError", () => {
  assert.throws(() => new ZeroIntelligenceFlow({ ...P, maxDistance: 0 }), /flow\.maxDistance/);
  assert.throws(() => new ZeroIntelligenceFlow({ ...P, limitRate: -1 }), /flow\.limitRate/);
  assert.throws(() => new ZeroIntelligenceFlow({ ...P, meanSize: NaN }), /flow\.meanSize/);
  assert.throws(() => new InformedFlow(-1), /flow\.informedThreshold/);
});

Deno.test("informed flow trades exactly the liquidity priced through the fundamental", () => {
  const book = new OrderBook();
  book.addLimit(1, BID, 98, 4, 0);
  book.addLimit(2, BID, 99, 5, 0);
  book.addLimit(3, ASK, 101, 5, 0);
  book.addLimit(4, ASK, 102, 6, 0);
  book.addLimit(5, ASK, 103, 7, 0);
  const inf = new InformedFlow(1);
  assert.equal(inf.arrive(book, 100.9, 1), 0); // gap 0.9 ≤ threshold
  assert.equal(inf.arrive(book, 102.5, 2), 11); // asks at 101 and 102 (< 102.5)
  assert.equal(book.bestAsk(), 103);
  assert.equal(inf.arrive(book, 97.5, 3), -9); // mid 101 → bids at 99 and 98 (> 97.5)
  assert.ok(Number.isNaN(book.bestBid()));
  assert.equal(inf.arrivals, 3);
  assert.equal(inf.trades, 2);
  assert.equal(inf.signedVolume, 2);
});

/** Simulates flow + informed traders around a Brownian fundamental; returns mids and fundamentals (ticks). */
function simulate(informed: boolean, seed: string, T: number, every: number) {
  const book = new OrderBook();
  const flow = new ZeroIntelligenceFlow(P);
  wire(book, flow);
  const inf = new InformedFlow(P.informedThreshold);
  const rng = new Rng(seed);
  const frng = new Rng(seed + "/fundamental");
  const sig = sigmaPerSqrtSecond(CFG) / CFG.tickSize; // ticks per √s
  let F = 10_000;
  flow.seed(book, F, P.initialLevels, P.initialDepth, 0);
  const infRate = informed ? P.informedRate : 0;
  const mids: number[] = [];
  const funds: number[] = [];
  let t = 0;
  for (let k = 1; k <= T / every; k++) {
    const tEnd = k * every;
    for (;;) {
      const rate = flow.rate(1) + infRate;
      const w = rng.exponential(rate);
      if (t + w >= tEnd) break; // memoryless: the next interval redraws
      F += sig * Math.sqrt(w) * frng.normal();
      t += w;
      const u = rng.next() * rate;
      const ns = Math.round(t * 1e9);
      if (u < infRate) inf.arrive(book, F, ns);
      else flow.fire(book, ns, 1, u - infRate, rng, F);
    }
    F += sig * Math.sqrt(tEnd - t) * frng.normal();
    t = tEnd;
    mids.push(book.mid());
    funds.push(F);
  }
  return { mids, funds, sig };
}

Deno.test("informed flow anchors the mid to the fundamental", () => {
  const h = 30;
  const { mids, funds, sig } = simulate(true, "anchor", 3000, 1);
  let v = 0;
  let c = 0;
  for (let i = h; i < mids.length; i += h) {
    v += (mids[i] - mids[i - h]) ** 2;
    c++;
  }
  // realized variance of the mid over 30 s vs the fundamental's σ²h: with c ≈ 100
  // increments the ratio's standard error is √(2/c) ≈ 0.14, plus the O(gap²/h) term
  const ratio = v / c / (sig * sig * h);
  assert.ok(ratio > 0.6 && ratio < 1.8, `mid variance ratio ${ratio}`);
  const gaps = mids.map((m, i) => m - funds[i]);
  const rms = Math.sqrt(gaps.reduce((a, g) => a + g * g, 0) / gaps.length);
  assert.ok(rms < 4, `rms gap ${rms} ticks`);
  assert.ok(Math.abs(gaps[gaps.length - 1]) < 12);
  // without informed traders the book ignores the fundamental and drifts away from it
  const free = simulate(false, "anchor", 3000, 1);
  const g2 = free.mids.map((m, i) => m - free.funds[i]);
  const rms2 = Math.sqrt(g2.reduce((a, g) => a + g * g, 0) / g2.length);
  assert.ok(rms2 > 3 * rms, `free rms gap ${rms2} vs anchored ${rms}`);
});
