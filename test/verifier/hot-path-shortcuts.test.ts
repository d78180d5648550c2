// The allocation-saving shortcuts on the walk's hot path (docs/verifier.md, "Time" under "Agreement with the kernel") give the
// same scalars as the general code they bypass: a shortcut that drifted from it would change
// verdicts silently. Each property compares the shortcut with an independent derivation
// (exhaustive membership for tnumOverlap, the sync of a constant tnum for constants, the
// reference transfer functions for constant add/sub), on random and edge values.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { branchTaken } from "../../runtime/verifier/branch.js";
import { IdMap } from "../../runtime/verifier/prune.js";
import { scalarAlu, scalarAluRef } from "../../runtime/verifier/scalar-alu.js";
import { scalarConst, scalarConstInt, scalarFromTnum } from "../../runtime/verifier/scalar.js";
import { TNUM_UNKNOWN, tnumConst, tnumContains, tnumIn, tnumOverlap } from "../../runtime/verifier/tnum.js";
import { compare } from "../../runtime/vm/alu.js";
import { jmpCondList, memberArb, runs, u64Arb, U64_MAX } from "./arbitrary.js";

const EDGES = [0n, 1n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 0x1_0000_0000n, 1n << 63n, (1n << 63n) - 1n, U64_MAX, U64_MAX - 1n];
const edgeArb = fc.oneof(u64Arb, fc.constantFrom(...EDGES));
const plain = (s: object): string => JSON.stringify(s, (_, v) => (typeof v === "bigint" ? `${v}n` : v));

describe("hot-path shortcuts", () => {
  test("tnumOverlap holds exactly when the tnums share a member (6 unknown-or-known bits, exhaustive)", () => {
    // Bits 0..5 placed at `shift` (up to bit 63); every member is enumerated.
    const small = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 })).map(([v, m]) => ({ value: BigInt(v & ~m), mask: BigInt(m) }));
    fc.assert(
      fc.property(small, small, fc.integer({ min: 0, max: 58 }), (a, b, shift) => {
        const s = BigInt(shift);
        const ta = { value: a.value << s, mask: a.mask << s };
        const tb = { value: b.value << s, mask: b.mask << s };
        let shared = false;
        for (let x = 0n; x < 64n && !shared; x++) shared = tnumContains(ta, x << s) && tnumContains(tb, x << s);
        expect(tnumOverlap(ta, tb)).toBe(shared);
      }),
      runs(3000, 1801),
    );
  });

  test("tnumIn holds exactly when every member of the second is one of the first (exhaustive, incl. equal masks and the unknown tnum)", () => {
    const small = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 })).map(([v, m]) => ({ value: BigInt(v & ~m), mask: BigInt(m) }));
    fc.assert(
      fc.property(small, small, fc.integer({ min: 0, max: 58 }), fc.boolean(), (a, b, shift, sameMask) => {
        const s = BigInt(shift);
        const bm = sameMask ? a.mask : b.mask;
        const ta = { value: a.value << s, mask: a.mask << s };
        const tb = { value: (b.value & ~bm) << s, mask: bm << s };
        let all = true;
        for (let x = 0n; x < 64n && all; x++) if (tnumContains(tb, x << s)) all = tnumContains(ta, x << s);
        expect(tnumIn(ta, tb)).toBe(all);
        expect(tnumIn(TNUM_UNKNOWN, tb)).toBe(true);
        expect(tnumIn(tb, TNUM_UNKNOWN)).toBe(false);
      }),
      runs(3000, 1806),
    );
  });

  test("IdMap (flat arrays, reused) answers as a fresh Map-based bijection per comparison", () => {
    type Space = "id" | "ref" | "pkt" | "pkt_meta";
    const SP: Record<Space, number> = { id: 0, ref: 1, pkt: 2, pkt_meta: 3 };
    // The reference: the Map version the walk used before, built anew for each comparison.
    const reference = (): ((o: number, c: number, s: Space) => boolean) => {
      const fwd = new Map<number, number>();
      const back = new Map<number, number>();
      let tmp = 0;
      return (o, c, s) => {
        if (s === "id") {
          if (o === 0 && c === 0) return true;
          if (o === 0) o = --tmp;
          if (c === 0) c = --tmp;
        }
        const f = fwd.get(o * 4 + SP[s]);
        const b = back.get(c * 4 + SP[s]);
        if (f === undefined && b === undefined) {
          fwd.set(o * 4 + SP[s], c);
          back.set(c * 4 + SP[s], o);
          return true;
        }
        return f === c && b === o;
      };
    };
    const call = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom<Space>("id", "ref", "pkt", "pkt_meta"));
    const shared = new IdMap();
    fc.assert(
      fc.property(fc.array(fc.array(call, { maxLength: 30 }), { maxLength: 6 }), (comparisons) => {
        for (const calls of comparisons) {
          shared.reset();
          const ref = reference();
          for (const [o, c, s] of calls) expect(shared.check(o, c, s)).toBe(ref(o, c, s));
        }
      }),
      runs(2000, 1807),
    );
  });

  test("constants (scalarConst, scalarConstInt) equal the sync of their constant tnum", () => {
    fc.assert(
      fc.property(edgeArb, (v) => {
        expect(plain(scalarConst(v))).toBe(plain(scalarFromTnum(tnumConst(v))));
      }),
      runs(3000, 1802),
    );
    for (const v of EDGES) expect(plain(scalarConst(v))).toBe(plain(scalarFromTnum(tnumConst(v))));
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.constantFrom(0, 255, 256, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1)), (v) => {
        expect(plain(scalarConstInt(v))).toBe(plain(scalarFromTnum(tnumConst(BigInt.asUintN(64, BigInt(v))))));
      }),
      runs(3000, 1803),
    );
  });

  test("constant add/sub equal the reference transfer functions at both widths", () => {
    fc.assert(
      fc.property(edgeArb, edgeArb, fc.constantFrom("add" as const, "sub" as const), fc.constantFrom(32 as const, 64 as const), (a, b, op, width) => {
        const x = scalarConst(a);
        const y = scalarConst(b);
        expect(plain(scalarAlu(op, width, x, y))).toBe(plain(scalarAluRef(op, width, x, y)));
      }),
      runs(4000, 1804),
    );
  });

  test("branchTaken never decides against a pair of members", () => {
    fc.assert(
      fc.property(memberArb, memberArb, fc.constantFrom(...jmpCondList), fc.constantFrom(32 as const, 64 as const), (a, b, cond, width) => {
        const taken = branchTaken(cond, width, a.s, b.s);
        if (taken !== undefined) expect(taken).toBe(compare(cond, width, a.x, b.x));
      }),
      runs(4000, 1805),
    );
  });
});
