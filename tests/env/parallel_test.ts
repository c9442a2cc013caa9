import assert from "node:assert/strict";
import type { EnvConfigInput } from "../../lib/env/config.ts";
import {
  internalArrays,
  makeParallelVecEnv,
  makeVecEnv,
  resolveConfig,
} from "../../lib/env/make.ts";
import type { EnvArray, EnvMemory } from "../../lib/env/memory.ts";
import {
  checksInParallel,
  shardCopies,
  sharedArena,
  sharedShardMemory,
} from "../../lib/env/parallel.ts";
import { ACT_DIM, type VecEnv } from "../../lib/env/types.ts";
import { AlpeError, ValidationError } from "../../lib/errors.ts";
import { Xoshiro128 } from "../../lib/rng/xoshiro.ts";

function snapshot(env: VecEnv & { impactCost?: Float64Array }): number[] {
  const out: number[] = [];
  for (const col of Object.values(env.columns)) out.push(...col);
  out.push(...env.observations, ...env.rewards, ...env.terminated, ...env.truncated);
  const v = env.view;
  out.push(...v.mid, ...v.bestBid, ...v.bestAsk, ...v.sigma, ...v.timeLeft, ...v.inventory);
  if (env.impactCost) out.push(...env.impactCost);
  return out;
}

function assertSameBits(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

/** Runs two episodes of `config` on `numEnvs` envs with `workers` threads and in one thread. */
async function compareWorkers(
  config: EnvConfigInput,
  numEnvs: number,
  workers: number,
  useBuffer = false,
): Promise<void> {
  const par = await makeParallelVecEnv(config, numEnvs, { workers, spinMicros: 50 });
  try {
    assert.equal(par.workers, Math.min(workers, numEnvs));
    const one = makeVecEnv(config, numEnvs);
    const g = new Xoshiro128(3, "parallel-test");
    const a = useBuffer ? par.actionBuffer : new Float64Array(numEnvs * ACT_DIM);
    for (let episode = 0; episode < 2; episode++) {
      const seeds = Array.from({ length: numEnvs }, (_, i) => 100 * episode + 3 * i + 1);
      assertSameBits(snapshot(par.reset(seeds) && par), snapshot(one.reset(seeds) && one), "reset");
      for (let t = 0; !one.terminated[0]; t++) {
        for (let i = 0; i < a.length; i++) {
          a[i] = i % 4 < 2 ? 4 * g.next() : Math.floor(3 * g.next());
        }
        par.step(a);
        one.step(a);
        assert.equal(par.stepIndex, one.stepIndex);
        assertSameBits(snapshot(par), snapshot(one), `${workers} workers, step ${t}`);
      }
      assert.deepEqual(par.info(numEnvs - 1), one.info(numEnvs - 1));
    }
  } finally {
    par.close();
  }
}

Deno.test("model tier: the same bits with 1, 2, 3 and 4 threads as in one VecEnv", async () => {
  const cfg = {
    tier: "model" as const,
    duration: 8,
    model: { A: 20 },
    regimes: { rates: [[0, 0.2, 0.1], [0.2, 0, 0.1], [0.3, 0.3, 0]] },
  };
  for (const w of [1, 2, 3, 4]) await compareWorkers(cfg, 13, w);
  await compareWorkers(cfg, 7, 2, true); // actions written into the shared buffer
});

Deno.test("book tier: the same bits with 1, 2 and 3 threads as in one VecEnv", async () => {
  for (const w of [1, 2, 3]) await compareWorkers({ tier: "book", duration: 4 }, 5, w);
});

Deno.test("replay tier: the same bits with 2 threads, the view's inventory as known through latency", async () => {
  // The agent learns of its fills 150 ms late, so its view of its inventory (view.inventory)
  // differs from the inventory column for a step or two after a fill.
  const cfg = {
    tier: "replay" as const,
    duration: 30,
    dt: 0.1,
    replay: {
      data: ["data/real/binance/spot_btcusdt_20240808.gz"],
      responseLatency: { kind: "constant" as const, ms: 150 },
    },
  };
  const one = makeVecEnv(cfg, 3);
  one.reset([1, 2, 3]);
  let lagged = false;
  const act = new Float64Array(3 * ACT_DIM).fill(0).map((_, i) => (i % 4 < 2 ? 0 : 1));
  while (!one.terminated[0]) {
    one.step(act);
    for (let i = 0; i < 3; i++) {
      if (one.view.inventory[i] !== one.columns.inventory[i]) lagged = true;
    }
  }
  assert.ok(lagged, "the test needs a step where the known inventory lags the true one");
  await compareWorkers(cfg, 3, 2);
});

Deno.test("every tier writes straight into the shared arena: a shard has nothing to copy", () => {
  const replay = {
    tier: "replay" as const,
    replay: { data: ["data/real/binance/spot_btcusdt_20240808.gz"] },
  };
  for (const cfg of [{ tier: "model" as const }, { tier: "book" as const }, replay]) {
    const arena = sharedArena(6);
    const env = makeVecEnv(cfg, 3, { memory: sharedShardMemory(arena, 3, 3) });
    assert.deepEqual(shardCopies(env, arena, 3, 3), [], cfg.tier);
    // …and a VecEnv that ignores the memory is copied, array by array.
    const own = makeVecEnv(cfg, 3);
    assert.ok(shardCopies(own, arena, 3, 3).length >= 25, cfg.tier);
  }
});

/** The names of the arrays a tier's shard allocates outside `arena`. */
function allocatedOutside(input: EnvConfigInput, internal: boolean): string[] {
  const cfg = resolveConfig(input);
  const arena = sharedArena(6, internal ? internalArrays(cfg) : []);
  const inner = sharedShardMemory(arena, 3, 3);
  const outside: string[] = [];
  const seen = (name: string, a: EnvArray) => {
    if (a.buffer !== arena.buffer) outside.push(name);
    return a;
  };
  const memory: EnvMemory = {
    numEnvs: 3,
    f64: (name, k) => seen(name, inner.f64(name, k)) as Float64Array,
    i32: (name, k) => seen(name, inner.i32(name, k)) as Int32Array,
    u8: (name, k) => seen(name, inner.u8(name, k)) as Uint8Array,
  };
  makeVecEnv(cfg, 3, { memory });
  return outside;
}

Deno.test("a shard's every array, the tier's internal state included, lies in the shared arena", () => {
  const replay = {
    tier: "replay" as const,
    replay: { data: ["data/real/binance/spot_btcusdt_20240808.gz"] },
  };
  for (const input of [{ tier: "model" as const }, { tier: "book" as const }, replay]) {
    assert.deepEqual(allocatedOutside(input, true), [], input.tier);
  }
  // Without the tier's internal specs, the model tier's state gets heap arrays of its own.
  assert.deepEqual(allocatedOutside({ tier: "model" }, false), [
    "model.record",
    "model.regimeStream",
    "model.impactClock",
    "model.actions",
  ]);
});

/** Rejected steps of `n` envs on 1, 2 and 3 threads, with non-finite values at `cases`' indices. */
async function checkBadActions(n: number, cases: [number[], number][]): Promise<void> {
  for (const workers of [1, 2, 3]) {
    const par = await makeParallelVecEnv({ tier: "model", duration: 2 }, n, { workers });
    try {
      par.reset(Array.from({ length: n }, (_, i) => i + 1));
      const a = new Float64Array(n * ACT_DIM).fill(1);
      par.step(a);
      const before = snapshot(par);
      for (const [bad, named] of cases) {
        const b = a.slice();
        for (const i of bad) b[i] = i % 2 ? Infinity : NaN;
        assert.throws(
          () => par.step(b),
          (e: unknown) => e instanceof ValidationError && e.field === `action[${named}]`,
          `${workers} threads, bad ${bad}`,
        );
        assertSameBits(snapshot(par), before, "unchanged after a rejected step");
      }
      // A plain array is checked before it is copied: the error shows the raw value.
      const raw: unknown[] = Array.from(a);
      raw[17] = "x";
      assert.throws(
        () => par.step(raw as number[]),
        (e: unknown) =>
          e instanceof ValidationError && e.field === "action[17]" && /x/.test(e.message),
      );
      assertSameBits(snapshot(par), before, "unchanged after a rejected plain array");
      par.step(a); // and it still steps
      assert.equal(par.stepIndex, 2);
    } finally {
      par.close();
    }
  }
}

Deno.test("bad actions anywhere: the lowest bad index is named and no env on any thread moves", async () => {
  // 9 envs: the calling thread checks the whole batch before it wakes the workers.
  assert.equal(checksInParallel(9, 3), false);
  await checkBadActions(9, [
    [[33], 33], // the last shard only
    [[30, 5], 5], // the calling thread's shard and another: the lowest index
    [[20, 34, 14], 14],
  ]);
  // 1,024 envs: each thread checks its own share, then all meet before any steps.
  assert.equal(checksInParallel(1024, 2), true);
  await checkBadActions(1024, [
    [[4095], 4095], // the last shard only
    [[3001, 5], 5], // the calling thread's shard and another: the lowest index
    [[2100, 4000, 1500], 1500], // three shards' worth on three threads
    [[2731, 2733], 2731], // both sides of the seam between the 2nd and 3rd of three shards
  ]);
});

Deno.test("validation happens before any thread steps; lifecycle errors", async () => {
  const n = 4;
  const par = await makeParallelVecEnv({ tier: "model", duration: 2 }, n, { workers: 2 });
  try {
    const a = new Float64Array(n * ACT_DIM).fill(1);
    assert.throws(() => par.step(a), AlpeError); // before reset
    assert.throws(
      () => par.reset([1, 2, 3, -1]),
      (e: unknown) => e instanceof ValidationError && e.field === "seeds[3]",
    );
    par.reset([1, 2, 3, 4]);
    par.step(a);
    const before = snapshot(par);
    a[13] = NaN; // env 3, a worker's shard
    assert.throws(
      () => par.step(a),
      (e: unknown) => e instanceof ValidationError && e.field === "action[13]",
    );
    assertSameBits(snapshot(par), before, "unchanged after a rejected step");
    assert.throws(() => par.step(new Float64Array(3)), ValidationError);
    a[13] = 1;
    while (!par.terminated[0]) par.step(a);
    assert.throws(() => par.step(a), /ended after 20 steps/);
  } finally {
    par.close();
  }
  par.close(); // idempotent
  assert.throws(() => par.reset([1, 2, 3, 4]), /closed/);
  await assert.rejects(
    () => makeParallelVecEnv({ tier: "model" }, 4, { workers: 0 }),
    ValidationError,
  );
});
