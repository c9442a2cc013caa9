import assert from "node:assert/strict";
import {
  arenaLayout,
  arenaMemory,
  arenaView,
  CACHE_LINE,
  CACHE_SET_SPAN,
  type EnvArena,
  type EnvArraySpec,
  heapMemory,
  pageAlignedBuffer,
  VEC_ENV_ARRAYS,
} from "../../lib/env/memory.ts";
import { sharedArena } from "../../lib/env/parallel.ts";
import { Xoshiro128 } from "../../lib/rng/xoshiro.ts";

const BYTES = { f64: 8, i32: 4, u8: 1 } as const;

/** Random specs: 1–80 arrays of random types and widths. */
function randomSpecs(rng: Xoshiro128): EnvArraySpec[] {
  const types = ["f64", "i32", "u8"] as const;
  const n = 1 + Math.floor(rng.next() * 80);
  return Array.from({ length: n }, (_, k) => ({
    name: `a${k}`,
    type: types[Math.floor(rng.next() * 3)],
    perEnv: 1 + Math.floor(rng.next() * 12),
  }));
}

Deno.test("arenaLayout: arrays on cache lines, in order, a page apart, inside the buffer", () => {
  const rng = new Xoshiro128(7, "memory-test");
  for (let trial = 0; trial < 300; trial++) {
    const specs = randomSpecs(rng);
    const n = 1 + Math.floor(rng.next() * 5000);
    const { bytes, offsets } = arenaLayout(specs, n);
    let end = -CACHE_SET_SPAN;
    for (const s of specs) {
      const at = offsets[s.name];
      assert.equal(at % CACHE_LINE, 0, `${s.name} at ${at}`);
      assert.ok(
        at >= end + CACHE_SET_SPAN,
        `${s.name} is less than a page after the previous array`,
      );
      end = at + n * s.perEnv * BYTES[s.type];
    }
    assert.ok(bytes >= end && bytes % CACHE_LINE === 0);
  }
});

Deno.test("arenaLayout: no arrays, or no envs, take no bytes", () => {
  assert.deepEqual(arenaLayout([], 10), { bytes: 0, offsets: {} });
  assert.equal(arenaLayout(VEC_ENV_ARRAYS, 0).bytes >= 0, true);
});

Deno.test("arenaLayout: up to 64 arrays start in 64 different L1 sets, at any size", () => {
  const rng = new Xoshiro128(8, "memory-test");
  // Sizes that are multiples of 4,096 bytes are the case that matters (N = 512·m envs).
  for (const n of [1, 7, 512, 1024, 4096, 16384, 1000 + Math.floor(rng.next() * 9000)]) {
    const specs = randomSpecs(rng).slice(0, 64);
    const { offsets } = arenaLayout(specs, n);
    const slots = new Set(specs.map((s) => offsets[s.name] % CACHE_SET_SPAN));
    assert.equal(slots.size, specs.length, `N = ${n}`);
  }
  // The VecEnv contract itself, at N = 1,024: no two arrays share a set.
  const { offsets } = arenaLayout(VEC_ENV_ARRAYS, 1024);
  const slots = new Set(VEC_ENV_ARRAYS.map((s) => offsets[s.name] % CACHE_SET_SPAN));
  assert.equal(slots.size, VEC_ENV_ARRAYS.length);
});

Deno.test("arenaLayout: a page and fewer than 64 lines per array over packing them; a page and a line when every array is 4,096 bytes", () => {
  const specs = VEC_ENV_ARRAYS;
  for (const n of [1, 3, 512, 1024, 65536]) {
    const packed = specs.reduce(
      (s, a) => s + Math.ceil((n * a.perEnv * BYTES[a.type]) / CACHE_LINE) * CACHE_LINE,
      0,
    );
    // A line is skipped only while its set is taken: fewer than 64 per array.
    const bound = packed + specs.length * (CACHE_SET_SPAN + 63 * CACHE_LINE);
    assert.ok(arenaLayout(specs, n).bytes <= bound);
  }
  // Arrays of 4,096 bytes: each starts a page and a line after the previous one's end.
  const four = Array.from(
    { length: 10 },
    (_, k) => ({ name: `x${k}`, type: "f64", perEnv: 1 }) as const,
  );
  const { offsets } = arenaLayout(four, 512);
  four.forEach((s, k) => assert.equal(offsets[s.name], k * (2 * 4096 + CACHE_LINE)));
});

Deno.test("arenaMemory: shard views see the same bytes as the whole; other names get arrays of their own", () => {
  const specs: EnvArraySpec[] = [
    { name: "obs", type: "f64", perEnv: 9 },
    { name: "regime", type: "i32", perEnv: 1 },
    { name: "flags", type: "u8", perEnv: 1 },
  ];
  const n = 10;
  const layout = arenaLayout(specs, n);
  const arena: EnvArena = {
    buffer: new ArrayBuffer(layout.bytes + 256),
    base: 128,
    numEnvs: n,
    specs,
    layout,
  };
  const whole = arenaMemory(arena, 0, n);
  const obs = whole.f64("obs", 9), reg = whole.i32("regime", 1), flags = whole.u8("flags", 1);
  const shard = arenaMemory(arena, 4, 3);
  const sObs = shard.f64("obs", 9), sReg = shard.i32("regime", 1), sFlags = shard.u8("flags", 1);
  assert.deepEqual([sObs.length, sReg.length, sFlags.length], [27, 3, 3]);
  sObs[0] = 1.5;
  sReg[2] = -3;
  sFlags[1] = 1;
  assert.equal(obs[4 * 9], 1.5);
  assert.equal(reg[6], -3);
  assert.equal(flags[5], 1);
  // Writing through every view of the whole never touches another array.
  obs.fill(9);
  assert.ok(reg.every((v, i) => v === (i === 6 ? -3 : 0)));
  assert.ok(flags.every((v, i) => v === (i === 5 ? 1 : 0)));
  // Unknown names, other widths and repeated names: fresh zeroed arrays, not views.
  for (const a of [whole.f64("other", 2), whole.f64("obs", 9), whole.f64("regime", 1)]) {
    assert.notEqual(a.buffer, arena.buffer);
    assert.ok(a.every((v) => v === 0));
  }
  assert.equal(arenaView(arena, "other", 0, n), undefined);
});

Deno.test("heapMemory: the contract's and a tier's extra arrays in one buffer; each zeroed and separate", () => {
  const extra: EnvArraySpec[] = [{ name: "tier.state", type: "f64", perEnv: 12 }];
  const mem = heapMemory(1024, extra);
  const arrays = [...VEC_ENV_ARRAYS, ...extra].map((s) =>
    s.type === "f64"
      ? mem.f64(s.name, s.perEnv)
      : s.type === "i32"
      ? mem.i32(s.name, s.perEnv)
      : mem.u8(s.name, s.perEnv)
  );
  const buffer = arrays[0].buffer;
  arrays.forEach((a, k) => {
    assert.equal(a.buffer, buffer);
    assert.ok(a.every((v) => v === 0));
    a.fill(k + 1);
  });
  arrays.forEach((a, k) => assert.ok(a.every((v) => v === k + 1), `array ${k} was overwritten`));
});

/** The address of a typed array's first element (Deno's FFI pointer; the tests run with -A). */
function address(a: ArrayBufferView): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(a)));
}

Deno.test("pageAlignedBuffer: page-aligned in memory, zeroed, shared when asked; an ordinary buffer for 0 bytes", () => {
  for (const bytes of [1, 100, 65_536, 65_537, 3_000_000]) {
    for (const shared of [false, true]) {
      const b = shared ? pageAlignedBuffer(bytes, true) : pageAlignedBuffer(bytes);
      assert.equal(b instanceof SharedArrayBuffer, shared);
      assert.ok(b.byteLength >= bytes && b.byteLength % 65_536 === 0, `${b.byteLength}`);
      const u8 = new Uint8Array(b);
      assert.equal(address(u8) % 4096n, 0n, `${bytes} bytes, shared ${shared}`);
      assert.ok(u8.every((x) => x === 0));
    }
  }
  assert.equal(pageAlignedBuffer(0).byteLength, 0);
});

Deno.test("arenas: every array of heapMemory and of a ParallelVecEnv's shared arena starts on a cache line in memory, so a shard's seam falls between lines", () => {
  for (const n of [1, 8, 1024]) {
    const mem = heapMemory(n, [{ name: "tier.state", type: "f64", perEnv: 12 }]);
    for (const spec of VEC_ENV_ARRAYS) {
      const a = spec.type === "f64"
        ? mem.f64(spec.name, spec.perEnv)
        : spec.type === "i32"
        ? mem.i32(spec.name, spec.perEnv)
        : mem.u8(spec.name, spec.perEnv);
      assert.equal(address(a) % BigInt(CACHE_LINE), 0n, `${spec.name}, ${n} envs`);
    }
    assert.equal(address(mem.f64("tier.state", 12)) % BigInt(CACHE_LINE), 0n);
    const arena = sharedArena(n);
    for (const spec of arena.specs) {
      const whole = arenaView(arena, spec.name, 0, n)!;
      assert.equal(address(whole) % BigInt(CACHE_LINE), 0n, `shared ${spec.name}, ${n} envs`);
      // two shards of 512 envs: the second starts on a line of its own in every array
      if (n === 1024) {
        const second = arenaView(arena, spec.name, 512, 512)!;
        assert.equal(address(second) % BigInt(CACHE_LINE), 0n, `seam of ${spec.name}`);
      }
    }
  }
});
