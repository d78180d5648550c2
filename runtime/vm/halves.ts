// 64-bit register values as two int32 halves (lo, hi) in Int32Arrays, the interpreter's
// register file: the common ALU ops and every comparison work on numbers; the rest (mul,
// div, mod of 64 bits, sign extension, byte swaps) go through alu.ts on bigints so the
// semantics stay defined in one place.

import { Cond } from "./decoded.js";

/** The unsigned 64-bit value of a (lo, hi) pair. */
export const toBig = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** Stores a 64-bit value (taken modulo 2^64) into register i. */
export function setBig(L: Int32Array, H: Int32Array, i: number, v: bigint): void {
  // Int32Array stores take the number modulo 2^32; exact for values below 2^53.
  if (v >= 0n && v <= 0xffffffffn) {
    L[i] = Number(v);
    H[i] = 0;
    return;
  }
  const u = BigInt.asUintN(64, v);
  L[i] = Number(u & 0xffffffffn);
  H[i] = Number(u >> 32n);
}

/** Arguments r1..r5 split once into halves (lo of r1..r5, then hi), for runs that repeat them. */
export function splitArgs(args: readonly bigint[]): Int32Array {
  const L = new Int32Array(5);
  const H = new Int32Array(5);
  args.slice(0, 5).forEach((v, i) => setBig(L, H, i, v));
  return Int32Array.of(...L, ...H);
}

/** The conditional jump test; 64-bit when width64, else on the low halves. */
export function test(cond: Cond, width64: boolean, al: number, ah: number, bl: number, bh: number): boolean {
  if (!width64) {
    ah = 0;
    bh = 0;
  }
  switch (cond) {
    case Cond.EQ:
      return al === bl && ah === bh;
    case Cond.NE:
      return al !== bl || ah !== bh;
    case Cond.SET:
      return (al & bl) !== 0 || (ah & bh) !== 0;
    case Cond.GT:
      return ah !== bh ? ah >>> 0 > bh >>> 0 : al >>> 0 > bl >>> 0;
    case Cond.GE:
      return ah !== bh ? ah >>> 0 > bh >>> 0 : al >>> 0 >= bl >>> 0;
    case Cond.LT:
      return ah !== bh ? ah >>> 0 < bh >>> 0 : al >>> 0 < bl >>> 0;
    case Cond.LE:
      return ah !== bh ? ah >>> 0 < bh >>> 0 : al >>> 0 <= bl >>> 0;
  }
  // Signed: on 32 bits the low halves are the signed values.
  if (!width64) {
    ah = al;
    bh = bl;
    al = 0;
    bl = 0;
  }
  switch (cond) {
    case Cond.SGT:
      return ah !== bh ? ah > bh : al >>> 0 > bl >>> 0;
    case Cond.SGE:
      return ah !== bh ? ah > bh : al >>> 0 >= bl >>> 0;
    case Cond.SLT:
      return ah !== bh ? ah < bh : al >>> 0 < bl >>> 0;
    default:
      return ah !== bh ? ah < bh : al >>> 0 <= bl >>> 0;
  }
}

/** The four bytes of a 32-bit value in reverse order. */
export const swap32 = (v: number): number => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);

/** dst <<= n (n in 0..63) on register i. */
export function lsh64(L: Int32Array, H: Int32Array, i: number, n: number): void {
  if (n === 0) return;
  const l = L[i]!;
  if (n < 32) {
    H[i] = (H[i]! << n) | (l >>> (32 - n));
    L[i] = l << n;
  } else {
    H[i] = l << (n - 32);
    L[i] = 0;
  }
}

/** dst >>= n (logical, n in 0..63) on register i. */
export function rsh64(L: Int32Array, H: Int32Array, i: number, n: number): void {
  if (n === 0) return;
  const h = H[i]!;
  if (n < 32) {
    L[i] = (L[i]! >>> n) | (h << (32 - n));
    H[i] = h >>> n;
  } else {
    L[i] = h >>> (n - 32);
    H[i] = 0;
  }
}

/** dst s>>= n (arithmetic, n in 0..63) on register i. */
export function arsh64(L: Int32Array, H: Int32Array, i: number, n: number): void {
  if (n === 0) return;
  const h = H[i]!;
  if (n < 32) {
    L[i] = (L[i]! >>> n) | (h << (32 - n));
    H[i] = h >> n;
  } else {
    L[i] = h >> (n - 32);
    H[i] = h >> 31;
  }
}
