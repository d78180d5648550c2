// The reference frames in ../shared/reference/packets (made by the kernel
// runner's packet generator, which re-checks every checksum): each is rebuilt
// with the builders from its README description and must come out byte for
// byte identical, and each parses to the fields the README describes with
// every checksum valid. Fields the README does not fix (IP id, DF, TCP seq and
// window, DNS id, flow label, payload text) are read from the file at their
// fixed offsets and passed in, so what is compared is everything the builders
// compute: lengths, checksums, option padding, protocol numbers.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  arpRequest,
  describeFrame,
  dnsQuery,
  ethernet,
  hopByHop,
  icmpEchoRequest,
  ipv4,
  ipv6,
  PacketParseError,
  parseFrame,
  srh,
  tcp,
  udp,
  vlan,
  formatIpv6,
} from "../../runtime/packet/index.js";
import { haveShared, sharedDir } from "../support/shared.js";

const dir = join(sharedDir, "reference", "packets");
const present = haveShared("reference/packets");
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, `${name}.bin`)));
const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number): number => (u16(b, at) * 0x10000 + u16(b, at + 2)) >>> 0;
/** DF as set in the IPv4 header that starts at `ip`. */
const df = (b: Uint8Array, ip: number): boolean => (b[ip + 6]! & 0x40) !== 0;
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString("hex");

const MACS = { src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02" };

/** The ipv4_udp_dns datagram (IPv4 header at `ip` in `file`). */
function dnsDatagram(file: Uint8Array, ip: number) {
  return ipv4(
    { src: "192.0.2.10", dst: "198.51.100.53", ttl: 64, id: u16(file, ip + 4), df: df(file, ip) },
    udp({ sport: 33333, dport: 53 }, dnsQuery({ id: u16(file, ip + 28), name: "example.com" })),
  );
}

/** name → [expected length, rebuild from the description (+ free fields read from the file)]. */
const rebuild: Record<string, [number, (f: Uint8Array) => Uint8Array]> = {
  ipv4_udp_dns: [71, (f) => ethernet(MACS, dnsDatagram(f, 14))],
  ipv4_udp_other: [
    60,
    (f) =>
      ethernet(
        MACS,
        ipv4(
          { src: "192.0.2.200", dst: "203.0.113.9", ttl: 32, id: u16(f, 18), df: df(f, 14) },
          udp({ sport: 40000, dport: 9999 }, f.slice(42)),
        ),
      ),
  ],
  ipv4_tcp_syn: [
    66,
    (f) =>
      ethernet(
        MACS,
        ipv4(
          { src: "198.51.100.7", dst: "203.0.113.80", ttl: 128, id: u16(f, 18), df: df(f, 14) },
          tcp({
            sport: 51000,
            dport: 80,
            seq: u32(f, 38),
            flags: { syn: true },
            window: u16(f, 48),
            options: [
              { kind: "mss", value: u16(f, 56) },
              { kind: "sackPermitted" },
              { kind: "nop" },
              { kind: "windowScale", shift: f[63]! },
              { kind: "nop" },
              { kind: "nop" },
            ],
          }),
        ),
      ),
  ],
  ipv4_icmp_echo: [
    74,
    (f) =>
      ethernet(
        MACS,
        ipv4(
          { src: "192.0.2.1", dst: "198.51.100.1", ttl: 255, id: u16(f, 18), df: df(f, 14) },
          icmpEchoRequest({ id: u16(f, 38), seq: u16(f, 40) }, f.slice(42)),
        ),
      ),
  ],
  ipv6_udp: [
    78,
    (f) =>
      ethernet(
        MACS,
        ipv6(
          { src: "2001:db8::1", dst: "2001:db8::2", hopLimit: f[21]!, flowLabel: u32(f, 14) & 0xfffff },
          udp({ sport: 5353, dport: 5353 }, f.slice(62)),
        ),
      ),
  ],
  ipv6_hbh_rh_udp_dns: [
    123,
    (f) => {
      const dst = formatIpv6(f, 38);
      return ethernet(
        MACS,
        ipv6(
          { src: "2001:db8::1", dst, hopLimit: f[21]!, flowLabel: u32(f, 14) & 0xfffff },
          hopByHop(
            {},
            srh(
              { segments: [dst], segmentsLeft: 0 },
              udp({ sport: 40001, dport: 53 }, dnsQuery({ id: u16(f, 94), name: "example.org" })),
            ),
          ),
        ),
      );
    },
  ],
  vlan100_ipv4_udp_dns: [75, (f) => ethernet(MACS, vlan({ vid: 100, pcp: 3 }, dnsDatagram(f, 18)))],
  arp_request: [
    60,
    () =>
      ethernet(
        { src: MACS.src, dst: "ff:ff:ff:ff:ff:ff", padTo: 60 },
        arpRequest({ senderMac: MACS.src, senderIp: "192.0.2.1", targetIp: "192.0.2.2" }),
      ),
  ],
  truncated_10b: [10, () => ethernet(MACS, dnsDatagram(load("ipv4_udp_dns"), 14)).slice(0, 10)],
  eth_only_14b: [14, () => ethernet({ ...MACS, type: 0x0800 })],
  ipv4_udp_1500b: [
    1500,
    (f) =>
      ethernet(
        MACS,
        ipv4(
          { src: "192.0.2.77", dst: "198.51.100.99", ttl: 1, id: u16(f, 18), df: df(f, 14) },
          udp({ sport: 7000, dport: 7001 }, Uint8Array.from({ length: 1500 - 42 }, (_, i) => i & 0xff)),
        ),
      ),
  ],
  ipv4_bad_ihl: [
    71,
    (f) =>
      ethernet(
        MACS,
        ipv4(
          { src: "192.0.2.10", dst: "198.51.100.53", ttl: 64, id: u16(f, 18), df: df(f, 14), ihl: 4 },
          udp({ sport: u16(f, 34), dport: 53 }, dnsQuery({ id: u16(f, 42), name: "example.net" })),
        ),
      ),
  ],
};

if (!present) test.skip("../shared/reference/packets is absent", () => {});

describe.runIf(present)("reference corpus", () => {
  test("the corpus holds exactly the 12 described frames", () => {
    for (const name of Object.keys(rebuild)) expect(existsSync(join(dir, `${name}.bin`)), name).toBe(true);
  });

  describe.each(Object.entries(rebuild))("%s", (name, [length, build]) => {
    test("rebuilt from its description byte for byte", () => {
      const file = load(name);
      expect(file.length).toBe(length);
      expect(hexOf(build(file))).toBe(hexOf(file));
    });
  });

  const parsed = (name: string) => {
    const f = parseFrame(load(name));
    expect(f.ethernet).toMatchObject({ src: "02:00:00:00:00:01", dst: name === "arp_request" ? "ff:ff:ff:ff:ff:ff" : "02:00:00:00:00:02" });
    expect(f.checksumsValid, describeFrame(load(name))).toBe(true);
    return f;
  };

  test("ipv4_udp_dns parses: 192.0.2.10:33333 → 198.51.100.53:53, TTL 64, DNS query", () => {
    const f = parsed("ipv4_udp_dns");
    expect(f.ipv4).toMatchObject({ src: "192.0.2.10", dst: "198.51.100.53", ttl: 64, protocol: 17, ihl: 5, totalLength: 57, checksumValid: true });
    expect(f.udp).toMatchObject({ sport: 33333, dport: 53, length: 37, checksumValid: true });
    expect(Buffer.from(f.payload).subarray(12).toString("latin1")).toBe("\x07example\x03com\x00\x00\x01\x00\x01");
    expect(f.trailer.length).toBe(0);
  });

  test("ipv4_udp_other parses: 192.0.2.200:40000 → 203.0.113.9:9999, TTL 32", () => {
    const f = parsed("ipv4_udp_other");
    expect(f.ipv4).toMatchObject({ src: "192.0.2.200", dst: "203.0.113.9", ttl: 32, checksumValid: true });
    expect(f.udp).toMatchObject({ sport: 40000, dport: 9999, checksumValid: true });
  });

  test("ipv4_tcp_syn parses: 198.51.100.7:51000 → 203.0.113.80:80 SYN with MSS/SACK/WS, TTL 128", () => {
    const f = parsed("ipv4_tcp_syn");
    expect(f.ipv4).toMatchObject({ src: "198.51.100.7", dst: "203.0.113.80", ttl: 128, protocol: 6, checksumValid: true });
    expect(f.tcp).toMatchObject({ sport: 51000, dport: 80, flagBits: 0x002, checksumValid: true, mss: 1460, sackPermitted: true, windowScale: 7 });
    expect(f.tcp!.flags).toMatchObject({ syn: true, ack: false, fin: false, rst: false });
    expect(f.payload.length).toBe(0);
  });

  test("ipv4_icmp_echo parses: 192.0.2.1 → 198.51.100.1 echo request, 32-byte payload, TTL 255", () => {
    const f = parsed("ipv4_icmp_echo");
    expect(f.ipv4).toMatchObject({ src: "192.0.2.1", dst: "198.51.100.1", ttl: 255, protocol: 1 });
    expect(f.icmp).toMatchObject({ type: 8, code: 0, checksumValid: true });
    expect(f.payload.length).toBe(32);
  });

  test("ipv6_udp parses: 2001:db8::1 → 2001:db8::2, UDP 5353 → 5353", () => {
    const f = parsed("ipv6_udp");
    expect(f.ipv6).toMatchObject({ src: "2001:db8::1", dst: "2001:db8::2", nextHeader: 17, extensions: [] });
    expect(f.udp).toMatchObject({ sport: 5353, dport: 5353, checksumValid: true });
  });

  test("ipv6_hbh_rh_udp_dns parses: Hop-by-Hop (PadN) + SRH type 4 SL 0 + UDP 40001 → 53", () => {
    const f = parsed("ipv6_hbh_rh_udp_dns");
    expect(f.ipv6).toMatchObject({ src: "2001:db8::1", nextHeader: 0, payloadLength: 69 });
    const [hbh, rh] = f.ipv6!.extensions;
    expect(hbh).toMatchObject({ kind: "hop-by-hop", nextHeader: 43, length: 8 });
    expect(hbh!.kind === "hop-by-hop" && hbh.options.map((o) => [o.type, o.data.length])).toEqual([[1, 4]]);
    expect(rh).toMatchObject({ kind: "routing", routingType: 4, segmentsLeft: 0, nextHeader: 17, length: 24 });
    expect(rh!.kind === "routing" && rh.srh).toEqual({ lastEntry: 0, flags: 0, tag: 0, segments: [f.ipv6!.dst] });
    expect(f.layers.map((l) => l.kind)).toEqual(["ethernet", "ipv6", "hop-by-hop", "routing", "udp"]);
    expect(f.udp).toMatchObject({ sport: 40001, dport: 53, checksumValid: true });
  });

  test("vlan100_ipv4_udp_dns parses: 802.1Q VID 100 PCP 3 around the ipv4_udp_dns datagram", () => {
    const f = parsed("vlan100_ipv4_udp_dns");
    expect(f.vlans).toEqual([{ kind: "vlan", offset: 12, tpid: 0x8100, pcp: 3, dei: false, vid: 100, etherType: 0x0800 }]);
    const plain = parseFrame(load("ipv4_udp_dns"));
    expect({ ...f.udp, offset: 0 }).toEqual({ ...plain.udp, offset: 0 });
    expect(Buffer.from(f.payload).equals(Buffer.from(plain.payload))).toBe(true);
  });

  test("arp_request parses: who-has 192.0.2.2 tell 192.0.2.1, zero padded", () => {
    const f = parsed("arp_request");
    expect(f.arp).toMatchObject({ operation: 1, senderMac: "02:00:00:00:00:01", senderIp: "192.0.2.1", targetMac: "00:00:00:00:00:00", targetIp: "192.0.2.2" });
    expect(f.trailer).toEqual(new Uint8Array(60 - 42));
  });

  test("ipv4_udp_1500b parses: 192.0.2.77:7000 → 198.51.100.99:7001, TTL 1, payload i & 0xff", () => {
    const f = parsed("ipv4_udp_1500b");
    expect(f.ipv4).toMatchObject({ src: "192.0.2.77", dst: "198.51.100.99", ttl: 1, totalLength: 1486 });
    expect(f.udp).toMatchObject({ sport: 7000, dport: 7001, length: 1466, checksumValid: true });
    expect(f.payload.every((b, i) => b === (i & 0xff))).toBe(true);
  });

  const rejected = (name: string): PacketParseError => {
    try {
      parseFrame(load(name));
    } catch (e) {
      expect(e).toBeInstanceOf(PacketParseError);
      return e as PacketParseError;
    }
    throw new Error(`${name} parsed`);
  };

  test("truncated_10b is refused at the Ethernet header", () => {
    expect(rejected("truncated_10b")).toMatchObject({ layer: "ethernet", offset: 0, layers: [] });
  });

  test("eth_only_14b is refused at the missing IPv4 header (byte 14)", () => {
    const e = rejected("eth_only_14b");
    expect(e).toMatchObject({ layer: "ipv4", offset: 14 });
    expect(e.layers.map((l) => l.kind)).toEqual(["ethernet"]);
    expect(e.message).toMatch(/truncated/);
  });

  test("ipv4_bad_ihl is refused at the IHL (byte 14), yet its header checksum over 20 bytes is right", () => {
    const e = rejected("ipv4_bad_ihl");
    expect(e).toMatchObject({ layer: "ipv4", offset: 14 });
    expect(e.message).toMatch(/IHL 4/);
    expect(describeFrame(load("ipv4_bad_ihl"))).toMatch(/! ipv4 at byte 14: IHL 4/);
  });

  test("describeFrame summarises every frame on one line", () => {
    for (const name of Object.keys(rebuild)) {
      const line = describeFrame(load(name));
      expect(line).not.toMatch(/[\r\n]/);
      expect(line.startsWith(`${load(name).length} bytes:`)).toBe(true);
    }
    expect(describeFrame(load("vlan100_ipv4_udp_dns"))).toBe(
      "75 bytes: 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x8100 | 802.1Q vid 100 pcp 3 | " +
        "IPv4 192.0.2.10 > 198.51.100.53 proto 17 ttl 64 id 0x1c46 DF len 57 | UDP 33333 > 53 len 37 | payload 29",
    );
    expect(describeFrame(load("ipv4_tcp_syn"))).toMatch(/TCP 51000 > 80 \[S\] seq 305419896 win 64240 <mss 1460,sackOK,nop,wscale 7,nop,nop>$/);
  });
});
