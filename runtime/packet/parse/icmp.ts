// ICMP (IPv4) and ICMPv6 parsers.
//   ICMP:   type | code | checksum(2) | rest of header(4) | data       (checksum over the message)
//   ICMPv6: type | code | checksum(2) | body                          (checksum with IPv6 pseudo-header)
//     echo: id(2) seq(2) data;  NS/NA: flags(4) target(16) NDP options (type | len in 8-byte units | data)
// Errors: an ICMP message under 8 bytes, an ICMPv6 message under 4 bytes, an
// echo under 8, a neighbor message under 24, an NDP option of length 0 or
// past the end.
import { formatIpv6, formatMac } from "../address.js";
import { checksumValid, type PseudoHeader } from "../checksum.js";
import {
  ICMP_CODE_FRAG_NEEDED,
  ICMP_DEST_UNREACHABLE,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_HEADER_LEN,
  ICMPV6_ECHO_REPLY,
  ICMPV6_ECHO_REQUEST,
  ICMPV6_NEIGHBOR_ADVERTISEMENT,
  ICMPV6_NEIGHBOR_SOLICITATION,
  IPPROTO_ICMPV6,
  NA_FLAG_OVERRIDE,
  NA_FLAG_ROUTER,
  NA_FLAG_SOLICITED,
  NDP_MESSAGE_LEN,
  NDP_OPT_SOURCE_LINK_ADDR,
  NDP_OPT_TARGET_LINK_ADDR,
} from "../constants.js";
import type { FrameCursor } from "./cursor.js";
import type { FragmentPosition } from "./ipv4.js";
import { segmentChecksum } from "./transport.js";
import type { IcmpLayer, Icmpv6Layer, TlvOption } from "./types.js";

/** ICMP at `offset`; returns the layer and where its data (after the 8-byte header) starts. */
export function parseIcmp(cur: FrameCursor, offset: number, end: number, fragment: FragmentPosition): { layer: IcmpLayer; headerEnd: number } {
  const L = "icmp";
  cur.need(L, offset, ICMP_HEADER_LEN, end, "ICMP header");
  const type = cur.u8(offset);
  const code = cur.u8(offset + 1);
  const layer: IcmpLayer = {
    kind: "icmp",
    offset,
    type,
    code,
    checksum: cur.u16(offset + 2),
    checksumValid: fragment === "whole" ? checksumValid(cur.bytes, offset, end) : null,
    rest: cur.u32(offset + 4),
  };
  if (type === ICMP_ECHO_REQUEST || type === ICMP_ECHO_REPLY) {
    layer.id = cur.u16(offset + 4);
    layer.seq = cur.u16(offset + 6);
  } else if (type === ICMP_DEST_UNREACHABLE && code === ICMP_CODE_FRAG_NEEDED) {
    layer.mtu = cur.u16(offset + 6);
  }
  return { layer: cur.push(layer), headerEnd: offset + ICMP_HEADER_LEN };
}

function parseNdpOptions(cur: FrameCursor, start: number, end: number): TlvOption[] {
  const options: TlvOption[] = [];
  for (let at = start; at < end; ) {
    cur.need("icmpv6 ndp option", at, 2, end, "NDP option header");
    const units = cur.u8(at + 1);
    if (units === 0) cur.fail("icmpv6 ndp option", at + 1, "option length is 0");
    cur.need("icmpv6 ndp option", at, units * 8, end, `NDP option of ${units * 8} bytes`);
    options.push({ type: cur.u8(at), data: cur.bytes.slice(at + 2, at + units * 8) });
    at += units * 8;
  }
  return options;
}

/** ICMPv6 at `offset`; returns the layer and where its data starts (after the type-specific header). */
export function parseIcmpv6(
  cur: FrameCursor,
  offset: number,
  end: number,
  pseudo: PseudoHeader,
  fragment: FragmentPosition,
): { layer: Icmpv6Layer; headerEnd: number } {
  const L = "icmpv6";
  cur.need(L, offset, 4, end, "ICMPv6 header");
  const type = cur.u8(offset);
  const layer: Icmpv6Layer = {
    kind: "icmpv6",
    offset,
    type,
    code: cur.u8(offset + 1),
    checksum: cur.u16(offset + 2),
    // ICMPv6 has no IPv4 pseudo-header, so over IPv4 its checksum cannot be checked.
    checksumValid: pseudo.family === 6 ? segmentChecksum(cur, pseudo, IPPROTO_ICMPV6, offset, end, fragment) : null,
  };
  let headerEnd = offset + 4;
  if (type === ICMPV6_ECHO_REQUEST || type === ICMPV6_ECHO_REPLY) {
    cur.need(L, offset, 8, end, "ICMPv6 echo");
    layer.id = cur.u16(offset + 4);
    layer.seq = cur.u16(offset + 6);
    headerEnd = offset + 8;
  } else if (type === ICMPV6_NEIGHBOR_SOLICITATION || type === ICMPV6_NEIGHBOR_ADVERTISEMENT) {
    cur.need(L, offset, NDP_MESSAGE_LEN, end, "neighbor discovery message");
    const flags = cur.u32(offset + 4);
    layer.target = formatIpv6(cur.bytes, offset + 8);
    if (type === ICMPV6_NEIGHBOR_ADVERTISEMENT) {
      layer.router = (flags & NA_FLAG_ROUTER) !== 0;
      layer.solicited = (flags & NA_FLAG_SOLICITED) !== 0;
      layer.override = (flags & NA_FLAG_OVERRIDE) !== 0;
    }
    layer.ndpOptions = parseNdpOptions(cur, offset + NDP_MESSAGE_LEN, end);
    const wanted = type === ICMPV6_NEIGHBOR_SOLICITATION ? NDP_OPT_SOURCE_LINK_ADDR : NDP_OPT_TARGET_LINK_ADDR;
    const link = layer.ndpOptions.find((o) => o.type === wanted && o.data.length >= 6);
    if (link) layer.linkAddress = formatMac(link.data, 0);
    headerEnd = end;
  }
  return { layer: cur.push(layer), headerEnd };
}
