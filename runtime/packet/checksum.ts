// The Internet checksum (RFC 1071), the pseudo-header sums of TCP, UDP and
// ICMPv6 over IPv4 (RFC 793/768) and IPv6 (RFC 8200 §8.1), and incremental
// update (RFC 1624).
// Invariants: sums are 16-bit one's-complement sums, folded, in 0..0xffff,
// taken over big-endian 16-bit words counted from the start of the range (an
// odd final byte is padded with a zero byte). A checksum field holds the
// complement of the sum of everything else it covers, so a range whose
// checksum is right sums to 0xffff (the "negative zero" Linux's csum_fold
// tests for). Sums chain: onesComplementSum(b, 0, n, onesComplementSum(a))
// equals the sum over a followed by b when a has even length.
import { IPPROTO_UDP } from "./constants.js";

/** The addresses an upper-layer checksum covers: source and final destination. */
export interface PseudoHeader {
  readonly family: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly src: Uint8Array;
  /** The final destination (after any source route / routing header), same size as src. */
  readonly dst: Uint8Array;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** One's-complement sum of data[start, end) as big-endian 16-bit words, plus `initial`; folded to 16 bits. */
export function onesComplementSum(data: Uint8Array, start = 0, end = data.length, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) {
    sum += (data[i]! << 8) | data[i + 1]!;
    if (sum > 0x3fffffff) sum = fold(sum);
  }
  if (i < end) sum += data[i]! << 8;
  return fold(sum);
}

/** The RFC 1071 checksum of data[start, end): the complement of the one's-complement sum (plus `initial`). */
export function internetChecksum(data: Uint8Array, start = 0, end = data.length, initial = 0): number {
  return ~onesComplementSum(data, start, end, initial) & 0xffff;
}

/** True when data[start, end) (with `initial` added) sums to 0xffff, i.e. its embedded checksum is right. */
export function checksumValid(data: Uint8Array, start = 0, end = data.length, initial = 0): boolean {
  return onesComplementSum(data, start, end, initial) === 0xffff;
}

/**
 * Sum of the pseudo-header that TCP, UDP and ICMPv6 prepend to their checksum:
 *   IPv4: src(4) dst(4) zero(1) protocol(1) length(2)
 *   IPv6: src(16) dst(16) length(4) zero(3) next header(1)
 * `length` is the upper-layer length (header + data).
 */
export function pseudoHeaderSum(pseudo: PseudoHeader, protocol: number, length: number): number {
  const size = pseudo.family === 4 ? 4 : 16;
  if (pseudo.src.length !== size || pseudo.dst.length !== size) {
    throw new RangeError(`IPv${pseudo.family} pseudo-header needs ${size}-byte addresses`);
  }
  let sum = onesComplementSum(pseudo.src);
  sum = onesComplementSum(pseudo.dst, 0, size, sum);
  sum += protocol & 0xff;
  sum += pseudo.family === 4 ? length & 0xffff : Math.floor(length / 0x10000) + (length & 0xffff);
  return fold(sum);
}

/**
 * The checksum to store in a TCP/UDP/ICMPv6 header: computed over the pseudo-header and `segment`
 * (whose checksum field must hold zero). For UDP a result of 0 is sent as 0xffff (RFC 768), because
 * 0 means "no checksum" over IPv4.
 */
export function transportChecksum(pseudo: PseudoHeader, protocol: number, segment: Uint8Array): number {
  const c = internetChecksum(segment, 0, segment.length, pseudoHeaderSum(pseudo, protocol, segment.length));
  return protocol === IPPROTO_UDP && c === 0 ? 0xffff : c;
}

/** True when `segment` (checksum field included) plus its pseudo-header sums to 0xffff. */
export function transportChecksumValid(pseudo: PseudoHeader, protocol: number, segment: Uint8Array): boolean {
  return checksumValid(segment, 0, segment.length, pseudoHeaderSum(pseudo, protocol, segment.length));
}

/**
 * RFC 1624 eqn. 3: the checksum after one 16-bit word it covers changes from `oldWord` to `newWord`:
 *   HC' = ~(~HC + ~m + m')
 */
export function checksumUpdate16(checksum: number, oldWord: number, newWord: number): number {
  const sum = fold((~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff));
  return ~sum & 0xffff;
}

/** RFC 1624 for a 32-bit field (an IPv4 address, a TCP sequence number): two 16-bit updates. */
export function checksumUpdate32(checksum: number, oldValue: number, newValue: number): number {
  const hi = checksumUpdate16(checksum, oldValue >>> 16, newValue >>> 16);
  return checksumUpdate16(hi, oldValue & 0xffff, newValue & 0xffff);
}

/**
 * RFC 1624 for a field of any even length at an even offset (a MAC, an IPv6 address): the checksum
 * after `oldBytes` became `newBytes`.
 */
export function checksumUpdateBytes(checksum: number, oldBytes: Uint8Array, newBytes: Uint8Array): number {
  if (oldBytes.length !== newBytes.length || oldBytes.length % 2 !== 0) {
    throw new RangeError("checksumUpdateBytes needs two fields of the same even length");
  }
  // ~m summed word by word equals the complement of the sum of m.
  const removed = ~onesComplementSum(oldBytes) & 0xffff;
  const sum = fold((~checksum & 0xffff) + removed + onesComplementSum(newBytes));
  return ~sum & 0xffff;
}
