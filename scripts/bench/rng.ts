/**
 * Generator speed (`deno task bench --only rng`): uniform doubles per second from
 * xoshiro128** on a typed-array state (the model tier's hot-loop generator, inlined as the
 * kernel does), from the Alea generator behind `Rng` (`npm:seedrandom`), and from V8's
 * `Math.random` (xorshift128+, not seedable) for reference; medians of interleaved runs.
 *
 * @module
 */
import { Rng } from "../../lib/rng/rng.ts";
import { seedXoshiro, U32_TO_UNIT } from "../../lib/rng/xoshiro.ts";
import { type BenchCase, median } from "./_types.ts";

const DRAWS = 1 << 22;
const RUNS = 7;

function xoshiro(draws: number): number {
  const st = new Int32Array(4);
  seedXoshiro(st, 0, 1, "bench");
  const toUnit = U32_TO_UNIT;
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  let sum = 0;
  for (let i = 0; i < draws; i++) {
    let x = Math.imul(s1, 5);
    x = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = (s3 << 11) | (s3 >>> 21);
    sum += (x >>> 0) * toUnit;
  }
  return sum;
}

function alea(draws: number): number {
  const r = new Rng("bench");
  let sum = 0;
  for (let i = 0; i < draws; i++) sum += r.next();
  return sum;
}

function mathRandom(draws: number): number {
  let sum = 0;
  for (let i = 0; i < draws; i++) sum += Math.random();
  return sum;
}

let cached: Record<string, number> | null = null;
function measure(): Record<string, number> {
  if (cached) return cached;
  const fns = { xoshiro, alea, mathRandom };
  const rates: Record<string, number[]> = { xoshiro: [], alea: [], mathRandom: [] };
  let sink = 0;
  for (let r = 0; r <= RUNS; r++) {
    for (const [name, f] of Object.entries(fns)) {
      const t0 = performance.now();
      sink += f(DRAWS);
      const s = (performance.now() - t0) / 1000;
      if (r > 0) rates[name].push(DRAWS / s);
    }
  }
  if (sink === 0) console.log(sink);
  cached = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
  return cached;
}

/** The generator benchmark cases. */
export const cases: BenchCase[] = [
  { name: "rng.xoshiro.draws_per_s", unit: "draws/s", run: () => measure().xoshiro },
  { name: "rng.alea.draws_per_s", unit: "draws/s", run: () => measure().alea },
  { name: "rng.math_random.draws_per_s", unit: "draws/s", run: () => measure().mathRandom },
];
