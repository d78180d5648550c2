// A minimal WebAssembly binary writer for the compiled tier: LEB128, value types, opcodes
// and the module sections the compiler needs (types, imports, functions, exports, code).
// It writes bytes only; validation is left to WebAssembly.Module, which the tier calls.

export const I32 = 0x7f;
export const I64 = 0x7e;
export const EMPTY = 0x40;

/** The opcodes the compiler emits, by their text-format names. */
export const Op = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_table: 0x0e,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  i32_load: 0x28,
  i64_load: 0x29,
  i64_load8_u: 0x31,
  i64_load16_u: 0x33,
  i64_load32_u: 0x35,
  i64_store: 0x37,
  i64_store8: 0x3c,
  i64_store16: 0x3d,
  i64_store32: 0x3e,
  i32_const: 0x41,
  i64_const: 0x42,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ge_s: 0x4e,
  i32_ge_u: 0x4f,
  i32_lt_u: 0x49,
  i64_eqz: 0x50,
  i64_lt_s: 0x53,
  i64_lt_u: 0x54,
  i64_gt_u: 0x56,
  i64_le_u: 0x58,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_shl: 0x74,
  i32_shr_u: 0x76,
  i32_rotl: 0x77,
  i64_add: 0x7c,
  i64_sub: 0x7d,
  i64_and: 0x83,
  i64_or: 0x84,
  i64_shl: 0x86,
  i64_shr_u: 0x88,
  i32_wrap_i64: 0xa7,
  i64_extend_i32_u: 0xad,
  i32_extend8_s: 0xc0,
  i32_extend16_s: 0xc1,
  i64_extend8_s: 0xc2,
  i64_extend16_s: 0xc3,
  i64_extend32_s: 0xc4,
} as const;

/** i32 and i64 comparison/arithmetic opcodes are at a fixed distance: i64 = i32 + this for the binary ops used. */
export const I32_BIN: Readonly<Record<string, number>> = {
  eq: 0x46, ne: 0x47, lt_s: 0x48, lt_u: 0x49, gt_s: 0x4a, gt_u: 0x4b, le_s: 0x4c, le_u: 0x4d, ge_s: 0x4e, ge_u: 0x4f,
  add: 0x6a, sub: 0x6b, mul: 0x6c, div_s: 0x6d, div_u: 0x6e, rem_s: 0x6f, rem_u: 0x70, and: 0x71, or: 0x72, xor: 0x73, shl: 0x74, shr_s: 0x75, shr_u: 0x76,
};
export const I64_BIN: Readonly<Record<string, number>> = {
  eq: 0x51, ne: 0x52, lt_s: 0x53, lt_u: 0x54, gt_s: 0x55, gt_u: 0x56, le_s: 0x57, le_u: 0x58, ge_s: 0x59, ge_u: 0x5a,
  add: 0x7c, sub: 0x7d, mul: 0x7e, div_s: 0x7f, div_u: 0x80, rem_s: 0x81, rem_u: 0x82, and: 0x83, or: 0x84, xor: 0x85, shl: 0x86, shr_s: 0x87, shr_u: 0x88,
};

export function uleb(out: number[], v: number): void {
  let n = v >>> 0;
  do {
    const b = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? b : b | 0x80);
  } while (n !== 0);
}

export function sleb(out: number[], value: bigint): void {
  let v = value;
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** A function body under construction: instruction bytes. */
export class Code {
  readonly bytes: number[] = [];
  op(...ops: number[]): this {
    for (const o of ops) this.bytes.push(o);
    return this;
  }
  get(local: number): this {
    this.bytes.push(Op.local_get);
    uleb(this.bytes, local);
    return this;
  }
  set(local: number): this {
    this.bytes.push(Op.local_set);
    uleb(this.bytes, local);
    return this;
  }
  tee(local: number): this {
    this.bytes.push(Op.local_tee);
    uleb(this.bytes, local);
    return this;
  }
  i32(v: number): this {
    this.bytes.push(Op.i32_const);
    sleb(this.bytes, BigInt(v | 0));
    return this;
  }
  i64(v: bigint): this {
    this.bytes.push(Op.i64_const);
    sleb(this.bytes, BigInt.asIntN(64, v));
    return this;
  }
  /** A call, br or other op with one unsigned immediate. */
  idx(op: number, n: number): this {
    this.bytes.push(op);
    uleb(this.bytes, n);
    return this;
  }
  /** A load or store with natural alignment and a static offset. */
  mem(op: number, align: number, offset: number): this {
    this.bytes.push(op);
    uleb(this.bytes, align);
    uleb(this.bytes, offset);
    return this;
  }
  memoryFill(): this {
    this.bytes.push(0xfc, 0x0b, 0x00);
    return this;
  }
}

export interface FuncType {
  readonly params: readonly number[];
  readonly results: readonly number[];
}

export interface ModuleSpec {
  readonly types: readonly FuncType[];
  /** Imported functions ("env", name, type index), then the memory. */
  readonly importFuncs: readonly { readonly name: string; readonly type: number }[];
  readonly funcs: readonly { readonly type: number; readonly locals: readonly number[]; readonly code: Code }[];
  /** Exported functions by index in the function index space. */
  readonly exports: readonly { readonly name: string; readonly func: number }[];
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  append(out, body);
}

/** Pushes without spreading, so large bodies do not overflow the argument limit. */
function append(out: number[], more: readonly number[]): void {
  for (const b of more) out.push(b);
}

function vec<T>(out: number[], items: readonly T[], write: (o: number[], item: T) => void): void {
  uleb(out, items.length);
  for (const it of items) write(out, it);
}

function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  uleb(out, b.length);
  for (const x of b) out.push(x);
}

/** Encodes a module importing env.memory (1 page, no growth). */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  vec(types, spec.types, (o, t) => {
    o.push(0x60);
    vec(o, t.params, (oo, p) => oo.push(p));
    vec(o, t.results, (oo, r) => oo.push(r));
  });
  section(out, 1, types);
  const imports: number[] = [];
  uleb(imports, spec.importFuncs.length + 1);
  for (const f of spec.importFuncs) {
    name(imports, "env");
    name(imports, f.name);
    imports.push(0x00);
    uleb(imports, f.type);
  }
  name(imports, "env");
  name(imports, "memory");
  imports.push(0x02, 0x01, 0x01, 0x01);
  section(out, 2, imports);
  const funcs: number[] = [];
  vec(funcs, spec.funcs, (o, f) => uleb(o, f.type));
  section(out, 3, funcs);
  const exports: number[] = [];
  vec(exports, spec.exports, (o, e) => {
    name(o, e.name);
    o.push(0x00);
    uleb(o, e.func);
  });
  section(out, 7, exports);
  const code: number[] = [];
  vec(code, spec.funcs, (o, f) => {
    const body: number[] = [];
    // Locals grouped in runs of the same type.
    const groups: [number, number][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    vec(body, groups, (oo, [n, t]) => {
      uleb(oo, n);
      oo.push(t);
    });
    append(body, f.code.bytes);
    body.push(Op.end);
    uleb(o, body.length);
    append(o, body);
  });
  section(out, 10, code);
  return Uint8Array.from(out);
}
