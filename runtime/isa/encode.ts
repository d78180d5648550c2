// Instruction → bytes: the exact inverse of decode for every valid encoding, so that
// encode(decode(x)) == x. Values outside a field's range are an error, never truncated.

import {
  AluCode,
  AtomicCode,
  CallSource,
  Class,
  JmpCode,
  MAX_REG,
  ModeCode,
  SLOT_BYTES,
  SizeCode,
  Source,
  aluOps,
  atomicOps,
  jmpConds,
  sizeCodes,
} from "./opcodes.js";
import type { Instruction, Operand } from "./instruction.js";
import type { RawSlot } from "./decode.js";

export class InstructionEncodeError extends Error {
  override readonly name = "InstructionEncodeError";
}

function checkReg(r: number, what: string): number {
  if (!Number.isInteger(r) || r < 0 || r > MAX_REG) throw new InstructionEncodeError(`${what} register ${r} is not r0..r10`);
  return r;
}

function checkInt(v: number, bits: 16 | 32, what: string): number {
  const min = -(2 ** (bits - 1));
  const max = 2 ** (bits - 1) - 1;
  if (!Number.isInteger(v) || v < min || v > max) throw new InstructionEncodeError(`${what} ${v} does not fit in a signed ${bits}-bit field`);
  return v;
}

const slot = (opcode: number, dst: number, src: number, off: number, imm: number): RawSlot => ({ opcode, dst, src, off, imm });

function operandFields(src: Operand): { bit: number; reg: number; imm: number } {
  return src.kind === "reg" ? { bit: Source.X, reg: checkReg(src.reg, "source"), imm: 0 } : { bit: Source.K, reg: 0, imm: checkInt(src.imm, 32, "immediate") };
}

/** The raw slots of one instruction (two for lddw). */
export function encodeSlots(insn: Instruction): RawSlot[] {
  switch (insn.kind) {
    case "alu": {
      const cls = insn.width === 64 ? Class.ALU64 : Class.ALU;
      const { code, offset } = aluOps[insn.op];
      const f = operandFields(insn.src);
      return [slot(code | f.bit | cls, checkReg(insn.dst, "destination"), f.reg, offset, f.imm)];
    }
    case "neg":
      return [slot(AluCode.NEG | (insn.width === 64 ? Class.ALU64 : Class.ALU), checkReg(insn.dst, "destination"), 0, 0, 0)];
    case "movsx": {
      if (insn.bits === 32 && insn.width === 32) throw new InstructionEncodeError("movsx from 32 bits needs the 64-bit form");
      const cls = insn.width === 64 ? Class.ALU64 : Class.ALU;
      return [slot(AluCode.MOV | Source.X | cls, checkReg(insn.dst, "destination"), checkReg(insn.src, "source"), insn.bits, 0)];
    }
    case "endian": {
      const opcode =
        insn.order === "bswap" ? AluCode.END | Class.ALU64 : AluCode.END | Class.ALU | (insn.order === "be" ? Source.X : Source.K);
      return [slot(opcode, checkReg(insn.dst, "destination"), 0, 0, insn.bits)];
    }
    case "lddw":
      return [
        slot(Class.LD | ModeCode.IMM | SizeCode.DW, checkReg(insn.dst, "destination"), insn.pseudo, 0, checkInt(insn.lo, 32, "lddw low half")),
        slot(0, 0, 0, 0, checkInt(insn.hi, 32, "lddw high half")),
      ];
    case "ldx":
      return [
        slot(
          Class.LDX | (insn.signed ? ModeCode.MEMSX : ModeCode.MEM) | sizeCodes[insn.size],
          checkReg(insn.dst, "destination"),
          checkReg(insn.src, "source"),
          checkInt(insn.off, 16, "offset"),
          0,
        ),
      ];
    case "st":
      return [slot(Class.ST | ModeCode.MEM | sizeCodes[insn.size], checkReg(insn.dst, "destination"), 0, checkInt(insn.off, 16, "offset"), checkInt(insn.imm, 32, "immediate"))];
    case "stx":
      return [slot(Class.STX | ModeCode.MEM | sizeCodes[insn.size], checkReg(insn.dst, "destination"), checkReg(insn.src, "source"), checkInt(insn.off, 16, "offset"), 0)];
    case "atomic": {
      let code: number = atomicOps[insn.op];
      if (insn.op === "xchg" || insn.op === "cmpxchg") {
        if (!insn.fetch) throw new InstructionEncodeError(`${insn.op} always fetches`);
      } else if (insn.fetch) {
        code |= AtomicCode.FETCH;
      }
      return [slot(Class.STX | ModeCode.ATOMIC | sizeCodes[insn.size], checkReg(insn.dst, "destination"), checkReg(insn.src, "source"), checkInt(insn.off, 16, "offset"), code)];
    }
    case "ldabs":
      return [slot(Class.LD | ModeCode.ABS | sizeCodes[insn.size], 0, 0, 0, checkInt(insn.imm, 32, "immediate"))];
    case "ldind":
      return [slot(Class.LD | ModeCode.IND | sizeCodes[insn.size], 0, checkReg(insn.src, "source"), 0, checkInt(insn.imm, 32, "immediate"))];
    case "ja":
      return insn.long
        ? [slot(JmpCode.JA | Class.JMP32, 0, 0, 0, checkInt(insn.off, 32, "jump offset"))]
        : [slot(JmpCode.JA | Class.JMP, 0, 0, checkInt(insn.off, 16, "jump offset"), 0)];
    case "jcond": {
      const f = operandFields(insn.src);
      const cls = insn.width === 64 ? Class.JMP : Class.JMP32;
      return [slot(jmpConds[insn.cond] | f.bit | cls, checkReg(insn.dst, "destination"), f.reg, checkInt(insn.off, 16, "jump offset"), f.imm)];
    }
    case "call": {
      const src = insn.target === "helper" ? CallSource.HELPER : insn.target === "local" ? CallSource.LOCAL : CallSource.KFUNC;
      const off = insn.target === "kfunc" ? checkInt(insn.off, 16, "kfunc module index") : 0;
      return [slot(JmpCode.CALL | Class.JMP, 0, src, off, checkInt(insn.imm, 32, "call immediate"))];
    }
    case "callx": {
      const r = checkReg(insn.reg, "callx");
      if (insn.encoding === "imm" && r === 0) throw new InstructionEncodeError("callx r0 cannot be encoded in imm (imm 0 means the dst form)");
      return insn.encoding === "dst" ? [slot(JmpCode.CALL | Source.X | Class.JMP, r, 0, 0, 0)] : [slot(JmpCode.CALL | Source.X | Class.JMP, 0, 0, 0, r)];
    }
    case "exit":
      return [slot(JmpCode.EXIT | Class.JMP, 0, 0, 0, 0)];
    case "may_goto":
      return [slot(JmpCode.JCOND | Class.JMP, 0, 0, checkInt(insn.off, 16, "jump offset"), 0)];
  }
}

export function writeSlot(out: Uint8Array, at: number, raw: RawSlot): void {
  const view = new DataView(out.buffer, out.byteOffset + at, SLOT_BYTES);
  view.setUint8(0, raw.opcode);
  view.setUint8(1, (raw.src << 4) | raw.dst);
  view.setInt16(2, raw.off, true);
  view.setInt32(4, raw.imm, true);
}

/** Encodes one instruction to 8 bytes (16 for lddw). */
export function encode(insn: Instruction): Uint8Array {
  const slots = encodeSlots(insn);
  const out = new Uint8Array(slots.length * SLOT_BYTES);
  slots.forEach((s, i) => writeSlot(out, i * SLOT_BYTES, s));
  return out;
}

/** Encodes a sequence of instructions back to back. */
export function encodeProgram(insns: readonly Instruction[]): Uint8Array {
  const parts = insns.map(encode);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
