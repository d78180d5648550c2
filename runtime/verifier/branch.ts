// Conditional jumps on two scalars, as the Linux 6.18 verifier treats them:
// `branchTaken` is is_scalar_branch_taken (true: always jumps, false: never, undefined: either),
// `refineBranch` is reg_set_min_max for one side (regs_refine_cond_op, reg_bounds_sync, then
// reg_bounds_sanity_check). Like the kernel, a side is pruned only when branchTaken rules it out;
// a refinement whose bounds contradict each other leaves the register with its tnum but no
// bounds (what the kernel does outside selftests), it does not prune the path.

import type { JmpCond } from "../isa/index.js";
import { constValueAt, isConstAt, markUnbounded32, markUnbounded64, mutable, sanitizeInPlace, syncInPlace, type MutScalar, type Scalar } from "./scalar.js";
import { U32_MAX, U64_MAX, tnumAnd, tnumConst, tnumIntersect, tnumIsConst, tnumOr, tnumOverlap, tnumSubreg, tnumWithSubreg } from "./tnum.js";

/** The condition of the other side of a jump (the kernel's rev_opcode); "jnset" is !(a & b). */
type Cond = JmpCond | "jnset";

const reverse: Readonly<Record<JmpCond, Cond>> = {
  jeq: "jne",
  jne: "jeq",
  jgt: "jle",
  jle: "jgt",
  jge: "jlt",
  jlt: "jge",
  jsgt: "jsle",
  jsle: "jsgt",
  jsge: "jslt",
  jslt: "jsge",
  jset: "jnset",
};

/** a OP b == b FLIP(OP) a (the kernel's flip_opcode) for the ordering tests. */
const flipped = { jgt: "jlt", jge: "jle", jsgt: "jslt", jsge: "jsle" } as const;

/** Whether `a cond b` holds for every (true), no (false) or some (undefined) pair of members. */
export function branchTaken(cond: JmpCond, width: 32 | 64, a: Scalar, b: Scalar): boolean | undefined {
  const w32 = width === 32;
  const t1 = w32 ? tnumSubreg(a.tnum) : a.tnum;
  const t2 = w32 ? tnumSubreg(b.tnum) : b.tnum;
  // The bounds the comparison looks at, as locals (a view object per operand showed in
  // allocation profiles).
  const xumin = w32 ? a.u32min : a.umin;
  const xumax = w32 ? a.u32max : a.umax;
  const xsmin = w32 ? a.s32min : a.smin;
  const xsmax = w32 ? a.s32max : a.smax;
  const yumin = w32 ? b.u32min : b.umin;
  const yumax = w32 ? b.u32max : b.umax;
  const ysmin = w32 ? b.s32min : b.smin;
  const ysmax = w32 ? b.s32max : b.smax;
  switch (cond) {
    case "jeq":
    case "jne": {
      const eq = cond === "jeq";
      if (tnumIsConst(t1) && tnumIsConst(t2)) return (t1.value === t2.value) === eq;
      // A bit known in both with different values (observed on 6.18: `w & ~0x80` never == 0xff).
      if (!tnumOverlap(t1, t2)) return !eq;
      if (xumin > yumax || xumax < yumin) return !eq;
      if (xsmin > ysmax || xsmax < ysmin) return !eq;
      if (!w32) {
        // Inconclusive 64-bit ranges may still be told apart by their low halves.
        if (a.u32min > b.u32max || a.u32max < b.u32min) return !eq;
        if (a.s32min > b.s32max || a.s32max < b.s32min) return !eq;
      }
      return undefined;
    }
    case "jset": {
      let p = t1;
      let q = t2;
      if (!isConstAt(b, width)) {
        if (!isConstAt(a, width)) return undefined;
        p = t2;
        q = t1;
      }
      if ((~p.mask & p.value & q.value) !== 0n) return true;
      if (((p.mask | p.value) & q.value) === 0n) return false;
      return undefined;
    }
    case "jgt":
      if (xumin > yumax) return true;
      if (xumax <= yumin) return false;
      return undefined;
    case "jge":
      if (xumin >= yumax) return true;
      if (xumax < yumin) return false;
      return undefined;
    case "jlt":
      if (xumax < yumin) return true;
      if (xumin >= yumax) return false;
      return undefined;
    case "jle":
      if (xumax <= yumin) return true;
      if (xumin > yumax) return false;
      return undefined;
    case "jsgt":
      if (xsmin > ysmax) return true;
      if (xsmax <= ysmin) return false;
      return undefined;
    case "jsge":
      if (xsmin >= ysmax) return true;
      if (xsmax < ysmin) return false;
      return undefined;
    case "jslt":
      if (xsmax < ysmin) return true;
      if (xsmin >= ysmax) return false;
      return undefined;
    case "jsle":
      if (xsmax <= ysmin) return true;
      if (xsmin > ysmax) return false;
      return undefined;
  }
}

const isPowerOf2 = (v: bigint): boolean => v !== 0n && (v & (v - 1n)) === 0n;

/** The kernel's regs_refine_cond_op: what `r1 cond r2` being true tells about both. */
function refine(cond: Cond, w32: boolean, r1: MutScalar, r2: MutScalar): void {
  const width = w32 ? 32 : 64;
  switch (cond) {
    case "jgt":
    case "jge":
    case "jsgt":
    case "jsge":
      refine(flipped[cond], w32, r2, r1);
      return;
    case "jeq":
      if (w32) {
        r1.u32min = r1.u32min > r2.u32min ? r1.u32min : r2.u32min;
        r1.u32max = r1.u32max < r2.u32max ? r1.u32max : r2.u32max;
        r1.s32min = r1.s32min > r2.s32min ? r1.s32min : r2.s32min;
        r1.s32max = r1.s32max < r2.s32max ? r1.s32max : r2.s32max;
        r2.u32min = r1.u32min;
        r2.u32max = r1.u32max;
        r2.s32min = r1.s32min;
        r2.s32max = r1.s32max;
        const t = tnumIntersect(tnumSubreg(r1.tnum), tnumSubreg(r2.tnum));
        r1.tnum = tnumWithSubreg(r1.tnum, t);
        r2.tnum = tnumWithSubreg(r2.tnum, t);
      } else {
        r1.umin = r1.umin > r2.umin ? r1.umin : r2.umin;
        r1.umax = r1.umax < r2.umax ? r1.umax : r2.umax;
        r1.smin = r1.smin > r2.smin ? r1.smin : r2.smin;
        r1.smax = r1.smax < r2.smax ? r1.smax : r2.smax;
        r2.umin = r1.umin;
        r2.umax = r1.umax;
        r2.smin = r1.smin;
        r2.smax = r1.smax;
        r1.tnum = tnumIntersect(r1.tnum, r2.tnum);
        r2.tnum = r1.tnum;
      }
      return;
    case "jne": {
      // Only a constant at an edge of the other's range trims it.
      if (!isConstAt(r2, width)) [r1, r2] = [r2, r1];
      if (!isConstAt(r2, width)) return;
      const v = constValueAt(r2, width);
      if (w32) {
        const sv = BigInt.asIntN(32, v);
        if (r1.u32min === v) r1.u32min++;
        if (r1.u32max === v) r1.u32max--;
        if (r1.s32min === sv) r1.s32min++;
        if (r1.s32max === sv) r1.s32max--;
      } else {
        const sv = BigInt.asIntN(64, v);
        if (r1.umin === v) r1.umin++;
        if (r1.umax === v) r1.umax--;
        if (r1.smin === sv) r1.smin++;
        if (r1.smax === sv) r1.smax--;
      }
      return;
    }
    case "jset": {
      // Only a single tested bit is then known to be set.
      if (!isConstAt(r2, width)) [r1, r2] = [r2, r1];
      if (!isConstAt(r2, width)) return;
      const v = constValueAt(r2, width);
      if (!isPowerOf2(v)) return;
      if (w32) r1.tnum = tnumWithSubreg(r1.tnum, tnumOr(tnumSubreg(r1.tnum), tnumConst(v)));
      else r1.tnum = tnumOr(r1.tnum, tnumConst(v));
      return;
    }
    case "jnset": {
      if (!isConstAt(r2, width)) [r1, r2] = [r2, r1];
      if (!isConstAt(r2, width)) return;
      const v = constValueAt(r2, width);
      if (w32) r1.tnum = tnumWithSubreg(r1.tnum, tnumAnd(tnumSubreg(r1.tnum), tnumConst(~v & U32_MAX)));
      else r1.tnum = tnumAnd(r1.tnum, tnumConst(~v & U64_MAX));
      // Observed on 6.18 (both widths): this side keeps only the new tnum; every range
      // bound is re-derived from it by the sync that follows (a `<= 100` bound is lost).
      markUnbounded64(r1);
      markUnbounded32(r1);
      return;
    }
    case "jle":
      return refineLess(r1, r2, w32 ? "u32" : "u64", false);
    case "jlt":
      return refineLess(r1, r2, w32 ? "u32" : "u64", true);
    case "jsle":
      return refineLess(r1, r2, w32 ? "s32" : "s64", false);
    case "jslt":
      return refineLess(r1, r2, w32 ? "s32" : "s64", true);
  }
}

type BoundKind = "u32" | "u64" | "s32" | "s64";
type BoundField = "u32min" | "u32max" | "umin" | "umax" | "s32min" | "s32max" | "smin" | "smax";
const boundFields: Readonly<Record<BoundKind, readonly [BoundField, BoundField]>> = {
  u32: ["u32min", "u32max"],
  u64: ["umin", "umax"],
  s32: ["s32min", "s32max"],
  s64: ["smin", "smax"],
};
const wrapTo: Readonly<Record<BoundKind, (v: bigint) => bigint>> = {
  u32: (v) => BigInt.asUintN(32, v),
  u64: (v) => BigInt.asUintN(64, v),
  s32: (v) => BigInt.asIntN(32, v),
  s64: (v) => BigInt.asIntN(64, v),
};

/**
 * `r1 <= r2` (or `<` when `strict`) in one kind of bound: r1's max falls to r2's max and r2's
 * min rises to r1's min (minus / plus one when strict). The kernel's `max - 1` / `min + 1`
 * wrap in C; they cannot here because the branch is undecided, but they wrap anyway to stay
 * the same function.
 */
function refineLess(r1: MutScalar, r2: MutScalar, kind: BoundKind, strict: boolean): void {
  const [lo, hi] = boundFields[kind];
  const wrap = wrapTo[kind];
  const step = strict ? 1n : 0n;
  const m = wrap(r2[hi] - step);
  if (m < r1[hi]) r1[hi] = m;
  const n = wrap(r1[lo] + step);
  if (n > r2[lo]) r2[lo] = n;
}

/**
 * The states of `a` and `b` on the side of `a cond b` where the test is `taken`.
 * undefined: branchTaken proves that side is never reached (the kernel does not walk it).
 * When branchTaken decides the side is always reached, the kernel learns nothing and the
 * inputs come back unchanged.
 */
export function refineBranch(cond: JmpCond, width: 32 | 64, a: Scalar, b: Scalar, taken: boolean): readonly [Scalar, Scalar] | undefined {
  const pred = branchTaken(cond, width, a, b);
  if (pred !== undefined) return pred === taken ? [a, b] : undefined;
  const r1 = mutable(a);
  const r2 = mutable(b);
  refine(taken ? cond : reverse[cond], width === 32, r1, r2);
  syncInPlace(r1);
  syncInPlace(r2);
  sanitizeInPlace(r1);
  sanitizeInPlace(r2);
  return [r1, r2];
}

/**
 * `a cond a` with one register on both sides (`if r1 < r1`). The kernel neither decides it
 * (unless the value is constant) nor treats the operands as two values: its refinement writes
 * both sides into the same register state, one after the other, and syncs it twice.
 * undefined: the side is never reached.
 */
export function refineBranchSameReg(cond: JmpCond, width: 32 | 64, a: Scalar, taken: boolean): Scalar | undefined {
  const pred = branchTaken(cond, width, a, a);
  if (pred !== undefined) return pred === taken ? a : undefined;
  const r = mutable(a);
  refine(taken ? cond : reverse[cond], width === 32, r, r);
  syncInPlace(r);
  syncInPlace(r);
  sanitizeInPlace(r);
  return r;
}
