// Internet checksum arithmetic against independent oracles: the RFC 1071
// worked example, a "sum mod 0xffff" formula (one's-complement addition is
// addition modulo 2^16 - 1), recomputation for RFC 1624 incremental updates,
// and the reference corpus frames' stored checksums.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  checksumUpdate16,
  checksumUpdate32,
  checksumUpdateBytes,
  checksumValid,
  internetChecksum,
  onesComplementSum,
  parseIpv4,
  parseIpv6,
  pseudoHeaderSum,
  transportChecksum,
  transportChecksumValid,
  type PseudoHeader,
} from "../../runtime/packet/index.js";
import { sharedDir } from "../support/shared.js";

const packetDir = join(sharedDir, "reference", "packets");
const haveCorpus = existsSync(packetDir);

/** Independent oracle: the big-endian word sum reduced modulo 0xffff, with a nonzero multiple mapping to 0xffff. */
function oracleSum(data: Uint8Array): number {
  let total = 0n;
  for (let i = 0; i < data.length; i += 2) total += BigInt((data[i]! << 8) | (data[i + 1] ?? 0));
  if (total === 0n) return 0;
  const r = Number(total % 0xffffn);
  return r === 0 ? 0xffff : r;
}

describe("onesComplementSum / internetChecksum", () => {
  test("RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2", () => {
    const data = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(onesComplementSum(data)).toBe(0xddf2);
    expect(internetChecksum(data)).toBe(0x220d);
  });

  test("odd lengths pad the last byte with zero; ranges count words from their start", () => {
    expect(onesComplementSum(Uint8Array.of(0x12, 0x34, 0x56))).toBe(0x1234 + 0x5600);
    expect(onesComplementSum(Uint8Array.of(0xff, 0x12, 0x34, 0x56), 1, 4)).toBe(0x1234 + 0x5600);
    expect(onesComplementSum(new Uint8Array(0))).toBe(0);
    expect(onesComplementSum(Uint8Array.of(0xff, 0xff, 0x00, 0x01))).toBe(0x0001);
  });

  test("matches the modulo-0xffff oracle on random data (1,000 cases)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => {
        expect(onesComplementSum(data)).toBe(oracleSum(data));
      }),
      { numRuns: 1000 },
    );
  });

  test("chaining: sum(a ++ b) = sum(b, initial = sum(a)) for even-length a", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (a0, b) => {
        const a = a0.length % 2 ? a0.subarray(1) : a0;
        const ab = new Uint8Array([...a, ...b]);
        expect(onesComplementSum(b, 0, b.length, onesComplementSum(a))).toBe(onesComplementSum(ab));
      }),
      { numRuns: 300 },
    );
  });

  test("storing the checksum makes the range verify, for any data", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 100 }), (data0) => {
        const data = data0.slice();
        data[0] = 0;
        data[1] = 0;
        const c = internetChecksum(data);
        data[0] = c >> 8;
        data[1] = c & 0xff;
        expect(checksumValid(data)).toBe(true);
        data[data.length - 1] ^= 0x01;
        expect(checksumValid(data)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("incremental update (RFC 1624)", () => {
  /** A 20-byte header with a nonzero first word (so its sum is never zero) and its checksum at 10. */
  const header = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((h) => {
    const b = h.slice();
    b[0] = 0x45;
    b[10] = 0;
    b[11] = 0;
    const c = internetChecksum(b);
    b[10] = c >> 8;
    b[11] = c & 0xff;
    return b;
  });
  const stored = (b: Uint8Array): number => (b[10]! << 8) | b[11]!;
  const recompute = (b: Uint8Array): number => {
    const z = b.slice();
    z[10] = 0;
    z[11] = 0;
    return internetChecksum(z);
  };

  test("checksumUpdate16 equals recomputation (1,000 cases)", () => {
    fc.assert(
      fc.property(header, fc.integer({ min: 1, max: 9 }).filter((w) => w !== 5), fc.nat({ max: 0xffff }), (b, word, value) => {
        const at = 2 * word;
        const old = (b[at]! << 8) | b[at + 1]!;
        const after = b.slice();
        after[at] = value >> 8;
        after[at + 1] = value & 0xff;
        expect(checksumUpdate16(stored(b), old, value)).toBe(recompute(after));
      }),
      { numRuns: 1000 },
    );
  });

  test("checksumUpdate32 and checksumUpdateBytes (an address rewrite) equal recomputation", () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ minLength: 4, maxLength: 4 }), (b, addr) => {
        const after = b.slice();
        after.set(addr, 12);
        const view = (x: Uint8Array) => new DataView(x.buffer, x.byteOffset);
        expect(checksumUpdate32(stored(b), view(b).getUint32(12), view(after).getUint32(12))).toBe(recompute(after));
        expect(checksumUpdateBytes(stored(b), b.slice(12, 16), addr)).toBe(recompute(after));
      }),
      { numRuns: 500 },
    );
  });

  test.skipIf(!haveCorpus)("xdp_reflect's rewrite (swap addresses, TTL to 64) keeps the corpus header valid", () => {
    const f = new Uint8Array(readFileSync(join(packetDir, "ipv4_udp_dns.bin")));
    const ip = f.slice(14, 34);
    let c = (ip[10]! << 8) | ip[11]!;
    const oldTtlWord = (ip[8]! << 8) | ip[9]!;
    ip[8] = 64;
    c = checksumUpdate16(c, oldTtlWord, (ip[8]! << 8) | ip[9]!);
    const src = ip.slice(12, 16);
    ip.set(ip.slice(16, 20), 12);
    ip.set(src, 16);
    // Swapping two words inside the covered range leaves the sum unchanged; the update must agree.
    c = checksumUpdateBytes(c, Uint8Array.of(...src, ...ip.slice(12, 16)), Uint8Array.of(...ip.slice(12, 16), ...src));
    ip[10] = c >> 8;
    ip[11] = c & 0xff;
    expect(checksumValid(ip)).toBe(true);
  });
});

describe("pseudo-headers", () => {
  test("IPv4: src dst 0 proto length", () => {
    const p: PseudoHeader = { family: 4, src: parseIpv4("192.0.2.10"), dst: parseIpv4("198.51.100.53") };
    const manual = Uint8Array.of(...p.src, ...p.dst, 0, 17, 0, 37);
    expect(pseudoHeaderSum(p, 17, 37)).toBe(onesComplementSum(manual));
  });

  test("IPv6: src dst length(32) zero(24) next header", () => {
    const p: PseudoHeader = { family: 6, src: parseIpv6("2001:db8::1"), dst: parseIpv6("2001:db8::2") };
    const manual = Uint8Array.of(...p.src, ...p.dst, 0, 1, 0x23, 0x45, 0, 0, 0, 58);
    expect(pseudoHeaderSum(p, 58, 0x12345)).toBe(onesComplementSum(manual));
  });

  test("wrong address sizes are refused", () => {
    expect(() => pseudoHeaderSum({ family: 6, src: new Uint8Array(4), dst: new Uint8Array(4) }, 17, 8)).toThrow(RangeError);
  });

  test.skipIf(!haveCorpus)("the corpus UDP datagrams carry exactly transportChecksum's value", () => {
    const v4 = new Uint8Array(readFileSync(join(packetDir, "ipv4_udp_dns.bin")));
    const seg4 = v4.slice(34);
    const p4: PseudoHeader = { family: 4, src: v4.slice(26, 30), dst: v4.slice(30, 34) };
    expect(transportChecksumValid(p4, 17, seg4)).toBe(true);
    const stored4 = (seg4[6]! << 8) | seg4[7]!;
    seg4[6] = seg4[7] = 0;
    expect(transportChecksum(p4, 17, seg4)).toBe(stored4);
    const v6 = new Uint8Array(readFileSync(join(packetDir, "ipv6_udp.bin")));
    expect(transportChecksumValid({ family: 6, src: v6.slice(22, 38), dst: v6.slice(38, 54) }, 17, v6.slice(54))).toBe(true);
  });

  test("a UDP checksum that computes to 0 is sent as 0xffff, and verifies", () => {
    const p: PseudoHeader = { family: 4, src: parseIpv4("10.0.0.1"), dst: parseIpv4("10.0.0.2") };
    const seg = Uint8Array.of(0, 1, 0, 2, 0, 10, 0, 0, 0, 0);
    const c0 = transportChecksum(p, 17, seg);
    seg[8] = c0 >> 8;
    seg[9] = c0 & 0xff; // the data now add exactly the complement of the rest, so the raw checksum is 0
    expect(internetChecksum(seg, 0, seg.length, pseudoHeaderSum(p, 17, seg.length))).toBe(0);
    expect(transportChecksum(p, 17, seg)).toBe(0xffff);
    seg[6] = seg[7] = 0xff;
    expect(transportChecksumValid(p, 17, seg)).toBe(true);
  });
});
