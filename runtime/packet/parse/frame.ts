// parseFrame: decodes an Ethernet frame (no FCS) layer by layer:
//   ethernet → 802.1Q/802.1ad tags → arp | ipv4 | ipv6 (+ extension headers)
//   → udp | tcp | icmp | icmpv6 (IPv4-in-IP and IPv6-in-IP are followed too) → payload.
// Unknown EtherTypes and IP protocols end the walk; what follows is payload.
// Invariant: for any bytes it returns a ParsedFrame or throws
// PacketParseError (layer, absolute offset, problem, layers decoded so far);
// no other exception escapes. Checksum mismatches are reported per layer
// (checksumValid), never thrown.
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_QINQ,
  ETHERTYPE_VLAN,
  ETH_HEADER_LEN,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IPIP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
} from "../constants.js";
import { PacketParseError } from "../errors.js";
import { FrameCursor } from "./cursor.js";
import { parseIcmp, parseIcmpv6 } from "./icmp.js";
import { parseIpv4, type NetworkResult } from "./ipv4.js";
import { parseIpv6 } from "./ipv6.js";
import { parseArp, parseEthernet, parseVlan } from "./link.js";
import { parseTcp, parseUdp } from "./transport.js";
import type { EthernetLayer, ParsedFrame, ParsedLayer, VlanLayer } from "./types.js";

/** TPIDs treated as VLAN tags: 802.1Q, 802.1ad and the pre-standard QinQ 0x9100. */
const VLAN_TPIDS = new Set([ETHERTYPE_VLAN, ETHERTYPE_QINQ, 0x9100]);

/** Where the innermost header ended and where the bytes it declares end. */
interface Tail {
  payloadOffset: number;
  end: number;
}

function parseNetwork(cur: FrameCursor, etherType: number, offset: number, limit: number): Tail {
  if (etherType === ETHERTYPE_IPV4) return parseUpper(cur, parseIpv4(cur, offset, limit));
  if (etherType === ETHERTYPE_IPV6) return parseUpper(cur, parseIpv6(cur, offset, limit));
  return { payloadOffset: offset, end: limit };
}

function parseUpper(cur: FrameCursor, net: NetworkResult): Tail {
  const { next, end, pseudo, fragment } = net;
  if (fragment === "later") return { payloadOffset: next, end };
  switch (net.protocol) {
    case IPPROTO_UDP: {
      const udp = parseUdp(cur, next, end, pseudo, fragment);
      return { payloadOffset: next + 8, end: udp.end };
    }
    case IPPROTO_TCP:
      return { payloadOffset: parseTcp(cur, next, end, pseudo, fragment).headerEnd, end };
    case IPPROTO_ICMP:
      return { payloadOffset: parseIcmp(cur, next, end, fragment).headerEnd, end };
    case IPPROTO_ICMPV6:
      return { payloadOffset: parseIcmpv6(cur, next, end, pseudo, fragment).headerEnd, end };
    case IPPROTO_IPIP:
      return fragment === "whole" ? parseNetwork(cur, ETHERTYPE_IPV4, next, end) : { payloadOffset: next, end };
    case IPPROTO_IPV6:
      return fragment === "whole" ? parseNetwork(cur, ETHERTYPE_IPV6, next, end) : { payloadOffset: next, end };
    default:
      return { payloadOffset: next, end };
  }
}

function first<K extends ParsedLayer["kind"]>(layers: ParsedLayer[], kind: K): Extract<ParsedLayer, { kind: K }> | undefined {
  return layers.find((l): l is Extract<ParsedLayer, { kind: K }> => l.kind === kind);
}

function assemble(cur: FrameCursor, tail: Tail): ParsedFrame {
  const { layers, bytes } = cur;
  const frame: ParsedFrame = {
    length: bytes.length,
    layers,
    ethernet: layers[0] as EthernetLayer,
    vlans: layers.filter((l): l is VlanLayer => l.kind === "vlan"),
    payloadOffset: tail.payloadOffset,
    payload: bytes.slice(tail.payloadOffset, tail.end),
    trailer: bytes.slice(tail.end),
    checksumsValid: layers.every((l) => !("checksumValid" in l) || l.checksumValid !== false),
  };
  const arp = first(layers, "arp");
  const ipv4 = first(layers, "ipv4");
  const ipv6 = first(layers, "ipv6");
  const udp = first(layers, "udp");
  const tcp = first(layers, "tcp");
  const icmp = first(layers, "icmp");
  const icmpv6 = first(layers, "icmpv6");
  if (arp) frame.arp = arp;
  if (ipv4) frame.ipv4 = ipv4;
  if (ipv6) frame.ipv6 = ipv6;
  if (udp) frame.udp = udp;
  if (tcp) frame.tcp = tcp;
  if (icmp) frame.icmp = icmp;
  if (icmpv6) frame.icmpv6 = icmpv6;
  return frame;
}

/** Decodes `bytes` as an Ethernet II frame without FCS. Throws PacketParseError when it cannot. */
export function parseFrame(bytes: Uint8Array): ParsedFrame {
  const cur = new FrameCursor(bytes);
  try {
    const eth = parseEthernet(cur);
    let etherType = eth.etherType;
    let offset = ETH_HEADER_LEN;
    while (VLAN_TPIDS.has(etherType)) {
      etherType = parseVlan(cur, offset, etherType).etherType;
      offset += 4;
    }
    if (etherType === ETHERTYPE_ARP) {
      const { end } = parseArp(cur, offset);
      return assemble(cur, { payloadOffset: end, end });
    }
    return assemble(cur, parseNetwork(cur, etherType, offset, bytes.length));
  } catch (e) {
    if (e instanceof PacketParseError) throw e;
    // A read the parsers failed to guard is a bug; report it as a parse error at the deepest layer.
    const last = cur.layers[cur.layers.length - 1];
    throw new PacketParseError(last?.kind ?? "ethernet", last?.offset ?? 0, `internal parser error: ${String(e)}`, [...cur.layers]);
  }
}

/** parseFrame, but returns the PacketParseError instead of throwing it. */
export function tryParseFrame(bytes: Uint8Array): ParsedFrame | PacketParseError {
  try {
    return parseFrame(bytes);
  } catch (e) {
    if (e instanceof PacketParseError) return e;
    throw e;
  }
}
