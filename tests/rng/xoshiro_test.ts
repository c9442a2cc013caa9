import assert from "node:assert/strict";
import { Rng } from "../../lib/rng/rng.ts";
import { STREAM } from "../../lib/rng/streams.ts";
import {
  hashName,
  mix32,
  seedXoshiro,
  U32_TO_UNIT,
  Xoshiro128,
  xoshiroNext,
} from "../../lib/rng/xoshiro.ts";
import { MODEL_STREAMS } from "../../lib/env/model_env.ts";

const M32 = 0xffffffffn;

/** xoshiro128** transcribed independently from the reference C code, in BigInt. */
function referenceNext(s: bigint[]): bigint {
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;
  const result = (rotl((s[1] * 5n) & M32, 7n) * 9n) & M32;
  const t = (s[1] << 9n) & M32;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11n);
  return result;
}

Deno.test("xoshiro128** matches an independent BigInt transcription of the reference code", () => {
  for (const seed of [0, 1, 42, 0xffffffff]) {
    const st = new Int32Array(4);
    seedXoshiro(st, 0, seed, "check");
    const ref = Array.from(st, (w) => BigInt(w >>> 0));
    for (let i = 0; i < 2000; i++) {
      assert.equal(BigInt(xoshiroNext(st, 0)), referenceNext(ref), `seed ${seed}, draw ${i}`);
    }
  }
  // A hand-chosen state: the first output is rotl(2·5, 7)·9 = 11520.
  const st = new Int32Array([1, 2, 3, 4]);
  assert.equal(xoshiroNext(st, 0), 11520);
});

Deno.test("uniforms: chi-square over 256 cells, bit balance, lag-1 correlation", () => {
  const g = new Xoshiro128(7, "quality");
  const n = 1 << 20;
  const cells = new Float64Array(256);
  const ones = new Float64Array(32);
  let sxy = 0, sx = 0, sxx = 0, prev = g.next();
  for (let i = 0; i < n; i++) {
    const x = g.nextUint32();
    cells[x >>> 24]++;
    for (let b = 0; b < 32; b++) ones[b] += (x >>> b) & 1;
    const u = x * U32_TO_UNIT;
    assert.ok(u >= 0 && u < 1);
    sxy += u * prev;
    sx += u;
    sxx += u * u;
    prev = u;
  }
  const e = n / 256;
  let chi2 = 0;
  for (const c of cells) chi2 += (c - e) ** 2 / e;
  // 255 degrees of freedom: mean 255, sd √510 ≈ 22.6; six sd either side.
  assert.ok(chi2 > 255 - 6 * 22.6 && chi2 < 255 + 6 * 22.6, `chi2 ${chi2}`);
  for (let b = 0; b < 32; b++) {
    assert.ok(Math.abs(ones[b] - n / 2) < 6 * Math.sqrt(n / 4), `bit ${b}: ${ones[b]}`);
  }
  const mean = sx / n, variance = sxx / n - mean * mean;
  const lag1 = (sxy / n - mean * mean) / variance;
  assert.ok(Math.abs(mean - 0.5) < 6 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(lag1) < 6 / Math.sqrt(n), `lag-1 correlation ${lag1}`);
});

Deno.test("streams of neighbouring seeds and of two names are uncorrelated", () => {
  // Position-by-position correlation of stream (seed, name) with (seed + 1, name) and with
  // (seed, other name), over 4,096 seeds × 64 draws.
  const seeds = 4096, draws = 64;
  let sab = 0, sac = 0, sa = 0, sb = 0, sc = 0, saa = 0, sbb = 0, scc = 0, m = 0;
  for (let s = 0; s < seeds; s++) {
    const a = new Xoshiro128(s, MODEL_STREAMS.step);
    const b = new Xoshiro128(s + 1, MODEL_STREAMS.step);
    const c = new Xoshiro128(s, MODEL_STREAMS.regime);
    for (let k = 0; k < draws; k++) {
      const x = a.next() - 0.5, y = b.next() - 0.5, z = c.next() - 0.5;
      sab += x * y;
      sac += x * z;
      sa += x;
      sb += y;
      sc += z;
      saa += x * x;
      sbb += y * y;
      scc += z * z;
      m++;
    }
  }
  const corr = (sxy: number, sx: number, sy: number, sxx: number, syy: number) =>
    (sxy / m - (sx / m) * (sy / m)) /
    Math.sqrt((sxx / m - (sx / m) ** 2) * (syy / m - (sy / m) ** 2));
  const bound = 6 / Math.sqrt(m);
  assert.ok(Math.abs(corr(sab, sa, sb, saa, sbb)) < bound, "seed vs seed + 1");
  assert.ok(Math.abs(corr(sac, sa, sc, saa, scc)) < bound, "two names of one seed");
  // The first draw of consecutive seeds is uniform too (no structure from the seeding).
  const first = new Float64Array(16);
  for (let s = 0; s < 1 << 16; s++) first[Math.floor(new Xoshiro128(s, "x").next() * 16)]++;
  let chi2 = 0;
  for (const c of first) chi2 += (c - 4096) ** 2 / 4096;
  assert.ok(chi2 < 15 + 6 * Math.sqrt(30), `first draws chi2 ${chi2}`);
});

Deno.test("seeding: distinct (seed, name) pairs give distinct states; names do not collide", () => {
  const seen = new Set<string>();
  const st = new Int32Array(4);
  const names = [...new Set([...Object.values(STREAM), ...Object.values(MODEL_STREAMS), "limit"])];
  assert.equal(new Set(names.map(hashName)).size, names.length);
  for (const name of names) {
    for (let s = 0; s < 5000; s++) {
      seedXoshiro(st, 0, s, name);
      const key = `${st[0]},${st[1]},${st[2]},${st[3]}`;
      assert.ok(!seen.has(key), `${name} ${s}`);
      seen.add(key);
      assert.ok((st[0] | st[1] | st[2] | st[3]) !== 0);
    }
  }
  // mix32 is a bijection: no collisions on a sample of 2^16 consecutive inputs.
  const outs = new Set<number>();
  for (let x = 0; x < 1 << 16; x++) outs.add(mix32(x));
  assert.equal(outs.size, 1 << 16);
  assert.throws(() => seedXoshiro(st, 0, -1, "x"), /seed/);
});

Deno.test("the object, the typed-array functions and Rng over a xoshiro source agree", () => {
  const g = new Xoshiro128(99, "agree");
  const st = new Int32Array(8);
  seedXoshiro(st, 4, 99, "agree");
  for (let i = 0; i < 100; i++) assert.equal(g.nextUint32(), xoshiroNext(st, 4));
  const r = new Rng(new Xoshiro128(5, "normal").source());
  let s = 0, s2 = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 6 / Math.sqrt(n));
  assert.ok(Math.abs(s2 / n - 1) < 6 * Math.sqrt(2 / n));
});
