// Mutation families around the checks that make accesses safe: packet bounds checks
// (dropped, inverted, off by one, pointer arithmetic moved onto pkt_end) and null checks
// after map lookups / ring buffer reservations (dropped, inverted).
//
// "Dropping" a check replaces the comparison by one the kernel decides statically
// (`if r10 == 0` is never taken, `if r10 != 0` always: the frame pointer is never null),
// steering every run onto the path of the guarded access while keeping both CFG edges,
// so no "unreachable insn" hides the real finding.

import type { Instruction, JmpCond } from "../../../runtime/isa/index.js";
import { candidate, FP, instructions, type Candidate, type FunctionSite } from "./candidate.js";
import type { Fact } from "./facts.js";

const NEGATE: Readonly<Record<JmpCond, JmpCond | undefined>> = {
  jgt: "jle",
  jle: "jgt",
  jge: "jlt",
  jlt: "jge",
  jsgt: "jsle",
  jsle: "jsgt",
  jsge: "jslt",
  jslt: "jsge",
  jeq: "jne",
  jne: "jeq",
  jset: undefined,
};

const isPkt = (f: Fact): boolean => f.t === "pkt" || f.t === "pkt_meta";

/**
 * For `A cond B` with one side a packet pointer and the other the end it is checked
 * against: whether the taken edge is the in-bounds one.
 */
function takenIsInBounds(cond: JmpCond, pointerOnLeft: boolean): boolean | undefined {
  // pkt > end, pkt >= end: taken = out of bounds; pkt < end, pkt <= end: taken = in bounds.
  const left: Partial<Record<JmpCond, boolean>> = { jgt: false, jge: false, jlt: true, jle: true };
  const right: Partial<Record<JmpCond, boolean>> = { jgt: true, jge: true, jlt: false, jle: false };
  return (pointerOnLeft ? left : right)[cond];
}

export function boundsCheckFamilies(site: FunctionSite): Candidate[] {
  const out: Candidate[] = [];
  for (const { slot, insn, state } of instructions(site)) {
    if (insn.kind !== "jcond" || insn.src.kind !== "reg" || insn.width !== 64) continue;
    const a = state.regs[insn.dst]!;
    const b = state.regs[insn.src.reg]!;
    const pointerOnLeft = isPkt(a.fact) && (b.fact.t === "pkt_end" || (a.fact.t === "pkt_meta" && b.fact.t === "pkt"));
    const pointerOnRight = isPkt(b.fact) && (a.fact.t === "pkt_end" || (b.fact.t === "pkt_meta" && a.fact.t === "pkt"));
    if (!pointerOnLeft && !pointerOnRight) continue;
    const inTaken = takenIsInBounds(insn.cond, pointerOnLeft);
    if (inTaken === undefined) continue;
    const drop: Instruction = { kind: "jcond", width: 64, cond: inTaken ? "jne" : "jeq", dst: FP, src: { kind: "imm", imm: 0 }, off: insn.off };
    out.push(candidate(site, "bounds-check", `drop bounds check (${inTaken ? "always" : "never"} taken)`, [{ slot, insn: drop }]));
    const negated = NEGATE[insn.cond];
    if (negated) out.push(candidate(site, "bounds-check", "invert bounds check", [{ slot, insn: { ...insn, cond: negated } }]));

    // The pointer's constant advance (`rP += N` just before the check): off by one either way.
    const ptr = pointerOnLeft ? a : b;
    const end = pointerOnLeft ? b : a;
    const endReg = pointerOnLeft ? insn.src.reg : insn.dst;
    const def = ptr.def !== undefined ? site.code.insn(site.fn.sectionIndex, ptr.def) : undefined;
    if (ptr.def !== undefined && def?.kind === "alu" && def.op === "add" && def.width === 64 && def.src.kind === "imm") {
      const at = ptr.def;
      out.push(candidate(site, "off-by-one", `bounds check one byte short (constant ${def.src.imm} -> ${def.src.imm - 1})`, [{ slot: at, insn: { ...def, src: { kind: "imm", imm: def.src.imm - 1 } } }]));
      out.push(candidate(site, "off-by-one", `bounds check one byte longer, still safe (constant ${def.src.imm} -> ${def.src.imm + 1})`, [{ slot: at, insn: { ...def, src: { kind: "imm", imm: def.src.imm + 1 } } }]));
      if (end.fact.t === "pkt_end") {
        out.push(candidate(site, "pkt-end-arith", `add the constant to pkt_end r${endReg} instead of the packet pointer`, [{ slot: at, insn: { ...def, dst: endReg } }]));
        out.push(candidate(site, "pkt-end-arith", `subtract the packet pointer from pkt_end r${endReg}`, [{ slot: at, insn: { kind: "alu", width: 64, op: "sub", dst: endReg, src: { kind: "reg", reg: def.dst } } }]));
      }
    }
  }
  return out;
}

export function nullCheckFamilies(site: FunctionSite): Candidate[] {
  const out: Candidate[] = [];
  for (const { slot, insn, state } of instructions(site)) {
    if (insn.kind !== "jcond" || insn.src.kind !== "imm" || insn.src.imm !== 0 || (insn.cond !== "jeq" && insn.cond !== "jne")) continue;
    const f = state.regs[insn.dst]!.fact;
    if (!((f.t === "map_value" || f.t === "mem") && f.nullable)) continue;
    out.push(candidate(site, "null-check", `drop null check of r${insn.dst} (compare with 1)`, [{ slot, insn: { ...insn, src: { kind: "imm", imm: 1 } } }]));
    out.push(candidate(site, "null-check", `invert null check of r${insn.dst}`, [{ slot, insn: { ...insn, cond: insn.cond === "jeq" ? "jne" : "jeq" } }]));
  }
  return out;
}
