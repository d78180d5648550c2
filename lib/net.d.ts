// Network headers for XDP programs ("tsbpf/net"): Ethernet, 802.1Q, ARP, IPv4, IPv6 and its
// extension headers, UDP, TCP, ICMP — laid out exactly as on the wire, with network-order
// (big-endian) field types, plus the protocol numbers as enums that fold to constants (their
// run-time values, for tests, are in lib/net.cjs).

import type { be16, be32, FixedArray, u8 } from "./index.js";

export declare enum EtherType {
  IPV4 = 0x0800,
  ARP = 0x0806,
  VLAN = 0x8100,
  QINQ = 0x88a8,
  IPV6 = 0x86dd,
}

export declare enum IpProto {
  HOPOPTS = 0,
  ICMP = 1,
  TCP = 6,
  UDP = 17,
  ROUTING = 43,
  FRAGMENT = 44,
  ICMPV6 = 58,
  NONE = 59,
  DSTOPTS = 60,
}

export declare enum HeaderSize {
  ETH = 14,
  VLAN = 4,
  IPV4 = 20,
  IPV6 = 40,
  UDP = 8,
  TCP = 20,
  ICMP = 8,
  ARP = 28,
}

/** ARP operations (ArpHdr.op, in network order: `arp.op === htons(ArpOp.REQUEST)`). */
export declare enum ArpOp {
  REQUEST = 1,
  REPLY = 2,
}

/** ARP hardware types (ArpHdr.hrd). */
export declare enum ArpHardware {
  ETHER = 1,
}

export interface EthHdr {
  dst: FixedArray<u8, 6>;
  src: FixedArray<u8, 6>;
  proto: be16;
}

export interface VlanHdr {
  tci: be16;
  proto: be16;
}

/**
 * ARP for IPv4 over Ethernet (RFC 826): Linux's struct arphdr and the addresses that follow it,
 * 28 bytes. Packed, as on the wire: the sender's IPv4 address `sip` is at offset 14 (natural
 * alignment would put it at 16).
 * @packed
 */
export interface ArpHdr {
  /** Hardware type (ArpHardware.ETHER). */
  hrd: be16;
  /** Protocol type (EtherType.IPV4). */
  pro: be16;
  /** Hardware and protocol address lengths (6 and 4). */
  hln: u8;
  pln: u8;
  /** ArpOp. */
  op: be16;
  sha: FixedArray<u8, 6>;
  sip: be32;
  tha: FixedArray<u8, 6>;
  tip: be32;
}

export interface IPv4Hdr {
  /** Version (high 4 bits) and header length in 32-bit words (low 4 bits). */
  verIhl: u8;
  tos: u8;
  totLen: be16;
  id: be16;
  /** Flags (high 3 bits) and fragment offset. */
  fragOff: be16;
  ttl: u8;
  protocol: u8;
  check: be16;
  saddr: be32;
  daddr: be32;
}

export interface IPv6Hdr {
  /** Version, traffic class and flow label. */
  verTcFlow: be32;
  payloadLen: be16;
  nexthdr: u8;
  hopLimit: u8;
  saddr: FixedArray<u8, 16>;
  daddr: FixedArray<u8, 16>;
}

/** The common start of IPv6 extension headers (hop-by-hop, routing, destination options). */
export interface IPv6ExtHdr {
  nexthdr: u8;
  /** Length in 8-byte units, not counting the first 8 bytes. */
  hdrlen: u8;
}

export interface IPv6FragHdr {
  nexthdr: u8;
  reserved: u8;
  fragOff: be16;
  id: be32;
}

export interface UdpHdr {
  source: be16;
  dest: be16;
  len: be16;
  check: be16;
}

export interface TcpHdr {
  source: be16;
  dest: be16;
  seq: be32;
  ackSeq: be32;
  /** Data offset (high 4 bits) and reserved bits. */
  doff: u8;
  flags: u8;
  window: be16;
  check: be16;
  urgPtr: be16;
}

export interface IcmpHdr {
  type: u8;
  code: u8;
  checksum: be16;
  id: be16;
  sequence: be16;
}
