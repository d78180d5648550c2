// parseFrame: build → parse round trips (fixed fixtures and random field
// values), the layer chain and checksum verdicts, and the typed errors for
// truncated and malformed frames (layer, absolute offset, partial layers).
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  describeFrame,
  ethernet,
  hopByHop,
  icmpEchoRequest,
  icmpv6EchoRequest,
  ipv4,
  ipv6,
  ipv6Fragment,
  neighborAdvertisement,
  PacketParseError,
  parseFrame,
  srh,
  tcp,
  tryParseFrame,
  udp,
  vlan,
  type ParsedFrame,
} from "../../runtime/packet/index.js";
import { builtFrames } from "./fixtures.js";

function parseError(bytes: Uint8Array): PacketParseError {
  const r = tryParseFrame(bytes);
  if (!(r instanceof PacketParseError)) throw new Error(`parsed: ${describeFrame(bytes)}`);
  return r;
}

describe("fixtures", () => {
  test.each(builtFrames.map(([name, bytes]) => [name, bytes] as const))("%s parses with no wrong checksum", (_name, bytes) => {
    const f = parseFrame(bytes);
    expect(f.checksumsValid, describeFrame(bytes)).toBe(true);
    expect(f.length).toBe(bytes.length);
    expect(f.payloadOffset + f.payload.length + f.trailer.length).toBe(bytes.length);
    const kinds = f.layers.map((l) => l.kind);
    expect(kinds[0]).toBe("ethernet");
    for (const l of f.layers) if ("checksumValid" in l && l.checksumValid === null) expect(describeFrame(bytes)).toMatch(/frag|MF|FRAG/);
  });

  test("a Node Buffer input gives plain Uint8Array copies, not views into the caller's buffer", () => {
    const buf = Buffer.from(builtFrames[0]![1]);
    const f = parseFrame(buf);
    expect(f.payload.constructor).toBe(Uint8Array);
    const before = f.payload[0];
    buf[f.payloadOffset] ^= 0xff;
    expect(f.payload[0]).toBe(before);
  });

  test("layer chains", () => {
    const kinds = (name: string) => parseFrame(builtFrames.find(([n]) => n === name)![1]).layers.map((l) => l.kind).join(" ");
    expect(kinds("qinq ipv4 udp")).toBe("ethernet vlan vlan ipv4 udp");
    expect(kinds("ipv6 hbh dstopts srh(sl 1) udp")).toBe("ethernet ipv6 hop-by-hop destination-options routing udp");
    expect(kinds("ipv6 fragment later")).toBe("ethernet ipv6 fragment");
    expect(kinds("ipv4 later fragment")).toBe("ethernet ipv4");
    expect(kinds("ipv4 in ipv6 icmp")).toBe("ethernet ipv6 ipv4 icmp");
    expect(kinds("ipv6 ah udp")).toBe("ethernet ipv6 ah udp");
  });

  test("decoded details: TCP options, ICMP, NDP, fragments, SRH", () => {
    const get = (name: string): ParsedFrame => parseFrame(builtFrames.find(([n]) => n === name)![1]);
    expect(get("ipv4 tcp all options").tcp).toMatchObject({
      seq: 0xfffffff0,
      ack: 0x01020304,
      window: 501,
      timestamps: { value: 4000000000, echo: 12345 },
      sack: [[100, 200], [300, 400]],
      flags: { ack: true, psh: true, ece: true, cwr: true, syn: false },
    });
    expect(get("ipv4 icmp frag needed").icmp).toMatchObject({ type: 3, code: 4, mtu: 1400, checksumValid: true });
    expect(get("ipv6 neighbor advertisement").icmpv6).toMatchObject({ type: 136, target: "2001:db8::2", solicited: true, override: true, router: false, linkAddress: "02:00:00:00:00:02" });
    expect(get("ipv6 neighbor solicitation").icmpv6).toMatchObject({ type: 135, target: "2001:db8::2", linkAddress: "02:00:00:00:00:01", checksumValid: true });
    expect(get("ipv6 fragment first udp").udp).toMatchObject({ length: 3000, checksumValid: null });
    expect(get("ipv6 fragment later").ipv6!.extensions[0]).toMatchObject({ kind: "fragment", fragmentOffset: 5, more: false, id: 0xdeadbeef });
    expect(get("ipv4 options router alert + lsrr, udp").ipv4!.options.map((o) => o.type)).toEqual([148, 1, 131]);
    expect(get("vlan arp reply").arp).toMatchObject({ operation: 2, senderIp: "192.0.2.2", targetMac: "02:00:00:00:00:01" });
  });
});

describe("random round trips: build → parse gives the fields back", () => {
  const port = fc.nat({ max: 0xffff });
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join("."));
  const v6 = fc.array(fc.nat({ max: 0xffff }), { minLength: 8, maxLength: 8 }).map((ws) => ws.map((w) => w.toString(16)).join(":"));
  const data = fc.uint8Array({ maxLength: 64 });
  const tags = fc.array(fc.record({ vid: fc.nat(4095), pcp: fc.nat(7), dei: fc.boolean() }), { maxLength: 3 });

  test("Ethernet / VLAN stack / IPv4 / UDP or TCP (600 cases)", () => {
    fc.assert(
      fc.property(
        tags,
        fc.record({ src: v4, dst: v4, ttl: fc.nat(255), tos: fc.nat(255), id: fc.nat(0xffff), df: fc.boolean() }),
        fc.boolean(),
        port,
        port,
        fc.nat({ max: 0xffffffff }),
        fc.nat(0x1ff),
        data,
        (vlans, ip, isTcp, sport, dport, seq, flags, payload) => {
          const l4 = isTcp ? tcp({ sport, dport, seq, flags, options: [{ kind: "mss", value: sport }] }, payload) : udp({ sport, dport }, payload);
          const inner = vlans.reduceRight<ReturnType<typeof ipv4>>((acc, t) => vlan(t, acc), ipv4(ip, l4));
          const f = parseFrame(ethernet({}, inner));
          expect(f.vlans.map(({ vid, pcp, dei }) => ({ vid, pcp, dei }))).toEqual(vlans);
          expect(f.ipv4).toMatchObject({ ...ip, checksumValid: true });
          expect(f.checksumsValid).toBe(true);
          if (isTcp) expect(f.tcp).toMatchObject({ sport, dport, seq, flagBits: flags, mss: sport, checksumValid: true });
          else expect(f.udp).toMatchObject({ sport, dport, length: 8 + payload.length });
          expect(f.payload).toEqual(payload);
        },
      ),
      { numRuns: 600 },
    );
  });

  test("IPv6 with a random extension chain and UDP / ICMPv6 (400 cases)", () => {
    const ext = fc.constantFrom("hbh", "srh", "frag");
    fc.assert(
      fc.property(v6, v6, fc.array(ext, { maxLength: 3 }), fc.boolean(), port, data, fc.nat(0xfffff), (src, dst, chain, isIcmp, n, payload, flowLabel) => {
        let layer = isIcmp ? icmpv6EchoRequest({ id: n, seq: n ^ 1 }, payload) : udp({ sport: n, dport: 53 }, payload);
        for (const e of [...chain].reverse()) {
          layer = e === "hbh" ? hopByHop({}, layer) : e === "srh" ? srh({ segments: [dst, src], segmentsLeft: 1 }, layer) : ipv6Fragment({ id: n }, layer);
        }
        const f = parseFrame(ethernet({}, ipv6({ src, dst, flowLabel }, layer)));
        expect(f.ipv6).toMatchObject({ flowLabel, payloadLength: f.length - 54 });
        expect(f.ipv6!.extensions.map((x) => x.kind)).toEqual(chain.map((e) => (e === "hbh" ? "hop-by-hop" : e === "srh" ? "routing" : "fragment")));
        expect(f.checksumsValid).toBe(true);
        if (isIcmp) expect(f.icmpv6).toMatchObject({ type: 128, id: n, seq: n ^ 1, checksumValid: true });
        else expect(f.udp).toMatchObject({ sport: n, checksumValid: true });
        expect(f.payload).toEqual(payload);
      }),
      { numRuns: 400 },
    );
  });
});

describe("errors name the layer and the byte offset", () => {
  const dns = builtFrames[0]![1];

  test("every truncation of every fixture is a PacketParseError at or before the cut", () => {
    for (const [, bytes] of builtFrames) {
      for (let n = 0; n < bytes.length; n++) {
        const r = tryParseFrame(bytes.subarray(0, n));
        if (r instanceof PacketParseError) expect(r.offset).toBeLessThanOrEqual(n);
      }
    }
  });

  test("a short frame, a short VLAN tag, a short IPv4 header", () => {
    expect(parseError(dns.subarray(0, 13))).toMatchObject({ layer: "ethernet", offset: 0, problem: "frame is 13 bytes, shorter than the 14-byte Ethernet header" });
    const tagged = ethernet({}, vlan({ vid: 1 }, ipv4({ src: "1.2.3.4", dst: "5.6.7.8", protocol: 0 })));
    expect(parseError(tagged.subarray(0, 16))).toMatchObject({ layer: "vlan", offset: 14 });
    const e = parseError(dns.subarray(0, 30));
    expect(e).toMatchObject({ layer: "ipv4", offset: 14 });
    expect(e.message).toBe("ipv4 at byte 14: truncated: IPv4 header needs 20 bytes, 16 left");
  });

  test("IPv4: version, total length below the header, total length past the frame", () => {
    const b = dns.slice();
    b[14] = 0x55;
    expect(parseError(b)).toMatchObject({ layer: "ipv4", offset: 14, problem: "version is 5, expected 4" });
    const short = dns.slice();
    short[17] = 10;
    expect(parseError(short)).toMatchObject({ layer: "ipv4", offset: 16 });
    expect(parseError(dns.subarray(0, 70)).problem).toMatch(/total length 57 exceeds the 56 bytes present/);
  });

  test("IPv4 options: an option running past the header", () => {
    const f = ethernet({}, ipv4({ src: "1.2.3.4", dst: "5.6.7.8", protocol: 0, options: Uint8Array.of(0x44, 8, 5, 0) }));
    expect(parseError(f)).toMatchObject({ layer: "ipv4 options", offset: 35 });
  });

  test("UDP: length below 8 and past the datagram; the IPv4 layer is in the partial result", () => {
    const a = dns.slice();
    a[38] = 0;
    a[39] = 7;
    const e = parseError(a);
    expect(e).toMatchObject({ layer: "udp", offset: 38 });
    expect(e.layers.map((l) => l.kind)).toEqual(["ethernet", "ipv4"]);
    a[39] = 38;
    expect(parseError(a).problem).toMatch(/length 38 exceeds the 37 bytes/);
  });

  test("TCP: data offset below 5 and past the segment; option length 0", () => {
    const f = ethernet({}, ipv4({ src: "1.2.3.4", dst: "5.6.7.8" }, tcp({ sport: 1, dport: 2, options: [{ kind: "mss", value: 1 }] })));
    const low = f.slice();
    low[46] = 0x40;
    expect(parseError(low)).toMatchObject({ layer: "tcp", offset: 46, problem: "data offset 4 is below the minimum 5" });
    const high = f.slice();
    high[46] = 0xf0;
    expect(parseError(high).problem).toMatch(/TCP header with data offset 15 needs 60 bytes, 24 left/);
    const zero = f.slice();
    zero[55] = 0;
    expect(parseError(zero)).toMatchObject({ layer: "tcp options", offset: 55 });
  });

  test("IPv6: payload length past the frame, extension header past the payload", () => {
    const f = ethernet({}, ipv6({ src: "::1", dst: "::2" }, hopByHop({}, udp({ sport: 1, dport: 2 }))));
    expect(parseError(f.subarray(0, f.length - 1))).toMatchObject({ layer: "ipv6", offset: 18 });
    const long = f.slice();
    long[55] = 3; // hdr ext len 3 → 32 bytes, only 16 in the payload
    const e = parseError(long);
    expect(e).toMatchObject({ layer: "ipv6 hop-by-hop", offset: 54 });
    expect(e.layers.map((l) => l.kind)).toEqual(["ethernet", "ipv6"]);
  });

  test("ICMP and ICMPv6: messages shorter than their fixed part", () => {
    const icmp = ethernet({}, ipv4({ src: "1.2.3.4", dst: "5.6.7.8" }, icmpEchoRequest({ id: 1, seq: 1 })));
    const short = icmp.slice(0, icmp.length - 1);
    short[17] -= 1;
    expect(parseError(short)).toMatchObject({ layer: "icmp", offset: 34 });
    const na = ethernet({}, ipv6({ src: "::1", dst: "::2" }, neighborAdvertisement({ target: "::3" })));
    const cut = na.slice(0, na.length - 4);
    cut[19] -= 4;
    expect(parseError(cut)).toMatchObject({ layer: "icmpv6", offset: 54 });
  });

  test("describeFrame shows the layers before the error", () => {
    const a = dns.slice();
    a[39] = 200;
    expect(describeFrame(a)).toMatch(/\| IPv4 192\.0\.2\.10 > 198\.51\.100\.53 .* \| ! udp at byte 38: truncated/);
    expect(describeFrame(new Uint8Array(0))).toBe("0 bytes: ! ethernet at byte 0: frame is 0 bytes, shorter than the 14-byte Ethernet header");
  });
});
