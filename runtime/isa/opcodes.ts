// The eBPF instruction encoding (RFC 9669 plus the Linux extensions callx and may_goto):
// field layout, opcode bits and the name tables that decode, encode, the disassembler
// and both assemblers share. Nothing here has semantics; it is the bit-level vocabulary.
//
// One instruction slot is 8 bytes, little endian:
//
//   byte 0      byte 1            bytes 2-3        bytes 4-7
//   +--------+--------+--------+----------------+--------------------------------+
//   | opcode | src:4  | dst:4  |  offset (s16)  |          imm (s32)             |
//   +--------+--------+--------+----------------+--------------------------------+
//             (high)   (low)
//
// The opcode's low 3 bits are the class. For ALU/ALU64/JMP/JMP32:
//   +----------------+--------+--------------------+
//   | operation (4)  | src(1) | instruction class  |   src: 0 = K (imm), 1 = X (register)
//   +----------------+--------+--------------------+
// For LD/LDX/ST/STX:
//   +--------------+---------+--------------------+
//   |  mode (3)    | size(2) | instruction class  |
//   +--------------+---------+--------------------+

export const SLOT_BYTES = 8;

export enum Class {
  LD = 0x00,
  LDX = 0x01,
  ST = 0x02,
  STX = 0x03,
  ALU = 0x04,
  JMP = 0x05,
  JMP32 = 0x06,
  ALU64 = 0x07,
}

/** Source bit of ALU/JMP opcodes (also selects the byte order of BPF_END in the ALU class). */
export enum Source {
  K = 0x00,
  X = 0x08,
}

export enum AluCode {
  ADD = 0x00,
  SUB = 0x10,
  MUL = 0x20,
  DIV = 0x30,
  OR = 0x40,
  AND = 0x50,
  LSH = 0x60,
  RSH = 0x70,
  NEG = 0x80,
  MOD = 0x90,
  XOR = 0xa0,
  MOV = 0xb0,
  ARSH = 0xc0,
  END = 0xd0,
}

export enum JmpCode {
  JA = 0x00,
  JEQ = 0x10,
  JGT = 0x20,
  JGE = 0x30,
  JSET = 0x40,
  JNE = 0x50,
  JSGT = 0x60,
  JSGE = 0x70,
  CALL = 0x80,
  EXIT = 0x90,
  JLT = 0xa0,
  JLE = 0xb0,
  JSLT = 0xc0,
  JSLE = 0xd0,
  JCOND = 0xe0, // may_goto (Linux 6.9+)
}

export enum SizeCode {
  W = 0x00,
  H = 0x08,
  B = 0x10,
  DW = 0x18,
}

export enum ModeCode {
  IMM = 0x00,
  ABS = 0x20,
  IND = 0x40,
  MEM = 0x60,
  MEMSX = 0x80,
  ATOMIC = 0xc0,
}

/** Atomic operation codes, carried in imm. FETCH is or-ed into add/or/and/xor. */
export enum AtomicCode {
  ADD = 0x00,
  OR = 0x40,
  AND = 0x50,
  XOR = 0xa0,
  FETCH = 0x01,
  XCHG = 0xe0 | 0x01,
  CMPXCHG = 0xf0 | 0x01,
}

/** src field of a call: helper, bpf-to-bpf call, kernel function. */
export enum CallSource {
  HELPER = 0,
  LOCAL = 1,
  KFUNC = 2,
}

/** src field of LD_IMM64: what the 64-bit immediate means to the loader. */
export enum Pseudo {
  IMM64 = 0,
  MAP_FD = 1,
  MAP_VALUE = 2,
  BTF_ID = 3,
  FUNC = 4,
  MAP_IDX = 5,
  MAP_IDX_VALUE = 6,
}

export const pseudoNames: Readonly<Record<Pseudo, string>> = {
  [Pseudo.IMM64]: "imm64",
  [Pseudo.MAP_FD]: "map_fd",
  [Pseudo.MAP_VALUE]: "map_value",
  [Pseudo.BTF_ID]: "btf_id",
  [Pseudo.FUNC]: "func",
  [Pseudo.MAP_IDX]: "map_idx",
  [Pseudo.MAP_IDX_VALUE]: "map_idx_value",
};

export type AluOp =
  | "add" | "sub" | "mul" | "div" | "sdiv" | "or" | "and" | "lsh"
  | "rsh" | "mod" | "smod" | "xor" | "mov" | "arsh";

export type JmpCond =
  | "jeq" | "jgt" | "jge" | "jset" | "jne" | "jsgt" | "jsge" | "jlt" | "jle" | "jslt" | "jsle";

export type AtomicOp = "add" | "or" | "and" | "xor" | "xchg" | "cmpxchg";

export type AccessSize = 1 | 2 | 4 | 8;

/** Binary ALU operations: opcode code, and the offset value that selects the signed variant. */
export const aluOps: Readonly<Record<AluOp, { code: AluCode; offset: number }>> = {
  add: { code: AluCode.ADD, offset: 0 },
  sub: { code: AluCode.SUB, offset: 0 },
  mul: { code: AluCode.MUL, offset: 0 },
  div: { code: AluCode.DIV, offset: 0 },
  sdiv: { code: AluCode.DIV, offset: 1 },
  or: { code: AluCode.OR, offset: 0 },
  and: { code: AluCode.AND, offset: 0 },
  lsh: { code: AluCode.LSH, offset: 0 },
  rsh: { code: AluCode.RSH, offset: 0 },
  mod: { code: AluCode.MOD, offset: 0 },
  smod: { code: AluCode.MOD, offset: 1 },
  xor: { code: AluCode.XOR, offset: 0 },
  mov: { code: AluCode.MOV, offset: 0 },
  arsh: { code: AluCode.ARSH, offset: 0 },
};

export const jmpConds: Readonly<Record<JmpCond, JmpCode>> = {
  jeq: JmpCode.JEQ,
  jgt: JmpCode.JGT,
  jge: JmpCode.JGE,
  jset: JmpCode.JSET,
  jne: JmpCode.JNE,
  jsgt: JmpCode.JSGT,
  jsge: JmpCode.JSGE,
  jlt: JmpCode.JLT,
  jle: JmpCode.JLE,
  jslt: JmpCode.JSLT,
  jsle: JmpCode.JSLE,
};

export const atomicOps: Readonly<Record<AtomicOp, AtomicCode>> = {
  add: AtomicCode.ADD,
  or: AtomicCode.OR,
  and: AtomicCode.AND,
  xor: AtomicCode.XOR,
  xchg: AtomicCode.XCHG,
  cmpxchg: AtomicCode.CMPXCHG,
};

export const sizeCodes: Readonly<Record<AccessSize, SizeCode>> = {
  1: SizeCode.B,
  2: SizeCode.H,
  4: SizeCode.W,
  8: SizeCode.DW,
};

/** Inverse lookup of a name table: code → name. */
export function invert<K extends string, V extends string | number>(table: Readonly<Record<K, V>>): Map<V, K> {
  const out = new Map<V, K>();
  for (const [name, code] of Object.entries(table) as [K, V][]) if (!out.has(code)) out.set(code, name);
  return out;
}

export const MAX_REG = 10;
