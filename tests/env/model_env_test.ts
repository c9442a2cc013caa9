import assert from "node:assert/strict";
import {
  type EnvConfigInput,
  parseEnvConfig,
  sigmaPerSqrtSecond,
  stepsPerEpisode,
} from "../../lib/env/config.ts";
import { fillProbability, ModelVecEnv } from "../../lib/env/model_env.ts";
import { rewardWeights } from "../../lib/env/reward.ts";
import { ACT_DIM, OBS, OBS_DIM } from "../../lib/env/types.ts";
import { AlpeError, ValidationError } from "../../lib/errors.ts";
import { Xoshiro128 } from "../../lib/rng/xoshiro.ts";

const ONE_REGIME = {
  names: ["only"],
  volMultipliers: [1],
  flowMultipliers: [1],
  rates: [[0]],
  initial: 0,
};

function actions(n: number, row: number[]): Float64Array {
  const a = new Float64Array(n * ACT_DIM);
  for (let i = 0; i < n; i++) a.set(row, i * ACT_DIM);
  return a;
}

function seeds(n: number, base = 1): number[] {
  return Array.from({ length: n }, (_, i) => base + i);
}

/** Counts posted quotes and fills per side over whole episodes. */
function fillCounts(input: EnvConfigInput, offsetTicks: number, n = 256) {
  const env = new ModelVecEnv(parseEnvConfig(input), n);
  env.reset(seeds(n));
  const a = actions(n, [offsetTicks, offsetTicks, 1, 1]);
  let posted = 0, filled = 0;
  while (!env.terminated[0]) {
    env.step(a);
    for (let i = 0; i < n; i++) {
      posted += env.columns.bidPosted[i] + env.columns.askPosted[i];
      filled += env.columns.bidFilled[i] + env.columns.askFilled[i];
    }
  }
  return { posted, filled };
}

function assertBinomial(k: number, n: number, p: number, what: string): void {
  const se = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(k - n * p) < 5 * se, `${what}: ${k} fills of ${n}, expected ${n * p} ± ${se}`);
}

Deno.test("linear rule: per-step fill probability A·e^(−kδ)·dt", () => {
  const A = 2, k = 30, off = 2, tick = 0.01, dt = 0.1;
  const { posted, filled } = fillCounts({
    tier: "model",
    regimes: ONE_REGIME,
    maxInventory: 1_000_000,
    model: { A, k, fillRule: "linear" },
  }, off);
  assertBinomial(filled, posted, A * Math.exp(-k * off * tick) * dt, "linear");
});

Deno.test("exact rule: per-step fill probability 1 − e^(−λ·dt), distinct from λ·dt", () => {
  const A = 50, k = 30, off = 10, dt = 0.1;
  const lambda = A * Math.exp(-k * off * 0.01);
  const { posted, filled } = fillCounts({
    tier: "model",
    regimes: ONE_REGIME,
    maxInventory: 1_000_000,
    model: { A, k, fillRule: "exact" },
  }, off);
  const p = 1 - Math.exp(-lambda * dt);
  assertBinomial(filled, posted, p, "exact");
  // 5 standard errors away from the linear rule's λ·dt.
  assert.ok(Math.abs(filled - posted * lambda * dt) > 5 * Math.sqrt(posted * p * (1 - p)));
  assert.equal(fillProbability(30, 0.1, true), 1); // linear rule clamps at 1
});

Deno.test("bid and ask fills are independent (one uniform each)", () => {
  const n = 256;
  const env = new ModelVecEnv(
    parseEnvConfig({
      tier: "model",
      regimes: ONE_REGIME,
      maxInventory: 1_000_000,
      model: { A: 20, k: 30, fillRule: "exact" },
    }),
    n,
  );
  env.reset(seeds(n, 900));
  const a = actions(n, [1, 4, 1, 1]); // different depths: p_bid ≠ p_ask
  let steps = 0, bid = 0, ask = 0, both = 0;
  while (!env.terminated[0]) {
    env.step(a);
    for (let i = 0; i < n; i++) {
      const b = env.columns.bidFilled[i] > 0, s = env.columns.askFilled[i] > 0;
      steps++;
      if (b) bid++;
      if (s) ask++;
      if (b && s) both++;
    }
  }
  const pb = fillProbability(20 * Math.exp(-0.3), 0.1, false);
  const pa = fillProbability(20 * Math.exp(-1.2), 0.1, false);
  assertBinomial(bid, steps, pb, "bid");
  assertBinomial(ask, steps, pa, "ask");
  assertBinomial(both, steps, pb * pa, "both");
});

Deno.test("fill intensity scales with the regime's flow multiplier", () => {
  const n = 128;
  const cfg = parseEnvConfig({
    tier: "model",
    maxInventory: 1_000_000,
    regimes: { rates: [[0, 0.1, 0.05], [0.1, 0, 0.05], [0.1, 0.1, 0]] },
    model: { A: 4, k: 30, fillRule: "exact" },
  });
  const env = new ModelVecEnv(cfg, n);
  env.reset(seeds(n, 100));
  const a = actions(n, [3, 3, 1, 1]);
  let expected = 0, variance = 0, filled = 0;
  while (!env.terminated[0]) {
    env.step(a);
    for (let i = 0; i < n; i++) {
      const m = cfg.regimes.flowMultipliers[env.columns.regime[i]];
      const p = fillProbability(4 * m * Math.exp(-30 * 0.03), cfg.dt, false);
      expected += 2 * p;
      variance += 2 * p * (1 - p);
      filled += env.columns.bidFilled[i] + env.columns.askFilled[i];
    }
  }
  assert.ok(Math.abs(filled - expected) < 5 * Math.sqrt(variance), `${filled} vs ${expected}`);
});

Deno.test("mid increments have variance (σ·v_regime)²·dt in each regime", () => {
  const n = 64;
  const cfg = parseEnvConfig({ tier: "model", volatility: 0.05 });
  const env = new ModelVecEnv(cfg, n);
  env.reset(seeds(n, 7));
  const a = actions(n, [5, 5, 0, 0]); // no quotes: no impact, pure Brownian mid
  const s2 = [0, 0, 0], cnt = [0, 0, 0];
  const prev = env.columns.mid.slice();
  while (!env.terminated[0]) {
    env.step(a);
    for (let i = 0; i < n; i++) {
      const d = env.columns.mid[i] - prev[i];
      prev[i] = env.columns.mid[i];
      s2[env.columns.regime[i]] += d * d;
      cnt[env.columns.regime[i]]++;
    }
  }
  const sigma = sigmaPerSqrtSecond(cfg);
  for (let r = 0; r < 3; r++) {
    if (cnt[r] < 1000) continue;
    const v = (sigma * cfg.regimes.volMultipliers[r]) ** 2 * cfg.dt;
    const got = s2[r] / cnt[r];
    assert.ok(Math.abs(got - v) < 5 * v * Math.sqrt(2 / cnt[r]), `regime ${r}: ${got} vs ${v}`);
  }
  assert.ok(cnt[1] >= 1000);
});

Deno.test("accounting: cash moves by fills and impact costs only; pnl = cash + q·lot·mid", () => {
  const n = 16;
  for (const model of ["almgren-chriss", "transient", "sqrt", "none"] as const) {
    const cfg = parseEnvConfig({
      tier: "model",
      duration: 60,
      maxInventory: 3,
      model: { A: 20 },
      impact: { model, permanent: 1e-3 },
    });
    const env = new ModelVecEnv(cfg, n);
    env.reset(seeds(n, 11));
    const a = actions(n, [1, 1.5, 2, 1]);
    const c = env.columns;
    const cash = new Float64Array(n), inv = new Float64Array(n);
    let fills = 0, costs = 0;
    const lot = cfg.lotSize;
    while (!env.terminated[0]) {
      env.step(a);
      for (let i = 0; i < n; i++) {
        if (c.bidFilled[i] > 0) cash[i] -= c.bidFillPrice[i] * c.bidFilled[i] * lot;
        if (c.askFilled[i] > 0) cash[i] += c.askFillPrice[i] * c.askFilled[i] * lot;
        cash[i] -= env.impactCost[i];
        inv[i] += c.bidFilled[i] - c.askFilled[i];
        fills += c.bidFilled[i] + c.askFilled[i];
        costs += env.impactCost[i];
        assert.ok(Math.abs(c.cash[i] - cash[i]) < 1e-9 * (1 + Math.abs(cash[i])), model);
        assert.equal(c.inventory[i], inv[i]);
        assert.ok(Math.abs(c.inventory[i]) <= cfg.maxInventory);
        assert.equal(c.pnl[i], c.cash[i] + c.inventory[i] * lot * c.mid[i]);
        if (model === "almgren-chriss") {
          const net = c.bidFilled[i] - c.askFilled[i];
          assert.ok(Math.abs(c.impact[i] - 1e-3 * net) < 1e-15);
        }
      }
    }
    assert.ok(fills > 100, `${model}: ${fills} fills`);
    if (model === "none") assert.equal(costs, 0);
    else assert.ok(costs > 0, model);
  }
});

Deno.test("reward terms follow lib/env/reward.ts on the env's own columns", () => {
  const n = 8;
  const cfg = parseEnvConfig({ tier: "model", duration: 30, model: { A: 20 } });
  const w = rewardWeights(cfg);
  const env = new ModelVecEnv(cfg, n);
  env.reset(seeds(n));
  const a = actions(n, [1, 1, 1, 1]);
  const c = env.columns;
  const pnl0 = c.pnl.slice();
  while (!env.terminated[0]) {
    env.step(a);
    for (let i = 0; i < n; i++) {
      const q = c.inventory[i];
      const terms = [
        w.pnl * (c.pnl[i] - pnl0[i] + env.impactCost[i]),
        w.inventory * q * q,
        w.volatility * env.view.sigma[i] * Math.abs(q),
        w.impact * env.impactCost[i],
      ];
      pnl0[i] = c.pnl[i];
      assert.equal(c.rewardPnl[i], terms[0]);
      assert.equal(c.rewardInventory[i], terms[1]);
      assert.equal(c.rewardVolatility[i], terms[2]);
      assert.equal(c.rewardImpact[i], terms[3]);
      assert.equal(env.rewards[i], terms[0] - terms[1] - terms[2] - terms[3]);
    }
  }
});

function episode(seedList: number[], row = [1, 2, 2, 3]) {
  const n = seedList.length;
  const env = new ModelVecEnv(parseEnvConfig({ tier: "model", duration: 30, model: { A: 10 } }), n);
  env.reset(seedList);
  const out: number[] = [];
  const a = actions(n, row);
  while (!env.terminated[0]) {
    env.step(a);
    for (const col of Object.values(env.columns)) out.push(...col);
    out.push(...env.observations, ...env.rewards);
  }
  return out;
}

Deno.test("same seeds ⇒ bit-identical episodes; different seeds differ", () => {
  const a = episode([5, 6, 7]);
  const b = episode([5, 6, 7]);
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `index ${i}`);
  assert.notDeepEqual(episode([5, 6, 7]), episode([5, 6, 8]));
});

Deno.test("non-finite actions are rejected naming action[i]; env unchanged", () => {
  const n = 2;
  const env = new ModelVecEnv(parseEnvConfig({ tier: "model", duration: 20 }), n);
  assert.throws(() => env.step(actions(n, [1, 1, 1, 1])), AlpeError); // before reset
  env.reset([1, 2]);
  env.step(actions(n, [1, 1, 1, 1]));
  const before = JSON.stringify([...env.observations, ...env.columns.cash, env.stepIndex]);
  const bad = actions(n, [1, 1, 1, 1]);
  bad[6] = NaN;
  assert.throws(
    () => env.step(bad),
    (e: unknown) => e instanceof ValidationError && e.field === "action[6]",
  );
  bad[6] = -Infinity;
  assert.throws(() => env.step(bad), (e: unknown) => e instanceof ValidationError);
  assert.equal(
    JSON.stringify([...env.observations, ...env.columns.cash, env.stepIndex]),
    before,
  );
});

Deno.test("extreme finite actions are clipped and never produce NaN", () => {
  const n = 4;
  const cfg = parseEnvConfig({ tier: "model", duration: 20 });
  const env = new ModelVecEnv(cfg, n);
  env.reset(seeds(n));
  const rows = [[1e300, -1e300, 1e300, 1e300], [-5, 1e9, -3, 7], [0, 0, 1e-300, 5.4]];
  for (let t = 0; !env.terminated[0]; t++) {
    const row = rows[t % rows.length];
    env.step(actions(n, row));
    for (const x of env.observations) assert.ok(Number.isFinite(x) && Math.abs(x) <= 5);
    for (let i = 0; i < n; i++) {
      assert.ok(Number.isFinite(env.columns.pnl[i]) && Number.isFinite(env.rewards[i]));
      assert.ok(env.columns.bidPosted[i] <= cfg.maxQuoteSize);
      const bq = env.columns.bidQuote[i];
      if (!Number.isNaN(bq)) {
        const mid0 = env.columns.mid[i]; // quotes are within maxOffsetTicks of the mid
        assert.ok(Math.abs(bq - mid0) < cfg.maxOffsetTicks * cfg.tickSize + 1);
      }
    }
  }
});

Deno.test("terminal step, observations and errors", () => {
  const n = 3;
  const cfg = parseEnvConfig({ tier: "model", duration: 10, dt: 0.5, maxInventory: 2 });
  const env = new ModelVecEnv(cfg, n);
  const obs = env.reset([0, 1, 4294967295]);
  assert.equal(obs.length, n * OBS_DIM);
  assert.equal(obs[OBS.TIME_LEFT], 1);
  assert.equal(obs[OBS.BID_QUEUE], 1);
  const a = actions(n, [0, 0, 2, 2]);
  for (let t = 1; t <= stepsPerEpisode(cfg); t++) {
    assert.equal(env.terminated[0], 0);
    env.step(a);
    assert.equal(env.stepIndex, t);
    for (let i = 0; i < n; i++) {
      const o = i * OBS_DIM;
      assert.ok(Math.abs(obs[o + OBS.TIME_LEFT] - (1 - t / stepsPerEpisode(cfg))) < 1e-12);
      assert.equal(obs[o + OBS.INVENTORY], env.columns.inventory[i] / 2);
      assert.equal(obs[o + OBS.SPREAD], cfg.model.marketSpreadTicks / 10);
      assert.equal(obs[o + OBS.IMBALANCE], 0);
      assert.ok(Math.abs(obs[o + OBS.TRADE_FLOW]) <= 1);
      // Inventory limit: a side that could breach ±2 is not quoted.
      if (Number.isNaN(env.columns.bidQuote[i])) assert.equal(obs[o + OBS.BID_QUEUE], 1);
      assert.equal(env.view.mid[i], env.columns.mid[i]);
      assert.ok(env.view.bestBid[i] < env.view.mid[i] && env.view.bestAsk[i] > env.view.mid[i]);
    }
  }
  assert.deepEqual(Array.from(env.terminated), [1, 1, 1]);
  assert.deepEqual(Array.from(env.truncated), [0, 0, 0]);
  const info = env.info(1);
  assert.equal(info.step, stepsPerEpisode(cfg));
  assert.ok(Math.abs(info.time - cfg.duration) < 1e-9);
  assert.equal(info.regimeName, cfg.regimes.names[info.regime]);
  assert.throws(() => env.step(a), AlpeError);
  assert.throws(
    () => env.reset([1, 2, -1]),
    (e: unknown) => e instanceof ValidationError && e.field === "seeds[2]",
  );
  assert.throws(() => new ModelVecEnv(cfg, 0), ValidationError);
  env.reset([1, 2, 3]);
  assert.equal(env.terminated[0], 0);
});

Deno.test("inventory limit: a quote whose fill would breach ±maxInventory is not posted", () => {
  const n = 32;
  const cfg = parseEnvConfig({ tier: "model", duration: 60, maxInventory: 4, model: { A: 50 } });
  const env = new ModelVecEnv(cfg, n);
  env.reset(seeds(n));
  const a = actions(n, [0, 50, 3, 3]); // only the bid is attractive: inventory grows
  let blocked = 0;
  while (!env.terminated[0]) {
    const inv0 = env.columns.inventory.slice();
    env.step(a);
    for (let i = 0; i < n; i++) {
      const canBid = inv0[i] + 3 <= 4;
      assert.equal(Number.isNaN(env.columns.bidQuote[i]), !canBid);
      if (!canBid) blocked++;
      assert.ok(env.columns.inventory[i] <= 4);
    }
  }
  assert.ok(blocked > 0);
});

Deno.test("fees: each fill pays |notional|·makerRate (a negative rate is a rebate)", () => {
  const n = 16;
  for (const makerRate of [0.001, -0.0002]) {
    const cfg = parseEnvConfig({
      tier: "model",
      duration: 30,
      impact: { model: "none" },
      fees: { makerRate },
      model: { A: 20 },
    });
    const env = new ModelVecEnv(cfg, n);
    env.reset(seeds(n, 3));
    const a = actions(n, [1, 1, 1, 1]);
    const c = env.columns;
    let fees = 0;
    const cash = new Float64Array(n);
    while (!env.terminated[0]) {
      env.step(a);
      for (let i = 0; i < n; i++) {
        if (c.bidFilled[i] > 0) {
          const notional = c.bidFillPrice[i] * c.bidFilled[i] * cfg.lotSize;
          cash[i] -= notional + Math.abs(notional) * makerRate;
          fees += Math.abs(notional) * makerRate;
        }
        if (c.askFilled[i] > 0) {
          const notional = c.askFillPrice[i] * c.askFilled[i] * cfg.lotSize;
          cash[i] += notional - Math.abs(notional) * makerRate;
          fees += Math.abs(notional) * makerRate;
        }
        assert.ok(Math.abs(c.cash[i] - cash[i]) < 1e-8 * (1 + Math.abs(cash[i])));
      }
    }
    assert.ok(makerRate > 0 ? fees > 0 : fees < 0);
  }
});

Deno.test("binomial mid: every move is exactly ±σ·v·√dt", () => {
  const n = 8;
  const cfg = parseEnvConfig({
    tier: "model",
    duration: 20,
    impact: { model: "none" },
    model: { priceModel: "binomial" },
  });
  const env = new ModelVecEnv(cfg, n);
  env.reset(seeds(n));
  const a = actions(n, [3, 3, 1, 1]);
  const sigma = sigmaPerSqrtSecond(cfg);
  let up = 0, moves = 0;
  while (!env.terminated[0]) {
    const prev = env.columns.mid.slice();
    env.step(a);
    for (let i = 0; i < n; i++) {
      const step = sigma * cfg.regimes.volMultipliers[env.columns.regime[i]] * Math.sqrt(cfg.dt);
      const d = env.columns.mid[i] - prev[i];
      assert.ok(Math.abs(Math.abs(d) - step) < 1e-9, `${d} vs ±${step}`);
      if (d > 0) up++;
      moves++;
    }
  }
  assert.ok(Math.abs(up - moves / 2) < 5 * Math.sqrt(moves / 4));
});

Deno.test("fillReference 'end': fills more likely after the mid moved toward the quote", () => {
  // A bid fills with A·e^(−k·(m_end − bid))·dt: more often after a down move (δ 2 ticks ∓
  // one move of ≈ 1 tick).
  const n = 256;
  const cfg = parseEnvConfig({
    tier: "model",
    duration: 40,
    impact: { model: "none" },
    maxInventory: 1_000_000,
    regimes: ONE_REGIME,
    volatility: 0.05,
    model: { fillReference: "end", priceModel: "binomial", A: 2, k: 30, fillRule: "linear" },
  });
  const env = new ModelVecEnv(cfg, n);
  env.reset(seeds(n));
  const a = actions(n, [2, 2, 1, 1]);
  let down = 0, downFills = 0, upMoves = 0, upFills = 0;
  while (!env.terminated[0]) {
    const prev = env.columns.mid.slice();
    env.step(a);
    for (let i = 0; i < n; i++) {
      const d = env.columns.mid[i] - prev[i];
      if (d < 0) {
        down++;
        downFills += env.columns.bidFilled[i];
      } else {
        upMoves++;
        upFills += env.columns.bidFilled[i];
      }
    }
  }
  const step = sigmaPerSqrtSecond(cfg) * Math.sqrt(cfg.dt);
  const pDown = 2 * Math.exp(-30 * (0.02 - step)) * 0.1;
  const pUp = 2 * Math.exp(-30 * (0.02 + step)) * 0.1;
  assertBinomial(downFills, down, pDown, "after a down move");
  assertBinomial(upFills, upMoves, pUp, "after an up move");
});

Deno.test("allowCrossing: a negative offset quotes through the mid and fills more often", () => {
  const n = 64;
  const base = {
    tier: "model" as const,
    duration: 20,
    impact: { model: "none" as const },
    regimes: ONE_REGIME,
    maxInventory: 1_000_000,
    model: { A: 2, k: 30, fillRule: "exact" as const },
  };
  const crossing = new ModelVecEnv(
    parseEnvConfig({ ...base, model: { ...base.model, allowCrossing: true } }),
    n,
  );
  const clipped = new ModelVecEnv(parseEnvConfig(base), n);
  crossing.reset(seeds(n));
  clipped.reset(seeds(n));
  const a = actions(n, [-3, 2, 1, 0]); // bid 3 ticks above the mid
  let fx = 0, fc = 0;
  while (!crossing.terminated[0]) {
    const mid = crossing.columns.mid.slice();
    crossing.step(a);
    clipped.step(a);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(crossing.columns.bidQuote[i] - (mid[i] + 0.03)) < 1e-9);
      fx += crossing.columns.bidFilled[i];
      fc += clipped.columns.bidFilled[i];
    }
  }
  const steps = n * stepsPerEpisode(crossing.config);
  assertBinomial(fx, steps, fillProbability(2 * Math.exp(0.9), 0.1, false), "crossing");
  assertBinomial(fc, steps, fillProbability(2, 0.1, false), "clipped at the mid");
});

Deno.test("descending step order: the same bits as ascending, every array, every step", () => {
  for (const impact of ["almgren-chriss", "sqrt", "transient"] as const) {
    const cfg = parseEnvConfig({
      tier: "model",
      duration: 120,
      impact: { model: impact },
      regimes: { rates: [[0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]] },
    });
    const up = new ModelVecEnv(cfg, 9), down = new ModelVecEnv(cfg, 9, { descending: true });
    const seeds = Array.from({ length: 9 }, (_, i) => 7 * i + 3);
    up.reset(seeds);
    down.reset(seeds);
    const g = new Xoshiro128(11, impact);
    const a = new Float64Array(9 * ACT_DIM);
    while (!up.terminated[0]) {
      for (let i = 0; i < a.length; i++) a[i] = i % 4 < 2 ? 6 * g.next() - 1 : 4 * g.next();
      up.step(a);
      down.step(a);
      const arrays = [up.observations, up.rewards, up.impactCost, ...Object.values(up.columns)];
      const others = [
        down.observations,
        down.rewards,
        down.impactCost,
        ...Object.values(down.columns),
      ];
      arrays.forEach((x, j) => {
        for (let i = 0; i < x.length; i++) {
          if (!Object.is(x[i], others[j][i])) assert.fail(`${impact}: array ${j}[${i}] differs`);
        }
      });
    }
  }
});
