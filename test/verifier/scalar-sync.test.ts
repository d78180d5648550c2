// The scalar domain's fast paths against their references: ALU ops on two constants
// (scalarAlu's shortcut vs scalarAluRef, every op at both widths), tnum multiplication on int32
// halves (tnumMul vs tnumMulBig) on arbitrary tnums, and reg_bounds_sync
// (scalar-sync.ts vs syncInPlaceBig): every field equal, on well-formed scalars from the domain's constructors
// and ALU ops, and on arbitrary combinations of in-range fields (bounds that contradict each
// other included, as on paths that cannot happen). Where the fast version declines
// (returns false) it must leave the state untouched; the reference then decides.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { scalarAlu, scalarAluRef } from "../../runtime/verifier/scalar-alu.js";
import { mutable, scalarConst, scalarEquals, syncInPlace, syncInPlaceBig, type MutScalar, type Scalar } from "../../runtime/verifier/scalar.js";
import { syncFast } from "../../runtime/verifier/scalar-sync.js";
import { tnumEquals, tnumMul, tnumMulBig, type Tnum } from "../../runtime/verifier/tnum.js";
import { U32_MAX, U64_MAX, aluOpList, maskArb, memberArb, runs, u64Arb } from "./arbitrary.js";

const show = (s: Scalar): string =>
  `tnum=(0x${s.tnum.value.toString(16)};0x${s.tnum.mask.toString(16)}) s=[${s.smin},${s.smax}] u=[${s.umin},${s.umax}] s32=[${s.s32min},${s.s32max}] u32=[${s.u32min},${s.u32max}]`;

/** Runs both on copies; returns whether the fast one handled it. */
function check(s: Scalar): boolean {
  const ref = mutable(s);
  syncInPlaceBig(ref);
  const fast = mutable(s);
  const handled = syncFast(fast);
  if (!handled) {
    expect(scalarEquals(fast, s)).toBe(true);
    return false;
  }
  if (!scalarEquals(fast, ref)) throw new Error(`from ${show(s)}\n fast ${show(fast)}\n  ref ${show(ref)}`);
  // syncInPlace (fast with fallback) is the reference too.
  const both = mutable(s);
  syncInPlace(both);
  expect(scalarEquals(both, ref)).toBe(true);
  return true;
}

const s64Arb = u64Arb.map((v) => BigInt.asIntN(64, v));
const u32Arb = u64Arb.map((v) => v & U32_MAX);
const s32Arb = u64Arb.map((v) => BigInt.asIntN(32, v));

/** Any in-range value for every field, each bound pair in either order; a well-formed tnum. */
const looseArb: fc.Arbitrary<Scalar> = fc
  .tuple(u64Arb, u64Arb, s64Arb, s64Arb, u64Arb, u64Arb, s32Arb, s32Arb, u32Arb, u32Arb)
  .map(([v, m, smin, smax, umin, umax, s32min, s32max, u32min, u32max]) => ({
    tnum: { value: v & ~m & U64_MAX, mask: m },
    smin,
    smax,
    umin,
    umax,
    s32min,
    s32max,
    u32min,
    u32max,
  }));

/** Ordered bounds (each min <= its max), otherwise unrelated: the deductions' main diet. */
const orderedArb: fc.Arbitrary<Scalar> = looseArb.map((s) => {
  const o = <T extends bigint>(a: T, b: T): [T, T] => (a <= b ? [a, b] : [b, a]);
  const w: MutScalar = mutable(s);
  [w.smin, w.smax] = o(s.smin, s.smax);
  [w.umin, w.umax] = o(s.umin, s.umax);
  [w.s32min, w.s32max] = o(s.s32min, s.s32max);
  [w.u32min, w.u32max] = o(s.u32min, s.u32max);
  return w;
});

describe("bounds sync on halves equals the BigInt reference", () => {
  test("scalars from the domain's constructors and ALU ops", () => {
    let handled = 0;
    let total = 0;
    fc.assert(
      fc.property(memberArb, (m) => {
        total++;
        if (check(m.s)) handled++;
      }),
      runs(3000, 11),
    );
    // Well-formed scalars never need the fallback.
    expect(handled).toBe(total);
  });

  test("ordered but unrelated bounds", () => {
    fc.assert(fc.property(orderedArb, (s) => void check(s)), runs(20000, 12));
  });

  test("arbitrary in-range fields, contradictions included", () => {
    fc.assert(fc.property(looseArb, (s) => void check(s)), runs(20000, 13));
  });

  test("a constant tnum collapses every bound onto it", () => {
    for (const v of [0n, 1n, 0x7fff_ffffn, 0x8000_0000n, U32_MAX, 1n << 32n, (1n << 63n) - 1n, 1n << 63n, U64_MAX]) {
      const w = mutable({ tnum: { value: v, mask: 0n }, smin: -(1n << 63n), smax: (1n << 63n) - 1n, umin: 0n, umax: U64_MAX, s32min: -(1n << 31n), s32max: (1n << 31n) - 1n, u32min: 0n, u32max: U32_MAX });
      expect(syncFast(w)).toBe(true);
      expect([w.umin, w.umax, w.smin, w.smax, w.u32min, w.u32max, w.s32min, w.s32max]).toEqual([v, v, BigInt.asIntN(64, v), BigInt.asIntN(64, v), v & U32_MAX, v & U32_MAX, BigInt.asIntN(32, v), BigInt.asIntN(32, v)]);
    }
  });
});

describe("tnum multiplication on halves equals the BigInt reference", () => {
  const tnumArb: fc.Arbitrary<Tnum> = fc.tuple(u64Arb, maskArb).map(([v, m]) => ({ value: v & ~m & U64_MAX, mask: m }));
  test("arbitrary tnums, and the tnums of scalars the domain builds", () => {
    fc.assert(
      fc.property(tnumArb, tnumArb, (a, b) => {
        const fast = tnumMul(a, b);
        const ref = tnumMulBig(a, b);
        if (!tnumEquals(fast, ref)) throw new Error(`(${a.value},${a.mask})*(${b.value},${b.mask}): ${fast.value},${fast.mask} vs ${ref.value},${ref.mask}`);
      }),
      runs(20000, 14),
    );
    fc.assert(fc.property(memberArb, memberArb, (a, b) => tnumEquals(tnumMul(a.s.tnum, b.s.tnum), tnumMulBig(a.s.tnum, b.s.tnum))), runs(3000, 15));
  });
});

describe("ALU ops on two constants equal the general transfer functions", () => {
  const smallArb = fc.oneof(u64Arb, fc.integer({ min: 0, max: 70 }).map(BigInt));
  test("every op, both widths, constants and shift amounts at the edges", () => {
    fc.assert(
      fc.property(fc.constantFrom(...aluOpList), fc.constantFrom(32 as const, 64 as const), u64Arb, smallArb, (op, width, a, b) => {
        const fast = scalarAlu(op, width, scalarConst(a), scalarConst(b));
        const ref = scalarAluRef(op, width, scalarConst(a), scalarConst(b));
        if (!scalarEquals(fast, ref)) throw new Error(`${op}${width} ${a} ${b}: ${show(fast)} vs ${show(ref)}`);
      }),
      runs(30000, 16),
    );
  });
});
