/**
 * A minimal WebAssembly binary writer, enough to generate ALPE's SIMD kernels at run time:
 * functions over an imported (optionally shared) memory, i32/f32/f64/v128 locals, structured
 * control flow and the scalar and 128-bit SIMD instructions the kernels use. No toolchain and
 * no binary blob: the kernels are TypeScript that emits bytes, so they are specialized to the
 * network's shape and reviewable as source.
 *
 * Only deterministic instructions are offered (no relaxed SIMD): the same module computes the
 * same bits on every machine.
 *
 * @module
 */

/** A WebAssembly value type. */
export type ValType = "i32" | "f32" | "f64" | "v128";

const TYPE_CODE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** An expression: code that pushes one value (or nothing, for statements). */
export type Expr = (f: FuncBuilder) => void;

/** A local variable of a function. */
export interface Local {
  /** Local index. */
  readonly index: number;
  /** Its type. */
  readonly type: ValType;
}

function append(out: number[], bytes: readonly number[]): void {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
}

function uleb(out: number[], v: number): void {
  let x = v >>> 0;
  do {
    let b = x & 0x7f;
    x >>>= 7;
    if (x !== 0) b |= 0x80;
    out.push(b);
  } while (x !== 0);
}

function sleb(out: number[], v: number): void {
  let x = v | 0;
  for (;;) {
    const b = x & 0x7f;
    x >>= 7;
    if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

const f32Buf = new DataView(new ArrayBuffer(8));

/** SIMD opcodes (after the 0xfd prefix) used by the kernels. */
export const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Eq: 0x41,
  f32x4Lt: 0x43,
  f32x4Gt: 0x44,
  f32x4Le: 0x45,
  f32x4Ge: 0x46,
  not: 0x4d,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  f32x4Nearest: 0x6a,
  i32x4Shl: 0xab,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  f32x4Abs: 0xe0,
  f32x4Neg: 0xe1,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  f32x4Pmin: 0xea,
  f32x4Pmax: 0xeb,
  i32x4TruncSatF32x4S: 0xf8,
  f32x4ConvertI32x4S: 0xfa,
} as const;

/** Scalar opcodes used by the kernels. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  drop: 0x1a,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Store: 0x36,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
  f32Const: 0x43,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Shl: 0x74,
  f32Abs: 0x8b,
  f32Neg: 0x8c,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
  f32Min: 0x96,
  f32Max: 0x97,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
} as const;

/**
 * Builds one function body. Values are pushed by {@linkcode Expr}s; statements emit directly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FuncBuilder, buildModule, E } from "./wasm.ts";
 * const f = new FuncBuilder(["f32", "f32"], ["f32"]);
 * E.f32Add(f.param(0), f.param(1))(f);
 * const bytes = buildModule([{ name: "add", func: f }]);
 * const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
 *   env: { memory: new WebAssembly.Memory({ initial: 1 }) },
 * });
 * assert.equal((inst.exports.add as (a: number, b: number) => number)(1.5, 2), 3.5);
 * ```
 */
export class FuncBuilder {
  /** Parameter types. */
  readonly params: readonly ValType[];
  /** Result types. */
  readonly results: readonly ValType[];
  readonly #locals: ValType[] = [];
  /** The code bytes so far. */
  readonly code: number[] = [];

  /** A function with the given parameter and result types. */
  constructor(params: ValType[], results: ValType[] = []) {
    this.params = params;
    this.results = results;
  }

  /** Parameter `i` as an expression. */
  param(i: number): Expr {
    return (f) => {
      f.code.push(OP.localGet);
      uleb(f.code, i);
    };
  }

  /** A new local of type `t`. */
  local(t: ValType): Local {
    this.#locals.push(t);
    return { index: this.params.length + this.#locals.length - 1, type: t };
  }

  /** Emits raw bytes. */
  raw(...bytes: number[]): this {
    append(this.code, bytes);
    return this;
  }

  /** Emits the expressions in order. */
  emit(...exprs: Expr[]): this {
    for (const e of exprs) e(this);
    return this;
  }

  /** `local = value`. */
  set(l: Local | number, value: Expr): this {
    value(this);
    this.code.push(OP.localSet);
    uleb(this.code, typeof l === "number" ? l : l.index);
    return this;
  }

  /** A block whose `br 0` jumps past its end. */
  block(body: () => void): this {
    this.code.push(OP.block, 0x40);
    body();
    this.code.push(OP.end);
    return this;
  }

  /** A loop whose `br 0` jumps back to its start. */
  loop(body: () => void): this {
    this.code.push(OP.loop, 0x40);
    body();
    this.code.push(OP.end);
    return this;
  }

  /** `br_if depth` on `cond`. */
  brIf(depth: number, cond: Expr): this {
    cond(this);
    this.code.push(OP.brIf);
    uleb(this.code, depth);
    return this;
  }

  /** `if (cond) then() else otherwise()`. */
  if(cond: Expr, then: () => void, otherwise?: () => void): this {
    cond(this);
    this.code.push(OP.if, 0x40);
    then();
    if (otherwise) {
      this.code.push(OP.else);
      otherwise();
    }
    this.code.push(OP.end);
    return this;
  }

  /**
   * `for (i = from; i < to; i += step) body()`, with `i` an i32 local; the body runs at
   * least zero times (the condition is checked first).
   */
  for(i: Local, from: Expr, to: Expr, step: number, body: () => void): this {
    this.set(i, from);
    this.block(() => {
      this.brIf(0, E.i32GeS(E.get(i), to));
      this.loop(() => {
        body();
        this.set(i, E.i32Add(E.get(i), E.i32(step)));
        this.brIf(0, E.i32LtS(E.get(i), to));
      });
    });
    return this;
  }

  /** Stores `value` (a v128) at `addr + offset`. */
  storeV(addr: Expr, offset: number, value: Expr): this {
    addr(this);
    value(this);
    this.code.push(0xfd);
    uleb(this.code, SIMD.store);
    this.code.push(4);
    uleb(this.code, offset);
    return this;
  }

  /** Stores `value` (an f32) at `addr + offset`. */
  storeF32(addr: Expr, offset: number, value: Expr): this {
    addr(this);
    value(this);
    this.code.push(OP.f32Store, 2);
    uleb(this.code, offset);
    return this;
  }

  /** Stores `value` (an i32) at `addr + offset`. */
  storeI32(addr: Expr, offset: number, value: Expr): this {
    addr(this);
    value(this);
    this.code.push(OP.i32Store, 2);
    uleb(this.code, offset);
    return this;
  }

  /** The function body as bytes (locals declaration, code, end). */
  body(): number[] {
    const out: number[] = [];
    const groups: [number, ValType][] = [];
    for (const t of this.#locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(out, groups.length);
    for (const [n, t] of groups) {
      uleb(out, n);
      out.push(TYPE_CODE[t]);
    }
    append(out, this.code);
    out.push(OP.end);
    return out;
  }
}

function bin(op: number): (a: Expr, b: Expr) => Expr {
  return (a, b) => (f) => {
    a(f);
    b(f);
    f.code.push(op);
  };
}

function un(op: number): (a: Expr) => Expr {
  return (a) => (f) => {
    a(f);
    f.code.push(op);
  };
}

function simd(op: number): number[] {
  const out = [0xfd];
  uleb(out, op);
  return out;
}

function vbin(op: number): (a: Expr, b: Expr) => Expr {
  const bytes = simd(op);
  return (a, b) => (f) => {
    a(f);
    b(f);
    f.code.push(...bytes);
  };
}

function vun(op: number): (a: Expr) => Expr {
  const bytes = simd(op);
  return (a) => (f) => {
    a(f);
    f.code.push(...bytes);
  };
}

/** Expression constructors (post-order emitters). */
export const E = {
  /** The value of a local. */
  get: (l: Local): Expr => (f) => {
    f.code.push(OP.localGet);
    uleb(f.code, l.index);
  },
  /** Sets a local and keeps its value on the stack. */
  tee: (l: Local, v: Expr): Expr => (f) => {
    v(f);
    f.code.push(OP.localTee);
    uleb(f.code, l.index);
  },
  /** An i32 constant. */
  i32: (v: number): Expr => (f) => {
    f.code.push(OP.i32Const);
    sleb(f.code, v);
  },
  /** An f32 constant. */
  f32: (v: number): Expr => (f) => {
    f32Buf.setFloat32(0, v, true);
    f.code.push(OP.f32Const);
    for (let i = 0; i < 4; i++) f.code.push(f32Buf.getUint8(i));
  },
  /** An f64 constant. */
  f64: (v: number): Expr => (f) => {
    f32Buf.setFloat64(0, v, true);
    f.code.push(OP.f64Const);
    for (let i = 0; i < 8; i++) f.code.push(f32Buf.getUint8(i));
  },
  /** A v128 constant with four equal f32 lanes. */
  f32x4: (v: number): Expr => (f) => {
    f.code.push(...simd(SIMD.const));
    f32Buf.setFloat32(0, v, true);
    for (let l = 0; l < 4; l++) for (let i = 0; i < 4; i++) f.code.push(f32Buf.getUint8(i));
  },
  /** A v128 constant with four equal i32 lanes. */
  i32x4: (v: number): Expr => (f) => {
    f.code.push(...simd(SIMD.const));
    f32Buf.setInt32(0, v, true);
    for (let l = 0; l < 4; l++) for (let i = 0; i < 4; i++) f.code.push(f32Buf.getUint8(i));
  },
  /** i32 load at `addr + offset`. */
  loadI32: (addr: Expr, offset = 0): Expr => (f) => {
    addr(f);
    f.code.push(OP.i32Load, 2);
    uleb(f.code, offset);
  },
  /** f32 load at `addr + offset`. */
  loadF32: (addr: Expr, offset = 0): Expr => (f) => {
    addr(f);
    f.code.push(OP.f32Load, 2);
    uleb(f.code, offset);
  },
  /** v128 load at `addr + offset`. */
  loadV: (addr: Expr, offset = 0): Expr => (f) => {
    addr(f);
    f.code.push(...simd(SIMD.load), 4);
    uleb(f.code, offset);
  },
  /** An f32 at `addr + offset` splatted to four lanes. */
  splatLoad: (addr: Expr, offset = 0): Expr => (f) => {
    addr(f);
    f.code.push(...simd(SIMD.load32Splat), 2);
    uleb(f.code, offset);
  },
  /** An f32 value splatted to four lanes. */
  splat: vun(SIMD.f32x4Splat),
  /** Lane `lane` of an f32x4. */
  lane: (v: Expr, lane: number): Expr => (f) => {
    v(f);
    f.code.push(...simd(SIMD.f32x4ExtractLane), lane);
  },
  i32Add: bin(OP.i32Add),
  i32Sub: bin(OP.i32Sub),
  i32Mul: bin(OP.i32Mul),
  i32Shl: bin(OP.i32Shl),
  i32LtS: bin(OP.i32LtS),
  i32GeS: bin(OP.i32GeS),
  i32GtS: bin(OP.i32GtS),
  i32Eq: bin(OP.i32Eq),
  i32Eqz: un(OP.i32Eqz),
  f32Add: bin(OP.f32Add),
  f32Sub: bin(OP.f32Sub),
  f32Mul: bin(OP.f32Mul),
  f32Div: bin(OP.f32Div),
  f32Sqrt: un(OP.f32Sqrt),
  f64Add: bin(OP.f64Add),
  f64Mul: bin(OP.f64Mul),
  f64FromF32: un(OP.f64PromoteF32),
  f32FromF64: un(OP.f32DemoteF64),
  vAdd: vbin(SIMD.f32x4Add),
  vSub: vbin(SIMD.f32x4Sub),
  vMul: vbin(SIMD.f32x4Mul),
  vDiv: vbin(SIMD.f32x4Div),
  vMin: vbin(SIMD.f32x4Min),
  vMax: vbin(SIMD.f32x4Max),
  /** Lane-wise `b < a ? b : a` (x86's minps; cheaper than `vMin`). */
  vPmin: vbin(SIMD.f32x4Pmin),
  /** Lane-wise `a < b ? b : a` (x86's maxps). */
  vPmax: vbin(SIMD.f32x4Pmax),
  vLt: vbin(SIMD.f32x4Lt),
  vGt: vbin(SIMD.f32x4Gt),
  vAbs: vun(SIMD.f32x4Abs),
  vNeg: vun(SIMD.f32x4Neg),
  vSqrt: vun(SIMD.f32x4Sqrt),
  vNearest: vun(SIMD.f32x4Nearest),
  vAnd: vbin(SIMD.and),
  vOr: vbin(SIMD.or),
  vXor: vbin(SIMD.xor),
  vAndNot: vbin(SIMD.andnot),
  iAdd: vbin(SIMD.i32x4Add),
  /** Lane-wise i32 shift left of a v128 by an i32 amount. */
  iShl: (a: Expr, b: Expr): Expr => (f) => {
    a(f);
    b(f);
    f.code.push(...simd(SIMD.i32x4Shl));
  },
  /** f32x4 → i32x4, truncating with saturation. */
  vToI32: vun(SIMD.i32x4TruncSatF32x4S),
  /** Lane-wise `mask ? a : b` (bitwise). */
  select: (a: Expr, b: Expr, mask: Expr): Expr => (f) => {
    a(f);
    b(f);
    mask(f);
    f.code.push(...simd(SIMD.bitselect));
  },
};

/** A function to export from a module. */
export interface ExportedFunc {
  /** Export name. */
  name: string;
  /** The function. */
  func: FuncBuilder;
}

/** Memory import settings: initial and maximum pages (64 KiB), and whether shared. */
export interface MemorySpec {
  /** Initial pages. */
  initial: number;
  /** Maximum pages (none: unbounded; required when shared). */
  maximum?: number;
  /** Shared (for workers; requires `maximum`). */
  shared: boolean;
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  append(out, content);
}

function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  uleb(out, b.length);
  out.push(...b);
}

/**
 * A module importing `env.memory` and exporting `funcs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildModule, FuncBuilder } from "./wasm.ts";
 * const bytes = buildModule([{ name: "nop", func: new FuncBuilder([]) }]);
 * assert.ok(WebAssembly.validate(bytes));
 * ```
 */
export function buildModule(
  funcs: readonly ExportedFunc[],
  memory: MemorySpec = { initial: 1, shared: false },
): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(types, funcs.length);
  for (const { func } of funcs) {
    types.push(0x60);
    uleb(types, func.params.length);
    for (const t of func.params) types.push(TYPE_CODE[t]);
    uleb(types, func.results.length);
    for (const t of func.results) types.push(TYPE_CODE[t]);
  }
  section(out, 1, types);
  const imports: number[] = [1];
  name(imports, "env");
  name(imports, "memory");
  if (memory.shared && memory.maximum === undefined) {
    throw new RangeError("a shared memory needs a maximum size");
  }
  imports.push(0x02, memory.maximum === undefined ? 0x00 : memory.shared ? 0x03 : 0x01);
  uleb(imports, memory.initial);
  if (memory.maximum !== undefined) uleb(imports, memory.maximum);
  section(out, 2, imports);
  const fns: number[] = [];
  uleb(fns, funcs.length);
  for (let i = 0; i < funcs.length; i++) uleb(fns, i);
  section(out, 3, fns);
  const exps: number[] = [];
  uleb(exps, funcs.length);
  funcs.forEach(({ name: n }, i) => {
    name(exps, n);
    exps.push(0x00);
    uleb(exps, i);
  });
  section(out, 7, exps);
  const code: number[] = [];
  uleb(code, funcs.length);
  for (const { func } of funcs) {
    const b = func.body();
    uleb(code, b.length);
    append(code, b);
  }
  section(out, 10, code);
  return new Uint8Array(out);
}
