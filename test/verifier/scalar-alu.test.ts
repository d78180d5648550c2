// Soundness of the scalar domain's ALU transfer functions against the VM's concrete ALU: for
// random abstract operands and concrete members of them, the concrete result is a member of the
// abstract result, for every op at both widths, and for neg, movsx, endian, narrow loads, sync
// and pruning. Then a few precision cases whose outcome the kernel's own selftests and comments
// state.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  scalarAlu,
  scalarEndian,
  scalarMovsx,
  scalarNeg,
  scalarSignExtend,
  scalarTruncate,
} from "../../runtime/verifier/scalar-alu.js";
import {
  formatScalar,
  scalarConst,
  scalarContains,
  scalarLoad,
  scalarSubsumes,
  scalarUnknown,
  scalarURange,
  syncBounds,
  type Scalar,
} from "../../runtime/verifier/scalar.js";
import { alu, endian, signExtend } from "../../runtime/vm/alu.js";
import { U32_MAX, U64_MAX, aluOpList, memberArb, runs, tnumWellFormed, u64Arb } from "./arbitrary.js";

const widths = [32, 64] as const;

function expectMember(s: Scalar, v: bigint): void {
  if (!scalarContains(s, v) || !tnumWellFormed(s.tnum)) {
    throw new Error(`0x${v.toString(16)} not in ${formatScalar(s)} [${s.umin},${s.umax}] [${s.smin},${s.smax}] [${s.u32min},${s.u32max}] [${s.s32min},${s.s32max}]`);
  }
}

describe("scalarAlu soundness", () => {
  for (const op of aluOpList) {
    for (const width of widths) {
      test(`${op} ${width}`, () => {
        fc.assert(
          fc.property(memberArb, memberArb, (a, b) => {
            expect(a.broken || b.broken).toBe(false);
            expectMember(a.s, a.x);
            expectMember(b.s, b.x);
            expectMember(scalarAlu(op, width, a.s, b.s), alu(op, width, a.x, b.x));
          }),
          runs(1500, 0x5ca1a + width + op.length * 7),
        );
      });
    }
  }

  test("neg, movsx, endian", () => {
    fc.assert(
      fc.property(memberArb, fc.constantFrom(32, 64) as fc.Arbitrary<32 | 64>, fc.constantFrom(8, 16, 32) as fc.Arbitrary<8 | 16 | 32>, (a, width, bits) => {
        expectMember(scalarNeg(width, a.s), alu("sub", width, 0n, a.x));
        if (!(width === 32 && bits === 32)) expectMember(scalarMovsx(width, bits, a.s), signExtend(a.x, bits, width));
        for (const order of ["le", "be", "bswap"] as const) {
          for (const eb of [16, 32, 64] as const) expectMember(scalarEndian(order, eb, a.s), endian(order, eb, a.x));
        }
      }),
      runs(3000, 11),
    );
  });

  test("narrow loads and coercions", () => {
    fc.assert(
      fc.property(memberArb, u64Arb, fc.constantFrom(1, 2, 4) as fc.Arbitrary<1 | 2 | 4>, (a, p, size) => {
        const bits = (size * 8) as 8 | 16 | 32;
        const mask = (1n << BigInt(bits)) - 1n;
        expectMember(scalarLoad(size, false), p & mask);
        expectMember(scalarLoad(size, true), signExtend(p, bits, 64));
        expectMember(scalarLoad(8, false), p);
        expectMember(scalarSignExtend(size, a.s), signExtend(a.x, bits, 64));
        expectMember(scalarTruncate(size, a.s), a.x & mask);
      }),
      runs(3000, 12),
    );
  });

  test("syncBounds keeps members; subsumption is sound", () => {
    fc.assert(
      fc.property(memberArb, memberArb, (a, b) => {
        expectMember(syncBounds(a.s), a.x);
        expect(scalarSubsumes(a.s, a.s)).toBe(true);
        expect(scalarSubsumes(scalarUnknown(), a.s)).toBe(true);
        if (scalarSubsumes(a.s, b.s)) expectMember(a.s, b.x);
      }),
      runs(3000, 13),
    );
  });
});

describe("scalarAlu precision (kernel-known outcomes)", () => {
  test("AND with a constant mask bounds the result by the mask (the 6.x log line)", () => {
    const r = scalarAlu("and", 64, scalarUnknown(), scalarConst(0xffn));
    expect([r.umin, r.umax, r.smin, r.smax]).toEqual([0n, 255n, 0n, 255n]);
    // The kernel prints this state as in its selftests (verifier_bounds / reg_bounds logs).
    expect(formatScalar(r)).toBe("scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))");
  });

  test("a constant prints as its signed value", () => {
    expect(formatScalar(scalarConst(5n))).toBe("5");
    expect(formatScalar(scalarConst(U64_MAX))).toBe("-1");
    expect(formatScalar(scalarConst(0xffff_ffffn))).toBe("0xffffffff");
  });

  test("<<32 then s>>32 of a non-negative 32-bit value keeps its range (the sign-extension idiom)", () => {
    const byte = scalarLoad(1, false);
    const sh = scalarAlu("lsh", 64, byte, scalarConst(32n));
    expect([sh.smin, sh.smax]).toEqual([0n, 255n << 32n]);
    const back = scalarAlu("arsh", 64, sh, scalarConst(32n));
    expect([back.umin, back.umax, back.smin, back.smax]).toEqual([0n, 255n, 0n, 255n]);
  });

  test("32-bit ops zero-extend; untracked ops and wide shifts give unknown", () => {
    const w = scalarAlu("add", 32, scalarUnknown(), scalarConst(1n));
    expect([w.umin, w.umax, w.smin, w.smax]).toEqual([0n, U32_MAX, 0n, U32_MAX]);
    expect(w.tnum).toEqual({ value: 0n, mask: U32_MAX });
    const r = scalarURange(0n, 100n);
    expect(scalarAlu("div", 64, r, scalarConst(2n))).toEqual(scalarUnknown());
    expect(scalarAlu("mod", 32, r, scalarConst(2n))).toEqual(scalarUnknown());
    expect(scalarAlu("lsh", 64, r, scalarConst(64n))).toEqual(scalarUnknown());
    expect(scalarAlu("rsh", 64, r, scalarURange(0n, 3n))).toEqual(scalarUnknown());
  });

  test("add and sub of ranges", () => {
    const r = scalarAlu("add", 64, scalarURange(10n, 20n), scalarURange(1n, 2n));
    expect([r.umin, r.umax, r.smin, r.smax]).toEqual([11n, 22n, 11n, 22n]);
    const s = scalarAlu("sub", 64, scalarURange(10n, 20n), scalarConst(30n));
    expect([s.smin, s.smax]).toEqual([-20n, -10n]);
    expect([s.umin, s.umax]).toEqual([U64_MAX - 19n, U64_MAX - 9n]);
  });
});
