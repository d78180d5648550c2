// 64-bit BigInts as pairs of int32 bit patterns (hi, lo), and back: the representation the
// hot paths of the scalar domain compute on (scalar-sync.ts, tnum multiplication), since
// BigInt arithmetic allocates on every step. Values in the safe-integer range convert through
// one Number; only the rest go through BigInt shifts.

const TWO32 = 4294967296;
const TWO32N = 4294967296n;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** The high half of a BigInt in [-2^63, 2^64), as an int32 pattern. */
export function hiOf(x: bigint): number {
  const n = Number(x);
  if (n >= 0 && n < TWO32) return 0;
  if (n < 0 && n >= -TWO32) return -1;
  // Exact when |n| < 2^53 (a larger x may round onto the boundary, hence the strict test).
  if (n > -MAX_SAFE && n < MAX_SAFE) return Math.floor(n / TWO32) | 0;
  // `| 0`: a small integer, not the heap number Number(bigint) gives (see scalar-sync.ts).
  return Number(BigInt.asIntN(32, x >> 32n)) | 0;
}
/** The low half, as an int32 pattern. */
export function loOf(x: bigint): number {
  const n = Number(x);
  if (n > -MAX_SAFE && n < MAX_SAFE) return n | 0;
  return Number(BigInt.asIntN(32, x)) | 0;
}

/** The u64 reading of a pair, reusing `old` when it already is that value. */
export function u64Of(h: number, l: number, old: bigint, oh: number, ol: number): bigint {
  return h === oh && l === ol ? old : pairToU64(h, l);
}

/** The u64 reading of a pair. */
export function pairToU64(h: number, l: number): bigint {
  const uh = h >>> 0;
  if (uh < 0x20_0000) return BigInt(uh * TWO32 + (l >>> 0));
  return (BigInt(uh) << 32n) | BigInt(l >>> 0);
}
/** The s64 reading of a pair, reusing `old` when it already is that value. */
export function s64Of(h: number, l: number, old: bigint, oh: number, ol: number): bigint {
  if (h === oh && l === ol) return old;
  if (h >= -0x20_0000 && h < 0x20_0000) return BigInt(h * TWO32 + (l >>> 0));
  return BigInt(h) * TWO32N + BigInt(l >>> 0);
}
