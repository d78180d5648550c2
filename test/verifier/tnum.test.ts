// Soundness of the tnum operations against concrete 64-bit arithmetic (the VM's ALU): for random
// tnums and members of them, the concrete result is a member of the abstract result; plus the
// set relations (range, in, intersect, union), alignment and the log format.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  formatTnum,
  tnumAdd,
  tnumAnd,
  tnumArshift,
  tnumCast,
  tnumClearSubreg,
  tnumConst,
  tnumConstSubreg,
  tnumContains,
  tnumIn,
  tnumIntersect,
  tnumIsAligned,
  tnumLshift,
  tnumMul,
  tnumNeg,
  tnumOr,
  tnumOverlap,
  tnumRange,
  tnumRshift,
  tnumSub,
  tnumSubreg,
  tnumUnion,
  tnumWithSubreg,
  tnumXor,
  type Tnum,
} from "../../runtime/verifier/tnum.js";
import { alu } from "../../runtime/vm/alu.js";
import { U64_MAX, runs, tnumWellFormed, u64Arb } from "./arbitrary.js";

const maskArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.integer({ min: 0, max: 64 }).map((k) => (1n << BigInt(k)) - 1n),
  fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 63 })).map(([k, s]) => (((1n << BigInt(k)) - 1n) << BigInt(s)) & U64_MAX),
  fc.bigInt({ min: 0n, max: U64_MAX }),
  fc.constant(0n),
);

interface TM {
  t: Tnum;
  x: bigint;
}

/** A tnum and one of its members. */
const tmArb: fc.Arbitrary<TM> = fc.tuple(u64Arb, maskArb, u64Arb).map(([v, m, p]) => {
  const value = v & ~m & U64_MAX;
  return { t: { value, mask: m }, x: value | (p & m) };
});

function expectIn(t: Tnum, v: bigint): void {
  if (!tnumWellFormed(t) || !tnumContains(t, v)) throw new Error(`0x${v.toString(16)} not in ${formatTnum(t)}`);
}

describe("tnum soundness", () => {
  const binary: [string, (a: Tnum, b: Tnum) => Tnum, (x: bigint, y: bigint) => bigint][] = [
    ["add", tnumAdd, (x, y) => alu("add", 64, x, y)],
    ["sub", tnumSub, (x, y) => alu("sub", 64, x, y)],
    ["mul", tnumMul, (x, y) => alu("mul", 64, x, y)],
    ["and", tnumAnd, (x, y) => x & y],
    ["or", tnumOr, (x, y) => x | y],
    ["xor", tnumXor, (x, y) => x ^ y],
  ];
  for (const [name, f, g] of binary) {
    test(name, () => {
      fc.assert(
        fc.property(tmArb, tmArb, (a, b) => expectIn(f(a.t, b.t), g(a.x, b.x))),
        runs(4000, 100 + name.length),
      );
    });
  }

  test("union holds members of either side; intersect holds common members", () => {
    fc.assert(
      fc.property(tmArb, tmArb, maskArb, (a, b, m2) => {
        expectIn(tnumUnion(a.t, b.t), a.x);
        expectIn(tnumUnion(a.t, b.t), b.x);
        // A second description of a.x.
        const other = { value: a.x & ~m2 & U64_MAX, mask: m2 };
        expectIn(tnumIntersect(a.t, other), a.x);
      }),
      runs(4000, 201),
    );
  });

  test("shifts, neg, casts and subregisters", () => {
    fc.assert(
      fc.property(tmArb, fc.integer({ min: 0, max: 63 }), (a, k) => {
        const sh = BigInt(k);
        expectIn(tnumLshift(a.t, k), alu("lsh", 64, a.x, sh));
        expectIn(tnumRshift(a.t, k), alu("rsh", 64, a.x, sh));
        expectIn(tnumArshift(a.t, k, 64), alu("arsh", 64, a.x, sh));
        expectIn(tnumArshift(a.t, k & 31, 32), alu("arsh", 32, a.x, sh & 31n));
        expectIn(tnumNeg(a.t), alu("sub", 64, 0n, a.x));
        for (const size of [1, 2, 4, 8] as const) expectIn(tnumCast(a.t, size), a.x & ((1n << BigInt(size * 8)) - 1n));
        expectIn(tnumSubreg(a.t), a.x & 0xffff_ffffn);
        expectIn(tnumClearSubreg(a.t), a.x & ~0xffff_ffffn & U64_MAX);
        expectIn(tnumConstSubreg(a.t, 7n), (a.x & ~0xffff_ffffn & U64_MAX) | 7n);
      }),
      runs(4000, 202),
    );
  });

  test("with_subreg combines the high half of one member with the low half of another", () => {
    fc.assert(
      fc.property(tmArb, tmArb, (a, b) => {
        expectIn(tnumWithSubreg(a.t, b.t), (a.x & ~0xffff_ffffn & U64_MAX) | (b.x & 0xffff_ffffn));
      }),
      runs(4000, 203),
    );
  });

  test("range holds its interval; in is subset; is_aligned", () => {
    fc.assert(
      fc.property(u64Arb, u64Arb, u64Arb, tmArb, tmArb, fc.integer({ min: 0, max: 6 }), (p, q, r, a, b, k) => {
        const lo = p < q ? p : q;
        const hi = p < q ? q : p;
        const t = tnumRange(lo, hi);
        expectIn(t, lo);
        expectIn(t, hi);
        expectIn(t, lo + (r % (hi - lo + 1n)));
        if (tnumIn(a.t, b.t)) expectIn(a.t, b.x);
        // A shared member means the tnums overlap.
        if (tnumContains(b.t, a.x)) expect(tnumOverlap(a.t, b.t)).toBe(true);
        expect(tnumIn(a.t, a.t)).toBe(true);
        const size = 1n << BigInt(k);
        if (tnumIsAligned(a.t, size)) expect(a.x % size).toBe(0n);
      }),
      runs(4000, 204),
    );
  });
});

describe("tnum precision and format", () => {
  test("constants fold exactly", () => {
    fc.assert(
      fc.property(u64Arb, u64Arb, (x, y) => {
        expect(tnumAdd(tnumConst(x), tnumConst(y))).toEqual(tnumConst(alu("add", 64, x, y)));
        expect(tnumSub(tnumConst(x), tnumConst(y))).toEqual(tnumConst(alu("sub", 64, x, y)));
        expect(tnumMul(tnumConst(x), tnumConst(y))).toEqual(tnumConst(alu("mul", 64, x, y)));
      }),
      runs(2000, 205),
    );
  });

  test("range of a power-of-two block and the kernel's var_off text", () => {
    expect(tnumRange(0n, 255n)).toEqual({ value: 0n, mask: 255n });
    expect(tnumRange(0n, U64_MAX)).toEqual({ value: 0n, mask: U64_MAX });
    expect(formatTnum(tnumRange(0n, 255n))).toBe("(0x0; 0xff)");
  });

  test("multiplying a 2-bit unknown by 4 gives the tightest tnum of {0, 4, 8, 12}", () => {
    expect(tnumMul({ value: 0n, mask: 3n }, tnumConst(4n))).toEqual({ value: 0n, mask: 0xcn });
  });
});
