// Tristate numbers: a 64-bit value where each bit is known 0, known 1 or unknown, as the
// kernel's kernel/bpf/tnum.c models them. `mask` has a 1 for every unknown bit; `value` holds
// the known bits. Invariants: both are in [0, 2^64) and `value & mask === 0n`. Every operation
// here over-approximates the concrete operation on all members (soundness), with the kernel's
// exact precision so that verdicts match.

import { hiOf, loOf, pairToU64 } from "./halves.js";

export interface Tnum {
  readonly value: bigint;
  readonly mask: bigint;
}

export const U64_MAX = 0xffff_ffff_ffff_ffffn;
export const U32_MAX = 0xffff_ffffn;

const tn = (value: bigint, mask: bigint): Tnum => ({ value, mask });

export const TNUM_UNKNOWN: Tnum = tn(0n, U64_MAX);
export const TNUM_ZERO: Tnum = tn(0n, 0n);

/** A fully known value (taken mod 2^64). */
export const tnumConst = (v: bigint): Tnum => tn(BigInt.asUintN(64, v), 0n);

export const tnumUnknown = (): Tnum => TNUM_UNKNOWN;

export const tnumIsConst = (a: Tnum): boolean => a.mask === 0n;
export const tnumIsUnknown = (a: Tnum): boolean => a.mask === U64_MAX;

/** Bit length of a non-negative bigint (the kernel's fls64). */
function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const hi = Number(x >> 32n);
  if (hi !== 0) return 64 - Math.clz32(hi);
  return 32 - Math.clz32(Number(x));
}

/** The smallest tnum holding every value of the unsigned range [min, max] (both u64). */
export function tnumRange(min: bigint, max: bigint): Tnum {
  const bits = bitLength(min ^ max);
  if (bits > 63) return TNUM_UNKNOWN;
  const delta = (1n << BigInt(bits)) - 1n;
  return tn(min & ~delta & U64_MAX, delta);
}

export const tnumLshift = (a: Tnum, shift: number): Tnum => {
  const s = BigInt(shift);
  return tn((a.value << s) & U64_MAX, (a.mask << s) & U64_MAX);
};

export const tnumRshift = (a: Tnum, shift: number): Tnum => {
  const s = BigInt(shift);
  return tn(a.value >> s, a.mask >> s);
};

/**
 * Arithmetic right shift of the low `width` bits by a constant. The mask is shifted
 * arithmetically too: an unknown sign bit makes every bit it is copied into unknown.
 */
export function tnumArshift(a: Tnum, shift: number, width: 32 | 64): Tnum {
  const s = BigInt(shift);
  const v = BigInt.asUintN(width, BigInt.asIntN(width, a.value) >> s);
  const m = BigInt.asUintN(width, BigInt.asIntN(width, a.mask) >> s);
  return tn(v, m);
}

export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = (a.mask + b.mask) & U64_MAX;
  const sv = (a.value + b.value) & U64_MAX;
  const sigma = (sm + sv) & U64_MAX;
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return tn(sv & ~mu & U64_MAX, mu);
}

export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = (a.value - b.value) & U64_MAX;
  const alpha = (dv + a.mask) & U64_MAX;
  const beta = (dv - b.mask) & U64_MAX;
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return tn(dv & ~mu & U64_MAX, mu);
}

export const tnumNeg = (a: Tnum): Tnum => tnumSub(TNUM_ZERO, a);

export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return tn(v, alpha & beta & ~v & U64_MAX);
}

export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return tn(v, mu & ~v & U64_MAX);
}

export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return tn(v & ~mu & U64_MAX, mu);
}

/** Every bit that differs between a and b, or is unknown in either, becomes unknown. */
export function tnumUnion(a: Tnum, b: Tnum): Tnum {
  const v = a.value & b.value;
  const mu = (a.value ^ b.value) | a.mask | b.mask;
  return tn(v & ~mu & U64_MAX, mu);
}

/**
 * Long multiplication over the bits of `a` (the 6.17+ algorithm): a known 1 adds `b`, an
 * unknown bit takes the union of adding and not adding it. Up to 64 rounds of tnum_add, so it
 * runs on int32 halves (halves.ts) rather than BigInt; `tnumMulBig` is the reference.
 */
export function tnumMul(a: Tnum, b: Tnum): Tnum {
  let avh = hiOf(a.value), avl = loOf(a.value), amh = hiOf(a.mask), aml = loOf(a.mask);
  let bvh = hiOf(b.value), bvl = loOf(b.value), bmh = hiOf(b.mask), bml = loOf(b.mask);
  let vh = 0, vl = 0, mh = 0, ml = 0;
  while ((avh | avl | amh | aml) !== 0) {
    if ((avl & 1) !== 0 || (aml & 1) !== 0) {
      // tnum_add(acc, b) on pairs: each 64-bit sum carries from the low half into the high one.
      let lo = (ml >>> 0) + (bml >>> 0);
      const smh = (mh + bmh + (lo > 0xffff_ffff ? 1 : 0)) | 0;
      const sml = lo | 0;
      lo = (vl >>> 0) + (bvl >>> 0);
      const svh = (vh + bvh + (lo > 0xffff_ffff ? 1 : 0)) | 0;
      const svl = lo | 0;
      lo = (sml >>> 0) + (svl >>> 0);
      const sigh = (smh + svh + (lo > 0xffff_ffff ? 1 : 0)) | 0;
      const sigl = lo | 0;
      const muh = (sigh ^ svh) | mh | bmh;
      const mul = (sigl ^ svl) | ml | bml;
      const nvh = svh & ~muh;
      const nvl = svl & ~mul;
      if ((avl & 1) !== 0) {
        vh = nvh;
        vl = nvl;
        mh = muh;
        ml = mul;
      } else {
        // tnum_union(acc, sum)
        const uh = (vh ^ nvh) | mh | muh;
        const ul = (vl ^ nvl) | ml | mul;
        vh = vh & nvh & ~uh;
        vl = vl & nvl & ~ul;
        mh = uh;
        ml = ul;
      }
    }
    avl = (avl >>> 1) | (avh << 31);
    avh >>>= 1;
    aml = (aml >>> 1) | (amh << 31);
    amh >>>= 1;
    bvh = (bvh << 1) | (bvl >>> 31);
    bvl <<= 1;
    bmh = (bmh << 1) | (bml >>> 31);
    bml <<= 1;
  }
  return tn(pairToU64(vh, vl), pairToU64(mh, ml));
}

/** tnumMul on BigInts: the reference for the version on halves. */
export function tnumMulBig(a: Tnum, b: Tnum): Tnum {
  let acc = TNUM_ZERO;
  let av = a.value;
  let am = a.mask;
  let bv = b.value;
  let bm = b.mask;
  while (av !== 0n || am !== 0n) {
    if ((av & 1n) !== 0n) acc = tnumAdd(acc, tn(bv, bm));
    else if ((am & 1n) !== 0n) acc = tnumUnion(acc, tnumAdd(acc, tn(bv, bm)));
    av >>= 1n;
    am >>= 1n;
    bv = (bv << 1n) & U64_MAX;
    bm = (bm << 1n) & U64_MAX;
  }
  return acc;
}

/** Bits known in either operand (the caller asserts both describe the same value). */
export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return tn(v & ~mu & U64_MAX, mu);
}

/** Truncation to the low `size` bytes. */
export function tnumCast(a: Tnum, size: 1 | 2 | 4 | 8): Tnum {
  if (size === 8) return a;
  const m = (1n << BigInt(size * 8)) - 1n;
  return tn(a.value & m, a.mask & m);
}

/** Whether every member is a multiple of `size` (a power of two; 0 means no constraint). */
export function tnumIsAligned(a: Tnum, size: bigint): boolean {
  if (size === 0n) return true;
  return ((a.value | a.mask) & (size - 1n)) === 0n;
}

/** Whether every member of `b` is a member of `a`. */
export function tnumIn(a: Tnum, b: Tnum): boolean {
  // Comparisons first: they allocate nothing, the bigint steps below do (state comparisons
  // call this for every precise scalar).
  if (a.mask === b.mask) return a.value === b.value;
  if (a.mask === U64_MAX) return true;
  if (b.mask === 0n) return a.mask === 0n ? a.value === b.value : (b.value & ~a.mask) === a.value;
  if ((b.mask & ~a.mask) !== 0n) return false;
  return a.value === (b.value & ~a.mask);
}

/** Whether a and b may share a member: no bit is known in both with different values. */
export function tnumOverlap(a: Tnum, b: Tnum): boolean {
  // The values differ in no bit known in both (fewer bigint steps, each of which allocates;
  // ~(masks) is negative, so the AND stays within the 64 bits of the xor).
  return ((a.value ^ b.value) & ~(a.mask | b.mask)) === 0n;
}

/** Whether the concrete 64-bit pattern v is a member of a. */
export const tnumContains = (a: Tnum, v: bigint): boolean => (BigInt.asUintN(64, v) & ~a.mask) === a.value;

export const tnumSubreg = (a: Tnum): Tnum => tn(a.value & U32_MAX, a.mask & U32_MAX);

export const tnumClearSubreg = (a: Tnum): Tnum => tn(a.value & ~U32_MAX & U64_MAX, a.mask & ~U32_MAX & U64_MAX);

export const tnumWithSubreg = (reg: Tnum, subreg: Tnum): Tnum => tnumOr(tnumClearSubreg(reg), tnumSubreg(subreg));

export const tnumConstSubreg = (a: Tnum, value: bigint): Tnum => tnumWithSubreg(a, tnumConst(value & U32_MAX));

export const tnumSubregIsConst = (a: Tnum): boolean => (a.mask & U32_MAX) === 0n;

export const tnumEquals = (a: Tnum, b: Tnum): boolean => a.value === b.value && a.mask === b.mask;

/** The kernel log's var_off: "(0x0; 0xff)". */
export const formatTnum = (a: Tnum): string => `(0x${a.value.toString(16)}; 0x${a.mask.toString(16)})`;
