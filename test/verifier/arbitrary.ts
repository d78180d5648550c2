// fast-check generators for the scalar-domain property tests: abstract values paired with a
// concrete member. A pair starts from one of the domain's constructors (constant, unsigned or
// signed range, tnum, narrow load, unknown, zero-extended 32-bit range) with a member drawn from
// it, then goes through a few random ALU operations with constants and branch refinements that
// the member satisfies, so the abstract values look like the ones the verifier meets. The
// concrete side is computed with the VM's ALU; `broken` records a refinement that lost the member
// (a soundness failure the properties assert against).

import fc from "fast-check";
import type { AluOp, JmpCond } from "../../runtime/isa/index.js";
import { refineBranch } from "../../runtime/verifier/branch.js";
import { scalarAlu, scalarMovsx, scalarNeg } from "../../runtime/verifier/scalar-alu.js";
import {
  scalarConst,
  scalarFromTnum,
  scalarLoad,
  scalarSRange,
  scalarURange,
  scalarUnknown,
  type Scalar,
} from "../../runtime/verifier/scalar.js";
import { alu, compare, signExtend } from "../../runtime/vm/alu.js";

export const U64_MAX = 0xffff_ffff_ffff_ffffn;
export const U32_MAX = 0xffff_ffffn;

export const aluOpList: readonly AluOp[] = ["add", "sub", "mul", "div", "sdiv", "or", "and", "lsh", "rsh", "mod", "smod", "xor", "mov", "arsh"];
export const jmpCondList: readonly JmpCond[] = ["jeq", "jne", "jgt", "jge", "jlt", "jle", "jsgt", "jsge", "jslt", "jsle", "jset"];

const u = (v: bigint): bigint => BigInt.asUintN(64, v);

/** 64-bit patterns biased towards the edges the bounds logic cares about. */
export const u64Arb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 0n, max: U64_MAX }),
  fc.integer({ min: -260, max: 260 }).map((v) => u(BigInt(v))),
  fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: -2, max: 2 })).map(([k, d]) => u((1n << BigInt(k)) + BigInt(d))),
  fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: -2, max: 2 })).map(([k, d]) => u(-(1n << BigInt(k)) + BigInt(d))),
  fc.bigInt({ min: 0n, max: U32_MAX }),
  fc.tuple(fc.integer({ min: -3, max: 3 }), fc.bigInt({ min: 0n, max: U32_MAX })).map(([hi, lo]) => u((BigInt(hi) << 32n) | lo)),
);

/** A shift amount or other small constant, sometimes out of range. */
const smallArb: fc.Arbitrary<bigint> = fc.oneof(fc.integer({ min: 0, max: 70 }).map(BigInt), u64Arb);

/** Masks for tnums: low-bit runs, sparse bits, random. */
export const maskArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.integer({ min: 0, max: 64 }).map((k) => (1n << BigInt(k)) - 1n),
  fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 63 })).map(([k, s]) => (((1n << BigInt(k)) - 1n) << BigInt(s)) & U64_MAX),
  fc.bigInt({ min: 0n, max: U64_MAX }),
  fc.bigInt({ min: 0n, max: U64_MAX }).chain((a) => fc.bigInt({ min: 0n, max: U64_MAX }).map((b) => a & b)),
  fc.constant(0n),
);

export interface Member {
  readonly s: Scalar;
  readonly x: bigint;
  readonly broken: boolean;
}

const pick = (lo: bigint, hi: bigint, p: bigint): bigint => lo + (p % (hi - lo + 1n));

const base: fc.Arbitrary<Member> = fc.oneof(
  u64Arb.map((v) => ({ s: scalarConst(v), x: v, broken: false })),
  fc.tuple(u64Arb, u64Arb, u64Arb).map(([a, b, p]) => {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    return { s: scalarURange(lo, hi), x: pick(lo, hi, p), broken: false };
  }),
  fc.tuple(u64Arb, u64Arb, u64Arb).map(([a, b, p]) => {
    const sa = BigInt.asIntN(64, a);
    const sb = BigInt.asIntN(64, b);
    const lo = sa < sb ? sa : sb;
    const hi = sa < sb ? sb : sa;
    return { s: scalarSRange(lo, hi), x: u(pick(lo, hi, p)), broken: false };
  }),
  fc.tuple(u64Arb, maskArb, u64Arb).map(([v, m, p]) => ({
    s: scalarFromTnum({ value: v & ~m & U64_MAX, mask: m }),
    x: (v & ~m & U64_MAX) | (p & m),
    broken: false,
  })),
  fc.tuple(fc.constantFrom(1, 2, 4, 8) as fc.Arbitrary<1 | 2 | 4 | 8>, fc.boolean(), u64Arb).map(([size, signed, p]) => ({
    s: scalarLoad(size, signed),
    x: size === 8 ? p : signed ? signExtend(p, (size * 8) as 8 | 16 | 32, 64) : p & ((1n << BigInt(size * 8)) - 1n),
    broken: false,
  })),
  u64Arb.map((p) => ({ s: scalarUnknown(), x: p, broken: false })),
  fc.tuple(u64Arb, u64Arb, u64Arb, u64Arb).map(([a, b, p, junk]) => {
    const lo = (a < b ? a : b) & U32_MAX;
    const hi = (a < b ? b : a) & U32_MAX;
    const l = lo < hi ? lo : hi;
    const h = lo < hi ? hi : lo;
    // A 32-bit range reached through a 32-bit move of a register with junk upper bits.
    const r = scalarURange(l, h);
    const x = pick(l, h, p);
    const hiJunk = junk & ~U32_MAX & U64_MAX;
    const src = scalarAlu("or", 64, r, scalarFromTnum({ value: 0n, mask: ~U32_MAX & U64_MAX }));
    return { s: scalarAlu("mov", 32, scalarUnknown(), src), x: alu("mov", 32, 0n, x | hiJunk), broken: false };
  }),
);

type Step =
  | { kind: "alu"; op: AluOp; width: 32 | 64; c: bigint }
  | { kind: "branch"; cond: JmpCond; width: 32 | 64; c: bigint }
  | { kind: "neg"; width: 32 | 64 }
  | { kind: "movsx"; width: 32 | 64; bits: 8 | 16 | 32 };

const widthArb = fc.constantFrom(32, 64) as fc.Arbitrary<32 | 64>;

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("alu" as const), op: fc.constantFrom(...aluOpList), width: widthArb, c: smallArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("branch" as const), cond: fc.constantFrom(...jmpCondList), width: widthArb, c: u64Arb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("neg" as const), width: widthArb }) },
  {
    weight: 1,
    arbitrary: fc
      .record({ kind: fc.constant("movsx" as const), width: widthArb, bits: fc.constantFrom(8, 16, 32) as fc.Arbitrary<8 | 16 | 32> })
      .map((s) => (s.width === 32 && s.bits === 32 ? { ...s, bits: 16 as const } : s)),
  },
);

function apply(m: Member, step: Step): Member {
  switch (step.kind) {
    case "alu":
      return { s: scalarAlu(step.op, step.width, m.s, scalarConst(step.c)), x: alu(step.op, step.width, m.x, step.c), broken: m.broken };
    case "branch": {
      const taken = compare(step.cond, step.width, m.x, step.c);
      const r = refineBranch(step.cond, step.width, m.s, scalarConst(step.c), taken);
      if (r === undefined) return { ...m, broken: true };
      return { s: r[0], x: m.x, broken: m.broken };
    }
    case "neg":
      return { s: scalarNeg(step.width, m.s), x: alu("sub", step.width, 0n, m.x), broken: m.broken };
    case "movsx":
      return { s: scalarMovsx(step.width, step.bits, m.s), x: signExtend(m.x, step.bits, step.width), broken: m.broken };
  }
}

/** An abstract value with a concrete member, after 0–4 random steps. */
export const memberArb: fc.Arbitrary<Member> = fc
  .tuple(base, fc.array(stepArb, { maxLength: 4 }))
  .map(([b, steps]) => steps.reduce(apply, b));

/** Fixed seeds keep the suites deterministic. */
export const runs = (numRuns: number, seed: number): fc.Parameters<unknown> => ({ numRuns, seed });

/** Whether the tnum's known and unknown bits are disjoint and in range. */
export const tnumWellFormed = (t: { value: bigint; mask: bigint }): boolean =>
  (t.value & t.mask) === 0n && t.value >= 0n && t.mask >= 0n && t.value <= U64_MAX && t.mask <= U64_MAX;
