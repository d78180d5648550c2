// ALU and jump semantics of RFC 9669 on 64-bit register values held as unsigned bigints.
// Division by zero gives 0, modulo by zero leaves the dividend, INT_MIN / -1 wraps, shift
// amounts are masked to the operand width, and 32-bit operations zero the upper half.

import type { AluOp, JmpCond } from "../isa/index.js";

const M64 = 0xffffffffffffffffn;
const M32 = 0xffffffffn;

const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);

/** An instruction immediate as the 64-bit operand of an ALU64/JMP operation (sign-extended). */
export const immToU64 = (imm: number): bigint => BigInt.asUintN(64, BigInt(imm));

/**
 * `dst op src` at `width` bits: operands are taken modulo 2^width and the result is
 * zero-extended (so a 32-bit operation clears the upper half).
 */
export function alu(op: AluOp, width: 32 | 64, dstIn: bigint, srcIn: bigint): bigint {
  const mask = width === 64 ? M64 : M32;
  const bits = BigInt(width);
  const dst = dstIn & mask;
  const src = srcIn & mask;
  switch (op) {
    case "add":
      return (dst + src) & mask;
    case "sub":
      return (dst - src) & mask;
    case "mul":
      return (dst * src) & mask;
    case "div":
      return src === 0n ? 0n : dst / src;
    case "sdiv":
      return src === 0n ? 0n : BigInt.asUintN(width, BigInt.asIntN(width, dst) / BigInt.asIntN(width, src));
    case "mod":
      return src === 0n ? dst : dst % src;
    case "smod":
      return src === 0n ? dst : BigInt.asUintN(width, BigInt.asIntN(width, dst) % BigInt.asIntN(width, src));
    case "or":
      return dst | src;
    case "and":
      return dst & src;
    case "xor":
      return dst ^ src;
    case "lsh":
      return (dst << (src & (bits - 1n))) & mask;
    case "rsh":
      return dst >> (src & (bits - 1n));
    case "arsh":
      return BigInt.asUintN(width, BigInt.asIntN(width, dst) >> (src & (bits - 1n)));
    case "mov":
      return src;
  }
}

/** `dst op src` on 64 bits. */
export const alu64 = (op: AluOp, dst: bigint, src: bigint): bigint => alu(op, 64, dst, src);

/** `dst op src` on the low 32 bits; the result is zero-extended. */
export const alu32 = (op: AluOp, dst: bigint, src: bigint): bigint => alu(op, 32, dst, src);

/** Sign-extends the low `bits` of v to 64 bits (as u64), or to 32 bits zero-extended when width is 32. */
export function signExtend(v: bigint, bits: 8 | 16 | 32, width: 32 | 64): bigint {
  const wide = BigInt.asIntN(bits, v);
  return width === 64 ? BigInt.asUintN(64, wide) : BigInt.asUintN(32, wide);
}

function swapBytes(v: bigint, bytes: number): bigint {
  let out = 0n;
  for (let i = 0; i < bytes; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Byte-order conversion on a little-endian machine: le truncates, be and bswap swap. */
export function endian(order: "le" | "be" | "bswap", bits: 16 | 32 | 64, v: bigint): bigint {
  const mask = (1n << BigInt(bits)) - 1n;
  return order === "le" ? v & mask : swapBytes(v & mask, bits / 8);
}

/** A conditional jump's test on 64-bit or 32-bit operands. */
export function compare(cond: JmpCond, width: 32 | 64, a: bigint, b: bigint): boolean {
  const ua = width === 64 ? a : a & M32;
  const ub = width === 64 ? b : b & M32;
  switch (cond) {
    case "jeq":
      return ua === ub;
    case "jne":
      return ua !== ub;
    case "jgt":
      return ua > ub;
    case "jge":
      return ua >= ub;
    case "jlt":
      return ua < ub;
    case "jle":
      return ua <= ub;
    case "jset":
      return (ua & ub) !== 0n;
  }
  const sa = width === 64 ? s64(a) : s32(a);
  const sb = width === 64 ? s64(b) : s32(b);
  switch (cond) {
    case "jsgt":
      return sa > sb;
    case "jsge":
      return sa >= sb;
    case "jslt":
      return sa < sb;
    case "jsle":
      return sa <= sb;
  }
}
