// Soundness of branch prediction and refinement against the VM's concrete comparison: for random
// abstract operands and members, branchTaken never contradicts the concrete outcome, and the
// side the concrete pair takes is never pruned and keeps both members. Then precision cases
// stated by the kernel's selftests and comments.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { branchTaken, refineBranch, refineBranchSameReg } from "../../runtime/verifier/branch.js";
import { scalarAlu } from "../../runtime/verifier/scalar-alu.js";
import { formatScalar, scalarConst, scalarContains, scalarLoad, scalarUnknown, scalarURange, type Scalar } from "../../runtime/verifier/scalar.js";
import { compare } from "../../runtime/vm/alu.js";
import { U32_MAX, jmpCondList, memberArb, runs, tnumWellFormed } from "./arbitrary.js";

function expectMember(s: Scalar, v: bigint): void {
  if (!scalarContains(s, v) || !tnumWellFormed(s.tnum)) throw new Error(`0x${v.toString(16)} not in ${formatScalar(s)}`);
}

describe("branch soundness", () => {
  for (const cond of jmpCondList) {
    for (const width of [32, 64] as const) {
      test(`${cond} ${width}`, () => {
        fc.assert(
          fc.property(memberArb, memberArb, fc.boolean(), (a, b, sameConst) => {
            expect(a.broken || b.broken).toBe(false);
            // Often compare against a constant, as most jumps do (the JNE/JSET rules need one).
            const bs = sameConst ? scalarConst(b.x) : b.s;
            const taken = compare(cond, width, a.x, b.x);
            const pred = branchTaken(cond, width, a.s, bs);
            if (pred !== undefined) expect(pred).toBe(taken);
            const r = refineBranch(cond, width, a.s, bs, taken);
            expect(r).toBeDefined();
            expectMember(r![0], a.x);
            expectMember(r![1], b.x);
            // Also with the constant on the left.
            const r2 = refineBranch(cond, width, scalarConst(a.x), b.s, taken);
            expect(r2).toBeDefined();
            expectMember(r2![1], b.x);
          }),
          runs(1500, 0xb4a + width + cond.length * 13),
        );
      });
    }
  }
});

test("one register on both sides: the side it takes keeps its value", () => {
  fc.assert(
    fc.property(memberArb, fc.constantFrom(...jmpCondList), fc.constantFrom(32, 64) as fc.Arbitrary<32 | 64>, (a, cond, width) => {
      const taken = compare(cond, width, a.x, a.x);
      const r = refineBranchSameReg(cond, width, a.s, taken);
      expect(r).toBeDefined();
      expectMember(r!, a.x);
    }),
    runs(3000, 0xb4b),
  );
});

describe("branch precision (kernel-known outcomes)", () => {
  test("`r & 0xff` then `r < 256` is always taken", () => {
    const r = scalarAlu("and", 64, scalarUnknown(), scalarConst(0xffn));
    expect(branchTaken("jlt", 64, r, scalarConst(256n))).toBe(true);
    expect(refineBranch("jlt", 64, r, scalarConst(256n), false)).toBeUndefined();
    expect(branchTaken("jgt", 64, r, scalarConst(255n))).toBe(false);
  });

  test("a JMP32 signed test tightens 64-bit bounds through the low halves (reg_bounds comment)", () => {
    // r1 in [0x1_00000000, 0x3_80000000]; `w1 s> 0` gives [0x1_00000001, 0x3_7fffffff].
    const r1 = scalarURange(0x1_0000_0000n, 0x3_8000_0000n);
    const [t] = refineBranch("jsgt", 32, r1, scalarConst(0n), true)!;
    expect([t.umin, t.umax]).toEqual([0x1_0000_0001n, 0x3_7fff_ffffn]);
  });

  test("JNE against a range edge trims it; JEQ pins a constant", () => {
    const byte = scalarLoad(1, false);
    const [ne] = refineBranch("jne", 64, byte, scalarConst(0n), true)!;
    expect([ne.umin, ne.umax]).toEqual([1n, 255n]);
    const [eq] = refineBranch("jeq", 64, byte, scalarConst(7n), true)!;
    expect(formatScalar(eq)).toBe("7");
  });

  test("JSET of one bit sets it; its negation clears the tested bits", () => {
    const byte = scalarLoad(1, false);
    const [set] = refineBranch("jset", 64, byte, scalarConst(0x80n), true)!;
    expect([set.umin, set.umax]).toEqual([0x80n, 0xffn]);
    const [clear] = refineBranch("jset", 64, byte, scalarConst(0xf0n), false)!;
    expect(clear.tnum).toEqual({ value: 0n, mask: 0xfn });
  });

  test("unsigned compare on a 32-bit value after a 32-bit load", () => {
    const w = scalarLoad(4, false);
    expect(w.umax).toBe(U32_MAX);
    const [lo] = refineBranch("jlt", 32, w, scalarConst(16n), true)!;
    expect([lo.umin, lo.umax]).toEqual([0n, 15n]);
  });
});
