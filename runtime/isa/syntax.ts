// The operator spellings of LLVM's BPF assembly syntax, shared by the disassembler
// (which prints them) and the LLVM-syntax assembler (which reads them back).

import type { AccessSize, AluOp, AtomicOp, JmpCond } from "./opcodes.js";
import { invert } from "./opcodes.js";

/** `dst OP= src` compound-assignment operators; mov is plain `=`. */
export const aluOperators: Readonly<Record<Exclude<AluOp, "mov">, string>> = {
  add: "+=",
  sub: "-=",
  mul: "*=",
  div: "/=",
  sdiv: "s/=",
  or: "|=",
  and: "&=",
  lsh: "<<=",
  rsh: ">>=",
  mod: "%=",
  smod: "s%=",
  xor: "^=",
  arsh: "s>>=",
};

export const jmpOperators: Readonly<Record<JmpCond, string>> = {
  jeq: "==",
  jne: "!=",
  jgt: ">",
  jge: ">=",
  jlt: "<",
  jle: "<=",
  jsgt: "s>",
  jsge: "s>=",
  jslt: "s<",
  jsle: "s<=",
  jset: "&",
};

/** Operators of the non-fetching atomic form `lock *(uN *)(dst + off) OP src`. */
export const lockOperators: Readonly<Record<"add" | "or" | "and" | "xor", string>> = {
  add: "+=",
  or: "|=",
  and: "&=",
  xor: "^=",
};

export const aluOperatorOps = invert(aluOperators);
export const jmpOperatorConds = invert(jmpOperators);
export const lockOperatorOps = invert(lockOperators);

export const sizeTypes: Readonly<Record<AccessSize, string>> = { 1: "u8", 2: "u16", 4: "u32", 8: "u64" };

export type FetchingAtomic = Exclude<AtomicOp, "xchg" | "cmpxchg">;

/** Formats a signed number the way LLVM does: 0x5, -0x5, 0x0. */
export function signedHex(v: number | bigint): string {
  const big = BigInt(v);
  return big < 0n ? `-0x${(-big).toString(16)}` : `0x${big.toString(16)}`;
}

/** A jump or call offset with an explicit sign: +0x3, -0x2, +0x0. */
export function branchHex(v: number): string {
  return v < 0 ? `-0x${(-v).toString(16)}` : `+0x${v.toString(16)}`;
}

/** A memory operand `(rN + 0x4)` / `(rN - 0x4)`. */
export function memOperand(base: number, off: number): string {
  return off < 0 ? `(r${base} - 0x${(-off).toString(16)})` : `(r${base} + 0x${off.toString(16)})`;
}
