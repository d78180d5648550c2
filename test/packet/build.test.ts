// Builder behaviour: exact layouts for each layer (checked against hand-laid
// bytes), computed lengths and checksums, deliberate wrong fields for
// negative tests, and PacketBuildError for what cannot be encoded.
import { describe, expect, test } from "vitest";
import {
  arp,
  dnsQuery,
  ethernet,
  hopByHop,
  icmp,
  icmpv6,
  internetChecksum,
  ipv4,
  ipv6,
  ipv6Fragment,
  authHeader,
  packetBytes,
  PacketBuildError,
  parseFrame,
  qinq,
  srh,
  tcp,
  TCP_ACK,
  TCP_SYN,
  udp,
  vlan,
} from "../../runtime/packet/index.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("link layer", () => {
  test("Ethernet II: dst src type payload; defaults are the corpus MACs", () => {
    expect(hex(ethernet({ type: 0x88b5 }, Uint8Array.of(1, 2)))).toBe("020000000002" + "020000000001" + "88b5" + "0102");
  });

  test("padTo pads with zeros only when shorter", () => {
    expect(ethernet({ type: 0x88b5, padTo: 60 }).length).toBe(60);
    expect(ethernet({ type: 0x88b5, padTo: 10 }, new Uint8Array(20)).length).toBe(34);
  });

  test("802.1Q tag: TPID, PCP:3 DEI:1 VID:12, inner type; QinQ puts an 802.1ad tag outside", () => {
    const f = ethernet({}, qinq({ vid: 0x123, pcp: 6 }, { vid: 0xabc, pcp: 1, dei: true }, ipv6({ src: "::1", dst: "::2" })));
    expect(hex(f.subarray(12, 22))).toBe("88a8" + "c123" + "8100" + "3abc" + "86dd");
    expect(parseFrame(f).vlans.map((v) => [v.tpid, v.vid, v.pcp, v.dei])).toEqual([
      [0x88a8, 0x123, 6, false],
      [0x8100, 0xabc, 1, true],
    ]);
  });

  test("ARP reply layout (28 bytes)", () => {
    const a = packetBytes(arp({ operation: "reply", senderMac: "02:00:00:00:00:02", senderIp: "192.0.2.2", targetMac: "02:00:00:00:00:01", targetIp: "192.0.2.1" }));
    expect(hex(a)).toBe("0001" + "0800" + "06" + "04" + "0002" + "020000000002" + "c0000202" + "020000000001" + "c0000201");
  });

  test("a raw payload needs an explicit EtherType", () => {
    expect(() => ethernet({}, Uint8Array.of(1))).toThrow(PacketBuildError);
    expect(() => vlan({ vid: 1 }, "x")).toThrow(/type is required/);
  });
});

describe("IPv4", () => {
  const base = { src: "192.0.2.1", dst: "192.0.2.2" };

  test("header fields land where RFC 791 puts them, checksum computed", () => {
    const p = packetBytes(ipv4({ ...base, ttl: 9, tos: 0xb8, id: 0xabcd, df: true, mf: true, fragmentOffset: 0x123, protocol: 253 }, Uint8Array.of(0xee)));
    expect(hex(p.subarray(0, 10))).toBe("45" + "b8" + "0015" + "abcd" + (0x4000 | 0x2000 | 0x123).toString(16) + "09" + "fd");
    expect(internetChecksum(p, 0, 20)).toBe(0);
    expect(hex(p.subarray(12, 20))).toBe("c0000201c0000202");
  });

  test("options are padded with EOL to a multiple of 4 and set IHL", () => {
    const p = packetBytes(ipv4({ ...base, protocol: 0, options: [{ kind: "nop" }, { kind: "routerAlert" }] }));
    expect(p[0]).toBe(0x47);
    expect(hex(p.subarray(20, 28))).toBe("01" + "94040000" + "000000");
    expect(internetChecksum(p, 0, 28)).toBe(0);
  });

  test("overrides change only their field and the checksum still covers the bytes written", () => {
    const p = packetBytes(ipv4({ ...base, protocol: 17, ihl: 4, totalLength: 1000, version: 6 }, new Uint8Array(8)));
    expect(p[0]).toBe(0x64);
    expect((p[2]! << 8) | p[3]!).toBe(1000);
    expect(p.length).toBe(28);
    expect(internetChecksum(p, 0, 20)).toBe(0);
  });

  test('checksum "bad" is wrong by one bit; a number is written as is', () => {
    const good = packetBytes(ipv4({ ...base, protocol: 253 }));
    const bad = packetBytes(ipv4({ ...base, protocol: 253, checksum: "bad" }));
    expect(((bad[10]! << 8) | bad[11]!) ^ ((good[10]! << 8) | good[11]!)).toBe(1);
    expect(packetBytes(ipv4({ ...base, protocol: 17, checksum: 0x1234 })).subarray(10, 12)).toEqual(Uint8Array.of(0x12, 0x34));
    const f = parseFrame(ethernet({}, ipv4({ ...base, protocol: 253, checksum: "bad" })));
    expect(f.ipv4).toMatchObject({ checksumValid: false, expectedChecksum: (good[10]! << 8) | good[11]! });
    expect(f.checksumsValid).toBe(false);
  });

  test("refuses options over 40 bytes, fields wider than their bits, bad addresses", () => {
    const many = Array.from({ length: 41 }, () => ({ kind: "nop" as const }));
    expect(() => ipv4({ ...base, options: many })).toThrow(/more than 40/);
    expect(() => ipv4({ ...base, ttl: 256 })).toThrow(/ttl 256 does not fit in 8 bits/);
    expect(() => ipv4({ ...base, fragmentOffset: 0x2000 })).toThrow(PacketBuildError);
    expect(() => ipv4({ ...base, id: 1.5 })).toThrow(PacketBuildError);
    expect(() => ipv4({ src: "192.0.2.300", dst: "1.2.3.4" })).toThrow(/IPv4 address/);
    expect(() => ipv4(base, Uint8Array.of(1))).toThrow(/protocol is required/);
  });
});

describe("IPv6 and extension headers", () => {
  const base = { src: "2001:db8::1", dst: "2001:db8::2" };

  test("fixed header: version, traffic class, flow label, payload length, next header, hop limit", () => {
    const p = packetBytes(ipv6({ ...base, trafficClass: 0xab, flowLabel: 0xcdef1, hopLimit: 3, nextHeader: 253 }, new Uint8Array(5)));
    expect(hex(p.subarray(0, 8))).toBe("6abcdef1" + "0005" + "fd" + "03");
    expect(packetBytes(ipv6(base))[6]).toBe(59);
  });

  test("Hop-by-Hop pads with Pad1 or PadN to 8 bytes", () => {
    const h = (options: Parameters<typeof hopByHop>[0]) => packetBytes(hopByHop(options)).subarray(2);
    expect(hex(h({}))).toBe("010400000000");
    expect(hex(h({ options: [{ kind: "routerAlert", value: 0 }] }))).toBe("05020000" + "0100");
    expect(hex(h({ options: [{ kind: "raw", type: 0x3e, data: Uint8Array.of(1, 2, 3) }] }))).toBe("3e03010203" + "00");
    expect(() => hopByHop({ options: [{ kind: "pad1" }], pad: false })).toThrow(/multiple of 8/);
  });

  test("SRH: type 4, segments in wire order, hdr ext len, last entry", () => {
    const s = packetBytes(srh({ segments: ["2001:db8::a", "2001:db8::b"], segmentsLeft: 1, tag: 0x1234 }, udp({ sport: 1, dport: 2, checksum: 0 })));
    expect(hex(s.subarray(0, 8))).toBe("11" + "04" + "04" + "01" + "01" + "00" + "1234");
    expect(hex(s.subarray(8, 24))).toBe("20010db800000000000000000000000a");
    expect(s.length).toBe(8 + 32 + 8);
  });

  test("Fragment and AH layouts", () => {
    expect(hex(packetBytes(ipv6Fragment({ offset: 0x1fff, more: true, id: 0x01020304, nextHeader: 17 })))).toBe("1100" + "fff9" + "01020304");
    const ah = packetBytes(authHeader({ spi: 0x11223344, sequence: 5, icv: new Uint8Array(4) }));
    expect(hex(ah)).toBe("3b" + "02" + "0000" + "11223344" + "00000005" + "00000000");
    expect(() => authHeader({ spi: 1, sequence: 1, icv: new Uint8Array(3) })).toThrow(/multiple of 4/);
  });

  test("the upper-layer checksum follows a routing header to the final destination", () => {
    const final = "2001:db8::99";
    const withRoute = parseFrame(ethernet({}, ipv6(base, srh({ segments: [final, base.dst], segmentsLeft: 1 }, udp({ sport: 1, dport: 2 }, "x")))));
    const direct = parseFrame(ethernet({}, ipv6({ ...base, dst: final }, udp({ sport: 1, dport: 2 }, "x"))));
    expect(withRoute.udp!.checksumValid).toBe(true);
    expect(withRoute.udp!.checksum).toBe(direct.udp!.checksum);
  });
});

describe("transport", () => {
  const ip = { src: "192.0.2.1", dst: "192.0.2.2" };

  test("UDP: length computed, checksum 'none' writes 0, overrides written as is", () => {
    const u = parseFrame(ethernet({}, ipv4(ip, udp({ sport: 1, dport: 2, checksum: "none" }, "abc"))));
    expect(u.udp).toMatchObject({ length: 11, checksum: 0, checksumValid: null });
    expect(packetBytes(udp({ sport: 1, dport: 2, length: 99, checksum: 7 })).subarray(4)).toEqual(Uint8Array.of(0, 99, 0, 7));
  });

  test("UDP/TCP/ICMPv6 outside an IP layer need an explicit checksum", () => {
    expect(() => packetBytes(udp({ sport: 1, dport: 2 }))).toThrow(/enclosing IPv4\/IPv6/);
    expect(() => packetBytes(tcp({ sport: 1, dport: 2 }))).toThrow(PacketBuildError);
    expect(() => ethernet({}, ipv4(ip, icmpv6({ type: 128 })))).toThrow(/enclosing IPv6/);
  });

  test("TCP: options in order, EOL padding, data offset, flag bits", () => {
    const t = packetBytes(
      tcp({ sport: 1, dport: 2, seq: 3, ack: 4, flags: TCP_SYN | TCP_ACK, window: 5, urgent: 6, checksum: 0, options: [{ kind: "mss", value: 1460 }, { kind: "windowScale", shift: 2 }] }),
    );
    expect(hex(t)).toBe("0001" + "0002" + "00000003" + "00000004" + "70" + "12" + "0005" + "0000" + "0006" + "020405b4" + "030302" + "00");
    expect(packetBytes(tcp({ sport: 1, dport: 2, checksum: 0, flags: { ae: true, fin: true } })).subarray(12, 14)).toEqual(Uint8Array.of(0x51, 0x01));
    expect(() => tcp({ sport: 1, dport: 2, options: Array.from({ length: 5 }, () => ({ kind: "timestamps" as const, value: 1, echo: 2 })) })).toThrow(/more than 40/);
    expect(packetBytes(tcp({ sport: 1, dport: 2, checksum: 0, dataOffset: 15 }))[12]).toBe(0xf0);
  });

  test("ICMP: checksum over the message, rest of header as number or bytes", () => {
    const m = packetBytes(icmp({ type: 11, code: 0, rest: Uint8Array.of(1, 2, 3, 4) }, "data"));
    expect(hex(m.subarray(4, 8))).toBe("01020304");
    expect(internetChecksum(m)).toBe(0);
    expect(() => icmp({ type: 3, rest: new Uint8Array(3) })).toThrow(/4 bytes/);
  });
});

describe("DNS query", () => {
  test("header, labels, qtype/qclass", () => {
    expect(hex(dnsQuery({ id: 0xbeef, name: "example.com." }))).toBe("beef01000001000000000000" + "076578616d706c6503636f6d00" + "00010001");
    expect(hex(dnsQuery({ id: 1, name: ".", qtype: 28, recursionDesired: false }))).toBe("000100000001000000000000" + "00" + "001c0001");
    expect(() => dnsQuery({ id: 1, name: "a..b" })).toThrow(PacketBuildError);
    expect(() => dnsQuery({ id: 1, name: "x".repeat(64) })).toThrow(/1-63/);
  });
});
