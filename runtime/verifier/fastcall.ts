// bpf_fastcall spill/fill patterns and the stack depth they free (the kernel's
// mark_fastcall_patterns before the walk, remove_fastcall_spills_fills after it): around a call
// that leaves some of r1-r5 intact, spills of those registers to the lowest stack slots right
// before the call and their fills right after form a pattern. When the callee is inlined
// (bpf_get_smp_processor_id on x86-64 with the JIT) the kernel removes the pairs and the
// subprogram's stack depth shrinks to the slots above them, before the 512-byte check; a pattern
// around any other call keeps the stack, and so does any other access to those slots
// (check_fastcall_stack_contract). We check that contract statically, more strictly: the frame
// pointer must not escape the subprogram (no copy of r10, so no access through another
// pointer), and no r10-based access outside the patterns may reach the freed slots; a
// subprogram with a kfunc call is never shrunk.

import { Pseudo, type Instruction } from "../isa/index.js";
import type { Cfg } from "./cfg.js";
import { helperProto } from "./helpers.js";
import { jumpTarget } from "../isa/instruction.js";

const FP = 10;
/** BPF_FUNC_get_smp_processor_id: allow_fastcall, and inlined by the verifier on x86-64 JITs. */
const GET_SMP_PROCESSOR_ID = 8;

/** The frame pointer read as a value (a copy or a store of it), not as an access base. */
function fpEscapes(insn: Instruction): boolean {
  switch (insn.kind) {
    case "alu":
      return insn.src.kind === "reg" && insn.src.reg === FP;
    case "movsx":
      return insn.src === FP;
    case "stx":
    case "atomic":
      return insn.src === FP;
    default:
      return false;
  }
}

/** The offset of an r10-based memory access, if `insn` is one. */
function fpAccess(insn: Instruction): number | undefined {
  if ((insn.kind === "st" || insn.kind === "stx" || insn.kind === "atomic") && insn.dst === FP) return insn.off;
  if (insn.kind === "ldx" && insn.src === FP) return insn.off;
  return undefined;
}

/**
 * Instructions some branch edge reaches (the kernel's jump_target: targets of jumps, of
 * may_goto, of calls and of function addresses); more than that would only find fewer patterns.
 */
function jumpTargets(insns: readonly (Instruction | undefined)[]): Uint8Array {
  const out = new Uint8Array(insns.length + 1);
  insns.forEach((insn, i) => {
    if (!insn) return;
    if (insn.kind === "ja" || insn.kind === "jcond" || insn.kind === "may_goto") out[jumpTarget(i, insn.off)] = 1;
    else if (insn.kind === "call" && insn.target === "local") out[jumpTarget(i, insn.imm)] = 1;
    else if (insn.kind === "lddw" && insn.pseudo === Pseudo.FUNC) out[jumpTarget(i, insn.lo)] = 1;
  });
  return out;
}

/** Registers a call clobbers as if it followed the bpf_fastcall contract; undefined: no summary. */
function clobbered(insn: Instruction): { mask: number; fastcall: boolean } | undefined {
  if (insn.kind !== "call" || insn.target !== "helper") return undefined;
  const proto = helperProto(insn.imm);
  if (!proto) return undefined;
  let mask = proto.ret === "void" ? 0 : 1;
  for (let r = 1; r <= proto.args.length; r++) mask |= 1 << r;
  return { mask, fastcall: insn.imm === GET_SMP_PROCESSOR_ID };
}

/**
 * For each subprogram, the stack depth the kernel keeps after removing its inlined fastcall
 * spill/fill pairs, or undefined when it removes none (or we cannot show the contract holds).
 */
export function fastcallDepths(insns: readonly (Instruction | undefined)[], cfg: Cfg): (number | undefined)[] {
  const isStxFp = (i: Instruction | undefined): i is Extract<Instruction, { kind: "stx" }> => i?.kind === "stx" && i.size === 8 && i.dst === FP;
  const isLdxFp = (i: Instruction | undefined): i is Extract<Instruction, { kind: "ldx" }> => i?.kind === "ldx" && i.size === 8 && !i.signed && i.src === FP;
  const target = jumpTargets(insns);
  return cfg.subprogs.map((s) => {
    let lowest = 0;
    for (let i = s.start; i < s.end; i++) {
      const insn = insns[i];
      if (insn && isStxFp(insn)) lowest = Math.min(lowest, insn.off);
      if (insn && (fpEscapes(insn) || (insn.kind === "call" && insn.target === "kfunc"))) return undefined;
    }
    let stackOff = 0;
    let keep = false;
    let removed = false;
    const pattern = new Set<number>();
    for (let c = s.start; c < s.end; c++) {
      const call = insns[c];
      const summary = call ? clobbered(call) : undefined;
      if (!summary) continue;
      let expected = ~summary.mask & 0b111110;
      let i = 1;
      let off = lowest;
      for (; i <= 5; i++, off += 8) {
        if (c - i < 0 || c + i >= insns.length) break;
        if (target[c - i + 1] || target[c + i]) break;
        const stx = insns[c - i];
        const ldx = insns[c + i];
        if (!isStxFp(stx) || !isLdxFp(ldx) || stx.src !== ldx.dst) break;
        if (((1 << stx.src) & expected) === 0 || stx.off !== off || ldx.off !== off) break;
        expected &= ~(1 << stx.src);
        pattern.add(c - i);
        pattern.add(c + i);
      }
      if (i === 1) continue;
      if (summary.fastcall) removed = true;
      else keep = true;
      stackOff = Math.min(stackOff, off);
    }
    if (!removed || keep) return undefined;
    // check_fastcall_stack_contract: any other access below the patterns' top keeps the stack.
    for (let i = s.start; i < s.end; i++) {
      const insn = insns[i];
      const off = insn ? fpAccess(insn) : undefined;
      if (off !== undefined && off < stackOff && !pattern.has(i)) return undefined;
    }
    return -stackOff;
  });
}
