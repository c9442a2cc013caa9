import assert from "node:assert/strict";
import { loadTapeSync, MissingFileError, TapeTooShortError } from "../../lib/data/mod.ts";
import { ValidationError } from "../../lib/errors.ts";
import { type EnvConfigInput, parseEnvConfig } from "../../lib/env/config.ts";
import { makeVecEnv } from "../../lib/env/make.ts";
import { ReplayVecEnv } from "../../lib/env/replay_env.ts";
import { OBS_DIM } from "../../lib/env/types.ts";
import { epochNs, writeCsvTape, writeLobster } from "../data/_fixtures.ts";

const BINANCE = "data/real/binance/spot_btcusdt_20240808.gz";
const ZERO = { kind: "constant", ms: 0 } as const;

/** A replay config with no latencies, 1-unit lots and the given tape. */
function config(path: string, extra: EnvConfigInput = {}): EnvConfigInput {
  return {
    tier: "replay",
    duration: 1,
    dt: 0.1,
    maxOffsetTicks: 20,
    ...extra,
    latency: { order: ZERO, cancel: ZERO, marketData: ZERO, ...extra.latency },
    replay: {
      data: [path],
      lotSize: 1,
      feedLatency: ZERO,
      responseLatency: ZERO,
      ...extra.replay,
    },
  };
}

/** Runs one env through its window with a constant action; returns the per-step columns. */
function run(env: ReplayVecEnv, action: number[], seed = 0) {
  env.reset([seed]);
  const out: {
    bid: number;
    ask: number;
    bidPx: number;
    askPx: number;
    inv: number;
    known: number;
    mid: number;
    cash: number;
  }[] = [];
  while (!env.terminated[0]) {
    env.step(action);
    const c = env.columns;
    out.push({
      bid: c.bidFilled[0],
      ask: c.askFilled[0],
      bidPx: c.bidFillPrice[0],
      askPx: c.askFillPrice[0],
      inv: c.inventory[0],
      known: env.view.inventory[0],
      mid: c.mid[0],
      cash: c.cash[0],
    });
  }
  return out;
}

/**
 * An L2 tape: the book 99.99 × 10 / 100.01 × 10 from 0.5 s; our 3-lot bid joins 10 displayed
 * at 1.0 s. Then: a sell of 6 at our price and its depth update (1.2, 1.25), 6 lots join behind
 * us (1.27), 4 are cancelled (1.3), a sell of 4 (1.4), a sell through our price at 99.98 (1.5),
 * and a bid at 100.01 meets our ask (1.65).
 */
async function l2Tape(dir: string): Promise<string> {
  const r = (s: number, type: string, side: string, price: string, qty: number) =>
    `${epochNs(s)},${epochNs(s)},${type},${side},${price},${qty}`;
  return await writeCsvTape(dir, "l2", [
    r(0.5, "snapshot", "bid", "99.99", 10),
    r(0.5, "snapshot", "ask", "100.01", 10),
    r(1.2, "trade", "sell", "99.99", 6),
    r(1.25, "update", "bid", "99.99", 4),
    r(1.27, "update", "bid", "99.99", 10),
    r(1.3, "update", "bid", "99.99", 6),
    r(1.4, "trade", "sell", "99.99", 4),
    r(1.5, "trade", "sell", "99.98", 5),
    r(1.65, "update", "bid", "100.01", 2),
    r(1.66, "update", "bid", "100.01", 0),
    r(2.5, "update", "ask", "100.01", 9),
  ]);
}

Deno.test("replay L2: queue models decide when cancellations move us; fills at our price, partial", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await l2Tape(dir);
    const tape = loadTapeSync(path, { cacheDir: null });
    const act = [1, 1, 3, 3]; // one tick from the mid on each side, 3 lots
    const risk = run(new ReplayVecEnv(parseEnvConfig(config(path)), 1, { tapes: [tape] }), act);
    const power = run(
      new ReplayVecEnv(
        parseEnvConfig(config(path, { replay: { data: [path], queue: { model: "power", n: 2 } } })),
        1,
        { tapes: [tape] },
      ),
      act,
    );
    // risk-averse: the 4 cancelled are behind us; the sell of 4 leaves us at the front, unfilled
    assert.deepEqual(risk.map((s) => s.bid), [0, 0, 0, 0, 0, 3, 0, 0, 0, 0]);
    // power(2): 4·16/(16+36) of the cancellation is ahead, so the sell of 4 reaches us: 1 lot
    assert.deepEqual(power.map((s) => s.bid), [0, 0, 0, 0, 1, 2, 0, 0, 0, 0]);
    // fills at our price, never the better price of the trade through it
    assert.ok(Math.abs(risk[5].bidPx - 99.99) < 1e-9);
    assert.ok(Math.abs(power[4].bidPx - 99.99) < 1e-9);
    // the bid at our ask price met our ask: 2 lots (what arrived), at our price
    assert.deepEqual(risk.map((s) => s.ask), [0, 0, 0, 0, 0, 0, 2, 0, 0, 0]);
    assert.ok(Math.abs(risk[6].askPx - 100.01) < 1e-9);
    // cash: bought 3 at 99.99, sold 2 at 100.01
    assert.ok(Math.abs(risk[9].cash - (2 * 100.01 - 3 * 99.99)) < 1e-9);
    // a model passed in as an object: every cancellation ahead of us (the optimistic bound)
    const optimistic = {
      name: "optimistic",
      depth: (front: number, traded: number, prev: number, next: number) =>
        Math.min(next, Math.max(0, front - Math.max(0, prev - traded - next))),
    };
    const opt = run(
      new ReplayVecEnv(parseEnvConfig(config(path)), 1, { tapes: [tape], queueModel: optimistic }),
      act,
    );
    // the 4 cancelled at 1.3 s were all ahead: front 0, and the sell of 4 fills our 3
    assert.deepEqual(opt.map((s) => s.bid), [0, 0, 0, 0, 3, 0, 0, 0, 0, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** LOBSTER files: A (10 ahead of us), then C (5, behind us) executes after A is deleted. */
async function l3Files(dir: string): Promise<string> {
  const messages = [
    "34200.5,1,1,10,999900,1", // A: bid 99.99 × 10
    "34200.6,1,2,10,1000100,-1", // B: ask 100.01 × 10
    "34201.15,1,3,5,999900,1", // C: bid 99.99 × 5, behind us
    "34201.25,3,1,10,999900,1", // A deleted: ahead of us
    "34201.35,4,3,2,999900,1", // C executes 2: FIFO says we were first
    "34201.45,4,3,3,999900,1", // C executes 3; 99.98 × 7 enters from beyond the depth
    "34202.5,2,2,1,1000100,-1",
  ];
  const rows = [
    "9999999999,0,999900,10",
    "1000100,10,999900,10",
    "1000100,10,999900,15",
    "1000100,10,999900,5",
    "1000100,10,999900,3",
    "1000100,10,999800,7",
    "1000100,9,999800,7",
  ];
  return await writeLobster(dir, messages, rows, 1);
}

Deno.test("replay L3: order ids give exact queue positions; latency decides who is ahead", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await l3Files(dir);
    const tape = loadTapeSync(path, { cacheDir: null });
    assert.equal(tape.report.reconstruction!.matched, 6);
    const act = [1, 5, 3, 1]; // join the best bid (one tick under the mid) with 3 lots; a far ask
    const mk = (extra: EnvConfigInput) =>
      new ReplayVecEnv(parseEnvConfig(config(path, extra)), 1, { tapes: [tape] });
    const exact = run(mk({}), act);
    assert.deepEqual(exact.map((s) => s.bid).slice(0, 5), [0, 0, 0, 2, 1]);
    assert.ok(Math.abs(exact[3].bidPx - 99.99) < 1e-9);
    // the same files as an L2 tape (risk-averse): C's executions only bring us to the front
    const l2 = run(mk({ replay: { data: [path], exactQueue: false } }), act);
    assert.deepEqual(l2.map((s) => s.bid).slice(0, 5), [0, 0, 0, 0, 0]);
    // 300 ms of order latency: we arrive after C, which is then ahead of us
    const late = run(mk({ latency: { order: { kind: "constant", ms: 300 } } }), act);
    assert.deepEqual(late.map((s) => s.bid).slice(0, 5), [0, 0, 0, 0, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replay: a marketable order takes the recorded levels at their prices, the rest is cancelled", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = (s: number, type: string, side: string, price: string, qty: number) =>
      `${epochNs(s)},${epochNs(s)},${type},${side},${price},${qty}`;
    const path = await writeCsvTape(dir, "take", [
      r(0.5, "snapshot", "bid", "99.97", 10),
      r(0.5, "snapshot", "ask", "100.01", 2),
      // the asks come down below our bid while it is on its way
      r(1.01, "update", "ask", "99.98", 2),
      r(1.02, "update", "ask", "99.99", 1),
      r(2.5, "update", "bid", "99.97", 9),
    ]);
    const tape = loadTapeSync(path, { cacheDir: null });
    const env = new ReplayVecEnv(
      parseEnvConfig(config(path, {
        fees: { makerRate: -0.0001, takerRate: 0.001 },
        latency: { order: { kind: "constant", ms: 50 } },
      })),
      1,
      { tapes: [tape] },
    );
    env.reset([0]);
    // observed mid 99.99: a 5-lot bid at 99.99 arrives at 1.05 s and meets asks at 99.98, 99.99
    env.step([0, 10, 5, 0]);
    const c = env.columns;
    assert.ok(Math.abs(c.bidQuote[0] - 99.99) < 1e-9);
    assert.equal(c.bidFilled[0], 3); // 2 at 99.98 + 1 at 99.99; the other 2 lots are cancelled
    assert.ok(Math.abs(c.bidFillPrice[0] - (2 * 99.98 + 99.99) / 3) < 1e-9);
    assert.equal(env.counters.takerFills, 2);
    const notional = 2 * 99.98 + 99.99;
    assert.ok(Math.abs(c.cash[0] + notional * 1.001) < 1e-9); // taker fee paid
    assert.ok(Math.abs(env.feesPaid(0) - notional * 0.001) < 1e-12);
    env.step([0, 10, 0, 0]);
    assert.equal(c.bidFilled[0], 0); // nothing rests from the taking order
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replay: our trades never change the recorded book; the impact overlay shifts only our mid", () => {
  const cfg = (extra: EnvConfigInput = {}) =>
    parseEnvConfig({
      tier: "replay",
      duration: 30,
      replay: { data: [BINANCE], ...extra.replay },
      ...extra,
    });
  const quiet = run(new ReplayVecEnv(cfg(), 1), [0, 0, 0, 0], 2);
  const busy = run(new ReplayVecEnv(cfg(), 1), [0, 0, 5, 5], 2);
  assert.ok(busy.some((s) => s.bid + s.ask > 0));
  assert.deepEqual(busy.map((s) => s.mid), quiet.map((s) => s.mid));
  assert.ok(quiet.every((s) => s.cash === 0 && s.inv === 0));
  const overlay = run(
    new ReplayVecEnv(
      cfg({ replay: { data: [BINANCE], impactOverlay: true }, impact: { model: "transient" } }),
      1,
    ),
    [0, 0, 5, 5],
    2,
  );
  assert.notDeepEqual(overlay.map((s) => s.mid), quiet.map((s) => s.mid));
});

Deno.test("replay: fees per venue enter the cash: a maker rebate adds exactly rate × notional", () => {
  const base = parseEnvConfig({ tier: "replay", duration: 30, replay: { data: [BINANCE] } });
  const rebate = parseEnvConfig({
    tier: "replay",
    duration: 30,
    replay: { data: [BINANCE] },
    fees: { makerRate: -0.0002, takerRate: 0.001 },
  });
  const a = run(new ReplayVecEnv(base, 1), [1, 1, 2, 2], 1);
  const envB = new ReplayVecEnv(rebate, 1);
  const b = run(envB, [1, 1, 2, 2], 1);
  assert.equal(envB.counters.takerFills, 0);
  const lot = envB.config.lotSize;
  let notional = 0;
  for (const s of a) {
    if (s.bid > 0) notional += s.bid * s.bidPx * lot;
    if (s.ask > 0) notional += s.ask * s.askPx * lot;
  }
  assert.ok(notional > 0);
  const diff = b[b.length - 1].cash - a[a.length - 1].cash;
  assert.ok(
    Math.abs(diff - 0.0002 * notional) < 1e-9 * notional,
    `${diff} vs ${0.0002 * notional}`,
  );
  assert.ok(Math.abs(envB.feesPaid(0) + 0.0002 * notional) < 1e-9 * notional);
});

Deno.test("replay: same seed, same bits, whatever the batch; seeds pick the windows", () => {
  const cfg = parseEnvConfig({ tier: "replay", duration: 60, replay: { data: [BINANCE] } });
  const many = new ReplayVecEnv(cfg, 3);
  const one = new ReplayVecEnv(cfg, 1);
  const act3 = [0, 1, 1, 2, 1, 0, 2, 1, 2, 2, 3, 3];
  many.reset([5, 6, 7]);
  one.reset([6]);
  assert.equal(many.window(1).id, one.window(0).id);
  assert.equal(one.window(0).id, one.windows[6 % one.windows.length].id);
  const pnlMany: number[] = [], pnlOne: number[] = [];
  const obsMany: number[] = [], obsOne: number[] = [];
  while (!one.terminated[0]) {
    many.step(act3);
    one.step(act3.slice(4, 8));
    pnlMany.push(many.columns.pnl[1]);
    pnlOne.push(one.columns.pnl[0]);
    obsMany.push(...many.observations.subarray(OBS_DIM, 2 * OBS_DIM));
    obsOne.push(...one.observations);
  }
  assert.deepEqual(pnlMany, pnlOne);
  assert.deepEqual(obsMany, obsOne);
  // observations are finite and within their bounds; queue slots in [0, 1]
  for (let k = 0; k < obsOne.length; k++) {
    assert.ok(Number.isFinite(obsOne[k]) && Math.abs(obsOne[k]) <= 5);
    if (k % OBS_DIM >= 7) assert.ok(obsOne[k] >= 0 && obsOne[k] <= 1);
  }
});

Deno.test("replay: we learn of fills after the response latency", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await l2Tape(dir);
    const tape = loadTapeSync(path, { cacheDir: null });
    const env = new ReplayVecEnv(
      parseEnvConfig(config(path, {
        replay: { data: [path], responseLatency: { kind: "constant", ms: 250 } },
      })),
      1,
      { tapes: [tape] },
    );
    const steps = run(env, [1, 1, 3, 3]);
    // 3 bought at 1.5 s (step 6) and 2 sold at 1.65 s (step 7): we hear of them 250 ms later
    assert.deepEqual(steps.map((s) => s.inv), [0, 0, 0, 0, 0, 3, 1, 1, 1, 1]);
    assert.deepEqual(steps.map((s) => s.known), [0, 0, 0, 0, 0, 0, 0, 3, 1, 1]);
    // the observation's inventory slot is what we know
    assert.equal(env.observations[0], 1 / env.config.maxInventory);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replay: bad input is a clear typed error naming the file or field", () => {
  assert.throws(
    () => makeVecEnv({ tier: "replay", replay: { data: ["no/such/tape.csv"] } }, 1),
    (e) => e instanceof MissingFileError && e.message.startsWith("no/such/tape.csv"),
  );
  assert.throws(
    () => makeVecEnv({ tier: "replay" }, 1),
    (e) => e instanceof ValidationError && e.field === "replay.data",
  );
  assert.throws(
    () => makeVecEnv({ tier: "replay", duration: 500, replay: { data: [BINANCE] } }, 1),
    (e) => e instanceof TapeTooShortError && e.message.includes("spot_btcusdt_20240808.gz"),
  );
  assert.throws(
    () =>
      makeVecEnv({ tier: "replay", duration: 60, replay: { data: [BINANCE], windows: [99] } }, 1),
    (e) => e instanceof ValidationError && e.field === "replay.windows[0]",
  );
  assert.throws(
    () =>
      parseEnvConfig(
        { tier: "replay", replay: { data: [BINANCE], queue: { model: "fifo" } } } as never,
      ),
    (e) => e instanceof ValidationError && e.field.startsWith("replay.queue"),
  );
});

Deno.test("replay: makeVecEnv resolves tick, lot, price and volatility from the tape", () => {
  const env = makeVecEnv({ tier: "replay", duration: 60, replay: { data: [BINANCE] } }, 2);
  assert.ok(env instanceof ReplayVecEnv);
  assert.equal(env.config.tickSize, 0.01);
  assert.equal(env.config.lotSize, 0.001);
  assert.ok(env.config.initialPrice > 60_000 && env.config.initialPrice < 63_000);
  assert.ok(env.config.volatility > 0 && env.config.volatility < 0.2);
  env.reset([0, 1]);
  assert.ok(Math.abs(env.columns.mid[0] - env.config.initialPrice) < 1_000);
});
