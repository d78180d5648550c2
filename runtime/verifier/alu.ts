// ALU instructions on register states (the kernel's check_alu_op, adjust_reg_min_max_vals and
// adjust_ptr_min_max_vals) with privileged rules: scalar transfer functions come from
// scalar-alu.ts; pointers allow only 64-bit add/sub of scalars with sane bounds; anything a
// privileged program may compute from a pointer (pointer - pointer, 32-bit moves) is an unknown
// scalar; copies of scalars share an id so that a later bounds check refines every copy, and a
// copy moved by one 64-bit constant add/sub stays linked with that delta (BPF_ADD_CONST).

import type { AluInsn, AluOp, EndianInsn, MovsxInsn, NegInsn } from "../isa/index.js";
import { MapType } from "../object/map-types.js";
import { BPF_MAX_VAR_OFF } from "./access.js";
import { freshId, type Env } from "./env.js";
import { RuleError } from "./messages.js";
import { scalarAlu, scalarEndian, scalarMovsx, scalarNeg } from "./scalar-alu.js";
import { scalarConstInt, scalarUnknown, S64_MIN, type Scalar } from "./scalar.js";
import { FP, mayBeNull, typeName, type OffsetPtr, type RegState, type ScalarReg, type VerifierState } from "./state.js";

const opText: Readonly<Record<AluOp, string>> = {
  add: "+=", sub: "-=", mul: "*=", div: "/=", sdiv: "s/=", or: "|=", and: "&=", lsh: "<<=",
  rsh: ">>=", mod: "%=", smod: "s%=", xor: "^=", mov: "=", arsh: "s>>=",
};

const isConst = (s: Scalar): boolean => s.tnum.mask === 0n;
const unknown = (): RegState => ({ type: "scalar", s: scalarUnknown(), id: 0 });

/** Reads register `r` as an operand: it must have been written ("R%d !read_ok"). */
export function readReg(st: VerifierState, r: number): RegState {
  const reg = st.frames[st.frames.length - 1]!.regs[r]!;
  if (reg.type === "not_init") throw new RuleError(`R${r} !read_ok`, [r]);
  return reg;
}

export function writeReg(st: VerifierState, r: number, v: RegState): void {
  if (r === FP) throw new RuleError("frame pointer is read only", [r]);
  st.frames[st.frames.length - 1]!.regs[r] = v;
}

export function checkAlu(env: Env, st: VerifierState, insn: AluInsn | NegInsn | MovsxInsn | EndianInsn): void {
  const regs = st.frames[st.frames.length - 1]!.regs;
  switch (insn.kind) {
    case "neg":
    case "endian": {
      const d = readReg(st, insn.dst);
      if (insn.dst === FP) throw new RuleError("frame pointer is read only", [FP]);
      if (d.type !== "scalar") return writeReg(st, insn.dst, unknown());
      const s = insn.kind === "neg" ? scalarNeg(insn.width, d.s) : scalarEndian(insn.order, insn.bits, d.s);
      return writeReg(st, insn.dst, { type: "scalar", s, id: 0 });
    }
    case "movsx": {
      const src = readReg(st, insn.src);
      if (src.type !== "scalar") return writeReg(st, insn.dst, unknown());
      return writeReg(st, insn.dst, { type: "scalar", s: scalarMovsx(insn.width, insn.bits, src.s), id: 0 });
    }
    case "alu":
      break;
  }
  const { op, width } = insn;
  if (op === "mov") {
    if (insn.src.kind === "imm") {
      return writeReg(st, insn.dst, { type: "scalar", s: scalarConstInt(width === 64 ? insn.src.imm : insn.src.imm >>> 0), id: 0 });
    }
    const src = readReg(st, insn.src.reg);
    if (insn.dst === FP) throw new RuleError("frame pointer is read only", [FP]);
    if (width === 32) {
      // A 32-bit copy of a pointer is a number a privileged program may keep.
      if (src.type !== "scalar") return writeReg(st, insn.dst, { type: "scalar", s: scalarAlu("mov", 32, scalarUnknown(), scalarUnknown()), id: 0 });
      const s = scalarAlu("mov", 32, src.s, src.s);
      // A value that fits in 32 bits is copied unchanged, so the copy stays linked to it
      // (check_alu_op: get_reg_width(src) <= 32).
      if (src.s.umax <= 0xffffffffn) {
        const linked = idBeforeCopy(env, regs, insn.src.reg, src);
        if (!isConst(src.s)) return writeReg(st, insn.dst, { type: "scalar", s, id: linked.id });
      }
      return writeReg(st, insn.dst, { type: "scalar", s, id: 0 });
    }
    if (src.type === "scalar") return writeReg(st, insn.dst, idBeforeCopy(env, regs, insn.src.reg, src));
    return writeReg(st, insn.dst, src);
  }
  const dst = readReg(st, insn.dst);
  if (insn.dst === FP) throw new RuleError("frame pointer is read only", [FP]);
  if ((op === "lsh" || op === "rsh" || op === "arsh") && insn.src.kind === "imm" && (insn.src.imm < 0 || insn.src.imm >= width)) {
    throw new RuleError(`invalid shift ${insn.src.imm}`);
  }
  if ((op === "div" || op === "sdiv" || op === "mod" || op === "smod") && insn.src.kind === "imm" && insn.src.imm === 0) throw new RuleError("div by zero");
  if (dst.type === "scalar" && insn.src.kind === "imm") {
    // An immediate is a constant scalar (zero-extended at width 32); no register state for it.
    const srcS = scalarConstInt(width === 32 ? insn.src.imm >>> 0 : insn.src.imm);
    return writeReg(st, insn.dst, scalarResult(op, width, dst, srcS));
  }
  const src: RegState = insn.src.kind === "imm" ? { type: "scalar", s: scalarConstInt(insn.src.imm), id: 0 } : readReg(st, insn.src.reg);
  if (dst.type === "scalar" && src.type === "scalar") {
    // `r6 += r6` ends the link even when r6 is a constant (Linux 6.18.44 clears the id: the
    // doubled value is not the linked value plus a constant of the old state).
    if (insn.src.kind === "reg" && insn.src.reg === insn.dst) return writeReg(st, insn.dst, { type: "scalar", s: scalarAlu(op, width, dst.s, src.s), id: 0 });
    return writeReg(st, insn.dst, scalarResult(op, width, dst, src.s));
  }
  if (dst.type !== "scalar" && src.type !== "scalar") {
    if (op === "sub") return writeReg(st, insn.dst, unknown());
    throw new RuleError(`R${insn.dst} pointer ${opText[op]} pointer prohibited`, [insn.dst, insn.src.kind === "reg" ? insn.src.reg : insn.dst]);
  }
  const ptrIsDst = dst.type !== "scalar";
  const ptr = ptrIsDst ? dst : src;
  const off = (ptrIsDst ? src : dst) as Extract<RegState, { type: "scalar" }>;
  writeReg(st, insn.dst, pointerArithmetic(env, insn, ptr, off.s, ptrIsDst));
}

/**
 * assign_scalar_id_before_mov: a scalar about to be copied (register move, spill) gets an id
 * its copy shares. A value that is itself "linked value + delta" leaves its old link first: a
 * copy cannot carry the delta on (the kernel clears BPF_ADD_CONST and reg->off). Constants need
 * no link. Returns the source register's new state, also written back to `regs`.
 */
export function idBeforeCopy(env: Env, regs: RegState[], r: number, src: ScalarReg): ScalarReg {
  let out: ScalarReg = src.delta !== undefined ? { type: "scalar", s: src.s, id: 0 } : src;
  if (out.id === 0 && !isConst(out.s)) out = { type: "scalar", s: out.s, id: freshId(env) };
  if (out !== src) regs[r] = out;
  return out;
}

const S32_MIN = -0x80000000n;
const S32_MAX = 0x7fffffffn;

/** `dst op src` on scalars with the link the result keeps. */
function scalarResult(op: AluOp, width: 32 | 64, dst: ScalarReg, src: Scalar): ScalarReg {
  const out = scalarAlu(op, width, dst.s, src);
  // Most results keep no link (no object for linkAfterAdd's answer then).
  if ((op !== "add" && op !== "sub") || dst.id === 0 || dst.delta !== undefined) return { type: "scalar", s: out, id: 0 };
  return { type: "scalar", s: out, ...linkAfterAdd(op, width, dst, src) };
}

/**
 * The link a scalar keeps after `dst op src` (adjust_reg_min_max_vals): a 64-bit add or
 * subtract of a constant in the s32 range on a linked value that has no delta yet keeps the id
 * with that delta (BPF_ADD_CONST); a 32-bit one too on a value below 2^32 (BPF_ADD_CONST32,
 * `d32`: the copy is the zero-extended low half of linked value + delta). Anything else (other
 * ops, a second constant, a 64-bit constant out of the s32 range, -S32_MIN) ends the link.
 */
function linkAfterAdd(op: AluOp, width: 32 | 64, dst: ScalarReg, src: Scalar): { id: number; delta?: number; d32?: true } {
  if ((op !== "add" && op !== "sub") || dst.id === 0 || dst.delta !== undefined) return { id: 0 };
  // Linux 6.18.44 (BPF_ADD_CONST32): a 32-bit add/sub of a constant links too, when the value
  // had no upper bits before it (its zero extension then equals the 64-bit sum, wrapped).
  if (width === 32) {
    if (dst.s.umax > 0xffffffffn || (src.tnum.mask & 0xffffffffn) !== 0n) return { id: 0 };
    const off = BigInt.asIntN(32, src.tnum.value);
    if (op === "sub" && off === S32_MIN) return { id: 0 };
    return { id: dst.id, delta: Number(op === "sub" ? -off : off), d32: true };
  }
  if (!isConst(src)) return { id: 0 };
  const val = BigInt.asIntN(64, src.tnum.value);
  if (val < S32_MIN || val > S32_MAX) return { id: 0 };
  if (op === "sub" && val === S32_MIN) return { id: 0 };
  return { id: dst.id, delta: Number(op === "sub" ? -val : val) };
}

function saneOffset(type: string, s: Scalar, fixedOff: number): void {
  const known = isConst(s);
  const val = BigInt.asIntN(64, s.tnum.value);
  const max = BigInt(BPF_MAX_VAR_OFF);
  if (known && (val >= max || val <= -max)) throw new RuleError(`math between ${type} pointer and ${val} is not allowed`);
  if (fixedOff >= BPF_MAX_VAR_OFF || fixedOff <= -BPF_MAX_VAR_OFF) throw new RuleError(`${type} pointer offset ${fixedOff} is not allowed`);
  if (s.smin === S64_MIN) throw new RuleError(`math between ${type} pointer and register with unbounded min value is not allowed`);
  if (s.smin >= max || s.smin <= -max) throw new RuleError(`value ${s.smin} makes ${type} pointer be out of bounds`);
}

/** adjust_ptr_min_max_vals: `ptr op off` (or `off += ptr` when the pointer is the source). */
function pointerArithmetic(env: Env, insn: AluInsn, ptr: RegState, off: Scalar, ptrIsDst: boolean): RegState {
  const dst = insn.dst;
  const { op } = insn;
  const involved = [dst, ...(insn.src.kind === "reg" ? [insn.src.reg] : [])];
  if (insn.width === 32) {
    if (op === "sub") return unknown();
    throw new RuleError(`R${dst} 32-bit pointer arithmetic prohibited`, involved);
  }
  if (ptr.type === "ptr_") throw new RuleError(`R${dst} arithmetic on a BTF-typed struct ${ptr.btf} pointer is not supported by tsbpf's verifier`, involved);
  if (mayBeNull(ptr)) {
    throw new RuleError(`R${dst} pointer arithmetic on ${typeName(ptr.type)} prohibited, null-check it first`, involved);
  }
  const known = isConst(off);
  const offVal = Number(BigInt.asIntN(64, off.tnum.value));
  if (ptr.type === "map_ptr") {
    if (known && offVal === 0 && op === "add") return ptr;
    throw new RuleError(`R${dst} pointer arithmetic on ${typeName(ptr.type)} prohibited`, involved);
  }
  if (ptr.type !== "ctx" && ptr.type !== "pkt" && ptr.type !== "pkt_meta" && ptr.type !== "map_value" && ptr.type !== "stack" && ptr.type !== "mem") {
    throw new RuleError(`R${dst} pointer arithmetic on ${typeName(ptr.type)} prohibited`, involved);
  }
  if (ptr.type === "map_value" && env.maps[ptr.map]!.type === MapType.XSKMAP) throw new RuleError(`R${dst} pointer arithmetic on xdp_sock prohibited`, involved);
  const p: OffsetPtr = ptr;
  const tname = typeName(p.type);
  saneOffset(tname, off, 0);
  saneOffset(tname, p.var, p.off);
  let out: OffsetPtr;
  switch (op) {
    case "add":
      if (known && Number.isSafeInteger(p.off + offVal) && (p.off + offVal) === ((p.off + offVal) | 0)) {
        out = { ...p, off: p.off + offVal };
      } else {
        out = { ...p, var: scalarAlu("add", 64, p.var, off) };
        if (p.type === "pkt" || p.type === "pkt_meta") out = { ...out, id: freshId(env), range: 0 } as OffsetPtr;
      }
      break;
    case "sub":
      if (!ptrIsDst) throw new RuleError(`R${dst} tried to subtract pointer from scalar`, involved);
      if (p.type === "stack") throw new RuleError(`R${dst} subtraction from stack pointer prohibited`, involved);
      if (known && (p.off - offVal) === ((p.off - offVal) | 0)) {
        out = { ...p, off: p.off - offVal };
      } else {
        out = { ...p, var: scalarAlu("sub", 64, p.var, off) };
        if (p.type === "pkt" || p.type === "pkt_meta") out = { ...out, id: freshId(env), ...(off.smin < 0n ? { range: 0 } : {}) } as OffsetPtr;
      }
      break;
    case "and":
    case "or":
    case "xor":
      throw new RuleError(`R${dst} bitwise operator ${opText[op]} on pointer prohibited`, involved);
    default:
      throw new RuleError(`R${dst} pointer arithmetic with ${opText[op]} operator prohibited`, involved);
  }
  saneOffset(tname, out.var, out.off);
  return out;
}
