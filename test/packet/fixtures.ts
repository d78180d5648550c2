// Built frames covering every builder feature, shared by the packet suites
// (round trips, fuzzing, capture files). Each has a name and the frame bytes;
// all checksums in them are meant to be right.
import {
  arpReply,
  authHeader,
  destinationOptions,
  dnsQuery,
  ethernet,
  hopByHop,
  icmpDestUnreachable,
  icmpEchoReply,
  icmpEchoRequest,
  icmpv6EchoReply,
  icmpv6EchoRequest,
  ipv4,
  ipv6,
  ipv6Fragment,
  neighborAdvertisement,
  neighborSolicitation,
  qinq,
  routing,
  srh,
  tcp,
  udp,
  vlan,
  parseIpv6,
} from "../../runtime/packet/index.js";

const A = { src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02" };
const text = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => 0x41 + (i % 26));

/** Routing header type 0 data: reserved(4) then the addresses. */
function type0(addresses: string[]): Uint8Array {
  const out = new Uint8Array(4 + 16 * addresses.length);
  addresses.forEach((a, i) => out.set(parseIpv6(a), 4 + 16 * i));
  return out;
}

export const builtFrames: readonly (readonly [string, Uint8Array])[] = [
  ["ipv4 udp dns", ethernet(A, ipv4({ src: "192.0.2.10", dst: "198.51.100.53", df: true, id: 0x1c46 }, udp({ sport: 33333, dport: 53 }, dnsQuery({ id: 0xbeef, name: "example.com" }))))],
  ["qinq ipv4 udp", ethernet(A, qinq({ vid: 10, pcp: 5 }, { vid: 200, dei: true }, ipv4({ src: "10.0.0.1", dst: "10.0.0.2", ttl: 3 }, udp({ sport: 1, dport: 2 }, "qinq"))))],
  ["vlan arp reply", ethernet({ ...A, padTo: 60 }, vlan({ vid: 7 }, arpReply({ senderMac: A.dst, senderIp: "192.0.2.2", targetMac: A.src, targetIp: "192.0.2.1" })))],
  [
    "ipv4 options router alert + lsrr, udp",
    ethernet(
      A,
      ipv4(
        {
          src: "192.0.2.1",
          dst: "192.0.2.254",
          tos: 0xb8,
          id: 77,
          options: [{ kind: "routerAlert" }, { kind: "nop" }, { kind: "sourceRoute", route: ["198.51.100.1", "203.0.113.7"] }],
        },
        udp({ sport: 4000, dport: 4001 }, text(13)),
      ),
    ),
  ],
  [
    "ipv4 tcp all options",
    ethernet(
      A,
      ipv4(
        { src: "198.51.100.7", dst: "203.0.113.80", df: true, ttl: 61 },
        tcp(
          {
            sport: 443,
            dport: 50123,
            seq: 0xfffffff0,
            ack: 0x01020304,
            flags: { ack: true, psh: true, ece: true, cwr: true },
            window: 501,
            options: [
              { kind: "nop" },
              { kind: "nop" },
              { kind: "timestamps", value: 4000000000, echo: 12345 },
              { kind: "sack", blocks: [[100, 200], [300, 400]] },
            ],
          },
          text(100),
        ),
      ),
    ),
  ],
  ["ipv4 tcp syn-ack mss ws", ethernet(A, ipv4({ src: "203.0.113.80", dst: "198.51.100.7" }, tcp({ sport: 80, dport: 51000, seq: 1, ack: 0x12345679, flags: { syn: true, ack: true }, options: [{ kind: "mss", value: 1400 }, { kind: "sackPermitted" }, { kind: "windowScale", shift: 14 }] })))],
  ["ipv4 tcp rst fin urg", ethernet(A, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, tcp({ sport: 1, dport: 2, flags: { rst: true, fin: true, urg: true, ae: true }, urgent: 9 }, "x")))],
  ["ipv4 icmp echo reply", ethernet(A, ipv4({ src: "198.51.100.1", dst: "192.0.2.1", ttl: 255 }, icmpEchoReply({ id: 0x4242, seq: 7 }, text(33))))],
  [
    "ipv4 icmp frag needed",
    ethernet(
      A,
      ipv4(
        { src: "192.0.2.254", dst: "192.0.2.10" },
        icmpDestUnreachable({ code: 4, mtu: 1400 }, ipv4({ src: "192.0.2.10", dst: "198.51.100.53", df: true }, udp({ sport: 33333, dport: 53 }, text(8)))),
      ),
    ),
  ],
  ["ipv4 first fragment udp", ethernet(A, ipv4({ src: "192.0.2.1", dst: "192.0.2.2", id: 9, mf: true }, udp({ sport: 9, dport: 10, length: 2000, checksum: 0x1234 }, text(16))))],
  ["ipv4 later fragment", ethernet(A, ipv4({ src: "192.0.2.1", dst: "192.0.2.2", id: 9, fragmentOffset: 3, protocol: 17 }, text(24)))],
  ["ipv4 in ipv4 udp", ethernet(A, ipv4({ src: "10.1.1.1", dst: "10.2.2.2" }, ipv4({ src: "192.168.0.1", dst: "192.168.0.2" }, udp({ sport: 7, dport: 7 }, "inner"))))],
  ["ipv6 udp", ethernet(A, ipv6({ src: "2001:db8::1", dst: "2001:db8::2", flowLabel: 0x12345, trafficClass: 0x20 }, udp({ sport: 5353, dport: 5353 }, "ipv6 udp payload")))],
  [
    "ipv6 hbh dstopts srh(sl 1) udp",
    ethernet(
      A,
      ipv6(
        { src: "2001:db8::1", dst: "2001:db8:1::1" },
        hopByHop(
          { options: [{ kind: "routerAlert", value: 0 }] },
          destinationOptions(
            { options: [{ kind: "raw", type: 0x1e, data: Uint8Array.of(1, 2, 3) }] },
            srh({ segments: ["2001:db8:9::53", "2001:db8:1::1"], segmentsLeft: 1, tag: 0x77 }, udp({ sport: 40001, dport: 53 }, dnsQuery({ id: 1, name: "example.org" }))),
          ),
        ),
      ),
    ),
  ],
  [
    "ipv6 routing type 0 (sl 2) tcp",
    ethernet(
      A,
      ipv6(
        { src: "2001:db8::1", dst: "2001:db8::a" },
        routing({ routingType: 0, segmentsLeft: 2, data: type0(["2001:db8::b", "2001:db8::c"]) }, tcp({ sport: 22, dport: 2222, flags: { ack: true }, ack: 5 }, text(7))),
      ),
    ),
  ],
  ["ipv6 fragment first udp", ethernet(A, ipv6({ src: "2001:db8::1", dst: "2001:db8::2" }, ipv6Fragment({ more: true, id: 0xdeadbeef }, udp({ sport: 1, dport: 2, length: 3000, checksum: 0xabcd }, text(32)))))],
  ["ipv6 fragment later", ethernet(A, ipv6({ src: "2001:db8::1", dst: "2001:db8::2" }, ipv6Fragment({ offset: 5, id: 0xdeadbeef, nextHeader: 17 }, text(40))))],
  ["ipv6 ah udp", ethernet(A, ipv6({ src: "2001:db8::1", dst: "2001:db8::2" }, authHeader({ spi: 0x100, sequence: 3, icv: new Uint8Array(12).fill(0xaa) }, udp({ sport: 500, dport: 500 }, text(4)))))],
  ["ipv6 icmpv6 echo request", ethernet(A, ipv6({ src: "2001:db8::1", dst: "2001:db8::2", hopLimit: 64 }, icmpv6EchoRequest({ id: 0x1234, seq: 1 }, text(56))))],
  ["ipv6 icmpv6 echo reply", ethernet(A, ipv6({ src: "2001:db8::2", dst: "2001:db8::1" }, icmpv6EchoReply({ id: 0x1234, seq: 1 }, text(56))))],
  [
    "ipv6 neighbor solicitation",
    ethernet({ src: A.src, dst: "33:33:ff:00:00:02" }, ipv6({ src: "2001:db8::1", dst: "ff02::1:ff00:2", hopLimit: 255 }, neighborSolicitation({ target: "2001:db8::2", sourceLinkAddress: A.src }))),
  ],
  [
    "ipv6 neighbor advertisement",
    ethernet(A, ipv6({ src: "2001:db8::2", dst: "2001:db8::1", hopLimit: 255 }, neighborAdvertisement({ target: "2001:db8::2", solicited: true, override: true, targetLinkAddress: A.dst }))),
  ],
  ["ipv4 in ipv6 icmp", ethernet(A, ipv6({ src: "2001:db8::1", dst: "2001:db8::2" }, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, icmpEchoRequest({ id: 1, seq: 2 }))))],
  ["vlan ipv6 in ipv4 tcp", ethernet(A, vlan({ vid: 4095, pcp: 7 }, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, ipv6({ src: "::1", dst: "::2" }, tcp({ sport: 5, dport: 6, flags: 0x1ff })))))],
];
