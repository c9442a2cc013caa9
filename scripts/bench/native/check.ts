/**
 * The model tier's step in C (`model_step.c`), built to WebAssembly with clang, checked
 * against `ModelVecEnv` bit for bit and timed next to it and the limit loop.
 *
 * ```sh
 * deno run -A --v8-flags=--no-concurrent-recompilation scripts/bench/native/check.ts
 * ```
 *
 * Needs `clang` and `wasm-ld` (Debian: `clang lld`); measurement only, not part of the test
 * suite. It (1) builds `model_step.c` for wasm32; (2) runs a `ModelVecEnv` in ordinary memory
 * and a second one whose arrays live in the WebAssembly memory, resets both with the same
 * seeds, steps the first in JavaScript and the second with the C kernel, and compares every
 * array of the VecEnv contract and the internal records, bit for bit, after every step, for
 * random actions in three configurations (fixed regimes: the C file leaves the rare regime
 * jump to its caller); (3) times, interleaved in this process, the JavaScript kernel, the C
 * kernel as WebAssembly and the limit loop (`scripts/bench/_model_limit.ts`) at N = 1,024 and
 * 16,384 on the benchmark's market. `bench_native.c` does the same comparison natively.
 *
 * @module
 */
import { parseEnvConfig, sigmaPerSqrtSecond } from "../../../lib/env/config.ts";
import type { EnvConfig, EnvConfigInput } from "../../../lib/env/config.ts";
import { ewmaAlpha, FLOW_HALF_LIFE_S, VOL_HALF_LIFE_S } from "../../../lib/env/estimators.ts";
import {
  arenaLayout,
  arenaMemory,
  type EnvArena,
  VEC_ENV_ARRAYS,
} from "../../../lib/env/memory.ts";
import { MODEL_STATE_ARRAYS, ModelVecEnv } from "../../../lib/env/model_env.ts";
import { rewardWeights } from "../../../lib/env/reward.ts";
import { impactMarketFromConfig } from "../../../lib/market/impact.ts";
import { Xoshiro128 } from "../../../lib/rng/xoshiro.ts";
import { LimitLoop } from "../_model_limit.ts";

const here = new URL(".", import.meta.url).pathname;
const wasmPath = await Deno.makeTempFile({ suffix: ".wasm" });
const cc = new Deno.Command("clang", {
  args: [
    "--target=wasm32",
    "-O3",
    "-ffp-contract=off",
    "-fno-strict-aliasing",
    "-nostdlib",
    "-Wl,--no-entry",
    "-Wl,--export=step",
    "-Wl,--import-memory",
    "-Wl,--allow-undefined",
    "-o",
    wasmPath,
    `${here}model_step.c`,
  ],
}).outputSync();
if (!cc.success) {
  console.error(`clang failed: ${new TextDecoder().decode(cc.stderr)}`);
  Deno.exit(1);
}
const wasmBytes = Deno.readFileSync(wasmPath);

/** A C kernel instance over a fresh WebAssembly memory, with a ModelVecEnv inside it. */
async function wasmEnv(cfg: EnvConfig, n: number) {
  const specs = [...VEC_ENV_ARRAYS, ...MODEL_STATE_ARRAYS];
  const layout = arenaLayout(specs, n);
  const base = 1 << 17; // above the C stack
  const ctxAt = base + layout.bytes + 4096;
  const extra = 256 + 8 * (32 + 4 * 8) + 8 * 4 * n + 4096;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((ctxAt + extra) / 65536) + 1 });
  const arena: EnvArena = { buffer: memory.buffer, base, numEnvs: n, specs, layout };
  const env = new ModelVecEnv(cfg, n, { memory: arenaMemory(arena, 0, n) });
  const { instance } = await WebAssembly.instantiate(wasmBytes, {
    env: { memory },
    m: {
      log: Math.log,
      exp: Math.exp,
      expm1: Math.expm1,
      regime_jump: () => {
        throw new Error("regime jump: not transcribed");
      },
    },
  });
  const step = instance.exports.step as (ctx: number, stepIndex: number) => void;
  const i32 = new Int32Array(memory.buffer), f64 = new Float64Array(memory.buffer);
  const at = (name: string) => base + layout.offsets[name];
  let top = ctxAt + 256;
  const alloc = (bytes: number) => {
    const p = top;
    top += Math.ceil(bytes / 64) * 64 + 64;
    return p;
  };
  const nr = cfg.regimes.names.length;
  const tables = [alloc(8 * nr), alloc(8 * nr), alloc(8 * nr), alloc(8 * nr)];
  const kAt = alloc(8 * 32);
  const actAt = alloc(8 * 4 * n);
  const cols = [
    "mid",
    "cash",
    "inventory",
    "pnl",
    "bidQuote",
    "askQuote",
    "bidPosted",
    "askPosted",
    "bidFilled",
    "askFilled",
    "bidFillPrice",
    "askFillPrice",
    "impact",
    "rewardPnl",
    "rewardInventory",
    "rewardVolatility",
    "rewardImpact",
  ].map((c) => at(`columns.${c}`));
  const ptrs = [
    ...cols,
    at("columns.regime"),
    at("view.mid"),
    at("view.bestBid"),
    at("view.bestAsk"),
    at("view.timeLeft"),
    at("view.sigma"),
    at("observations"),
    at("rewards"),
    at("impactCost"),
    at("model.record"),
    at("model.impactClock"),
    actAt,
    ...tables,
    kAt,
  ];
  ptrs.forEach((p, j) => i32[ctxAt / 4 + j] = p);
  const m = cfg.model;
  const fields = [
    n,
    m.fillRule === "linear" ? 1 : 0,
    m.priceModel === "binomial" ? 1 : 0,
    m.fillReference === "end" ? 1 : 0,
    ["none", "almgren-chriss", "sqrt", "transient"].indexOf(cfg.impact.model),
    cfg.regimes.rates.some((row, i) => row.some((r, j) => j !== i && r > 0)) ? 1 : 0,
  ];
  fields.forEach((v, j) => i32[ctxAt / 4 + ptrs.length + j] = v);
  // The constants, as ModelVecEnv's constructor computes them.
  const sigma0 = sigmaPerSqrtSecond(cfg);
  const w = rewardWeights(cfg);
  const imp = cfg.impact;
  const market = impactMarketFromConfig(cfg);
  let impA = 0, impB = 0, impC = 0, impRate = 0;
  if (imp.model === "almgren-chriss") {
    [impA, impB, impC] = [imp.permanent, imp.temporary, imp.fixed];
  } else if (imp.model === "sqrt") {
    impA = imp.sqrtY * market.sigmaDaily / Math.sqrt(imp.dailyVolume);
    impRate = Math.LN2 / imp.halfLife;
  } else if (imp.model === "transient") {
    impA = imp.transientPerLot;
    impRate = Math.LN2 / imp.halfLife;
  }
  const K = [
    cfg.dt,
    cfg.tickSize,
    cfg.lotSize,
    cfg.maxInventory,
    cfg.maxOffsetTicks,
    m.allowCrossing ? -cfg.maxOffsetTicks : 0,
    cfg.maxQuoteSize,
    m.k,
    sigma0,
    0.5 * m.marketSpreadTicks * cfg.tickSize,
    cfg.duration,
    cfg.fees.makerRate,
    ewmaAlpha(cfg.dt, VOL_HALF_LIFE_S),
    ewmaAlpha(cfg.dt, FLOW_HALF_LIFE_S),
    w.pnl,
    w.inventory,
    w.volatility,
    w.impact,
    impA,
    impB,
    impC,
    impRate,
  ];
  f64.set(K, kAt / 8);
  const sqrtDt = Math.sqrt(cfg.dt);
  for (let r = 0; r < nr; r++) {
    const lam = m.A * cfg.regimes.flowMultipliers[r];
    f64[tables[0] / 8 + r] = sigma0 * cfg.regimes.volMultipliers[r] * sqrtDt;
    f64[tables[1] / 8 + r] = lam;
    f64[tables[2] / 8 + r] = lam * cfg.dt;
    f64[tables[3] / 8 + r] = Math.exp(-lam * cfg.dt);
  }
  const actions = new Float64Array(memory.buffer, actAt, 4 * n);
  let stepIndex = 0;
  return {
    env,
    actions,
    reset(seeds: number[]) {
      env.reset(seeds);
      stepIndex = 0;
    },
    step() {
      step(ctxAt, ++stepIndex);
    },
  };
}

const FIXED_REGIME = {
  names: ["only"],
  volMultipliers: [1],
  flowMultipliers: [1],
  rates: [[0]],
  initial: 0,
};
const CONFIGS: EnvConfigInput[] = [
  { tier: "model", regimes: FIXED_REGIME },
  {
    tier: "model",
    regimes: FIXED_REGIME,
    model: { fillRule: "linear", fillReference: "end", priceModel: "binomial" },
    impact: { model: "transient" },
  },
  {
    tier: "model",
    regimes: FIXED_REGIME,
    model: { allowCrossing: true },
    impact: { model: "sqrt" },
    fees: { makerRate: -0.0001, takerRate: 0.0003 },
  },
];

/** Every array of `a` and `b` equal, bit for bit (NaN included). */
function sameBits(a: ModelVecEnv, b: ModelVecEnv, names: string[]): string | null {
  const get = (e: ModelVecEnv, name: string) => {
    if (name.startsWith("columns.")) return e.columns[name.slice(8) as "mid"];
    if (name.startsWith("view.")) return e.view[name.slice(5) as "mid"];
    return (e as unknown as Record<string, Float64Array>)[name];
  };
  for (const name of names) {
    const x = get(a, name), y = get(b, name);
    for (let i = 0; i < x.length; i++) {
      if (!Object.is(x[i], y[i])) return `${name}[${i}]: ${x[i]} vs ${y[i]}`;
    }
  }
  return null;
}

const compared = VEC_ENV_ARRAYS.map((s) => s.name).filter((s) =>
  s !== "terminated" && s !== "truncated"
);
for (const [k, input] of CONFIGS.entries()) {
  const cfg = parseEnvConfig({ ...input, duration: 300 });
  const n = 37;
  const js = new ModelVecEnv(cfg, n);
  const c = await wasmEnv(cfg, n);
  const seeds = Array.from({ length: n }, (_, i) => 1000 * k + i + 1);
  js.reset(seeds);
  c.reset(seeds);
  const rng = new Xoshiro128(k, "native-check");
  const act = new Float64Array(4 * n);
  let steps = 0;
  for (; steps < js.steps; steps++) {
    if (steps % 25 === 0) {
      for (let i = 0; i < 4 * n; i += 4) {
        act[i] = -2 + rng.next() * 26;
        act[i + 1] = -2 + rng.next() * 26;
        act[i + 2] = -1 + rng.next() * 7;
        act[i + 3] = -1 + rng.next() * 7;
      }
    }
    js.step(act);
    c.actions.set(act);
    c.step();
    const diff = sameBits(js, c.env, compared);
    if (diff !== null) {
      console.error(`config ${k}, step ${steps + 1}: ${diff}`);
      Deno.exit(1);
    }
  }
  console.log(`config ${k}: ${steps} steps of ${n} envs, every array equal bit for bit`);
}

// Timing on the benchmark's market (default config, static 2-tick quotes).
const median = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
for (const n of [1024, 16384]) {
  const cfg = parseEnvConfig({
    tier: "model",
    duration: 100_000,
    dt: 0.1,
    regimes: FIXED_REGIME,
  });
  const js = new ModelVecEnv(cfg, n);
  const c = await wasmEnv(cfg, n);
  const lim = new LimitLoop(n);
  const seeds = Array.from({ length: n }, (_, i) => i + 1);
  js.reset(seeds);
  c.reset(seeds);
  const act = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) act.set([2, 2, 1, 1], 4 * i);
  c.actions.set(act);
  const steps = Math.ceil(2_000_000 / n);
  const rate = (f: () => void) => {
    const t0 = performance.now();
    f();
    return (steps * n) / ((performance.now() - t0) / 1000);
  };
  const runJs = () =>
    rate(() => {
      for (let s = 0; s < steps; s++) js.step(act);
    });
  const runC = () =>
    rate(() => {
      for (let s = 0; s < steps; s++) c.step();
    });
  const runL = () => rate(() => lim.run(steps));
  runJs(), runC(), runL();
  const rj: number[] = [], rc: number[] = [];
  for (let p = 0; p < 9; p++) {
    const l = runL();
    rj.push(runJs() / l);
    rc.push(runC() / l);
  }
  console.log(
    `N = ${n}: JavaScript kernel / limit loop ${median(rj).toFixed(2)}, ` +
      `C kernel as WebAssembly / limit loop ${median(rc).toFixed(2)}`,
  );
}
