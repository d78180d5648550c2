// Copy and constant propagation over vregs that are defined exactly once. Such a vreg is, in
// effect, an SSA value: when its single definition is `mov v ← u` (u also defined once) every
// use of v can read u, and when it is `mov v ← constant` every use that accepts an immediate
// can take the constant. The dead movs are left for dead-code elimination.
//
// A 32-bit mov is a zero-extension: it is a copy only when u is already zero-extended (u comes
// from a load of at most 4 bytes or a 32-bit operation).

import { alu32, alu64, endian, signExtend } from "../../../runtime/vm/alu.js";
import { def, mapUses, uses, type Inst, type IrFunction, type Operand, type Terminator, type VReg } from "../ir.js";

type AnyInst = Inst | Terminator;

const COMMUTATIVE = new Set(["add", "mul", "and", "or", "xor"]);
const ASSOCIATIVE = new Set(["add", "and", "or", "xor"]);

function definitions(fn: IrFunction): Map<VReg, AnyInst | "param"> {
  const count = new Map<VReg, number>();
  const only = new Map<VReg, AnyInst | "param">();
  for (const p of fn.params) {
    count.set(p, 1);
    only.set(p, "param");
  }
  for (const b of fn.blocks) {
    for (const i of b.insts) {
      const d = def(i);
      if (d === undefined) continue;
      count.set(d, (count.get(d) ?? 0) + 1);
      only.set(d, i);
    }
  }
  for (const [v, n] of count) if (n !== 1) only.delete(v);
  return only;
}

function zeroExtended(d: AnyInst | "param" | undefined): boolean {
  if (!d || d === "param") return false;
  switch (d.op) {
    case "load":
      return d.size <= 4;
    case "alu":
    case "mov":
    case "neg":
      return d.width === 32;
    case "ext":
      return !d.signed || d.width === 32;
    default:
      return false;
  }
}

export function propagate(fn: IrFunction): boolean {
  const defs = definitions(fn);
  const copyOf = new Map<VReg, VReg>();
  const constOf = new Map<VReg, bigint>();
  for (const [v, d] of defs) {
    if (d === "param" || d.op !== "mov") continue;
    if (d.src.kind === "imm") {
      constOf.set(v, d.width === 32 ? d.src.value & 0xffffffffn : d.src.value);
    } else if (defs.has(d.src.reg) && (d.width === 64 || zeroExtended(defs.get(d.src.reg)))) {
      copyOf.set(v, d.src.reg);
    }
  }
  const root = (v: VReg): VReg => {
    let r = v;
    for (let i = 0; i < 64 && copyOf.has(r); i++) r = copyOf.get(r)!;
    return r;
  };
  let changed = false;
  const r = (v: VReg): VReg => {
    const x = root(v);
    if (x !== v) changed = true;
    return x;
  };
  const fits = (v: bigint): boolean => BigInt.asIntN(64, v) >= -(1n << 31n) && BigInt.asIntN(64, v) < 1n << 31n;
  /** An operand position that accepts an immediate: the constant if the vreg has one that fits. */
  const o = (op: Operand): Operand => {
    if (op.kind !== "reg") return op;
    const c = constOf.get(root(op.reg));
    if (c !== undefined && fits(c)) {
      changed = true;
      return { kind: "imm", value: c };
    }
    const x = r(op.reg);
    return x === op.reg ? op : { kind: "reg", reg: x };
  };
  /** Folds an operation whose operands are all constants into a mov of the result (the VM's ALU semantics). */
  const fold = (i: Inst): Inst | undefined => {
    const c = (v: VReg): bigint | undefined => constOf.get(root(v));
    switch (i.op) {
      case "alu": {
        const a = c(i.a);
        const b = i.b.kind === "imm" ? BigInt.asUintN(64, i.b.value) : c(i.b.reg);
        if (a === undefined || b === undefined) return undefined;
        const v = i.width === 64 ? alu64(i.alu, BigInt.asUintN(64, a), b) : alu32(i.alu, a, b);
        return { op: "mov", dst: i.dst, src: { kind: "imm", value: v }, width: 64, line: i.line };
      }
      case "neg": {
        const a = c(i.src);
        if (a === undefined) return undefined;
        const v = i.width === 64 ? alu64("sub", 0n, BigInt.asUintN(64, a)) : alu32("sub", 0n, a);
        return { op: "mov", dst: i.dst, src: { kind: "imm", value: v }, width: 64, line: i.line };
      }
      case "ext": {
        const a = c(i.src);
        if (a === undefined) return undefined;
        const v = i.signed ? signExtend(BigInt.asUintN(64, a), i.bits, i.width) : BigInt.asUintN(i.bits, a);
        return { op: "mov", dst: i.dst, src: { kind: "imm", value: v }, width: 64, line: i.line };
      }
      case "bswap": {
        const a = c(i.src);
        if (a === undefined) return undefined;
        return { op: "mov", dst: i.dst, src: { kind: "imm", value: endian("be", i.bits, BigInt.asUintN(64, a)) }, width: 64, line: i.line };
      }
      default:
        return undefined;
    }
  };
  // Use counts, for reassociating `(x op c1) op c2` into `x op (c1 op c2)` when the inner
  // result has no other use (add, and, or, xor: associative and commutative).
  const useCount = new Map<VReg, number>();
  for (const b of fn.blocks) {
    for (const i of [...b.insts, ...(b.term ? [b.term] : [])]) for (const u of uses(i)) useCount.set(u, (useCount.get(u) ?? 0) + 1);
  }
  const reassociate = (i: Inst): Inst | undefined => {
    if (i.op !== "alu" || i.b.kind !== "imm" || !ASSOCIATIVE.has(i.alu)) return undefined;
    const inner = defs.get(i.a);
    if (!inner || inner === "param" || inner.op !== "alu" || inner.alu !== i.alu || inner.width !== i.width || inner.b.kind !== "imm") return undefined;
    // x must still hold the same value where the outer operation runs: defined once.
    if (useCount.get(i.a) !== 1 || !defs.has(inner.a)) return undefined;
    const combined = i.width === 64 ? alu64(i.alu, BigInt.asUintN(64, inner.b.value), BigInt.asUintN(64, i.b.value)) : alu32(i.alu, inner.b.value, i.b.value);
    const value = i.width === 64 ? BigInt.asIntN(64, combined) : BigInt.asIntN(32, combined);
    if (!fits(value)) return undefined;
    return { ...i, a: inner.a, b: { kind: "imm", value } };
  };
  for (const b of fn.blocks) {
    b.insts = b.insts.map((i): Inst => {
      const folded = fold(i) ?? reassociate(i);
      if (folded) {
        changed = true;
        return folded;
      }
      if (i.op === "alu") {
        // A constant on the left of a commutative operation moves to the right, where an immediate fits.
        const left = constOf.get(root(i.a));
        if (left !== undefined && fits(left) && COMMUTATIVE.has(i.alu) && i.b.kind === "reg") {
          changed = true;
          return { ...i, a: r(i.b.reg), b: { kind: "imm", value: left } };
        }
      }
      return mapUses(i, r, o);
    });
    if (b.term) b.term = mapUses(b.term, r, o);
  }
  return changed;
}
