// Pre-decoded form of a linked program for the interpreter's hot loop: one small integer
// opcode per slot and flat typed arrays of operands, so a run never looks at Instruction
// objects except on slow paths (faults, map and function loads, atomics). Jump and call
// targets are checked once here; an invalid one is kept as -1 and faults only when taken,
// as before. Instructions that write r10 decode to WRITE_R10, which faults when executed.

import { Pseudo, type AluOp, type Instruction, type JmpCond } from "../isa/index.js";
import { helperId } from "../isa/helper-ids.js";
import type { ExecProgram } from "./program.js";
import { jumpTarget } from "../isa/instruction.js";

const HELPER_TAIL_CALL = helperId("tail_call");

/** Opcodes of the hot loop. ALU ops without a fast form run through the bigint ALU (SLOW_ALU). */
export const enum Op {
  ADD64, SUB64, OR64, AND64, XOR64, MOV64, LSH64, RSH64, ARSH64, NEG64,
  ADD32, SUB32, MUL32, OR32, AND32, XOR32, MOV32, LSH32, RSH32, ARSH32, NEG32,
  SLOW_ALU, MOVSX, TRUNC16, TRUNC32, SWAP16, SWAP32, SWAP64,
  LDDW_IMM, LDDW_SLOW,
  LDX, LDXS, ST, STX, ATOMIC,
  JA, JCOND64, JCOND32, MAY_GOTO,
  CALL_HELPER, CALL_TAIL, CALL_LOCAL, CALL_KFUNC, CALLX, EXIT,
  LEGACY, PAST_END, WRITE_R10,
}

/** Conditions of JCOND64/JCOND32. */
export const enum Cond {
  EQ, NE, GT, GE, LT, LE, SET, SGT, SGE, SLT, SLE,
}

const conds: Record<JmpCond, Cond> = {
  jeq: Cond.EQ, jne: Cond.NE, jgt: Cond.GT, jge: Cond.GE, jlt: Cond.LT, jle: Cond.LE, jset: Cond.SET,
  jsgt: Cond.SGT, jsge: Cond.SGE, jslt: Cond.SLT, jsle: Cond.SLE,
};

const fast64: Partial<Record<AluOp, Op>> = { add: Op.ADD64, sub: Op.SUB64, or: Op.OR64, and: Op.AND64, xor: Op.XOR64, mov: Op.MOV64, lsh: Op.LSH64, rsh: Op.RSH64, arsh: Op.ARSH64 };
const fast32: Partial<Record<AluOp, Op>> = { add: Op.ADD32, sub: Op.SUB32, mul: Op.MUL32, or: Op.OR32, and: Op.AND32, xor: Op.XOR32, mov: Op.MOV32, lsh: Op.LSH32, rsh: Op.RSH32, arsh: Op.ARSH32 };

export interface Decoded {
  /** Op per slot, plus one PAST_END slot after the last instruction. */
  readonly op: Uint8Array;
  readonly dst: Uint8Array;
  /** Source register, or -1 when the operand is the immediate. */
  readonly src: Int8Array;
  /** Memory offset, size (LDX/ST/STX), condition (JCOND), or lddw high half. */
  readonly aux: Int32Array;
  /** Immediate (sign-extended 32-bit), lddw low half, or helper id. */
  readonly imm: Int32Array;
  /** Jump or local-call target slot, -1 when it is not an instruction. */
  readonly target: Int32Array;
  /** Access size of LDX/LDXS/ST/STX. */
  readonly size: Uint8Array;
}

/** The fault of an instruction that writes r10 (both tiers raise it when the instruction runs). */
export const WRITE_R10_PROBLEM = "writes r10, the read-only frame pointer (the kernel's verifier refuses it: frame pointer is read only)";

/** Whether the instruction writes r10 (the kernel refuses it: "frame pointer is read only"). */
export function writesR10(insn: Instruction): boolean {
  switch (insn.kind) {
    case "alu":
    case "neg":
    case "movsx":
    case "endian":
    case "lddw":
    case "ldx":
      return insn.dst === 10;
    case "atomic":
      return insn.op !== "cmpxchg" && (insn.fetch || insn.op === "xchg") && insn.src === 10;
    default:
      return false;
  }
}

export function decode(program: ExecProgram): Decoded {
  const code = program.code;
  const n = code.length + 1;
  const d: Decoded = {
    op: new Uint8Array(n).fill(Op.PAST_END),
    dst: new Uint8Array(n),
    src: new Int8Array(n).fill(-1),
    aux: new Int32Array(n),
    imm: new Int32Array(n),
    target: new Int32Array(n).fill(-1),
    size: new Uint8Array(n),
  };
  const valid = (t: number): number => (t >= 0 && t < code.length && code[t] !== undefined ? t : -1);
  code.forEach((insn, pc) => {
    if (insn === undefined) return;
    if (writesR10(insn)) {
      d.op[pc] = Op.WRITE_R10;
      return;
    }
    switch (insn.kind) {
      case "alu": {
        d.dst[pc] = insn.dst;
        if (insn.src.kind === "reg") d.src[pc] = insn.src.reg;
        else d.imm[pc] = insn.src.imm;
        const fast = (insn.width === 64 ? fast64 : fast32)[insn.op];
        d.op[pc] = fast ?? Op.SLOW_ALU;
        return;
      }
      case "neg":
        d.op[pc] = insn.width === 64 ? Op.NEG64 : Op.NEG32;
        d.dst[pc] = insn.dst;
        return;
      case "movsx":
        d.op[pc] = Op.MOVSX;
        d.dst[pc] = insn.dst;
        d.src[pc] = insn.src;
        return;
      case "endian":
        // On a little-endian machine le truncates; be and bswap swap the low `bits`.
        d.op[pc] = insn.order === "le" ? (insn.bits === 16 ? Op.TRUNC16 : insn.bits === 32 ? Op.TRUNC32 : Op.MOV64) : insn.bits === 16 ? Op.SWAP16 : insn.bits === 32 ? Op.SWAP32 : Op.SWAP64;
        d.dst[pc] = insn.dst;
        // le64 leaves the value as it is: a move of dst to itself.
        d.src[pc] = insn.dst;
        return;
      case "lddw":
        d.dst[pc] = insn.dst;
        d.op[pc] = insn.pseudo === Pseudo.IMM64 ? Op.LDDW_IMM : Op.LDDW_SLOW;
        d.imm[pc] = insn.lo;
        d.aux[pc] = insn.hi;
        return;
      case "ldx":
        d.op[pc] = insn.signed ? Op.LDXS : Op.LDX;
        d.dst[pc] = insn.dst;
        d.src[pc] = insn.src;
        d.aux[pc] = insn.off;
        d.size[pc] = insn.size;
        return;
      case "st":
        d.op[pc] = Op.ST;
        d.dst[pc] = insn.dst;
        d.aux[pc] = insn.off;
        d.imm[pc] = insn.imm;
        d.size[pc] = insn.size;
        return;
      case "stx":
        d.op[pc] = Op.STX;
        d.dst[pc] = insn.dst;
        d.src[pc] = insn.src;
        d.aux[pc] = insn.off;
        d.size[pc] = insn.size;
        return;
      case "atomic":
        d.op[pc] = Op.ATOMIC;
        return;
      case "ldabs":
      case "ldind":
        d.op[pc] = Op.LEGACY;
        return;
      case "ja":
        d.op[pc] = Op.JA;
        d.target[pc] = valid(jumpTarget(pc, insn.off));
        return;
      case "jcond":
        d.op[pc] = insn.width === 64 ? Op.JCOND64 : Op.JCOND32;
        d.dst[pc] = insn.dst;
        if (insn.src.kind === "reg") d.src[pc] = insn.src.reg;
        else d.imm[pc] = insn.src.imm;
        d.aux[pc] = conds[insn.cond];
        d.target[pc] = valid(jumpTarget(pc, insn.off));
        return;
      case "may_goto":
        d.op[pc] = Op.MAY_GOTO;
        d.target[pc] = valid(jumpTarget(pc, insn.off));
        return;
      case "call":
        d.imm[pc] = insn.imm;
        if (insn.target === "local") {
          d.op[pc] = Op.CALL_LOCAL;
          d.target[pc] = valid(jumpTarget(pc, insn.imm));
        } else if (insn.target === "kfunc") d.op[pc] = Op.CALL_KFUNC;
        else d.op[pc] = insn.imm === HELPER_TAIL_CALL ? Op.CALL_TAIL : Op.CALL_HELPER;
        return;
      case "callx":
        d.op[pc] = Op.CALLX;
        d.src[pc] = insn.reg;
        return;
      case "exit":
        d.op[pc] = Op.EXIT;
        return;
    }
  });
  return d;
}
