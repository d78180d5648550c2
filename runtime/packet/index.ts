// Public entry point of the packet layer used by the XDP test harness:
// builders (frames from nested layer calls, lengths and checksums computed),
// parseFrame/describeFrame, checksum arithmetic, addresses, and pcap/pcapng
// readers and writers. Protocol numbers and header layouts live in
// ./constants.js (re-exported here).
export * from "./constants.js";
export { formatIpv4, formatIpv6, formatMac, parseIpv4, parseIpv6, parseMac, type Ipv4Input, type Ipv6Input, type MacInput } from "./address.js";
export {
  checksumUpdate16,
  checksumUpdate32,
  checksumUpdateBytes,
  checksumValid,
  internetChecksum,
  onesComplementSum,
  pseudoHeaderSum,
  transportChecksum,
  transportChecksumValid,
  type PseudoHeader,
} from "./checksum.js";
export { PacketBuildError, PacketParseError } from "./errors.js";

export { packetBytes, type ChecksumOption, type EncodeContext, type Layer, type Payload } from "./build/layer.js";
export { DEFAULT_DST_MAC, DEFAULT_SRC_MAC, ethernet, qinq, vlan, type EthernetOptions, type VlanOptions } from "./build/ethernet.js";
export { arp, arpReply, arpRequest, type ArpOptions } from "./build/arp.js";
export { ipv4, type Ipv4Option, type Ipv4Options } from "./build/ipv4.js";
export { ipv6, type Ipv6Options } from "./build/ipv6.js";
export {
  authHeader,
  destinationOptions,
  hopByHop,
  ipv6Fragment,
  routing,
  srh,
  type AuthHeaderOptions,
  type FragmentOptions,
  type Ipv6Option,
  type OptionsHeaderOptions,
  type RoutingOptions,
  type SrhOptions,
} from "./build/ipv6-ext.js";
export { udp, type UdpOptions } from "./build/udp.js";
export { tcp, type TcpFlags, type TcpOption, type TcpOptions } from "./build/tcp.js";
export {
  icmp,
  icmpDestUnreachable,
  icmpEchoReply,
  icmpEchoRequest,
  type DestUnreachableOptions,
  type EchoOptions,
  type IcmpOptions,
} from "./build/icmp.js";
export {
  icmpv6,
  icmpv6EchoReply,
  icmpv6EchoRequest,
  neighborAdvertisement,
  neighborSolicitation,
  type Icmpv6EchoOptions,
  type Icmpv6Options,
  type NeighborAdvertisementOptions,
  type NeighborSolicitationOptions,
} from "./build/icmpv6.js";
export { dnsQuery, type DnsQueryOptions } from "./build/dns.js";

export { parseFrame, tryParseFrame } from "./parse/frame.js";
export { describeFrame } from "./parse/describe.js";
export type * from "./parse/types.js";

export * from "./capture/index.js";
