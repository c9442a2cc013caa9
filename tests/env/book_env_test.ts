import assert from "node:assert/strict";
import { ASK, BID } from "../../lib/book/order_book.ts";
import { BookVecEnv } from "../../lib/env/book_env.ts";
import {
  AGENT_OWNER,
  BookMarket,
  NS_PER_S,
  registerBookModels,
} from "../../lib/env/book_market.ts";
import { runCompare } from "../../lib/backtest/compare.ts";
import type { CancellationModel } from "../../lib/market/cancellation.ts";
import {
  type PassiveMarkouts,
  passiveMarkouts,
  summarizeMarkouts,
} from "../../lib/market/markouts.ts";
import type { TradeSignModel } from "../../lib/market/trade_signs.ts";
import { marketStats } from "../../lib/market/stats.ts";
import { resolveMarket } from "../../lib/env/markets.ts";
import { type EnvConfigInput, parseEnvConfig } from "../../lib/env/config.ts";
import { ACT_DIM, OBS, OBS_DIM } from "../../lib/env/types.ts";
import { AlpeError, ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";
import { FLOW_TYPE } from "../../lib/market/tape.ts";

const cfg = (input: EnvConfigInput = {}) => parseEnvConfig({ tier: "book", ...input });
const constant = (ms: number) => ({ kind: "constant" as const, ms });
const ONE_REGIME = { names: ["normal"], volMultipliers: [1], flowMultipliers: [1], rates: [[0]] };

function actions(n: number, row: number[]): Float64Array {
  const a = new Float64Array(n * ACT_DIM);
  for (let i = 0; i < n; i++) a.set(row, i * ACT_DIM);
  return a;
}

Deno.test("book env: our order reaches the book exactly `latency` ns after the decision", () => {
  const c = cfg({ latency: { order: constant(7), cancel: constant(3), marketData: constant(0) } });
  const m = new BookMarket(c);
  m.reset(11);
  m.advance(1_000_000_000); // 1 s into the episode
  const t0 = m.nowNs;
  const px = m.book.bestBid() - 5; // deep: cannot fill within a nanosecond
  m.quote(BID, px, 2);
  const id = m.curId[BID];
  assert.equal(m.book.has(id), false);
  m.advance(t0 + 7_000_000); // events strictly before t0 + 7 ms
  assert.equal(m.book.has(id), false);
  m.advance(t0 + 7_000_001);
  assert.equal(m.book.has(id), true);
  assert.equal(m.book.orderOwner(id), AGENT_OWNER);
  assert.equal(m.book.orderTime(id), t0 + 7_000_000);
  assert.equal(m.book.orderPrice(id), px);
  // a replacement: the old order leaves exactly 3 ms after the decision, the new one
  // arrives 7 ms after it
  const t1 = m.nowNs + 1_000_000;
  m.advance(t1);
  m.quote(BID, px - 1, 2);
  const id2 = m.curId[BID];
  m.advance(t1 + 3_000_000);
  assert.equal(m.book.has(id), true);
  m.advance(t1 + 3_000_001);
  assert.equal(m.book.has(id), false);
  m.advance(t1 + 7_000_000);
  assert.equal(m.book.has(id2), false);
  m.advance(t1 + 7_000_001);
  assert.equal(m.book.has(id2), true);
  assert.equal(m.restingQty[BID], 2);
});

Deno.test("book env: a cancel never overtakes the order it cancels", () => {
  const c = cfg({ latency: { order: constant(20), cancel: constant(1), marketData: constant(0) } });
  const m = new BookMarket(c);
  m.reset(3);
  const px = m.book.bestBid() - 5;
  m.quote(BID, px, 1);
  const id = m.curId[BID];
  m.advance(1_000_000);
  m.quote(BID, 0, 0); // cancel at 1 ms, sent 19 ms before the order arrives
  m.advance(100_000_000);
  assert.equal(m.book.has(id), false);
  assert.equal(m.restingQty[BID], 0);
  assert.equal(m.book.cancelledQty > 0, true);
});

/** Steps a market with no quotes: the agent never touches the book. */
function passiveStep(m: BookMarket, k: number, dt: number, splitNs = -1): number {
  const end = Math.round(k * dt * NS_PER_S);
  m.scheduleSnapshot(end);
  let seen = NaN;
  if (splitNs >= 0) {
    m.advance(end - splitNs);
    seen = m.trueMid();
  }
  m.advance(end);
  m.endStep(dt);
  return seen;
}

Deno.test("book env: the observed mid is the true mid `marketData` latency earlier", () => {
  const L = 20_000_000; // 20 ms
  const a = new BookMarket(cfg({ latency: { marketData: constant(20) } }));
  const b = new BookMarket(cfg({ latency: { marketData: constant(20) } }));
  a.reset(5);
  b.reset(5);
  let lagged = 0;
  for (let k = 1; k <= 1500; k++) {
    passiveStep(a, k, 0.1);
    const expected = passiveStep(b, k, 0.1, L);
    assert.equal(a.snapshot.mid, expected);
    assert.equal(a.snapshot.timeNs, Math.round(k * 0.1 * NS_PER_S) - L);
    if (a.snapshot.mid !== a.trueMid()) lagged++;
  }
  assert.ok(lagged > 20, `the delayed view differed from the true mid ${lagged} times`);
  // zero latency: the view is the book at the decision
  const z = new BookMarket(cfg({ latency: { marketData: constant(0) } }));
  z.reset(5);
  for (let k = 1; k <= 300; k++) {
    passiveStep(z, k, 0.1);
    assert.equal(z.snapshot.mid, z.trueMid());
  }
});

Deno.test("book env: market-data latency above dt uses the step-boundary snapshot at or before T − L", () => {
  const slow = new BookMarket(cfg({ latency: { marketData: constant(250) } }));
  const ref = new BookMarket(cfg({ latency: { marketData: constant(0) } }));
  slow.reset(9);
  ref.reset(9);
  const mids: number[] = [ref.trueMid()];
  for (let k = 1; k <= 400; k++) {
    passiveStep(slow, k, 0.1);
    passiveStep(ref, k, 0.1);
    mids.push(ref.trueMid());
    // T − 250 ms lies in (T − 300 ms, T − 200 ms]: the boundary at step k − 3
    assert.equal(slow.snapshot.mid, mids[Math.max(0, k - 3)]);
  }
});

Deno.test("book env: queue positions in the observation agree with the book", () => {
  const c = cfg({ duration: 60, latency: { marketData: constant(0) } });
  const env = new BookVecEnv(c, 2);
  env.reset([21, 22]);
  const act = actions(2, [0.5, 0.5, 3, 3]);
  let seen = 0;
  let partial = 0;
  while (!env.terminated[0]) {
    env.step(act);
    for (let i = 0; i < 2; i++) {
      const m = env.market(i);
      assert.equal(env.view.mid[i], m.snapshot.mid * c.tickSize); // the view is the delayed one
      for (const side of [BID, ASK] as const) {
        const id = m.curId[side];
        const q = env.observations[i * OBS_DIM + (side === BID ? OBS.BID_QUEUE : OBS.ASK_QUEUE)];
        if (id >= 0 && m.book.has(id)) {
          const expected = m.book.queueAhead(id) / m.book.levelQty(side, m.book.orderPrice(id));
          assert.equal(q, expected);
          seen++;
          if (q > 0 && q < 1) partial++;
        } else {
          assert.equal(q, 1);
        }
      }
    }
  }
  assert.ok(seen > 500 && partial > 100, `resting ${seen}, behind others ${partial}`);
});

Deno.test("book env: an unchanged quote keeps its order and queue position", () => {
  const c = cfg({ duration: 30, latency: { marketData: constant(0) } });
  const env = new BookVecEnv(c, 1);
  env.reset([4]);
  const act = actions(1, [3, 3, 2, 2]);
  let kept = 0;
  let prevId = -1;
  let prevMid = NaN;
  while (!env.terminated[0]) {
    const m = env.market(0);
    const mid = m.snapshot.mid;
    env.step(act);
    const id = m.curId[BID];
    if (mid === prevMid && id >= 0 && prevId >= 0 && env.columns.bidFilled[0] === 0) {
      // same observed mid, same action: no message sent, the same order rests
      assert.equal(id, prevId);
      assert.equal(env.columns.bidPosted[0], 0);
      kept++;
    }
    prevId = id;
    prevMid = mid;
  }
  assert.ok(kept > 50, `kept ${kept}`);
});

Deno.test("book env: accounting reconciles with the fills and fees at every step; no impact charge", () => {
  const c = cfg({
    duration: 120,
    maxInventory: 6,
    impact: { model: "almgren-chriss", permanent: 1e-4, temporary: 1e-4 },
    fees: { makerRate: -0.0002, takerRate: 0.0003 },
  });
  const n = 3;
  const env = new BookVecEnv(c, n);
  env.reset([1, 2, 3]);
  const rng = new Rng("acct");
  const act = new Float64Array(n * ACT_DIM);
  const cash = new Float64Array(n);
  const inv = new Float64Array(n);
  const lot = c.lotSize;
  let fills = 0;
  while (!env.terminated[0]) {
    // new random quotes every 2 s (a quote kept in place keeps its queue position)
    for (let k = 0; env.stepIndex % 20 === 0 && k < act.length; k += 4) {
      act[k] = rng.uniform(0, 2);
      act[k + 1] = rng.uniform(0, 2);
      act[k + 2] = 1 + rng.int(5);
      act[k + 3] = 1 + rng.int(5);
    }
    env.step(act);
    const col = env.columns;
    for (let i = 0; i < n; i++) {
      const m = env.market(i);
      let notional = 0;
      if (col.bidFilled[i] > 0) {
        cash[i] -= col.bidFilled[i] * col.bidFillPrice[i] * lot;
        notional += col.bidFilled[i] * col.bidFillPrice[i] * lot;
      }
      if (col.askFilled[i] > 0) {
        cash[i] += col.askFilled[i] * col.askFillPrice[i] * lot;
        notional += col.askFilled[i] * col.askFillPrice[i] * lot;
      }
      // a fill here rests first (offsets ≥ 0 never cross the observed mid): the maker rate
      const taker = m.aggressiveFilled[0] + m.aggressiveFilled[1];
      if (taker === 0) cash[i] -= c.fees.makerRate * notional;
      else cash[i] = col.cash[i]; // a latency race crossed the book: resynchronise
      inv[i] += col.bidFilled[i] - col.askFilled[i];
      fills += col.bidFilled[i] + col.askFilled[i];
      assert.equal(col.inventory[i], inv[i]);
      assert.ok(Math.abs(cash[i] - col.cash[i]) <= 1e-9 * (1 + Math.abs(cash[i])));
      const pnl = col.cash[i] + col.inventory[i] * lot * col.mid[i];
      assert.ok(Math.abs(pnl - col.pnl[i]) <= 1e-9 * (1 + Math.abs(pnl)));
      assert.ok(Math.abs(col.inventory[i]) <= c.maxInventory, `inventory ${col.inventory[i]}`);
      // passive fills are priced by the book: no temporary-impact charge, no impact shift
      assert.equal(env.impactCost[i], 0);
      assert.equal(col.rewardImpact[i], 0);
      if (taker === 0) assert.equal(col.impact[i], 0);
      assert.equal(m.inventory, col.inventory[i]);
    }
  }
  assert.ok(fills > 50, `fills ${fills}`);
  for (let i = 0; i < n; i++) assert.ok(env.market(i).fees < 0); // rebates received
});

Deno.test("book market: our crossing orders pay the taker fee, move the reference price and are reported", () => {
  const c = cfg({
    duration: 60,
    maxInventory: 100,
    regimes: ONE_REGIME,
    impact: { model: "almgren-chriss", permanent: 0.002, temporary: 0.5 },
    fees: { makerRate: 0, takerRate: 0.001 },
    latency: { order: constant(1), cancel: constant(1), marketData: constant(0) },
  });
  const m = new BookMarket(c, { tape: true });
  m.reset(4);
  const ref0 = m.referencePrice();
  let shifts = 0;
  let taken = 0;
  for (let k = 1; k <= 200; k++) {
    m.clearStepFills();
    // every second, a buy priced two ticks through the ask: it takes liquidity on arrival
    if (k % 10 === 0) m.quote(BID, m.snapshot.ask + 2, 3);
    else m.quote(BID, 0, 0);
    const end = Math.round(k * 0.1 * NS_PER_S);
    m.scheduleSnapshot(end);
    m.advance(end);
    const aggressive = m.aggressiveFilled[BID];
    m.endStep(0.1);
    taken += aggressive;
    if (aggressive > 0) assert.ok(m.lastImpactShift > 0, `step ${k}: shift ${m.lastImpactShift}`);
    else assert.equal(m.lastImpactShift, 0);
    shifts += m.lastImpactShift;
  }
  assert.ok(taken >= 40, `took ${taken} lots`);
  const tape = m.tape!;
  let notional = 0;
  for (let k = 0; k < tape.trades; k++) {
    if (tape.aggressor[k] === FLOW_TYPE.AGENT) {
      notional += tape.price[k] * tape.qty[k] * c.tickSize * c.lotSize;
    }
  }
  // the taker fee on every lot we took (our passive fills, none here, would pay the maker rate)
  assert.ok(Math.abs(m.fees - 0.001 * notional) < 1e-9 * notional);
  assert.ok(Math.abs(m.cash - (m.cashTicksLots * c.tickSize * c.lotSize - m.fees)) < 1e-6);
  // the overlay alone moves the price 0.002 $ per lot; the market's own trade impact adds to it
  assert.ok(shifts > 0.002 * taken, `shifts ${shifts}, taken ${taken}`);
  assert.ok(m.referencePrice() - ref0 > 0.5 * shifts, `${m.referencePrice() - ref0} vs ${shifts}`);
  // no temporary-impact charge: the book priced the crossing (cash is fills minus fees)
  assert.equal(m.lastImpactCost, 0);
});

Deno.test("book env: same seed gives bit-identical episodes, different seeds differ", () => {
  const c = cfg({ duration: 20, latency: { order: { kind: "exponential", meanMs: 5 } } });
  const run = (seeds: number[]) => {
    const env = new BookVecEnv(c, seeds.length);
    env.reset(seeds);
    const act = actions(seeds.length, [1, 1, 2, 2]);
    const trace: number[][] = seeds.map(() => []);
    while (!env.terminated[0]) {
      env.step(act);
      for (let i = 0; i < seeds.length; i++) {
        trace[i].push(
          env.columns.pnl[i],
          env.columns.mid[i],
          env.rewards[i],
          ...env.observations.subarray(i * OBS_DIM, (i + 1) * OBS_DIM),
        );
      }
    }
    return trace;
  };
  const [a, b, other] = run([7, 7, 8]);
  const [again] = run([7]);
  assert.deepEqual(a, b);
  assert.deepEqual(a, again);
  assert.notDeepEqual(a, other);
});

Deno.test("book env: the regime's volatility multiplier sets the mid's volatility", () => {
  const realized = (initial: number) => {
    const c = cfg({
      duration: 500,
      regimes: {
        names: ["calm", "stressed"],
        volMultipliers: [0.5, 4],
        flowMultipliers: [1, 1],
        rates: [[0, 0], [0, 0]],
        initial,
      },
    });
    const n = 4;
    const env = new BookVecEnv(c, n, { burnInSeconds: 5 });
    env.reset([31, 32, 33, 34]);
    const act = actions(n, [0, 0, 0, 0]);
    const h = 100; // 10 s increments
    let v = 0;
    let count = 0;
    const last = Array.from(env.columns.mid);
    while (!env.terminated[0]) {
      env.step(act);
      if (env.stepIndex % h === 0) {
        for (let i = 0; i < n; i++) {
          v += (env.columns.mid[i] - last[i]) ** 2;
          last[i] = env.columns.mid[i];
          count++;
        }
      }
      assert.equal(env.columns.regime[0], initial);
    }
    return v / count / 10; // $²/s
  };
  const calm = realized(0);
  const stressed = realized(1);
  const s0 = parseEnvConfig({}).volatility * 100 / Math.sqrt(23_400);
  // stressed: σ² = 16·s0²; 200 ten-second increments give a standard error of √(2/200) = 10%
  // (the book's own noise around the fundamental is small next to σ²·10 s)
  assert.ok(stressed > 10 * s0 * s0 && stressed < 24 * s0 * s0, `stressed ${stressed / s0 ** 2}`);
  assert.ok(stressed > 6 * calm, `calm ${calm / s0 ** 2}, stressed ${stressed / s0 ** 2}`);
});

Deno.test("book env: regimes switch over time and scale the flow intensity", () => {
  const c = cfg({
    duration: 400,
    regimes: {
      names: ["slow", "fast"],
      volMultipliers: [1, 1],
      flowMultipliers: [1, 2],
      rates: [[0, 1 / 20], [1 / 20, 0]],
      initial: 0,
    },
  });
  const env = new BookVecEnv(c, 1, { burnInSeconds: 2 });
  env.reset([77]);
  const act = actions(1, [0, 0, 0, 0]);
  const events = [0, 0];
  const time = [0, 0];
  let switches = 0;
  let prev = env.columns.regime[0];
  let e0 = env.market(0).events;
  while (!env.terminated[0]) {
    env.step(act);
    const r = env.columns.regime[0];
    if (r !== prev) switches++;
    prev = r;
    const e = env.market(0).events;
    events[r] += e - e0;
    time[r] += c.dt;
    e0 = e;
  }
  assert.ok(switches >= 4, `switches ${switches}`);
  const ratio = events[1] / time[1] / (events[0] / time[0]);
  assert.ok(ratio > 1.7 && ratio < 2.3, `event-rate ratio ${ratio}`);
});

Deno.test("book env: the default flow produces at least 200 book events per second", () => {
  const c = cfg({ duration: 120, regimes: ONE_REGIME });
  const env = new BookVecEnv(c, 2);
  env.reset([5, 6]);
  const act = actions(2, [1, 1, 1, 1]);
  while (!env.terminated[0]) env.step(act);
  for (let i = 0; i < 2; i++) {
    const rate = env.market(i).events / c.duration;
    assert.ok(rate >= 200, `event rate ${rate}/s`);
    const book = env.market(i).book;
    assert.ok(book.levelCount(BID) > 30 && book.levelCount(ASK) > 30);
    assert.ok(book.spread() >= 1 && book.spread() <= 6);
  }
});

Deno.test("book env: observations stay finite and in their documented ranges, even for extreme actions", () => {
  const c = cfg({ duration: 60, maxInventory: 10 });
  const n = 3;
  const env = new BookVecEnv(c, n);
  const obs0 = env.reset([1, 2, 3]);
  assert.ok(obs0.every(Number.isFinite));
  const rng = new Rng("extreme");
  const act = new Float64Array(n * ACT_DIM);
  const pick = [0, 1e-12, 0.49, 0.5, 1, 1e9, -1e9, 1e308, -5, 7.5];
  while (!env.terminated[0]) {
    for (let k = 0; k < act.length; k++) act[k] = pick[rng.int(pick.length)];
    env.step(act);
    const o = env.observations;
    for (let i = 0; i < n; i++) {
      const r = o.subarray(i * OBS_DIM, (i + 1) * OBS_DIM);
      assert.ok(r.every((x) => Number.isFinite(x) && x >= -5 && x <= 5), `obs ${r}`);
      assert.ok(r[OBS.TIME_LEFT] >= 0 && r[OBS.TIME_LEFT] <= 1);
      assert.ok(Math.abs(r[OBS.IMBALANCE]) <= 1 && Math.abs(r[OBS.TRADE_FLOW]) <= 1);
      assert.ok(r[OBS.BID_QUEUE] >= 0 && r[OBS.BID_QUEUE] <= 1);
      assert.ok(r[OBS.ASK_QUEUE] >= 0 && r[OBS.ASK_QUEUE] <= 1);
      assert.ok(r[OBS.SPREAD] > 0);
      assert.ok(Math.abs(r[OBS.INVENTORY]) <= 1);
      assert.ok(Number.isFinite(env.rewards[i]) && Number.isFinite(env.columns.pnl[i]));
      assert.ok(Number.isFinite(env.view.mid[i]) && Number.isFinite(env.view.sigma[i]));
    }
  }
  assert.equal(env.observations[OBS.TIME_LEFT], 0);
  assert.equal(env.terminated[0], 1);
});

Deno.test("book env: bad actions are rejected without changing the env; lifecycle errors", () => {
  const c = cfg({ duration: 10, dt: 1 });
  const env = new BookVecEnv(c, 2);
  assert.throws(() => env.step(new Float64Array(8)), AlpeError);
  env.reset([1, 2]);
  const obs = env.observations.slice();
  const bad = actions(2, [1, 1, 1, 1]);
  bad[6] = NaN;
  assert.throws(
    () => env.step(bad),
    (e: unknown) => e instanceof ValidationError && e.field === "action[6]",
  );
  assert.throws(() => env.step(new Float64Array(3)), /actions\.length/);
  assert.equal(env.stepIndex, 0);
  assert.deepEqual(env.observations, obs);
  assert.equal(env.market(0).nowNs, 0);
  assert.throws(() => env.reset([1]), /seeds\.length/);
  assert.throws(() => env.reset([1, -1]), /seeds\[1\]/);
  assert.throws(() => new BookVecEnv(c, 0), /numEnvs/);
  const act = actions(2, [1, 1, 1, 1]);
  for (let k = 0; k < env.steps; k++) env.step(act);
  assert.equal(env.terminated[1], 1);
  assert.throws(() => env.step(act), AlpeError);
  const info = env.info(1);
  assert.equal(info.step, 10);
  assert.equal(info.time, 10);
  assert.equal(info.regimeName, c.regimes.names[info.regime]);
  assert.throws(() => env.info(2), /\bi\b/);
});

Deno.test("book env: the default market's mid moves at the configured volatility", () => {
  // one regime, so that `volatility` is the whole story; 16 × 300 s of 10-s mid increments
  const c = cfg({ regimes: ONE_REGIME, volatility: 0.02 });
  const n = 16;
  const env = new BookVecEnv(c, n);
  env.reset(Array.from({ length: n }, (_, i) => 900 + i));
  const act = actions(n, [0, 0, 0, 0]);
  const last = Array.from(env.columns.mid);
  let v = 0;
  let count = 0;
  while (!env.terminated[0]) {
    env.step(act);
    if (env.stepIndex % 100 !== 0) continue;
    for (let i = 0; i < n; i++) {
      v += (env.columns.mid[i] - last[i]) ** 2;
      last[i] = env.columns.mid[i];
      count++;
    }
  }
  const daily = Math.sqrt((v / count / 10) * 23_400) / c.initialPrice; // relative, per day
  // 480 increments: the variance's standard error is √(2/480) ≈ 6.5 %, the volatility's 3.2 %
  assert.ok(Math.abs(daily / c.volatility - 1) < 0.15, `daily volatility ${daily}`);
});

Deno.test("book env: in the default market, passive fills against uninformed orders are no free lunch", () => {
  // the test: the 30-s markout of passive fills from uninformed market orders is not
  // positive beyond its 95 % CI (clustered by episode); the CI must also be narrow enough to
  // tell a market where those fills earn half a spread (the old default: +0.6 ticks at 30 s)
  const c = cfg({});
  const episodes: PassiveMarkouts[] = [];
  const m = new BookMarket(c, { tape: true });
  for (let e = 0; e < 48; e++) {
    m.reset(7_000 + e);
    for (let k = 1; k <= 3000; k++) passiveStep(m, k, 0.1);
    episodes.push(
      passiveMarkouts(m.tape!, { horizons: [0, 1, 30], maker: "background", end: 300 }),
    );
  }
  const s = summarizeMarkouts(episodes);
  const u = s.uninformed;
  assert.ok(u.ciLow[2] <= 0, `30-s markout ${u.mean[2]} [${u.ciLow[2]}, ${u.ciHigh[2]}]`);
  assert.ok(u.ciHigh[2] - u.ciLow[2] < 1.1, `CI too wide: [${u.ciLow[2]}, ${u.ciHigh[2]}]`);
  assert.ok(u.fills[2] > 10_000);
  // informed flow is where the liquidity providers lose
  const inf = s.informed;
  assert.ok(inf.ciHigh[2] < 0, `informed 30-s markout ${inf.mean[2]}`);
  // right after the fill the maker holds about half a spread against the mid
  assert.ok(u.mean[0] > 0.3 && u.mean[0] < 0.7, `0-s markout ${u.mean[0]}`);
});

Deno.test("book env: a market built from user-supplied models runs through runCompare", async () => {
  // two models defined here, outside the library: signs that alternate in runs of 5, and a
  // cancellation model with one flat hazard (the interfaces are the library's)
  let built = 0;
  let signs = 0;
  class RunsOfFive implements TradeSignModel {
    readonly surpriseVariance = 1;
    #k = 0;
    reset(): void {
      this.#k = 0;
    }
    expected(): number {
      return 0;
    }
    next(): number {
      signs++;
      return Math.floor(this.#k++ / 5) % 2 === 0 ? 1 : -1;
    }
  }
  const flat: CancellationModel = {
    maxHazard: 0.3,
    minHazard: 0.3,
    touchBound: () => 0.3,
    hazard: () => 0.3,
  };
  registerBookModels("test:runs-of-five", () => {
    built++;
    return { signs: new RunsOfFive(), cancellation: flat };
  });
  const run = await runCompare({
    config: { tier: "book", duration: 20, flow: { models: "test:runs-of-five" } },
    agents: ["static-spread", "random"],
    episodes: 2,
    workers: 0,
  });
  assert.deepEqual(run.ran, ["static-spread", "random"]);
  assert.ok(built >= 2 && signs > 20, `built ${built}, signs ${signs}`);
  assert.equal(run.backtest!.agents[0].episodes.length, 2);
  // an unregistered name is a named error, before any work
  await assert.rejects(
    () => runCompare({ config: { flow: { models: "nope" } }, agents: ["random"], workers: 0 }),
    (e: unknown) => e instanceof ValidationError && e.field === "flow.models",
  );
});

Deno.test("stress variants of the book tier: deeper queues, more informed flow", async () => {
  const stats = async (name: string) => {
    const spec = await resolveMarket(name);
    const c = parseEnvConfig({ ...spec.config, duration: 120, regimes: ONE_REGIME });
    const m = new BookMarket(c, { tape: true });
    let depth = 0, informed = 0;
    for (let e = 0; e < 4; e++) {
      m.reset(300 + e);
      for (let k = 1; k <= 1200; k++) passiveStep(m, k, 0.1);
      const s = marketStats(m.tape!, { start: 0, end: 120 });
      depth += s.touchDepth / 4;
      informed += s.informedVolumeShare / 4;
    }
    return { depth, informed };
  };
  const base = await stats("default");
  const deep = await stats("default+deep-queues");
  const toxic = await stats("default+adverse-selection");
  assert.ok(deep.depth > 1.5 * base.depth, `touch depth ${deep.depth} vs ${base.depth}`);
  assert.ok(
    toxic.informed > 1.5 * base.informed,
    `informed share ${toxic.informed} vs ${base.informed}`,
  );
});
