// Transfer functions of the scalar domain for ALU instructions, following the Linux 6.18
// verifier (adjust_scalar_min_max_vals and the scalar{32,}_min_max_* functions, NEG through the
// SUB path, MOVSX through coerce_reg_to_size_sx). Ops the kernel does not track (div, sdiv, mod,
// smod, byte swaps, shifts by a non-constant or too large amount) give a fully unknown register,
// as in the kernel — even at width 32, where the kernel does not zero-extend that unknown.
// Every function returns a new Scalar and leaves its arguments untouched.

import type { AluOp } from "../isa/index.js";
import {
  S32_MAX,
  S32_MIN,
  S64_MAX,
  S64_MIN,
  markKnown,
  markKnown32,
  markUnbounded32,
  markUnbounded64,
  mutable,
  sanitizeInPlace,
  scalarConst,
  scalarFromTnum,
  scalarUnknown,
  setSext64Default,
  syncInPlace,
  updateBounds,
  updateBounds32,
  zext32To64InPlace,
  type MutScalar,
  type Scalar,
} from "./scalar.js";
import {
  TNUM_UNKNOWN,
  U32_MAX,
  U64_MAX,
  tnumAdd,
  tnumAnd,
  tnumArshift,
  tnumConst,
  tnumIsConst,
  tnumLshift,
  tnumMul,
  tnumNeg,
  tnumOr,
  tnumRange,
  tnumRshift,
  tnumSub,
  tnumSubreg,
  tnumSubregIsConst,
  tnumXor,
} from "./tnum.js";

const S32_MAX_BIG = 0x7fff_ffffn;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const u32 = (v: bigint): bigint => BigInt.asUintN(32, v);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

const inS64 = (v: bigint): boolean => v >= S64_MIN && v <= S64_MAX;
const inS32 = (v: bigint): boolean => v >= S32_MIN && v <= S32_MAX;

// ---- add / sub ----
// The kernel computes the 32- and 64-bit halves alike: signed bounds survive when neither end
// overflows the signed range; unsigned bounds survive when all sums wrap or none does (for
// sub: all differences borrow or none does).

/** Whether both ends of a signed [lo, hi] fit [min, max]. */
const fitsSigned = (lo: bigint, hi: bigint, min: bigint, max: bigint): boolean => lo >= min && lo <= max && hi >= min && hi <= max;

/** Whether the exact sums (or differences) [lo, hi] all wrap past 2^bits or none does (`top` = 2^bits - 1). */
const wrapsAlike = (lo: bigint, hi: bigint, top: bigint): boolean => !((lo >= 0n && lo <= top && hi > top) || (lo < 0n && hi >= 0n));

// Written out without tuples: this runs for every add and sub.
function addSub32(d: MutScalar, s: Scalar, sub: boolean): void {
  const lo = sub ? d.s32min - s.s32max : d.s32min + s.s32min;
  const hi = sub ? d.s32max - s.s32min : d.s32max + s.s32max;
  const fits = fitsSigned(lo, hi, S32_MIN, S32_MAX);
  d.s32min = fits ? lo : S32_MIN;
  d.s32max = fits ? hi : S32_MAX;
  const ulo = sub ? d.u32min - s.u32max : d.u32min + s.u32min;
  const uhi = sub ? d.u32max - s.u32min : d.u32max + s.u32max;
  const alike = wrapsAlike(ulo, uhi, U32_MAX);
  d.u32min = alike ? u32(ulo) : 0n;
  d.u32max = alike ? u32(uhi) : U32_MAX;
}

function addSub64(d: MutScalar, s: Scalar, sub: boolean): void {
  const lo = sub ? d.smin - s.smax : d.smin + s.smin;
  const hi = sub ? d.smax - s.smin : d.smax + s.smax;
  const fits = fitsSigned(lo, hi, S64_MIN, S64_MAX);
  d.smin = fits ? lo : S64_MIN;
  d.smax = fits ? hi : S64_MAX;
  const ulo = sub ? d.umin - s.umax : d.umin + s.umin;
  const uhi = sub ? d.umax - s.umin : d.umax + s.umax;
  const alike = wrapsAlike(ulo, uhi, U64_MAX);
  d.umin = alike ? u64(ulo) : 0n;
  d.umax = alike ? u64(uhi) : U64_MAX;
}

// ---- mul ----

function mul32(d: MutScalar, s: Scalar): void {
  const umax = d.u32max * s.u32max;
  const umin = d.u32min * s.u32min;
  if (umax > U32_MAX || umin > U32_MAX) {
    d.u32min = 0n;
    d.u32max = U32_MAX;
  } else {
    d.u32min = umin;
    d.u32max = umax;
  }
  const p0 = d.s32min * s.s32min;
  const p1 = d.s32min * s.s32max;
  const p2 = d.s32max * s.s32min;
  const p3 = d.s32max * s.s32max;
  if (!inS32(p0) || !inS32(p1) || !inS32(p2) || !inS32(p3)) {
    d.s32min = S32_MIN;
    d.s32max = S32_MAX;
  } else {
    d.s32min = min(min(p0, p1), min(p2, p3));
    d.s32max = max(max(p0, p1), max(p2, p3));
  }
}

function mul64(d: MutScalar, s: Scalar): void {
  const umax = d.umax * s.umax;
  const umin = d.umin * s.umin;
  if (umax > U64_MAX || umin > U64_MAX) {
    d.umin = 0n;
    d.umax = U64_MAX;
  } else {
    d.umin = umin;
    d.umax = umax;
  }
  const p0 = d.smin * s.smin;
  const p1 = d.smin * s.smax;
  const p2 = d.smax * s.smin;
  const p3 = d.smax * s.smax;
  if (!inS64(p0) || !inS64(p1) || !inS64(p2) || !inS64(p3)) {
    d.smin = S64_MIN;
    d.smax = S64_MAX;
  } else {
    d.smin = min(min(p0, p1), min(p2, p3));
    d.smax = max(max(p0, p1), max(p2, p3));
  }
}

// ---- bitwise (d.tnum already holds the result's tnum) ----

/** Signed bounds copied from unsigned ones when they do not cross the sign boundary. */
function signedFromUnsigned32(d: MutScalar): void {
  if (s32(d.u32min) <= s32(d.u32max)) {
    d.s32min = s32(d.u32min);
    d.s32max = s32(d.u32max);
  } else {
    d.s32min = S32_MIN;
    d.s32max = S32_MAX;
  }
}

function signedFromUnsigned64(d: MutScalar): void {
  if (s64(d.umin) <= s64(d.umax)) {
    d.smin = s64(d.umin);
    d.smax = s64(d.umax);
  } else {
    d.smin = S64_MIN;
    d.smax = S64_MAX;
  }
}

function and32(d: MutScalar, s: Scalar, dstKnown: boolean): void {
  const t = tnumSubreg(d.tnum);
  if (dstKnown && tnumSubregIsConst(s.tnum)) {
    markKnown32(d, t.value);
    return;
  }
  d.u32min = t.value;
  d.u32max = min(d.u32max, s.u32max);
  signedFromUnsigned32(d);
}

function and64(d: MutScalar, s: Scalar, dstKnown: boolean): void {
  if (dstKnown && tnumIsConst(s.tnum)) {
    markKnown(d, d.tnum.value);
    return;
  }
  d.umin = d.tnum.value;
  d.umax = min(d.umax, s.umax);
  signedFromUnsigned64(d);
  updateBounds(d);
}

function or32(d: MutScalar, s: Scalar, dstKnown: boolean): void {
  const t = tnumSubreg(d.tnum);
  if (dstKnown && tnumSubregIsConst(s.tnum)) {
    markKnown32(d, t.value);
    return;
  }
  d.u32min = max(d.u32min, s.u32min);
  d.u32max = t.value | t.mask;
  signedFromUnsigned32(d);
}

function or64(d: MutScalar, s: Scalar, dstKnown: boolean): void {
  if (dstKnown && tnumIsConst(s.tnum)) {
    markKnown(d, d.tnum.value);
    return;
  }
  d.umin = max(d.umin, s.umin);
  d.umax = d.tnum.value | d.tnum.mask;
  signedFromUnsigned64(d);
  updateBounds(d);
}

function xor32(d: MutScalar, s: Scalar, dstKnown: boolean): void {
  const t = tnumSubreg(d.tnum);
  if (dstKnown && tnumSubregIsConst(s.tnum)) {
    markKnown32(d, t.value);
    return;
  }
  d.u32min = t.value;
  d.u32max = t.value | t.mask;
  signedFromUnsigned32(d);
}

function xor64(d: MutScalar, s: Scalar, dstKnown: boolean): void {
  if (dstKnown && tnumIsConst(s.tnum)) {
    markKnown(d, d.tnum.value);
    return;
  }
  d.umin = d.tnum.value;
  d.umax = d.tnum.value | d.tnum.mask;
  signedFromUnsigned64(d);
  updateBounds(d);
}

// ---- shifts (the amount is a constant below the width; callers checked) ----

function lshBounds32(d: MutScalar, sh: bigint): void {
  d.s32min = S32_MIN;
  d.s32max = S32_MAX;
  if (sh > 31n || d.u32max > 1n << (31n - sh)) {
    d.u32min = 0n;
    d.u32max = U32_MAX;
  } else {
    d.u32min = u32(d.u32min << sh);
    d.u32max = u32(d.u32max << sh);
  }
}

function lshBounds64(d: MutScalar, sh: bigint): void {
  // `x << 32` of a non-negative s32 is how compilers start a sign extension; keep its range.
  d.smax = sh === 32n && d.s32max >= 0n ? d.s32max << 32n : S64_MAX;
  d.smin = sh === 32n && d.s32min >= 0n ? d.s32min << 32n : S64_MIN;
  if (d.umax > 1n << (63n - sh)) {
    d.umin = 0n;
    d.umax = U64_MAX;
  } else {
    d.umin = u64(d.umin << sh);
    d.umax = u64(d.umax << sh);
  }
}

function shift32(op: "lsh" | "rsh" | "arsh", d: MutScalar, sh: bigint): void {
  const sub = tnumSubreg(d.tnum);
  const n = Number(sh);
  switch (op) {
    case "lsh":
      lshBounds32(d, sh);
      d.tnum = tnumSubreg(tnumLshift(sub, n));
      break;
    case "rsh":
      d.s32min = S32_MIN;
      d.s32max = S32_MAX;
      d.tnum = tnumRshift(sub, n);
      d.u32min >>= sh;
      d.u32max >>= sh;
      break;
    case "arsh":
      d.s32min >>= sh;
      d.s32max >>= sh;
      d.tnum = tnumArshift(sub, n, 32);
      d.u32min = 0n;
      d.u32max = U32_MAX;
      break;
  }
  markUnbounded64(d);
  updateBounds32(d);
}

function shift64(op: "lsh" | "rsh" | "arsh", d: MutScalar, sh: bigint): void {
  const n = Number(sh);
  switch (op) {
    case "lsh":
      lshBounds64(d, sh);
      lshBounds32(d, sh);
      d.tnum = tnumLshift(d.tnum, n);
      break;
    case "rsh":
      d.smin = S64_MIN;
      d.smax = S64_MAX;
      d.tnum = tnumRshift(d.tnum, n);
      d.umin >>= sh;
      d.umax >>= sh;
      markUnbounded32(d);
      break;
    case "arsh":
      d.smin >>= sh;
      d.smax >>= sh;
      d.tnum = tnumArshift(d.tnum, n, 64);
      d.umin = 0n;
      d.umax = U64_MAX;
      markUnbounded32(d);
      break;
  }
  updateBounds(d);
}

/**
 * Whether the kernel computes a range for `dst op src` at all (is_safe_to_compute_dst_reg_range):
 * add/sub/mul/and/or/xor always, shifts only by a constant below the width (the 64-bit umax of
 * the amount is what the kernel checks, even at width 32).
 */
function tracked(op: AluOp, width: 32 | 64, src: Scalar): boolean {
  switch (op) {
    case "add":
    case "sub":
    case "mul":
    case "and":
    case "or":
    case "xor":
      return true;
    case "lsh":
    case "rsh":
    case "arsh": {
      const known =
        width === 32
          ? tnumSubregIsConst(src.tnum) && src.s32min === src.s32max && src.u32min === src.u32max
          : tnumIsConst(src.tnum) && src.smin === src.smax && src.umin === src.umax;
      return known && src.umax < BigInt(width);
    }
    case "div":
    case "sdiv":
    case "mod":
    case "smod":
    case "mov":
      return false;
  }
}

/** Finishes an ALU result: zero extension at width 32, reg_bounds_sync, the sanity check. */
function finish(d: MutScalar, width: 32 | 64): Scalar {
  if (width === 32) zext32To64InPlace(d);
  syncInPlace(d);
  sanitizeInPlace(d);
  return d;
}

/**
 * `dst op src` at `width` bits on scalars, incl. `mov` (src copied; at width 32 its low half
 * zero-extended). The result of a 32-bit op has its upper half known zero.
 */
export function scalarAlu(op: AluOp, width: 32 | 64, dst: Scalar, src: Scalar): Scalar {
  if (op === "mov" && width === 64) return src;
  if (isExactConst(src) && (op === "mov" || isExactConst(dst))) {
    const v = constAlu(op, width, dst.tnum.value, src.tnum.value);
    if (v !== undefined) return scalarConst(v);
  }
  return scalarAluRef(op, width, dst, src);
}

/** A constant whose every bound is that constant (what scalarConst builds and a sync of a constant tnum leaves). */
function isExactConst(s: Scalar): boolean {
  const v = s.tnum.value;
  return s.tnum.mask === 0n && s.umin === v && s.umax === v && s.u32min === s.u32max && s.s32min === s.s32max && s.smin === s.smax;
}

/**
 * `dst op src` on two exact constants: the value the transfer functions below arrive at (tnum
 * arithmetic on constants is exact, and the sync collapses every bound onto a constant tnum),
 * without the bounds arithmetic. Undefined for the ops the kernel does not track, which give
 * an unknown register instead.
 */
function constAlu(op: AluOp, width: 32 | 64, d: bigint, s: bigint): bigint | undefined {
  const w32 = width === 32;
  const a = w32 ? d & U32_MAX : d;
  const b = w32 ? s & U32_MAX : s;
  const wrap = w32 ? u32 : u64;
  switch (op) {
    case "mov":
      return b;
    case "add": {
      // A sum below 2^31 needs no wrap (BigInt.asUintN allocates even when nothing changes).
      const r = a + b;
      return r <= S32_MAX_BIG ? r : wrap(r);
    }
    case "sub": {
      const r = a - b;
      return r >= 0n ? r : wrap(r);
    }
    case "mul":
      return wrap(a * b);
    case "and":
      return a & b;
    case "or":
      return a | b;
    case "xor":
      return a ^ b;
    case "lsh":
    case "rsh":
    case "arsh":
      // Tracked only for an amount below the width, judged on the 64-bit value.
      if (s >= BigInt(width)) return undefined;
      if (op === "lsh") return wrap(a << s);
      if (op === "rsh") return a >> s;
      return wrap((w32 ? s32(a) : s64(a)) >> s);
    default:
      return undefined;
  }
}

/** scalarAlu without the constant shortcut: the reference the shortcut must equal. */
export function scalarAluRef(op: AluOp, width: 32 | 64, dst: Scalar, src: Scalar): Scalar {
  if (op === "mov") {
    if (width === 64) return src;
    return finish(mutable(src), 32);
  }
  if (!tracked(op, width, src)) return scalarUnknown();
  const d = mutable(dst);
  const w32 = width === 32;
  switch (op) {
    case "add":
      addSub32(d, src, false);
      addSub64(d, src, false);
      d.tnum = tnumAdd(dst.tnum, src.tnum);
      break;
    case "sub":
      addSub32(d, src, true);
      addSub64(d, src, true);
      d.tnum = tnumSub(dst.tnum, src.tnum);
      break;
    case "mul":
      d.tnum = tnumMul(dst.tnum, src.tnum);
      mul32(d, src);
      mul64(d, src);
      break;
    case "and":
      d.tnum = tnumAnd(dst.tnum, src.tnum);
      and32(d, src, tnumSubregIsConst(dst.tnum));
      and64(d, src, tnumIsConst(dst.tnum));
      break;
    case "or":
      d.tnum = tnumOr(dst.tnum, src.tnum);
      or32(d, src, tnumSubregIsConst(dst.tnum));
      or64(d, src, tnumIsConst(dst.tnum));
      break;
    case "xor":
      d.tnum = tnumXor(dst.tnum, src.tnum);
      xor32(d, src, tnumSubregIsConst(dst.tnum));
      xor64(d, src, tnumIsConst(dst.tnum));
      break;
    case "lsh":
    case "rsh":
    case "arsh":
      if (w32) shift32(op, d, src.u32min);
      else shift64(op, d, src.umin);
      break;
    default:
      throw new Error(`scalarAlu: unreachable op ${op}`);
  }
  return finish(d, width);
}

/** `dst = -dst` at `width` (the kernel computes 0 - dst on the bounds and tnum_neg on bits). */
export function scalarNeg(width: 32 | 64, dst: Scalar): Scalar {
  const d = mutable(scalarConst(0n));
  addSub32(d, dst, true);
  addSub64(d, dst, true);
  d.tnum = tnumNeg(dst.tnum);
  return finish(d, width);
}

/**
 * Byte-order conversion (le/be/bswap of 16/32/64 bits), as the 6.18 kernel tracks it (checked
 * by test/verifier/rules.test.ts against the running kernel): on a little-endian machine `le`
 * is a truncation to `bits` that keeps the bounds when they fit; `be` and `bswap` swap the
 * known bits byte-wise and keep only what the swapped tnum says (ranges do not survive a swap).
 */
export function scalarEndian(order: "le" | "be" | "bswap", bits: 16 | 32 | 64, dst: Scalar): Scalar {
  const size = (bits / 8) as 2 | 4 | 8;
  if (order === "le") return size === 8 ? dst : scalarTruncate(size, dst);
  const swap = (v: bigint): bigint => {
    let out = 0n;
    for (let i = 0n; i < BigInt(size); i++) out = (out << 8n) | ((v >> (8n * i)) & 0xffn);
    return out;
  };
  return scalarFromTnum({ value: swap(dst.tnum.value), mask: swap(dst.tnum.mask) });
}

/** The kernel's coerce_reg_to_size_sx: the low `size` bytes sign-extended to 64 bits. */
function coerceSx64(d: MutScalar, size: 1 | 2 | 4): void {
  const bits = size * 8;
  if (tnumIsConst(d.tnum)) {
    markKnown(d, BigInt.asIntN(bits, d.tnum.value));
    return;
  }
  const nb = BigInt(bits);
  // (s32): the 6.18.44 kernel takes the value's s32 bounds as the result's signed bounds
  // (probed: `(s32)(x << 32)` is 0, `w0 s<= 5 && w0 s>= -3` gives [-3, 5]); the narrower
  // sizes keep the rule below, which needs the 64-bit bounds to agree above the low bits.
  if (size === 4) {
    const lo = d.s32min;
    const hi = d.s32max;
    if (hi >= 0n === lo >= 0n) {
      d.smin = lo;
      d.smax = hi;
      d.umin = u64(lo);
      d.umax = u64(hi);
      d.u32min = u32(lo);
      d.u32max = u32(hi);
      d.tnum = tnumRange(u64(lo), u64(hi));
      return;
    }
    setSext64Default(d, size);
    d.smin = d.s32min = lo;
    d.smax = d.s32max = hi;
    return;
  }
  if (u64(d.smax) >> nb !== u64(d.smin) >> nb) {
    setSext64Default(d, size);
    return;
  }
  const a = BigInt.asIntN(bits, d.smax);
  const b = BigInt.asIntN(bits, d.smin);
  const hi = max(a, b);
  const lo = min(a, b);
  if (hi >= 0n === lo >= 0n) {
    d.smin = d.s32min = lo;
    d.smax = d.s32max = hi;
    d.umin = u64(lo);
    d.umax = u64(hi);
    d.u32min = u32(lo);
    d.u32max = u32(hi);
    d.tnum = tnumRange(u64(lo), u64(hi));
    return;
  }
  setSext64Default(d, size);
}

/** The kernel's coerce_subreg_to_size_sx: the low `size` bytes sign-extended to 32 bits. */
function coerceSx32(d: MutScalar, size: 1 | 2): void {
  const bits = size * 8;
  if (tnumIsConst(d.tnum)) {
    // The kernel tests the whole 64-bit tnum here, and keeps a sign-extended 64-bit constant
    // until the zero extension that follows.
    const v = BigInt.asIntN(bits, d.tnum.value);
    d.tnum = tnumConst(v);
    d.s32min = d.s32max = s32(v);
    d.u32min = d.u32max = u32(v);
    return;
  }
  const nb = BigInt(bits);
  if (u32(d.s32max) >> nb === u32(d.s32min) >> nb) {
    const a = BigInt.asIntN(bits, d.s32max);
    const b = BigInt.asIntN(bits, d.s32min);
    const hi = max(a, b);
    const lo = min(a, b);
    if (hi >= 0n === lo >= 0n) {
      d.s32min = lo;
      d.s32max = hi;
      d.u32min = u32(lo);
      d.u32max = u32(hi);
      d.tnum = tnumSubreg(tnumRange(u64(lo), u64(hi)));
      return;
    }
  }
  const half = 1n << (nb - 1n);
  d.s32min = -half;
  d.s32max = half - 1n;
  d.u32min = 0n;
  d.u32max = U32_MAX;
  d.tnum = tnumSubreg(TNUM_UNKNOWN);
}

/**
 * `dst = (s8/s16/s32) src` (MOVSX). At width 64 the kernel copies and coerces without a
 * bounds sync; at width 32 (bits 8 or 16) it coerces the subregister, zero-extends and syncs.
 */
export function scalarMovsx(width: 32 | 64, bits: 8 | 16 | 32, src: Scalar): Scalar {
  const d = mutable(src);
  if (width === 64) {
    coerceSx64(d, (bits / 8) as 1 | 2 | 4);
    return d;
  }
  if (bits === 32) throw new Error("scalarMovsx: a 32-bit movsx of 32 bits is not an instruction");
  coerceSx32(d, (bits / 8) as 1 | 2);
  return finish(d, 32);
}

/** A sign-extending load (LDX MEMSX) of `size` bytes from a known scalar (e.g. a spilled constant). */
export function scalarSignExtend(size: 1 | 2 | 4, src: Scalar): Scalar {
  const d = mutable(src);
  coerceSx64(d, size);
  return d;
}

/** The kernel's coerce_reg_to_size: a zero-extending narrow load of a known scalar. */
export function scalarTruncate(size: 1 | 2 | 4, src: Scalar): Scalar {
  const d = mutable(src);
  const mask = (1n << BigInt(size * 8)) - 1n;
  d.tnum = { value: d.tnum.value & mask, mask: d.tnum.mask & mask };
  if ((d.umin & ~mask) === (d.umax & ~mask)) {
    d.umin &= mask;
    d.umax &= mask;
  } else {
    d.umin = 0n;
    d.umax = mask;
  }
  d.smin = d.umin;
  d.smax = d.umax;
  if (size < 4) markUnbounded32(d);
  syncInPlace(d);
  return d;
}
