// reg_bounds_sync (the kernel's 6.18 __update_reg_bounds, __reg_deduce_bounds ×3,
// __reg_bound_offset, __update_reg_bounds) computed on 32-bit halves held in JS numbers. It is
// the verifier's hottest function, and the same steps on BigInt cost ~6 µs a call (every step
// allocates); on numbers a call costs a few hundred ns, most of it converting the nine BigInt
// fields in and the changed ones out. Same results, bit for bit, as the BigInt reference
// (`syncInPlaceBig` in scalar.ts): a state the halves cannot represent the same way (bounds
// that contradict each other so that the reference would store a negative unsigned bound)
// makes `syncFast` return false, and the caller runs the reference instead.
//
// A 64-bit value is a pair (hi, lo) of int32 bit patterns: the same pair is the u64 and the
// s64 reading, so the kernel's casts between them cost nothing, and int32 numbers stay small
// integers in V8 (no boxing). The 32-bit bounds are int32 patterns too: an s32 bound is its own
// value, a u32 bound is compared through `>>> 0`.

import { hiOf, loOf, s64Of, u64Of } from "./halves.js";
import type { MutScalar } from "./scalar.js";

/** Unsigned a < b on 32-bit patterns. */
const ltU = (a: number, b: number): boolean => a >>> 0 < b >>> 0;
/** Unsigned a < b on (hi, lo) pairs. */
const ult = (ah: number, al: number, bh: number, bl: number): boolean => ltU(ah, bh) || (ah === bh && ltU(al, bl));
/** Signed a < b on (hi, lo) pairs. */
const slt = (ah: number, al: number, bh: number, bl: number): boolean => ah < bh || (ah === bh && ltU(al, bl));

/** Bit length of the pair (the kernel's fls64). */
const bitLength = (h: number, l: number): number => (h !== 0 ? 64 - Math.clz32(h) : l !== 0 ? 32 - Math.clz32(l) : 0);
/** The low `bits` ones (bits <= 32) as an int32 pattern. */
const ones = (bits: number): number => (bits === 0 ? 0 : (0xffff_ffff >>> (32 - bits)) | 0);

/** The working state: every field of a MutScalar, 64-bit ones as (hi, lo). */
class Halves {
  vh = 0;
  vl = 0;
  mh = 0;
  ml = 0;
  sminH = 0;
  sminL = 0;
  smaxH = 0;
  smaxL = 0;
  uminH = 0;
  uminL = 0;
  umaxH = 0;
  umaxL = 0;
  s32min = 0;
  s32max = 0;
  u32min = 0;
  u32max = 0;

  static of(w: MutScalar): Halves {
    const h = new Halves();
    h.vh = hiOf(w.tnum.value);
    h.vl = loOf(w.tnum.value);
    h.mh = hiOf(w.tnum.mask);
    h.ml = loOf(w.tnum.mask);
    h.sminH = hiOf(w.smin);
    h.sminL = loOf(w.smin);
    h.smaxH = hiOf(w.smax);
    h.smaxL = loOf(w.smax);
    h.uminH = hiOf(w.umin);
    h.uminL = loOf(w.umin);
    h.umaxH = hiOf(w.umax);
    h.umaxL = loOf(w.umax);
    // `| 0` on every number from a BigInt: Number(bigint) gives a heap number, and one stored
    // field of that kind turns the fields into boxed doubles (allocated with every Halves).
    h.s32min = Number(w.s32min) | 0;
    h.s32max = Number(w.s32max) | 0;
    h.u32min = Number(w.u32min) | 0;
    h.u32max = Number(w.u32max) | 0;
    return h;
  }

  copyFrom(o: Halves): this {
    this.vh = o.vh;
    this.vl = o.vl;
    this.mh = o.mh;
    this.ml = o.ml;
    this.sminH = o.sminH;
    this.sminL = o.sminL;
    this.smaxH = o.smaxH;
    this.smaxL = o.smaxL;
    this.uminH = o.uminH;
    this.uminL = o.uminL;
    this.umaxH = o.umaxH;
    this.umaxL = o.umaxL;
    this.s32min = o.s32min;
    this.s32max = o.s32max;
    this.u32min = o.u32min;
    this.u32max = o.u32max;
    return this;
  }

  /** Whether any field differs from `o`. */
  differs(o: Halves): boolean {
    return (
      this.vh !== o.vh || this.vl !== o.vl || this.mh !== o.mh || this.ml !== o.ml ||
      this.sminH !== o.sminH || this.sminL !== o.sminL || this.smaxH !== o.smaxH || this.smaxL !== o.smaxL ||
      this.uminH !== o.uminH || this.uminL !== o.uminL || this.umaxH !== o.umaxH || this.umaxL !== o.umaxL ||
      this.s32min !== o.s32min || this.s32max !== o.s32max || this.u32min !== o.u32min || this.u32max !== o.u32max
    );
  }

  /** __update_reg32_bounds and __update_reg64_bounds: bounds implied by the known bits. */
  updateBounds(): void {
    const { vh, vl, mh, ml } = this;
    let x = vl | (ml & 0x8000_0000);
    if (x > this.s32min) this.s32min = x;
    x = vl | (ml & 0x7fff_ffff);
    if (x < this.s32max) this.s32max = x;
    if (ltU(this.u32min, vl)) this.u32min = vl;
    const l = vl | ml;
    if (ltU(l, this.u32max)) this.u32max = l;

    let h = vh | (mh & 0x8000_0000);
    if (slt(this.sminH, this.sminL, h, vl)) { this.sminH = h; this.sminL = vl; }
    h = vh | (mh & 0x7fff_ffff);
    if (slt(h, l, this.smaxH, this.smaxL)) { this.smaxH = h; this.smaxL = l; }
    if (ult(this.uminH, this.uminL, vh, vl)) { this.uminH = vh; this.uminL = vl; }
    h = vh | mh;
    if (ult(h, l, this.umaxH, this.umaxL)) { this.umaxH = h; this.umaxL = l; }
  }

  /** 64-bit bounds tell the 32-bit ones whatever survives truncation (__reg32_deduce_bounds). */
  deduce32(): void {
    const { uminH, uminL, umaxH, umaxL, sminH, sminL, smaxH, smaxL } = this;
    let { u32min, u32max, s32min, s32max } = this;
    if (uminH === umaxH) {
      if (ltU(u32min, uminL)) u32min = uminL;
      if (ltU(umaxL, u32max)) u32max = umaxL;
      if (uminL <= umaxL) {
        if (uminL > s32min) s32min = uminL;
        if (umaxL < s32max) s32max = umaxL;
      }
    }
    if (sminH === smaxH) {
      if (!ltU(smaxL, sminL)) {
        if (ltU(u32min, sminL)) u32min = sminL;
        if (ltU(smaxL, u32max)) u32max = smaxL;
      }
      if (sminL <= smaxL) {
        if (sminL > s32min) s32min = sminL;
        if (smaxL < s32max) s32max = smaxL;
      }
    }
    // Upper halves one apart while the low halves run from negative to non-negative: the low
    // halves still form one s32 range.
    if (((uminH + 1) | 0) === umaxH && uminL < 0 && umaxL >= 0) {
      if (uminL > s32min) s32min = uminL;
      if (umaxL < s32max) s32max = umaxL;
    }
    if (((sminH + 1) | 0) === smaxH && sminL < 0 && smaxL >= 0) {
      if (sminL > s32min) s32min = sminL;
      if (smaxL < s32max) s32max = smaxL;
    }
    if (u32min <= u32max) {
      if (u32min > s32min) s32min = u32min;
      if (u32max < s32max) s32max = u32max;
    }
    if (!ltU(s32max, s32min)) {
      if (ltU(u32min, s32min)) u32min = s32min;
      if (ltU(s32max, u32max)) u32max = s32max;
    } else if (ltU(u32max, s32min)) {
      // The s32 range wraps through the sign boundary; the u32 range meets its non-negative part.
      s32min = u32min;
      if (ltU(s32max, u32max)) u32max = s32max;
    } else if (ltU(s32max, u32min)) {
      // ... or its negative part.
      s32max = u32max;
      if (ltU(u32min, s32min)) u32min = s32min;
    }
    this.u32min = u32min;
    this.u32max = u32max;
    this.s32min = s32min;
    this.s32max = s32max;
  }

  /** Signed and unsigned 64-bit bounds tighten each other (__reg64_deduce_bounds). */
  deduce64(): void {
    if (!slt(this.umaxH, this.umaxL, this.uminH, this.uminL)) {
      if (slt(this.sminH, this.sminL, this.uminH, this.uminL)) { this.sminH = this.uminH; this.sminL = this.uminL; }
      if (slt(this.umaxH, this.umaxL, this.smaxH, this.smaxL)) { this.smaxH = this.umaxH; this.smaxL = this.umaxL; }
    }
    if (!ult(this.smaxH, this.smaxL, this.sminH, this.sminL)) {
      if (ult(this.uminH, this.uminL, this.sminH, this.sminL)) { this.uminH = this.sminH; this.uminL = this.sminL; }
      if (ult(this.smaxH, this.smaxL, this.umaxH, this.umaxL)) { this.umaxH = this.smaxH; this.umaxL = this.smaxL; }
    } else if (ult(this.umaxH, this.umaxL, this.sminH, this.sminL)) {
      { this.sminH = this.uminH; this.sminL = this.uminL; }
      if (ult(this.smaxH, this.smaxL, this.umaxH, this.umaxL)) { this.umaxH = this.smaxH; this.umaxL = this.smaxL; }
    } else if (ult(this.smaxH, this.smaxL, this.uminH, this.uminL)) {
      { this.smaxH = this.umaxH; this.smaxL = this.umaxL; }
      if (ult(this.uminH, this.uminL, this.sminH, this.sminL)) { this.uminH = this.sminH; this.uminL = this.sminL; }
    }
  }

  /**
   * 32-bit bounds substituted into the low halves of the 64-bit ones (__reg_deduce_mixed_bounds).
   * False when the reference would store a negative unsigned bound (an s32 range that
   * contradicts itself), which pairs cannot express.
   */
  deduceMixed(): boolean {
    if (ltU(this.uminL, this.u32min)) this.uminL = this.u32min;
    if (ltU(this.u32max, this.umaxL)) this.umaxL = this.u32max;
    if (ltU(this.sminL, this.u32min)) this.sminL = this.u32min;
    if (ltU(this.u32max, this.smaxL)) this.smaxL = this.u32max;
    // After a sign-extending load: smin >= S32_MIN and smax <= S32_MAX with a non-negative s32
    // range rule out upper bits all 1s.
    if (this.s32min >= 0 && !slt(this.sminH, this.sminL, -1, -0x8000_0000) && !slt(0, 0x7fff_ffff, this.smaxH, this.smaxL)) {
      if (this.s32max < 0) return false;
      this.sminH = this.uminH = this.smaxH = this.umaxH = 0;
      this.sminL = this.uminL = this.s32min;
      this.smaxL = this.umaxL = this.s32max;
      // tnum ∩ tnum_range(smin, smax), both below 2^31.
      const delta = ones(bitLength(0, this.s32min ^ this.s32max));
      this.intersect(0, this.s32min & ~delta, 0, delta);
    }
    return true;
  }

  /** tnum := tnum ∩ (v, m) (tnum_intersect). */
  private intersect(vh: number, vl: number, mh: number, ml: number): void {
    const nmh = this.mh & mh;
    const nml = this.ml & ml;
    this.vh = (this.vh | vh) & ~nmh;
    this.vl = (this.vl | vl) & ~nml;
    this.mh = nmh;
    this.ml = nml;
  }

  /** __reg_bound_offset: known bits implied by the unsigned 64- and 32-bit ranges. */
  boundOffset(): void {
    // tnum_range(umin, umax)
    const bits = bitLength(this.uminH ^ this.umaxH, this.uminL ^ this.umaxL);
    if (bits > 63) this.intersect(0, 0, -1, -1);
    else if (bits > 32) {
      const mh = ones(bits - 32);
      this.intersect(this.uminH & ~mh, 0, mh, -1);
    } else {
      const ml = ones(bits);
      this.intersect(this.uminH, this.uminL & ~ml, 0, ml);
    }
    // The low half: its own intersection with tnum_range(u32min, u32max).
    const m32 = ones(bitLength(0, this.u32min ^ this.u32max));
    const m = this.ml & m32;
    this.vl = (this.vl | (this.u32min & ~m32)) & ~m;
    this.ml = m;
    // tnum_or(clear_subreg(t64), t32) is just the two halves: both are well formed already.
  }
}

/**
 * reg_bounds_sync on `w` in place. Returns false, leaving `w` untouched, when the state is one
 * only the reference handles.
 */
export function syncFast(w: MutScalar): boolean {
  const orig = Halves.of(w);
  const h = new Halves().copyFrom(orig);
  h.updateBounds();
  const prev = new Halves();
  // The kernel deduces three times; a pass that changes nothing makes the rest no-ops.
  for (let pass = 0; pass < 3; pass++) {
    prev.copyFrom(h);
    h.deduce32();
    h.deduce64();
    if (!h.deduceMixed()) return false;
    if (!h.differs(prev)) break;
  }
  h.boundOffset();
  h.updateBounds();
  if (h.vh !== orig.vh || h.vl !== orig.vl || h.mh !== orig.mh || h.ml !== orig.ml) {
    w.tnum = { value: u64Of(h.vh, h.vl, w.tnum.value, orig.vh, orig.vl), mask: u64Of(h.mh, h.ml, w.tnum.mask, orig.mh, orig.ml) };
  }
  w.smin = s64Of(h.sminH, h.sminL, w.smin, orig.sminH, orig.sminL);
  w.smax = s64Of(h.smaxH, h.smaxL, w.smax, orig.smaxH, orig.smaxL);
  w.umin = u64Of(h.uminH, h.uminL, w.umin, orig.uminH, orig.uminL);
  w.umax = u64Of(h.umaxH, h.umaxL, w.umax, orig.umaxH, orig.umaxL);
  if (h.s32min !== orig.s32min) w.s32min = BigInt(h.s32min);
  if (h.s32max !== orig.s32max) w.s32max = BigInt(h.s32max);
  if (h.u32min !== orig.u32min) w.u32min = BigInt(h.u32min >>> 0);
  if (h.u32max !== orig.u32max) w.u32max = BigInt(h.u32max >>> 0);
  return true;
}
