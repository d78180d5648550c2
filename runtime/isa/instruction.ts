// The instruction value: one readonly discriminated union for every eBPF instruction.
// The assembler, disassembler, codegen, verifier and VM all speak this type.
// Invariants: registers are 0..10; imm is a signed 32-bit number; off a signed 16-bit number;
// an `lddw` occupies two slots, every other instruction one. Jump and call offsets are in
// slots, relative to the slot after the instruction, exactly as encoded.

import type { AccessSize, AluOp, AtomicOp, JmpCond, Pseudo } from "./opcodes.js";

/** A register number, r0..r10 (r10 is the read-only frame pointer). */
export type Reg = number;

export type Operand =
  | { readonly kind: "reg"; readonly reg: Reg }
  | { readonly kind: "imm"; readonly imm: number };

export type Width = 32 | 64;

/** Binary ALU operation, `dst op= src` (ALU class when width 32, ALU64 when 64). */
export interface AluInsn {
  readonly kind: "alu";
  readonly width: Width;
  readonly op: AluOp;
  readonly dst: Reg;
  readonly src: Operand;
}

/** `dst = -dst`. */
export interface NegInsn {
  readonly kind: "neg";
  readonly width: Width;
  readonly dst: Reg;
}

/** Sign-extending move `dst = (sN)src` (offset 8/16/32 on MOV with a register source). */
export interface MovsxInsn {
  readonly kind: "movsx";
  readonly width: Width;
  readonly dst: Reg;
  readonly src: Reg;
  readonly bits: 8 | 16 | 32;
}

/** Byte-order conversion: to little/big endian (ALU class), or an unconditional swap (ALU64). */
export interface EndianInsn {
  readonly kind: "endian";
  readonly order: "le" | "be" | "bswap";
  readonly bits: 16 | 32 | 64;
  readonly dst: Reg;
}

/** 64-bit immediate load over two slots; `pseudo` says how the loader reads lo/hi. */
export interface LddwInsn {
  readonly kind: "lddw";
  readonly dst: Reg;
  readonly pseudo: Pseudo;
  /** imm of the first slot (signed 32-bit). */
  readonly lo: number;
  /** imm of the second slot (signed 32-bit). */
  readonly hi: number;
}

/** `dst = *(uN/sN *)(src + off)`. */
export interface LoadInsn {
  readonly kind: "ldx";
  readonly size: AccessSize;
  readonly signed: boolean;
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/** `*(uN *)(dst + off) = imm`. */
export interface StoreImmInsn {
  readonly kind: "st";
  readonly size: AccessSize;
  readonly dst: Reg;
  readonly off: number;
  readonly imm: number;
}

/** `*(uN *)(dst + off) = src`. */
export interface StoreInsn {
  readonly kind: "stx";
  readonly size: AccessSize;
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/** Atomic read-modify-write on `*(uN *)(dst + off)`; xchg and cmpxchg always fetch. */
export interface AtomicInsn {
  readonly kind: "atomic";
  readonly size: 4 | 8;
  readonly op: AtomicOp;
  readonly fetch: boolean;
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/** Legacy packet access `r0 = ntoh(*(uN *)(skb->data + imm))`. */
export interface LdAbsInsn {
  readonly kind: "ldabs";
  readonly size: 1 | 2 | 4;
  readonly imm: number;
}

/** Legacy packet access `r0 = ntoh(*(uN *)(skb->data + src + imm))`. */
export interface LdIndInsn {
  readonly kind: "ldind";
  readonly size: 1 | 2 | 4;
  readonly src: Reg;
  readonly imm: number;
}

/** Unconditional jump: `goto` (JMP class, 16-bit off) or `gotol` (JMP32 class, 32-bit imm). */
export interface JaInsn {
  readonly kind: "ja";
  readonly long: boolean;
  readonly off: number;
}

export interface JcondInsn {
  readonly kind: "jcond";
  readonly width: Width;
  readonly cond: JmpCond;
  readonly dst: Reg;
  readonly src: Operand;
  readonly off: number;
}

/** Call of a helper (imm = id), a BPF subprogram (imm = slot offset) or a kfunc (imm = BTF id). */
export interface CallInsn {
  readonly kind: "call";
  readonly target: "helper" | "local" | "kfunc";
  readonly imm: number;
  /** kfunc only: index of the module BTF fd; 0 for vmlinux. */
  readonly off: number;
}

/** Indirect call through a register. LLVM >= 19 encodes the register in dst, older LLVM in imm. */
export interface CallxInsn {
  readonly kind: "callx";
  readonly reg: Reg;
  readonly encoding: "dst" | "imm";
}

export interface ExitInsn {
  readonly kind: "exit";
}

/** Linux's bounded-loop escape: jumps by `off` once the loop budget is spent. */
export interface MayGotoInsn {
  readonly kind: "may_goto";
  readonly off: number;
}

export type Instruction =
  | AluInsn
  | NegInsn
  | MovsxInsn
  | EndianInsn
  | LddwInsn
  | LoadInsn
  | StoreImmInsn
  | StoreInsn
  | AtomicInsn
  | LdAbsInsn
  | LdIndInsn
  | JaInsn
  | JcondInsn
  | CallInsn
  | CallxInsn
  | ExitInsn
  | MayGotoInsn;

export type InstructionKind = Instruction["kind"];

/** Number of 8-byte slots an instruction occupies. */
export function slotCount(insn: Instruction): 1 | 2 {
  return insn.kind === "lddw" ? 2 : 1;
}

/** The 64-bit value of an lddw, as an unsigned bigint. */
export function lddwValue(insn: LddwInsn): bigint {
  return (BigInt(insn.hi >>> 0) << 32n) | BigInt(insn.lo >>> 0);
}

/** Splits a 64-bit value into the signed lo/hi imm pair of an lddw. */
export function lddwHalves(value: bigint): { lo: number; hi: number } {
  const v = BigInt.asUintN(64, value);
  return { lo: Number(BigInt.asIntN(32, v)), hi: Number(BigInt.asIntN(32, v >> 32n)) };
}

/** The slot a jump or call `off` slots from the instruction at `slot` lands on: offsets count from the next slot. */
export function jumpTarget(slot: number, off: number): number {
  return slot + 1 + off;
}

/** The jump offset of a branching instruction, or undefined for one that does not branch. */
export function branchOffset(insn: Instruction): number | undefined {
  switch (insn.kind) {
    case "ja":
    case "jcond":
    case "may_goto":
      return insn.off;
    default:
      return undefined;
  }
}

/** Where a branching instruction at `slot` jumps when taken, or undefined for one that does not branch. */
export function branchTarget(slot: number, insn: Instruction): number | undefined {
  const off = branchOffset(insn);
  return off === undefined ? undefined : jumpTarget(slot, off);
}

export const reg = (r: Reg): Operand => ({ kind: "reg", reg: r });
export const imm = (v: number): Operand => ({ kind: "imm", imm: v });

/** A decoded program: each instruction with the slot index where it starts. */
export interface SlottedInstruction {
  readonly slot: number;
  readonly insn: Instruction;
}
