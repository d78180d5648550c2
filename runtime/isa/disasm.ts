// Instruction → text in the syntax of `llvm-objdump-19 -d --mcpu=v4` (LLVM 19's BPF printer:
// hexadecimal immediates, `w` registers for 32-bit operations and narrow loads/stores).
// Where LLVM 19's text drops bits the encoding carries, we print them too (documented in
// docs/isa.md): a non-zero high half of a pseudo lddw, the imm of a legacy indirect load,
// and the register of an old-style (imm-encoded) callx.

import { lddwValue, type Instruction, type Operand, type Width } from "./instruction.js";
import { Pseudo } from "./opcodes.js";
import { aluOperators, branchHex, jmpOperators, lockOperators, memOperand, signedHex, sizeTypes } from "./syntax.js";

const regName = (r: number, width: Width): string => `${width === 64 ? "r" : "w"}${r}`;

function operand(src: Operand, width: Width): string {
  return src.kind === "reg" ? regName(src.reg, width) : signedHex(src.imm);
}

export interface FormatOptions {
  /**
   * LLVM prints every call as `call IMM`; a local call is told apart only by its relocation.
   * With `callKinds`, local and kfunc calls print as `call local IMM` / `call kfunc IMM[, OFF]`
   * so the text alone reads back to the same instruction.
   */
  readonly callKinds?: boolean;
}

/** The instruction's text, without any jump-target annotation. */
export function formatInstruction(insn: Instruction, options: FormatOptions = {}): string {
  switch (insn.kind) {
    case "alu": {
      const d = regName(insn.dst, insn.width);
      const s = operand(insn.src, insn.width);
      return insn.op === "mov" ? `${d} = ${s}` : `${d} ${aluOperators[insn.op]} ${s}`;
    }
    case "neg": {
      const d = regName(insn.dst, insn.width);
      return `${d} = -${d}`;
    }
    case "movsx":
      return `${regName(insn.dst, insn.width)} = (s${insn.bits})${regName(insn.src, insn.width)}`;
    case "endian":
      return `r${insn.dst} = ${insn.order}${insn.bits} r${insn.dst}`;
    case "lddw": {
      if (insn.pseudo === Pseudo.IMM64) return `r${insn.dst} = ${signedHex(BigInt.asIntN(64, lddwValue(insn)))} ll`;
      // LLVM prints the imm as an unsigned 32-bit value here.
      const u32 = (v: number): string => `0x${(v >>> 0).toString(16)}`;
      const extra = insn.hi !== 0 ? `, ${u32(insn.hi)}` : "";
      return `ld_pseudo\tr${insn.dst}, ${signedHex(insn.pseudo)}, ${u32(insn.lo)}${extra}`;
    }
    case "ldx": {
      const t = `${insn.signed ? "s" : "u"}${insn.size * 8}`;
      const d = insn.size === 8 || insn.signed ? `r${insn.dst}` : `w${insn.dst}`;
      return `${d} = *(${t} *)${memOperand(insn.src, insn.off)}`;
    }
    case "st":
      return `*(${sizeTypes[insn.size]} *)${memOperand(insn.dst, insn.off)} = ${signedHex(insn.imm)}`;
    case "stx":
      return `*(${sizeTypes[insn.size]} *)${memOperand(insn.dst, insn.off)} = ${insn.size === 8 ? "r" : "w"}${insn.src}`;
    case "atomic":
      return formatAtomic(insn);
    case "ldabs":
      return `r0 = *(${sizeTypes[insn.size]} *)skb[${signedHex(insn.imm)}]`;
    case "ldind": {
      const extra = insn.imm === 0 ? "" : insn.imm < 0 ? ` - 0x${(-insn.imm).toString(16)}` : ` + 0x${insn.imm.toString(16)}`;
      return `r0 = *(${sizeTypes[insn.size]} *)skb[r${insn.src}${extra}]`;
    }
    case "ja":
      return `${insn.long ? "gotol" : "goto"} ${branchHex(insn.off)}`;
    case "jcond":
      return `if ${regName(insn.dst, insn.width)} ${jmpOperators[insn.cond]} ${operand(insn.src, insn.width)} goto ${branchHex(insn.off)}`;
    case "call":
      if (!options.callKinds || insn.target === "helper") return `call ${signedHex(insn.imm)}`;
      return `call ${insn.target} ${signedHex(insn.imm)}${insn.off !== 0 ? `, ${signedHex(insn.off)}` : ""}`;
    case "callx":
      return `callx r${insn.reg}`;
    case "exit":
      return "exit";
    case "may_goto":
      return `may_goto ${branchHex(insn.off)}`;
  }
}

function formatAtomic(insn: Extract<Instruction, { kind: "atomic" }>): string {
  const w: Width = insn.size === 8 ? 64 : 32;
  const s = regName(insn.src, w);
  const t = sizeTypes[insn.size];
  switch (insn.op) {
    case "xchg":
      return `${s} = ${insn.size === 8 ? "xchg_64" : "xchg32_32"}${memOperand(insn.dst, insn.off).replace(")", `, ${s})`)}`;
    case "cmpxchg": {
      const r0 = regName(0, w);
      return `${r0} = ${insn.size === 8 ? "cmpxchg_64" : "cmpxchg32_32"}${memOperand(insn.dst, insn.off).replace(")", `, ${r0}, ${s})`)}`;
    }
    default:
      return insn.fetch
        ? `${s} = atomic_fetch_${insn.op}((${t} *)${memOperand(insn.dst, insn.off)}, ${s})`
        : `lock *(${t} *)${memOperand(insn.dst, insn.off)} ${lockOperators[insn.op]} ${s}`;
  }
}

/** The bytes of one instruction as objdump prints them: `b4 00 00 00 02 00 00 00`. */
export function formatBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
