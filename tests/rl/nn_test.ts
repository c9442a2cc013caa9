import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { Adam } from "../../lib/rl/nn/adam.ts";
import { NnEngine } from "../../lib/rl/nn/engine.ts";
import {
  Arena,
  backwardPass,
  forwardPass,
  KernelModule,
  MlpLayout,
  transposeWeights,
} from "../../lib/rl/nn/mlp.ts";
import { chunkCount, chunkRows, makePlan } from "../../lib/rl/nn/plan.ts";
import { MSE_ARGS } from "../../lib/rl/nn/tasks.ts";
import { buildModule, E, FuncBuilder } from "../../lib/rl/nn/wasm.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** A network on its own memory with buffers for `rows` rows. */
function rig(sizes: number[], rows: number) {
  const layout = new MlpLayout(sizes);
  const a = new Arena();
  const P = a.floats(layout.floats),
    G = a.floats(layout.floats),
    WT = a.floats(layout.transposedFloats);
  const X = a.floats(rows * sizes[0]), D = a.floats(rows * layout.outStride);
  const buf = {
    acts: layout.layers.map((l) => a.floats(rows * Math.ceil(l.shape.outSize / 4) * 4)),
    dz: [a.floats(rows * layout.maxWidth), a.floats(rows * layout.maxWidth)] as [number, number],
  };
  const spec = { initial: a.pages, maximum: a.pages, shared: false };
  const memory = new WebAssembly.Memory(spec);
  const k = new KernelModule([layout], spec).instantiate(memory);
  return { layout, k, f32: new Float32Array(memory.buffer), P, G, WT, X, D, buf };
}

/** Float64 reference: forward activations and parameter gradients of `dOut`. */
function reference(
  sizes: number[],
  W: Float32Array[],
  B: Float32Array[],
  x: Float32Array,
  dOut: Float64Array,
  rows: number,
) {
  const acts: Float64Array[] = [];
  let h = Float64Array.from(x);
  for (let l = 0; l + 1 < sizes.length; l++) {
    const I = sizes[l], O = sizes[l + 1];
    const y = new Float64Array(rows * O);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < O; o++) {
        let s = B[l][o];
        for (let i = 0; i < I; i++) s += h[r * I + i] * W[l][i * O + o];
        y[r * O + o] = l + 2 < sizes.length ? Math.tanh(s) : s;
      }
    }
    acts.push(y);
    h = y;
  }
  const dW: Float64Array[] = [], dB: Float64Array[] = [];
  let g = dOut;
  for (let l = sizes.length - 2; l >= 0; l--) {
    const I = sizes[l], O = sizes[l + 1];
    const input = l === 0 ? Float64Array.from(x) : acts[l - 1];
    const w = new Float64Array(I * O), b = new Float64Array(O);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < O; o++) {
        b[o] += g[r * O + o];
        for (let i = 0; i < I; i++) w[i * O + o] += input[r * I + i] * g[r * O + o];
      }
    }
    dW[l] = w;
    dB[l] = b;
    if (l > 0) {
      const ng = new Float64Array(rows * I);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < I; i++) {
          let s = 0;
          for (let o = 0; o < O; o++) s += g[r * O + o] * W[l][i * O + o];
          ng[r * I + i] = s * (1 - input[r * I + i] ** 2);
        }
      }
      g = ng;
    }
  }
  return { acts, dW, dB };
}

Deno.test("MLP kernels: forward pass and gradients equal a float64 reference for any shape and row count", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 2, maxLength: 4 }),
      fc.integer({ min: 1, max: 37 }),
      fc.integer({ min: 0, max: 1000 }),
      (sizes, rows, seed) => {
        const r = new Rng(seed);
        const t = rig(sizes, rows);
        const W: Float32Array[] = [], B: Float32Array[] = [];
        t.layout.layers.forEach((l, i) => {
          W.push(
            Float32Array.from({ length: l.shape.inSize * l.shape.outSize }, () => r.normal() * 0.3),
          );
          B.push(Float32Array.from({ length: l.shape.outSize }, () => r.normal() * 0.1));
          t.layout.write(t.f32, t.P / 4, i, W[i], B[i]);
        });
        const x = Float32Array.from({ length: rows * sizes[0] }, () => r.normal());
        t.f32.set(x, t.X / 4);
        const out = sizes.at(-1)!;
        const dOut = new Float64Array(rows * out);
        for (let i = 0; i < dOut.length; i++) {
          dOut[i] = Math.fround(r.normal());
          t.f32[t.D / 4 + Math.floor(i / out) * t.layout.outStride + (i % out)] = dOut[i];
        }
        forwardPass(t.k, t.layout, t.P, t.X, rows, t.buf);
        transposeWeights(t.k, t.layout, t.P, t.WT);
        backwardPass(t.k, t.layout, t.WT, t.X, t.D, rows, t.buf, t.G);
        const ref = reference(sizes, W, B, x, dOut, rows);
        t.layout.layers.forEach((l, li) => {
          const O = l.shape.outSize, stride = Math.ceil(O / 4) * 4;
          for (let i = 0; i < rows * O; i++) {
            const got = t.f32[t.buf.acts[li] / 4 + Math.floor(i / O) * stride + (i % O)];
            const want = ref.acts[li][i];
            assert.ok(
              Math.abs(got - want) <= 1e-5 * (1 + Math.abs(want)),
              `act ${li}[${i}] ${got} vs ${want}`,
            );
          }
          const w = new Float32Array(l.shape.inSize * O), b = new Float32Array(O);
          t.layout.read(t.f32, t.G / 4, li, w, b);
          for (let i = 0; i < w.length; i++) {
            assert.ok(
              Math.abs(w[i] - ref.dW[li][i]) <= 2e-5 * (1 + Math.abs(ref.dW[li][i])),
              `dW ${li}[${i}]`,
            );
          }
          for (let i = 0; i < O; i++) {
            assert.ok(
              Math.abs(b[i] - ref.dB[li][i]) <= 2e-5 * (1 + Math.abs(ref.dB[li][i])),
              `db ${li}[${i}]`,
            );
          }
        });
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("MLP kernels: a row's output has the same bits wherever it falls in a block; gradients add up in row order", () => {
  const sizes = [9, 64, 64, 5];
  const rows = 23;
  const t = rig(sizes, rows);
  const r = new Rng("bits");
  for (let i = 0; i < t.layout.floats; i++) t.f32[t.P / 4 + i] = r.normal() * 0.2;
  t.layout.layers.forEach((l, i) => {
    const w = new Float32Array(l.shape.inSize * l.shape.outSize),
      b = new Float32Array(l.shape.outSize);
    t.layout.read(t.f32, t.P / 4, i, w, b);
    t.layout.write(t.f32, t.P / 4, i, w, b); // zero the padding
  });
  for (let i = 0; i < rows * 9; i++) t.f32[t.X / 4 + i] = r.normal();
  for (let i = 0; i < rows * 8; i++) t.f32[t.D / 4 + i] = i % 8 < 5 ? r.normal() : 0;
  const last = t.buf.acts[2] / 4;
  forwardPass(t.k, t.layout, t.P, t.X, rows, t.buf);
  const all = t.f32.slice(last, last + rows * 8);
  transposeWeights(t.k, t.layout, t.P, t.WT);
  backwardPass(t.k, t.layout, t.WT, t.X, t.D, rows, t.buf, t.G);
  const whole = t.f32.slice(t.G / 4, t.G / 4 + t.layout.floats);
  // Rows 5…22 alone (shifted against the 4-row blocks), then rows 0…4 then 5…22 accumulated.
  const shifted = t.X + 5 * 9 * 4;
  forwardPass(t.k, t.layout, t.P, shifted, rows - 5, t.buf);
  assert.deepEqual(t.f32.slice(last, last + (rows - 5) * 8), all.slice(5 * 8));
  t.f32.fill(0, t.G / 4, t.G / 4 + t.layout.floats);
  forwardPass(t.k, t.layout, t.P, t.X, 5, t.buf);
  backwardPass(t.k, t.layout, t.WT, t.X, t.D, 5, t.buf, t.G);
  forwardPass(t.k, t.layout, t.P, shifted, rows - 5, t.buf);
  backwardPass(t.k, t.layout, t.WT, shifted, t.D + 5 * 8 * 4, rows - 5, t.buf, t.G);
  const dwOnly = (v: Float32Array) => t.layout.layers.map((l) => v.slice(l.w, l.b)); // kernels only: bias sums are row-ordered too
  assert.deepEqual(dwOnly(t.f32.slice(t.G / 4, t.G / 4 + t.layout.floats)), dwOnly(whole));
});

Deno.test("tanh kernel: within 2e-7 of Math.tanh, odd, ±1 at the tails, NaN stays NaN", () => {
  const n = 1 << 14;
  const t = rig([4, 4], 1);
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 2 });
  const k = new KernelModule([t.layout], { initial: 2, maximum: 2, shared: false }).instantiate(
    memory,
  );
  const f32 = new Float32Array(memory.buffer);
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = (i / n) * 2 - 1;
    xs[i] = i % 3 === 0 ? u * 12 : i % 3 === 1 ? u * 1e-3 : u;
  }
  xs[0] = NaN;
  xs[1] = 40;
  xs[2] = -40;
  f32.set(xs);
  k.tanh(0, n);
  assert.ok(Number.isNaN(f32[0]));
  assert.equal(f32[1], 1);
  assert.equal(f32[2], -1);
  for (let i = 3; i < n; i++) {
    const want = Math.tanh(xs[i]);
    assert.ok(Math.abs(f32[i] - want) <= 2e-7, `tanh(${xs[i]}) = ${f32[i]}, want ${want}`);
    if (Math.abs(xs[i]) < 1e-3 && xs[i] !== 0) {
      assert.ok(Math.abs(f32[i] / want - 1) < 1e-6, `relative accuracy near 0 at ${xs[i]}`);
    }
  }
});

Deno.test("engine: Adam matches the formula; MSE gradients have the same bits with 1 and 3 threads", async () => {
  const b = 700;
  assert.equal(chunkCount(b), 3);
  assert.deepEqual([0, 1, 2].map((c) => chunkRows(b, 3, c)), [[0, 233], [233, 466], [466, 700]]);
  const make = async (threads: number) => {
    const plan = makePlan("mse", [[6, 20, 3]], 0, { x: 6, y: 3 }, b, threads, 1);
    const e = await NnEngine.create(plan);
    const r = new Rng("mse");
    const layout = e.ctx.layouts[0];
    layout.layers.forEach((l, i) => {
      const w = Float32Array.from(
        { length: l.shape.inSize * l.shape.outSize },
        () => r.normal() * 0.4,
      );
      layout.write(e.f32, plan.params / 4, i, w, new Float32Array(l.shape.outSize));
    });
    for (let i = 0; i < b * 6; i++) e.f32[plan.batch.x[0] / 4 + i] = r.normal();
    for (let i = 0; i < b * 3; i++) e.f32[plan.batch.y[0] / 4 + i] = r.normal();
    e.f64[plan.args / 8 + MSE_ARGS.ROWS] = b;
    e.f64[plan.args / 8 + MSE_ARGS.CHUNKS] = chunkCount(b);
    e.transpose();
    return e;
  };
  const one = await make(1), three = await make(3);
  assert.equal(three.threads, 3);
  const p = one.plan;
  const adamOne = new Adam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  const adamThree = new Adam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  for (let step = 1; step <= 5; step++) {
    one.gradient(b);
    three.gradient(b);
    assert.deepEqual(
      three.f32.slice(p.grad / 4, p.grad / 4 + p.paramFloats),
      one.f32.slice(p.grad / 4, p.grad / 4 + p.paramFloats),
    );
    // Adam by the formula, in f64, for a few parameters.
    const before = one.f32.slice(p.params / 4, p.params / 4 + p.paramFloats);
    const m0 = one.f32.slice(p.m / 4, p.m / 4 + p.paramFloats),
      v0 = one.f32.slice(p.v / 4, p.v / 4 + p.paramFloats);
    const g = one.f32.slice(p.grad / 4, p.grad / 4 + p.paramFloats);
    adamOne.step(one, 1e-2, 0.5);
    adamThree.step(three, 1e-2, 0.5);
    one.transpose();
    three.transpose();
    for (const j of [0, 7, 50, p.paramFloats - 4]) {
      const gj = 0.5 * g[j];
      const m = 0.9 * m0[j] + 0.1 * gj, v = 0.999 * v0[j] + 0.001 * gj * gj;
      const want = before[j] -
        1e-2 * (m / (1 - 0.9 ** step)) / (Math.sqrt(v / (1 - 0.999 ** step)) + 1e-8);
      const got = one.f32[p.params / 4 + j];
      assert.ok(
        Math.abs(got - want) <= 1e-6 * (1 + Math.abs(want)),
        `param ${j}: ${got} vs ${want}`,
      );
    }
  }
  assert.deepEqual(
    three.f32.slice(p.params / 4, p.params / 4 + p.paramFloats),
    one.f32.slice(p.params / 4, p.params / 4 + p.paramFloats),
  );
  one.dispose();
  three.dispose();
});

Deno.test("wasm writer: control flow, locals and SIMD lanes", () => {
  // sum of 4·i over i < n, by a loop over a v128 accumulator.
  const f = new FuncBuilder(["i32"], ["f32"]);
  const i = f.local("i32"), acc = f.local("v128");
  f.set(acc, E.f32x4(0));
  f.for(i, E.i32(0), f.param(0), 1, () => {
    f.set(
      acc,
      E.vAdd(
        E.get(acc),
        E.splat((ff) => {
          E.get(i)(ff);
          ff.raw(0xb2); // f32.convert_i32_s
        }),
      ),
    );
  });
  f.emit(
    E.f32Add(
      E.f32Add(E.lane(E.get(acc), 0), E.lane(E.get(acc), 1)),
      E.f32Add(E.lane(E.get(acc), 2), E.lane(E.get(acc), 3)),
    ),
  );
  const bytes = buildModule([{ name: "sum", func: f }]);
  assert.ok(WebAssembly.validate(bytes));
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory: new WebAssembly.Memory({ initial: 1 }) },
  });
  const sum = inst.exports.sum as (n: number) => number;
  assert.equal(sum(0), 0);
  assert.equal(sum(10), 4 * 45);
});
