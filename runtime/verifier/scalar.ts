// The verifier's scalar abstract domain: a tnum plus unsigned/signed bounds at 64 and 32 bits,
// as the kernel's struct bpf_reg_state carries them for SCALAR_VALUE registers.
// Invariants of a well-formed Scalar: umin <= umax in [0, 2^64), smin <= smax in [-2^63, 2^63),
// u32min <= u32max in [0, 2^32), s32min <= s32max in [-2^31, 2^31), tnum well formed; every
// concrete value the register may hold satisfies all five descriptions at once.
// `syncBounds` is the kernel's reg_bounds_sync (6.18): each description tightens the others.
// Objects are plain and never mutated after they are returned; internal helpers work on a
// mutable copy (`MutScalar`) to avoid one allocation per step on this hot path.

import {
  TNUM_UNKNOWN,
  U32_MAX,
  U64_MAX,
  formatTnum,
  tnumCast,
  tnumClearSubreg,
  tnumConst,
  tnumContains,
  tnumIn,
  tnumIntersect,
  tnumIsConst,
  tnumIsUnknown,
  tnumOr,
  tnumRange,
  tnumSubreg,
  tnumSubregIsConst,
  type Tnum,
} from "./tnum.js";
import { syncFast } from "./scalar-sync.js";

export interface Scalar {
  readonly tnum: Tnum;
  readonly smin: bigint;
  readonly smax: bigint;
  readonly umin: bigint;
  readonly umax: bigint;
  readonly s32min: bigint;
  readonly s32max: bigint;
  readonly u32min: bigint;
  readonly u32max: bigint;
}

export type MutScalar = { -readonly [K in keyof Scalar]: Scalar[K] };

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const S32_MIN = -(1n << 31n);
export const S32_MAX = (1n << 31n) - 1n;

const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const u32 = (v: bigint): bigint => BigInt.asUintN(32, v);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
/** The signed reading of a u32 pattern (cheaper than BigInt.asIntN on this path). */
const sx32 = (lo: bigint): bigint => (lo >= 0x8000_0000n ? lo - 0x1_0000_0000n : lo);

/** A fresh mutable copy (same property order as every Scalar, so one hidden class). */
export const mutable = (s: Scalar): MutScalar => ({
  tnum: s.tnum,
  smin: s.smin,
  smax: s.smax,
  umin: s.umin,
  umax: s.umax,
  s32min: s.s32min,
  s32max: s.s32max,
  u32min: s.u32min,
  u32max: s.u32max,
});

/** The value v (mod 2^64) exactly (the kernel's __mark_reg_known). */
export function scalarConst(v: bigint): Scalar {
  if (v >= 0n && v < 256n) return SMALL_CONSTS[Number(v)]!;
  return exactConst(v);
}

/** scalarConst of a JS integer (an immediate): no bigint is made for the common small ones. */
export function scalarConstInt(v: number): Scalar {
  if (v >= 0 && v < 256) return SMALL_CONSTS[v]!;
  return exactConst(BigInt(v));
}

function exactConst(v: bigint): Scalar {
  // 0 <= v < 2^31 reads the same at every width: one bigint for every bound (no conversions,
  // which allocate; counters in loops land here).
  if (v >= 0n && v <= S32_MAX) return { tnum: { value: v, mask: 0n }, smin: v, smax: v, umin: v, umax: v, s32min: v, s32max: v, u32min: v, u32max: v };
  const u = u64(v);
  const lo = u32(u);
  // Bigints are immutable: one of each is shared by the bounds that equal it.
  const s = u >= 0x8000_0000_0000_0000n ? s64(u) : u;
  const s32v = sx32(lo);
  return { tnum: { value: u, mask: 0n }, smin: s, smax: s, umin: u, umax: u, s32min: s32v, s32max: s32v, u32min: lo, u32max: lo };
}

/** 0..255 built once: most immediates and counters are small, and Scalars are never mutated. */
const SMALL_CONSTS: readonly Scalar[] = Array.from({ length: 256 }, (_, i) => exactConst(BigInt(i)));

/** Any 64-bit value (the kernel's __mark_reg_unknown). */
export const scalarUnknown = (): Scalar => UNKNOWN;

const UNKNOWN: Scalar = {
  tnum: TNUM_UNKNOWN,
  smin: S64_MIN,
  smax: S64_MAX,
  umin: 0n,
  umax: U64_MAX,
  s32min: S32_MIN,
  s32max: S32_MAX,
  u32min: 0n,
  u32max: U32_MAX,
};

/** Every value of the unsigned range [lo, hi] (u64 patterns, lo <= hi). */
export function scalarURange(lo: bigint, hi: bigint): Scalar {
  const w = mutable(UNKNOWN);
  w.umin = u64(lo);
  w.umax = u64(hi);
  w.tnum = tnumRange(w.umin, w.umax);
  syncInPlace(w);
  return w;
}

/** Every value of the signed range [lo, hi] (signed 64-bit, lo <= hi). */
export function scalarSRange(lo: bigint, hi: bigint): Scalar {
  const w = mutable(UNKNOWN);
  w.smin = s64(lo);
  w.smax = s64(hi);
  syncInPlace(w);
  return w;
}

/** Every member of a tnum, with bounds derived from it. */
export function scalarFromTnum(t: Tnum): Scalar {
  const w = mutable(UNKNOWN);
  w.tnum = t;
  syncInPlace(w);
  return w;
}

/**
 * A value loaded from memory that the verifier knows nothing about: `size` bytes, zero-extended
 * (coerce_reg_to_size on an unknown register) or sign-extended (coerce_reg_to_size_sx, which for
 * an unknown source gives the sign-extension default: signed bounds of the narrow type, no bits).
 */
export function scalarLoad(size: 1 | 2 | 4 | 8, signed: boolean): Scalar {
  if (size === 8) return UNKNOWN;
  if (!signed) return scalarFromTnum(tnumCast(TNUM_UNKNOWN, size));
  const w = mutable(UNKNOWN);
  setSext64Default(w, size);
  return w;
}

/** The kernel's set_sext64_default_val: a sign-extended narrow value with nothing else known. */
export function setSext64Default(w: MutScalar, size: 1 | 2 | 4): void {
  const half = 1n << BigInt(size * 8 - 1);
  w.smin = w.s32min = -half;
  w.smax = w.s32max = half - 1n;
  w.umin = w.u32min = 0n;
  w.umax = U64_MAX;
  w.u32max = U32_MAX;
  w.tnum = TNUM_UNKNOWN;
}

export const isConst = (s: Scalar): boolean => tnumIsConst(s.tnum);
export const isConst32 = (s: Scalar): boolean => tnumSubregIsConst(s.tnum);
/** The kernel's is_reg_const at a width. */
export const isConstAt = (s: Scalar, width: 32 | 64): boolean => (width === 32 ? tnumSubregIsConst(s.tnum) : tnumIsConst(s.tnum));
/** The constant's u64 pattern (only meaningful when isConst). */
export const constValue = (s: Scalar): bigint => s.tnum.value;
/** The kernel's reg_const_value at a width. */
export const constValueAt = (s: Scalar, width: 32 | 64): bigint => (width === 32 ? s.tnum.value & U32_MAX : s.tnum.value);

/** Nothing is known at all (every bound at its extreme and no known bit). */
export const scalarIsUnknown = (s: Scalar): boolean =>
  tnumIsUnknown(s.tnum) &&
  s.smin === S64_MIN && s.smax === S64_MAX && s.umin === 0n && s.umax === U64_MAX &&
  s.s32min === S32_MIN && s.s32max === S32_MAX && s.u32min === 0n && s.u32max === U32_MAX;

/** The kernel's register_is_bounded-style test: the 64-bit ranges are not the full ones. */
export const scalarIsUnbounded = (s: Scalar): boolean =>
  s.smin === S64_MIN && s.smax === S64_MAX && s.umin === 0n && s.umax === U64_MAX;

/** Whether the 64-bit pattern v is a possible value of s under every description. */
export function scalarContains(s: Scalar, v: bigint): boolean {
  const u = u64(v);
  const sv = s64(u);
  const lo = u32(u);
  const slo = s32(lo);
  return (
    tnumContains(s.tnum, u) &&
    u >= s.umin && u <= s.umax && sv >= s.smin && sv <= s.smax &&
    lo >= s.u32min && lo <= s.u32max && slo >= s.s32min && slo <= s.s32max
  );
}

/** State pruning for scalars: the kernel's range_within(old, cur) && tnum_in(old, cur). */
export function scalarSubsumes(old: Scalar, cur: Scalar): boolean {
  return (
    old.umin <= cur.umin && old.umax >= cur.umax &&
    old.smin <= cur.smin && old.smax >= cur.smax &&
    old.u32min <= cur.u32min && old.u32max >= cur.u32max &&
    old.s32min <= cur.s32min && old.s32max >= cur.s32max &&
    tnumIn(old.tnum, cur.tnum)
  );
}

export const scalarEquals = (a: Scalar, b: Scalar): boolean =>
  a.tnum.value === b.tnum.value && a.tnum.mask === b.tnum.mask &&
  a.smin === b.smin && a.smax === b.smax && a.umin === b.umin && a.umax === b.umax &&
  a.s32min === b.s32min && a.s32max === b.s32max && a.u32min === b.u32min && a.u32max === b.u32max;

// ---- bound maintenance (mutating helpers on a working copy) ----

export function markUnbounded64(w: MutScalar): void {
  w.smin = S64_MIN;
  w.smax = S64_MAX;
  w.umin = 0n;
  w.umax = U64_MAX;
}

export function markUnbounded32(w: MutScalar): void {
  w.s32min = S32_MIN;
  w.s32max = S32_MAX;
  w.u32min = 0n;
  w.u32max = U32_MAX;
}

/** The kernel's __mark_reg_known. */
export function markKnown(w: MutScalar, v: bigint): void {
  const u = u64(v);
  const lo = u32(u);
  w.tnum = tnumConst(u);
  w.smin = w.smax = s64(u);
  w.umin = w.umax = u;
  w.s32min = w.s32max = s32(lo);
  w.u32min = w.u32max = lo;
}

/** The kernel's __mark_reg32_known: the low half becomes v, the high half of the tnum is kept. */
export function markKnown32(w: MutScalar, v: bigint): void {
  const lo = u32(v);
  w.tnum = tnumOr(tnumClearSubreg(w.tnum), tnumConst(lo));
  w.s32min = w.s32max = s32(lo);
  w.u32min = w.u32max = lo;
}

export function updateBounds32(w: MutScalar): void {
  const t = tnumSubreg(w.tnum);
  w.s32min = max(w.s32min, s32(t.value | (t.mask & 0x8000_0000n)));
  w.s32max = min(w.s32max, s32(t.value | (t.mask & 0x7fff_ffffn)));
  w.u32min = max(w.u32min, t.value);
  w.u32max = min(w.u32max, t.value | t.mask);
}

export function updateBounds64(w: MutScalar): void {
  const t = w.tnum;
  w.smin = max(w.smin, s64(t.value | (t.mask & 0x8000_0000_0000_0000n)));
  w.smax = min(w.smax, s64(t.value | (t.mask & 0x7fff_ffff_ffff_ffffn)));
  w.umin = max(w.umin, t.value);
  w.umax = min(w.umax, t.value | t.mask);
}

export function updateBounds(w: MutScalar): void {
  updateBounds32(w);
  updateBounds64(w);
}

/** 64-bit bounds tell the 32-bit ones whatever survives truncation. */
function deduce32(w: MutScalar): void {
  // Low halves and their signed readings, computed once (this runs on every sync).
  const uminLo = w.umin & U32_MAX;
  const umaxLo = w.umax & U32_MAX;
  const uminLoS = sx32(uminLo);
  const umaxLoS = sx32(umaxLo);
  const uminHi = w.umin >> 32n;
  const umaxHi = w.umax >> 32n;
  let u32min = w.u32min;
  let u32max = w.u32max;
  let s32min = w.s32min;
  let s32max = w.s32max;
  if (uminHi === umaxHi) {
    if (uminLo > u32min) u32min = uminLo;
    if (umaxLo < u32max) u32max = umaxLo;
    if (uminLoS <= umaxLoS) {
      if (uminLoS > s32min) s32min = uminLoS;
      if (umaxLoS < s32max) s32max = umaxLoS;
    }
  }
  const sminLo = w.smin & U32_MAX;
  const smaxLo = w.smax & U32_MAX;
  const sminLoS = sx32(sminLo);
  const smaxLoS = sx32(smaxLo);
  const sminHi = w.smin >> 32n;
  const smaxHi = w.smax >> 32n;
  if (sminHi === smaxHi) {
    if (sminLo <= smaxLo) {
      if (sminLo > u32min) u32min = sminLo;
      if (smaxLo < u32max) u32max = smaxLo;
    }
    if (sminLoS <= smaxLoS) {
      if (sminLoS > s32min) s32min = sminLoS;
      if (smaxLoS < s32max) s32max = smaxLoS;
    }
  }
  // Upper halves one apart (mod 2^32) while the low halves run from negative to
  // non-negative: the low halves still form one s32 range.
  if (((uminHi + 1n) & U32_MAX) === (umaxHi & U32_MAX) && uminLoS < 0n && umaxLoS >= 0n) {
    if (uminLoS > s32min) s32min = uminLoS;
    if (umaxLoS < s32max) s32max = umaxLoS;
  }
  if (((sminHi + 1n) & U32_MAX) === (smaxHi & U32_MAX) && sminLoS < 0n && smaxLoS >= 0n) {
    if (sminLoS > s32min) s32min = sminLoS;
    if (smaxLoS < s32max) s32max = smaxLoS;
  }
  const u32minS = sx32(u32min);
  const u32maxS = sx32(u32max);
  if (u32minS <= u32maxS) {
    if (u32minS > s32min) s32min = u32minS;
    if (u32maxS < s32max) s32max = u32maxS;
  }
  const s32minU = s32min & U32_MAX;
  const s32maxU = s32max & U32_MAX;
  if (s32minU <= s32maxU) {
    if (s32minU > u32min) u32min = s32minU;
    if (s32maxU < u32max) u32max = s32maxU;
  } else if (u32max < s32minU) {
    // The s32 range wraps through the sign boundary and the u32 range meets only its
    // non-negative part (the same rule as for 64 bits below; 6.18 has both).
    s32min = sx32(u32min);
    if (s32maxU < u32max) u32max = s32maxU;
  } else if (s32maxU < u32min) {
    // ... or only its negative part.
    s32max = sx32(u32max);
    if (s32minU > u32min) u32min = s32minU;
  }
  w.u32min = u32min;
  w.u32max = u32max;
  w.s32min = s32min;
  w.s32max = s32max;
}

/** Signed and unsigned 64-bit bounds tighten each other where they overlap in one piece. */
function deduce64(w: MutScalar): void {
  if (s64(w.umin) <= s64(w.umax)) {
    w.smin = max(w.smin, s64(w.umin));
    w.smax = min(w.smax, s64(w.umax));
  }
  if (u64(w.smin) <= u64(w.smax)) {
    w.umin = max(w.umin, u64(w.smin));
    w.umax = min(w.umax, u64(w.smax));
  } else if (w.umax < u64(w.smin)) {
    // The signed range wraps through the sign boundary; the unsigned range meets only its
    // non-negative part.
    w.smin = s64(w.umin);
    w.umax = min(w.umax, u64(w.smax));
  } else if (u64(w.smax) < w.umin) {
    // ... or only its negative part.
    w.smax = s64(w.umax);
    w.umin = max(w.umin, u64(w.smin));
  }
}

/** 32-bit bounds substituted into the low halves of the 64-bit bounds. */
function deduceMixed(w: MutScalar): void {
  const hiMask = U64_MAX ^ U32_MAX;
  w.umin = max(w.umin, (w.umin & hiMask) | w.u32min);
  w.umax = min(w.umax, (w.umax & hiMask) | w.u32max);
  w.smin = max(w.smin, s64((u64(w.smin) & hiMask) | w.u32min));
  w.smax = min(w.smax, s64((u64(w.smax) & hiMask) | w.u32max));
  // After a sign-extending load: upper bits all 0 or all 1, and a non-negative s32 range
  // rules out all 1s.
  if (w.s32min >= 0n && w.smin >= S32_MIN && w.smax <= S32_MAX) {
    w.smin = w.s32min;
    w.smax = w.s32max;
    w.umin = w.s32min;
    w.umax = w.s32max;
    w.tnum = tnumIntersect(w.tnum, tnumRange(w.smin, w.smax));
  }
}

function deduceBounds(w: MutScalar): void {
  deduce32(w);
  deduce64(w);
  deduceMixed(w);
}

/** The kernel's __reg_bound_offset: known bits implied by the unsigned ranges. */
function boundOffset(w: MutScalar): void {
  const t64 = tnumIntersect(w.tnum, tnumRange(w.umin, w.umax));
  const t32 = tnumIntersect(tnumSubreg(t64), tnumRange(w.u32min, w.u32max));
  w.tnum = tnumOr(tnumClearSubreg(t64), t32);
}

/** reg_bounds_sync on a working copy (on 32-bit halves; see scalar-sync.ts). */
export function syncInPlace(w: MutScalar): void {
  if (!syncFast(w)) syncInPlaceBig(w);
}

/** reg_bounds_sync on BigInts: the reference the fast version must equal, and its fallback. */
export function syncInPlaceBig(w: MutScalar): void {
  updateBounds(w);
  // The kernel runs the deduction three times; a pass that changes nothing makes the
  // remaining ones no-ops (each pass is a function of the state alone), so stop there.
  for (let pass = 0; pass < 3; pass++) {
    const { tnum, smin, smax, umin, umax, s32min, s32max, u32min, u32max } = w;
    deduceBounds(w);
    if (
      w.tnum === tnum && w.smin === smin && w.smax === smax && w.umin === umin && w.umax === umax &&
      w.s32min === s32min && w.s32max === s32max && w.u32min === u32min && w.u32max === u32max
    ) break;
  }
  boundOffset(w);
  updateBounds(w);
}

export function syncBounds(s: Scalar): Scalar {
  const w = mutable(s);
  syncInPlace(w);
  return w;
}

/**
 * The kernel's reg_bounds_sanity_check outside selftest mode: a register whose bounds contradict
 * each other (only on a path that cannot happen) loses its bounds but keeps its tnum.
 * Returns whether it had to.
 */
export function sanitizeInPlace(w: MutScalar): boolean {
  let bad = w.umin > w.umax || w.smin > w.smax || w.u32min > w.u32max || w.s32min > w.s32max;
  if (!bad && tnumIsConst(w.tnum)) {
    const u = w.tnum.value;
    bad = w.umin !== u || w.umax !== u || w.smin !== s64(u) || w.smax !== s64(u);
  }
  if (!bad && tnumSubregIsConst(w.tnum)) {
    const u = w.tnum.value & U32_MAX;
    bad = w.u32min !== u || w.u32max !== u || w.s32min !== s32(u) || w.s32max !== s32(u);
  }
  if (bad) {
    markUnbounded64(w);
    markUnbounded32(w);
  }
  return bad;
}

/** The kernel's __reg_assign_32_into_64 after the tnum's upper half was cleared. */
export function zext32To64InPlace(w: MutScalar): void {
  w.tnum = tnumSubreg(w.tnum);
  w.umin = w.u32min;
  w.umax = w.u32max;
  if (w.s32min >= 0n && w.s32max >= 0n) {
    w.smin = w.s32min;
    w.smax = w.s32max;
  } else {
    w.smin = 0n;
    w.smax = U32_MAX;
  }
}

/** A 32-bit result zero-extended into the 64-bit register (the kernel's zext_32_to_64). */
export function zext32To64(s: Scalar): Scalar {
  const w = mutable(s);
  zext32To64InPlace(w);
  return w;
}

// ---- formatting (the 6.18 verifier log) ----

const isUnumDecimal = (v: bigint): boolean => v <= 0xffffn;
const isSnumDecimal = (v: bigint): boolean => v >= -0x8000n && v <= 0x7fffn;
const fmtUnum = (v: bigint): string => (isUnumDecimal(v) ? v.toString() : `0x${v.toString(16)}`);
const fmtSnum = (v: bigint): string => (isSnumDecimal(v) ? v.toString() : `0x${u64(v).toString(16)}`);

/**
 * A scalar as the kernel log prints it: a constant as its signed value, otherwise
 * `scalar(smin=...,var_off=(...))`, omitting bounds at their extremes and merging equal ones
 * (`smax=umax=smax32=umax32=255`) the way print_scalar_ranges does.
 */
export function formatScalar(s: Scalar): string {
  if (tnumIsConst(s.tnum)) return fmtSnum(s64(s.tnum.value));
  return `scalar(${formatScalarRanges(s)})`;
}

/** The inside of the parentheses: ranges then var_off (empty for a fully unknown scalar). */
export function formatScalarRanges(s: Scalar): string {
  // Hex-printed 32-bit signed bounds are shown as u32 patterns, not sign-extended.
  const s32v = (v: bigint): bigint => (isSnumDecimal(v) ? v : u32(v));
  const items: { name: string; val: bigint; signed: boolean; omit: boolean }[] = [
    { name: "smin", val: s.smin, signed: true, omit: s.smin === S64_MIN },
    { name: "smax", val: s.smax, signed: true, omit: s.smax === S64_MAX },
    { name: "umin", val: s.umin, signed: false, omit: s.umin === 0n },
    { name: "umax", val: s.umax, signed: false, omit: s.umax === U64_MAX },
    { name: "smin32", val: s32v(s.s32min), signed: true, omit: s.s32min === S32_MIN },
    { name: "smax32", val: s32v(s.s32max), signed: true, omit: s.s32max === S32_MAX },
    { name: "umin32", val: s.u32min, signed: false, omit: s.u32min === 0n },
    { name: "umax32", val: s.u32max, signed: false, omit: s.u32max === U32_MAX },
  ];
  // Compare as u64 patterns, as the kernel's u64 `val` field does.
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const m1 = items[i]!;
    if (m1.omit) continue;
    const neg1 = m1.signed && m1.val < 0n;
    let text = `${m1.name}=`;
    for (let j = i + 2; j < items.length; j += 2) {
      const m2 = items[j]!;
      if (m2.omit || u64(m2.val) !== u64(m1.val)) continue;
      const neg2 = m2.signed && m2.val < 0n;
      if (neg2 !== neg1) continue;
      m2.omit = true;
      text += `${m2.name}=`;
    }
    text += m1.signed ? fmtSnum(m1.val) : fmtUnum(u64(m1.val));
    parts.push(text);
  }
  if (!tnumIsUnknown(s.tnum)) parts.push(`var_off=${formatTnum(s.tnum)}`);
  return parts.join(",");
}
