/**
 * WebAssembly SIMD kernels for small multilayer perceptrons, generated for the exact layer
 * shapes of a network (see {@linkcode FuncBuilder}): the dense forward pass with tanh, the
 * weight, bias and input gradients, weight transposes, Adam and an ordered sum of gradient
 * slots. Every kernel works on f32 arrays in the module's (optionally shared) memory,
 * addressed by byte offsets.
 *
 * Layout: a layer with `in` inputs and `out` outputs has its kernel `W` row-major
 * `in × outP` and its bias `outP` wide, with `outP = ceil(out / 4) · 4` (padding columns are
 * zero and stay zero: their gradients are zero). Activations are row-major with row stride
 * `ceil(width / 4) · 4`, the network input with row stride `ldIn` (its width).
 *
 * Determinism: each output element is computed by the same sequence of f32 operations
 * whatever the number of rows or where a row falls in a block (dense outputs start from the
 * bias and add the products in input order; gradient sums add rows in order onto the value in
 * memory, so summing rows in several calls gives the bits of one call). No relaxed-SIMD
 * instruction is used, so results are the same on every machine.
 *
 * @module
 */
import { E, type Expr, FuncBuilder, type Local } from "./wasm.ts";

/** Rounds `n` up to a multiple of 4 (one f32x4). */
export function pad4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** The shape of one dense layer. */
export interface DenseShape {
  /** Inputs. */
  readonly inSize: number;
  /** Outputs. */
  readonly outSize: number;
  /** Row stride of the layer's input, in floats (the input width, padded for hidden layers). */
  readonly ldIn: number;
}

/** Register blocking of the kernels: rows and f32x4 vectors per block, unrolling. */
export interface Blocking {
  /** Rows per block of the forward and input-gradient kernels. */
  readonly rows: number;
  /** Output vectors per block. */
  readonly vecs: number;
  /** Reduction steps unrolled per loop iteration. */
  readonly unroll: number;
}

/** The blocking used unless another is asked for (chosen by measurement, see the bench). */
export const DEFAULT_BLOCKING: Blocking = { rows: 4, vecs: 2, unroll: 4 };

/** Name suffix identifying a shape. */
export function shapeKey(s: DenseShape): string {
  return `${s.inSize}x${s.outSize}l${s.ldIn}`;
}

interface Operand {
  /** Pointer local of the first element of block row 0 at reduction step 0. */
  ptr: Local;
  /** Bytes between block rows (A) — unused for B. */
  strideR: number;
  /** Bytes per reduction step. */
  stepK: number;
}

/**
 * acc[ri][vi] += A[ri, k] · B[k, vi] for k in [0, K): A scalar (splatted), B f32x4. Advances
 * both pointers by K steps. K is a constant or a runtime count (i32 local).
 */
function accumulate(
  f: FuncBuilder,
  acc: Local[][],
  a: Operand,
  b: Operand,
  k: number | Local,
  unroll: number,
  tmp: { w: Local[]; s: Local; n: Local },
): void {
  const R = acc.length, V = acc[0].length;
  const step = (u: number) => {
    for (let vi = 0; vi < V; vi++) {
      f.set(tmp.w[vi], E.loadV(E.get(b.ptr), vi * 16 + u * b.stepK));
    }
    for (let ri = 0; ri < R; ri++) {
      f.set(tmp.s, E.splatLoad(E.get(a.ptr), ri * a.strideR + u * a.stepK));
      for (let vi = 0; vi < V; vi++) {
        f.set(acc[ri][vi], E.vAdd(E.get(acc[ri][vi]), E.vMul(E.get(tmp.s), E.get(tmp.w[vi]))));
      }
    }
  };
  const advance = (steps: number) => {
    f.set(a.ptr, E.i32Add(E.get(a.ptr), E.i32(steps * a.stepK)));
    f.set(b.ptr, E.i32Add(E.get(b.ptr), E.i32(steps * b.stepK)));
  };
  if (typeof k === "number") {
    const full = Math.floor(k / unroll);
    if (full > 0) {
      f.for(tmp.n, E.i32(0), E.i32(full), 1, () => {
        for (let u = 0; u < unroll; u++) step(u);
        advance(unroll);
      });
    }
    const rest = k - full * unroll;
    for (let u = 0; u < rest; u++) step(u);
    if (rest) advance(rest);
  } else {
    // n = k − k mod unroll rows in unrolled steps, then one at a time.
    f.set(tmp.n, E.i32(0));
    f.block(() => {
      f.brIf(0, E.i32GtS(E.i32Add(E.get(tmp.n), E.i32(unroll)), E.get(k)));
      f.loop(() => {
        for (let u = 0; u < unroll; u++) step(u);
        advance(unroll);
        f.set(tmp.n, E.i32Add(E.get(tmp.n), E.i32(unroll)));
        f.brIf(0, E.i32LtS(E.i32Add(E.get(tmp.n), E.i32(unroll - 1)), E.get(k)));
      });
    });
    f.block(() => {
      f.brIf(0, E.i32GeS(E.get(tmp.n), E.get(k)));
      f.loop(() => {
        step(0);
        advance(1);
        f.set(tmp.n, E.i32Add(E.get(tmp.n), E.i32(1)));
        f.brIf(0, E.i32LtS(E.get(tmp.n), E.get(k)));
      });
    });
  }
}

function locals(f: FuncBuilder, R: number, V: number): Local[][] {
  return Array.from({ length: R }, () => Array.from({ length: V }, () => f.local("v128")));
}

const LN2_HI = 0.693359375; // exact in f32 (9 significant bits)
const LN2_LO = Math.LN2 - LN2_HI;
/** Taylor coefficients of expm1(f)/f = 1 + f/2 + f²/6 + … (|f| ≤ ln2/2: error below 1e-9). */
const EXPM1_COEF = [1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1];

/** Supplies v128 constants to a kernel, hoisted into locals set at the function's start. */
export class Constants {
  readonly #f: FuncBuilder;
  readonly #locals = new Map<string, Local>();
  readonly #init: [Local, Expr][] = [];

  /** Constants for `f`; call {@linkcode Constants.prologue} once the body is written. */
  constructor(f: FuncBuilder) {
    this.#f = f;
  }

  /** Four f32 lanes equal to `v`. */
  f32(v: number): Expr {
    return this.#get(`f${v}`, () => E.f32x4(v));
  }

  /** Four i32 lanes equal to `v`. */
  i32(v: number): Expr {
    return this.#get(`i${v}`, () => E.i32x4(v));
  }

  #get(key: string, make: () => Expr): Expr {
    let l = this.#locals.get(key);
    if (!l) {
      l = this.#f.local("v128");
      this.#locals.set(key, l);
      this.#init.push([l, make()]);
    }
    return E.get(l);
  }

  /** Moves the code emitted since `mark` after the constants' initialization. */
  prologue(mark: number): void {
    const body = this.#f.code.splice(mark);
    for (const [l, e] of this.#init) this.#f.set(l, e);
    for (let i = 0; i < body.length; i++) this.#f.code.push(body[i]);
  }
}

/**
 * Emits `out = tanh(x)` lane-wise (x, out: v128 locals; `t` holds 4 scratch v128 locals):
 * tanh(x) = −sign(x)·m / (2 + m) with m = expm1(−2·min(|x|, 9)), expm1 by Cody–Waite range
 * reduction (2ⁿ·expm1(f) + 2ⁿ − 1) and a Taylor polynomial, so the result is accurate in
 * relative terms near 0 and in absolute terms everywhere (error below 2e-7, checked against
 * `Math.tanh` in the tests).
 */
export function emitTanh(f: FuncBuilder, c: Constants, x: Local, out: Local, t: Local[]): void {
  const [e, p, n, r] = t;
  f.set(e, E.vMul(E.vPmin(E.vAbs(E.get(x)), c.f32(9)), c.f32(-2)));
  f.set(n, E.vNearest(E.vMul(E.get(e), c.f32(Math.LOG2E))));
  f.set(
    e,
    E.vSub(E.vSub(E.get(e), E.vMul(E.get(n), c.f32(LN2_HI))), E.vMul(E.get(n), c.f32(LN2_LO))),
  );
  f.set(p, c.f32(EXPM1_COEF[0]));
  for (let i = 1; i < EXPM1_COEF.length; i++) {
    f.set(p, E.vAdd(E.vMul(E.get(p), E.get(e)), c.f32(EXPM1_COEF[i])));
  }
  f.set(p, E.vMul(E.get(p), E.get(e))); // expm1(f)
  // 2^n from the exponent bits: (n + 127) << 23.
  f.set(n, E.iShl(E.iAdd(E.vToI32(E.get(n)), c.i32(127)), E.i32(23)));
  f.set(r, E.vAdd(E.vMul(E.get(n), E.get(p)), E.vSub(E.get(n), c.f32(1)))); // expm1(−2|x|) ≤ 0
  f.set(r, E.vDiv(E.get(r), E.vAdd(c.f32(2), E.get(r)))); // −tanh(|x|)
  // Flip the sign bit where x ≥ 0: r ⊕ (signmask ∧ ¬x).
  f.set(out, E.vXor(E.get(r), E.vAndNot(c.i32(-0x80000000), E.get(x))));
}

/** Applies tanh in place to `floats` floats (a multiple of 4) at the byte offset in `ptr`. */
function emitTanhPass(f: FuncBuilder, c: Constants, ptr: Expr, floats: Expr): void {
  const k = f.local("i32"), x = f.local("v128"), y = f.local("v128");
  const base = f.local("i32");
  const t = Array.from({ length: 4 }, () => f.local("v128"));
  f.set(base, ptr);
  f.for(k, E.i32(0), E.i32Shl(floats, E.i32(2)), 16, () => {
    f.set(x, E.loadV(E.i32Add(E.get(base), E.get(k))));
    emitTanh(f, c, x, y, t);
    f.storeV(E.i32Add(E.get(base), E.get(k)), 0, E.get(y));
  });
}

/**
 * Emits `body(len, start)` for consecutive blocks of `size` over [0, n): one runtime loop over
 * the full blocks (`start` reads its i32 counter) and static code for a last partial block.
 */
function blockLoop(
  f: FuncBuilder,
  n: number,
  size: number,
  body: (len: number, start: Expr) => void,
): void {
  const full = Math.floor(n / size);
  if (full === 1) body(size, E.i32(0));
  else if (full > 1) {
    const j = f.local("i32");
    f.for(j, E.i32(0), E.i32(full * size), size, () => body(size, E.get(j)));
  }
  if (n > full * size) body(n - full * size, E.i32(full * size));
}

/** Emits `body(R)` for the rows [0, rows) in blocks of `R`, then one at a time. */
function rowLoop(
  f: FuncBuilder,
  rows: Expr,
  R: number,
  r: Local,
  body: (len: number) => void,
  next: (len: number) => void,
): void {
  f.set(r, E.i32(0));
  f.block(() => {
    f.brIf(0, E.i32GtS(E.i32(R), rows));
    f.loop(() => {
      body(R);
      next(R);
      f.set(r, E.i32Add(E.get(r), E.i32(R)));
      f.brIf(0, E.i32LtS(E.i32Add(E.get(r), E.i32(R - 1)), rows));
    });
  });
  if (R > 1) {
    f.block(() => {
      f.brIf(0, E.i32GeS(E.get(r), rows));
      f.loop(() => {
        body(1);
        next(1);
        f.set(r, E.i32Add(E.get(r), E.i32(1)));
        f.brIf(0, E.i32LtS(E.get(r), rows));
      });
    });
  }
}

/**
 * `y = act(x·W + b)` for `rows` rows: params `(x, W, b, y, rows)` (byte offsets, row count).
 */
export function denseForward(
  s: DenseShape,
  act: "tanh" | "linear",
  blk: Blocking = DEFAULT_BLOCKING,
): FuncBuilder {
  const f = new FuncBuilder(["i32", "i32", "i32", "i32", "i32"]);
  const [X, W, B, Y, ROWS] = [0, 1, 2, 3, 4];
  const outP = pad4(s.outSize);
  const nVec = outP / 4;
  const r = f.local("i32"), aPtr = f.local("i32"), bPtr = f.local("i32"), n = f.local("i32");
  const xRow = f.local("i32"), yRow = f.local("i32"), yPtr = f.local("i32");
  const bias = f.local("i32");
  const V = Math.min(blk.vecs, nVec);
  const w = Array.from({ length: V }, () => f.local("v128"));
  const sl = f.local("v128");
  const acc = locals(f, blk.rows, V);
  const emitRows = (R: number) => {
    blockLoop(f, nVec, V, (vn, v0) => {
      const accB = acc.slice(0, R).map((row) => row.slice(0, vn));
      const v0b = E.i32Shl(v0, E.i32(4));
      f.set(bias, E.i32Add(f.param(B), v0b));
      f.set(yPtr, E.i32Add(E.get(yRow), v0b));
      for (let ri = 0; ri < R; ri++) {
        for (let vi = 0; vi < vn; vi++) f.set(accB[ri][vi], E.loadV(E.get(bias), vi * 16));
      }
      f.set(aPtr, E.get(xRow));
      f.set(bPtr, E.i32Add(f.param(W), v0b));
      accumulate(
        f,
        accB,
        { ptr: aPtr, strideR: s.ldIn * 4, stepK: 4 },
        { ptr: bPtr, strideR: 0, stepK: outP * 4 },
        s.inSize,
        blk.unroll,
        { w, s: sl, n },
      );
      for (let ri = 0; ri < R; ri++) {
        for (let vi = 0; vi < vn; vi++) {
          f.storeV(E.get(yPtr), ri * outP * 4 + vi * 16, E.get(accB[ri][vi]));
        }
      }
    });
  };
  f.set(xRow, f.param(X));
  f.set(yRow, f.param(Y));
  rowLoop(f, f.param(ROWS), blk.rows, r, emitRows, (R) => {
    f.set(xRow, E.i32Add(E.get(xRow), E.i32(R * s.ldIn * 4)));
    f.set(yRow, E.i32Add(E.get(yRow), E.i32(R * outP * 4)));
  });
  if (act === "tanh") {
    const c = new Constants(f);
    const mark = f.code.length;
    emitTanhPass(f, c, f.param(Y), E.i32Mul(f.param(ROWS), E.i32(outP)));
    c.prologue(mark);
  }
  return f;
}

/**
 * `dW += xᵀ·dz` and `db += 1ᵀ·dz` over `rows` rows: params `(x, dz, dW, db, rows)`.
 */
export function denseGradW(s: DenseShape, blk: Blocking = DEFAULT_BLOCKING): FuncBuilder {
  const f = new FuncBuilder(["i32", "i32", "i32", "i32", "i32"]);
  const [X, DZ, DW, DB, ROWS] = [0, 1, 2, 3, 4];
  const outP = pad4(s.outSize);
  const nVec = outP / 4;
  const aPtr = f.local("i32"), bPtr = f.local("i32"), n = f.local("i32"), dw = f.local("i32");
  const V = Math.min(blk.vecs, nVec);
  const w = Array.from({ length: V }, () => f.local("v128"));
  const sl = f.local("v128");
  const R = blk.rows;
  const acc = locals(f, R, V);
  blockLoop(f, s.inSize, R, (iN, i0) => {
    blockLoop(f, nVec, V, (vn, v0) => {
      const accB = acc.slice(0, iN).map((row) => row.slice(0, vn));
      const v0b = E.i32Shl(v0, E.i32(4));
      // dw = DW + (i0·outP)·4 + v0·16
      f.set(dw, E.i32Add(E.i32Add(f.param(DW), E.i32Mul(i0, E.i32(outP * 4))), v0b));
      for (let ri = 0; ri < iN; ri++) {
        for (let vi = 0; vi < vn; vi++) {
          f.set(accB[ri][vi], E.loadV(E.get(dw), ri * outP * 4 + vi * 16));
        }
      }
      f.set(aPtr, E.i32Add(f.param(X), E.i32Shl(i0, E.i32(2))));
      f.set(bPtr, E.i32Add(f.param(DZ), v0b));
      accumulate(
        f,
        accB,
        { ptr: aPtr, strideR: 4, stepK: s.ldIn * 4 },
        { ptr: bPtr, strideR: 0, stepK: outP * 4 },
        { index: ROWS, type: "i32" },
        blk.unroll,
        { w, s: sl, n },
      );
      for (let ri = 0; ri < iN; ri++) {
        for (let vi = 0; vi < vn; vi++) {
          f.storeV(E.get(dw), ri * outP * 4 + vi * 16, E.get(accB[ri][vi]));
        }
      }
    });
  });
  // Bias: db[v] += Σ_r dz[r, v], rows in order.
  const r = f.local("i32");
  const pool = acc.flat().concat(w);
  const BV = Math.min(8, pool.length, nVec);
  blockLoop(f, nVec, BV, (vn, v0) => {
    const accB = pool.slice(0, vn);
    const v0b = E.i32Shl(v0, E.i32(4));
    f.set(dw, E.i32Add(f.param(DB), v0b));
    for (let vi = 0; vi < vn; vi++) f.set(accB[vi], E.loadV(E.get(dw), vi * 16));
    f.set(bPtr, E.i32Add(f.param(DZ), v0b));
    f.for(r, E.i32(0), f.param(ROWS), 1, () => {
      for (let vi = 0; vi < vn; vi++) {
        f.set(accB[vi], E.vAdd(E.get(accB[vi]), E.loadV(E.get(bPtr), vi * 16)));
      }
      f.set(bPtr, E.i32Add(E.get(bPtr), E.i32(outP * 4)));
    });
    for (let vi = 0; vi < vn; vi++) f.storeV(E.get(dw), vi * 16, E.get(accB[vi]));
  });
  return f;
}

/**
 * The gradient with respect to the layer's input, through the tanh that produced it:
 * `dx = (dz·Wᵀ) ⊙ (1 − h²)` with `h` the layer's input (a tanh output): params
 * `(dz, WT, h, dx, rows)`; `WT` is `Wᵀ` padded to `outP × pad4(inSize)`; `h` and `dx` have
 * row stride `pad4(inSize)`.
 */
export function denseGradX(s: DenseShape, blk: Blocking = DEFAULT_BLOCKING): FuncBuilder {
  const f = new FuncBuilder(["i32", "i32", "i32", "i32", "i32"]);
  const [DZ, WT, H, DX, ROWS] = [0, 1, 2, 3, 4];
  const outP = pad4(s.outSize);
  const inP = pad4(s.inSize);
  const nVec = inP / 4;
  const r = f.local("i32"), aPtr = f.local("i32"), bPtr = f.local("i32"), n = f.local("i32");
  const zRow = f.local("i32"), hRow = f.local("i32"), dRow = f.local("i32");
  const hPtr = f.local("i32"), dPtr = f.local("i32");
  const V = Math.min(blk.vecs, nVec);
  const w = Array.from({ length: V }, () => f.local("v128"));
  const sl = f.local("v128");
  const hv = f.local("v128");
  const one = f.local("v128");
  const acc = locals(f, blk.rows, V);
  f.set(one, E.f32x4(1));
  const emitRows = (R: number) => {
    blockLoop(f, nVec, V, (vn, v0) => {
      const accB = acc.slice(0, R).map((row) => row.slice(0, vn));
      const v0b = E.i32Shl(v0, E.i32(4));
      for (const row of accB) for (const a of row) f.set(a, E.f32x4(0));
      f.set(aPtr, E.get(zRow));
      f.set(bPtr, E.i32Add(f.param(WT), v0b));
      accumulate(
        f,
        accB,
        { ptr: aPtr, strideR: outP * 4, stepK: 4 },
        { ptr: bPtr, strideR: 0, stepK: inP * 4 },
        outP,
        blk.unroll,
        { w, s: sl, n },
      );
      f.set(hPtr, E.i32Add(E.get(hRow), v0b));
      f.set(dPtr, E.i32Add(E.get(dRow), v0b));
      for (let ri = 0; ri < R; ri++) {
        for (let vi = 0; vi < vn; vi++) {
          const off = ri * inP * 4 + vi * 16;
          f.set(hv, E.loadV(E.get(hPtr), off));
          f.storeV(
            E.get(dPtr),
            off,
            E.vMul(E.get(accB[ri][vi]), E.vSub(E.get(one), E.vMul(E.get(hv), E.get(hv)))),
          );
        }
      }
    });
  };
  f.set(zRow, f.param(DZ));
  f.set(hRow, f.param(H));
  f.set(dRow, f.param(DX));
  rowLoop(f, f.param(ROWS), blk.rows, r, emitRows, (R) => {
    f.set(zRow, E.i32Add(E.get(zRow), E.i32(R * outP * 4)));
    f.set(hRow, E.i32Add(E.get(hRow), E.i32(R * inP * 4)));
    f.set(dRow, E.i32Add(E.get(dRow), E.i32(R * inP * 4)));
  });
  return f;
}

/** `WT = Wᵀ` padded to `outP × pad4(inSize)` (zeros in the padding): params `(W, WT)`. */
export function transposeW(s: DenseShape): FuncBuilder {
  const f = new FuncBuilder(["i32", "i32"]);
  const outP = pad4(s.outSize), inP = pad4(s.inSize);
  const i = f.local("i32"), o = f.local("i32");
  f.for(o, E.i32(0), E.i32(outP), 1, () => {
    f.for(i, E.i32(0), E.i32(inP), 1, () => {
      const dst = E.i32Add(
        f.param(1),
        E.i32Shl(E.i32Add(E.i32Mul(E.get(o), E.i32(inP)), E.get(i)), E.i32(2)),
      );
      f.if(
        E.i32LtS(E.get(i), E.i32(s.inSize)),
        () => {
          f.storeF32(
            dst,
            0,
            E.loadF32(
              E.i32Add(
                f.param(0),
                E.i32Shl(E.i32Add(E.i32Mul(E.get(i), E.i32(outP)), E.get(o)), E.i32(2)),
              ),
            ),
          );
        },
        () => {
          f.storeF32(dst, 0, E.f32(0));
        },
      );
    });
  });
  return f;
}

/**
 * Adam (Kingma & Ba 2015, the form of PyTorch and tfjs) on `n` floats (a multiple of 4):
 * params `(p, g, m, v, n, lr, beta1, beta2, c1, c2, eps, scale)` with `c1 = 1 / (1 − β1^t)`,
 * `c2 = 1 / (1 − β2^t)`:
 *
 *     g ← scale·g;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
 *     p ← p − lr·(c1·m) / (√(c2·v) + ε)
 */
export function adamStep(): FuncBuilder {
  const f = new FuncBuilder([
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "f32",
    "f32",
    "f32",
    "f32",
    "f32",
    "f32",
    "f32",
  ]);
  const [P, G, M, Vv, N, LR, B1, B2, C1, C2, EPS, SCALE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const k = f.local("i32");
  const g = f.local("v128"), m = f.local("v128"), v = f.local("v128");
  const lr = f.local("v128"), b1 = f.local("v128"), b2 = f.local("v128"), c1 = f.local("v128");
  const c2 = f.local("v128"), eps = f.local("v128"), sc = f.local("v128");
  const ob1 = f.local("v128"), ob2 = f.local("v128");
  f.set(lr, E.splat(f.param(LR)));
  f.set(b1, E.splat(f.param(B1)));
  f.set(b2, E.splat(f.param(B2)));
  f.set(ob1, E.vSub(E.f32x4(1), E.get(b1)));
  f.set(ob2, E.vSub(E.f32x4(1), E.get(b2)));
  f.set(c1, E.splat(f.param(C1)));
  f.set(c2, E.splat(f.param(C2)));
  f.set(eps, E.splat(f.param(EPS)));
  f.set(sc, E.splat(f.param(SCALE)));
  const at = (base: number) => E.i32Add(f.param(base), E.get(k));
  f.for(k, E.i32(0), E.i32Shl(f.param(N), E.i32(2)), 16, () => {
    f.set(g, E.vMul(E.loadV(at(G)), E.get(sc)));
    f.set(m, E.vAdd(E.vMul(E.get(b1), E.loadV(at(M))), E.vMul(E.get(ob1), E.get(g))));
    f.set(
      v,
      E.vAdd(E.vMul(E.get(b2), E.loadV(at(Vv))), E.vMul(E.get(ob2), E.vMul(E.get(g), E.get(g)))),
    );
    f.storeV(at(M), 0, E.get(m));
    f.storeV(at(Vv), 0, E.get(v));
    f.storeV(
      at(P),
      0,
      E.vSub(
        E.loadV(at(P)),
        E.vDiv(
          E.vMul(E.get(lr), E.vMul(E.get(c1), E.get(m))),
          E.vAdd(E.vSqrt(E.vMul(E.get(c2), E.get(v))), E.get(eps)),
        ),
      ),
    );
  });
  return f;
}

/**
 * `out[j] = Σ_s slots[s][j]` for `n` floats (a multiple of 4), slots added in order
 * `0, 1, …, count − 1` (a fixed order, so the sum does not depend on who computed which
 * slot): params `(slots, strideBytes, count, out, n)`.
 */
export function sumSlots(): FuncBuilder {
  const f = new FuncBuilder(["i32", "i32", "i32", "i32", "i32"]);
  const [S, STRIDE, COUNT, OUT, N] = [0, 1, 2, 3, 4];
  const k = f.local("i32"), s = f.local("i32"), p = f.local("i32");
  const acc = f.local("v128");
  f.for(k, E.i32(0), E.i32Shl(f.param(N), E.i32(2)), 16, () => {
    f.set(p, E.i32Add(f.param(S), E.get(k)));
    f.set(acc, E.loadV(E.get(p)));
    f.for(s, E.i32(1), f.param(COUNT), 1, () => {
      f.set(p, E.i32Add(E.get(p), f.param(STRIDE)));
      f.set(acc, E.vAdd(E.get(acc), E.loadV(E.get(p))));
    });
    f.storeV(E.i32Add(f.param(OUT), E.get(k)), 0, E.get(acc));
  });
  return f;
}

/** `tanh` over `n` floats (a multiple of 4) in place: params `(ptr, n)` (for tests). */
export function tanhInPlace(): FuncBuilder {
  const f = new FuncBuilder(["i32", "i32"]);
  const c = new Constants(f);
  emitTanhPass(f, c, f.param(0), f.param(1));
  c.prologue(0);
  return f;
}

export type { Expr };
