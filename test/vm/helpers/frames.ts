// The frames the helper tests feed to the kernel and the VM, built with the packet builders:
// the 14-byte minimum, small and padded IPv4/UDP, a TCP SYN with options, a VLAN-tagged
// frame, IPv6/UDP and a 1500-byte frame. Every frame is deterministic.
import { ethernet, ipv4, ipv6, tcp, udp, vlan } from "../../../runtime/packet/index.js";

const payload = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

export interface NamedFrame {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export const FRAMES = {
  /** Ethernet header only (a local experimental EtherType): the smallest frame test_run takes. */
  eth14: ethernet({ type: 0x88b5 }),
  /** IPv4/UDP padded to the 60-byte minimum. */
  udp60: ethernet({ padTo: 60 }, ipv4({ src: "192.0.2.10", dst: "198.51.100.53", ttl: 64 }, udp({ sport: 33333, dport: 53 }, "hello"))),
  /** IPv4/TCP SYN with MSS, SACK-permitted, timestamps and window scale. */
  tcpSyn: ethernet(
    {},
    ipv4(
      { src: "198.51.100.7", dst: "203.0.113.80", ttl: 128, id: 0x1234 },
      tcp({
        sport: 51000,
        dport: 80,
        seq: 0x01020304,
        flags: { syn: true },
        window: 64240,
        options: [{ kind: "mss", value: 1460 }, { kind: "sackPermitted" }, { kind: "timestamps", value: 1000, echo: 0 }, { kind: "nop" }, { kind: "windowScale", shift: 7 }],
      }),
    ),
  ),
  /** 802.1Q (VID 100) around IPv4/UDP. */
  vlanUdp: ethernet({}, vlan({ vid: 100, pcp: 3 }, ipv4({ src: "10.0.0.1", dst: "10.0.0.2", ttl: 7 }, udp({ sport: 4000, dport: 4001 }, payload(33, 1))))),
  /** IPv6/UDP. */
  ipv6Udp: ethernet({}, ipv6({ src: "2001:db8::1", dst: "2001:db8::2", hopLimit: 64 }, udp({ sport: 546, dport: 547 }, payload(40, 2)))),
  /** A full-size 1500-byte IPv4/UDP frame. */
  udp1500: ethernet({}, ipv4({ src: "192.0.2.1", dst: "192.0.2.2", ttl: 255, id: 7 }, udp({ sport: 9, dport: 9 }, payload(1500 - 14 - 20 - 8, 3)))),
} as const;

export type FrameName = keyof typeof FRAMES;

/** Every frame, smallest first. */
export const ALL_FRAMES: readonly FrameName[] = ["eth14", "udp60", "tcpSyn", "vlanUdp", "ipv6Udp", "udp1500"];
