// Bytes → Instruction. Strict: every field an instruction does not use must be zero (RFC 9669
// calls them reserved), and any encoding outside the ISA is an InstructionDecodeError naming
// the instruction index and the field, never a silently different instruction.

import {
  AluCode,
  AtomicCode,
  CallSource,
  Class,
  JmpCode,
  MAX_REG,
  ModeCode,
  Pseudo,
  SLOT_BYTES,
  SizeCode,
  Source,
  aluOps,
  atomicOps,
  invert,
  jmpConds,
  type AccessSize,
  type AluOp,
} from "./opcodes.js";
import type { Instruction, Operand, SlottedInstruction, Width } from "./instruction.js";

/** One raw 8-byte slot, fields as encoded (off and imm signed). */
export interface RawSlot {
  readonly opcode: number;
  readonly dst: number;
  readonly src: number;
  readonly off: number;
  readonly imm: number;
}

export type RawField = "opcode" | "dst" | "src" | "offset" | "imm";

export class InstructionDecodeError extends Error {
  override readonly name = "InstructionDecodeError";
  constructor(
    /** Slot index of the offending instruction. */
    readonly slot: number,
    /** The field at fault. */
    readonly field: RawField,
    readonly problem: string,
  ) {
    super(`instruction ${slot}: ${problem}`);
  }
}

export function readSlot(bytes: Uint8Array, slot: number): RawSlot {
  const at = slot * SLOT_BYTES;
  // Read byte by byte, little-endian (a DataView per slot was most of decoding's cost).
  if (!Number.isInteger(at) || at < 0 || at + SLOT_BYTES > bytes.length) throw new RangeError(`slot ${slot} is outside the ${bytes.length}-byte code`);
  const regs = bytes[at + 1]!;
  const off = ((bytes[at + 2]! | (bytes[at + 3]! << 8)) << 16) >> 16;
  const imm = bytes[at + 4]! | (bytes[at + 5]! << 8) | (bytes[at + 6]! << 16) | (bytes[at + 7]! << 24);
  return { opcode: bytes[at]!, dst: regs & 0x0f, src: regs >> 4, off, imm };
}

const aluCodeNames = new Map<number, AluOp>();
for (const [name, { code, offset }] of Object.entries(aluOps) as [AluOp, { code: AluCode; offset: number }][]) {
  if (offset === 0) aluCodeNames.set(code, name);
}
const jmpCodeNames = invert(jmpConds);
const atomicCodeNames = invert(atomicOps);
const sizeOfCode: Record<number, AccessSize> = { [SizeCode.B]: 1, [SizeCode.H]: 2, [SizeCode.W]: 4, [SizeCode.DW]: 8 };

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(2, "0")}`;

/** Checks of one raw slot, bound to its index so messages can name it. */
class SlotChecker {
  constructor(
    readonly slot: number,
    readonly raw: RawSlot,
    readonly what: string,
  ) {}

  fail(field: RawField, problem: string): never {
    throw new InstructionDecodeError(this.slot, field, `${problem} (opcode ${hex(this.raw.opcode)}, ${this.what})`);
  }

  zero(...fields: RawField[]): void {
    for (const f of fields) {
      const v = this.value(f);
      if (v !== 0) this.fail(f, `reserved field ${f} is ${v}, must be 0`);
    }
  }

  value(f: RawField): number {
    switch (f) {
      case "opcode":
        return this.raw.opcode;
      case "dst":
        return this.raw.dst;
      case "src":
        return this.raw.src;
      case "offset":
        return this.raw.off;
      case "imm":
        return this.raw.imm;
    }
  }

  reg(f: "dst" | "src"): number {
    const v = this.value(f);
    if (v > MAX_REG) this.fail(f, `${f} register r${v} does not exist (r0..r10)`);
    return v;
  }
}

/**
 * Decodes the instruction starting at `slot`. An lddw reads the following slot too;
 * `bytes` must hold it (else the error names the missing second half).
 */
export function decodeAt(bytes: Uint8Array, slot: number): Instruction {
  const totalSlots = Math.floor(bytes.length / SLOT_BYTES);
  if (slot < 0 || slot >= totalSlots) {
    throw new InstructionDecodeError(slot, "opcode", `no instruction: the code has ${totalSlots} slots`);
  }
  const raw = readSlot(bytes, slot);
  const cls = (raw.opcode & 0x07) as Class;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64:
      return decodeAlu(raw, slot, cls === Class.ALU64 ? 64 : 32);
    case Class.JMP:
    case Class.JMP32:
      return decodeJmp(raw, slot, cls === Class.JMP ? 64 : 32);
    case Class.LD:
      return decodeLd(bytes, raw, slot, totalSlots);
    case Class.LDX:
    case Class.ST:
    case Class.STX:
      return decodeMem(raw, slot, cls);
  }
}

function decodeAlu(raw: RawSlot, slot: number, width: Width): Instruction {
  const code = raw.opcode & 0xf0;
  const isX = (raw.opcode & Source.X) !== 0;
  const c: SlotChecker = new SlotChecker(slot, raw, `${width === 64 ? "alu64" : "alu32"}`);
  const dst = c.reg("dst");
  if (code === AluCode.END) {
    if (width === 64 && isX) c.fail("opcode", "unknown opcode: byte swap in the ALU64 class takes no source bit");
    c.zero("src", "offset");
    if (raw.imm !== 16 && raw.imm !== 32 && raw.imm !== 64) c.fail("imm", `byte swap width imm is ${raw.imm}, must be 16, 32 or 64`);
    const order = width === 64 ? "bswap" : isX ? "be" : "le";
    return { kind: "endian", order, bits: raw.imm as 16 | 32 | 64, dst };
  }
  if (code === AluCode.NEG) {
    if (isX) c.fail("opcode", "reserved source bit is set on neg, must be 0");
    c.zero("src", "offset", "imm");
    return { kind: "neg", width, dst };
  }
  const baseName = aluCodeNames.get(code);
  if (baseName === undefined) c.fail("opcode", "unknown ALU operation");
  let op: AluOp = baseName!;
  if (code === AluCode.DIV || code === AluCode.MOD) {
    if (raw.off === 1) op = code === AluCode.DIV ? "sdiv" : "smod";
    else if (raw.off !== 0) c.fail("offset", `offset of ${baseName} is ${raw.off}, must be 0 (unsigned) or 1 (signed)`);
  } else if (code === AluCode.MOV && isX && raw.off !== 0) {
    const bits = raw.off;
    if (!(bits === 8 || bits === 16 || (bits === 32 && width === 64))) {
      c.fail("offset", `offset of mov is ${raw.off}, must be 0 or a sign-extension width (8, 16${width === 64 ? ", 32" : ""})`);
    }
    c.zero("imm");
    return { kind: "movsx", width, dst, src: c.reg("src"), bits: bits as 8 | 16 | 32 };
  } else {
    c.zero("offset");
  }
  let src: Operand;
  if (isX) {
    c.zero("imm");
    src = { kind: "reg", reg: c.reg("src") };
  } else {
    c.zero("src");
    src = { kind: "imm", imm: raw.imm };
  }
  return { kind: "alu", width, op, dst, src };
}

function decodeJmp(raw: RawSlot, slot: number, width: Width): Instruction {
  const code = raw.opcode & 0xf0;
  const isX = (raw.opcode & Source.X) !== 0;
  const c: SlotChecker = new SlotChecker(slot, raw, width === 64 ? "jmp" : "jmp32");
  switch (code) {
    case JmpCode.JA:
      if (isX) c.fail("opcode", "reserved source bit is set on ja, must be 0");
      if (width === 64) {
        c.zero("dst", "src", "imm");
        return { kind: "ja", long: false, off: raw.off };
      }
      c.zero("dst", "src", "offset");
      return { kind: "ja", long: true, off: raw.imm };
    case JmpCode.CALL:
      if (width === 32) c.fail("opcode", "call is not defined in the JMP32 class");
      if (isX) return decodeCallx(c);
      c.zero("dst");
      if (raw.src === CallSource.HELPER || raw.src === CallSource.LOCAL) {
        c.zero("offset");
        return { kind: "call", target: raw.src === CallSource.HELPER ? "helper" : "local", imm: raw.imm, off: 0 };
      }
      if (raw.src === CallSource.KFUNC) return { kind: "call", target: "kfunc", imm: raw.imm, off: raw.off };
      return c.fail("src", `call src is ${raw.src}, must be 0 (helper), 1 (local) or 2 (kfunc)`);
    case JmpCode.EXIT:
      if (width === 32 || isX) c.fail("opcode", "exit is only defined as 0x95");
      c.zero("dst", "src", "offset", "imm");
      return { kind: "exit" };
    case JmpCode.JCOND:
      if (width === 32 || isX) c.fail("opcode", "may_goto is only defined as 0xe5");
      c.zero("dst", "src", "imm");
      return { kind: "may_goto", off: raw.off };
  }
  const cond = jmpCodeNames.get(code as JmpCode);
  if (cond === undefined) return c.fail("opcode", "unknown jump operation");
  const dst = c.reg("dst");
  let src: Operand;
  if (isX) {
    c.zero("imm");
    src = { kind: "reg", reg: c.reg("src") };
  } else {
    c.zero("src");
    src = { kind: "imm", imm: raw.imm };
  }
  return { kind: "jcond", width, cond, dst, src, off: raw.off };
}

function decodeCallx(c: SlotChecker): Instruction {
  const { raw } = c;
  c.zero("src", "offset");
  if (raw.imm === 0) return { kind: "callx", reg: c.reg("dst"), encoding: "dst" };
  // Pre-19 LLVM put the register number in imm.
  c.zero("dst");
  if (raw.imm < 0 || raw.imm > MAX_REG) c.fail("imm", `callx register in imm is ${raw.imm}, must be 0..10`);
  return { kind: "callx", reg: raw.imm, encoding: "imm" };
}

function decodeLd(bytes: Uint8Array, raw: RawSlot, slot: number, totalSlots: number): Instruction {
  const mode = raw.opcode & 0xe0;
  const sizeCode = raw.opcode & 0x18;
  const c: SlotChecker = new SlotChecker(slot, raw, "ld");
  if (mode === ModeCode.IMM) {
    if (sizeCode !== SizeCode.DW) c.fail("opcode", "unknown opcode: LD with mode IMM needs size DW (0x18)");
    const dst = c.reg("dst");
    c.zero("offset");
    if (raw.src > Pseudo.MAP_IDX_VALUE) c.fail("src", `lddw pseudo source src is ${raw.src}, must be 0..6`);
    if (slot + 1 >= totalSlots) c.fail("opcode", "lddw is missing its second slot at the end of the code");
    const next = readSlot(bytes, slot + 1);
    const c2: SlotChecker = new SlotChecker(slot + 1, next, "second slot of lddw");
    c2.zero("opcode", "dst", "src", "offset");
    return { kind: "lddw", dst, pseudo: raw.src as Pseudo, lo: raw.imm, hi: next.imm };
  }
  if (mode === ModeCode.ABS || mode === ModeCode.IND) {
    if (sizeCode === SizeCode.DW) c.fail("opcode", "legacy packet loads have no DW size");
    const size = sizeOfCode[sizeCode] as 1 | 2 | 4;
    c.zero("dst", "offset");
    if (mode === ModeCode.ABS) {
      c.zero("src");
      return { kind: "ldabs", size, imm: raw.imm };
    }
    return { kind: "ldind", size, src: c.reg("src"), imm: raw.imm };
  }
  return c.fail("opcode", "unknown mode for the LD class");
}

function decodeMem(raw: RawSlot, slot: number, cls: Class.LDX | Class.ST | Class.STX): Instruction {
  const mode = raw.opcode & 0xe0;
  const size = sizeOfCode[raw.opcode & 0x18] as AccessSize;
  const c: SlotChecker = new SlotChecker(slot, raw, cls === Class.LDX ? "ldx" : cls === Class.ST ? "st" : "stx");
  const dst = c.reg("dst");
  if (cls === Class.LDX) {
    if (mode !== ModeCode.MEM && mode !== ModeCode.MEMSX) c.fail("opcode", "unknown mode for the LDX class");
    if (mode === ModeCode.MEMSX && size === 8) c.fail("opcode", "sign-extending load has no DW size");
    c.zero("imm");
    return { kind: "ldx", size, signed: mode === ModeCode.MEMSX, dst, src: c.reg("src"), off: raw.off };
  }
  if (cls === Class.ST) {
    if (mode !== ModeCode.MEM) c.fail("opcode", "unknown mode for the ST class");
    c.zero("src");
    return { kind: "st", size, dst, off: raw.off, imm: raw.imm };
  }
  if (mode === ModeCode.MEM) {
    c.zero("imm");
    return { kind: "stx", size, dst, src: c.reg("src"), off: raw.off };
  }
  if (mode !== ModeCode.ATOMIC) c.fail("opcode", "unknown mode for the STX class");
  if (size !== 4 && size !== 8) c.fail("opcode", "atomic operations exist only for W and DW sizes");
  const code = raw.imm;
  const base = code & ~AtomicCode.FETCH;
  const fetch = (code & AtomicCode.FETCH) !== 0;
  const op = atomicCodeNames.get(code as AtomicCode) ?? atomicCodeNames.get(base as AtomicCode);
  if (op === undefined || ((op === "xchg" || op === "cmpxchg") && code !== atomicOps[op])) {
    c.fail("imm", `unknown atomic operation imm ${hex(code)}`);
  }
  return { kind: "atomic", size: size as 4 | 8, op: op!, fetch, dst, src: c.reg("src"), off: raw.off };
}

/** Decodes a whole code section. Its length must be a whole number of slots. */
export function decodeProgram(bytes: Uint8Array): SlottedInstruction[] {
  if (bytes.length % SLOT_BYTES !== 0) {
    throw new InstructionDecodeError(Math.floor(bytes.length / SLOT_BYTES), "opcode", `code length ${bytes.length} is not a multiple of 8`);
  }
  const out: SlottedInstruction[] = [];
  const n = bytes.length / SLOT_BYTES;
  for (let slot = 0; slot < n; ) {
    const insn = decodeAt(bytes, slot);
    out.push({ slot, insn });
    slot += insn.kind === "lddw" ? 2 : 1;
  }
  return out;
}
